"""The province's lists of the households that left poverty and near-poverty in a commune's
review (``rasoat registry report --kind escaped``), held equal to the commune's own
"Danh sách hộ thoát nghèo, thoát cận nghèo" of the same file (``reports.lists.escaped_list``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl

from db.exchange.export import export_package
from db.records import HouseholdQuery
from db.store import Store
from forms.model import Category, Transition
from rasoat.cli import main
from registry import queries
from registry.database import connect, init
from registry.load import commune_code_of, load_packages
from registry.throwaway import Cluster
from reports.review import ESCAPED_NEAR_POVERTY, ESCAPED_POVERTY, load_review
from tests.registry.packages import staff_login
from tests.reports.test_year_round_reports import _demo, march_verdicts

GROUPS = {ESCAPED_POVERTY: "Hộ thoát nghèo", ESCAPED_NEAR_POVERTY: "Hộ thoát cận nghèo"}


def _escapes(tmp_path: Path) -> Path:
    """The demo commune (its 2026 meeting sent one household back) whose 2026 review moved
    two households off the poor list (one above the near-poor line, one to it) and two off
    the near-poor list (one above it, one down to the poor list); the review decided, then a
    March 2027 month took a poor household off the list (``march_verdicts``)."""
    path = _demo(tmp_path)
    with Store.open(path, user="Cán bộ", device="laptop-1") as store:
        review = store.current_round()
        assert review is not None
        entries = load_review(store, review.id).entries
        like = {c: next(e.result for e in entries if e.category is c) for c in Category}
        stayed = {
            t: [e.household for e in entries if e.transition is t]
            for t in (Transition.STAYED_POOR, Transition.STAYED_NEAR_POOR)
        }
        poor, near = stayed[Transition.STAYED_POOR], stayed[Transition.STAYED_NEAR_POOR]
        for h, to in (
            (poor[-1], Category.NOT_POOR),
            (poor[-2], Category.NEAR_POOR),
            (near[-1], Category.NOT_POOR),
            (near[-2], Category.POOR),
        ):
            store.save_household(h, round_id=review.id, result=like[to])
        store.save_decision(review.id, "300/QĐ-UBND", date(2026, 12, 15), "Nguyễn Văn Hùng")
        march_verdicts(store, review.id)
        assert len(store.list_households(HouseholdQuery())) == 80
        export_package(store, tmp_path / "thang3.rasoat")
    return tmp_path / "thang3.rasoat"


def _communes_lists(path: Path, year: int) -> tuple[str, dict[str, list[tuple[str, str]]]]:
    """The commune's code and its escaped lists of the review of ``year``: (code, movement)."""
    with Store.open(path, user="Cán bộ", device="laptop-1") as store:
        code = commune_code_of(store.commune().commune_code)
        data = load_review(store, str(year))
    lists = {
        group: sorted((e.code, e.transition.value) for e in data.in_group(group) if e.transition)
        for group in GROUPS
    }
    return code, lists


def _provinces_lists(lists: queries.Escaped) -> dict[str, list[tuple[str, str]]]:
    from reports.review import ESCAPES_POVERTY, LEAVES_NEAR_POVERTY

    moves = {ESCAPED_POVERTY: ESCAPES_POVERTY, ESCAPED_NEAR_POVERTY: LEAVES_NEAR_POVERTY}
    return {
        group: sorted((h.code, h.transition.value) for h in lists.households if h.transition in m)
        for group, m in moves.items()
    }


def test_the_escaped_lists_are_the_communes_own(pg_cluster: Cluster, tmp_path: Path) -> None:
    """The demo commune's 2026 review (its meeting sent one household back), then a March
    2027 month that took a poor household off the list: the 2026 lists are the review's, as
    the commune prints them, not the lists in force after March."""
    march = _escapes(tmp_path)
    code, commune = _communes_lists(tmp_path / "demo.rasoat.sqlite", 2026)
    assert [len(commune[g]) for g in GROUPS] == [2, 2]
    dsn = pg_cluster.create_database("registry_escaped")
    with connect(dsn) as conn:
        init(conn, "15")
        load_packages(conn, [march], user="Cán bộ tỉnh", trust_new=True)
        lists = queries.escaped(conn, code, 2026)
        assert lists.previous_year == 2025
        assert _provinces_lists(lists) == commune
        # The package's first review year: nothing to move from, both lists empty.
        first = queries.escaped(conn, code, 2025)
        assert first.previous_year is None
        assert first.households == []
    # Printed as the other province reports: PDF and XLSX, headed by the province.
    xlsx, pdf = tmp_path / "thoat.xlsx", tmp_path / "thoat.pdf"
    args = ["registry", "report", staff_login(dsn, "can_bo_thoat"), "--kind", "escaped"]
    assert main([*args, "--commune", code, "--out", str(xlsx)]) == 0
    assert main([*args, "--commune", code, "--year", "2026", "--out", str(pdf)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    book = openpyxl.load_workbook(xlsx)
    for group, sheet in GROUPS.items():
        cells = [c for row in book[sheet].iter_rows(values_only=True) for c in row]
        assert "UBND TỈNH LÀO CAI" in cells
        assert {c for c, _t in commune[group]} <= set(cells)
        n = len(commune[group])
        assert any(isinstance(c, str) and c.startswith(f"Tổng cộng: {n} hộ") for c in cells)


def test_without_a_commune_or_a_review_of_the_year_it_says_so(
    pg_cluster: Cluster, tmp_path: Path, capsys: object
) -> None:
    path = _demo(tmp_path)
    with Store.open(path, user="Cán bộ", device="laptop-1") as store:
        export_package(store, tmp_path / "xa.rasoat")
    dsn = pg_cluster.create_database("registry_escaped_refused")
    with connect(dsn) as conn:
        init(conn, "15")
        load_packages(conn, [tmp_path / "xa.rasoat"], user="Cán bộ tỉnh", trust_new=True)
    out = str(tmp_path / "x.pdf")
    base = ["registry", "report", dsn, "--kind", "escaped", "--out", out]
    assert main(base) == 2
    assert main([*base, "--commune", "02674"]) == 1
    assert main([*base, "--commune", "02947", "--year", "2024"]) == 1
    err = capsys.readouterr().err  # type: ignore[attr-defined]
    assert "danh sách cần --commune" in err
    assert "Chưa có gói nào của xã mã 02674" in err
    assert "Traceback" not in err
