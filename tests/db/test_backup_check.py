"""check_backup on real copies: a row the schema forbids (written by another tool, its CHECK
constraints set aside) is a problem named in Vietnamese by table and row, whatever the copy
is (plain or encrypted, rollback or WAL mode, a -wal beside it, on a read-only filesystem),
and the copy and its folder keep every byte (sha256 of each file before and after)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from db import at_rest, backup, backup_check, driver
from db.demo import create_demo_commune
from db.errors import StoreError

PASSPHRASE = "ruộng bậc thang mùa lúa chín"


@pytest.fixture(scope="module")
def demo_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return create_demo_commune(tmp_path_factory.mktemp("nguon") / "xa.sqlite", households=6)


def _files(folder: Path) -> dict[str, str]:
    """Every file of ``folder`` (recursively) and its sha256."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _forbid(path: Path, key: bytes | None = None, *, wal_kept: bool = False) -> str:
    """Mark the second household ``deleted = 2`` as a tool other than Rà soát could (the
    schema's CHECK set aside); returns its code. ``wal_kept``: the change is left in the
    file's -wal (a copy taken while that tool still had it open)."""
    conn = driver.connect(str(path), isolation_level=None, key=key)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    if wal_kept:
        conn.execute("PRAGMA wal_autocheckpoint = 0")
    code = str(conn.execute("SELECT code FROM households WHERE rowid = 2").fetchone()[0])
    conn.execute("UPDATE households SET deleted = 2 WHERE rowid = 2")
    if wal_kept:
        # Copied while open: the file, its -wal and -shm as they are now, the frames
        # unwritten.
        for suffix in ("", "-wal", "-shm"):
            shutil.copyfile(f"{path}{suffix}", f"{path}.copy{suffix}")
    conn.close()
    return code


def _named(problems: list[str], code: str) -> None:
    assert problems, "a forbidden row passed the check"
    text = problems[0]
    assert "bảng households có 1 hàng mang giá trị không được phép" in text, problems
    assert f"hộ {code}: cột deleted" in text, problems
    assert "CHECK" not in text
    assert "constraint" not in text


def _plain_backup(tmp_path: Path, demo_source: Path) -> tuple[Path, Path]:
    path = tmp_path / "xa.sqlite"
    shutil.copyfile(demo_source, path)
    return path, backup.make_backup(path, "manual", deep=False)


def _encrypted_backup(tmp_path: Path, demo_source: Path) -> tuple[Path, Path, bytes]:
    path = tmp_path / "xa.sqlite"
    shutil.copyfile(demo_source, path)
    at_rest.encrypt_file(path, PASSPHRASE)
    key = at_rest.key_from_passphrase(path, PASSPHRASE)
    return path, backup.make_backup(path, "manual", deep=False), key


def test_a_plain_backup_with_a_forbidden_row_is_refused_and_keeps_its_bytes(
    tmp_path: Path, demo_source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The read-only check of last session passed it; the copy itself, checked in place on
    a connection that may write (query_only), is named, and neither chosen nor restored."""
    path, made = _plain_backup(tmp_path, demo_source)
    # No temporary folder: a backup Rà soát made is checked in place, never copied.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "khong-con"))
    folder = backup.backup_dir(path)
    before = _files(folder)
    assert backup.check_backup(made) == []
    assert _files(folder) == before
    code = _forbid(made)
    before = _files(folder)
    _named(backup.check_backup(made), code)
    assert _files(folder) == before
    assert backup.newest_good(path) is None
    file_before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(StoreError) as refused:
        backup.restore(path, made)
    assert f"hộ {code}: cột deleted" in refused.value.message
    assert "chưa bị thay đổi" in refused.value.message
    assert hashlib.sha256(path.read_bytes()).hexdigest() == file_before
    assert _files(folder) == before


def test_an_encrypted_backup_with_a_forbidden_row_is_refused_and_keeps_its_bytes(
    tmp_path: Path, demo_source: Path
) -> None:
    """An encrypted copy's header does not tell its journal mode: checked on a private copy,
    the copy and its folder (the key file's copy included) untouched."""
    path, made, key = _encrypted_backup(tmp_path, demo_source)
    folder = backup.backup_dir(path)
    before = _files(folder)
    assert backup.check_backup(made) == []
    assert _files(folder) == before
    code = _forbid(made, key)
    before = _files(folder)
    _named(backup.check_backup(made), code)
    assert _files(folder) == before
    chosen, skipped = backup.choose(path)
    assert skipped == [made]
    assert chosen is not None
    assert chosen.stem.endswith("-before-encrypt")  # plain, still good


def test_a_copy_in_wal_mode_with_and_without_its_wal_beside_it(
    tmp_path: Path, demo_source: Path
) -> None:
    """A copy of the commune file itself (WAL mode, as the officer may pick with --from):
    opening it for writing would make a -wal and -shm beside it, or replay the -wal beside it
    into it; checked on a private copy (its -wal with it), nothing beside it changes."""
    source = tmp_path / "nguon" / "xa.sqlite"
    source.parent.mkdir()
    shutil.copyfile(demo_source, source)
    code = _forbid(source, wal_kept=True)
    with_wal = source.with_name(source.name + ".copy")
    assert with_wal.with_name(with_wal.name + "-wal").stat().st_size > 0
    assert with_wal.with_name(with_wal.name + "-shm").stat().st_size > 0
    alone = tmp_path / "rieng" / "xa.sqlite"
    alone.parent.mkdir()
    shutil.copyfile(source, alone)  # closed since: the change is in the file, no -wal
    assert alone.read_bytes()[18:20] == b"\x02\x02"
    for copy in (with_wal, alone):
        before = _files(copy.parent)
        _named(backup.check_backup(copy), code)
        assert _files(copy.parent) == before, copy
    # The -wal's frames are what holds the row: without them the copy is good.
    only_file = tmp_path / "khong-wal" / "xa.sqlite"
    only_file.parent.mkdir()
    shutil.copyfile(with_wal, only_file)
    assert backup.check_backup(only_file) == []
    assert sorted(p.name for p in only_file.parent.iterdir()) == ["xa.sqlite"]
    # Its -wal beside it, no -shm (lost on the way): as the -wal says, nothing made.
    shutil.copyfile(f"{with_wal}-wal", f"{only_file}-wal")
    before = _files(only_file.parent)
    _named(backup.check_backup(only_file), code)
    assert _files(only_file.parent) == before


def test_a_copy_cut_short_is_told_in_vietnamese(tmp_path: Path, demo_source: Path) -> None:
    path, made = _plain_backup(tmp_path, demo_source)
    short = made.with_name(made.name.replace("manual", "close"))
    short.write_bytes(made.read_bytes()[: 3 * 4096])
    before = _files(backup.backup_dir(path))
    problems = backup.check_backup(short)
    assert problems
    assert all(_vietnamese_only(p) for p in problems), problems
    assert _files(backup.backup_dir(path)) == before
    assert backup.check_backup(tmp_path / "khong-co.sqlite") == [
        "tệp không còn ở đó (đã bị xoá hoặc USB đã bị rút)"
    ]


def _vietnamese_only(text: str) -> bool:
    english = ("database", "malformed", "constraint", "disk image", "unable", "Page ", "row ")
    return not any(word in text for word in english)


@contextmanager
def _read_only_disk(where: Path, files: list[Path]) -> Iterator[Path]:
    """A real filesystem holding ``files``, then remounted read-only (a USB stick mounted
    read-only); root only."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a tmpfs needs root")
    where.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(where)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        for f in files:
            shutil.copyfile(f, where / f.name)
        subprocess.run(["mount", "-o", "remount,ro", str(where)], check=True)
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=True)


def test_a_copy_on_a_read_only_stick_is_checked_in_full(
    tmp_path: Path, demo_source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a read-only filesystem SQLite opens the copy only for reading (mode=rw falls back
    silently), where CHECK is not read: the private copy still finds the row. With no room
    for that copy either, the read-only check as before, and its problems say so."""
    path, made = _plain_backup(tmp_path, demo_source)
    good = made.with_name(made.name.replace("manual", "close"))
    shutil.copyfile(made, good)
    code = _forbid(made)
    short = made.with_name(made.name.replace("manual", "cut"))
    short.write_bytes(good.read_bytes()[: 3 * 4096])
    with _read_only_disk(tmp_path / "usb", [made, good, short]) as usb:
        before = _files(usb)
        _named(backup.check_backup(usb / made.name), code)
        assert backup.check_backup(usb / good.name) == []
        monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "khong-con"))
        limited = backup.check_backup(usb / short.name)
        assert limited
        assert all("chỉ kiểm tra được phần đọc" in p for p in limited), limited
        assert all(_vietnamese_only(p) for p in limited), limited
        # Not judged whole, a copy is not a good one: the forbidden row, which the
        # read-only check cannot see, is not let through as good (it was, returning []),
        # and neither is the good copy, which cannot be told from it.
        for copy in (made, good):
            assert backup.check_backup(usb / copy.name) == [backup_check.NOT_CHECKED], copy
        assert _files(usb) == before


def _hot_journal_copy(made: Path, folder: Path) -> Path:
    """A copy of ``made`` taken in the middle of another tool's transaction (rollback mode):
    forbidden values spilled into the file, the journal that undoes them beside it."""
    writer = driver.connect(str(made), isolation_level=None)
    writer.execute("PRAGMA cache_size = 1")  # the change spills into the file before commit
    writer.execute("PRAGMA ignore_check_constraints = ON")
    writer.execute("BEGIN")
    writer.execute("UPDATE households SET deleted = 2")
    writer.execute("UPDATE members SET deleted = 3")
    copy = folder / made.name
    folder.mkdir()
    for suffix in ("", "-journal"):
        shutil.copyfile(f"{made}{suffix}", f"{copy}{suffix}")
    writer.execute("ROLLBACK")
    writer.close()
    return copy


def test_a_copy_with_a_hot_journal_beside_it_keeps_both(tmp_path: Path, demo_source: Path) -> None:
    """Copied in the middle of another tool's transaction (rollback mode): opening it for
    writing would roll the journal back into it; checked on a private copy, both keep
    their bytes, and the rolled-back content (the forbidden row undone) is what is judged."""
    path, made = _plain_backup(tmp_path, demo_source)
    copy = _hot_journal_copy(made, tmp_path / "giua-chung")
    assert copy.with_name(copy.name + "-journal").stat().st_size > 0
    before = _files(copy.parent)
    assert backup.check_backup(copy) == []
    assert _files(copy.parent) == before


def test_the_command_line_refuses_such_a_backup_naming_the_household(
    tmp_path: Path, demo_source: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from rasoat.cli import main

    path, made = _plain_backup(tmp_path, demo_source)
    code = _forbid(made)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    assert main(["db", "restore", str(path), "--from", str(made)]) == 1
    err = capsys.readouterr().err
    assert f"hộ {code}: cột deleted" in err
    assert "chưa bị thay đổi" in err
    assert "CHECK" not in err
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_a_copy_is_restored_as_it_was_checked_never_written_into(
    tmp_path: Path, demo_source: Path
) -> None:
    """A copy with a hot journal beside it, or in WAL mode with its -wal, on a read-only
    stick: the check judged it through a private copy (the journal rolled back, the WAL
    replayed); the restore reads it the same way. Before, it opened the copy itself
    read-only: refused for a 'read-only folder' on the stick, or a -shm left beside it."""
    path, made = _plain_backup(tmp_path, demo_source)
    hot = _hot_journal_copy(made, tmp_path / "giua-chung")
    source = tmp_path / "nguon" / "xa.sqlite"
    source.parent.mkdir()
    shutil.copyfile(demo_source, source)
    conn = driver.connect(str(source), isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("UPDATE households SET updated_device = 'ghi trong -wal' WHERE rowid = 3")
    wal = tmp_path / "wal" / "xa-wal-mode.sqlite"
    wal.parent.mkdir()
    for suffix in ("", "-wal"):
        shutil.copyfile(f"{source}{suffix}", f"{wal}{suffix}")
    conn.close()
    alone = tmp_path / "wal-rieng" / "xa-wal-mode.sqlite"
    alone.parent.mkdir()
    shutil.copyfile(source, alone)  # closed since: WAL mode, nothing beside it
    with _read_only_disk(tmp_path / "usb", [hot, hot.with_name(hot.name + "-journal")]) as usb:
        before = _files(usb)
        assert backup.check_backup(usb / hot.name) == []
        backup.restore(path, usb / hot.name)
        assert _files(usb) == before
    restored = driver.connect(str(path))
    assert restored.execute("SELECT count(*) FROM households WHERE deleted = 2").fetchone() == (0,)
    restored.close()
    for copy in (wal, alone):
        before = _files(copy.parent)
        assert backup.check_backup(copy) == []
        backup.restore(path, copy)
        assert _files(copy.parent) == before, copy
        restored = driver.connect(str(path))
        note = restored.execute("SELECT updated_device FROM households WHERE rowid = 3").fetchone()
        restored.close()
        assert note == ("ghi trong -wal",), copy


def _many(path: Path, times: int) -> None:
    """Each household of the file again ``times`` times under an id and code of its own."""
    conn = driver.connect(str(path), isolation_level=None)
    try:
        columns = [r[1] for r in conn.execute("PRAGMA table_info(households)")]
        others = ", ".join(c for c in columns if c not in ("id", "code"))
        conn.execute(
            f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {times})"
            f" INSERT INTO households (id, code, {others})"
            f" SELECT h.id || '-' || n.i, h.code || '-' || n.i, {others} FROM households h, n"
        )
    finally:
        conn.close()


def test_a_table_of_many_rows_names_its_refused_rows_a_slice_at_a_time(
    tmp_path: Path, demo_source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows far apart in a table of 3,000 (three slices of ``ROWS_AT_ONCE``) are named in
    the table's order and counted, with never more than a slice's rows copied into memory
    (the whole table was)."""
    path = tmp_path / "xa.sqlite"
    shutil.copyfile(demo_source, path)
    _many(path, 499)
    made = backup.make_backup(path, "manual", deep=False)
    conn = driver.connect(str(made), isolation_level=None)
    assert conn.execute("SELECT count(*) FROM households").fetchone()[0] == 3000
    rowids = [2, 1000, 1001, 2999]  # two on either side of the first slice's end
    codes = [
        str(conn.execute("SELECT code FROM households WHERE rowid = ?", (r,)).fetchone()[0])
        for r in rowids
    ]
    conn.execute("PRAGMA ignore_check_constraints = ON")
    for rowid in rowids:
        conn.execute("UPDATE households SET deleted = 2 WHERE rowid = ?", (rowid,))
    conn.close()
    held: list[int] = []
    row_name = at_rest._row_name

    def naming(src: driver.Connection, table: str, match: str, values: tuple[object, ...]) -> str:
        held.append(src.execute(f"SELECT count(*) FROM temp.{table}").fetchone()[0])
        return row_name(src, table, match, values)

    monkeypatch.setattr(at_rest, "_row_name", naming)
    problems = backup.check_backup(made)
    assert len(problems) == 1, problems
    text = problems[0]
    assert "bảng households có 4 hàng mang giá trị không được phép" in text
    named = [f"hộ {code}: cột deleted" for code in codes]
    assert all(n in text for n in named), text
    assert [text.index(n) for n in named] == sorted(text.index(n) for n in named)
    assert len(held) == 4
    assert max(held) <= backup_check.ROWS_AT_ONCE


def test_rows_refused_in_a_table_keyed_without_rowid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A WITHOUT ROWID table's slices follow its primary key (two columns): every refused
    row counted once, whatever slice it falls in."""
    conn = driver.connect(str(tmp_path / "t.sqlite"), isolation_level=None)
    conn.execute(
        "CREATE TABLE t (a TEXT, b INTEGER, v INTEGER CHECK (v IN (0, 1)),"
        " PRIMARY KEY (a, b)) WITHOUT ROWID"
    )
    conn.executemany("INSERT INTO t VALUES (?, ?, 0)", [(a, b) for a in "xyz" for b in range(7)])
    conn.execute("PRAGMA ignore_check_constraints = ON")
    conn.execute("UPDATE t SET v = 2 WHERE (a, b) IN (('x', 2), ('x', 3), ('y', 6), ('z', 0))")
    conn.execute("PRAGMA ignore_check_constraints = OFF")
    for per in (1, 2, 3, 5, 1000):
        monkeypatch.setattr(backup_check, "ROWS_AT_ONCE", per)
        said = backup_check._rows_refused(conn, "t")
        assert said.startswith("bảng t có 4 hàng mang giá trị không được phép: "), (per, said)
        assert said.count("cột v mang giá trị ngoài các giá trị cho phép") == 4, (per, said)
    conn.close()


def test_the_copy_is_synced_while_it_is_checked_and_renamed_only_after(
    tmp_path: Path, demo_source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The copy's fsync runs beside its check (the system writes it out meanwhile): the
    check does not wait for it, the rename does; a copy that cannot be synced is no
    backup, and nothing of it is left."""
    import threading
    import time

    path = tmp_path / "xa.sqlite"
    shutil.copyfile(demo_source, path)
    events: list[str] = []
    syncing = threading.Event()
    real_fsync, real_check = backup.fsync_path, backup._check_copy

    def slow_fsync(p: Path) -> None:
        if p.suffix == backup.PARTIAL:
            syncing.set()
            time.sleep(0.3)
            events.append("synced")
        real_fsync(p)

    def check(*args: object) -> object:
        assert syncing.wait(5)
        events.append("checked")
        return real_check(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(backup, "fsync_path", slow_fsync)
    monkeypatch.setattr(backup, "_check_copy", check)
    backup.phase_hooks.append(events.append)
    try:
        made = backup.make_backup(path, "manual")
    finally:
        backup.phase_hooks.remove(events.append)
    assert made in backup.list_backups(path)
    assert events.index("checked") < events.index("synced") < events.index("manual:rename")

    def failing(p: Path) -> None:
        if p.suffix == backup.PARTIAL:
            raise OSError(5, "Input/output error")
        real_fsync(p)

    monkeypatch.setattr(backup, "fsync_path", failing)
    monkeypatch.setattr(backup, "_check_copy", real_check)
    with pytest.raises(StoreError) as exc:
        backup.make_backup(path, "manual")
    assert "Không ghi được bản sao lưu" in exc.value.message
    assert backup.list_backups(path) == [made]
    assert not [p for p in backup.backup_dir(path).iterdir() if p.suffix == backup.PARTIAL]


def test_fsync_opens_what_each_system_can_flush(tmp_path: Path) -> None:
    """A backup's fsync on the officers' Windows laptops: FlushFileBuffers needs a handle
    opened for writing, and a folder cannot be opened there (its entries are NTFS's to
    journal); elsewhere both are opened read-only. A read-only file's fsync (a rename's
    folder too) goes through here on this system."""
    assert backup._fsync_flags(windows=False, folder=False) == os.O_RDONLY
    assert backup._fsync_flags(windows=False, folder=True) == os.O_RDONLY
    assert backup._fsync_flags(windows=True, folder=True) is None
    flags = backup._fsync_flags(windows=True, folder=False)
    assert flags is not None
    assert flags & os.O_RDWR
    kept = tmp_path / "kept.sqlite"
    kept.write_bytes(b"x")
    kept.chmod(0o444)
    backup.fsync_path(kept)
    backup.fsync_path(tmp_path)


def test_a_backup_says_when_and_why_it_was_made(demo_source: Path, tmp_path: Path) -> None:
    """The restore list shows a backup by when (UTC, from its name) and why in Vietnamese,
    not by its file name; a name it does not know is shown as it is."""
    from datetime import UTC, datetime

    path = Path(shutil.copy(demo_source, tmp_path / "xa-thuong-lam.rasoat.sqlite"))
    before = datetime.now(UTC)
    made = backup.make_backup(path, "manual")
    when, why = backup.described(made)
    assert why == "sao lưu ngay"
    assert when is not None
    assert before.replace(microsecond=0) <= when <= datetime.now(UTC)
    assert backup.described(made.with_name("xa-20261205T120754501693Z-close.sqlite")) == (
        datetime(2026, 12, 5, 12, 7, 54, 501693, tzinfo=UTC),
        "khi đóng tệp",
    )
    assert backup.described(made.with_name("ban-chep-tay.sqlite")) == (None, "")
