"""The message-signal rules: each a pattern on folded text, the contexts it needs in the same
message, a weight, and what it means in English and French (the evidence a hit shows).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rempart.intel.vocabulary import (
    AGE,
    CAPTURE,
    CHAIN,
    CLASS_AT_SCHOOL,
    CLOSE,
    FIRST_NAME,
    HANDLE,
    HER,
    NOT_A_PERSON,
    PICTURE,
    RELATION,
    SPICY_MEDIA,
    TOWN,
    TRIB,
    compiled,
)

#: Her account given: a handle, or a platform and a user name ("snap: lea_07").
NAMED_ACCOUNT = (
    HANDLE + r"|\b(?:insta|ig|snap|snapchat|sc|tiktok|tt|bereal|twitter|fb)(?: \|)?"
    r" (?:c ?est |est |is |-> )?@?(?=[a-z0-9_.]*[0-9_.])[a-z0-9_.]{3,30}\b"
)


@dataclass(frozen=True)
class Rule:
    """One way a kind fires: a pattern and the contexts it needs in the same message."""

    name: str
    kind: str
    pattern: re.Pattern[str]
    weight: float
    #: Each entry the contexts of which the message must have one (most entries hold one).
    needs: tuple[tuple[str, ...], ...]
    en: str
    fr: str


def _rule(
    name: str,
    kind: str,
    pattern: str,
    weight: float,
    needs: tuple[str | tuple[str, ...], ...],
    en: str,
    fr: str,
) -> Rule:
    alternatives = tuple(need if isinstance(need, tuple) else (need,) for need in needs)
    return Rule(name, kind, compiled(pattern), weight, alternatives, en, fr)


RULES: tuple[Rule, ...] = (
    # solicitation
    _rule(
        "explicit_tribute",
        "solicitation",
        r"\bc[u*]m ?tr[i*]b[a-z*]*|\bc[u*]m (?:on|sur) " + HER + r"\b"
        r"|\b(?:jouir|gicler|juter|decharger|ejaculer|branler?|me branler|wank\w*|fap\w*"
        r"|c[u*]m\w*)\b(?: \w+){0,3} (?:sur|on|to|devant) "
        + HER
        + " "
        + PICTURE
        + r"|\b(?:jouir|gicler|juter|decharger|ejaculer)\b(?: \w+){0,2} (?:sur|on) (?:vos|tes|ta|sa"
        r"|ses|ma|mes|la|les|des|une|her|your|their|my|this)\b"
        r"|\b(?:jerk\w*(?: off)?|jack\w* off|beat\w* (?:it|off)|bust\w*(?: a nut)?|nut\w*"
        r"|goon\w*|stroke\w*)(?: \w+){0,2} (?:to|on|over) (?:her|my|your|ur|his|this|these|their)"
        r" (?:\w+(?: s)? ){0,2}(?:pics?|photos?|nudes?|vids?|videos?|insta|feed|story|ass|tits|face"
        r"|body)\b",
        0.95,
        (),
        "a sexual 'tribute' on a woman's picture, named outright",
        "un « tribute » sexuel sur la photo d'une femme, dit explicitement",
    ),
    _rule(
        "tribute_request",
        "solicitation",
        TRIB,
        0.9,
        ("ask",),
        "a 'trib' asked for, offered or announced",
        "un « trib » demandé, proposé ou annoncé",
    ),
    _rule(
        "bare_tribute",
        "solicitation",
        r"^(?:c[u*]m ?)?tr[i*]bs?(?: \|)?$",
        0.75,
        (),
        "a 'trib' asked for in one word",
        "un « trib » demandé en un mot",
    ),
    _rule(
        "filmed_over_her_picture",
        "solicitation",
        r"\b(?:filmed|recorded|shot a (?:vid|video)|made a (?:vid|video)|film(?:e|ee)|fait une"
        r" (?:vid|video)|tourne une (?:vid|video))(?: \w+){0,2} (?:over|on top of|onto|par dessus"
        r"|devant) (?:her|sa|ta|ma|my|your|ur|la|the|ses) (?:\w+ ){0,2}(?:pics?|photos?|tofs?"
        r"|picture|selfies?|story|pp)\b"
        r"|\b(?:mis|mets|put|putting|displayed|affiche\w*|projete\w*) (?:sa|her|ses|la|ta|ma|une)"
        r" (?:\w+ )?(?:photos?|pics?|tofs?|picture|selfies?) (?:on|sur|onto|a) (?:\w+ ){0,2}"
        r"(?:ecran|tele|tv|monitor|screen|ordi|laptop|pc|tablette|projo)\b(?: \w+){0,8}"
        r" (?:videos?|vids?|film\w*|recorded|recording)\b",
        0.8,
        ("female", "no:fond", "no:event"),
        "a video filmed over her picture shown on a screen: a tribute",
        "une vidéo filmée sur sa photo affichée à l'écran : un « trib »",
    ),
    _rule(
        "who_has_her",
        "solicitation",
        r"\b(?:qui a|qui aurait|who has|who s got|anyone (?:got|have)|t as|vous avez) (?:la|sa"
        r"|ta|the"
        r"|her|your|ur) (?:\w+ )?" + RELATION + r"\b",
        0.75,
        ("sexual",),
        "a woman close to someone asked for in sexual terms",
        "une proche de quelqu'un demandée en termes sexuels",
    ),
    _rule(
        "relatives_traded",
        "solicitation",
        r"\b(?:i got|i have|i ve got|j ai) (?:my|ma) " + RELATION + r"(?: \|)?(?: i)? (?:want"
        r"|je veux"
        r"|contre|for) (?:your|ur|ta|la tienne|yours)\b"
        r"|\b(?:your|ur|ta|tes) (?:\w+ )?"
        + RELATION
        + r"\b(?: (?:\w+|\|)){0,6} (?:trade|swap|echange)\w*"
        r" (?:you |u |te |t )?(?:mine|la mienne|les miennes)\b",
        0.8,
        (),
        "women close to the members traded",
        "des proches des membres échangées",
    ),
    _rule(
        "tribute_on_her",
        "solicitation",
        TRIB + r"(?: \w+){0,4} (?:sur|on|of|de|for|pour) (?:(?:sa|ma|ta|la|cette|une|her|my|this"
        r"|mon|son|des|les|ces)\b|@[a-z0-9_.]{3,30})|" + TRIB + r"(?: \w+){0,2} @[a-z0-9_.]{3,30}",
        0.9,
        (),
        "a 'trib' on a woman",
        "un « trib » sur une femme",
    ),
    _rule(
        "send_her",
        "solicitation",
        r"\b(?:envoie[sz]?|envoyez|balance[sz]?|balancez|drop|send|post(?:ez)?|partage[sz]?"
        r"|montre[sz]?|exposez|expose|leakez|leak)(?: moi| me| nous| us)?(?: (?:pics|photos|tofs"
        r"|nudes|la suite|le reste|more"
        r"|the rest) (?:of|de|d))?"
        r" (?:vos|ta|tes|your|ur|his|leurs?) "
        + RELATION
        + r"s?\b|\b(?:see|voir) (?:my|ma|mon|sa|ta|her|his|your|ur) "
        + RELATION
        + r"\b",
        0.85,
        (("sexual", "private", "rating"),),
        "women close to the members asked for",
        "des femmes proches des membres demandées",
    ),
    _rule(
        "relatives_asked_for",
        "solicitation",
        r"\b(?:vos|tes|your|ur) "
        + RELATION
        + r"s? (?:\w+ ){0,2}(?:en|in) (?:string|maillot|bikini|lingerie|sous vetements?|culotte"
        r"|legging|nuisette|petite tenue|serviette|thong|underwear|panties|bra|swimsuit)\b",
        0.8,
        ("ask",),
        "women close to the members asked for in sexual terms",
        "des femmes proches des membres demandées en termes sexuels",
    ),
    _rule(
        "known_woman_asked",
        "solicitation",
        r"\b(?:photos?|pics?|tofs?|pictures?|selfies?)(?: \w+){0,2} (?:d une|de|of an?|of some)"
        r" (?:fille|meuf|femme|nana|go|girl|woman|chick) (?:que (?:tu|vous) (?:connais|connaissez)"
        r"|qu on connait|you know|u know|irl|de ton entourage|de ta vie|in your life)\b",
        0.8,
        (("ask", "request", "reward"),),
        "pictures of a woman the member knows asked for",
        "des photos d'une femme que le membre connaît demandées",
    ),
    _rule(
        "relatives_pictures_asked",
        "solicitation",
        r"\b(?:photos?|pics?|tofs?|pp|selfies?) (?:de|d|of) (?:vos|tes|ta|your|ur) (?:copines?"
        r"|meufs?|soeurs?|cousines?|voisines?|collegues?|ex|exs|girlfriends?|gfs?|sisters?|cousins?)\b",
        0.8,
        (("ask", "request", "reward"), "no:event", "no:fond", "no:game"),
        "pictures of the women close to the members asked for",
        "des photos des proches des membres demandées",
    ),
    _rule(
        "target_card",
        "solicitation",
        r"\b(?:cible|target)s?(?: \|)? (?=[a-z@])",
        0.75,
        ("female", ("ask", "request")),
        "a woman set as the target of a request",
        "une femme désignée comme cible d'une demande",
    ),
    _rule(
        "her_pictures_offered",
        "solicitation",
        CAPTURE.pattern + r"|\bstor(?:y|ies)\b",
        0.75,
        ("female", ("ask", "shown", "held"), "sexual"),
        "a woman's pictures offered or asked for in sexual terms",
        "des photos d'une femme proposées ou demandées en termes sexuels",
    ),
    _rule(
        "exposed_pictures_offered",
        "solicitation",
        CAPTURE.pattern
        + r"|\b(?:stor(?:y|ies)|galerie|gallery|camera roll|pellicule|folder|drive|i?cloud|packs?"
        r"|collecs?|resultats?|results?|insta prives?|comptes? prives?"
        r"|private (?:insta|accounts?))\b"
        r"|\b(?:posting|je poste|je (?:vous )?(?:mets|balance)) (?:my|her|ma|sa|la) "
        + RELATION
        + r"\b",
        0.75,
        (
            "female",
            ("private", "rating", "offer", "held", "commissioned", "reward"),
            "found:covert_capture",
        ),
        "pictures of a woman taken without her knowing, offered, held for the group, asked for or"
        " put up to be rated",
        "des photos d'une femme prises à son insu, proposées, détenues pour le groupe, demandées"
        " ou soumises à un classement",
    ),
    _rule(
        "deepfake_results_offered",
        "solicitation",
        r"\b(?:results?|resultats?|rendus?|outputs?|porno? (?:of|de|d)"
        r"|(?:undress\w*|nudif\w*|deep ?nudes?|deep ?fakes?|fakes?|face ?swaps?) (?:of|de|d)"
        r"|pics|photos|tofs|vids|videos)\b",
        0.75,
        ("female", ("private", "shown", "offer"), "found:deepfake"),
        "an undressed or face-swapped picture of a woman offered privately or shown",
        "une image déshabillée ou truquée d'une femme proposée en privé ou montrée",
    ),
    _rule(
        "deepfakes_made_to_order",
        "solicitation",
        r"\b(?:je (?:fais|fait|realise|prends|cree|genere|vous fais|te fais|mets|colle)"
        r"|dispo pour (?:faire|vos)"
        r"|available (?:to make|for)|i (?:do|make|create"
        r"|generate)|i ?ll (?:do|make)|taking (?:orders|requests|commissions)|(?:commandes?|orders"
        r"|requests|commissions?) (?:open|ouvertes?)"
        r"|(?:je lance|j ouvre|launching|opening|i run) (?:un |mon |a |my )?"
        r"(?:service|shop|boutique)"
        r"|(?:pour|to) (?:commander|order))\b",
        0.75,
        ("found:deepfake", ("offer", "private")),
        "undressed or face-swapped pictures made to order for the members",
        "des images déshabillées ou truquées faites sur commande pour les membres",
    ),
    _rule(
        "her_pictures_for_the_tool",
        "solicitation",
        r"\b(?:drop|send|envoie[sz]?|envoyez|balance[sz]?|balancez|donne[sz]?|file[sz]?)"
        r"(?: moi| me)? (?:(?:her|sa|ses|son|leurs?|their) (?:pics|photos|tofs|insta|snap|pp|face"
        r"|visage)|(?:une |des |les |a )?(?:photos?|pics?|tofs?) (?:de|d|of) (?:ta|ton|tes|your|ur"
        r"|sa|ses|her) [a-z]{2,15})\b",
        0.75,
        ("found:deepfake",),
        "a woman's pictures asked for, to undress or face-swap them",
        "les photos d'une femme demandées pour la déshabiller ou la truquer",
    ),
    _rule(
        "stolen_nude_posted",
        "solicitation",
        r"\b(?:nudes?|nue|nues|a poil|naked|sextape|topless|seins nus)\b",
        0.75,
        ("found:covert_capture",),
        "a nude picture taken without her knowing, posted",
        "une photo nue prise à son insu, publiée",
    ),
    _rule(
        "pictures_privately",
        "solicitation",
        r"\b(?:hmu|dm me|dm moi|mp moi|ecris moi|write me|dm|mp|pv|kik me|snap me|text me"
        r"|message me|add me) (?:for|pour) (?:her |ses |sa"
        r" |more |plus de |le |the )?(?:pics|photos|tofs|nudes|more|plus|la suite|lien|link"
        r"|drive)\b|\bla suite en (?:mp|dm|pv|prive)\b|\bmore in (?:dm|dms)\b"
        r"|\b(?:ajoute[sz]? moi|add me|dm me|mp moi|ecris moi) (?:pour|for|to) (?:recevoir"
        r"|avoir|get"
        r"|see|voir) (?:le |la |les |her |the |ses |sa )?(?:pack|lien|link|drive|photos?|pics?"
        r"|tofs?"
        r"|nudes?|videos?|vids?|suite|rest)\b",
        0.75,
        ("female",),
        "her pictures offered privately",
        "ses photos proposées en privé",
    ),
    _rule(
        "trade_her_pictures",
        "solicitation",
        r"\b(?:trade|echange\w*|troc\w*|swap)(?: \|)?(?: \w+){0,2} (?:photos?|pics?|tofs?|nudes?)"
        r" (?:de|d|of) (?:ma|ta|sa|my|your|his|ur|our|nos|vos|their) " + RELATION + r"s?\b",
        0.8,
        (),
        "pictures of a woman close to them traded",
        "des photos d'une proche échangées",
    ),
    _rule(
        "private_offer",
        "solicitation",
        r"\b(?:dispo|disponible|available|up for grabs)(?: \w+){0,2} (?:en |in |par |by )?(?:mp|dm"
        r"|dms|pv|prive|inbox)\b",
        0.75,
        ("sexual", "female"),
        "a woman offered in sexual terms, privately",
        "une femme proposée en termes sexuels, en privé",
    ),
    _rule(
        "expose_page",
        "solicitation",
        r"\b(?:pages?|comptes?|accs?|accounts?|insta|serveurs?|servers?|salons?|channels?)"
        r" (?:d )?expose\w*\b|\bexpose (?:page|acc|account|insta|server|channel)s?\b",
        0.75,
        (("ask", "offer"), "no:event"),
        "an 'expose' page or account taking women's pictures",
        "une page ou un compte « expose » qui recueille des photos de femmes",
    ),
    _rule(
        "channel_for_her",
        "solicitation",
        r"\b(?:salon|salons|channel|chan|thread|fil|topic|sujet)(?: \w+)?"
        r" (?:dedie|dediee|dedicated|special|rien que|reserve|just|only)"
        r" (?:a|au|pour|to|for|sur|on) (?:la|ma|ta|sa|cette|notre|her|my|this|the|our)\b",
        0.75,
        ("female", "sexual"),
        "a channel given over to a woman, in sexual terms",
        "un salon consacré à une femme, en termes sexuels",
    ),
    _rule(
        "women_sold",
        "solicitation",
        r"\b(?:vends?|je vends|selling|sell|for sale|a vendre)(?: \w+){0,8} (?:photos?|pics?|tofs?"
        r"|vids?|videos?|nudes?|packs?|drives?) (?:de|d|of) (?:lyceennes|collegiennes|etudiantes"
        r"|filles|meufs|nanas|girls|women|femmes|teens|chicks|schoolgirls)\b",
        0.8,
        (),
        "pictures of girls or women sold",
        "des photos de filles ou de femmes vendues",
    ),
    _rule(
        "her_account_offered",
        "solicitation",
        NAMED_ACCOUNT + r"|\b(?:son|sa|her) (?:insta|snap|snapchat|tiktok|onlyfans)\b"
        r"|\b(?:an?|un|her|son|sa|[a-z]+ s) (?:of|onlyfans|fansly|mym) (?:link|lien|page|account"
        r"|compte|content|contenu|leaks?)\b",
        0.75,
        ("female", "sexual", "offer"),
        "a woman's account offered to the group in sexual terms",
        "le compte d'une femme proposé au groupe en termes sexuels",
    ),
    _rule(
        "tribute_of_a_woman",
        "solicitation",
        TRIB,
        0.7,
        ("female",),
        "a 'trib' where a woman is the subject",
        "un « trib » dont une femme est le sujet",
    ),
    _rule(
        "sexual_content_request",
        "solicitation",
        r"\b(?:(?<!make a )(?<!make an )(?<!me faire un )(?<!me faire des )(?:deep ?)?nudes*"
        r"|(?<!me faire un )face ?swap\w*(?! (?:app|appli|site|tool|bot|outil))"
        r"|nues?|sextape|sextos?|sexts?|leaks?|pics? (?:hot|sexy|nsfw)"
        r"|(?:trucs?|contenus?|content|stuff) (?:chauds?|hot|sexy|coquins?|nsfw|x)"
        r"|" + SPICY_MEDIA + r"|(?<!me faire un )(?<!moi un )(?<!make me a )"
        r"deep ?fakes?(?! (?:site|app|appli|tool|bot|outil|logiciel|generat\w*))"
        r"|(?:photos?|pics?|tofs?|vids?|videos?)(?: \w+){0,4} (?:hot|sexy|nues?|coquines?"
        r"|en maillot|en string|en lingerie|en sous vetements?|a poil|sous la douche|dans la douche"
        r"|intimes?"
        r"|de la douche|des douches|du vestiaire|des vestiaires"
        r"|in the shower|au lit|in bed))\b"
        r"|\b(?:dossiers?|packs?)(?: \w+)? (?:de|sur|of) (?:la|sa|ta|ma|cette|une|her)\b"
        r"|\b(?:dossiers?|packs?) (?:de |d |of )?" + FIRST_NAME + r"\b"
        r"|\b(?:video|vid|film)s? (?:x|porno?)\b|\bporno?\b"
        r"|\b(?:everything|all|what|tout ce qu|ce qu) (?:she|elle) (?:sent|m a envoye|nous a envoye"
        r"|m envoyait)\b",
        0.85,
        (("ask", "offer"), "female"),
        "sexual pictures of a woman asked for or offered",
        "des photos sexuelles d'une femme demandées ou proposées",
    ),
    _rule(
        "rating_game",
        "solicitation",
        r"\b(?:(?:la|les|des) plus (?:bonnes?|chaudes?)|the hottest"
        r"|(?:la|les|des|the) (?:plus )?(?:belles?|jolies?|sexy|canons?|hottest|prettiest)"
        r" (?:salopes?|meufs?|filles?|go|nanas?|girls?|chicks?|sluts?))\b",
        0.8,
        (),
        "a woman's pictures put up to be rated sexually",
        "des photos d'une femme soumises à un classement sexuel",
    ),
    _rule(
        "smash_or_pass",
        "solicitation",
        r"\bsmash (?:or|ou) pass\b",
        0.8,
        (("female", "capture"),),
        "women's pictures put up to smash or pass",
        "des photos de femmes soumises à « smash or pass »",
    ),
    _rule(
        "rating_contest",
        "solicitation",
        r"\b(?:note[sz]? (?:la|sa|cette|ma|les)|vos notes"
        r"|avis sur (?:ses|sa|cette|la|les) (?:photos?|tofs?|pics?|corps)"
        r"|rate (?:her|this girl|my|the|ma|sa|ta|mon|son|ur|your|it|them|these|those)"
        r"|smash(?= \||$)"
        r"|vote[sz]? pour|(?:vous|tu) (?:la|les) not\w*|notez|sur 10|out of 10)\b",
        0.8,
        ("female", ("sexual", "capture", "found:minor")),
        "a woman's pictures put up to be rated sexually",
        "des photos d'une femme soumises à un classement sexuel",
    ),
    _rule(
        "women_rated",
        "solicitation",
        r"\b(?:note[sz]?|notez|on note|rate|rating|classement) (?:les |des |the |these"
        r" |those )?(?:meufs|filles|nanas|girls|chicks|go|gow|femmes|women|daronnes|meres|mamans"
        r"|moms|soeurs|sisters|copines|cousines|voisines|profs)\b",
        0.8,
        (("scale", "capture", "sexual"),),
        "women of a group rated on a scale",
        "les femmes d'un groupe notées sur une échelle",
    ),
    _rule(
        "her_rated",
        "solicitation",
        r"\b(?:rate|note[sz]?) (?:her|la)(?= \||$| [0-9]| sur| out| on)",
        0.75,
        ("scale",),
        "a woman rated on a scale",
        "une femme notée sur une échelle",
    ),
    _rule(
        "tournament",
        "solicitation",
        r"\b(?:tournoi|tournament|tourney|concours|contest)\b",
        0.8,
        ("female", ("sexual", "capture")),
        "women's pictures put in a contest",
        "des photos de femmes mises en concours",
    ),
    _rule(
        "relatives_in_a_contest",
        "solicitation",
        r"\b(?:tournoi|tournament|tourney|concours|contest|battle|classement|ranking) (?:des|de|of"
        r" (?:the )?)(?:\w+ )?(?:soeurs|cousines|copines|meufs|exs?|voisines|collegues|sisters"
        r"|girlfriends|gfs|daronnes)\b",
        0.8,
        ("no:game",),
        "the members' sisters, girlfriends or exes put in a contest",
        "les sœurs, copines ou ex des membres mises en concours",
    ),
    _rule(
        "women_pitted",
        "solicitation",
        r"\b(?:la|sa|ta|ma|the|my|his|your|ur) (?:\w+ )?"
        + RELATION
        + r"(?: (?:de|d|of) @?[a-z0-9_.]{2,15})?(?: \|)? (?:vs|versus|contre|or|ou)"
        r" (?:la|sa|ta|ma|the|my|his|your|ur) (?:\w+ )?" + RELATION + r"\b",
        0.8,
        (("rating", "contest"), "no:game"),
        "women close to the members set against each other to be voted on",
        "des proches des membres opposées les unes aux autres pour un vote",
    ),
    _rule(
        "intimate_capture_asked",
        "solicitation",
        r"\b(?:toilettes?|toilets?|wc|douches?|showers?|vestiaires?|changing rooms?|locker rooms?"
        r"|salle de bains?|bathroom|cabines? d essayage|fitting rooms?|upskirt\w*"
        r"|sous (?:sa|la|les) jupes?)\b",
        0.75,
        (("request", "offer"), "found:covert_capture"),
        "pictures taken in secret where she undresses, asked for or offered",
        "des images prises en secret là où elle se déshabille, demandées ou proposées",
    ),
    _rule(
        "opinion_on_her",
        "solicitation",
        r"\b(?:thoughts|wdyt|what do (?:you|u) think|vous en pensez quoi|ton avis|vos avis"
        r"|t en penses quoi)\b",
        0.75,
        ("female", "sexual"),
        "the group's opinion asked on a woman in sexual terms",
        "l'avis du groupe demandé sur une femme en termes sexuels",
    ),
    # identifies_person
    _rule(
        "relation",
        "identifies_person",
        r"\b(?:ma|mon|sa|son|ta|ton|notre|votre|my|her|our|your|ur|his)"
        r" "
        + RELATION
        + r"\b(?: [a-z]{2,12})?|(?:^|\| )(?:petite |grande |demi |belle |step ?|little )?(?:cousine"
        r"|soeur|voisine|niece|tante|coloc|cousin|sister|neighbou?r|stepsister|aunt) (?:de|d|of"
        r"|aged) [0-9]{1,2}\b|\b(?:la|the) "
        + CLOSE
        + r" (?:de|d|du|des|of) @?[a-z0-9]{2,12}\b|\b(?:elle s appelle|she s called|her name is"
        r"|her name s"
        r"|son prenom c est|elle se nomme) [a-z]{2,15}\b"
        r"|\b(?:la|the) (?:mere|mother|maman|daronne|reum) (?:de|d|a|of) [a-z]{3,15}\b"
        r"|\bl ex (?:de|d) [a-z]{3,15}\b|\b(?:my|ma|mon) crush\b"
        r"|\b(?:my|our|her|his|your|ur) [a-z]{2,12} (?:teacher|tutor|coach|instructor|manager|boss"
        r"|supervisor)\b|\b(?:ma|mon) meilleure (?:pote|copine|amie)\b"
        r"|\b(?:my|his|your|ur) (?:best )?mate s (?:little |big |lil )?(?:sister|sis|mum|mom|gf"
        r"|girlfriend|wife|daughter|cousin)\b"
        r"|\b(?:la|the) (?:go|meuf|copine|femme|gf|girlfriend|wife) (?:de|d|a|of)"
        r" (?!(?:ouf|fou|folie|reve|dingue|malade|merde|luxe|base|service|garde|votre|ton|your)\b)"
        r"[a-z]{3,15}\b"
        r"|\b(?:la|the) (?:fille|femme|soeur|copine|meuf|go|cousine|mere|daughter|wife|sister"
        r"|girlfriend|gf|blonde|brune|rousse|redhead|brunette|"
        + NOT_A_PERSON
        + r"[a-z]+(?:euse|rice|ienne|iere|esse)) (?:de|d|du|of)"
        r" (?:mon|ma|ton|ta|son|sa|notre|my|your|his|her|la|l|le|the)"
        r" [a-z]{3,15}\b|\b(?:la|the) (?:fille|femme|soeur|copine|meuf|cousine|mere|daughter|wife"
        r"|sister|girlfriend|gf) (?:du|of the|of my|of our) (?:prof|voisin|patron|chef|boss|coach"
        r"|boulanger|pharmacien|gardien|concierge|directeur|proviseur|principal|maire|dentiste"
        r"|medecin|docteur|pote|cousin|coloc|collegue|pasteur|teacher|neighbou?r|landlord|proprio"
        r"|manager|pastor)\b"
        r"|\b(?:la|the) (?:reuss|reus|reum|soeur|cousine|daronne|mere|tante|niece|ex) a"
        r" (?!(?:dit|fait|eu|ete|pris|mis|vu|lu|su|pu|du|voulu|fini|choisi|poste|envoye|publie"
        r"|quitte|change|trouve|appele|demande|repondu|partage|bloque|ajoute|supprime|perdu|gagne"
        r"|reussi|commence|arrete|raison|tort|peur|faim|besoin|envie|honte|rien|tout|pas|plus"
        r"|deja|encore|jamais|toujours|trop|bien|aussi|ans|cours|son|sa|ses|des|les|une|mon|ton"
        r"|notre|votre|leur|leurs|cette|elle|lui|moi|toi|nous|vous|eux|qui|quoi|la|le|un)\b)"
        r"[a-z]{3,15}\b"
        r"|\b(?:la|the) (?:go|meuf|fille|nana|blonde|brune|rousse|petite|girl) (?:du|from)"
        r" [0-9]{2,3}\b"
        r"|\b(?:chaque membre|chacun|everyone|each (?:member|of you)) (?:\w+ ){0,2}(?:la sienne"
        r"|les siennes|his own|their own)\b"
        r"|\b(?:les|leurs?|the|their) " + RELATION + r"s? (?:de chacun|de tout le monde|of each"
        r" ?one|of every ?one)\b"
        r"|\b(?:du|de la|de l|des) (?:boulangerie|pharmacie|boulot|taf|salle de sport"
        r"|salle de muscu|gym|bureau|cafe|bar|resto|magasin|supermarche|caisse|accueil|piscine|fac"
        r"|lycee|college|compta|rh|service|promo|classe|equipe|boite|entreprise)\b"
        r"|\b(?<!gars )(?<!mecs )(?<!guys )(?<!lads )(?<!boys )(?:de|from|in|a|au|at|near|pres de"
        r"|sur) " + TOWN + r"\b"
        r"|\b(?:la|the) (?:nouvelle |new |petite )?"
        + CLOSE
        + r"\b|\b(?:my|ma|her|his|your) "
        + RELATION
        + r" s (?:little |big |petite |grande |best )?(?:daughter|sister|wife|gf|girlfriend|mom"
        r"|fille|soeur|femme|friend)\b|\bmy " + RELATION + r"s\b"
        r"|\bc est (?!(?:qui|quoi|trop|pas|la|le|les|un|une|ma|sa|ta|mon|ton|son|moi|toi|elle|lui"
        r"|ca|vrai|bon|bien|nul|ouf|mort|chaud|bonne|grave|sur|comme|juste|normal|fou|tout|rien"
        r"|clair|sur|deja|ici|la|elle|ou|quand|comment|genre|mieux|dommage|possible)\b)[a-z]{3,12}"
        r" (?:de|du|from|en|au) (?:la |le |l )?(?:[a-z0-9]{1,12})\b",
        0.85,
        ("target",),
        "the target named by her relation to the poster",
        "la cible désignée par son lien avec l'auteur",
    ),
    _rule(
        "social_handle",
        "identifies_person",
        NAMED_ACCOUNT
        + r"|\b(?:insta|ig|snap|snapchat|sc|tiktok|tt|bereal|twitter|fb) ?(?:c ?est|est|->)? ?"
        r"@[a-z0-9_.]{3,30}|\b(?:son|her|sa) (?!(?:\w+) (?:prive|privee|perso"
        r"|private)\b)(?:insta|ig|snap|snapchat"
        r"|tiktok|bereal|profil|profile|num|numero|number|adresse|twitter|facebook|fb)\b"
        r"|\b(?:the|her|son|sa|le|ton|your|ur) @(?= |$)",
        0.85,
        (("target", "found:minor"),),
        "the target's social account or contact",
        "le compte ou le contact de la cible",
    ),
    _rule(
        "account_and_whereabouts",
        "identifies_person",
        NAMED_ACCOUNT,
        0.8,
        ("female", "whereabouts"),
        "a woman's account given with where to find her (school, town, street)",
        "le compte d'une femme donné avec où la trouver (école, ville, rue)",
    ),
    _rule(
        "contact_and_whereabouts",
        "identifies_person",
        r"\b(?:son|sa|her) (?:num|numero|number|tel|phone|adresse|address|insta|snap|snapchat"
        r"|tiktok)\b|\b(?:the|her|son|sa|le) @(?= |$)",
        0.8,
        ("female", "ask", "whereabouts"),
        "a woman's number or account asked for, with where to find her",
        "le numéro ou le compte d'une femme demandé, avec où la trouver",
    ),
    _rule(
        "place",
        "identifies_person",
        r"\b(?:2nde|1ere|[3-6]e|[3-6]eme) [a-h]\b"
        r"|\b(?:au|du|de|a|en|at|from|to) (?:l |la )?(?:lycee|college|bahut|fac|ecole|universite"
        r"|iut|prepa|high school|school|uni|campus)(?: (?:a|de|d|in|of))?"
        r" (?!(?:mais|et|ou|donc|car|elle|il|qui|que|quand|pour|avec|sans|dispo|demain|hier"
        r"|aujourd|ce|cette|and|but|with|who|she|this|that|today|tomorrow)\b)[a-z]{3,20}\b"
        r"|\b(?:elle|she|qui|who) (?:bosse|travaille|taffe"
        r"|works?|bossait|habite|vit|lives?) (?:a|au|en|chez|at|in|sur|pres de|near)(?: la| le| l)?"
        r" [a-z]{3,20}|(?:^|\| )(?:works?|bosse|travaille|taffe) (?:at|a|au|chez) (?:the |la |le )?"
        r"[a-z]{3,20}"
        r"|\b(?:de|du|d) (?:ma|mon|la|le) (?:rue|residence|immeuble|bat|batiment|quartier|bus|tram"
        r"|metro|ligne|village|ville|cite|etage|palier)\b"
        r"|\b(?:goes to|va au|va a la|est au|est a la|is at) [a-z]{3,15}"
        r" (?:high|school|college|lycee|fac|uni)\b"
        r"|\b(?:goes to|studies at|va a|va dans) (?:my|her|his|your|ur|the|ma|mon|la|le)"
        r" (?:[a-z]{2,12} s )?(?:uni|school|college|fac|lycee|gym|salle)\b"
        r"|\b(?:de|du|from|at) (?:votre|ton|ta|vos|leur|your|their|ur) (?:lycee|college|fac|ecole"
        r"|school|classe|class|promo|taf|boulot|bureau|work|office)\b"
        r"|\b(?:du|de la|de|en|in) (?:[3-6]e|[3-6]eme|2nde|1ere|seconde|premiere|terminale|term)"
        r" (?:[a-h][0-9]?|[0-9]{1,2})\b"
        r"|\b(?:from|in|at) (?:my|her|his|your|ur|our) (?:[a-z]{2,12} )?(?:class|lesson|course|lab"
        r"|sixth form|school|uni|college|dorm|halls|flat|sorority|frat|fraternity|team|club|squad"
        r"|church"
        r"|mosque|synagogue|temple|gym)\b"
        r"|\b(?:at|from) (?:my|her|his|your|ur|our) (?:[a-z]{2,12} s )?(?:office|work|job|company"
        r"|firm|shop|store)\b"
        r"|\b(?:at|from) (?:st |saint )?[a-z]{3,15} (?:high|academy|college|grammar)\b"
        r"|\b(?:girl|woman|lady|meuf|fille|nana) (?:at|from|in|de la|du|de l|a la|au)"
        r" (?:the |my |our |ma |mon |notre )?(?:gym|salle de sport|office|bureau|library|biblio"
        r"|pool|piscine)\b"
        r"|\b(?:de (?:la|ma) classe|in my class|dans ma classe"
        r"|de mon (?:taf|boulot|lycee|bahut|bureau)"
        r"|from (?:my|her) (?:work|office|school|class))\b"
        r"|\b(?:meuf|fille|nana|go|gow|blonde|brune|rousse|nouvelle|stagiaire|etudiante|deleguee"
        r"|girl|woman|lady|chick|intern) (?:de (?:ma|notre) (?:promo|fac|boite|equipe|residence"
        r"|section|filiere|prepa|asso|paroisse)|de mon (?:club|equipe|immeuble|cours|stage)"
        r"|(?:from|in|on) (?:my|our) (?:team|dorm|floor|gym|church|course|building|year))\b"
        r"|\b(?:girl|woman|lady|intern|meuf|fille|nana|stagiaire)"
        r" (?:in|from|de la|du|de l|a l|a la) (?:accounting|accounts|sales|marketing|hr|payroll"
        r"|reception"
        r"|front desk|compta|comptabilite|rh|accueil|standard)\b"
        r"|\bthe girl next door\b|\bla (?:fille|meuf|voisine) d a cote\b"
        r"|\b(?:meuf|fille|nana|go|girl|woman|caissiere|serveuse|vendeuse|cashier|waitress)"
        r" (?:du|de chez|de|d|at|from|at the|from the|au|chez|in) " + CHAIN + r"\b"
        r"|\b(?:from|at|in) the " + CHAIN + r" (?:on|in|at|near|by) [a-z]{3,15}\b"
        r"|\b(?:who|qui|she|elle) (?:sits?|est assise?) (?:next to|near|behind|in front of"
        r"|a cote de|derriere|devant) (?:me|moi)\b"
        r"|\b(?:who|qui) (?:lives?|habite) (?:above|below|under|next door|across the"
        r" (?:street|hall)|upstairs|downstairs|au dessus|en dessous|en face|a cote|on my floor"
        r"|sur mon palier)\b|\b(?:serveuse|caissiere|vendeuse|barmaid"
        r"|hotesse|coiffeuse|secretaire|waitress|cashier|barista|receptionist|lifeguard"
        r"|maitre nageuse|instructor|instructrice|monitrice|librarian|bibliothecaire|hairdresser"
        r"|pharmacienne|animatrice) (?:du|de la|de|chez"
        r"|au|a la|a|at|from|of) [a-z]{3,20}\b|\b" + CLASS_AT_SCHOOL,
        0.8,
        ("target", "no:members_women"),
        "the target's school, town or workplace",
        "l'établissement, la ville ou le travail de la cible",
    ),
    # covert_capture
    _rule(
        "without_her_knowing",
        "covert_capture",
        r"\b(?:en )?scred\b|\ben cachette\b|\ba son insu\b|\bsans (?:le )?savoir (?:que|qu)\b"
        r"|\bsans qu ?elle (?:le |ne )?(?:sache"
        r"|voie|remarque|capte)|\belle (?:le |l )?(?:sait|savait|saura|voit|voyait|verra"
        r"|remarque|remarquait|capte|captait) (?:pas|rien|jamais)"
        r"|\belle (?:s en |se )?dout\w* (?:de )?rien"
        r"|\belle (?:a|n a) (?:rien|pas) (?:vu|capte|remarque)"
        r"|\bshe didn t see|\bwithout (?:her|them) (?:know\w*|noticing|seeing)"
        r"|\b(?:snuck|sneaked|sneaky) (?:a |some )?(?:pics?|photos?|vids?|videos?|shots?)\b"
        r"|\b(?:elle (?:pense|croit)|she (?:thinks|believes)) (?:que )?(?:son|her) (?:compte|insta"
        r"|snap|account|story)(?: \w+){0,2} (?:prive|privee|private)\b"
        r"|\b(?:son|her) ex (?:m a|nous a|gave|sent|gave me|sent me)(?: tout| toutes? ses)?"
        r" (?:donne|envoye|file|passe|balance|photos|pics|nudes|everything|all)\b"
        r"|\b(?:sold|gave|sent) (?:them|it|those|these) to me\b|\bm les a (?:vendu|file|donne)\w*\b"
        r"|\bavant qu ?elle (?:la |le |les )?(?:supprime|efface|retire)\b"
        r"|\bbefore she deleted\b"
        r"|\b(?:she (?:thinks|thought)|elle (?:pense|croit|croyait|pensait))(?: que| qu| that)?"
        r" (?:they|it|ils|elles|c|they re|it s|they were|it was)(?: est| etait| sont)?"
        r" (?:deleted|gone|supprime\w*|efface\w*|disparu\w*)\b"
        r"|\bsaved (?:her )?(?:snap|snapchat|snaps|snapchats)\b|\b(?:snap|snapchat) saved\b"
        r"|\b(?:elle (?:pense|pensait|croit|croyait)|she (?:thinks|thought|believes|believed))"
        r"(?: que| qu| that)? (?:son|sa|ses|her|the|la|le|les|cette|that|this) (?:\w+ ){0,2}(?:est"
        r"|etait|sont|is|was|are|were) (?:safe|securise\w*|protege\w*|prive\w*|private|only for"
        r" (?:me|him)|que pour (?:moi|lui)|juste pour (?:moi|lui))"
        r"|\bshe (?:doesn ?t|does not|didn ?t|don ?t|has no) (?:know|notice|idea|clue)\w*"
        r"|\bsecretly\b|\bon the (?:low|dl|down low)\b"
        r"|\bdiscretement\b|\bdiscrete?\b|\ben douce\b|\ben loucede\b|\bmine de rien\b"
        r"|\bj ?ai zoome\b|\bzoomed in on her\b|\bfrom the back (?:row|of the class)\b"
        r"|\bdu fond de la (?:classe|salle)\b|\b(?:j ?ai|i have|i got) (?:une|a) (?:\w+ )?(?:vue"
        r"|view)\b|\ba la sortie(?: du (?:college|lycee)| de l ecole| des cours)?\b"
        r"|\bl air de rien\b|\bshe (?:never|didn t|did not) (?:notice|see|know)\w*"
        r"|\b(?:la|l)(?: ai| a)? (?:prendre|pris|prise|filmer|filmee|shooter|photographier)"
        r" de dos\b"
        r"|\b(?:dos tourne|her back (?:was )?turned)\b"
        r"|\b(?:took|taken|got|shot|filmed|pics?|photos?|vids?|videos?)(?: \w+){0,3} from behind\b",
        0.85,
        (("capture", "stolen", "held"), ("female", "sexual"), "no:fond"),
        "a picture taken without her knowing",
        "une photo prise à son insu",
    ),
    _rule(
        "hidden_device",
        "covert_capture",
        r"\b(?:zoom lens|telephoto|tele ?objectif|jumelles|binoculars)\b"
        r"|\b(?:hidden|cachee?|planquee?) ?(?:cam\w*|phone|tel\w*|camera)\b|\b(?:cam\w*|camera|tel"
        r"|telephone|phone) (?:cachee?|planquee?|hidden)\b"
        r"|\bsous (?:la|le|sa|son|une|un|les|leurs) (?:table|bureau|jupes?|robes?)\b"
        r"|\b(?:put|left|hid|placed|mis|pose|laisse|cache|planque)\w* (?:his|my|a|her|son|mon|un"
        r"|le|the|their) (?:phone|tel|telephone|portable|camera|cam)\b(?=.*\b(?:vestiaires?"
        r"|douches?|salle de bain|sdb|bathroom|shower|changing rooms?|locker rooms?|toilettes?"
        r"|toilets?|cabines?)\b)"
        r"|\bunder (?:her|the) (?:desk|table|skirt|dress)\b"
        r"|\b(?=[tpc])(?<!tomber le )(?<!tomber mon )(?<!tomber son )(?<!dropped my )"
        r"(?<!dropped her )(?<!dropped the )(?:tel|telephone|phone|portable|camera"
        r"|cam)(?: \w+){0,4}"
        r" (?:dans|in|into) (?:la|sa|le|les"
        r"|the|her|his|ta|leur) (?:[a-z]+ s )?(?:salle de bain|bathroom|douche|shower|vestiaire"
        r"|chambre|bedroom|room)\b",
        0.85,
        ("female", "no:fond"),
        "a hidden camera or phone",
        "une caméra ou un téléphone caché",
    ),
    _rule(
        "private_place",
        "covert_capture",
        r"\bupskirt\w*|\bcreep ?shots?\b"
        r"|\b(?:in|from) the (?:locker room|shower|changing room|toilets?|bathroom)\b"
        r"|\b(?:des|du) (?:vestiaires?|douches?|cabines? d essayage) (?:des|de la|du) (?:filles"
        r"|femmes|meufs)\b|\b(?:girls?|womens?|ladies) (?:changing|locker) rooms?\b"
        r"|\ben train de se (?:changer|deshabiller|doucher)\b"
        r"|\b(?:getting|while she was) (?:changed|undressed|changing)\b"
        r"|\b(?:caught|saw|filmed|recorded) her (?:changing|undressing|naked|getting)\b"
        r"|\bcaught (?:my|her|the|a|this) (?:\w+ ){0,2}(?:bending over|changing|undressing|naked"
        r"|topless|getting changed|in (?:her|the) (?:underwear|shower))\b|\bsous la douche\b"
        r"|\b(?:quand|pendant qu|while|when) (?:elle|she) (?:s est (?:changee|deshabillee|douchee)"
        r"|se change\w*|se deshabill\w*"
        r"|se douch\w*|changes|undresses|showers|gets changed|gets undressed|was changing"
        r"|was undressing|was showering)\b"
        r"|\b(?:through|thru) (?:the|her) (?:window|door|wall)\b|\bpar (?:la|sa) fenetre\b"
        r"|\b(?:prises?|pris|filmee?s?|taken|shot|filmed) (?:de|depuis|from) (?:ma|my|la|the|mon)"
        r" (?:fenetre|window|balcon|balcony)\b"
        r"|\ba travers (?:la|sa|le) (?:porte|fenetre|serrure|cloison|mur|rideau)\b"
        r"|\bporte (?:entrouverte|entrebaillee)\b|\bpar le (?:judas|trou de la serrure)\b"
        r"|\bthrough the (?:peephole|keyhole)\b",
        0.9,
        (("female", "capture"),),
        "a picture from where she could not know (changing room, shower, under a skirt)",
        "une photo prise là où elle ne pouvait pas savoir (vestiaire, douche, sous une jupe)",
    ),
    _rule(
        "in_a_private_place",
        "covert_capture",
        r"\b(?:dans (?:les|le|la)|aux|au) (?:vestiaires?|douches?|cabines?|toilettes)\b",
        0.85,
        ("capture",),
        "a picture taken in a changing room, a shower or a toilet",
        "une photo prise dans un vestiaire, une douche ou des toilettes",
    ),
    _rule(
        "asleep",
        "covert_capture",
        r"\b(?:ma|sa|ta|la|cette) "
        + RELATION
        + r" qui (?:dort|dormait|pionce)\b|\b(?:"
        + RELATION
        + r") (?:dort|dormait|pionce|is asleep|was asleep|is sleeping"
        r"|was sleeping|sleeps)\b"
        r"|\b(?:pendant qu ?elle (?:dor\w*|pion\w*|roupill\w*|fai\w* la sieste)"
        r"|elle (?:dort|dormait|pionce|pioncait)|endormie|pendant (?:sa|la) sieste"
        r"|pendant son sommeil|during her nap"
        r"|while she napped"
        r"|while she (?:was )?(?:sleep\w*|asleep)|she (?:was|is) asleep|asleep|passed out"
        r"|she (?:s|is|was) sleeping"
        r"|blacked out|evanouie|ivre morte|elle (?:etait|est) (?:bourree|dechiree|inconsciente)"
        r"|(?:la|une|cette) (?:fille|meuf|nana) (?:bourree|ivre|dechiree|inconsciente)"
        r"|(?:drunk|wasted|blackout) (?:girl|chick)"
        r"|(?:etait|was) (?:inconsciente|unconscious|ivre morte))\b",
        0.85,
        (("capture", "offer"), ("no:fond",)),
        "a picture taken while she slept",
        "une photo prise pendant son sommeil",
    ),
    _rule(
        "private_source",
        "covert_capture",
        r"\b(?:compte|comptes|story|stories|snap|insta|album|galerie|tel|telephone)"
        r" (?:prive|privee|prives|privees|perso|persos)\b"
        r"|\bfrom [a-z]{2,15} s (?:phone|icloud|drive|cloud|camera roll|gallery)\b"
        r"|\b(?:got into|went through|looked through|snooped (?:on|through)|go through|fouill\w*"
        r"|hacked|pirate)(?: \w+){0,3} (?:phone|laptop|pc|ordi|computer|tel|telephone|portable"
        r"|icloud|drive|camera roll|galerie|gallery)\b"
        r"|\b(?:her|sa|son) (?:whole |entire |full |old |ancienne |vieille )?(?:google photos"
        r"|icloud|galerie|gallery|camera roll|pellicule)\b"
        r"|\bprivate (?:account|story|acc"
        r"|insta|snap)\b|\bclose friends?\b|\b(?:vole|volee|voles|volees|pique|piquee|piquees"
        r"|recuperee?s?|chope(?:e|es)?|stole|stolen|grabbed|ripped)\b(?: \w+){0,3} (?:sur|dans|de"
        r"|from|off) (?:son|sa|ses|her)\b|\b(?:from|de|du|sur|dans) (?:her|his|son|sa"
        r"|(?:le|the) ex s|(?:le|the) ex)(?: ex s| ex)? (?:old |ancien |vieux |new |nouveau "
        r"|other )?"
        r"(?:phone|tel|telephone|icloud|drive"
        r"|portable|cloud|dropbox|onedrive|google drive|laptop|pc|ordi|computer|hard drive)\b",
        0.85,
        (("capture", "sexual", "stolen"),),
        "a picture taken from her private account or phone",
        "une photo prise dans son compte privé ou son téléphone",
    ),
    _rule(
        "private_account_passed_on",
        "covert_capture",
        r"\b(?:compte|comptes|story|stories|snap|insta|album|galerie) (?:prive|privee|prives"
        r"|privees|perso|persos) (?:de|d|of) [a-z]{3,15}\b"
        r"|\b(?:son|sa|ses|her) (?:(?:compte|comptes|story|stories|snap|insta|album|galerie)"
        r" (?:prive|privee|prives|privees|perso)|private (?:account|story|stories|insta|snap))\b",
        0.8,
        ("female", ("ask", "offer", "held")),
        "her private account's content passed on or asked for",
        "le contenu de son compte privé diffusé ou demandé",
    ),
    _rule(
        "stolen_pictures",
        "covert_capture",
        r"\b(?:photos?|tofs?|pics?|videos?|vids?|nudes?) (?:volees?|piquees?|leakees?)\b"
        r"|\bstolen (?:pics?|photos?|nudes?|vids?|videos?)\b",
        0.8,
        ("female",),
        "a woman's pictures said to be stolen",
        "des photos d'une femme dites volées",
    ),
    _rule(
        "while_changing",
        "covert_capture",
        r"\b(?:elle|she) (?:se chang\w*|se deshabill\w*|se douch\w*|changes|undresses|showers"
        r"|s est (?:changee|deshabillee|douchee)"
        r"|gets changed|gets undressed)\b"
        r"|\b(?:la|ta|ma|sa|cette) [a-z]+ (?:se change|se deshabille|se douche)\b"
        r"|\b(?:my|her|your|ur|the) (?:\w+ ){0,3}(?:changing|getting (?:changed|undressed)"
        r"|undressing|showering)\b",
        0.8,
        (("capture", "held", "offer"),),
        "a picture taken while she was changing or showering",
        "une photo prise pendant qu'elle se changeait ou se douchait",
    ),
    _rule(
        "account_break_in",
        "covert_capture",
        r"\b(?:rentrer|entrer|acceder|acces|access|get (?:me )?in(?:to)?|infiltr\w*)(?: \w+){0,4}"
        r" (?:compte|insta|snap|account|story|stories) (?:prive|privee|perso|private)\b"
        r"|\b(?:with|avec|using|via) (?:a |un |une )?(?:fake|faux|fausse) (?:profile|profil|account"
        r"|compte|acc|insta|snap)\b"
        r"|\b(?:hack\w*|pirat\w*) (?:her|son|sa|ses|le|la) (?:insta|snap|compte|account|icloud"
        r"|phone|tel|telephone|drive|cloud)\b"
        r"|\b(?:acces|access|acceder)\w* (?:a |au |to )?(?:son |sa |her |le |la |the )?(?:cloud"
        r"|icloud"
        r"|drive|galerie|gallery|pellicule|camera roll|telephone|phone) (?:de|d|of) (?:ma|sa|ta|la"
        r"|her|my|his|your|cette)\b"
        r"|\b(?:oublie|forgot) (?:de se |to )?(?:deconnecter|log ?out|sign out)\b"
        r"|\b(?:applis?|apps?|logiciels?|applications?) (?:espions?|spy)\b|\bspy ?(?:app|ware)\b"
        r"|\bstalkerware\b|\bkeylogger\b|\bmouchard\b",
        0.8,
        ("female",),
        "a way into her private account asked for or used",
        "un accès à son compte privé demandé ou utilisé",
    ),
    _rule(
        "let_into_her_account",
        "covert_capture",
        r"\b(?:m y|nous y) (?:faire )?(?:entrer|rentrer)\b"
        r"|\bget (?:me|us) in(?:to)? (?:it|there|her (?:insta|snap|account))\b",
        0.8,
        ("female", "private_account"),
        "a way into her private account asked for or used",
        "un accès à son compte privé demandé ou utilisé",
    ),
    # minor
    _rule(
        "age_of_her",
        "minor",
        r"\b(?:elle|she|her|sa|cette|la)\b(?: [a-z0-9]+){0,4}? " + AGE + r"|\b(?:she s|she is|shes"
        r"|elle a|elle fait|elle avait|(?:she |elle )?(?:just )?(?:turned|turns|vient d avoir"
        r"|va avoir|fete ses))(?: only| que| juste| genre| like| barely| a peine| pas| meme pas"
        r"| not even)? "
        r"(?:1[0-7]|[6-9])\b(?! ?(?:h\b|min|euros?|e\b|kg|cm|km|points?|pts|ans de|years? of|%))"
        r"|\b(?:my|ma|sa|ta|his|her|your|ur|la|the) "
        + RELATION
        + r" (?:de|of|aged) "
        + AGE
        + r"|\b(?:my|ma|sa|ta|his|her|your|ur|la|the) "
        + RELATION
        + r"(?: (?!(?:qui|que|who|which|that)\b)[a-z]{3,12})? (?:is|est|a|has)"
        r"(?: only| que| juste| barely| a peine)? (?:1[0-7]|[6-9])\b(?! ?(?:h\b|min|euros?|kg|cm"
        r"|km|points?|pts|ans de|years? of|%))",
        0.9,
        (("target", "concession", "ask", "rating", "account"),),
        "the target's age, under 18",
        "l'âge de la cible, moins de 18 ans",
    ),
    _rule(
        "age_tag_yo",
        "minor",
        r"\b1[0-7] ?(?:yo|y o)\b",
        0.8,
        (("target", "ask"),),
        "an age under 18 in an offer or sexual talk",
        "un âge de moins de 18 ans dans une offre ou un propos sexuel",
    ),
    _rule(
        "age_tag",
        "minor",
        r"\b(?:1[0-7]) ?(?:yo|y o|ans)\b"
        r"|\b(?:friend|pote|copine|amie|girl|meuf|fille|niece|cousine?|soeur|sister|daughter"
        r"|stepdaughter)(?: \|)? 1[1-7]\b(?! ?(?:h\b|min|euros?|kg|cm|km|points?|pts|%|e\b))",
        0.8,
        ("target",),
        "an age under 18 next to sexual talk",
        "un âge de moins de 18 ans dans un propos sexuel",
    ),
    _rule(
        "school_class",
        "minor",
        r"\b(?:en|de) (?:6|5|4|3)(?:e|eme|em)\b|\bde (?:2nde|seconde)\b(?! main)"
        r"|\ben (?:sixieme|cinquieme|quatrieme|troisieme|seconde"
        r"|2nde|4eme|3eme)\b|\b(?:au|du) colle?ge\b|\bcollegiennes?\b|\blyceennes?\b"
        r"|\b(?:2nde|1ere|seconde|premiere|[3-6]e|[3-6]eme) [a-z][0-9]?\b"
        r"|\b(?:de la|en|la) (?:2nde|1ere|seconde|premiere|[3-6]e|[3-6]eme) [0-9]{1,2}\b"
        r"|\b(?:middle|junior"
        r" high|high) school\b|\b(?:freshman|sophomore|[6-9]th grade|1[01]th grade)\b"
        r"|\b(?:in )?(?:year|grade) (?:[5-9]|1[01])\b(?! ?(?:old|ago|olds))"
        r"(?! (?:chem\w*|math\w*|bio\w*|physics|english|history|exams?|tests?|mocks?|results"
        r"|options|trip|students|pupils|kids|teachers?)\b)",
        0.8,
        (("target", "rating"),),
        "a school year that means under 18",
        "une classe qui veut dire moins de 18 ans",
    ),
    _rule(
        "her_class",
        "minor",
        r"\b(?:she s a (?:freshman|sophomore)|she s a junior (?:at|in) (?:[a-z]+ ){0,2}high"
        r"|(?:elle|she|soeur|cousine|niece|fille|sister|daughter|cousin) (?:est|etait|is|was|s)"
        r" (?:en|au|in)"
        r" (?:[3-6]e|[3-6]eme|sixieme|cinquieme"
        r"|quatrieme|troisieme|seconde|2nde|1ere|premiere(?! (?:ligne|position|place|classe))"
        r"|college|middle school|high school|[6-9]th grade))\b"
        r"|\b(?:elle|she) (?:est|is) (?:encore|still|toujours) (?:en|au|in) (?:[3-6]e|[3-6]eme"
        r"|college|middle school)\b",
        0.8,
        (("target", "concession"),),
        "her school year, said as if it did not matter",
        "sa classe, dite comme si cela ne comptait pas",
    ),
    _rule(
        "minor_word",
        "minor",
        r"\bmineures?\b|\bunderage\b|\bjailbait\b|\bloli\b|\bpas (?:encore )?majeure?\b"
        r"|\b(?:barely )?legal next year\b|\bmajeure l an prochain\b"
        r"|\bpas (?:encore )?18\b|\bnot (?:yet )?18\b|\bbarely 1[0-7]\b|\blegal soon\b"
        r"|\balmost legal\b"
        r"|\b(?:bientot|presque|pas encore) majeure?\b|\b(?:bientot|presque|almost|nearly) 18\b",
        0.85,
        (),
        "said to be a minor",
        "dite mineure",
    ),
    _rule(
        "little_sister",
        "minor",
        r"\b(?:petite|ptite) (?:soeur|cousine|voisine)\b|\b(?:little|lil) (?:sister|sis|cousin)\b",
        0.75,
        ("target",),
        "a little sister or cousin as the target",
        "une petite sœur ou cousine comme cible",
    ),
    # deepfake
    _rule(
        "undressing_tool",
        "deepfake",
        r"\b(?:deep ?nudes?|nudif\w*|undress\w*|clothoff|clothes ?off|remove ?clothes|fake ?nudes?"
        r"|ai ?nudes?|nudes? (?:ia|ai|generee?s?|fakes?)|nudes? par (?:l )?ia|porn ?ai|ai ?porn"
        r"|faux nudes?|(?:photo ?)?montages? (?:nus?|nues?|porno?|x|hot|sexy|coquins?)"
        r"|deshabill\w* (?:cette|la|sa|une|ta|ma|ses|les|des) (?:photos?|images?|tofs?|pics?)"
        r"|undress\w* (?:this|her|the|a|these|my|your) (?:pics?|photos?|images?))\b",
        0.9,
        (),
        "an undressing ('nudify') tool or its result",
        "un outil de déshabillage (« nudify ») ou son résultat",
    ),
    _rule(
        "undress_with_ai",
        "deepfake",
        r"\b(?:deshabill\w*|(?:enlev|retir|vir|remov)\w* (?:les |ses |her |the )?(?:vetements"
        r"|habits|fringues|clothes)|(?:makes?|making|rend|rendent|rendre) (?:\w+ ){0,2}(?:naked"
        r"|nue?s?)"
        r"|(?:fait|font|faire|genere\w*|generate\w*|makes?|making"
        r"|create\w*|cree\w*) (?:des |de |des faux |fake )?nudes?|mettre a poil"
        r"|strip(?:ped|ping|s)? (?:her|my|his|your|ur|ses|sa|ma|the|des|les)"
        r"|mise a poil|a poil|so (?:she s|she is|she ll be|she looks|that she s) (?:naked|nude)"
        r"|pour qu ?elle (?:soit|paraisse|apparaisse) (?:nue|a poil)"
        r"|(?:met|mets|mettre|mise?|puts?|putting) (?:\w+ ){0,4}(?:en (?:sous vetements?|sous vet"
        r"|lingerie|string|petite tenue)|in (?:her )?(?:underwear|lingerie|a bikini)))\b",
        0.85,
        ("ai",),
        "undressing a woman's picture with AI",
        "déshabiller la photo d'une femme avec une IA",
    ),
    _rule(
        "ai_result_of_her",
        "deepfake",
        r"\b(?:resultats?|results?|rendu)\b",
        0.8,
        ("ai", "female", "offer"),
        "what an AI tool made of a woman, offered",
        "ce qu'un outil d'IA a fait d'une femme, proposé",
    ),
    _rule(
        "montage_of_her",
        "deepfake",
        r"\b(?:photo ?)?montages?(?: \w+){0,7} (?:a poil|nue?s?|naked|porno?|x)\b",
        0.85,
        ("female",),
        "a montage of a woman made naked or pornographic",
        "un montage d'une femme mise nue ou dans du porno",
    ),
    _rule(
        "nude_made_of_her",
        "deepfake",
        r"\b(?:make|makes|making|fais|faire|faites|fait) (?:a |an |une |un |des )?(?:fake )?"
        r"nudes? (?:of|de|d)\b",
        0.85,
        ("female",),
        "a nude of a woman asked to be made",
        "un nu d'une femme demandé à fabriquer",
    ),
    _rule(
        "undress_her_picture",
        "deepfake",
        r"\brendre (?:une |la |sa |cette |ta )?(?:photo|image|pic|tof)(?: \w+){0,4} (?:nue?s?"
        r"|a poil)\b"
        r"|\b(?:la |les )?(?:rends?|rendre|rendrai|rendrais) (?:toute |tout |toutes )?(?:nue?s?"
        r"|a poil)\b|\bmake her (?:naked|nude)\b",
        0.85,
        ("capture", "female"),
        "her picture to be returned undressed",
        "sa photo rendue déshabillée",
    ),
    _rule(
        "deepfake",
        "deepfake",
        r"\bdeep ?fakes?\b|\bdfakes?\b",
        0.85,
        ("female",),
        "a deepfake asked for, offered or made of a woman",
        "un deepfake demandé, proposé ou fait d'une femme",
    ),
    _rule(
        "fake_of_her",
        "deepfake",
        r"\bfakes?(?: (?:realistes?|realistic|porno?|nus?|nues?|x|hot|sexy|hd))? (?:de|d|of)"
        r" (?:n importe quelle|ta|sa|la|ma|cette|une|her|your|ur|any|ces|tes|vos)\b",
        0.8,
        (("female", "sexual"),),
        "a fake picture of a woman made or offered",
        "une fausse image d'une femme faite ou proposée",
    ),
    _rule(
        "face_swap",
        "deepfake",
        r"\bface ?swap\w*|\bswap\w* (?:sa|her|ta|la) (?:tete|face)\b"
        r"|\bswap\w* (?:\w+ ){0,3}(?:faces?|tetes?|visages?) (?:onto|on|sur)\b"
        r"|\bswap\w* (?:the |her |la |sa )?(?:face|tete|visage) (?:of|de"
        r"|d) (?:\w+ ){1,5}(?:onto|sur)\b"
        r"|\bmettre (?:sa|la|leur) (?:tete|tronche|face|gueule) sur\b|\bput her face on\b"
        r"|\b(?:mett\w*|mets|met|mis|coll\w*|pos\w*|plac\w*|put|pasted|stuck)"
        r" (?:sa|la|leur|ta|her) (?:tete|tronche|face|gueule)(?: \w+){0,6} (?:sur|on)\b"
        r"|\b(?:sa|la|ta|le|son|her|the) (?:tete|tronche|face|gueule|visage) (?:de|d|of)"
        r" (?:\w+ ){1,3}(?:sur|on|onto) (?:une |un |a |des |the )?(?:scene|video|vid|film|corps"
        r"|body|porno?|clip)\b",
        0.85,
        (("sexual", "any_woman"),),
        "her face put on a sexual picture",
        "son visage mis sur une image sexuelle",
    ),
)
RULE_OF = {rule.name: rule for rule in RULES}


def _needs(rule: Rule) -> set[str]:
    return {context for need in rule.needs for context in need}


def _needs_finding(rule: Rule) -> bool:
    return any(context.startswith("found:") for context in _needs(rule))


#: Rules that need no finding of another rule, then those that need a target (which another
#: kind's finding can give), then those that need another kind found ("found:minor"); after
#: those, the target rules run again for the kinds still missing.
FIRST = [r for r in RULES if "target" not in _needs(r) and not _needs_finding(r)]
ON_TARGET = [r for r in RULES if "target" in _needs(r) and not _needs_finding(r)]
ON_FINDINGS = [r for r in RULES if _needs_finding(r)]
