"""`rasoat demo` and `rasoat db check|backup|restore`, run through the real CLI entry."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from db import backup
from rasoat.cli import main


def test_demo_then_check_backup_restore(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "mau.sqlite"
    assert main(["demo", "--households", "40", "--out", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Đã tạo tệp xã mẫu" in out
    assert "hộ nghèo" in out

    assert main(["db", "check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Số hộ: 40" in out
    assert "tệp không có lỗi" in out

    assert main(["db", "backup", str(path)]) == 0
    [manual] = backup.list_backups(path, "manual")
    assert str(manual) in capsys.readouterr().out

    assert main(["db", "restore", str(path), "--from", str(manual)]) == 0
    out = capsys.readouterr().out
    assert "Đã khôi phục" in out
    assert main(["db", "check", str(path)]) == 0


def test_demo_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "mau.sqlite"
    path.write_text("dữ liệu quý", encoding="utf-8")
    assert main(["demo", "--households", "5", "--out", str(path)]) == 1
    assert "đã có" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == "dữ liệu quý"


def test_check_damaged_file_points_to_restore(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "mau.sqlite"
    assert main(["demo", "--households", "60", "--out", str(path)]) == 0
    size = path.stat().st_size
    with path.open("r+b") as f:
        for offset in range(4096 * 4, size - 4096, 4096 * 5):
            f.seek(offset)
            f.write(b"\xff" * 2048)
    capsys.readouterr()
    assert main(["db", "check", str(path)]) == 1
    err = capsys.readouterr().err
    assert "bị hỏng" in err
    assert "rasoat db restore" in err
    assert main(["db", "restore", str(path)]) == 0
    assert main(["db", "check", str(path)]) == 0


def test_restore_without_backups(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "restore", str(tmp_path / "x.sqlite"), "--list"]) == 1
    assert "Không có bản sao lưu" in capsys.readouterr().err


def test_check_and_a_refused_restore_leave_the_file_byte_identical(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Opening the file wrote "last seen": a check (which may be of a file kept as it is for
    a later look) and a restore refused to a viewer changed its bytes. Not any more."""
    import hashlib

    path = tmp_path / "mau.sqlite"
    assert main(["demo", "--households", "10", "--out", str(path)]) == 0
    pw = tmp_path / "nd.txt"
    pw.write_text("mat-khau-9x\n", encoding="utf-8")
    f, p = str(path), str(pw)
    assert main(["users", "add", f, "thu", "--role", "can-bo", "--new-password-file", p]) == 0
    viewer = ["users", "add", f, "xem", "--role", "nguoi-xem", "--new-password-file", p]
    assert main([*viewer, "--user", "thu", "--password-file", p]) == 0
    assert main(["db", "backup", f, "--user", "thu", "--password-file", p]) == 0
    capsys.readouterr()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    assert main(["db", "check", f]) == 0
    assert "tệp không có lỗi" in capsys.readouterr().out
    assert main(["db", "restore", f, "--user", "xem", "--password-file", p]) == 1
    assert "không được" in capsys.readouterr().err
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    # The restore asked the file's users on a read-only connection, which left its -wal
    # and -shm behind (SQLite cannot remove them read-only): now removed at its close.
    assert not path.with_name("mau.sqlite-wal").exists()
    assert not path.with_name("mau.sqlite-shm").exists()


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_check_of_an_older_file_keeps_it_as_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], encrypted: bool
) -> None:
    """Opening an older file migrates it (after a backup): a check did so too, changing the
    bytes of a file that may be kept as it is for a later look. It checks it as it is now,
    and says in Vietnamese that opening it normally will upgrade it."""
    import hashlib

    from db import at_rest
    from db.migrations import LATEST
    from db.store import Store
    from tests.db.test_audit_pointing import BEFORE_M0017, as_before_m0017

    path = tmp_path / "mau.sqlite"
    assert main(["demo", "--households", "10", "--out", str(path)]) == 0
    as_before_m0017(path)
    options = []
    if encrypted:
        at_rest.encrypt_file(path, "ruộng bậc thang mùa lúa chín")
        secret = tmp_path / "mk.txt"
        secret.write_text("ruộng bậc thang mùa lúa chín\n", encoding="utf-8")
        options = ["--passphrase-file", str(secret)]
    capsys.readouterr()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    assert main(["db", "check", str(path), *options]) == 0
    out = capsys.readouterr().out
    assert f"Cấu trúc dữ liệu số: {BEFORE_M0017} (phiên bản cũ)" in out
    assert "Số hộ: 10" in out
    assert "được tạo bằng phiên bản Rà soát cũ hơn" in out
    assert "sẽ được nâng cấp (sau khi tự sao lưu) khi mở bình thường" in out
    assert "để nguyên tệp như cũ, không nâng cấp" in out
    assert "tệp không có lỗi (từng hồ sơ đều đọc được); nhật ký thay đổi nguyên vẹn" in out
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert backup.list_backups(path, "migration") == []
    # Opened normally, it is upgraded as before.
    with Store.open(path, user="a", device="b") as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
    assert len(backup.list_backups(path, "migration")) == 1


def test_check_of_a_first_version_file_finds_a_damaged_household_and_leaves_its_bytes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file of schema step 1 (no audit chain yet): checked as it is, its documents read
    one by one, the damaged household named, and not one byte changed."""

    from db import driver
    from db.store import AUDIT_CHAIN_FROM
    from tests.db.test_migrations import version_one_file

    path = tmp_path / "cu.sqlite"
    ids = version_one_file(path, 6)
    raw = path.read_bytes()
    assert main(["db", "check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Cấu trúc dữ liệu số: 1 (phiên bản cũ)" in out
    assert "Số hộ: 6" in out
    assert (
        "nhật ký thay đổi của tệp cũ này chưa có mã kiểm tra (có từ cấu trúc dữ liệu số "
        f"{AUDIT_CHAIN_FROM}) nên chưa kiểm tra được"
    ) in out
    assert path.read_bytes() == raw

    conn = driver.connect(path, isolation_level=None)
    conn.execute("UPDATE households SET doc = '{\"code\": ' WHERE id = ?", (ids[2],))
    code = conn.execute("SELECT code FROM households WHERE id = ?", (ids[2],)).fetchone()[0]
    conn.close()
    raw = path.read_bytes()
    assert main(["db", "check", str(path)]) == 1
    captured = capsys.readouterr()
    assert "được tạo bằng phiên bản Rà soát cũ hơn" in captured.out
    assert f"Hộ {code}: thông tin hộ bị hỏng, không đọc được." in captured.err
    assert path.read_bytes() == raw
    assert backup.list_backups(path, "migration") == []


def test_check_of_a_file_on_a_read_only_stick_checks_a_private_copy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A write-protected stick or a CD: the file cannot be opened there (SQLite cannot make
    its -shm), and `db check` refused it with the words said when opening it. It checks a
    copy in a private temporary folder, as a backup on such a stick is checked, and removes
    the copy; damage is found there as anywhere, pointed to the file's own backups."""
    import hashlib
    import tempfile

    from tests.db.test_reliability import read_only_view

    stick = tmp_path / "usb"
    stick.mkdir()
    good, bad = stick / "xa.sqlite", stick / "hong.sqlite"
    assert main(["demo", "--households", "12", "--out", str(good)]) == 0
    shutil.copy(good, bad)
    with bad.open("r+b") as f:
        for offset in range(4096 * 4, bad.stat().st_size - 4096, 4096 * 5):
            f.seek(offset)
            f.write(b"\xff" * 2048)
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (good, bad)}
    temp = sorted(Path(tempfile.gettempdir()).glob("rasoat-kiem-tra-*"))
    capsys.readouterr()
    with read_only_view(stick, tmp_path / "ro") as ro:
        assert main(["db", "check", str(ro / good.name)]) == 0
        out = capsys.readouterr().out
        assert f"Tệp: {ro / good.name}" in out
        assert "Số hộ: 12" in out
        assert "ổ chỉ cho đọc: đã kiểm tra một bản chép tạm trên máy" in out
        assert "tệp không có lỗi (từng hồ sơ đều đọc được); nhật ký thay đổi nguyên vẹn" in out
        assert "ban-sao" not in out

        assert main(["db", "check", str(ro / bad.name)]) == 1
        err = capsys.readouterr().err
        assert "bị hỏng" in err or "Tệp có lỗi" in err
        assert "ban-sao" not in err
        assert "Traceback" not in err
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (good, bad)} == before
    assert sorted(p.name for p in stick.iterdir()) == sorted(
        [good.name, bad.name, good.name + ".backups"]
    )
    assert sorted(Path(tempfile.gettempdir()).glob("rasoat-kiem-tra-*")) == temp


def test_check_on_a_read_only_stick_of_a_file_whose_session_did_not_end(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The file copied while it was open, its -wal beside it holding what was saved last:
    the check reads both, as opening them on the machine would."""
    from db.store import Store
    from forms.model import Household
    from tests.db.test_reliability import read_only_view

    path = tmp_path / "xa.sqlite"
    assert main(["demo", "--households", "5", "--out", str(path)]) == 0
    stick = tmp_path / "usb"
    stick.mkdir()
    store = Store.open(path, user="a", device="b")
    try:
        store.save_household(Household(code="MOI-1", village="Thôn 1"))
        wal = path.with_name(path.name + "-wal")
        assert wal.stat().st_size > 0
        shutil.copy(path, stick / path.name)
        shutil.copy(wal, stick / wal.name)
    finally:
        store.close()
    capsys.readouterr()
    with read_only_view(stick, tmp_path / "ro") as ro:
        assert main(["db", "check", str(ro / path.name)]) == 0
    out = capsys.readouterr().out
    assert "Số hộ: 6" in out
    assert "tệp không có lỗi" in out


@pytest.mark.parametrize("kind", ["another program's", "older", "encrypted"])
def test_check_on_a_read_only_stick_of_other_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    from db import at_rest, driver
    from tests.db.test_audit_pointing import BEFORE_M0017, as_before_m0017
    from tests.db.test_reliability import read_only_view

    stick = tmp_path / "usb"
    stick.mkdir()
    path = stick / "tep.sqlite"
    options: list[str] = []
    if kind == "another program's":
        conn = driver.connect(path)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("CREATE TABLE t (x)")
        conn.commit()
        conn.close()
    else:
        assert main(["demo", "--households", "7", "--out", str(path)]) == 0
    if kind == "older":
        as_before_m0017(path)
    if kind == "encrypted":
        at_rest.encrypt_file(path, "ruộng bậc thang mùa lúa chín")
        secret = tmp_path / "mk.txt"
        secret.write_text("ruộng bậc thang mùa lúa chín\n", encoding="utf-8")
        options = ["--passphrase-file", str(secret)]
    capsys.readouterr()
    with read_only_view(stick, tmp_path / "ro") as ro:
        code = main(["db", "check", str(ro / path.name), *options])
    captured = capsys.readouterr()
    assert "ban-sao" not in captured.out + captured.err
    if kind == "another program's":
        assert code == 1
        assert f"Tệp {ro / path.name} không phải tệp dữ liệu rà soát của xã." in captured.err
        return
    assert code == 0, captured.err
    assert "Số hộ: 7" in captured.out
    assert "tệp không có lỗi" in captured.out
    if kind == "older":
        assert f"Cấu trúc dữ liệu số: {BEFORE_M0017} (phiên bản cũ)" in captured.out
        assert "ổ chỉ cho đọc" in captured.out


def test_restore_refuses_another_communes_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A restore checked only that the copy was whole: another commune's file took the
    place of this one (user-less and plain over an encrypted file with users), exit 0. It is
    refused, the file byte-identical; so it is when the file is too damaged to read, against
    its newest backup's commune. A copy of the same commune (another laptop's) restores."""
    import hashlib

    from db.records import CommuneInfo
    from db.store import Store
    from forms.model import Area

    path = tmp_path / "xa.sqlite"
    assert main(["demo", "--households", "6", "--out", str(path)]) == 0
    other = tmp_path / "phuong-khac.sqlite"
    info = CommuneInfo("01", "Hà Nội", "00004", "Phường Ba Đình", Area.URBAN)
    Store.create(other, info, user="a", device="b").close()
    capsys.readouterr()

    before = hashlib.sha256(path.read_bytes()).hexdigest()
    assert main(["db", "restore", str(path), "--from", str(other)]) == 1
    err = capsys.readouterr().err
    assert (
        "là tệp của Phường Ba Đình, Hà Nội (mã xã 00004), không phải của Xã Bảo Yên, Lào Cai "
        "(mã xã 02947): không khôi phục" in err
    )
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before

    with path.open("r+b") as f:  # the file itself unreadable: its backups say whose it is
        f.write(b"\x00" * 4096)
    damaged = path.read_bytes()
    assert main(["db", "restore", str(path), "--from", str(other)]) == 1
    assert "không phải của Xã Bảo Yên" in capsys.readouterr().err
    assert path.read_bytes() == damaged

    same = tmp_path / "may-khac.sqlite"  # the same commune's file from another laptop
    [newest] = backup.list_backups(path)[-1:]
    shutil.copy(newest, same)
    assert main(["db", "restore", str(path), "--from", str(same)]) == 0
    assert main(["db", "check", str(path)]) == 0
