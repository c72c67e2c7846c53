"""Turn what the user gives ``rempart scan`` (export files, folders, zip archives) into export files
to read.

Zip archives are unpacked into a private working folder after checking every member: no
absolute paths, no ``..``, no links, at most ``max_members`` members, at most ``max_bytes``
unpacked in total, and no member expanding more than ``max_ratio`` times (a zip bomb). A bad
archive is refused as a whole, before anything is written. Member names stored without the
UTF-8 flag (Info-ZIP on Linux writes UTF-8 bytes and no flag) are read as UTF-8 when they are
valid UTF-8, else as cp437 as the format says; names are written in Unicode NFC form.
"""

from __future__ import annotations

import hashlib
import shutil
import stat
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from rempart.errors import ImportFormatError
from rempart.sources.discord_export import looks_like_export


@dataclass(frozen=True)
class ExportFile:
    """One export JSON to read, the folder its media paths must stay inside, and a stable name."""

    path: Path
    root: Path
    #: Stable across runs (archive path + member), used to resume and in reports.
    name: str


@dataclass(frozen=True)
class ZipLimits:
    max_members: int = 200_000
    max_bytes: int = 20 * 1024**3
    max_ratio: int = 200


def collect_exports(inputs: list[Path], work_dir: Path, limits: ZipLimits) -> list[ExportFile]:
    """Every export JSON under the inputs (folders searched recursively, zips unpacked safely).

    ImportFormatError at the first input that cannot be read; ``collect_each`` reads the others on.
    """
    found, failed = collect_each(inputs, work_dir, limits)
    if failed:
        raise ImportFormatError(failed[0][1])
    return found


def collect_each(
    inputs: list[Path], work_dir: Path, limits: ZipLimits
) -> tuple[list[ExportFile], list[tuple[str, str]]]:
    """Every export JSON under the inputs, and (input, reason) for each input that cannot be read:
    one refused archive never stops the others."""
    found: list[ExportFile] = []
    failed: list[tuple[str, str]] = []
    for item in inputs:
        try:
            found.extend(_exports_of(item, work_dir, limits))
        except ImportFormatError as exc:
            failed.append((str(item), str(exc)))
    return found, failed


def _exports_of(item: Path, work_dir: Path, limits: ZipLimits) -> list[ExportFile]:
    if not item.exists():
        raise ImportFormatError(f"{item}: no such file or folder")
    if item.is_dir():
        return _exports_in_folder(item, item, str(item.resolve()))
    if zipfile.is_zipfile(item):
        target = work_dir / hashlib.sha256(str(item.resolve()).encode()).hexdigest()[:16]
        unpack_zip(item, target, limits)
        return _exports_in_folder(target, target, f"{item.resolve()}!")
    if looks_like_export(item):
        return [ExportFile(item, item.parent, str(item.resolve()))]
    raise ImportFormatError(
        f"{item}: neither a DiscordChatExporter JSON export, a folder nor a zip archive"
    )


def _exports_in_folder(folder: Path, root: Path, prefix: str) -> list[ExportFile]:
    exports = []
    for path in sorted(folder.rglob("*.json")):
        if path.is_file() and not path.is_symlink() and looks_like_export(path):
            relative = path.relative_to(folder).as_posix()
            exports.append(
                ExportFile(
                    path,
                    root,
                    f"{prefix}/{relative}" if not prefix.endswith("!") else f"{prefix}{relative}",
                )
            )
    return exports


def unpack_zip(archive: Path, target: Path, limits: ZipLimits) -> None:
    """Check every member, then unpack into ``target`` (replaced if present)."""
    try:
        with zipfile.ZipFile(archive) as bundle:
            members = bundle.infolist()
            _check_members(archive, members, limits)
            if target.exists():
                shutil.rmtree(target)
            target.mkdir(parents=True)
            for member in members:
                destination = target / PurePosixPath(member_name(member))
                if member.is_dir():
                    destination.mkdir(parents=True, exist_ok=True)
                    continue
                destination.parent.mkdir(parents=True, exist_ok=True)
                _copy_member(bundle, member, destination, limits)
    except ImportFormatError:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        EOFError,
        OSError,
        zlib.error,
        ValueError,
        IndexError,
        RuntimeError,
    ) as exc:
        # zipfile reports a damaged archive in all these ways (bad offsets, bad deflate data, names,
        # encryption)
        raise ImportFormatError(
            f"{archive}: unreadable zip archive ({type(exc).__name__}: {str(exc)[:200]})"
        ) from exc


def member_name(member: zipfile.ZipInfo) -> str:
    """The member's real name: UTF-8 bytes without the UTF-8 flag are UTF-8, not cp437; NFC."""
    name = member.filename
    if not member.flag_bits & 0x800:
        try:
            name = name.encode("cp437").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass  # genuinely cp437 (or already decoded otherwise): keep it
    return unicodedata.normalize("NFC", name)


def _check_members(archive: Path, members: list[zipfile.ZipInfo], limits: ZipLimits) -> None:
    if len(members) > limits.max_members:
        raise ImportFormatError(
            f"{archive}: {len(members)} members, more than the limit of {limits.max_members}"
        )
    total = 0
    for member in members:
        name = member_name(member).replace("\\", "/")
        if not name or "\x00" in name:
            raise ImportFormatError(f"{archive}: a member has an empty or invalid name (refused)")
        parts = PurePosixPath(name).parts
        if name.startswith("/") or (parts and parts[0].endswith(":")) or ".." in parts:
            raise ImportFormatError(
                f"{archive}: member {member.filename!r} would be written outside the archive "
                "folder (refused)"
            )
        if stat.S_ISLNK(member.external_attr >> 16):
            raise ImportFormatError(
                f"{archive}: member {member.filename!r} is a symbolic link (refused)"
            )
        total += member.file_size
        if (
            member.compress_size
            and member.file_size / member.compress_size > limits.max_ratio
            and member.file_size > 1024 * 1024
        ):
            raise ImportFormatError(
                f"{archive}: member {member.filename!r} expands "
                f"{member.file_size // member.compress_size}× (zip bomb?)"
            )
    if total > limits.max_bytes:
        raise ImportFormatError(
            f"{archive}: unpacks to {total} bytes, over the limit of {limits.max_bytes}"
        )


def _copy_member(
    bundle: zipfile.ZipFile, member: zipfile.ZipInfo, destination: Path, limits: ZipLimits
) -> None:
    """Copy in chunks, stopping if the member turns out bigger than its header said."""
    written = 0
    with bundle.open(member) as source, destination.open("wb") as sink:
        while chunk := source.read(1024 * 1024):
            written += len(chunk)
            if written > member.file_size or written > limits.max_bytes:
                raise ImportFormatError(
                    f"member {member.filename!r} is bigger than its header says (refused)"
                )
            sink.write(chunk)
