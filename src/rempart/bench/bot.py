"""`rempart bench bot`: the real bot (discord.py) driven through the fake Discord with a mix of
matching and unrelated 1080×1350 JPEG posts, including a burst of posts in one second; post-to-
action latency and throughput, for Rempart's full signals and for plain PDQ-only matching.

Latency of a post: from the moment the fake gateway sent its MESSAGE_CREATE to the moment the
fake received the DELETE (a matching post, policy ``delete``) or the bot wrote the item's
outcome (an unrelated post, or a match queued for review). Both clocks are the machine's
monotonic clock. The bot acts before it finishes its bookkeeping (the local features of a post
already matched by PDQ, its review-queue record): ``all_recorded_s`` says when the last of that
was written, counted from the first post. The fake runs in its own process (on another core
when there is one); the bot process is pinned to one core, with one worker thread and every
library on one thread.

The bank holds distinct photos (one entry each); matching posts are altered copies of them
(caption, brightness, greyscale, recompressed), unrelated posts are other photos.
"""

from __future__ import annotations

import asyncio
import io
import multiprocessing
import os
import random
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from rempart.settings import Settings

SIZE = (1080, 1350)


class BotThread:
    """The real bot on its own event loop thread, connected to whatever ``settings`` point at."""

    def __init__(self, settings: Settings) -> None:
        from rempart.store import Store

        self.settings = settings
        self.store = Store.open(settings)
        self.loop = asyncio.new_event_loop()
        self.bot: Any = None
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None

    def __enter__(self) -> BotThread:
        from rempart.bot.client import RempartBot, point_at

        point_at(self.settings)
        created = threading.Event()
        token = (
            self.settings.discord_token.get_secret_value() if self.settings.discord_token else ""
        )

        def run() -> None:
            asyncio.set_event_loop(self.loop)
            self.bot = RempartBot(self.settings, self.store)
            task = self.loop.create_task(self.bot.start(token))
            task.add_done_callback(self._record_error)
            created.set()
            self.loop.run_forever()

        self.thread = threading.Thread(target=run, name="rempart-bot", daemon=True)
        self.thread.start()
        created.wait(30)
        self.wait_ready()
        return self

    def _record_error(self, task: asyncio.Task[Any]) -> None:
        if not task.cancelled():
            self.error = task.exception()

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Until the bot is connected and its matcher loaded."""
        try:
            self.call(asyncio.wait_for(self.bot.wait_until_ready(), timeout), timeout + 5)
        except (TimeoutError, asyncio.TimeoutError) as exc:
            raise TimeoutError(f"the bot did not become ready ({self.error!r})") from exc
        self.bot.matcher.matcher()  # waits for the first build (IndexNotReady past its limit)

    def call(self, coroutine: Any, timeout: float = 60.0) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def settle(self) -> None:
        self.call(self.bot.processor.settle())

    def __exit__(self, *exc: object) -> None:
        if self.bot is not None and not self.bot.is_closed():
            self.call(self.bot.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        if self.thread is not None:
            self.thread.join(10)
        self.store.close()


def _fake_process(connection: Connection, folder: str, cores: list[int]) -> None:
    """The fake Discord in a child process, driven over ``connection``."""
    from rempart.bench.fake_discord import FakeDiscord

    if cores and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, set(cores))
    with FakeDiscord(Path(folder)) as fake:
        world = fake.add_guild("Bench", ["general"])
        poster = fake.member("poster")
        connection.send({"settings": fake.settings_values(), "world": world})
        attachments: dict[str, dict] = {}
        while True:
            command, *args = connection.recv()
            if command == "file":
                name, data = args
                attachments[name] = fake.attachment(name, data)
                connection.send(None)
            elif command == "post":
                (name,) = args
                attachment = {**attachments[name], "id": fake.snowflake()}
                message = fake.message(
                    world["guild"], world["general"], poster, attachments=[attachment]
                )
                fake.post(message)
                connection.send(message["id"])
            elif command == "results":
                deletes = {
                    call.path.rsplit("/", 1)[1]: call.at for call in fake.calls_to("DELETE", "")
                }
                connection.send({"sent": dict(fake.sent_at), "deletes": deletes})
            else:
                connection.send(None)
                return


def _jpeg(image: Any, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def _posts(photos: int, folder: Path) -> tuple[list[Path], dict[str, bytes], set[str]]:
    """(registered originals, posts by name, names of matching posts)."""
    from PIL import Image

    from rempart.samples import altered_copies, save_jpeg, synthetic_photo, textured_photo

    originals, posts, matching = [], {}, set()
    for number in range(photos):
        maker = textured_photo if number % 2 else synthetic_photo
        image = maker(7000 + number, SIZE)
        originals.append(save_jpeg(image, folder / f"original-{number}.jpg"))
        for kind, altered in altered_copies(image).items():
            if kind == "resized":
                continue
            name = f"match-{number}-{kind}.jpg"
            posts[name] = _jpeg(altered.resize(SIZE, Image.Resampling.BILINEAR), 80)
            matching.add(name)
        for other in range(3):
            stranger = maker(90_000 + number * 10 + other, SIZE)
            posts[f"other-{number}-{other}.jpg"] = _jpeg(stranger, 85)
    return originals, posts, matching


def _figures(latencies_ms: list[float], span_s: float, posts: int) -> dict[str, float]:
    ordered = sorted(latencies_ms)
    if not ordered:
        return {"p50_ms": 0.0, "p95_ms": 0.0, "max_ms": 0.0, "posts_per_s": 0.0}
    return {
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 1),
        "max_ms": round(ordered[-1], 1),
        "posts_per_s": round(posts / span_s, 1) if span_s > 0 else 0.0,
    }


def _run_side(
    label: str,
    fake_settings: dict[str, Any],
    world: dict[str, str],
    connection: Connection,
    originals: list[Path],
    names: list[str],
    matching: set[str],
    burst: int,
    work: Path,
    overrides: dict[str, Any],
    progress: Callable[[str], None],
) -> dict[str, Any]:
    from rempart.bot.policy import Policies
    from rempart.signals.fingerprint import fingerprint_file
    from rempart.store import Consent

    settings = Settings(
        data_dir=work / label,
        **fake_settings,
        bot_workers=1,
        checkpoint_minutes=0,
        **overrides,
    )
    with BotThread(settings) as running:
        store = running.store
        store.create_bank("bench")
        store.add_fingerprints(
            "bench",
            [fingerprint_file(p, settings, register=True) for p in originals],
            consent=Consent("self", "bench"),
        )
        running.bot.matcher.changed()
        Policies(store).set(world["guild"], "bench", mode="delete")
        done: dict[str, tuple[str, float]] = {}

        def finished(message: str, _key: str, outcome: str, at: float) -> None:
            done[message] = (outcome, at)

        running.bot.processor.listeners.append(finished)
        for warm in names[:4]:  # warm-up: first decode, first lookup, connections
            connection.send(("post", warm))
            warm_id: str = connection.recv()
            _wait(lambda wanted=warm_id: wanted in done, 60)  # type: ignore[misc]
        done.clear()
        progress(f"{label}: burst of {burst} posts in one second")
        chosen = [names[n % len(names)] for n in range(burst)]
        posted: dict[str, str] = {}
        start = time.monotonic()
        for number, name in enumerate(chosen):
            _sleep_until(start + number / burst)
            connection.send(("post", name))
            posted[connection.recv()] = name
        _wait(lambda: all(m in done for m in posted), 300)
        connection.send(("results",))
        results = connection.recv()
    latencies, acted, touched = [], 0, 0
    for message_id, name in posted.items():
        outcome, logged_at = done[message_id]
        sent = results["sent"][message_id]
        deleted_at = results["deletes"].get(message_id)
        latencies.append(((deleted_at or logged_at) - sent) * 1000)
        if name in matching:
            acted += outcome in {"deleted", "hidden", "review", "logged"}
        else:
            touched += deleted_at is not None or outcome != "no-match"
    first = min(results["sent"][m] for m in posted)
    last = max(results["deletes"].get(m) or done[m][1] for m in posted)
    recorded = max(done[m][1] for m in posted)  # review-queue records come after the actions
    return {
        **_figures(latencies, last - first, len(posted)),
        "all_recorded_s": round(recorded - first, 2),
        "matching_acted": acted,
        "matching_total": sum(1 for n in posted.values() if n in matching),
        "unrelated_touched": touched,
        "posts": len(posted),
    }


def _sleep_until(moment: float) -> None:
    delay = moment - time.monotonic()
    if delay > 0:
        time.sleep(delay)


def _wait(found: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not found():
        if time.monotonic() > deadline:
            raise TimeoutError("the bot did not finish the posts in time")
        time.sleep(0.01)


def run_bot_bench(
    *, photos: int = 10, burst: int = 100, progress: Callable[[str], None] = lambda _: None
) -> dict[str, Any]:
    """Both sides on the same posts; figures and the ratios of Rempart to PDQ-only."""
    from rempart.bench.speed import pin_threads

    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    pin_threads()
    if cores:
        os.sched_setaffinity(0, {cores[0]})
    with tempfile.TemporaryDirectory(prefix="rempart-bench-bot-") as folder:
        work = Path(folder)
        originals, posts, matching = _posts(photos, work)
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe()
        child = context.Process(
            target=_fake_process, args=(theirs, folder, cores[1:] or cores), daemon=True
        )
        child.start()
        try:
            hello = ours.recv()
            for name, data in posts.items():
                ours.send(("file", name, data))
                ours.recv()
            names = sorted(posts)
            random.Random(0).shuffle(names)  # matching and unrelated interleaved
            sides = {}
            for label, overrides in (
                ("rempart", {}),
                ("pdq_only", {"local_features": False, "query_cells": False}),
            ):
                sides[label] = _run_side(
                    label,
                    hello["settings"],
                    hello["world"],
                    ours,
                    originals,
                    names,
                    matching,
                    burst,
                    work,
                    overrides,
                    progress,
                )
        finally:
            ours.send(("stop",))
            child.join(10)
    ours_side, anchor = sides["rempart"], sides["pdq_only"]
    return {
        **ours_side,
        "pdq_only": anchor,
        "ratios": {
            key: round(ours_side[key] / anchor[key], 2) if anchor[key] else None
            for key in ("p50_ms", "p95_ms", "max_ms", "posts_per_s")
        },
        "burst_posts": burst,
        "registered_photos": photos,
        "bot_core": cores[0] if cores else None,
        "fake_cores": cores[1:] or cores,
    }
