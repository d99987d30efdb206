"""Communes for the report tests, written through the real Store into real SQLite files.

``small_commune``: two villages, two rounds (2025 and 2026) so that transitions exist, a
meeting vote, a posting and a decision. ``big_village``: one village of 2,000 households, built
once per session (page breaks and repeated headers on a long list).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from db import year_round
from db.records import CommuneInfo
from db.store import Store
from forms.classify import classify
from forms.demo import generate_households
from forms.model import Area, Category
from forms.standards import load_standard

VILLAGES = ["Thôn Đồng Tâm", "Bản Nà Hin"]
COMMUNE = CommuneInfo("12", "Tỉnh Lai Châu", "03430", "Xã Bình Lư", Area.RURAL)
STANDARD = "nd07-2022-2025"
CADRE = "Hoàng Văn Dũng"  # the small file's cadre of VILLAGES[0]


def store_for(kind: str, request: pytest.FixtureRequest) -> Store:
    """The store a test prints ``kind`` from: the small commune, finished (``settle``) for the
    decision, which is refused while a household has no category."""
    store: Store = request.getfixturevalue("settled_store" if kind == "decision" else "small_store")
    return store


def cadre_for(kind: str) -> str | None:
    """The cadre a document of ``kind`` is printed for in these tests (None: not a cadre's)."""
    from reports.catalog import DOCUMENTS

    return CADRE if "cadre" in DOCUMENTS[kind].params else None


def build_commune(
    path: Path, n: int, villages: list[str], *, seed: int = 3, last_year: bool = True
) -> Path:
    standard = load_standard(STANDARD)
    households = list(generate_households(n, seed=seed, villages=villages))
    with Store.create(path, COMMUNE, user="Kiểm thử", device="test") as store:
        for v in villages:
            store.add_village(v)
        last = store.start_round(2025, STANDARD, reference_date=date(2025, 12, 31))
        with store.transaction():
            for i, h in enumerate(households if last_year else []):
                # Last year's answers differ for some households, so that the 2026 round
                # shows every kind of movement (escapes, newly poor, fell back…).
                before = copy.deepcopy(h)
                if before.b1_total is not None and i % 3 == 0:
                    before.b1_total += 40 if i % 2 else -40
                store.save_household(
                    before, round_id=last.id, result=classify(before, standard, 2025)
                )
        now = store.start_round(2026, STANDARD, reference_date=date(2026, 12, 31))
        with store.transaction():
            for h in households:
                store.save_household(h, round_id=now.id, result=classify(h, standard, 2026))
    return path


@pytest.fixture(scope="session")
def small_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = build_commune(tmp_path_factory.mktemp("small") / "xa.rasoat.sqlite", 160, VILLAGES)
    with Store.open(path, user="Kiểm thử", device="test") as store:
        rnd = store.current_round()
        assert rnd is not None
        rows = list(store.results_for_round(rnd.id))
        poor = [h for h, r in rows if r.category is Category.POOR and h.village == VILLAGES[0]]
        for i, h in enumerate(poor):
            agree = 3 if i == 0 else 20  # the first poor household fails the ≥ 50% rule
            store.save_meeting_vote(
                h.id, rnd.id, agree=agree, attendees=30, meeting_date=date(2026, 11, 10)
            )
        store.save_posting(rnd.id, VILLAGES[0], date(2026, 11, 12), date(2026, 11, 18))
        store.save_posting(rnd.id, "", date(2026, 11, 13), date(2026, 11, 19))
        store.save_decision(rnd.id, "125/QĐ-UBND", date(2026, 12, 10), "Lò Văn Thành")
        # A cadre for the first village: every document of the catalog can be printed,
        # a cadre's households included (issue 24).
        year_round.assign_cadre(store, CADRE, "Trưởng thôn", village=VILLAGES[0])
    return path


@pytest.fixture
def small_store(small_file: Path) -> Iterator[Store]:
    with Store.open(small_file, user="Kiểm thử", device="test") as store:
        yield store


def settle(store: Store) -> None:
    """Every household of the current round given a category, as a review finished before
    its decision is: the household the meeting sent back agreed at a second vote, those
    whose answers cannot be settled deleted (moved away)."""
    from reports.decision import unsettled
    from reports.review import load_review

    rnd = store.current_round()
    assert rnd is not None
    for entry in unsettled(load_review(store)):
        if entry.sent_back:
            store.save_meeting_vote(
                entry.id, rnd.id, agree=25, attendees=30, meeting_date=date(2026, 11, 20)
            )
        else:
            store.delete_household(entry.id)


@pytest.fixture(scope="session")
def settled_file(small_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``small_file`` with its review finished (``settle``): what a decision is made from."""
    import shutil

    path = tmp_path_factory.mktemp("settled") / "xa.rasoat.sqlite"
    shutil.copyfile(small_file, path)  # closed, so whole (a Store checkpoints as it closes)
    with Store.open(path, user="Kiểm thử", device="test") as store:
        settle(store)
    return path


@pytest.fixture
def settled_store(settled_file: Path) -> Iterator[Store]:
    with Store.open(settled_file, user="Kiểm thử", device="test") as store:
        yield store


@pytest.fixture(scope="session")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_commune(
        tmp_path_factory.mktemp("big") / "xa.rasoat.sqlite",
        2000,
        ["Thôn Đồng Tâm"],
        seed=5,
        last_year=False,
    )
