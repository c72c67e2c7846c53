"""The words the message-signal rules are made of, in folded form (``rempart.intel.normalize``):
contexts a rule can need (a request, a woman as the target, sexual words, a picture being
taken…), what silences every rule (reporting, prevention, a victim asking for help), tribute
bands and homages, negated phrases, and the fragments the rules share (relations, ages).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

#: Each pattern compiled by ``compiled`` (its text) and the pattern as it was written: a test
#: checks on the corpus that both match at the same places.
WRITTEN_AS: dict[str, str] = {}


def _class_end(pattern: str, start: int) -> int:
    """Where the character class opened at ``start`` closes."""
    at = start + 1
    if pattern.startswith("^", at):
        at += 1
    if pattern.startswith("]", at):  # a "]" first in a class is a character
        at += 1
    while pattern[at] != "]":
        at += 2 if pattern[at] == "\\" else 1
    return at


def _structure(pattern: str, start: int = 0) -> Iterator[tuple[int, str]]:
    """Each character of ``pattern`` from ``start`` that is neither escaped nor in a class,
    with where it stands."""
    at = start
    while at < len(pattern):
        char = pattern[at]
        if char == "\\":
            at += 2
        elif char == "[":
            at = _class_end(pattern, at) + 1
        else:
            yield at, char
            at += 1


def _top_level_alternatives(pattern: str) -> list[str]:
    """``pattern`` split at its top-level ``|`` (not inside a group or a class, not escaped)."""
    alternatives, depth, start = [], 0, 0
    for at, char in _structure(pattern):
        depth += (char == "(") - (char == ")")
        if char == "|" and depth == 0:
            alternatives.append(pattern[start:at])
            start = at + 1
    alternatives.append(pattern[start:])
    return alternatives


def _group_end(pattern: str, start: int) -> int:
    """Where the group opened at ``start`` closes."""
    depth = 0
    for at, char in _structure(pattern, start):
        depth += (char == "(") - (char == ")")
        if depth == 0:
            return at
    raise ValueError(f"unbalanced group in {pattern!r}")


def _groups_regrouped(alternative: str) -> str:
    """``alternative`` with the alternatives of each non-capturing group in it regrouped."""
    parts, last = [], 0
    for at, char in _structure(alternative):
        if at < last or char != "(":
            continue
        end = _group_end(alternative, at)
        if alternative.startswith("(?:", at):
            parts += [alternative[last:at], "(?:", _by_first_letter(alternative[at + 3 : end]), ")"]
        else:  # a lookaround: kept as it is
            parts.append(alternative[last : end + 1])
        last = end + 1
    return "".join([*parts, alternative[last:]])


def _by_first_letter(pattern: str) -> str:
    """``pattern``'s alternatives that start with the same plain letter written as one
    ("ab|ac" as "a(?:b|c)"), so that Python tries the letter once, not once per alternative.
    Only neighbours are merged (an alternative that does not start with a plain letter stays
    where it is, between them), so the same alternative matches as before, at the same place."""
    merged: list[str] = []
    run: dict[str, list[str]] = {}

    def close_run() -> None:
        for letter, members in run.items():
            if len(members) == 1:
                merged.append(members[0])
            else:
                rest = _by_first_letter("|".join(member[1:] for member in members))
                merged.append(f"{letter}(?:{rest})")
        run.clear()

    for alternative in map(_groups_regrouped, _top_level_alternatives(pattern)):
        plain = alternative[:1].isalnum() or alternative[:1] == " "
        if plain and alternative[1:2] not in ("?", "*", "+", "{"):
            run.setdefault(alternative[0], []).append(alternative)
        else:
            close_run()
            merged.append(alternative)
    close_run()
    return "|".join(merged)


def compiled(pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled with the word boundary that starts its top-level alternatives
    written once, in front of them: Python tries every alternative at every position, and a
    shared ``\\b`` fails once instead of once per alternative inside a word (the rule
    "place", 22 alternatives, reads three times faster); then, in a pattern without capturing
    groups, the alternatives of every group that start with the same letter are written as one
    (``_by_first_letter``: the contexts read a third faster). The same matches, at the same
    places; only which alternative is reported can change where two match at one place."""
    alternatives = _top_level_alternatives(pattern)
    at_word = [a[2:] for a in alternatives if a.startswith("\\b")]
    factored = pattern
    if len(at_word) >= 2:
        others = [a for a in alternatives if not a.startswith("\\b")]
        factored = "|".join([r"\b(?:" + "|".join(at_word) + ")", *others])
    if re.compile(pattern).groups == 0:  # regrouping would renumber capturing groups
        factored = _by_first_letter(factored)
    if factored != pattern:
        WRITTEN_AS[factored] = pattern
    return re.compile(factored)


def _facet(pattern: str) -> re.Pattern[str]:
    return compiled(pattern)


class WordFacet:
    """A facet with many single words: the words are looked up in a set (one pass over the
    message's words), the rest (phrases, word stems, words that need a neighbour) in one
    pattern. Python's regular expressions try every alternative at every position, so a long
    list of words costs far more as a pattern than as a set.
    """

    def __init__(self, words: str | frozenset[str], phrases: str) -> None:
        self.words = frozenset(words.split()) if isinstance(words, str) else words
        self.phrases = compiled(phrases)

    def search(self, folded: str) -> bool:
        """Whether folded text holds one of the words, or the pattern."""
        if not self.words.isdisjoint(folded.replace(".", " ").replace("@", " ").split()):
            return True
        return self.phrases.search(folded) is not None


#: Common women's first names (folded), leaving out those that are also ordinary words (rose,
#: jade, marine, claire, grace…): a name makes her a real woman, as "ma cousine" does. Looked up
#: as words in a set (an alternation of 150 names would be searched at every position).
FIRST_NAMES = frozenset(
    """
    lea emma chloe manon camille ines sarah julie laura lucie clara zoe lola juliette anais
    oceane pauline margaux elise maeva lena nina eva agathe charlotte mathilde justine marion
    celia noemie melanie amandine audrey aurelie elodie emilie jessica laetitia sophie valentine
    victoria yasmine yasmina lina alicia axelle salome romane jeanne louna candice coralie
    morgane solene maelys estelle fanny gaelle helene ophelie anna nora sofia leila myriam
    sabrina samira nadia amina kenza sirine assia ilona alexia elisa carla maya jenna kelly
    cindy sandra vanessa oriane apolline clemence heloise emily ashley hannah megan olivia
    sophia isabella abigail madison natalie samantha lauren rachel rebecca amanda jennifer
    stephanie nicole katie kayla brittany alyssa kaylee haley brooke jasmine kylie madeline
    bella scarlett layla chelsea becky jenny amy lucy ellie molly holly amelia isla freya evie
    mia lila louise
    """.split()
)
#: One of those names, for a pattern that needs it after a fixed word ("le pack de Léa").
FIRST_NAME = "(?:" + "|".join(sorted(FIRST_NAMES, key=lambda name: (-len(name), name))) + ")"
#: "trib" in its spellings, and "hommage" in the tributes' own grammar: on a woman ("un hommage
#: sur ma voisine"; a homage is paid "à" someone).
TRIB = (
    r"(?:\b(?:c[u*]m ?)?tr[i*]b(?!un|u\b|us\b|al)[a-z*]*"
    r"|\bhommages?(?= sur (?:ma|ta|sa|vos|tes|ses|mes|la|les|cette|une|votre|ton|son)\b))"
)
#: Asking whether her pictures may be posted, and telling members to enjoy them: phrases that
#: are both a request (``ASK``) and an offer (``OFFER``).
_MAY_POST_AND_ENJOY = (
    r"(?:on|je) (?:peut|peux) (?:les |la )?(?:poster|mettre|balancer|partager)"
    r"|can i (?:post|share|drop)|faites vous plaisir|regalez vous|servez vous"
)
#: Asking, offering, announcing, being available, sending privately.
ASK = _facet(
    r"\b(?:qui (?:veut|ve|en veut|a|peut|est chaud|est dispo|fait|se chauffe)|quelqu ?un|qqn|qlq"
    r"|(?:can|could|would|will) (?:someone|somebody)|need (?:someone|somebody)"
    r"|(?:someone|somebody) (?:pls|plz|please|got|have|has|make|do)"
    r"|[0-9]+ (?:euros?|balles|dollars?|bucks)|pls|plz|please|stp|svp"
    r"|want (?:her|my|the|some) (?:pics|photos|nudes|vids)|drop more|send more"
    r"|quelqun|kelkun|kelki|kelkin|qqi|qlqi|qlqun|dispo|disponible"
    r"|je (?:prends|prend|fais|fait|peux|veux|cherche|propose"
    r"|balance|poste|mets|envoie|vends)|j ?en (?:fais|ai|veux)|j ?ai (?:des|ses|les)|envoie[sz]?"
    r"|envoyez|balance[sz]?|balancez|postez|dm|dms|mp|pv|en prive|inbox|hmu|who (?:wants|has"
    r"|got|can|is down)|anyone|any1|taking requests|requests? (?:open|ouvertes?)|send (?:me|her"
    r"|pics|nudes|it|more)|drop (?:her|ur|your|pics|the)|looking for|cherche|besoin d ?un|fais ?moi"
    r"|tu peux (?:me )?faire|i (?:do|make|can do|take|got|have)|i ?ll do|who s down|partage[sz]?"
    r"|dispo pour|on (?:fait|se fait)|go (?:mp|dm)"
    r"|je (?:vous |te )?(?:la |le |les )?(?:mets|envoie|balance|poste|montre|file|donne)"
    r"|trade|echange|troc|swap (?:pics|nudes)|requests?|demandes?|commandes?|who s got|who got"
    r"|recrute\w*|recruit\w*|hiring|(?:vous|tu) (?:voulez|veux|veut) (?:voir|la|les|ses)"
    r"|wanna see|want to see|vous voulez|tu veux|you want|u want|wanna|qui (?:les|la|en) veut"
    r"|faites ?(?:moi|nous)|je (?:paye|paie|payerai|paierai)|i ?ll pay|paying"
    r"|t ?as (?:pas )?(?:des|les|ses)|tu as (?:pas )?(?:des|les|ses)|vous avez (?:des|les)"
    r"|moyen d ?avoir|you got|u got|got any"
    r"|regardez|look at|matez|u got|you got|t as des|t en as|interesse\w*|interested|partants?"
    r"|who s in|vous en pensez quoi|what do (?:you|u) think|thoughts"
    r"|j ai (?:(?:encore|toujours|aussi|deja|meme|tous|toutes?|trop|plein|recup\w*|chope\w*"
    r"|garde\w*|vole\w*|pique\w*|screen\w*) ){0,2}(?:des|ses|les|sa|leurs) |je les ai"
    r"|je (?:les |la |le |vous |te )?(?:lache|drop)|(?:lachez|droppez)"
    r"|dropping (?:her|them|some|my|the)"
    r"|je (?:vous|te) (?:fais|fait|prepare|monte|file)|go get|allez (?:chercher|choper|recuperer)"
    r"|trouvez|find me|dig up|(?:vous|tu) (?:la|les) not\w*|notez|(?:just )?dropped|enjoy"
    r"|profitez|testez|essayez|try it|want (?:it|them|more|some)"
    r"|vends?|vendu|selling|sell|for sale|a vendre|tarifs?|paypal|lydia|nitro"
    r"|dms? (?:open|ouverts?)|mp ouverts?|inbox open|hit me up|slide in|ecris moi|contacte moi"
    r"|je realise|taking orders|commission\w*|je (?:le|la|les|te|vous) (?:fais|fait)|go look"
    r"|allez (?:voir|mater)|check her|need (?:the|her|some|more|moar)|sauce(?= on| pls| \||$)"
    r"|t ?as (?:toujours|encore) (?:le|les|des|ses|sa|ton)|should i (?:drop|post|share|leak)"
    r"|ca (?:vous|te) dit|(?:kindly |pls |please )?share (?:the|her|your|ur|some|more|them)"
    r"|zieute[sz]?|zyeute[sz]?|re ?upload\w*|repost\w*|qui (?:les|la) a|ramene[sz]?"
    r"|on attend|j attends|we re waiting|t avais promis|you promised|mate[sz]? (?:moi|ca)"
    r"|faites tourner|" + _MAY_POST_AND_ENJOY + r")\b"
)
#: Common nouns with a woman's suffix (-esse, -ette, -ine, -iere…) that are not people.
NOT_A_PERSON = (
    r"(?!(?:kermesse|messe|adresse|vitesse|jeunesse|promesse|caresse|richesse|sagesse|tristesse"
    r"|paresse|finesse|ivresse|forteresse|noblesse|assiette|baguette|fourchette|toilette"
    r"|cigarette|raquette|recette|chaussette|lunette|trottinette|omelette|tablette|etiquette"
    r"|banquette|bicyclette|cuisine|machine|piscine|usine|vitrine|routine|semaine|medecine"
    r"|discipline|origine|marine|colline|farine|tartine|cantine|vitamine|magazine|doctrine"
    r"|cabine|matrice|cicatrice|lumiere|riviere|maniere|carriere|matiere|priere|frontiere|biere"
    r"|cafetiere|premiere|derniere|poitrine)s?\b)"
)
#: A woman as the target.
FEMALE = WordFacet(
    FIRST_NAMES
    | frozenset(
        """
        elle elles sa ses ma ta cette her she meuf meufs fille filles gow go nana nanas girl girls
        chick chicks cousine cousines soeur soeurs voisine voisines copine copines amie amies tante
        classmate classmates sister sisters sis teacher teachers neighbor neighbors neighbour
        neighbours coworker coworkers gf ex exs exes salope salopes pute putes chienne chiennes
        slut sluts whore whores daronne lyceenne lyceennes collegienne collegiennes etudiante
        etudiantes deleguee caissiere serveuse infirmiere stagiaire babysitter nounou blonde brune
        rousse stepmom stepsister stepsis mom mother mere niece aunt wife daughter barista
        waitress cashier secretary receptionist nurse nanny hostess cheerleader boulangere
        bouchere patissiere charcutiere fermiere bergere passagere moms mothers meres mamans
        daronnes aunts tantes missus wifey reum reuss streameuse sheila maman redhead
        brunette blondie femme femmes woman women lady ladies dame dames madame mademoiselle
        demoiselle girlfriend fiancee epouse gadji gonzesse gonzesses petasse cagole hottie
        gyal marraine nourrice directrice surveillante pionne landlady tutrice mrs
        """.split()
    ),
    r"\b(?:la|ma|ta|sa|cette|notre|une|les|tes|mes|ses) profs?\b"
    r"|(?<!mon )(?<!ton )(?<!son )(?<!un )\b(?:potes?|collegues?|coloc|camarades?|cousins?)\b"
    r"|\bl ai (?:prise|filmee|shootee|photographiee|matee|chopee)\b"
    r"|\b(?:la|une|cette|ta|ma|sa) "
    + NOT_A_PERSON
    + r"[a-z]+(?:euse|rice|ienne|iere|esse|ette|ine)\b"
    r"|\b(?:la|cette) (?:petite|ptite|gamine|minette)\b|\bbaby sitters?\b"
    r"|\b(?:la|une) nouvelle (?:de|du|d|en|au)\b",
)
#: Pictures called "spicy": sexual in SEXUAL and in a request for sexual pictures alike.
SPICY_MEDIA = r"spicy (?:pics?|photos?|tofs?|vids?|videos?|content|stuff|snaps?)"
#: Sexual or exposing vocabulary.
SEXUAL = WordFacet(
    """
    nude nudes nue nues sein seins nichon nichons cul fesses chatte sexy chaudasse salope pute
    sexe nsfw thicc boob boobs tit tits ass pussy slut whore bite jouir expose exposer exposes
    exposez exposee exposees sextape lingerie culotte soutif string horny mater boule decollete
    cleavage bonnasse onlyfans bombasse bonasse poitrine fessier moulant moulants moulante
    moulantes minijupe cambree coquine coquines sensuelle provocante aguicheuse allumeuse
    cochonne vicieuse curvy stacked booty lewd freaky dtf milf bimbo pulpeuse charnue
    appetissante lolos nibards miches nympho soumise denudee busty braless topless nipslip thong
    slutty hoe thot baddie smokeshow spankbank lewds nudez thirsttrap thirsttraps naked
    blowjob sodomie levrette orgasme orgasm mouillee kinky fetish fetiche sexto sextos sexting
    sext sexts xxx mym fansly camgirl striptease hentai rule34 r34 boobies titties tanga
    """,
    r"\bole ole\b|\b(?:uncensored|sans censure|non censuree?s?|(?:elle )?montre (?:deja )?tout"
    r"|shows? (?:off )?everything)\b|\b(?:baise|sexuel|porn|c[u*]m(?! laude)|branl|fap|wank|leak"
    r"|excitant"
    r"|bandant|twerk|goon|undress"
    r"|deshabill|nudif)\w*"
    r"|\b(?:chaude(?! en)|a poil|kiffer sur|bonne (?:grosse|meuf|salope)|smash or pass|bonne comme"
    r"|(?:trop|tro|super|tres|grave|la plus|plus|t es|elle est)(?: deja| vraiment| tellement| sah"
    r"| grave| trop| hyper)?"
    r" bonnes?(?! en| au| aux| avec)"
    r"|(?:in|dans|sur) (?:le |the )?(?:salon |channel )?(?:spicy|nsfw|hot|sexy)(?= \||$)"
    r"|en (?:maillot|bikini|brassiere|serviette|sous vetements?|sous vet|petite tenue"
    r"|tenue legere|culotte|nuisette|soutif|string)|sans (?:culotte|soutif|rien dessus)"
    r"|in (?:a |her )?(?:bikini|towel|underwear|undies|panties|bra)"
    r"|packs? (?:de|d|of) (?:ma|sa|ta|la|cette|her|my|your|ur|une|mon|son)"
    r"|hot (?:af|pics?|photos?|tofs?)|(?:so|trop|is|she s|elle est) hot"
    r"|(?:video|vid|film|photo)s? x|gros seins|une bombe|a bomb|only fans|mini jupe|a croquer"
    r"|bien (?:foutue|roulee|formee|gaulee)|nip slip|smoke show|spank bank"
    r"|(?:elle est|trop|vraiment|grave|t es|she s|so|is) (?:canon|thick)"
    r"|(?:so|trop|tres|vraiment) (?:fine|fraiche)|bonne a souhait|fine (?:af|as hell|asf)"
    r"|(?:faites vous|fais toi|se faire) (?:plaisir|du bien)"
    r"|bikini (?:pics?|photos?|tofs?)|(?:pics?|photos?|tofs?) (?:en|in) bikini"
    r"|"
    + SPICY_MEDIA
    + r"|(?:son|her|quel|un) (?:corps|body)(?: de (?:femme|reve|ouf))?|trucs? (?:chauds?|hot|sexy"
    r"|coquins?)|scenes? (?:x|porno?|de cul)|nudess+|looks (?:18|older|legal)"
    r"|fait plus (?:vieille|agee)|corps nus?|(?:photos?|videos?|vids?|images?|contenus?) intimes?"
    r"|intimate (?:pics|photos|videos|images|content)|fait (?:18|majeure)|gyatt"
    r"|built like (?:a (?:grown )?woman|an adult|[1-3][0-9])|wardrobe malfunction|thirst traps?"
    r"|(?:son|her) (?:haut|top|bretelle|strap|serviette|towel) (?:a glisse|glisse|slipped|fell)"
    r"|(?:her|son|the|ses|leur|an|a|un|[a-z]+ s) of (?:leak\w*|link|lien|content|contenu|page)"
    r"|leaked (?:the |her )?of|on (?:voit|voyait) tout|(?:you|u) (?:can )?see everything)\b"
    r"|\b(?:she s|shes|she is) (?:a|an) (?:10|9|solid (?:8|9|10)|dime|smoke)\b"
    r"|\belle fait plus(?= \||$)|\bonto (?:her |an |the )?(?:of|onlyfans)\b"
    r"|(?:^|\| )bonne(?: deja| grave| de ouf| af| a souhait)?(?= \||$)",
)
#: A picture being taken, kept or passed on.
CAPTURE = _facet(
    r"\b(?:photos?|pics?|tofs?|vids?|videos?|film(?:e|ee|es|ees|er|ais|ait|ant|ons|ez)|shoot\w*"
    r"|(?<!son )(?<!her )(?<!his )(?<!sa )(?<!ton )(?<!le )(?<!mon )(?<!my )(?<!your )(?<!ur )"
    r"(?<!lui envoyer un )(?<!send her a )snap\w*"
    r"|cam|camera(?! de recul| embarquee)|bereals?|screens?|montre"
    r"|(?:la|l) prendre (?:de dos|en photo)"
    r"|(?:voir|see) (?:my|her|his|your|ur|ma|sa|ta|mon|la|les|ses)"
    r"|(?:vous voulez|tu veux|wanna|want to|who wants to|qui veut)(?: quand meme| still| vraiment"
    r"| really)?(?: la| les)? (?:voir|see)"
    r"|screenshots?|captures?|pris|prise|prises|took|taken|shot|record\w*|enregistr\w*|clip\w*"
    r"|filmed|filming|upskirt\w*|creep ?shots?"
    r"|image\w*|clich\w*|collecs?|selfies?|pix|imgs?|footage|fotos?|pp|zoom\w*"
    r"|(?:send|drop) more|envoie[sz]? (?:en )?plus|nudes|nudez|scred (?:de|d|of|sur))\b"
)
TRIBUTE = _facet(TRIB)
#: Offering to show her to the group ("qui veut voir", "wanna see"), or privately.
OFFER = _facet(
    r"\b(?:qui (?:veut|en veut) (?:voir|la|les|ses|sa)|(?:vous voulez|tu veux|wanna|want to"
    r"|who wants to) (?:voir|see)|dm|dms|mp|pv|en prive|inbox|qui (?:les|en) veut"
    r"|who wants (?:them|it|these|those|more)|vends|je vends|selling|for sale|a vendre"
    r"|je (?:vous|te) (?:les |la |le )?(?:envoie|mets|montre|file|balance|drop)"
    r"|je (?:vous|te) (?:fais|ferai|prends|prendrai) (?:des |plein de )?(?:photos|tofs|vids|videos)"
    r"|je (?:vous )?partage|i ?(?:ll)? share|sharing|(?:link|lien) (?:in|en) (?:bio|desc)"
    r"|on partage|(?:faire|fais|faites|font|on fait) tourner"
    r"|who wants (?:the )?(?:uncensored|full|complete|rest|suite|version)"
    r"|i ?ll (?:post|share|leak) (?:them|it|her)"
    r"|(?:posting|dropping) (?:them|it|her|my|ma|mon|sa|son|some)"
    r"|[0-9]+ (?:euros?|balles|dollars?|bucks)"
    r"|abonnement|subscription"
    r"|who wants (?:the |her |my |some )?(?:pics|vids|videos|photos|nudes)"
    r"|je (?:les |la |le )?(?:postes?|balance)|(?:should|shall) i (?:drop|post|share|leak)"
    r"|(?:link|lien|liens|links) (?:below|en dessous|ci dessous|dans le fil|in the thread)"
    r"|(?:link|lien) (?:is |est )?(?:in|en|dans) (?:my |ma |la )?(?:bio|desc)"
    r"|(?:i m|im|i ll|gonna|going to|je vais) (?:tout )?(?:leak|post|drop|balanc|poster|sharing"
    r"|shar)\w*"
    r"|here (?:it|they) (?:is|are)|here you go|(?:la|les) voici"
    r"|si (?:vous|tu) (?:voulez|veux|veut)(?= \||$)"
    r"|(?:is|are|they re|theyre|it s) (?:in|on) the (?:gc|group ?chat|chat|server|discord)"
    r"|(?:more|plus|la suite|le reste|the rest|photos?|pics?|tofs?|vids?|videos?)(?: \w+){0,2}"
    r" (?:dans le fil|in the thread|in the replies|en commentaires?)"
    r"|who wants the (?:link|lien|@|folder|drive)|(?:free|gratuit\w*) (?:for|pour) (?:members"
    r"|subs|everyone|tous|les membres)|zieute[sz]?|zyeute[sz]?"
    r"|(?:ca|cela) (?:vous|t) interesse|y ?all want|you all want|(?:ca )?interesse qui"
    r"|qui est interesse|who s interested|anyone interested|je vous tiens au courant|stay tuned"
    r"|(?:ok|okay|fine|allowed) to (?:post|share)"
    r"|(?:est|sont) (?:dans|sur) le (?:drive|cloud|salon|serveur)|(?:is|are) (?:in|on) the drive"
    r"|(?:la |les )?(?:videos?|vids?|photos?|tofs?|pics?|nudes?)(?: (?:de|d|of)(?: \w+){1,2})?"
    r" (?:arrive\w*|coming|soon|bientot"
    r"|ce soir|tonight|demain|tomorrow|dispos?|disponibles?|available)"
    r"|ca circule|circulent|going around|circulating"
    r"|(?:premiers? |first )?(?:resultats?|results?) (?:ce soir|demain|bientot|soon|tonight"
    r"|tomorrow)"
    r"|" + _MAY_POST_AND_ENJOY + r"|(?:who wants|qui veut) (?:her|son|sa)"
    r" (?:insta|snap|tiktok|@|num|number|numero)"
    r"|(?:paiement|payment) (?:en|in|par|via)"
    r"|ca (?:vous|te) dit|(?:qui (?:en )?veut|who wants|(?:u |you )?want (?:it|them|em))(?= \||$)"
    r"|(?:vous|tu) (?:la |les |le |en )?(?:voulez|veux)(?= \||$)"
    r"|who wants (?:a look|a peek|to look|to see)|qui veut (?:jeter un oeil|mater|regarder)"
    r"|subscrib\w*|abonnez|qui s abonne"
    r"|(?:vla|voila|voici) (?:les|des|ses|sa|la|mes)|here (?:are|s) (?:the|her|some|my))\b"
)
#: Pictures the poster says he holds ("i've got vids", "got pics", "j'ai des photos d'elle",
#: "j'ai tout"):
#: an offer once they were taken without her knowing.
HELD = _facet(
    r"(?:\b(?:i ve got|ive got|i got|i have|j ai|g|on a|we ve got|we have|we got)|(?:^|\| )got)"
    r" (?:(?:des|plein de|les|ses|some|her|the|a few|loads of|[0-9]{1,4}) )?"
    r"(?:photos?|pics?|tofs?|vids?|videos?|clips?|films?)\b|\bj ai tout\b"
    r"|\b(?:i ?ll|should i|shall i) (?:get|take|grab) (?:some |her )?(?:pics|photos|vids)\b"
    r"|\b(?:tons|loads|lots|plein|des tas) (?:of |de )?(?:pics|photos|vids|videos|tofs)\b"
    r"|\bje (?:vais|vous) (?:prendre|faire) des (?:photos|tofs|vids)\b"
    r"|\b(?:man s|mans|man has) got (?:bare |loads of |some )?(?:pics|photos|vids|videos)\b"
    r"|\bbare (?:pics|photos|vids|videos)\b|\bi took (?:these|them|those|some|a few)\b"
    r"|\bj ai pris (?:ces|celles ci|quelques)\b"
    r"|\bm a (?:tout|toutes? ses (?:photos|tofs|videos)) (?:donne|envoye|file|passe|balance)\b"
)
#: A picture of her asked to be taken ("filme-la", "take pics of her"): a request once taking
#: it would be covert.
#: Pictures as the price of a role, a promotion or access to the server ("rôle débloqué après 10
#: photos", "pour accéder aux salons, poste…").
REWARD = _facet(
    r"\b(?:(?:pour|to) (?:etre|devenir|avoir|acceder|get|unlock|become|access|be) (?:\w+ ){0,2}"
    r"(?:promu|modo|mod|role|grade|vip|acces|access|verifie|verified|admin|salons?|channels?"
    r"|serveur|server)|(?:debloque|unlocked) (?:apres|after|avec|with))\b"
)
COMMISSIONED = _facet(
    r"(?<!ai )(?<!je )\b(?:filme[sz]?|photographie[sz]?|shoote[sz]?) (?:la|les)\b"
    r"|(?<!je )\bprends? (?:la|les) en photo\b"
    r"|\b(?:film|record|snap|shoot) her\b|\btake (?:a )?(?:pics?|photos?|vids?) of her\b"
)
#: Pictures shown in the thread ("photos en dessous", "pics below"): an offer only in sexual
#: terms (a request word with a picture and a woman would make any family photo "about her").
SHOWN = _facet(
    r"\b(?:en dessous|ci dessous|dans le (?:fil|thread)|in the thread|below)\b"
    r"|(?:^|\| )(?:pics?|photos?|tofs?|vids?|videos?) (?:of|de|d)\b"
)
#: A family or school event ("le spectacle de danse de ma nièce", "photos du mariage"): pictures
#: of it asked for or offered are not, by themselves, a message about her.
EVENT = _facet(
    r"\b(?:spectacle|mariage|anniversaire|bapteme|kermesse|remise des diplomes|fete de l ecole"
    r"|communion|recital|gala|wedding|birthday|graduation|christening|baptism|fete de famille"
    r"|reunion de famille|family reunion|school play|trip|school trip|voyage scolaire"
    r"|sortie scolaire|sortie (?:au|a la|a l|en|du|de la|de classe)|anniv|bday"
    r"|holiday|holidays|vacation|seminaire|seminar|conference|colloque"
    r"|team building|afterwork|after work|pot de depart|offsite|retreat|concert|randonnee)\b"
)
#: A picture kept for fun or for her family ("trop drôle sa tête", "je l'envoie à sa mère"): a
#: friend asleep on the sofa, not a picture taken of her in secret.
FOND = _facet(
    r"\b(?:trop (?:mignon|drole|marrant|chou)|so (?:cute|funny|sweet)|too (?:cute|funny)|hilarious"
    r"|adorable|wholesome|(?:a|to) (?:sa|her) (?:mere|maman|mom|mum|family|famille|parents)"
    r"|(?:pour|for) (?:lui |leur |her |them )?(?:faire )?(?:une |la |sa |son |her |a )?"
    r"(?:surprise|anniv surprise)|pour surveiller (?:son|sa|le|la|mon|ma|leur) (?:chien|chat|bebe"
    r"|maison|appart|appartement|animal|perroquet)|pet ?cam|baby ?monitor|babyphone"
    r"|(?:watch|monitor|keep an eye on) (?:his|my|the|her|our) (?:dog|cat|baby|puppy|pets?))\b"
)
#: Any woman as the target of a tool or a service ("n'importe quelle fille", "any girl").
ANY_WOMAN = _facet(
    r"\b(?:n importe quelle (?:fille|meuf|femme|nana|go)|any (?:girl|woman|chick|female)"
    r"|toutes les (?:filles|meufs|femmes) que (?:tu|vous) (?:veux|voulez))\b"
)
#: Women of the members' places in general ("girls from your school", "les meufs de ta classe"):
#: no one in particular, so the place does not identify her.
MEMBERS_WOMEN = _facet(
    r"\b(?:girls|filles|meufs|nanas|women|femmes|chicks|lyceennes|collegiennes|etudiantes)"
    r" (?:de|du|des|from|at|in) (?:votre|vos|ton|ta|tes|leur|leurs|your|ur|their)\b"
)
#: Her pictures put up to be rated, ranked or voted on.
RATING = _facet(
    r"\b(?:classement|ranking|on (?:les )?note|on la note|rate them|we rate|notez|note[sz]? les"
    r"|smash (?:or|ou) pass|(?:vous|tu) (?:la|les) not\w*|notez la"
    r"|sur 10|out of 10|rate her)\b"
)
#: A scale to rate on ("1 à 10", "/10", "out of 10").
#: A plain request for pictures someone has ("y a moyen d'avoir", "who has", "send"): narrower
#: than ``ASK``, which also reads "qui a vu" and "j'ai les".
REQUEST = _facet(
    r"\b(?:moyen d ?avoir|qui (?:a|aurait) (?:les|la|le|des|ses|sa|son)|who (?:has|s got|got)"
    r"|anyone (?:got|have|has)|any1 (?:got|have)|t ?as (?:les|la|le|des|ses|sa|son)"
    r"|vous avez (?:les|la|le|des|ses|sa|son)|envoie[sz]?|envoyez|send|drop|need|je veux"
    r"|i want|(?:je )?cherche|looking for|je paye|je paie|i ?ll pay|i d pay|i would pay|je paierais"
    r"|je payerais|i d buy|i ll buy|j achete)\b"
)
#: A contest between women: rounds, duels, votes.
CONTEST = _facet(
    r"\b(?:tournoi|tournament|tourney|concours|contest|battle|duel|round [0-9]+|votez"
    r"|vote[sz]? (?:pour|for)|who wins|qui gagne|(?:1|one) (?:ou|or) (?:2|two))\b"
)
#: A game or a sport: a contest between relatives there is a match, not a vote on women.
GAME = _facet(
    r"\b(?:tennis|foot|football|soccer|basket|basketball|hand|handball|volley|volleyball|rugby"
    r"|badminton|ping pong|padel|natation|swimming|athle|athletics|match|matchs"
    r"|game|games|ranked|fifa|valorant|fortnite|league of legends|echecs|chess|mario ?kart"
    r"|smash bros|karting|bowling|petanque|belote|poker|quiz|scrabble|dessin|drawing|cuisine"
    r"|cooking|baking|bake ?off|cook ?off|top chef|gateau|cake|chant|singing|danse|dance)\b"
)
SCALE = _facet(r"\b(?:1 (?:a |to )?10|sur 10|out of 10|on 10)\b")
#: Sent privately: where the pictures are to go.
PRIVATE = _facet(r"\b(?:dm|dms|mp|pv|en prive|en priv|inbox|in private|privately|hmu|hit me up)\b")
STOLEN = _facet(
    r"\b(?:vole|volee|voles|volees|pique|piquee|piquees|chope\w*|stole|stolen|grabbed|ripped"
    r"|leak\w*|screen\w*|recuperee?s?|recup\w*|got (?:these|them|this|those))\b"
)
#: "but", "only", "btw": an age said as if it did not matter.
CONCESSION = _facet(
    r"\b(?:mais|but|tho|though|still|anyway|osef|balek|on s en fout|who cares|btw|quand meme"
    r"|que|only|juste|seulement|tkt|t inquiete)\b"
)
AI = _facet(  # "ai" but not the French verb ("j ai", "je l ai", "n ai")
    r"\b(?:ia|(?<!\bj )(?<!\bje l )(?<!\bn )(?<!\bm )(?<!\bt )ai|app|appli|application"
    r"|bot|site|tool|outil|logiciel|generat\w*|gener\w*|stable diffusion|midjourney|telegram)\b"
)
#: Reporting on the practice, preventing it, or a victim asking for help.
REPORTING = _facet(
    r"\b(?:article|enquete|reportage|journalist\w*|temoign\w*|phenomene|alerte|prevention"
    r"|sensibilis\w*|signal(?:er|ez|e|ement|ements)|plaintes?|pharos|3018|e ?enfance|victimes?"
    r"|harcelement|cyberharcelement|illegal\w*|delit|penal\w*|condamn\w*|gendarmerie"
    r"|commissariat|(?<!cabinet d )avocat\w*|police|lawyer|awareness"
    r"|report (?:it|this|them|to)|reported"
    r"|investigation|researchers?|study|survivors?|consentement|revenge porn|help me|aide ?moi"
    r"|aidez ?moi|au secours|(?:ont|a) (?:poste|publie|partage|balance|diffuse|leake?) mes"
    r"|posted my|mes photos (?:circulent|tournent|intimes)|arnaques?|sextorsion|sextortion"
    r"|(?:ont|a|has|have) (?:poste|publie|partage|posted|shared|leaked) (?:des |les |some )?"
    r"(?:photos|pics|tofs|videos) (?:de nous|of us)|my intimate|a qui (?:je peux|m adresser)"
    r"|my (?:pics|photos) (?:are|were|got)|supprimer mes|take down|retirer mes|stopncii"
    r"|take it down|if you find|si vous trouvez|si tu trouves|of me|de moi|what do i do(?! with)"
    r"|what should i do|je fais quoi|que faire|victims?|podcast|documentaire|documentary"
    r"|entendu parler|heard about|c est (?:degueulasse|degoutant|honteux|immonde)|disgusting"
    r"|(?:sur|on|of) (?:mes|my) (?:photos|pics|tofs)(?! de| d| of)"
    r"|faire (?:supprimer|retirer|enlever)"
    r"|(?:faudrait|faut|il faut|merci de|pls|please|svp) (?:les |la |le )?(?:supprimer|retirer"
    r"|delete"
    r"|remove|take down)|get (?:them|it|those) (?:removed|taken down))\b"
)
#: Tribute bands and homages: "tribute" in its ordinary sense.
HOMAGE = _facet(
    r"\b(?:tribute (?:band|act|concert|album|show|night|to the|to a|to our|to his|to her|to my)"
    r"|groupe (?:de )?tribute|hommages?(?! sur)|homage|in tribute|pays? tribute|paid tribute"
    r"|rend(?:re|u|ons|ez)? hommage|concert|album|chanson|song|cover|festival|gala|spectacle"
    r"|chant(?:ait|e|er|ent|eur)|singer|sang|zenith|olympia|on stage|sur scene|musique|music"
    r"|tribut (?:paye|verse|lourd)|pa\w* (?:un |le |son |leur )?(?:lourd )?tribut|lourd tribut"
    r"|(?:tribut\w*|dedi\w*) (?:\w+ ){0,2}(?:award|prize|trophy|medal|win|victory|goal|title"
    r"|speech|prix|trophee|medaille|victoire|titre|discours|recompense)s?)\b"
    r"|\btribute (?:a|au|to|pour) (?!(?:ma|sa|ta|la|cette|une|her|my|this|ton|son|mes|ses|ce"
    r"|tonight|today|demain|ce soir|the weekend|le week)\b)"
)
#: Negated phrases removed before matching ("pas de mineurs", "no tribs", "18+ only").
NEGATED = compiled(
    r"\b(?:pas de|pas d|no|aucun\w*|jamais de|interdit\w* (?:aux|au|les|de|d)|sans|ban(?:ni)?s?"
    r"|strictement interdit\w*|stop (?:les|aux)|arret\w* (?:les|de)|fini les)"
    r" (?:[^|]*? )?(?:mineur\w*|minors?|underage|moins de 18)\b"
    r"|\b(?:pas de|pas d|no|aucun\w*|jamais de|interdit\w*|stop|arret\w* (?:les|de)|fini les)"
    r" (?:les |des |de )?(?:c[u*]m ?)?(?:tr[i*]b\w*|deep ?fakes?|leaks?)\b"
    r"|\b(?:majeur\w*|18 ?\+?|adultes?) (?:uniquement|only|seulement)\b"
    # "nude" as a colour (make-up, tights, shoes) says nothing sexual
    r"|\b(?:rouge a levres|vernis|lipstick|lip gloss|collants?|teinte|couleur|ton|fond de teint"
    r"|eyeshadow|nail polish|escarpins|heels|palette) nude\b"
    r"|\bnude (?:lipstick|lip|heels|colou?r|tones?|palette|makeup|maquillage|shade)\b"
    # works exhibited ("elle expose ses toiles") are not her exposed
    # "le trib de commerce" is a court
    r"|\btrib (?:de commerce|correctionnel|administratif|judiciaire|de police|des prud ?hommes)\b"
    r"|\bexpos\w* (?:ses|des|les|leurs|mes|nos|son|sa|ces) (?:toiles|tableaux|oeuvres|peintures"
    r"|sculptures|dessins|travaux|creations|photos (?:a|au|en|dans)|projets|idees|arguments"
    r"|resultats|paintings|artworks?|works|drawings)\b"
)
#: School staff ("la prof du collège"): a school that says nothing of her age.
STAFF = compiled(
    r"\b(?:profs?|professeure?s?|surveillante?s?|cpe|principale?|directrice|proviseure?"
    r"|documentaliste|infirmiere|teachers?|principal)(?: \w+){0,3} (?:du|au|de|at|of) (?:la )?"
    r"(?:colle?ge|lycee|ecole|middle school|high school|school)\b"
    r"|\b(?:profs?|professeure?s?|teachers?)(?: (?:de|d) \w+)? (?:de|des|en|du|of)"
    r" (?:[3-6]e|[3-6]eme|2nde|seconde|1ere|premiere|terminale|year (?:[5-9]|1[0-3]))\b"
)

PICTURE = r"(?:photos?|tofs?|pics?|pp|face|visage|gueule|tronche|story|insta|feed|snap|image)"
HER = r"(?:sa|ses|ta|tes|ma|mes|her|this|cette|la|les|my|your)"
RELATION = (
    r"(?:petite |grande |demi |belle |step ?|big |little |lil |best )?"
    r"(?:cousine|soeur|soeurs|sis|prof|professeure|maitresse|voisine|pote|copine|meilleure amie"
    r"|amie|collegue|coloc|colocataire"
    r"|ex|meuf|femme|tante|belle mere|patronne|cheffe|boss|stagiaire|camarade|cousin|sister"
    r"|stepsister|teacher|neighbou?r|classmate|coworker|colleague|friend|bestie|gf|girlfriend"
    r"|aunt|roommate|stepmom|step mom|mom|mere|daronne|babysitter|baby sitter|nounou|niece"
    r"|belle fille|filleule|sister in law|stepdaughter|daughter|lab partner|partner|ta"
    r"|missus|missis|wifey|reum|reuss|reus|locataire|tenant|blonde|wife|fiancee|epouse|marraine"
    r"|nourrice|directrice|surveillante|pionne|cpe|gardienne|concierge|landlady|tutor|tutrice"
    r"|manager|supervisor|mother in law|coach)"
)
#: Relations that tie her to someone ("la cousine de Kevin"); not "la meuf du RER".
CLOSE = (
    r"(?:petite |grande |demi |belle )?(?:cousine|soeur|prof|maitresse|voisine|pote|copine|amie"
    r"|collegue|coloc|tante|belle mere|patronne|cheffe|stagiaire|camarade|daronne|nounou|babysitter"
    r"|coach"
    r"|baby sitter"
    r"|sister|cousin|teacher|neighbou?r|classmate|coworker|colleague|friend|aunt|roommate)"
)
AGE = r"(?:1[0-7]|[6-9]) ?(?:ans|an|yo|y o|years? old|yrs? old|years?)\b"
#: Shops and chains where a woman works and can be found ("la meuf du Carrefour").
CHAIN = (
    r"(?:carrefour|leclerc|auchan|lidl|aldi|intermarche|monoprix|franprix|casino|super u|mcdo|macdo"
    r"|mcdonald s|mcdonalds|kfc|burger king|quick|starbucks|subway|primark|zara|decathlon|fnac"
    r"|sephora|ikea|action|tesco|sainsbury s|asda|walmart|target|costco|boots|greggs|pret)"
)
#: Towns (folded): where she lives or works is one of the ways a message ties her to a real
#: person. The largest French, Belgian, Swiss and Canadian francophone towns and the largest
#: English-speaking ones.
TOWN = (
    r"(?:paris|marseille|lyon|toulouse|nice|nantes|montpellier|strasbourg|bordeaux|lille|rennes"
    r"|reims|toulon|saint etienne|le havre|grenoble|dijon|angers|nimes|villeurbanne|clermont"
    r"|le mans|aix|brest|tours|amiens|limoges|annecy|perpignan|boulogne|metz|besancon|orleans"
    r"|rouen|mulhouse|caen|nancy|argenteuil|montreuil|roubaix|tourcoing|avignon|poitiers|pau"
    r"|la rochelle|calais|cannes|antibes|dunkerque|valence|bruxelles|liege|charleroi|namur"
    r"|geneve|lausanne|montreal|quebec|london|manchester|birmingham|leeds|glasgow|liverpool"
    r"|bristol|new york|los angeles|chicago|houston|phoenix|dallas|miami|boston|seattle|atlanta"
    r"|toronto|sydney|melbourne|dublin)"
)
#: A school class at a named school ("en 3e a Pasteur", "in year 9 at Ridgeway").
CLASS_AT_SCHOOL = (
    r"(?:en|in) (?:[3-6]e|[3-6]eme|2nde|seconde|premiere|1ere|terminale|term|year (?:[7-9]|1[0-3])"
    r"|grade (?:[6-9]|1[0-2])) (?:a|au|at) (?:st |ste |saint |sainte )?"
    r"(?!(?:lycee|college|ecole|school|fac|bahut|uni)\b)[a-z]{3,20}\b"
)
#: A social account written as a handle ("@lily.dance09"); Discord's own mentions ("@everyone",
#: "@here") and its staff roles are not accounts.
HANDLE = r"(?<![\w@])@(?!(?:everyone|here|admin|admins|modos?|mods?)\b)[a-z0-9_.]{3,30}\b"
#: Her account named or given ("@lily.dance09", "son insta").
ACCOUNT = _facet(
    HANDLE + r"|\b(?:son|sa|her) (?:insta|ig|snap|snapchat|tiktok|bereal"
    r"|twitter|facebook|fb)\b|\b(?:she s got|she has|elle a) (?:a |an |un )?(?:public |private "
    r"|prive )?(?:insta|snap|tiktok|onlyfans|of)\b"
)
#: A private account or story ("insta privé", "private snap").
PRIVATE_ACCOUNT = _facet(
    r"\b(?:insta|snap|compte|account|story|stories) (?:prive|privee|perso|private)\b"
    r"|\bprivate (?:insta|snap|account|story|stories)\b"
)
#: Where she can be found: her school, her town, her street.
WHEREABOUTS = _facet(
    r"\b(?:lycee|college|bahut|fac|ecole|universite|iut|prepa|high school|middle school|campus)"
    r"\b|\b[a-z]{3,15} high\b|\b(?:de|from|in|a|au|at|near|pres de|sur) " + TOWN + r"\b"
    r"|\b(?:de|du|d) (?:ma|mon|la|le) (?:rue|residence|immeuble|quartier|village|ville|cite)\b"
    r"|\b(?:elle|she) (?:bosse|travaille|taffe|works?) (?:a|au|en|chez|at|in)\b"
    r"|\b(?:from|in) (?:my|ur|your|her|our) (?:[a-z]{2,12} )?class\b"
    r"|\b" + CLASS_AT_SCHOOL
)
