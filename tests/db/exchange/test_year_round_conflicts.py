"""Year-round records through real packages between two real commune files (issue 24 item
5): edited in turn on two laptops they merge without a conflict (each application carries its
version history, as households do); changed on both they are one stored conflict, listed,
decided either way on one laptop, audited, and the other laptop then takes the decision
without a conflict of its own."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from db import audit, year_round
from db.errors import StoreError
from db.exchange import year_round_part
from db.exchange.export import ExportScope, export_package
from db.exchange.merge import import_package, waiting
from db.store import Store
from tests.db.exchange.commune import table_dump
from tests.reports.conftest import VILLAGES, build_commune

XA, DTV = "may-xa", "may-dtv"


@pytest.fixture
def laptops(tmp_path: Path) -> tuple[Path, Path]:
    base = build_commune(tmp_path / "xa.db", 6, VILLAGES)
    return shutil.copy(base, tmp_path / "xa-laptop.db"), shutil.copy(base, tmp_path / "dtv.db")


class Trip:
    """Packages sent between the two files, each a real export and import."""

    def __init__(self, tmp_path: Path, files: tuple[Path, Path]) -> None:
        self.tmp, self.files, self.n = tmp_path, dict(zip((XA, DTV), files, strict=True)), 0

    def send(self, sender: str, receiver: str) -> tuple[bool, list[str]]:
        self.n += 1
        package = self.tmp / f"{self.n}-{sender}.rasoat"
        with Store.open(self.files[sender], user="Cán bộ", device=sender) as store:
            export_package(store, package, ExportScope(kind="commune"))
        with Store.open(self.files[receiver], user="Cán bộ", device=receiver) as store:
            receipt = import_package(store, package)
        self.last = package
        return receipt.written, [w for w in receipt.warnings if "cả hai máy" in w]

    def store(self, laptop: str) -> Store:
        return Store.open(self.files[laptop], user="Cán bộ", device=laptop)


def _two_cadres(trip: Trip, village: str) -> None:
    """The commune's laptop and the surveyor's each give ``village`` a cadre of its own,
    neither seeing the other's."""
    with trip.store(XA) as store:
        year_round.assign_cadre(store, "Hoàng Văn Dũng", "Trưởng thôn", village=village)
    with trip.store(DTV) as store:
        year_round.assign_cadre(store, "Nông Thị Hoa", "", village=village)


def _decide_on_both(trip: Trip, choice: year_round_part.Choice) -> None:
    """Each laptop's officer decides the one cadre question it holds the same way round
    (each keeping its own, or each taking the other's): opposite outcomes."""
    for laptop in (XA, DTV):
        with trip.store(laptop) as store:
            [c] = year_round_part.open_conflicts(store.conn)
            year_round_part.resolve(store, c.id, choice)


def conflicting(tmp_path: Path) -> tuple[Trip, str, str]:
    """An application sent from the commune's laptop and changed on both, and a village given
    a cadre on each laptop without seeing the other's; returns the trip (the surveyor's package
    not imported yet), the household's and the application's ids."""
    base = build_commune(tmp_path / "xa.db", 6, VILLAGES)
    files = tuple(Path(shutil.copy(base, tmp_path / f"{n}.db")) for n in (XA, DTV))
    trip = Trip(tmp_path, (files[0], files[1]))
    with trip.store(XA) as store:
        hid = store.conn.execute("SELECT id FROM households ORDER BY code").fetchone()[0]
        app = year_round.add_application(store, hid, "escape", date(2026, 4, 1), "Chủ hộ")
    trip.send(XA, DTV)
    with trip.store(DTV) as store:
        year_round.withdraw_application(store, app.id)
        year_round.assign_cadre(store, "Nông Thị Hoa", "", village=VILLAGES[0])
    with trip.store(XA) as store:
        year_round.start_regular_round(store, 2026, 5)
        year_round.assign_cadre(store, "Hoàng Văn Dũng", "Trưởng thôn", village=VILLAGES[0])
    return trip, hid, app.id


def _ids(path: Path) -> list[str]:
    with Store.open(path, user="t", device="t") as store:
        return [r[0] for r in store.conn.execute("SELECT id FROM households ORDER BY code")]


def _status(trip: Trip, laptop: str) -> str:
    with trip.store(laptop) as store:
        [app] = year_round.applications(store)
        return app.status.value


def test_an_application_edited_in_turn_merges_without_a_conflict(
    laptops: tuple[Path, Path], tmp_path: Path
) -> None:
    trip = Trip(tmp_path, laptops)
    hid = _ids(laptops[0])[1]
    with trip.store(XA) as store:
        app = year_round.add_application(store, hid, "regular_review", date(2026, 4, 1), "Chủ hộ")
    assert trip.send(XA, DTV)[1] == []
    with trip.store(DTV) as store:  # the surveyor's laptop opens May's round: in review
        year_round.start_regular_round(store, 2026, 5)
    assert trip.send(DTV, XA) == (True, [])
    assert _status(trip, XA) == "in_review"
    with trip.store(XA) as store:  # then the commune's laptop: withdrawn
        year_round.withdraw_application(store, app.id)
    assert trip.send(XA, DTV) == (True, [])
    assert _status(trip, DTV) == "withdrawn"
    assert trip.send(DTV, XA) == (False, [])  # nothing new either way
    for laptop in (XA, DTV):
        with trip.store(laptop) as store:
            assert year_round_part.open_conflicts(store.conn) == []


def changed_on_both(laptops: tuple[Path, Path], tmp_path: Path) -> tuple[Trip, str]:
    """An application sent from the commune's laptop, withdrawn on the surveyor's and put in
    a monthly round on the commune's: the trip (the surveyor's package not yet sent back) and
    the household's id."""
    trip = Trip(tmp_path, laptops)
    hid = _ids(laptops[0])[1]
    with trip.store(XA) as store:
        app = year_round.add_application(store, hid, "escape", date(2026, 4, 1), "Chủ hộ")
    trip.send(XA, DTV)
    with trip.store(DTV) as store:
        year_round.withdraw_application(store, app.id)
    with trip.store(XA) as store:
        year_round.start_regular_round(store, 2026, 5)
    return trip, hid


@pytest.mark.parametrize("choice", ["keep_mine", "take_theirs"])
def test_an_application_changed_on_both_is_one_stored_conflict_decided(
    laptops: tuple[Path, Path], tmp_path: Path, choice: year_round_part.Choice
) -> None:
    trip, hid = changed_on_both(laptops, tmp_path)
    written, conflicts = trip.send(DTV, XA)
    assert written
    assert len(conflicts) == 1
    with trip.store(XA) as store:
        [c] = year_round_part.open_conflicts(store.conn)
        assert waiting(store) == 1
        assert waiting(store, package_id="not this one") == 0
        assert "đã được sửa ở cả hai máy" in c.describe()
        year_round_part.resolve(store, c.id, choice)
        with pytest.raises(StoreError, match="đã được giải quyết"):
            year_round_part.resolve(store, c.id, choice)
        assert year_round_part.open_conflicts(store.conn) == []
        decided = [
            e
            for e in store.audit_for_household(hid)
            if e.table == "year_round_conflicts" and e.action == "update"
        ]
        assert [e.new["resolution"] for e in decided if e.new] == [choice]
        assert audit.verify(store.conn) is None  # the batched inserts chained as any other
    expected = "in_review" if choice == "keep_mine" else "withdrawn"
    assert _status(trip, XA) == expected
    # The surveyor's package again: decided, so nothing to write and nothing to raise.
    before = table_dump(laptops[0])
    with trip.store(XA) as store:
        assert import_package(store, trip.last).written is False
    assert table_dump(laptops[0]) == before
    # The decision travels: the surveyor's laptop takes it without a conflict.
    assert trip.send(XA, DTV) == (True, [])
    assert _status(trip, DTV) == expected
    assert trip.send(DTV, XA) == (False, [])


def test_a_cadre_replaced_in_turn_is_no_conflict_the_same_cadre_twice_neither(
    laptops: tuple[Path, Path], tmp_path: Path
) -> None:
    trip = Trip(tmp_path, laptops)
    hid = _ids(laptops[0])[0]
    village = VILLAGES[0]
    with trip.store(XA) as store:
        year_round.assign_cadre(store, "Hoàng Văn Dũng", "Trưởng thôn", village=village)
    with trip.store(DTV) as store:  # the same cadre for a household, on both laptops
        year_round.assign_cadre(store, "Lò Văn Pản", "", household_id=hid)
    with trip.store(XA) as store:
        year_round.assign_cadre(store, "Lò Văn Pản", "", household_id=hid)
    assert trip.send(XA, DTV) == (True, [])
    with trip.store(DTV) as store:  # replaced on the other laptop, then sent back
        year_round.assign_cadre(store, "Nông Thị Hoa", "Trưởng thôn", village=village)
    assert trip.send(DTV, XA) == (True, [])
    with trip.store(XA) as store:
        year_round.assign_cadre(store, "Vàng A Sùng", "", village=village)
    assert trip.send(XA, DTV) == (True, [])
    # Written or not, by which of the two same assignments stays (the smaller id): settled.
    assert trip.send(DTV, XA)[1] == []
    assert trip.send(XA, DTV) == (False, [])
    for laptop in (XA, DTV):
        with trip.store(laptop) as store:
            assert year_round_part.open_conflicts(store.conn) == []
            live = [(a.id, a.cadre_name) for a in year_round.assignments(store)]
            assert sorted(n for _, n in live) == ["Lò Văn Pản", "Vàng A Sùng"]
            names = year_round.cadre_names(store)
            assert names[hid] == "Lò Văn Pản"
    with trip.store(XA) as xa, trip.store(DTV) as dtv:
        assert year_round.assignments(xa) == year_round.assignments(dtv)


@pytest.mark.parametrize("choice", ["keep_mine", "take_theirs"])
def test_two_cadres_for_one_village_are_a_stored_conflict_decided(
    laptops: tuple[Path, Path], tmp_path: Path, choice: year_round_part.Choice
) -> None:
    trip = Trip(tmp_path, laptops)
    village = VILLAGES[0]
    _two_cadres(trip, village)
    written, [conflict] = trip.send(DTV, XA)
    assert written
    assert conflict == (
        f"{village}: cán bộ phụ trách đã được ghi ở cả hai máy (máy này: Hoàng Văn Dũng;"
        " trong gói: Nông Thị Hoa); giữ Hoàng Văn Dũng cho đến khi cán bộ quyết định."
    )
    with trip.store(XA) as store:
        [c] = year_round_part.open_conflicts(store.conn)
        assert (c.table, c.village, c.household_id) == ("cadre_assignments", village, None)
        year_round_part.resolve(store, c.id, choice)
        kept = year_round.assignments(store)
    expected = "Hoàng Văn Dũng" if choice == "keep_mine" else "Nông Thị Hoa"
    assert [a.cadre_name for a in kept] == [expected]
    # The other laptop takes the decision: no conflict there either, the same cadre.
    assert trip.send(XA, DTV)[1] == []
    with trip.store(DTV) as store:
        assert year_round_part.open_conflicts(store.conn) == []
        assert [a.cadre_name for a in year_round.assignments(store)] == [expected]
        assert {r.id for r in store.search(expected.split()[0], limit=50)} >= set(
            year_round.households_of(store, expected)
        )
    assert trip.send(DTV, XA) == (False, [])


def test_rasoat_conflicts_lists_and_decides_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from rasoat.cli import main

    trip, hid, app_id = conflicting(tmp_path)
    package = tmp_path / "dtv.rasoat"
    with trip.store(DTV) as store:
        export_package(store, package, ExportScope(kind="commune"))
    commune = str(trip.files[XA])
    capsys.readouterr()
    assert main(["import", commune, str(package)]) == 0
    assert "Còn 2 xung đột chờ quyết định" in capsys.readouterr().out
    assert main(["conflicts", commune]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Giấy đề nghị, cán bộ phụ trách (--keep-mine")
    application = next(line for line in lines if "giấy đề nghị ngày 01/04/2026" in line)
    cadre = next(line for line in lines if f"{VILLAGES[0]}: cán bộ phụ trách" in line)
    assert "(máy này: Hoàng Văn Dũng; trong gói: Nông Thị Hoa)" in cadre
    assert main(["conflicts", commune, "--take-theirs", application.split()[0]]) == 0
    assert "Đã giải quyết xung đột giấy đề nghị của hộ" in capsys.readouterr().out
    assert main(["conflicts", commune, "--keep-mine", cadre.split()[0]]) == 0
    assert f"cán bộ phụ trách của {VILLAGES[0]}" in capsys.readouterr().out
    assert main(["conflicts", commune]) == 0
    assert "Không có xung đột nào chờ quyết định." in capsys.readouterr().out
    assert _status(trip, XA) == "withdrawn"
    with trip.store(XA) as store:
        assert [a.cadre_name for a in year_round.assignments(store)] == ["Hoàng Văn Dũng"]
        assert hid in year_round.households_of(store, "Hoàng Văn Dũng")
        assert year_round.application(store, app_id) is not None


def test_only_an_officer_decides_a_year_round_conflict(
    laptops: tuple[Path, Path], tmp_path: Path
) -> None:
    """Deciding which laptop's application stands is the officer's, as for households and
    certificate numbers: a signed-in surveyor is refused below the window (the CLI's path)."""
    from db import users
    from db.errors import NotPermitted
    from forms.roles import Role

    trip, hid = changed_on_both(laptops, tmp_path)
    trip.send(DTV, XA)
    with trip.store(XA) as store:
        users.add_user(store, "thu", "Hoàng Văn Thụ", Role.OFFICER, "mat-khau-9x")
        users.add_user(store, "mai", "Lò Thị Mai", Role.SURVEYOR, "mat-khau-9x")
    with trip.store(XA) as store:
        users.sign_in(store, "mai", "mat-khau-9x")
        [c] = year_round_part.open_conflicts(store.conn)
        with pytest.raises(NotPermitted):
            year_round_part.resolve(store, c.id, "take_theirs")
        assert len(year_round_part.open_conflicts(store.conn)) == 1
        users.sign_in(store, "thu", "mat-khau-9x")
        year_round_part.resolve(store, c.id, "take_theirs")
        assert year_round_part.open_conflicts(store.conn) == []


def removed_and_replaced(laptops: tuple[Path, Path], tmp_path: Path) -> tuple[Trip, str]:
    """A household's own cadre, known to both laptops, removed on the commune's laptop and
    replaced on the surveyor's, neither seeing the other's: the trip and the household's id."""
    trip = Trip(tmp_path, laptops)
    hid = _ids(laptops[0])[0]
    with trip.store(XA) as store:
        year_round.assign_cadre(store, "Hoàng Văn Dũng", "Trưởng thôn", household_id=hid)
    assert trip.send(XA, DTV) == (True, [])
    with trip.store(XA) as store:
        year_round.assign_cadre(store, "", household_id=hid)  # removed
    with trip.store(DTV) as store:
        year_round.assign_cadre(store, "Nông Thị Hoa", "", household_id=hid)  # replaced
    return trip, hid


def _cadre(trip: Trip, laptop: str, hid: str) -> str | None:
    with trip.store(laptop) as store:
        return year_round.cadre_names(store).get(hid)


@pytest.mark.parametrize("choice", ["keep_mine", "take_theirs"])
def test_a_cadre_removed_here_and_replaced_there_is_a_conflict(
    laptops: tuple[Path, Path], tmp_path: Path, choice: year_round_part.Choice
) -> None:
    """The removal is not undone by the other laptop's replacement made without seeing it:
    a conflict, nobody assigned until the officer decides, and the decision travels."""
    trip, hid = removed_and_replaced(laptops, tmp_path)
    written, [conflict] = trip.send(DTV, XA)
    assert written
    code = conflict.split(":")[0]
    assert conflict == (
        f"{code}: phân công cán bộ phụ trách đã được thay đổi ở cả hai máy (máy này: bỏ phân"
        " công; trong gói: Nông Thị Hoa); chưa giao cho ai cho đến khi cán bộ quyết định."
    )
    assert _cadre(trip, XA, hid) is None
    with trip.store(XA) as store:
        [c] = year_round_part.open_conflicts(store.conn)
        assert (c.table, c.household_id, c.local) == ("cadre_assignments", hid, None)
        year_round_part.resolve(store, c.id, choice)
    expected = None if choice == "keep_mine" else "Nông Thị Hoa"
    assert _cadre(trip, XA, hid) == expected
    before = table_dump(laptops[0])
    with trip.store(XA) as store:  # the same package again: decided, nothing written
        assert import_package(store, trip.last).written is False
    assert table_dump(laptops[0]) == before
    assert trip.send(XA, DTV)[1] == []  # the surveyor's laptop takes the decision
    assert _cadre(trip, DTV, hid) == expected
    assert trip.send(DTV, XA) == (False, [])
    for laptop in (XA, DTV):
        with trip.store(laptop) as store:
            assert year_round_part.open_conflicts(store.conn) == []


@pytest.mark.parametrize("choice", ["keep_mine", "take_theirs"])
def test_a_cadre_replaced_here_and_removed_there_is_a_conflict(
    laptops: tuple[Path, Path], tmp_path: Path, choice: year_round_part.Choice
) -> None:
    """The same two changes seen from the other laptop: its replacement stays until the
    officer decides, the removal not silently dropped; the decision travels."""
    trip, hid = removed_and_replaced(laptops, tmp_path)
    written, [conflict] = trip.send(XA, DTV)
    assert written
    code = conflict.split(":")[0]
    assert conflict == (
        f"{code}: phân công cán bộ phụ trách đã được thay đổi ở cả hai máy (máy này: Nông Thị"
        " Hoa; trong gói: bỏ phân công); giữ Nông Thị Hoa cho đến khi cán bộ quyết định."
    )
    assert _cadre(trip, DTV, hid) == "Nông Thị Hoa"
    with trip.store(DTV) as store:
        [c] = year_round_part.open_conflicts(store.conn)
        assert c.local is not None
        assert c.local["cadre_name"] == "Nông Thị Hoa"
        assert c.incoming["deleted"]
        year_round_part.resolve(store, c.id, choice)
    expected = "Nông Thị Hoa" if choice == "keep_mine" else None
    assert _cadre(trip, DTV, hid) == expected
    assert trip.send(DTV, XA)[1] == []  # the commune's laptop takes the decision
    assert _cadre(trip, XA, hid) == expected
    assert trip.send(XA, DTV) == (False, [])
    for laptop in (XA, DTV):
        with trip.store(laptop) as store:
            assert year_round_part.open_conflicts(store.conn) == []


def test_a_cadre_removed_then_assigned_again_after_seeing_it_is_no_conflict(
    laptops: tuple[Path, Path], tmp_path: Path
) -> None:
    trip = Trip(tmp_path, laptops)
    hid = _ids(laptops[0])[0]
    with trip.store(XA) as store:
        year_round.assign_cadre(store, "Hoàng Văn Dũng", "", household_id=hid)
    trip.send(XA, DTV)
    with trip.store(XA) as store:
        year_round.assign_cadre(store, "", household_id=hid)
    assert trip.send(XA, DTV) == (True, [])
    with trip.store(DTV) as store:  # after seeing the removal: a new assignment
        year_round.assign_cadre(store, "Nông Thị Hoa", "", household_id=hid)
    assert trip.send(DTV, XA) == (True, [])
    assert _cadre(trip, XA, hid) == "Nông Thị Hoa"
    # Removed on both laptops, each without the other: the same wish, no conflict.
    with trip.store(XA) as store:
        year_round.assign_cadre(store, "", household_id=hid)
    with trip.store(DTV) as store:
        year_round.assign_cadre(store, "", household_id=hid)
    assert trip.send(DTV, XA)[1] == []
    assert trip.send(XA, DTV)[1] == []
    assert _cadre(trip, XA, hid) is None
    assert _cadre(trip, DTV, hid) is None
    # Later, seeing everything, each laptop in turn gives the household a cadre: no conflict
    # (the two endings of the old assignment are one once seen, the same version on both).
    with trip.store(XA) as store:
        year_round.assign_cadre(store, "Vàng A Sùng", "", household_id=hid)
    assert trip.send(XA, DTV) == (True, [])
    assert _cadre(trip, DTV, hid) == "Vàng A Sùng"
    with trip.store(DTV) as store:
        year_round.assign_cadre(store, "", household_id=hid)
        year_round.assign_cadre(store, "Hà Thị Mỷ", "", household_id=hid)
    assert trip.send(DTV, XA) == (True, [])
    assert _cadre(trip, XA, hid) == "Hà Thị Mỷ"
    for laptop in (XA, DTV):
        with trip.store(laptop) as store:
            assert year_round_part.open_conflicts(store.conn) == []
            assert audit.verify(store.conn) is None


def _supports(trip: Trip, laptop: str, hid: str) -> list[tuple[str, int | None, str]]:
    with trip.store(laptop) as store:
        return sorted(
            (s.kind, s.amount, s.note) for s, _, _ in year_round.support_records(store, hid)
        )


def _support_twice(trip: Trip, hid: str, xa: tuple[int, str], dtv: tuple[int, str]) -> None:
    """A loan known to both laptops, then corrected (deleted and typed again) on each
    without seeing the other's: ``xa`` and ``dtv`` the amount and note each typed."""
    day = date(2026, 3, 2)
    with trip.store(XA) as store:
        first = year_round.add_support(store, hid, "credit", day, amount=5_000_000)
    assert trip.send(XA, DTV)[0]
    for laptop, (amount, note) in ((XA, xa), (DTV, dtv)):
        with trip.store(laptop) as store:
            year_round.delete_support(store, first.id)
            year_round.add_support(store, hid, "credit", day, amount=amount, note=note)


def test_a_support_corrected_alike_on_both_laptops_is_kept_once(
    laptops: tuple[Path, Path], tmp_path: Path
) -> None:
    """The same correction typed on both laptops: one support, the same on both, not the
    loan counted twice in the year's support."""
    trip = Trip(tmp_path, laptops)
    hid = _ids(laptops[0])[0]
    _support_twice(trip, hid, (50_000_000, "Vay NHCSXH"), (50_000_000, "Vay NHCSXH"))
    written, said = trip.send(DTV, XA)
    assert written
    assert said == []
    assert _supports(trip, XA, hid) == [("credit", 50_000_000, "Vay NHCSXH")]
    # Written or not, by which of the two stays (the smaller id): the same on both after.
    assert trip.send(XA, DTV)[1] == []
    assert _supports(trip, DTV, hid) == [("credit", 50_000_000, "Vay NHCSXH")]
    assert trip.send(DTV, XA)[0] is False
    with trip.store(XA) as xa, trip.store(DTV) as dtv:
        assert year_round.support_records(xa) == year_round.support_records(dtv)


def test_a_support_corrected_apart_on_both_laptops_is_kept_twice_and_said(
    laptops: tuple[Path, Path], tmp_path: Path
) -> None:
    trip = Trip(tmp_path, laptops)
    hid = _ids(laptops[0])[0]
    _support_twice(trip, hid, (50_000_000, "Lò Văn Pản nhận thay"), (30_000_000, ""))
    package = tmp_path / "dtv.rasoat"
    with trip.store(DTV) as store:
        from db.exchange.export import ExportScope, export_package

        export_package(store, package, ExportScope(kind="commune"))
    with trip.store(XA) as store:
        code = store.conn.execute("SELECT code FROM households WHERE id = ?", (hid,)).fetchone()[0]
        receipt = import_package(store, package)
        said = [w for w in receipt.warnings if "hỗ trợ" in w]
        assert said == [
            f"Hộ {code}: Vay vốn tín dụng ưu đãi ngày 02/03/2026 được ghi ở cả hai máy, khác"
            " nhau (máy này: 50.000.000 đ; trong gói: 30.000.000 đ); đã giữ cả hai:"
            " hãy xem lại và xoá lần ghi thừa ở phần hỗ trợ của hộ."
        ]
        assert import_package(store, package).written is False  # said once
    both = [("credit", 30_000_000, ""), ("credit", 50_000_000, "Lò Văn Pản nhận thay")]
    assert _supports(trip, XA, hid) == both
    assert trip.send(XA, DTV) == (True, [])
    assert _supports(trip, DTV, hid) == both
    with trip.store(DTV) as store:
        assert import_package(store, trip.last).warnings == []


def test_a_support_corrected_apart_only_in_its_note_is_said_so(
    laptops: tuple[Path, Path], tmp_path: Path
) -> None:
    trip = Trip(tmp_path, laptops)
    hid = _ids(laptops[0])[0]
    _support_twice(trip, hid, (50_000_000, "Lò Văn Pản nhận thay"), (50_000_000, "Chủ hộ nhận"))
    package = tmp_path / "dtv.rasoat"
    with trip.store(DTV) as store:
        from db.exchange.export import ExportScope, export_package

        export_package(store, package, ExportScope(kind="commune"))
    with trip.store(XA) as store:
        receipt = import_package(store, package)
    [said] = [w for w in receipt.warnings if "hỗ trợ" in w]
    assert "khác nhau ở người trao hoặc ghi chú (50.000.000 đ)" in said
    assert "Lò Văn Pản" not in said


def test_a_second_support_typed_after_seeing_the_first_is_no_duplicate(
    laptops: tuple[Path, Path], tmp_path: Path
) -> None:
    """Two like supports given on purpose (the package's laptop knew the first): both stay,
    nothing said."""
    trip = Trip(tmp_path, laptops)
    hid = _ids(laptops[0])[0]
    day = date(2026, 3, 2)
    with trip.store(XA) as store:
        year_round.add_support(store, hid, "housing", day)
    trip.send(XA, DTV)
    with trip.store(DTV) as store:
        year_round.add_support(store, hid, "housing", day)
    with trip.store(DTV) as store:
        from db.exchange.export import ExportScope, export_package

        export_package(store, tmp_path / "p.rasoat", ExportScope(kind="commune"))
    with trip.store(XA) as store:
        receipt = import_package(store, tmp_path / "p.rasoat")
        assert receipt.written
        assert [w for w in receipt.warnings if "hỗ trợ" in w] == []
    assert _supports(trip, XA, hid) == [("housing", None, ""), ("housing", None, "")]


@pytest.mark.parametrize("choice", ["keep_mine", "take_theirs"])
@pytest.mark.parametrize("decides", [XA, DTV])
def test_a_cadre_conflict_stored_on_both_laptops_is_decided_once(
    laptops: tuple[Path, Path], tmp_path: Path, choice: year_round_part.Choice, decides: str
) -> None:
    """Removed here, replaced there, and the packages crossed before anyone decided: each
    laptop holds the conflict. Decided on one, the other takes that decision with the next
    package (its own conflict settled, said on the receipt), not asked again, and both end
    with the same cadre; the one still asking never takes the package's assignment as if no
    one had asked (a package sent again before the decision keeps it waiting)."""
    trip, hid = removed_and_replaced(laptops, tmp_path)
    assert len(trip.send(DTV, XA)[1]) == 1
    assert len(trip.send(XA, DTV)[1]) == 1
    # Sent again before any decision: still waiting on both, nothing taken.
    assert len(trip.send(DTV, XA)[1]) == 1
    assert _cadre(trip, XA, hid) is None
    other = DTV if decides == XA else XA
    with trip.store(decides) as store:
        [c] = year_round_part.open_conflicts(store.conn)
        year_round_part.resolve(store, c.id, choice)
    decided = _cadre(trip, decides, hid)
    written, said = trip.send(decides, other)
    assert said == []
    with trip.store(other) as store:
        assert year_round_part.open_conflicts(store.conn) == []
        receipt = import_package(store, trip.last)  # the same package again: nothing
        assert receipt.written is False
    assert _cadre(trip, other, hid) == decided
    assert trip.send(other, decides)[1] == []
    assert _cadre(trip, decides, hid) == decided
    for laptop in (XA, DTV):
        with trip.store(laptop) as store:
            assert year_round_part.open_conflicts(store.conn) == []
            assert audit.verify(store.conn) is None


@pytest.mark.parametrize("choice", ["keep_mine", "take_theirs"])
def test_two_cadres_stored_on_both_laptops_are_decided_once(
    laptops: tuple[Path, Path], tmp_path: Path, choice: year_round_part.Choice
) -> None:
    trip = Trip(tmp_path, laptops)
    village = VILLAGES[0]
    _two_cadres(trip, village)
    assert len(trip.send(DTV, XA)[1]) == 1
    assert len(trip.send(XA, DTV)[1]) == 1
    with trip.store(XA) as store:
        [c] = year_round_part.open_conflicts(store.conn)
        year_round_part.resolve(store, c.id, choice)
    expected = "Hoàng Văn Dũng" if choice == "keep_mine" else "Nông Thị Hoa"
    assert trip.send(XA, DTV)[1] == []
    assert trip.send(DTV, XA)[1] == []
    for laptop in (XA, DTV):
        with trip.store(laptop) as store:
            assert year_round_part.open_conflicts(store.conn) == []
            assert [a.cadre_name for a in year_round.assignments(store)] == [expected]


def test_a_third_laptop_passing_a_cadre_on_settles_no_conflict(tmp_path: Path) -> None:
    """The commune's laptop holds a conflict (its cadre against a surveyor's); another
    surveyor's routine package, carrying the commune's cadre as it got it, is no decision:
    the conflict stays open, nothing said as decided."""
    base = build_commune(tmp_path / "base.db", 6, VILLAGES)
    files = [Path(shutil.copy(base, tmp_path / f"{n}.db")) for n in ("xa", "b", "c")]
    trip = Trip(tmp_path, (files[0], files[1]))
    trip.files["c"] = files[2]
    village = VILLAGES[0]
    with trip.store(XA) as store:
        year_round.assign_cadre(store, "Hoàng Văn Dũng", "Trưởng thôn", village=village)
    trip.send(XA, "c")
    with trip.store(DTV) as store:
        year_round.assign_cadre(store, "Nông Thị Hoa", "", village=village)
    assert len(trip.send(DTV, XA)[1]) == 1
    written, said = trip.send("c", XA)
    with trip.store(XA) as store:
        assert len(year_round_part.open_conflicts(store.conn)) == 1
        receipt = import_package(store, trip.last)
    assert not [w for w in receipt.warnings if "quyết định ở máy kia" in w]


def test_the_same_cadre_twice_then_removed_and_given_again_is_no_conflict(
    laptops: tuple[Path, Path], tmp_path: Path
) -> None:
    """The same cadre given on both laptops, the packages crossing: the losing row's
    tombstone has one version on both. Removed later on one, a new cadre given on the other
    after seeing the removal is no conflict."""
    trip = Trip(tmp_path, laptops)
    hid = _ids(laptops[0])[0]
    for laptop in (XA, DTV):
        with trip.store(laptop) as store:
            year_round.assign_cadre(store, "Lò Văn Pản", "", household_id=hid)
    first = tmp_path / "xa-first.rasoat"
    second = tmp_path / "dtv-first.rasoat"
    from db.exchange.export import ExportScope, export_package

    with trip.store(XA) as store:
        export_package(store, first, ExportScope(kind="commune"))
    with trip.store(DTV) as store:
        export_package(store, second, ExportScope(kind="commune"))
        import_package(store, first)
    with trip.store(XA) as store:
        import_package(store, second)
    with trip.store(XA) as store:
        year_round.assign_cadre(store, "", household_id=hid)
    assert trip.send(XA, DTV)[1] == []
    with trip.store(DTV) as store:
        year_round.assign_cadre(store, "Nông Thị Hoa", "", household_id=hid)
    assert trip.send(DTV, XA) == (True, [])
    assert _cadre(trip, XA, hid) == "Nông Thị Hoa"


def test_a_cadre_the_decision_ended_and_its_laptop_removed_is_no_new_question(
    laptops: tuple[Path, Path], tmp_path: Path
) -> None:
    """Two cadres for a village, the officer keeps the commune's; the surveyor, not knowing
    yet, removes the one it had given: its next package asks nothing again."""
    trip = Trip(tmp_path, laptops)
    village = VILLAGES[0]
    _two_cadres(trip, village)
    assert len(trip.send(DTV, XA)[1]) == 1
    with trip.store(XA) as store:
        [c] = year_round_part.open_conflicts(store.conn)
        year_round_part.resolve(store, c.id, "keep_mine")
    with trip.store(DTV) as store:
        year_round.assign_cadre(store, "", village=village)
    assert trip.send(DTV, XA)[1] == []
    with trip.store(XA) as store:
        assert year_round_part.open_conflicts(store.conn) == []
        assert [a.cadre_name for a in year_round.assignments(store)] == ["Hoàng Văn Dũng"]
    assert trip.send(XA, DTV)[1] == []
    with trip.store(DTV) as store:
        assert [a.cadre_name for a in year_round.assignments(store)] == ["Hoàng Văn Dũng"]


def test_a_waiting_cadre_conflict_is_said_again_as_this_file_stands_now(
    laptops: tuple[Path, Path], tmp_path: Path
) -> None:
    trip = Trip(tmp_path, laptops)
    village = VILLAGES[0]
    _two_cadres(trip, village)
    assert len(trip.send(DTV, XA)[1]) == 1
    with trip.store(XA) as store:  # changed here while the conflict waits
        year_round.assign_cadre(store, "Vàng A Sùng", "", village=village)
        receipt = import_package(store, trip.last)
    [said] = [w for w in receipt.warnings if "cả hai máy" in w]
    assert "máy này: Vàng A Sùng" in said
    assert "Hoàng Văn Dũng" not in said


def _names(trip: Trip, laptop: str) -> list[str]:
    with trip.store(laptop) as store:
        return [a.cadre_name for a in year_round.assignments(store)]


@pytest.mark.parametrize("second", ["keep_mine", "take_theirs"])
@pytest.mark.parametrize("choice", ["keep_mine", "take_theirs"])
def test_two_cadres_decided_apart_the_opposite_ways_are_asked_again(
    laptops: tuple[Path, Path],
    tmp_path: Path,
    choice: year_round_part.Choice,
    second: year_round_part.Choice,
) -> None:
    """Two cadres for a village, the packages crossed, and each laptop's officer decided
    before seeing the other's decision, so that each kept a different cadre (each its own, or
    each the other's). The next packages must neither leave the village with nobody nor
    pick one silently: the question is asked again on both laptops, each keeping its cadre
    meanwhile, and decided once (either way) it holds on both."""
    trip = Trip(tmp_path, laptops)
    village = VILLAGES[0]
    _two_cadres(trip, village)
    assert len(trip.send(DTV, XA)[1]) == 1
    assert len(trip.send(XA, DTV)[1]) == 1
    _decide_on_both(trip, choice)
    kept = {XA: _names(trip, XA), DTV: _names(trip, DTV)}
    assert kept[XA] != kept[DTV]
    assert len(kept[XA]) == len(kept[DTV]) == 1
    assert len(trip.send(DTV, XA)[1]) == 1
    assert _names(trip, XA) == kept[XA]
    assert len(trip.send(XA, DTV)[1]) == 1
    assert _names(trip, DTV) == kept[DTV]
    assert len(trip.send(DTV, XA)[1]) == 1  # said again while it waits, not stored twice
    with trip.store(XA) as store:
        [c] = year_round_part.open_conflicts(store.conn)
        assert c.local is not None
        assert [c.local["cadre_name"]] == kept[XA]
        assert [c.incoming["cadre_name"]] == kept[DTV]
        year_round_part.resolve(store, c.id, second)
    expected = kept[XA] if second == "keep_mine" else kept[DTV]
    assert _names(trip, XA) == expected
    assert trip.send(XA, DTV)[1] == []
    assert _names(trip, DTV) == expected
    assert trip.send(DTV, XA)[1] == []
    for laptop in (XA, DTV):
        with trip.store(laptop) as store:
            assert year_round_part.open_conflicts(store.conn) == []
            assert [a.cadre_name for a in year_round.assignments(store)] == expected
            assert audit.verify(store.conn) is None


def _three(tmp_path: Path) -> Trip:
    """The commune's laptop, a surveyor's, and another surveyor's (``"c"``)."""
    base = build_commune(tmp_path / "base.db", 6, VILLAGES)
    files = [Path(shutil.copy(base, tmp_path / f"{n}.db")) for n in ("xa", "b", "c")]
    trip = Trip(tmp_path, (files[0], files[1]))
    trip.files["c"] = files[2]
    return trip


@pytest.mark.parametrize("choice", ["keep_mine", "take_theirs"])
def test_a_third_laptop_passing_a_cadre_as_first_given_settles_no_question_asked_again(
    tmp_path: Path, choice: year_round_part.Choice
) -> None:
    """Two cadres decided apart the opposite ways, the question asked again on both laptops.
    A third laptop that got the surveyor's cadre before any decision passes it on as it was
    first given: no decision over there (not "kept there", not taken back beside this
    file's cadre), the question still waits, one cadre. The import used to stop on the
    database's one-cadre-a-village rule, every time that laptop's package came."""
    trip = _three(tmp_path)
    village = VILLAGES[0]
    _two_cadres(trip, village)
    trip.send(DTV, "c")
    assert len(trip.send(DTV, XA)[1]) == 1
    assert len(trip.send(XA, DTV)[1]) == 1
    _decide_on_both(trip, choice)
    assert len(trip.send(DTV, XA)[1]) == 1
    assert len(trip.send(XA, DTV)[1]) == 1
    # The laptop whose decision ended the surveyor's cadre: the commune's when each kept
    # its own, the surveyor's when each took the other's.
    ended_it = XA if choice == "keep_mine" else DTV
    kept = _names(trip, ended_it)
    package = tmp_path / "c.rasoat"
    with trip.store("c") as store:
        export_package(store, package, ExportScope(kind="commune"))
    with trip.store(ended_it) as store:
        receipt = import_package(store, package)
        assert not [w for w in receipt.warnings if "quyết định ở máy kia" in w]
        assert len(year_round_part.open_conflicts(store.conn)) == 1
        assert audit.verify(store.conn) is None
    assert _names(trip, ended_it) == kept
    with trip.store(ended_it) as store:
        [c] = year_round_part.open_conflicts(store.conn)
        year_round_part.resolve(store, c.id, "keep_mine")
    other = DTV if ended_it == XA else XA
    assert trip.send(ended_it, other)[1] == []
    assert trip.send(other, ended_it)[1] == []
    for laptop in (XA, DTV):
        with trip.store(laptop) as store:
            assert year_round_part.open_conflicts(store.conn) == []
            assert [a.cadre_name for a in year_round.assignments(store)] == kept
            assert audit.verify(store.conn) is None


@pytest.mark.xfail(
    strict=True,
    reason="not fixed: the package looks the same when the other laptop itself took this"
    " file's ending (a hand replacement here, seen there), which does settle the question;"
    " telling the two apart needs to know who sent the package or what it had seen",
)
@pytest.mark.parametrize("choice", ["keep_mine", "take_theirs"])
def test_a_third_laptop_passing_this_files_own_ending_back_decides_nothing(
    tmp_path: Path, choice: year_round_part.Choice
) -> None:
    """Two cadres decided apart the opposite ways, the question asked again. A third laptop
    that took this file's first decision (the surveyor's cadre ended) passes that ending
    back: this file's own old answer, not the other laptop's to the new question; it was
    said on the receipt as decided over there and the question closed."""
    trip = _three(tmp_path)
    village = VILLAGES[0]
    _two_cadres(trip, village)
    trip.send(DTV, "c")
    assert len(trip.send(DTV, XA)[1]) == 1
    assert len(trip.send(XA, DTV)[1]) == 1
    _decide_on_both(trip, choice)
    ended_it = XA if choice == "keep_mine" else DTV
    trip.send(ended_it, "c")  # the third laptop takes this file's first decision
    assert _names(trip, "c") == _names(trip, ended_it)
    assert len(trip.send(DTV, XA)[1]) == 1
    assert len(trip.send(XA, DTV)[1]) == 1
    kept = _names(trip, ended_it)
    package = tmp_path / "c.rasoat"
    with trip.store("c") as store:
        export_package(store, package, ExportScope(kind="commune"))
    with trip.store(ended_it) as store:
        receipt = import_package(store, package)
        assert not [w for w in receipt.warnings if "quyết định ở máy kia" in w]
        assert len(year_round_part.open_conflicts(store.conn)) == 1
        assert audit.verify(store.conn) is None
    assert _names(trip, ended_it) == kept


@pytest.mark.parametrize("first", [XA, DTV])
def test_a_cadre_given_back_by_the_question_asked_again_survives_an_old_ending(
    tmp_path: Path, first: str
) -> None:
    """Two cadres decided apart (each laptop kept its own), the question asked again and
    answered on the commune's laptop: its cadre. The surveyor's laptop, whose first decision
    had ended that cadre, takes it back. A third laptop that took the surveyor's first
    decision still holds that ending: passed on, it is an answer already overruled, and
    must not end the cadre again (it did, on every laptop in turn: nobody, and no word)."""
    trip = _three(tmp_path)
    village = VILLAGES[0]
    _two_cadres(trip, village)
    trip.send(XA, "c")
    assert len(trip.send(DTV, XA)[1]) == 1
    assert len(trip.send(XA, DTV)[1]) == 1
    for laptop in (XA, DTV):
        with trip.store(laptop) as store:
            [c] = year_round_part.open_conflicts(store.conn)
            year_round_part.resolve(store, c.id, "keep_mine")
    trip.send(DTV, "c")  # the third laptop takes the surveyor's decision: its cadre
    assert _names(trip, "c") == ["Nông Thị Hoa"]
    assert len(trip.send(DTV, XA)[1]) == 1
    assert len(trip.send(XA, DTV)[1]) == 1
    with trip.store(XA) as store:
        [c] = year_round_part.open_conflicts(store.conn)
        year_round_part.resolve(store, c.id, "keep_mine")
    assert trip.send(XA, DTV)[1] == []
    assert _names(trip, DTV) == ["Hoàng Văn Dũng"]
    with trip.store(DTV) as store:  # settled there as what it is: the other laptop's cadre
        [(said,)] = store.conn.execute(
            "SELECT resolution FROM year_round_conflicts ORDER BY resolved_at DESC LIMIT 1"
        )
        assert said == "take_theirs"
    trip.send("c", first)
    for sender, receiver in [("c", XA if first == DTV else DTV), (XA, "c"), (DTV, XA)]:
        trip.send(sender, receiver)
    for sender, receiver in [(XA, DTV), (DTV, "c"), ("c", XA)]:
        assert trip.send(sender, receiver)[1] == []
    for laptop in (XA, DTV, "c"):
        with trip.store(laptop) as store:
            assert year_round_part.open_conflicts(store.conn) == []
            assert [a.cadre_name for a in year_round.assignments(store)] == ["Hoàng Văn Dũng"]
            assert audit.verify(store.conn) is None


@pytest.mark.parametrize("second", ["keep_mine", "take_theirs"])
@pytest.mark.parametrize("choice", ["keep_mine", "take_theirs"])
def test_removed_here_replaced_there_decided_apart_the_opposite_ways_is_asked_again(
    laptops: tuple[Path, Path],
    tmp_path: Path,
    choice: year_round_part.Choice,
    second: year_round_part.Choice,
) -> None:
    """Removed on one laptop, replaced on the other, the packages crossed, and each officer
    decided before seeing the other's decision, the opposite ways (each kept its own side,
    or each took the other's): one kept a cadre, the other nobody. The next packages left
    the household with nobody on both and said nothing, the officer who kept (or took) the
    cadre overruled without a word. Now the question is asked again on both, each keeping
    its side meanwhile; decided once (either way) it holds on both."""
    trip, hid = removed_and_replaced(laptops, tmp_path)
    assert len(trip.send(DTV, XA)[1]) == 1
    assert len(trip.send(XA, DTV)[1]) == 1
    _decide_on_both(trip, choice)
    kept = {XA: _cadre(trip, XA, hid), DTV: _cadre(trip, DTV, hid)}
    assert set(kept.values()) == {None, "Nông Thị Hoa"}
    assert len(trip.send(DTV, XA)[1]) == 1
    assert len(trip.send(XA, DTV)[1]) == 1
    assert len(trip.send(DTV, XA)[1]) == 1  # said again while it waits, not stored twice
    for laptop in (XA, DTV):
        assert _cadre(trip, laptop, hid) == kept[laptop]
    with trip.store(XA) as store:
        [c] = year_round_part.open_conflicts(store.conn)
        year_round_part.resolve(store, c.id, second)
    expected = kept[XA] if second == "keep_mine" else kept[DTV]
    assert _cadre(trip, XA, hid) == expected
    assert trip.send(XA, DTV)[1] == []
    with trip.store(DTV) as store:  # settled there as what it is
        [(said,)] = store.conn.execute(
            "SELECT resolution FROM year_round_conflicts ORDER BY resolved_at DESC LIMIT 1"
        )
        assert said == ("keep_mine" if expected == kept[DTV] else "take_theirs")
    assert trip.send(DTV, XA)[1] == []
    for laptop in (XA, DTV):
        assert _cadre(trip, laptop, hid) == expected
        with trip.store(laptop) as store:
            assert year_round_part.open_conflicts(store.conn) == []
            assert audit.verify(store.conn) is None


@pytest.mark.parametrize("xa", ["keep_mine", "take_theirs"])
def test_removed_here_replaced_there_decided_apart_the_same_way_asks_nothing(
    laptops: tuple[Path, Path], tmp_path: Path, xa: year_round_part.Choice
) -> None:
    trip, hid = removed_and_replaced(laptops, tmp_path)
    assert len(trip.send(DTV, XA)[1]) == 1
    assert len(trip.send(XA, DTV)[1]) == 1
    dtv: year_round_part.Choice = "take_theirs" if xa == "keep_mine" else "keep_mine"
    for laptop, choice in ((XA, xa), (DTV, dtv)):
        with trip.store(laptop) as store:
            [c] = year_round_part.open_conflicts(store.conn)
            year_round_part.resolve(store, c.id, choice)
    expected = _cadre(trip, XA, hid)
    assert _cadre(trip, DTV, hid) == expected
    assert trip.send(DTV, XA)[1] == []
    assert trip.send(XA, DTV)[1] == []
    for laptop in (XA, DTV):
        assert _cadre(trip, laptop, hid) == expected
        with trip.store(laptop) as store:
            assert year_round_part.open_conflicts(store.conn) == []


def _decided_apart(trip: Trip, choice: year_round_part.Choice, hid: str | None) -> None:
    """Two cadres for the first village (or household ``hid``), decided apart the
    opposite ways with ``choice`` on both laptops, and asked again on both."""
    target = {"household_id": hid} if hid else {"village": VILLAGES[0]}
    with trip.store(XA) as store:
        year_round.assign_cadre(store, "Hoàng Văn Dũng", "Trưởng thôn", **target)
    with trip.store(DTV) as store:
        year_round.assign_cadre(store, "Nông Thị Hoa", "", **target)
    assert len(trip.send(DTV, XA)[1]) == 1
    assert len(trip.send(XA, DTV)[1]) == 1
    _decide_on_both(trip, choice)
    assert len(trip.send(DTV, XA)[1]) == 1
    assert len(trip.send(XA, DTV)[1]) == 1


def _cadres_of(trip: Trip, laptop: str) -> list[str]:
    with trip.store(laptop) as store:
        assert audit.verify(store.conn) is None
        return [a.cadre_name for a in year_round.assignments(store)]


@pytest.mark.parametrize(("xa", "dtv"), [("keep_mine", "keep_mine"), ("keep_mine", "take_theirs")])
@pytest.mark.parametrize("choice", ["keep_mine", "take_theirs"])
def test_a_question_asked_again_decided_apart_again(
    laptops: tuple[Path, Path],
    tmp_path: Path,
    choice: year_round_part.Choice,
    xa: year_round_part.Choice,
    dtv: year_round_part.Choice,
) -> None:
    """The question asked again, decided on both laptops apart once more: the opposite ways
    (each keeps its own) → asked a third time, never nobody; the same way → one cadre on
    both, nothing asked."""
    trip = Trip(tmp_path, laptops)
    hid = _ids(laptops[0])[0]
    _decided_apart(trip, choice, hid)
    for laptop, second in ((XA, xa), (DTV, dtv)):
        with trip.store(laptop) as store:
            [c] = year_round_part.open_conflicts(store.conn)
            year_round_part.resolve(store, c.id, second)
    opposite = xa == dtv
    said = [trip.send(DTV, XA)[1], trip.send(XA, DTV)[1]]
    assert [len(s) for s in said] == ([1, 1] if opposite else [0, 0])
    if opposite:
        assert len(_cadres_of(trip, XA)) == len(_cadres_of(trip, DTV)) == 1
        with trip.store(DTV) as store:
            [c] = year_round_part.open_conflicts(store.conn)
            year_round_part.resolve(store, c.id, "keep_mine")
        assert trip.send(DTV, XA)[1] == []
        assert trip.send(XA, DTV)[1] == []
    assert _cadres_of(trip, XA) == _cadres_of(trip, DTV)
    assert len(_cadres_of(trip, XA)) == 1
    for laptop in (XA, DTV):
        with trip.store(laptop) as store:
            assert year_round_part.open_conflicts(store.conn) == []


@pytest.mark.parametrize("by", [XA, DTV])
@pytest.mark.parametrize("choice", ["keep_mine", "take_theirs"])
def test_a_cadre_given_by_hand_while_the_question_asked_again_waits_stands(
    laptops: tuple[Path, Path], tmp_path: Path, choice: year_round_part.Choice, by: str
) -> None:
    """While the question asked again waits, an officer gives the village a third cadre by
    hand: seen everywhere, it is the cadre on both laptops, no question left."""
    trip = Trip(tmp_path, laptops)
    _decided_apart(trip, choice, None)
    with trip.store(by) as store:
        year_round.assign_cadre(store, "Vàng A Sùng", "", village=VILLAGES[0])
    other = DTV if by == XA else XA
    for sender, receiver in ((by, other), (other, by), (by, other)):
        trip.send(sender, receiver)
    for laptop in (XA, DTV):
        assert _cadres_of(trip, laptop) == ["Vàng A Sùng"]
        with trip.store(laptop) as store:
            assert year_round_part.open_conflicts(store.conn) == []


@pytest.mark.parametrize("by", ["nobody", "cadre"])
@pytest.mark.parametrize("choice", ["keep_mine", "take_theirs"])
def test_a_cadre_given_by_hand_while_a_removal_asked_again_waits(
    laptops: tuple[Path, Path], tmp_path: Path, choice: year_round_part.Choice, by: str
) -> None:
    """Removed here, replaced there, decided apart the opposite ways, asked again; then one
    laptop gives the household a third cadre by hand. Given where there was nobody, it is a
    cadre beside the other laptop's (held, not ended): a question there, not two cadres at
    once (the import stopped on the one-cadre rule). Given in place of the cadre kept, that
    cadre is gone: the question about keeping it is closed, not asked forever."""
    trip, hid = removed_and_replaced(laptops, tmp_path)
    assert len(trip.send(DTV, XA)[1]) == 1
    assert len(trip.send(XA, DTV)[1]) == 1
    _decide_on_both(trip, choice)
    assert len(trip.send(DTV, XA)[1]) == 1
    assert len(trip.send(XA, DTV)[1]) == 1
    nobody = XA if _cadre(trip, XA, hid) is None else DTV
    cadre = DTV if nobody == XA else XA
    hand = nobody if by == "nobody" else cadre
    other = cadre if hand == nobody else nobody
    with trip.store(hand) as store:
        year_round.assign_cadre(store, "Vàng A Sùng", "", household_id=hid)
    trip.send(hand, other)
    trip.send(other, hand)
    if by == "nobody":  # asked: the hand's cadre against the other laptop's
        with trip.store(other) as store:
            assert _cadre(trip, other, hid) == "Nông Thị Hoa"
            for c in year_round_part.open_conflicts(store.conn):
                year_round_part.resolve(store, c.id, "take_theirs")
        trip.send(other, hand)
        trip.send(hand, other)
    for laptop in (XA, DTV):
        assert _cadre(trip, laptop, hid) == "Vàng A Sùng"
        with trip.store(laptop) as store:
            assert year_round_part.open_conflicts(store.conn) == []
            assert audit.verify(store.conn) is None


@pytest.mark.parametrize("again", ["keep_mine", "take_theirs"])
@pytest.mark.parametrize("choice", ["keep_mine", "take_theirs"])
def test_a_removal_asked_again_decided_apart_again_is_asked_once_more(
    laptops: tuple[Path, Path],
    tmp_path: Path,
    choice: year_round_part.Choice,
    again: year_round_part.Choice,
) -> None:
    """Removed here, replaced there, decided apart the opposite ways, asked again, and
    decided apart the opposite ways once more: the cadre given again on one laptop is not
    taken silently by the other that kept the removal (it was), but asked once more."""
    trip, hid = removed_and_replaced(laptops, tmp_path)
    assert len(trip.send(DTV, XA)[1]) == 1
    assert len(trip.send(XA, DTV)[1]) == 1
    for decision in (choice, again):
        for laptop in (XA, DTV):
            with trip.store(laptop) as store:
                [c] = year_round_part.open_conflicts(store.conn)
                year_round_part.resolve(store, c.id, decision)
        kept = {XA: _cadre(trip, XA, hid), DTV: _cadre(trip, DTV, hid)}
        assert set(kept.values()) == {None, "Nông Thị Hoa"}
        assert len(trip.send(DTV, XA)[1]) == 1
        assert len(trip.send(XA, DTV)[1]) == 1
        assert {XA: _cadre(trip, XA, hid), DTV: _cadre(trip, DTV, hid)} == kept
    with trip.store(DTV) as store:
        [c] = year_round_part.open_conflicts(store.conn)
        year_round_part.resolve(store, c.id, "keep_mine")
    assert trip.send(DTV, XA)[1] == []
    assert trip.send(XA, DTV)[1] == []
    for laptop in (XA, DTV):
        assert _cadre(trip, laptop, hid) == kept[DTV]
        with trip.store(laptop) as store:
            assert year_round_part.open_conflicts(store.conn) == []
            assert audit.verify(store.conn) is None


@pytest.mark.parametrize(
    ("choice", "second"),
    [
        ("keep_mine", "take_theirs"),
        pytest.param(
            "take_theirs",
            "keep_mine",
            marks=pytest.mark.xfail(
                strict=True,
                reason="not fixed: the answer (the cadre given again on the commune's laptop)"
                " imported before the question reads, on the surveyor's laptop that never"
                " stored the question, as its removal against a new replacement: asked once"
                " more there, though answered",
            ),
        ),
    ],
)
def test_a_removal_asked_again_answered_then_the_older_package_imported_asks_nothing(
    laptops: tuple[Path, Path],
    tmp_path: Path,
    choice: year_round_part.Choice,
    second: year_round_part.Choice,
) -> None:
    """Removed here, replaced there, decided apart, asked again on the commune's laptop and
    answered there. The surveyor's laptop imports the answer, then an older package of the
    commune's (made before the answer): its old ending of the cadre is that first decision's,
    judged, not a removal against the cadre given since."""
    trip, hid = removed_and_replaced(laptops, tmp_path)
    assert len(trip.send(DTV, XA)[1]) == 1
    assert len(trip.send(XA, DTV)[1]) == 1
    _decide_on_both(trip, choice)
    assert len(trip.send(DTV, XA)[1]) == 1
    older, newer = tmp_path / "older.rasoat", tmp_path / "newer.rasoat"
    with trip.store(XA) as store:
        export_package(store, older, ExportScope(kind="commune"))
        [c] = year_round_part.open_conflicts(store.conn)
        year_round_part.resolve(store, c.id, second)
        export_package(store, newer, ExportScope(kind="commune"))
    expected = _cadre(trip, XA, hid)
    with trip.store(DTV) as store:
        for package in (newer, older):
            receipt = import_package(store, package)
            assert [w for w in receipt.warnings if "cả hai máy" in w] == []
        assert year_round_part.open_conflicts(store.conn) == []
    assert trip.send(DTV, XA)[1] == []
    assert trip.send(XA, DTV)[1] == []
    for laptop in (XA, DTV):
        assert _cadre(trip, laptop, hid) == expected
        with trip.store(laptop) as store:
            assert year_round_part.open_conflicts(store.conn) == []
