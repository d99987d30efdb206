"""Encrypting a commune file encrypts the backups it already had (issue 20 item 1, the audit's
HIGH finding): "Tệp xã và mọi bản sao lưu của nó sẽ được mã hoá" was false; the plain
``…-manual``, ``…-close`` and ``…-before-encrypt`` copies kept every name readable for the
retention time (365 days by default). Real files, real SQLCipher, no mock."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import time
from pathlib import Path

import pytest

from db import at_rest, backup, driver
from db.demo import create_demo_commune
from db.records import Area, CommuneInfo
from db.store import Store
from rasoat.cli import main

PASSPHRASE = "ruộng bậc thang mùa lúa chín"
DAY = 86400


def _names(path: Path, key: bytes | None = None) -> list[str]:
    conn = driver.connect(str(path), key=key)
    try:
        return [str(r[0]) for r in conn.execute("SELECT head_name FROM households ORDER BY id")]
    finally:
        conn.close()


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _plain_with_backups(tmp_path: Path) -> tuple[Path, list[Path], str]:
    """A plain commune file with backups of three kinds, the oldest 30 days old; (the file,
    its backups oldest first, a head of household's name)."""
    path = create_demo_commune(tmp_path / "xa.sqlite", households=12)
    made = list(backup.list_backups(path))  # the demo's own, if any
    with Store.open(path, user="Cán bộ xã", device="may-xa") as store:
        for reason in ("close", "manual", "migration"):
            made.append(backup.make_backup(path, reason, store.conn))
    old = time.time() - 30 * DAY
    os.utime(made[0], (old, old))
    name = _names(path)[0]
    for p in made:
        assert name.encode() in p.read_bytes()  # plain: the name readable in its bytes
    return path, sorted(made), name


def _foreign_backup(tmp_path: Path, stem: str) -> Path:
    """A plain backup of another commune's file, named as ``stem``'s backups are."""
    other = tmp_path / "khac" / "xa.sqlite"
    other.parent.mkdir(exist_ok=True)
    info = CommuneInfo("01", "Hà Nội", "00004", "Phường Ba Đình", Area.URBAN)
    with Store.create(other, info, user="Cán bộ xã", device="may-khac") as store:
        made = backup.make_backup(other, "manual", store.conn)
    return made.rename(made.with_name(f"{stem}-20250101T000000000000Z-manual.sqlite"))


def test_encrypting_encrypts_every_backup_of_the_file_with_its_key(tmp_path: Path) -> None:
    path, made, name = _plain_with_backups(tmp_path)
    folder = backup.backup_dir(path)
    rows = {p: _names(p) for p in made}
    times = {p: p.stat().st_mtime_ns for p in made}
    # Copies that are not this file's backups, or not backups at all.
    damaged = folder / "xa-20250101T000000000000Z-close.damaged"
    shutil.copyfile(made[0], damaged)
    foreign = _foreign_backup(tmp_path, path.stem)
    shutil.move(foreign, folder / foreign.name)
    foreign = folder / foreign.name
    elsewhere = folder / "khac-20250101T000000000000Z-manual.sqlite"
    shutil.copyfile(made[0], elsewhere)
    untouched = {p: _sha(p) for p in (damaged, foreign, elsewhere)}

    done = at_rest.encrypt_file(path, PASSPHRASE)

    converted = [*made, done.made]
    assert sorted(done.backups.converted) == sorted(converted)
    assert dict(done.backups.left) == {
        damaged: at_rest.SET_ASIDE_LEFT,
        foreign: at_rest.NOT_THIS_FILE,
        elsewhere: at_rest.NOT_THIS_FILE,
    }
    assert {p: _sha(p) for p in untouched} == untouched
    driver.forget(path)  # a new process: only the passphrase known
    key = at_rest.key_from_passphrase(path, PASSPHRASE)
    for p in converted:
        raw = p.read_bytes()
        assert not raw.startswith(at_rest.PLAIN_HEADER), p.name
        assert name.encode() not in raw, p.name
        # The backup folder's key file opens it with the passphrase, as any backup of it.
        assert at_rest.check_passphrase(p, PASSPHRASE)
        assert not p.with_name(p.name + at_rest.ENCRYPTING).exists()
    driver.remember(path, key)
    for p in made:
        assert _names(p, key) == rows[p]  # the same rows, under the file's key
        assert backup.check_backup(p) == []
        assert p.stat().st_mtime_ns == times[p]  # its age kept: the retention counts it
    assert sorted(p.name for p in folder.iterdir() if p.name.endswith(".encrypting")) == []
    said = done.backups.said()
    assert f"Đã mã hoá {len(converted)} bản sao lưu" in said
    assert "3 bản trong thư mục sao lưu vẫn CHƯA mã hoá" in said
    for p in (damaged, foreign, elsewhere):
        assert p.name in said
    assert name not in said


def test_a_backup_that_cannot_be_converted_is_left_as_it_was_and_named(tmp_path: Path) -> None:
    """A backup holding a row its schema forbids (written by another tool) and one cut short
    (a stick pulled out while it was copied there): each left byte for byte, the others
    converted, and the officer told which and why in Vietnamese."""
    path, made, name = _plain_with_backups(tmp_path)
    forbidden, cut, fine = made[0], made[1], made[2:]
    conn = driver.connect(str(forbidden), isolation_level=None)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    code = str(conn.execute("SELECT code FROM households WHERE rowid = 2").fetchone()[0])
    conn.execute("UPDATE households SET deleted = 2 WHERE rowid = 2")
    conn.close()
    with cut.open("r+b") as f:
        f.truncate(cut.stat().st_size // 2)
    before = {p: _sha(p) for p in (forbidden, cut)}

    done = at_rest.encrypt_file(path, PASSPHRASE)

    assert {p: _sha(p) for p in before} == before
    assert sorted(done.backups.converted) == sorted([*fine, done.made])
    why = dict(done.backups.left)
    assert set(why) == {forbidden, cut}
    assert f"hộ {code}: cột deleted" in why[forbidden]
    assert "giữ nguyên" in why[cut]
    for text in why.values():
        assert "constraint" not in text
        assert "malformed" not in text
        assert "Error" not in text
    assert all(name.encode() not in p.read_bytes() for p in fine)
    assert not list(backup.backup_dir(path).glob("*.encrypting*"))
    said = done.backups.said()
    assert "2 bản trong thư mục sao lưu vẫn CHƯA mã hoá" in said
    assert forbidden.name in said
    assert f'rasoat db encrypt "{path}"' in said


def test_converted_backups_still_expire_by_their_own_age(tmp_path: Path) -> None:
    """The conversion writes a new file: given the backup's time, so that ``rasoat expire``
    removes it when it was due, not a year after the encryption."""
    path, made, _name = _plain_with_backups(tmp_path)
    old = time.time() - 400 * DAY
    os.utime(made[0], (old, old))
    at_rest.encrypt_file(path, PASSPHRASE)
    assert not made[0].read_bytes().startswith(at_rest.PLAIN_HEADER)  # converted, and yet:
    assert backup.expire(path, 365) == [made[0]]


def test_the_command_says_how_many_backups_it_encrypted_and_finishes_those_left(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``rasoat db encrypt`` says what became of the backups; run again on the encrypted file
    while plain backups are still there (one copied back from a stick), it asks the
    passphrase and encrypts them."""
    path, made, name = _plain_with_backups(tmp_path)
    stick = tmp_path / "usb" / made[1].name
    stick.parent.mkdir()
    shutil.copyfile(made[1], stick)
    secret = tmp_path / "mk.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    assert main(["db", "encrypt", str(path), "--new-passphrase-file", str(secret)]) == 0
    out = capsys.readouterr().out
    assert f"Đã mã hoá {len(made) + 1} bản sao lưu có sẵn của tệp" in out
    assert "vẫn chưa mã hoá" not in out  # the old line about the before-encrypt copy
    for p in backup.list_backups(path):
        assert name.encode() not in p.read_bytes()

    shutil.copyfile(stick, made[1])  # the officer puts the old copy back
    assert name.encode() in made[1].read_bytes()
    driver.forget(path)
    argv = ["db", "encrypt", str(path), "--passphrase-file", str(secret)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "đã được mã hoá rồi; đã mã hoá nốt" in out
    assert "Đã mã hoá 1 bản sao lưu có sẵn" in out
    assert name.encode() not in made[1].read_bytes()
    # Nothing plain left: said as before, nothing asked.
    assert main(["db", "encrypt", str(path)]) == 1
    assert "đã được mã hoá rồi" in capsys.readouterr().err


def test_a_conversion_killed_part_way_leaves_each_backup_whole(tmp_path: Path) -> None:
    """SIGKILL as a converted backup is about to take its name: the file is encrypted, every
    backup is either its plain self or its encrypted copy (never half of one), the copy in
    flight is removed at the next run, which converts those left."""
    path, made, name = _plain_with_backups(tmp_path)
    before = {p: _sha(p) for p in made}
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest

        def die(phase: str) -> None:
            if phase == "encrypt-backup:replace":
                os.kill(os.getpid(), signal.SIGKILL)

        try:
            backup.phase_hooks.append(die)
            at_rest.encrypt_file(path, PASSPHRASE)
        finally:
            os._exit(3)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status)
    assert at_rest.is_encrypted(path)
    assert [p.name for p in backup.backup_dir(path).glob("*.encrypting")] == [
        made[0].name + ".encrypting"
    ]
    assert {p: _sha(p) for p in made} == before  # the first one was in flight: still plain
    key = at_rest.key_from_passphrase(path, PASSPHRASE)
    driver.remember(path, key)
    assert all(backup.check_backup(p) == [] for p in backup.list_backups(path))
    done = at_rest.encrypt_backups(path, key)
    assert not list(backup.backup_dir(path).glob("*.encrypting*"))
    assert len(done.converted) == len(made) + 1
    assert done.left == ()
    for p in backup.list_backups(path):
        assert name.encode() not in p.read_bytes()
