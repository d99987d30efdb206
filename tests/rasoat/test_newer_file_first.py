"""A commune file a newer Rà soát made is refused before anything is asked: `rasoat export`
asked for the package's password twice and only then said the file could not be opened;
`import` and `merge` asked for the package's. Every command that asks before it opens the
file now reads the file's version first (``db.store.check_openable``), with the refusal's
usual message and exit code. Here a prompt reached records itself and answers as a closed
standard input does (no terminal), so a command that asked shows it."""

from __future__ import annotations

import builtins
import getpass
import shutil
from pathlib import Path

import pytest

from db import at_rest, driver
from db.migrations import LATEST
from rasoat.cli import main
from tests.db.exchange.commune import table_dump

PASSPHRASE = "ruộng bậc thang mùa lúa chín"


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The prompts a command reached (getpass's and input's); each fails as with no
    terminal."""
    prompts: list[str] = []

    def no_terminal(prompt: str = "") -> str:
        prompts.append(prompt)
        raise EOFError

    monkeypatch.setattr(getpass, "getpass", no_terminal)
    monkeypatch.setattr(builtins, "input", no_terminal)
    monkeypatch.delenv("RASOAT_PASSWORD", raising=False)
    monkeypatch.delenv("RASOAT_RECOVERY_KEY", raising=False)
    return prompts


def _write(path: Path, text: str) -> str:
    path.write_text(text + "\n", encoding="utf-8")
    return str(path)


def _mark_newer(path: Path) -> None:
    """As a newer release leaves the file: its schema one step past this version's (as
    tests/db/test_open.py makes one); an encrypted file's with its key remembered."""
    conn = driver.connect(path)
    try:
        conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    finally:
        conn.close()


@pytest.fixture
def package(commune: Path, tmp_path: Path) -> Path:
    """A package of the same commune, with a password, exported before the file was
    marked newer."""
    laptop = tmp_path / "may" / "xa.sqlite"
    laptop.parent.mkdir()
    shutil.copy(commune, laptop)
    out = tmp_path / "goi.rasoat"
    secret = _write(tmp_path / "goi-mk.txt", PASSPHRASE)
    assert main(["export", str(laptop), str(out), "--password-file", secret]) == 0
    return out


def _refused_as_newer(err: str) -> None:
    assert "được tạo bằng phiên bản Rà soát mới hơn" in err
    assert "Hãy cập nhật phần mềm" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("command", "extra"),
    [
        ("export", []),
        ("export", ["--recovery-key"]),
        ("import", ["--recovery-key"]),
        ("merge", ["--recovery-key"]),
    ],
    ids=["export", "export-recovery-key", "import-recovery-key", "merge-recovery-key"],
)
def test_a_newer_file_is_refused_before_any_password_is_asked(
    command: str,
    extra: list[str],
    commune: Path,
    package: Path,
    tmp_path: Path,
    asked: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    _mark_newer(commune)
    before = commune.read_bytes()
    beside = sorted(p.name for p in commune.parent.iterdir())
    second = tmp_path / "goi-moi.rasoat" if command == "export" else package
    assert main([command, str(commune), str(second), *extra]) == 2
    assert asked == []
    _refused_as_newer(capsys.readouterr().err)
    assert commune.read_bytes() == before
    # The version read on a read-only connection left no -wal or -shm beside the file.
    assert sorted(p.name for p in commune.parent.iterdir()) == beside
    if command == "export":
        assert not second.exists()


@pytest.mark.parametrize("command", ["import", "merge"])
def test_a_package_password_is_not_asked_for_a_newer_file(
    command: str,
    commune: Path,
    package: Path,
    asked: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The package is encrypted: its password was asked for before the file was read."""
    _mark_newer(commune)
    assert main([command, str(commune), str(package)]) == 2
    assert asked == []
    _refused_as_newer(capsys.readouterr().err)


def test_an_encrypted_newer_file_asks_only_its_own_passphrase(
    commune: Path, tmp_path: Path, asked: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Nothing of an encrypted file is readable without its passphrase (given here from a
    file, as a prompt would): once it is unlocked, the export's password is not asked."""
    at_rest.encrypt_file(commune, PASSPHRASE)  # its key remembered by this process
    _mark_newer(commune)
    dump = table_dump(commune)
    driver.forget(commune)  # each command is a new process
    secret = _write(tmp_path / "mk.txt", PASSPHRASE)
    out = tmp_path / "goi.rasoat"
    args = ["export", str(commune), str(out), "--commune-passphrase-file", secret]
    assert main(args) == 2
    assert asked == []
    _refused_as_newer(capsys.readouterr().err)
    assert not out.exists()
    assert table_dump(commune) == dump


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["db", "encrypt", "{f}"], 1),
        (["users", "add", "{f}", "thu", "--role", "can-bo"], 2),
        (["users", "passwd", "{f}", "thu"], 2),
        (["household", "purge", "{f}", "X-001", "--reason", "chuyển đi"], 1),
        (["devices", "{f}", "--untrust", "AAAA"], 2),
        (["report", "certificate", "{f}", "--out", "{out}"], 2),
    ],
    ids=["db-encrypt", "users-add", "users-passwd", "household-purge", "devices", "report"],
)
def test_commands_that_ask_after_opening_refuse_a_newer_file_first(
    args: list[str],
    code: int,
    commune: Path,
    tmp_path: Path,
    asked: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The others open the file before they ask anything (a new password, a yes): they
    already said the refusal first; kept so."""
    _mark_newer(commune)
    out = tmp_path / "gcn.pdf"
    filled = [a.format(f=commune, out=out) for a in args]
    assert main(filled) == code
    assert asked == []
    _refused_as_newer(capsys.readouterr().err)
