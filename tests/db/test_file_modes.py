"""Files holding a commune's personal data, or the key to it, are created owner-only (0600)
on POSIX (issue 20, the audit's LOW finding: they were 0644, readable by every account of a
shared laptop): the commune file and its -wal, its backups (each kind), the encrypted file,
its key files and its converted backups, a restore's result, and the recovery key's PDF.
Windows keeps its folders' access lists (a mode cannot say them): not tested there."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from db import at_rest, backup, driver
from db.demo import create_demo_commune
from db.store import Store
from rasoat.cli import main

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX modes")
PASSPHRASE = "ruộng bậc thang mùa lúa chín"


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """A system's usual umask (022): what left every file 0644."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def _modes(folder: Path) -> dict[str, int]:
    return {p.name: _mode(p) for p in sorted(folder.iterdir()) if p.is_file()}


def test_a_new_commune_file_its_wal_and_its_backups_are_owner_only(tmp_path: Path) -> None:
    path = create_demo_commune(tmp_path / "xa.sqlite", households=5)
    assert _mode(path) == 0o600
    with Store.open(path, user="Cán bộ xã", device="may-xa") as store:
        assert _mode(path.with_name(path.name + "-wal")) == 0o600
        made = backup.make_backup(path, "manual", store.conn)
    assert _mode(made) == 0o600
    used, kept = backup.restore(path, made, user="Cán bộ xã", device="may-xa")
    assert kept is not None
    assert _mode(path) == 0o600
    assert _mode(kept) == 0o600
    assert set(_modes(backup.backup_dir(path)).values()) == {0o600}


def test_encrypting_keeps_everything_owner_only_and_the_recovery_key_pdf_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = create_demo_commune(tmp_path / "xa.sqlite", households=5)
    os.chmod(path, 0o644)  # a file an older version made
    with Store.open(path, user="Cán bộ xã", device="may-xa") as store:
        old = backup.make_backup(path, "close", store.conn)
    os.chmod(old, 0o644)
    secret = tmp_path / "mk.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    pdf = tmp_path / "in" / "ma-khoi-phuc.pdf"
    argv = ["db", "encrypt", str(path), "--new-passphrase-file", str(secret)]
    assert main([*argv, "--recovery-key-pdf", str(pdf)]) == 0
    capsys.readouterr()
    assert at_rest.is_encrypted(path)
    assert _mode(path) == 0o600  # the encrypted file replaced it: made owner-only
    assert _mode(at_rest.key_file(path)) == 0o600
    assert _mode(pdf) == 0o600
    folder = backup.backup_dir(path)
    assert set(_modes(folder).values()) == {0o600}, _modes(folder)
    assert at_rest.backup_key_file(path).name in _modes(folder)
    driver.forget(path)
