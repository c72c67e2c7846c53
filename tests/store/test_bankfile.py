from pathlib import Path

import pytest

from rempart.errors import ImportFormatError
from rempart.store.bankfile import parse_bank_text, read_bank_file

A = "a" * 64
B = "0123456789abcdef" * 4


@pytest.mark.parametrize(
    "text",
    [
        f"{A}\n{B}\n",
        f"pdq {A}\npdq {B}\n",
        f"signal_type,signal_value\npdq,{A}\npdq,{B}\n",
        f"id,hash\n1,{A}\n2,{B}\n",
        f'["{A}", "{B}"]',
        f'[{{"signal_type": "pdq", "signal": "{A}"}}, {{"pdq": "{B}"}}]',
        f'{{"pdq": ["{A}", "{B}"]}}',
        f'{{"signal_type": "pdq", "signal": "{A}"}}\n{{"signal_type": "pdq", "signal": "{B}"}}\n',
        f"\ufeff{A.upper()}\n{B}\n",
    ],
)
def test_common_bank_formats(text: str) -> None:
    parsed = parse_bank_text(text)
    assert [v.value for _, v in parsed.values] == [A, B]


def test_ids_and_other_signal_types() -> None:
    parsed = parse_bank_text(
        f"signal_type,signal_value,id\npdq,{A},case-1\n"
        f"md5,D41D8CD98F00B204E9800998ECF8427E,case-2\ntmk,{'0' * 64},case-3\n"
    )
    assert [(i, v.signal, v.value) for i, v in parsed.values] == [
        ("case-1", "pdq", A),
        ("case-2", "video_md5", "d41d8cd98f00b204e9800998ecf8427e"),
    ]
    assert parsed.skipped == {"tmk": 1}
    with pytest.raises(ImportFormatError, match="line 2"):
        parse_bank_text("signal_type,signal_value\nvideo_md5,abc\n")


def test_bad_hash_names_its_line() -> None:
    with pytest.raises(ImportFormatError, match="line 3"):
        parse_bank_text(f"signal_type,signal_value\npdq,{A}\npdq,nothex\n")
    with pytest.raises(ImportFormatError, match="item 2"):
        parse_bank_text(f'["{A}", 12]')
    with pytest.raises(ImportFormatError, match="empty"):
        parse_bank_text("   ")


def test_binary_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "bank.csv"
    path.write_bytes(b"\xff\xd8\xff\x00\x01binary")
    with pytest.raises(ImportFormatError, match="UTF-8"):
        read_bank_file(path)
