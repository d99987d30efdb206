"""A read, a check or a refusal leaves the commune file's folder as it found it: the same
names, the file byte-identical. A read-only connection to a file in WAL mode makes its
``-wal`` and ``-shm`` and cannot remove them (only a connection that may write removes them,
at its close): an empty ``-wal`` and a ``-shm`` were left beside the file after a refused
import, a check of an older file, an expiry, making an officer copying the ``.sqlite`` to a
stick wonder whether the copy was complete (``db.driver._remove_left_beside``). While the
file is open elsewhere they are that program's, and stay."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from db import at_rest, driver
from db.store import Store
from rasoat.cli import main
from tests.db.conftest import commune_info
from tests.db.exchange.commune import copy_to, make_commune
from tests.db.exchange.test_signing import laptop_package
from tests.db.test_audit_pointing import as_before_m0017

PASSPHRASE = "ruộng bậc thang mùa lúa chín"


def folder_of(path: Path) -> dict[str, str]:
    """What lies in ``path``'s folder: each file's name and SHA-256, each folder's name."""
    return {
        p.name: "folder" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(path.parent.iterdir())
    }


def beside(path: Path, side: str) -> Path:
    return path.with_name(path.name + side)


def commune_file(tmp_path: Path, *, encrypted: bool = False) -> Path:
    path = tmp_path / "xa" / "xa.rasoat.sqlite"
    with Store.create(path, commune_info(), user="Lò Văn Ín", device="laptop-1") as store:
        store.add_village("Thôn Đồng Tâm")
    if encrypted:
        at_rest.encrypt_file(path, PASSPHRASE)
    return path


def read_only(path: Path) -> driver.Connection:
    conn = driver.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    conn.execute("SELECT count(*) FROM households").fetchone()
    return conn


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_a_read_only_connection_leaves_the_folder_as_it_found_it(
    tmp_path: Path, encrypted: bool
) -> None:
    path = commune_file(tmp_path, encrypted=encrypted)
    assert driver.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    before = folder_of(path)
    mtime = path.stat().st_mtime_ns
    conn = read_only(path)
    assert beside(path, "-wal").exists()  # SQLite's, while it reads
    conn.close()
    assert folder_of(path) == before
    assert path.stat().st_mtime_ns == mtime


def test_while_the_file_is_open_elsewhere_its_wal_and_shm_stay(tmp_path: Path) -> None:
    """The window opened the file while a worker's read-only connection read it: that
    connection's close leaves the -wal and -shm the window writes to (removing them would
    lose its saves), and the window's own close removes them."""
    path = commune_file(tmp_path)
    before = folder_of(path)
    early = read_only(path)  # before the window: nothing beside the file yet
    store = Store.open(path, user="Lò Văn Ín", device="laptop-1")
    wal = beside(path, "-wal").stat()
    late = read_only(path)
    early.close()
    late.close()
    now = beside(path, "-wal").stat()
    assert (now.st_dev, now.st_ino) == (wal.st_dev, wal.st_ino)
    assert beside(path, "-shm").exists()
    store.add_village("Bản Nà Hin")
    assert store.checkpoint() is None  # no vanished -wal said
    store.close()
    after = folder_of(path)
    assert sorted(after) == sorted(before)  # the backup made at close is inside its folder
    with Store.open(path, user="a", device="b", seen=False) as again:
        assert "Bản Nà Hin" in [v.name for v in again.villages()]


def test_a_wal_holding_saves_is_never_touched(tmp_path: Path) -> None:
    """A -wal with frames (the saves of an app killed before its close) is not made by a
    read-only connection: it stays byte for byte, the main file too (the -shm, SQLite's
    index into it, rebuilt by the reading, is no data)."""
    from tests.db.test_reliability import _saves_then_dies

    path = commune_file(tmp_path)
    _saves_then_dies(path, 3, seed=5)
    assert beside(path, "-wal").stat().st_size > 0
    before = folder_of(path)
    read_only(path).close()
    after = folder_of(path)
    assert sorted(after) == sorted(before)
    del after[path.name + "-shm"], before[path.name + "-shm"]
    assert after == before


def test_a_refused_import_leaves_the_folder_as_it_found_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A package of a laptop the file does not know, and one deleting households, refused
    (``precheck``, read-only): the folder as before, by ``import`` and ``merge``."""
    base, pkg = laptop_package(tmp_path, Ed25519PrivateKey.generate())
    path = tmp_path / "xa" / base.name
    path.parent.mkdir()
    base.rename(path)
    before = folder_of(path)
    assert main(["import", str(path), str(pkg)]) == 1
    assert "--trust-device" in capsys.readouterr().err
    assert folder_of(path) == before
    assert main(["merge", str(path), str(pkg)]) == 1
    assert folder_of(path) == before

    laptop = copy_to(make_commune(tmp_path / "xoa.db", 3), tmp_path / "may.db")
    with Store.open(laptop, user="ĐTV", device="may-a") as store:
        for (hid,) in store.conn.execute("SELECT id FROM households").fetchall():
            store.delete_household(hid)
    deleting = tmp_path / "xoa.rasoat"
    assert main(["export", str(laptop), str(deleting), "--no-password"]) == 0
    other = tmp_path / "xa2" / "xoa.db"
    other.parent.mkdir()
    (tmp_path / "xoa.db").rename(other)
    before = folder_of(other)
    capsys.readouterr()
    assert main(["import", str(other), str(deleting)]) == 1
    assert "--allow-deletions" in capsys.readouterr().err
    assert folder_of(other) == before


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_a_check_of_an_older_file_leaves_the_folder_as_it_found_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], encrypted: bool
) -> None:
    """``rasoat db check`` of a file an older Rà soát made in WAL mode (checked as it is,
    read-only), and ``rasoat expire`` (which reads whether it is a commune file)."""
    path = commune_file(tmp_path)
    as_before_m0017(path)
    options: list[str] = []
    if encrypted:
        at_rest.encrypt_file(path, PASSPHRASE)
        secret = tmp_path / "mk.txt"
        secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
        options = ["--passphrase-file", str(secret)]
    before = folder_of(path)
    assert main(["db", "check", str(path), *options]) == 0
    assert "phiên bản cũ" in capsys.readouterr().out
    assert folder_of(path) == before
    assert main(["expire", str(path), *options]) == 0
    assert folder_of(path) == before


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_a_check_of_a_file_in_rollback_mode_leaves_its_bytes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], encrypted: bool
) -> None:
    """A file of today's schema still in rollback-journal mode (encrypted by an older
    version, or a backup copied into place by hand): opening it switches it to WAL, which
    rewrites its header, and ``rasoat db check`` did so too. The check keeps it as it is;
    opening it normally still switches it."""
    path = commune_file(tmp_path, encrypted=encrypted)
    options: list[str] = []
    if encrypted:
        secret = tmp_path / "mk.txt"
        secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
        options = ["--passphrase-file", str(secret)]
    conn = driver.connect(path, isolation_level=None)
    assert conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0] == "delete"
    conn.close()
    before = folder_of(path)
    assert main(["db", "check", str(path), *options]) == 0
    assert "tệp không có lỗi" in capsys.readouterr().out
    assert folder_of(path) == before
    with Store.open(path, user="a", device="b", seen=False) as store:
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_an_encrypted_file_first_read_in_a_process_leaves_the_folder_as_it_found_it(
    tmp_path: Path,
) -> None:
    """``rasoat expire`` of an encrypted file, in a process of its own as an officer runs it:
    the passphrase is tried on a read-only connection, the first under that key in the
    process, whose opening already reads the file (which HMAC its pages have) and so made
    the -wal and -shm before it was asked whether they were there: they were left."""
    import os
    import subprocess
    import sys

    path = commune_file(tmp_path, encrypted=True)
    secret = tmp_path / "mk.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    before = folder_of(path)
    done = subprocess.run(
        [sys.executable, "-m", "rasoat", "expire", str(path), "--passphrase-file", str(secret)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert folder_of(path) == before
