"""Two laptops edit overlapping households from the same starting file; the commune officer
merges both: every one-sided change arrives, every two-sided change is a listed conflict,
nothing is lost, re-import is a no-op, and the officer's decisions are audited."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from db.exchange.errors import PackageError
from db.exchange.export import ExportScope, export_package
from db.exchange.merge import import_package, open_conflicts, resolve_conflict
from db.records import HouseholdQuery
from db.store import Store
from forms.model import Household, Member, Relationship
from tests.db.exchange.commune import copy_to, make_commune, table_dump


def edit(path: Path, device: str, codes: list[str], note: str) -> None:
    with Store.open(path, user=f"Điều tra viên {device}", device=device) as store:
        for code in codes:
            h = store.household_by_code(code)
            assert h is not None
            h.note = note
            store.save_household(h)


def add(path: Path, device: str, code: str, head: str, id_number: str | None = None) -> str:
    with Store.open(path, user="ĐTV", device=device) as store:
        h = Household(
            code=code,
            village="Thôn 1",
            members=[Member(name=head, relationship=Relationship.HEAD, id_number=id_number)],
        )
        store.save_household(h)
        return h.id


@pytest.fixture
def laptops(tmp_path: Path) -> tuple[Path, Path, Path]:
    base = make_commune(tmp_path / "xa.rasoat-db", 12)
    a = copy_to(base, tmp_path / "may-a.db")
    b = copy_to(base, tmp_path / "may-b.db")
    edit(a, "may-a", ["HO00000", "HO00001", "HO00002", "HO00003"], "sửa ở máy A")
    add(a, "may-a", "HO-A1", "Lò Văn Páo")
    with Store.open(a, user="ĐTV", device="may-a") as store:
        gone = store.household_by_code("HO00010")
        assert gone is not None
        store.delete_household(gone.id)
    edit(b, "may-b", ["HO00002", "HO00003", "HO00004", "HO00005"], "sửa ở máy B")
    add(b, "may-b", "HO-B1", "Hà Thị Mơ")
    return base, a, b


def ra_package_revs(path: Path, household_id: str) -> list:
    from db.exchange.package import read_package

    rec = next(r for r in read_package(path).records if r.household.id == household_id)
    return rec.revs


def export_from(path: Path, device: str, out: Path) -> Path:
    with Store.open(path, user="ĐTV", device=device) as store:
        export_package(store, out, ExportScope(kind="surveyor", device=device))
    return out


def two_surveyor_packages(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A commune file of 4 and two laptops' packages from it: "may-a" edits HO00001-2 and
    adds HO-A1; "may-b" edits HO00002 too (a conflict once both are imported)."""
    base = make_commune(tmp_path / "xa.db", 4)
    a = copy_to(base, tmp_path / "a.db")
    b = copy_to(base, tmp_path / "b.db")
    edit(a, "may-a", ["HO00001", "HO00002"], "A")
    add(a, "may-a", "HO-A1", "Lò Văn Páo")
    edit(b, "may-b", ["HO00002"], "B")
    pa = export_from(a, "may-a", tmp_path / "a.rasoat")
    pb = export_from(b, "may-b", tmp_path / "b.rasoat")
    return base, pa, pb


def test_two_laptops_merge_without_losing_anything(laptops, tmp_path: Path) -> None:
    base, a, b = laptops
    pa = export_from(a, "may-a", tmp_path / "a.rasoat")
    pb = export_from(b, "may-b", tmp_path / "b.rasoat")
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        # Laptop A deleted a household: the officer has seen the list (item 6, issue 17).
        ra = import_package(office, pa, allow_deletions=True)
        assert ra.count("updated") == 4
        assert ra.count("added") == 1
        assert ra.count("deleted") == 1
        assert ra.conflicts == []
        rb = import_package(office, pb)
        assert rb.count("updated") == 2  # HO00004, HO00005
        assert rb.count("added") == 1
        assert sorted(e.code for e in rb.conflicts) == ["HO00002", "HO00003"]
        # Laptop A's versions stay; laptop B's wait in the conflict list, side by side.
        for code in ("HO00000", "HO00001", "HO00002", "HO00003"):
            h = office.household_by_code(code)
            assert h is not None
            assert h.note == "sửa ở máy A"
        for code in ("HO00004", "HO00005"):
            h = office.household_by_code(code)
            assert h is not None
            assert h.note == "sửa ở máy B"
        assert office.household_by_code("HO00010") is None
        added = office.household_by_code("HO-A1")
        assert added is not None
        assert office.household_by_code("HO-B1") is not None
        # A household added by the merge is as if the Store had written it: searchable,
        # with its history and audit rows, and the file's keys intact.
        assert [r.code for r in office.search("pao")] == ["HO-A1"]
        assert [r[0] for r in office.household_revs(added.id)] == [
            r.rev for r in ra_package_revs(pa, added.id)
        ]
        assert {e.table for e in office.audit_for_household(added.id)} >= {"households", "members"}
        assert office.integrity_problems() == []
        conflicts = {c.code: c for c in open_conflicts(office)}
        assert set(conflicts) == {"HO00002", "HO00003"}
        c = conflicts["HO00002"]
        assert c.local is not None
        assert c.local.note == "sửa ở máy A"
        assert c.incoming.household.note == "sửa ở máy B"
        # Every audit row of the merge names its package.
        audit = office.audit_for_household(office.household_by_code("HO-A1").id)  # type: ignore[union-attr]
        assert audit
        assert all(e.source and "a.rasoat" in e.source for e in audit)
    assert "HO00002" in rb.text()
    assert "Xung đột" in rb.text()


def test_importing_twice_changes_nothing(laptops, tmp_path: Path) -> None:
    base, a, b = laptops
    pa = export_from(a, "may-a", tmp_path / "a.rasoat")
    pb = export_from(b, "may-b", tmp_path / "b.rasoat")
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        import_package(office, pa, allow_deletions=True)
        import_package(office, pb)
    before = table_dump(base)
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        again_a = import_package(office, pa)
        again_b = import_package(office, pb)
    assert not again_a.written
    assert not again_b.written
    assert again_b.conflicts  # still listed as waiting, not stored twice
    assert table_dump(base) == before


def test_conflict_decisions_are_audited_and_do_not_come_back(laptops, tmp_path: Path) -> None:
    base, a, b = laptops
    pa = export_from(a, "may-a", tmp_path / "a.rasoat")
    pb = export_from(b, "may-b", tmp_path / "b.rasoat")
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        import_package(office, pa, allow_deletions=True)
        import_package(office, pb)
        conflicts = {c.code: c for c in open_conflicts(office)}
        resolve_conflict(office, conflicts["HO00002"].id, "keep_mine")
        resolve_conflict(office, conflicts["HO00003"].id, "take_theirs")
        assert open_conflicts(office) == []
        kept = office.household_by_code("HO00002")
        taken = office.household_by_code("HO00003")
        assert kept is not None
        assert taken is not None
        assert kept.note == "sửa ở máy A"
        assert taken.note == "sửa ở máy B"
        for h, choice in ((kept, "keep_mine"), (taken, "take_theirs")):
            rows = [e for e in office.audit_for_household(h.id) if e.table == "exchange_conflicts"]
            assert rows[-1].new is not None
            assert rows[-1].new["resolution"] == choice
            assert rows[-1].source is not None
            assert "giải quyết xung đột" in rows[-1].source
        again = import_package(office, pb)
        assert again.conflicts == []
        assert not again.written
        export_package(office, tmp_path / "xa.rasoat")
    # Laptop B takes the commune's decisions back without a conflict of its own.
    with Store.open(b, user="ĐTV", device="may-b") as laptop:
        back = import_package(laptop, tmp_path / "xa.rasoat", allow_deletions=True)
        assert back.conflicts == []
        h = laptop.household_by_code("HO00002")
        assert h is not None
        assert h.note == "sửa ở máy A"
        assert laptop.household_by_code("HO00010") is None


def test_same_code_under_another_household_is_never_overwritten(tmp_path: Path) -> None:
    base = make_commune(tmp_path / "xa.db", 2)
    a = copy_to(base, tmp_path / "a.db")
    add(a, "may-a", "HO-9", "Lò Văn Páo", id_number="010068001234")
    add(base, "may-xa", "HO-9", "Hoàng Văn Khải")
    add(base, "may-xa", "HO-7", "Lò Văn Páo", id_number="010068001234")
    pa = export_from(a, "may-a", tmp_path / "a.rasoat")
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        receipt = import_package(office, pa)
        assert [e.action for e in receipt.conflicts] == ["code_taken"]
        h = office.household_by_code("HO-9")
        assert h is not None
        assert h.head_name() == "Hoàng Văn Khải"


def test_possible_duplicate_is_flagged_by_id_number(tmp_path: Path) -> None:
    base = make_commune(tmp_path / "xa.db", 2)
    a = copy_to(base, tmp_path / "a.db")
    add(a, "may-a", "HO-NEW", "Lò Văn Páo", id_number="010068001234")
    add(base, "may-xa", "HO-OLD", "Lò Văn Pao", id_number="010068001234")
    pa = export_from(a, "may-a", tmp_path / "a.rasoat")
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        receipt = import_package(office, pa)
    assert receipt.count("added") == 1
    assert any("HO-OLD" in w and "CCCD" in w for w in receipt.warnings)


def test_package_of_another_commune_is_refused(tmp_path: Path) -> None:
    from db.records import CommuneInfo
    from forms.model import Area

    base = make_commune(tmp_path / "xa.db", 2)
    other = tmp_path / "khac.db"
    Store.create(
        other,
        CommuneInfo("10", "Tỉnh Lào Cai", "10999", "Xã Khác", Area.RURAL),
        user="x",
        device="y",
    ).close()
    pkg = tmp_path / "xa.rasoat"
    with Store.open(base, user="x", device="y") as store:
        export_package(store, pkg)
    before = table_dump(other)
    with (
        Store.open(other, user="x", device="y") as store,
        pytest.raises(PackageError, match="không phải của Xã Khác"),
    ):
        import_package(store, pkg)
    assert table_dump(other) == before


def test_sql_and_odd_text_in_names_travel_as_plain_data(tmp_path: Path) -> None:
    base = make_commune(tmp_path / "xa.db", 1)
    a = copy_to(base, tmp_path / "a.db")
    name = "Robert'); DROP TABLE households;--"
    code = "x' OR '1'='1"
    with Store.open(a, user="ĐTV", device="may-a") as store:
        store.save_household(
            Household(
                code=code,
                village="Thôn  1",  # a double space, as some official names have
                members=[Member(name=name, relationship=Relationship.HEAD)],
            )
        )
    pkg = export_from(a, "may-a", tmp_path / "a.rasoat")
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        receipt = import_package(office, pkg)
        assert receipt.count("added") == 1
        h = office.household_by_code(code)
        assert h is not None
        assert h.head_name() == name
        assert len(list(office.iter_households())) == 2
        assert office.integrity_problems() == []


def test_taking_theirs_brings_their_classification_too(tmp_path: Path) -> None:
    from forms.classify import Result
    from forms.model import Category

    base = make_commune(tmp_path / "xa.db", 2)
    a = copy_to(base, tmp_path / "a.db")
    with Store.open(a, user="ĐTV", device="may-a") as store:
        rnd = store.current_round()
        assert rnd is not None
        h = store.household_by_code("HO00001")
        assert h is not None
        h.note = "đã phỏng vấn"
        result = Result(Category.POOR, 95, None, "", 3, [], [], [], rnd.standard_id, "")
        store.save_household(h, round_id=rnd.id, result=result)
    edit(base, "may-xa", ["HO00001"], "sửa ở xã")
    pkg = export_from(a, "may-a", tmp_path / "a.rasoat")
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        receipt = import_package(office, pkg)
        assert [e.code for e in receipt.conflicts] == ["HO00001"]
        h = office.household_by_code("HO00001")
        assert h is not None
        assert office.result_for(h.id, rnd.id) is None  # nothing applied before the decision
        (conflict,) = open_conflicts(office)
        resolve_conflict(office, conflict.id, "take_theirs")
        got = office.result_for(h.id, rnd.id)
        assert got is not None
        assert got.category is Category.POOR
        assert got.b1_score == 95


def test_a_reclassification_without_edits_arrives_but_never_overwrites(tmp_path: Path) -> None:
    from forms.classify import Result
    from forms.model import Category

    def classify_as(path: Path, device: str, category: Category) -> None:
        with Store.open(path, user="ĐTV", device=device) as store:
            rnd = store.current_round()
            assert rnd is not None
            h = store.household_by_code("HO00000")
            assert h is not None
            result = Result(category, None, None, "", 0, [], [], [], rnd.standard_id, "")
            store.save_result(h.id, rnd.id, result)

    base = make_commune(tmp_path / "xa.db", 1)
    a = copy_to(base, tmp_path / "a.db")
    classify_as(a, "may-a", Category.NEAR_POOR)
    pkg = tmp_path / "a.rasoat"
    with Store.open(a, user="ĐTV", device="may-a") as store:
        export_package(store, pkg)
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        receipt = import_package(office, pkg)
        assert receipt.count("updated") == 1
        rnd = office.current_round()
        h = office.household_by_code("HO00000")
        assert rnd is not None
        assert h is not None
        got = office.result_for(h.id, rnd.id)
        assert got is not None
        assert got.category is Category.NEAR_POOR
    # Both sides classify differently later: reported, the commune's result stays.
    classify_as(a, "may-a", Category.POOR)
    classify_as(base, "may-xa", Category.NOT_POOR)
    with Store.open(a, user="ĐTV", device="may-a") as store:
        export_package(store, pkg)
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        receipt = import_package(office, pkg)
        assert receipt.changed == 0
        assert any("khác nhau" in w for w in receipt.warnings)
        got = office.result_for(h.id, rnd.id)
        assert got is not None
        assert got.category is Category.NOT_POOR


def test_new_households_arrive_with_the_transitions_they_had(tmp_path: Path) -> None:
    """A household new to a file gets every year's result from the package; each result's
    transition is worked out against the years already written, so they must be written
    oldest first (the upper level's copy of a commune showed "Không nghèo cả hai kỳ" where
    the commune had "Thoát nghèo"). The demo commune has two years of results."""
    from db.demo import create_demo_commune
    from db.exchange.package import read_package
    from db.exchange.upper_level import commune_file

    demo = create_demo_commune(tmp_path / "demo.db", households=60)
    pkg = tmp_path / "xa.rasoat"
    query = "SELECT household_id, round_id, transition FROM results ORDER BY 1, 2"
    with Store.open(demo, user="x", device="y") as store:
        export_package(store, pkg)
        theirs = store.conn.execute(query).fetchall()
    assert any(t for _, _, t in theirs)
    with commune_file(read_package(pkg), source_name="xa.rasoat", device="cap-tren") as copy:
        assert copy.conn.execute(query).fetchall() == theirs


def test_the_upper_levels_copy_of_a_package_is_encrypted_on_disk(tmp_path: Path) -> None:
    """The upper level prints a commune's documents from a temporary commune file made of its
    package: a process killed meanwhile (a shutdown's SIGTERM) left it, every ID number
    readable, in the temporary folder. It is encrypted under a key held by the process; an
    unsigned package (which the copy takes, as its reader asked) is copied too."""
    from db import driver
    from db.exchange.package import read_package
    from db.exchange.upper_level import commune_file

    base = make_commune(tmp_path / "xa.db", 6)
    pkg = tmp_path / "xa.rasoat"
    with Store.open(base, user="x", device="y") as store:
        export_package(store, pkg)
        names = [h.head_name() for h in store.iter_households()]
    for package in (read_package(pkg), replace(read_package(pkg), signer=None)):
        with commune_file(package, source_name="xa.rasoat", device="cap-tren") as copy:
            assert copy.count_households(HouseholdQuery()) == 6
            path = Path(copy.path)
            copy.checkpoint()
            raw = path.read_bytes() + path.with_name(path.name + "-wal").read_bytes()
            assert not raw.startswith(driver.PLAIN_HEADER)
            assert all(n.encode() not in raw for n in names if n)
        assert not path.exists()
        assert driver.known_key(path) is None  # the key went with it
