"""The quick paths of ``forms.validate`` (ids by pattern, a result's texts checked at once)
say exactly what the careful ones say: every value the careful path refuses is refused with
the same message, every value it takes is taken."""

from __future__ import annotations

import copy
import random
import uuid
from datetime import date
from typing import Any

from forms.classify import classify, result_from_dict, result_to_dict
from forms.demo import generate_households
from forms.model import Household, Member
from forms.standards import standard_for_year
from forms.validate import (
    _household_fine,
    _household_problems,
    _result_problem,
    check_household,
    is_uuid,
    result_problem,
    result_readable,
)


def _uuid_by_module(value: object) -> bool:
    if not isinstance(value, str) or len(value) != 36:
        return False
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


def test_is_uuid_takes_what_the_uuid_module_takes() -> None:
    good = "0b6c3f1e-7a7c-4c55-9d4e-1f2a3b4c5d6e"
    odd = [
        good, good.upper(), good[:-1], good[:-1] + "g", good[:-1] + "\n", good[:-1] + "\u0660",
        "{" + good.replace("-", "")[:34] + "}", "urn:uuid:" + good.replace("-", "")[:27],
        good.replace("-", "_"), " " + good[1:], good.replace("-", ""), "+" + good[1:],
        good[:8] + "_" + good[9:], None, 1, b"x" * 36, "x" * 900_000, "",
    ]  # fmt: skip
    for value in odd:
        assert is_uuid(value) == _uuid_by_module(value), value


VALUES: list[Any] = [
    None, 1, -1, 1.5, True, "", "x", "a\nb", "a\tb", "\x00", "\x85", "\u200b", "\ud800",
    "x" * 4001, "y" * 2000, [], ["x"], [1], {}, {"a": 1}, str(uuid.uuid4()),
    str(uuid.uuid4()).upper(), 10**11, 1000, 1001, "2026-01-01", "2026-01-0", ["\u200b"],
    [str(uuid.uuid4())], [str(uuid.uuid4()) + "x"],
    [str(uuid.uuid4())[:35], "a" + str(uuid.uuid4())],
]  # fmt: skip
KEYS = [
    "income_basis", "standard_id", "standard_version", "engine_version", "b1_score", "income",
    "review_year", "income_line", "b1_threshold", "deprivation_count", "reasons", "warnings",
    "indicators", "reference_date",
]  # fmt: skip
INDICATOR_KEYS = ["id", "name", "dimension", "status", "reason", "member_ids", "unconfirmed"]


def test_a_result_is_judged_as_the_careful_check_judges_it() -> None:
    year = 2026
    standard = standard_for_year(year)
    results = [result_to_dict(classify(h, standard, year)) for h in generate_households(40, seed=3)]
    rng = random.Random(21)
    for r in results:
        assert result_problem(r) is None is _result_problem(r)
    for _ in range(4000):
        d = _broken(copy.deepcopy(rng.choice(results)), rng, KEYS, VALUES)
        assert result_problem(d) == _result_problem(d), d


def _broken(
    d: dict[str, Any], rng: random.Random, keys: list[str], values: list[Any], drop: bool = False
) -> dict[str, Any]:
    """``d`` with one or two of its fields or its indicators' set to ``values`` (or, with
    ``drop``, now and then left out)."""
    for _ in range(rng.randint(1, 2)):
        indicators = d.get("indicators")
        if rng.random() < 0.5 and isinstance(indicators, list) and indicators:
            o = rng.choice(indicators)
            if not isinstance(o, dict):
                indicators[0] = rng.choice(values)
            elif drop and rng.random() < 0.2:
                o.pop(rng.choice(INDICATOR_KEYS), None)
            else:
                o[rng.choice(INDICATOR_KEYS)] = rng.choice(values)
        elif drop and rng.random() < 0.1:
            d.pop(rng.choice(keys), None)
        else:
            d[rng.choice(keys)] = rng.choice(values)
    return d


def _careful_reads(d: dict[str, Any]) -> bool:
    """What a package's reader took before ``result_readable``: the careful check, then the
    Result built from the document."""
    if _result_problem(d) is not None:
        return False
    try:
        result_from_dict(d)
    except Exception:  # whatever the bad value provokes, as the reader caught it
        return False
    return True


READ_KEYS = [*KEYS, "category", "standard_id"]
READ_VALUES: list[Any] = [
    *VALUES, "poor", "POOR", "deprived", "2026-02-30", "2026-W01-1", "2026-1-011", 0.0,
]  # fmt: skip


def test_a_readable_result_is_one_result_from_dict_reads() -> None:
    """``result_readable`` takes only what the careful check and ``result_from_dict`` both
    take (and every result ``classify`` makes); what it does not take, they decide."""
    results = []
    for year in (2025, 2026, 2027):
        standard = standard_for_year(year)
        results += [
            result_to_dict(classify(h, standard, year)) for h in generate_households(20, seed=year)
        ]
    assert all(map(result_readable, results))
    rng = random.Random(22)
    taken = refused = 0
    for _ in range(6000):
        d = _broken(copy.deepcopy(rng.choice(results)), rng, READ_KEYS, READ_VALUES, drop=True)
        careful = _careful_reads(d)
        if result_readable(d):
            assert careful, d
            taken += 1
        else:
            refused += not careful
        assert result_problem(d) == _result_problem(d), d
    # Both sides of the check were reached.
    assert taken > 500
    assert refused > 2000


HOUSEHOLD_VALUES: list[Any] = [
    *VALUES, 2.5, float("nan"), float("inf"), -0.0, 10**10, 10**10 + 1, 1_000_000.5,
    "a" * 201, "a" * 501, "b\nc", "d\te", "\x1c", " x", "x ", "x\ry", "٠١٢٣٤٥٦٧٨٩٠١",
    "012345678901", "012345678", "0123456789", date(1879, 12, 31), date(1880, 1, 1),
    date(2030, 1, 1), 1879, 1880, 2030, ("causes",), {"q": "\x00"}, {"\x00": True},
    {str(i): "x" for i in range(301)}, ["x"] * 101, {"k": None},
]  # fmt: skip
HOUSEHOLD_FIELDS = [
    "code", "id", "village", "address", "note", "income_per_capita", "floor_area_m2", "b1_total",
    "income_sources", "causes", "needs", "screening", "b1_answers", "members",
]  # fmt: skip
MEMBER_FIELDS = ["id", "name", "ethnicity", "note", "id_number", "birth_year", "birth_date"]


def _verdict(check: Any, h: Household, today: date) -> Any:
    try:
        return [p.message for p in check(h, today)]
    except Exception as exc:  # the careful path's own failure on a value of no known type
        return type(exc)


def test_a_household_is_judged_as_the_careful_check_judges_it() -> None:
    """``check_household``'s quick path finds nothing only where the careful one finds
    nothing; otherwise the careful one answers (the same problems, words and order)."""
    today = date(2026, 6, 1)
    households = list(generate_households(30, seed=4))
    for h in households:
        assert _household_fine(h, today)
    rng = random.Random(23)
    fine = 0
    for _ in range(5000):
        h = copy.deepcopy(rng.choice(households))
        for _ in range(rng.randint(1, 2)):
            roster = h.members if isinstance(h.members, list) else []
            if roster and all(isinstance(m, Member) for m in roster) and rng.random() < 0.5:
                m = rng.choice(h.members)
                field = rng.choice(MEMBER_FIELDS)
                if field == "id" and rng.random() < 0.3 and len(h.members) > 1:
                    m.id = h.members[0].id if m is not h.members[0] else h.members[1].id
                else:
                    setattr(m, field, rng.choice(HOUSEHOLD_VALUES))
            else:
                setattr(h, rng.choice(HOUSEHOLD_FIELDS), rng.choice(HOUSEHOLD_VALUES))
        careful = _verdict(_household_problems, h, today)
        if _household_fine(h, today):
            assert careful == [], (h, careful)
            fine += 1
        assert _verdict(check_household, h, today) == careful
    assert fine > 300  # the quick path was taken for more than the untouched


def test_member_ids_known_as_uuids_are_judged_as_the_pattern_judges_them() -> None:
    """``result_readable`` given ids known to be canonical UUIDs (a package's reader gives
    its household's members') takes and leaves exactly what it does without them, whatever
    the indicators name: those ids, other UUIDs, near-UUIDs, values of other types."""
    standard = standard_for_year(2026)
    cases = [
        (result_to_dict(classify(h, standard, 2026)), {m.id for m in h.members})
        for h in generate_households(20, seed=7)
    ]
    other = str(uuid.uuid4())
    odd: list[Any] = [
        other, other.upper(), other[:-1], other[:-1] + "g", other + "\n", "{" + other + "}",
        other.replace("-", ""), other[:-1] + "\u0660", "", "x" * 36, 5, None, ["a"], {"a": 1},
        True, 36.0,
    ]  # fmt: skip
    rng = random.Random(24)
    taken = named = 0
    for _ in range(4000):
        d, ids = rng.choice(cases)
        d = copy.deepcopy(d)
        for o in d["indicators"]:
            roll = rng.random()
            if roll < 0.15:
                o["member_ids"] = [rng.choice(odd), *o["member_ids"]]
            elif roll < 0.3:
                o["member_ids"] = sorted(ids)[: rng.randint(0, len(ids))]
            elif roll < 0.33:
                o["member_ids"] = rng.choice(odd)
        known = set(ids) if rng.random() < 0.8 else ids | {other}
        assert result_readable(d, known) == result_readable(d), d
        assert result_readable(d, frozenset(known)) == result_readable(d), d
        taken += result_readable(d)
        named += any(o["member_ids"] for o in d["indicators"] if isinstance(o, dict))
    assert taken > 300
    assert named > 2000
