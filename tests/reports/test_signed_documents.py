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
from reports.catalog import DOCUMENTS
from reports.review import load_review
from tests.reports.conftest import VILLAGES, cadre_for


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
    header = [v for r in rows[:10] for v in r if isinstance(v, str)]
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


def test_the_recognition_decision_with_its_lists(small_store: Store, tmp_path: Path) -> None:
    from forms.model import Category

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
    small_store: Store, tmp_path: Path, kind: str
) -> None:
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
