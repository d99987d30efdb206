"""What classification computes once per household (the members' ages, shared by every rule;
the texts and outcomes shared under a standard) never outlives an edit: the same household
object, edited between two classifications, is classified as a fresh copy of it is.
It guards the speed work on the engine (issue 22) against a stale memo."""

from __future__ import annotations

import copy
import random
from datetime import date

import pytest

from forms.classify import classify, result_to_dict
from forms.demo import generate_households
from forms.indicators import Context, IndicatorOutcome
from forms.model import Employment, Household, Member, Sex, ages_on, roster_on
from forms.standards import load_standard

STANDARDS = [("nd07-2022-2025", 2025), ("nd351-2026-2030", 2027)]


def _edit(h: Household, rng: random.Random) -> None:
    """One answer a surveyor might change, of a member or of the household."""
    if not h.members:
        h.members.append(Member(name="Lò Văn Mới", birth_year=1990, employment=None))
        return
    m = rng.choice(h.members)
    what = rng.randrange(6)
    if what == 0:
        m.employment = rng.choice([*Employment, None])
    elif what == 1:
        m.birth_year, m.birth_date = rng.choice([None, 1950, 1966, 2012, 2024]), None
    elif what == 2:
        m.health_insurance = rng.choice([True, False, None])
    elif what == 3:
        m.sex = rng.choice([Sex.MALE, Sex.FEMALE, None])
    elif what == 4:
        h.members.remove(m)
    else:
        m.name = m.name + " Mới"


@pytest.mark.parametrize(("standard_id", "year"), STANDARDS)
def test_an_edited_household_is_classified_afresh(standard_id: str, year: int) -> None:
    std = load_standard(standard_id)
    rng = random.Random(22)
    changed = 0
    for h in generate_households(300, seed=31):
        before = result_to_dict(classify(h, std, year))
        for _ in range(3):
            _edit(h, rng)
        after = result_to_dict(classify(h, std, year))
        assert after == result_to_dict(classify(copy.deepcopy(h), std, year))
        changed += after != before
    assert changed > 100  # the edits reached the results, so the comparison means something


def test_a_member_edited_between_two_classifications() -> None:
    std = load_standard("nd351-2026-2030")
    worker = Member(name="Giàng A Páo", birth_year=1990, sex=Sex.MALE)
    worker.employment = Employment.SELF_EMPLOYED
    h = Household(members=[worker])

    def employment() -> tuple[str, str]:
        o = next(o for o in classify(h, std, 2027).indicators if o.id == "employment")
        return o.status.value, o.reason

    assert employment()[0] == "not_deprived"
    worker.employment = Employment.UNEMPLOYED
    assert employment() == ("deprived", "Không có việc làm: Giàng A Páo (37 tuổi)")
    worker.birth_year = 1950  # past the retirement age: no longer of working age
    assert employment()[0] == "not_deprived"
    worker.birth_year = None  # the age unknown: working age or not cannot be told
    assert employment()[0] == "unknown"
    worker.employment = Employment.RETIRED  # an answer that deprives no one at any age
    assert employment()[0] == "not_deprived"


def test_one_definition_of_age() -> None:
    ref = date(2027, 6, 30)
    members = [m for h in generate_households(50, seed=5) for m in h.members]
    members.append(Member(birth_date=date(2000, 7, 1)))  # birthday not yet reached
    members.append(Member())
    roster = roster_on(members, ref)
    assert [i for i, _, _ in roster] == list(range(len(members)))
    assert all(m is members[i] for i, m, _ in roster)
    ages = ages_on(members, ref)
    assert ages == [age for _, _, age in roster] == [m.age_on(ref) for m in members]
    assert ages[-2:] == [26, None]
    h = Household(members=members)
    assert Context.of(h, ref).ages == ages


def test_outcomes_are_whole() -> None:
    """evaluate_plans sets an outcome's fields itself rather than through IndicatorOutcome's
    __init__: every field is set, and the outcome equals one made through __init__."""
    std = load_standard("nd351-2026-2030")
    for h in generate_households(200, seed=9):
        for o in classify(h, std, 2027).indicators:
            remade = IndicatorOutcome(
                o.id, o.name, o.dimension, o.status, o.reason, o.member_ids, o.unconfirmed
            )
            assert o == remade
            assert repr(o) == repr(remade)
            assert {s: getattr(o, s) for s in o.__slots__} == {
                s: getattr(remade, s) for s in remade.__slots__
            }
