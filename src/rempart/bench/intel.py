"""`rempart bench intel [DIR]`: how well the message signals and the rebirth search do.

Messages: every ``*.jsonl`` file in DIR (default ``bench/intel``; lines ``{"text", "kinds"}``) is
read on its own; precision and recall per kind, and every confusion. The message model
(``rempart.intel.model``) is trained on ``bench/intel``: each file says how much of it the model
has seen, and for each such file the figures are given again with a model trained without it.
Speed: messages per second on one core, for the labelled messages alone (every one reaches the
rules) and for a stream where one message in twenty is from them and the rest is ordinary chat
(the hard negatives and a pool of everyday lines); each the median of three one-second timings.

Servers: a world made in code from a seed (``synthetic_world``): families of abusive servers,
each banned and reborn days later under a changed name with most of its active members, its
rules page (edited), its channels and part of its pictures (PDQ with recompression noise);
decoys — big ordinary servers that a few of the same members joined after the ban, sibling
servers active at the same time, copycats with a similar name and other members — and ordinary
servers. Reports top-1 accuracy over the rebirths, the false-rebirth rate over everything else,
and the search time as the number of servers grows.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rempart.intel.corpus import corpus_files, labelled_rows
from rempart.intel.messages import KINDS, message_signals
from rempart.intel.model import active_model, shipped_model, text_digest, use_model
from rempart.intel.reborn import DISCORD_EPOCH_MS, find_rebirths
from rempart.intel.servers import ServerView
from rempart.sources.synthetic_intel import TRUTH_FILE

__all__ = [
    "corpus_files",
    "evaluate_held_out",
    "evaluate_messages",
    "labelled_rows",
    "run_intel_bench",
]

EVERYDAY = (
    "gg wp",
    "on se fait une game ce soir ?",
    "t'as vu le match hier",
    "lol",
    "mdr trop drôle",
    "qui vient au ciné samedi",
    "j'ai fini le dm de maths",
    "ok",
    "ça marche",
    "bon appétit",
    "see you tomorrow",
    "anyone playing tonight?",
    "the new patch is out",
    "je suis en retard désolé",
    "🙂🙂",
    "https://tenor.com/view/cat-dance-123",
    "Merci !",
    "ptdr",
    "bien joué",
    "the boss fight is hard",
    "quelqu'un a les réponses de l'exo 3 ?",
    "I'll be on at 9",
    "trop bien le concert hier",
    "wesh bien ou quoi",
)


def evaluate_messages(path: Path) -> dict[str, Any]:
    """Precision, recall and confusions of one labelled file, and how much of it the message
    model was trained on (``model_trained_on``: the share of its messages the model has seen)."""
    rows = labelled_rows(path)
    model = active_model()
    seen = sum(1 for text, _ in rows if model is not None and model.has_seen(text_digest(text)))
    tally: dict[str, Counter[str]] = {kind: Counter() for kind in KINDS}
    confusions = []
    for text, wanted in rows:
        found = {s.kind for s in message_signals(text)}
        for kind in KINDS:
            outcome = (
                "tp"
                if kind in found and kind in wanted
                else "fp"
                if kind in found
                else "fn"
                if kind in wanted
                else "tn"
            )
            tally[kind][outcome] += 1
            if outcome in {"fp", "fn"}:
                confusions.append({"text": text, "kind": kind, "error": outcome})
    kinds = {}
    for kind, counts in tally.items():
        flagged, expected = counts["tp"] + counts["fp"], counts["tp"] + counts["fn"]
        kinds[kind] = {
            "precision": round(counts["tp"] / flagged, 3) if flagged else None,
            "recall": round(counts["tp"] / expected, 3) if expected else None,
            "positives": expected,
            "false_positives": counts["fp"],
        }
    return {
        "messages": len(rows),
        "model_trained_on": round(seen / len(rows), 3) if rows else 0.0,
        "kinds": kinds,
        "confusions": confusions,
    }


def evaluate_held_out(files: list[Path]) -> dict[str, Any]:
    """For each file the shipped model was trained on, the figures with a model trained on the
    other files only — the rules alone when there is no other file (the rules stay those
    written after reading every file, so this still flatters them; ``bench/intel_first_look.py``
    gives the first-look estimate)."""
    from rempart.intel.training import train

    model = shipped_model()
    rows = {path: labelled_rows(path) for path in files}
    held_out = {}
    for path, own in rows.items():
        if model is None or not any(model.has_seen(text_digest(text)) for text, _ in own):
            continue
        others = [row for other, kept in rows.items() if other != path for row in kept]
        with use_model(train(others, KINDS) if others else None):
            held_out[path.name] = evaluate_messages(path)
    return held_out


def messages_per_second(texts: list[str], seconds: float = 3.0, runs: int = 3) -> float:
    """How many of ``texts`` (cycled) ``message_signals`` reads per second: the median of
    ``runs`` timings of ``seconds / runs`` each (one slow moment of a shared machine is one run,
    not the figure)."""
    rates = []
    for _ in range(runs):
        done, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds / runs:
            for text in texts:
                message_signals(text)
            done += len(texts)
        rates.append(done / (time.perf_counter() - start))
    return round(statistics.median(rates))


def _snowflake(moment: datetime, sequence: int) -> str:
    return str(((int(moment.timestamp() * 1000) - DISCORD_EPOCH_MS) << 22) | (sequence & 0xFFF))


_ABUSIVE_CHANNELS = (
    "général",
    "demandes",
    "tribs",
    "cousines",
    "profs",
    "exs",
    "leaks",
    "votes",
    "scred",
    "deepfakes",
    "règles",
    "présentations",
)
_ORDINARY_CHANNELS = ("général", "jeux", "clips", "musique", "memes", "annonces", "règles", "aide")
_RULES = (
    "1. pas de mineurs 2. tribs uniquement dans #demandes 3. prénom + photos en mp aux modos "
    "4. on respecte le consentement 5. pas de leak du serveur 6. invitez vos potes",
    "règles : les demandes se font en mp, les tofs avec le prénom, pas de screens du serveur, "
    "les nouveaux postent 3 photos pour être validés",
    "rules: no minors lol, post her pics with her insta, requests in #tribs, no snitching, "
    "verified members only",
)
_ORDINARY_RULES = (
    "Bienvenue ! Respect entre joueurs, pas de spam, pas de pub, amusez-vous bien",
    "Welcome! Be kind, no spam, no NSFW, use the right channels, have fun",
    "Règlement : bienveillance, pas d'insultes, pas de pub sans autorisation",
)
_NAMES = ("Les Cousines", "Tribute Zone", "La Cave", "Le Bunker", "Exposed FR", "Les Profs")


def _edit(text: str, rng: random.Random) -> str:
    words = text.split()
    for _ in range(max(1, len(words) // 8)):
        words.pop(rng.randrange(len(words)))
    return " ".join(words)


def _renamed(name: str, rng: random.Random) -> str:
    return rng.choice(
        (
            f"{name} 2",
            f"{name} v2",
            f"{name} (back)",
            f"{name} reborn",
            name.replace("e", "3").replace("o", "0"),
            f"new {name}",
        )
    )


def _when(moment: datetime | None) -> datetime:
    assert moment is not None  # every server of the synthetic world has its dates
    return moment


def _pdq(rng: random.Random) -> str:
    return f"{rng.getrandbits(256):064x}"


def _noisy(value: str, rng: random.Random, bits: int) -> str:
    number = int(value, 16)
    for _ in range(bits):
        number ^= 1 << rng.randrange(256)
    return f"{number:064x}"


def synthetic_world(seed: int, families: int, ordinary: int) -> tuple[list[ServerView], dict]:
    """Servers (see the module docstring) and the truth: ``{"reborn": {new: old}, "decoys":
    [...]}``."""
    rng = random.Random(seed)
    population = [str(10**17 + n) for n in range(200_000)]
    start = datetime(2025, 1, 1, tzinfo=UTC)
    views: list[ServerView] = []
    truth: dict[str, Any] = {"reborn": {}, "decoys": []}
    sequence = iter(range(10**9))

    def server(
        born: datetime,
        quiet: datetime,
        name: str,
        members: set[str],
        channels: list[str],
        rules: str,
        media: list[str],
    ) -> ServerView:
        view = ServerView(
            _snowflake(born, next(sequence)),
            name=name,
            channels={str(i): c for i, c in enumerate(channels)},
            members=members,
            rules_text=rules,
            messages=len(members) * 20,
            first_seen=born,
            last_seen=quiet,
            media_pdq=media,
        )
        views.append(view)
        return view

    for family in range(families):
        born = start + timedelta(days=rng.randint(0, 300))
        banned = born + timedelta(days=rng.randint(20, 120))
        size = rng.randint(30, 400)
        members = set(rng.sample(population, size))
        channels = rng.sample(_ABUSIVE_CHANNELS, rng.randint(4, 8))
        rules = rng.choice(_RULES)
        media = [_pdq(rng) for _ in range(rng.randint(10, 60))]
        name = f"{rng.choice(_NAMES)} {family}"
        old = first = server(born, banned, name, members, channels, rules, media)
        generations = 2 if family % 5 == 0 else 1  # some come back twice
        for _ in range(generations):
            reborn_at = banned + timedelta(days=rng.randint(1, 10))
            moved = set(rng.sample(sorted(members), int(len(members) * rng.uniform(0.5, 0.9))))
            joined = set(rng.sample(population, rng.randint(0, size // 3)))
            kept = rng.sample(media, int(len(media) * rng.uniform(0.2, 0.6)))
            new_media = [_noisy(m, rng, rng.randint(0, 8)) for m in kept]
            new_channels = [c for c in channels if rng.random() < 0.8] or channels[:2]
            banned = reborn_at + timedelta(days=rng.randint(20, 90))
            new = server(
                reborn_at,
                banned,
                _renamed(name, rng),
                moved | joined,
                new_channels + rng.sample(_ABUSIVE_CHANNELS, 1),
                _edit(rules, rng),
                new_media + [_pdq(rng) for _ in range(rng.randint(5, 30))],
            )
            truth["reborn"][new.guild_id] = old.guild_id
            old, members, media, channels, name = (
                new,
                new.members,
                new.media_pdq,
                new_channels,
                new.name,
            )
        # decoys around this family
        big = set(rng.sample(population, rng.randint(1000, 2000)))
        big |= set(rng.sample(sorted(old.members), min(len(old.members), rng.randint(5, 15))))
        truth["decoys"].append(
            server(
                _when(old.last_seen) + timedelta(days=rng.randint(1, 10)),
                _when(old.last_seen) + timedelta(days=200),
                rng.choice(("Gaming FR", "Les Joueurs", "Chill Zone", "Study Group")),
                big,
                rng.sample(_ORDINARY_CHANNELS, 5),
                rng.choice(_ORDINARY_RULES),
                [_pdq(rng) for _ in range(40)],
            ).guild_id
        )
        truth["decoys"].append(  # a sibling, opened while the first one was active
            server(
                _when(first.first_seen) + timedelta(days=2),
                _when(first.last_seen) + timedelta(days=30),
                f"{first.name} bis",
                set(rng.sample(sorted(first.members), len(first.members) * 6 // 10)),
                list(first.channels.values()),
                first.rules_text,
                [_pdq(rng) for _ in range(20)],
            ).guild_id
        )
        truth["decoys"].append(
            server(
                _when(old.last_seen) + timedelta(days=rng.randint(1, 10)),
                _when(old.last_seen) + timedelta(days=100),
                _renamed(name, rng),
                set(rng.sample(population, rng.randint(30, 300)))
                | set(rng.sample(sorted(old.members), 2)),
                rng.sample(_ABUSIVE_CHANNELS, 5),
                rng.choice(_RULES),
                [_pdq(rng) for _ in range(20)],
            ).guild_id
        )
    for _ in range(ordinary):
        born = start + timedelta(days=rng.randint(0, 400))
        server(
            born,
            born + timedelta(days=rng.randint(30, 400)),
            rng.choice(("Gaming FR", "Les Potes", "Classe 2B", "Fans de foot", "Anime Club")),
            set(rng.sample(population, rng.randint(20, 800))),
            rng.sample(_ORDINARY_CHANNELS, 5),
            rng.choice(_ORDINARY_RULES),
            [_pdq(rng) for _ in range(rng.randint(0, 30))],
        )
    return views, truth


def evaluate_rebirths(seed: int = 1, families: int = 20, ordinary: int = 200) -> dict[str, Any]:
    views, truth = synthetic_world(seed, families, ordinary)
    start = time.perf_counter()
    found = find_rebirths(views)
    seconds = time.perf_counter() - start
    said = {r.guild_id: r.continues for r in found}
    correct = sum(1 for new, old in truth["reborn"].items() if said.get(new) == old)
    false = [
        {"guild_id": new, "continues": old}
        for new, old in said.items()
        if truth["reborn"].get(new) != old
    ]
    others = len(views) - len(truth["reborn"])
    return {
        "servers": len(views),
        "rebirths": len(truth["reborn"]),
        "top1_found": correct,
        "top1_accuracy": round(correct / len(truth["reborn"]), 3),
        "decoys": len(truth["decoys"]),
        "decoys_called_reborn": sum(1 for d in truth["decoys"] if d in said),
        "false_reborn": len(false),
        "false_reborn_rate": round(len(false) / others, 4) if others else 0.0,
        "search_seconds": round(seconds, 2),
        "false": false[:10],
    }


def run_intel_bench(folder: Path, *, seed: int = 1, held_out: bool = True) -> dict[str, Any]:
    """The whole benchmark (see the module docstring); ``held_out``: also each file the model
    was trained on with a model trained without it (a training per file)."""
    from rempart.bench.speed import pin_threads

    pin_threads()
    files = corpus_files(folder)
    messages = {f.name: evaluate_messages(f) for f in files}
    labelled = [text for f in files for text, _ in labelled_rows(f)]
    rng = random.Random(seed)
    stream = [rng.choice(EVERYDAY) for _ in range(19 * len(labelled))] + labelled
    rng.shuffle(stream)
    speed = {
        "labelled_only": messages_per_second(labelled),
        "one_in_twenty_labelled": messages_per_second(stream),
        "everyday_only": messages_per_second(list(EVERYDAY)),
    }
    scale = [
        evaluate_rebirths(seed, families, ordinary)
        for families, ordinary in ((20, 200), (40, 2000))
    ]
    archives = {
        truth.parent.name: evaluate_archive(truth.parent)
        for truth in sorted(folder.rglob(TRUTH_FILE))
    }
    report = {"messages": messages, "messages_per_s": speed, "reborn": scale, "archives": archives}
    if held_out:
        report["messages_held_out"] = evaluate_held_out(files)
    return report


def evaluate_archive(folder: Path) -> dict[str, Any]:
    """Scan the exports under ``folder`` into a fresh temporary store (no bank) and compare the
    rebirths found with ``folder/intel-truth.json`` (``{"reborn": {new guild id: old guild id},
    "decoys": [guild ids]}``)."""
    import tempfile

    from rempart.investigate.intelligence import server_intelligence
    from rempart.investigate.runner import scan_archives
    from rempart.settings import Settings
    from rempart.store import Store

    truth = json.loads((folder / TRUTH_FILE).read_text(encoding="utf-8"))
    wanted: dict[str, str] = {str(k): str(v) for k, v in truth.get("reborn", {}).items()}
    decoys = {str(d) for d in truth.get("decoys", [])}
    inputs = [p for p in folder.iterdir() if p.name != TRUTH_FILE]
    with tempfile.TemporaryDirectory(prefix="rempart-bench-intel-") as work:
        settings = Settings(data_dir=Path(work))
        store = Store.open(settings)
        try:
            summary = scan_archives(inputs, [], store, settings, actor="bench")
            found = server_intelligence(store, summary.message_ids, actor="bench")
            summary.remove_copies()
        finally:
            store.close()
    said = {r.guild_id: r.continues for r in found.reborn}
    return {
        "servers": len(found.servers),
        "rebirths": len(wanted),
        "top1_found": sum(1 for new, old in wanted.items() if said.get(new) == old),
        "decoys": len(decoys),
        "decoys_called_reborn": len(decoys & set(said)),
        "false_reborn": sum(1 for new, old in said.items() if wanted.get(new) != old),
        "signals": dict(Counter(hit.kind for hit in found.signals)),
        "levels": {r.guild_id: r.level for r in found.servers},
    }
