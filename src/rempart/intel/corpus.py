"""Labelled message files (the corpus under ``bench/intel``, or one written elsewhere): JSON
lines, a JSON list or CSV, each message with the kinds it shows. Read by the benchmark and by
the model's training.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rempart.sources.synthetic_intel import TRUTH_FILE


def corpus_files(folder: Path) -> list[Path]:
    """The labelled message files of a corpus folder, by name."""
    files = sorted(p for p in folder.iterdir() if p.suffix in {".jsonl", ".json", ".csv"})
    return [p for p in files if p.name != TRUTH_FILE]


def labelled_rows(path: Path) -> list[tuple[str, set[str]]]:
    """(text, kinds) of a labelled file: JSON lines or a JSON list of objects (``text``,
    ``message`` or ``content``; ``kinds``, ``labels`` or ``kind``, a list or one string), or CSV
    with ``text`` and ``kinds`` columns (kinds separated by ``;``, ``|`` or ``,``)."""
    raw = path.read_text(encoding="utf-8")
    if path.suffix == ".csv":
        import csv
        import io

        records: list[dict[str, Any]] = list(csv.DictReader(io.StringIO(raw)))
    elif path.suffix == ".json":
        records = list(json.loads(raw))
    else:
        records = [json.loads(line) for line in raw.splitlines() if line.strip()]
    rows = []
    for record in records:
        text = next(str(record[k]) for k in ("text", "message", "content") if k in record)
        labels: Any = next((record[k] for k in ("kinds", "labels", "kind") if k in record), [])
        if isinstance(labels, str):
            labels = [p.strip() for p in labels.replace("|", ";").replace(",", ";").split(";")]
        rows.append((text, {str(label) for label in labels if label}))
    return rows
