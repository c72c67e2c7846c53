"""The matcher's saved snapshot: a start loads it, it is unreadable without the store, and a
withdrawal shreds it."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from rempart.index import persisted
from rempart.index.matcher import Matcher
from rempart.samples import save_jpeg, textured_photo
from rempart.settings import Settings
from rempart.signals.fingerprint import Fingerprint, SignalValue, fingerprint_file
from rempart.store import Consent, Store
from rempart.store.snapshot_keys import snapshot_key_count


def _answers(matcher: Matcher, queries: list[Fingerprint]) -> list[list[tuple[str, int, str]]]:
    return [[(m.bank, m.entry_id, m.signal) for m in matcher.match(q)] for q in queries]


def _bank(store: Store, settings: Settings, tmp_path: Path) -> tuple[list[int], list[Fingerprint]]:
    store.create_bank("b")
    photos = [
        save_jpeg(textured_photo(500 + k, (640, 480)), tmp_path / f"p{k}.jpg") for k in range(4)
    ]
    prints = [fingerprint_file(p, settings, register=True) for p in photos]
    ids = store.add_fingerprints("b", prints, consent=Consent("self", "t")).added
    crops = []
    for k, photo in enumerate(photos):
        from PIL import Image

        crop = tmp_path / f"crop{k}.jpg"
        Image.open(photo).crop((100, 60, 500, 380)).save(crop, quality=85)
        crops.append(fingerprint_file(crop, settings))
    return ids, [fingerprint_file(p, settings) for p in photos] + crops


def test_a_start_loads_the_saved_snapshot_and_answers_alike(
    backend_settings: Settings, tmp_path: Path
) -> None:
    store = Store.open(backend_settings)
    try:
        ids, queries = _bank(store, backend_settings, tmp_path)
        built = Matcher(store, backend_settings)
        assert built.full_builds == 1 and not built.loaded_from_disk
        assert built.snapshot_file is not None and built.snapshot_file.exists()
        assert os.stat(built.snapshot_file).st_mode & 0o777 == 0o600
        expected = _answers(built, queries)
        assert all(any(a[1] == i for a in answers) for i, answers in zip(ids + ids, expected))
        # a write after the save: the next start loads the file and applies just that write
        extra = save_jpeg(textured_photo(777, (640, 480)), tmp_path / "late.jpg")
        late = store.add_fingerprints(
            "b", [fingerprint_file(extra, backend_settings, register=True)]
        ).added
        loaded = Matcher(store, backend_settings)
        assert loaded.loaded_from_disk and loaded.full_builds == 0
        assert _answers(loaded, queries) == expected
        assert {m.entry_id for m in loaded.match(fingerprint_file(extra, backend_settings))} == set(
            late
        )
    finally:
        store.close()


def test_the_file_holds_no_value_in_clear_and_an_altered_byte_means_a_rebuild(
    settings: Settings, tmp_path: Path
) -> None:
    store = Store.open(settings)
    try:
        code = bytes(np.random.default_rng(3).integers(0, 256, 32, dtype=np.uint8))
        store.create_bank("b")
        store.import_values("b", [("x", SignalValue("pdq", code.hex(), 100))], provenance="t")
        first = Matcher(store, settings)
        assert first.snapshot_file is not None
        data = first.snapshot_file.read_bytes()
        assert code not in data and code.hex().encode() not in data and b'"b"' not in data
        altered = bytearray(data)
        altered[-5] ^= 0x01
        first.snapshot_file.write_bytes(bytes(altered))
        again = Matcher(store, settings)
        assert not again.loaded_from_disk and again.full_builds == 1
        query = Fingerprint("q", "hash", values=(SignalValue("pdq", code.hex(), 100),))
        assert [m.label for m in again.match(query, with_labels=True)] == ["x"]
    finally:
        store.close()


def test_a_withdrawal_shreds_every_saved_snapshot(
    backend_settings: Settings, tmp_path: Path
) -> None:
    store = Store.open(backend_settings)
    try:
        ids, queries = _bank(store, backend_settings, tmp_path)
        Matcher(store, backend_settings)
        assert snapshot_key_count(store) == 1
        store.withdraw("b", ids[0])
        assert snapshot_key_count(store) == 0  # in the withdrawal's own transaction
        after = Matcher(store, backend_settings)
        assert not after.loaded_from_disk and after.full_builds == 1
        assert all(m.entry_id != ids[0] for q in queries for m in after.match(q))
        # the file on disk was replaced by the new build; the old one could not be read anyway
        assert snapshot_key_count(store) == 1
    finally:
        store.close()


def test_a_state_read_before_a_withdrawal_is_never_saved_readable(
    settings: Settings, tmp_path: Path
) -> None:
    """A compaction (or build) that read the store before a withdrawal and saves after it: the
    withdrawal could not shred a key issued later, so the save must not leave one."""
    store = Store.open(settings)
    try:
        ids, _ = _bank(store, settings, tmp_path)
        matcher = Matcher(store, settings)
        state = matcher._state
        store.withdraw("b", ids[0])  # shreds the existing key; the state still holds her values
        assert matcher.snapshot_file is not None
        persisted.save(matcher.snapshot_file, state.base, state.seen, None, store)
        assert snapshot_key_count(store) == 0
        limits = matcher._limits(state.thresholds)
        assert persisted.load(matcher.snapshot_file, None, store, limits) is None
        # with nothing withdrawn since, the same save is readable
        fresh = Matcher(store, settings)
        assert fresh.full_builds == 1 and snapshot_key_count(store) == 1
    finally:
        store.close()


def test_snapshots_can_be_turned_off(settings: Settings) -> None:
    store = Store.open(settings)
    try:
        store.create_bank("b")
        off = settings.model_copy(update={"index_snapshots": False})
        matcher = Matcher(store, off)
        assert matcher.snapshot_file is None and not (settings.data_dir / "index").exists()
    finally:
        store.close()


def test_loading_the_snapshot_is_audited(settings: Settings) -> None:
    store = Store.open(settings)
    try:
        store.create_bank("b")
        code = "ab" * 32
        store.import_values("b", [("x", SignalValue("pdq", code, 100))], provenance="t")
        Matcher(store, settings)
        assert Matcher(store, settings).loaded_from_disk
        reads = [e for e in store.audit_log(20) if e[2] == "fingerprint.read"]
        assert "saved snapshot" in reads[0][5] and reads[0][1] == "matcher"
    finally:
        store.close()


def test_moved_or_cut_chunks_mean_a_rebuild(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each chunk is bound to its place: two swapped chunks of the same size, or a file cut
    short, are refused (and the matcher builds from the store instead)."""
    from rempart.index import persisted

    monkeypatch.setattr(persisted, "CHUNK_BYTES", 64)
    store = Store.open(settings)
    try:
        _bank(store, settings, tmp_path)
        first = Matcher(store, settings)
        assert first.snapshot_file is not None
        data = first.snapshot_file.read_bytes()
        assert Matcher(store, settings).loaded_from_disk  # small chunks load as well
        with first.snapshot_file.open("rb") as handle:
            encoded, header = persisted._read_header(handle)  # type: ignore[misc]
        at = len(persisted.MAGIC) + 4 + len(encoded)
        for _, dtype, shape in header["arrays"]:  # the first array of two whole chunks or more
            size = int(np.prod(shape)) * np.dtype(dtype).itemsize
            if size >= 128:
                break
            at += max(1, -(-size // 64)) * 28 + size
        one, two = data[at : at + 92], data[at + 92 : at + 184]
        swapped = data[:at] + two + one + data[at + 184 :]
        assert len(swapped) == len(data) and swapped != data
        for broken in (swapped, data[:-1]):
            first.snapshot_file.write_bytes(broken)
            again = Matcher(store, settings)
            assert not again.loaded_from_disk and again.full_builds == 1
            first.snapshot_file = again.snapshot_file
            data = again.snapshot_file.read_bytes() if again.snapshot_file else data
    finally:
        store.close()
