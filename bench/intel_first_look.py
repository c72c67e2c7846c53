"""What the message signals would have scored on each held-out set at first look, had the
message model existed: the rules as they were when the set was first scored (rebuilt from git
history) together with a model trained only on the sets written before it, read through the
same gate as ``rempart.intel.messages`` (``taken_from_model``: the model's kinds where the rules
found something; a solicitation on its own in a message about her; the trigger-word and homage
conditions are left out here).

This is the honest estimate for text written elsewhere: neither the rules nor the model had
seen the set. (The labels are today's: eight were aligned with earlier sets after scoring, see
docs/benchmarks.md; the model reads the messages through today's folding, and the gate's "about
a woman" test uses today's vocabulary.)

    .venv/bin/python bench/intel_first_look.py [--json]

Needs the git history (a full clone). Takes about a minute.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from functools import partial
from pathlib import Path

from rempart.bench.intel import labelled_rows
from rempart.intel.messages import KINDS, about_her, reading_view, taken_from_model
from rempart.intel.training import train

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "bench" / "intel"
#: The sets in the order they were written: messages, holdout, then holdoutN by its number
#: (holdout9_everyday is the ninth).
ORDER = tuple(
    sorted(
        (path.stem for path in CORPUS.glob("*.jsonl")),
        key=lambda name: (name != "messages", int(re.sub(r"\D", "", name) or 1)),
    )
)
#: The commit whose rules scored each set at first look (a commit that only added the set, or
#: the parent of one that added it with its fixes). holdout11's first look came between two
#: changes of one commit and cannot be rebuilt; the earliest sets predate the practice.
FIRST_LOOK = {
    "holdout7": "c94ffe5^",
    "holdout8": "7826e91^",
    "holdout10": "4231394^",
    "holdout12": "7437e89^",
    "holdout13": "a391d2a^",
    "holdout14": "3b858c2",
    "holdout15": "2de29fb",
    "holdout16": "ccb476a",
    "holdout17": "5a70e7d",
    "holdout18": "936b115",
    "holdout19": "e8e02fe",
    "holdout20": "c31ec02",  # the first set scored with the model (trained on the 20 before it)
    "holdout21": "072c3be",
    "holdout22": "882739a",
    "holdout23": "bf81192",
    "holdout24": "4246e98",
    "holdout25": "131384e",
    "holdout26": "1aeb32a",
    "holdout27": "20663e3",
    "holdout28": "b2a7d91",
    "holdout29": "b0d1e53",
    "holdout30": "2a5f660",
    "holdout31": "886d3eb",
    "holdout32": "07ceb9f",
    "holdout33": "4042416",
    "holdout34": "351d02b",
    "holdout35": "b4fce02",
    "holdout36": "e505899",
    "holdout37": "324bbdb",
    "holdout38": "d0a477d",
}

_RULES_AT_COMMIT = """
import json, sys
sys.path.insert(0, sys.argv[1])
import contextlib
from rempart.intel.messages import message_signals
try:  # a commit with the model: its rules alone
    from rempart.intel.model import use_model
    rules_only = use_model(None)
except ImportError:
    rules_only = contextlib.nullcontext()
rows = [json.loads(line) for line in open(sys.argv[2], encoding="utf-8") if line.strip()]
with rules_only:
    print(json.dumps([sorted({s.kind for s in message_signals(r["text"])}) for r in rows]))
"""


def rules_at(commit: str, path: Path) -> list[set[str]]:
    """The kinds the rules of ``commit`` find in each message of ``path``."""
    with tempfile.TemporaryDirectory(prefix="rempart-first-look-") as work:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", commit, "src"], check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", work], input=archive, check=True)
        found = subprocess.run(
            [sys.executable, "-c", _RULES_AT_COMMIT, f"{work}/src", str(path)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    return [set(kinds) for kinds in json.loads(found)]


def _tally(totals: dict[str, list[int]], rows: list[tuple[str, set[str]]], found: list[set[str]]):
    for kind in KINDS:
        for (_, wanted), got in zip(rows, found, strict=True):
            totals[kind][0] += kind in wanted and kind in got
            totals[kind][1] += kind not in wanted and kind in got
            totals[kind][2] += kind in wanted and kind not in got


def _figures(totals: dict[str, list[int]]) -> dict[str, list[float | None]]:
    return {
        kind: [
            round(tp / (tp + fp), 2) if tp + fp else None,
            round(tp / (tp + fn), 2) if tp + fn else None,
        ]
        for kind, (tp, fp, fn) in totals.items()
    }


def main() -> None:
    sets = {name: labelled_rows(CORPUS / f"{name}.jsonl") for name in ORDER
            if (CORPUS / f"{name}.jsonl").is_file()}  # fmt: skip
    report: dict[str, dict] = {}
    pooled = {way: {k: [0, 0, 0] for k in KINDS} for way in ("rules", "rules+model")}
    for name, commit in FIRST_LOOK.items():
        if name not in sets:
            continue
        earlier = [row for other in ORDER[: ORDER.index(name)] for row in sets.get(other, [])]
        model = train(earlier, KINDS)
        rows = sets[name]
        rules = rules_at(commit, CORPUS / f"{name}.jsonl")
        views = [reading_view(text) for text, _ in rows]
        both = [
            found | set(taken_from_model(model.read(view), bool(found), partial(about_her, view)))
            for found, view in zip(rules, views, strict=True)
        ]
        report[name] = {}
        for way, found in (("rules", rules), ("rules+model", both)):
            totals = {k: [0, 0, 0] for k in KINDS}
            _tally(totals, rows, found)
            _tally(pooled[way], rows, found)
            report[name][way] = _figures(totals)
    report["pooled"] = {way: _figures(totals) for way, totals in pooled.items()}
    if "--json" in sys.argv:
        print(json.dumps(report, indent=2))
        return
    print("set\tway\t" + "\t".join(KINDS))
    for name, ways in report.items():
        for way, figures in ways.items():
            cells = "\t".join(f"{p}/{r}" for p, r in figures.values())
            print(f"{name}\t{way}\t{cells}")


if __name__ == "__main__":
    main()
