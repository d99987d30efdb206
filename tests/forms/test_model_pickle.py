"""Households and members pickled as their fields' values (a package read ahead crosses to
the writing process pickled: ``db.exchange.merge_ahead``): the same objects back, whatever
they hold, and copies as before."""

from __future__ import annotations

import copy
import pickle
from datetime import date
from multiprocessing.reduction import ForkingPickler

import pytest

from forms import model
from forms.demo import generate_households
from forms.model import Education, Household, Member, Relationship, Sex


def _households() -> list[Household]:
    out = list(generate_households(40, seed=11))
    out.append(Household())
    out.append(
        Household(
            code="HỘ 01",
            members=[
                Member(
                    name="Nguyễn Thị Ánh",
                    relationship=Relationship.HEAD,
                    sex=Sex.FEMALE,
                    birth_date=date(1970, 2, 3),
                    education=Education.COLLEGE,
                    note="dòng 1\ndòng 2",
                )
            ],
            screening={"a1": True, "a2": None},
            b1_answers={"x": "y"},
            floor_area_m2=12.5,
            income_per_capita=1_500_000,
        )
    )
    return out


@pytest.mark.parametrize("protocol", range(2, pickle.HIGHEST_PROTOCOL + 1))
def test_households_come_back_equal_field_for_field(protocol: int) -> None:
    households = _households()
    back = pickle.loads(pickle.dumps(households, protocol))
    assert back == households
    for h, b in zip(households, back, strict=True):
        assert type(b) is Household
        assert list(vars(b)) == list(vars(h))  # the same fields, in the same order
        assert all(type(m) is Member for m in b.members)
        for m, n in zip(h.members, b.members, strict=True):
            assert n.relationship is m.relationship
            assert n.sex is m.sex


def test_a_package_s_households_cross_as_merge_ahead_sends_them() -> None:
    households = _households()
    data = bytes(ForkingPickler.dumps(households))
    assert pickle.loads(data) == households
    # Values without their keys: smaller than the instances' dicts.
    default = len(pickle.dumps([{**vars(h), "members": [vars(m) for m in h.members]}
                                for h in households]))  # fmt: skip
    assert len(data) < default


def test_anything_else_an_instance_holds_pickles_as_before() -> None:
    h = _households()[0]
    h.extra = "kept"  # type: ignore[attr-defined]
    m = h.members[0]
    del m.note  # a field missing: the default pickling, which keeps it missing
    back = pickle.loads(pickle.dumps(h))
    assert back.extra == "kept"  # type: ignore[attr-defined]
    assert "note" not in vars(back.members[0])
    assert vars(back.members[0]) == vars(m)


def test_copies_are_as_before() -> None:
    h = _households()[0]
    shallow = copy.copy(h)
    assert shallow == h
    assert shallow is not h
    assert shallow.members is h.members
    deep = copy.deepcopy(h)
    assert deep == h
    assert deep.members is not h.members
    assert deep.members[0] == h.members[0]
    assert deep.members[0] is not h.members[0]


def test_values_of_another_shape_are_refused() -> None:
    with pytest.raises(ValueError, match="zip"):
        model._from_values(Member, ("only a name",))
