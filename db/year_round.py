"""The list all year round (issue 24): applications, the monthly regular review, support
delivered and the cadre responsible for each household, over one commune file.

Functions taking the ``db.store.Store``; every write is one ``store.transaction()`` with its
audit rows (``Store.record_change``, as households are audited) and a ``Change`` for the screens.
Tables: migration m0010. The pure rules (deadlines, kinds) are in ``forms.applications``.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from db.errors import NotFound, StoreError
from db.records import Change, Round
from forms import catalog
from forms.applications import (
    PERIODIC_END,
    ApplicationKind,
    ApplicationStatus,
    Lateness,
    lateness,
)
from forms.model import Category, nfc
from forms.roles import Action
from forms.support_period import ListDecision, SupportPeriod
from forms.support_period import support_period as _support_period

# The monthly regular review is stored as a round of kind "adhoc" (the kind m0001 already
# allows, "rà soát thường xuyên"): one table of rounds serves both reviews, and the meeting,
# posting and decision screens work on either.
REGULAR = "adhoc"
LISTED = (Category.POOR, Category.NEAR_POOR)


def _uuid() -> str:
    return str(uuid.uuid4())


def _now() -> str:
    from db.store import now_utc

    return now_utc()


def _clean(text: str) -> str:
    return " ".join(nfc(text).split())


def household_stored(store: Any, household_id: str) -> bool:
    """Whether the household is saved (support and cadres can be recorded only then)."""
    return bool(store.household_stored(household_id))


def _household_code(store: Any, household_id: str) -> str:
    r = store.conn.execute("SELECT code FROM households WHERE id = ?", (household_id,)).fetchone()
    return str(r[0]) if r else ""


# --- applications ------------------------------------------------------------------------
@dataclass(frozen=True)
class Application:
    id: str
    household_id: str
    kind: ApplicationKind
    submitted_on: date
    submitted_by: str
    request: str
    status: ApplicationStatus
    round_id: str | None = None
    decision_id: str | None = None
    decided_on: date | None = None  # the date of the round's decision, once there is one
    code: str = ""  # the household's code, head and village, for lists
    head_name: str = ""
    village: str = ""

    def lateness(self, today: date) -> Lateness:
        return lateness(self.kind, self.submitted_on, self.status, today, self.decided_on)


_APP_SELECT = (
    "SELECT a.id, a.household_id, a.kind, a.submitted_on, a.submitted_by, a.request, a.status,"
    " a.round_id, COALESCE(a.decision_id, d.id), d.date, h.code, h.head_name, h.village"
    " FROM applications a JOIN households h ON h.id = a.household_id"
    " LEFT JOIN decisions d ON d.round_id = a.round_id"
    " WHERE a.deleted = 0"
)


def _application(r: tuple[Any, ...]) -> Application:
    status = ApplicationStatus(r[6])
    decided_on = date.fromisoformat(r[9]) if r[9] else None
    # A round's decision settles its applications the moment it is saved, whichever screen
    # saved it (the posting page knows nothing of applications).
    if status is ApplicationStatus.IN_REVIEW and decided_on is not None:
        status = ApplicationStatus.DECIDED
    return Application(
        id=r[0],
        household_id=r[1],
        kind=ApplicationKind(r[2]),
        submitted_on=date.fromisoformat(r[3]),
        submitted_by=r[4],
        request=r[5],
        status=status,
        round_id=r[7],
        decision_id=r[8] if decided_on is not None else None,
        decided_on=decided_on,
        code=r[10],
        head_name=r[11],
        village=r[12],
    )


def add_application(
    store: Any,
    household_id: str,
    kind: ApplicationKind | str,
    submitted_on: date,
    submitted_by: str,
    request: str = "",
    *,
    today: date | None = None,
) -> Application:
    """``today``: what "the future" is for the date received (the validator's)."""
    # Receiving what a household hands in is entering its data: a surveyor does it in their
    # villages (forms.roles); the outcome is the commune's, at the round's decision.
    store.require(Action.RECEIVE_APPLICATION, store.households.village_of(household_id))
    kind = ApplicationKind(kind)
    submitted_by, request = _clean(submitted_by), nfc(request).strip()
    if not submitted_by:
        raise StoreError("Hãy ghi tên người nộp giấy đề nghị.")
    store.households.require_stored(household_id)
    from forms.validate import application_problems

    problems = application_problems(
        _household_code(store, household_id),
        submitted_on=submitted_on,
        submitted_by=submitted_by,
        request=request,
        today=today or date.today(),
    )
    if problems:
        raise StoreError(" ".join(problems))
    at = _now()
    app_id = _uuid()
    new = {
        "kind": kind.value,
        "submitted_on": submitted_on.isoformat(),
        "submitted_by": submitted_by,
        "request": request,
        "status": ApplicationStatus.OPEN.value,
    }
    with store.transaction():
        store.conn.execute(
            "INSERT INTO applications (id, household_id, kind, submitted_on, submitted_by,"
            " request, status, created_at, created_device, updated_at, updated_device)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                app_id,
                household_id,
                kind.value,
                new["submitted_on"],
                submitted_by,
                request,
                new["status"],
                at,
                store.device,
                at,
                store.device,
            ),
        )
        store.record_change("applications", app_id, household_id, "insert", None, new, at)
        store.reindex([household_id])  # found by who submitted it
        store.notify(Change("application", [app_id]))
    found = application(store, app_id)
    assert found is not None
    return found


def application(store: Any, application_id: str) -> Application | None:
    r = store.conn.execute(_APP_SELECT + " AND a.id = ?", (application_id,)).fetchone()
    return _application(r) if r else None


def applications(
    store: Any, *, household_id: str | None = None, open_only: bool = False
) -> list[Application]:
    """Oldest first. ``open_only``: not yet decided nor withdrawn."""
    sql, params = _APP_SELECT, []
    if household_id is not None:
        sql += " AND a.household_id = ?"
        params.append(household_id)
    found = [
        _application(r)
        for r in store.conn.execute(sql + " ORDER BY a.submitted_on, h.code", params)
    ]
    if open_only:
        done = (ApplicationStatus.DECIDED, ApplicationStatus.WITHDRAWN)
        found = [a for a in found if a.status not in done]
    return found


@dataclass(frozen=True)
class ApplicationDecision:
    """What a decided application led to: its round's decision and the household's result
    in that round after the village meeting."""

    number: str
    decided_on: date
    signer: str
    category: Category | None  # None: its household has no result in the round
    sent_back: bool  # the meeting did not agree: the decision left it as it was


def application_decision(store: Any, app: Application) -> ApplicationDecision | None:
    """The decision that settled ``app`` (None while it has none), for the applications
    screen to show a decided application with what was decided."""
    from db import report_queries

    if app.round_id is None or app.decided_on is None:
        return None
    decision = store.decision(app.round_id)
    if decision is None:
        return None
    row = store.conn.execute(
        f"SELECT r.category, {report_queries.SENT_BACK} FROM results r"
        " LEFT JOIN meeting_votes v ON v.household_id = r.household_id"
        " AND v.round_id = r.round_id WHERE r.household_id = ? AND r.round_id = ?",
        (app.household_id, app.round_id),
    ).fetchone()
    return ApplicationDecision(
        decision.number,
        decision.date,
        decision.signer,
        Category(row[0]) if row else None,
        bool(row[1]) if row else False,
    )


def _set_application(store: Any, app: Application, changes: dict[str, Any], at: str) -> None:
    old_row = store.conn.execute(
        "SELECT status, round_id, decision_id FROM applications WHERE id = ?", (app.id,)
    ).fetchone()
    old = dict(zip(("status", "round_id", "decision_id"), old_row, strict=True))
    before = {k: old[k] for k in changes if old[k] != changes[k]}
    after = {k: changes[k] for k in before}
    if not after:
        return
    sets = ", ".join(f"{k} = ?" for k in after)
    store.conn.execute(
        f"UPDATE applications SET {sets}, updated_at = ?, updated_device = ? WHERE id = ?",
        (*after.values(), at, store.device, app.id),
    )
    store.record_change("applications", app.id, app.household_id, "update", before, after, at)
    store.notify(Change("application", [app.id]))


def take_periodic_requests(store: Any, round_id: str, decided_on: date, at: str) -> None:
    """A periodic review's decision settles the Mẫu 01 requests it answered: those of
    households it classified, received by the decision and by the review's deadline
    (14 December of its year), not yet in a round. Nothing linked them: they stayed "Mới
    nhận" after the decision and turned late on 15 December. Called in the decision's
    transaction."""
    rnd = store.round(round_id)
    if rnd is None or rnd.kind != "periodic":
        return
    last = min(decided_on, date(rnd.year, *PERIODIC_END))
    classified = set(round_household_ids(store, round_id))
    for a in applications(store, open_only=True):
        if (
            a.kind is ApplicationKind.PERIODIC_REVIEW
            and a.round_id is None
            and a.household_id in classified
            and a.submitted_on <= last
        ):
            _set_application(
                store, a, {"status": ApplicationStatus.IN_REVIEW.value, "round_id": round_id}, at
            )


def withdraw_application(store: Any, application_id: str) -> None:
    app = application(store, application_id)
    if app is None:
        raise NotFound("Không tìm thấy giấy đề nghị.")
    store.require(Action.RECEIVE_APPLICATION, app.village)
    with store.transaction():
        _set_application(store, app, {"status": ApplicationStatus.WITHDRAWN.value}, _now())


def settle_decisions(store: Any) -> int:
    """Writes down, audited, what reads already show: applications whose round has its
    decision are decided, linked to it. Returns how many changed."""
    store.require(Action.DECISION)
    pending = [
        a
        for a in applications(store)
        if a.status is ApplicationStatus.DECIDED and a.decision_id is not None
    ]
    stored = dict(
        store.conn.execute("SELECT id, status FROM applications WHERE status = 'in_review'")
    )
    pending = [a for a in pending if a.id in stored]
    if not pending:
        return 0
    at = _now()
    with store.transaction():
        for a in pending:
            _set_application(
                store,
                a,
                {"status": ApplicationStatus.DECIDED.value, "decision_id": a.decision_id},
                at,
            )
    return len(pending)


# --- the monthly regular review ----------------------------------------------------------
def regular_rounds(store: Any, year: int | None = None) -> list[Round]:
    return [r for r in store.rounds() if r.kind == REGULAR and (year is None or r.year == year)]


def regular_month(rnd: Round) -> int | None:
    """The month a regular round reviews (its reference date's month)."""
    return rnd.reference_date.month if rnd.reference_date else None


def lists_of(store: Any) -> tuple[list[Round], list[int | None]]:
    """The file's rounds, and for each the index of the periodic review whose lists it makes
    or updates: a review its own, a month the review in force when it began
    (``forms.transitions.month_base``; None when there is none). A year's lists and their
    certificates' numbers are those of one review and its months."""
    from forms.transitions import month_base

    rounds = store.rounds()
    decided = store.results.decided_on()
    places = [r.place(decided.get(r.id)) for r in rounds]
    return rounds, [i if p.periodic else month_base(places, i) for i, p in enumerate(places)]


def last_periodic(store: Any) -> Round | None:
    periodic = [r for r in store.rounds() if r.kind == "periodic"]
    return periodic[-1] if periodic else None


def start_regular_round(store: Any, year: int, month: int, standard_id: str | None = None) -> Round:
    """Opens the month's regular review: a round of its own (kind "adhoc") holding the
    households whose in-year applications (Mẫu số 01 to be reviewed, 04 to be recognised as
    escaped) are open, each classified on its current
    answers. The standard is the one the lists in force were made with unless named."""
    store.require(Action.ROUND)
    if any(regular_month(r) == month for r in regular_rounds(store, year)):
        raise StoreError(f"Đã có kỳ rà soát thường xuyên tháng {month}/{year}.")
    if standard_id is None:
        basis = last_periodic(store)
        if basis is None:
            raise StoreError("Chưa có kỳ rà soát định kỳ nào: chưa biết chuẩn nghèo áp dụng.")
        standard_id = basis.standard_id
    # Reference date: the 15th, the day the month's regular review starts (Decision
    # 24/2021/QĐ-TTg, see docs/domain.md §5); ages are counted on it.
    reference = date(year, month, 15)
    with store.transaction():
        rnd: Round = store.start_round(year, standard_id, REGULAR, reference_date=reference)
        waiting = [
            a
            for a in applications(store, open_only=True)
            if a.status is ApplicationStatus.OPEN and a.kind is not ApplicationKind.PERIODIC_REVIEW
        ]
        for a in waiting:
            add_to_round(store, rnd.id, a.household_id)
    return rnd


def add_to_round(store: Any, round_id: str, household_id: str) -> None:
    """Puts a household (one that applied or changed) into a regular round: classified on its
    current answers, its result saved in the round; its open in-year applications join it."""
    from db import round_basis
    from forms.classify import classify

    store.require(Action.ROUND)  # who is reviewed is the commune's call
    rnd = store.round(round_id)
    if rnd is None:
        raise NotFound("Không tìm thấy kỳ rà soát.")
    if rnd.kind == REGULAR and store.decision(round_id) is not None:
        # Its decision is made: a household added now would be "decided" on a day before it
        # applied, and the lists in force since would change after the fact.
        raise StoreError(
            f"Kỳ rà soát thường xuyên tháng {regular_month(rnd)}/{rnd.year} đã có quyết định: "
            "hãy đưa hộ vào kỳ rà soát của tháng sau."
        )
    h = store.get_household(household_id)
    if h is None:
        raise NotFound("Không tìm thấy hộ.")
    standard = round_basis.resolve(store, rnd.standard_id)
    result = classify(h, standard, rnd.year, rnd.reference_date)
    at = _now()
    with store.transaction():
        store.save_household(h, round_id=round_id, result=result)
        for a in applications(store, household_id=household_id, open_only=True):
            if a.kind is ApplicationKind.PERIODIC_REVIEW and rnd.kind == REGULAR:
                continue  # a Mẫu 01 request waits for the periodic review
            _set_application(
                store,
                a,
                {"status": ApplicationStatus.IN_REVIEW.value, "round_id": round_id},
                at,
            )


def round_household_ids(store: Any, round_id: str) -> list[str]:
    return [
        r[0]
        for r in store.conn.execute(
            "SELECT r.household_id FROM results r JOIN households h ON h.id = r.household_id"
            " WHERE r.round_id = ? AND h.deleted = 0 ORDER BY h.code",
            (round_id,),
        )
    ]


# --- support delivered -------------------------------------------------------------------
@dataclass(frozen=True)
class SupportRecord:
    id: str
    household_id: str
    kind: str  # forms/data/support_kinds.toml
    given_on: date
    programme: str
    given_by: str
    amount: int | None = None  # VND, for loans
    note: str = ""


def _support(r: tuple[Any, ...]) -> SupportRecord:
    return SupportRecord(r[0], r[1], r[2], date.fromisoformat(r[3]), r[4], r[5], r[6], r[7])


_SUPPORT_SELECT = (
    "SELECT id, household_id, kind, given_on, programme, given_by, amount, note"
    " FROM support_records WHERE deleted = 0"
)


def add_support(
    store: Any,
    household_id: str,
    kind: str,
    given_on: date,
    programme: str = "",
    given_by: str = "",
    amount: int | None = None,
    note: str = "",
    *,
    today: date | None = None,
) -> SupportRecord:
    """``today``: what "the future" is for the given date (the validator's)."""
    from forms.validate import support_problems

    store.require(Action.SUPPORT, store.households.village_of(household_id))
    store.households.require_stored(household_id)
    problems = support_problems(
        _household_code(store, household_id),
        kind=kind,
        given_on=given_on,
        programme=_clean(programme),
        given_by=_clean(given_by),
        amount=amount,
        note=nfc(note).strip(),
        kinds={k.id: k.amount for k in catalog.support_kinds()},
        today=today,
    )
    if problems:
        raise StoreError(" ".join(problems))
    record = SupportRecord(
        _uuid(),
        household_id,
        kind,
        given_on,
        _clean(programme),
        _clean(given_by),
        amount,
        nfc(note).strip(),
    )
    at = _now()
    new = {
        "kind": kind,
        "given_on": given_on.isoformat(),
        "programme": record.programme,
        "given_by": record.given_by,
        "amount": amount,
        "note": record.note,
    }
    with store.transaction():
        store.conn.execute(
            "INSERT INTO support_records (id, household_id, kind, given_on, programme, given_by,"
            " amount, note, created_at, created_device, updated_at, updated_device)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                record.id,
                household_id,
                kind,
                new["given_on"],
                record.programme,
                record.given_by,
                amount,
                record.note,
                at,
                store.device,
                at,
                store.device,
            ),
        )
        store.record_change("support_records", record.id, household_id, "insert", None, new, at)
        store.reindex([household_id])  # found by programme and giver
        store.notify(Change("support", [record.id]))
    return record


def delete_support(store: Any, support_id: str) -> None:
    r = store.conn.execute(_SUPPORT_SELECT + " AND id = ?", (support_id,)).fetchone()
    if r is None:
        raise NotFound("Không tìm thấy lần hỗ trợ này.")
    store.require(Action.SUPPORT, store.households.village_of(r[1]))
    at = _now()
    with store.transaction():
        store.conn.execute(
            "UPDATE support_records SET deleted = 1, updated_at = ?, updated_device = ?"
            " WHERE id = ?",
            (at, store.device, support_id),
        )
        store.record_change("support_records", support_id, r[1], "delete", {"deleted": 0}, None, at)
        store.reindex([r[1]])
        store.notify(Change("support", [support_id]))


def list_decisions(store: Any) -> list[ListDecision]:
    """The periodic reviews' decisions recognising the lists, oldest first."""
    return [
        ListDecision(number, date.fromisoformat(day), year)
        for number, day, year in store.conn.execute(
            "SELECT d.number, d.date, r.year FROM decisions d JOIN rounds r ON r.id = d.round_id"
            " WHERE r.kind = 'periodic' ORDER BY d.date"
        )
    ]


def support_period(store: Any, on: date | None = None) -> SupportPeriod:
    """The support period of ``on`` (default today): the time the list in force on that day
    is in force (``forms.support_period``). Every count of support reads it."""
    return _support_period(list_decisions(store), on or date.today())


def support_for(
    store: Any, household_id: str, period: SupportPeriod | None = None
) -> list[SupportRecord]:
    """The household's support given in ``period`` (every one when None), oldest first."""
    return support_by_household(store, [household_id], period).get(household_id, [])


def support_by_household(
    store: Any, household_ids: list[str], period: SupportPeriod | None = None
) -> dict[str, list[SupportRecord]]:
    """household id → its support given in ``period`` (all when None), oldest first: one
    query for a whole printed list rather than one per household."""
    found: dict[str, list[SupportRecord]] = {}
    start, end = period.bounds() if period else ("", "9999-12-31")
    for chunk in range(0, len(household_ids), 500):
        ids = household_ids[chunk : chunk + 500]
        marks = ",".join("?" * len(ids))
        for r in store.conn.execute(
            _SUPPORT_SELECT + f" AND household_id IN ({marks}) AND given_on >= ? AND given_on < ?"
            " ORDER BY household_id, given_on, rowid",
            (*ids, start, end),
        ):
            found.setdefault(r[1], []).append(_support(r))
    return found


def support_records(
    store: Any, household_id: str | None = None
) -> list[tuple[SupportRecord, str, str]]:
    """Every support recorded for a household still in the file (``household_id``'s only
    when given), oldest first, with the household's code and its head's name
    (``rasoat support list``)."""
    sql = (
        "SELECT s.id, s.household_id, s.kind, s.given_on, s.programme, s.given_by, s.amount,"
        " s.note, h.code, h.head_name FROM support_records s"
        " JOIN households h ON h.id = s.household_id WHERE s.deleted = 0 AND h.deleted = 0"
    )
    args: tuple[str, ...] = ()
    if household_id is not None:
        sql += " AND s.household_id = ?"
        args = (household_id,)
    return [
        (_support(r[:8]), str(r[8]), str(r[9]))
        for r in store.conn.execute(sql + " ORDER BY s.given_on, h.code, s.rowid", args)
    ]


@dataclass(frozen=True)
class NeedLine:
    need: str  # needs.toml id
    label: str
    support: list[SupportRecord] = field(default_factory=list)

    @property
    def met(self) -> bool:
        return bool(self.support)


def needs_against_support(
    store: Any, household_id: str, period: SupportPeriod
) -> tuple[list[NeedLine], list[SupportRecord]]:
    """Each need the household stated with the period's support that answers it (a support
    kind's ``meets``), and the period's support that answers none of its needs."""
    h = store.get_household(household_id)
    if h is None:
        raise NotFound("Không tìm thấy hộ.")
    meets = {k.id: set(k.meets) for k in catalog.support_kinds()}
    given = support_for(store, household_id, period)
    lines = [
        NeedLine(
            need,
            catalog.label_of(catalog.needs(), need),
            [s for s in given if need in meets.get(s.kind, set())],
        )
        for need in h.needs
    ]
    used = {s.id for line in lines for s in line.support}
    return lines, [s for s in given if s.id not in used]


@dataclass(frozen=True)
class UnmetRow:
    household_id: str
    code: str
    head_name: str
    village: str
    category: Category
    unmet: list[str]  # need labels
    cadre: str = ""


def list_in_force(store: Any, on: date | None = None) -> Round | None:
    """The periodic round whose lists are in force on ``on`` (default today): the one the
    support period of that day follows (``report_queries.decided_base``), so a report's
    households and its support agree; while a newer review is still open, the lists are
    still the decided one's. Before any decision, the newest periodic round (the list the
    commune is making, as the household list shows)."""
    from db import report_queries

    found = report_queries.decided_base(store.conn, on or date.today())
    return store.round(found) if found else last_periodic(store)


def needs_without_support(
    store: Any, period: SupportPeriod, on: date | None = None
) -> list[UnmetRow]:
    """Poor and near-poor households of the lists in force on ``on`` (default: today; the
    round of ``list_in_force``, updated by the regular rounds decided by then, every round's
    meeting heard) with a stated need that no support given in ``period`` answered, in
    village and code order."""
    from db import report_queries

    on = on or date.today()
    rnd = list_in_force(store, on)
    if rnd is None:
        return []
    in_force, round_params = report_queries.in_force_round(
        rnd.id, report_queries.updating_rounds(store.conn, rnd.id, on)
    )
    meets = {k.id: set(k.meets) for k in catalog.support_kinds()}
    met: dict[str, set[str]] = defaultdict(set)
    for hid, kind in store.conn.execute(
        "SELECT household_id, kind FROM support_records WHERE deleted = 0"
        " AND given_on >= ? AND given_on < ?",
        period.bounds(),
    ):
        met[hid] |= meets.get(kind, set())
    needs = {n.id: n.label for n in catalog.needs()}
    order = {n: i for i, n in enumerate(needs)}  # the catalogue's order, not the index's
    cadres = cadre_names(store)
    rows: list[UnmetRow] = []
    # A household its (periodic) round's meeting sent back for re-survey is on no list; one
    # a regular round's meeting sent back keeps its earlier row (``in_force_round``).
    for hid, code, head, village, cat in store.conn.execute(
        "SELECT h.id, h.code, h.head_name, h.village, r.category FROM results r"
        " JOIN households h ON h.id = r.household_id"
        " LEFT JOIN meeting_votes v ON v.household_id = h.id AND v.round_id = r.round_id"
        " LEFT JOIN villages vi ON vi.name = h.village"
        f" WHERE r.round_id = {in_force} AND h.deleted = 0 AND r.category IN (?, ?)"
        f" AND NOT {report_queries.SENT_BACK}"
        " ORDER BY vi.position IS NULL, vi.position, h.village, h.code",
        (*round_params, *(c.value for c in LISTED)),
    ):
        stated = sorted(
            (
                n
                for (n,) in store.conn.execute(
                    "SELECT need_id FROM household_needs WHERE household_id = ?", (hid,)
                )
            ),
            key=lambda n: (order.get(n, len(order)), n),
        )
        unmet = [needs.get(n, n) for n in stated if n not in met[hid]]
        if unmet:
            rows.append(
                UnmetRow(hid, code, head, village, Category(cat), unmet, cadres.get(hid, ""))
            )
    return rows


def categories_in_force(
    store: Any, household_ids: list[str], on: date | None = None
) -> tuple[Round | None, dict[str, Category]]:
    """The periodic round of the lists in force on ``on`` (default today, ``list_in_force``)
    and each given household's category there, updated by the regular rounds decided by
    then, as ``needs_without_support`` reads them. A household the round's meeting sent back
    for re-survey, or not classified in it, has none."""
    from db import report_queries

    on = on or date.today()
    rnd = list_in_force(store, on)
    found: dict[str, Category] = {}
    if rnd is None:
        return None, found
    in_force, round_params = report_queries.in_force_round(
        rnd.id, report_queries.updating_rounds(store.conn, rnd.id, on)
    )
    for start in range(0, len(household_ids), 500):
        chunk = household_ids[start : start + 500]
        for hid, cat in store.conn.execute(
            "SELECT h.id, r.category FROM households h"
            f" JOIN results r ON r.household_id = h.id AND r.round_id = {in_force}"
            " LEFT JOIN meeting_votes v ON v.household_id = h.id AND v.round_id = r.round_id"
            f" WHERE h.id IN ({','.join('?' * len(chunk))})"
            f" AND NOT {report_queries.SENT_BACK}",
            (*round_params, *chunk),
        ):
            found[hid] = Category(cat)
    return rnd, found


def support_by_kind_and_village(store: Any, period: SupportPeriod) -> dict[str, dict[str, int]]:
    """village → support kind → number of supports given in ``period``."""
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for village, kind, n in store.conn.execute(
        "SELECT h.village, s.kind, COUNT(*) FROM support_records s"
        " JOIN households h ON h.id = s.household_id"
        " WHERE s.deleted = 0 AND h.deleted = 0 AND s.given_on >= ? AND s.given_on < ?"
        " GROUP BY h.village, s.kind",
        period.bounds(),
    ):
        out[village][kind] = n
    return dict(out)


# --- cadres ------------------------------------------------------------------------------
@dataclass(frozen=True)
class CadreAssignment:
    id: str
    household_id: str | None
    village: str | None
    cadre_name: str
    cadre_role: str


def assign_cadre(
    store: Any,
    name: str,
    role: str = "",
    *,
    household_id: str | None = None,
    village: str | None = None,
) -> CadreAssignment:
    """The cadre responsible for one household, or for a whole village (its households
    without one of their own). An empty ``name`` removes the assignment."""
    if (household_id is None) == (village is None):
        raise ValueError("assign to a household or a village, not both")
    store.require(Action.CADRES)
    if household_id is not None:
        store.households.require_stored(household_id)
    elif village not in [v.name for v in store.villages()]:
        raise NotFound(f"Không có thôn/bản “{village}”.")
    name, role = _clean(name), _clean(role)
    from forms.validate import cadre_problems

    problems = cadre_problems(
        name,
        role,
        f"Hộ {_household_code(store, household_id)}" if household_id else f"Thôn {village}",
    )
    if problems:
        raise StoreError(" ".join(problems))
    column, target = ("household_id", household_id) if household_id else ("village", village)
    old = store.conn.execute(
        "SELECT id, cadre_name, cadre_role FROM cadre_assignments"
        f" WHERE deleted = 0 AND {column} = ?",
        (target,),
    ).fetchone()
    at = _now()
    with store.transaction():
        if old is not None and (old[1], old[2]) == (name, role):
            return CadreAssignment(old[0], household_id, village, name, role)
        if old is not None:
            store.conn.execute(
                "UPDATE cadre_assignments SET deleted = 1, updated_at = ?, updated_device = ?"
                " WHERE id = ?",
                (at, store.device, old[0]),
            )
            store.record_change(
                "cadre_assignments",
                old[0],
                household_id,
                "delete",
                {"cadre_name": old[1], "cadre_role": old[2], column: target},
                None,
                at,
            )
        assignment = CadreAssignment(_uuid(), household_id, village, name, role)
        if name:
            store.conn.execute(
                "INSERT INTO cadre_assignments (id, household_id, village, cadre_name,"
                " cadre_role, created_at, created_device, updated_at, updated_device)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    assignment.id,
                    household_id,
                    village,
                    name,
                    role,
                    at,
                    store.device,
                    at,
                    store.device,
                ),
            )
            store.record_change(
                "cadre_assignments",
                assignment.id,
                household_id,
                "insert",
                None,
                {"cadre_name": name, "cadre_role": role, column: target},
                at,
            )
        store.reindex([household_id] if household_id else [], village)  # found by the cadre
        store.notify(Change("cadre", [assignment.id]))
    return assignment


def assignments(store: Any) -> list[CadreAssignment]:
    return [
        CadreAssignment(*r)
        for r in store.conn.execute(
            "SELECT id, household_id, village, cadre_name, cadre_role FROM cadre_assignments"
            " WHERE deleted = 0 ORDER BY cadre_name, village, household_id"
        )
    ]


def responsible_cadre(household: str = "h", column: str = "cadre_name") -> str:
    """The one rule for who is responsible for a household, as an SQL expression over the
    ``households`` row aliased ``household``: its own assignment, else its village's (seed 002
    asks for a cadre per village and per household; a household's own one is the exception
    that wins). ``column`` is the assignment's column wanted (``cadre_name``, ``id``). The
    list's cadre filter, the search row and the printed cadre list all go through it, so they
    cannot disagree; each lookup is one of m0010's unique partial indexes."""
    return (
        f"COALESCE((SELECT {column} FROM cadre_assignments WHERE deleted = 0"
        f" AND household_id = {household}.id),"
        f" (SELECT {column} FROM cadre_assignments WHERE deleted = 0"
        f" AND village = {household}.village))"
    )


def cadre_names(store: Any) -> dict[str, str]:
    """household id → the cadre responsible (``responsible_cadre``), live households."""
    return dict(
        store.conn.execute(
            f"SELECT h.id, {responsible_cadre()} AS cadre FROM households h"
            " WHERE h.deleted = 0 AND cadre IS NOT NULL"
        )
    )


def cadre_for(store: Any, household_id: str) -> CadreAssignment | None:
    """The household's own assignment, else its village's (``responsible_cadre``)."""
    r = store.conn.execute(
        "SELECT a.id, a.household_id, a.village, a.cadre_name, a.cadre_role"
        " FROM households h JOIN cadre_assignments a"
        f" ON a.id = {responsible_cadre(column='id')} WHERE h.id = ?",
        (household_id,),
    ).fetchone()
    return CadreAssignment(*r) if r else None


def cadres(store: Any) -> list[str]:
    """Every cadre named in an assignment, in alphabetical order."""
    return sorted({a.cadre_name for a in assignments(store)})


def households_of(store: Any, cadre_name: str) -> list[str]:
    """The ids of the households a cadre is responsible for, in code order."""
    return [
        hid
        for (hid,) in store.conn.execute(
            f"SELECT h.id FROM households h WHERE h.deleted = 0 AND {responsible_cadre()} = ?"
            " ORDER BY h.code",
            (cadre_name,),
        )
    ]
