"""The Store's results part (``store.results``): a household's answers and its result in a
round, and its transition against the years before (worked out again for the later years when
a category is corrected). ``write_answers``, ``write`` and ``refresh_later_transitions`` are
the writes a merge makes inside its own transaction (``db.exchange.merge_apply``)."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from db.deep_check import naming_damage
from db.errors import NotFound
from db.households import diff, household_doc, household_from_docs
from db.records import Change, Round
from db.result_docs import ResultDoc, answers_household, answers_stored
from db.store_stamps import new_id, now_utc
from forms.codec import loads
from forms.model import Category, Household, Transition
from forms.roles import Action

if TYPE_CHECKING:
    from db.store import Store
    from forms.classify import Result


_INSERT_ANSWERS = "INSERT INTO answers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)"
_INSERT_RESULT = (
    "INSERT INTO results (id, household_id, round_id, category, b1_score, deprivation_count,"
    " transition, standard_id, engine_version, doc, created_at, created_device, updated_at,"
    " updated_device) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


class Results:
    def __init__(self, store: Store) -> None:
        self._store = store

    def save(self, household_id: str, round_id: str, result: Result) -> None:
        """Only the round's result (reclassification), with its audit row."""
        self._store.require(Action.EDIT_HOUSEHOLD, self._store.households.village_of(household_id))
        with self._store.transaction():
            self.write(household_id, round_id, result, now_utc())
            self._store.notify(Change("household", [household_id]))

    def write_answers(
        self,
        h: Household,
        round_id: str,
        at: str,
        docs: tuple[dict[str, Any], list[dict[str, Any]]] | None = None,
        *,
        rev: str | None = None,
        checked: bool = False,
        fresh: bool = False,
    ) -> None:
        """``rev``: the household's current rev when the caller knows it; ``checked``: the
        round is known to exist; ``fresh``: the household's row was inserted in this
        transaction, so it has no answers yet."""
        if not checked and self._store.setup.round(round_id) is None:
            raise NotFound("Không tìm thấy kỳ rà soát.")
        text = answers_stored(docs or household_doc(h))
        if rev is None:
            query = "SELECT rev FROM households WHERE id = ?"
            rev = str(self._store.conn.execute(query, (h.id,)).fetchone()[0])
        old = None
        if not fresh:
            old = self._store.conn.execute(
                "SELECT id, household_rev, doc FROM answers WHERE household_id = ?"
                " AND round_id = ?",
                (h.id, round_id),
            ).fetchone()
        if old is None:
            self._store.conn.execute(
                _INSERT_ANSWERS, self._new_answers(h.id, round_id, text, rev, at)
            )
        elif zlib.decompress(old[2]) != zlib.decompress(text):
            self._store.conn.execute(
                "UPDATE answers SET household_rev = ?, doc = ?, updated_at = ?,"
                " updated_device = ? WHERE id = ?",
                (rev, text, at, self._store.device, old[0]),
            )
            self._store.record_change(
                "answers",
                old[0],
                h.id,
                "update",
                {"household_rev": old[1]},
                {"household_rev": rev},
                at,
            )

    def write(
        self,
        household_id: str,
        round_id: str,
        result: Result,
        at: str,
        *,
        rounds: list[Round] | None = None,
        fresh: bool = False,
    ) -> None:
        """``rounds``: ``store.setup.rounds()`` when the caller has just read it; ``fresh``:
        the household's row was inserted in this transaction (no result or history of its
        own)."""
        rounds = rounds or self._store.setup.rounds()
        rnd = next((r for r in rounds if r.id == round_id), None)
        if rnd is None:
            raise NotFound("Không tìm thấy kỳ rà soát.")
        old = None
        if not fresh:
            old = self._store.conn.execute(
                "SELECT id, doc, transition FROM results WHERE household_id = ? AND round_id = ?",
                (household_id, round_id),
            ).fetchone()
        if old is None:
            self._store.conn.execute(
                _INSERT_RESULT,
                self._new_result(household_id, rnd, ResultDoc.of(result), at, rounds, fresh=fresh),
            )
            if (
                not fresh
                and len(rounds) > 1
                and (rnd.id != rounds[-1].id or rnd.kind != "periodic")
            ):
                # A first result in an earlier round (a review surveyed after September's
                # monthly round was opened, a month typed in late) moves the rounds that move
                # from it, as a changed one does.
                self.refresh_later_transitions(household_id, rnd, at, rounds)
            return
        summary, values = self._summary(household_id, rnd, ResultDoc.of(result), rounds)
        doc = values[-1]
        if old[1] == doc and old[2] == summary["transition"]:
            return
        old_summary = json.loads(old[1])
        old_view = {k: old_summary.get(k) for k in summary}
        old_view["transition"] = old[2]
        before, after = diff(old_view, summary)
        self._store.conn.execute(
            "UPDATE results SET category = ?, b1_score = ?, deprivation_count = ?, transition = ?,"
            " standard_id = ?, engine_version = ?, doc = ?, updated_at = ?, updated_device = ?"
            " WHERE id = ?",
            (*values, at, self._store.device, old[0]),
        )
        if not before and not after:
            before, after = {"detail": "changed"}, {"detail": "changed"}
        self._store.record_change("results", old[0], household_id, "update", before, after, at)
        if "category" in after:
            self.refresh_later_transitions(household_id, rnd, at)

    def first_rows(
        self,
        h: Household,
        docs: tuple[dict[str, Any], list[dict[str, Any]]] | None,
        rev: str,
        result: Result | ResultDoc | None,
        rnd: Round,
        rounds: list[Round],
        at: str,
        *,
        answers: bytes | None = None,
    ) -> tuple[tuple[Any, ...], tuple[Any, ...] | None]:
        """The answers row and result row (or None) of a household whose own row was inserted
        in this transaction, their audit rows recorded: what ``write_answers`` and ``write``
        write for it, without their lookups (it has no answers, result or history yet), for
        ``insert_first_rows`` to write with those of many households (``households.save_many``,
        a merge). ``result``: as classified, or a package's document (``result_doc``);
        ``answers``: the answers as stored (``answers_bytes``) from the documents' texts the
        caller has encoded; ``docs`` are not read then."""
        text = (
            answers_stored(docs if docs is not None else household_doc(h))
            if answers is None
            else answers
        )
        row = self._new_answers(h.id, rnd.id, text, rev, at)
        if result is None:
            return row, None
        doc = result if isinstance(result, ResultDoc) else ResultDoc.of(result)
        return row, self._new_result(h.id, rnd, doc, at, rounds, fresh=True)

    def insert_first_rows(
        self, answers: Sequence[tuple[Any, ...]], results: Sequence[tuple[Any, ...]]
    ) -> None:
        """Rows made by ``first_rows``, one statement a table."""
        self._store.conn.executemany(_INSERT_ANSWERS, answers)
        self._store.conn.executemany(_INSERT_RESULT, results)

    def _new_answers(
        self, household_id: str, round_id: str, text: bytes, rev: str, at: str
    ) -> tuple[Any, ...]:
        """The row of a household's first answers in a round, its audit row recorded."""
        answer_id = new_id()
        new = {"round_id": round_id, "household_rev": rev}
        self._store.record_change("answers", answer_id, household_id, "insert", None, new, at)
        device = self._store.device
        return (answer_id, household_id, round_id, rev, text, at, device, at, device)

    def _new_result(
        self,
        household_id: str,
        rnd: Round,
        result: ResultDoc,
        at: str,
        rounds: list[Round],
        *,
        fresh: bool,
    ) -> tuple[Any, ...]:
        """The row of a household's first result in a round, its audit row recorded."""
        summary, values = self._summary(household_id, rnd, result, rounds, fresh=fresh)
        result_id = new_id()
        self._store.record_change("results", result_id, household_id, "insert", None, summary, at)
        device = self._store.device
        return (result_id, household_id, rnd.id, *values, at, device, at, device)

    def _summary(
        self,
        household_id: str,
        rnd: Round,
        result: ResultDoc,
        rounds: list[Round],
        *,
        fresh: bool = False,
    ) -> tuple[dict[str, Any], tuple[Any, ...]]:
        """(what the audit row says of a result, the values of its row from ``category``
        to ``doc``)."""
        transition = self._transition(household_id, rnd, result.category, rounds, fresh=fresh)
        summary = {
            "category": result.category.value,
            "b1_score": result.b1_score,
            "deprivation_count": result.deprivation_count,
            "transition": transition.value if transition else None,
            "standard_id": result.standard_id,
            "standard_version": result.standard_version,
            "engine_version": result.engine_version,
            "reasons": result.reasons,
        }
        values = (
            summary["category"],
            result.b1_score,
            result.deprivation_count,
            summary["transition"],
            result.standard_id,
            result.engine_version,
            result.text,
        )
        return summary, values

    def refresh_after(
        self, round_id: str, at: str, household_id: str | None = None, *, decision: bool = False
    ) -> None:
        """The transitions that ``round_id`` is part of worked out again: of ``household_id``
        (a meeting's verdict in it, a first or corrected result in it), or, for a decision
        saved for it (``decision``), of the households it can move: for a month's, those it
        reviewed; for a review's, those of every monthly round, which move from the review
        decided by their day (``forms.transitions.history_before``). One query when nothing
        can move, as while a review is being entered."""
        rounds = self._store.setup.rounds()
        changed = next((r for r in rounds if r.id == round_id), None)
        if changed is None:
            return
        months = [r.id for r in rounds if r.kind != "periodic" and r.id != round_id]
        if household_id is not None:
            ids = [household_id]
        elif changed.kind != "periodic":
            ids = [hid for (hid,) in self._store.conn.execute(
                "SELECT household_id FROM results WHERE round_id = ?", (round_id,)
            )]  # fmt: skip
        elif months:
            marks = ",".join("?" * len(months))
            ids = [hid for (hid,) in self._store.conn.execute(
                f"SELECT DISTINCT household_id FROM results WHERE round_id IN ({marks})", months
            )]  # fmt: skip
        else:
            return
        only_months = decision and changed.kind == "periodic"
        for hid in ids:
            self.refresh_later_transitions(hid, changed, at, rounds, only_months=only_months)

    def refresh_later_transitions(
        self,
        household_id: str,
        rnd: Round,
        at: str,
        rounds: list[Round] | None = None,
        *,
        only_months: bool = False,
    ) -> None:
        """A corrected category (or a verdict, a decision, a first result) in ``rnd`` changes
        the transitions of the rounds that move from it: the periodic reviews after it and
        the monthly rounds, which move from the lists in force on their day wherever they sit
        in the file's order (``only_months``: those alone). The household's rows are read
        once for all of them."""
        rounds = rounds or self._store.setup.rounds()
        start = next((i for i, r in enumerate(rounds) if r.id == rnd.id), len(rounds))
        targets = {
            r.id: r
            for i, r in enumerate(rounds)
            if r.id != rnd.id and (r.kind != "periodic" or (i > start and not only_months))
        }
        if not targets:
            return
        rows = [
            row
            for row in self._store.conn.execute(
                "SELECT id, round_id, category, transition FROM results WHERE household_id = ?",
                (household_id,),
            )
            if row[1] in targets
        ]
        if not rows:
            return
        inputs = self._history_inputs(household_id, rounds)
        for result_id, target, category, stored in rows:
            found = self._transition(
                household_id, targets[target], Category(category), rounds, inputs=inputs
            )
            value = found.value if found else None
            if value != stored:
                self._store.conn.execute(
                    "UPDATE results SET transition = ?, updated_at = ?, updated_device = ?"
                    " WHERE id = ?",
                    (value, at, self._store.device, result_id),
                )
                self._store.record_change(
                    "results",
                    result_id,
                    household_id,
                    "update",
                    {"transition": stored},
                    {"transition": value},
                    at,
                )

    def _history_inputs(
        self, household_id: str, rounds: list[Round]
    ) -> tuple[dict[str, Category], dict[str, date]]:
        """What a household's transitions are worked out from: its category in each round,
        as the round's meeting left it (a review's household sent back not determined, a
        month's sent back left out: it stayed where it was), and the decisions' dates (read
        only when a monthly round exists: only months depend on them)."""
        from db.report_queries import SENT_BACK
        from forms.transitions import as_meeting_left

        periodic = {r.id for r in rounds if r.kind == "periodic"}
        found: dict[str, Category] = {}
        for round_id, category, sent_back in self._store.conn.execute(
            f"SELECT r.round_id, r.category, {SENT_BACK} FROM results r"
            " LEFT JOIN meeting_votes v ON v.household_id = r.household_id"
            " AND v.round_id = r.round_id WHERE r.household_id = ?",
            (household_id,),
        ):
            left = as_meeting_left(Category(category), bool(sent_back), round_id in periodic)
            if left is not None:
                found[round_id] = left
        return found, self.decided_on() if len(periodic) < len(rounds) else {}

    def decided_on(self) -> dict[str, date]:
        """Each decided round's decision date."""
        return {
            round_id: date.fromisoformat(day)
            for round_id, day in self._store.conn.execute("SELECT round_id, date FROM decisions")
        }

    def _transition(
        self,
        household_id: str,
        rnd: Round,
        current: Category,
        rounds: list[Round] | None = None,
        *,
        fresh: bool = False,
        inputs: tuple[dict[str, Category], dict[str, date]] | None = None,
    ) -> Transition | None:
        """Against the household's categories in the rounds ``rnd`` moves from, as
        ``forms.transitions.history_before`` picks them, each as its meeting left it; None
        in a file's first year. ``fresh``: a household inserted in this transaction, with no
        other results (its history all "on no list", whichever review it is compared with);
        ``inputs``: ``_history_inputs`` just read."""
        from forms.transitions import history_before, transition_from_history

        rounds = rounds or self._store.setup.rounds()
        at = next((i for i, r in enumerate(rounds) if r.id == rnd.id), None)
        if at is None:
            return None
        found: dict[str, Category] = {}
        decided: dict[str, date] = {}
        if not fresh and len(rounds) > 1:
            found, decided = inputs or self._history_inputs(household_id, rounds)
        elif rnd.kind != "periodic" and len(rounds) > 1:
            decided = self.decided_on()  # which review a month moves from, even for a new one
        history = history_before([r.place(decided.get(r.id)) for r in rounds], at, found)
        if history is None:
            return None
        return transition_from_history(history, current)

    def for_round(self, round_id: str) -> Iterator[tuple[Household, Result]]:
        """(household, its result) for every live household classified in the round."""
        from forms.classify import result_from_dict

        last = ""
        while True:
            # CROSS JOIN keeps households (code order, from the index) as the outer loop: each
            # chunk then costs its own rows, not a scan of the whole round.
            rows = self._store.conn.execute(
                "SELECT h.id, h.code, h.doc, r.doc FROM households h CROSS JOIN results r"
                " ON r.household_id = h.id AND r.round_id = ? WHERE h.deleted = 0 AND h.code > ?"
                f" ORDER BY h.code LIMIT {self._store.households.CHUNK}",
                (round_id, last),
            ).fetchall()
            if not rows:
                return
            members = self._store.households.member_docs([r[0] for r in rows])
            # Each household decoded when it is asked for, not the chunk's 500 first: a
            # decoded chunk, alive while it was handed out, was traced by the cyclic garbage
            # collector again and again (a fifth of the CPU of loading 100,000 households);
            # one at a time, what a caller drops is freed at once and leaves nothing to trace.
            for hid, _code, doc, rdoc in rows:
                with naming_damage(self._store.conn, self._store.path):
                    pair = (household_from_docs(doc, members[hid]), result_from_dict(loads(rdoc)))
                yield pair  # outside the with: what a caller throws in here is not damage
            last = rows[-1][1]

    def get(self, household_id: str, round_id: str) -> Result | None:
        from forms.classify import result_from_dict

        row = self._store.conn.execute(
            "SELECT doc FROM results WHERE household_id = ? AND round_id = ?",
            (household_id, round_id),
        ).fetchone()
        if row is None:
            return None
        with naming_damage(self._store.conn, self._store.path):
            return result_from_dict(json.loads(row[0]))

    def answers(self, household_id: str, round_id: str) -> Household | None:
        """The household as it was answered in that round (its last save in the round)."""
        row = self._store.conn.execute(
            "SELECT doc FROM answers WHERE household_id = ? AND round_id = ? AND deleted = 0",
            (household_id, round_id),
        ).fetchone()
        if row is None:
            return None
        with naming_damage(self._store.conn, self._store.path):
            return answers_household(row[0])
