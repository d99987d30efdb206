"""A village of 2,000 households: page breaks, repeated headers, page numbers and totals."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

import reports
from db.store import Store
from forms.model import Category
from tests.reports.test_documents import pdf_text


def test_long_meeting_list_repeats_headers_and_adds_up(big_file: Path, tmp_path: Path) -> None:
    progress: list[tuple[int, int]] = []
    with Store.open(big_file, user="t", device="t") as store:
        rnd = store.current_round()
        assert rnd is not None
        results = list(store.results_for_round(rnd.id))
        pdf = reports.build(
            "meeting_list",
            store,
            tmp_path / "ds.pdf",
            village="Thôn Đồng Tâm",
            progress=lambda d, t: progress.append((d, t)),
        )
        xlsx = reports.build(
            "meeting_list", store, tmp_path / "ds.xlsx", fmt="xlsx", village="Thôn Đồng Tâm"
        )
    assert len(results) == 2000
    poor = [h for h, r in results if r.category is Category.POOR]
    near = [h for h, r in results if r.category is Category.NEAR_POOR]
    pages = pdf_text(pdf).split("\f")[:-1]
    assert len(pages) >= 10
    for number, text in enumerate(pages, start=1):
        if number < len(pages):  # the last page may hold only the signatures
            assert "Họ và tên chủ hộ" in text
        assert f"Trang {number}/{len(pages)}" in text
        assert ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text) == (number == 1)
    everything = "\n".join(pages)
    for h in poor[:: max(1, len(poor) // 20)]:
        assert h.head_name() in everything
    assert f"Cộng: {len(poor)} hộ, {sum(h.size() for h in poor)} khẩu" in everything
    assert progress[-1][0] == progress[-1][1]
    assert len(progress) >= len(pages) - 1

    cells = [[c.value for c in row] for row in load_workbook(xlsx).worksheets[0].iter_rows()]
    totals = [r for r in cells if isinstance(r[1], str) and r[1].startswith("Cộng: ")]
    assert totals[0][4] == sum(h.size() for h in poor)
    assert totals[1][4] == sum(h.size() for h in near)
