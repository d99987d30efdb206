"""Issue 16, nothing lost: backups never half-written, a restore that cannot make things
worse, a complete file at rest, damaged records named, a full disk said clearly.

Kills are real (a forked child killed with SIGKILL); the full disk is a real tmpfs of a few
hundred KB (root only, skipped otherwise); files are real SQLite files in tmp_path.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from db import backup, driver
from db.errors import StoreError
from db.store import Store
from forms.demo import generate_households
from forms.model import Household
from rasoat.cli import main

from .conftest import commune_info


def _file_with(path: Path, households: int) -> list[str]:
    """A commune file with a round and ``households`` saved households; their ids."""
    with Store.create(path, commune_info(), user="a", device="b") as s:
        s.add_village("Thôn Đồng Tâm")
        rnd = s.start_round(2026, "nd07-2022-2025")
        ids = []
        with s.transaction():
            for h in generate_households(households, seed=3):
                s.save_household(h, round_id=rnd.id)
                ids.append(h.id)
    return ids


def _new(n: int, seed: int) -> list[Household]:
    """``n`` households with codes of their own (the demo generator repeats codes)."""
    out = []
    for i, h in enumerate(generate_households(n, seed=seed)):
        h.code = f"S{seed}-{i:04d}"
        out.append(h)
    return out


def _saves_then_dies(path: Path, households: int, seed: int) -> list[str]:
    """Saves households in a child that then dies without closing (as a killed app does):
    its saves stay in the -wal. Returns the ids it saved (every save returned)."""
    todo = _new(households, seed)
    pid = os.fork()
    if pid == 0:
        try:
            s = Store.open(path, user="c", device="child")
            for h in todo:
                s.save_household(h)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    return [h.id for h in todo]


def _ids_in(path: Path) -> set[str]:
    conn = driver.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {r[0] for r in conn.execute("SELECT id FROM households WHERE deleted = 0")}
    finally:
        conn.close()


def _usable(p: Path) -> bool:
    try:
        conn = driver.connect(f"file:{p}?mode=ro", uri=True)
        try:
            return [r[0] for r in conn.execute("PRAGMA integrity_check")] == ["ok"]
        finally:
            conn.close()
    except driver.DatabaseError:
        return False


def _half_written(folder: Path, name: str, good: Path) -> Path:
    """A backup as the old make_backup left it when killed: the first pages only."""
    bad = folder / name
    bad.write_bytes(good.read_bytes()[: 4096 * 3])
    return bad


# --- 1. backups ----------------------------------------------------------------------------
def test_backup_is_checked_and_never_left_half_written(tmp_path: Path) -> None:
    path = tmp_path / "xa.sqlite"
    _file_with(path, 30)
    made = backup.make_backup(path, "manual")
    assert _usable(made)
    # Nothing but finished, self-contained backups in the folder: no temporary file, no -wal.
    assert sorted(backup.backup_dir(path).iterdir()) == backup.list_backups(path)


def _close_then_die(path: Path, run: int) -> int:
    pid = os.fork()
    if pid == 0:
        try:
            s = Store.open(path, user="c", device=f"run-{run}")
            for h in _new(40, 100 + run):
                s.save_household(h)
            s.close()
        finally:
            os._exit(0)
    return pid


def test_killed_during_close_the_newest_backup_is_always_usable(tmp_path: Path) -> None:
    path = tmp_path / "xa.sqlite"
    _file_with(path, 100)
    rng = random.Random(16)
    for run in range(12):
        pid = _close_then_die(path, run)
        time.sleep(rng.uniform(0.05, 0.6))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        for p in backup.list_backups(path):
            assert _usable(p), p
        assert backup.newest_good(path) == backup.latest_backup(path)


def test_a_damaged_backup_never_pushes_out_the_last_good_one(tmp_path: Path) -> None:
    path = tmp_path / "xa.sqlite"
    _file_with(path, 10)
    good = backup.make_backup(path, "close")
    folder = backup.backup_dir(path)
    for i in range(3):  # left by an older version killed mid-backup
        _half_written(folder, f"xa-20991231T00000{i}000000Z-close.sqlite", good)
    backup.prune(path, "close", keep=2)
    assert good.exists()
    assert backup.newest_good(path) == good


# --- 2. restore ----------------------------------------------------------------------------
def test_restore_refuses_a_damaged_backup_before_touching_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "xa.sqlite"
    _file_with(path, 10)
    good = backup.make_backup(path, "close")
    bad = _half_written(backup.backup_dir(path), "xa-20991231T000000000000Z-close.sqlite", good)
    before = path.read_bytes()
    capsys.readouterr()
    assert main(["db", "restore", str(path), "--from", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "hỏng" in err
    assert str(good) in err  # the newest good backup is offered, not the same one again
    assert path.read_bytes() == before
    assert not list(backup.backup_dir(path).glob("*before-restore*"))
    # Without --from the newest good backup is used, the damaged one skipped and named.
    assert main(["db", "restore", str(path)]) == 0
    out = capsys.readouterr().out
    assert str(good) in out
    assert str(bad) in out


def test_restore_keeps_the_displaced_file_whole_and_can_be_undone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "xa.sqlite"
    first = _file_with(path, 10)
    old = backup.make_backup(path, "manual")
    later = _saves_then_dies(path, 20, seed=77)  # acknowledged, only in the -wal
    assert path.with_name(path.name + "-wal").stat().st_size > 0
    capsys.readouterr()
    assert main(["db", "restore", str(path), "--from", str(old)]) == 0
    out = capsys.readouterr().out
    assert _ids_in(path) == set(first)
    [kept] = [p for p in backup.list_backups(path) if "before-restore" in p.name]
    assert str(kept) in out
    assert main(["db", "restore", str(path), "--list"]) == 0
    assert str(kept) in capsys.readouterr().out
    # Undo: every save is back, the 20 from the -wal too.
    assert main(["db", "restore", str(path), "--from", str(kept)]) == 0
    assert _ids_in(path) == set(first) | set(later)
    assert main(["db", "check", str(path)]) == 0


def test_restore_never_applies_the_old_wal_to_the_restored_file(tmp_path: Path) -> None:
    path = tmp_path / "xa.sqlite"
    first = _file_with(path, 5)
    old = backup.make_backup(path, "manual")
    _saves_then_dies(path, 8, seed=5)
    backup.restore(path, old)
    assert not path.with_name(path.name + "-wal").exists()
    assert _ids_in(path) == set(first)


# --- 3. a complete file at rest ------------------------------------------------------------
def test_checkpoint_puts_every_save_in_the_main_file(tmp_path: Path) -> None:
    path = tmp_path / "xa.sqlite"
    _file_with(path, 3)
    with Store.open(path, user="a", device="b") as s:
        todo = _new(15, 9)
        for h in todo:
            s.save_household(h)
        saved = [h.id for h in todo]
        assert s.checkpoint() is None
        copy = tmp_path / "usb.sqlite"
        shutil.copyfile(path, copy)  # the officer copies only the .sqlite
        assert set(saved) <= _ids_in(copy)
    assert not path.with_name(path.name + "-wal").exists()


def test_a_vanished_wal_is_noticed_and_its_saves_kept(tmp_path: Path) -> None:
    path = tmp_path / "xa.sqlite"
    _file_with(path, 3)
    s = Store.open(path, user="a", device="b")
    try:
        saved = []
        for h in _new(12, 11):
            s.save_household(h)
            saved.append(h.id)
        path.with_name(path.name + "-wal").unlink()  # an antivirus, a careless copy
        message = s.checkpoint()
        assert message is not None
        assert "-wal" in message
        for h in _new(4, 12):  # the store goes on working
            s.save_household(h)
            saved.append(h.id)
    finally:
        s.close()
    assert set(saved) <= _ids_in(path)
    assert main(["db", "check", str(path)]) == 0


# --- 4. damaged records --------------------------------------------------------------------
def _damage_one_household(path: Path) -> str:
    conn = driver.connect(path)
    hid, code, doc = conn.execute(
        "SELECT id, code, doc FROM households WHERE deleted = 0 ORDER BY code LIMIT 1 OFFSET 5"
    ).fetchone()
    i = doc.index('"', 5)
    conn.execute("UPDATE households SET doc = ? WHERE id = ?", (doc[:i] + "#" + doc[i + 1 :], hid))
    conn.commit()
    conn.close()
    return str(code)


def test_deep_check_names_the_damaged_household(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "mau.sqlite"
    assert main(["demo", "--households", "30", "--out", str(path)]) == 0
    good = backup.make_backup(path, "manual")
    code = _damage_one_household(path)
    capsys.readouterr()
    assert main(["db", "check", "--deep", str(path)]) == 1
    err = capsys.readouterr().err
    assert code in err
    # Documents refuse with the list of bad households, never a bare exit 70.
    for kind in ("final_list", "detail_list", "certificate"):
        out = tmp_path / f"{kind}.pdf"
        assert main(["report", kind, str(path), "--out", str(out)]) not in (0, 70), kind
        assert code in capsys.readouterr().err
    # So does an export (it stopped with a bare JSONDecodeError, exit 70), writing nothing.
    package = tmp_path / "goi.rasoat"
    assert main(["export", str(path), str(package), "--no-password"]) not in (0, 70)
    assert code in capsys.readouterr().err
    assert not package.exists()
    # A backup of the damaged file does not become the newest good one.
    assert main(["db", "backup", str(path)]) == 1
    assert code in capsys.readouterr().err
    assert backup.newest_good(path) == good


# --- 5. full disk --------------------------------------------------------------------------
@contextmanager
def _tmpfs(where: Path, size: str) -> Iterator[Path]:
    """A real, tiny filesystem (root only): a disk that fills up."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a tmpfs needs root")
    where.mkdir(exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=True)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    with _tmpfs(tmp_path / "disk", "1536k") as where:
        yield where


def test_full_disk_close_says_so_and_leaves_nothing_partial(small_disk: Path) -> None:
    path = small_disk / "xa.sqlite"
    _file_with(path, 2)
    s = Store.open(path, user="a", device="b")

    def save_until_full() -> None:
        for h in _new(400, 4):
            s.save_household(h)

    with pytest.raises(StoreError) as exc:
        save_until_full()
    assert "Ổ đĩa đã đầy" in exc.value.message
    with pytest.raises(StoreError) as exc:
        s.close()
    assert "đầy" in exc.value.message
    assert "sao lưu" in exc.value.message
    for p in backup.backup_dir(path).iterdir():
        assert p in backup.list_backups(path)
        assert _usable(p), p
    assert _usable(path)


def test_a_committed_import_prints_its_receipt_when_the_backup_has_no_room(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.db.exchange.commune import copy_to, make_commune
    from tests.db.exchange.test_merge import edit

    base = make_commune(tmp_path / "xa.db", 30)
    laptop = copy_to(base, tmp_path / "may.db")
    edit(laptop, "may-a", [f"HO{i:05d}" for i in range(30)], "đã sửa")
    pkg = tmp_path / "a.rasoat"
    assert main(["export", str(laptop), str(pkg), "--no-password"]) == 0
    capsys.readouterr()
    # The backups' folder alone is full: the import commits, the backup on close cannot.
    with _tmpfs(backup.backup_dir(base), "32k") as folder:
        for p in folder.iterdir():
            p.unlink()
        assert main(["import", str(base), str(pkg)]) == 0
        done = capsys.readouterr()
        assert "BIÊN NHẬN NHẬP GÓI" in done.out
        assert "cập nhật: 30" in done.out
        assert "Ổ đĩa đã đầy" in done.err
        assert list(folder.iterdir()) == []  # nothing partial


def test_a_committed_import_whose_receipt_file_has_no_room_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--receipt on a full stick: the receipt is printed, the import is saved, the file is
    not left half-written and the message says why, never an unexpected error (exit 70)."""
    from tests.db.exchange.commune import copy_to, make_commune
    from tests.db.exchange.test_merge import edit

    base = make_commune(tmp_path / "xa.db", 30)
    laptop = copy_to(base, tmp_path / "may.db")
    edit(laptop, "may-a", [f"HO{i:05d}" for i in range(30)], "đã sửa")
    pkg = tmp_path / "a.rasoat"
    assert main(["export", str(laptop), str(pkg), "--no-password"]) == 0
    capsys.readouterr()
    with _tmpfs(tmp_path / "usb", "32k") as stick:
        (stick / "filler").write_bytes(b"\0" * (32 * 1024 - 4096))  # the stick is full
        out = stick / "bien-nhan.pdf"
        assert main(["import", str(base), str(pkg), "--receipt", str(out)]) == 1
        said = capsys.readouterr()
        assert "BIÊN NHẬN NHẬP GÓI" in said.out
        assert "cập nhật: 30" in said.out
        assert "việc nhập đã được lưu" in said.err
        assert f"biên nhận {out}: ổ đĩa đã đầy" in said.err  # as the window says it
        assert not out.exists()  # nothing partial
    with Store.open(base, user="a", device="b") as s:
        h = s.household_by_code("HO00000")
        assert h is not None


def test_soak_in_small() -> None:
    """`make soak`'s kill experiments (bench/soak_kill.py), a few kills of each kind."""
    import sys

    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-m", "bench.soak_kill", "--saves", "4", "--closes", "8", "--seed", "3"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "lost: 0" in out
    assert "Newest backup unusable after a kill: 0 times" in out
    assert "good close backups lost to a kill: 0" in out
    # Each close kill is counted in the step of the close it landed in.
    assert "Where the close/backup kills landed" in out


# --- 6. a second program opens while the first one's -wal is gone ---------------------------
def _opens_in_child(path: Path) -> tuple[str, str]:
    """Opens ``path`` in another process (as a second app would); (error class, message),
    ('', '') when it opened."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        try:
            try:
                Store.open(path, user="b", device="other").close()
                said = "|"
            except StoreError as exc:
                said = f"{type(exc).__name__}|{exc.message}"
            os.write(write_end, said.encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as f:
        said = f.read().decode()
    os.waitpid(pid, 0)
    kind, _, message = said.partition("|")
    return kind, message


def test_a_second_program_opening_while_the_wal_is_gone_is_not_told_damage(
    tmp_path: Path,
) -> None:
    path = tmp_path / "xa.sqlite"
    _file_with(path, 3)
    backup.make_backup(path, "manual")  # a backup a 'damaged' message would offer
    s = Store.open(path, user="a", device="first")
    try:
        saved = []
        for h in _new(10, 21):
            s.save_household(h)
            saved.append(h.id)
        path.with_name(path.name + "-wal").unlink()  # an antivirus
        kind, message = _opens_in_child(path)
        assert kind == "WalGoneElsewhere", message
        assert "không bị hỏng" in message
        assert "đừng khôi phục" in message
        # That attempt left an empty -wal of its own: the first program still sees its own
        # as gone, writes its saves into the main file and goes on.
        assert path.with_name(path.name + "-wal").exists()
        notice = s.checkpoint()
        assert notice is not None
        assert "-wal" in notice
        assert _opens_in_child(path) == ("", "")
        for h in _new(3, 22):
            s.save_household(h)
            saved.append(h.id)
    finally:
        s.close()
    assert set(saved) <= _ids_in(path)
    assert main(["db", "check", str(path)]) == 0


# --- 7. restore while another program has the file open --------------------------------------
def test_restore_is_refused_while_another_program_has_the_file_open(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "xa.sqlite"
    _file_with(path, 3)
    good = backup.make_backup(path, "manual")
    read_end, write_end = os.pipe()
    go_r, go_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # another window: the file open, a save in its -wal
        try:
            s = Store.open(path, user="c", device="other")
            s.save_household(_new(1, 31)[0])
            os.write(write_end, b"open")
            os.read(go_r, 1)
            s.close()
        finally:
            os._exit(0)
    assert os.read(read_end, 4) == b"open"
    try:
        before = path.read_bytes()
        kept = backup.list_backups(path)
        assert backup.in_use(path)
        capsys.readouterr()
        assert main(["db", "restore", str(path), "--from", str(good)]) == 1
        err = capsys.readouterr().err
        assert "đang được mở ở một chương trình khác" in err
        assert "chưa bị thay đổi" in err
        assert path.read_bytes() == before
        assert backup.list_backups(path) == kept
        assert not path.with_name(path.name + ".restoring").exists()
    finally:
        os.write(go_w, b"x")
        os.waitpid(pid, 0)
    assert not backup.in_use(path)
    assert main(["db", "restore", str(path), "--from", str(good)]) == 0


# --- 8. a read-only folder or file, a folder that is gone ------------------------------------
@contextmanager
def _immutable(p: Path) -> Iterator[None]:
    """``chattr +i``: not even root may write (the folder: create or delete entries in it);
    always undone. Skipped where chattr is missing or the filesystem has no such flag."""
    if shutil.which("chattr") is None:
        pytest.skip("no chattr here")
    if subprocess.run(["chattr", "+i", str(p)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not allowed here (not root, or not ext4/xfs/btrfs)")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(p)], check=True)


@contextmanager
def read_only_view(folder: Path, at: Path) -> Iterator[Path]:
    """``folder`` seen read-only at ``at`` (a bind mount remounted read-only): a
    write-protected stick or a CD, which not even root writes to. Skipped where the machine
    does not allow mounts (CI runs as root)."""
    at.mkdir()
    made = subprocess.run(["mount", "--bind", str(folder), str(at)], capture_output=True)
    if made.returncode != 0:
        pytest.skip("no bind mount here")
    try:
        if subprocess.run(["mount", "-o", "remount,ro,bind", str(at)]).returncode != 0:
            pytest.skip("no read-only remount here")
        yield at
    finally:
        subprocess.run(["umount", str(at)], check=True)


def test_a_read_only_backup_folder_is_said_so_and_nothing_is_lost(tmp_path: Path) -> None:
    path = tmp_path / "xa.sqlite"
    _file_with(path, 3)
    folder = backup.backup_dir(path)
    before = sorted(folder.iterdir())
    s = Store.open(path, user="a", device="b")
    h = _new(1, 41)[0]
    s.save_household(h)
    with _immutable(folder), pytest.raises(StoreError) as exc:
        s.close()
    assert "chỉ cho đọc" in exc.value.message
    assert "Dữ liệu đã lưu vẫn nằm nguyên" in exc.value.message
    assert sorted(folder.iterdir()) == before  # no .partial, no probe
    assert h.id in _ids_in(path)


def test_a_read_only_commune_file_is_said_so_on_opening(tmp_path: Path) -> None:
    path = tmp_path / "xa.sqlite"
    _file_with(path, 3)
    with _immutable(path), pytest.raises(StoreError) as exc:
        Store.open(path, user="a", device="b")
    assert "chỉ cho đọc" in exc.value.message
    assert "Hãy chép tệp vào máy" in exc.value.message


def test_a_write_the_disk_refuses_is_said_and_nothing_half_saved(tmp_path: Path) -> None:
    """The -wal made unwritable while the file is open: SQLite gets the write error a pulled
    stick gives (SQLITE_IOERR_WRITE); the save says so in Vietnamese, the others are kept."""
    path = tmp_path / "xa.sqlite"
    _file_with(path, 2)
    first, second, third = _new(3, 43)
    s = Store.open(path, user="a", device="b")
    try:
        s.save_household(first)
        with _immutable(path.with_name(path.name + "-wal")), pytest.raises(StoreError) as exc:
            s.save_household(second)
        assert "lỗi đọc ghi ổ đĩa" in exc.value.message
        assert "chưa được ghi" in exc.value.message
        s.save_household(third)  # the disk is back: the store goes on
    finally:
        s.close()
    assert {first.id, third.id} <= _ids_in(path)
    assert second.id not in _ids_in(path)


def test_a_main_file_that_cannot_be_written_at_close_is_said_and_the_saves_kept(
    tmp_path: Path,
) -> None:
    """The .sqlite made unwritable while open: the saves stay in the -wal, and closing says
    so (a copy of the .sqlite alone would miss them) instead of closing silently."""
    path = tmp_path / "xa.sqlite"
    _file_with(path, 2)
    s = Store.open(path, user="a", device="b")
    h = _new(1, 44)[0]
    with _immutable(path):
        s.save_household(h)  # into the -wal: fine
        with pytest.raises(StoreError) as exc:
            s.close()
    assert "Đừng chép riêng tệp .sqlite" in exc.value.message
    assert "xa.sqlite-wal" in exc.value.message
    assert h.id in _ids_in(path)  # the -wal is read on the next opening
    newest = backup.latest_backup(path)
    assert newest is not None
    assert h.id in _ids_in(newest)


def test_a_backup_whose_folder_cannot_be_made_says_so_and_leaves_nothing(
    tmp_path: Path,
) -> None:
    """The backups' folder name taken by a file (as a half-unmounted stick shows a dead
    entry): the close says the backup failed, the saves are in the file."""
    path = tmp_path / "xa.sqlite"
    _file_with(path, 3)
    shutil.rmtree(backup.backup_dir(path))
    backup.backup_dir(path).write_text("not a folder")
    s = Store.open(path, user="a", device="b")
    h = _new(1, 42)[0]
    s.save_household(h)
    with pytest.raises(StoreError) as exc:
        s.close()
    assert "Không ghi được bản sao lưu" in exc.value.message
    assert "không bị ảnh hưởng" in exc.value.message
    assert h.id in _ids_in(path)
    left = {p.name for p in tmp_path.iterdir()} - {"xa.sqlite-wal", "xa.sqlite-shm"}
    assert left == {"xa.sqlite", "xa.sqlite.backups"}  # nothing partial beside the file


def test_a_file_whose_folder_is_gone_is_said_not_found(tmp_path: Path) -> None:
    """A removed stick: the file and its folder are gone."""
    stick = tmp_path / "usb"
    path = stick / "xa.sqlite"
    _file_with(path, 1)
    shutil.rmtree(stick)
    with pytest.raises(StoreError) as exc:
        Store.open(path, user="a", device="b")
    assert "Không tìm thấy tệp dữ liệu" in exc.value.message
    assert not stick.exists()  # opening never creates the folder again


# --- 9. a .partial left by a killed backup ---------------------------------------------------
def test_a_stale_partial_is_never_listed_and_the_next_backup_removes_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "xa.sqlite"
    _file_with(path, 3)
    good = backup.make_backup(path, "manual")
    folder = backup.backup_dir(path)
    stale = folder / "xa-20261202T000000000000Z-close.sqlite.partial"
    _half_written(folder, stale.name, good)
    (folder / (stale.name + "-journal")).write_bytes(b"\0" * 512)
    assert backup.list_backups(path)[-1] == good
    assert not [p for p in backup.list_backups(path) if ".partial" in p.name]
    assert backup.list_set_aside(path) == []
    capsys.readouterr()
    assert main(["db", "restore", str(path), "--list"]) == 0
    listed = capsys.readouterr().out
    assert good.name in listed
    assert ".partial" not in listed
    assert backup.newest_good(path) == good
    backup.make_backup(path, "manual")
    assert not [p for p in folder.iterdir() if ".partial" in p.name]
