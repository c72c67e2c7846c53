"""The statistical second reader of message signals: a logistic regression per kind over
character and word n-grams of the folded message, trained on the labelled corpus
(``bench/intel``) by ``rempart.intel.training`` and shipped as ``message_model.npz``.

Why it exists: the hand-written rules (``rempart.intel.rules``) are precise but each new voice
brings phrasing they have not seen; n-grams of parts of words ("nud", "cousin", "scred") carry
over to spellings and turns of phrase no rule names. ``rempart.intel.messages`` asks it only about
messages the trigger automaton lets through, never against a reporting or prevention text, and
takes its kinds only when the rules found something in the message or the model itself reads a
solicitation (on its own it would flag everyday talk of sisters and girlfriends).

Every hit it makes is explained like a rule's: the rule ``model`` and the words of the message
that weighed most towards that kind. The file holds arrays only (loaded without pickle).
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from contextvars import ContextVar, Token
from functools import cache
from pathlib import Path

import numpy as np
from numba import njit

from rempart.errors import ConfigError
from rempart.intel.rules import Rule

#: The model shipped with the package.
MODEL_FILE = Path(__file__).with_name("message_model.npz")
#: Character n-grams of each word (padded with a space each side) from this length to the next.
CHAR_NGRAMS = (2, 5)
#: A kind is the model's from this probability up, where the rules found something in the
#: message; with nothing from the rules, a solicitation needs ``MODEL_ALONE_FROM`` (both chosen
#: on the sets scored in the order they were written, each by a model trained on the earlier
#: ones: ``bench/intel_first_look.py``, ``docs/benchmarks.md``).
REPORT_FROM = 0.65
MODEL_ALONE_FROM = 0.75
#: How many words are quoted as the evidence of a hit.
EVIDENCE_WORDS = 3

_TOKEN_CACHE = 50_000
_NO_INDEX = np.zeros(0, dtype=np.int64)
_NO_VALUE = np.zeros(0)

MODEL_RULE = Rule(
    name="model",
    kind="",
    pattern=re.compile(r"(?!)"),
    weight=0.0,
    needs=(),
    en="a statistical model trained on the labelled corpus; these words weighed most",
    fr="un modèle statistique entraîné sur le corpus annoté ; ces mots ont le plus pesé",
)


def char_grams(token: str) -> list[str]:
    """The character n-grams of one word, padded with a space each side."""
    padded = f" {token} "
    low, high = CHAR_NGRAMS
    return [
        padded[start : start + size]
        for size in range(low, min(high, len(padded)) + 1)
        for start in range(len(padded) - size + 1)
    ]


def word_grams(words: list[str]) -> list[str]:
    """Words and pairs of neighbouring words."""
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


def words_of(view: str) -> list[str]:
    """The words of a folded message (its clause marks ``|`` left out)."""
    return [token for token in view.split() if token != "|"]


class MessageModel:
    """Vocabularies, inverse document frequencies and one weight vector per kind."""

    def __init__(
        self,
        kinds: tuple[str, ...],
        char_vocabulary: list[str],
        word_vocabulary: list[str],
        idf: np.ndarray,
        weights: np.ndarray,
        bias: np.ndarray,
        corpus_digests: np.ndarray,
    ) -> None:
        self.kinds = kinds
        self.char_vocabulary = {g: i for i, g in enumerate(char_vocabulary)}
        offset = self._words_from = len(char_vocabulary)
        self.word_vocabulary = {g: offset + i for i, g in enumerate(word_vocabulary)}
        self.idf = idf
        self.weights = weights
        self.bias = bias
        #: Digests of the training texts: which messages the model has seen.
        self.corpus_digests = corpus_digests
        self._seen = frozenset(int(d) for d in corpus_digests)
        self._token_cache: dict[str, np.ndarray] = {}
        self._weight_cache: dict[str, np.ndarray] = {}

    # -- features ---------------------------------------------------------------------------
    def _token_grams(self, token: str) -> np.ndarray:
        """The vocabulary indices of a word's character n-grams and of the word itself (kept:
        words recur)."""
        found = self._token_cache.get(token)
        if found is None:
            vocabulary = self.char_vocabulary
            indices = [vocabulary[g] for g in char_grams(token) if g in vocabulary]
            if token in self.word_vocabulary:
                indices.append(self.word_vocabulary[token])
            found = np.array(indices, dtype=np.int64)
            if len(self._token_cache) >= _TOKEN_CACHE:
                self._token_cache.clear()
            self._token_cache[token] = found
        return found

    def _indices(self, view: str) -> np.ndarray:
        """Every n-gram of the message in the vocabulary, as indices (repeats kept)."""
        vocabulary = self.word_vocabulary
        words = words_of(view)
        parts = [self._token_grams(token) for token in words]
        pairs = [
            vocabulary[pair]
            for pair in map(" ".join, zip(words, words[1:], strict=False))
            if pair in vocabulary
        ]
        if pairs:
            parts.append(np.array(pairs, dtype=np.int64))
        return np.concatenate(parts) if parts else _NO_INDEX

    def vector(self, view: str) -> tuple[np.ndarray, np.ndarray]:
        """The message's feature vector as (indices, values), ``view`` being its folded form:
        each block (character n-grams, then words) TF-IDF with log term frequency, of unit
        length."""
        return _tf_idf(np.sort(self._indices(view)), self.idf, self._words_from)

    def probabilities(self, view: str) -> np.ndarray:
        """P(kind) for each of ``kinds``."""
        return _probabilities(
            np.sort(self._indices(view)), self.idf, self._words_from, self.weights, self.bias
        )

    def read(self, view: str, threshold: float = REPORT_FROM) -> dict[str, float]:
        """The kinds whose probability is at or over ``threshold``, with it (rounded)."""
        probabilities = self.probabilities(view)
        return {
            kind: round(float(probabilities[k]), 2)
            for k, kind in enumerate(self.kinds)
            if probabilities[k] >= threshold
        }

    def heaviest(self, view: str, kind: str) -> tuple[str, ...]:
        """The words of ``view`` that weigh most towards ``kind``, in text order: each word by
        its own n-grams' IDF-weighted weights (the message's scaling is the same for all its
        words, so it does not change the order)."""
        column = self.kinds.index(kind)
        tokens = dict.fromkeys(words_of(view))
        weight_of = {token: self._token_weight(token)[column] for token in tokens}
        best = sorted((w for w in weight_of.items() if w[1] > 0), key=lambda w: -w[1])
        chosen = {token for token, _ in best[:EVIDENCE_WORDS]}
        return tuple(token for token in tokens if token in chosen)

    def _token_weight(self, token: str) -> np.ndarray:
        """How much a word's n-grams (its characters', and itself) weigh towards each kind."""
        found = self._weight_cache.get(token)
        if found is None:
            grams = self._token_grams(token)
            found = self.idf[grams] @ self.weights[grams]
            if len(self._weight_cache) >= _TOKEN_CACHE:
                self._weight_cache.clear()
            self._weight_cache[token] = found
        return found

    def has_seen(self, digest: int) -> bool:
        return digest in self._seen

    # -- files ------------------------------------------------------------------------------
    def save(self, path: Path) -> None:
        chars = sorted(self.char_vocabulary, key=self.char_vocabulary.__getitem__)
        words = sorted(self.word_vocabulary, key=self.word_vocabulary.__getitem__)
        with path.open("wb") as out:
            np.savez_compressed(
                out,
                kinds=np.array(self.kinds),
                char_vocabulary=np.array(chars),
                word_vocabulary=np.array(words),
                idf=self.idf.astype(np.float32),
                weights=self.weights.astype(np.float32),
                bias=self.bias.astype(np.float32),
                corpus_digests=self.corpus_digests.astype(np.uint64),
            )

    @classmethod
    def load(cls, path: Path) -> MessageModel:
        """The model in ``path`` (arrays only: a file holding objects is refused)."""
        try:
            with np.load(path, allow_pickle=False) as arrays:
                model = cls(
                    tuple(str(k) for k in arrays["kinds"]),
                    [str(g) for g in arrays["char_vocabulary"]],
                    [str(g) for g in arrays["word_vocabulary"]],
                    arrays["idf"].astype(np.float64),
                    arrays["weights"].astype(np.float64),
                    arrays["bias"].astype(np.float64),
                    arrays["corpus_digests"].astype(np.uint64),
                )
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
            raise ConfigError(f"{path}: not a message model ({error})") from error
        columns = len(model.char_vocabulary) + len(model.word_vocabulary)
        if model.weights.shape != (columns, len(model.kinds)) or model.idf.shape != (columns,):
            raise ConfigError(f"{path}: not a message model (its arrays do not agree)")
        if model.bias.shape != (len(model.kinds),):
            raise ConfigError(f"{path}: not a message model (its arrays do not agree)")
        return model


@njit(cache=True)
def _tf_idf(ordered: np.ndarray, idf: np.ndarray, words_from: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct indices of sorted ``ordered`` and their values: (1 + log count) · idf, each
    block (indices below ``words_from``, the rest) scaled to unit length."""
    size = len(ordered)
    unique = np.empty(size, dtype=np.int64)
    values = np.empty(size)
    distinct = 0
    start = 0
    while start < size:
        end = start + 1
        while end < size and ordered[end] == ordered[start]:
            end += 1
        unique[distinct] = ordered[start]
        values[distinct] = (1.0 + np.log(end - start)) * idf[ordered[start]]
        distinct += 1
        start = end
    char_norm = 0.0
    word_norm = 0.0
    for i in range(distinct):
        if unique[i] < words_from:
            char_norm += values[i] * values[i]
        else:
            word_norm += values[i] * values[i]
    char_norm, word_norm = np.sqrt(char_norm), np.sqrt(word_norm)
    for i in range(distinct):
        values[i] /= char_norm if unique[i] < words_from else word_norm
    return unique[:distinct], values[:distinct]


@njit(cache=True)
def _probabilities(
    ordered: np.ndarray, idf: np.ndarray, words_from: int, weights: np.ndarray, bias: np.ndarray
) -> np.ndarray:
    """P(kind) for the message whose sorted n-gram indices are ``ordered``."""
    unique, values = _tf_idf(ordered, idf, words_from)
    scores = bias.copy()
    for i in range(len(unique)):
        row = weights[unique[i]]
        for k in range(len(scores)):
            scores[k] += values[i] * row[k]
    return 1.0 / (1.0 + np.exp(-scores))


def text_digest(text: str) -> int:
    """A 63-bit digest of a message's text, to tell which messages a model was trained on."""
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big") >> 1


@cache
def shipped_model() -> MessageModel | None:
    """The model shipped with the package (None when the file is absent)."""
    return MessageModel.load(MODEL_FILE) if MODEL_FILE.is_file() else None


#: The model ``message_signals`` reads, when ``use_model`` swaps it (the held-out benchmark
#: does): per thread and task, so a swap never reaches a request served meanwhile.
_SWAPPED: ContextVar[tuple[MessageModel | None, ...]] = ContextVar("rempart_model", default=())


def active_model() -> MessageModel | None:
    swapped = _SWAPPED.get()
    return swapped[-1] if swapped else shipped_model()


class use_model:  # noqa: N801 - used as ``with use_model(m):``
    """Within the block, ``message_signals`` reads ``model`` (None: no model, rules only)."""

    def __init__(self, model: MessageModel | None) -> None:
        self.model = model
        self._tokens: list[Token[tuple[MessageModel | None, ...]]] = []

    def __enter__(self) -> MessageModel | None:
        self._tokens.append(_SWAPPED.set((*_SWAPPED.get(), self.model)))
        return self.model

    def __exit__(self, *exc: object) -> None:
        _SWAPPED.reset(self._tokens.pop())
