"""Any value in any field of a household, and any bytes as a household JSON file: decoded and
validated, or refused with a short Vietnamese message (``CodecError``, ``HouseholdJsonError``,
``forms.validate.Problem``); never another exception. What passes validation round-trips
through JSON (UTF-8) unchanged. Derandomized: CI runs the same examples every time."""

from __future__ import annotations

import json
import random
from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bench.fuzz import mutate_bytes, mutate_json
from forms.codec import CodecError, household_from_dict, to_dict
from forms.demo import generate_households
from forms.household_json import HouseholdJsonError, dump_document, load_document, parse_bounded
from forms.model import Household, Member
from forms.validate import check_household

TODAY = date(2026, 3, 1)
FIXED = {"derandomize": True, "deadline": None, "database": None}
SAMPLES = list(generate_households(3, seed=11))
HOUSEHOLD_FIELDS = sorted(to_dict(Household()))
MEMBER_FIELDS = sorted(to_dict(Member()))

json_value = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40)
    | st.sampled_from(["", "0" * 12, "2026-02-30", "2999-01-01", "x" * 5000, "\x00", "\ud800"]),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=8,
)


def attempt(fn: Any, *args: Any, errors: type[Exception]) -> tuple[Any, str | None]:
    """``fn(*args)`` and None, or None and the message of an expected refusal."""
    try:
        return fn(*args), None
    except errors as exc:
        return None, str(exc)


def assert_short_vietnamese(message: str) -> None:
    assert any(ord(ch) > 127 for ch in message), message[:300]
    assert len(message) < 2000, message[:300]


def judge(data: Any) -> Household | None:
    """The household when it may be stored; asserts every refusal is a short Vietnamese text."""
    household, refused = attempt(household_from_dict, data, errors=CodecError)
    if refused is not None:
        assert_short_vietnamese(refused)
        return None
    problems = check_household(household, TODAY)
    for p in problems:
        assert p.message.startswith("Hộ "), p.message[:300]
        assert len(p.message) < 600, p.message[:300]
    if problems:
        return None
    # Storable: JSON as UTF-8 (what storage, packages and files hold) and back, unchanged.
    text = json.dumps(to_dict(household), ensure_ascii=False).encode("utf-8")
    assert household_from_dict(json.loads(text)) == household
    return household


@settings(max_examples=300, **FIXED)
@given(
    which=st.integers(0, len(SAMPLES) - 1),
    changes=st.lists(st.tuples(st.sampled_from(HOUSEHOLD_FIELDS), json_value), max_size=3),
    member_changes=st.lists(st.tuples(st.sampled_from(MEMBER_FIELDS), json_value), max_size=3),
)
def test_any_value_in_any_field_is_taken_or_refused_in_vietnamese(
    which: int, changes: list[tuple[str, Any]], member_changes: list[tuple[str, Any]]
) -> None:
    data = to_dict(SAMPLES[which])
    for name, value in changes:
        data[name] = value
    if isinstance(data.get("members"), list) and data["members"]:
        member = data["members"][0]
        if isinstance(member, dict):
            for name, value in member_changes:
                member[name] = value
    judge(data)


@settings(max_examples=150, **FIXED)
@given(data=json_value)
def test_any_json_value_as_a_household(data: Any) -> None:
    judge(data)


@settings(max_examples=200, **FIXED)
@given(number=st.integers(0, 2**32), raw=st.booleans())
def test_mutated_household_files_are_read_or_refused_in_vietnamese(number: int, raw: bool) -> None:
    rng = random.Random(number)
    good = dump_document(SAMPLES, review_year=2026)
    if raw:
        blob = mutate_bytes(json.dumps(good, ensure_ascii=False).encode(), rng)
    else:
        blob = json.dumps(mutate_json(good, rng)).encode("utf-8", "surrogatepass")
    doc, refused = attempt(read, blob, errors=HouseholdJsonError)
    if refused is not None:
        assert_short_vietnamese(refused)
        return
    for household in doc.households:
        judge(json.loads(json.dumps(to_dict(household))))


@settings(max_examples=100, **FIXED)
@given(blob=st.binary(max_size=300))
def test_any_bytes_as_a_household_file(blob: bytes) -> None:
    _, refused = attempt(read, blob, errors=HouseholdJsonError)
    if refused is not None:
        assert_short_vietnamese(refused)


def read(blob: bytes) -> Any:
    return load_document(parse_bounded(blob, "hộ.json"))


def test_the_samples_pass() -> None:
    for h in SAMPLES:
        assert judge(to_dict(h)) == h
