"""How a Household maps onto its rows: JSON documents through ``forms.codec``, the list row,
and old/new differences for the audit log."""

from __future__ import annotations

from typing import Any

from db.records import HouseholdRow
from forms.codec import household_from_dict, loads, member_from_dict, to_dict
from forms.model import Category, Household, Transition

# HouseholdQuery.order_by -> SQL; categories sort by severity, not by their code.
ORDER_COLUMNS = {
    "code": "h.code",
    "head_name": "h.head_name",
    "village": "h.village",
    "size": "h.size",
    "category": (
        "CASE r.category WHEN 'poor' THEN 0 WHEN 'near_poor' THEN 1 WHEN 'middle' THEN 2"
        " WHEN 'not_poor' THEN 3 WHEN 'undetermined' THEN 4 ELSE 5 END"
    ),
    "b1_score": "r.b1_score",
    "deprivation_count": "r.deprivation_count",
    "transition": "r.transition",
    "updated_at": "h.updated_at",
}


def household_doc(h: Household) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(the household without members, one dict per member), JSON-ready."""
    doc = to_dict(h)
    members: list[dict[str, Any]] = doc.pop("members")
    return doc, members


def household_from_docs(doc: str, member_docs: list[str]) -> Household:
    h = household_from_dict(loads(doc))
    h.members = [member_from_dict(loads(m)) for m in member_docs]
    return h


def diff(old: dict[str, Any], new: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys whose values differ: (old values, new values), in the documents' own
    order (the old one's keys, then those only the new one has): an audit row's texts are
    the same whatever the process (a set of the keys ordered them by its hash seed, so the
    same change merged twice was written in two ways)."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key in [*old, *(k for k in new if k not in old)]:
        if old.get(key) != new.get(key):
            before[key] = old.get(key)
            after[key] = new.get(key)
    return before, after


def row_from_sql(r: tuple[Any, ...]) -> HouseholdRow:
    return HouseholdRow(
        id=r[0],
        code=r[1],
        head_name=r[2],
        village=r[3],
        size=r[4],
        category=Category(r[5]) if r[5] else None,
        b1_score=r[6],
        deprivation_count=r[7],
        transition=Transition(r[8]) if r[8] else None,
        updated_at=r[9],
    )
