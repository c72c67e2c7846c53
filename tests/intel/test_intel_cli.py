"""As a user runs it: `rempart sample-export` then `rempart scan` without any bank shows the
signals, the risks and the rebirth (JSON and report); `rempart bench intel --json` prints the
figures."""

from __future__ import annotations

import json
from pathlib import Path

from support import run_rempart

from rempart.settings import Settings
from rempart.sources.synthetic import make_export_set


def test_scan_without_a_bank_shows_signals_risk_and_the_rebirth(
    settings: Settings, tmp_path: Path
) -> None:
    demo = tmp_path / "demo"
    manifest = make_export_set(demo, seed=4, servers=3, intel=True)
    truth = manifest.intel
    report = tmp_path / "report.html"
    done = run_rempart(settings, "scan", str(demo / "exports"), "--json", "--report", str(report))
    assert done.returncode in (0, 1), done.stderr  # 1: the set's hostile files, by design
    results = json.loads(done.stdout)
    reborn = {r["guild_id"]: r["continues"] for r in results["reborn"]}
    assert reborn == truth.reborn
    assert not set(truth.decoys) & set(reborn)
    [rebirth] = results["reborn"]
    assert rebirth["evidence"]["media_in_common"] >= 3
    assert rebirth["evidence"]["share_of_old_members"] >= 0.5

    found = {(s["message_id"], s["kind"]) for s in results["signals"]}
    for message_id, kinds in truth.signals.items():
        assert {(message_id, k) for k in kinds} <= found, message_id
    assert not [s for s in results["signals"] if s["guild_id"] in truth.decoys]
    minors = [s for s in results["signals"] if s["kind"] == "minor"]
    assert minors and all(s["evidence"][0]["phrase"] for s in minors)
    for signal in results["signals"]:
        assert set(signal) >= {"guild_id", "channel_id", "message_id", "kind", "score", "evidence"}

    servers = {s["guild_id"]: s for s in results["servers"]}
    for server in servers.values():
        assert set(server) >= {"guild_id", "name", "risk", "level", "reasons"}
        assert server["risk"] == min(100, sum(r["points"] for r in server["reasons"]))
    decoy = servers[truth.decoys[0]]
    reborn_server = servers[next(iter(truth.reborn))]
    assert decoy["level"] == "low"
    assert reborn_server["level"] in {"high", "critical"}

    page = report.read_text(encoding="utf-8")
    for marker in ('id="signals"', 'id="server-risk"', 'id="reborn"', 'class="reborn"'):
        assert marker in page
    assert "elle a 15 ans mais bon" in page


def test_bench_intel_prints_the_figures(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "bench"
    folder.mkdir()
    corpus = Path(__file__).parents[2] / "bench" / "intel" / "messages.jsonl"
    (folder / "messages.jsonl").write_text(corpus.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "other.csv").write_text(
        'text,kinds\n"qui veut un trib sur ma voisine Léa",solicitation;identifies_person\n'
        "gg les gars,\n",
        encoding="utf-8",
    )
    (folder / "list.json").write_text(
        json.dumps([{"message": "elle a 15 ans mais bon", "labels": "minor"}]), encoding="utf-8"
    )
    make_export_set(folder / "archive", seed=2, servers=2, messages=10, intel=True)
    done = run_rempart(settings, "bench", "intel", str(folder), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    kinds = report["messages"]["messages.jsonl"]["kinds"]
    assert set(kinds) == {
        "solicitation",
        "identifies_person",
        "covert_capture",
        "minor",
        "deepfake",
    }
    assert all(0 <= k["precision"] <= 1 and 0 <= k["recall"] <= 1 for k in kinds.values())
    other = report["messages"]["other.csv"]
    assert other["messages"] == 2 and other["kinds"]["solicitation"]["positives"] == 1
    assert report["messages"]["list.json"]["kinds"]["minor"]["positives"] == 1
    assert report["messages_per_s"]["labelled_only"] > 0
    for world in report["reborn"]:
        assert world["top1_found"] <= world["rebirths"] and world["servers"] > world["rebirths"]
    archive = report["archives"]["archive"]
    assert (archive["rebirths"], archive["decoys"]) == (1, 1)
    assert archive["top1_found"] == 1 and archive["decoys_called_reborn"] == 0
    # the model was trained on messages.jsonl: its figures again, by a model that never saw it
    assert report["messages"]["messages.jsonl"]["model_trained_on"] == 1.0
    assert report["messages"]["other.csv"]["model_trained_on"] < 1.0
    held_out = report["messages_held_out"]
    assert "messages.jsonl" in held_out and "other.csv" not in held_out
    # (list.json repeats one of its messages: the only one that model saw)
    texts = [json.loads(line)["text"] for line in corpus.read_text(encoding="utf-8").splitlines()]
    others = {"qui veut un trib sur ma voisine Léa", "gg les gars", "elle a 15 ans mais bon"}
    repeated = sum(1 for text in texts if text in others)
    assert repeated == 1
    assert held_out["messages.jsonl"]["model_trained_on"] == round(repeated / len(texts), 3)


def test_intel_train_writes_a_model_that_reads_back(settings: Settings, tmp_path: Path) -> None:
    from rempart.intel.model import MessageModel, text_digest

    folder = tmp_path / "corpus"
    folder.mkdir()
    corpus = Path(__file__).parents[2] / "bench" / "intel" / "holdout.jsonl"
    (folder / "holdout.jsonl").write_text(corpus.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "model.npz"
    done = run_rempart(settings, "intel", "train", str(folder), "--out", str(out))
    assert done.returncode == 0, done.stderr
    model = MessageModel.load(out)
    first = json.loads(corpus.read_text(encoding="utf-8").splitlines()[0])["text"]
    assert model.has_seen(text_digest(first))
    empty = tmp_path / "empty"
    empty.mkdir()
    refused = run_rempart(settings, "intel", "train", str(empty), "--out", str(out))
    assert refused.returncode != 0 and "no labelled messages" in refused.stderr
