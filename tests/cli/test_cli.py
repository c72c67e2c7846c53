"""End-to-end: drive the installed `rempart` command as a user would, on SQLite and PostgreSQL."""

import json
import os
import shutil
from pathlib import Path

from support import run_rempart as _rempart

from rempart.settings import Settings

RESULTS = {"resized", "brighter", "greyscale", "caption"}


def test_victim_flow_fingerprint_bank_match(
    backend_settings: Settings, photo_dir: Path, tmp_path: Path
) -> None:
    prints = tmp_path / "mine.jsonl"
    done = _rempart(
        backend_settings, "fingerprint", str(photo_dir / "originals"), "-o", str(prints)
    )
    assert done.returncode == 0, done.stderr
    assert len(prints.read_text().splitlines()) == 3
    assert _rempart(backend_settings, "bank", "create", "victims").returncode == 0
    added = _rempart(backend_settings, "bank", "add", "victims", "--fingerprints", str(prints))
    assert added.returncode == 0 and "3 entries" in added.stdout

    matched = _rempart(
        backend_settings, "match", str(photo_dir / "copies"), "--bank", "victims", "--json"
    )
    assert matched.returncode == 0, matched.stderr
    rows = [json.loads(line) for line in matched.stdout.splitlines()]
    assert len(rows) == 12
    for row in rows:
        name = Path(row["file"]).name
        assert {m["label"] for m in row["matches"]} == {name.rsplit("-", 1)[0] + ".jpg"}, name
        assert all(m["bank"] == "victims" for m in row["matches"])
        assert all(m["distance"] <= 31 for m in row["matches"] if m["signal"] == "pdq")

    strangers = _rempart(backend_settings, "match", str(photo_dir / "unrelated"), "--json")
    assert strangers.returncode == 0
    assert all(json.loads(line)["matches"] == [] for line in strangers.stdout.splitlines())

    listed = json.loads(_rempart(backend_settings, "bank", "list", "--json").stdout)
    assert (
        listed[0]["name"] == "victims"
        and listed[0]["active_entries"] == 3
        and listed[0]["fingerprints"] == 30
    )  # per photo: SHA-256, 8 PDQ, 1 local-feature set


def test_bad_media_is_reported_and_the_rest_continue(
    settings: Settings, photo_dir: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "mixed"
    shutil.copytree(photo_dir / "originals", folder)
    (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 50)
    (folder / "notes.txt").write_text("hello")
    _rempart(settings, "bank", "create", "b")
    added = _rempart(settings, "bank", "add", "b", str(folder))
    assert added.returncode == 1
    assert "3 entries added" in added.stdout
    assert "broken.jpg" in added.stderr and "notes.txt" in added.stderr
    matched = _rempart(settings, "match", str(folder))
    assert matched.returncode == 1
    assert matched.stdout.count("MATCH") == 9  # sha256 + pdq + orb for each of the 3 photos
    assert "3 matched, 2 unreadable" in matched.stderr


def test_import_and_withdraw(settings: Settings, photo_dir: Path, tmp_path: Path) -> None:
    from threatexchange.signal_type.pdq.pdq_hasher import pdq_from_file

    original = photo_dir / "originals" / "photo-3.jpg"
    pdq_hex, _ = pdq_from_file(original)
    bank_file = tmp_path / "stopncii.csv"
    bank_file.write_text(
        f"signal_type,signal_value,id\npdq,{pdq_hex},case-77\n"
        f"video_md5,{'0' * 32},case-78\ntmk,{'0' * 32},case-79\n"
    )
    _rempart(settings, "bank", "create", "imported")
    imported = _rempart(settings, "bank", "import", "imported", str(bank_file))
    assert (
        imported.returncode == 0 and "2 hashes (PDQ, video MD5, vPDQ) imported" in imported.stdout
    )
    assert "tmk=1" in imported.stderr
    found = _rempart(settings, "match", str(photo_dir / "copies" / "photo-3-resized.jpg"), "--json")
    [row] = [json.loads(line) for line in found.stdout.splitlines()]
    [hit] = row["matches"]
    assert hit["label"] == "case-77"
    withdrawn = _rempart(settings, "bank", "withdraw", "imported", str(hit["entry_id"]))
    assert withdrawn.returncode == 0 and "1 fingerprints deleted" in withdrawn.stdout
    again = _rempart(settings, "match", str(photo_dir / "copies" / "photo-3-resized.jpg"), "--json")
    assert json.loads(again.stdout)["matches"] == []


def test_errors_are_messages_not_tracebacks_in_both_languages(
    settings: Settings, tmp_path: Path
) -> None:
    missing = _rempart(settings, "bank", "add", "nope", "--fingerprints", str(tmp_path / "x.jsonl"))
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    no_bank = _rempart(settings, "bank", "withdraw", "ghost", "1")
    assert no_bank.returncode == 1 and "no bank named 'ghost'" in no_bank.stderr
    french = _rempart(settings, "bank", "withdraw", "ghost", "1", lang="fr")
    assert "Erreur" in french.stderr
    _rempart(settings, "bank", "create", "dup")
    dup = _rempart(settings, "bank", "create", "dup")
    assert dup.returncode == 1 and "already exists" in dup.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("pdq,zzzz\n")
    imported = _rempart(settings, "bank", "import", "dup", str(bad))
    assert imported.returncode == 1 and "line 1" in imported.stderr


def test_fingerprint_never_writes_media(
    settings: Settings, photo_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    done = _rempart(
        settings, "fingerprint", str(photo_dir / "originals"), "-o", str(out / "prints.jsonl")
    )
    assert done.returncode == 0
    assert [p.name for p in out.iterdir()] == ["prints.jsonl"]
    assert not settings.data_dir.exists() or not any(settings.data_dir.rglob("*.jpg"))
    assert "photo-1.jpg" in (out / "prints.jsonl").read_text()
    anonymous = _rempart(settings, "fingerprint", str(photo_dir / "originals"), "--no-names")
    sources = [json.loads(line)["source"] for line in anonymous.stdout.splitlines()]
    assert sources == ["photo-1", "photo-2", "photo-3"] and ".jpg" not in anonymous.stdout


def test_demo_runs_end_to_end(settings: Settings, tmp_path: Path) -> None:
    from rich.console import Console

    from rempart.demo import run_demo

    assert run_demo(tmp_path / "demo", settings, Console(file=open(os.devnull, "w")))
    second = _rempart(settings, "demo", "--dir", str(tmp_path / "demo2"))
    assert (
        second.returncode == 0
        and "Altered copies found: 20/20; unrelated photos matched: 0/10" in second.stdout
    )


def test_two_concurrent_adds_of_one_folder_register_each_photo_once(
    backend_settings: Settings, tmp_path: Path
) -> None:
    import subprocess

    from support import rempart_env, rempart_exe

    from rempart.samples import save_jpeg, textured_photo

    folder = tmp_path / "photos"
    for seed in range(24):
        save_jpeg(textured_photo(600 + seed, (320, 400)), folder / f"p{seed:02d}.jpg")
    assert _rempart(backend_settings, "bank", "create", "victims").returncode == 0
    command = [rempart_exe(), "bank", "add", "victims", str(folder)]
    runs = [
        subprocess.Popen(
            command,
            env=rempart_env(backend_settings),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    assert [run.wait(timeout=600) for run in runs] == [0, 0], [
        run.stderr.read() for run in runs if run.stderr
    ]
    listed = json.loads(_rempart(backend_settings, "bank", "entries", "victims", "--json").stdout)
    assert len(listed) == 24 and len({e["label"] for e in listed}) == 24


def test_names_are_printed_as_they_are_and_never_as_markup_or_escapes(tmp_path: Path) -> None:
    from rempart.samples import save_jpeg, textured_photo

    settings = Settings(data_dir=tmp_path / "data")
    hostile = "holiday [final] [/] \x1b[31mred\x1b[0m \u202egpj.exe.jpg"
    photo = save_jpeg(textured_photo(650, (400, 500)), tmp_path / "photos" / "holiday [final].jpg")
    shutil.copy(photo, tmp_path / "photos" / "x.jpg")
    prints = tmp_path / "prints.jsonl"
    assert (
        _rempart(
            settings, "fingerprint", str(tmp_path / "photos" / "x.jpg"), "-o", str(prints)
        ).returncode
        == 0
    )
    line = json.loads(prints.read_text())
    line["source"] = hostile  # a label from elsewhere (a CSV id, a file name)
    prints.write_text(json.dumps(line) + "\n")
    _rempart(settings, "bank", "create", "victims")
    assert (
        _rempart(settings, "bank", "add", "victims", "--fingerprints", str(prints)).returncode == 0
    )
    matched = _rempart(settings, "match", str(tmp_path / "photos"), "--bank", "victims")
    assert matched.returncode == 0, matched.stderr  # no MarkupError on "[/]"
    lines = matched.stdout.splitlines()
    assert any("holiday [final].jpg" in row for row in lines)  # the brackets are printed, not eaten
    assert (
        "\x1b" not in matched.stdout
        and "\u202e" not in matched.stdout
        and "holiday [final] [/] [31mred[0m gpj.exe.jpg" in matched.stdout
    )
    assert len(lines) >= 4 and all(
        ": MATCH bank=victims" in row for row in lines
    )  # one whole line per match, nothing wrapped
    entries = _rempart(settings, "bank", "entries", "victims")
    assert "\x1b" not in entries.stdout and "[/]" in entries.stdout


def test_machine_output_goes_to_stdout_untouched_and_whole(tmp_path: Path) -> None:
    import pty
    import subprocess

    from support import rempart_env, rempart_exe

    from rempart.samples import save_jpeg, textured_photo

    settings = Settings(data_dir=tmp_path / "data")
    long_dir = tmp_path / ("a-folder-with-a-long-name-" * 4)
    for seed in range(3):
        save_jpeg(textured_photo(660 + seed, (300, 380)), long_dir / f"photo-{seed}.jpg")
    _rempart(settings, "bank", "create", "victims")
    _rempart(settings, "bank", "add", "victims", str(long_dir))
    out = tmp_path / "out.jsonl"
    primary, secondary = pty.openpty()  # stderr is a terminal: the progress bar shows there
    with out.open("w") as sink:
        done = subprocess.run(
            [rempart_exe(), "match", str(long_dir), "--bank", "victims", "--json"],
            env={**rempart_env(settings), "COLUMNS": "80"},
            stdout=sink,
            stderr=secondary,
            timeout=300,
        )
    os.close(secondary)
    os.close(primary)
    assert done.returncode == 0
    rows = [
        json.loads(line) for line in out.read_text().splitlines()
    ]  # each line whole JSON: nothing wrapped at 80 columns
    assert len(rows) == 3 and all(row["matches"] for row in rows)
    plain = _rempart(settings, "match", str(long_dir), "--bank", "victims")
    assert all(
        str(long_dir) in row for row in plain.stdout.splitlines()
    )  # long lines are not wrapped either


def test_fingerprint_output_is_never_emptied_or_overwritten_by_surprise(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    out = tmp_path / "mine.jsonl"
    out.write_text("earlier fingerprints\n")
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff not really")
    refused = _rempart(settings, "fingerprint", str(broken), "-o", str(out))
    assert (
        refused.returncode == 1
        and "--force" in refused.stderr
        and out.read_text() == "earlier fingerprints\n"
    )
    failed = _rempart(settings, "fingerprint", str(broken), "-o", str(out), "--force")
    assert (
        failed.returncode == 1 and out.read_text() == "earlier fingerprints\n"
    )  # every input failed: the old file stays
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_small_things_a_new_user_meets(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    version = _rempart(settings, "--version")
    assert version.returncode == 0 and version.stdout.startswith("rempart ")
    assert "<bool>" not in _rempart(settings, "fingerprint", "--help").stdout
    photo = tmp_path / "p.jpg"
    from rempart.samples import save_jpeg, textured_photo

    save_jpeg(textured_photo(670, (300, 380)), photo)
    no_banks = _rempart(settings, "match", str(photo))
    assert no_banks.returncode == 1 and "No banks" in no_banks.stderr
    french = _rempart(settings, "bank", "add", "nowhere", str(photo), lang="fr")
    assert (
        french.returncode == 1
        and "banque" in french.stderr.lower()
        and "no bank named" not in french.stderr
    )
