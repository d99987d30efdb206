"""The list after the village meeting: one query, read by every document and screen. The
household the meeting voted down (3 of 30 agreeing) is on the re-survey list and nowhere else."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

import reports
from db import report_queries
from db.records import HouseholdQuery
from db.store import Store
from forms.meeting import Standing, passed, put_to_meeting, standing, stands
from forms.model import Category, Transition
from reports.catalog import DOCUMENTS
from reports.review import load_review
from tests.reports.conftest import cadre_for


def _rejected(store: Store) -> tuple[str, str, str]:
    rnd = store.current_round()
    assert rnd is not None
    (vote,) = [v for v in store.meeting_votes(rnd.id) if not v.passed]
    h = store.get_household(vote.household_id)
    assert h is not None
    return h.id, h.code, h.village


def test_the_rule() -> None:
    assert passed(15, 30)
    assert not passed(14, 30)
    assert not passed(0, 0)
    assert put_to_meeting(Category.POOR, None)
    assert put_to_meeting(Category.NOT_POOR, Transition.ESCAPED_POVERTY)
    assert not put_to_meeting(Category.NOT_POOR, Transition.STAYED_OUT)
    assert standing(Category.POOR, None) is Standing.PENDING
    assert standing(Category.POOR, None, 15, 40) is Standing.SENT_BACK
    assert standing(Category.POOR, None, 20, 40) is Standing.AGREED
    # A vote left over on a household re-surveyed out of every list decides nothing.
    assert standing(Category.NOT_POOR, Transition.STAYED_OUT, 1, 40) is Standing.NOT_PUT
    assert stands(Category.NEAR_POOR, None)
    assert not stands(Category.NEAR_POOR, None, 1, 3)


def test_the_query_marks_the_household_sent_back(small_store: Store) -> None:
    hid, _code, village = _rejected(small_store)
    rnd = small_store.current_round()
    assert rnd is not None
    conn = report_queries.connection(small_store)
    listed = list(report_queries.after_meeting(conn, rnd.id))
    assert [x.household.id for x in listed if x.sent_back] == [hid]
    votes = {v.household_id: v for v in small_store.meeting_votes(rnd.id)}
    for x in listed:  # the SQL says what the pure rule says
        v = votes.get(x.household.id)
        assert x.sent_back is not stands(
            x.result.category, x.transition, v.agree if v else None, v.attendees if v else None
        )
    data = load_review(small_store, village=village)
    assert [e.household.id for e in data.sent_back()] == [hid]
    assert all(hid not in [e.household.id for e in data.in_group(g)] for g in ("poor",))
    assert hid in [e.household.id for e in data.in_group("poor", proposed=True)]


def test_counts_for_the_dashboard_and_status_bar(small_store: Store) -> None:
    _hid, _code, village = _rejected(small_store)
    raw = small_store.category_counts(HouseholdQuery(village=village))
    after = report_queries.after_meeting_counts(small_store, HouseholdQuery(village=village))
    assert after[Category.POOR] == raw[Category.POOR] - 1
    assert after[Category.UNDETERMINED] == raw[Category.UNDETERMINED] + 1
    assert sum(after.values()) == sum(raw.values())
    # A text search that does not find the household moves nothing.
    q = HouseholdQuery(text="zzzz")
    assert report_queries.after_meeting_counts(small_store, q) == small_store.category_counts(q)


def _text(path: Path) -> str:
    if path.suffix == ".pdf":
        return subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    wb = load_workbook(path)
    return "\n".join(
        str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value
    )


AFTER = [
    k
    for k in DOCUMENTS
    if k not in ("meeting_list", "meeting_minutes", "resurvey_list", "household_form")
]


@pytest.mark.parametrize("kind", AFTER)
def test_the_rejected_household_is_absent_everywhere(
    small_store: Store, tmp_path: Path, kind: str
) -> None:
    _hid, code, _village = _rejected(small_store)
    for fmt in DOCUMENTS[kind].formats:
        try:
            out = reports.build(kind, small_store, tmp_path / f"{kind}.{fmt}", fmt=fmt)
        except reports.ReportError:
            continue  # a commune-wide-only or village-only refusal has nothing to show
        assert code not in _text(out), (kind, fmt)


def test_the_resurvey_list_has_it(small_store: Store, tmp_path: Path) -> None:
    _hid, code, village = _rejected(small_store)
    for v in (None, village):
        text = " ".join(
            _text(
                reports.build("resurvey_list", small_store, tmp_path / "rs.pdf", village=v)
            ).split()
        )
        assert "DANH SÁCH HỘ CẦN RÀ SOÁT LẠI, BỔ SUNG THÔNG TIN" in text
        assert code in text
        assert "3/30 người dự họp đồng ý" in text
    # Still on the meeting's own papers: it was put to the meeting.
    for kind in ("meeting_list", "meeting_minutes"):
        out = reports.build(kind, small_store, tmp_path / f"{kind}.pdf", village=village)
        assert code in _text(out)


def test_the_dashboard_reads_the_list_after_the_meeting(small_store: Store) -> None:
    from desktop.dashboard import category_by_village
    from desktop.labels import label

    _hid, _code, village = _rejected(small_store)
    rnd = small_store.current_round()
    assert rnd is not None
    chart = category_by_village(small_store, rnd.id)
    poor = dict(chart.series)[label(Category.POOR)]
    raw = small_store.category_counts(HouseholdQuery(village=village, round_id=rnd.id))
    assert poor[chart.groups.index(village)] == raw[Category.POOR] - 1


@pytest.mark.parametrize("kind", sorted(DOCUMENTS))
def test_no_document_says_how_sure_a_rule_is(small_store: Store, tmp_path: Path, kind: str) -> None:
    # Legal confidence is for the Căn cứ pháp lý screen and docs/domain.md: an officer who
    # signs a paper reading "chưa đối chiếu" takes it as a remark about the households.
    hid, _code, _village = _rejected(small_store)
    for fmt in DOCUMENTS[kind].formats:
        try:
            out = reports.build(
                kind,
                small_store,
                tmp_path / f"{kind}.{fmt}",
                fmt=fmt,
                household_id=hid,
                cadre=cadre_for(kind),
            )
        except reports.ReportError:
            continue
        text = _text(out).casefold()
        assert [w for w in ("xác nhận", "đối chiếu", "dự thảo") if w in text] == [], (kind, fmt)


def test_reading_a_round_in_chunks_costs_what_reading_it_at_once_does(
    small_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each chunk reads its own rows, not the whole round again: SQLite's work (its virtual
    machine's steps, counted, not timed) hardly grows with the number of chunks. Paging by
    ``code > ? LIMIT`` sorted every household of the round for every chunk (issue 22: 93-187 s
    for a one-page notice of 100,000 households)."""
    rnd = small_store.current_round()
    assert rnd is not None
    conn = report_queries.connection(small_store)

    def read(chunk: int) -> tuple[list[tuple[str, bool]], int]:
        monkeypatch.setattr(report_queries, "_CHUNK", chunk)
        steps = [0]

        def count() -> int:
            steps[0] += 1
            return 0

        conn.set_progress_handler(count, 100)
        try:
            rows = [
                (x.household.code, x.sent_back) for x in report_queries.after_meeting(conn, rnd.id)
            ]
        finally:
            conn.set_progress_handler(None, 0)
        return rows, steps[0]

    at_once, once_steps = read(1000)
    chunked, chunked_steps = read(10)  # 16 chunks of the 160 households
    assert chunked == at_once
    assert [code for code, _back in at_once] == sorted(code for code, _back in at_once)
    assert len(at_once) == 160
    assert chunked_steps < 1.5 * once_steps, (chunked_steps, once_steps)
