"""The message model: training (exact, reproducible), the shipped file, how message_signals
reads it (the gate, the silencers, the explanation), and hostile model files."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from rempart.bench.intel import corpus_files, evaluate_held_out, evaluate_messages, labelled_rows
from rempart.errors import ConfigError
from rempart.intel.messages import KINDS, message_signals, reading_view
from rempart.intel.model import (
    MODEL_ALONE_FROM,
    REPORT_FROM,
    MessageModel,
    char_grams,
    shipped_model,
    text_digest,
    use_model,
)
from rempart.intel.training import REGULARISATION_C, _newton, corpus_rows, train

CORPUS = Path(__file__).resolve().parents[2] / "bench" / "intel"


def _one_word_model(word: str, probabilities: dict[str, float]) -> MessageModel:
    """A model that knows one word: a message holding it gets exactly ``probabilities`` (its
    only feature has the value 1 once scaled), any other the bias alone (almost 0)."""
    weights = np.zeros((1, len(KINDS)))
    bias = np.full(len(KINDS), -12.0)
    for k, kind in enumerate(KINDS):
        p = probabilities.get(kind, 0.0)
        logit = np.log(p / (1 - p)) if p else -12.0
        weights[0, k] = logit - bias[k]
    return MessageModel(KINDS, [], [word], np.ones(1), weights, bias, np.zeros(0, dtype=np.uint64))


def test_the_shipped_model_is_what_training_on_the_corpus_gives() -> None:
    shipped = shipped_model()
    assert shipped is not None
    retrained = train(corpus_rows(CORPUS), KINDS)
    assert retrained.char_vocabulary == shipped.char_vocabulary
    assert retrained.word_vocabulary == shipped.word_vocabulary
    texts = [text for text, _ in corpus_rows(CORPUS)]
    for text in texts[::7]:
        view = reading_view(text)
        assert np.allclose(shipped.probabilities(view), retrained.probabilities(view), atol=1e-3)
    assert all(shipped.has_seen(text_digest(text)) for text in texts)


def test_newton_reaches_the_optimum_of_the_regularised_loss() -> None:
    rng = np.random.default_rng(3)
    features = rng.normal(size=(60, 8))
    labels = np.where(features[:, 0] + 0.5 * rng.normal(size=60) > 0, 1.0, -1.0)
    kernel = features @ features.T + 1
    alpha = _newton(kernel, labels)
    margins = kernel @ alpha
    positives = (labels > 0).sum()
    balance = np.where(labels > 0, 60 / (2 * positives), 60 / (2 * (60 - positives)))
    towards = 1 / (1 + np.exp(labels * margins))
    # the gradient K·(α − C·s·y·σ(−y·m)) vanishes at the optimum
    assert np.abs(kernel @ (alpha - REGULARISATION_C * balance * labels * towards)).max() < 1e-6
    assert (np.sign(margins) == labels).mean() > 0.8


def test_a_kind_without_positives_gets_no_weight() -> None:
    rows = [("photo de ma voisine", set()), ("gg wp", set()), ("photo du chat", set())]
    model = train(rows * 2, KINDS)
    assert not model.weights.any()


def test_character_ngrams_carry_a_word_to_spellings_never_seen() -> None:
    rows = [
        (f"{ask} les nudes de {who}", {"solicitation"})
        for ask in ("qui a", "envoyez", "quelqu un a")
        for who in ("ma voisine", "ta cousine", "sa soeur", "la prof")
    ] + [
        (f"{ask} les photos de {what}", set())
        for ask in ("qui a", "envoyez", "quelqu un a")
        for what in ("la soiree", "ton chat", "la rando", "du match")
    ]
    model = train(rows, KINDS)
    solicitation = KINDS.index("solicitation")
    unseen = model.probabilities(reading_view("dispo les nudez de ma pote"))[solicitation]
    ordinary = model.probabilities(reading_view("dispo les photos de la fete"))[solicitation]
    assert unseen > 0.5 > ordinary


def test_the_model_adds_kinds_where_the_rules_found_one_and_says_why() -> None:
    model = _one_word_model("zorglub", {"solicitation": 0.9, "covert_capture": 0.7})
    with use_model(model):
        found = {s.kind: s for s in message_signals("qui veut un trib sur ma cousine zorglub")}
    assert found["covert_capture"].score == 0.7
    (evidence,) = found["covert_capture"].evidence
    assert evidence.rule == "model" and evidence.phrase == "zorglub"
    assert "modèle" in evidence.as_dict("fr")["why"]
    assert "model" in evidence.as_dict("en")["why"]
    # the rules' own kinds keep the rules' evidence
    assert all(e.rule != "model" for e in found["solicitation"].evidence)


def test_on_its_own_the_model_needs_a_solicitation_at_the_higher_threshold() -> None:
    assert REPORT_FROM < MODEL_ALONE_FROM
    text = "zorglub, photo d'elle"  # a picture word lets it through the trigger automaton
    with use_model(None):
        assert message_signals(text) == []
    below = (REPORT_FROM + MODEL_ALONE_FROM) / 2
    with use_model(_one_word_model("zorglub", {"solicitation": below, "covert_capture": 0.9})):
        assert message_signals(text) == []
    with use_model(_one_word_model("zorglub", {"solicitation": 0.8, "covert_capture": 0.9})):
        assert {s.kind for s in message_signals(text)} == {"solicitation", "covert_capture"}
        # on its own, only about a woman, in sexual words or a tribute: not about cats
        assert message_signals("zorglub, photo de ton chat") == []


def test_the_models_solicitation_on_its_own_lets_the_target_rules_read_who_she_is() -> None:
    text = "zorglub: girls from Westfield High, all 10th grade, link in bio"
    with use_model(None):  # nothing sexual, no picture taken: the rules alone find nothing
        assert message_signals(text) == []
    with use_model(_one_word_model("zorglub", {"solicitation": 0.8})):
        found = {s.kind: s for s in message_signals(text)}
    assert set(found) == {"solicitation", "identifies_person", "minor"}
    assert [e.rule for e in found["solicitation"].evidence] == ["model"]
    assert [e.rule for e in found["minor"].evidence] == ["school_class"]
    assert all(e.rule != "model" for e in found["identifies_person"].evidence)


def test_the_model_says_minor_only_where_an_age_a_class_or_a_child_word_is() -> None:
    model = _one_word_model("zorglub", {"solicitation": 0.9, "minor": 0.9})
    with use_model(model):
        assert "minor" not in {s.kind for s in message_signals("zorglub trib sur ma voisine")}
        assert "minor" in {s.kind for s in message_signals("zorglub trib sur ma voisine de 3e")}


def test_the_model_is_not_asked_without_a_trigger_or_a_content_word() -> None:
    model = _one_word_model("zorglub", dict.fromkeys(KINDS, 0.99))
    with use_model(model):
        assert message_signals("zorglub zorglub") == []  # no trigger stem at all
        assert message_signals("zorglub ma soeur a 15 ans") == []  # no picture, sex or tribute
        assert message_signals("zorglub ma soeur a 15 ans photo") != []


def test_reports_and_homages_silence_the_model_too() -> None:
    model = _one_word_model("zorglub", dict.fromkeys(KINDS, 0.99))
    with use_model(model):
        assert message_signals("le zorglub des photos volées d'elle") != []  # the control
        report = "article : le phénomène zorglub des photos volées d'elle, témoignages"
        assert message_signals(report) == []
        assert "solicitation" in {s.kind for s in message_signals("zorglub, photo d'elle")}
        assert "solicitation" not in {
            s.kind for s in message_signals("hommage zorglub au groupe, photo d'elle")
        }


def test_the_model_reads_the_message_without_its_negated_phrases() -> None:
    model = _one_word_model("mineurs", {"solicitation": 0.99})
    with use_model(model):
        assert message_signals("des mineurs, photo d'elle") != []  # the control
        assert message_signals("pas de mineurs, photo d'elle") == []


def test_a_model_file_holding_objects_or_broken_is_refused(tmp_path: Path) -> None:
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, kinds=np.array([{"x": 1}], dtype=object))
    with pytest.raises(ConfigError):
        MessageModel.load(pickled)
    truncated = tmp_path / "truncated.npz"
    source = shipped_model()
    assert source is not None
    source.save(truncated)
    truncated.write_bytes(truncated.read_bytes()[:500])
    with pytest.raises(ConfigError):
        MessageModel.load(truncated)
    disagreeing = tmp_path / "disagreeing.npz"
    MessageModel(
        KINDS, ["ab"], ["x"], np.ones(2), np.zeros((3, 5)), np.zeros(5), np.zeros(0, np.uint64)
    ).save(disagreeing)
    with pytest.raises(ConfigError):
        MessageModel.load(disagreeing)
    with pytest.raises(ConfigError):
        MessageModel.load(tmp_path / "absent.npz")


def test_a_saved_model_reads_back_the_same(tmp_path: Path) -> None:
    model = train(corpus_rows(CORPUS)[:300], KINDS)
    model.save(tmp_path / "m.npz")
    again = MessageModel.load(tmp_path / "m.npz")
    view = reading_view("qui veut les nudes de ma cousine")
    assert np.allclose(model.probabilities(view), again.probabilities(view), atol=1e-4)


def test_the_held_out_figures_come_from_a_model_that_never_saw_the_file(tmp_path: Path) -> None:
    for name in ("holdout.jsonl", "holdout2.jsonl"):
        shutil.copy(CORPUS / name, tmp_path / name)
    results = evaluate_held_out(corpus_files(tmp_path))
    assert set(results) == {"holdout.jsonl", "holdout2.jsonl"}
    for name, result in results.items():
        assert result["model_trained_on"] == 0.0, name
        assert result["messages"] == len(labelled_rows(tmp_path / name))


def test_a_folder_of_one_seen_file_is_held_out_with_the_rules_alone(tmp_path: Path) -> None:
    shutil.copy(CORPUS / "holdout.jsonl", tmp_path / "holdout.jsonl")
    (result,) = evaluate_held_out(corpus_files(tmp_path)).values()
    with use_model(None):
        rules_alone = evaluate_messages(tmp_path / "holdout.jsonl")
    assert result["kinds"] == rules_alone["kinds"]


def test_character_ngrams_are_the_padded_word_cut_two_to_five() -> None:
    assert char_grams("ab") == [" a", "ab", "b ", " ab", "ab ", " ab "]
    assert len(char_grams("cousine")) == 8 + 7 + 6 + 5


def test_a_swapped_model_stays_in_its_own_thread() -> None:
    import threading

    from rempart.intel.model import active_model

    seen: list[MessageModel | None] = []
    with use_model(None):
        assert active_model() is None
        worker = threading.Thread(target=lambda: seen.append(active_model()))
        worker.start()
        worker.join()
    assert seen == [shipped_model()] and seen[0] is not None
    assert active_model() is shipped_model()


def test_training_on_nothing_is_refused() -> None:
    with pytest.raises(ValueError):
        train([], KINDS)
