"""rempart scan / rescan end to end on synthetic exports, on SQLite and PostgreSQL."""

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest
from https_server import files_handler, https_server
from support import rempart_env, rempart_exe, run_rempart

from rempart.investigate.linking import investigate
from rempart.investigate.runner import Scanner, scan_archives
from rempart.samples import save_jpeg, textured_photo
from rempart.settings import Settings
from rempart.signals.fingerprint import fingerprint_file
from rempart.sources.synthetic import ExportManifest, make_export_set
from rempart.store import Consent, Store
from rempart.store.scans import ScanStore


@pytest.fixture(scope="module")
def export_set(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ExportManifest]:
    root = tmp_path_factory.mktemp("exports")
    return root, make_export_set(root, seed=3, servers=3, channels=2, messages=24, victims=2)


def _register(store: Store, settings: Settings, photos: list[Path], bank: str = "victims") -> None:
    if bank not in {b.name for b in store.list_banks()}:
        store.create_bank(bank)
    store.add_fingerprints(
        bank,
        [fingerprint_file(p, settings, register=True) for p in photos],
        consent=Consent("self", "test"),
    )


def test_scan_finds_every_sighting_and_links_the_servers(
    store: Store, export_set: tuple[Path, ExportManifest]
) -> None:
    root, manifest = export_set
    settings = store.settings
    _register(store, settings, manifest.victim_photos)
    summary = scan_archives([root / "exports"], ["victims"], store, settings)
    assert summary.failed_exports == [] and summary.media_seen >= manifest.media_count
    findings = investigate(store, ["victims"], summary.message_ids)
    found = {
        case.label.removesuffix(".jpg"): sorted(s.message_id for s in case.sightings)
        for case in findings.cases
    }
    assert found == {stem: sorted(ids) for stem, ids in manifest.sightings.items()}
    # one account pushed them everywhere: one actor, in every server, linking every pair of servers
    assert [a.id for a in findings.actors] == [manifest.stalker_id]
    assert len(findings.actors[0].servers) == 3 and findings.actors[0].matched_posts == sum(
        len(v) for v in manifest.sightings.values()
    )
    assert len(findings.links) == 3
    for link in findings.links:
        assert (
            manifest.stalker_id in link.shared_members
            and manifest.stalker_id in link.cross_posters
            and link.shared_cases
        )
        expected_shared = manifest.members[link.source] & manifest.members[link.target]
        assert set(link.shared_members) == expected_shared
    assert findings.summary["people"] == len(set().union(*manifest.members.values()))
    # broken, hostile and remote media are recorded with a reason, and the scan went on
    reasons_of: dict[str, list[str]] = {}
    for item in findings.unavailable:
        reasons_of.setdefault(item["message_id"], []).append(f"{item['status']}: {item['reason']}")
    broken = [" | ".join(reasons_of[m]) for m in manifest.broken_messages]
    for expected in (
        "truncated",
        "not an image",
        "decompression bomb",
        "leaves the archive (refused)",
    ):
        assert sum(expected in reasons for reasons in broken) == 1, (expected, broken)
    assert all(any("remote URL" in r for r in reasons_of[m]) for m in manifest.remote_messages)
    assert summary.media_failed == 3 and summary.media_hashed == findings.summary["media_hashed"]


def test_scanning_again_adds_nothing(store: Store, export_set: tuple[Path, ExportManifest]) -> None:
    root, manifest = export_set
    _register(store, store.settings, manifest.victim_photos)
    scan_archives([root / "exports"], ["victims"], store, store.settings)
    before = ScanStore(store).counts()
    again = scan_archives([root / "exports"], ["victims"], store, store.settings)
    assert (
        again.media_skipped_as_done == again.media_seen
        and again.messages_added == 0
        and again.new_matches == 0
    )
    assert ScanStore(store).counts() == before


def test_retroactive_matching_without_the_media(backend_settings: Settings, tmp_path: Path) -> None:
    make_export_set(tmp_path / "set", seed=5, servers=2, channels=1, messages=24, victims=2)
    photos = sorted((tmp_path / "set" / "victim-photos").iterdir())
    assert run_rempart(backend_settings, "bank", "create", "victims").returncode == 0
    assert run_rempart(backend_settings, "bank", "add", "victims", str(photos[0])).returncode == 0
    first = run_rempart(
        backend_settings, "scan", str(tmp_path / "set" / "exports"), "--bank", "victims", "--json"
    )
    assert first.returncode == 1 and "3 unreadable" in first.stderr, (
        first.stderr
    )  # the sample set holds broken files on purpose
    assert [c["label"] for c in json.loads(first.stdout)["cases"]] == ["victim-1.jpg"]
    # the second victim registers later; the exported media are gone by then
    assert run_rempart(backend_settings, "bank", "add", "victims", str(photos[1])).returncode == 0
    for folder in (tmp_path / "set" / "exports").iterdir():
        if folder.is_dir():
            for file in folder.iterdir():
                file.unlink()
    later = run_rempart(backend_settings, "rescan", "--bank", "victims", "--json")
    assert later.returncode == 0, later.stderr
    cases = {c["label"]: c for c in json.loads(later.stdout)["cases"]}
    assert set(cases) == {"victim-1.jpg", "victim-2.jpg"}
    assert {s["found_by"] for s in cases["victim-2.jpg"]["sightings"]} == {"rescan"}
    assert "new matches" in later.stderr


def test_a_killed_scan_resumes_without_losing_or_repeating_work(tmp_path: Path) -> None:
    make_export_set(tmp_path / "set", seed=7, servers=3, channels=2, messages=24, victims=2)
    photos = str(tmp_path / "set" / "victim-photos")
    exports = str(tmp_path / "set" / "exports")
    reference = Settings(data_dir=tmp_path / "reference")
    interrupted = Settings(data_dir=tmp_path / "interrupted")
    for settings in (reference, interrupted):
        run_rempart(settings, "bank", "create", "victims")
        run_rempart(settings, "bank", "add", "victims", photos)
    assert (
        run_rempart(reference, "scan", exports, "--bank", "victims").returncode == 1
    )  # broken files on purpose: said, exit 1

    process = subprocess.Popen(
        [rempart_exe(), "scan", exports, "--bank", "victims"],
        env=rempart_env(interrupted),
        stderr=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
    )
    deadline = time.time() + 120
    recorded = 0
    while time.time() < deadline and process.poll() is None:
        recorded = _count(interrupted, "scan_media")
        if recorded >= 10:
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.05)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, "the scan finished before it could be interrupted"
    partial_count = _count(interrupted, "scan_media")
    resumed = run_rempart(interrupted, "scan", exports, "--bank", "victims")
    assert resumed.returncode == 1 and "Traceback" not in resumed.stderr, (
        resumed.stderr
    )  # the broken files, recorded before the kill
    assert f"({partial_count} already done" in resumed.stderr.replace("\n", " ")
    for table in ("scan_messages", "scan_media", "scanned_files", "scan_matches"):
        assert _count(interrupted, table) == _count(reference, table), table


def _count(settings: Settings, table: str) -> int:
    import sqlite3

    path = settings.data_dir / "rempart.db"
    if not path.exists():
        return 0
    with sqlite3.connect(path, timeout=30) as connection:
        try:
            return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        except sqlite3.OperationalError:  # not created yet
            return 0


def test_report_is_self_contained_bilingual_and_blurred(
    backend_settings: Settings, export_set: tuple[Path, ExportManifest], tmp_path: Path
) -> None:
    root, manifest = export_set
    run_rempart(backend_settings, "bank", "create", "victims")
    run_rempart(backend_settings, "bank", "add", "victims", str(root / "victim-photos"))
    report = tmp_path / "report.html"
    done = run_rempart(
        backend_settings,
        "scan",
        str(root / "exports"),
        "--bank",
        "victims",
        "--report",
        str(report),
        lang="fr",
    )
    assert done.returncode == 1 and "illisible" in done.stderr, (
        done.stderr
    )  # unreadable files on purpose, said in French
    html = report.read_text(encoding="utf-8")
    assert '<html lang="fr" data-lang="fr">' in html and "Dossiers" in html and "Cases" in html
    assert html.count('class="evidence"') == sum(len(v) for v in manifest.sightings.values())
    assert (
        "filter:blur(" in html
        and "<svg" in html
        and "http://" not in html.replace("http://www.w3.org", "")
    )
    for stem in manifest.sightings:
        assert f"{stem}.jpg" in html
    without = tmp_path / "no-media.html"
    run_rempart(
        backend_settings, "rescan", "--bank", "victims", "--report", str(without), "--no-media"
    )
    assert 'class="evidence"' not in without.read_text(encoding="utf-8")


def test_withdrawal_removes_her_sightings(
    store: Store, export_set: tuple[Path, ExportManifest]
) -> None:
    root, manifest = export_set
    _register(store, store.settings, manifest.victim_photos)
    scan_archives([root / "exports"], ["victims"], store, store.settings)
    entry = next(e for e in store.list_entries("victims") if e.label == "victim-1.jpg")
    store.withdraw("victims", entry.id)
    assert {c.label for c in investigate(store, ["victims"]).cases} == {"victim-2.jpg"}


def test_download_only_from_allowed_hosts_over_https(tmp_path: Path) -> None:
    photo = save_jpeg(textured_photo(31, (600, 750)), tmp_path / "victim.jpg")
    with https_server(tmp_path / "tls", files_handler({"/victim.jpg": photo.read_bytes()})) as (
        port,
        ca,
    ):
        export = tmp_path / "exports" / "S - c [1].json"
        export.parent.mkdir(parents=True)
        message = {
            "id": "1478139335147520001",
            "type": "Default",
            "timestamp": "",
            "timestampEdited": None,
            "content": "",
            "isPinned": False,
            "author": {
                "id": "7",
                "name": "a",
                "discriminator": "0000",
                "nickname": None,
                "isBot": False,
                "roles": [],
            },
            "attachments": [
                {
                    "id": "1",
                    "url": f"https://localhost:{port}/victim.jpg",
                    "fileName": "victim.jpg",
                    "fileSizeBytes": 1,
                },
                {
                    "id": "2",
                    "url": f"https://127.0.0.1:{port}/victim.jpg",
                    "fileName": "other.jpg",
                    "fileSizeBytes": 1,
                },
                {
                    "id": "3",
                    "url": f"http://localhost:{port}/victim.jpg",
                    "fileName": "plain.jpg",
                    "fileSizeBytes": 1,
                },
            ],
            "embeds": [],
            "stickers": [],
            "reactions": [],
            "mentions": [],
        }
        export.write_text(
            json.dumps(
                {
                    "guild": {"id": "1", "name": "S"},
                    "channel": {"id": "1", "name": "c"},
                    "messages": [message],
                }
            )
        )
        for download in (False, True):
            settings = Settings(
                data_dir=tmp_path / f"data-{download}",
                fetch_hosts=["localhost"],
                fetch_allow_private=True,
                fetch_ca_file=ca,
            )
            store = Store.open(settings)
            _register(store, settings, [photo])
            summary = scan_archives([export], ["victims"], store, settings, download=download)
            media = {m.position: m for m in ScanStore(store).media("test")}
            if download:
                assert media[0].status == "hashed" and summary.new_matches > 0
                assert (
                    media[1].status == "unavailable" and "URL not allowed" in media[1].reason
                )  # host not on the list
                assert (
                    media[2].status == "unavailable" and "URL not allowed" in media[2].reason
                )  # plain http
            else:
                assert {m.status for m in media.values()} == {
                    "unavailable"
                } and summary.new_matches == 0
            store.close()


def _zipped(root: Path, archive: Path) -> Path:
    """The set's exports in one zip, as exports often arrive."""
    import zipfile

    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted((root / "exports").rglob("*")):
            bundle.write(path, path.relative_to(root).as_posix())
    return archive


def test_a_zip_archive_scans_like_the_folder(
    store: Store, export_set: tuple[Path, ExportManifest], tmp_path: Path
) -> None:
    root, manifest = export_set
    _register(store, store.settings, manifest.victim_photos)
    archive = _zipped(root, tmp_path / "server-dump.zip")
    summary = scan_archives([archive], ["victims"], store, store.settings)
    assert len(summary.exports) == len(manifest.exports) and all(
        "!" in name for name in summary.exports
    )
    found = {
        case.label.removesuffix(".jpg"): sorted(s.message_id for s in case.sightings)
        for case in investigate(store, ["victims"]).cases
    }
    assert found == {stem: sorted(ids) for stem, ids in manifest.sightings.items()}


def test_each_run_unpacks_into_its_own_folder(
    store: Store, export_set: tuple[Path, ExportManifest], tmp_path: Path
) -> None:
    """Two scans of the same zip at once: neither deletes the copies the other is still reading."""
    from concurrent.futures import ThreadPoolExecutor

    root, manifest = export_set
    _register(store, store.settings, manifest.victim_photos)
    archive = _zipped(root, tmp_path / "dump.zip")
    first = Scanner(store, store.settings, ["victims"]).run([archive])
    with ThreadPoolExecutor(2) as pool:
        second, third = pool.map(
            lambda _: Scanner(store, store.settings, ["victims"]).run([archive]), range(2)
        )
    folders = {str(s.work_dirs[0]) for s in (first, second, third)}
    assert len(folders) == 3 and all(
        Path(f).parent == store.settings.data_dir / "scan-work" for f in folders
    )
    first.remove_copies()
    assert (
        not first.work_dirs[0].exists()
        and second.work_dirs[0].exists()
        and third.work_dirs[0].exists()
    )
    assert (
        second.media_seen == third.media_seen == first.media_seen > 0
    )  # each run read every reference
    second.remove_copies(), third.remove_copies()


def test_cli_scan_of_a_zip_keeps_no_copies_and_flags_a_broken_export(tmp_path: Path) -> None:
    import zipfile

    make_export_set(tmp_path / "set", seed=13, servers=1, channels=1, messages=13, victims=1)
    settings = Settings(data_dir=tmp_path / "data")
    run_rempart(settings, "bank", "create", "victims")
    run_rempart(settings, "bank", "add", "victims", str(tmp_path / "set" / "victim-photos"))
    archive = tmp_path / "dump.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for path in sorted((tmp_path / "set" / "exports").rglob("*")):
            bundle.write(path, path.relative_to(tmp_path / "set").as_posix())
    done = run_rempart(settings, "scan", str(archive), "--bank", "victims", "--json")
    assert done.returncode == 1 and "unreadable" in done.stderr, (
        done.stderr
    )  # the set's broken files
    assert json.loads(done.stdout)["summary"]["cases"] == 1
    assert not any((settings.data_dir / "scan-work").iterdir())  # the run's own work folder is gone
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "S - c [1].json").write_text(
        '{"guild": {"id": "1"}, "channel": {"id": "2"}, "messages": [{"author": {}}]}'
    )
    flagged = run_rempart(settings, "scan", str(broken), "--bank", "victims")
    assert flagged.returncode == 1 and "malformed message" in flagged.stderr
    assert (
        run_rempart(settings, "scan", str(broken), "--bank", "nope").returncode == 1
    )  # unknown bank: clear error


def test_an_export_with_a_malformed_message_id_is_skipped_and_the_scan_goes_on(
    tmp_path: Path,
) -> None:
    from support import write_export

    photo = save_jpeg(textured_photo(33, (600, 750)), tmp_path / "victim.jpg")
    good = write_export(tmp_path / "exports" / "good", {"a.jpg": photo.read_bytes()}, guild="Good")
    bad = write_export(
        tmp_path / "exports" / "bad", {"b.jpg": photo.read_bytes()}, guild="Bad", message_id="12abc"
    )
    settings = Settings(data_dir=tmp_path / "data")
    run_rempart(settings, "bank", "create", "victims")
    run_rempart(settings, "bank", "add", "victims", str(photo))
    done = run_rempart(settings, "scan", str(tmp_path / "exports"), "--bank", "victims", "--json")
    assert done.returncode == 1  # one export could not be read: said, and the exit code says it
    said = "".join(done.stderr.split())  # the console wraps long lines
    assert "".join(bad.name.split()) in said and "notaDiscordid" in said
    summary = json.loads(done.stdout)["summary"]
    assert summary["cases"] == 1 and good.exists()
    again = run_rempart(
        settings, "scan", str(tmp_path / "exports"), "--bank", "victims", "--json"
    )  # a rerun does not crash either
    assert again.returncode == 1 and json.loads(again.stdout)["summary"]["cases"] == 1


def test_a_rescan_from_another_path_reports_everything_its_inputs_hold(tmp_path: Path) -> None:
    import shutil
    import zipfile

    make_export_set(tmp_path / "set", seed=17, servers=2, channels=1, messages=13, victims=1)
    settings = Settings(data_dir=tmp_path / "data")
    run_rempart(settings, "bank", "create", "victims")
    run_rempart(settings, "bank", "add", "victims", str(tmp_path / "set" / "victim-photos"))
    first = run_rempart(
        settings, "scan", str(tmp_path / "set" / "exports"), "--bank", "victims", "--json"
    )
    expected = json.loads(first.stdout)["summary"]
    assert expected["cases"] == 1 and expected["servers"] == 2
    copy = tmp_path / "copy"
    shutil.copytree(tmp_path / "set" / "exports", copy)
    archive = tmp_path / "dump.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for path in sorted((tmp_path / "set" / "exports").rglob("*")):
            bundle.write(path, path.relative_to(tmp_path / "set").as_posix())
    for again in (copy, archive):  # the same messages, already stored, found under another path
        report = tmp_path / f"report-{again.name}.html"
        done = run_rempart(
            settings, "scan", str(again), "--bank", "victims", "--json", "--report", str(report)
        )
        summary = json.loads(done.stdout)["summary"]
        keys = ("cases", "servers", "channels", "messages", "media")
        assert [summary[k] for k in keys] == [expected[k] for k in keys], again
        assert report.read_text(encoding="utf-8").count('class="case"') >= 1


def test_each_input_fails_alone(tmp_path: Path) -> None:
    import zipfile

    from support import write_export

    photo = save_jpeg(textured_photo(35, (600, 750)), tmp_path / "victim.jpg")
    good = write_export(tmp_path / "good", {"a.jpg": photo.read_bytes()}, guild="Good")
    nested = tmp_path / "nested" / "Deep - c [1].json"
    nested.parent.mkdir()
    nested.write_text('{"guild": {"id": "1"}, "channel": {"id": "2"}, "messages": ' + "[" * 100_000)
    hostile = tmp_path / "hostile.zip"
    with zipfile.ZipFile(hostile, "w") as bundle:
        bundle.writestr("../../escape.json", "{}")
    settings = Settings(data_dir=tmp_path / "data")
    run_rempart(settings, "bank", "create", "victims")
    run_rempart(settings, "bank", "add", "victims", str(photo))
    done = run_rempart(
        settings,
        "scan",
        str(hostile),
        str(nested.parent),
        str(good.parent),
        "--bank",
        "victims",
        "--json",
    )
    assert done.returncode == 1
    said = "".join(done.stderr.split())
    assert "outsidethearchivefolder" in said and "nestedmorethan64levels" in said
    assert (
        json.loads(done.stdout)["summary"]["cases"] == 1
    )  # the good export, given last, was scanned


def test_a_large_export_is_scanned_in_bounded_memory(tmp_path: Path) -> None:
    import sys

    def export(path: Path, messages: int) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        text = "x" * 400
        rows = (
            json.dumps(
                {
                    "id": str(1478139335147520001 + i * 4194304),
                    "type": "Default",
                    "timestamp": "",
                    "content": text,
                    "author": {"id": str(7 + i % 50), "name": "a"},
                    "attachments": [],
                    "embeds": [],
                    "stickers": [],
                    "reactions": [],
                    "mentions": [],
                }
            )
            for i in range(messages)
        )
        with path.open("w") as handle:
            handle.write(
                '{"guild": {"id": "1", "name": "G"}, "channel": {"id": "2", "name": "c"}, '
                '"messages": ['
            )
            handle.write(",".join(rows))
            handle.write("]}")
        return path

    def peak_rss_kib(target: Path, data: str) -> int:
        measure = (
            "import resource, subprocess, sys; "
            "done = subprocess.run(sys.argv[1:], capture_output=True); "
            "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
        )
        env = rempart_env(Settings(data_dir=tmp_path / data))
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                measure,
                rempart_exe(),
                "scan",
                str(target),
                "--bank",
                "victims",
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=900,
        )
        code, peak = out.stdout.split()
        assert code == "0", out
        return int(peak)

    for data in ("small-data", "large-data"):
        run_rempart(Settings(data_dir=tmp_path / data), "bank", "create", "victims")
    small = peak_rss_kib(export(tmp_path / "small" / "G - c [2].json", 100), "small-data")
    large_file = export(tmp_path / "large" / "G - c [2].json", 120_000)
    assert large_file.stat().st_size > 60_000_000
    large = peak_rss_kib(large_file, "large-data")
    print(
        f"peak RSS of rempart scan: {small} KiB for 100 messages, {large} KiB for "
        f"{large_file.stat().st_size} bytes"
    )  # pytest -s
    assert large - small < 150_000, (
        small,
        large,
    )  # far less than the file: parsed and stored a batch at a time


def test_one_case_is_built_from_its_own_sightings_only(
    store: Store, export_set: tuple[Path, ExportManifest]
) -> None:
    """A case page reads that case's files and channels, not the whole database, and shows the
    same sightings and meanings as the full investigation."""
    root, manifest = export_set
    _register(store, store.settings, manifest.victim_photos)
    scan_archives([root / "exports"], ["victims"], store, store.settings)
    everything = investigate(store, ["victims"], actor="full")
    for case in everything.cases:
        alone = investigate(store, ["victims"], actor="one", entry_ids=[case.entry_id])
        assert [c.entry_id for c in alone.cases] == [case.entry_id]
        assert [(s.message_id, s.meaning) for s in alone.cases[0].sightings] == [
            (s.message_id, s.meaning) for s in case.sightings
        ]
        assert {a.id for a in alone.actors} == {s.author_id for s in case.sightings}
    reads = {
        actor: int(detail.split()[0])
        for _at, actor, action, _bank, _entry, detail in store.audit_log(500)
        if action == "scan.media.read"
    }
    assert reads["one"] < reads["full"]  # only the case's media references were read
    assert all(s.meaning["en"] and s.meaning["fr"] for c in everything.cases for s in c.sightings)
    assert investigate(store, ["victims"], entry_ids=[10**9]).cases == []
