"""The words the message-signal rules are made of, in folded form (``rempart.intel.normalize``):
contexts a rule can need (a request, a woman as the target, sexual words, a picture being
taken…), what silences every rule (reporting, prevention, a victim asking for help), tribute
bands and homages, negated phrases, and the fragments the rules share (relations, ages).
"""

from __future__ import annotations

import re


def _facet(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


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
TRIB = r"\b(?:c[u*]m ?)?tr[i*]b(?!un|u\b|us\b|al)[a-z*]*"
#: Asking, offering, announcing, being available, sending privately.
ASK = _facet(
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
    r"|regardez|look at|matez|u got|you got|t as des|t en as|interesse\w*|interested|partants?"
    r"|who s in|vous en pensez quoi|what do (?:you|u) think|thoughts"
    r"|j ai (?:\w+ ){0,2}(?:des|ses|les|sa|leurs) |je les ai"
    r"|je (?:les |la |le |vous |te )?(?:lache|drop)|(?:lachez|droppez)"
    r"|je (?:vous|te) (?:fais|fait|prepare|monte|file)|go get|allez (?:chercher|choper|recuperer)"
    r"|trouvez|find me|dig up|(?:vous|tu) (?:la|les) not\w*|notez|(?:just )?dropped|enjoy"
    r"|profitez|regalez vous|servez vous|testez|essayez|try it|want (?:it|them|more|some))\b"
)
#: A woman as the target.
FEMALE = _facet(
    r"\b(?:elle|elles|sa|ses|ma|ta|cette|her|she|meufs?|filles?|gow|go|nanas?|girls?|chicks?"
    r"|cousines?|soeurs?|(?:la|ma|ta|sa|cette|notre|une|les|tes|mes|ses) profs?|voisines?"
    r"|copines?|amies?|tante|classmates?|sisters?|sis|teachers?|neighbou?rs?|coworkers?|gf|exs?"
    r"|(?<!mon )(?<!ton )(?<!son )(?<!un )(?:potes?|collegues?|coloc|camarades?|cousins?)"
    r"|salopes?|putes?|chiennes?|sluts?|whores?|daronne|lyceennes?|collegiennes?|etudiantes?"
    r"|deleguee|caissiere|serveuse|infirmiere|stagiaire|babysitter|nounou|blonde|brune|rousse"
    r"|exes|l ai (?:prise|filmee|shootee|photographiee|matee|chopee))\b"
    r"|\b(?:la|une|cette|ta|ma|sa) [a-z]+(?:euse|rice|ienne|iere|esse|ette|ine)\b"
    r"|\b(?:la|cette) (?:petite|ptite|gamine|minette)\b"
)
#: Sexual or exposing vocabulary.
SEXUAL = _facet(
    r"\b(?:nudes?|nue|nues|a poil|seins?|nichons?|cul|fesses|chatte|sexy|chaude(?! en)|chaudasse"
    r"|salope|pute|baise\w*|sexe|sexuel\w*|porno?\w*|nsfw|thicc|boobs?|tits?|ass|pussy|slut"
    r"|whore|c[u*]m\w*|bite|branl\w*|jouir|fap\w*|wank\w*|leak\w*|expose[rsz]?|exposee?s?"
    r"|sextape|lingerie|culotte|soutif|string|horny|excitant\w*|kiffer sur|mater|bandant\w*"
    r"|(?:trop|super|tres|grave|la plus|plus|t es|elle est) bonnes?(?! en| au| aux| avec)"
    r"|bonne (?:grosse|meuf|salope)"
    r"|en (?:maillot|bikini|brassiere|serviette|sous vetements?|sous vet|petite tenue"
    r"|tenue legere|culotte)|in (?:a |her )?(?:bikini|towel|underwear|undies|panties|bra)"
    r"|packs? (?:de|d|of) (?:ma|sa|ta|la|cette|her|my|your|ur|une|mon|son)"
    r"|hot (?:af|pics?|photos?|tofs?)|(?:so|trop|is|she s|elle est) hot|smash or pass|bonne comme"
    r"|(?:video|vid|film|photo)s? x|gros seins|boule|decollete|cleavage|une bombe|a bomb"
    r"|bonnasse|onlyfans|only fans|bombasse|bonasse|poitrine|fessier|moulante?s?|mini ?jupe"
    r"|twerk\w*|cambree|coquines?|sensuelle|provocante|aguicheuse|allumeuse|cochonne|vicieuse"
    r"|curvy|stacked|booty|lewd|freaky|dtf|milf|bimbo"
    r"|(?:elle est|trop|vraiment|grave|t es|she s|so|is) (?:canon|thick))\b"
    r"|(?:^|\| )bonne(?: deja| grave| de ouf| af| a souhait)?(?= \||$)"
    r"|\b(?:so|trop|tres|vraiment) (?:fine|fraiche)\b|\bbonne a souhait\b"
    r"|\b(?:faites vous|fais toi|se faire) (?:plaisir|du bien)\b|\bundress\w*|\bdeshabill\w*"
    r"|\bnudif\w*"
)
#: A picture being taken, kept or passed on.
CAPTURE = _facet(
    r"\b(?:photos?|pics?|tofs?|vids?|videos?|film(?:e|ee|es|ees|er|ais|ait|ant|ons|ez)|shoot\w*"
    r"|(?<!son )(?<!her )(?<!his )(?<!sa )(?<!ton )snap\w*|cam|camera|screens?|montre"
    r"|(?:voir|see) (?:my|her|his|your|ur|ma|sa|ta|mon|la|les|ses)"
    r"|screenshots?|captures?|pris|prise|prises|took|taken|shot|record\w*|enregistr\w*"
    r"|image\w*|clich\w*|pp|zoom\w*)\b"
)
TRIBUTE = _facet(TRIB)
#: Sent privately: where the pictures are to go.
RATING = _facet(
    r"\b(?:classement|ranking|on (?:les )?note|on la note|rate them|we rate|notez|note[sz]? les"
    r"|tournoi|tournament|smash (?:or|ou) pass|(?:vous|tu) (?:la|les) not\w*|notez la"
    r"|sur 10|out of 10|rate her)\b"
)
PRIVATE = _facet(r"\b(?:dm|dms|mp|pv|en prive|en priv|inbox|in private|privately)\b")
STOLEN = _facet(
    r"\b(?:vole|volee|voles|volees|pique|piquee|piquees|chope\w*|stole|stolen|grabbed|ripped"
    r"|leak\w*|screen\w*|recuperee?s?|recup\w*|got (?:these|them|this|those))\b"
)
#: "but", "only", "btw": an age said as if it did not matter.
CONCESSION = _facet(
    r"\b(?:mais|but|tho|though|still|anyway|osef|balek|on s en fout|who cares|btw|quand meme"
    r"|que|only|juste|seulement|tkt|t inquiete)\b"
)
AI = _facet(
    r"\b(?:ia|ai|app|appli|application|bot|site|tool|outil|logiciel|generat\w*|gener\w*"
    r"|stable diffusion|midjourney|telegram)\b"
)
#: Reporting on the practice, preventing it, or a victim asking for help.
REPORTING = _facet(
    r"\b(?:article|enquete|reportage|journalist\w*|temoign\w*|phenomene|alerte|prevention"
    r"|sensibilis\w*|signal(?:er|ez|e|ement|ements)|plaintes?|pharos|3018|e ?enfance|victimes?"
    r"|harcelement|cyberharcelement|illegal\w*|delit|penal\w*|condamn\w*|gendarmerie"
    r"|commissariat|avocat\w*|police|lawyer|awareness|report (?:it|this|them|to)|reported"
    r"|investigation|researchers?|study|survivors?|consentement|revenge porn|help me|aide ?moi"
    r"|aidez ?moi|au secours|(?:ont|a) (?:poste|publie|partage|balance|diffuse|leake?) mes"
    r"|posted my|mes photos (?:circulent|tournent|intimes)|my intimate|a qui (?:je peux|m adresser)"
    r"|my (?:pics|photos) (?:are|were|got)|supprimer mes|take down|retirer mes|stopncii"
    r"|take it down|if you find|si vous trouvez|si tu trouves|of me|de moi|what do i do"
    r"|what should i do|je fais quoi|que faire|victims?|podcast|documentaire|documentary"
    r"|entendu parler|heard about|c est (?:degueulasse|degoutant|honteux|immonde)|disgusting"
    r"|(?:sur|on|of) (?:mes|my) (?:photos|pics|tofs)(?! de| d| of)"
    r"|faire (?:supprimer|retirer|enlever)|get (?:them|it|those) (?:removed|taken down))\b"
)
#: Tribute bands and homages: "tribute" in its ordinary sense.
HOMAGE = _facet(
    r"\b(?:tribute (?:band|act|concert|album|show|night|to the|to a|to our|to his|to her|to my)"
    r"|groupe (?:de )?tribute|hommage|homage|in tribute|pays? tribute|paid tribute"
    r"|rend(?:re|u|ons|ez)? hommage|concert|album|chanson|song|cover|festival|gala|spectacle"
    r"|chant(?:ait|e|er|ent|eur)|singer|sang|zenith|olympia|on stage|sur scene|musique|music)\b"
    r"|\btribute (?:a|au|to|pour) (?!(?:ma|sa|ta|la|cette|une|her|my|this|ton|son|mes|ses|ce"
    r"|tonight|today|demain|ce soir|the weekend|le week)\b)"
)
#: Negated phrases removed before matching ("pas de mineurs", "no tribs", "18+ only").
NEGATED = re.compile(
    r"\b(?:pas de|pas d|no|aucun\w*|jamais de|interdit\w* (?:aux|au|les)|sans|ban(?:ni)?s?"
    r"|strictement interdit\w*|stop (?:les|aux)|arret\w* (?:les|de)|fini les)"
    r" (?:[^|]*? )?(?:mineur\w*|minors?|underage|moins de 18)\b"
    r"|\b(?:pas de|pas d|no|aucun\w*|jamais de|interdit\w*|stop|arret\w* (?:les|de)|fini les)"
    r" (?:les |des |de )?(?:c[u*]m ?)?(?:tr[i*]b\w*|deep ?fakes?|leaks?)\b"
    r"|\b(?:majeur\w*|18 ?\+?|adultes?) (?:uniquement|only|seulement)\b"
)
#: School staff ("la prof du collège"): a school that says nothing of her age.
STAFF = re.compile(
    r"\b(?:profs?|professeure?s?|surveillante?s?|cpe|principale?|directrice|proviseure?"
    r"|documentaliste|infirmiere|teachers?|principal)(?: \w+){0,3} (?:du|au|de|at|of) (?:la )?"
    r"(?:colle?ge|lycee|ecole|middle school|high school|school)\b"
)

PICTURE = r"(?:photos?|tofs?|pics?|pp|face|visage|gueule|tronche|story|insta|feed|snap|image)"
HER = r"(?:sa|ses|ta|tes|ma|mes|her|this|cette|la|les|my|your)"
RELATION = (
    r"(?:petite |grande |demi |belle |step ?|big |little |lil )?(?:cousine|soeur|soeurs|sis|prof"
    r"|professeure|maitresse|voisine|pote|copine|meilleure amie|amie|collegue|coloc|colocataire"
    r"|ex|meuf|femme|tante|belle mere|patronne|cheffe|boss|stagiaire|camarade|cousin|sister"
    r"|stepsister|teacher|neighbou?r|classmate|coworker|colleague|friend|bestie|gf|girlfriend"
    r"|aunt|roommate|stepmom|step mom|mom|mere|daronne|babysitter|baby sitter|nounou|niece"
    r"|belle fille|filleule|sister in law|stepdaughter)"
)
#: Relations that tie her to someone ("la cousine de Kevin"); not "la meuf du RER".
CLOSE = (
    r"(?:petite |grande |demi |belle )?(?:cousine|soeur|prof|voisine|pote|copine|amie|collegue"
    r"|coloc|tante|belle mere|patronne|cheffe|stagiaire|camarade|daronne|nounou|babysitter"
    r"|sister|cousin|teacher|neighbou?r|classmate|coworker|colleague|friend|aunt|roommate)"
)
AGE = r"(?:1[0-7]|[6-9]) ?(?:ans|an|yo|y o|years? old|yrs? old|years?)\b"
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
#: Where she can be found: her school, her town, her street.
WHEREABOUTS = _facet(
    r"\b(?:lycee|college|bahut|fac|ecole|universite|iut|prepa|high school|middle school|campus)"
    r"\b|\b[a-z]{3,15} high\b|\b(?:de|from|in|a|au|at|near|pres de|sur) " + TOWN + r"\b"
    r"|\b(?:de|du|d) (?:ma|mon|la|le) (?:rue|residence|immeuble|quartier|village|ville|cite)\b"
)
