"""Message signals: each kind fires on what it describes, with the rule and phrase as evidence;
hard negatives (news, help requests, tribute bands, ordinary chat, rules pages) stay quiet; the
evasions keyword lists miss are folded away; the trigger prefilter never changes a result."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rempart.bench.intel import EVERYDAY, labelled_rows
from rempart.intel import messages, normalize
from rempart.intel.messages import KINDS, RULES, has_trigger, message_signals, reading_view
from rempart.intel.model import use_model
from rempart.intel.normalize import fold

CORPUS = Path(__file__).parents[2] / "bench" / "intel"


def kinds_of(text: str) -> set[str]:
    """What the rules alone find (the model's own tests are in test_message_model.py)."""
    with use_model(None):
        return {s.kind for s in message_signals(text)}


def kinds_with_model(text: str) -> set[str]:
    return {s.kind for s in message_signals(text)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("qui veut un trib sur ma cousine", {"solicitation", "identifies_person"}),
        ("dispo pour c*mtribute, envoyez en mp", {"solicitation"}),
        ("c u m t r i b ce soir qui veut", {"solicitation"}),
        ("tr1b sur ma s0eur qui est chaud", {"solicitation", "identifies_person"}),
        ("photo scred de ma prof", {"covert_capture", "identifies_person"}),
        ("elle a 15 ans mais bon", {"minor"}),
        ("she's 14 btw, still hot", {"minor"}),
        ("nudify bot pour déshabiller tes potes avec l'ia", {"deepfake"}),
        ("her snap is @jess_99, such a slut", {"identifies_person"}),
        # a woman's first name makes her a woman, as a relation does
        ("qui a les nudes de Clara de Rennes ?", {"solicitation", "identifies_person"}),
        # her account with where to find her: doxxing, even without a sexual word
        ("elle est au lycée Victor Hugo, son snap c'est lea.vh06", {"identifies_person"}),
        # taken without her knowing, then offered privately
        (
            "caught her changing through the window lol, pics in dm",
            {"solicitation", "covert_capture"},
        ),
        ("she just turned 16, who wants her pics? so hot", {"solicitation", "minor"}),
        ("la petite de 14 ans, vous la notez combien ?", {"solicitation", "minor"}),
        ("des tribs sur mes photos de ma cousine, qui veut", {"solicitation", "identifies_person"}),
        # a deepfake's results offered privately, or her pictures asked for to feed the tool
        (
            "undress app results of my neighbor, dm",
            {"deepfake", "solicitation", "identifies_person"},
        ),
        (
            "drop her insta and i'll run it through the nudify bot",
            {"deepfake", "solicitation", "identifies_person"},
        ),
        # a nude taken without her knowing, posted
        (
            "photo volée dans son téléphone, elle est nue dessus",
            {"covert_capture", "solicitation"},
        ),
        # sharing a tool is not asking for her pictures
        ("une app qui déshabille en 3 secondes, testez sur vos potes", {"deepfake"}),
        # "j'ai" is not "AI": a nude taken while she slept is not a deepfake
        (
            "j'ai pris des photos d'elle à poil pendant qu'elle dormait, qui veut",
            {"solicitation", "covert_capture"},
        ),
        ("je te la mets à poil avec l'ai, envoie sa photo", {"deepfake", "solicitation"}),
        # a class with its letter places her; filming under a desk; into her private account
        ("t'as des nudes de la meuf du 3e B ?", {"solicitation", "identifies_person", "minor"}),
        ("la stagiaire, j'ai filmé sous le bureau", {"covert_capture", "identifies_person"}),
        (
            "qui peut me faire rentrer sur le compte privé de ma voisine",
            {"covert_capture", "identifies_person"},
        ),
        # UK school years; fakes of any woman; nude montages offered
        ("she's in year 9, who wants her nudes", {"solicitation", "minor"}),
        ("je fais des fakes de n'importe quelle meuf", {"deepfake"}),
        ("envoyez vos ex en mp, je fais des montages nus", {"deepfake", "solicitation"}),
        # members' relatives asked for in underwear, any word order; covert pictures for sale
        ("vos sœurs en string, postez ici 😈", {"solicitation"}),
        (
            "upskirt de la prof d'histoire, qui en veut ?",
            {"solicitation", "covert_capture", "identifies_person"},
        ),
        (
            "filmed my stepmom in the bathroom, full vid in dms",
            {"solicitation", "covert_capture", "identifies_person"},
        ),
        (
            "vends vidéos de ma copine sans qu'elle sache",
            {"solicitation", "covert_capture", "identifies_person"},
        ),
        (
            "bientôt 18 ans ma cousine, on prépare le trib",
            {"solicitation", "identifies_person", "minor"},
        ),
        (
            "who's got pics of the barista at starbucks? she's fine af",
            {"solicitation", "identifies_person"},
        ),
        # relations through a man the poster knows, a cohort, a department, a neighbour's floor
        ("qui a des nudes de la fille du voisin ?", {"solicitation", "identifies_person"}),
        ("j'ai des photos en string d'une meuf de ma promo", {"solicitation", "identifies_person"}),
        (
            "rate the new girl in marketing, pics below, so hot",
            {"solicitation", "identifies_person"},
        ),
        (
            "vids of the woman who lives next door, she has no clue",
            {"covert_capture", "identifies_person"},
        ),
        # a class at a named school and her number asked for
        (
            "elle s'appelle Inès, elle est en 4e à Jean Jaurès, qui a son snap",
            {"identifies_person", "minor"},
        ),
        # SMS spellings of "someone" and "trop"
        ("qq1 a ses tofs ? elle est tro bonne ta cousine", {"solicitation", "identifies_person"}),
        # held covert pictures announced to the group; stolen pictures of women
        (
            "we've got pics of my stepsister in the shower lol",
            {"solicitation", "covert_capture", "identifies_person"},
        ),
        (
            "caught her sister changing, pic in dm",
            {"solicitation", "covert_capture", "identifies_person"},
        ),
        ("le drive des photos volées des filles du club de hand", {"covert_capture"}),
        # pictures held or offered after they were taken without her knowing
        (
            "got vids of my cousin in the shower, she has no idea",
            {"solicitation", "covert_capture", "identifies_person"},
        ),
        (
            "je vous envoie les photos de ma coloc endormie ?",
            {"solicitation", "covert_capture", "identifies_person"},
        ),
        (
            "who wants the pics i took of my neighbour through her window",
            {"solicitation", "covert_capture", "identifies_person"},
        ),
        ("j'ai filmé la baby-sitter en cachette", {"covert_capture", "identifies_person"}),
        # a deepfake shown below; her pictures put up for opinions; schools and places
        (
            "deepfake de ma prof, rendu ci-dessous",
            {"solicitation", "deepfake", "identifies_person"},
        ),
        ("elle est en 3e, envoyez vos avis sur ses photos", {"solicitation", "minor"}),
        ("anyone got nudes of the blonde from my chem lab", {"solicitation", "identifies_person"}),
        (
            "pics of the girl at the gym, wanna see? she's so hot",
            {"solicitation", "identifies_person"},
        ),
        ("she's in year 9 at st john's, who has her snap", {"identifies_person", "minor"}),
        ("anyone got nudes of the girl at oakwood academy?", {"solicitation", "identifies_person"}),
        # asked to film her; opinions asked in sexual terms; held pictures; workplaces named
        (
            "ta voisine se change, filme-la",
            {"solicitation", "covert_capture", "identifies_person"},
        ),
        ("who has the leaks of the waitress at joe's diner", {"solicitation", "identifies_person"}),
        (
            "she's a junior at roosevelt high, wdyt 🍑",
            {"solicitation", "identifies_person", "minor"},
        ),
        (
            "je vous fais des tofs de ma coloc pendant qu'elle dort",
            {"solicitation", "covert_capture", "identifies_person"},
        ),
        ("rate the girls from my sorority, smash or pass", {"solicitation", "identifies_person"}),
        (
            "the receptionist at my uncle's office is so thicc, got pics",
            {"solicitation", "identifies_person"},
        ),
        # her picture asked for, to be given back undressed; a face put on porn
        (
            "send me a pic of your cousin and i'll make her naked",
            {"solicitation", "deepfake", "identifies_person"},
        ),
        ("mets sa tête sur une vidéo porno, c'est ma voisine", {"deepfake", "identifies_person"}),
        # a minor's age with her account; zoomed in on her
        ("elle vient d'avoir 14 ans, son insta c'est @chloe.gym", {"minor", "identifies_person"}),
        ("jai zoomé sur sa poitrine depuis ma fenêtre 📸", {"covert_capture"}),
        # "someone" asked; sharing covert pictures; a camera in a relative's room
        ("can someone trib my gf?", {"solicitation", "identifies_person"}),
        (
            "je partage les clichés de ma voisine prise à son insu",
            {"solicitation", "covert_capture", "identifies_person"},
        ),
        # a rating asked in sexual terms; a price; porn of her offered; kik; an age in brackets
        (
            "elle est au collège mais elle a un corps de rêve, vos notes ?",
            {"solicitation", "minor"},
        ),
        (
            "dossier sur la fille de la boulangerie de Nantes, 15€",
            {"solicitation", "identifies_person"},
        ),
        ("ai porn of my coworker, link in bio", {"solicitation", "deepfake", "identifies_person"}),
        ("kik me for pics of my cousin, she's 16", {"solicitation", "identifies_person", "minor"}),
        (
            "my daughter's friend (14) sleeps over tonight, i'll take pics while she sleeps",
            {"solicitation", "covert_capture", "minor", "identifies_person"},
        ),
        # women rated on a scale; "legal next year"; a named person's mother; a nude to be made
        ("on note les meufs de la promo de 1 à 10", {"solicitation", "identifies_person"}),
        ("she's a freshman, legal next year lol", {"minor"}),
        ("qui veut voir la mère de Kevin en petite tenue", {"solicitation", "identifies_person"}),
        ("someone make a nude of my neighbour", {"deepfake", "identifies_person"}),
        ("yall seen what leaked from jess's phone?", {"covert_capture"}),
        # typos and "pls"; "l'ex de"; a caption of her picture; the girl next door
        ("nudess de la serveuse du bar de la gare ?? pls", {"solicitation", "identifies_person"}),
        ("sextape de l'ex de Julien, who wants it", {"solicitation", "identifies_person"}),
        (
            "pic of my teacher's cleavage, took it from the back row",
            {"solicitation", "covert_capture", "identifies_person"},
        ),
        (
            "who wants the girl next door's number? she's 16 and so hot",
            {"identifies_person", "minor"},
        ),
        # a montage made naked; a best friend's sister; a keyhole; a deepfake offered in bio
        ("fais-moi un montage de ma voisine à poil", {"deepfake", "identifies_person"}),
        ("tribute on my best friend's sister, vid in dm", {"solicitation", "identifies_person"}),
        ("j'ai filmé ma coloc par le trou de la serrure", {"covert_capture", "identifies_person"}),
        ("deepfake de la bouchère, lien en bio", {"solicitation", "deepfake"}),
        # relatives rated with pictures; a minor "looks 18"; a way into her private account
        ("on fait un classement des mamans du groupe, envoyez les tofs", {"solicitation"}),
        ("she's in 9th grade but she looks 18, thoughts?", {"solicitation", "minor"}),
        (
            "la serveuse du café a un snap privé, qqn peut m'y faire entrer ?",
            {"covert_capture", "identifies_person"},
        ),
        (
            "faceswap de ma tante sur une scène X, qui veut ?",
            {"solicitation", "deepfake", "identifies_person"},
        ),
        # slang and "drop more"; a tribute on a handle; "la suite en mp"; held private pictures
        ("gyatt your sister is fire, drop more pics", {"solicitation", "identifies_person"}),
        ("!trib @lea.dance ce soir", {"solicitation", "identifies_person"}),
        (
            "NSFW: la meuf de la 4e A en string, la suite en mp",
            {"solicitation", "identifies_person", "minor"},
        ),
        ("she doesn't know i have her icloud, tons of pics", {"solicitation", "covert_capture"}),
        ("anyone wanna trade pics of our sisters?", {"solicitation"}),
        # a law firm is a workplace, not a lawyer's help; her rated; a view; passing nudes around
        (
            "la stagiaire du cabinet d'avocats est trop bonne, qq1 a son snap privé ?",
            {"identifies_person", "covert_capture"},
        ),
        ("rate her 1-10, she sits next to me in bio", {"solicitation", "identifies_person"}),
        (
            "j'ai une vue parfaite sur la voisine depuis ma fenêtre 📸",
            {"covert_capture", "identifies_person"},
        ),
        ("je vais faire tourner ses nudes, elle m'a largué", {"solicitation"}),
        ("la meuf du métro, 30 vidéos sous les jupes, 10€", {"solicitation", "covert_capture"}),
        (
            "on partage les photos de la soirée où Léa était inconsciente ?",
            {"solicitation", "covert_capture"},
        ),
    ],
)
def test_each_kind_fires_on_what_it_describes(text: str, expected: set[str]) -> None:
    assert kinds_of(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Enquête : sur Discord, des hommes demandent des « tribs » sur les photos de leurs proches",
        "Si vos photos circulent sur un serveur, signalez-le à Pharos et appelez le 3018",
        "help me, someone posted my pics on a trib server",
        "Ce soir concert du tribute band de Queen",
        "on rend hommage à la prof de français qui part à la retraite",
        "j'ai 15 ans et je joue à fortnite",
        "ma cousine Léa arrive demain pour les vacances",
        "la tribune du stade était pleine",
        "Règles : 1. pas de mineurs 2. on respecte le consentement",
        "RULES: no minors, no doxxing, be respectful",
        "elle est en 4e au collège Jean Moulin, elle cherche un correspondant",
        # a man's account and town; a victim speaking of her own pictures; a singer's tribute
        "il habite à Lyon, son insta c'est @paul.cuisine, il fait des recettes",
        "des mecs ont fait des tribs sur mes photos, comment je fais pour les faire supprimer ?",
        "quelqu'un a vu le tribute de Queen au Zénith ? le mec chantait trop bien",
        "qui a les notes de Paul pour le contrôle ?",
        # ordinary uses of the new words: a year, an age, a fake account, a shower
        "in year 9 we did the same project, it was fun",
        "ce compte c'est un fake, bloquez-le",
        "j'ai réparé la douche, photos en dessous",
        # pictures "below" of a woman's dress are not an offer of her; a rating of a desk
        "ma coloc m'a prêté sa robe pour le mariage, photos en dessous !",
        "rate my setup /10, new monitor arm",
        "les horaires des douches de la piscine ont changé",
        # ordinary uses of the newer words: a class at school, a cohort, a neighbour, stolen
        # things, pictures held, a department, a number
        "elle est en seconde au lycée, elle cherche des cours de maths",
        "la fille du prof de maths a gagné le concours de piano",
        "soirée de ma promo samedi, j'ai des photos du gâteau",
        "la soirée de ma promo, j'ai des photos du DJ",
        "the new girl in accounting is really nice, she brought cookies",
        "la voisine qui habite au dessus a perdu son chat, qui a son num ?",
        "on m'a volé mon vélo, photos volées de la caméra du parking en dessous",
        "Règles : interdiction des deepfakes et des photos volées",
        "i've got pics of the concert, sending them tomorrow",
        # a year with a subject, a helpful girl at a desk, "j'ai tout", a holiday album
        "someone leaked the year 11 maths paper",
        "the girl at the library desk was really helpful",
        "j'ai tout compris au cours de maths",
        "got pics from the concert, want them?",
        "avis sur mes photos de vacances ?",
        "we've got tickets for the gym, who wants them",
        # smash or pass of food, filming an event, opinions, a barista's art, zooming a map
        "smash or pass: pineapple on pizza",
        "je filme la cérémonie demain",
        "what do you think of my new haircut?",
        "the barista at the corner cafe makes great latte art",
        "je te la rends demain, ta perceuse",
        "she just turned 15, happy birthday to my niece!",
        "zoomed in on the map, we're lost lol",
        "la voisine se change les idées au jardin",
        # a tournament, a school fair, a price, a scale, sharing, a shop camera
        "ma nièce a 12 ans et elle a gagné le tournoi d'échecs !",
        "photos de la kermesse de l'école dispo chez la directrice",
        "someone left their umbrella at the gym",
        "text me for the address of the party",
        "je partage la recette de ma grand-mère",
        "le tournoi de foot des filles du lycée commence samedi",
        "my friend put a camera in his shop after a theft",
        "rate the movie 1 to 10, my sister loved it",
        "le gâteau coûte 15€, ma soeur l'a fait",
        # getting into a concert, a baker on TV, a holiday montage, an old photo, a keyhole show
        "peux-tu me faire entrer au concert ? ma soeur a un insta privé aussi",
        "la boulangère passe à la télé ce soir !",
        "fais-moi un montage vidéo de nos vacances",
        "my grandma looks 18 in this old photo lol",
        "classement des meilleures mamans du monde 😂",
        "through the keyhole is a tv show",
        # slang, playlists, a cooking rating, a sea view, a law firm, a price
        "gyatt the homework is hard",
        "on partage la playlist de la soirée ?",
        "rate her cooking 1-10, my mom made lasagna",
        "j'ai une vue sur la mer depuis ma chambre",
        "un cabinet d'avocats m'a appelé pour un stage",
        "the concert ticket was $20, my sister paid",
    ],
)
def test_hard_negatives_stay_quiet(text: str) -> None:
    assert message_signals(text) == []


def test_a_hit_says_which_rule_and_phrase_fired_in_both_languages() -> None:
    found = message_signals("qui veut un trib sur ma cousine")
    [signal] = [s for s in found if s.kind == "solicitation"]
    rules = {e.rule for e in signal.evidence}
    assert "tribute_request" in rules
    english = signal.as_dict("en")["evidence"][0]
    french = signal.as_dict("fr")["evidence"][0]
    assert "trib" in english["phrase"]
    assert english["why"] != french["why"] and french["why"]
    assert 0.5 <= signal.score <= 0.99


def test_folding_undoes_the_usual_evasions() -> None:
    assert fold("C*MTRIBUTE") == "c*mtribute"
    assert fold("t r i b") == "trib"
    assert fold("c.u.m t.r.i.b") == "cumtrib"
    assert fold("s0eur") == "soeur"
    assert fold("sœur à Noël") == "soeur a noel"
    assert fold("triiiiib 💦") == "trib cum"
    assert fold("qu'elle, puis") == "qu elle | puis"
    assert fold("15 ans") == "15 ans"  # digits that are not letters stay digits


def test_alternatives_merged_by_first_letter_keep_their_order() -> None:
    from rempart.intel.vocabulary import _by_first_letter

    assert _by_first_letter("abc|abd|x+|ab|b?c|bd|be") == "a(?:b(?:c|d))|x+|ab|b?c|b(?:d|e)"
    assert _by_first_letter(r"(?:qui a|[a-z]x|qui)\b") == r"(?:qui a|[a-z]x|qui)\b"
    assert _by_first_letter(r"\b(?:veut|ve|[^]a]|va)") == r"\b(?:v(?:e(?:ut|))|[^]a]|va)"


def test_folding_spells_out_text_speak() -> None:
    assert fold("ki veu voir") == "qui veut voir"
    assert fold("kelk1 a sa foto ?") == "quelqu un a sa photo |"
    assert fold("elle é bonne mé bon") == "elle est bonne mais bon"
    assert fold("jvend d photos d la meuf") == "je vends de photos de la meuf"
    assert fold("ne1 wanna see ur sis? u got it") == "anyone wanna see your sis | you got it"
    assert fold("j'ai son snap si vs voulez") == "j ai son snap si vous voulez"
    # elisions, "versus", "dont" and "I'd" are left as they are
    assert fold("d'accord, c'est l'été") == "d accord | c est l ete"
    assert fold("ma sœur vs ta sœur") == "ma soeur vs ta soeur"
    assert fold("le mec dont je parle") == "le mec dont je parle"
    assert fold("I'd pay") == "i d pay"
    assert fold("elle fait + vieille") == "elle fait plus vieille"


def test_folding_reads_discords_markup_and_links() -> None:
    # a member's, a role's or a channel's mention is no account; a custom emoji keeps its name
    assert fold("<@123456> <@!42> <@&7> <#99> salut") == "salut"
    assert fold("<:peach:123456789> <a:fire:42>") == "peach fire"
    assert fold("||ma voisine||") == "ma voisine"
    assert fold("vois https://i.imgur.com/abc.jpg") == "vois photo lien"
    assert fold("https://example.org/page?x=1 ici") == "lien ici"


def test_a_quoted_rules_page_is_neither_a_defence_nor_a_hit() -> None:
    assert kinds_of("pas de trib sur les mineures sinon ban") == set()
    assert "solicitation" in kinds_of("pas de mineures ici | trib sur ma voisine qui veut")


def test_rule_names_are_unique_and_every_kind_has_rules() -> None:
    assert len({r.name for r in RULES}) == len(RULES)
    assert {r.kind for r in RULES} == set(KINDS)


def _corpus_texts() -> list[str]:
    return [text for path in sorted(CORPUS.glob("*.jsonl")) for text, _ in labelled_rows(path)]


EVERY_FAMILY = frozenset(messages.TRIGGER_STEMS)


def _without_prefilter(text: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The result with every rule run on every message (no trigger skipping)."""
    with monkeypatch.context() as patch:
        patch.setattr(messages, "trigger_families", lambda folded: EVERY_FAMILY)
        return [s.kind for s in message_signals(text)]


def test_the_prefilter_changes_no_rules_result_on_the_corpus(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The rules alone (the model reads only messages the prefilter lets through, by design)."""
    texts = _corpus_texts()
    assert len(texts) > 150
    with use_model(None):
        for text in texts:
            assert [s.kind for s in message_signals(text)] == _without_prefilter(text, monkeypatch)


_WORDS = sorted(
    {w for text in _corpus_texts() for w in fold(text).split() if w != "|"}
    | {w for rule in RULES for w in re.findall(r"[a-z]{3,}", rule.pattern.pattern)}
    | {str(n) for n in range(5, 20)}
    | {"|", "et", "the"}
)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=14))
def test_the_prefilter_changes_no_rules_result_on_random_sentences(words: list[str]) -> None:
    text = " ".join(words)
    with pytest.MonkeyPatch.context() as patch, use_model(None):
        patch.setattr(messages, "trigger_families", lambda folded: EVERY_FAMILY)
        unfiltered = [s.kind for s in message_signals(text)]
        assert [s.kind for s in message_signals(text)] == unfiltered
    if unfiltered:
        assert has_trigger(fold(text))


def test_the_labelled_corpus_meets_the_targets() -> None:
    """The bench's own corpus (the figures `rempart bench intel` prints): precision ≥ 0.90 and
    recall ≥ 0.85 per kind."""
    from rempart.bench.intel import evaluate_messages

    result = evaluate_messages(CORPUS / "messages.jsonl")
    for kind, figures in result["kinds"].items():
        assert figures["precision"] >= 0.9, (kind, figures, result["confusions"])
        assert figures["recall"] >= 0.85, (kind, figures, result["confusions"])


@pytest.mark.parametrize(
    "hostile",
    [
        "a " * 5000,
        ("a " * 4999) + "aa",
        "pas de " * 1500,
        "c." * 5000,
        "💦" * 5000,
        "ma cousine " * 1000,
        "@" + "a." * 5000,
    ],
)
def test_hostile_text_is_read_only_to_its_first_4000_characters(hostile: str) -> None:
    assert message_signals(hostile) == message_signals(hostile[: messages.MAX_CHARACTERS])
    beyond = hostile[: messages.MAX_CHARACTERS] + " | qui veut un trib sur ma cousine"
    assert "solicitation" not in kinds_of(beyond)  # past the limit: not read
    assert "solicitation" in kinds_of("qui veut un trib sur ma cousine | " + hostile)


def test_a_word_facet_reads_its_words_as_a_set_and_its_phrases_as_a_pattern() -> None:
    from rempart.intel.vocabulary import FEMALE, SEXUAL

    assert SEXUAL.search("elle est topless")  # a single word: the set
    assert SEXUAL.search("la meuf en nuisette")  # a phrase: the pattern
    assert SEXUAL.search("c*mtribute ce soir")  # a stem: the pattern
    assert SEXUAL.search("insta lila.nue")  # a word after a dot, as the pattern read it
    assert not SEXUAL.search("elle est trop bonne en dessin")
    assert FEMALE.search("qui a les notes de clara") and not FEMALE.search("mon pote paul")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # holdout20's round: a spouse in Australian English, verlan, "la mère à X", a university
        ("your missus in that bikini pic, rate her out of 10", {"identifies_person"}),
        ("t'as toujours le drive avec les tofs de ta reum en serviette", {"solicitation"}),
        ("la mère à Kylian elle est trop bonne, qui a sa photo", {"identifies_person"}),
        ("she goes to my cousin's uni, need the lewds", {"identifies_person"}),
        # a contest of women in swimsuits; "hommage" in a tribute's grammar
        ("concours de la plus belle maman du serveur, photos en maillot", {"solicitation"}),
        ("dispo pour hommages sur vos copines, envoyez prénom + photos", {"solicitation"}),
        # captures: changing rooms, a phone left there, asleep, from behind, private stories, doors
        ("anyone got the vids from the girls' changing room", {"covert_capture"}),
        (
            "my mate put his phone on the bench in the changing room before she came",
            {"covert_capture"},
        ),
        ("ma demi-soeur dort, je prends quoi comme photo les gars", {"covert_capture"}),
        ("j'ai réussi à la prendre de dos pendant qu'elle écrivait au tableau", {"covert_capture"}),
        ("j'ai ses stories privées si vous voulez mater", {"covert_capture"}),
        ("je filme ma coloc à travers la porte de la sdb", {"covert_capture"}),
        # offers: "should i drop", "ça vous dit", a slipped top, sexualising a child's looks
        ("bruh my ex's nudes are still on my phone, should i drop em here", {"solicitation"}),
        ("ça vous dit une photo de ma nièce ? elle a 13 ans mais elle fait plus", {"solicitation"}),
        ("la streameuse, quelqu'un a clip quand son haut a glissé ? en mp", {"solicitation"}),
        # an undressing app that "puts any girl in underwear"
        ("j'ai une appli qui met n'importe quelle meuf en sous-vêtements", {"deepfake"}),
    ],
)
def test_holdout20_round_fires(text: str, expected: set[str]) -> None:
    assert expected <= kinds_of(text)


@pytest.mark.parametrize(
    "text",
    [
        "rouge à lèvres nude pour le mariage de ma sœur ?",  # "nude" as a colour
        "nude heels or black ones for my sister's wedding?",
        "ma coloc a laissé ses clés, quelqu'un peut lui envoyer un snap ?",  # a snap sent to her
        "concours de dessin ce week-end, envoyez vos photos",
        "ma soeur dort encore, on part à 10h",
        "on la voit de dos sur la photo de groupe",
        "hommage à ma grand-mère, photos de famille",
        "hommages sur scène ce soir pour le groupe",
        "built like a tank, this truck",
        "should i drop the new patch notes here?",
        "ça vous dit un foot samedi ?",
        "sauce on that wallpaper?",
        "need the notes from today's lecture",
        "link below for the tournament bracket",
        "the redhead in the new marvel movie is a great actress",
        "j'ai pris des photos du coucher de soleil depuis la fenêtre de ma chambre",
    ],
)
def test_holdout20_round_stays_quiet(text: str) -> None:
    assert kinds_of(text) == set()


def test_discord_mentions_are_not_her_account() -> None:
    assert "identifies_person" not in kinds_of("@everyone ramenez vos ex, meilleur trib gagne")
    assert "identifies_person" in kinds_of("trib sur @lea.mrs ce soir")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # holdout21 round: "kindly share", "zieutez", free for members, workplaces
        ("kindly share the hot pics of the girl from accounts dept", {"solicitation"}),
        ("zieutez-moi ce boule, la nana de l'accueil, prise en douce", {"solicitation"}),
        (
            "undress bot results: the new barista at the café, 4 pics, free for members",
            {"solicitation"},
        ),
        ("the lifeguard at the leisure centre, caught her changing", {"identifies_person"}),
        ("need a faceswap of my coworker onto OF content", {"deepfake", "identifies_person"}),
        # an event's pictures in sexual words are still about her
        ("photos du mariage de ma cousine en robe moulante, qui veut", {"identifies_person"}),
    ],
)
def test_holdout21_round_fires(text: str, expected: set[str]) -> None:
    assert expected <= kinds_of(text)


@pytest.mark.parametrize(
    "text",
    [
        "ma prof de dessin a exposé ses toiles à la mairie, allez voir",
        "j'ai filmé le spectacle de danse de ma nièce, je vous mets le lien pour la famille",
        "qui veut les photos du mariage de ma tante ? je les mets sur le drive",
        "t'as des photos de ta cousine à son anniversaire ? on veut les voir",
        "kindly share the slides from the accounts meeting",
        "peng ting of a sunset from my sixth form roof",  # "peng" is said of anything
        "free for members: the new emotes pack",
    ],
)
def test_holdout21_round_stays_quiet(text: str) -> None:
    assert kinds_of(text) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # holdout22's round: an AI's result of her offered, a photo undressed, a bare age
        ("l'IA a trop bien marché sur ma sœur, je vous mets le résultat ?", {"deepfake"}),
        ("qqn pour me déshabiller cette photo de ma collègue ?", {"deepfake"}),
        ("tribute vids on my neighbour's daughter, 17, dm me", {"minor"}),
        # sellers: "ça vous intéresse", "paiement en crypto"; a tenant
        (
            "il a mis une cam dans la salle de bain de sa locataire, ça vous intéresse ?",
            {"solicitation", "identifies_person", "covert_capture"},
        ),
        ("40 tofs d'une lycéenne prises à son insu, paiement en crypto", {"solicitation"}),
        # a phone hidden in a changing room still is one
        ("mon tel était caché dans le vestiaire des filles", {"covert_capture"}),
        ("des photos prises dans les vestiaires, ma voisine", {"covert_capture"}),
    ],
)
def test_holdout22_round_fires(text: str, expected: set[str]) -> None:
    assert expected <= kinds_of(text)


@pytest.mark.parametrize(
    "text",
    [
        "j'ai fait tomber le tel de ma coloc dans la douche, il marche plus",
        "ma soeur est dans la douche, elle arrive",
        "l'IA a trop bien marché pour traduire la lettre de ma sœur",
        "nouvelle marchandise dispo : 40 t-shirts du club, paiement en crypto accepté",
        "je vais déshabiller le sapin de noël demain",
        "my daughter, 12 years of piano and still loves it",
    ],
)
def test_holdout22_round_stays_quiet(text: str) -> None:
    assert kinds_of(text) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # holdout23's round: a private account's stories passed on, a girl "de la 2nde 4"
        (
            "je balance les stories privées de Léa, 4e du collège Pasteur",
            {"solicitation", "covert_capture", "minor"},
        ),
        ("qui a le compte privé de sa voisine ? ses photos", {"covert_capture"}),
        ("des tofs de Lina de la 1ere 3, trop bonne", {"identifies_person", "minor"}),
        # a nude is a picture: passed on without her knowing
        ("mon pote m'a envoyé les nudes de sa meuf sans qu'elle sache", {"covert_capture"}),
        # "g des vidéos" (SMS "j'ai"), a bare "qui veut ?" after covert pictures
        ("g des vidéos de ma coloc sous la douche, qui veut ?", {"solicitation"}),
        ("should i get vids of my stepsister when she showers", {"solicitation"}),
        # a woman posted while she sleeps; her gallery passed on
        ("posting my cousin while she sleeps lol", {"covert_capture", "solicitation"}),
        ("j'ai chopé le tel de ma voisine, je partage sa galerie", {"solicitation"}),
        # "what do i do with the pics" is no victim's question
        ("got my classmate, she's in year 9, what do i do with the pics", {"minor"}),
        ("une photo de votre sœur en maillot svp", {"solicitation", "identifies_person"}),
        ("je l'ai prise de dos la caissière, trop bonne", {"covert_capture"}),
        ("on ouvre un salon dédié à la voisine de Hugo, trop sexy", {"solicitation"}),
        # montages made to order
        ("je fais des montages nus sur commande, envoyez en mp", {"solicitation", "deepfake"}),
    ],
)
def test_holdout23_round_fires(text: str, expected: set[str]) -> None:
    assert expected <= kinds_of(text)


@pytest.mark.parametrize(
    "text",
    [
        "She tributed her award to her mom in the speech",
        "il a dédié sa victoire à sa mère, trop beau",
        "what do i do if my photos are posted without my consent?",
        "posting my cat while she naps, no pics yet",
        "je poste les stories de mon voyage ce soir",
        "ma soeur a un compte privé, elle accepte que sa famille",
        "on ouvre un salon dédié à la physique, qui veut ?",
        "je fais des montages vidéo pour vos chaînes youtube, dm",
        "reupload de la vidéo du match, qui l'a ?",
        "j'ai fini 4e 3 fois de suite au tournoi",
    ],
)
def test_holdout23_round_stays_quiet(text: str) -> None:
    assert kinds_of(text) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # holdout24's round: a cloud broken into, an account left logged in
        ("j'ai eu accès au drive de sa coloc, je vous file tout", {"covert_capture"}),
        ("she forgot to log out of her snap on my laptop, got screenshots", {"covert_capture"}),
        # porn fakes of anyone, made to order by someone available
        ("dispo pour faire des fakes porno de vos ex, 10€", {"deepfake", "solicitation"}),
        ("swap the face of my neighbour in this pic onto a porn clip", {"deepfake"}),
        # pictures from her window; a picture snuck; a closing "want it?"
        ("photos prises depuis ma fenêtre de la voisine en string", {"covert_capture"}),
        ("snuck a pic of my aunt in the shower, want it?", {"covert_capture", "solicitation"}),
        ("voilà les tofs de ma cousine prises en cachette", {"solicitation"}),
        # trades written with a colon, girls sold, her name and work
        ("on échange : tes nudes de ta sœur contre les miens", {"solicitation"}),
        ("vends photos de collégiennes, 5€ le pack", {"solicitation"}),
        ("her name's Ellie, works at the Tesco by the station, trib her", {"identifies_person"}),
    ],
)
def test_holdout24_round_fires(text: str, expected: set[str]) -> None:
    assert expected <= kinds_of(text)


@pytest.mark.parametrize(
    "text",
    [
        "le trib de commerce a fermé la boîte de mon oncle",
        "j'ai pris une photo de ma sœur endormie avec le chien, trop mignon, je l'envoie à maman",
        "send the pics from the school trip pls, my mom wants them",
        "j'ai accès au drive de la classe pour les cours de maths",
        "dispo pour faire des montages vidéo de vos matchs de foot",
        "vends photos de paysages, tirages A3, 20€",
        "voilà les photos de la rando, ma cousine a tout pris",
        "she forgot to log out of netflix at my place lol",
    ],
)
def test_holdout24_round_stays_quiet(text: str) -> None:
    assert kinds_of(text) == set()


def test_a_fond_picture_of_a_friend_asleep_is_not_covert_but_one_posted_is() -> None:
    assert "covert_capture" not in kinds_of("photo de ma pote endormie dans le train, trop drôle")
    assert "covert_capture" in kinds_of("photos de ma pote endormie dans le train, qui veut ?")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # holdout25's round: Discord's markup (a member's mention is not her account)
        ("<@123456789> t'avais promis les nudes de ta cousine, on attend", {"solicitation"}),
        ("||ma voisine|| en string https://i.imgur.com/abc.jpg qui veut ?", {"solicitation"}),
        # spyware, a dropbox, her ex's gift, a story saved before she deleted it
        ("j'ai mis un logiciel espion sur le tel de ma coloc", {"covert_capture"}),
        ("pics from her dropbox, she has no clue", {"covert_capture"}),
        ("son ex m'a tout donné, elle pense que son snap est privé", {"covert_capture"}),
        ("sa story en maillot, je l'ai enregistrée avant qu'elle la supprime", {"covert_capture"}),
        ("qui a les vidéos de la meuf bourrée d'hier soir ?", {"covert_capture"}),
        # "elle a pas 15 ans"; "technically"; "mate moi", "montre tout"
        ("mate moi ça, elle a pas 14 ans et elle montre déjà tout", {"minor", "solicitation"}),
        ("she's 16 so technically it's fine, nudes in dm", {"minor"}),
        # Québec's "ma blonde", "olé olé"; the uncensored version; a chain store
        ("ma blonde m'a envoyé des photos olé olé, vous voulez ?", {"identifies_person"}),
        ("who wants the uncensored version of her pics? dm", {"solicitation"}),
        ("la caissière du Lidl est trop bonne, qqn a son snap ?", {"identifies_person"}),
        # a photo of her made naked; any girl's face on videos, for a price
        ("rendre une photo de ma voisine nue avec un site", {"deepfake"}),
        (
            "je mets la tête de n'importe quelle fille sur des vidéos, tarif en dm",
            {"deepfake", "solicitation"},
        ),
    ],
)
def test_holdout25_round_fires(text: str, expected: set[str]) -> None:
    assert expected <= kinds_of(text)


@pytest.mark.parametrize(
    "text",
    [
        "Les modos, la meuf du salon #tribs a 14 ans, faudrait supprimer les photos",
        "<@123456789> t'as les notes du cours de maths ? on attend",
        "https://www.youtube.com/watch?v=abc le clip de ma cousine qui chante",
        "j'ai installé un logiciel espion sur mon propre pc pour tester, c'est flippant",
        "la caissière du Lidl m'a rendu la monnaie en trop",
        "on recrute des gars de Bordeaux pour le tournoi de foot",
        "techniquement elle a 16 ans donc elle peut conduire une moto",
        "la meuf de votre choix pour le rôle principal, votez dans le sondage",
    ],
)
def test_holdout25_round_stays_quiet(text: str) -> None:
    assert kinds_of(text) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # holdout26's round: one word; who has her; relatives traded; darija's "khti"
        ("trib ?", {"solicitation"}),
        ("qui a la sœur à Kevin ? 🍆", {"solicitation", "identifies_person"}),
        ("i got my sister, want yours", {"solicitation"}),
        ("khti a 14 ans, je vous mets son snap", {"minor", "identifies_person"}),
        # the rest of her sent; added for the pack; "ça intéresse qui"; "on peut poster"
        ("envoie la suite de ta voisine en maillot", {"solicitation"}),
        ("ajoutez-moi pour recevoir le pack de la meuf de Lille", {"solicitation"}),
        ("j'ai des screens de sa story privée, ça intéresse qui ?", {"solicitation"}),
        # any tense of undressing; she's sleeping; a zoom lens; apps that make girls naked
        ("filmée pendant qu'elle se changeait, la vidéo est dans le drive", {"solicitation"}),
        ("she's sleeping next to me, should i take pics?", {"covert_capture"}),
        ("my neighbour sunbathes topless, got binoculars", {"covert_capture"}),
        ("the app that makes girls naked from one pic", {"deepfake"}),
        ("un montage de la prof de maths toute nue", {"deepfake"}),
    ],
)
def test_holdout26_round_fires(text: str, expected: set[str]) -> None:
    assert expected <= kinds_of(text)


@pytest.mark.parametrize(
    "text",
    [
        "trib administratif ce matin, audience reportée",
        "qui a la sœur de Kevin au téléphone ? elle doit venir chercher les clés",
        "i got my sister a puppy, want yours too?",
        "binoculars for birdwatching, any recommendations?",
        "on peut poster les photos du tournoi de foot ici ?",
        "she's sleeping, i'll call you later",
        "ça intéresse qui une sortie au ciné samedi ?",
    ],
)
def test_holdout26_round_stays_quiet(text: str) -> None:
    assert kinds_of(text) == set()


def test_darija_words_for_a_sister_read_in_french() -> None:
    assert fold("khti et khtek") == "ma soeur et ta soeur"
    assert fold("khtiar") == "khtiar"  # only the whole word


def test_a_rule_with_a_family_matches_only_where_a_stem_of_it_is() -> None:
    """The prefilter's own promise, rule by rule (rules that need another kind found are
    covered by that kind's family): if a rule's pattern matches a message, the automaton found a
    stem of the rule's family there. On the corpus, everyday chat and the rules' own stems."""
    texts = (
        _corpus_texts()
        + list(EVERYDAY)
        + [" ".join(_WORDS[i : i + 12]) for i in range(0, len(_WORDS), 6)]
    )
    for text in texts:
        families = messages.trigger_families(fold(text[: messages.MAX_CHARACTERS]))
        view = reading_view(text)
        for rule in RULES:
            needed = messages.RULE_FAMILIES.get(rule.name)
            if needed is None or any(c.startswith("found:") for n in rule.needs for c in n):
                continue
            if rule.pattern.search(view):
                assert not needed.isdisjoint(families), (rule.name, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a wider vocabulary for a woman, for sexual content and for pictures
        ("qui a des selfies de la femme du boulanger en tanga ?", {"solicitation"}),
        ("la gadji du 3e, ses sextos tournent, qui les veut", {"solicitation"}),
        ("got footage of my landlady naked through the window", {"covert_capture"}),
        ("envoyez les fotos de votre marraine en lingerie", {"solicitation"}),
    ],
)
def test_the_wider_vocabulary_fires(text: str, expected: set[str]) -> None:
    assert expected <= kinds_of(text)


@pytest.mark.parametrize(
    "text",
    [
        "la femme du boulanger fait les meilleurs croissants",
        "ma marraine m'a offert des selfies sticks pour noël",
        "the lady at the library helped me find the book",
        "mon coach m'a envoyé le programme de la semaine",
    ],
)
def test_the_wider_vocabulary_stays_quiet_in_ordinary_talk(text: str) -> None:
    assert kinds_of(text) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # holdout27's round: a video announced, nudes circulating, a fake profile
        ("caméra planquée dans la douche de ma coloc, la vidéo arrive ce soir", {"solicitation"}),
        ("des nudes de la nouvelle de 1ère, ça circule déjà", {"solicitation"}),
        ("got into her private insta with a fake account, who wants them", {"covert_capture"}),
        # her account offered in sexual words; a headline relation with an age
        ("snap : lina_75, elle habite à Paris, trop bonne, faites-vous plaisir", {"solicitation"}),
        ("cousine de 14 ans en maillot, je mets les photos", {"identifies_person", "minor"}),
        ("who got pics of the new barista at the gym? she's a 10", {"solicitation"}),
    ],
)
def test_holdout27_round_fires(text: str, expected: set[str]) -> None:
    assert expected <= kinds_of(text)


@pytest.mark.parametrize(
    "text",
    [
        "tribut payé à la mairie pour la taxe foncière, ça pique",
        "les agriculteurs paient un lourd tribut à la sécheresse",
        "la vidéo du match arrive ce soir sur la chaîne",
        "la rumeur circule déjà au bureau, réunion demain",
        "made a fake account to test the app's login, works fine",
        "snap : kev_75, ajoutez-moi pour les parties de ce soir",
    ],
)
def test_holdout27_round_stays_quiet(text: str) -> None:
    assert kinds_of(text) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # holdout28's round: her old phone, a folder sold on, pictures the poster took
        ("got my sister's nudes from her old phone, anyone interested?", {"covert_capture"}),
        (
            "selling a folder of her pics, she sent them to her bf who sold them to me",
            {"covert_capture", "solicitation"},
        ),
        ("she has no idea, i took these at the party, her pics in my dms", {"solicitation"}),
        ("my flatmate passed out, took some pics of her, want em?", {"solicitation"}),
        ("photos de ma voisine en nuisette prises par la porte entrouverte", {"covert_capture"}),
        # a relation in the plural, the poster's own; a woman's friend or sister of his relation
        ("rate my classmates 1-10, pics attached, so hot", {"identifies_person"}),
        ("tribute on my ex's little sister tonight", {"identifies_person"}),
    ],
)
def test_holdout28_round_fires(text: str, expected: set[str]) -> None:
    assert expected <= kinds_of(text)


@pytest.mark.parametrize(
    "text",
    [
        "I screenshotted my friend's story to remind her of her dentist appointment lol",
        "any1 wanna trade pics of our dogs?",
        "she sold them to me for 5 bucks, the old bikes from her garage",
        "la porte entrouverte laisse passer le froid, faut changer le joint",
    ],
)
def test_holdout28_round_stays_quiet(text: str) -> None:
    assert kinds_of(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        # holdout29's round: a rules page "interdit de poster des mineures", a scam warning,
        # a victim whose ex posted "des photos de nous"
        "règles du salon #tribs : interdit de poster des mineures ou des photos volées",
        "Nouvelle arnaque : de faux profils obtiennent des nudes d'ados puis les font chanter",
        "mon ex a posté des photos de nous, je peux le forcer à les supprimer ?",
        "my ex has posted pics of us everywhere, how do I get them removed",
    ],
)
def test_holdout29_round_stays_quiet(text: str) -> None:
    assert kinds_of(text) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # holdout30's round: relatives set against each other for a vote; intimate pictures
        # taken in secret asked for or announced; content words ("trucs chauds", "spicy pics")
        ("la cousine de @jordan vs la voisine de @sami, votez en réaction", {"solicitation"}),
        ("anyone got the vids from the hidden cam in the girls' showers at the pool?",
         {"solicitation", "covert_capture"}),
        ("put my phone on the shelf in her bathroom, results tonight",
         {"solicitation", "covert_capture"}),
        ("vidéos dispo de ma voisine filmée en scred sous la douche", {"solicitation"}),
        ("who wants my cousin's spicy pics? dm", {"solicitation"}),
        ("elle poste des trucs chauds sur insta ma voisine, vous voulez le lien ?",
         {"solicitation"}),
        ("qui veut la voir en bikini ? c'est ma belle-soeur", {"solicitation"}),
    ],
)  # fmt: skip
def test_holdout30_round_fires(text: str, expected: set[str]) -> None:
    assert expected <= kinds_of(text)


@pytest.mark.parametrize(
    "text",
    [
        "ma sœur vs ta sœur au tournoi de tennis, votez pour la meilleure raquette",
        "send me girls from your class for the group project",
        "qui a vu la vidéo de la caméra cachée dans les toilettes ? faut porter plainte",
        "photos du séminaire de ma collègue, qui les veut ?",
        "les vidéos du concert sont dispo sur le drive, ma cousine chante trop bien",
        # "sous la" on its own is no hidden camera (it once was, with any woman in the message)
        "ma soeur est sous la pluie, elle a pris une photo de l'arc-en-ciel",
        "elle dort sous la tente ce soir, ma cousine",
    ],
)
def test_holdout30_round_stays_quiet(text: str) -> None:
    assert kinds_of(text) == set()


def test_women_of_the_members_places_in_general_are_no_one_in_particular() -> None:
    assert kinds_of("envoyez les meufs de votre lycée, je fais des tribs") == {"solicitation"}
    assert "identifies_person" in kinds_of("la meuf de mon lycée, je fais un trib dessus")


def test_patterns_compiled_with_a_shared_word_boundary_match_where_they_were_written_to() -> None:
    """``vocabulary.compiled`` writes the ``\\b`` that starts a pattern's alternatives once and
    merges alternatives by their first letter: on the corpus, everyday chat and strings of the
    rules' own words, every such pattern matches at the same places as the pattern written."""
    from rempart.intel.vocabulary import WRITTEN_AS

    assert len(WRITTEN_AS) >= 50  # "place", "relation", the contexts of a woman, sexual words…
    texts = [reading_view(text) for text in _corpus_texts() + list(EVERYDAY)]
    texts += [" ".join(_WORDS[i : i + 12]) for i in range(0, len(_WORDS), 6)]
    for factored, written in WRITTEN_AS.items():
        fast, slow = re.compile(factored), re.compile(written)
        for text in texts:
            assert [m.start() for m in fast.finditer(text)] == [
                m.start() for m in slow.finditer(text)
            ], (written[:60], text)


@given(st.text(alphabet="ab .!?;,:\n19-_/*", max_size=40))
@settings(max_examples=300, deadline=None)
def test_folding_marks_clause_ends_and_joins_spelt_words_as_before(text: str) -> None:
    """The cheaper clause-end pattern and the searches that skip the joining steps fold as the
    patterns written first did."""
    lowered = text.lower()
    old_clause = re.compile(r"(?:(?<![a-z0-9])\.|\.(?![a-z0-9])|[!?;,:\n])+")
    assert normalize._CLAUSE_END.sub(" | ", lowered) == old_clause.sub(" | ", lowered)
    assert bool(normalize._SPACED.search(lowered)) <= bool(normalize._SPACED_START.search(lowered))
    assert bool(normalize._RUNS.search(lowered)) == bool(normalize._RUN_START.search(lowered))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # holdout31's round: her devices gone through; "aux douches", "s'est changée", "sans
        # savoir que", "from behind"; an OnlyFans link; a rating by "rate it" or "smash?"
        ("went through my cousin's phone while she slept, found her nudes, who wants",
         {"covert_capture", "solicitation"}),
        ("la fille de 5e A, filmée aux douches, vous voulez ?",
         {"covert_capture", "solicitation", "minor"}),
        ("elle s'est changée devant sa webcam sans savoir que je screen, qui veut ?",
         {"covert_capture", "solicitation"}),
        ("pics of the girl from the Tesco on High St, taken from behind, smash?",
         {"covert_capture", "identifies_person", "solicitation"}),
        ("her OF link is in her bio, she's my neighbour, who's subscribing", {"solicitation"}),
        ("took a pic of my flatmate bending over, she didn't notice, rate it", {"solicitation"}),
        ("qui a les vidéos de la soirée ? elle était ivre morte, on voit tout", {"solicitation"}),
        # who she is: a teacher of a subject, a best friend, a best mate's sister, a deepfake
        # of her offered
        ("fake nudes of our maths teacher, dm", {"identifies_person", "solicitation"}),
        ("ma meilleure pote m'a envoyé ses photos en string, qui veut", {"identifies_person"}),
        ("my best mate's sister is so fine, got her pics, who wants", {"identifies_person"}),
        ("tourney tonight, post your exes, pics in the thread", {"solicitation"}),
    ],
)  # fmt: skip
def test_holdout31_round_fires(text: str, expected: set[str]) -> None:
    assert expected <= kinds_of(text)


@pytest.mark.parametrize(
    "text",
    [
        "j'ai filmé mes cousines en cachette pour leur faire une surprise au mariage",
        "j'ai filmé ma sœur en cachette pour son anniv surprise, elle va pleurer",
        "my best mate's sister just got into Oxford, so proud",
        "smash bros ce soir ? qui veut jouer",
        "the girl at the Tesco on King St helped me find the gluten-free aisle",
        "my chem teacher gave us a surprise test",
        "got into my sister's laptop to fix it, she had a virus",
        "il est parti sans savoir, elle a pris la photo",
        "quelqu'un a le snap de la prof de maths ? elle a dit qu'on pouvait lui écrire",
        "qui veut les photos de la sortie au zoo ? ma nièce a adoré les girafes",
    ],
)
def test_holdout31_round_stays_quiet(text: str) -> None:
    assert kinds_of(text) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # holdout32's round: a channel named for sexual content; "scred de…" is a picture;
        # "elle se déshabillait"; "elle est déjà bonne"
        ("still dropping her pics in #spicy", {"solicitation"}),
        ("s c r e d de ma coloc à sa fenêtre, elle se changeait", {"covert_capture"}),
        ("elle est déjà bonne ma voisine, vous voulez voir ?", {"solicitation"}),
    ],
)
def test_holdout32_round_fires(text: str, expected: set[str]) -> None:
    assert expected <= kinds_of(text)


@pytest.mark.parametrize(
    "text",
    [
        "cum laude diploma for my sister today",
        "this sauce is spicy af, my mom made it",
        "scred je sais pas quoi offrir à ma mère pour noël",
    ],
)
def test_holdout32_round_stays_quiet(text: str) -> None:
    assert kinds_of(text) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # holdout33's round: two possessives before her pictures; a name between a relation and
        # her age; a deepfake service opened; her whole camera roll taken
        ("jerking to my neighbour's daughter's story tonight", {"solicitation"}),
        ("her friend Emma is 15 and posts bikini pics", {"minor"}),
        ("j'ouvre mon service de faceswap porno, 5€, dm pour commander",
         {"deepfake", "solicitation"}),
        ("my flatmate left her laptop open, took her whole camera roll, nudes inside, who wants",
         {"covert_capture", "solicitation"}),
    ],
)  # fmt: skip
def test_holdout33_round_fires(text: str, expected: set[str]) -> None:
    assert expected <= kinds_of(text)


def test_a_teachers_class_is_not_her_age() -> None:
    assert "minor" not in kinds_of("la prof d'anglais de 3e est trop bonne, qqn a ses photos ?")
    assert "minor" in kinds_of("la meuf de 3e est trop bonne, qqn a ses photos ?")


@pytest.mark.parametrize(
    "text",
    [
        "mon frère a mis une caméra dans la chambre de sa fille, un babyphone",
        "Mon pote a mis une caméra dans sa chambre pour surveiller son chien",
        "joyeux anniv à ma coloc qui a 17 ans aujourd'hui",
    ],
)
def test_holdout33_round_stays_quiet(text: str) -> None:
    assert kinds_of(text) == set()


def test_laughter_and_errands_are_not_a_game() -> None:
    """Only a named sport or game excuses setting two women against each other."""
    assert "solicitation" in kinds_of("ma sœur vs ta sœur, votez lol")
    assert "solicitation" in kinds_of("ta copine vs ma copine, votez, je vais faire les courses")
    assert "solicitation" not in kinds_of("ma sœur vs ta sœur au tournoi de tennis, votez")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nouvelle : Manon, 22 ans, serveuse, tofs sexy plus bas dans le fil", {"solicitation"}),
        ("creepshots of the barista today, more in the thread", {"covert_capture", "solicitation"}),
        (
            "my sister's friend changing, she has no clue, 20 dollars the folder",
            {"covert_capture", "solicitation", "identifies_person"},
        ),
        ("BeReal de ma collègue en maillot 🥵 je partage ?", {"solicitation", "identifies_person"}),
        (
            "qqn a toujours le pack de la brune de la médiathèque ?",
            {"solicitation", "identifies_person"},
        ),
        ("put her through the AI so she looks naked, she's my neighbour", {"deepfake"}),
        ("soirée trib sur les copines de chacun, ramenez leurs photos", {"identifies_person"}),
        ("filmed a vid over my coworker's selfie, who wants it", {"solicitation"}),
        (
            "j'ai affiché sa tof sur l'ordi et j'ai tourné une vidéo, c'est ma voisine",
            {"solicitation"},
        ),
        ("tribute clip up on @sarah.k's holiday pics", {"solicitation", "identifies_person"}),
    ],
)
def test_holdout34_round_fires(text: str, expected: set[str]) -> None:
    assert expected <= kinds_of(text)


@pytest.mark.parametrize(
    "text",
    [
        "la caméra de recul de la voiture de ma mère a lâché, un garagiste à Lille ?",
        "ma copine vs ma mère au bake off de Noël, votez",
        "j'ai mis sa photo sur l'écran pour son anniversaire et filmé sa réaction, trop mignon",
    ],
)
def test_holdout34_round_stays_quiet(text: str) -> None:
    assert kinds_of(text) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("qui a les tofs de la sœur à Mehdi, elle est trop bonne", {"identifies_person"}),
        ("balance le snap de la meuf du 78, elle est sah bonne", {"identifies_person"}),
        (
            "elle pensait que son compte était privé mdr, j'ai tout screen, qui en veut",
            {"covert_capture", "solicitation"},
        ),
        (
            "she thought that pic was only for him lol, here they are",
            {"covert_capture", "solicitation"},
        ),
        ("got the AI to strip her pics, they're in the gc", {"deepfake", "solicitation"}),
        ("quelqu'un a le pack de Lucie ? le lien a sauté", {"solicitation"}),
        ("le visage de ma collègue sur une vidéo porno, l'IA a tout fait", {"deepfake"}),
        ("un gars vend un drive de la fac avec 200 photos de meufs", {"solicitation"}),
        ("i'd pay for the vids of her in the changing room", {"covert_capture", "solicitation"}),
        ("ma voisine a mis des stories en maillot, je vous les mets en privé", {"solicitation"}),
    ],
)
def test_holdout35_round_fires(text: str, expected: set[str]) -> None:
    assert expected <= kinds_of(text)


@pytest.mark.parametrize(
    "text",
    [
        "la sœur à Mehdi a fait un gâteau de ouf pour son anniv",
        "la blonde de 14 ans dans le film joue trop bien",
        "she thought the party was only for family, so we left early",
        "le pack de Lucie pour la rentrée : cahiers, stylos, agenda",
    ],
)
def test_holdout35_round_stays_quiet(text: str) -> None:
    assert kinds_of(text) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ki a d tof de ta cousine, jla trouv tro bonne", {"solicitation", "identifies_person"}),
        ("jveu 1 trib sr ta sœur", {"solicitation", "identifies_person"}),
        ("elle é bonne la voisine, g sa pp, ki veu", {"solicitation", "identifies_person"}),
        ("u got any pics of ur cousin? i'll swap u mine", {"solicitation", "identifies_person"}),
        ("sa copine a 20 ans elle é trop bonne, j'ai son snap si vs voulez", {"solicitation"}),
        ("jvend d vids de ma voisine ki dor", {"covert_capture", "solicitation"}),
        (
            "pic of the waitress at starbucks, took it on the low",
            {"covert_capture", "identifies_person"},
        ),
        (
            "j'ai mis la tête de ma prof sur un corps nu avec l'IA",
            {"deepfake", "identifies_person"},
        ),
    ],
)
def test_holdout36_round_fires(text: str, expected: set[str]) -> None:
    assert expected <= kinds_of(text)


@pytest.mark.parametrize(
    "text",
    [
        "ki a d foto d la soirée ? g rien capté",
        "photo prise en cachette de mon pote qui dort en cours mdr",
        "u got any stickers? i'll trade u mine",
        "il était torse nu à la plage, coup de soleil garanti",
    ],
)
def test_holdout36_round_stays_quiet(text: str) -> None:
    assert kinds_of(text) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("compte expose de la fac ouvert, envoyez vos photos d'ex", {"solicitation"}),
        (
            "hmu for the saved snaps of my ex, she thinks they're gone",
            {"covert_capture", "solicitation"},
        ),
        ("j'ai mis ses photos intimes en ligne, le lien est dans ma bio", {"solicitation"}),
        ("leakez vos ex ici les gars", {"solicitation"}),
        ("les nudes de ma voisine arrivent ce soir", {"solicitation", "identifies_person"}),
        ("im leaking everything she sent me, my ex", {"solicitation", "identifies_person"}),
        ("got my cousin's OF leaks, dropping them tonight", {"solicitation", "identifies_person"}),
    ],
)
def test_holdout37_round_fires(text: str, expected: set[str]) -> None:
    assert expected <= kinds_of(text)


@pytest.mark.parametrize(
    "text",
    [
        "on expose nos dessins au CDI, venez voir",
        "she thinks the files were deleted but IT saved the backup, phew",
        "le lien est dans ma bio pour le tournoi de ce soir",
        "les photos de la kermesse arrivent ce soir",
    ],
)
def test_holdout37_round_stays_quiet(text: str) -> None:
    assert kinds_of(text) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("vérification : envoie 2 photos d'une meuf que tu connais en mp", {"solicitation"}),
        ("to unlock the VIP channel drop pics of a girl you know irl", {"solicitation"}),
        ("rôle débloqué après 5 tofs de tes cousines", {"solicitation"}),
        ("pour devenir modo faut avoir posté une photo scred d'une meuf", {"solicitation"}),
        ("nouvelle demande — cible : Julie, 22 ans, Lille", {"solicitation"}),
        ("battle des copines ce soir, votez 🔥", {"solicitation"}),
        ("chaque membre poste la sienne, la plus bonne gagne", {"identifies_person"}),
        ("on cherche des gens avec accès à des comptes privés de meufs, mp", {"solicitation"}),
    ],
)
def test_holdout38_round_fires(text: str, expected: set[str]) -> None:
    assert expected <= kinds_of(text)


@pytest.mark.parametrize(
    "text",
    [
        "vérification : envoie une photo de ton chat en mp",
        "rôle débloqué après 5 dessins postés",
        "battle des chefs ce soir au resto, votez",
        "envoyez les photos de vos cousines au mariage, on fait un album",
        "la cible du raid ce soir c'est le boss final",
    ],
)
def test_holdout38_round_stays_quiet(text: str) -> None:
    assert kinds_of(text) == set()
