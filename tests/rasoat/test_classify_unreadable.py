"""`rasoat classify` on files an officer might hand it, each refused in Vietnamese (exit 2)
with no English: the operating system's and the parsers' texts used to be printed as they
were ("Expecting value: line 1 column 1 (char 0)", "[Errno 2] No such file or directory",
"Invalid value (at end of document)"); a file saved by Notepad with a byte-order mark is read."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from forms.demo import generate_households
from forms.household_json import dump_document
from rasoat.cli import main

ENGLISH = re.compile(r"\b(Errno|Expecting|Invalid|codec|decode|line \d|char|sys\.)\b")


def households(tmp_path: Path) -> bytes:
    return json.dumps(dump_document(list(generate_households(2, seed=3)))).encode()


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"", "rỗng"),
        (b'{"a": ', "dòng 1"),
        (b'{"x": "\xff"}', "UTF-8"),
        (None, "Không tìm thấy tệp"),  # no file there
        (..., "là một thư mục"),  # a folder named
        (b"[" + b"9" * 5000 + b"]", "số quá dài"),
    ],
)
def test_an_unreadable_file_is_said_in_vietnamese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: object, said: str
) -> None:
    path = tmp_path / "ho.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is ...:
        path = tmp_path
    assert main(["classify", str(path)]) == 2
    err = capsys.readouterr().err
    assert said in err
    assert not ENGLISH.search(err), err
    assert "Traceback" not in err


def test_a_byte_order_mark_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "notepad.json"
    path.write_bytes(b"\xef\xbb\xbf" + households(tmp_path))
    assert main(["classify", str(path)]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2


def test_a_broken_standard_file_says_where(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "ho.json"
    data.write_bytes(households(tmp_path))
    bad = tmp_path / "chuan.toml"
    bad.write_text('id = "x"\nname = [\n', encoding="utf-8")
    assert main(["classify", str(data), "--standard", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "không đúng định dạng TOML (lỗi ở" in err
    assert not ENGLISH.search(err), err
