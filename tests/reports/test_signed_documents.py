"""What a commune officer signs: the wording and counts of each document as printed."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

import reports
from db.store import Store
from forms.model import Relationship
from reports.catalog import DOCUMENTS
from reports.review import ReportError, load_review
from tests.reports.conftest import VILLAGES, cadre_for, store_for


def pdf_pages(path: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [" ".join(p.split()) for p in text.split("\f")[:-1]]


def flat_text(path: Path) -> str:
    return " ".join(pdf_pages(path))


def test_minutes_before_the_vote_leave_blanks(small_store: Store, tmp_path: Path) -> None:
    village = VILLAGES[1]  # no vote typed in yet
    data = load_review(small_store, village=village)
    put = [e for e in data.entries if e.groups(proposed=True)]
    assert 0 < len(put) < len(data.entries)
    text = flat_text(
        reports.build("meeting_minutes", small_store, tmp_path / "bb.pdf", village=village)
    )
    assert "…… hộ được thống nhất" in text
    assert " 0 hộ được thống nhất" not in text
    assert f"trên tổng số {len(put)} hộ có tên trong Danh sách" in text


def test_no_minutes_for_a_village_with_nobody_to_review(small_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "xa.sqlite"
    shutil.copy(small_file, path)
    with Store.open(path, user="t", device="t") as store:
        store.add_village("Thôn Trống")
        with pytest.raises(reports.ReportError, match="không có hộ nào đưa ra bình xét"):
            reports.build("meeting_minutes", store, tmp_path / "x.pdf", village="Thôn Trống")
        text = flat_text(reports.build("meeting_minutes", store, tmp_path / "all.pdf"))
    assert text.count("BIÊN BẢN KẾT QUẢ HỌP DÂN") == len(VILLAGES)
    assert "THÔN TRỐNG" not in text


def test_notice_posts_each_place_for_its_own_period(small_store: Store, tmp_path: Path) -> None:
    text = flat_text(reports.build("posting_notice", small_store, tmp_path / "tb.pdf"))
    assert "Trụ sở UBND xã Bình Lư: từ ngày 13/11/2026 đến ngày 19/11/2026" in text
    assert f"Nhà văn hóa {VILLAGES[0]}: từ ngày 12/11/2026 đến ngày 18/11/2026" in text
    assert f"Nhà văn hóa {VILLAGES[1]}: từ ngày …/…/… đến ngày …/…/…" in text
    assert "Như trên" not in text  # nothing above for it to point back to


def test_near_poor_turned_poor_leaves_the_near_poor_list_as_such(
    small_file: Path, tmp_path: Path
) -> None:
    import dataclasses

    from forms.model import Category, Transition

    path = tmp_path / "xa.sqlite"
    shutil.copy(small_file, path)
    with Store.open(path, user="t", device="t") as store:
        last, now = sorted(store.rounds(), key=lambda r: r.year)
        rejected = {v.household_id for v in store.meeting_votes(now.id) if not v.passed}
        h, _r = next(
            (h, r)
            for h, r in store.results_for_round(now.id)
            if r.category is Category.POOR and h.id not in rejected
        )
        before = store.result_for(h.id, last.id)
        assert before is not None
        # Last year near-poor: this year's transition becomes "near-poor to poor".
        store.save_result(h.id, last.id, dataclasses.replace(before, category=Category.NEAR_POOR))
        data = load_review(store)
        (e,) = [e for e in data.entries if e.household.id == h.id]
        assert e.transition is Transition.NEAR_POOR_TO_POOR
        text = flat_text(reports.build("escaped_list", store, tmp_path / "tn.pdf"))
        final = flat_text(reports.build("final_list", store, tmp_path / "ds.pdf"))
        xlsx = reports.build("escaped_list", store, tmp_path / "tn.xlsx", fmt="xlsx")
    part = text[text.index("DANH SÁCH HỘ THOÁT CẬN NGHÈO") :]
    assert h.code in part
    rows = [[c.value for c in r] for r in load_workbook(xlsx)["Hộ thoát cận nghèo"].iter_rows()]
    (row,) = [r for r in rows if h.code in r]
    assert "Hộ cận nghèo rơi xuống hộ nghèo" in row
    near = final[final.index("DANH SÁCH HỘ CẬN NGHÈO") :]
    assert h.code not in near
    assert h.code in final[: final.index("DANH SÁCH HỘ CẬN NGHÈO")]


def test_final_list_has_ethnicity_and_the_flags(small_store: Store, tmp_path: Path) -> None:
    from forms.model import Category

    xlsx = reports.build("final_list", small_store, tmp_path / "ds.xlsx", fmt="xlsx")
    ws = load_workbook(xlsx)["Hộ nghèo"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    header = [v for r in rows[:14] for v in r if isinstance(v, str)]
    for title in ("Dân tộc", "DTTS", "Không có KNLĐ", "Có công", "Bảo trợ xã hội"):
        assert title in header
    data = load_review(small_store)
    by_code = {e.household.code: e for e in data.entries if e.category is Category.POOR}
    listed = [r for r in rows if r[1] in by_code]
    assert len(listed) == len(by_code)
    for r in listed:
        head = by_code[r[1]].household.head()
        assert r[4] == (head.ethnicity if head and head.ethnicity else None)
        assert r[10] == ("x" if by_code[r[1]].flag("ethnic_minority", data.reference) else None)
    text = flat_text(reports.build("final_list", small_store, tmp_path / "ds.pdf"))
    assert "Quyết định số 125/QĐ-UBND ngày 10/12/2026 của Chủ tịch UBND xã Bình Lư" in text


def test_the_recognition_decision_with_its_lists(settled_store: Store, tmp_path: Path) -> None:
    from forms.model import Category

    small_store = settled_store  # a finished review: the decision is refused before
    pdf = reports.build("decision", small_store, tmp_path / "qd.pdf")
    pages = pdf_pages(pdf)
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", str(len(pages)), str(pdf)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    sizes = [
        tuple(float(x) for x in line.split(":", 1)[1].split("pts")[0].split(" x "))
        for line in info.splitlines()
        if line.startswith("Page") and "size" in line
    ]
    # The decision numbers its own pages (at 13 pt it may take two), portrait; the lists after
    # it landscape.
    mark = re.search(r"Trang 1/(\d+)\s*$", pages[0])
    assert mark is not None
    own = int(mark[1])
    assert own <= 2
    assert all(w < h for w, h in sizes[:own])
    assert all(w > h for w, h in sizes[own:])
    first = "\n".join(pages[:own])
    data = load_review(small_store)
    poor = [e for e in data.entries if e.category is Category.POOR]
    assert "QUYẾT ĐỊNH" in first
    assert "Số: 125/QĐ-UBND" in first
    assert f"Về việc {data.decision_subject}" in first
    assert f"1. Hộ nghèo: {len(poor)} hộ, {sum(e.household.size() for e in poor)} khẩu" in first
    assert "Điều 2." in first
    assert "Lò Văn Thành" in first
    assert data.standard is not None
    assert data.standard.name in first
    assert first.rstrip().endswith(f"Trang {own}/{own}")  # the decision numbers its own pages
    lists = " ".join(pages[own:])
    for title in ("DANH SÁCH HỘ NGHÈO", "DANH SÁCH HỘ CẬN NGHÈO", "DANH SÁCH HỘ THOÁT NGHÈO"):
        assert title in lists
    assert pages[own].rstrip().endswith("Trang 1/" + pages[own].rstrip()[-1])
    # The certificate cites the decision in its own words.
    cert = flat_text(reports.build("certificate", small_store, tmp_path / "gcn.pdf"))
    assert f"về việc {data.decision_subject}" in cert


@pytest.mark.parametrize("kind", [k for k in DOCUMENTS if k != "exchange_workbook"])
def test_every_document_names_the_standard_applied(
    request: pytest.FixtureRequest, tmp_path: Path, kind: str
) -> None:
    small_store = store_for(kind, request)
    data = load_review(small_store)
    assert data.standard is not None
    household = next(e.household.id for e in data.entries if e.groups())
    spec = DOCUMENTS[kind]
    village = VILLAGES[0] if "village" in spec.params and kind != "certificate" else None
    pdf = reports.build(
        kind,
        small_store,
        tmp_path / f"{kind}.pdf",
        fmt=spec.formats[0] if "pdf" not in spec.formats else "pdf",
        village=village,
        household_id=household if "household" in spec.params else None,
        cadre=cadre_for(kind),
    )
    if pdf.suffix == ".pdf":
        for page in pdf_pages(pdf):
            if "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page:  # each part's first page
                assert data.standard.name in page, kind


def test_the_decision_is_refused_while_households_have_no_category(
    small_store: Store, settled_store: Store, tmp_path: Path
) -> None:
    """Printed while households were not determined or sent back by the meeting, the decision
    left them out without a word: those of last year's lists lost their status from 1
    January with no act naming them. Refused, naming them, last year's first."""
    from reports.decision import unsettled

    data = load_review(small_store)
    pending = unsettled(data)
    sent_back = [e for e in pending if e.sent_back]
    assert sent_back
    assert len(pending) > len(sent_back)
    out = tmp_path / "qd.pdf"
    with pytest.raises(ReportError) as refused:
        reports.build("decision", small_store, out)
    message = refused.value.message
    assert message.startswith(f"Chưa lập được quyết định công nhận: {len(pending)} hộ")
    assert f"{sent_back[0].code} ({sent_back[0].village})" in message
    listed = {r.household_id for r in data.previous or []}
    first_named = message.split(": ", 2)[2].split(" (", 1)[0]
    if any(e.id in listed for e in pending):
        assert next(e for e in pending if e.code == first_named).id in listed
    assert not out.exists()
    # Once every household has its category, it prints.
    assert unsettled(load_review(settled_store)) == []
    assert reports.build("decision", settled_store, out).exists()


def test_last_years_households_gone_or_not_reviewed(settled_file: Path, tmp_path: Path) -> None:
    """Điều 1 counts last year's households deleted since (documents.md §4, "removed"), as the
    summary's "Giảm khác" does; one of last year's lists still in the file but not reviewed
    this year stops the decision, named, as an undetermined one does."""
    import shutil

    from db.store import Store
    from forms.classify import classify
    from forms.demo import generate_households
    from forms.model import Category
    from forms.standards import load_standard
    from reports.decision import removed

    path = tmp_path / "xa.sqlite"
    shutil.copyfile(settled_file, path)
    with Store.open(path, user="Kiểm thử", device="test") as store:
        data = load_review(store)
        gone = removed(data, Category.POOR) + removed(data, Category.NEAR_POOR)
        assert gone  # the settled commune deleted undetermined households of last year's lists
        poor, near = removed(data, Category.POOR), removed(data, Category.NEAR_POOR)
        text = flat_text(reports.build("decision", store, tmp_path / "qd.pdf"))
        assert (
            "5. Hộ có tên trong danh sách năm 2025 đưa ra khỏi danh sách do không còn trên địa "
            f"bàn (chuyển đi, không còn thành viên, nhập vào hộ khác): hộ nghèo {len(poor)} hộ, "
            f"{sum(r.persons for r in poor)} khẩu; hộ cận nghèo {len(near)} hộ, "
            f"{sum(r.persons for r in near)} khẩu."
        ) in " ".join(text.split())

        # A household on last year's poor list, not reviewed this year.
        last = next(r for r in store.rounds() if r.year == 2025)
        standard = load_standard("nd07-2022-2025")
        household = next(
            h
            for h in generate_households(400, seed=11, villages=VILLAGES)
            if classify(h, standard, 2025).category is Category.POOR
        )
        household.code = "09-0001"
        store.save_household(
            household, round_id=last.id, result=classify(household, standard, 2025)
        )
        with pytest.raises(ReportError) as refused:
            reports.build("decision", store, tmp_path / "qd2.pdf")
    assert (
        "1 hộ chưa có kết quả rà soát năm 2026, trong đó 1 hộ có tên trong danh sách năm "
        "2025: 09-0001" in refused.value.message
    )


def test_the_posting_notice_cites_the_rounds_standard_as_the_decision_does(
    small_store: Store, tmp_path: Path
) -> None:
    """It printed Decree 07/2021 alone whatever standard the round was scored on."""
    data = load_review(small_store)
    assert data.standard is not None
    text = " ".join(
        flat_text(reports.build("posting_notice", small_store, tmp_path / "tb.pdf")).split()
    )
    assert f"Căn cứ {data.standard.title};" in text


def test_the_chairmans_own_acts_are_signed_by_the_chairman(
    settled_store: Store, tmp_path: Path
) -> None:
    """The decision is the chairman's (Decree 30/2020/NĐ-CP: "TM." signs for a collective
    body): its attached lists, which say "Kèm theo Quyết định … của Chủ tịch UBND xã", and
    the certificate, whose chairman "chứng nhận", were signed "TM. ỦY BAN NHÂN DÂN"."""
    decision = flat_text(reports.build("decision", settled_store, tmp_path / "qd.pdf"))
    final = flat_text(reports.build("final_list", settled_store, tmp_path / "ds.pdf"))
    certificate = flat_text(reports.build("certificate", settled_store, tmp_path / "gcn.pdf"))
    for text in (decision, final, certificate):
        assert "CHỦ TỊCH" in text
        assert "TM. ỦY BAN NHÂN DÂN" not in text
    notice = flat_text(reports.build("posting_notice", settled_store, tmp_path / "tb.pdf"))
    assert "TM. ỦY BAN NHÂN DÂN" in notice  # the committee's notice


def test_the_phan_loai_cell_is_never_left_empty_on_a_list(
    small_store: Store, tmp_path: Path
) -> None:
    """A household the meeting sent back had an empty "Phân loại" on the meeting list (its
    proposal's movement was not read); one whose previous year was not determined had one
    on every list, with nothing saying why."""
    from forms.model import Transition
    from reports.lists import NO_PREVIOUS, household_cells, kind_label

    data = load_review(small_store)
    sent_back = next(e for e in data.entries if e.sent_back)
    assert sent_back.proposed is not None
    assert kind_label(sent_back, proposed=True) not in ("", NO_PREVIOUS)
    cells = household_cells(1, sent_back, data.reference, True, proposed=True)
    assert kind_label(sent_back, proposed=True) in cells
    listed = [e for e in data.entries if e.groups()]
    assert all(kind_label(e) for e in listed)
    unknown = [e for e in listed if e.transition is Transition.UNKNOWN]
    if unknown:
        assert kind_label(unknown[0]) == NO_PREVIOUS
    text = flat_text(
        reports.build("meeting_list", small_store, tmp_path / "hop.pdf", village=VILLAGES[0])
    )
    assert sent_back.code in text


def test_a_villages_lists_name_the_village_and_an_empty_one_says_so(
    small_file: Path, tmp_path: Path
) -> None:
    """A village's detail list was headed "Xã Bình Lư" and printed a bare table over
    "Tổng cộng: 0 hộ, 0 khẩu", which read as the commune having no poor household."""
    import shutil

    from db.store import Store

    path = tmp_path / "xa.sqlite"
    shutil.copyfile(small_file, path)
    with Store.open(path, user="Kiểm thử", device="test") as store:
        store.add_village("Thôn Trống")
        text = " ".join(
            flat_text(
                reports.build("detail_list", store, tmp_path / "ct.pdf", village="Thôn Trống")
            ).split()
        )
        assert "Thôn Trống, xã Bình Lư - kết quả rà soát năm 2026" in text
        assert "Thôn Trống, xã Bình Lư không có hộ nghèo nào theo kết quả rà soát năm 2026." in text
        assert "Tổng cộng: 0 hộ" not in text
        xlsx = reports.build(
            "detail_list", store, tmp_path / "ct.xlsx", fmt="xlsx", village="Thôn Trống"
        )
        book = load_workbook(xlsx)
        words = [
            str(c.value) for ws in book.worksheets for r in ws.iter_rows() for c in r if c.value
        ]
        assert (
            "Thôn Trống, xã Bình Lư không có hộ nghèo nào theo kết quả rà soát năm 2026." in words
        )
        assert (
            "Thôn Trống, xã Bình Lư không có hộ cận nghèo nào theo kết quả rà soát năm 2026."
            in words
        )
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in words
        assert "(Ký, đóng dấu)" in words
        posting = " ".join(
            flat_text(
                reports.build("posting_list", store, tmp_path / "ny.pdf", village=VILLAGES[0])
            ).split()
        )
        assert f"{VILLAGES[0]}, xã Bình Lư - Kỳ rà soát năm 2026" in posting


def test_the_posting_notice_comes_with_its_list(small_store: Store, tmp_path: Path) -> None:
    """It said "(Có danh sách kèm theo)" and came alone (documents.md §3: printed with the
    lists attached): the commune office's posting list follows, landscape, its pages counted
    on their own."""
    pages = pdf_pages(reports.build("posting_notice", small_store, tmp_path / "tb.pdf"))
    mark = re.search(r"Trang 1/(\d+)\s*$", pages[0])
    assert mark is not None
    own = int(mark[1])
    assert "(Có danh sách kèm theo)" in " ".join(pages[:own])
    listed = " ".join(pages[own:])
    assert "DANH SÁCH NIÊM YẾT CÔNG KHAI" in listed
    data = load_review(small_store)
    poor = data.in_group("poor")
    assert poor[0].code in listed
    assert pages[own].rstrip().endswith("Trang 1/" + pages[own].rstrip()[-1])


def test_a_signed_documents_workbook_has_its_header_and_its_signatures(
    small_store: Store, tmp_path: Path
) -> None:
    """The Excel of a signed list began with the commune's name alone (no national name, no
    place and date, no number) and ended at its total; the minutes' lost "III. Ý KIẾN KHÁC",
    the closing sentence and the three signatures."""
    final = load_workbook(
        reports.build("final_list", small_store, tmp_path / "ds.xlsx", fmt="xlsx")
    )
    cells = [v for ws in final.worksheets[:1] for r in ws.iter_rows() for v in (c.value for c in r)]
    texts = [str(v) for v in cells if v is not None]
    for expected in (
        "ỦY BAN NHÂN DÂN",
        "XÃ BÌNH LƯ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Bình Lư, ngày 10 tháng 12 năm 2026",
        "CHỦ TỊCH",
        "(Ký, đóng dấu)",
        "Lò Văn Thành",
    ):
        assert expected in texts, expected
    minutes = load_workbook(
        reports.build(
            "meeting_minutes", small_store, tmp_path / "bb.xlsx", fmt="xlsx", village=VILLAGES[0]
        )
    )
    texts = [
        str(c.value) for ws in minutes.worksheets for r in ws.iter_rows() for c in r if c.value
    ]
    for expected in ("III. Ý KIẾN KHÁC", "THƯ KÝ", "ĐẠI DIỆN CÁC HỘ GIA ĐÌNH", "CHỦ TRÌ"):
        assert expected in texts, expected
    assert any(t.startswith("Cuộc họp kết thúc") for t in texts)


@pytest.mark.parametrize("kind", ["detail_list", "certificate"])
def test_members_are_called_as_people_are(small_store: Store, kind: str) -> None:
    """ "Vợ/chồng", "Bố/mẹ" were printed beside members whose sex the same row showed."""
    from forms.labels import relationship_of

    document = reports.build_document(kind, small_store)
    said = {str(c) for t in document.tables() for row in t.rows for c in row.cells}
    data = load_review(small_store)
    spouses = [
        m
        for e in data.entries
        if e.groups()
        for m in e.household.members
        if m.relationship is Relationship.SPOUSE and m.sex is not None
    ]
    assert spouses
    unknown = sum(
        1
        for e in data.entries
        if e.groups()
        for m in e.household.members
        if m.relationship is Relationship.SPOUSE and m.sex is None
    )
    if not unknown:
        assert "Vợ/chồng" not in said
    assert {relationship_of(m) for m in spouses} <= {"Vợ", "Chồng"}
    assert said & {"Vợ", "Chồng"}


def test_a_monthly_rounds_decision_is_not_refused_for_the_households_it_does_not_hold(
    settled_file: Path, tmp_path: Path
) -> None:
    """A monthly round holds only the households that applied or changed: every household of
    last year's lists counted as "not reviewed", and its decision was always refused."""
    import shutil
    from datetime import date

    from db import year_round
    from db.store import Store
    from reports.decision import recognition_decision, unsettled

    path = tmp_path / "xa.sqlite"
    shutil.copyfile(settled_file, path)
    with Store.open(path, user="Kiểm thử", device="test") as store:
        rnd = year_round.start_regular_round(store, 2027, 3)
        store.save_decision(rnd.id, "05/QĐ-UBND", date(2027, 3, 17), "Lò Văn Thành")
        data = load_review(store, round_id=rnd.id)
        assert data.round.kind == "adhoc"
        assert unsettled(data) == []
        text = " ".join(
            str(getattr(b, "text", "")) for b in recognition_decision(data).parts[0].blocks
        )
        assert "5. Hộ có tên trong danh sách" not in text  # last year's removals: periodic only


def test_the_summary_counts_the_poor_by_the_heads_ethnicity(small_store: Store) -> None:
    """documents.md §7 asks for the poor and near-poor by ethnicity (Kinh, each main local
    group, other); the summary had no such table."""
    from collections import Counter

    from forms.model import Category

    document = reports.build_document("summary", small_store)
    [table] = [t for t in document.tables() if t.sheet == "Theo dân tộc"]
    titles = [c.title for c in table.columns]
    total = table.rows[-1].cells
    data = load_review(small_store)
    for k, category in enumerate((Category.POOR, Category.NEAR_POOR)):
        chosen = [e for e in data.entries if e.category is category]
        heads = Counter(
            (e.household.head().ethnicity or "") if e.household.head() else "" for e in chosen
        )
        width = (len(titles) - 2) // 2
        cells = total[2 + k * width : 2 + (k + 1) * width]
        assert cells[0] == len(chosen)
        assert sum(cells[1:]) == len(chosen)  # every household in one column
        assert cells[1] == heads["Kinh"]
    assert titles[3] == "Kinh"
    assert "Dân tộc khác" in titles


def test_documents_cite_the_national_texts_with_their_dates(
    settled_store: Store, tmp_path: Path
) -> None:
    """A legal basis ("Căn cứ …") names the text by number, date, issuer and title: the
    decision, the posting notice and the certificate cited Decision 24/2021/QĐ-TTg, and the
    decision Circular 07/2021/TT-BLĐTBXH, without their dates (16/7/2021, 18/7/2021)."""
    procedure = "Quyết định số 24/2021/QĐ-TTg ngày 16 tháng 7 năm 2021 của Thủ tướng Chính phủ"
    method = "Thông tư số 07/2021/TT-BLĐTBXH ngày 18 tháng 7 năm 2021 của Bộ trưởng Bộ Lao động"
    for kind in ("decision", "posting_notice", "certificate"):
        text = flat_text(reports.build(kind, settled_store, tmp_path / f"{kind}.pdf"))
        assert procedure in text, kind
        if kind == "decision":
            assert method in text
