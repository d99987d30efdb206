"""Issue 24's documents on real files: the request form (Mẫu 01 / 04) as PDF, the monthly
report of a regular round whose decision changes two households' status mid-year (PDF and
XLSX), the needs-without-support report on the demo commune, a cadre's households; the CLI."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import openpyxl

from db import year_round
from db.demo import create_demo_commune
from db.records import Round
from db.store import Store
from forms import catalog
from forms.model import Category, Household
from rasoat.cli import main
from reports import build, build_document
from reports.pdf import render_pdf
from reports.year_round import application_form, cadre_households


def _text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


def _demo(tmp_path: Path) -> Path:
    return create_demo_commune(tmp_path / "demo.rasoat.sqlite", households=80)


def _two_escape(store: Store, round_id: str) -> list[Household]:
    """Two poor households of the round (after its meeting: the demo's 2026 meeting sent one
    back, on no list) apply in March 2027 to be recognised as escaped, their answers now
    above the near-poor line."""
    from reports.review import load_review

    poor = [
        e.household for e in load_review(store, round_id).entries if e.category is Category.POOR
    ]
    movers = poor[:2]
    for h in movers:
        year_round.add_application(
            store, h.id, "escape", date(2027, 3, 3), h.head_name(), today=date(2027, 3, 3)
        )
        h.b1_total, h.income_per_capita = 260, 4_000_000
        store.save_household(h)
    return movers


def march_verdicts(store: Store, round_id: str) -> tuple[Round, Household, Household]:
    """Two poor households of ``round_id`` apply in March 2027 to be recognised as escaped
    (``_two_escape``); the March meeting agrees to one and sends the other back (under half
    of those present); the March round decided. Also the registry's test of the lists in
    force (tests/registry/test_lists_in_force.py)."""
    agreed, voted_down = _two_escape(store, round_id)
    rnd = year_round.start_regular_round(store, 2027, 3)
    for h, agree in ((agreed, 20), (voted_down, 9)):
        store.save_meeting_vote(
            h.id, rnd.id, agree=agree, attendees=30, meeting_date=date(2027, 3, 10)
        )
    store.save_decision(rnd.id, "05/QĐ-UBND", date(2027, 3, 17), "Nguyễn Văn Hùng")
    return rnd, agreed, voted_down


def test_the_monthly_round_and_its_report(tmp_path: Path) -> None:
    path = _demo(tmp_path)
    with Store.open(path, user="Cán bộ", device="laptop-1") as store:
        last = year_round.last_periodic(store)
        assert last is not None
        # The 2026 lists decided: the March round moves from them (an open review's results
        # are not yet a list).
        store.save_decision(last.id, "300/QĐ-UBND", date(2026, 12, 15), "Nguyễn Văn Hùng")
        movers = _two_escape(store, last.id)
        rnd = year_round.start_regular_round(store, 2027, 3)
        store.save_decision(rnd.id, "05/QĐ-UBND", date(2027, 3, 17), "Nguyễn Văn Hùng")
        pdf = build("monthly_report", store, tmp_path / "thang3.pdf", round_id=rnd.id)
        xlsx = build("monthly_report", store, tmp_path / "thang3.xlsx", fmt="xlsx", round_id=rnd.id)
        doc = build_document("monthly_report", store, round_id=rnd.id)
    text = _text(pdf)
    assert "THƯỜNG XUYÊN THÁNG 3/2027" in text
    assert "05/QĐ-UBND" in text
    # Addressed on a line of its own, dots to fill when no upper level is set; no menu path.
    assert "Kính gửi: ……" in text
    assert "Tệp →" not in text
    for h in movers:
        assert h.code in text
    codes_of_movers = {h.code for h in movers}
    rows = [r for r in doc.parts[0].tables()[0].data_rows() if r.cells[1] in codes_of_movers]
    assert [r.cells[5] for r in rows] == ["Hộ nghèo", "Hộ nghèo"]
    assert {r.cells[7] for r in rows} == {"Thoát nghèo (vượt chuẩn cận nghèo)"}
    sheet = openpyxl.load_workbook(xlsx).worksheets[0]
    codes = {c.value for row in sheet.iter_rows() for c in row}
    assert {h.code for h in movers} <= codes


def test_the_request_form_and_a_cadres_households(tmp_path: Path) -> None:
    path = _demo(tmp_path)
    with Store.open(path, user="Cán bộ", device="laptop-1") as store:
        h = next(iter(store.iter_households()))
        app = year_round.add_application(
            store, h.id, "regular_review", date(2026, 5, 4), h.head_name(), "Chồng mất việc làm"
        )
        form = render_pdf(application_form(store, app.id), tmp_path / "don.pdf")
        year_round.assign_cadre(store, "Hoàng Văn Dũng", "Trưởng thôn", village=h.village)
        year_round.add_support(store, h.id, "credit", date(2026, 6, 1), "NHCSXH", amount=30_000_000)
        listed = render_pdf(
            cadre_households(store, "Hoàng Văn Dũng", date(2026, 10, 1)), tmp_path / "cb.pdf"
        )
    text = _text(form)
    # Decision 24/2021/QĐ-TTg: the regular review is asked for on Mẫu số 01 (Giấy đề nghị rà
    # soát hộ nghèo, hộ cận nghèo), as the periodic one; Mẫu số 04 is the request to be
    # recognised as escaped (Giấy đề nghị công nhận hộ thoát nghèo, hộ thoát cận nghèo).
    assert "Mẫu số 01" in text
    assert "Mẫu số 04" not in text
    assert "GIẤY ĐỀ NGHỊ" in text
    assert "Chồng mất việc làm" in text
    assert h.members[-1].name in text
    assert "chưa xác nhận" not in text  # the form says nothing of our confidence
    cadre_text = _text(listed)
    assert "Hoàng Văn Dũng" in cadre_text
    assert h.code in cadre_text
    assert "30.000.000" in cadre_text  # "đồng" may wrap to the cell's next line


def test_needs_without_support_on_the_demo_commune(tmp_path: Path) -> None:
    path = _demo(tmp_path)
    with Store.open(path, user="Cán bộ", device="laptop-1") as store:
        last = year_round.last_periodic(store)
        assert last is not None
        before = year_round.needs_without_support(
            store, year_round.support_period(store, date(2026, 10, 1)), date(2026, 10, 1)
        )
        assert before
        first = before[0]
        h = store.get_household(first.household_id)
        assert h is not None
        answers = {n: k.id for k in catalog.support_kinds() for n in k.meets}
        for need in h.needs:
            year_round.add_support(store, h.id, answers[need], date(2026, 8, 1), "Chương trình")
        doc = build_document("needs_without_support", store, round_id=last.id)
        out = build(
            "needs_without_support", store, tmp_path / "nc.xlsx", fmt="xlsx", round_id=last.id
        )
    codes = [r.cells[1] for r in doc.parts[0].tables()[0].data_rows()]
    assert first.code not in codes
    assert codes  # others still wait
    assert out.exists()


def _listed(store: Store, round_id: str) -> set[str]:
    return {
        h.code
        for h, r in store.results_for_round(round_id)
        if r.category in (Category.POOR, Category.NEAR_POOR)
    }


def test_needs_without_support_takes_the_list_its_support_period_follows(tmp_path: Path) -> None:
    """The demo commune: the 2025 review decided on 12/12/2025, the 2026 review open without
    a decision (one village's meeting held, one household sent back), a March regular round
    decided. While 2026 is undecided the report's households are the 2025 lists updated in
    March, as its support period (since 12/12/2025) is; once 2026 is decided, 2026's lists
    after their meeting, and the period since that decision. The round the menu prints for
    changes nothing."""
    path = _demo(tmp_path)
    with Store.open(path, user="Cán bộ", device="laptop-1") as store:
        p2025, p2026 = (r for r in store.rounds() if r.kind == "periodic")
        [march] = year_round.regular_rounds(store)
        [escaped] = year_round.round_household_ids(store, march.id)
        escaped_code = store.get_household(escaped).code
        sent_back = store.conn.execute(
            "SELECT h.code FROM meeting_votes v JOIN households h ON h.id = v.household_id"
            " WHERE v.round_id = ? AND v.agree * 2 < v.attendees",
            (p2026.id,),
        ).fetchall()
        assert len(sent_back) == 1
        only_2025 = _listed(store, p2025.id) - _listed(store, p2026.id) - {escaped_code}
        only_2026 = _listed(store, p2026.id) - _listed(store, p2025.id)
        assert only_2025
        assert only_2026

        october = date(2026, 10, 1)
        open_review = year_round.needs_without_support(
            store, year_round.support_period(store, october), october
        )
        codes = {r.code for r in open_review}
        assert codes <= _listed(store, p2025.id) - {escaped_code}
        assert codes & only_2025
        assert not codes & only_2026
        for round_id in (None, p2026.id, p2025.id):
            doc = build_document("needs_without_support", store, round_id=round_id)
            part = doc.parts[0]
            assert {r.cells[1] for r in part.tables()[0].data_rows()} == codes
        assert "quyết định số 215/QĐ-UBND-2025 ngày 12/12/2025" in part.subtitles[1]
        said = part.blocks[0].text
        assert f"danh sách đang áp dụng ngày {date.today():%d/%m/%Y}" in said
        assert "kỳ rà soát năm 2025" in said
        render_pdf(doc, tmp_path / "open.pdf")

        store.save_decision(p2026.id, "250/QĐ-UBND", date(2026, 12, 1), "Nguyễn Văn Hùng")
        december = date(2026, 12, 2)
        period = year_round.support_period(store, december)
        assert period.start == date(2026, 12, 1)
        decided = {r.code for r in year_round.needs_without_support(store, period, december)}
        assert decided <= _listed(store, p2026.id) - {sent_back[0][0]}
        assert decided & only_2026
        assert not decided & only_2025
        # Listed in 2026, needs stated, no support since the decision: the household sent
        # back would be here but for its meeting.
        assert sent_back[0][0] in _listed(store, p2026.id)
        assert store.household_by_code(sent_back[0][0]).needs
        assert not store.conn.execute(
            "SELECT 1 FROM support_records WHERE given_on >= '2026-12-01'"
        ).fetchone()
        doc = build_document("needs_without_support", store)
        assert {r.cells[1] for r in doc.parts[0].tables()[0].data_rows()} == decided
        assert "kỳ rà soát năm 2026" in doc.parts[0].blocks[0].text
        render_pdf(doc, tmp_path / "decided.pdf")


def test_cli_application_add_list_print(tmp_path: Path, capsys: object) -> None:
    path = _demo(tmp_path)
    with Store.open(path, user="x", device="y") as store:
        code = next(iter(store.iter_households())).code
    assert (
        main(
            [
                "application",
                "add",
                str(path),
                "--household",
                code,
                "--kind",
                "04",
                "--date",
                "2026-05-01",
                "--by",
                "Lò Văn Ín",
                "--request",
                "Rà soát lại",
            ]
        )
        == 0
    )
    app_id = capsys.readouterr().out.strip()  # type: ignore[attr-defined]
    assert main(["application", "list", str(path), "--today", "2026-06-01"]) == 0
    listed = capsys.readouterr().out  # type: ignore[attr-defined]
    assert code in listed
    assert "hạn 30/05/2026" in listed  # May's review began on 15/05
    assert "TRỄ HẠN" in listed
    out = tmp_path / "don.pdf"
    assert main(["application", "print", str(path), app_id[:8], "--out", str(out)]) == 0
    assert "Mẫu số 04" in _text(out)


def test_each_request_is_printed_on_the_form_decision_24_gives_it(
    tmp_path: Path, capsys: object
) -> None:
    """Decision 24/2021/QĐ-TTg's annex: Mẫu số 01 is the request to be reviewed (periodic or
    regular review alike), Mẫu số 04 the request to be recognised as escaped ("Giấy đề nghị
    công nhận hộ thoát nghèo, hộ thoát cận nghèo"). `--kind 04` is that request, as its number
    says; the regular review's request is `--kind thuong-xuyen`."""
    path = _demo(tmp_path)
    with Store.open(path, user="x", device="y") as store:
        code = next(iter(store.iter_households())).code
    printed = {}
    for kind in ("thuong-xuyen", "04"):
        add = ["application", "add", str(path), "--household", code, "--kind", kind]
        assert main([*add, "--date", "2026-05-01", "--by", "Lò Văn Ín"]) == 0
        app_id = capsys.readouterr().out.strip()  # type: ignore[attr-defined]
        out = tmp_path / f"don-{kind}.pdf"
        assert main(["application", "print", str(path), app_id[:8], "--out", str(out)]) == 0
        capsys.readouterr()  # type: ignore[attr-defined]
        printed[kind] = _text(out)
    assert "Mẫu số 01" in printed["thuong-xuyen"]
    assert "Mẫu số 04" not in printed["thuong-xuyen"]
    assert "Mẫu số 04" in printed["04"]
    assert "Công nhận hộ thoát nghèo, hộ thoát cận nghèo" in printed["04"]
    assert main(["application", "list", str(path), "--today", "2026-05-02"]) == 0
    listed = capsys.readouterr().out  # type: ignore[attr-defined]
    assert "Đề nghị rà soát trong năm (thường xuyên)" in listed
    assert "Đề nghị công nhận thoát nghèo, thoát cận nghèo" in listed


def test_cli_opens_a_monthly_round_and_puts_a_changed_household_in_it(
    tmp_path: Path, capsys: object
) -> None:
    """'rasoat application round' opens the month's regular review with the households that
    applied; 'include' adds one that changed without applying; with no round open it says
    so and exits 1."""
    path = _demo(tmp_path)
    with Store.open(path, user="x", device="y") as store:
        applied = {a.household_id for a in year_round.applications(store, open_only=True)}
        changed = next(h for h in store.iter_households() if h.id not in applied)
    include = ["application", "include", str(path), "--household", changed.code]
    assert main(include) == 1
    assert "chưa có kỳ rà soát thường xuyên nào đang mở" in capsys.readouterr().err  # type: ignore[attr-defined]
    assert main(["application", "round", str(path), "--month", "10", "--year", "2026"]) == 0
    assert "tháng 10/2026: 1 hộ" in capsys.readouterr().out  # type: ignore[attr-defined]
    assert main(include) == 0
    assert f"Hộ {changed.code}" in capsys.readouterr().out  # type: ignore[attr-defined]
    with Store.open(path, user="x", device="y") as store:
        [october] = [
            r for r in year_round.regular_rounds(store, 2026) if r.reference_date.month == 10
        ]
        assert changed.id in year_round.round_household_ids(store, october.id)
    assert main(["application", "round", str(path), "--month", "10", "--year", "2026"]) == 1
    assert "Đã có kỳ rà soát thường xuyên tháng 10/2026" in capsys.readouterr().err  # type: ignore[attr-defined]


def test_a_cadres_households_from_the_catalog_and_the_cli(tmp_path: Path, capsys: object) -> None:
    """Issue 24 item 4: `rasoat report cadre_households --cadre NAME` prints the cadre's
    households (their village's and their own), PDF and XLSX, named after the cadre; a name
    with no assignment is refused, naming the cadres there are."""
    path = _demo(tmp_path)
    with Store.open(path, user="Cán bộ", device="laptop-1") as store:
        cadres = year_round.cadres(store)
        assert len(cadres) >= 2  # the demo gives each village one
        name = cadres[0]
        ids = year_round.households_of(store, name)
        first = store.get_household(ids[0])
        assert first is not None
        other = next(
            h for h in store.iter_households() if h.id not in ids and h.village != first.village
        )
        # A household of another village given to this cadre personally is on the list.
        year_round.assign_cadre(store, name, "Cán bộ xã", household_id=other.id)
        year_round.add_support(
            store, first.id, "credit", date(2026, 6, 1), "NHCSXH", amount=30_000_000
        )
        doc = build_document("cadre_households", store, cadre=name)
    codes = [r.cells[1] for r in doc.parts[0].tables()[0].data_rows()]
    assert first.code in codes
    assert other.code in codes
    assert len(codes) == len(ids) + 1

    monkey_cwd = tmp_path / "out"
    monkey_cwd.mkdir()
    pdf = monkey_cwd / "cb.pdf"
    assert main(["report", "cadre_households", str(path), "--cadre", name, "--out", str(pdf)]) == 0
    text = _text(pdf)
    assert "DANH SÁCH HỘ DO CÁN BỘ PHỤ TRÁCH" in text
    assert name in text
    assert first.code in text
    assert other.code in text
    assert "(01/06/2026, 30.000.000" in " ".join(text.split())  # wrapped in its cell
    xlsx = monkey_cwd / "cb.xlsx"
    assert main(["report", "cadre_households", str(path), "--cadre", name, "--out", str(xlsx)]) == 0
    sheet = openpyxl.load_workbook(xlsx).worksheets[0]
    cells = {c.value for row in sheet.iter_rows() for c in row}
    assert {first.code, other.code} <= cells
    capsys.readouterr()  # type: ignore[attr-defined]

    assert main(["report", "cadre_households", str(path), "--cadre", "Không Có Ai"]) == 2
    err = capsys.readouterr().err  # type: ignore[attr-defined]
    assert "Không Có Ai" in err
    assert name in err
    assert main(["report", "cadre_households", str(path)]) == 2
    assert "Hãy chọn cán bộ phụ trách" in capsys.readouterr().err  # type: ignore[attr-defined]
    assert main(["report", "--list"]) == 0
    assert "--cadre (bắt buộc)" in capsys.readouterr().out  # type: ignore[attr-defined]


def test_a_cadres_file_name() -> None:
    from reports.file_names import default_file_name

    name = default_file_name("cadre_households", None, date(2026, 12, 2), cadre="Hoàng Văn Dũng")
    assert name == "ho-can-bo-phu-trach-hoang-van-dung-2026-12-02.pdf"


def test_the_list_filter_the_search_and_the_printed_list_agree_on_a_cadre(
    tmp_path: Path,
) -> None:
    """Issue 24: "its own cadre, else its village's" is one rule (``responsible_cadre``): a
    household with its own cadre, one with only its village's and one with neither are found
    alike by the list's cadre filter, the search and the printed cadre list."""
    from db.records import HouseholdQuery

    path = _demo(tmp_path)
    village_cadre, own_cadre = "Sầm Thị Ngoan", "Mạc Văn Khiêm"
    with Store.open(path, user="Cán bộ", device="laptop-1") as store:
        villages = [v.name for v in store.villages()]
        by_village = {v: [h for h in store.iter_households() if h.village == v] for v in villages}
        here, bare = villages[0], villages[1]
        year_round.assign_cadre(store, village_cadre, "Trưởng thôn", village=here)
        year_round.assign_cadre(store, "", village=bare)
        # The demo gives one household a cadre of its own: the village's is taken elsewhere.
        from_village = [
            h for h in by_village[here] if year_round.cadre_for(store, h.id).household_id is None
        ]  # type: ignore[union-attr]
        own, villages_own = from_village[0], from_village[1]
        year_round.assign_cadre(store, own_cadre, "Cán bộ xã", household_id=own.id)
        neither = next(h for h in by_village[bare] if year_round.cadre_for(store, h.id) is None)
        watched = {own.code, villages_own.code, neither.code}

        def listed(cadre: str) -> set[str]:
            rows = store.list_households(HouseholdQuery(cadre=cadre, limit=1000))
            return {r.code for r in rows}

        def searched(cadre: str) -> set[str]:
            rows = store.list_households(HouseholdQuery(text=cadre, limit=1000))
            return {r.code for r in rows}

        def printed(cadre: str) -> set[str]:
            doc = build_document("cadre_households", store, cadre=cadre)
            return {r.cells[1] for r in doc.parts[0].tables()[0].data_rows()}

        names = year_round.cadre_names(store)
        for cadre, expected in ((village_cadre, villages_own.code), (own_cadre, own.code)):
            assert listed(cadre) == printed(cadre)
            assert listed(cadre) & watched == {expected}
            assert searched(cadre) & watched == {expected}
            assert {
                store.get_household(i).code for i in year_round.households_of(store, cadre)
            } == (  # type: ignore[union-attr]
                listed(cadre)
            )
        assert own.code not in listed(village_cadre)  # its own cadre wins over the village's
        assert names[own.id] == own_cadre
        assert names[villages_own.id] == village_cadre
        assert neither.id not in names
        assert year_round.cadre_for(store, villages_own.id).cadre_name == village_cadre  # type: ignore[union-attr]
        for cadre in year_round.cadres(store):
            assert neither.code not in listed(cadre) | searched(cadre) | printed(cadre)


def test_a_monthly_decision_reaches_the_upper_level_through_the_package(tmp_path: Path) -> None:
    """Issue 24: the commune's package for the upper level carries each round's decision
    date; the upper level counts the lists in force after the 2026 review, with the two
    households the March 2027 round recognised as escaped, and 2027 is no review year."""
    from db.exchange.export import export_package
    from db.exchange.upper_level import open_packages, summaries

    path = _demo(tmp_path)
    with Store.open(path, user="Cán bộ", device="laptop-1") as store:
        current = store.current_round()
        assert current is not None
        store.save_decision(current.id, "300/QĐ-UBND", date(2026, 12, 15), "Nguyễn Văn Hùng")
        _two_escape(store, current.id)
        export_package(store, tmp_path / "truoc.rasoat")  # the round open, not decided
        rnd = year_round.start_regular_round(store, 2027, 3)
        export_package(store, tmp_path / "mo.rasoat")
        store.save_decision(rnd.id, "05/QĐ-UBND", date(2027, 3, 17), "Nguyễn Văn Hùng")
        export_package(store, tmp_path / "sau.rasoat")
    counts = {}
    for name in ("truoc", "mo", "sau"):
        opened, failed = open_packages([tmp_path / f"{name}.rasoat"])
        assert failed == []
        [row] = summaries(opened)
        assert row.year == 2026
        assert row.unclassified == 0
        counts[name] = row.by_category
    assert counts["mo"] == counts["truoc"]  # undecided: nothing changes yet
    assert counts["sau"][Category.POOR] == counts["truoc"][Category.POOR] - 2
    assert sum(counts["sau"].values()) == sum(counts["truoc"].values())


def test_a_household_a_monthly_meeting_sent_back_is_not_counted_as_changed(
    tmp_path: Path,
) -> None:
    """Issue 24: two households apply in March 2027 to be recognised as escaped; the March
    meeting agrees to one and sends the other back (under half of those present). The
    package for the upper level carries each round's meeting verdicts, and the upper level
    counts one escape, as the commune's own counts do (forms.meeting.stands); the household
    the 2026 meeting sent back is not yet determined there as here."""
    from db.exchange.export import export_package
    from db.exchange.upper_level import open_packages, summaries
    from db.records import HouseholdQuery
    from db.report_queries import after_meeting_counts

    path = _demo(tmp_path)
    with Store.open(path, user="Cán bộ", device="laptop-1") as store:
        current = store.current_round()
        assert current is not None
        store.save_decision(current.id, "300/QĐ-UBND", date(2026, 12, 15), "Nguyễn Văn Hùng")
        before = after_meeting_counts(store, HouseholdQuery(on=date(2027, 3, 1)))
        rnd, _agreed, voted_down = march_verdicts(store, current.id)
        after = after_meeting_counts(store, HouseholdQuery(on=date(2027, 3, 20)))
        export_package(store, tmp_path / "thang3.rasoat")
    assert after[Category.POOR] == before[Category.POOR] - 1
    assert before[Category.UNDETERMINED] >= 1  # the 2026 meeting's household sent back
    opened, failed = open_packages([tmp_path / "thang3.rasoat"])
    assert failed == []
    round_entries = {r["id"]: r for r in opened[0][1].commune["rounds"]}
    assert round_entries[rnd.id]["sent_back"] == [voted_down.id]
    [row] = summaries(opened)
    assert row.year == 2026
    assert {c: n for c, n in row.by_category.items() if n} == {c: n for c, n in after.items() if n}


def test_the_monthly_report_reads_before_from_the_lists_as_they_stand(tmp_path: Path) -> None:
    """Out of the list since March, poor again in June: the June report says it was on no
    list and fell back (it said "Hộ nghèo" before, "Hộ nghèo cũ" as its change, and the
    upper level never heard of the return)."""
    from tests.db.conftest import commune_info
    from tests.db.test_round_transitions import _monthly
    from tests.db.test_year_round import _escaped, _periodic, _poor

    with Store.create(tmp_path / "xa.sqlite", commune_info(), user="Cán bộ", device="l1") as store:
        store.add_village("Thôn Đồng Tâm")
        b = _poor("01-0002", "Đinh Văn Hùng")
        b_poor = (b.b1_total, b.income_per_capita)
        _periodic(store, b)
        _escaped(b)
        march = _monthly(store, 2026, 3, b)
        store.save_decision(march, "31/QĐ-UBND", date(2026, 3, 20), "Nguyễn Văn Hùng")
        b.b1_total, b.income_per_capita = b_poor
        june = _monthly(store, 2026, 6, b)
        rows = build_document("monthly_report", store, round_id=june).parts[0].tables()[0]
        [row] = [r for r in rows.data_rows() if r.cells[1] == "01-0002"]
    assert row.cells[5:] == ["Ngoài danh sách", "Hộ nghèo", "Tái nghèo"]


def test_a_year_names_its_periodic_review_not_its_latest_round(tmp_path: Path) -> None:
    """``rasoat report summary --round 2026`` after a December monthly round printed that
    round as the 2026 summary (and its decision with "Hộ nghèo: 0 hộ")."""
    from reports.review import load_review

    path = _demo(tmp_path)
    with Store.open(path, user="Cán bộ", device="laptop-1") as store:
        review = year_round.last_periodic(store)
        assert review is not None
        december = year_round.start_regular_round(store, review.year, 12)
        assert load_review(store, str(review.year)).round == review
        assert load_review(store, december.id).round == december


def test_a_household_its_months_meeting_sent_back_stays_where_it_was(tmp_path: Path) -> None:
    """The monthly report printed the refused proposal as the result ("Sau rà soát: Không
    nghèo") beside an empty "Trước"; the month's decision was refused, and saving it asked,
    as if the household had no category. The lists in force keep it poor."""
    from db.report_queries import unsettled_count
    from reports.year_round import KEPT

    path = _demo(tmp_path)
    with Store.open(path, user="Cán bộ", device="laptop-1") as store:
        current = store.current_round()
        assert current is not None
        store.save_decision(current.id, "300/QĐ-UBND", date(2026, 12, 15), "Nguyễn Văn Hùng")
        rnd, agreed, voted_down = march_verdicts(store, current.id)
        doc = build_document("monthly_report", store, round_id=rnd.id)
        assert unsettled_count(store.conn, rnd.id) == 0
        decision = _text(build("decision", store, tmp_path / "qd.pdf", round_id=rnd.id))
    rows = {r.cells[1]: r.cells[5:] for r in doc.parts[0].tables()[0].data_rows()}
    assert rows[voted_down.code] == ["Hộ nghèo", "Hộ nghèo", KEPT]
    assert rows[agreed.code][0] == "Hộ nghèo"
    assert rows[agreed.code][2].startswith("Thoát nghèo")
    totals = {r.cells[0]: r.cells[1] for r in doc.parts[0].tables()[1].data_rows()}
    assert KEPT not in totals
    assert sum(n for n in totals.values() if isinstance(n, int)) == 1
    assert "3. Hộ thoát nghèo: 1 hộ" in " ".join(decision.split())


def test_a_months_lists_year_with_no_review_decided(tmp_path: Path) -> None:
    """Lists imported from Excel carry no decision: a March 2026 month updates the 2025
    lists (in force in 2026) even once the 2026 review is opened (it said 2027 then)."""
    from reports.review import load_review
    from tests.db.conftest import commune_info

    with Store.create(tmp_path / "xa.sqlite", commune_info(), user="Cán bộ", device="l1") as store:
        store.start_round(2025, "nd07-2022-2025")
        march = year_round.start_regular_round(store, 2026, 3)
        assert load_review(store, march.id).list_year == 2026
        store.start_round(2026, "nd07-2022-2025")
        assert load_review(store, march.id).list_year == 2026


def test_the_menus_monthly_report_is_the_latest_month_not_the_last_opened(
    tmp_path: Path,
) -> None:
    """May's round typed in after June's: the menu printed May, the upper level's print
    from the package June (``monthly_round``)."""
    from reports.review import load_review
    from reports.year_round import latest_regular, monthly_round

    path = _demo(tmp_path)
    with Store.open(path, user="Cán bộ", device="laptop-1") as store:
        review = year_round.last_periodic(store)
        assert review is not None
        store.save_decision(review.id, "300/QĐ-UBND", date(2026, 12, 1), "Nguyễn Văn Hùng")
        june = year_round.start_regular_round(store, 2027, 6)
        year_round.start_regular_round(store, 2027, 5)
        data = load_review(store, review.id)
        latest_regular(store, data)
        assert data.__dict__["monthly"].round == june == monthly_round(store)


def test_a_months_decision_updates_the_lists_in_force_from_its_day(tmp_path: Path) -> None:
    """The demo's March 2026 month (the 2025 lists in force): its decision recognised the
    households "năm 2027", applying "từ ngày 01 tháng 01 năm 2027", and its list said
    "áp dụng năm 2027"."""
    from reports.review import load_review

    path = _demo(tmp_path)
    with Store.open(path, user="Cán bộ", device="laptop-1") as store:
        march = next(r for r in store.rounds() if r.kind == "adhoc")
        assert load_review(store, march.id).list_year == 2026
        decision = _text(build("decision", store, tmp_path / "qd.pdf", round_id=march.id))
        final = _text(build("final_list", store, tmp_path / "ds.pdf", round_id=march.id))
        review = year_round.last_periodic(store)
        assert review is not None
        periodic = _text(build("certificate", store, tmp_path / "gcn.pdf", round_id=review.id))
    said = " ".join(decision.split())
    assert "hộ thoát cận nghèo năm 2026 qua rà soát thường xuyên tháng 3/2026 trên địa bàn" in said
    assert "về kết quả rà soát thường xuyên tháng 3/2026" in said
    assert "cập nhật vào danh sách hộ nghèo, hộ cận nghèo năm 2026" in said
    assert "2027" not in said
    assert "kết quả rà soát thường xuyên tháng 3/2026, áp dụng từ ngày quyết định" in final
    assert "Năm 2027" in periodic  # the 2026 review's lists apply in 2027, as before
