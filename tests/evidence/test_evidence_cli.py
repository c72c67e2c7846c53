"""`rempart evidence` as a new user runs it: sample export, bank, scan, export, verify — then an
altered pack, a tampered store and a withdrawal that destroys her evidence."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

import pytest
from support import run_rempart

from rempart.settings import Settings

pytestmark = pytest.mark.slow  # several processes and a full scan


def test_the_readme_walkthrough_makes_a_pack_that_verifies(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    demo = tmp_path / "demo-export"
    assert run_rempart(settings, "sample-export", str(demo)).returncode == 0
    assert run_rempart(settings, "bank", "create", "victims").returncode == 0
    added = run_rempart(settings, "bank", "add", "victims", str(demo / "victim-photos"))
    assert added.returncode == 0, added.stderr
    scanned = run_rempart(settings, "scan", str(demo / "exports"), "--bank", "victims")
    assert scanned.returncode == 1  # the sample set holds 3 broken files on purpose
    pack = tmp_path / "pack.zip"
    exported = run_rempart(settings, "evidence", "export", "victims", "1", "-o", str(pack))
    assert exported.returncode == 0, exported.stderr
    assert "Pack written" in exported.stdout and pack.stat().st_mode & 0o777 == 0o600
    verified = run_rempart(settings, "evidence", "verify", str(pack))
    assert verified.returncode == 0 and "checks out" in verified.stdout, verified.stderr
    chain = run_rempart(settings, "evidence", "verify", lang="fr")
    assert chain.returncode == 0 and "Journal de conservation intact" in chain.stdout

    # a member changed: verify fails and names it
    altered = tmp_path / "altered.zip"
    with zipfile.ZipFile(pack) as source, zipfile.ZipFile(altered, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "notices/plainte.txt":
                data = data.replace(b"contre X", b"contre Y")
            target.writestr(name, data)
    broken = run_rempart(settings, "evidence", "verify", str(altered))
    assert broken.returncode == 1 and "notices/plainte.txt" in broken.stderr

    # a record edited in the SQLite file: the store's chain names it
    with sqlite3.connect(settings.data_dir / "rempart.db") as connection:
        connection.execute("UPDATE audit_log SET actor = 'nobody' WHERE seq = 3")
    tampered = run_rempart(settings, "evidence", "verify")
    assert tampered.returncode == 1 and "record 3" in tampered.stderr


def test_withdrawal_with_evidence_deletion_leaves_nothing_to_export(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    demo = tmp_path / "demo-export"
    run_rempart(settings, "sample-export", str(demo))
    run_rempart(settings, "bank", "create", "victims")
    run_rempart(settings, "bank", "add", "victims", str(demo / "victim-photos"), "--minor")
    run_rempart(settings, "scan", str(demo / "exports"), "--bank", "victims")
    vault = settings.data_dir / "vault"
    assert not vault.exists() or not any(p.is_file() for p in vault.rglob("*"))  # minors: none
    pack = tmp_path / "pack.zip"
    assert (
        run_rempart(settings, "evidence", "export", "victims", "1", "-o", str(pack)).returncode == 0
    )
    with zipfile.ZipFile(pack) as archive:
        assert not [n for n in archive.namelist() if n.startswith("media/")]
    gone = run_rempart(settings, "bank", "withdraw", "victims", "1", "--delete-evidence")
    assert gone.returncode == 0 and "destroyed" in gone.stdout
    again = run_rempart(
        settings, "evidence", "export", "victims", "1", "-o", str(tmp_path / "b.zip")
    )
    assert again.returncode == 1 and "destroyed" in again.stderr
    assert run_rempart(settings, "evidence", "verify").returncode == 0
