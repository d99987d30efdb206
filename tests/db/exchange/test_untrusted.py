"""Untrusted packages, workbooks and JSON stay harmless (issue 17): impossible values and
costly shapes are refused with a Vietnamese reason naming the household and field."""

from __future__ import annotations

import json
import random
import uuid
import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from db.exchange import merge_plan
from db.exchange.devices import UNSIGNED_OK
from db.exchange.errors import PackageError
from db.exchange.excel_lists import MAX_COLUMNS, open_workbook, parse_sheet
from db.exchange.package import MAX_REVS, PackageRecord, RevEntry, read_package, write_package
from rasoat.cli import main
from tests.db.exchange.records import records
from tests.db.exchange.workbook import build, person

HEADER = {"app_version": "0.1.0", "commune": {"code": "10105", "name": "Xã Tân Lập"}}


def rewrite_manifest(path: Path, **changes: object) -> None:
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    manifest = json.loads(parts["manifest.json"])
    manifest.update(changes)
    parts["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def _import_refused(db: Path, pkg: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """``rasoat import`` of ``pkg`` into ``db`` refused as unusable input (exit 2), the commune
    file left byte-identical; what it said."""
    before = db.read_bytes()
    assert main(["import", str(db), str(pkg), "--allow-unsigned"]) == 2
    assert db.read_bytes() == before
    return capsys.readouterr().err


def test_a_huge_package_id_is_refused(tmp_path: Path) -> None:
    pkg = tmp_path / "p.rasoat"
    write_package(pkg, HEADER, {"villages": []}, records(2))
    rewrite_manifest(pkg, package_id="x" * 900_000)
    with pytest.raises(PackageError, match="Mã gói"):
        read_package(pkg)


def test_a_forged_author_with_control_characters_is_refused(tmp_path: Path) -> None:
    pkg = tmp_path / "p.rasoat"
    write_package(pkg, HEADER, {"villages": []}, records(2))
    rewrite_manifest(pkg, created_by="Giám đốc\x00Sở")
    with pytest.raises(PackageError, match="created_by"):
        read_package(pkg)


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("birth_year", 3000, "Năm sinh ngoài khoảng"),
        ("id_number", "abc", "CCCD"),
        ("name", "Nguyễn\x00An", "ký tự điều khiển"),
        ("birth_date", date(2999, 1, 1), "Ngày sinh ở tương lai"),
    ],
)
def test_impossible_member_values_are_refused(
    tmp_path: Path, field: str, value: object, said: str
) -> None:
    recs = records(3)
    setattr(recs[1].household.members[0], field, value)
    pkg = tmp_path / "p.rasoat"
    write_package(pkg, HEADER, {"villages": []}, recs)
    with pytest.raises(PackageError, match=f"Hộ {recs[1].household.code}.*{said}"):
        read_package(pkg)


@pytest.mark.parametrize("area", [float("nan"), float("inf"), -5.0])
def test_floor_area_must_be_a_finite_non_negative_number(tmp_path: Path, area: float) -> None:
    recs = records(2)
    recs[0].household.floor_area_m2 = area
    pkg = tmp_path / "p.rasoat"
    write_package(pkg, HEADER, {"villages": []}, recs)
    with pytest.raises(PackageError, match="Diện tích"):
        read_package(pkg)


def test_a_huge_village_name_is_refused(tmp_path: Path) -> None:
    recs = records(2)
    rng = random.Random(5)
    recs[0].household.village = "".join(rng.choice("abcdeghiklmnopqrstuvxy ") for _ in range(10**6))
    pkg = tmp_path / "p.rasoat"
    write_package(pkg, HEADER, {"villages": []}, recs)
    with pytest.raises(PackageError, match="Thôn dài"):
        read_package(pkg)


def test_wrongly_typed_results_are_refused(tmp_path: Path) -> None:
    recs = records(1)
    recs[0].results = {"r1": {"category": "poor", "standard_id": "x", "income": "nhiều"}}
    pkg = tmp_path / "p.rasoat"
    write_package(pkg, HEADER, {"villages": [], "rounds": []}, recs)
    with pytest.raises(PackageError, match="income"):
        read_package(pkg)


def test_history_per_household_is_bounded(tmp_path: Path) -> None:
    recs = records(1)
    rec = recs[0]
    forged = [RevEntry(rev=f"f-{i:05x}", parent_rev=None) for i in range(MAX_REVS)]
    rec.revs = [*forged, *rec.revs]
    pkg = tmp_path / "p.rasoat"
    write_package(pkg, HEADER, {"villages": []}, recs)
    with pytest.raises(PackageError, match="lịch sử"):
        read_package(pkg)
    rec.revs = rec.revs[-10:]
    write_package(pkg, HEADER, {"villages": []}, recs)
    assert len(read_package(pkg).records[0].revs) == 10


def test_a_rev_id_is_short(tmp_path: Path) -> None:
    recs = records(1)
    recs[0].rev = "r" * 5000
    recs[0].revs = [RevEntry(rev=recs[0].rev, parent_rev=None)]
    pkg = tmp_path / "p.rasoat"
    write_package(pkg, HEADER, {"villages": []}, recs)
    with pytest.raises(PackageError, match="mã phiên bản"):
        read_package(pkg)


def test_a_rev_of_one_household_listed_under_another_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A rev names one household (``household_revs.rev``): a second household listing it
    would have that history entry silently dropped, or vouched for by the first's. Refused
    naming both households, before any commune file is opened."""
    from tests.db.exchange.commune import make_commune

    recs = records(3)
    pkg = tmp_path / "p.rasoat"
    recs[2].revs = [RevEntry(rev="2-own", parent_rev=recs[0].rev), *recs[2].revs]
    write_package(pkg, HEADER, {"villages": []}, recs)
    assert len(read_package(pkg).records) == 3  # a parent of another household's: named only
    recs[2].revs = [RevEntry(rev=recs[0].rev, parent_rev=None), *recs[2].revs[1:]]
    write_package(pkg, HEADER, {"villages": []}, recs)
    with pytest.raises(PackageError, match="Hộ HO00002 \\(dòng 3\\) .* của hộ HO00000"):
        read_package(pkg)
    ours = make_commune(tmp_path / "xa.db", 2)
    assert "của hộ HO00000 trong cùng gói" in _import_refused(ours, pkg, capsys)


def test_a_new_households_rev_already_another_households_here_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A household new to the file whose history lists a rev this file keeps as another
    household's: its entry would be dropped (``INSERT OR IGNORE``), so the package is
    refused naming both, and the merge's transaction leaves the file as it was."""
    from db import driver
    from tests.db.exchange.commune import make_commune

    ours = make_commune(tmp_path / "xa.db", 2)
    with driver.connect(ours) as conn:
        here_rev, here_code = conn.execute(
            "SELECT rev, code FROM households ORDER BY code LIMIT 1"
        ).fetchone()
    recs = records(3, seed=9)
    recs[2].revs = [RevEntry(rev=here_rev, parent_rev=None), *recs[2].revs]  # new here
    pkg = tmp_path / "p.rasoat"
    write_package(pkg, HEADER, {"villages": []}, recs)
    said = _import_refused(ours, pkg, capsys)
    assert f"Hộ {recs[2].household.code} của gói" in said
    assert f"của hộ {here_code} đã có trong tệp này" in said
    with driver.connect(ours) as conn:
        assert conn.execute("SELECT COUNT(*) FROM households").fetchone()[0] == 2


@pytest.mark.parametrize(
    "how", ["edited", "beside_its_owner", "owner_chunk_before", "code_taken", "deleted_both"]
)
def test_a_household_listing_another_households_rev_here_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """A household here sent back (edited; beside the household whose rev it lists, whose
    history planning reads too; deleted on both sides, which joins their histories), or a new
    one whose code is taken here (kept for the officer, who writes its history later), its
    history listing a rev this file keeps as another household's: refused in planning,
    naming both, nothing written."""
    from db import driver
    from db.store import Store
    from tests.db.exchange.commune import make_commune

    if how == "owner_chunk_before":  # its owner planned a chunk before, forgotten since
        monkeypatch.setattr(merge_plan, "LOOKUP_CHUNK", 1)
    ours = make_commune(tmp_path / "xa.db", 2)
    with Store.open(ours, user="Cán bộ xã", device="may-xa") as store:
        if how in ("beside_its_owner", "owner_chunk_before"):  # a second version of a
            (first,) = store.conn.execute("SELECT id FROM households ORDER BY code LIMIT 1")
            edited_here = store.get_household(first[0])
            assert edited_here is not None
            edited_here.note = "sửa ở đây"
            store.save_household(edited_here)
        (a_id, a_rev, a_code), (b_id, b_rev, b_code) = store.conn.execute(
            "SELECT id, rev, code FROM households ORDER BY code"
        ).fetchall()
        a, b = store.get_household(a_id), store.get_household(b_id)
        assert a is not None
        assert b is not None
        revs = {h: [RevEntry(*r) for r in store.household_revs(h)] for h in (a_id, b_id)}
        if how == "deleted_both":
            store.delete_household(b_id)
    b.note = "sửa ở máy khác"
    if how == "code_taken":  # another household, with b's code
        b = replace(b, id=str(uuid.uuid4()), members=[replace(m) for m in b.members])
        revs[b_id] = []
    sent = [
        PackageRecord(
            household=b,
            rev="2-edited",
            revs=[*revs[b_id], RevEntry("2-edited", b_rev), RevEntry(a_rev, None)],
            deleted=how == "deleted_both",
        )
    ]
    if how in ("beside_its_owner", "owner_chunk_before"):  # a as the laptop had it: older
        first_rev = revs[a_id][0]
        sent.insert(0, PackageRecord(household=a, rev=first_rev.rev, revs=[first_rev]))
    pkg = tmp_path / "p.rasoat"
    write_package(pkg, HEADER, {"villages": []}, sent)
    said = _import_refused(ours, pkg, capsys)
    assert f"Hộ {b_code} của gói ghi trong lịch sử một phiên bản của hộ {a_code}" in said
    with driver.connect(ours) as conn:
        assert conn.execute("SELECT COUNT(*) FROM households").fetchone()[0] == 2
        assert conn.execute("SELECT COUNT(*) FROM exchange_conflicts").fetchone()[0] == 0


def test_a_new_household_with_a_member_here_listing_another_households_rev_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A household new to the file with a member already here (who moved) is written one by
    one, not in bulk (``bulk_candidates``): its history is checked all the same."""
    from db.store import Store
    from forms.model import Household
    from tests.db.exchange.commune import make_commune

    ours = make_commune(tmp_path / "xa.db", 2)
    with Store.open(ours, user="Cán bộ xã", device="may-xa") as store:
        (a_id, _a_rev, _a_code), (_b_id, b_rev, b_code) = store.conn.execute(
            "SELECT id, rev, code FROM households ORDER BY code"
        ).fetchall()
        a = store.get_household(a_id)
        assert a is not None
    moved = Household(code="HO-MOI", village=a.village, members=[a.members[0]])
    sent = PackageRecord(
        household=moved, rev="2-new", revs=[RevEntry(b_rev, None), RevEntry("2-new", b_rev)]
    )
    pkg = tmp_path / "p.rasoat"
    write_package(pkg, HEADER, {"villages": []}, [sent])
    assert f"Hộ HO-MOI của gói ghi trong lịch sử một phiên bản của hộ {b_code}" in (
        _import_refused(ours, pkg, capsys)
    )


def test_a_conflicts_rev_brought_since_as_another_households_refuses_the_decision(
    tmp_path: Path,
) -> None:
    """A conflict's history is written when the officer decides it: a package merged in
    between that gave one of its revs to another household makes the decision refused,
    nothing written."""
    from db.exchange.merge import import_package
    from db.exchange.merge_conflicts import open_conflicts, resolve_conflict
    from db.store import Store
    from forms.model import Household
    from tests.db.exchange.commune import make_commune

    ours = make_commune(tmp_path / "xa.db", 2)
    with Store.open(ours, user="Cán bộ xã", device="may-xa") as store:
        b_id = store.conn.execute("SELECT id FROM households ORDER BY code DESC").fetchone()[0]
        b = store.get_household(b_id)
        assert b is not None
        (first,) = [RevEntry(*r) for r in store.household_revs(b_id)]
        b.note = "sửa ở xã"
        store.save_household(b)
    theirs = replace(b, note="sửa ở máy", members=list(b.members))
    p1, p2 = tmp_path / "p1.rasoat", tmp_path / "p2.rasoat"
    laptop = [first, RevEntry("3-laptop", first.rev)]
    write_package(p1, HEADER, {"villages": []}, [PackageRecord(theirs, "3-laptop", laptop)])
    other = Household(code="HO-KHAC", village=b.village)
    taken = [RevEntry("3-laptop", None)]
    write_package(p2, HEADER, {"villages": []}, [PackageRecord(other, "3-laptop", taken)])
    with Store.open(ours, user="Cán bộ xã", device="may-xa") as store:
        assert import_package(store, p1, trusted=[UNSIGNED_OK]).count("conflict") == 1
        assert import_package(store, p2, trusted=[UNSIGNED_OK]).count("added") == 1
        (conflict,) = open_conflicts(store)
        tables = ("households", "household_revs", "exchange_merge_parents")
        before = [store.conn.execute(f"SELECT * FROM {t}").fetchall() for t in tables]
        with pytest.raises(PackageError, match="của hộ HO-KHAC đã có trong tệp này"):
            resolve_conflict(store, conflict.id, "take_theirs")
        assert len(open_conflicts(store)) == 1
        assert [store.conn.execute(f"SELECT * FROM {t}").fetchall() for t in tables] == before


# --- workbooks ----------------------------------------------------------------------------


def test_a_declared_huge_dimension_is_not_trusted(tmp_path: Path) -> None:
    path = build(tmp_path / "ds.xlsx")
    wb = load_workbook(path)
    wb.active["XFD2"] = "xa"  # one far cell: the sheet is as wide as Excel allows
    wb.save(path)
    layouts, sheets = open_workbook(path)
    assert max(len(r) for r in sheets[0]) <= MAX_COLUMNS
    assert layouts[0].mapping["head_name"] == 1


def test_rows_beyond_the_ceiling_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import db.exchange.excel_lists as excel_lists

    monkeypatch.setattr(excel_lists, "MAX_ROWS", 5)
    path = build(tmp_path / "ds.xlsx")
    with pytest.raises(PackageError, match="hơn 5 dòng"):
        open_workbook(path)


def test_a_negative_cccd_and_a_future_year_are_errors(tmp_path: Path) -> None:
    rows = [
        person(
            1, "Lò Văn A", "Lò Văn A", "Chủ hộ", "3000", "Nam", -10000, "Thôn 1", "Thái", "Nghèo"
        ),
    ]
    layouts, sheets = open_workbook(build(tmp_path / "ds.xlsx", rows))
    parsed = parse_sheet(sheets[0], layouts[0])
    texts = [i.text() for i in parsed.errors]
    # Row, column and field; the value itself is not repeated (issue 20 item 6).
    assert any("cột G (Số CCCD): số CCCD phải có 12 chữ số" in t for t in texts), texts
    assert any("Năm sinh ngoài khoảng" in t for t in texts), texts
    assert all("10000" not in t and "Lò Văn A" not in t for t in texts)


def test_an_overlong_workbook_name_is_an_error(tmp_path: Path) -> None:
    name = "Lò Văn " + "A" * 300
    rows = [person(1, name, "", "Chủ hộ", "1970", "Nam", None, "Thôn 1", "Thái", "Nghèo")]
    layouts, sheets = open_workbook(build(tmp_path / "ds.xlsx", rows))
    parsed = parse_sheet(sheets[0], layouts[0])
    assert any("Họ và tên dài 307 ký tự" in i.message for i in parsed.errors), parsed.report()


def test_a_zip_bomb_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bom.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", b" " * (64 * 1024 * 1024))
    with pytest.raises(PackageError, match="bom nén"):
        open_workbook(path)


def test_a_non_workbook_is_unusable_input(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    wb = Workbook()
    wb.save(path)
    path.write_bytes(path.read_bytes()[:300])
    with pytest.raises(PackageError):
        open_workbook(path)


# --- classify -----------------------------------------------------------------------------


def _doc(tmp_path: Path, **member: object) -> Path:
    m = {"name": "A", "relationship": "head", "birth_year": 1970, **member}
    doc = {"format_version": 1, "households": [{"code": "H1", "members": [m]}]}
    path = tmp_path / "in.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_classify_refuses_impossible_values_with_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["classify", str(_doc(tmp_path, birth_date="2999-01-01"))]) == 1
    err = capsys.readouterr().err
    assert "Hộ H1, thành viên thứ 1: Ngày sinh ở tương lai" in err
    path = _doc(tmp_path)
    doc = json.loads(path.read_text())
    doc["households"][0]["income_per_capita"] = 10**30
    path.write_text(json.dumps(doc))
    assert main(["classify", str(path)]) == 1
    assert "Thu nhập" in capsys.readouterr().err


def test_classify_deep_json_is_unusable_input_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    assert main(["classify", str(path)]) == 2
    err = capsys.readouterr().err
    assert "lồng quá nhiều cấp" in err  # the parser's own RecursionError text, said
    assert "Traceback" not in err


# --- refusals write nothing; exit codes ---------------------------------------------------


def test_a_refused_import_leaves_the_commune_file_byte_identical(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from db.records import CommuneInfo
    from db.store import Store
    from forms.model import Area
    from tests.db.exchange.commune import make_commune

    ours = make_commune(tmp_path / "xa.db", 3)
    other = tmp_path / "khac.db"
    with Store.create(
        other, CommuneInfo("10", "Lào Cai", "99999", "Xã Khác", Area.RURAL), user="a", device="b"
    ) as store:
        store.start_round(2026, "nd351-2026-2030")
    pkg = tmp_path / "khac.rasoat"
    assert main(["export", str(other), str(pkg), "--no-password"]) == 0
    said = _import_refused(ours, pkg, capsys)
    assert "Gói này là của Xã Khác (mã 99999), không phải của Xã Tân Lập" in said  # not "xã Xã"


def test_excel_import_bad_options_are_unusable_input_not_internal_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.db.exchange.commune import make_commune

    db = make_commune(tmp_path / "xa.db", 1)
    xlsx = build(tmp_path / "ds.xlsx")
    assert main(["excel-import", str(db), str(xlsx), "--year", "99999", "--write"]) == 2
    assert "ngoài khoảng" in capsys.readouterr().err
    assert main(["excel-import", str(db), str(xlsx), "--year", "2025", "--map", "sex=1"]) == 2
    assert "không phải tên cột" in capsys.readouterr().err


@pytest.mark.parametrize(
    "change",
    [
        {"reference_date": "ngay-mai"},
        {"reference_date": "2026-02-30"},
        {"started_at": "không phải ngày"},
        {"decided_on": "10/12/2026"},
        {"standard_id": "khong-co-chuan"},
    ],
)
def test_a_round_with_junk_dates_or_an_unknown_standard_is_refused(
    tmp_path: Path, change: dict[str, str]
) -> None:
    """A junk reference date stopped the merge inside its transaction (a traceback, then a
    false word about the -wal file); an unknown standard printed "Căn cứ chuẩn nghèo
    khong-co-chuan" on the round's decision. Refused as the Store refuses to start them."""
    good = {
        "id": str(uuid.uuid4()),
        "year": 2026,
        "standard_id": "nd351-2026-2030",
        "kind": "adhoc",
        "started_at": "2026-03-01T08:00:00.000Z",
        "reference_date": "2026-03-01",
    }
    pkg = tmp_path / "ok.rasoat"
    write_package(pkg, HEADER, {"villages": [], "rounds": [good]}, records(1))
    read_package(pkg)
    pkg = tmp_path / "p.rasoat"
    write_package(pkg, HEADER, {"villages": [], "rounds": [{**good, **change}]}, records(1))
    with pytest.raises(PackageError, match="Một kỳ rà soát trong gói không hợp lệ"):
        read_package(pkg)


def test_a_package_time_that_is_no_time_is_refused(tmp_path: Path) -> None:
    """Kept as typed, "hôm qua" was shown as the package's time and ordered a commune's
    packages at the upper level."""
    pkg = tmp_path / "p.rasoat"
    write_package(pkg, HEADER, {"villages": []}, records(2))
    rewrite_manifest(pkg, created_at="hôm qua")
    with pytest.raises(PackageError, match="ngày tạo gói 'hôm qua' không hợp lệ"):
        read_package(pkg)


@pytest.mark.parametrize(
    ("village", "said"),
    [
        ({"id": "v1", "name": "Thôn Mới", "code": ["A", 1]}, "không phải là chữ"),
        ({"id": "v1", "name": "Thôn\x1bMới", "code": None}, "ký tự điều khiển"),
        ({"id": "v1", "name": "x" * 5000, "code": None}, "dài 5.000 ký tự"),
        ({"id": "v1", "name": "  ", "code": None}, "không được để trống"),
        (5, "bị hỏng"),
        ("Thôn\x00", "ký tự điều khiển"),
    ],
)
def test_a_village_list_that_is_no_list_of_villages_is_refused(
    tmp_path: Path, village: object, said: str
) -> None:
    """The upper level adds the package's villages to its copy of the commune: a code that
    was a list stopped it with an internal error (exit 70); a name had no bound."""
    pkg = tmp_path / "p.rasoat"
    good = {"id": "v0", "name": "Thôn Cũ", "code": "01"}
    write_package(pkg, HEADER, {"villages": [good]}, records(1))
    read_package(pkg)
    write_package(pkg, HEADER, {"villages": [good, village]}, records(1))
    with pytest.raises(PackageError, match=said):
        read_package(pkg)


def test_a_village_is_named_in_printable_words_of_a_bounded_length(tmp_path: Path) -> None:
    from db.errors import StoreError
    from db.store import Store
    from tests.db.exchange.commune import COMMUNE

    with Store.create(tmp_path / "xa.db", COMMUNE, user="Cán bộ", device="may-xa") as store:
        with pytest.raises(StoreError, match="ký tự điều khiển"):
            store.add_village("Thôn\x1bMới")
        with pytest.raises(StoreError, match="dài 201 ký tự"):
            store.add_village("x" * 201)
        assert store.add_village("Thôn Mới", "05").code == "05"


def test_a_record_refused_from_a_newer_program_says_to_update(tmp_path: Path) -> None:
    # A newer version's field or choice is "unknown" here: the officer was told only that,
    # not that updating the program would take the package.
    from db.version import __version__

    recs = records(2)
    recs[1].household.members[0].birth_year = 3000
    newer = tmp_path / "moi.rasoat"
    write_package(newer, {**HEADER, "app_version": "99.0.0"}, {"villages": []}, recs)
    with pytest.raises(PackageError) as refused:
        read_package(newer)
    assert str(refused.value).startswith(f"Hộ {recs[1].household.code} (dòng 2 của gói)")
    assert str(refused.value).endswith(
        f"Gói do phần mềm phiên bản 99.0.0 tạo, mới hơn phiên bản trên máy này ({__version__}):"
        " hãy cập nhật phần mềm rồi nhập lại."
    )
    same = tmp_path / "cung.rasoat"
    write_package(same, {**HEADER, "app_version": __version__}, {"villages": []}, recs)
    with pytest.raises(PackageError) as refused:
        read_package(same)
    assert "cập nhật phần mềm" not in str(refused.value)


@pytest.mark.parametrize("cut", [0.1, 0.5, 0.99])
def test_a_package_copied_half_way_says_to_copy_it_again(
    tmp_path: Path, cut: float, capsys: pytest.CaptureFixture[str]
) -> None:
    """A package cut short on its way (a stick pulled before the copy ended): refused, and
    told what to do, not only "bị hỏng" (the officer had nothing to try); a package that is
    sound but of another commune is told its own reason alone."""
    from db.exchange.errors import COPY_AGAIN
    from tests.db.exchange.commune import make_commune

    ours = make_commune(tmp_path / "xa.db", 2)
    whole = tmp_path / "whole.rasoat"
    write_package(whole, HEADER, {"villages": []}, records(2))
    data = whole.read_bytes()
    cut_short = tmp_path / "cut.rasoat"
    cut_short.write_bytes(data[: int(len(data) * cut)])
    assert COPY_AGAIN in _import_refused(ours, cut_short, capsys)
    other = tmp_path / "other.rasoat"
    write_package(other, {**HEADER, "commune": {"code": "02947", "name": "Xã Bảo Yên"}}, {}, [])
    said = _import_refused(ours, other, capsys)
    assert "xã" in said.lower()
    assert COPY_AGAIN not in said
