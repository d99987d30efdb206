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
