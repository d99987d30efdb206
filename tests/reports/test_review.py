"""The query layer: one village read without decoding the others, the same rows as the Store."""

from __future__ import annotations

from pathlib import Path

import pytest

from db import report_queries
from db.store import Store
from reports.review import ReportError, load_review, village_title
from tests.reports.conftest import COMMUNE, VILLAGES


def test_round_results_of_one_village_match_the_store(small_store: Store) -> None:
    rnd = small_store.current_round()
    assert rnd is not None
    expected = {
        h.id: r.category
        for h, r in small_store.results_for_round(rnd.id)
        if h.village == VILLAGES[1]
    }
    conn = report_queries.connection(small_store)
    got = list(report_queries.round_results(conn, rnd.id, VILLAGES[1]))
    assert {h.id: r.category for h, r, _t in got} == expected
    assert [h.code for h, _r, _t in got] == sorted(h.code for h, _r, _t in got)
    assert any(t is not None for _h, _r, t in got)  # 2026 compared with 2025


def test_load_review_by_year_and_village(small_store: Store) -> None:
    data = load_review(small_store, "2025", village=VILLAGES[0])
    assert data.year == 2025
    assert {e.household.village for e in data.entries} == {VILLAGES[0]}
    assert all(e.transition is None for e in data.entries)  # the file's first year
    assert data.commune_full == "xã Bình Lư"
    assert data.commune_title == "Xã Bình Lư"
    assert data.commune_issuer() == ["ỦY BAN NHÂN DÂN", "XÃ BÌNH LƯ"]
    assert data.decision is None  # the decision belongs to 2026
    with pytest.raises(ReportError, match="Không tìm thấy kỳ rà soát 1990"):
        load_review(small_store, "1990")


def test_village_titles() -> None:
    assert village_title("Đông") == "Thôn Đông"
    assert village_title("Bản  Nà Hin") == "Bản Nà Hin"
    assert village_title("Tổ dân phố 3") == "Tổ dân phố 3"


def test_a_file_without_rounds_says_so(tmp_path: Path) -> None:
    with (
        Store.create(tmp_path / "x.sqlite", COMMUNE, user="t", device="t") as store,
        pytest.raises(ReportError, match="chưa có kỳ rà soát"),
    ):
        load_review(store)


def test_entries_keep_a_few_fields_and_read_the_rest_again(
    small_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Issue 22: a round's entries do not hold its households; a row reads its household and
    # result from the file again, a few at a time (windows and a small decoded set here).
    from reports.review import _Reader

    monkeypatch.setattr(_Reader, "WINDOW", 4)
    monkeypatch.setattr(_Reader, "KEEP", 3)
    rnd = small_store.current_round()
    assert rnd is not None
    data = load_review(small_store)
    assert data.entries
    assert all(e._household is None and e._result is None for e in data.entries)
    stored = {h.id: (h, r) for h, r in small_store.results_for_round(rnd.id)}
    for e in [*data.entries, *reversed(data.entries)]:
        h, r = stored[e.id]
        assert e.household == h
        assert e.result == r
        assert (e.code, e.village, e.size, e.causes) == (
            h.code,
            h.village,
            h.size(),
            tuple(h.causes),
        )
        assert (e.result_category, e.deprived) == (r.category, tuple(r.deprived_ids))
