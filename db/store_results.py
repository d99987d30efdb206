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
from db.result_docs import ResultDoc, answers_stored
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
            if not fresh and rnd.id != rounds[-1].id:
                # A first result in an earlier round (a review surveyed after September's
                # monthly round was opened) moves the rounds after it, as a changed one does.
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

    def refresh_after(self, round_id: str, at: str, household_id: str | None = None) -> None:
        """The transitions of the rounds after ``round_id`` worked out again, of
        ``household_id`` or of every household they hold: a decision saved for it, a meeting's
        verdict in it, or a first result in it changes which lists they move from
        (``forms.transitions.history_before``). Nothing to do, and one query, when it is the
        latest round, as a review being entered is."""
        rounds = self._store.setup.rounds()
        start = next((i for i, r in enumerate(rounds) if r.id == round_id), None)
        if start is None or start == len(rounds) - 1:
            return
        later = [r.id for r in rounds[start + 1 :]]
        if household_id is not None:
            ids = [household_id]
        else:
            marks = ",".join("?" * len(later))
            ids = [
                hid
                for (hid,) in self._store.conn.execute(
                    f"SELECT DISTINCT household_id FROM results WHERE round_id IN ({marks})",
                    later,
                )
            ]
        for hid in ids:
            self.refresh_later_transitions(hid, rounds[start], at, rounds)

    def refresh_later_transitions(
        self, household_id: str, rnd: Round, at: str, rounds: list[Round] | None = None
    ) -> None:
        """A corrected category changes the transitions of the rounds after it (a monthly
        round of the same year included: it moves from the lists its correction changed)."""
        rounds = rounds or self._store.setup.rounds()
        start = next((i for i, r in enumerate(rounds) if r.id == rnd.id), len(rounds))
        for later in rounds[start + 1 :]:
            row = self._store.conn.execute(
                "SELECT id, category, transition FROM results WHERE household_id = ?"
                " AND round_id = ?",
                (household_id, later.id),
            ).fetchone()
            if row is None:
                continue
            found = self._transition(household_id, later, Category(row[1]), rounds)
            value = found.value if found else None
            if value != row[2]:
                self._store.conn.execute(
                    "UPDATE results SET transition = ?, updated_at = ?, updated_device = ?"
                    " WHERE id = ?",
                    (value, at, self._store.device, row[0]),
                )
                self._store.record_change(
                    "results",
                    row[0],
                    household_id,
                    "update",
                    {"transition": row[2]},
                    {"transition": value},
                    at,
                )

    def _transition(
        self,
        household_id: str,
        rnd: Round,
        current: Category,
        rounds: list[Round] | None = None,
        *,
        fresh: bool = False,
    ) -> Transition | None:
        """Against the household's categories in the rounds before ``rnd``, as
        ``forms.transitions.history_before`` picks them, each as its meeting left it; None
        in a file's first year. ``fresh``: a household inserted in this transaction, with no
        earlier results."""
        from db.report_queries import SENT_BACK
        from forms.transitions import RoundPlace, history_before, transition_from_history

        rounds = rounds or self._store.setup.rounds()
        at = next((i for i, r in enumerate(rounds) if r.id == rnd.id), None)
        if at is None:
            return None
        earlier = rounds[:at]
        found: dict[str, Category] = {}
        decided: dict[str, date] = {}
        if not fresh and earlier:
            periodic = {r.id for r in earlier if r.kind == "periodic"}
            marks = ",".join("?" * len(earlier))
            for round_id, category, sent_back in self._store.conn.execute(
                f"SELECT r.round_id, r.category, {SENT_BACK} FROM results r"
                " LEFT JOIN meeting_votes v ON v.household_id = r.household_id"
                " AND v.round_id = r.round_id"
                f" WHERE r.household_id = ? AND r.round_id IN ({marks})",
                (household_id, *[r.id for r in earlier]),
            ):
                if not sent_back:
                    found[round_id] = Category(category)
                elif round_id in periodic:  # not determined until voted again
                    found[round_id] = Category.UNDETERMINED
                # A month's meeting that sent it back left it where it was.
            # Which lists stood when a monthly round began: its decisions' dates. A new
            # household (``fresh``) has nothing earlier, so its history is all "on no list"
            # whichever review it is compared with.
            decided = {
                round_id: date.fromisoformat(day)
                for round_id, day in self._store.conn.execute(
                    "SELECT round_id, date FROM decisions"
                )
            }
        places = [
            RoundPlace(r.id, r.kind == "periodic", decided.get(r.id), r.reference_date)
            for r in rounds
        ]
        history = history_before(places, at, found)
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
        from forms.codec import household_from_dict

        row = self._store.conn.execute(
            "SELECT doc FROM answers WHERE household_id = ? AND round_id = ? AND deleted = 0",
            (household_id, round_id),
        ).fetchone()
        if row is None:
            return None
        with naming_damage(self._store.conn, self._store.path):
            return household_from_dict(json.loads(zlib.decompress(row[0])))
