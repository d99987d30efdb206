"""The exchange commands, run as a user would: export, import, merge, conflicts,
excel-import and the upper level's summary."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from db.store import Store
from rasoat.cli import main
from tests.db.exchange.commune import copy_to, make_commune
from tests.db.exchange.test_merge import edit
from tests.db.exchange.workbook import build


def test_export_with_password_then_import_with_the_recovery_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    base = make_commune(tmp_path / "xa.db", 5)
    laptop = copy_to(base, tmp_path / "may.db")
    edit(laptop, "may-a", ["HO00001"], "đã sửa")
    monkeypatch.setenv("RASOAT_PASSWORD", "mật khẩu đủ dài")
    pkg = tmp_path / "a.rasoat"
    assert main(["export", str(laptop), str(pkg), "--password"]) == 0
    out = capsys.readouterr().out
    assert "Đã xuất 5 hộ" in out
    assert "dữ liệu cá nhân" in out
    key = out.split("chỉ hiện một lần:")[1].split()[0]
    monkeypatch.delenv("RASOAT_PASSWORD")
    receipt = tmp_path / "bien-nhan.json"
    # The key from a file (never on the command line, where other users could read it).
    key_file = tmp_path / "khoa.txt"
    key_file.write_text(f"KHOÁ KHÔI PHỤC\n\n    {key}\n", encoding="utf-8")
    args = ["import", str(base), str(pkg), "--recovery-key-file", str(key_file)]
    code = main([*args, "--receipt", str(receipt)])
    assert code == 0
    out = capsys.readouterr().out
    assert "BIÊN NHẬN NHẬP GÓI" in out
    assert "cập nhật: 1" in out
    sent = json.loads(receipt.read_text(encoding="utf-8"))
    assert sent["written"] is True
    # Households by code and village, never by their head's name (docs/privacy.md).
    assert sent["entries"]
    assert all("head_name" not in e for e in sent["entries"])
    with Store.open(base, user="a", device="b") as store:
        heads = [h.head_name() for h in store.iter_households() if h.head_name()]
    assert heads
    assert not any(name in receipt.read_text(encoding="utf-8") for name in heads)
    pdf = tmp_path / "bien-nhan.pdf"
    monkeypatch.setenv("RASOAT_RECOVERY_KEY", key)  # or asked on the terminal
    assert main(["import", str(base), str(pkg), "--recovery-key", "--receipt", str(pdf)]) == 0
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "BIÊN NHẬN NHẬP GÓI DỮ LIỆU RÀ SOÁT" in text
    assert "không đổi: 5" in text  # the second import found everything already there


def test_export_writes_the_recovery_key_page_to_print_and_audits_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI prints the package's key as the window does (reports.recovery_key)."""
    from pypdf import PdfReader

    from db import driver

    db = make_commune(tmp_path / "xa.db", 2)
    monkeypatch.setenv("RASOAT_PASSWORD", "mật khẩu đủ dài")
    pdf = tmp_path / "khoa-khoi-phuc.pdf"
    pkg = tmp_path / "goi.rasoat"
    assert main(["export", str(db), str(pkg), "--recovery-key-pdf", str(pdf)]) == 0
    out = capsys.readouterr().out
    key = out.split("chỉ hiện một lần:")[1].split()[0]
    assert f"Trang khoá khôi phục để in: {pdf}" in out
    text = " ".join("".join(page.extract_text() for page in PdfReader(pdf).pages).split())
    assert "KHOÁ KHÔI PHỤC GÓI DỮ LIỆU RÀ SOÁT" in text
    assert "Gói dữ liệu: goi.rasoat" in text
    assert key in text.replace(" ", "")
    conn = driver.connect(str(db))
    logged = [
        r[0]
        for r in conn.execute("SELECT new FROM audit WHERE tbl = 'events' AND row_id = 'print'")
    ]
    conn.close()
    assert len(logged) == 1
    assert "package_recovery_key" in logged[0]
    assert key not in logged[0]


def test_a_weak_export_password_is_refused_with_a_hint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    base = make_commune(tmp_path / "xa.db", 1)
    monkeypatch.setenv("RASOAT_PASSWORD", "1")
    assert main(["export", str(base), str(tmp_path / "a.rasoat"), "--password"]) == 2
    assert "Gợi ý" in capsys.readouterr().err
    assert not (tmp_path / "a.rasoat").exists()


def test_bad_package_gets_a_vietnamese_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = make_commune(tmp_path / "xa.db", 2)
    bad = tmp_path / "hong.rasoat"
    bad.write_bytes(b"PK\x03\x04 nothing more")
    assert main(["import", str(base), str(bad)]) == 2
    assert "không phải gói dữ liệu" in capsys.readouterr().err


def test_merge_several_then_resolve_conflicts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Packages are encrypted by default; the script's password serves export and merge.
    monkeypatch.setenv("RASOAT_PASSWORD", "mật khẩu đủ dài")
    base = make_commune(tmp_path / "xa.db", 4)
    a = copy_to(base, tmp_path / "a.db")
    b = copy_to(base, tmp_path / "b.db")
    edit(a, "may-a", ["HO00001"], "A")
    edit(b, "may-b", ["HO00001", "HO00002"], "B")
    for laptop, name in ((a, "a.rasoat"), (b, "b.rasoat")):
        assert main(["export", str(laptop), str(tmp_path / name)]) == 0
    capsys.readouterr()
    assert main(["merge", str(base), str(tmp_path / "a.rasoat"), str(tmp_path / "b.rasoat")]) == 0
    out = capsys.readouterr().out
    assert "Còn 1 xung đột" in out
    assert main(["conflicts", str(base)]) == 0
    line = capsys.readouterr().out.strip()
    assert "HO00001" in line
    assert main(["conflicts", str(base), "--take-theirs", line.split()[0]]) == 0
    assert "Đã giải quyết" in capsys.readouterr().out
    assert main(["conflicts", str(base)]) == 0
    assert "Không có xung đột" in capsys.readouterr().out


def test_excel_import_checks_first_and_writes_on_request(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from db.records import CommuneInfo
    from db.store import Store
    from forms.model import Area

    db = tmp_path / "xa.db"
    Store.create(
        db, CommuneInfo("10", "Lào Cai", "10105", "Xã Tân Lập", Area.RURAL), user="x", device="y"
    ).close()
    xlsx = build(tmp_path / "ds.xlsx")
    assert main(["excel-import", str(db), str(xlsx), "--year", "2025"]) == 0
    out = capsys.readouterr().out
    assert "Đọc được 3 hộ, 6 nhân khẩu; 0 lỗi" in out
    assert "Chưa ghi gì" in out
    # Unmapping the category column without a sheet-wide category is an error: nothing written.
    assert (
        main(
            ["excel-import", str(db), str(xlsx), "--year", "2025", "--map", "category=", "--write"]
        )
        == 1
    )
    # A standard no one has: the decision printed from such a round read "Căn cứ chuẩn nghèo
    # khong-co". Refused, nothing written.
    before = db.read_bytes()
    unknown = ["--standard", "khong-co", "--write"]
    assert main(["excel-import", str(db), str(xlsx), "--year", "2025", *unknown]) == 2
    assert "Không có chuẩn nghèo 'khong-co'" in capsys.readouterr().err
    assert db.read_bytes() == before
    assert main(["excel-import", str(db), str(xlsx), "--year", "2025", "--write"]) == 0
    assert "Đã ghi 3 hộ" in capsys.readouterr().out


def test_summary_across_communes_to_xlsx(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RASOAT_PASSWORD", "mật khẩu đủ dài")
    base = make_commune(tmp_path / "xa.db", 3)
    pkg = tmp_path / "xa.rasoat"
    assert main(["export", str(base), str(pkg)]) == 0
    out_xlsx = tmp_path / "tong-hop.xlsx"
    assert main(["summary", str(pkg), "--xlsx", str(out_xlsx)]) == 0
    assert "10105 | Xã Tân Lập" in capsys.readouterr().out
    ws = load_workbook(out_xlsx).worksheets[0]
    values = [c for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert "Xã Tân Lập" in values
    assert "Tổng cộng" in values


def test_refusals_and_lists_leave_the_commune_file_byte_identical(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opening the file wrote "last seen", so every use of an exchange command that writes
    nothing changed its bytes: now a refused import of a held package (a viewer may not
    import), export or Excel import, the lists of conflicts and devices and an untrusting
    answered no leave the file's sha256 as it was; a write that commits records the user."""
    import hashlib
    import io

    from db import users
    from db.store import Store
    from forms.roles import Role

    base = make_commune(tmp_path / "xa.db", 3)
    laptop = copy_to(base, tmp_path / "may.db")
    edit(laptop, "may-a", ["HO00001"], "đã sửa")
    pkg = tmp_path / "a.rasoat"
    assert main(["export", str(laptop), str(pkg), "--no-password"]) == 0
    secret = tmp_path / "mk.txt"
    secret.write_text("mat-khau-9x\n", encoding="utf-8")
    with Store.open(base, user="Cán bộ xã", device="may-xa") as store:
        users.add_user(store, "thu", "Lò Thị Thu", Role.OFFICER, "mat-khau-9x")
        users.add_user(store, "xem", "Người xem", Role.VIEWER, "mat-khau-9x")
    xlsx = build(tmp_path / "ds.xlsx")
    capsys.readouterr()

    def sha() -> str:
        return hashlib.sha256(base.read_bytes()).hexdigest()

    f = str(base)
    viewer = ["--user", "xem", "--user-password-file", str(secret)]
    officer = ["--user", "thu", "--user-password-file", str(secret)]
    before = sha()
    assert main(["import", f, str(pkg), "--trust-device", "x", *viewer]) == 1
    assert "người xem) không được nhập" in capsys.readouterr().err
    assert main(["export", f, str(tmp_path / "b.rasoat"), "--no-password", *viewer]) == 1
    excel = ["excel-import", f, str(xlsx), "--year", "2025", "--write"]
    assert main([*excel, *viewer]) == 1
    assert main(["conflicts", f, *officer]) == 0
    assert main(["conflicts", f, "--keep-mine", "khong-co", *officer]) == 2
    assert main(["devices", f, *officer]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("k\n"))
    assert main(["devices", f, "--untrust", "ab" * 16, *officer]) == 1
    assert "Không thay đổi gì." in capsys.readouterr().out
    assert sha() == before
    assert not base.with_name("xa.db-wal").exists()
    assert main(["import", f, str(pkg), *officer]) == 0
    imported = sha()
    assert main(["import", f, str(pkg), *officer]) == 0  # already there: nothing commits
    assert "không đổi: 3" in capsys.readouterr().out
    assert sha() == imported != before
    with Store.open(base, user="x", device="y") as store:
        assert "thu" in [name for name, _device, _at in store.surveyors()]


def test_import_and_merge_pause_the_cycle_collector_from_reading_to_writing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The collector is off from the package's reading to its merge (on between the two,
    it walked every object of the package just read: a tenth of a commune merge's time)
    and on again after, a refusal included (review of 983b690: only import_package paused
    it across both). Recorded as the commands call the two, which run as they are."""
    import gc

    from db.exchange import merge, merge_stream

    monkeypatch.setenv("RASOAT_PASSWORD", "mật khẩu đủ dài")
    base = make_commune(tmp_path / "xa.db", 3)
    laptop = copy_to(base, tmp_path / "may.db")
    edit(laptop, "may-a", ["HO00001"], "đã sửa")
    pkg = tmp_path / "a.rasoat"
    assert main(["export", str(laptop), str(pkg)]) == 0
    calls: list[tuple[str, bool]] = []
    read, merged = merge_stream.read_for_merge, merge.merge_package

    def reading(*args: Any, **kwargs: Any) -> Any:
        calls.append(("read", gc.isenabled()))
        return read(*args, **kwargs)

    def merging(*args: Any, **kwargs: Any) -> Any:
        calls.append(("merge", gc.isenabled()))
        return merged(*args, **kwargs)

    monkeypatch.setattr(merge_stream, "read_for_merge", reading)
    monkeypatch.setattr(merge, "merge_package", merging)
    assert main(["import", str(base), str(pkg)]) == 0
    assert gc.isenabled()
    assert main(["merge", str(base), str(pkg)]) == 0
    assert gc.isenabled()
    assert main(["import", str(base), str(tmp_path / "nothing.rasoat")]) != 0
    assert gc.isenabled()
    assert calls == [("read", False), ("merge", False)] * 2
    assert "cập nhật: 1" in capsys.readouterr().out


def test_merge_judges_the_next_package_after_an_error_of_ours(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error the checks did not foresee in one package (here a fault put into the commune
    file: a trigger refusing any change of HO00001, laptop A's edit) stopped the whole merge
    with exit 70, and the good packages after it were never read. That package is rolled
    back and said; the next is merged; the exit is still 70, and the log has the details."""
    from db import driver

    monkeypatch.setenv("RASOAT_PASSWORD", "mật khẩu đủ dài")
    base = make_commune(tmp_path / "xa.db", 4)
    a = copy_to(base, tmp_path / "a.db")
    b = copy_to(base, tmp_path / "b.db")
    edit(a, "may-a", ["HO00001"], "A")
    edit(b, "may-b", ["HO00002"], "B")
    for laptop, name in ((a, "a.rasoat"), (b, "b.rasoat")):
        assert main(["export", str(laptop), str(tmp_path / name)]) == 0
    conn = driver.connect(base)
    conn.execute(
        "CREATE TRIGGER fault BEFORE UPDATE ON households WHEN NEW.code = 'HO00001'"
        " BEGIN SELECT RAISE(ABORT, 'injected fault'); END"
    )
    conn.close()
    capsys.readouterr()
    packages = [str(tmp_path / "a.rasoat"), str(tmp_path / "b.rasoat")]
    assert main(["merge", str(base), *packages]) == 70
    out = capsys.readouterr().out
    assert "a.rasoat: KHÔNG NHẬP — lỗi không mong muốn" in out
    assert "b.rasoat: " in out
    with Store.open(base, user="Cán bộ xã", device="may-xa") as store:
        first, second = store.household_by_code("HO00001"), store.household_by_code("HO00002")
        assert first is not None
        assert second is not None
        assert first.note != "A"  # rolled back
        assert second.note == "B"


def test_a_recovery_key_file_too_big_is_refused_unread(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Read whole, /dev/zero given as the recovery key file filled the memory."""
    base = make_commune(tmp_path / "xa.db", 2)
    before = base.read_bytes()
    assert (
        main(["import", str(base), str(tmp_path / "x.rasoat"), "--recovery-key-file", "/dev/zero"])
        == 2
    )
    assert "quá lớn" in capsys.readouterr().err
    assert base.read_bytes() == before


def test_the_upper_levels_package_is_not_said_to_hold_id_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its export said "gói chứa họ tên và số CCCD" of a package that leaves them out."""
    monkeypatch.setenv("RASOAT_PASSWORD", "mật khẩu đủ dài")
    base = make_commune(tmp_path / "xa.db", 2)
    out = tmp_path / "cap-tren.rasoat"
    assert main(["export", str(base), str(out), "--scope", "commune", "--for-upper-level"]) == 0
    said = capsys.readouterr().out
    assert "không có số CCCD" in said
    assert "họ tên và số CCCD" not in said
    assert main(["export", str(base), str(tmp_path / "du.rasoat")]) == 0
    assert "họ tên và số CCCD" in capsys.readouterr().out
