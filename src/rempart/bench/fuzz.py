"""Coverage-guided fuzzing (atheris, libFuzzer) of every parser that reads what an abuser can write.

Targets: media sniffing and decoding, the DiscordChatExporter parser, the zip unpacker,
fingerprint JSON lines, bank files (CSV, JSON, text) and the /protect payload. Each accepts any
bytes and may refuse them only with Rempart's own errors (``RempartError``); any other exception
is a crash. A crash is saved (input and traceback) and the run goes on, so one run counts them
all; a hard crash, a timeout or an out-of-memory stops the process, and libFuzzer saves that
input too. ``fuzz(...)`` runs each target in
a process of its own (``python -m rempart.bench.fuzz TARGET …``) seeded with valid inputs made
in code, and reads libFuzzer's final statistics.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import traceback
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

TARGETS = ("media", "discord_export", "zip", "fingerprints", "bank_file", "protect")


@dataclass(frozen=True)
class FuzzResult:
    """One target's run: executions, speed, and the crashes saved."""

    target: str
    seconds: float
    executions: int
    executions_per_second: float
    crashes: int
    crash_files: list[str]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# -- the targets (run inside the fuzzing process) ----------------------------------------------


class _Harness:
    """The code under test, imported under atheris' instrumentation, and a scratch folder."""

    def __init__(self, crash_dir: Path) -> None:
        import atheris

        with atheris.instrument_imports(include=["rempart"]):
            from rempart.errors import RempartError
            from rempart.media import MediaKind, decode_image, iter_video_frames, sniff_kind
            from rempart.settings import Settings
            from rempart.signals.fingerprint import check_submitted, read_fingerprints
            from rempart.sources.archive import ZipLimits, collect_exports
            from rempart.sources.discord_export import iter_media, read_export
            from rempart.store.bankfile import parse_bank_text
            from rempart.store.protect import parse_registration
        self.errors = RempartError
        self.scratch = Path(tempfile.mkdtemp(prefix="rempart-fuzz-"))
        self.crash_dir = crash_dir
        self.settings = Settings(
            data_dir=self.scratch / "data",
            max_image_pixels=4_000_000,
            max_video_frames=4,
            max_video_seconds=5,
        )
        self._media = (MediaKind, decode_image, iter_video_frames, sniff_kind)
        self._export = (read_export, iter_media)
        self._zip = (ZipLimits, collect_exports)
        self._prints = (read_fingerprints, check_submitted)
        self._bank = parse_bank_text
        self._protect = parse_registration

    def run(self, target: Callable[[bytes], None], data: bytes) -> None:
        """One input: Rempart's own errors are answers; anything else is saved as a crash."""
        try:
            target(data)
        except self.errors:
            pass
        except Exception:  # noqa: BLE001 - that is what a crash is here
            name = hashlib.sha1(data).hexdigest()[:16]
            (self.crash_dir / f"crash-{name}").write_bytes(data)
            (self.crash_dir / f"crash-{name}.txt").write_text(traceback.format_exc())

    def media(self, data: bytes) -> None:
        media_kind, decode_image, iter_video_frames, sniff_kind = self._media
        path = self.scratch / "media"
        path.write_bytes(data)
        kind = sniff_kind(path, self.settings.max_file_bytes)
        if kind is media_kind.VIDEO:
            for _frame in iter_video_frames(
                path,
                frames_per_second=1.0,
                max_seconds=5,
                max_frames=4,
                max_pixels=4_000_000,
                min_samples=2,
            ):
                pass
        else:
            decode_image(path, kind, max_pixels=4_000_000, max_frames=4)

    def discord_export(self, data: bytes) -> None:
        read_export, iter_media = self._export
        path = self.scratch / "export" / "Guild - channel [1].json"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        export = read_export(path, path.parent, max_bytes=self.settings.max_export_bytes)
        for message, _position, _ref in iter_media(export):
            _ = message.created_at

    def zip(self, data: bytes) -> None:
        zip_limits, collect_exports = self._zip
        archive = self.scratch / "upload.zip"
        archive.write_bytes(data)
        work = self.scratch / "unpacked"
        try:
            collect_exports(
                [archive], work, zip_limits(max_members=500, max_bytes=20 * 1024 * 1024)
            )
        finally:
            for path in work.rglob("*") if work.exists() else []:
                if path.is_symlink() or not path.resolve().is_relative_to(work.resolve()):
                    raise AssertionError(
                        f"the unpacker wrote {path} outside its folder or as a link"
                    )
            _remove(work)

    def fingerprints(self, data: bytes) -> None:
        read_fingerprints, check_submitted = self._prints
        for fingerprint in read_fingerprints(io.StringIO(data.decode("utf-8", errors="replace"))):
            check_submitted(fingerprint, self.settings, registering=True)

    def bank_file(self, data: bytes) -> None:
        self._bank(data.decode("utf-8", errors="replace"), "fuzz")

    def protect(self, data: bytes) -> None:
        try:
            payload = json.loads(data)
        except (
            ValueError,
            RecursionError,
        ):  # the web framework answers malformed or absurdly nested JSON with 400 itself
            return
        self._protect(payload, self.settings)


def _remove(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


def _main(argv: list[str]) -> None:
    """Entry of one fuzzing process: ``python -m rempart.bench.fuzz TARGET CRASH_DIR [libFuzzer
    options and corpus]``."""
    import atheris

    name, crash_dir = argv[1], Path(argv[2])
    harness = _Harness(crash_dir)
    target = getattr(harness, name)

    def one_input(data: bytes) -> None:
        harness.run(target, data)

    atheris.Setup([argv[0], *argv[3:]], one_input)
    atheris.Fuzz()


# -- seeds: valid inputs made in code ----------------------------------------------------------


def write_seeds(target: str, folder: Path) -> None:
    """A few valid inputs for ``target`` (libFuzzer mutates from them)."""
    folder.mkdir(parents=True, exist_ok=True)
    for number, seed in enumerate(_seeds(target)):
        (folder / f"seed-{number}").write_bytes(seed)


def _image_bytes(fmt: str, size: tuple[int, int] = (24, 16), **options: Any) -> bytes:
    from rempart.samples import textured_photo

    buffer = io.BytesIO()
    textured_photo(7, size).save(buffer, fmt, **options)
    return buffer.getvalue()


def _video_bytes() -> bytes:
    import av
    import numpy as np

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "clip.mp4"
        with av.open(str(path), "w") as container:
            stream = container.add_stream("mpeg4", rate=2)
            stream.width, stream.height, stream.pix_fmt = 32, 32, "yuv420p"
            for shade in (0, 120, 240):
                frame = av.VideoFrame.from_ndarray(
                    np.full((32, 32, 3), shade, np.uint8), format="rgb24"
                )
                for packet in stream.encode(frame):
                    container.mux(packet)
            for packet in stream.encode():
                container.mux(packet)
        return path.read_bytes()


def _export_bytes() -> bytes:
    message = {
        "id": "1478139335147520001",
        "type": "Default",
        "timestamp": "2025-01-01T00:00:00+01:00",
        "timestampEdited": None,
        "callEndedTimestamp": None,
        "isPinned": False,
        "content": "salut",
        "author": {
            "id": "42",
            "name": "a",
            "discriminator": "0000",
            "nickname": "A",
            "color": None,
            "isBot": False,
            "roles": [{"id": "1", "name": "r"}],
            "avatarUrl": "https://cdn.discordapp.com/a.png",
        },
        "attachments": [
            {
                "id": "9",
                "url": "Guild - channel [1].json_Files/p-0123456789abcdef.jpg",
                "fileName": "p.jpg",
                "fileSizeBytes": 10,
            }
        ],
        "embeds": [
            {
                "image": {"url": "https://media.discordapp.net/x.png"},
                "images": [{"url": "a\\\\b.png"}],
                "thumbnail": {"url": "t.png"},
                "video": None,
            }
        ],
        "stickers": [{"id": "5", "name": "s", "format": "Png", "sourceUrl": "s.png"}],
        "reactions": [{"emoji": {"id": "", "name": "x"}, "count": 2, "users": []}],
        "mentions": [{"id": "43", "name": "b"}],
        "reference": {"messageId": "1478139335147520000", "channelId": "1", "guildId": "7"},
        "inlineEmojis": [],
    }
    document = {
        "guild": {"id": "7", "name": "Guild", "iconUrl": ""},
        "channel": {"id": "1", "type": "GuildTextChat", "name": "channel"},
        "dateRange": {"after": None, "before": None},
        "exportedAt": "2025-01-02T00:00:00+01:00",
        "messages": [message],
        "messageCount": 1,
    }
    return json.dumps(document).encode()


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("exports/Guild - channel [1].json", _export_bytes())
        bundle.writestr(
            "exports/Guild - channel [1].json_Files/p-0123456789abcdef.jpg", _image_bytes("JPEG")
        )
    return buffer.getvalue()


def _fingerprint_line() -> bytes:
    from rempart.settings import Settings
    from rempart.signals.fingerprint import fingerprint_file

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.jpg"
        path.write_bytes(_image_bytes("JPEG", (96, 80)))
        return (
            fingerprint_file(path, Settings(data_dir=Path(folder) / "d"), register=True)
            .to_json()
            .encode()
        )


def _seeds(target: str) -> list[bytes]:
    if target == "media":
        return [
            _image_bytes("JPEG"),
            _image_bytes("PNG"),
            _image_bytes("GIF", save_all=True),
            _image_bytes("WEBP"),
            _image_bytes("BMP"),
            _image_bytes("TIFF"),
            _video_bytes(),
        ]
    if target == "discord_export":
        return [_export_bytes()]
    if target == "zip":
        return [_zip_bytes()]
    if target == "fingerprints":
        return [_fingerprint_line() + b"\n"]
    if target == "bank_file":
        pdq = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"
        return [
            f"signal_type,signal,id\npdq,{pdq},c1\n".encode(),
            f"{pdq},c1\n".encode(),
            json.dumps([pdq]).encode(),
            json.dumps({"pdq": [pdq], "video_md5": ["0" * 32]}).encode(),
            json.dumps({"pdq": pdq, "id": 3}).encode() + b"\n",
        ]
    if target == "protect":
        line = json.loads(_fingerprint_line())
        return [json.dumps({"fingerprints": [line]}).encode()]
    raise ValueError(f"unknown fuzz target {target!r} (known: {', '.join(TARGETS)})")


# -- the runner -------------------------------------------------------------------------------

_STAT = re.compile(r"stat::(\w+):\s*(\d+)")


def fuzz_target(
    target: str, seconds: int, work: Path, *, log: Callable[[str], None] = lambda _m: None
) -> FuzzResult:
    """Fuzz one target for ``seconds`` in a process of its own; crashes are saved under
    ``work/target/crashes``."""
    if target not in TARGETS:
        raise ValueError(f"unknown fuzz target {target!r} (known: {', '.join(TARGETS)})")
    corpus, crashes = work / target / "corpus", work / target / "crashes"
    crashes.mkdir(parents=True, exist_ok=True)
    if not any(corpus.glob("*")):
        write_seeds(target, corpus)
    command = [
        sys.executable,
        "-m",
        "rempart.bench.fuzz",
        target,
        str(crashes),
        f"-max_total_time={seconds}",
        "-print_final_stats=1",
        "-timeout=30",
        "-rss_limit_mb=4096",
        f"-artifact_prefix={crashes}/",
        str(corpus),
    ]
    started = time.monotonic()
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
        timeout=seconds + 600,
    )
    elapsed = time.monotonic() - started
    stats = {key: int(value) for key, value in _STAT.findall(done.stderr)}
    if (
        done.returncode != 0
    ):  # libFuzzer stopped at a deadly signal, a timeout or an out-of-memory: it saved that input
        log(
            f"{target}: the fuzzing process stopped with code "
            f"{done.returncode}:\n{done.stderr[-2000:]}"
        )
    files = sorted(
        p.name
        for p in crashes.iterdir()
        if p.name.startswith(("crash-", "timeout-", "oom-", "leak-"))
        and not p.name.endswith(".txt")
    )
    executions = stats.get("number_of_executed_units", 0)
    return FuzzResult(
        target,
        round(elapsed, 1),
        executions,
        round(executions / max(elapsed, 1e-9), 1),
        len(files),
        files,
    )


def fuzz(
    seconds: int,
    targets: list[str] | None = None,
    work: Path | None = None,
    *,
    log: Callable[[str], None] = lambda _m: None,
) -> list[FuzzResult]:
    """Fuzz each target (all by default) for ``seconds``; a kept ``work`` folder makes later runs
    start from its corpus."""
    try:
        import atheris  # noqa: F401 - only checked here; each target process imports it
    except ImportError as exc:
        from rempart.errors import ConfigError

        raise ConfigError("fuzzing needs atheris: pip install 'rempart[fuzz]'") from exc
    folder = work or Path(tempfile.mkdtemp(prefix="rempart-fuzz-"))
    results = []
    for target in targets or list(TARGETS):
        log(f"fuzzing {target} for {seconds} s…")
        results.append(fuzz_target(target, seconds, folder, log=log))
    return results


if __name__ == "__main__":
    _main(sys.argv)
