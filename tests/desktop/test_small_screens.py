"""The pieces that let the main window fit a 1024x768 screen."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from desktop.small_screens import (
    ElidedLabel,
    ElidingStatusBar,
    WrappingRow,
    first_geometry,
)


def test_the_first_geometry_fits_the_free_part_of_a_small_screen() -> None:
    # 1024x768 with a 40 px taskbar: the window and its frame inside 1024x728.
    rect = first_geometry(QSize(1200, 760), QRect(0, 0, 1024, 728), QSize(16, 40))
    assert rect.size() == QSize(1008, 688)
    frame = rect.adjusted(-8, -32, 8, 8)
    assert QRect(0, 0, 1024, 728).contains(frame)
    # A big screen: the default size, centred.
    rect = first_geometry(QSize(1200, 760), QRect(0, 0, 1920, 1040), QSize(16, 40))
    assert rect.size() == QSize(1200, 760)
    assert abs(rect.center().x() - 960) <= 1
    # A second screen to the right, its taskbar on top.
    rect = first_geometry(QSize(1200, 760), QRect(1366, 30, 1280, 690), QSize(16, 40))
    assert QRect(1366, 30, 1280, 690).contains(rect.adjusted(-8, -32, 8, 8))


def _row(qtbot: QtBot) -> tuple[QWidget, WrappingRow, list[QWidget]]:
    host = QWidget()
    qtbot.addWidget(host)
    row = WrappingRow(host)
    widgets = [QLineEdit(host) for _ in range(5)]
    widgets[0].setMinimumWidth(300)
    for w in widgets[1:]:
        w.setMinimumWidth(120)
    row.addWidget(widgets[0], 3)
    for w in widgets[1:]:
        row.addWidget(w, 1, line=1)
    return host, row, widgets


def test_a_wrapping_row_is_one_line_while_it_fits_then_two(qtbot: QtBot, app: Any) -> None:
    host, row, widgets = _row(qtbot)
    one_line = 300 + 4 * 120 + 4 * row.spacing()
    assert row.minimumSize().width() == max(300, 4 * 120 + 3 * row.spacing())
    host.resize(one_line + 50, 200)
    host.show()
    qtbot.waitExposed(host)
    assert not row.wrapped
    assert len({w.y() for w in widgets}) == 1
    assert widgets[0].width() > 300  # the stretch goes to the search box first…
    host.resize(one_line - 10, 200)
    qtbot.waitUntil(lambda: row.wrapped)
    first, second = widgets[0], widgets[1:]
    assert all(w.y() > first.y() for w in second)
    assert first.geometry().right() <= host.width()
    assert all(w.geometry().right() <= host.width() and w.width() >= 120 for w in second)
    assert row.heightForWidth(one_line - 10) > row.heightForWidth(one_line + 50)


def test_an_elided_label_keeps_its_whole_text(qtbot: QtBot, app: Any, monkeypatch: Any) -> None:
    text = "Hộ nghèo: 33  ·  Hộ cận nghèo: 24  ·  Hộ có mức sống trung bình: 39"
    label = ElidedLabel(text)
    qtbot.addWidget(label)
    assert label.minimumSizeHint().width() < label.sizeHint().width() // 3
    label.resize(label.sizeHint())
    assert not label.elided()
    label.resize(120, label.height())
    assert label.elided()
    assert label.text() == text
    shown: list[str] = []

    class ToolTip:  # the offscreen platform cannot raise a real one
        @staticmethod
        def showText(_pos: Any, tip: str, _widget: Any) -> None:
            shown.append(tip)

    monkeypatch.setattr("desktop.small_screens.QToolTip", ToolTip)
    where = QPoint(5, 5)
    QApplication.sendEvent(label, QHelpEvent(QEvent.Type.ToolTip, where, label.mapToGlobal(where)))
    assert shown == [text]  # hovering shows the whole text


def test_status_messages_are_shown_in_an_elided_label(qtbot: QtBot, app: Any) -> None:
    bar = ElidingStatusBar()
    qtbot.addWidget(bar)
    counts = ElidedLabel("Hộ nghèo: 33  ·  Hộ cận nghèo: 24  ·  Không nghèo: 183")
    bar.addPermanentWidget(counts, 1)
    bar.resize(640, 30)
    bar.show()
    qtbot.waitExposed(bar)
    message = "Đang mở xã mẫu (dữ liệu giả để làm quen). Vào Tệp → Tạo tệp xã mới…"
    bar.showMessage(message, 500)
    assert bar.currentMessage() == message
    assert bar.message.text() == message
    qtbot.waitUntil(lambda: counts.width() < counts.sizeHint().width())
    # The counts give way to the message, which is whole; neither widens the bar.
    assert bar.message.width() >= bar.message.sizeHint().width()
    assert not bar.message.elided()
    assert counts.elided()
    assert bar.minimumSizeHint().width() < 300
    qtbot.waitUntil(lambda: bar.message.text() == "", timeout=3000)  # its time is up
    qtbot.waitUntil(lambda: not counts.elided())


def test_the_member_roster_takes_two_lines_per_member_when_narrow(qtbot: QtBot, app: Any) -> None:
    from PySide6.QtWidgets import QScrollArea

    from desktop.member_roster import COLUMNS, MemberRoster
    from forms.model import Household, Member, Relationship

    roster = MemberRoster()
    qtbot.addWidget(roster)
    household = Household(
        members=[
            Member(name="Hoàng Văn Khánh", relationship=Relationship.HEAD, id_number="0" * 12),
            Member(name="Hà Thị Trang", relationship=Relationship.SPOUSE),
        ]
    )
    roster.set_household(household)
    scroll = roster.findChild(QScrollArea)
    positions: dict[bool, Any] = {}
    for width in (roster.wide_width() + 20, 500):
        roster.resize(width, 400)
        roster.show()
        qtbot.waitExposed(roster)
        QApplication.processEvents()
        first = roster.rows[0]
        rows = {
            roster.grid.getItemPosition(roster.grid.indexOf(e))[0] for e in first.editors.values()
        }
        positions[roster.narrow] = rows
        # Every answer is in sight: nothing to scroll sideways, the ID number whole.
        assert scroll.horizontalScrollBar().maximum() == 0, width
        id_edit = first.editors["id_number"]
        assert id_edit.width() >= id_edit.fontMetrics().horizontalAdvance("0" * 12)
        assert first.remove.isVisible()
    assert positions[False] == {1}  # one line per member when wide
    assert len(positions[True]) == 2  # two when narrow

    # Tab follows the paper roster whatever the lines: name, relationship, sex, year, …
    def focus_target(editor: Any) -> Any:
        return editor.focusProxy() or editor

    chain: list[Any] = []
    widget = focus_target(roster.rows[0].editors["name"])
    for _ in range(len(COLUMNS) + 1):
        chain.append(widget)
        widget = widget.nextInFocusChain()
        while not widget.focusPolicy() & Qt.FocusPolicy.TabFocus or not widget.isVisible():
            widget = widget.nextInFocusChain()
    expected = [focus_target(e) for e in roster.rows[0].editors.values()]
    expected.append(focus_target(roster.rows[1].editors["name"]))
    assert chain == expected


def test_every_step_of_the_household_editor_fits_a_small_screen(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    """1024x768 less a 40 px taskbar and the window's frame: no step may ask for more (a step
    that is not scrolled, or the dashboard's three charts, grew the window to 797 px, past the
    screen's bottom edge), nor scroll sideways: Phiếu B1's income sources, one row of check
    boxes, did even at 1366 px, and step 7 of a household of a decided list named the
    decision on one line, wider than the page (the tables and the cadre's role cut)."""
    from datetime import date

    from desktop.main_window import MainWindow
    from desktop.support_page import SupportPage
    from tests.desktop.test_wheel_guard import poor_household, save_classified

    household = poor_household("H-0001", "Thôn Nà Lầu")
    household.income_per_capita = 1_080_000  # Phiếu B1 then asks for the income's sources
    save_classified(store, household)
    store.save_decision(
        store.current_round().id, "215/QĐ-UBND-2026", date(2026, 11, 30), "Nguyễn Văn Hùng"
    )
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.resize(1008, 688)
    window.show()
    qtbot.waitExposed(window)
    assert window.open_household(household.id)
    editor = window.editor
    support = next(p for _t, p in editor.steps if isinstance(p, SupportPage))
    assert "215/QĐ-UBND-2026" in support.heading.text()
    for title, page in editor.steps:
        editor.stack.setCurrentWidget(page)
        QApplication.processEvents()
        hint = window.minimumSizeHint()
        assert hint.width() <= 1008, (title, hint)
        assert hint.height() <= 688, (title, hint)
        for area in page.findChildren(QScrollArea):
            assert area.horizontalScrollBar().maximum() == 0, title
    window.close()


def test_check_boxes_take_as_many_columns_as_the_width_holds(qtbot: QtBot, app: Any) -> None:
    """``desktop.flow_layout``: one column when narrow, more when wide, in reading order
    (the Tab order), never wider than the room it is given."""
    from desktop.field_editor import MultiChoiceEditor

    choices = [(str(i), f"Nguồn thu nhập số {i}") for i in range(8)]
    editor = MultiChoiceEditor(choices)
    qtbot.addWidget(editor)
    layout = editor.layout()
    cell = max(box.sizeHint().width() for _v, box in editor.boxes)
    assert editor.minimumSizeHint().width() <= cell + 1
    for width, columns in ((cell, 1), (3 * cell + 20, 3), (20 * cell, 8)):
        editor.resize(width, layout.heightForWidth(width))
        editor.show()
        QApplication.processEvents()
        assert layout.columns(width) == columns
        lefts = sorted({box.geometry().left() for _v, box in editor.boxes})
        assert len(lefts) == columns
        tops = [box.geometry().top() for _v, box in editor.boxes]
        assert tops == sorted(tops)  # row by row, as Tab walks them
        assert all(box.geometry().right() < width for _v, box in editor.boxes)
        # Apart, never overlapping: the style gives no spacing between two check boxes (-1).
        boxes = [box.geometry() for _v, box in editor.boxes]
        assert not any(a.intersects(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
