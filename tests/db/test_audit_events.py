"""Besides data changes the audit log records what was done with the file (issue 20 item 3):
a round started, a package exported and imported, an Excel list imported, a restore, each
printed document; every path here is the real one (a real PDF, package, backup)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import reports
from db import audit, backup, driver
from db.demo import create_demo_commune
from db.exchange.export import export_package
from db.exchange.merge import import_package
from db.store import HouseholdQuery, Store
from rasoat.cli import main


def events(path: Path) -> list[tuple[str, str, str | None, dict[str, object]]]:
    """(kind, user, household id, details) of every event row, oldest first."""
    conn = driver.connect(path)
    try:
        return [
            (r[0], r[1], r[2], json.loads(r[3]))
            for r in conn.execute(
                "SELECT row_id, user, household_id, new FROM audit WHERE tbl = 'events' ORDER BY id"
            )
        ]
    finally:
        conn.close()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return create_demo_commune(tmp_path_factory.mktemp("demo") / "demo.sqlite", households=30)


def copy(demo: Path, tmp_path: Path) -> Path:
    out = tmp_path / "xa.sqlite"
    out.write_bytes(demo.read_bytes())
    return out


def test_starting_a_round_is_recorded(demo: Path, tmp_path: Path) -> None:
    path = copy(demo, tmp_path)
    with Store.open(path, user="Cán bộ xã", device="may-xa") as store:
        rnd = store.start_round(2031, "nd351-2026-2030")
    kind, user, _hid, details = events(path)[-1]
    assert (kind, user) == ("round_started", "Cán bộ xã")
    assert details == {
        "round_id": rnd.id,
        "year": 2031,
        "kind": "periodic",
        "standard": "nd351-2026-2030",
    }
    assert audit.verify_path(path) is None


def test_a_printed_document_is_recorded_with_kind_village_format(
    demo: Path, tmp_path: Path
) -> None:
    path = copy(demo, tmp_path)
    with Store.open(path, user="Cán bộ xã", device="may-xa") as store:
        village = store.villages()[0].name
        pdf = reports.build("meeting_list", store, tmp_path / "ds.pdf", village=village)
        xlsx = reports.build("summary", store, tmp_path / "th.xlsx", fmt="xlsx")
        before = store.conn.execute("SELECT COUNT(*) FROM audit").fetchone()[0]
    assert pdf.read_bytes().startswith(b"%PDF")
    assert xlsx.stat().st_size > 0
    printed = [e for e in events(path) if e[0] == "print"]
    assert [(e[3]["document"], e[3]["village"], e[3]["format"], e[3]["file"]) for e in printed][
        -2:
    ] == [("meeting_list", village, "pdf", "ds.pdf"), ("summary", None, "xlsx", "th.xlsx")]
    assert all(e[1] == "Cán bộ xã" for e in printed)
    # A print is no change of the data: closing made no rolling backup for it.
    assert backup.list_backups(path, "close") == []
    assert before > 0
    assert audit.verify_path(path) is None


def test_a_household_document_names_its_household(demo: Path, tmp_path: Path) -> None:
    path = copy(demo, tmp_path)
    with Store.open(path, user="Cán bộ xã", device="may-xa") as store:
        row = store.list_households(HouseholdQuery(limit=1))[0]
        reports.build("household_form", store, tmp_path / "phieu.pdf", household_id=row.id)
        kind, _user, household_id, details = events(path)[-1]
        assert (kind, household_id, details["document"]) == ("print", row.id, "household_form")
        history = store.audit_for_household(row.id)
        assert history[-1].table == "events"


def test_export_and_import_are_recorded(demo: Path, tmp_path: Path) -> None:
    path = copy(demo, tmp_path)
    office = tmp_path / "office.sqlite"
    office.write_bytes(path.read_bytes())
    with Store.open(path, user="ĐTV Lan", device="may-1") as store:
        h = store.get_household(store.list_households(HouseholdQuery(limit=1))[0].id)
        h.b1_total = (h.b1_total or 0) + 5
        store.save_household(h)
        export_package(store, tmp_path / "gui.rasoat", password="mat-khau-dai-10")
    kind, user, _hid, details = events(path)[-1]
    assert (kind, user) == ("export", "ĐTV Lan")
    assert details["file"] == "gui.rasoat"
    assert details["encrypted"] is True
    assert details["households"] == 30
    with Store.open(office, user="Cán bộ xã", device="may-xa") as store:
        import_package(store, tmp_path / "gui.rasoat", password="mat-khau-dai-10")
        last = store.conn.execute(
            "SELECT tbl, user, source FROM audit ORDER BY id DESC LIMIT 1"
        ).fetchone()
    assert last[0] == "exchange_imports"
    assert last[1] == "Cán bộ xã"
    assert "gui.rasoat" in last[2]
    assert audit.describe(last[0], "", "insert") == "Nhập gói dữ liệu"
    assert audit.verify_path(office) is None


def test_a_restore_is_recorded_in_the_restored_file(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = copy(demo, tmp_path)
    assert main(["db", "backup", str(path)]) == 0
    [made] = backup.list_backups(path, "manual")
    assert main(["db", "restore", str(path), "--from", str(made)]) == 0
    capsys.readouterr()
    kind, _user, _hid, details = events(path)[-1]
    assert kind == "restore"
    assert details["backup"] == made.name
    assert str(details["kept"]).endswith("-before-restore.sqlite")
    assert audit.verify_path(path) is None


def test_the_cli_whatif_print_is_recorded(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = copy(demo, tmp_path)
    out = tmp_path / "so-sanh.pdf"
    assert main(["whatif", str(path), "--standard", "nd351-2026-2030", "--out", str(out)]) == 0
    capsys.readouterr()
    assert out.read_bytes().startswith(b"%PDF")
    kind, _user, _hid, details = events(path)[-1]
    assert (kind, details["document"], details["format"]) == ("print", "whatif", "pdf")
    assert audit.verify_path(path) is None
