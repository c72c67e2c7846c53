"""Which rules a message can reach: stems of the words each family of rules starts from, found in
one pass of an Aho-Corasick automaton (``pyahocorasick``) at the start of words. A message
holding none skips the rules; a rule runs only when a stem of its family is there.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

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
#: Stems (in folded form) of every word a rule could start from, by family, matched at the start
#: of a word ("x " is the word "x"): a message holding none is skipped after one pass of an
#: Aho-Corasick automaton, and a rule runs only when a stem of its family (``RULE_FAMILIES``) is
#: there. ``tests/intel`` checks on the corpora and on random text that neither changes a result.
TRIGGER_STEMS: dict[str, tuple[str, ...]] = {
    "tribute": (
        "trib", "tr*b", "cum", "c*m", "gicl", "juter", "decharg", "ejacul", "jouir", "branl",
        "fap", "wank", "jerk", "jack", "beat", "bust", "nut", "goon", "stroke", "hommage",
    ),
    "sexual": (
        "nud", "nue", "poil", "sein", "nichon", "cul", "fesse", "chatte", "sexy", "chaud",
        "salop", "pute", "baise", "sexe", "sexu", "porn", "nsfw", "thicc", "boob", "tit", "ass",
        "puss", "slut", "whore", "bite", "leak", "expos", "sextape", "lingerie", "culotte",
        "soutif", "string", "horny", "excit", "kiffer", "mater", "bandant", "bonne", "hot",
        "smash", "x ", "maillot", "bikini", "brassiere", "fine", "fraiche", "dossier", "hottest",
        "douche", "shower", "lit", "bed", "sous", "plaisir", "faites vous du bien",
        "fais toi du bien", "se faire du bien", "boule", "decollete", "cleavage", "une bombe",
        "a bomb", "bonnasse", "onlyfans", "only fans", "serviette", "vetement", "sous vet",
        "tenue", "belle", "jolie", "prettiest", "towel", "underwear", "undies", "panties", "bra ",
        "pack", "canon", "bombasse",
        "bonasse", "poitrine", "fessier", "moulant", "mini", "twerk", "cambree", "coquin",
        "sensuelle", "provocante", "aguicheuse", "allumeuse", "cochonne", "vicieuse", "curvy",
        "stacked", "booty", "thick", "lewd", "freaky", "dtf", "milf", "bimbo",
        "topless", "naked", "blowjob", "sodomie", "levrette", "orgasm", "mouillee", "kinky",
        "fetish", "fetiche", "sext", "xxx", "mym", "fansly", "camgirl", "striptease", "hentai",
        "rule34", "r34", "tanga", "intim",
    ),
    "picture": (
        "photo", "pic", "tof", "vid", "film", "shoot", "snap", "cam", "screen", "captur", "pris",
        "selfie", "pix", "img", "footage", "foto",
        "took", "taken", "shot", "record", "enregistr", "image", "clich", "montr", "pp ", "zoom",
        "clip", "upskirt", "creep", "la prendre", "l prendre", "bereal",
        "vous voulez voir", "tu veux voir", "wanna see", "want to see", "who wants to see",
        "qui veut voir", "lien", "link", "drive", "vous voulez quand meme voir",
        "tu veux quand meme voir", "send more", "drop more",
        *_SEE_STEMS,
    ),
    "covert": (
        "scred", "cachet", "insu", "sache", "voie", "remarque", "capte", "sait", "savait",
        "saura", "voit", "voyait", "verra", "doute", "without", "know", "notic",
        "idea", "secret", "discret", "douce", "loucede", "mine", "air de rien", "cache",
        "planque", "hidden", "phone", "tel", "sous", "under", "upskirt", "creep", "vestiaire",
        "douche", "cabine", "toilet", "locker", "shower", "changing", "getting", "chang", "undress",
        "deshabill", "douch", "dort", "dorm", "pion", "roupill", "sieste", "endormi", "sleep",
        "asleep", "nap", "sommeil", "passed out", "blacked out", "evanouie", "ivre morte",
        "bourree", "dechiree", "inconsciente", "compte", "story", "stories", "private",
        "close friend", "sdb", "bathroom", "salle de bain", "chambre", "bedroom", "portable",
        "camera", "de dos", "dos tourne", "back turned", "back was turned",
        "vole", "stole", "caught", "saw", "filmed", "recorded", "through", "thru", "par la",
        "par sa", "prive", "perso", "portable", "camera", "icloud", "drive",
        "cloud", "quand elle",
        "pendant qu", "while she", "when she",
        "pique", "recuper", "chope", "grab", "ripp", "leak", "screen", "undress", "hack", "pirat",
        "in the bathroom", "from the bathroom", "judas", "trou de la serrure", "peephole",
        "keyhole", "m y faire", "m y rentrer", "m y entrer", "nous y", "get me in", "get us in",
        "from the back", "du fond", "a la sortie", "j ai une vue", "jai une vue", "i have a view",
        "i got a view", "etait inconsciente", "etait ivre", "was unconscious", "google photos",
        "galerie", "gallery", "camera roll", "pellicule", "espion", "spy", "stalkerware",
        "keylogger", "mouchard", "fake", "faux", "fausse", "dropbox", "onedrive", "laptop", "ordi",
        "computer", "fenetre",
        "window", "balcon", "snuck", "sneak", "zoom", "telephoto", "teleobjectif", "tele objectif",
        "jumelles", "binocular", "entrouverte", "entrebaillee", "sold", "gave", "sent", "vendu",
        "m les", "got into", "went through", "looked through", "snoop", "go through", "fouill",
        "behind", "sans savoir", "sans le savoir", "s est changee", "s est deshabillee",
        "s est douchee",
    ),
    "minor": (
        *_AGE_STEMS,
        "10", "11", "12", "13", "14", "15", "16", "17", "3e", "4e", "5e",
        "6e", "3eme", "4eme", "5eme", "6eme", "2nde", "1ere", "colleg", "coleg", "lycee",
        "school", "middle", "junior", "high", "freshman", "sophomore", "grade", "sixieme",
        "cinquieme", "quatrieme", "troisieme", "seconde", "premiere", "mineur", "underage",
        "niece", "she s a",
        "jailbait", "loli", "majeur", "legal", "barely", "18", "petite", "ptite", "little",
        "lil", *(f"year {n}" for n in range(5, 12)),
    ),
    "deepfake": (
        "deep", "dfake", "nud", "nudif", "undress", "cloth", "remove", "fake", "faux", "ai ",
        "ainud", "aiporn",
        "porn", "deshabill", "enlev", "mettre", "mise", "poil", "face", "swap", "tete",
        "tronche", "gueule", "mett", "mis", "met ", "mets ", "coll", "pos", "plac", "put",
        "pasted", "stuck",
        "vetement", "habits", "fringues", "retir", "vir", "montage", "photomontage",
        "nue", "naked", "result", "rendu",
    ),
    "relatives": ("vos ", "tes ", "your ", "ur "),
    # where she studies, works or lives (the rule "place")
    "place": (
        "lycee", "college", "colege", "bahut", "fac", "ecole", "universite", "iut", "prepa", "high",
        "school", "uni", "campus", "bosse", "bossait", "travaill", "taff", "work", "habit", "vit",
        "live", "rue", "residence", "immeuble", "bat", "quartier", "bus", "tram", "metro",
        "ligne", "village", "ville", "cite", "etage", "palier", "gym", "salle", "classe", "class",
        "promo", "taf", "boulot", "bureau", "office", "3e", "4e", "5e", "6e", "3eme", "4eme",
        "5eme", "6eme", "2nde", "1ere", "seconde", "premiere", "terminale", "term", "lesson",
        "course", "lab", "sixth", "dorm", "halls", "flat", "sorority", "frat", "team", "club",
        "squad", "church", "mosque", "synagogue", "temple", "job", "company", "firm", "shop",
        "store", "academy", "grammar", "library", "biblio", "pool", "piscine", "boite", "equipe",
        "section", "filiere", "asso", "paroisse", "cours", "stage", "floor", "building", "year",
        "grade", "accoun", "sales", "marketing", "hr", "payroll", "reception", "front", "compta",
        "rh", "accueil", "standard", "next", "cote", "sit", "assis", "serveuse", "caissiere",
        "vendeuse", "barmaid", "hotesse", "coiffeuse", "secretaire", "waitress", "cashier",
        "barista", "receptionist", "lifeguard", "maitre", "instruct", "monitrice", "librarian",
        "bibliothec", "hairdresser", "pharmacienne", "animatrice", "carrefour", "leclerc",
        "auchan", "lidl", "aldi", "intermarche", "monoprix", "franprix", "casino", "super u",
        "mcdo", "macdo", "mcdonald", "kfc", "burger king", "quick", "starbucks", "subway",
        "primark", "zara", "decathlon", "fnac", "sephora", "ikea", "action", "tesco",
        "sainsbury", "asda", "walmart", "target", "costco", "boots", "greggs", "pret",
    ),
    "account": (
        "@", "insta", "ig ", "snap", "sc ", "tiktok", "tt ", "bereal", "twitter", "fb ", "num",
        "tel ", "phone", "adresse", "address", "of link", "of lien", "of page", "of account",
        "of compte", "of content", "of contenu", "of leak", "onlyfans", "fansly", "mym",
    ),
    "send": (
        "envoi", "envoy", "balanc", "drop", "send", "post", "partag", "montr", "trade", "echang",
        "expos", "leak",
        "troc", "swap", "dispo", "available", "up for grabs", *_SEE_STEMS, "tournoi",
        "tournament", "tourney", "concours", "contest", "note", "rate", "vote", "recrut", "recruit",
        "hiring", "hmu", "vous la",
        "vous les", "tu la", "tu les", "sur 10", "out of 10", "thoughts", "wdyt", "avis",
        "vos notes", "rating", "classement", "kik me", "snap me", "text me", "message me", "add me",
        "what do you think", "what do u think", "vous en pensez", "salon", "channel", "chan ",
        "want your", "want ur", "contre ta", "la tienne", "yours",
        "thread", "fil ", "topic", "sujet", "smash", "battle", "duel", "round ", "who wins",
        "qui gagne",
    ),
}  # fmt: skip
#: The families whose stems a rule's pattern starts from (rules not listed run whenever their
#: contexts are there: who she is, which needs a message about her already).
RULE_FAMILIES: dict[str, frozenset[str]] = {
    name: frozenset(families)
    for name, families in {
        "explicit_tribute": ("tribute",),
        "exposed_pictures_offered": ("picture", "covert"),
        "deepfake_results_offered": ("deepfake",),
        "her_pictures_for_the_tool": ("deepfake",),
        "deepfakes_made_to_order": ("deepfake",),
        "stolen_nude_posted": ("sexual",),
        "account_and_whereabouts": ("account",),
        "contact_and_whereabouts": ("account",),
        "tribute_request": ("tribute",),
        "tribute_on_her": ("tribute",),
        "tribute_of_a_woman": ("tribute",),
        "send_her": ("send",),
        "relatives_asked_for": ("relatives",),
        "private_offer": ("send",),
        "pictures_privately": ("picture", "send", "sexual"),
        "trade_her_pictures": ("send",),
        "sexual_content_request": ("sexual", "picture", "deepfake"),
        "rating_game": ("sexual",),
        "smash_or_pass": ("sexual",),
        "rating_contest": ("send",),
        "her_rated": ("send",),
        "opinion_on_her": ("send",),
        "tournament": ("send",),
        "women_rated": ("send",),
        "without_her_knowing": ("covert", "picture"),
        "hidden_device": ("covert",),
        "private_place": ("covert",),
        "let_into_her_account": ("covert",),
        "asleep": ("covert",),
        "in_a_private_place": ("covert",),
        "private_source": ("covert",),
        "stolen_pictures": ("covert",),
        "private_account_passed_on": ("covert",),
        "channel_for_her": ("send",),
        "her_account_offered": ("account",),
        "women_sold": ("picture",),
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
        "undress_her_picture": ("deepfake",),
        "nude_made_of_her": ("deepfake",),
        "ai_result_of_her": ("deepfake",),
        "montage_of_her": ("deepfake",),
        "fake_of_her": ("deepfake",),
        "while_changing": ("covert",),
        "account_break_in": ("covert",),
        "place": ("place",),
        "filmed_over_her_picture": ("picture",),
        "known_woman_asked": ("picture",),
        "relatives_pictures_asked": ("picture",),
        "relatives_in_a_contest": ("send",),
        "expose_page": ("sexual",),
        "bare_tribute": ("tribute",),
    }.items()
}


#: The word "ai" (artificial intelligence) is a stem; the French verb ("j ai", "je l ai", "n ai")
#: is not. Each verb form found cancels one "ai" (the automaton cannot look behind a word).
_AI_WORD = "ai "
_FRENCH_AI = ("j ai ", "n ai ", "m ai ", "t ai ", "l ai ")
_NO_FAMILY: frozenset[str] = frozenset()


def _automaton() -> Any:
    import ahocorasick

    families_of: dict[str, set[str]] = defaultdict(set)
    for family, stems in TRIGGER_STEMS.items():
        for stem in stems:
            families_of[stem].add(family)
    automaton = ahocorasick.Automaton()
    for stem, families in families_of.items():
        # at the start of a word; the value: (families, +1 for the word "ai", -1 for the verb)
        automaton.add_word(" " + stem, (frozenset(families), int(stem == _AI_WORD)))
    for verb in _FRENCH_AI:
        automaton.add_word(" " + verb, (_NO_FAMILY, -1))
    automaton.make_automaton()
    return automaton, frozenset(families_of[_AI_WORD])


_STEMS, _AI_FAMILIES = _automaton()


def trigger_families(folded: str) -> frozenset[str]:
    """The families of trigger stems that folded text holds (empty: no rule can fire)."""
    found: set[str] = set()
    ai_words = 0
    for _, (families, ai) in _STEMS.iter(f" {folded} "):
        if ai:
            ai_words += ai
        else:
            found |= families
    if ai_words > 0:
        found |= _AI_FAMILIES
    return frozenset(found)


def has_trigger(folded: str) -> bool:
    """Whether folded text holds any word a rule could start from."""
    return bool(trigger_families(folded))
