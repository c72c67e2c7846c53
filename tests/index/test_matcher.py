import threading
from pathlib import Path

import pytest
from support import still_video

from rempart.index.matcher import Matcher
from rempart.settings import Settings
from rempart.signals.fingerprint import Fingerprint, SignalValue, fingerprint_file
from rempart.store import Store


def _bank_with_originals(
    store: Store,
    settings: Settings,
    photo_dir: Path,
    name: str = "victims",
    threshold: int | None = None,
) -> list[int]:
    store.create_bank(name, pdq_threshold=threshold)
    prints = [
        fingerprint_file(p, settings, register=True)
        for p in sorted((photo_dir / "originals").iterdir())
    ]
    return store.add_fingerprints(name, prints).added


def test_altered_copies_match_their_original_and_strangers_do_not(
    store: Store, photo_dir: Path
) -> None:
    settings = store.settings
    _bank_with_originals(store, settings, photo_dir)
    matcher = Matcher(store, settings)
    for copy in sorted((photo_dir / "copies").iterdir()):
        labels = {
            m.label for m in matcher.match(fingerprint_file(copy, settings), with_labels=True)
        }
        assert labels == {copy.name.rsplit("-", 1)[0] + ".jpg"}, copy.name
    for other in (photo_dir / "unrelated").iterdir():
        assert matcher.match(fingerprint_file(other, settings)) == []


def test_exact_copy_matches_by_sha256_and_pdq(store: Store, photo_dir: Path) -> None:
    _bank_with_originals(store, store.settings, photo_dir)
    matches = Matcher(store, store.settings).match(
        fingerprint_file(photo_dir / "originals" / "photo-1.jpg", store.settings)
    )
    assert {(m.signal, m.distance) for m in matches} == {("sha256", 0), ("pdq", 0), ("orb", None)}
    assert [m.inliers for m in matches if m.signal == "orb"][0] >= store.settings.local_min_inliers


def test_mirrored_copy_matches_a_dihedral_hash(
    store: Store, photo_dir: Path, tmp_path: Path
) -> None:
    from PIL import Image, ImageOps

    _bank_with_originals(store, store.settings, photo_dir)
    mirrored = tmp_path / "mirror.jpg"
    ImageOps.mirror(Image.open(photo_dir / "originals" / "photo-2.jpg")).save(mirrored)
    matches = Matcher(store, store.settings).match(
        fingerprint_file(mirrored, store.settings), with_labels=True
    )
    assert [(m.label, m.entry_variant) for m in matches if m.signal == "pdq"] == [
        ("photo-2.jpg", "flip_y")
    ]
    assert {m.label for m in matches} == {"photo-2.jpg"}


def test_bank_threshold_is_applied_per_bank(store: Store, photo_dir: Path) -> None:
    settings = store.settings
    _bank_with_originals(store, settings, photo_dir, "strict", threshold=0)
    _bank_with_originals(store, settings, photo_dir, "normal")
    copy = fingerprint_file(photo_dir / "copies" / "photo-1-brighter.jpg", settings)
    banks = {
        m.bank for m in Matcher(store, settings).match(copy) if m.signal == "pdq" and m.distance
    }
    assert banks == {"normal"}


def test_low_quality_hash_never_matches_alone(store: Store) -> None:
    settings = store.settings
    store.create_bank("b")
    weak = "a" * 64
    store.add_fingerprints(
        "b", [Fingerprint("weak.jpg", "jpeg", values=(SignalValue("pdq", weak, 20),))]
    )
    matcher = Matcher(store, settings)
    assert matcher.match(Fingerprint("q", "jpeg", values=(SignalValue("pdq", weak, 90),))) == []
    strong = Fingerprint(
        "s.jpg", "jpeg", values=(SignalValue("sha256", "b" * 64), SignalValue("pdq", "c" * 64, 20))
    )
    store.add_fingerprints("b", [strong])
    matcher.reload()
    found = matcher.match(strong)
    assert {m.signal for m in found} == {"sha256", "pdq"}  # corroborated by SHA-256: kept, flagged
    assert [m.low_quality for m in found if m.signal == "pdq"] == [True]


def test_withdrawn_entries_stop_matching_after_reload(store: Store, photo_dir: Path) -> None:
    settings = store.settings
    ids = _bank_with_originals(store, settings, photo_dir)
    matcher = Matcher(store, settings)
    query = fingerprint_file(photo_dir / "copies" / "photo-1-resized.jpg", settings)
    assert matcher.match(query)
    store.withdraw("victims", ids[0])
    matcher.reload()
    assert matcher.match(query) == []


def test_lookups_continue_during_reload(settings: Settings, photo_dir: Path) -> None:
    store = Store.open(settings)
    _bank_with_originals(store, settings, photo_dir)
    matcher = Matcher(store, settings)
    query = fingerprint_file(photo_dir / "copies" / "photo-2-caption.jpg", settings)
    expected = len(matcher.match(query))
    assert expected >= 1
    errors: list[BaseException] = []
    counts: list[int] = []
    stop = threading.Event()

    def lookups() -> None:
        try:
            while not stop.is_set():
                counts.append(len(matcher.match(query)))
        except BaseException as exc:  # noqa: BLE001 - the test reports any failure
            errors.append(exc)

    worker = threading.Thread(target=lookups)
    worker.start()
    for _ in range(5):
        matcher.reload()
    stop.set()
    worker.join()
    store.close()
    assert not errors
    assert counts and set(counts) == {expected}


def test_a_video_showing_a_registered_photo_matches_it(
    store: Store, photo_dir: Path, tmp_path: Path
) -> None:
    settings = store.settings
    _bank_with_originals(store, settings, photo_dir)
    video = still_video(
        tmp_path / "reupload.mp4", [photo_dir / "originals" / "photo-3.jpg"], seconds_each=2
    )
    matches = Matcher(store, settings).match(fingerprint_file(video, settings), with_labels=True)
    assert {(m.label, m.signal) for m in matches} == {
        ("photo-3.jpg", "video_pdq"),
        ("photo-3.jpg", "orb"),
    }
    assert matches[0].query_variant.startswith("frame:")
    assert {m.frames for m in matches} == {
        (7, 7)
    }  # a 2 s clip at 10 fps: every 3rd frame, 7 samples


def test_a_video_needs_enough_frames_of_the_same_entry(
    store: Store, photo_dir: Path, tmp_path: Path
) -> None:
    settings = store.settings.model_copy(update={"video_min_samples": 1})
    _bank_with_originals(store, settings, photo_dir)
    originals = photo_dir / "originals"
    # 1 fps sampling: photo-1 in one sampled frame, photo-2 in two, then two unrelated frames
    video = still_video(
        tmp_path / "mixed.mp4",
        [
            originals / "photo-1.jpg",
            originals / "photo-2.jpg",
            originals / "photo-2.jpg",
            None,
            None,
        ],
    )
    fingerprint = fingerprint_file(video, settings)
    assert {
        m.label: m.frames for m in Matcher(store, settings).match(fingerprint, with_labels=True)
    } == {"photo-2.jpg": (2, 5)}
    lenient = settings.model_copy(update={"video_min_frames": 1})
    assert {m.label for m in Matcher(store, lenient).match(fingerprint, with_labels=True)} == {
        "photo-1.jpg",
        "photo-2.jpg",
    }


def test_a_photo_registered_in_two_banks_is_found_in_both(store: Store, tmp_path: Path) -> None:
    from rempart.samples import save_jpeg, textured_photo
    from rempart.store import Consent

    settings = store.settings
    original = textured_photo(7, (900, 1200))
    save_jpeg(original, tmp_path / "victim.jpg")
    for bank in ("helpline", "platform"):
        store.create_bank(bank)
        store.add_fingerprints(
            bank,
            [fingerprint_file(tmp_path / "victim.jpg", settings, register=True)],
            consent=Consent("self", "t"),
        )
    save_jpeg(original.crop((180, 240, 720, 960)), tmp_path / "crop.jpg")
    matches = Matcher(store, settings).match(
        fingerprint_file(tmp_path / "crop.jpg", settings), with_labels=True
    )
    assert {(m.bank, m.label) for m in matches if m.signal == "orb"} == {
        ("helpline", "victim.jpg"),
        ("platform", "victim.jpg"),
    }


def test_a_video_banked_by_md5_as_stopncii_does_is_found_exactly(
    store: Store, photo_dir: Path, tmp_path: Path
) -> None:
    from threatexchange.signal_type.md5 import VideoMD5Signal

    from rempart.store.bankfile import parse_bank_text

    settings = store.settings
    video = still_video(tmp_path / "clip.mp4", [photo_dir / "originals" / "photo-1.jpg"])
    other = still_video(tmp_path / "other.mp4", [None])
    store.create_bank("stopncii")
    bank_file = parse_bank_text(
        f"signal_type,signal_value,id\nvideo_md5,{VideoMD5Signal.hash_from_file(video)},ncii-9\n"
    )
    store.import_values("stopncii", bank_file.values, provenance="test")
    fingerprint = fingerprint_file(video, settings)
    assert fingerprint.of_signal("video_md5")[0].value == VideoMD5Signal.hash_from_file(
        video
    )  # threatexchange's own value
    matches = Matcher(store, settings).match(fingerprint, with_labels=True)
    assert [(m.label, m.signal, m.distance) for m in matches] == [("ncii-9", "video_md5", 0)]
    assert Matcher(store, settings).match(fingerprint_file(other, settings)) == []


def test_lookup_columns_are_the_matches_and_videos_need_match(
    store: Store, photo_dir: Path
) -> None:
    settings = store.settings
    _bank_with_originals(store, settings, photo_dir)
    matcher = Matcher(store, settings)
    for copy in sorted((photo_dir / "copies").iterdir())[:6]:
        fingerprint = fingerprint_file(copy, settings)
        table = matcher.lookup(fingerprint)
        matches = matcher.match(fingerprint)
        assert matches and table.matches() == matches
        assert table.entry_ids.tolist() == [m.entry_id for m in matches]
    video = Fingerprint("clip", "video", values=(SignalValue("pdq", "0" * 64, 100),))
    with pytest.raises(ValueError, match="match"):
        matcher.lookup(video)
