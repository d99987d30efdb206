"""A household version the same on both sides whose results differ for a round: neither side
is chosen, the result is recomputed under this file's round (``settle_results``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from db import driver
from db.exchange.package import PackageRecord
from db.store import Store


@dataclass
class Differing:
    """A round whose result differs on the two sides of one household version."""

    package_round: str  # the round id as the package names it
    local_round: str
    local: dict[str, Any]  # result_to_dict of this file's result
    incoming: dict[str, Any]


def result_gaps(
    conn: driver.Connection, rec: PackageRecord, round_map: dict[str, str]
) -> tuple[dict[str, dict[str, Any]], list[Differing]]:
    """(results this file lacks, rounds whose results differ) for an unchanged household."""
    missing: dict[str, dict[str, Any]] = {}
    differing: list[Differing] = []
    for round_id, res in rec.results.items():
        local_round = round_map.get(round_id, round_id)
        row = conn.execute(
            "SELECT doc FROM results WHERE household_id = ? AND round_id = ?",
            (rec.household.id, local_round),
        ).fetchone()
        if row is None:
            missing[round_id] = res
        elif (local := json.loads(row[0])) != res:
            differing.append(Differing(round_id, local_round, local, res))
    return missing, differing


def settle_results(
    store: Store, rec: PackageRecord, differing: list[Differing]
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Same household version on both sides, different results for a round: (results to
    write, keyed by the package's round id; notes for the receipt).

    A result is not an edit: it is derived from the household as answered in the round and
    the round's standard, and the commune file's round (its standard, year and reference
    date) is authoritative. So neither side is chosen: the result is recomputed here with
    ``forms.classify``, the way the household editor computes it. If the recomputed result
    is this file's, it stays; otherwise the recomputed one is written (audited with the
    package as source). Either way the receipt names both categories and the recomputed
    one. It is not listed as a conflict: there is nothing for the officer to choose between
    that the standard does not already decide.

    Not recomputed (this file's result kept, the difference reported as before): a result
    of this file not computed from the forms (no indicator outcomes, e.g. last year's Excel
    list), a round whose answers here are not this household version (an earlier round,
    answered before later edits), or a standard this app does not know."""
    from forms.classify import classify, result_to_dict
    from forms.codec import to_dict
    from forms.standards import StandardError, load_standard

    write: dict[str, dict[str, Any]] = {}
    notes: list[str] = []
    for d in differing:
        rnd = store.round(d.local_round)
        theirs, ours = _category_label(d.incoming), _category_label(d.local)
        year = f"kỳ {rnd.year}" if rnd is not None else "một kỳ"
        kept = (
            f"kết quả phân loại {year} khác nhau ở hai bên (xã: {ours}; gói: {theirs},"
            f" {_standard_label(d.incoming)}); giữ kết quả của xã"
        )
        answers = store.answers_for(rec.household.id, d.local_round)
        if (
            rnd is None
            or not d.local.get("indicators")
            or answers is None
            or to_dict(answers) != to_dict(rec.household)
        ):
            notes.append(kept + " (không tính lại được từ phiếu)")
            continue
        try:
            standard = load_standard(rnd.standard_id)
        except StandardError:
            notes.append(kept + " (phần mềm không có chuẩn nghèo của kỳ này)")
            continue
        expected = result_to_dict(classify(rec.household, standard, rnd.year, rnd.reference_date))
        recomputed = f"tính lại theo {standard.name} của {year}: {_category_label(expected)}"
        if expected == d.local:
            notes.append(kept + f"; {recomputed}, đúng kết quả của xã")
        else:
            write[d.package_round] = expected
            notes.append(
                f"kết quả phân loại {year} khác nhau ở hai bên (xã: {ours}; gói: {theirs},"
                f" {_standard_label(d.incoming)}); {recomputed}, đã ghi kết quả tính lại"
            )
    return write, notes


def _category_label(result: dict[str, Any]) -> str:
    from forms.labels import CATEGORY_LABELS
    from forms.model import Category

    try:
        return CATEGORY_LABELS[Category(str(result.get("category")))]
    except ValueError:
        return str(result.get("category"))


def _standard_label(result: dict[str, Any]) -> str:
    standard = str(result.get("standard_id") or "?")
    engine = result.get("engine_version")
    return f"chuẩn {standard}" + (f", cách tính {engine}" if engine else "")
