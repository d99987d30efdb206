"""The demo commune file that `make run`, the screenshots and the reports start from."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from db.demo import CURRENT_YEAR, PREVIOUS_YEAR, create_demo_commune
from db.errors import AlreadyExists
from db.store import HouseholdQuery, Store
from forms.demo import DEMO_VILLAGES
from forms.model import Category, Transition


def test_demo_commune(tmp_path: Path) -> None:
    path = create_demo_commune(tmp_path / "mau.sqlite", households=120, seed=2)
    with Store.open(path, user="a", device="b") as store:
        assert store.commune().commune_name == "Xã Bảo Yên"
        assert store.commune().province_name == "Lào Cai"
        assert [v.name for v in store.villages()] == DEMO_VILLAGES
        # The demo's March regular round (issue 24) sits between the two periodic rounds.
        before, march, current = store.rounds()
        assert (before.year, current.year) == (PREVIOUS_YEAR, CURRENT_YEAR)
        assert (march.kind, march.year, current.kind) == ("adhoc", CURRENT_YEAR, "periodic")
        assert store.current_round() == current
        assert store.count_households(HouseholdQuery()) == 120
        counts = store.category_counts(HouseholdQuery())
        assert sum(counts.values()) == 120
        assert counts[Category.POOR] > 0
        assert counts[Category.NEAR_POOR] > 0
        results = list(store.results_for_round(current.id))
        assert len(results) == 120
        assert all(r.standard_id == "nd07-2022-2025" for _, r in results)
        transitions = {r.transition for r in store.list_households(HouseholdQuery(limit=200))}
        assert Transition.STAYED_POOR in transitions
        assert None not in transitions
        assert store.decision(before.id) is not None
        assert len(store.postings(before.id)) == len(DEMO_VILLAGES)
        assert store.meeting_votes(current.id)
        assert store.integrity_problems() == []
        from db import year_round

        apps = year_round.applications(store)
        assert len(apps) == 3
        assert [a.status.value for a in apps] == ["decided", "open", "open"]
        assert year_round.round_household_ids(store, march.id) == [apps[0].household_id]
        period = year_round.support_period(store, date(CURRENT_YEAR, 10, 1))
        assert year_round.needs_without_support(store, period)
        assert year_round.support_by_kind_and_village(store, period)
        assert len(year_round.cadres(store)) >= 2


@pytest.mark.parametrize(("households", "seed"), [(300, 1), (120, 2)])
def test_the_demo_meeting_votes_a_few_households_down(
    tmp_path: Path, households: int, seed: int
) -> None:
    def meeting(name: str) -> dict[str, tuple[int, int, str]]:
        path = create_demo_commune(tmp_path / name, households=households, seed=seed)
        with Store.open(path, user="a", device="b") as store:
            current = store.current_round()
            assert current is not None
            votes = store.meeting_votes(current.id)
        return {v.household_id: (v.agree, v.attendees, v.note) for v in votes}

    votes = meeting("mau.sqlite")
    down = [(a, t, note) for a, t, note in votes.values() if a * 2 < t]
    # Under half agreeing: the red "re-survey" case of the meeting screen, with its reason.
    assert 1 <= len(down) <= max(1, len(votes) // 25)
    assert all(note for _, _, note in down)
    assert meeting("lai.sqlite") == votes  # the same seed, the same meeting


def test_demo_commune_does_not_overwrite(tmp_path: Path) -> None:
    path = create_demo_commune(tmp_path / "mau.sqlite", households=3)
    with pytest.raises(AlreadyExists):
        create_demo_commune(path, households=3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mau.sqlite", "mau.sqlite.backups"]


def test_a_demo_stopped_part_way_leaves_no_file_to_open(tmp_path: Path) -> None:
    """`make run`'s first start makes the demo commune: stopped part-way (the window closed,
    the command killed), it left a file holding part of the demo, which every later start
    opened as the demo for good. Nothing is at the path until the demo is whole; a later run
    makes it, and removes what a run stopped long ago left."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from db.demo import MAKING_PREFIX, STALE_AFTER_S

    path = tmp_path / "mau.sqlite"
    child = subprocess.Popen(
        [sys.executable, "-m", "rasoat", "demo", "--households", "20000", "--out", str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not any(p.suffix == ".sqlite" for p in tmp_path.glob(f"{MAKING_PREFIX}*/*")):
            assert time.monotonic() < deadline, "the demo never started"
            assert child.poll() is None, "the demo ended before it could be stopped"
            time.sleep(0.05)
        time.sleep(0.3)  # well into filling it
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert not path.exists()
    [left] = tmp_path.glob(f"{MAKING_PREFIX}*")
    old = time.time() - STALE_AFTER_S - 60
    os.utime(left, (old, old))

    create_demo_commune(path, households=5)
    with Store.open(path, user="a", device="b") as store:
        assert store.count_households(HouseholdQuery()) == 5
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mau.sqlite", "mau.sqlite.backups"]
    assert list((tmp_path / "mau.sqlite.backups").iterdir())
