"""Read hash-bank files as StopNCII, HMA and python-threatexchange tools write them.

Accepted: CSV with a header naming the hash column (``pdq``, ``hash``, ``signal``, ``signal_value``,
``value``…) and optionally a type column (``signal_type``) and an id column; headerless CSV/TXT of
``hex`` or ``hex,id`` or ``pdq hex`` lines; JSON (a list of hex strings or of objects, or an object
mapping signal type to a list); JSON lines of objects. PDQ and video MD5 values load (StopNCII
banks videos by MD5), and vPDQ values (python-threatexchange's ``VPDQSignal`` form, a JSON list of
frame strings) load as videos; other signal types (tmk, url…) are counted and skipped; a
malformed value rejects the whole file with its line number.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rempart.errors import ImportFormatError, SignalError
from rempart.signals import vpdq
from rempart.signals.fingerprint import SignalValue, parse_quality
from rempart.signals.registry import signal_for_bank_file

_VALUE_KEYS = (
    "pdq",
    "signal_value",
    "signal_str",
    "hash_value",
    "hash",
    "signal",
    "value",
    "pdq_hash",
)
_TYPE_KEYS = ("signal_type", "hash_type", "type")
_ID_KEYS = ("id", "content_id", "external_id", "label", "hash_id", "case_id")
#: Type names of signals Rempart does not hold (yet), counted as skipped when a row starts with one.
_OTHER_TYPE_NAMES = frozenset({"tmk", "url"})
MAX_BANK_FILE_BYTES = 512 * 1024 * 1024


@dataclass
class BankFile:
    """The PDQ and video MD5 values of a bank file, its vPDQ videos, with what was skipped."""

    values: list[tuple[str | None, SignalValue]] = field(default_factory=list)
    #: (external id, vPDQ value) of each video.
    videos: list[tuple[str | None, str]] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)


def _pick(record: dict[str, Any], keys: tuple[str, ...]) -> Any:
    lowered = {str(k).strip().lower(): v for k, v in record.items()}
    for key in keys:
        if key in lowered and lowered[key] not in (None, ""):
            return lowered[key]
    return None


def _add(
    result: BankFile,
    where: str,
    value: Any,
    signal_type: Any,
    external_id: Any,
    quality: Any = None,
) -> None:
    kind = str(signal_type or "pdq").strip().lower()
    external = None if external_id in (None, "") else str(external_id)
    if kind == "vpdq":
        text = value if isinstance(value, str) else json.dumps(value)
        try:
            vpdq.parse(text)
        except SignalError as exc:
            raise ImportFormatError(f"{where}: {exc}") from exc
        result.videos.append((external, text))
        return
    signal = signal_for_bank_file(kind)
    if signal is None:
        result.skipped[kind] = result.skipped.get(kind, 0) + 1
        return
    try:
        canonical = signal.validate(str(value))
    except SignalError as exc:
        raise ImportFormatError(f"{where}: {exc}") from exc
    q = parse_quality(quality) if quality not in (None, "") and not signal.exact else None
    result.values.append((external, SignalValue(signal.name, canonical, q)))


def _from_record(result: BankFile, where: str, record: Any) -> None:
    if isinstance(record, str):
        _add(result, where, record, "pdq", None)
    elif isinstance(record, dict):
        value = _pick(record, _VALUE_KEYS)
        if value is None:
            raise ImportFormatError(
                f"{where}: no hash field (expected one of {', '.join(_VALUE_KEYS)})"
            )
        _add(
            result,
            where,
            value,
            _pick(record, _TYPE_KEYS),
            _pick(record, _ID_KEYS),
            _pick(record, ("quality",)),
        )
    else:
        raise ImportFormatError(f"{where}: expected a hash string or an object")


def parse_bank_text(text: str, name: str = "input") -> BankFile:
    """Parse the content of a bank file (ImportFormatError for anything that is not one)."""
    try:
        return _parse_text(text, name)
    except (
        csv.Error,
        RecursionError,
        ValueError,
        TypeError,
    ) as exc:  # malformed CSV, absurdly nested JSON, bad numbers
        raise ImportFormatError(
            f"{name}: not a bank file ({type(exc).__name__}: {str(exc)[:100]})"
        ) from exc


def _parse_text(text: str, name: str) -> BankFile:
    result = BankFile()
    stripped = text.lstrip("\ufeff").strip()
    if not stripped:
        raise ImportFormatError(f"{name}: empty file")
    if stripped[0] in "[{":
        try:
            document = json.loads(stripped)
        except json.JSONDecodeError:
            document = None
        if isinstance(document, list):
            for i, record in enumerate(document):
                _from_record(result, f"{name}: item {i + 1}", record)
            return result
        if isinstance(document, dict):
            if any(k.lower() in _VALUE_KEYS for k in document) and not isinstance(
                _pick(document, _VALUE_KEYS), list
            ):
                _from_record(result, f"{name}: object", document)
            else:
                for signal_type, items in document.items():
                    if not isinstance(items, list):
                        raise ImportFormatError(
                            f"{name}: {str(signal_type)[:40]!r} should map to a list of hashes"
                        )
                    for i, item in enumerate(items):
                        if isinstance(item, dict):
                            item = {"signal_type": signal_type, **item}
                            _from_record(result, f"{name}: {signal_type}[{i}]", item)
                        else:
                            _add(result, f"{name}: {signal_type}[{i}]", item, signal_type, None)
            return result
        for number, line in enumerate(stripped.splitlines(), start=1):  # JSON lines
            if line.strip():
                try:
                    _from_record(result, f"{name}: line {number}", json.loads(line))
                except json.JSONDecodeError as exc:
                    raise ImportFormatError(f"{name}: line {number}: not JSON ({exc.msg})") from exc
        return result
    return _parse_delimited(result, stripped, name)


def _parse_delimited(result: BankFile, text: str, name: str) -> BankFile:
    lines = text.splitlines()
    first = [c.strip().lower() for c in next(csv.reader([lines[0]]))]
    if _is_header(first):
        reader = csv.DictReader(io.StringIO(text))
        for number, record in enumerate(reader, start=2):
            _from_record(result, f"{name}: line {number}", record)
        return result
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = [p.strip() for p in (line.split(",") if "," in line else line.split())]
        if len(parts) >= 2 and (
            signal_for_bank_file(parts[0]) is not None or parts[0].lower() in _OTHER_TYPE_NAMES
        ):
            _add(
                result,
                f"{name}: line {number}",
                parts[1],
                parts[0],
                parts[2] if len(parts) > 2 else None,
            )
        else:
            _add(
                result,
                f"{name}: line {number}",
                parts[0],
                "pdq",
                parts[1] if len(parts) > 1 else None,
            )
    return result


def _is_header(cells: list[str]) -> bool:
    """A first row names columns: it has a hash column name and is not a ``pdq,<value>`` data
    row."""
    known = set(_VALUE_KEYS) | set(_TYPE_KEYS) | set(_ID_KEYS) | {"quality"}
    typed_row = (
        len(cells) >= 2 and signal_for_bank_file(cells[0]) is not None and cells[1] not in known
    )
    return any(c in _VALUE_KEYS for c in cells) and not typed_row


def read_bank_file(path: Path) -> BankFile:
    """Read and parse a bank file from disk."""
    try:
        size = path.stat().st_size
        if size > MAX_BANK_FILE_BYTES:
            raise ImportFormatError(
                f"{path}: {size} bytes is over the {MAX_BANK_FILE_BYTES}-byte bank file limit"
            )
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ImportFormatError(f"{path}: not UTF-8 text") from exc
    except OSError as exc:
        raise ImportFormatError(f"{path}: cannot read ({exc.strerror})") from exc
    parsed = parse_bank_text(text, path.name)
    if not parsed.values and not parsed.videos and not parsed.skipped:
        raise ImportFormatError(f"{path}: no hashes found")
    return parsed
