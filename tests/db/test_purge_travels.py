"""A purge travels in packages (issue 20 item 4): the commune purges a household, a laptop
that still holds it imports the commune's package and purges it the same way — nothing of
its people left in the laptop's file bytes, the audit chain whole, the purge audited with
the package and the officer who purged at the source, named on the receipt by code — even
when the laptop edited the household since (the purge wins; the edits are listed). The same
package again writes nothing, and the laptop's package back does not bring it back."""

from __future__ import annotations

from pathlib import Path

import pytest

from db import audit, purge
from db.exchange.errors import DeletionsNotConfirmed
from db.exchange.export import ExportScope, export_package
from db.exchange.merge import import_package
from db.exchange.package import read_package
from db.store import Store
from tests.db.exchange.commune import copy_to, make_commune, table_dump
from tests.db.exchange.test_merge import edit
from tests.db.test_purge import CCCD, _file_bytes, _has_trace, _household

OFFICER = "Cán bộ xã"


def _export(path: Path, device: str, out: Path, scope: ExportScope | None = None) -> Path:
    with Store.open(path, user=OFFICER, device=device) as store:
        export_package(store, out, scope or ExportScope())
    return out


def _purged_commune(tmp_path: Path, *, edited_on_laptop: bool) -> tuple[Path, Path, str, Path]:
    """(commune file, laptop file, household id, the commune's package after the purge):
    the laptop got the household before the commune deleted and purged it, and edited it
    since when asked."""
    base = make_commune(tmp_path / "xa.db", 3)
    with Store.open(base, user=OFFICER, device="may-xa") as store:
        h = _household()
        store.save_household(h)
        hid = h.id
    laptop = copy_to(base, tmp_path / "may-b.db")
    if edited_on_laptop:
        edit(laptop, "may-b", ["HO-P1"], "sửa ở máy B sau khi nhận")
    with Store.open(base, user=OFFICER, device="may-xa") as store:
        store.delete_household(hid)
        purge.purge_household(store, hid, "Hộ chuyển đi, đề nghị xoá dữ liệu")
    # A surveyor's scope (one laptop's work since a date) carries the purge too.
    package = _export(
        base, "may-xa", tmp_path / "xa.rasoat", ExportScope(kind="surveyor", device="may-xa")
    )
    return base, laptop, hid, package


@pytest.mark.parametrize("edited_on_laptop", [False, True])
def test_a_purge_in_a_package_purges_the_laptops_copy(
    tmp_path: Path, edited_on_laptop: bool
) -> None:
    base, laptop, hid, package = _purged_commune(tmp_path, edited_on_laptop=edited_on_laptop)
    [carried] = read_package(package).purged
    assert (carried.id, carried.code, carried.purged_by) == (hid, "HO-P1", OFFICER)
    assert CCCD.encode() not in package.read_bytes()
    assert _has_trace(_file_bytes(laptop))
    # The household is live on the laptop: purging it is a deletion the officer confirms.
    before = table_dump(laptop)
    with (
        Store.open(laptop, user="Cán bộ B", device="may-b") as store,
        pytest.raises(DeletionsNotConfirmed, match="HO-P1"),
    ):
        import_package(store, package)
    assert table_dump(laptop) == before
    with Store.open(laptop, user="Cán bộ B", device="may-b") as store:
        receipt = import_package(store, package, allow_deletions=True)
        [entry] = [e for e in receipt.entries if e.household_id == hid]
        assert entry.action == "purged_by_package"
        assert "head_name" not in vars(entry)  # no receipt entry names a head (docs/privacy.md)
        assert entry.detail.startswith(f"từ máy may-xa ({OFFICER} xoá hẳn ngày")
        text = receipt.text()
        assert "HO-P1 | Thôn 1 | Đã xoá hẳn theo gói | từ máy may-xa" in text
        edits = [w for w in receipt.warnings if "chưa thấy khi xoá hẳn" in w]
        if edited_on_laptop:
            # The purge wins, and the laptop's own edit is listed, not silently gone.
            [warning] = edits
            assert warning.startswith("Hộ HO-P1:")
            assert "1 lần sửa hộ" in warning
            assert "Điều tra viên may-b" in warning
            assert "máy may-b" in warning
        else:
            assert edits == []
        assert not _has_trace(receipt.to_json().encode())
        stone = purge.tombstone(store, hid)
        assert stone is not None
        assert (stone.purged_by, stone.reason) == (OFFICER, carried.reason)
        assert store.household_by_code("HO-P1") is None
        assert store.search("Xuyen") == []
        assert store.search(CCCD) == []
        assert audit.verify(store.conn) is None
        [event] = [
            line
            for line in audit.log_lines(store.conn, household_id=hid)
            if line.table == audit.EVENTS
        ]
        assert event.row_id == "purge"
        assert event.user == "Cán bộ B"
        assert event.source is not None
        assert "xa.rasoat" in event.source
        assert event.new is not None
        assert event.new["purged_by"] == OFFICER
        assert event.new["package"] == read_package(package).package_id
        assert event.new["audit_rows"]
        assert len(event.new["unseen_edits"]) == int(edited_on_laptop)
        for line in audit.log_lines(store.conn, household_id=hid):
            if line.table != audit.EVENTS:
                assert line.old is None
                assert line.new is None
    assert not _has_trace(_file_bytes(laptop))

    # The same package again: nothing written, the file's data unchanged.
    before = table_dump(laptop)
    with Store.open(laptop, user="Cán bộ B", device="may-b") as store:
        assert import_package(store, package).written is False
    assert table_dump(laptop) == before

    # The laptop's package back to the commune brings nothing back, and says nothing of it.
    back = _export(laptop, "may-b", tmp_path / "b.rasoat")
    with Store.open(base, user=OFFICER, device="may-xa") as store:
        receipt = import_package(store, back)
        assert [w for w in receipt.warnings if "HO-P1" in w] == []
        assert store.household_by_code("HO-P1") is None
        assert audit.verify(store.conn) is None
    assert not _has_trace(_file_bytes(base))


def test_a_laptop_that_deleted_it_purges_it_without_being_asked(tmp_path: Path) -> None:
    base, laptop, hid, package = _purged_commune(tmp_path, edited_on_laptop=False)
    with Store.open(laptop, user="Cán bộ B", device="may-b") as store:
        store.delete_household(hid)
    with Store.open(laptop, user="Cán bộ B", device="may-b") as store:
        receipt = import_package(store, package)  # no live household deleted: nothing to ask
        assert receipt.count("purged_by_package") == 1
        # Its own deletion, which the commune never saw, is listed as an edit.
        assert any("chưa thấy khi xoá hẳn" in w for w in receipt.warnings)
        assert audit.verify(store.conn) is None
    assert not _has_trace(_file_bytes(laptop))


def test_several_purges_in_one_package_vacuum_the_file_once(tmp_path: Path) -> None:
    base = make_commune(tmp_path / "xa.db", 4)
    laptop = copy_to(base, tmp_path / "may-b.db")
    with Store.open(base, user=OFFICER, device="may-xa") as store:
        ids = [r[0] for r in store.conn.execute("SELECT id FROM households ORDER BY code")][:3]
        for hid in ids:
            store.delete_household(hid)
            purge.purge_household(store, hid, "Hộ chuyển đi")
    package = _export(base, "may-xa", tmp_path / "xa.rasoat")
    statements: list[str] = []
    with Store.open(laptop, user="Cán bộ B", device="may-b") as store:
        store.conn.set_trace_callback(statements.append)
        receipt = import_package(store, package, allow_deletions=True)
        store.conn.set_trace_callback(None)
        assert receipt.count("purged_by_package") == 3
        assert {t.id for t in purge.tombstones(store)} == set(ids)
        assert audit.verify(store.conn) is None
    assert [s for s in statements if s.strip().upper() == "VACUUM"] == ["VACUUM"]
