"""Every text cell of a workbook we write stays text (issue 17: formula injection).

A name arriving in a package as ``=HYPERLINK("http://…","Bấm vào đây")`` became a live formula
in every XLSX kind, including the one sent to the upper level. Spreadsheet programs also treat
text starting with ``+``, ``-``, ``@``, a tab or a carriage return as the start of a formula
when the cell is edited or the sheet exported to CSV. Such cells are written as plain strings
with Excel's *quote prefix* (the style behind typing ``'=…``): shown exactly as the data has
them, never evaluated, and not turned into a formula when someone edits the cell.

``keep_as_text`` on each cell as ``reports.xlsx`` streams it out; ``keep_cells_as_text`` on a
whole workbook held in memory.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.cell.cell import Cell

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def keep_as_text(cell: Cell) -> bool:
    """Marks ``cell`` as text if its text looks like a formula; True if it did.

    openpyxl types a string starting with '=' as a formula when it is assigned, so the type is
    set back to string here, after the cell's value and style are set (a write-only sheet's
    cells right before the row goes out)."""
    if not looks_like_formula(cell.value):
        return False
    cell.data_type = "s"
    cell.quotePrefix = True
    return True


def keep_cells_as_text(wb: Workbook) -> int:
    """Marks every formula-like text cell of a (not write-only) ``wb`` as text; returns how
    many it marked."""
    marked = 0
    for ws in wb.worksheets:
        for cell in ws._cells.values():  # only the cells that exist, not the used range
            marked += keep_as_text(cell)
    return marked
