"""Documents of an earlier, decided review reprinted once the next year's review has begun:
they show the households as that review answered them, those deleted since included, under
that review's decision. The current review's documents keep reading the live file."""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from db import certificates
from db.store import Store
from forms.classify import classify
from forms.demo import generate_households
from forms.model import Category, Household
from forms.standards import load_standard
from rasoat.cli import main
from reports import build_document
from tests.reports.conftest import COMMUNE, STANDARD, VILLAGES
from tests.reports.test_cli_report import pdf_text


@dataclass
class Commune:
    path: Path
    last_id: str  # the 2025 review, decided
    now_id: str  # the 2026 review, begun
    split: Household  # a poor household of 2025 one of whose members split off in 2026
    gone: Household  # a poor household of 2025 deleted in 2026 (moved away)
    moved: Household  # a poor household of 2025 that moved to the other village in 2026
    recoded: Household  # a poor household of 2025 given another code in 2026
    poor_2025: int  # on the 2025 decision's poor list
    # household id -> its certificate number, when the 2025 certificates were printed
    # before 2026 began (``build(printed=True)``)
    numbers: dict[str, int]


@pytest.fixture
def commune(tmp_path: Path) -> Commune:
    return build(tmp_path)


def build(tmp_path: Path, *, decided: bool = True, printed: bool = False) -> Commune:
    """``printed``: the 2025 certificates printed (their numbers given) once decided, before
    anything of 2026 happened."""
    standard = load_standard(STANDARD)
    path = tmp_path / "xa.rasoat.sqlite"
    households = list(generate_households(80, seed=7, villages=VILLAGES))
    with Store.create(path, COMMUNE, user="Kiểm thử", device="test") as store:
        for v in VILLAGES:
            store.add_village(v)
        last = store.start_round(2025, STANDARD, reference_date=date(2025, 12, 31))
        results = {}
        with store.transaction():
            for h in households:
                results[h.id] = classify(h, standard, 2025)
                store.save_household(h, round_id=last.id, result=results[h.id])
        poor = [h for h in households if results[h.id].category is Category.POOR]
        # Moved away during the review, before its decision: on none of its lists; so are
        # those whose answers could not be settled (a decision is refused while any is).
        store.delete_household(poor.pop().id)
        for h in households:
            if results[h.id].category is Category.UNDETERMINED:
                store.delete_household(h.id)
        numbers: dict[str, int] = {}
        if decided:
            store.save_decision(last.id, "88/QĐ-UBND", date(2025, 12, 15), "Lò Văn Thành")
        if printed:
            build_document("certificate", store, round_id=last.id)
            numbers = certificates.numbers(store.conn, last.id)
        split = next(h for h in poor if len(h.members) >= 3)
        gone = next(h for h in poor if h is not split)
        moved = next(h for h in poor if h.village == VILLAGES[0] and h not in (split, gone))
        # The first code of its village's poor, given a new one that sorts after them all.
        recoded = min(
            (h for h in poor if h.village == VILLAGES[1] and h not in (split, gone, moved)),
            key=lambda h: h.code,
        )
        now = store.start_round(2026, STANDARD, reference_date=date(2026, 12, 31))
        # 2026: the split household's last member leaves to found a household of their own
        # (tách hộ); another household moves away and is deleted.
        left = copy.deepcopy(split)
        leaver = left.members.pop()
        store.save_household(left, round_id=now.id, result=classify(left, standard, 2026))
        new = copy.deepcopy(split)
        new.id = str(uuid.uuid4())
        new.code = store.next_code(split.village)
        leaver.id = str(uuid.uuid4())
        new.members = [leaver]
        store.save_household(new, round_id=now.id, result=classify(new, standard, 2026))
        store.delete_household(gone.id)
        there = copy.deepcopy(moved)
        there.village = VILLAGES[1]
        store.save_household(there, round_id=now.id, result=classify(there, standard, 2026))
        renamed = copy.deepcopy(recoded)
        renamed.code = store.next_code(recoded.village)
        store.save_household(renamed, round_id=now.id, result=classify(renamed, standard, 2026))
        return Commune(path, last.id, now.id, split, gone, moved, recoded, len(poor), numbers)


def _poor_rows(store: Store, round_id: str) -> dict[str, list[object]]:
    """The final list's poor households by code: their printed cells."""
    document = build_document("final_list", store, round_id=round_id)
    table = document.tables()[0]
    return {str(r.cells[1]): list(r.cells) for r in table.data_rows() if r.cells[1]}


def test_final_list_of_the_decided_review_prints_it_as_decided(commune: Commune) -> None:
    with Store.open(commune.path, user="t", device="t") as store:
        rows = _poor_rows(store, commune.last_id)
    assert len(rows) == commune.poor_2025
    assert rows[commune.split.code][5] == len(commune.split.members)
    assert commune.gone.code in rows
    assert rows[commune.gone.code][2] == commune.gone.head_name()


def test_the_current_review_keeps_reading_the_live_file(commune: Commune) -> None:
    with Store.open(commune.path, user="t", device="t") as store:
        rows = _poor_rows(store, commune.now_id)
    assert commune.gone.code not in rows
    if commune.split.code in rows:  # still poor in 2026: as it is now
        assert rows[commune.split.code][5] == len(commune.split.members) - 1


def test_cli_final_list_of_the_earlier_round(commune: Commune, tmp_path: Path) -> None:
    out = tmp_path / "ds.pdf"
    args = ["report", "final_list", str(commune.path), "--round", commune.last_id]
    assert main([*args, "--out", str(out)]) == 0
    text = pdf_text(out)
    assert "88/QĐ-UBND" in text
    assert f"Tổng cộng: {commune.poor_2025} hộ" in text
    assert commune.gone.head_name() in text


def test_certificate_of_the_decided_review_lists_its_members(commune: Commune) -> None:
    with Store.open(commune.path, user="t", device="t") as store:
        document = build_document(
            "certificate", store, round_id=commune.last_id, household_id=commune.split.id
        )
        members = document.tables()[0]
        assert [r.cells[1] for r in members.data_rows()] == [m.name for m in commune.split.members]
        gone = build_document(
            "certificate", store, round_id=commune.last_id, household_id=commune.gone.id
        )
        assert [r.cells[1] for r in gone.tables()[0].data_rows()] == [
            m.name for m in commune.gone.members
        ]


def test_a_village_list_of_the_decided_review_has_its_households_of_then(
    commune: Commune,
) -> None:
    with Store.open(commune.path, user="t", device="t") as store:
        old, new = (
            build_document("posting_list", store, round_id=commune.last_id, village=v)
            for v in VILLAGES
        )
        now = build_document("posting_list", store, round_id=commune.now_id, village=VILLAGES[1])
        minutes = build_document(
            "meeting_minutes", store, round_id=commune.last_id, village=VILLAGES[0]
        )

    def codes(document: object) -> set[str]:
        return {str(r.cells[2]) for t in document.tables() for r in t.data_rows()}  # type: ignore[attr-defined]

    assert commune.moved.code in codes(old)
    assert commune.moved.code not in codes(new)
    assert commune.gone.code in codes(old) | codes(new)
    assert commune.moved.code in codes(now)  # this year's list: where it lives now
    said = {str(c) for t in minutes.tables() for r in t.data_rows() for c in r.cells}
    assert commune.moved.head_name() in said


def test_the_decision_of_the_decided_review_lists_it_as_decided(commune: Commune) -> None:
    with Store.open(commune.path, user="t", device="t") as store:
        document = build_document("decision", store, round_id=commune.last_id)
    poor = document.parts[1].tables()[0]
    rows = {str(r.cells[1]): r.cells for r in poor.data_rows()}
    assert len(rows) == commune.poor_2025
    assert rows[commune.split.code][5] == len(commune.split.members)
    assert commune.gone.code in rows


def test_a_review_never_decided_keeps_no_household_deleted_since(tmp_path: Path) -> None:
    """No decision recognised its lists yet: the one still to come recognises nobody who
    has moved away by then, but each household as the review answered it."""
    commune = build(tmp_path, decided=False)
    with Store.open(commune.path, user="t", device="t") as store:
        rows = _poor_rows(store, commune.last_id)
    assert commune.gone.code not in rows
    assert len(rows) == commune.poor_2025 - 1
    assert rows[commune.split.code][5] == len(commune.split.members)
