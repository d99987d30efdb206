"""The calls the application makes on a ``Store``, each one line into the part that holds it
(Anki's ``Collection`` keeps such calls too): officers' code, reports and the command line
keep calling ``store.save_household(...)`` while the work lives in ``store.households``.
Nothing is implemented here; a new call goes into its part first, and here only if callers
outside ``db`` need it by this name."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping, Sequence
    from datetime import date

    from db.records import (
        AuditEntry,
        Complaint,
        Decision,
        HouseholdQuery,
        HouseholdRow,
        MeetingVote,
        Posting,
        Round,
        RoundKind,
        Village,
    )
    from db.store_history import History
    from db.store_households import Households
    from db.store_lists import Lists
    from db.store_results import Results
    from db.store_review import Review
    from db.store_setup import Setup
    from forms.classify import Result
    from forms.model import Category, Household, Transition


class StoreCalls:
    setup: Setup
    households: Households
    results: Results
    lists: Lists
    review: Review
    history: History

    # --- villages and rounds (db/store_setup.py) ------------------------------------------
    def villages(self) -> list[Village]:
        return self.setup.villages()

    def add_village(self, name: str, code: str | None = None) -> Village:
        return self.setup.add_village(name, code)

    def rename_village(self, village_id: str, name: str) -> None:
        self.setup.rename_village(village_id, name)

    def start_round(
        self,
        year: int,
        standard_id: str,
        kind: RoundKind = "periodic",
        reference_date: date | None = None,
    ) -> Round:
        return self.setup.start_round(year, standard_id, kind, reference_date)

    def rounds(self) -> list[Round]:
        return self.setup.rounds()

    def round(self, round_id: str) -> Round | None:
        return self.setup.round(round_id)

    def current_round(self) -> Round | None:
        return self.setup.current_round()

    def open_regular_round(self) -> Round | None:
        return self.setup.open_regular_round()

    def previous_round(self, round_id: str) -> Round | None:
        return self.setup.previous_round(round_id)

    # --- households (db/store_households.py) ----------------------------------------------
    def next_code(self, village: str = "") -> str:
        return self.households.next_code(village)

    def save_household(
        self,
        h: Household,
        *,
        round_id: str | None = None,
        result: Result | None = None,
        expected_rev: str | None = None,
    ) -> None:
        self.households.save(h, round_id=round_id, result=result, expected_rev=expected_rev)

    def save_households(
        self,
        items: Sequence[tuple[Household, Result | None]],
        *,
        round_id: str | None = None,
    ) -> None:
        self.households.save_many(items, round_id=round_id)

    def reindex(
        self,
        household_ids: Iterable[str] = (),
        village: str | None = None,
        *,
        known: Mapping[str, Household | str] | None = None,
    ) -> None:
        self.households.reindex(household_ids, village, known=known)

    def delete_household(self, household_id: str) -> None:
        self.households.delete(household_id)

    def restore_household(self, household_id: str) -> Household:
        from db import undelete

        return undelete.restore(self, household_id)

    def get_household(self, household_id: str) -> Household | None:
        return self.households.get(household_id)

    def household_by_code(self, code: str) -> Household | None:
        return self.households.by_code(code)

    def household_rev(self, household_id: str) -> tuple[str, bool] | None:
        return self.households.rev(household_id)

    def iter_households(self, village: str | None = None) -> Iterator[Household]:
        return self.households.each(village)

    def household_stored(self, household_id: str) -> bool:
        return self.households.stored(household_id)

    # --- answers and results (db/store_results.py) ----------------------------------------
    def save_result(self, household_id: str, round_id: str, result: Result) -> None:
        self.results.save(household_id, round_id, result)

    def results_for_round(self, round_id: str) -> Iterator[tuple[Household, Result]]:
        return self.results.for_round(round_id)

    def result_for(self, household_id: str, round_id: str) -> Result | None:
        return self.results.get(household_id, round_id)

    def answers_for(self, household_id: str, round_id: str) -> Household | None:
        return self.results.answers(household_id, round_id)

    # --- the household list and search (db/store_lists.py) --------------------------------
    def list_households(self, q: HouseholdQuery) -> list[HouseholdRow]:
        return self.lists.page(q)

    def count_households(self, q: HouseholdQuery) -> int:
        return self.lists.count(q)

    def category_counts(self, q: HouseholdQuery) -> dict[Category, int]:
        return self.lists.category_counts(q)

    def cause_counts(self, q: HouseholdQuery) -> dict[str, int]:
        return self.lists.cause_counts(q)

    def need_counts(self, q: HouseholdQuery) -> dict[str, int]:
        return self.lists.need_counts(q)

    def search(self, text: str, limit: int = 50) -> list[HouseholdRow]:
        return self.lists.search(text, limit)

    # --- meeting, posting, complaints, decision (db/store_review.py) ----------------------
    def save_meeting_vote(
        self,
        household_id: str,
        round_id: str,
        *,
        agree: int,
        attendees: int,
        note: str = "",
        meeting_date: date | None = None,
    ) -> MeetingVote:
        return self.review.save_vote(
            household_id,
            round_id,
            agree=agree,
            attendees=attendees,
            note=note,
            meeting_date=meeting_date,
        )

    def delete_meeting_vote(self, household_id: str, round_id: str) -> MeetingVote:
        return self.review.delete_vote(household_id, round_id)

    def meeting_votes(
        self, round_id: str, village: str | None = None, household_id: str | None = None
    ) -> list[MeetingVote]:
        return self.review.votes(round_id, village, household_id)

    def meeting_agenda(
        self,
        round_id: str,
        village: str,
        *,
        categories: Iterable[Category],
        transitions: Iterable[Transition],
    ) -> list[tuple[HouseholdRow, MeetingVote | None]]:
        return self.review.agenda(round_id, village, categories=categories, transitions=transitions)

    def save_posting(self, round_id: str, village: str, start: date, end: date) -> Posting:
        return self.review.save_posting(round_id, village, start, end)

    def postings(self, round_id: str) -> list[Posting]:
        return self.review.postings(round_id)

    def add_complaint(
        self,
        round_id: str,
        household_id: str | None,
        complainant: str,
        content: str,
        received: date,
    ) -> Complaint:
        return self.review.add_complaint(round_id, household_id, complainant, content, received)

    def resolve_complaint(self, complaint_id: str, outcome: str) -> None:
        self.review.resolve_complaint(complaint_id, outcome)

    def complaints(self, round_id: str) -> list[Complaint]:
        return self.review.complaints(round_id)

    def save_decision(self, round_id: str, number: str, date: date, signer: str) -> Decision:
        return self.review.save_decision(round_id, number, date, signer)

    def decision(self, round_id: str) -> Decision | None:
        return self.review.decision(round_id)

    # --- history (db/store_history.py) --------------------------------------------------
    def audit_for_household(self, household_id: str) -> list[AuditEntry]:
        return self.history.for_household(household_id)

    def audit_for_row(self, table: str, row_id: str) -> list[AuditEntry]:
        return self.history.for_row(table, row_id)

    def household_revs(self, household_id: str) -> list[tuple[str, str | None, str, str, str]]:
        return self.history.household_revs(household_id)
