"""Message signals: what a chat message says about abuse of a real woman's pictures, each hit
explained by the rule and the phrase that fired. French and English, with the slang, spellings,
leetspeak, spacing and emoji that evade keyword lists (``rempart.intel.normalize`` undoes those
first).

Kinds (``KINDS``): ``solicitation`` (asks for, offers or announces sexual "tributes" or content
about a woman, or availability to make them), ``identifies_person`` (ties a target to a real
person: relation, social handle, school, town, workplace — only where the message is about
sexual content or exposure), ``covert_capture`` (a picture taken or obtained without her
knowledge), ``minor`` (the target is under 18), ``deepfake`` (undressing / face-swap tools or
results).

How a rule reads: a pattern on the folded text plus the contexts it needs in the same message
(a request or offer, a woman as the target, sexual vocabulary, a picture being taken). Text that
reports on the practice, prevents it or asks for help (news, helplines, a victim) silences every
kind; "tribute" bands and homages silence the tribute rules; a negated phrase ("pas de
mineurs", "no tribs") is removed before matching, so a quoted rules page is neither a defence nor
a hit. Matching is a handful of compiled regular expressions behind one prefilter: messages
without any trigger word cost one search.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from rempart.intel.normalize import fold

KINDS = ("solicitation", "identifies_person", "covert_capture", "minor", "deepfake")
#: A kind is reported from this score up (one rule of weight ≥ 0.5 is enough).
REPORT_FROM = 0.5
#: Discord's longest message (with Nitro): a longer text is read no further, so no input can
#: make the rules run long.
MAX_CHARACTERS = 4000


def _facet(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


# -- contexts ------------------------------------------------------------------------------------

_TRIB = r"\b(?:c[u*]m ?)?tr[i*]b(?!un|u\b|us\b|al)[a-z*]*"
#: Asking, offering, announcing, being available, sending privately.
_ASK = _facet(
    r"\b(?:qui (?:veut|ve|en veut|a|peut|est chaud|est dispo|fait|se chauffe)|quelqu ?un|qqn|qlq"
    r"|quelqun|kelkun|dispo|disponible|je (?:prends|prend|fais|fait|peux|veux|cherche|propose"
    r"|balance|poste|mets|envoie|vends)|j ?en (?:fais|ai|veux)|j ?ai (?:des|ses|les)|envoie[sz]?"
    r"|envoyez|balance[sz]?|balancez|postez|dm|dms|mp|pv|en prive|inbox|hmu|who (?:wants|has"
    r"|got|can|is down)|anyone|any1|taking requests|requests? (?:open|ouvertes?)|send (?:me|her"
    r"|pics|nudes|it)|drop (?:her|ur|your|pics|the)|looking for|cherche|besoin d ?un|fais ?moi"
    r"|tu peux (?:me )?faire|i (?:do|make|can do|take|got|have)|i ?ll do|who s down|partage[sz]?"
    r"|dispo pour|on (?:fait|se fait)|go (?:mp|dm)"
    r"|je (?:vous |te )?(?:la |le |les )?(?:mets|envoie|balance|poste|montre|file|donne)"
    r"|trade|echange|troc|swap (?:pics|nudes)|requests?|demandes?|commandes?|who s got|who got"
    r"|recrute\w*|recruit\w*|hiring|(?:vous|tu) (?:voulez|veux|veut) (?:voir|la|les|ses)"
    r"|wanna see|want to see|vous voulez|tu veux|you want|u want|wanna|qui (?:les|la|en) veut"
    r"|regardez|look at|matez|u got|you got|t as des|t en as"
    r"|j ai (?:\w+ ){0,2}(?:des|ses|les|sa|leurs) |je les ai)\b"
)
#: A woman as the target.
_FEMALE = _facet(
    r"\b(?:elle|elles|sa|ses|ma|ta|cette|her|she|meufs?|filles?|gow|go|nanas?|girls?|chicks?"
    r"|cousines?|soeurs?|(?:la|ma|ta|sa|cette|notre|une|les|tes|mes|ses) profs?|voisines?"
    r"|potes?|copines?|amies?|collegues?|tante|coloc"
    r"|camarades?|classmates?|sisters?|sis|cousins?|teachers?|neighbou?rs?|coworkers?|gf|exs?"
    r"|salopes?|putes?|chiennes?|sluts?|whores?|daronne|lyceennes?|collegiennes?|etudiantes?"
    r"|deleguee|caissiere|serveuse|infirmiere|stagiaire|babysitter|nounou"
    r"|exes|l ai (?:prise|filmee|shootee|photographiee|matee|chopee))\b"
    r"|\b(?:la|une|cette|ta|ma|sa) [a-z]+(?:euse|rice|ienne|iere|esse|ette|ine)\b"
)
#: Sexual or exposing vocabulary.
_SEXUAL = _facet(
    r"\b(?:nudes?|nue|nues|a poil|seins?|nichons?|cul|fesses|chatte|sexy|chaude|chaudasse"
    r"|salope|pute|baise\w*|sexe|sexuel\w*|porno?\w*|nsfw|thicc|boobs?|tits?|ass|pussy|slut"
    r"|whore|c[u*]m\w*|bite|branl\w*|jouir|fap\w*|wank\w*|leak\w*|expose[rsz]?|exposee?s?"
    r"|sextape|lingerie|culotte|soutif|string|horny|excitant\w*|kiffer sur|mater|bandant\w*"
    r"|(?:trop|super|tres|grave|la plus|plus|t es|elle est) bonnes?|bonne (?:grosse|meuf|salope)"
    r"|en (?:maillot|bikini|brassiere)|in (?:a )?bikini"
    r"|hot (?:af|pics?|photos?|tofs?)|(?:so|trop|is|she s|elle est) hot|smash or pass|bonne comme"
    r"|(?:video|vid|film|photo)s? x|gros seins)\b"
    r"|(?:^|\| )bonne(?: deja| grave| de ouf| af| a souhait)?(?= \||$)"
    r"|\b(?:so|trop|tres|vraiment) (?:fine|fraiche)\b|\bbonne a souhait\b"
    r"|\b(?:faites vous|fais toi|se faire) (?:plaisir|du bien)\b|\bundress\w*|\bdeshabill\w*"
)
#: A picture being taken, kept or passed on.
_CAPTURE = _facet(
    r"\b(?:photos?|pics?|tofs?|vids?|videos?|film(?:e|ee|es|ees|er|ais|ait|ant|ons|ez)|shoot\w*"
    r"|(?<!son )(?<!her )(?<!his )(?<!sa )(?<!ton )snap\w*|cam|camera|screens?|montre|voir|see"
    r"|screenshots?|captures?|pris|prise|prises|took|taken|shot|record\w*|enregistr\w*"
    r"|image\w*|clich\w*)\b"
)
_TRIBUTE = _facet(_TRIB)
#: Sent privately: where the pictures are to go.
_RATING = _facet(
    r"\b(?:classement|ranking|on (?:les )?note|on la note|rate them|we rate|notez|note[sz]? les"
    r"|tournoi|tournament|smash (?:or|ou) pass)\b"
)
_PRIVATE = _facet(r"\b(?:dm|dms|mp|pv|en prive|en priv|inbox|in private|privately)\b")
_STOLEN = _facet(
    r"\b(?:vole|volee|voles|volees|pique|piquee|piquees|chope\w*|stole|stolen|grabbed|ripped"
    r"|leak\w*|screen\w*|recuperee?s?)\b"
)
#: "but", "only", "btw": an age said as if it did not matter.
_CONCESSION = _facet(
    r"\b(?:mais|but|tho|though|still|anyway|osef|balek|on s en fout|who cares|btw|quand meme"
    r"|que|only|juste|seulement|tkt|t inquiete)\b"
)
_AI = _facet(
    r"\b(?:ia|ai|app|appli|application|bot|site|tool|outil|logiciel|generat\w*|gener\w*"
    r"|stable diffusion|midjourney|telegram)\b"
)
#: Reporting on the practice, preventing it, or a victim asking for help.
_REPORTING = _facet(
    r"\b(?:article|enquete|reportage|journalist\w*|temoign\w*|phenomene|alerte|prevention"
    r"|sensibilis\w*|signal(?:er|ez|e|ement|ements)|plaintes?|pharos|3018|e ?enfance|victimes?"
    r"|harcelement|cyberharcelement|illegal\w*|delit|penal\w*|condamn\w*|gendarmerie"
    r"|commissariat|avocat\w*|police|lawyer|awareness|report (?:it|this|them|to)|reported"
    r"|investigation|researchers?|study|survivors?|consentement|revenge porn|help me|aide ?moi"
    r"|aidez ?moi|au secours|(?:ont|a) poste mes|posted my|mes photos (?:circulent|tournent)"
    r"|my (?:pics|photos) (?:are|were|got)|supprimer mes|take down|retirer mes|stopncii"
    r"|take it down|if you find|si vous trouvez|si tu trouves|of me|de moi|what do i do"
    r"|what should i do|je fais quoi|que faire)\b"
)
#: Tribute bands and homages: "tribute" in its ordinary sense.
_HOMAGE = _facet(
    r"\b(?:tribute (?:band|act|concert|album|show|night|to the|to a|to our|to his|to her|to my)"
    r"|groupe (?:de )?tribute|hommage|homage|in tribute|pays? tribute|paid tribute"
    r"|rend(?:re|u|ons|ez)? hommage|concert|album|chanson|song|cover|festival|gala|spectacle)\b"
    r"|\btribute (?:a|au|to|pour) (?!(?:ma|sa|ta|la|cette|une|her|my|this|ton|son|mes|ses)\b)"
)
#: Negated phrases removed before matching ("pas de mineurs", "no tribs", "18+ only").
_NEGATED = re.compile(
    r"\b(?:pas de|pas d|no|aucun\w*|jamais de|interdit\w* (?:aux|au|les)|sans|ban(?:ni)?s?"
    r"|strictement interdit\w*|stop (?:les|aux)|arret\w* (?:les|de)|fini les)"
    r" (?:[^|]*? )?(?:mineur\w*|minors?|underage|moins de 18)\b"
    r"|\b(?:pas de|pas d|no|aucun\w*|jamais de|interdit\w*|stop|arret\w* (?:les|de)|fini les)"
    r" (?:les |des |de )?(?:c[u*]m ?)?(?:tr[i*]b\w*|deep ?fakes?|leaks?)\b"
    r"|\b(?:majeur\w*|18 ?\+?|adultes?) (?:uniquement|only|seulement)\b"
)
#: School staff ("la prof du collège"): a school that says nothing of her age.
_STAFF = re.compile(
    r"\b(?:profs?|professeure?s?|surveillante?s?|cpe|principale?|directrice|proviseure?"
    r"|documentaliste|infirmiere|teachers?|principal)(?: \w+){0,3} (?:du|au|de|at|of) (?:la )?"
    r"(?:colle?ge|lycee|ecole|middle school|high school|school)\b"
)


# -- rules ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One way a kind fires: a pattern and the contexts it needs in the same message."""

    name: str
    kind: str
    pattern: re.Pattern[str]
    weight: float
    #: Each entry a context the message must have; a tuple entry is any one of its contexts.
    needs: tuple[str | tuple[str, ...], ...]
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
    return Rule(name, kind, re.compile(pattern), weight, needs, en, fr)


_PICTURE = r"(?:photos?|tofs?|pics?|pp|face|visage|gueule|tronche|story|insta|feed|snap|image)"
_HER = r"(?:sa|ses|ta|tes|ma|mes|her|this|cette|la|les|my|your)"
_RELATION = (
    r"(?:petite |grande |demi |belle |step ?|big |little |lil )?(?:cousine|soeur|soeurs|sis|prof"
    r"|professeure|maitresse|voisine|pote|copine|meilleure amie|amie|collegue|coloc|colocataire"
    r"|ex|meuf|femme|tante|belle mere|patronne|cheffe|boss|stagiaire|camarade|cousin|sister"
    r"|stepsister|teacher|neighbou?r|classmate|coworker|colleague|friend|bestie|gf|girlfriend"
    r"|aunt|roommate|stepmom|step mom|mom|mere|daronne|babysitter|baby sitter|nounou|niece"
    r"|belle fille|filleule|sister in law|stepdaughter)"
)
#: Relations that tie her to someone ("la cousine de Kevin"); not "la meuf du RER".
_CLOSE = (
    r"(?:petite |grande |demi |belle )?(?:cousine|soeur|prof|voisine|pote|copine|amie|collegue"
    r"|coloc|tante|belle mere|patronne|cheffe|stagiaire|camarade|daronne|nounou|babysitter"
    r"|sister|cousin|teacher|neighbou?r|classmate|coworker|colleague|friend|aunt|roommate)"
)
_AGE = r"(?:1[0-7]|[6-9]) ?(?:ans|an|yo|y o|years? old|yrs? old|years?)\b"

RULES: tuple[Rule, ...] = (
    # solicitation
    _rule(
        "explicit_tribute",
        "solicitation",
        r"\bc[u*]m ?tr[i*]b[a-z*]*|\bc[u*]m (?:on|sur) " + _HER + r"\b"
        r"|\b(?:jouir|gicler|juter|decharger|ejaculer|branler?|me branler|wank\w*|fap\w*"
        r"|c[u*]m\w*)\b(?: \w+){0,3} (?:sur|on|to|devant) "
        + _HER
        + " "
        + _PICTURE
        + r"|\b(?:jouir|gicler|juter|decharger|ejaculer)\b(?: \w+){0,2} (?:sur|on) (?:vos|tes|ta|sa"
        r"|ses|ma|mes|la|les|des|une|her|your|their|my|this)\b",
        0.95,
        (),
        "a sexual 'tribute' on a woman's picture, named outright",
        "un « tribute » sexuel sur la photo d'une femme, dit explicitement",
    ),
    _rule(
        "tribute_request",
        "solicitation",
        _TRIB,
        0.9,
        ("ask",),
        "a 'trib' asked for, offered or announced",
        "un « trib » demandé, proposé ou annoncé",
    ),
    _rule(
        "tribute_on_her",
        "solicitation",
        _TRIB + r"(?: \w+){0,4} (?:sur|on|of|de|for|pour) (?:sa|ma|ta|la|cette|une|her|my|this"
        r"|mon|son|des|les|ces)\b",
        0.9,
        (),
        "a 'trib' on a woman",
        "un « trib » sur une femme",
    ),
    _rule(
        "send_her",
        "solicitation",
        r"\b(?:envoie[sz]?|envoyez|balance[sz]?|balancez|drop|send|post(?:ez)?|partage[sz]?"
        r"|montre[sz]?)(?: moi| me| nous| us)?(?: (?:pics|photos|tofs|nudes) (?:of|de|d))?"
        r" (?:vos|ta|tes|your|ur|his|leurs?) "
        + _RELATION
        + r"s?\b|\b(?:see|voir) (?:my|ma|mon|sa|ta|her|his|your|ur) "
        + _RELATION
        + r"\b",
        0.85,
        (("sexual", "private", "rating"),),
        "women close to the members asked for",
        "des femmes proches des membres demandées",
    ),
    _rule(
        "her_pictures_offered",
        "solicitation",
        _CAPTURE.pattern,
        0.75,
        ("female", "ask", "sexual"),
        "a woman's pictures offered or asked for in sexual terms",
        "des photos d'une femme proposées ou demandées en termes sexuels",
    ),
    _rule(
        "pictures_privately",
        "solicitation",
        r"\b(?:hmu|dm me|dm moi|mp moi|ecris moi|write me) (?:for|pour) (?:her |ses |sa |more |plus"
        r" de )?(?:pics|photos|tofs|nudes|more|plus|la suite)\b",
        0.75,
        ("female",),
        "her pictures offered privately",
        "ses photos proposées en privé",
    ),
    _rule(
        "trade_her_pictures",
        "solicitation",
        r"\b(?:trade|echange\w*|troc\w*|swap)(?: \w+){0,2} (?:photos?|pics?|tofs?|nudes?)"
        r" (?:de|d|of) (?:ma|ta|sa|my|your|his|ur) " + _RELATION + r"\b",
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
        "tribute_of_a_woman",
        "solicitation",
        _TRIB,
        0.7,
        ("female",),
        "a 'trib' where a woman is the subject",
        "un « trib » dont une femme est le sujet",
    ),
    _rule(
        "sexual_content_request",
        "solicitation",
        r"\b(?:nudes?|nues?|sextape|leaks?|pics? (?:hot|sexy|nsfw)"
        r"|deep ?fakes?(?! (?:site|app|appli|tool|bot|outil|logiciel|generat\w*))"
        r"|(?:photos?|pics?|tofs?|vids?|videos?)(?: \w+){0,4} (?:hot|sexy|nues?|coquines?"
        r"|en maillot|en string|en lingerie|en sous vetements?|a poil|sous la douche|dans la douche"
        r"|in the shower|au lit|in bed))\b"
        r"|\bdossiers? (?:de|sur|of) (?:la|sa|ta|ma|cette|une|her)\b"
        r"|\b(?:video|vid|film)s? (?:x|porno?)\b|\bporno?\b",
        0.85,
        ("ask", "female"),
        "sexual pictures of a woman asked for or offered",
        "des photos sexuelles d'une femme demandées ou proposées",
    ),
    _rule(
        "rating_game",
        "solicitation",
        r"\b(?:smash (?:or|ou) pass|(?:la|les|des) plus (?:bonnes?|chaudes?)|the hottest)\b",
        0.8,
        (),
        "a woman's pictures put up to be rated sexually",
        "des photos d'une femme soumises à un classement sexuel",
    ),
    _rule(
        "rating_contest",
        "solicitation",
        r"\b(?:tournoi|tournament|note[sz]? (?:la|sa|cette|ma|les)|rate (?:her|this girl|my|the)"
        r"|vote[sz]? pour)\b",
        0.8,
        ("female", "sexual"),
        "a woman's pictures put up to be rated sexually",
        "des photos d'une femme soumises à un classement sexuel",
    ),
    # identifies_person
    _rule(
        "relation",
        "identifies_person",
        r"\b(?:ma|mon|sa|son|ta|ton|notre|my|her|our|your|ur|his)"
        r" "
        + _RELATION
        + r"\b(?: [a-z]{2,12})?|\b(?:la|the) "
        + _CLOSE
        + r" (?:de|d|du|des|of) [a-z0-9]{2,12}\b|\b(?:elle s appelle|she s called|her name is"
        r"|son prenom c est|elle se nomme) [a-z]{2,15}\b"
        r"|\b(?:la|the) (?:fille|femme|soeur|copine|meuf|go|cousine|mere|daughter|wife|sister"
        r"|girlfriend|gf|[a-z]+(?:euse|rice|ienne|iere|esse)) (?:de|d|du|of)"
        r" (?:mon|ma|ton|ta|son|sa|notre|my|your|his|her|la|l|le|the)"
        r" [a-z]{3,15}\b|\b(?:du|de la|des) (?:boulangerie|pharmacie|boulot|taf|salle|gym|bureau"
        r"|cafe|bar|resto|magasin|supermarche|caisse|accueil|piscine|fac|lycee|college)\b"
        r"|\b(?:la|the) "
        + _CLOSE
        + r"\b|\b(?:my|ma|her|his|your) "
        + _RELATION
        + r" s (?:daughter|sister|wife|gf|girlfriend|mom|fille|soeur|femme)\b"
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
        r"(?<![\w@])@[a-z0-9_.]{3,30}\b"
        r"|\b(?:insta|ig|snap|snapchat|sc|tiktok|tt|bereal|twitter|fb)(?: \|)?"
        r" (?:c ?est |est |-> )?@?(?=[a-z0-9_.]*[0-9_.])[a-z0-9_.]{3,30}\b"
        r"|\b(?:insta|ig|snap|snapchat|sc|tiktok|tt|bereal|twitter|fb) ?(?:c ?est|est|->)? ?"
        r"@[a-z0-9_.]{3,30}|\b(?:son|her|sa) (?:insta|ig|snap|snapchat"
        r"|tiktok|bereal|profil|profile|num|numero|number|adresse|twitter|facebook|fb)\b",
        0.85,
        ("target",),
        "the target's social account or contact",
        "le compte ou le contact de la cible",
    ),
    _rule(
        "place",
        "identifies_person",
        r"\b(?:au|du|de|a|en|at|from|to) (?:lycee|college|bahut|fac|ecole|universite|iut|prepa"
        r"|high school|school|uni|campus)(?: (?:a|de|d|in|of))? [a-z]{3,20}\b"
        r"|\b(?:elle|she) (?:bosse|travaille|taffe"
        r"|works?|bossait|habite|vit|lives?) (?:a|au|en|chez|at|in|sur|pres de|near)(?: la| le| l)?"
        r" [a-z]{3,20}"
        r"|\b(?:de|du|d) (?:ma|mon|la|le) (?:rue|residence|immeuble|bat|batiment|quartier|bus|tram"
        r"|metro|ligne|village|ville|cite|etage|palier)\b"
        r"|\b(?:goes to|va au|va a la|est au|est a la|is at) [a-z]{3,15}"
        r" (?:high|school|college|lycee|fac|uni)\b"
        r"|\b(?:de (?:la|ma) classe|in my class|dans ma classe"
        r"|de mon (?:taf|boulot|lycee|bahut|bureau)"
        r"|from (?:my|her) (?:work|office|school|class))\b|\b(?:serveuse|caissiere|vendeuse|barmaid"
        r"|hotesse|coiffeuse|secretaire|waitress|cashier|barista|receptionist) (?:du|de la|de|chez"
        r"|au|a la|a|at|from|of) [a-z]{3,20}\b",
        0.8,
        ("target",),
        "the target's school, town or workplace",
        "l'établissement, la ville ou le travail de la cible",
    ),
    # covert_capture
    _rule(
        "without_her_knowing",
        "covert_capture",
        r"\b(?:en )?scred\b|\ben cachette\b|\ba son insu\b|\bsans qu ?elle (?:le |ne )?(?:sache"
        r"|voie|remarque|capte)|\belle (?:le |l )?(?:sait|savait|saura|voit|voyait|verra"
        r"|remarque|remarquait|capte|captait) (?:pas|rien|jamais)"
        r"|\belle (?:s en |se )?dout\w* (?:de )?rien"
        r"|\belle (?:a|n a) (?:rien|pas) (?:vu|capte|remarque)"
        r"|\bshe didn t see|\bwithout (?:her|them) (?:know\w*|noticing|seeing)"
        r"|\bshe (?:doesn ?t|does not|didn ?t|dont|has no) (?:know|notice|idea)\w*|\bsecretly\b"
        r"|\bdiscretement\b|\bdiscrete?\b|\ben douce\b|\ben loucede\b|\bmine de rien\b"
        r"|\bl air de rien\b|\bshe (?:never|didn t|did not) (?:notice|see|know)\w*",
        0.85,
        (("capture", "stolen"), ("female", "sexual")),
        "a picture taken without her knowing",
        "une photo prise à son insu",
    ),
    _rule(
        "hidden_device",
        "covert_capture",
        r"\b(?:hidden|cachee?|planquee?) ?(?:cam\w*|phone|tel\w*|camera)\b|\b(?:cam\w*|camera|tel"
        r"|telephone|phone) (?:cachee?|planquee?|hidden)\b|\bsous (?:la table|sa jupe|la jupe"
        r"|son bureau|sa robe)\b|\bunder (?:her|the) (?:desk|table|skirt|dress)\b",
        0.85,
        ("female",),
        "a hidden camera or phone",
        "une caméra ou un téléphone caché",
    ),
    _rule(
        "private_place",
        "covert_capture",
        r"\bupskirt\w*|\bcreep ?shots?\b|\bdans (?:les|le|la) (?:vestiaires?|douches?|cabines?"
        r"|toilettes)\b|\b(?:in|from) the (?:locker room|shower|changing room|toilets?)\b"
        r"|\ben train de se (?:changer|deshabiller|doucher)\b"
        r"|\b(?:getting|while she was) (?:changed|undressed|changing)\b",
        0.9,
        (("female", "capture"),),
        "a picture from where she could not know (changing room, shower, under a skirt)",
        "une photo prise là où elle ne pouvait pas savoir (vestiaire, douche, sous une jupe)",
    ),
    _rule(
        "asleep",
        "covert_capture",
        r"\b(?:pendant qu ?elle (?:dor\w*|pion\w*|roupill\w*|fai\w* la sieste)|elle (?:dort|dormait"
        r"|pionce|pioncait)|endormie|pendant (?:sa|la) sieste|pendant son sommeil|during her nap"
        r"|while she napped"
        r"|while she (?:was )?(?:sleep\w*|asleep)|she (?:was|is) asleep|asleep)\b",
        0.85,
        ("capture",),
        "a picture taken while she slept",
        "une photo prise pendant son sommeil",
    ),
    _rule(
        "private_source",
        "covert_capture",
        r"\b(?:compte|story|stories) (?:prive|privee|perso)\b|\bprivate (?:account|story|acc"
        r"|insta|snap)\b|\bclose friends?\b|\b(?:vole|volee|voles|volees|pique|piquee|piquees"
        r"|recuperee?s?|chope(?:e|es)?|stole|stolen|grabbed|ripped)\b(?: \w+){0,3} (?:sur|dans|de"
        r"|from|off) (?:son|sa|ses|her)\b",
        0.85,
        (("capture", "sexual", "stolen"),),
        "a picture taken from her private account or phone",
        "une photo prise dans son compte privé ou son téléphone",
    ),
    # minor
    _rule(
        "age_of_her",
        "minor",
        r"\b(?:elle|she|her|sa|cette|la)\b(?: [a-z0-9]+){0,4}? " + _AGE + r"|\b(?:she s|she is|shes"
        r"|elle a|elle fait|elle avait)(?: only| que| juste| genre| like| barely| a peine)? "
        r"(?:1[0-7]|[6-9])\b(?! ?(?:h\b|min|euros?|e\b|kg|cm|km|points?|pts|ans de|years? of|%))"
        r"|\b(?:my|ma|sa|ta|his|her|your|ur|la|the) "
        + _RELATION
        + r" (?:de|of|aged) "
        + _AGE
        + r"|\b(?:my|ma|sa|ta|his|her|your|ur|la|the) "
        + _RELATION
        + r" (?:is|est|a|has)"
        r"(?: only| que| juste| barely| a peine)? (?:1[0-7]|[6-9])\b(?! ?(?:h\b|min|euros?|kg|cm"
        r"|km|points?|pts|ans de|years? of|%))",
        0.9,
        (("target", "concession"),),
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
        r"\b(?:1[0-7]) ?(?:yo|y o|ans)\b",
        0.8,
        ("target",),
        "an age under 18 next to sexual talk",
        "un âge de moins de 18 ans dans un propos sexuel",
    ),
    _rule(
        "school_class",
        "minor",
        r"\b(?:en|de) (?:6|5|4|3)(?:e|eme|em)\b"
        r"|\ben (?:sixieme|cinquieme|quatrieme|troisieme|seconde"
        r"|2nde|4eme|3eme)\b|\b(?:au|du) colle?ge\b|\bcollegiennes?\b|\blyceennes?\b"
        r"|\b(?:2nde|1ere|seconde|premiere|[3-6]e|[3-6]eme) [a-z]\b|\b(?:middle|junior"
        r" high|high) school\b|\b(?:freshman|sophomore|[6-9]th grade|1[01]th grade)\b",
        0.8,
        ("target",),
        "a school year that means under 18",
        "une classe qui veut dire moins de 18 ans",
    ),
    _rule(
        "her_class",
        "minor",
        r"\b(?:she s a (?:freshman|sophomore)|(?:elle|she) (?:est|etait|is|was) (?:en|au|in)"
        r" (?:[3-6]e|[3-6]eme|sixieme|cinquieme"
        r"|quatrieme|troisieme|seconde|2nde|college|middle school|high school|[6-9]th grade))\b",
        0.8,
        (("target", "concession"),),
        "her school year, said as if it did not matter",
        "sa classe, dite comme si cela ne comptait pas",
    ),
    _rule(
        "minor_word",
        "minor",
        r"\bmineures?\b|\bunderage\b|\bjailbait\b|\bloli\b|\bpas (?:encore )?majeure?\b"
        r"|\bpas (?:encore )?18\b|\bnot (?:yet )?18\b|\bbarely 1[0-7]\b|\blegal soon\b"
        r"|\balmost legal\b"
        r"|\b(?:bientot|presque|pas encore) majeure?\b",
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
        r"|faux nudes?)\b",
        0.9,
        (),
        "an undressing ('nudify') tool or its result",
        "un outil de déshabillage (« nudify ») ou son résultat",
    ),
    _rule(
        "undress_with_ai",
        "deepfake",
        r"\b(?:deshabill\w*|enlev\w* (?:les |ses )?(?:vetements|habits|fringues)|mettre a poil"
        r"|mise a poil|a poil)\b",
        0.85,
        ("ai",),
        "undressing a woman's picture with AI",
        "déshabiller la photo d'une femme avec une IA",
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
        "face_swap",
        "deepfake",
        r"\bface ?swap\w*|\bswap (?:sa|her) (?:tete|face)\b|\bmettre (?:sa|la|leur) (?:tete"
        r"|tronche|face|gueule) sur\b|\bput her face on\b"
        r"|\b(?:mett\w*|mis|coll\w*|pos\w*|plac\w*|put|pasted|stuck) (?:sa|la|leur|ta|her) (?:tete"
        r"|tronche|face|gueule)(?: \w+){0,4} (?:sur|on)\b",
        0.85,
        ("sexual",),
        "her face put on a sexual picture",
        "son visage mis sur une image sexuelle",
    ),
)
_RULE_OF = {rule.name: rule for rule in RULES}


def _needs_target(rule: Rule) -> bool:
    return any(
        need == "target" or (isinstance(need, tuple) and "target" in need) for need in rule.needs
    )


#: Rules that need no finding of another rule, then those that need a target (which another
#: kind's finding can give).
_FIRST = [rule for rule in RULES if not _needs_target(rule)]
_ON_TARGET = [rule for rule in RULES if _needs_target(rule)]
#: Stems (in folded form) of every word a rule could start from, by family, matched at the start
#: of a word ("x " is the word "x"): a message holding none is skipped after one pass of an
#: Aho-Corasick automaton, and a rule runs only when a stem of its family (``RULE_FAMILIES``) is
#: there. ``tests/intel`` checks on the corpora and on random text that neither changes a result.
#: A single-digit age is a trigger only with its unit or after "she's", "elle a"… ("at 9" is not).
_AGE_STEMS = tuple(
    f"{prefix}{n}{unit}"
    for n in range(6, 10)
    for prefix, unit in [
        *(("", u) for u in (" ans", "ans", " an", " yo", "yo", " y o", " year", " yrs")),
        *((p, "") for p in ("she s ", "shes ", "she is ", "elle a ", "elle fait ", "is ", "est ")),
        *((p, "") for p in ("a ", "has ", "elle avait ", "elle a que ", "she s only ")),
    ]
)
#: "see"/"voir" only before someone ("see you" is not a trigger).
_SEE_STEMS = tuple(
    f"{verb} {whom}"
    for verb in ("see", "voir")
    for whom in ("my", "her", "his", "your", "ur", "ma", "sa", "ta", "mon", "la", "les", "ses")
)
TRIGGER_STEMS: dict[str, tuple[str, ...]] = {
    "tribute": (
        "trib", "tr*b", "cum", "c*m", "gicl", "juter", "decharg", "ejacul", "jouir", "branl",
        "fap", "wank",
    ),
    "sexual": (
        "nud", "nue", "poil", "sein", "nichon", "cul", "fesse", "chatte", "sexy", "chaud",
        "salop", "pute", "baise", "sexe", "sexu", "porn", "nsfw", "thicc", "boob", "tit", "ass",
        "puss", "slut", "whore", "bite", "leak", "expos", "sextape", "lingerie", "culotte",
        "soutif", "string", "horny", "excit", "kiffer", "mater", "bandant", "bonne", "hot",
        "smash", "x ", "maillot", "bikini", "brassiere", "fine", "fraiche", "dossier", "hottest",
        "douche", "shower", "lit", "bed", "sous",
    ),
    "picture": (
        "photo", "pic", "tof", "vid", "film", "shoot", "snap", "cam", "screen", "captur", "pris",
        "took", "taken", "shot", "record", "enregistr", "image", "clich", "montr", *_SEE_STEMS,
    ),
    "covert": (
        "scred", "cachet", "insu", "sache", "voie", "remarque", "capte", "sait", "savait",
        "saura", "voit", "voyait", "verra", "doute", "without", "know", "notic",
        "idea", "secret", "discret", "douce", "loucede", "mine", "air de rien", "cache",
        "planque", "hidden", "phone", "tel", "sous", "under", "upskirt", "creep", "vestiaire",
        "douche", "cabine", "toilet", "locker", "shower", "changing", "getting", "chang",
        "deshabill", "douch", "dort", "dorm", "pion", "roupill", "sieste", "endormi", "sleep",
        "asleep", "nap", "sommeil", "compte", "story", "stories", "private", "close friend",
        "vole", "stole",
        "pique", "recuper", "chope", "grab", "ripp", "leak", "screen",
    ),
    "minor": (
        *_AGE_STEMS,
        "10", "11", "12", "13", "14", "15", "16", "17", "3e", "4e", "5e",
        "6e", "3eme", "4eme", "5eme", "6eme", "2nde", "1ere", "colleg", "coleg", "lycee",
        "school", "middle", "junior", "high", "freshman", "sophomore", "grade", "sixieme",
        "cinquieme", "quatrieme", "troisieme", "seconde", "premiere", "mineur", "underage",
        "niece", "she s a",
        "jailbait", "loli", "majeur", "legal", "barely", "18", "petite", "ptite", "little",
        "lil",
    ),
    "deepfake": (
        "deep", "dfake", "nud", "nudif", "undress", "cloth", "remove", "fake", "faux", "ai",
        "porn", "deshabill", "enlev", "mettre", "mise", "poil", "face", "swap", "tete",
        "tronche", "gueule", "mett", "mis", "coll", "pos", "plac", "put", "pasted", "stuck",
    ),
    "send": (
        "envoi", "envoy", "balanc", "drop", "send", "post", "partag", "montr", "trade", "echang",
        "troc", "swap", "dispo", "available", "up for grabs", *_SEE_STEMS, "tournoi",
        "tournament", "note", "rate", "vote", "recrut", "recruit", "hiring", "hmu",
    ),
}  # fmt: skip
#: The families whose stems a rule's pattern starts from (rules not listed run whenever their
#: contexts are there: who she is, which needs a message about her already).
RULE_FAMILIES: dict[str, frozenset[str]] = {
    name: frozenset(families)
    for name, families in {
        "explicit_tribute": ("tribute",),
        "tribute_request": ("tribute",),
        "tribute_on_her": ("tribute",),
        "tribute_of_a_woman": ("tribute",),
        "send_her": ("send",),
        "private_offer": ("send",),
        "pictures_privately": ("picture", "send", "sexual"),
        "trade_her_pictures": ("send",),
        "sexual_content_request": ("sexual", "picture", "deepfake"),
        "rating_game": ("sexual",),
        "rating_contest": ("send",),
        "without_her_knowing": ("covert", "picture"),
        "hidden_device": ("covert",),
        "private_place": ("covert",),
        "asleep": ("covert",),
        "private_source": ("covert",),
        "age_of_her": ("minor",),
        "age_tag_yo": ("minor",),
        "age_tag": ("minor",),
        "school_class": ("minor",),
        "her_class": ("minor",),
        "minor_word": ("minor",),
        "little_sister": ("minor",),
        "undressing_tool": ("deepfake",),
        "undress_with_ai": ("deepfake",),
        "deepfake": ("deepfake",),
        "face_swap": ("deepfake",),
    }.items()
}


def _automaton() -> Any:
    import ahocorasick

    families_of: dict[str, set[str]] = defaultdict(set)
    for family, stems in TRIGGER_STEMS.items():
        for stem in stems:
            families_of[stem].add(family)
    automaton = ahocorasick.Automaton()
    for stem, families in families_of.items():
        automaton.add_word(" " + stem, frozenset(families))  # at the start of a word
    automaton.make_automaton()
    return automaton


_STEMS = _automaton()


def trigger_families(folded: str) -> frozenset[str]:
    """The families of trigger stems that folded text holds (empty: no rule can fire)."""
    found: set[str] = set()
    for _, families in _STEMS.iter(f" {folded} "):
        found |= families
    return frozenset(found)


def has_trigger(folded: str) -> bool:
    """Whether folded text holds any word a rule could start from."""
    return bool(trigger_families(folded))


_CONTEXTS = {
    "ask": _ASK,
    "female": _FEMALE,
    "sexual": _SEXUAL,
    "capture": _CAPTURE,
    "ai": _AI,
    "stolen": _STOLEN,
    "private": _PRIVATE,
    "rating": _RATING,
    "tribute": _TRIBUTE,
    "concession": _CONCESSION,
}
#: Kinds whose hits make a message about a target (for the rules that need ``target``).
_TARGETING = ("solicitation", "covert_capture", "deepfake")


@dataclass(frozen=True)
class Evidence:
    """Why a kind fired: the rule, the phrase (folded), and the rule in words."""

    rule: str
    phrase: str

    def as_dict(self, lang: str = "en") -> dict[str, str]:
        rule = _RULE_OF[self.rule]
        return {
            "rule": self.rule,
            "phrase": self.phrase,
            "why": rule.fr if lang == "fr" else rule.en,
        }


@dataclass(frozen=True)
class MessageSignal:
    """One kind found in one message, its score (0–1) and its evidence."""

    kind: str
    score: float
    evidence: tuple[Evidence, ...]

    def as_dict(self, lang: str = "en") -> dict[str, Any]:
        return {
            "kind": self.kind,
            "score": self.score,
            "evidence": [e.as_dict(lang) for e in self.evidence],
        }


def message_signals(text: str) -> list[MessageSignal]:
    """The kinds ``text`` shows, in ``KINDS`` order (empty for most messages); only its first
    ``MAX_CHARACTERS`` are read."""
    folded = fold(text[:MAX_CHARACTERS])
    families = trigger_families(folded) if folded else frozenset()
    if not families:
        return []
    if _REPORTING.search(folded):
        return []
    folded = _NEGATED.sub(" ", folded)
    homage = bool(_HOMAGE.search(folded)) and not _SEXUAL.search(folded)
    views: dict[str, str] = {}  # the text minus school staff, made once if a minor rule runs
    present: dict[str, bool] = {}
    if homage:  # "tribute" in its ordinary sense: not a context for the other rules either
        present["tribute"] = False

    def has(context: str) -> bool:
        if context not in present:
            present[context] = bool(_CONTEXTS[context].search(folded))
        return present[context]

    found: dict[str, list[tuple[Rule, str]]] = {}

    def fire(rules: list[Rule]) -> None:
        for rule in rules:
            if homage and rule.kind == "solicitation":
                continue
            needed = RULE_FAMILIES.get(rule.name)
            if needed is not None and not needed & families:
                continue
            if not all(
                any(_satisfied(c, has, found) for c in need)
                if isinstance(need, tuple)
                else _satisfied(need, has, found)
                for need in rule.needs
            ):
                continue
            if rule.kind == "minor":
                if "minor" not in views:
                    views["minor"] = _STAFF.sub(" ", folded)
                hit = rule.pattern.search(views["minor"])
            else:
                hit = rule.pattern.search(folded)
            if hit:
                found.setdefault(rule.kind, []).append((rule, hit.group().strip()))

    fire(_FIRST)
    fire(_ON_TARGET)
    signals = []
    for kind in KINDS:
        hits = found.get(kind)
        if not hits:
            continue
        missing = 1.0
        for rule, _ in hits:
            missing *= 1 - rule.weight
        score = round(min(0.99, 1 - missing), 2)
        if score >= REPORT_FROM:
            signals.append(
                MessageSignal(kind, score, tuple(Evidence(r.name, phrase) for r, phrase in hits))
            )
    return signals


def _satisfied(need: str, has: Any, found: dict[str, list[tuple[Rule, str]]]) -> bool:
    """Whether the message has context ``need``; ``target``: it is about sexual content or
    exposure (sexual words, a targeting kind already found, or her picture offered)."""
    if need == "target":
        return (
            has("sexual")
            or has("tribute")
            or any(kind in found for kind in _TARGETING)
            or (has("ask") and has("capture") and has("female"))
        )
    return bool(has(need))
