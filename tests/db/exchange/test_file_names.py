"""A package's or a workbook's file name is whatever the sender typed: kept in the audit log
(append-only), the import history and imported results, it is made printable first. A name
with ESC made every later Excel of the change log fail; one with a newline in a workbook's
name went into every imported result's reason, and the commune's next package was refused by
its receiver."""

from __future__ import annotations

import shutil
from pathlib import Path

import reports
from db.exchange.excel_lists import open_workbook, parse_sheet
from db.exchange.excel_store import write_excel_lists
from db.exchange.export import ExportScope, export_package
from db.exchange.merge import import_package
from db.store import Store
from reports.audit_log import period_log
from tests.db.exchange.commune import COMMUNE, copy_to, make_commune
from tests.db.exchange.test_merge import edit, export_from
from tests.db.exchange.workbook import build


def test_a_package_named_with_a_control_character(tmp_path: Path) -> None:
    from datetime import date, timedelta

    base = make_commune(tmp_path / "xa.db", 3)
    laptop = copy_to(base, tmp_path / "a.db")
    edit(laptop, "may-a", ["HO00001"], "A")
    package = export_from(laptop, "may-a", tmp_path / "a.rasoat")
    odd = package.with_name("goi \x1b thang\u00855.rasoat")
    shutil.move(package, odd)
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        receipt = import_package(office, odd)
        assert receipt.source == "goi ? thang?5.rasoat"
        updated = next(e for e in receipt.entries if e.action == "updated")
        sources = {e.source or "" for e in office.audit_for_household(updated.household_id)}
        assert any(s.startswith("gói goi ? thang?5.rasoat (") for s in sources), sources
        today = date.today()
        log = period_log(office, today - timedelta(days=1), today)
        out = reports.save_document(log, office, tmp_path / "nk.xlsx", fmt="xlsx")
    assert out.read_bytes().startswith(b"PK")


def test_a_workbook_named_with_a_newline(tmp_path: Path) -> None:
    path = build(tmp_path / "ds.xlsx")
    odd = path.with_name("ds\nnam 2024.xlsx")
    shutil.move(path, odd)
    layouts, sheets = open_workbook(odd)
    parsed = parse_sheet(sheets[0], layouts[0], code_prefix="TL-")
    commune = tmp_path / "xa.db"
    with Store.create(commune, COMMUNE, user="Cán bộ", device="may-xa") as store:
        done = write_excel_lists(store, parsed, year=2025, standard_id="nd07-2022-2025", source=odd)
        h = store.household_by_code("TL-1")
        assert h is not None
        result = store.result_for(h.id, done.round_id)
        assert result is not None
        assert "tệp Excel ds?nam 2024.xlsx" in result.reasons[0]
        export_package(store, tmp_path / "xa.rasoat", ExportScope(kind="commune"))
    # Another laptop of the commune takes the package the lists went into.
    other = tmp_path / "khac.db"
    with Store.create(other, COMMUNE, user="Cán bộ", device="may-khac") as store:
        receipt = import_package(store, tmp_path / "xa.rasoat")
        assert receipt.count("added") == 3


def test_the_commands_and_the_window_import_with_a_printable_name(tmp_path: Path) -> None:
    """Cleaned in import_package only (what tests call), the name reached the receipt and
    the import history raw through merge_package, which the commands and the window call."""
    from db.exchange.merge import merge_package
    from db.exchange.package import read_package

    base = make_commune(tmp_path / "xa.db", 3)
    laptop = copy_to(base, tmp_path / "a.db")
    edit(laptop, "may-a", ["HO00001"], "A")
    package = read_package(export_from(laptop, "may-a", tmp_path / "a.rasoat"))
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        receipt = merge_package(office, package, source_name="goi \x1b thang.rasoat")
        assert receipt.source == "goi ? thang.rasoat"
        [(stored,)] = office.conn.execute("SELECT source FROM exchange_imports").fetchall()
        assert stored == "goi ? thang.rasoat"
