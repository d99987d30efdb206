"""Causes of poverty, support needs, support kinds, income sources and household flags, as data
(``forms/data/*.toml``), each item with its source and an ``unconfirmed`` mark."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

from forms.model import Employment, Household, Sex


@dataclass(frozen=True)
class CatalogItem:
    id: str
    label: str  # Vietnamese
    unconfirmed: bool
    source: str
    field: str = ""  # flags only: the Household attribute or derivation it reads
    meets: tuple[str, ...] = ()  # support kinds only: the needs (needs.toml) they answer
    amount: bool = False  # support kinds only: recorded with an amount in VND
    # "province": the item is named by a provincial document (``source`` names it), not by a
    # national legal text (forms.standards.BASES); ``source`` is what the Căn cứ pháp lý screen
    # shows, plain Vietnamese (developer notes stay in the file's comments).
    basis: str = ""


@cache
def _load(name: str) -> tuple[CatalogItem, ...]:
    text = (resources.files("forms") / "data" / f"{name}.toml").read_text(encoding="utf-8")
    return tuple(
        CatalogItem(
            id=raw["id"],
            label=raw["label"],
            unconfirmed=bool(raw.get("unconfirmed", False)),
            source=raw.get("source", ""),
            field=raw.get("field", ""),
            meets=tuple(raw.get("meets", ())),
            amount=bool(raw.get("amount", False)),
            basis=raw.get("basis", ""),
        )
        for raw in tomllib.loads(text)["items"]
    )


def causes() -> list[CatalogItem]:
    return list(_load("causes"))


def needs() -> list[CatalogItem]:
    return list(_load("needs"))


def income_sources() -> list[CatalogItem]:
    return list(_load("income_sources"))


def household_flags() -> list[CatalogItem]:
    return list(_load("flags"))


def support_kinds() -> list[CatalogItem]:
    """Kinds of support delivered during the year (issue 24), each with the needs it meets."""
    return list(_load("support_kinds"))


def label_of(items: list[CatalogItem], item_id: str) -> str:
    for item in items:
        if item.id == item_id:
            return item.label
    return unknown_label(item_id)


def unknown_label(item_id: str) -> str:
    """How an id none of this version's items has is shown and printed: a household's causes,
    needs or income sources may hold one written by a newer version (a package from a laptop
    updated first), kept as it is; its id is all this version knows of it."""
    return f"{item_id} (mục do phiên bản phần mềm mới hơn ghi)"


# Activities that show a member can work; anyone aged 15+ with one of them gives the household
# working capacity (assumption, see docs/domain.md).
_WORKING = {
    Employment.WAGE_WITH_CONTRACT,
    Employment.WAGE_NO_CONTRACT,
    Employment.SELF_EMPLOYED,
    Employment.UNEMPLOYED,
    Employment.HOMEMAKER,
}


def no_working_capacity(household: Household, reference: date | None = None) -> bool | None:
    """Hộ không có khả năng lao động: no member aged 15 or over able to work."""
    if not household.members:
        return None
    unknown = False
    ref = reference or date.today()
    for m in household.members:
        age = m.age_on(ref)
        if age is not None and age < 15:
            continue
        if m.employment in _WORKING:
            return False
        if m.employment is None:
            unknown = True
    return None if unknown else True


def female_head(household: Household, reference: date | None = None) -> bool | None:
    head = household.head()
    if head is None or head.sex is None:
        return None
    return head.sex is Sex.FEMALE


_DERIVED: dict[str, Callable[[Household, date | None], bool | None]] = {
    "no_working_capacity": no_working_capacity,
    "female_head": female_head,
    "ethnic_minority": lambda h, _ref: h.ethnic_minority(),
}


def flag_value(
    item: CatalogItem, household: Household, reference: date | None = None
) -> bool | None:
    """Whether the household carries a flag (None: not known from the answers)."""
    if item.field in _DERIVED:
        return _DERIVED[item.field](household, reference)
    value = getattr(household, item.field)
    return value if isinstance(value, bool) else None
