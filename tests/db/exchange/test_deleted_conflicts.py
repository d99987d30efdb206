"""The commune file deleted a household that a surveyor's laptop went on editing: the
conflict says who deleted it and when, shows the household as it was, and the officer either
keeps it deleted or restores it with the package's version."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from db.exchange.errors import PackageError
from db.exchange.merge import Conflict, import_package, open_conflicts, resolve_conflict
from db.store import Store
from tests.db.exchange.commune import copy_to, make_commune, table_dump
from tests.db.exchange.test_merge import add, edit, export_from


def delete_here(path: Path, code: str) -> str:
    with Store.open(path, user="Cán bộ Hà", device="may-xa") as office:
        h = office.household_by_code(code)
        assert h is not None
        office.delete_household(h.id)
        return h.id


@pytest.fixture
def deleted_here_edited_there(tmp_path: Path) -> tuple[Path, Path, str]:
    base = make_commune(tmp_path / "xa.db", 3)
    a = copy_to(base, tmp_path / "a.db")
    edit(a, "may-a", ["HO00001"], "còn ở thôn, đã phỏng vấn lại")
    hid = delete_here(base, "HO00001")
    return base, export_from(a, "may-a", tmp_path / "a.rasoat"), hid


def conflict_of(office: Store) -> Conflict:
    (conflict,) = open_conflicts(office)
    return conflict


def test_the_conflict_says_who_deleted_it_and_when(
    deleted_here_edited_there: tuple[Path, Path, str],
) -> None:
    base, pkg, hid = deleted_here_edited_there
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        receipt = import_package(office, pkg)
        assert [e.code for e in receipt.conflicts] == ["HO00001"]
        c = conflict_of(office)
        assert c.local is None  # not a live household here
        gone = c.local_deletion
        assert gone is not None
        assert gone.user == "Cán bộ Hà"
        assert gone.device == "may-xa"
        assert gone.at.startswith("20")
        assert gone.source is None  # deleted by hand, not by a package
        # The household as it was when deleted, members included, for the side-by-side view.
        assert gone.last is not None
        assert gone.last.code == "HO00001"
        assert gone.last.note != "còn ở thôn, đã phỏng vấn lại"
        assert [m.id for m in gone.last.members] == [m.id for m in c.incoming.household.members]


def test_keeping_it_deleted_sticks(
    deleted_here_edited_there: tuple[Path, Path, str], tmp_path: Path
) -> None:
    base, pkg, hid = deleted_here_edited_there
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        import_package(office, pkg)
        resolve_conflict(office, conflict_of(office).id, "keep_mine")
        assert office.household_by_code("HO00001") is None
        current = office.household_rev(hid)
        assert current is not None
        assert current[1]  # still a tombstone
        rows = [e for e in office.audit_for_household(hid) if e.table == "exchange_conflicts"]
        assert rows[-1].source is not None
        assert "giữ việc xoá hộ" in rows[-1].source
    before = table_dump(base)
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        again = import_package(office, pkg)
    assert again.conflicts == []
    assert not again.written
    assert table_dump(base) == before


def test_restoring_takes_the_package_version(
    deleted_here_edited_there: tuple[Path, Path, str],
) -> None:
    base, pkg, hid = deleted_here_edited_there
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        import_package(office, pkg)
        resolve_conflict(office, conflict_of(office).id, "take_theirs")
        h = office.household_by_code("HO00001")
        assert h is not None
        assert h.id == hid
        assert h.note == "còn ở thôn, đã phỏng vấn lại"
        assert len(h.members) == len(conflict_of_members(pkg, hid))
        assert [r.code for r in office.search(h.members[0].name)] != []
        rows = [e for e in office.audit_for_household(hid) if e.table == "exchange_conflicts"]
        assert rows[-1].source is not None
        assert "khôi phục hộ theo bản trong gói" in rows[-1].source
        assert office.integrity_problems() == []
        assert not import_package(office, pkg).written


def conflict_of_members(pkg: Path, hid: str) -> list[str]:
    from db.exchange.package import read_package

    rec = next(r for r in read_package(pkg).records if r.household.id == hid)
    return [m.id for m in rec.household.members]


def test_restoring_under_a_code_now_used_is_refused_and_writes_nothing(
    deleted_here_edited_there: tuple[Path, Path, str],
) -> None:
    base, pkg, _hid = deleted_here_edited_there
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        import_package(office, pkg)
    add(base, "may-xa", "HO00001", "Hoàng Văn Khải")  # the freed code, given to a new household
    before = table_dump(base)
    refused = "Mã hộ HO00001 vẫn đang dùng cho hộ của Hoàng"
    with (
        Store.open(base, user="Cán bộ xã", device="may-xa") as office,
        pytest.raises(PackageError, match=refused),
    ):
        resolve_conflict(office, conflict_of(office).id, "take_theirs")
    assert table_dump(base) == before


def test_a_deletion_brought_by_a_package_names_it(tmp_path: Path) -> None:
    base = make_commune(tmp_path / "xa.db", 2)
    a = copy_to(base, tmp_path / "a.db")
    b = copy_to(base, tmp_path / "b.db")
    with Store.open(a, user="ĐTV Lò Mai", device="may-a") as laptop:
        h = laptop.household_by_code("HO00001")
        assert h is not None
        laptop.delete_household(h.id)
    edit(b, "may-b", ["HO00001"], "sửa ở máy B")
    pa = export_from(a, "may-a", tmp_path / "a.rasoat")
    pb = export_from(b, "may-b", tmp_path / "b.rasoat")
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        assert import_package(office, pa, allow_deletions=True).count("deleted") == 1
        import_package(office, pb)
        gone = conflict_of(office).local_deletion
    assert gone is not None
    assert (gone.user, gone.device) == ("ĐTV Lò Mai", "may-a")  # who deleted it, not who merged
    assert gone.source is not None
    assert "a.rasoat" in gone.source
    assert gone.last is not None
    assert gone.last.members


def test_rasoat_conflicts_says_it_was_deleted_here(
    deleted_here_edited_there: tuple[Path, Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    from rasoat.cli import main

    base, pkg, _hid = deleted_here_edited_there
    assert main(["import", str(base), str(pkg)]) == 0
    capsys.readouterr()
    assert main(["conflicts", str(base)]) == 0
    line = capsys.readouterr().out.strip()
    # The time as the officer reads times (local, dd/mm/yyyy), not as stored (ISO, UTC).
    assert re.search(
        r"hộ HO00001  ở xã: \(đã xoá lúc \d\d:\d\d ngày \d\d/\d\d/20\d\d bởi Cán bộ Hà "
        r"trên máy may-xa\)",
        line,
    )


def test_deleted_on_both_sides_is_no_conflict_and_stays_settled(tmp_path: Path) -> None:
    # A household both the surveyor and the office deleted (e.g. a duplicate found twice):
    # the two sides agree, so there is nothing to decide; the histories are joined so that
    # neither file brings it back as a conflict later.
    base = make_commune(tmp_path / "xa.db", 3)
    a = copy_to(base, tmp_path / "a.db")
    edit(a, "may-a", ["HO00002"], "trùng với hộ HO00003")
    with Store.open(a, user="ĐTV Lò Mai", device="may-a") as laptop:
        h = laptop.household_by_code("HO00002")
        assert h is not None
        laptop.delete_household(h.id)
    hid = delete_here(base, "HO00002")
    pkg = export_from(a, "may-a", tmp_path / "a.rasoat")
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        receipt = import_package(office, pkg)
        assert receipt.conflicts == []
        assert open_conflicts(office) == []
        [entry] = [e for e in receipt.entries if e.household_id == hid]
        assert (entry.action, entry.detail) == ("unchanged", "cả hai bên đều đã xoá hộ này")
        assert "cả hai bên đều đã xoá hộ này" in receipt.text()
        assert receipt.written  # the joined history
        current = office.household_rev(hid)
        assert current is not None
        assert current[1]  # still deleted
        assert office.integrity_problems() == []
    before = table_dump(base)
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        assert not import_package(office, pkg).written
    assert table_dump(base) == before
    # The laptop takes the office's file back without a conflict either.
    back = export_from(base, "may-xa", tmp_path / "xa.rasoat")
    with Store.open(a, user="ĐTV Lò Mai", device="may-a") as laptop:
        assert import_package(laptop, back).conflicts == []
