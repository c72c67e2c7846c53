"""`rempart bench robustness DIR`: per-family recall and false matches on a copy-detection set.

DIR holds ``originals/*`` (registered through the victim's path: ``fingerprint_file(register=True)``
into a fresh bank in a temporary store) and ``manifest.jsonl`` rows ``{"query", "original",
"family", "transform"}`` (``original`` null for distractors). Each query goes through the same
fingerprint + ``Matcher`` code as ``rempart match``, with default settings. The anchor is a
reimplementation (here, not python-threatexchange's code) of plain PDQ matching as StopNCII/HMA
use it — full decode, 8 dihedral hashes registered, distance ≤ 31, quality ≥ 50, any video frame
(1 fps) — that reproduces the set's published anchor figures; it is scored in the same run on
the same files.

Metric (the set's README): recall of a family = share of its queries whose matches include the
right original; false = queries matched to a wrong original plus distractors matched to anything.

Three families are added in code to every set: each original re-saved as a GIF
(``format_gif``, 256-colour palette), a PNG-8 (``format_png8``) and a 16-bit grey PNG
(``format_png16``), enlarged so the short side is at least 1,024 pixels — everyday formats on
Discord, which must match like the JPEG.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from rempart.bot.policy import confident
from rempart.errors import ImportFormatError, MediaError
from rempart.index.matcher import Matcher
from rempart.settings import Settings
from rempart.signals.fingerprint import Fingerprint, fingerprint_file
from rempart.store import Consent, Store
from rempart.store.values import Match

Log = Callable[[str], None]
BANK = "robustness"


@dataclass(frozen=True)
class Query:
    path: Path
    original: str | None
    family: str


@dataclass
class FamilyScore:
    n: int = 0
    hits: int = 0
    false: int = 0

    def add(self, original: str | None, matched: set[str]) -> None:
        self.n += 1
        if original is not None and original in matched:
            self.hits += 1
        if matched - ({original} if original else set()):
            self.false += 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "recall": round(self.hits / self.n, 4) if self.n else 0.0,
            "false": self.false,
        }


@dataclass
class Scores:
    families: dict[str, FamilyScore] = field(default_factory=dict)

    def add(self, query: Query, matched: set[str]) -> None:
        self.families.setdefault(query.family, FamilyScore()).add(query.original, matched)

    def as_dict(self) -> dict[str, dict[str, Any]]:
        return {name: score.as_dict() for name, score in sorted(self.families.items())}


def read_manifest(directory: Path) -> list[Query]:
    """Parse DIR/manifest.jsonl; query paths must stay inside DIR."""
    root = directory.resolve()
    queries = []
    try:
        lines = (directory / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ImportFormatError(
            f"{directory}: no readable manifest.jsonl ({exc.strerror})"
        ) from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            path = (root / str(row["query"])).resolve()
            original = row.get("original")
            family = str(row.get("family") or ("distractor" if original is None else "unknown"))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ImportFormatError(f"manifest.jsonl line {number}: {exc}") from exc
        if not path.is_relative_to(root):
            raise ImportFormatError(f"manifest.jsonl line {number}: query path leaves {directory}")
        queries.append(Query(path, None if original is None else str(original), family))
    return queries


def _originals(directory: Path) -> list[Path]:
    folder = directory / "originals"
    if not folder.is_dir():
        raise ImportFormatError(f"{directory}: no originals/ folder")
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


class PlainPDQAnchor:
    """PDQ as StopNCII/HMA use it: full decode, first frame of images, brute force over dihedral
    hashes."""

    def __init__(self, originals: list[Path], settings: Settings) -> None:
        self.settings = settings.model_copy(
            update={
                "jpeg_draft_size": 0,
                "pdq_max_side": 0,
                "max_animation_frames": 1,
                "local_features": False,
                "query_cells": False,
                "video_min_samples": 1,
            }
        )
        codes, labels = [], []
        for path in originals:
            try:
                values = fingerprint_file(path, self.settings, register=True).of_signal("pdq")
            except MediaError:
                continue
            for value in values:
                if not value.is_low_quality(settings.pdq_min_quality):
                    codes.append(np.frombuffer(bytes.fromhex(value.value), dtype=np.uint8))
                    labels.append(path.stem)
        self.bits = (
            np.unpackbits(np.stack(codes), axis=1) if codes else np.zeros((0, 256), np.uint8)
        )
        self.labels = np.array(labels)

    def match(self, path: Path) -> set[str]:
        matched: set[str] = set()
        for value in fingerprint_file(path, self.settings).of_signal("pdq", "video_pdq"):
            if value.is_low_quality(self.settings.pdq_min_quality) or not len(self.labels):
                continue
            query = np.unpackbits(np.frombuffer(bytes.fromhex(value.value), dtype=np.uint8))
            distances = (self.bits != query).sum(axis=1)
            matched.update(self.labels[distances <= self.settings.pdq_threshold].tolist())
        return matched


#: Format families made from the originals: name, format, conversion.
FORMAT_VARIANTS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "format_gif": ("GIF", lambda image: image.convert("RGB")),
    "format_png8": ("PNG", lambda image: image.convert("RGB").quantize(256)),
    "format_png16": ("PNG", lambda image: _grey16(image)),
}
#: Variants are enlarged to this short side at least: large files are reduced before hashing.
FORMAT_SHORT_SIDE = 1024


def _grey16(image: Any) -> Any:
    from PIL import Image

    samples = np.asarray(image.convert("L"), dtype=np.uint16) * 257
    return Image.fromarray(samples)  # uint16 grey: mode I;16, saved as a 16-bit PNG


def format_queries(originals: list[Path], folder: Path) -> list[Query]:
    """GIF, PNG-8 and 16-bit variants of every original, written under ``folder``."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    queries = []
    for path in originals:
        with Image.open(path) as opened:
            image = opened.convert("RGB")
        factor = max(1.0, FORMAT_SHORT_SIDE / min(image.size))
        if factor > 1:
            image = image.resize(
                (round(image.width * factor), round(image.height * factor)),
                Image.Resampling.BICUBIC,
            )
        for family, (fmt, convert) in FORMAT_VARIANTS.items():
            target = folder / f"{path.stem}_{family}.{fmt.lower()}"
            convert(image).save(target, fmt)
            queries.append(Query(target, path.stem, family))
    return queries


@dataclass
class AutoActionScore:
    """How the bot's rule for acting alone (``rempart.bot.policy.confident``) fares: per family,
    the share of queries it would delete without a person, and any it would delete wrongly;
    overall, the closest PDQ distance between a query and a photo it does not show."""

    families: dict[str, list[int]] = field(default_factory=dict)  # [queries, right, wrong]
    closest_wrong_pdq: int = 256

    def add(self, query: Query, confident_stems: set[str]) -> None:
        counts = self.families.setdefault(query.family, [0, 0, 0])
        counts[0] += 1
        counts[1] += bool(query.original and query.original in confident_stems)
        counts[2] += bool(confident_stems - ({query.original} if query.original else set()))

    def as_dict(self, cut: int) -> dict[str, Any]:
        return {
            "auto_delete_at_most": cut,
            "closest_wrong_pdq_distance": self.closest_wrong_pdq,
            "margin_bits": self.closest_wrong_pdq - cut,
            "families": {
                name: {"auto": round(right / n, 4) if n else 0.0, "wrong": wrong}
                for name, (n, right, wrong) in sorted(self.families.items())
            },
        }


def _pdq_bits(fingerprint: Fingerprint) -> list[int]:
    return [int(v.value, 16) for v in fingerprint.values if v.signal in {"pdq", "video_pdq"}]


def _auto_action(
    queries: list[Query],
    seen: dict[Path, tuple[Fingerprint, list[Match]]],
    hashes: dict[str, list[int]],
    settings: Settings,
) -> AutoActionScore:
    """Score the bot's rule for acting alone on every query that was read."""
    auto = AutoActionScore()
    thresholds = {BANK: settings.pdq_threshold}
    for query in queries:
        if query.path not in seen:
            continue
        fingerprint, matches = seen[query.path]
        by_stem: dict[str, list[Match]] = {}
        for match in matches:
            by_stem.setdefault(Path(match.label).stem, []).append(match)
        sure = {
            s
            for s, found in by_stem.items()
            if confident(found, thresholds, settings.bot_delete_margin)
        }
        auto.add(query, sure)
        for value in _pdq_bits(fingerprint):
            for stem, bits in hashes.items():
                if stem != query.original and bits:
                    nearest = min((value ^ b).bit_count() for b in bits)
                    auto.closest_wrong_pdq = min(auto.closest_wrong_pdq, nearest)
    return auto


def _register(
    store: Store, originals: list[Path], settings: Settings, log: Log
) -> dict[str, list[int]]:
    """Register the originals; returns each one's PDQ values (for the closest wrong distance)."""
    store.create_bank(BANK)
    prints = []
    for path in originals:
        try:
            prints.append(fingerprint_file(path, settings, register=True))
        except MediaError as exc:
            log(f"original skipped: {exc}")
    store.add_fingerprints(
        BANK, prints, consent=Consent("benchmark", "rempart bench"), provenance="bench"
    )
    return {Path(p.source).stem: _pdq_bits(p) for p in prints}


def _timed(
    queries: list[Query], match: Callable[[Path], set[str]], log: Log
) -> Iterator[tuple[Query, set[str], float, bool]]:
    for query in queries:
        start = time.perf_counter()
        try:
            matched, ok = match(query.path), True
        except MediaError as exc:
            log(f"unreadable query {query.path.name}: {exc}")
            matched, ok = set(), False
        yield query, matched, time.perf_counter() - start, ok


def run_robustness(directory: Path, log: Log, *, with_anchor: bool = True) -> dict[str, Any]:
    """Score Rempart (and the plain-PDQ anchor) on a benchmark directory."""
    import cv2

    cv2.setNumThreads(1)  # images/s is reported per core
    queries = read_manifest(directory)
    originals = _originals(directory)
    with tempfile.TemporaryDirectory(prefix="rempart-robustness-") as tmp:
        queries += format_queries(originals, Path(tmp) / "formats")
        settings = Settings(data_dir=Path(tmp) / "data")
        store = Store.open(settings)
        try:
            hashes = _register(store, originals, settings, log)
            registered = len(hashes)
            matcher = Matcher(store, settings, [BANK])
            log(f"registered {registered} originals; matching {len(queries)} queries…")

            kinds: dict[Path, str] = {}
            seen: dict[Path, tuple[Fingerprint, list[Match]]] = {}

            def ours(path: Path) -> set[str]:
                fingerprint = fingerprint_file(path, settings)
                kinds[path] = fingerprint.kind
                matches = matcher.match(fingerprint, with_labels=True)
                seen[path] = fingerprint, matches  # for the bot's rule, scored after timing
                return {Path(m.label).stem for m in matches}

            scores, image_seconds, images, unreadable = Scores(), 0.0, 0, 0
            for query, matched, seconds, ok in _timed(queries, ours, log):
                scores.add(query, matched)
                unreadable += not ok
                if (
                    ok and kinds[query.path] != "video"
                ):  # images/s counts still images (read by content)
                    image_seconds += seconds
                    images += 1
        finally:
            store.close()
        auto = _auto_action(queries, seen, hashes, settings)
        report: dict[str, Any] = {
            "rempart": scores.as_dict(),
            "bot_auto_delete": auto.as_dict(settings.pdq_threshold - settings.bot_delete_margin),
            "images_per_second": round(images / image_seconds, 2) if image_seconds else None,
            "unreadable_queries": unreadable,
            "originals": registered,
            "queries": len(queries),
        }
        if with_anchor:
            anchor = PlainPDQAnchor(originals, settings)
            anchor_scores = Scores()
            for query, matched, _seconds, _ok in _timed(queries, anchor.match, log):
                anchor_scores.add(query, matched)
            report["anchor_plain_pdq"] = anchor_scores.as_dict()
    return report
