"""Low-income workers' applications (Decree 30/2025/NĐ-CP, issue 18 correction 7).

A member of a household that is neither poor nor near-poor is identified as a low-income
worker when he or she applies: one row of ``low_income_applications`` (migration m0008) per
application in a round — the day it was received, the household income per person per month
it declares, the commune's outcome. Every write is one ``store.transaction()`` with its audit
row, as households are audited. The check against the bound (``forms.low_income``) reads the
round's standard (the province's file when one was loaded, ``db.round_basis.resolve``) and the
household's result in that round; candidates from the survey are only suggested.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from db.errors import NotFound, StoreError
from db.records import Change, Round
from forms.classify import default_reference_date
from forms.low_income import (
    ApplicationCheck,
    Outcome,
    check_application,
    low_income_workers,
)
from forms.model import Category, Household, Member, nfc
from forms.roles import Action
from forms.validate import text_problem

# A household's income per person per month far above any bound is a typing slip.
MAX_DECLARED_INCOME = 1_000_000_000
MAX_NOTE = 500


@dataclass(frozen=True)
class LowIncomeApplication:
    id: str
    round_id: str
    household_id: str
    member_id: str
    applied_on: date
    declared_income: int | None
    outcome: Outcome
    note: str
    code: str = ""  # the household's code, head and village, and the member's name, for lists
    head_name: str = ""
    village: str = ""
    member_name: str = ""


@dataclass(frozen=True)
class Candidate:
    """A member the survey's answers suggest (not an application)."""

    household: Household
    member: Member


_SELECT = (
    "SELECT a.id, a.round_id, a.household_id, a.member_id, a.applied_on, a.declared_income,"
    " a.outcome, a.note, h.code, h.head_name, h.village"
    " FROM low_income_applications a JOIN households h ON h.id = a.household_id"
    " WHERE h.deleted = 0"
)


def _row(store: Any, r: tuple[Any, ...]) -> LowIncomeApplication:
    return LowIncomeApplication(
        id=r[0],
        round_id=r[1],
        household_id=r[2],
        member_id=r[3],
        applied_on=date.fromisoformat(r[4]),
        declared_income=r[5],
        outcome=Outcome(r[6]),
        note=r[7],
        code=r[8],
        head_name=r[9],
        village=r[10],
        member_name=_member_name(store, r[2], r[3]),
    )


def _member_name(store: Any, household_id: str, member_id: str) -> str:
    h = store.get_household(household_id)
    for m in h.members if h is not None else []:
        if m.id == member_id:
            return str(m.name)
    return ""


def _round(store: Any, round_id: str) -> Round:
    rnd: Round | None = store.round(round_id)
    if rnd is None:
        raise NotFound("Không tìm thấy kỳ rà soát.")
    return rnd


def _now() -> str:
    from db.store import now_utc

    return now_utc()


def add_application(
    store: Any,
    round_id: str,
    household_id: str,
    member_id: str,
    applied_on: date,
    declared_income: int | None,
    note: str = "",
) -> LowIncomeApplication:
    """Records a member's application (outcome: not yet decided): received like a
    household's application, by a surveyor in their villages too (forms.roles)."""
    store.require(Action.RECEIVE_APPLICATION, store.households.village_of(household_id))
    _round(store, round_id)
    h = store.get_household(household_id)
    if h is None:
        raise NotFound("Không tìm thấy hộ.")
    if not any(m.id == member_id for m in h.members):
        raise StoreError(f"Hộ {h.code}: không có thành viên này trong hộ.")
    who = _who(h, member_id)
    if declared_income is not None and not 0 <= declared_income <= MAX_DECLARED_INCOME:
        raise StoreError(f"{who}: thu nhập kê khai phải từ 0 đến 1.000.000.000 đồng.")
    if applied_on > date.today():
        raise StoreError(f"{who}: ngày nhận đơn ở tương lai.")
    note = _note(note, who)
    taken = store.conn.execute(
        "SELECT 1 FROM low_income_applications WHERE round_id = ? AND member_id = ?",
        (round_id, member_id),
    ).fetchone()
    if taken:
        raise StoreError(f"{who}: đã có đơn trong kỳ rà soát này.")
    app_id = str(uuid.uuid4())
    at = _now()
    new = {
        "round_id": round_id,
        "member_id": member_id,
        "applied_on": applied_on.isoformat(),
        "declared_income": declared_income,
        "outcome": Outcome.PENDING.value,
        "note": note,
    }
    with store.transaction():
        store.conn.execute(
            "INSERT INTO low_income_applications (id, round_id, household_id, member_id,"
            " applied_on, declared_income, outcome, note, recorded_at, recorded_device)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                app_id,
                round_id,
                household_id,
                member_id,
                new["applied_on"],
                declared_income,
                new["outcome"],
                note,
                at,
                store.device,
            ),
        )
        store.record_change(
            "low_income_applications", app_id, household_id, "insert", None, new, at
        )
        store.notify(Change("low_income_application", [app_id]))
    found = application(store, app_id)
    assert found is not None
    return found


def _who(h: Any, member_id: str) -> str:
    """ "Hộ 01-0004, thành viên thứ 2": a member said by the household's code and their place
    on its roster, never by name (docs/privacy.md, "What messages and logs hold")."""
    place = next((i for i, m in enumerate(h.members, 1) if m.id == member_id), None)
    return f"Hộ {h.code}, thành viên thứ {place}" if place else f"Hộ {h.code}"


def _note(note: str, who: str) -> str:
    """The note as stored (spaces made single), or StoreError naming ``who`` and the fault:
    a control character kept made the low-income list fail to save as Excel."""
    note = " ".join(nfc(note).split())
    problem = text_problem(note, MAX_NOTE)
    if problem:
        raise StoreError(f"{who}: ghi chú {problem}.")
    return note


def set_outcome(
    store: Any, application_id: str, outcome: Outcome | str, note: str | None = None
) -> LowIncomeApplication:
    """The commune's outcome (recognised or not), and a note when one is given."""
    store.require(Action.APPLICATIONS)
    app = application(store, application_id)
    if app is None:
        raise NotFound("Không tìm thấy đơn của người lao động có thu nhập thấp.")
    changes: dict[str, Any] = {"outcome": Outcome(outcome).value}
    if note is not None:
        # Refused when too long, as when the application is recorded: it was cut to 500
        # characters without a word.
        h = store.get_household(app.household_id)
        changes["note"] = _note(note, _who(h, app.member_id) if h else f"Hộ {app.code}")
    old = {"outcome": app.outcome.value, "note": app.note}
    before = {k: old[k] for k in changes if old[k] != changes[k]}
    after = {k: changes[k] for k in before}
    if not after:
        return app
    at = _now()
    with store.transaction():
        sets = ", ".join(f"{k} = ?" for k in after)
        store.conn.execute(
            f"UPDATE low_income_applications SET {sets}, recorded_at = ?, recorded_device = ?"
            " WHERE id = ?",
            (*after.values(), at, store.device, app.id),
        )
        store.record_change(
            "low_income_applications", app.id, app.household_id, "update", before, after, at
        )
        store.notify(Change("low_income_application", [app.id]))
    found = application(store, app.id)
    assert found is not None
    return found


def application(store: Any, application_id: str) -> LowIncomeApplication | None:
    r = store.conn.execute(_SELECT + " AND a.id = ?", (application_id,)).fetchone()
    return _row(store, r) if r else None


def applications(store: Any, round_id: str) -> list[LowIncomeApplication]:
    """A round's applications by village, household code, then the day received."""
    return [
        _row(store, r)
        for r in store.conn.execute(
            _SELECT + " AND a.round_id = ? ORDER BY h.village, h.code, a.applied_on",
            (round_id,),
        )
    ]


def check(store: Any, app: LowIncomeApplication) -> ApplicationCheck:
    """The application against the bound of the round's standard."""
    from db import round_basis

    rnd = _round(store, app.round_id)
    standard = round_basis.resolve(store, rnd.standard_id)
    h = store.answers_for(app.household_id, app.round_id) or store.get_household(app.household_id)
    result = store.result_for(app.household_id, app.round_id)
    member = next((m for m in h.members if m.id == app.member_id), None) if h else None
    if h is None or member is None:
        return ApplicationCheck(None, None, ["Không còn thành viên này trong hộ."])
    reference = rnd.reference_date or default_reference_date(rnd.year)
    category = result.category if result is not None else None
    decision = store.decision(app.round_id)
    if decision is not None and decision.date <= app.applied_on:
        # "Hộ đang thuộc danh sách": the lists as they stood on the day it applied, the
        # round's as the monthly decisions since changed them (a household out of the poor
        # list by a March decision was told it was on it in July).
        from db.year_round import categories_in_force

        category = categories_in_force(store, [app.household_id], app.applied_on)[1].get(
            app.household_id, Category.NOT_POOR if category is not None else None
        )
    return check_application(h, member, app.declared_income, category, standard, reference)


def candidates(store: Any, round_id: str) -> list[Candidate]:
    """Members the round's answers suggest, who have not applied: a suggestion to tell them
    they may apply, never a recognition."""
    from db import round_basis

    rnd = _round(store, round_id)
    standard = round_basis.resolve(store, rnd.standard_id)
    applied = {
        r[0]
        for r in store.conn.execute(
            "SELECT member_id FROM low_income_applications WHERE round_id = ?", (round_id,)
        )
    }
    reference = rnd.reference_date or default_reference_date(rnd.year)
    out: list[Candidate] = []
    for h, result in store.results_for_round(round_id):
        for m in low_income_workers(h, result, standard, reference) or []:
            if m.id not in applied:
                out.append(Candidate(h, m))
    return out
