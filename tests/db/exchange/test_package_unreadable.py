"""A package file that cannot be read is refused with its name and the reason, in Vietnamese
(issue 20: 'Không đọc được tệp gói: x.rasoat.' said which file, not why), never the
OSError's English words or the whole path."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from db.exchange.errors import PackageError
from db.exchange.package import read_package
from rasoat.cli import main
from tests.db.exchange.commune import make_commune


def refusal(path: Path) -> str:
    with pytest.raises(PackageError) as refused:
        read_package(path)
    return str(refused.value)


def test_a_package_gone_says_it_is_no_longer_there(tmp_path: Path) -> None:
    message = refusal(tmp_path / "usb" / "thon-2.rasoat")
    assert message.startswith("Không đọc được tệp gói thon-2.rasoat: ")
    assert "không còn ở đó" in message  # db.errors: the USB stick was pulled, the file moved
    assert str(tmp_path) not in message
    assert "No such file" not in message


@pytest.mark.skipif(sys.platform != "linux", reason="EISDIR and ELOOP as Linux gives them")
def test_a_folder_is_said_and_another_read_failure_gives_its_code(tmp_path: Path) -> None:
    folder = tmp_path / "thon-3.rasoat"  # a folder named like a package: EISDIR
    folder.mkdir()
    message = refusal(folder)
    assert message.startswith("Không đọc được tệp gói thon-3.rasoat: ")
    assert "ở đó là một thư mục, không phải tệp" in message
    assert "Is a directory" not in message
    loop = tmp_path / "thon-4.rasoat"  # a link to itself: ELOOP, no reason of its own
    loop.symlink_to(loop)
    message = refusal(loop)
    assert message.startswith("Không đọc được tệp gói thon-4.rasoat: ")
    assert "mã lỗi 40" in message
    assert "symbolic" not in message
    assert str(tmp_path) not in message


def test_the_import_command_prints_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = make_commune(tmp_path / "xa.db", 2)
    assert main(["import", str(base), str(tmp_path / "thon-4.rasoat")]) == 2
    err = capsys.readouterr().err
    assert "thon-4.rasoat" in err
    assert "không còn ở đó" in err
