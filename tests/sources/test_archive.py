import stat
import zipfile
from pathlib import Path

import pytest

from rempart.errors import ImportFormatError
from rempart.sources.archive import ZipLimits, collect_exports, unpack_zip
from rempart.sources.synthetic import make_export_set


def _zip_of(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted(folder.rglob("*")):
            bundle.write(path, path.relative_to(folder.parent).as_posix())
    return target


def test_a_zip_of_exports_is_unpacked_and_its_exports_found(tmp_path: Path) -> None:
    manifest = make_export_set(tmp_path / "set", servers=2, channels=1, messages=6, victims=1)
    archive = _zip_of(tmp_path / "set" / "exports", tmp_path / "exports.zip")
    found = collect_exports([archive], tmp_path / "work", ZipLimits())
    assert sorted(e.path.name for e in found) == sorted(p.name for p in manifest.exports)
    assert all(
        e.name.startswith(f"{archive.resolve()}!") and e.path.is_relative_to(tmp_path / "work")
        for e in found
    )
    again = collect_exports(
        [archive], tmp_path / "work", ZipLimits()
    )  # a rerun names them the same (resume)
    assert [e.name for e in again] == [e.name for e in found]


@pytest.mark.parametrize(
    "name", ["../evil.json", "a/../../evil.json", "/etc/evil.json", "C:/evil.json", "..\\evil.json"]
)
def test_members_leaving_the_folder_are_refused(tmp_path: Path, name: str) -> None:
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("ok.txt", "fine")
        bundle.writestr(name, "{}")
    with pytest.raises(ImportFormatError, match="outside the archive"):
        unpack_zip(archive, tmp_path / "out", ZipLimits())
    assert not (tmp_path / "out").exists() and not (tmp_path / "evil.json").exists()


def test_symbolic_links_are_refused(tmp_path: Path) -> None:
    archive = tmp_path / "link.zip"
    info = zipfile.ZipInfo("photo.jpg")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr(info, "/etc/passwd")
    with pytest.raises(ImportFormatError, match="symbolic link"):
        unpack_zip(archive, tmp_path / "out", ZipLimits())


def test_a_zip_bomb_is_refused_before_unpacking(tmp_path: Path) -> None:
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("zeros.json", b"\0" * (50 * 1024 * 1024))
    with pytest.raises(ImportFormatError, match="zip bomb"):
        unpack_zip(archive, tmp_path / "out", ZipLimits())
    assert not (tmp_path / "out").exists()


def test_size_and_member_limits(tmp_path: Path) -> None:
    archive = tmp_path / "many.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for number in range(20):
            bundle.writestr(f"f{number}.txt", "x" * 1000)
    with pytest.raises(ImportFormatError, match="members"):
        unpack_zip(archive, tmp_path / "a", ZipLimits(max_members=10))
    with pytest.raises(ImportFormatError, match="unpacks to"):
        unpack_zip(archive, tmp_path / "b", ZipLimits(max_bytes=5000))


def test_a_corrupt_zip_and_a_wrong_input_get_clear_errors(tmp_path: Path) -> None:
    archive = tmp_path / "broken.zip"
    good = tmp_path / "good.zip"
    with zipfile.ZipFile(good, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("a.json", "x" * 100_000)
    data = good.read_bytes()
    archive.write_bytes(
        data[:40] + b"\0" * 200 + data[240:]
    )  # damaged member data, intact directory
    with pytest.raises(ImportFormatError):
        collect_exports([archive], tmp_path / "work", ZipLimits())
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(ImportFormatError, match="neither"):
        collect_exports([text], tmp_path / "work", ZipLimits())
    with pytest.raises(ImportFormatError, match="no such"):
        collect_exports([tmp_path / "missing"], tmp_path / "work", ZipLimits())


class _InfoZipName(zipfile.ZipInfo):
    """A member name written as Info-ZIP on Linux writes it: its UTF-8 bytes, without the UTF-8
    flag."""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # noqa: N802 - zipfile's name
        return self.filename.encode("cp437"), self.flag_bits


def test_utf8_names_without_the_utf8_flag_and_decomposed_names_are_found(tmp_path: Path) -> None:
    """Info-ZIP on Linux stores UTF-8 names without the flag; macOS writes names decomposed
    (NFD)."""
    import json
    import unicodedata

    from rempart.sources.archive import ZipLimits, collect_exports
    from rempart.sources.discord_export import read_export

    folder = "Serveur - général [1].json_Files"
    export = {
        "guild": {"id": "7", "name": "Serveur"},
        "channel": {"id": "1", "name": "général"},
        "messages": [
            {
                "id": "1478139335147520001",
                "author": {"id": "1", "name": "a"},
                "attachments": [
                    {
                        "id": "1",
                        "url": f"{folder}/photo-é.jpg",
                        "fileName": "photo-é.jpg",
                        "fileSizeBytes": 3,
                    },
                    {
                        "id": "2",
                        "url": unicodedata.normalize("NFD", f"{folder}/autre-è.jpg"),
                        "fileName": "autre-è.jpg",
                        "fileSizeBytes": 3,
                    },
                ],
            },
        ],
    }
    archive = tmp_path / "linux.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for name, data in (
            ("exports/Serveur - général [1].json", json.dumps(export).encode()),
            (f"exports/{folder}/photo-é.jpg", b"\xff\xd8\xffjpeg"),
            (f"exports/{folder}/autre-è.jpg", b"\xff\xd8\xffjpeg"),
        ):
            bundle.writestr(_InfoZipName(name.encode("utf-8").decode("cp437")), data)
    assert not any(i.flag_bits & 0x800 for i in zipfile.ZipFile(archive).infolist())
    found = collect_exports([archive], tmp_path / "work", ZipLimits())
    assert [Path(e.name).name for e in found] == ["Serveur - général [1].json"]
    parsed = read_export(found[0].path, found[0].root, max_bytes=10**6)
    refs = parsed.messages[0].media
    assert [r.unavailable_reason for r in refs] == ["", ""] and all(
        r.local_path and r.local_path.is_file() for r in refs
    )
