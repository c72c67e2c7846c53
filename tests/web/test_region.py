"""The matched region a reviewer sees outlined: where her photo lies in a bigger picture."""

from pathlib import Path

from rempart.samples import save_jpeg, textured_photo
from rempart.settings import Settings
from rempart.signals.local import local_features
from rempart.web.review import _matched_region


def test_the_region_is_where_her_photo_was_pasted(tmp_path: Path) -> None:
    import numpy as np

    photo = textured_photo(31, (640, 480))
    registered = local_features(np.asarray(photo.convert("RGB")))
    canvas = textured_photo(32, (1600, 1000)).convert("RGB")  # someone else's picture around it
    canvas.paste(photo.convert("RGB").resize((480, 360)), (900, 500))  # x 0.5625-0.8625, y 0.5-0.86
    path = save_jpeg(canvas, tmp_path / "post.jpg")
    region = _matched_region(path, Settings(data_dir=tmp_path), [registered])
    assert region is not None
    x0, y0, x1, y1 = region
    assert abs(x0 - 0.5625) < 0.05 and abs(y0 - 0.5) < 0.05, region
    assert abs(x1 - 0.8625) < 0.05 and abs(y1 - 0.86) < 0.05, region
    unrelated = save_jpeg(textured_photo(33, (800, 600)), tmp_path / "other.jpg")
    assert _matched_region(unrelated, Settings(data_dir=tmp_path), [registered]) is None
