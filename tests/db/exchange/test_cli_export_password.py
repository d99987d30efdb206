"""`rasoat export` protects a package with a password by default (issue 17): asked twice on
the terminal, read from a file or RASOAT_PASSWORD, never from the command line; the dialog's
strength rule; `--no-password` is the explicit way out. The prompt is getpass (stdlib), typed
here by a stand-in."""

from __future__ import annotations

import getpass
from pathlib import Path

import pytest

from db.exchange.container import is_encrypted, read_manifest
from rasoat.cli import main
from tests.db.exchange.commune import make_commune

GOOD = "ruộng bậc thang mùa lúa chín"


def typed(monkeypatch: pytest.MonkeyPatch, *answers: str) -> list[str]:
    """The answers a person types at each getpass prompt; returns the prompts seen."""
    prompts: list[str] = []
    queue = list(answers)

    def fake(prompt: str = "") -> str:
        prompts.append(prompt)
        if not queue:
            raise EOFError
        return queue.pop(0)

    monkeypatch.setattr(getpass, "getpass", fake)
    return prompts


@pytest.fixture
def commune(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("RASOAT_PASSWORD", raising=False)
    return make_commune(tmp_path / "xa.db", 2)


def test_export_asks_for_a_password_twice_and_encrypts_by_default(
    commune: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    prompts = typed(monkeypatch, GOOD, GOOD)
    pkg = tmp_path / "a.rasoat"
    assert main(["export", str(commune), str(pkg)]) == 0
    assert prompts == ["Mật khẩu cho gói: ", "Nhập lại mật khẩu: "]
    assert is_encrypted(read_manifest(pkg))
    out = capsys.readouterr().out
    assert "KHOÁ KHÔI PHỤC" in out
    # The package opens with the same password, typed at the import's prompt.
    typed(monkeypatch, GOOD)
    assert main(["import", str(commune), str(pkg)]) == 0
    assert "BIÊN NHẬN NHẬP GÓI" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answers", "said"),
    [
        ((GOOD, GOOD + "x"), "không khớp"),
        (("1", "1"), "Gợi ý"),
        (("", ""), "không được để trống"),
        ((), "--password-file"),  # no terminal to ask on: say how else
    ],
)
def test_a_password_not_given_properly_writes_no_package(
    commune: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    answers: tuple[str, ...],
    said: str,
) -> None:
    typed(monkeypatch, *answers)
    pkg = tmp_path / "a.rasoat"
    assert main(["export", str(commune), str(pkg)]) == 2
    assert said in capsys.readouterr().err
    assert not pkg.exists()


def test_password_file_for_export_and_import(
    commune: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    prompts = typed(monkeypatch)
    secret = tmp_path / "mat-khau.txt"
    secret.write_text(GOOD + "\n", encoding="utf-8")
    pkg = tmp_path / "a.rasoat"
    assert main(["export", str(commune), str(pkg), "--password-file", str(secret)]) == 0
    assert is_encrypted(read_manifest(pkg))
    assert main(["import", str(commune), str(pkg), "--passphrase-file", str(secret)]) == 0
    assert prompts == []  # nothing asked on the terminal
    weak = tmp_path / "yeu.txt"
    weak.write_text("1234\n", encoding="utf-8")
    assert (
        main(["export", str(commune), str(tmp_path / "b.rasoat"), "--password-file", str(weak)])
        == 2
    )
    assert "Gợi ý" in capsys.readouterr().err
    assert not (tmp_path / "b.rasoat").exists()
    missing = tmp_path / "khong-co.txt"
    assert (
        main(["export", str(commune), str(tmp_path / "b.rasoat"), "--password-file", str(missing)])
        == 2
    )
    assert "Không đọc được tệp mật khẩu khong-co.txt" in capsys.readouterr().err


def test_no_password_is_explicit_and_warned(
    commune: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    prompts = typed(monkeypatch)
    pkg = tmp_path / "a.rasoat"
    assert main(["export", str(commune), str(pkg), "--no-password"]) == 0
    assert prompts == []
    assert not is_encrypted(read_manifest(pkg))
    captured = capsys.readouterr()
    assert "KHÔNG có mật khẩu" in captured.err
    assert "dữ liệu cá nhân" in captured.out
    # A password on the command line is no option at all.
    with pytest.raises(SystemExit) as exit_:
        main(["export", str(commune), str(pkg), "--password", GOOD])
    assert exit_.value.code == 2
    with pytest.raises(SystemExit):
        main(["export", str(commune), str(pkg), "--no-password", "--password"])


def test_a_password_typed_on_the_command_line_is_refused_not_read_as_a_file_name(
    commune: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """argparse's abbreviations took "--password X" for "--password-file X", then printed X
    (the password) in its "cannot read the password file" message."""
    pkg = tmp_path / "a.rasoat"
    assert main(["export", str(commune), str(pkg), "--no-password"]) == 0
    capsys.readouterr()
    with pytest.raises(SystemExit) as stopped:
        main(["import", str(commune), str(pkg), "--password", GOOD])
    assert stopped.value.code == 2
    said = capsys.readouterr()
    assert "không hiểu các tham số" in said.err
    assert "Không đọc được tệp mật khẩu" not in said.err
