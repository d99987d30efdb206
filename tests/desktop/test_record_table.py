"""The three dialogs listing records (known laptops, imported packages, deleted households)
lay their columns out alike, from desktop/record_table.py: each column as wide as its
header and its cells, the long free-text one taking the room left over, so on a 1024x768
laptop no name, date or fingerprint is cut short with "…". Real files, real packages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QDialog, QStyle, QTableWidget

from db.exchange import signing
from db.exchange.devices import stop_trusting
from db.exchange.export import ExportScope, export_package
from db.exchange.merge import import_package
from db.store import Store
from forms.model import Household, Member, Relationship
from tests.db.exchange.commune import copy_to, make_commune

# As a commune's files are named and its people and laptops are called.
OFFICER = "Hoàng Văn Thắng"
LAPTOPS = [("3f9c2a7b1e04", "Nguyễn Thị Hồng Nhung"), ("a81d5c0f9b27", "Lò Văn Thưởng")]
PACKAGE = "10105-xa-tan-lap-2026-12-02.rasoat"


def typical_commune(tmp_path: Path) -> Path:
    """A commune file that took a package from each of two village heads' laptops (the
    second laptop no longer trusted) and deleted a household, each name as long as usual."""
    base = make_commune(tmp_path / "xa.db", 3)
    prints = []
    for n, (device, user) in enumerate(LAPTOPS):
        laptop = copy_to(base, tmp_path / f"may-{n}.db")
        key = Ed25519PrivateKey.generate()
        folder = tmp_path / f"goi-{n}"
        folder.mkdir()
        with Store.open(laptop, user=user, device=device) as store:
            h = store.household_by_code(f"HO0000{n}")
            assert h is not None
            h.note = f"Sửa ở máy {device}"
            store.save_household(h)
            export_package(store, folder / PACKAGE, ExportScope(), signer=key)
        prints.append(signing.fingerprint(signing.public_bytes(key)))
    with Store.open(base, user=OFFICER, device="7d21c0e9a4b3") as office:
        for n, fp in enumerate(prints):
            import_package(office, tmp_path / f"goi-{n}" / PACKAGE, trusted=[fp])
        stop_trusting(office, LAPTOPS[1][0], prints[1])
        gone = Household(
            code="HO-0117",
            village="Bản Khuổi Phìn",
            members=[
                Member(name="Nguyễn Thị Hồng Nhung", relationship=Relationship.HEAD),
            ],
        )
        office.save_household(gone)
        office.delete_household(gone.id)
    return base


def _dialogs() -> list[Any]:
    from desktop.deleted_households_dialog import DeletedHouseholdsDialog
    from desktop.import_history_dialog import ImportHistoryDialog
    from desktop.known_devices_dialog import KnownDevicesDialog

    return [KnownDevicesDialog, ImportHistoryDialog, DeletedHouseholdsDialog]


def cut_short(table: QTableWidget) -> list[str]:
    """Every header and cell the table cannot show whole: a header narrower than its text, a
    cell whose text does not fit its column on lines broken at spaces (a word wider than the
    column, more lines than the row is tall: drawn cut short with "…"), a column not wholly
    in sight."""
    style = table.style()
    margin = 2 * (style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1)
    header = table.horizontalHeader()
    short = []
    for c in range(table.columnCount()):
        width = table.columnWidth(c)
        if header.sectionSizeHint(c) > width:
            short.append(f"header {table.horizontalHeaderItem(c).text()!r}")
        if header.sectionViewportPosition(c) + width > table.viewport().width():
            short.append(f"column {c} out of sight")
        for r in range(table.rowCount()):
            item = table.item(r, c)
            font = item.data(Qt.ItemDataRole.FontRole)
            metrics = QFontMetrics(font if isinstance(font, QFont) else table.font())
            room = QRect(0, 0, width - margin, 10_000)
            needs = metrics.boundingRect(room, Qt.TextFlag.TextWordWrap, item.text())
            if needs.width() > room.width() or needs.height() > table.rowHeight(r):
                short.append(item.text())
    return short


@pytest.mark.parametrize("index", range(3))
def test_no_column_is_cut_short_at_1024_by_768(
    qtbot: Any, app: Any, tmp_path: Path, index: int
) -> None:
    base = typical_commune(tmp_path)
    with Store.open(base, user=OFFICER, device="7d21c0e9a4b3") as store:
        dialog: QDialog = _dialogs()[index](store)
        qtbot.addWidget(dialog)
        # As it opens: no wider than a 1024 px screen less the window's frame.
        assert dialog.width() <= 1024 - 16
        dialog.show()
        qtbot.waitExposed(dialog)
        table = dialog.table  # type: ignore[attr-defined]
        assert table.rowCount() == {0: 2, 1: 2, 2: 1}[index]
        qtbot.wait(50)  # the columns are laid out on the event loop's next turn
        assert cut_short(table) == []
        # The room left over goes to the first column of free text, none left at the right.
        widths = [table.columnWidth(c) for c in range(table.columnCount())]
        assert sum(widths) == table.viewport().width()
        if index == 2:  # room to spare: the head's name has it, not the deleting officer's
            natural = [
                max(table.sizeHintForColumn(c), table.horizontalHeader().sectionSizeHint(c))
                for c in range(table.columnCount())
            ]
            assert widths[1] > natural[1]
            assert widths[:1] + widths[2:] == natural[:1] + natural[2:]


def test_a_narrow_table_wraps_its_free_text_at_spaces_then_scrolls(qtbot: Any, app: Any) -> None:
    from PySide6.QtWidgets import QTableWidgetItem

    from desktop.record_table import record_table

    table = record_table(["Mã hộ", "Chủ hộ"], text=(1,))
    qtbot.addWidget(table)
    table.setRowCount(1)
    for c, text in enumerate(["HO-0117", "Nguyễn Thị Hồng Nhung"]):
        table.setItem(0, c, QTableWidgetItem(text))
    table.show()
    qtbot.waitExposed(table)
    qtbot.wait(50)
    one_line = table.rowHeight(0)
    code = table.columnWidth(0)
    name = QFontMetrics(table.font()).horizontalAdvance("Nguyễn Thị Hồng Nhung")
    # Too narrow for the name on one line: on two, the row taller, the code untouched.
    table.resize(code + name // 2 + 40, 200)
    qtbot.wait(50)
    assert table.rowHeight(0) > one_line
    assert table.columnWidth(0) == code
    assert cut_short(table) == []
    assert table.horizontalScrollBar().maximum() == 0
    # Narrower than its widest word: the table scrolls sideways; no word is cut.
    table.resize(code, 200)
    qtbot.wait(50)
    assert table.horizontalScrollBar().maximum() > 0
    assert [s for s in cut_short(table) if not s.endswith("out of sight")] == []
