"""Planning a merge by rev ancestry (``merge_plan.plan``, ``history.Ancestry``): a package's
histories are taken in only once a household held here is asked about, and this file's
history is read once a chunk of households (not two queries a rev); every step is planned as
it was, across chunks, new households first or between."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from db.exchange import merge_plan
from db.exchange.export import ExportScope, export_package
from db.exchange.history import reaches
from db.exchange.merge import import_package
from db.exchange.merge_plan import Planned
from db.exchange.package import Package, read_package
from db.store import Store
from tests.db.exchange.commune import copy_to, make_commune
from tests.db.exchange.test_merge import add, edit, export_from


def _whole(path: Path, out: Path) -> Path:
    """Every household of the laptop's file, changed there or not."""
    with Store.open(path, user="ĐTV", device="may-a") as store:
        export_package(store, out, ExportScope(kind="commune"))
    return out


def _steps(base: Path, package: Path) -> dict[str, tuple[str, bool, str]]:
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        planned = merge_plan.plan(office, read_package(package))
    return {s.record.household.code: (s.action, s.join, s.detail) for s in planned}


def _delete(path: Path, device: str, code: str) -> None:
    with Store.open(path, user="ĐTV", device=device) as store:
        h = store.household_by_code(code)
        assert h is not None
        store.delete_household(h.id)


@pytest.mark.parametrize("chunk", [1, 2, 5_000])
def test_households_here_are_planned_by_their_history_beside_new_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(merge_plan, "LOOKUP_CHUNK", chunk)
    base = make_commune(tmp_path / "xa.db", 6)
    a = copy_to(base, tmp_path / "a.db")
    for code in ("HO-A1", "HO-A2"):
        add(a, "may-a", code, "Lò Văn Páo")
    edit(a, "may-a", ["HO00001"], "sửa ở máy A")  # here an ancestor of the package's
    edit(a, "may-a", ["HO00002"], "sửa lần một")
    edit(a, "may-a", ["HO00002"], "sửa lần hai")  # two versions past this file's
    edit(base, "may-xa", ["HO00003"], "sửa ở xã")  # here a descendant of the package's
    edit(a, "may-a", ["HO00004"], "sửa ở máy A")
    edit(base, "may-xa", ["HO00004"], "sửa ở xã")  # both changed it
    _delete(a, "may-a", "HO00005")
    _delete(base, "may-xa", "HO00005")  # deleted on both sides, each its own way
    add(a, "may-a", "HO-A3", "Hà Thị Mơ")
    package = _whole(a, tmp_path / "a.rasoat")

    both = "cả hai bên đều đã xoá hộ này"
    assert _steps(base, package) == {
        "HO00000": ("unchanged", False, ""),
        "HO00001": ("updated", False, ""),
        "HO00002": ("updated", False, ""),
        "HO00003": ("older", False, ""),
        "HO00004": ("conflict", False, "cả hai bên đều đã sửa hộ này"),
        "HO00005": ("unchanged", True, both),
        "HO-A1": ("added", False, ""),
        "HO-A2": ("added", False, ""),
        "HO-A3": ("added", False, ""),
    }
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        import_package(office, package)
    # Again, once written: the two deletions are joined here by a rev whose second parent
    # (``exchange_merge_parents``) is the package's, read with this file's history.
    assert _steps(base, package) == {
        "HO00000": ("unchanged", False, ""),
        "HO00001": ("unchanged", False, ""),
        "HO00002": ("unchanged", False, ""),
        "HO00003": ("older", False, ""),
        "HO00004": ("conflict", False, "cả hai bên đều đã sửa hộ này"),
        "HO00005": ("older", False, ""),  # the join's second parent
        "HO-A1": ("unchanged", False, ""),
        "HO-A2": ("unchanged", False, ""),
        "HO-A3": ("unchanged", False, ""),
    }


def _planned_traced(base: Path, package: Package) -> tuple[list[Planned], list[str]]:
    """``package`` planned against ``base``, with every statement the planning ran."""
    statements: list[str] = []
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        office.conn.set_trace_callback(statements.append)
        try:
            return merge_plan.plan(office, package), statements
        finally:
            office.conn.set_trace_callback(None)


def test_an_updated_package_reads_the_files_history_once_a_chunk(tmp_path: Path) -> None:
    base = make_commune(tmp_path / "xa.db", 30)
    a = copy_to(base, tmp_path / "a.db")
    codes = [f"HO{i:05d}" for i in range(30)]
    edit(a, "may-a", codes, "sửa ở máy A")
    package = export_from(a, "may-a", tmp_path / "a.rasoat")
    planned, statements = _planned_traced(base, read_package(package))
    assert [s.action for s in planned] == ["updated"] * 30
    # Before: two statements a rev looked up here, four a household (120). Now the file's
    # history read once, and the revs new to it (one a household edited) looked up once:
    # a rev here as another household's refuses the package (``merge_plan.rev_clash``).
    assert sum("household_revs" in s for s in statements) == 2
    assert sum("exchange_merge_parents" in s for s in statements) == 1


def test_a_new_household_asks_nothing_of_ancestry(tmp_path: Path) -> None:
    base = make_commune(tmp_path / "xa.db", 2)
    a = copy_to(base, tmp_path / "a.db")
    for i in range(5):
        add(a, "may-a", f"HO-A{i}", "Lò Văn Páo")
    package = read_package(export_from(a, "may-a", tmp_path / "a.rasoat"))
    new = [r for r in package.records if r.household.code.startswith("HO-A")]
    package.records = new
    planned, statements = _planned_traced(base, package)
    assert [s.action for s in planned] == ["added"] * 5
    assert not any("household_revs" in s for s in statements)


def _reference(rev: str, candidate: str, parents: dict[str, list[str]]) -> bool:
    """Every ancestor of ``rev`` (itself included), gathered whole, then looked in."""
    found = {rev}
    todo = [rev]
    while todo:
        for p in parents.get(todo.pop(), []):
            if p not in found:
                found.add(p)
                todo.append(p)
    return candidate in found


def test_reaches_finds_what_the_whole_ancestry_holds() -> None:
    rng = random.Random(5)
    for _ in range(300):
        revs = [f"r{i}" for i in range(rng.randint(1, 12))]
        # Parents anywhere, cycles and unknown revs included (a package's claims).
        parents = {r: rng.sample([*revs, "x"], rng.randint(0, min(3, len(revs)))) for r in revs}
        for rev in revs:
            for candidate in [*revs, "x", "y"]:
                found = reaches(rev, candidate, lambda r, known=parents: known.get(r, []))
                assert found == _reference(rev, candidate, parents), (rev, candidate, parents)


def test_reaches_asks_no_more_once_found() -> None:
    asked: list[str] = []

    def parents(rev: str) -> list[str]:
        asked.append(rev)
        return {"c": ["b"], "b": ["a"], "a": []}[rev]

    assert reaches("c", "c", parents)
    assert asked == []
    assert reaches("c", "b", parents)
    assert asked == ["c"]
    asked.clear()
    assert not reaches("c", "z", parents)
    assert asked == ["c", "b", "a"]


@pytest.mark.parametrize("chunk", [1, 2, 5_000])
def test_households_here_sharing_a_number_are_hinted_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    # A number a household of the package carries alone is not kept for the hints (its own),
    # one that two of them carry, or another household here, is.
    monkeypatch.setattr(merge_plan, "LOOKUP_CHUNK", chunk)
    base = make_commune(tmp_path / "xa.db", 2)
    add(base, "may-xa", "HO-X", "Lò Văn Páo", id_number="010068001234")
    add(base, "may-xa", "HO-Y", "Lò Văn Pao", id_number="010068001234")
    add(base, "may-xa", "HO-V", "Hà Văn Vui", id_number="010068005678")
    add(base, "may-xa", "HO-W", "Hà Văn Vũ", id_number="010068005678")
    a = copy_to(base, tmp_path / "a.db")
    edit(a, "may-a", ["HO00000", "HO-X", "HO-Y", "HO-V"], "sửa ở máy A")
    add(a, "may-a", "HO-Z", "Lò Thị Pa", id_number="010068001234")
    package = _whole(a, tmp_path / "a.rasoat")

    here = "có thể trùng hộ mã {} (cùng số CCCD của thành viên)"
    packed = "có thể trùng hộ mã {} trong cùng gói (cùng số CCCD của thành viên)"
    steps = _steps(base, package)
    assert {code: steps[code] for code in ("HO00000", "HO-X", "HO-Y", "HO-Z", "HO-V")} == {
        "HO00000": ("updated", False, ""),
        "HO-X": ("updated", False, f"{here.format('HO-Y')}; {packed.format('HO-Z')}"),
        "HO-Y": ("updated", False, f"{here.format('HO-X')}; {packed.format('HO-Z')}"),
        "HO-Z": ("added", False, here.format("HO-X, HO-Y")),
        "HO-V": ("updated", False, here.format("HO-W")),
    }


def test_households_unchanged_here_read_no_id_numbers(tmp_path: Path) -> None:
    # No hint is asked for a household whose version here is the package's: a chunk of them
    # reads none of their members' numbers; one household changed reads them.
    base = make_commune(tmp_path / "xa.db", 6)
    a = copy_to(base, tmp_path / "a.db")
    package = read_package(_whole(a, tmp_path / "a.rasoat"))
    edit(a, "may-a", ["HO00003"], "sửa ở máy A")
    changed = read_package(_whole(a, tmp_path / "b.rasoat"))
    for read, actions, queries in (
        (package, ["unchanged"] * 6, 0),
        (changed, ["unchanged"] * 3 + ["updated"] + ["unchanged"] * 2, 1),
    ):
        planned, statements = _planned_traced(base, read)
        assert [s.action for s in planned] == actions
        assert sum("m.id_number IN" in s for s in statements) == queries
