from pathlib import Path

import numpy as np
import pdqhash
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from PIL import Image

from rempart.errors import SignalError
from rempart.settings import Settings
from rempart.signals.fingerprint import fingerprint_file
from rempart.signals.pdq import (
    DIHEDRAL_VARIANTS,
    PDQSignal,
    bits_to_hex,
    hamming_hex,
    pdq_dihedral,
    pdq_hash,
)


def test_hex_matches_threatexchange_on_full_decode(photo_dir: Path, tmp_path: Path) -> None:
    from threatexchange.signal_type.pdq.pdq_hasher import pdq_from_file

    exact = Settings(data_dir=tmp_path, jpeg_draft_size=0, pdq_max_side=0)
    for path in sorted((photo_dir / "originals").iterdir()):
        theirs, quality = pdq_from_file(path)
        ours = fingerprint_file(path, exact).of_signal("pdq")[0]
        assert ours.value == theirs
        assert ours.quality == quality


def test_reduced_scale_decode_stays_within_pdq_tolerance(tmp_path: Path) -> None:
    from threatexchange.signal_type.pdq.pdq_hasher import pdq_from_file

    from rempart.samples import synthetic_photo

    path = tmp_path / "big.jpg"
    synthetic_photo(7, (3000, 2400)).save(path, quality=90)
    theirs, _ = pdq_from_file(path)
    ours = fingerprint_file(path, Settings(data_dir=tmp_path)).of_signal("pdq")[0].value
    assert hamming_hex(ours, theirs) <= 10


@given(st.lists(st.integers(0, 1), min_size=256, max_size=256))
def test_bits_to_hex_is_msb_first_like_threatexchange(bits: list[int]) -> None:
    expected = "%064x" % int("".join(map(str, bits)), 2)
    assert bits_to_hex(np.array(bits)) == expected


def test_dihedral_variants_are_named_as_their_transforms() -> None:
    from rempart.samples import synthetic_photo

    rgb = np.asarray(synthetic_photo(3, (400, 300)))
    variants = dict(pdq_dihedral(rgb))
    assert tuple(variants) == DIHEDRAL_VARIANTS
    assert variants["original"].hex == pdq_hash(rgb).hex
    transposed = np.ascontiguousarray(rgb.transpose(1, 0, 2))
    assert hamming_hex(pdq_hash(transposed).hex, variants["flip_plus1"].hex) <= 4
    mirrored = np.ascontiguousarray(rgb[:, ::-1])
    assert hamming_hex(pdq_hash(mirrored).hex, variants["flip_y"].hex) <= 16
    assert hamming_hex(pdq_hash(mirrored).hex, variants["original"].hex) > 31


def test_pdq_hash_equals_pdqhash_on_same_pixels() -> None:
    rgb = np.random.default_rng(0).integers(0, 256, size=(97, 131, 3), dtype=np.uint8)
    bits, quality = pdqhash.compute(rgb)
    assert pdq_hash(rgb).hex == bits_to_hex(bits)
    assert pdq_hash(rgb).quality == quality


def test_validate_normalises_and_rejects() -> None:
    value = "AB" * 32
    assert PDQSignal.validate(value + "\n") == value.lower()
    for bad in ["", "zz" * 32, "ab" * 31, "ab" * 33]:
        with pytest.raises(SignalError):
            PDQSignal.validate(bad)


def test_flat_image_has_low_quality_and_is_flagged(tmp_path: Path) -> None:
    path = tmp_path / "flat.png"
    Image.new("RGB", (200, 200), (120, 120, 120)).save(path)
    value = fingerprint_file(path, Settings(data_dir=tmp_path)).of_signal("pdq")[0]
    assert value.quality is not None and value.quality < 50
    assert value.is_low_quality(50)


@hsettings(max_examples=30)
@given(st.binary(min_size=32, max_size=32), st.binary(min_size=32, max_size=32))
def test_hamming_hex_matches_bit_count(a: bytes, b: bytes) -> None:
    expected = sum(bin(x ^ y).count("1") for x, y in zip(a, b))
    assert hamming_hex(a.hex(), b.hex()) == expected
