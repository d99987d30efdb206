"""What differs between two versions of one household, field by field.

A household changed on two laptops is a conflict the officer decides by taking one whole
version (``db.exchange.merge``). The officer can only decide well when every difference is
shown: a screen that compared members by their place in the roster showed a deleted member as
every later member changed, and one that showed members by name, year and ID number alone
hid an edit to any other member answer (health insurance, schooling, disability…), so the
officer took the other version believing nothing else differed, and that edit was lost.

Here members are matched by their id, every field of the household and of each member is
compared, and each difference carries its Vietnamese label. ``summary`` names what differs
with labels and members' places only, never values or names: it goes to receipts and the
terminal, which carry no personal data (issue 20 item 6).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from enum import Enum
from functools import cache
from typing import Any

from forms import catalog, definitions
from forms.labels import BY_ENUM
from forms.model import Household, Member
from forms.validate import FIELD_LABELS

# Short labels for the fields where a form question's text is long or there is none: the
# validators' own (forms.validate.FIELD_LABELS) where they name the field, then those only a
# comparison names; the floor area with its unit, as values are shown bare.
_SHORT = {
    **{
        k: FIELD_LABELS[k]
        for k in (
            "code",
            "village",
            "address",
            "b1_total",
            "income_per_capita",
            "note",
            "screening",
            "b1_answers",
            "income_sources",
            "causes",
            "needs",
            "members",
        )
    },
    "area": "Khu vực",
    "region": "Vùng",
    "meritorious_household": "Hộ có người có công",
    "social_protection": "Hộ bảo trợ xã hội",
    "agri_forestry_fishery": "Hộ nông, lâm, ngư, diêm nghiệp",
    "floor_area_m2": "Diện tích nhà (m²)",
    "water_source": "Nguồn nước",
    "latrine": "Nhà tiêu",
    "info_assets_answered": "Đã hỏi phương tiện tiếp cận thông tin",
}
_MEMBER_SHORT = {k: FIELD_LABELS[k] for k in ("name", "birth_date", "note")}


@dataclass(frozen=True)
class Difference:
    """One field that differs. ``member`` is the member's place (1-based) in this file's
    version, or in the package's for a member only it has; None for a household field. A
    member on one side only is one difference with target "members": ``here``/``there`` is
    the Member on the side that has it, None on the other."""

    target: str  # "address", "screening.a1"; a member's field by its own name ("disability")
    label: str
    here: Any
    there: Any
    member: int | None = None
    member_id: str | None = None


@cache
def _question_labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for form in (definitions.phieu_a(), definitions.phieu_b1(), definitions.phieu_b2()):
        for q in form.questions():
            labels.setdefault(q.target, q.label)
    return labels


@cache
def _member_labels() -> dict[str, str]:
    return {q.target: q.label for q in definitions.member_questions().questions()}


def field_label(target: str, *, member: bool = False) -> str:
    """The Vietnamese label of a household field ("address", "screening.a1") or, with
    ``member``, of a member's field ("health_insurance")."""
    if member:
        return _MEMBER_SHORT.get(target) or _member_labels().get(target, target)
    if target in _SHORT:
        return _SHORT[target]
    head, _, sub = target.partition(".")
    found = _question_labels().get(target)
    if found:
        return found
    if sub and head in _SHORT:
        return f"{_SHORT[head]} ({sub})"
    return _question_labels().get(head, target)


def differences(here: Household | None, there: Household | None) -> list[Difference]:
    """Every field in which the two versions differ: the household's own fields (a form's
    answers one question at a time), then each member's, members matched by id (this file's
    order first, then members only the package has). Nothing when either side is missing."""
    if here is None or there is None:
        return []
    out: list[Difference] = []
    for f in dataclasses.fields(Household):
        if f.name in ("id", "members"):
            continue
        a, b = getattr(here, f.name), getattr(there, f.name)
        if a == b:
            continue
        if isinstance(a, dict) and isinstance(b, dict):
            for key in [*a, *(k for k in b if k not in a)]:
                if a.get(key) != b.get(key):
                    target = f"{f.name}.{key}"
                    out.append(Difference(target, field_label(target), a.get(key), b.get(key)))
        else:
            out.append(Difference(f.name, field_label(f.name), a, b))
    theirs = {m.id: m for m in there.members}
    mine = {m.id for m in here.members}
    for place, m in enumerate(here.members, 1):
        other = theirs.get(m.id)
        if other is None:
            out.append(Difference("members", field_label("members"), m, None, place, m.id))
            continue
        for f in dataclasses.fields(Member):
            a, b = getattr(m, f.name), getattr(other, f.name)
            if f.name != "id" and a != b:
                label = field_label(f.name, member=True)
                out.append(Difference(f.name, label, a, b, place, m.id))
    for place, m in enumerate(there.members, 1):
        if m.id not in mine:
            out.append(Difference("members", field_label("members"), None, m, place, m.id))
    return out


def value_text(target: str, value: Any) -> str:
    """A field's value as the forms show it: labels for choices, "Có"/"Không", "—" for
    nothing; a member (on one side only) by name, year of birth and ID number."""
    if isinstance(value, Member):
        parts = [value.name, str(value.year_of_birth() or "")]
        if value.id_number:
            parts.append(f"CCCD {value.id_number}")
        return " · ".join(p for p in parts if p)
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, Enum):
        return BY_ENUM.get(type(value), {}).get(value, str(value.value))
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    if isinstance(value, int) and abs(value) >= 10_000:
        return f"{value:,}".replace(",", ".")
    if isinstance(value, list):
        return ", ".join(_item_text(target, v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {value_text(k, v)}" for k, v in value.items())
    return str(value)


def _item_text(target: str, value: Any) -> str:
    items = {
        "causes": catalog.causes,
        "needs": catalog.needs,
        "income_sources": catalog.income_sources,
    }.get(target)
    if items is not None and isinstance(value, str):
        return catalog.label_of(items(), value)
    return value_text("", value)


def summary(diffs: list[Difference]) -> str:
    """What differs, by label and member place only (no values, no names): "Địa chỉ; thành
    viên thứ 2: Có thẻ bảo hiểm y tế còn hạn?; thành viên thứ 5 chỉ có trong gói"."""
    parts: list[str] = [d.label for d in diffs if d.member is None]
    by_member: dict[int, list[str]] = {}
    for d in diffs:
        if d.member is None:
            continue
        if d.target == "members":
            where = "chỉ có ở tệp này" if d.there is None else "chỉ có trong gói"
            parts.append(f"thành viên thứ {d.member} {where}")
        else:
            by_member.setdefault(d.member, []).append(d.label.rstrip("?"))
    parts += [f"thành viên thứ {n}: {', '.join(labels)}" for n, labels in by_member.items()]
    return "; ".join(dict.fromkeys(parts))
