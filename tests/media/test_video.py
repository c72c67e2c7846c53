from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pdqhash
import pytest

from rempart.errors import CorruptMediaError, MediaTooLargeError
from rempart.media import iter_video_frames, sniff_kind
from rempart.media.kinds import MediaKind
from rempart.samples import synthetic_photo
from rempart.settings import Settings
from rempart.signals.fingerprint import fingerprint_file
from rempart.signals.pdq import bits_to_hex


def make_video(path: Path, seconds: int, fps: int = 10, size: tuple[int, int] = (320, 240)) -> None:
    """A clip that shows a different synthetic photo every second."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=fps)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.time_base = Fraction(1, fps)
        for second in range(seconds):
            still = np.asarray(synthetic_photo(900 + second, size))
            for _ in range(fps):
                frame = av.VideoFrame.from_ndarray(still, format="rgb24")
                for packet in stream.encode(frame):
                    container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


def test_one_frame_per_second_with_vpdq_timestamps(tmp_path: Path) -> None:
    path = tmp_path / "clip.mp4"
    make_video(path, seconds=4)
    assert sniff_kind(path, 10**9) is MediaKind.VIDEO
    frames = list(iter_video_frames(path, frames_per_second=1.0))
    assert [f.number for f in frames] == [0, 10, 20, 30]
    assert [f.seconds for f in frames] == [0.0, 1.0, 2.0, 3.0]


def test_a_short_clip_is_sampled_densely_enough(tmp_path: Path) -> None:
    path = tmp_path / "short.mp4"
    make_video(path, seconds=2)
    frames = list(iter_video_frames(path, frames_per_second=1.0, min_samples=6))
    assert [f.number for f in frames] == [0, 3, 6, 9, 12, 15, 18]  # every round(10 / 3)-th frame
    longer = tmp_path / "longer.mp4"
    make_video(longer, seconds=8)
    assert (
        len(list(iter_video_frames(longer, frames_per_second=1.0, min_samples=6))) == 8
    )  # 1 fps already gives enough


def test_frame_pdq_equals_pdqhash_on_the_same_decoded_frame(tmp_path: Path) -> None:
    path = tmp_path / "clip.mp4"
    make_video(path, seconds=3)
    fp = fingerprint_file(path, Settings(data_dir=tmp_path, video_min_samples=1, pdq_max_side=0))
    values = fp.of_signal("video_pdq")
    assert len(values) == 3 and fp.kind == "video"
    with av.open(str(path)) as container:
        decoded = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    for value, number in zip(values, [0, 10, 20]):
        bits, quality = pdqhash.compute(decoded[number])
        assert value.value == bits_to_hex(bits) and value.quality == quality
        assert value.variant.startswith(f"frame:{number}@")


def test_video_over_duration_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "long.mp4"
    make_video(path, seconds=5, fps=5)
    with pytest.raises(MediaTooLargeError, match="limit"):
        fingerprint_file(path, Settings(data_dir=tmp_path, max_video_seconds=2))
    with pytest.raises(MediaTooLargeError, match="REMPART_MAX_VIDEO_FRAMES"):
        fingerprint_file(path, Settings(data_dir=tmp_path, max_video_frames=2))


def test_truncated_video_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "cut.mp4"
    make_video(path, seconds=2)
    path.write_bytes(path.read_bytes()[:600])
    with pytest.raises(CorruptMediaError):
        fingerprint_file(path, Settings(data_dir=tmp_path))


def test_a_playable_mp4_with_a_non_utf8_byte_in_its_metadata_is_hashed(tmp_path: Path) -> None:
    import av
    import numpy as np

    from rempart.settings import Settings
    from rempart.signals.fingerprint import fingerprint_file

    path = tmp_path / "clip.mp4"
    with av.open(str(path), "w") as container:
        container.metadata["title"] = "MARKERtitle"
        stream = container.add_stream("mpeg4", rate=5)
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        for shade in range(0, 250, 25):
            for packet in stream.encode(
                av.VideoFrame.from_ndarray(np.full((64, 64, 3), shade, np.uint8), format="rgb24")
            ):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    data = path.read_bytes()
    assert data.count(b"MARKER") == 1
    path.write_bytes(
        data.replace(b"MARKER", b"\xff\xfe\xfdMAR")
    )  # same length: the file still plays
    fingerprint = fingerprint_file(path, Settings(data_dir=tmp_path / "data"))
    assert fingerprint.kind == "video" and len(fingerprint.of_signal("video_pdq")) >= 2
