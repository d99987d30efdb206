"""Deletion that deletes (issue 20 item 4): a deleted household purged leaves nothing of its
people in the commune file — not in the tables, the search index, the audit log, the file's
free pages or its -wal — the audit chain still verifies, and a package bringing the
household back is refused on the receipt."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from db import audit, backup, driver, purge
from db.errors import StoreError
from db.exchange.merge import import_package
from db.store import Store
from forms.model import Household, Member, Relationship
from tests.db.exchange.commune import copy_to, make_commune
from tests.db.exchange.test_merge import edit, export_from

NAME = "Quàng Thị Xuyếnpurge"
FOLDED = b"xuyenpurge"
CCCD = "079312345678"
SPOUSE = "Lò Văn Pảnhpurge"


def _household() -> Household:
    return Household(
        code="HO-P1",
        village="Thôn 1",
        members=[
            Member(name=NAME, relationship=Relationship.HEAD, id_number=CCCD),
            Member(name=SPOUSE, relationship=Relationship.SPOUSE),
        ],
    )


def _file_bytes(path: Path) -> bytes:
    out = path.read_bytes()
    wal = path.with_name(path.name + "-wal")
    if wal.exists():
        out += wal.read_bytes()
    return out


def _has_trace(data: bytes) -> bool:
    return any(
        needle in data
        for needle in (NAME.encode(), SPOUSE.encode(), CCCD.encode(), FOLDED, b"panhpurge")
    )


@pytest.fixture
def commune(tmp_path: Path) -> tuple[Path, Path, str]:
    """A commune file with the household saved, edited and deleted, a laptop copy that
    edited it since, and a backup made before the purge."""
    base = make_commune(tmp_path / "xa.db", 3)
    with Store.open(base, user="Cán bộ xã", device="may-xa") as store:
        h = _household()
        store.save_household(h)
        h.note = "đã phỏng vấn"
        store.save_household(h)
        hid = h.id
    laptop = copy_to(base, tmp_path / "may-a.db")
    edit(laptop, "may-a", ["HO-P1"], "sửa ở máy A")
    with Store.open(base, user="Cán bộ xã", device="may-xa") as store:
        store.delete_household(hid)
    return base, laptop, hid


def test_purge_leaves_only_a_tombstone(commune: tuple[Path, Path, str]) -> None:
    base, _laptop, hid = commune
    with Store.open(base, user="Cán bộ xã", device="may-xa") as store:
        assert _has_trace(_file_bytes(base))  # deleted only: everything still there
        before = backup.make_backup(base, "manual", store.conn)
        stone = purge.purge_household(store, hid, "  Hộ chuyển đi,  đề nghị xoá dữ liệu ")
        assert stone.reason == "Hộ chuyển đi, đề nghị xoá dữ liệu"
        assert purge.tombstone(store, hid) == stone
        assert purge.deleted_households(store) == []
        assert store.search("Xuyen") == []
        assert store.search(CCCD) == []
        assert store.conn.execute(
            "SELECT count(*) FROM members WHERE household_id = ?", (hid,)
        ).fetchone() == (0,)
        assert audit.verify(store.conn) is None
        # The purge itself is in the log, with the reason and the rows it blanked.
        (event,) = [
            line
            for line in audit.log_lines(store.conn, household_id=hid)
            if line.table == audit.EVENTS
        ]
        assert event.row_id == "purge"
        assert event.new is not None
        assert event.new["code"] == "HO-P1"
        assert event.new["audit_rows"]
        # Every row of the household left no value behind.
        for line in audit.log_lines(store.conn, household_id=hid):
            if line.table != audit.EVENTS:
                assert line.old is None
                assert line.new is None
    assert not _has_trace(_file_bytes(base))
    # A backup made before the purge still holds it, until retention removes it.
    assert _has_trace(before.read_bytes())
    old = time.time() - 400 * 86400
    os.utime(before, (old, old))
    with Store.open(base, user="Cán bộ xã", device="may-xa") as store:
        newer = backup.make_backup(base, "manual", store.conn)
    assert not _has_trace(newer.read_bytes())
    assert before in backup.expire(base, 365)


def test_purge_refusals(commune: tuple[Path, Path, str]) -> None:
    base, _laptop, hid = commune
    with Store.open(base, user="Cán bộ xã", device="may-xa") as store:
        live = store.household_by_code("HO00001")
        assert live is not None
        with pytest.raises(StoreError, match="hãy xoá hộ trước"):
            purge.purge_household(store, live.id, "lý do")
        with pytest.raises(StoreError, match="cần ghi lý do"):
            purge.purge_household(store, hid, "   ")
        # What every package carrying the tombstone refuses: stored, it made each later
        # package of the commune unreadable elsewhere, for good.
        with pytest.raises(StoreError, match="lý do xoá hẳn dữ liệu chứa ký tự điều khiển"):
            purge.purge_household(store, hid, "Theo yêu cầu \x1b[2J")
        with pytest.raises(StoreError, match="lý do xoá hẳn dữ liệu dài 5.200 ký tự"):
            purge.purge_household(store, hid, "x" * 5200)
        assert purge.tombstone(store, hid) is None
        purge.purge_household(store, hid, "Yêu cầu của chủ hộ")
        with pytest.raises(StoreError, match="đã được xoá hẳn"):
            purge.purge_household(store, hid, "lần nữa")


def test_a_package_bringing_it_back_is_refused(
    commune: tuple[Path, Path, str], tmp_path: Path
) -> None:
    base, laptop, hid = commune
    package = export_from(laptop, "may-a", tmp_path / "a.rasoat")
    with Store.open(base, user="Cán bộ xã", device="may-xa") as store:
        purge.purge_household(store, hid, "Yêu cầu của chủ hộ")
        receipt = import_package(store, package)
        (entry,) = [e for e in receipt.entries if e.household_id == hid]
        assert entry.action == "purged"
        assert "head_name" not in vars(entry)  # no receipt entry names a head (docs/privacy.md)
        assert any("HO-P1" in w and "xoá hẳn" in w for w in receipt.warnings)
        assert store.household_by_code("HO-P1") is None
        assert store.search("Xuyen") == []
        assert audit.verify(store.conn) is None
    assert not _has_trace(_file_bytes(base))


def test_tampering_a_blanked_row_is_still_seen(commune: tuple[Path, Path, str]) -> None:
    base, _laptop, hid = commune
    with Store.open(base, user="Cán bộ xã", device="may-xa") as store:
        purge.purge_household(store, hid, "Yêu cầu của chủ hộ")
        rows = list(audit.log_lines(store.conn, household_id=hid))
    conn = driver.connect(base)
    try:
        # Writing a value back into a blanked row: no purge event vouches for it any more.
        conn.execute('UPDATE audit SET old = \'{"name":"x"}\' WHERE id = ?', (rows[0].id,))
        conn.commit()
        broken = audit.verify(conn)
        assert broken is not None
        assert broken.id == rows[0].id
        conn.execute("UPDATE audit SET old = NULL WHERE id = ?", (rows[0].id,))
        # Blanking a row no purge named breaks the chain at that row.
        other = conn.execute(
            "SELECT id FROM audit WHERE household_id != ? AND old IS NOT NULL LIMIT 1", (hid,)
        ).fetchone()
        if other is not None:
            conn.execute("UPDATE audit SET old = NULL, new = NULL WHERE id = ?", other)
            broken = audit.verify(conn)
            assert broken is not None
            assert broken.id == other[0]
    finally:
        conn.close()
