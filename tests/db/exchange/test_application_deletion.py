"""An application deleted on one laptop and changed on the other follows the households' rule
(issue 20 follow-up): a deletion that saw the other side's version is taken, one that did not
is a stored conflict — whichever side deleted — never a silent loss of the other side's edit;
decided either way, the decision travels back without a conflict of its own."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from db import audit, year_round
from db.exchange import year_round_part
from db.store import Store, now_utc
from tests.db.exchange.test_year_round_conflicts import DTV, XA, Trip, _ids
from tests.reports.conftest import VILLAGES, build_commune


@pytest.fixture
def laptops(tmp_path: Path) -> tuple[Path, Path]:
    base = build_commune(tmp_path / "xa.db", 6, VILLAGES)
    return shutil.copy(base, tmp_path / "xa-laptop.db"), shutil.copy(base, tmp_path / "dtv.db")


def _delete(store: Store, app_id: str) -> None:
    """An application's tombstone as a laptop writes one (a new version: ``updated_at`` and
    ``updated_device``). No screen deletes an application yet (withdrawing is a status); a
    package from a tool or a later version may carry a tombstone, which is what this is."""
    with store.transaction():
        store.conn.execute(
            "UPDATE applications SET deleted = 1, updated_at = ?, updated_device = ? WHERE id = ?",
            (now_utc(), store.device, app_id),
        )


def _state(trip: Trip, laptop: str, app_id: str) -> tuple[int, str]:
    with trip.store(laptop) as store:
        row = store.conn.execute(
            "SELECT deleted, status FROM applications WHERE id = ?", (app_id,)
        ).fetchone()
        return int(row[0]), str(row[1])


def _sent(tmp_path: Path, files: tuple[Path, Path]) -> tuple[Trip, str]:
    trip = Trip(tmp_path, files)
    hid = _ids(files[0])[1]
    with trip.store(XA) as store:
        app = year_round.add_application(store, hid, "escape", date(2026, 4, 1), "Chủ hộ")
    trip.send(XA, DTV)
    return trip, app.id


def test_a_deletion_that_saw_the_last_version_is_taken(
    laptops: tuple[Path, Path], tmp_path: Path
) -> None:
    trip, app_id = _sent(tmp_path, laptops)
    with trip.store(DTV) as store:
        _delete(store, app_id)
    assert trip.send(DTV, XA) == (True, [])
    assert _state(trip, XA, app_id)[0] == 1
    assert trip.send(XA, DTV) == (False, [])


@pytest.mark.parametrize("deleted_on", [DTV, XA])
@pytest.mark.parametrize("choice", ["keep_mine", "take_theirs"])
def test_deleted_on_one_laptop_changed_on_the_other_is_a_stored_conflict(
    laptops: tuple[Path, Path],
    tmp_path: Path,
    deleted_on: str,
    choice: year_round_part.Choice,
) -> None:
    trip, app_id = _sent(tmp_path, laptops)
    edited_on = XA if deleted_on == DTV else DTV
    with trip.store(deleted_on) as store:
        _delete(store, app_id)
    with trip.store(edited_on) as store:
        year_round.withdraw_application(store, app_id)
    # The commune's laptop (XA) imports the surveyor's package, whichever side deleted.
    before = _state(trip, XA, app_id)
    written, conflicts = trip.send(DTV, XA)
    assert written
    assert len(conflicts) == 1
    assert "đã xoá" in conflicts[0]
    assert _state(trip, XA, app_id) == before  # this file's side kept until the decision
    with trip.store(XA) as store:
        [c] = year_round_part.open_conflicts(store.conn)
        year_round_part.resolve(store, c.id, choice)
        assert audit.verify(store.conn) is None
    deleted_here = deleted_on == XA
    expected_deleted = deleted_here if choice == "keep_mine" else not deleted_here
    # The side that stands, whole: the deletion (of the application as it was sent), or the
    # withdrawal made on the other laptop.
    expected = (int(expected_deleted), "open" if expected_deleted else "withdrawn")
    assert _state(trip, XA, app_id) == expected
    # The decision travels to the surveyor's laptop without a conflict; nothing comes back.
    assert trip.send(XA, DTV) == (True, [])
    assert _state(trip, DTV, app_id) == expected
    assert trip.send(DTV, XA) == (False, [])
    for laptop in (XA, DTV):
        with trip.store(laptop) as store:
            assert year_round_part.open_conflicts(store.conn) == []


def test_deleted_on_both_is_no_conflict(laptops: tuple[Path, Path], tmp_path: Path) -> None:
    trip, app_id = _sent(tmp_path, laptops)
    with trip.store(DTV) as store:
        year_round.withdraw_application(store, app_id)
        _delete(store, app_id)
    with trip.store(XA) as store:
        _delete(store, app_id)
    assert trip.send(DTV, XA) == (True, [])
    assert trip.send(XA, DTV) == (True, [])
    assert trip.send(DTV, XA) == (False, [])
    assert _state(trip, XA, app_id)[0] == _state(trip, DTV, app_id)[0] == 1
