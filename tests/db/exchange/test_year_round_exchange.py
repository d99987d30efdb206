"""Applications, support records and cadre assignments through packages (issue 24): recorded
on two laptops and merged both ways, deletions travel, a cadre given to the same village on
both laptops is a conflict the receipt names (this file's kept), the same package imported
again writes nothing."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from db import year_round
from db.exchange import year_round_part
from db.exchange.errors import PackageError
from db.exchange.export import ExportScope, export_package
from db.exchange.merge import import_package
from db.exchange.package import read_package, write_package
from db.store import Store
from tests.db.exchange.commune import table_dump
from tests.reports.conftest import VILLAGES, build_commune

# What write_package computes itself; the rest of a read manifest is the header it was given.
MADE_BY_WRITING = (
    "counts",
    "parts",
    "package_id",
    "format",
    "format_version",
    "encryption",
    "signature",
)


def export_all(path: Path, device: str, out: Path) -> Path:
    with Store.open(path, user="Cán bộ", device=device) as store:
        export_package(store, out, ExportScope(kind="commune"))
    return out


def merge(path: Path, device: str, package: Path) -> tuple[bool, list[str]]:
    with Store.open(path, user="Cán bộ", device=device) as store:
        receipt = import_package(store, package)
    return receipt.written, receipt.warnings


def support(path: Path) -> dict[str, list[tuple[str, str, int | None]]]:
    """household code → (kind, programme, amount) of its live support records."""
    with Store.open(path, user="t", device="t") as store:
        out: dict[str, list[tuple[str, str, int | None]]] = {}
        for hid, code in store.conn.execute("SELECT id, code FROM households ORDER BY code"):
            found = [(s.kind, s.programme, s.amount) for s in year_round.support_for(store, hid)]
            if found:
                out[code] = found
        return out


@pytest.fixture
def laptops(tmp_path: Path) -> tuple[Path, Path]:
    base = build_commune(tmp_path / "xa.db", 12, VILLAGES)
    return shutil.copy(base, tmp_path / "may-xa.db"), shutil.copy(base, tmp_path / "may-dtv.db")


def _ids(path: Path) -> list[str]:
    with Store.open(path, user="t", device="t") as store:
        return [r[0] for r in store.conn.execute("SELECT id FROM households ORDER BY code")]


def test_support_recorded_on_two_laptops_merges_both_ways(
    laptops: tuple[Path, Path], tmp_path: Path
) -> None:
    commune, surveyor = laptops
    ids = _ids(commune)
    village = VILLAGES[0]
    with Store.open(commune, user="Cán bộ xã", device="may-xa") as store:
        loan = year_round.add_support(
            store, ids[0], "credit", date(2026, 3, 2), "NHCSXH", amount=40_000_000
        )
        year_round.assign_cadre(store, "Hoàng Văn Dũng", "Trưởng thôn", village=village)
        app = year_round.add_application(
            store, ids[1], "regular_review", date(2026, 4, 1), "Chủ hộ"
        )
    with Store.open(surveyor, user="ĐTV", device="may-dtv") as store:
        year_round.add_support(store, ids[2], "housing", date(2026, 5, 9), "Nhà ở 2026")
        year_round.assign_cadre(store, "Nông Thị Hoa", "", village=village)  # the same village
        year_round.assign_cadre(store, "Lò Văn Pản", "", household_id=ids[3])

    to_surveyor = export_all(commune, "may-xa", tmp_path / "xa.rasoat")
    written, warnings = merge(surveyor, "may-dtv", to_surveyor)
    assert written
    [conflict] = [w for w in warnings if "cán bộ phụ trách" in w]
    assert conflict.startswith(f"{village}: cán bộ phụ trách đã được ghi ở cả hai máy")
    assert "máy này: Nông Thị Hoa; trong gói: Hoàng Văn Dũng" in conflict
    to_commune = export_all(surveyor, "may-dtv", tmp_path / "dtv.rasoat")
    written, warnings = merge(commune, "may-xa", to_commune)
    assert written
    assert any("máy này: Hoàng Văn Dũng; trong gói: Nông Thị Hoa" in w for w in warnings)

    expected = support(commune)
    assert support(surveyor) == expected
    assert sorted(expected.values()) == [
        [("credit", "NHCSXH", 40_000_000)],
        [("housing", "Nhà ở 2026", None)],
    ]
    for path, device, cadre in (
        (commune, "may-xa", "Hoàng Văn Dũng"),
        (surveyor, "may-dtv", "Nông Thị Hoa"),
    ):
        with Store.open(path, user="t", device=device) as store:
            names = year_round.cadre_names(store)
            assert names[ids[3]] == "Lò Văn Pản"
            assert year_round.cadres(store) == sorted([cadre, "Lò Văn Pản"])
            [got] = year_round.applications(store)
            assert (got.id, got.household_id) == (app.id, ids[1])
            audited = [
                e.action for e in store.audit_for_household(ids[0]) if e.table == "support_records"
            ]
            assert audited == ["insert"]

    # The same packages again: nothing written, not a byte of a table changed.
    before = table_dump(commune)
    assert merge(commune, "may-xa", to_commune)[0] is False
    assert table_dump(commune) == before
    before = table_dump(surveyor)
    assert merge(surveyor, "may-dtv", to_surveyor)[0] is False
    assert table_dump(surveyor) == before

    # A deletion travels; the surveyor's withdrawal of an application it never changed
    # otherwise is taken by the commune file, where it was only recorded.
    with Store.open(commune, user="Cán bộ xã", device="may-xa") as store:
        year_round.delete_support(store, loan.id)
    with Store.open(surveyor, user="ĐTV", device="may-dtv") as store:
        year_round.withdraw_application(store, app.id)
    merge(surveyor, "may-dtv", export_all(commune, "may-xa", tmp_path / "xa2.rasoat"))
    merge(commune, "may-xa", export_all(surveyor, "may-dtv", tmp_path / "dtv2.rasoat"))
    assert (
        support(commune)
        == support(surveyor)
        == {c: v for c, v in expected.items() if v[0][0] == "housing"}
    )
    with Store.open(commune, user="t", device="may-xa") as store:
        [got] = year_round.applications(store)
        assert got.status.value == "withdrawn"


def test_an_application_changed_on_both_laptops_is_a_conflict(
    laptops: tuple[Path, Path], tmp_path: Path
) -> None:
    commune, surveyor = laptops
    ids = _ids(commune)
    with Store.open(commune, user="Cán bộ xã", device="may-xa") as store:
        app = year_round.add_application(store, ids[1], "escape", date(2026, 4, 1), "Chủ hộ")
    merge(surveyor, "may-dtv", export_all(commune, "may-xa", tmp_path / "xa.rasoat"))
    with Store.open(surveyor, user="ĐTV", device="may-dtv") as store:
        year_round.withdraw_application(store, app.id)
    with Store.open(commune, user="Cán bộ xã", device="may-xa") as store:
        rnd = year_round.start_regular_round(store, 2026, 5)
        assert year_round.round_household_ids(store, rnd.id) == [ids[1]]
    package = export_all(surveyor, "may-dtv", tmp_path / "d.rasoat")
    written, warnings = merge(commune, "may-xa", package)
    assert written  # the conflict, stored for the officer
    assert [w for w in warnings if "giấy đề nghị" in w] == [
        f"Hộ {_code(commune, ids[1])}: giấy đề nghị ngày 01/04/2026 đã được sửa ở cả hai máy"
        " (máy này: Đang rà soát; trong gói: Đã rút); giữ bản của máy này cho đến khi cán bộ"
        " quyết định."
    ]
    with Store.open(commune, user="t", device="may-xa") as store:
        assert year_round.applications(store)[0].status.value == "in_review"
        [waiting] = year_round_part.open_conflicts(store.conn)
        assert (waiting.table, waiting.household_id) == ("applications", ids[1])
        assert waiting.local is not None
        assert (waiting.local["status"], waiting.incoming["status"]) == ("in_review", "withdrawn")
    # Imported again: the same conflict, not a second one, and not a byte written.
    before = table_dump(commune)
    written, warnings = merge(commune, "may-xa", package)
    assert not written
    assert any("giấy đề nghị" in w for w in warnings)
    assert table_dump(commune) == before


def _code(path: Path, household_id: str) -> str:
    with Store.open(path, user="t", device="t") as store:
        return str(
            store.conn.execute(
                "SELECT code FROM households WHERE id = ?", (household_id,)
            ).fetchone()[0]
        )


def test_a_broken_year_round_part_refuses_the_package(
    laptops: tuple[Path, Path], tmp_path: Path
) -> None:
    commune, _ = laptops
    ids = _ids(commune)
    with Store.open(commune, user="Cán bộ xã", device="may-xa") as store:
        year_round.add_support(store, ids[0], "credit", date(2026, 3, 2), amount=1_000)
    good = read_package(export_all(commune, "may-xa", tmp_path / "xa.rasoat"))
    [row] = good.year_round["support_records"]
    assert row["household_id"] == ids[0]
    for change, message in (
        ({"amount": -5}, "Số tiền không được âm"),
        ({"kind": "gold"}, "Loại hỗ trợ không có trong danh mục"),
        ({"given_on": "2026-02-30"}, "ngày hỗ trợ"),
        ({"household_id": "00000000-0000-4000-8000-000000000000"}, "hộ không có trong gói"),
    ):
        commune_doc = json.loads(json.dumps(good.commune))
        commune_doc["year_round"]["support_records"] = [{**row, **change}]
        bad = tmp_path / "bad.rasoat"
        header = {k: v for k, v in good.manifest.items() if k not in MADE_BY_WRITING}
        write_package(bad, header, commune_doc, good.records)
        with pytest.raises(PackageError, match=message):
            read_package(bad)


def test_year_round_rows_the_command_line_refuses_refuse_the_package(
    laptops: tuple[Path, Path], tmp_path: Path
) -> None:
    """What ``rasoat application add`` and ``cadre assign`` refuse, a package may not bring:
    an application of no household stopped the import and a whole merge on the table's NOT
    NULL ("Lỗi không mong muốn"); blank names were stored. The day's bounds are not applied
    (records made before they existed would have every package of their commune refused),
    and a request of several lines is taken, as the window takes it."""
    commune, _ = laptops
    ids = _ids(commune)
    with Store.open(commune, user="Cán bộ xã", device="may-xa") as store:
        year_round.add_support(store, ids[0], "credit", date(2026, 3, 2), amount=1_000)
        year_round.add_application(
            store, ids[1], "periodic_review", date(2026, 3, 2), "Lò Văn Páo", "Ốm đau"
        )
        year_round.assign_cadre(store, "Hà Thị Mai", "Trưởng thôn", village=VILLAGES[0])
    good = read_package(export_all(commune, "may-xa", tmp_path / "xa.rasoat"))
    for table, change, message in (
        ("support_records", {"household_id": None}, "không thuộc hộ nào"),
        ("applications", {"household_id": None}, "không thuộc hộ nào"),
        ("applications", {"submitted_by": "   "}, "người nộp"),
        ("applications", {"request": "Ốm\x1b"}, "người nộp, lý do"),
        ("cadre_assignments", {"cadre_name": "   "}, "tên, chức vụ cán bộ"),
    ):
        [row] = good.year_round[table]
        commune_doc = json.loads(json.dumps(good.commune))
        commune_doc["year_round"][table] = [{**row, **change}]
        bad = tmp_path / "bad.rasoat"
        header = {k: v for k, v in good.manifest.items() if k not in MADE_BY_WRITING}
        write_package(bad, header, commune_doc, good.records)
        with pytest.raises(PackageError, match=message):
            read_package(bad)
    [row] = good.year_round["applications"]
    commune_doc = json.loads(json.dumps(good.commune))
    old = {"submitted_on": "2062-03-02", "request": "Ốm đau\nmất việc"}
    commune_doc["year_round"]["applications"] = [{**row, **old}]
    taken = tmp_path / "cu.rasoat"
    header = {k: v for k, v in good.manifest.items() if k not in MADE_BY_WRITING}
    write_package(taken, header, commune_doc, good.records)
    read_package(taken)


def test_a_household_arriving_in_a_village_with_a_cadre_is_found_by_the_cadres_name(
    laptops: tuple[Path, Path], tmp_path: Path
) -> None:
    """Issue 24: a household surveyed on the other laptop, merged into a village this file
    gave a cadre, is found by that cadre's name at once (not only once something is written
    again); one in a village without a cadre is not."""
    from forms.demo import generate_households

    commune, surveyor = laptops
    with Store.open(commune, user="Cán bộ xã", device="may-xa") as store:
        year_round.assign_cadre(store, "Hoàng Văn Dũng", "Trưởng thôn", village=VILLAGES[0])
    with Store.open(surveyor, user="Điều tra viên", device="may-dtv") as store:
        rnd = store.current_round()
        assert rnd is not None
        new = list(generate_households(2, seed=99, villages=VILLAGES))
        new[0].village, new[1].village = VILLAGES[0], VILLAGES[1]
        new[0].code, new[1].code = "01-0901", "02-0901"
        for h in new:
            store.save_household(h, round_id=rnd.id)
    written, _ = merge(commune, "may-xa", export_all(surveyor, "may-dtv", tmp_path / "dtv.zip"))
    assert written
    with Store.open(commune, user="t", device="t") as store:
        found = {r.id for r in store.search("hoang van dung", limit=500)}
        assert new[0].id in found
        assert new[1].id not in found
        assert set(year_round.households_of(store, "Hoàng Văn Dũng")) <= found


def test_a_package_carries_year_round_rows_when_any_table_has_one() -> None:
    """The merge reads which households are live afterwards, and plans the year-round part,
    only for a package carrying a record of one of its tables: any one of them alone counts,
    history without records (it is read only for the applications carried) does not."""
    assert not year_round_part.carries_rows({})
    assert not year_round_part.carries_rows({t: [] for t in year_round_part.TABLES})
    assert not year_round_part.carries_rows({"history": [{"record": "x"}]})
    for table in year_round_part.TABLES:
        assert year_round_part.carries_rows({table: [{"id": "x"}]}), table
