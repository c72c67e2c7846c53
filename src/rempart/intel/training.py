"""Training the message model (``rempart.intel.model``) from labelled messages.

One L2-regularised logistic regression per kind, classes weighted to balance (a kind has far
fewer positives than negatives), solved exactly by Newton's method in the space of the training
messages (a few hundred to a few thousand of them, against tens of thousands of n-grams): the
weights are a combination of the messages' feature vectors, so each step solves an n-by-n system.
numpy only, deterministic; ``rempart intel train`` writes the shipped file, and the held-out
benchmark retrains without the file it scores.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from rempart.intel.corpus import corpus_files, labelled_rows
from rempart.intel.messages import reading_view
from rempart.intel.model import (
    MessageModel,
    char_grams,
    text_digest,
    word_grams,
    words_of,
)

#: Inverse regularisation strength (as scikit-learn's ``C``).
REGULARISATION_C = 4.0
#: An n-gram enters the vocabulary once it is in this many training messages.
MIN_MESSAGES = 2
_NEWTON_STEPS = 60
_FEATURE_CHUNK = 4096


def _document_frequency(grams_per_message: Iterable[set[str]]) -> Counter[str]:
    """In how many messages each n-gram is."""
    counts: Counter[str] = Counter()
    for grams in grams_per_message:
        counts.update(grams)
    return counts


def train(rows: Sequence[tuple[str, set[str]]], kinds: Sequence[str]) -> MessageModel:
    """A model of ``kinds`` from ``rows`` of (text, kinds it shows)."""
    if not rows:
        raise ValueError("no labelled messages to train on")
    views = [reading_view(text) for text, _ in rows]
    char_counts = _document_frequency(
        {g for token in words_of(view) for g in char_grams(token)} for view in views
    )
    word_counts = _document_frequency(set(word_grams(words_of(view))) for view in views)
    char_vocabulary = sorted(g for g, n in char_counts.items() if n >= MIN_MESSAGES)
    word_vocabulary = sorted(g for g, n in word_counts.items() if n >= MIN_MESSAGES)
    columns = len(char_vocabulary) + len(word_vocabulary)
    frequency = np.array(
        [char_counts[g] for g in char_vocabulary] + [word_counts[g] for g in word_vocabulary],
        dtype=np.float64,
    )
    idf = np.log((1 + len(views)) / (1 + frequency)) + 1
    blank = MessageModel(
        tuple(kinds),
        char_vocabulary,
        word_vocabulary,
        idf,
        np.zeros((columns, len(kinds))),
        np.zeros(len(kinds)),
        np.zeros(0, dtype=np.uint64),
    )
    vectors = [blank.vector(view) for view in views]
    row_of = np.concatenate(
        [np.full(len(index), i, dtype=np.int64) for i, (index, _) in enumerate(vectors)]
    )
    column_of = np.concatenate([index for index, _ in vectors])
    value_of = np.concatenate([value for _, value in vectors])
    kernel = _gram_matrix(row_of, column_of, value_of, len(views), columns)
    weights = np.zeros((columns, len(kinds)))
    bias = np.zeros(len(kinds))
    for k, kind in enumerate(kinds):
        labels = np.array([1.0 if kind in wanted else -1.0 for _, wanted in rows])
        coefficients = _newton(kernel, labels)
        weights[:, k] = np.bincount(
            column_of, weights=value_of * coefficients[row_of], minlength=columns
        )
        bias[k] = coefficients.sum()  # the constant feature of every message
    digests = np.array(sorted({text_digest(text) for text, _ in rows}), dtype=np.uint64)
    return MessageModel(tuple(kinds), char_vocabulary, word_vocabulary, idf, weights, bias, digests)


def _gram_matrix(
    rows: np.ndarray, columns: np.ndarray, values: np.ndarray, messages: int, width: int
) -> np.ndarray:
    """X·Xᵀ + 1 (the 1: a constant feature standing for the bias), built a block of columns at
    a time so that X is never dense whole."""
    gram = np.ones((messages, messages))
    for start in range(0, width, _FEATURE_CHUNK):
        inside = (columns >= start) & (columns < start + _FEATURE_CHUNK)
        block = np.zeros((messages, _FEATURE_CHUNK))
        block[rows[inside], columns[inside] - start] = values[inside]
        gram += block @ block.T
    return gram


def _newton(gram: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """The coefficients α (weights = Xᵀα) minimising ½αᵀKα + C·Σ sᵢ·log(1 + exp(−yᵢ(Kα)ᵢ)), sᵢ
    balancing the classes."""
    positives = float((labels > 0).sum())
    count = len(labels)
    if positives in (0.0, float(count)):
        return np.zeros(count)
    balance = np.where(labels > 0, count / (2 * positives), count / (2 * (count - positives)))
    scale = REGULARISATION_C * balance

    def objective(alpha: np.ndarray) -> tuple[float, np.ndarray]:
        margins = gram @ alpha
        loss = np.logaddexp(0.0, -labels * margins)
        return float(0.5 * alpha @ margins + scale @ loss), margins

    alpha = np.zeros(count)
    value, margins = objective(alpha)
    for _ in range(_NEWTON_STEPS):
        towards = 1.0 / (1.0 + np.exp(labels * margins))  # σ(−y·m)
        residual = alpha - scale * labels * towards  # the gradient is K·residual
        curvature = scale * towards * (1.0 - towards)
        step = np.linalg.solve(np.eye(count) + curvature[:, None] * gram, residual)
        size = 1.0
        while size > 1e-6:
            candidate = alpha - size * step
            candidate_value, candidate_margins = objective(candidate)
            if candidate_value <= value:
                break
            size /= 2
        else:
            break
        improvement = value - candidate_value
        alpha, value, margins = candidate, candidate_value, candidate_margins
        if improvement <= 1e-9 * max(1.0, abs(value)):
            break
    return alpha


def corpus_rows(folder: Path) -> list[tuple[str, set[str]]]:
    """Every labelled message of the corpus folder (the files ``rempart bench intel`` reads)."""
    return [row for path in corpus_files(folder) for row in labelled_rows(path)]
