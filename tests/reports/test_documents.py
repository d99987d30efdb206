"""Each document from a commune written through the real Store: names with diacritics,
counts and totals checked against the Store's own answers, in the PDF and in the XLSX."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

import reports
from db import driver
from db.store import Store
from forms.meeting import stands
from forms.model import Category, Household, Transition
from reports.catalog import DOCUMENTS
from tests.reports.conftest import VILLAGES


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def flat(text: str) -> str:
    return " ".join(text.split())


def sheet_rows(path: Path, sheet: str | None = None) -> list[list]:
    wb = load_workbook(path)
    ws = wb[sheet] if sheet else wb.worksheets[0]
    return [[c.value for c in row] for row in ws.iter_rows()]


def proposed(store: Store) -> list[tuple[Household, Category, Transition | None]]:
    """Every classified household as put to the village meeting (the Store's own answers)."""
    rnd = store.current_round()
    assert rnd is not None
    with driver.connect(store.path) as conn:
        moves = dict(
            conn.execute(
                "SELECT household_id, transition FROM results WHERE round_id = ?", (rnd.id,)
            )
        )
    return [
        (h, r.category, Transition(moves[h.id]) if moves[h.id] else None)
        for h, r in store.results_for_round(rnd.id)
    ]


def current(store: Store) -> list[tuple[Household, Category, Transition | None]]:
    """After the meeting, by the pure rule: a household voted down is on no list (its
    category not determined) until a new vote."""
    rnd = store.current_round()
    assert rnd is not None
    votes = {v.household_id: v for v in store.meeting_votes(rnd.id)}
    out = []
    for h, c, t in proposed(store):
        v = votes.get(h.id)
        if stands(c, t, v.agree if v else None, v.attendees if v else None):
            out.append((h, c, t))
        else:
            out.append((h, Category.UNDETERMINED, None))
    return out


def data_rows(rows: list[list], code_col: int) -> list[list]:
    return [
        r for r in rows if isinstance(r[code_col], str) and re.fullmatch(r"\d\d-\d{4}", r[code_col])
    ]


def test_catalog_lists_every_kind_with_a_vietnamese_title() -> None:
    assert {
        "meeting_list",
        "meeting_minutes",
        "posting_list",
        "posting_notice",
        "final_list",
        "escaped_list",
        "summary",
        "certificate",
        "household_form",
        "exchange_workbook",
    } <= set(DOCUMENTS)
    for spec in DOCUMENTS.values():
        assert spec.title
        assert set(spec.formats) <= {"pdf", "xlsx"}


def test_meeting_list_of_one_village(small_store: Store, tmp_path: Path) -> None:
    village = VILLAGES[0]
    rows = [x for x in proposed(small_store) if x[0].village == village]
    poor = [h for h, c, _t in rows if c is Category.POOR]
    near = [h for h, c, _t in rows if c is Category.NEAR_POOR]
    assert poor
    assert near
    pdf = reports.build("meeting_list", small_store, tmp_path / "ds.pdf", village=village)
    text = pdf_text(pdf)
    assert "DANH SÁCH HỘ GIA ĐÌNH ĐƯA RA BÌNH XÉT TẠI CUỘC HỌP THÔN" in text
    assert "UBND xã Bình Lư" in text
    assert "THÔN ĐỒNG TÂM" in text
    for h in poor + near:
        assert h.head_name() in text
    others = [h for h, c, _t in current(small_store) if h.village != village and c is Category.POOR]
    assert all(h.code not in text for h in others)
    assert f"Cộng: {len(poor)} hộ, {sum(h.size() for h in poor)} khẩu" in flat(text)

    xlsx = reports.build(
        "meeting_list", small_store, tmp_path / "ds.xlsx", fmt="xlsx", village=village
    )
    cells = sheet_rows(xlsx)
    listed = data_rows(cells, 2)
    escaped = [
        h
        for h, _c, t in rows
        if t
        in (
            Transition.POOR_TO_NEAR_POOR,
            Transition.ESCAPED_POVERTY,
            Transition.ESCAPED_NEAR_POVERTY,
        )
    ]
    assert len(listed) == len(poor) + len(near) + len(escaped)
    first = listed[0]
    assert isinstance(first[4], int)
    assert isinstance(first[0], int)
    by_code = {h.code: h for h in poor + near}
    for r in listed:
        if r[2] in by_code:
            assert r[1] == by_code[r[2]].head_name()
            assert r[4] == by_code[r[2]].size()


def test_minutes_count_the_votes_and_apply_the_half_rule(
    small_store: Store, tmp_path: Path
) -> None:
    village = VILLAGES[0]
    poor = [h for h, c, _t in proposed(small_store) if h.village == village and c is Category.POOR]
    text = flat(
        pdf_text(
            reports.build("meeting_minutes", small_store, tmp_path / "bb.pdf", village=village)
        )
    )
    assert "BIÊN BẢN KẾT QUẢ HỌP DÂN ĐỂ THỐNG NHẤT KẾT QUẢ RÀ SOÁT" in text
    assert f"Hộ nghèo: {len(poor)} hộ đưa ra bình xét; {len(poor) - 1} hộ được thống nhất" in text
    assert "Không thống nhất, rà soát lại" in text
    assert "10,0" in text
    assert "ngày 10/11/2026" in text
    for title in ("THƯ KÝ", "ĐẠI DIỆN CÁC HỘ GIA ĐÌNH", "CHỦ TRÌ"):
        assert title in text
    # Decision 24/2021/QĐ-TTg: two copies, one kept by the village, one sent to the commune's
    # review steering committee (not "UBND xã").
    assert "thôn giữ 01 bản, gửi Ban Chỉ đạo rà soát" in text


def test_posting_list_leaves_out_a_rejected_household(small_store: Store, tmp_path: Path) -> None:
    village = VILLAGES[0]
    poor = sorted(
        (h for h, c, _t in proposed(small_store) if h.village == village and c is Category.POOR),
        key=lambda h: h.code,
    )
    rnd = small_store.current_round()
    assert rnd is not None
    rejected = [v.household_id for v in small_store.meeting_votes(rnd.id) if not v.passed]
    assert len(rejected) == 1
    text = pdf_text(
        reports.build("posting_list", small_store, tmp_path / "ny.pdf", village=village)
    )
    assert "từ ngày 12/11/2026 đến ngày 18/11/2026" in text
    shown = [h for h in poor if h.code in text]
    assert len(shown) == len(poor) - 1
    assert rejected[0] not in {h.id for h in shown}
    commune = pdf_text(reports.build("posting_list", small_store, tmp_path / "ny-xa.pdf"))
    assert "từ ngày 13/11/2026 đến ngày 19/11/2026" in commune
    assert VILLAGES[1].upper() not in commune  # village sub-headings keep the name's case
    assert VILLAGES[1] in commune


def test_notice_counts_households_and_persons(small_store: Store, tmp_path: Path) -> None:
    rnd = small_store.current_round()
    assert rnd is not None
    rejected = {v.household_id for v in small_store.meeting_votes(rnd.id) if not v.passed}
    near = [h for h, c, _t in current(small_store) if c is Category.NEAR_POOR]
    poor = [h for h, c, _t in current(small_store) if c is Category.POOR and h.id not in rejected]
    text = flat(pdf_text(reports.build("posting_notice", small_store, tmp_path / "tb.pdf")))
    assert "THÔNG BÁO" in text
    assert "Số: …/TB-UBND" in text
    assert f"Hộ nghèo: {len(poor)} hộ, {sum(h.size() for h in poor)} khẩu" in text
    assert f"Hộ cận nghèo: {len(near)} hộ, {sum(h.size() for h in near)} khẩu" in text
    assert "Từ ngày" not in text
    assert "từ ngày 13/11/2026 đến ngày 19/11/2026" in text
    assert f"Nhà văn hóa {VILLAGES[1]}" in text


def test_final_and_escaped_lists(small_store: Store, tmp_path: Path) -> None:
    rows = current(small_store)
    poor = [h for h, c, _t in rows if c is Category.POOR]
    text = flat(pdf_text(reports.build("final_list", small_store, tmp_path / "ds.pdf")))
    assert "Quyết định số 125/QĐ-UBND ngày 10/12/2026" in text
    assert f"Tổng cộng: {len(poor)} hộ, {sum(h.size() for h in poor)} khẩu" in text
    assert "Lò Văn Thành" in text
    escaped = [
        h for h, _c, t in rows if t in (Transition.POOR_TO_NEAR_POOR, Transition.ESCAPED_POVERTY)
    ]
    assert escaped
    xlsx = reports.build("escaped_list", small_store, tmp_path / "tn.xlsx", fmt="xlsx")
    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["Hộ thoát nghèo", "Hộ thoát cận nghèo"]
    listed = data_rows([[c.value for c in r] for r in wb["Hộ thoát nghèo"].iter_rows()], 1)
    assert sorted(r[1] for r in listed) == sorted(h.code for h in escaped)
    with pytest.raises(reports.ReportError):
        reports.build("final_list", small_store, tmp_path / "x.pdf", village=VILLAGES[0])


def test_summary_tables_add_up(small_store: Store, tmp_path: Path) -> None:
    rows = current(small_store)
    xlsx = reports.build("summary", small_store, tmp_path / "bc.xlsx", fmt="xlsx")
    wb = load_workbook(xlsx)
    results = [[c.value for c in r] for r in wb["Kết quả theo thôn"].iter_rows()]
    total = next(r for r in results if r[1] == "Tổng cộng")
    poor = sum(1 for _h, c, _t in rows if c is Category.POOR)
    near = sum(1 for _h, c, _t in rows if c is Category.NEAR_POOR)
    assert total[2] == len(rows)
    assert total[3] == sum(h.size() for h, _c, _t in rows)
    assert (total[4], total[6]) == (poor, near)
    assert total[5] == pytest.approx(round(100 * poor / len(rows), 1))
    village_rows = [r for r in results if r[1] in VILLAGES]
    assert sum(r[4] for r in village_rows) == poor
    for name in ("Diễn biến hộ nghèo", "Diễn biến hộ cận nghèo"):
        moves = [[c.value for c in r] for r in wb[name].iter_rows()]
        body = [r for r in moves if r[2] in ("Hộ", "Nhân khẩu")]
        assert body
        for r in body:  # end = start − decreases (also khác giảm) + increases (also khác tăng)
            assert r[11] == r[3] - r[4] - r[5] - r[6] + r[7] + r[8] + r[9] + r[10]
        hh_total = next(r for r in body if r[1] == "Tổng cộng")
        assert hh_total[11] == (poor if name.endswith("hộ nghèo") else near)
    escaped_now = sum(1 for _h, _c, t in rows if t is Transition.ESCAPED_POVERTY)
    poor_moves = [[c.value for c in r] for r in wb["Diễn biến hộ nghèo"].iter_rows()]
    assert next(r for r in poor_moves if r[1] == "Tổng cộng")[5] == escaped_now
    text = pdf_text(reports.build("summary", small_store, tmp_path / "bc.pdf"))
    assert "Việc làm" in text
    assert "Tổng cộng" in text


def test_certificate_number_is_the_same_alone_and_in_the_batch(
    small_store: Store, tmp_path: Path
) -> None:
    rows = current(small_store)
    poor = sorted(
        (h for h, c, _t in rows if c is Category.POOR),
        key=lambda h: (VILLAGES.index(h.village), h.code),
    )
    batch = pdf_text(reports.build("certificate", small_store, tmp_path / "all.pdf"))
    pages = batch.split("\f")[:-1]
    assert len(pages) > 2
    assert all("Trang 1/1" in page for page in pages)  # each certificate numbers its pages
    assert batch.count("GIẤY CHỨNG NHẬN HỘ NGHÈO, HỘ CẬN NGHÈO") == sum(
        1 for _h, c, _t in rows if c in (Category.POOR, Category.NEAR_POOR)
    )
    second = poor[1]
    alone = pdf_text(
        reports.build("certificate", small_store, tmp_path / "one.pdf", household_id=second.id)
    )
    assert "Số: 0002/GCN-HN.HCN" in alone
    assert "Trang 1/1" in alone
    # An address ends with "tỉnh …" (the file says "Tỉnh Lai Châu"), never a bare name.
    assert "xã Bình Lư, tỉnh Lai Châu" in " ".join(alone.split())
    for m in second.members:
        assert m.name in alone
    assert "Lò Văn Thành" in alone
    not_poor = next(h for h, c, _t in rows if c is Category.NOT_POOR)
    with pytest.raises(reports.ReportError) as err:
        reports.build("certificate", small_store, tmp_path / "x.pdf", household_id=not_poor.id)
    assert "không cấp giấy chứng nhận" in err.value.message


def test_a_certificate_of_a_household_not_yet_classified_says_so(
    small_file: Path, tmp_path: Path
) -> None:
    """A household added after the round's classification (or carried into a new round and
    not yet reviewed) has no result in it: the refusal says it is not classified yet, not
    that it is off the lists, which an officer reads as a decision about the family."""
    path = Path(shutil.copy(small_file, tmp_path / "xa.db"))
    with Store.open(path, user="Kiểm thử", device="test") as store:
        added = Household(village=VILLAGES[0])
        store.save_household(added)
        with pytest.raises(reports.ReportError) as err:
            reports.build("certificate", store, tmp_path / "x.pdf", household_id=added.id)
        rnd = store.current_round()
    assert rnd is not None
    year = rnd.year
    assert err.value.message == (
        f"Hộ này chưa được phân loại trong kỳ rà soát năm {year}: chưa cấp được giấy chứng "
        "nhận (hãy rà soát hộ trước)."
    )


def test_household_form_prints_the_answers(small_store: Store, tmp_path: Path) -> None:
    h = next(h for h, c, _t in current(small_store) if c is Category.POOR)
    text = pdf_text(
        reports.build("household_form", small_store, tmp_path / "p.pdf", household_id=h.id)
    )
    assert "PHIẾU RÀ SOÁT HỘ GIA ĐÌNH" in text
    assert "Phiếu B2" in text
    assert "Hộ nghèo" in text
    assert h.head_name() in text
    for m in h.members:
        assert m.name in text
    with pytest.raises(reports.ReportError):
        reports.build("household_form", small_store, tmp_path / "p.pdf")


def test_a_households_form_reads_that_household_alone(
    small_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The form is the same as read from the whole round (the one it was made from until
    the 100,000-household file took 37 s of CPU a form), and only that household is read."""
    from dataclasses import asdict

    from reports.household_form import household_form
    from reports.review import load_review

    h = next(h for h, c, _t in current(small_store) if c is Category.POOR)
    alone = load_review(small_store, household_id=h.id)
    assert [e.id for e in alone.entries] == [h.id]
    whole = load_review(small_store)
    assert len(whole.entries) > 100
    assert asdict(household_form(alone, None, h.id)) == asdict(household_form(whole, None, h.id))
    # What the document command reads for it (the real reading, watched).
    import reports.review

    read: list[int] = []

    def watched(*args: Any, **kwargs: Any) -> Any:
        data = load_review(*args, **kwargs)
        read.append(len(data.entries))
        return data

    monkeypatch.setattr(reports.review, "load_review", watched)
    built = reports.build_document("household_form", small_store, household_id=h.id)
    assert read == [1]
    assert asdict(built.parts[0]) == asdict(household_form(whole, None, h.id).parts[0])
    with pytest.raises(reports.ReportError, match="chưa được phân loại"):
        household_form(load_review(small_store, household_id="khong-co"), None, "khong-co")


def test_exchange_workbook_has_one_row_per_person(small_store: Store, tmp_path: Path) -> None:
    """Cells where an importer of exchanged files reads them (documents.md §2): title in A4,
    data from row 8, A a running number, B the household number, M the commune code."""
    rows = current(small_store)
    listed = [h for h, c, _t in rows if c in (Category.POOR, Category.NEAR_POOR)]
    wb = load_workbook(
        reports.build("exchange_workbook", small_store, tmp_path / "x.xlsx", fmt="xlsx")
    )
    assert len(wb.sheetnames) == 3
    ws = wb.worksheets[0]
    assert ws["A4"].value == "DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO SAU KHI RÀ SOÁT"
    cells = [[c.value for c in r] for r in ws.iter_rows()]
    assert cells[4][:4] == ["TT", "STT hộ", "Họ và tên chủ hộ", "Họ và tên thành viên"]
    assert cells[4][26] == "Số nhân khẩu"
    assert cells[4][27] == "Mã hộ"
    body = cells[7:]
    assert len(body) == sum(h.size() for h in listed)
    assert [r[0] for r in body] == list(range(1, len(body) + 1))
    heads = [r for r in body if r[1] is not None]
    assert [r[1] for r in heads] == list(range(1, len(listed) + 1))
    assert all(r[4] == "Chủ hộ" for r in heads)
    assert {r[27] for r in body} == {h.code for h in listed}
    assert all(r[11] == "Xã Bình Lư" and r[12] == "03430" for r in body)
    assert ws["M8"].data_type == "s"
    assert ws["M8"].number_format == "@"
    for sheet in wb.worksheets[1:]:
        assert sheet["B5"].value.startswith("DANH SÁCH HỘ THOÁT")
        assert sheet["P7"].value == "Phân loại hộ"
        assert sheet["Q7"].value == "Mã hộ"
        assert sheet["A10"].value in (1, None)  # data from row 10 (None: nobody escaped)


def test_errors_the_user_can_act_on(small_store: Store, tmp_path: Path) -> None:
    with pytest.raises(reports.ReportError, match="Không có loại tài liệu"):
        reports.build("nope", small_store, tmp_path / "x.pdf")
    with pytest.raises(reports.ReportError, match="chỉ xuất được dạng PDF"):
        reports.build("certificate", small_store, tmp_path / "x.xlsx", fmt="xlsx")
    with pytest.raises(reports.ReportError, match="Không có thôn"):
        reports.build("meeting_list", small_store, tmp_path / "x.pdf", village="Thôn Không Có")


def test_exchange_workbook_reads_back_through_the_excel_import(
    small_store: Store, tmp_path: Path
) -> None:
    from db.exchange.excel_lists import open_workbook, parse_sheet

    rows = current(small_store)
    listed = {h.code: (h, c) for h, c, _t in rows if c in (Category.POOR, Category.NEAR_POOR)}
    path = reports.build("exchange_workbook", small_store, tmp_path / "x.xlsx", fmt="xlsx")
    layouts, sheets = open_workbook(path)
    parsed = parse_sheet(sheets[0], layouts[0])
    assert parsed.errors == []
    assert len(parsed.households) == len(listed)
    for imported in parsed.households:
        h, category = listed[imported.household.code]
        assert imported.category is category
        assert imported.household.head_name() == h.head_name()
        assert [m.name for m in imported.household.members] == [m.name for m in h.members]


def test_detail_list_has_the_head_then_the_members(small_store: Store, tmp_path: Path) -> None:
    rows = current(small_store)
    poor = sorted(
        ((h, t) for h, c, t in rows if c is Category.POOR),
        key=lambda x: (VILLAGES.index(x[0].village), x[0].code),
    )
    xlsx = reports.build("detail_list", small_store, tmp_path / "ct.xlsx", fmt="xlsx")
    cells = [[c.value for c in r] for r in load_workbook(xlsx)["Chi tiết hộ nghèo"].iter_rows()]
    heads = [i for i, r in enumerate(cells) if isinstance(r[0], int)]
    assert [cells[i][3] for i in heads] == [h.code for h, _t in poor]
    for i, (h, t) in zip(heads, poor, strict=True):
        assert cells[i][2] == h.head_name()
        members = [r[2] for r in cells[i + 1 : i + h.size()]]
        assert members == [m.name for m in h.members if m is not h.head()]
        assert (cells[i][10] == "x") == (t is Transition.STAYED_POOR)
    text = pdf_text(reports.build("detail_list", small_store, tmp_path / "ct.pdf"))
    assert "DANH SÁCH CHI TIẾT HỘ NGHÈO" in text
    assert "DANH SÁCH CHI TIẾT HỘ CẬN NGHÈO" in text


def test_children_table_counts_children_of_poor_households(
    small_store: Store, tmp_path: Path
) -> None:
    rnd = small_store.current_round()
    assert rnd is not None
    ref = rnd.reference_date
    assert ref is not None
    poor = [h for h, c, _t in current(small_store) if c is Category.POOR]
    kids = [m for h in poor for m in h.members if (a := m.age_on(ref)) is not None and a < 16]
    xlsx = reports.build("summary", small_store, tmp_path / "bc.xlsx", fmt="xlsx")
    cells = [[c.value for c in r] for r in load_workbook(xlsx)["Trẻ em"].iter_rows()]
    total = next(r for r in cells if r[1] == "Tổng cộng")
    assert total[2] == len(kids)
    assert total[3] == sum(1 for m in kids if m.health_insurance is False)


def test_minutes_printed_before_the_meeting_leave_each_result_to_be_written_in(
    small_store: Store, small_file: Path, tmp_path: Path
) -> None:
    """No vote typed in for the village: a blank form, no "Chưa biểu quyết" printed in every
    row for the secretary to cross out; once votes are in, the ones missing are said."""
    rnd = small_store.current_round()
    assert rnd is not None
    voted = {v.household_id for v in small_store.meeting_votes(rnd.id)}
    village = VILLAGES[1]
    listed = (Category.POOR, Category.NEAR_POOR)
    put = [h for h, c, _t in proposed(small_store) if h.village == village and c in listed]
    assert len(put) > 1
    assert not voted & {h.id for h in put}
    blank = flat(
        pdf_text(
            reports.build("meeting_minutes", small_store, tmp_path / "bb.pdf", village=village)
        )
    )
    assert all(h.code in blank for h in put)
    assert "Chưa biểu quyết" not in blank
    assert "…… hộ được thống nhất" in blank

    copy = tmp_path / "xa.sqlite"  # the session's file is shared: a vote on a copy
    shutil.copy(small_file, copy)
    with Store.open(copy, user="t", device="t") as store:
        store.save_meeting_vote(
            put[0].id, rnd.id, agree=30, attendees=40, meeting_date=date(2026, 11, 10)
        )
        some = flat(
            pdf_text(reports.build("meeting_minutes", store, tmp_path / "bb2.pdf", village=village))
        )
    assert "Thống nhất" in some
    assert "Chưa biểu quyết" in some  # the others


def test_a_workbook_orders_its_titles_as_the_pdf(small_store: Store, tmp_path: Path) -> None:
    """Titles, then the notes above the table ("Kính gửi: …"), then the table's caption: the
    caption "Biểu 1 …" came before "Kính gửi"."""
    xlsx = reports.build("summary", small_store, tmp_path / "bc.xlsx", fmt="xlsx")
    first = [r[0] for r in sheet_rows(xlsx)[:16]]  # the header, titles, notes, table head
    texts = [str(v) for v in first if v is not None]
    addressed = next(i for i, t in enumerate(texts) if t.startswith("Kính gửi"))
    caption = next(i for i, t in enumerate(texts) if t.startswith("Biểu 1."))
    assert texts[:2] == ["ỦY BAN NHÂN DÂN", "XÃ BÌNH LƯ"]  # the administrative header
    assert addressed < caption
    assert texts[caption + 1] == "STT"


def test_a_certificate_names_the_province_once_even_in_a_place_named_after_it(
    small_store: Store,
) -> None:
    """The province's name found anywhere in the residence left it off: a village or ward
    named after its province (Bản Lai Châu, Phường Lào Cai) lost "tỉnh …"; an address
    ending with it keeps one."""
    from reports.certificate import certificate_part
    from reports.review import load_review

    data = load_review(small_store)
    entry = next(e for e in data.entries if e.category is Category.POOR)
    entry.household.village = "Bản Lai Châu"  # a place named after its province

    def residence(address: str) -> str:
        entry.household.address = address
        part = certificate_part(data, 1, entry)
        return next(
            str(b.text) for b in part.blocks if str(getattr(b, "text", "")).startswith("Nơi")
        )

    assert residence("Tổ 5").endswith("Bản Lai Châu, xã Bình Lư, tỉnh Lai Châu")
    assert residence("Tổ 5, tỉnh Lai Châu").count("tỉnh Lai Châu") == 1
    assert "tỉnh" not in residence("Tổ 5, Lai Châu")


def test_minutes_say_the_attendance_of_each_vote_and_each_meeting_apart(
    small_store: Store, small_file: Path, tmp_path: Path
) -> None:
    """Counts that differ from vote to vote are not printed as one total (the most of them);
    a household sent back and voted on at a later meeting has that meeting's own minutes,
    with its day, not the first meeting's households under the later day."""
    rnd = small_store.current_round()
    assert rnd is not None
    village = VILLAGES[0]
    votes = {v.household_id: v for v in small_store.meeting_votes(rnd.id)}
    codes = {h.id: h.code for h, _c, _t in proposed(small_store) if h.village == village}
    listed = (Category.POOR, Category.NEAR_POOR)
    third = next(
        h.id
        for h, c, _t in proposed(small_store)
        if h.village == village and c in listed and h.id not in votes
    )
    back = next(v.household_id for v in votes.values() if not v.passed)
    other = next(hid for hid, v in votes.items() if v.passed)
    text = flat(
        pdf_text(reports.build("meeting_minutes", small_store, tmp_path / "a.pdf", village=village))
    )
    assert "Tổng số người dự họp và biểu quyết: 30 người." in text

    copy = tmp_path / "xa.sqlite"  # the session's file is shared: votes on a copy
    shutil.copy(small_file, copy)
    with Store.open(copy, user="t", device="t") as store:
        store.save_meeting_vote(
            other, rnd.id, agree=30, attendees=44, meeting_date=date(2026, 11, 10)
        )
        store.save_meeting_vote(
            third, rnd.id, agree=30, attendees=30, meeting_date=date(2026, 11, 10)
        )
        store.save_meeting_vote(
            back, rnd.id, agree=25, attendees=29, meeting_date=date(2026, 11, 20)
        )
        path = reports.build("meeting_minutes", store, tmp_path / "b.pdf", village=village)
    pages = [flat(p) for p in pdf_text(path).split("\f") if p.strip()]
    first = [p for p in pages if "ngày 10/11/2026" in p]
    second = [p for p in pages if "ngày 20/11/2026" in p]
    assert first
    assert second
    assert "Tổng số người dự họp và biểu quyết: từ 30 đến 44 người" in first[0]
    assert "Tổng số người dự họp và biểu quyết: 29 người." in second[0]
    assert codes[back] in " ".join(second)
    assert codes[back] not in " ".join(first)
    assert codes[other] in " ".join(first)
    assert codes[third] in " ".join(first)
    assert codes[other] not in " ".join(second)
    # Households not voted on yet wait in the latest meeting's minutes.
    assert "Chưa biểu quyết" in " ".join(second)
    assert "Chưa biểu quyết" not in " ".join(first)
