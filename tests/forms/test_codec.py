from __future__ import annotations

import json
import unicodedata
from datetime import date

import pytest

from forms.codec import CodecError, household_from_dict, to_dict
from forms.model import Area, Household, InfoAsset, Member, Relationship, Sex, WaterSource, nfc


def sample() -> Household:
    return Household(
        code="HN-001",
        village="Bản Nà Lầu",
        area=Area.RURAL,
        members=[
            Member(
                name="Lò Văn Ánh",
                relationship=Relationship.HEAD,
                sex=Sex.MALE,
                birth_date=date(1980, 5, 1),
                ethnicity="Thái",
                health_insurance=True,
            ),
            Member(name="Lò Thị Đào", relationship=Relationship.SPOUSE, birth_year=1984),
        ],
        floor_area_m2=42.5,
        water_source=WaterSource.DRILLED_WELL,
        info_assets=[InfoAsset.TV, InfoAsset.SMARTPHONE],
        screening={"a1": True, "a2": None},
        b1_answers={"house": "brick"},
    )


def test_round_trip_through_json_keeps_everything() -> None:
    h = sample()
    again = household_from_dict(json.loads(json.dumps(to_dict(h), ensure_ascii=False)))
    assert again == h


def test_text_is_normalised_to_nfc() -> None:
    data = to_dict(sample())
    data["village"] = unicodedata.normalize("NFD", "Bản Nà Lầu")
    assert household_from_dict(data).village == "Bản Nà Lầu"


def test_every_text_is_decoded_as_the_model_normalises_it() -> None:
    """The generated decoders apply ``forms.model.nfc`` inline: held to it, field by field."""
    raw = "  " + unicodedata.normalize("NFD", "Nông Thị Ánh, Bản Nà Lầu") + " \n"
    data = to_dict(sample())
    member = data["members"][0]
    for field in ("code", "village", "address", "note"):
        data[field] = raw
    for field in ("name", "ethnicity", "note"):
        member[field] = raw
    data["income_sources"] = [raw]
    data["b1_answers"] = {"house": raw}
    h = household_from_dict(data)
    m = h.members[0]
    texts = [h.code, h.village, h.address, h.note, m.name, m.ethnicity, m.note]
    texts += [h.income_sources[0], h.b1_answers["house"]]
    assert texts == [nfc(raw)] * len(texts)
    assert nfc(raw) == "Nông Thị Ánh, Bản Nà Lầu"


def test_unknown_field_is_rejected_in_vietnamese() -> None:
    data = to_dict(sample())
    data["sơ_đồ"] = 1
    with pytest.raises(CodecError, match="trường không biết"):
        household_from_dict(data)


@pytest.mark.parametrize(
    ("field", "value"),
    [("area", "mountain"), ("floor_area_m2", "rộng"), ("b1_total", True), ("members", {})],
)
def test_bad_values_are_rejected(field: str, value: object) -> None:
    data = to_dict(sample())
    data[field] = value
    with pytest.raises(CodecError):
        household_from_dict(data)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sex", "nam"),  # not a code
        ("sex", ["male"]),  # not even hashable
        ("sex", True),
        ("birth_year", True),  # a boolean is no year
        ("birth_year", 1980.0),
        ("health_insurance", 1),
        ("ethnicity", 5),
        ("stunted", "có"),
    ],
)
def test_bad_member_values_are_rejected(field: str, value: object) -> None:
    data = to_dict(sample())
    data["members"][0][field] = value
    with pytest.raises(CodecError, match=field):
        household_from_dict(data)


def test_optional_member_values_round_trip_including_none() -> None:
    h = sample()
    data = to_dict(h)
    for key in ("sex", "birth_year", "ethnicity", "health_insurance", "education"):
        data["members"][0][key] = None
    again = household_from_dict(data)
    assert again.members[0].sex is None
    assert again.members[0].education is None
    assert to_dict(again) == data


# The generated decoders (forms.codec._fast_household, _fast_member) must accept exactly what
# the field-by-field decoder accepts, to the same values: each field of a generated household
# and of its first member, set in turn to each value a JSON document can hold, and every field
# left out in turn, decoded both ways.
ODD_VALUES: list[object] = [
    None, True, False, 0, 1, -3, 2.5, 1e300, "", " x ", "rural", "male", "tv", "2020-02-30",
    "1990-05-01", "Lo\u0300 Văn", [], ["tv"], ["tv", "bad"], ["a", 1], {}, {"a": True},
    {"a": 1}, {"a": "b"}, [{}],
]  # fmt: skip


def both_ways(data: object) -> tuple[str, object]:
    from forms.codec import _fast_household, _from_dict

    try:
        slow: object = ("ok", _from_dict(Household, data, "hộ"))  # type: ignore[arg-type]
    except CodecError as exc:
        slow = ("refused", str(exc))
    try:
        fast: object = ("ok", _fast_household(data))
    except Exception:
        fast = ("refused", None)
    assert fast[0] == slow[0], data  # type: ignore[index]
    if slow[0] == "ok":  # type: ignore[index]
        a, b = fast[1], slow[1]  # type: ignore[index]
        # An id left out is a new one each time (Household's and Member's default factory).
        for x, y in zip([a, *a.members], [b, *b.members], strict=True):
            x.id = y.id
        assert a == b
        assert [list(vars(x)) for x in [a, *a.members]] == [list(vars(y)) for y in [b, *b.members]]
    return slow  # type: ignore[return-value]


def test_generated_decoders_accept_what_the_field_by_field_decoder_accepts() -> None:
    from forms.demo import generate_households

    for h in generate_households(3, seed=5):
        base = json.loads(json.dumps(to_dict(h), ensure_ascii=False))
        both_ways(base)
        for key in list(base):
            both_ways({k: v for k, v in base.items() if k != key})
            for value in ODD_VALUES:
                both_ways({**base, key: value})
        member = base["members"][0]
        for key in list(member):
            without = {k: v for k, v in member.items() if k != key}
            both_ways({**base, "members": [without, *base["members"][1:]]})
            for value in ODD_VALUES:
                both_ways({**base, "members": [{**member, key: value}, *base["members"][1:]]})
        both_ways({**base, "unknown": 1})
        both_ways([base])


def test_a_refused_household_is_named_by_the_field_by_field_message() -> None:
    """The member by its place in the roster and the field by the form's words (with the
    file's key): "Trường 'members' của hộ: Trường 'sex' của thành viên" sent the officer to
    check every member for a field whose name the forms never show."""
    data = to_dict(sample())
    data["members"][1]["sex"] = "nam"
    with pytest.raises(CodecError) as refused:
        household_from_dict(json.loads(json.dumps(data)))
    assert str(refused.value) == (
        "Trường “Giới tính” (sex) của thành viên thứ 2 không hợp lệ: 'nam'."
    )
    data = to_dict(sample())
    data["water_source"] = "giếng"
    with pytest.raises(CodecError) as refused:
        household_from_dict(json.loads(json.dumps(data)))
    assert str(refused.value) == "Trường “Nguồn nước” (water_source) của hộ không hợp lệ."


def test_generated_encoders_give_what_the_field_by_field_encoder_gives() -> None:
    # forms.codec._generated_encoder: the same dicts, keys in the same order, for generated
    # households, every optional field left empty, and a wrong value refused the same way.
    import typing
    from dataclasses import fields, replace

    from forms.codec import _field_by_field, _optional
    from forms.demo import generate_households

    def same(obj: Household | Member) -> None:
        fast, slow = to_dict(obj), _field_by_field(obj)
        if isinstance(obj, Household):  # the field-by-field members are encoded by to_dict
            assert fast.pop("members") == [to_dict(m) for m in obj.members]
            slow.pop("members")
            for m in obj.members:
                same(m)
        assert json.dumps(fast, ensure_ascii=False) == json.dumps(slow, ensure_ascii=False)

    households = [sample(), *generate_households(20, seed=7)]
    for h in households:
        same(h)
    for cls, obj in ((Household, households[0]), (Member, households[0].members[0])):
        hints = typing.get_type_hints(cls)
        for f in fields(cls):
            if _optional(hints[f.name]) is not None:
                same(replace(obj, **{f.name: None}))  # type: ignore[type-var]
    for wrong in ({"sex": "nam"}, {"water_source": "giếng"}):
        target = households[0].members[0] if "sex" in wrong else households[0]
        odd = replace(target, **wrong)  # type: ignore[type-var]
        with pytest.raises(KeyError):
            to_dict(odd)
        with pytest.raises(KeyError):
            _field_by_field(odd)


def test_loads_reads_what_json_loads_reads() -> None:
    # forms.codec.loads (json's scanner called directly) against json.loads: the same value,
    # to its types and key order, or the same error, on stored documents, random JSON texts
    # and texts the scanner alone would read differently (whitespace, a BOM, extra data).
    import random

    from forms.codec import loads
    from forms.demo import generate_households

    def outcome(read: object, text: object) -> tuple[object, ...]:
        try:
            return ("ok", repr(read(text)))  # type: ignore[operator]
        except Exception as exc:
            return ("error", type(exc), str(exc))

    rng = random.Random(22)

    def value(depth: int) -> object:
        kind = rng.randrange(9 if depth < 4 else 6)
        if kind == 0:
            return rng.choice([None, True, False])
        if kind == 1:
            return rng.randint(-(10**20), 10**20)
        if kind == 2:
            return rng.choice(
                [0.0, -0.0, 1e-7, 2.5, 1e300, rng.random() * 10 ** rng.randint(-5, 9)]
            )
        if kind in (3, 4, 5):
            return "".join(
                rng.choice('aZ09 "\\/\n\tđĐàẢ😀\u0000\u2028') for _ in range(rng.randrange(6))
            )
        if kind in (6, 7):
            return [value(depth + 1) for _ in range(rng.randrange(4))]
        return {str(value(depth + 1)): value(depth + 1) for _ in range(rng.randrange(4))}

    texts: list[object] = []
    for h in generate_households(5, seed=22):
        doc = to_dict(h)
        texts += [json.dumps(doc, ensure_ascii=False), json.dumps(doc), json.dumps(doc, indent=1)]
    for _ in range(400):
        text = json.dumps(value(0), ensure_ascii=rng.random() < 0.5)
        texts += [text, " " + text, text + "\n", text[:-1], text + text, text.replace(",", ",,")]
    texts += [
        "", " ", "\ufeff{}", "{} x", "1 2", "[1,]", "{\"a\" 1}", "NaN", "-Infinity", "1e400",
        "\"\\ud800\"", "{\"a\": 1, \"a\": 2}", "\"\\x\"", "[" * 50 + "]" * 50, "tru", "01",
        b"{\"a\": 1}", "{\"a\": [1, 2.0, true, null]}\n\n",
    ]  # fmt: skip
    for text in texts:
        assert outcome(loads, text) == outcome(json.loads, text), text
