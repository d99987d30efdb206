"""The member roster: one row of inputs per member, edited inline, checked as you type.

The roster writes straight into the ``Member`` dataclasses of the household it shows; the
rules (12-digit ID number, plausible birth year, exactly one head) live in
``forms.definitions.validate_household`` and come back here as messages next to the field.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.field_editor import FieldEditor, make_editor
from desktop.labels import enum_choices
from forms.model import Household, Member, Relationship, Sex, nfc

# (attribute, kind, header); the order is the paper roster's, so Tab follows the form.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("name", "text", QT_TRANSLATE_NOOP("MemberRoster", "Họ và tên")),
    ("relationship", "choice", QT_TRANSLATE_NOOP("MemberRoster", "Quan hệ với chủ hộ")),
    ("sex", "choice", QT_TRANSLATE_NOOP("MemberRoster", "Giới tính")),
    ("birth_year", "int", QT_TRANSLATE_NOOP("MemberRoster", "Năm sinh")),
    ("ethnicity", "text", QT_TRANSLATE_NOOP("MemberRoster", "Dân tộc")),
    ("id_number", "text", QT_TRANSLATE_NOOP("MemberRoster", "Số CCCD/định danh")),
)
ENUMS: dict[str, Any] = {"relationship": Relationship, "sex": Sex}
WIDTHS = {"relationship": 190, "sex": 80, "birth_year": 80, "ethnicity": 110}
REMOVE = "remove"
# The longest answer each text column must show whole on one line per member.
SAMPLES = {"birth_year": "0000", "ethnicity": "Tày Nùng", "id_number": "000000000000"}
# Where each field goes when the page is too narrow for one line per member (1024 px, the
# classification panel beside it): two lines, (line, column, column span). Tab still follows
# the paper roster (_tab_order), whatever the lines.
NARROW: dict[str, tuple[int, int, int]] = {
    "name": (0, 0, 2),
    "relationship": (0, 2, 1),
    "sex": (0, 3, 1),
    "birth_year": (1, 0, 1),
    "ethnicity": (1, 1, 1),
    "id_number": (1, 2, 1),
    REMOVE: (1, 3, 1),
}


class MemberRow:
    def __init__(self, member: Member, editors: dict[str, FieldEditor], remove: QPushButton):
        self.member = member
        self.editors = editors
        self.remove = remove
        self.year_placeholder = ""  # the year's own hint, when no birth date gives the year


class MemberRoster(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.household = Household()
        self.rows: list[MemberRow] = []
        # Rows no household shows at the moment, hidden and out of the grid, for the next
        # larger household or added member: building a row (its drop-downs filled item by
        # item) was up to 30 ms of opening a household with more members than the last.
        self.spare: list[MemberRow] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.grid_host = QWidget()
        host_layout = QVBoxLayout(self.grid_host)
        host_layout.setContentsMargins(4, 4, 4, 4)
        self.grid = QGridLayout()
        host_layout.addLayout(self.grid)
        host_layout.addStretch(1)  # rows stay at the top instead of spreading over the frame
        self.grid.setColumnStretch(0, 4)
        self.grid.setColumnStretch(1, 2)
        self.grid.setColumnStretch(5, 2)
        scroll = QScrollArea()
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the fields, not the frame
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.grid_host)
        outer.addWidget(scroll, 1)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(self.tr("Thêm thành &viên"))
        self.add_button.setToolTip(self.tr("Thêm một dòng thành viên (Ctrl+Shift+N)"))
        self.add_button.clicked.connect(self.add_member)
        buttons.addWidget(self.add_button)
        buttons.addStretch()
        outer.addLayout(buttons)
        self.messages = QLabel()
        self.messages.setObjectName("rosterMessages")
        self.messages.setWordWrap(True)
        self.messages.setStyleSheet("color: #b00020")
        outer.addWidget(self.messages)
        shortcut = QShortcut(QKeySequence("Ctrl+Shift+N"), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.add_member)
        self.narrow = False
        self.headers: dict[str, QLabel] = {}
        for attr, _, header in COLUMNS:
            label = QLabel(f"<b>{self.tr(header)}</b>")
            label.setWordWrap(True)
            self.headers[attr] = label
        self._place()

    # --- layout: one line per member, or two when the page is narrow -----------------------
    def _place(self) -> None:
        """Puts the headers and every row's widgets in the grid for the current mode."""
        for label in self.headers.values():
            self.grid.removeWidget(label)
        for row in self.rows:
            for widget in (*row.editors.values(), row.remove):
                self.grid.removeWidget(widget)
        for col in range(8):
            self.grid.setColumnStretch(col, 0)
        if self.narrow:
            for attr, label in self.headers.items():
                line, col, span = NARROW[attr]
                self.grid.addWidget(label, line, col, 1, span)
            for i, row in enumerate(self.rows):
                self._place_row(i, row)
            self.grid.setColumnStretch(0, 1)
            self.grid.setColumnStretch(1, 1)
            self.grid.setColumnStretch(2, 2)
        else:
            for col, (attr, _, _) in enumerate(COLUMNS):
                self.grid.addWidget(self.headers[attr], 0, col)
            for i, row in enumerate(self.rows):
                self._place_row(i, row)
            self.grid.setColumnStretch(0, 4)
            self.grid.setColumnStretch(1, 2)
            self.grid.setColumnStretch(5, 2)

    def _place_row(self, i: int, row: MemberRow) -> None:
        """Row ``i``'s widgets in the grid, in the current mode (the headers placed)."""
        if self.narrow:
            base = 2 + 2 * i
            for attr, widget in (*row.editors.items(), (REMOVE, row.remove)):
                line, col, span = NARROW[attr]
                self.grid.addWidget(widget, base + line, col, 1, span)
            return
        for col, (attr, _, _) in enumerate(COLUMNS):
            self.grid.addWidget(row.editors[attr], 1 + i, col)
        self.grid.addWidget(row.remove, 1 + i, len(COLUMNS))

    def wide_width(self) -> int:
        """The narrowest width at which one line per member still shows every answer whole
        (a name, the relationship, a 12-digit ID number …), margins included."""
        metrics = self.fontMetrics()
        total = 0
        for attr, kind, _ in COLUMNS:
            if attr == "name":
                width = 170
            elif kind == "choice":
                width = min(WIDTHS.get(attr, 200), self._choice_width(attr))
            else:
                width = metrics.horizontalAdvance(SAMPLES[attr]) + 24
                width = min(width, WIDTHS.get(attr, width))
            total += width
        spacing = max(self.grid.horizontalSpacing(), 0) * len(COLUMNS)
        return total + 56 + spacing + 16  # the Xoá button, host margins, the frame

    def _choice_width(self, attr: str) -> int:
        sample = self.rows[0].editors[attr] if self.rows else None
        return sample.sizeHint().width() if sample is not None else WIDTHS.get(attr, 120)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        narrow = self.width() < self.wide_width()
        if narrow != self.narrow:
            self.narrow = narrow
            self._place()

    def set_household(self, household: Household) -> None:
        """Shows another household: the rows already built take its members (building a row,
        its drop-downs filled item by item, and placing every row again for each row added
        was most of the time of opening a household in the editor); only missing rows are
        built and extra ones dropped, then everything is placed once."""
        self.household = household
        keep = min(len(self.rows), len(household.members))
        for row in self.rows[keep:]:
            self._put_aside(row)
        del self.rows[keep:]
        for row, member in zip(self.rows, household.members, strict=False):
            row.member = member
            self._fill(row)
        # The rows kept stay where they are; only the rows added are placed (placing every
        # widget again made Qt lay the whole roster out anew on each open).
        for member in household.members[keep:]:
            row = self._add_row(member, place=False)
            self._place_row(len(self.rows) - 1, row)
        self._tab_order()
        self.messages.clear()

    def add_member(self) -> Member:
        member = Member()
        if not self.household.members:
            member.relationship = Relationship.HEAD
        self.household.members.append(member)
        row = self._add_row(member)
        row.editors["name"].setFocus()
        self.changed.emit()
        return member

    def remove_focused(self) -> bool:
        """Ctrl+Del in the household editor (the window's "Xoá" shortcut, which hands it
        here): the member of the row holding the focus, asked as the row's Xoá asks (the
        row's Xoá is left out of Tab, which walks the answers). False when no row has it."""
        focus = QApplication.focusWidget()
        for i, row in enumerate(self.rows):
            if any(e is focus or e.isAncestorOf(focus) for e in row.editors.values()):
                if not self.ask_remove(row.member):
                    return False
                # The focus stays in the roster: the row now at that place, else the last.
                if self.rows:
                    self.rows[min(i, len(self.rows) - 1)].editors["name"].setFocus()
                else:
                    self.add_button.setFocus()
                return True
        return False

    def ask_remove(self, member: Member) -> bool:
        """The row's Xoá: a member with anything typed is removed only once the officer says
        so, named (it went at once, saved a moment later, with no undo)."""
        from desktop.confirm import confirm_destructive

        if member != Member(id=member.id, relationship=member.relationship):
            position = self.household.members.index(member) + 1
            who = member.name.strip() or self.tr("thành viên thứ {n}").format(n=position)
            if not confirm_destructive(
                self,
                self.tr("Xoá thành viên"),
                self.tr("Xoá {who} khỏi danh sách thành viên của hộ?").format(who=who),
                self.tr("&Xoá"),
                self.tr("&Không xoá"),
                self.tr("Các câu trả lời của thành viên này (phiếu B2) cũng bị xoá."),
            ):
                return False
        self.remove_member(member)
        return True

    def remove_member(self, member: Member) -> None:
        for i, row in enumerate(self.rows):
            if row.member is member:
                self._put_aside(row)
                del self.rows[i]
                self._place()
                self._tab_order()
                break
        self.household.members.remove(member)
        self.changed.emit()

    def _put_aside(self, row: MemberRow) -> None:
        for widget in (*row.editors.values(), row.remove):
            self.grid.removeWidget(widget)
            widget.hide()
        self.spare.append(row)

    def _add_row(self, member: Member, *, place: bool = True) -> MemberRow:
        if self.spare:
            row = self.spare.pop()
            row.member = member
            self._fill(row)
            for widget in (*row.editors.values(), row.remove):
                widget.show()
            self.rows.append(row)
            if place:
                self._place()
                self._tab_order()
            return row
        editors: dict[str, FieldEditor] = {}
        remove = QPushButton(self.tr("Xoá"))
        remove.setToolTip(self.tr("Xoá thành viên này (Ctrl+Del)"))
        row = MemberRow(member, editors, remove)
        for attr, kind, header in COLUMNS:
            choices = enum_choices(ENUMS[attr]) if attr in ENUMS else ()
            editor = make_editor(kind, choices, unit=self.tr(header) if kind != "choice" else "")
            if attr in WIDTHS:
                editor.setMaximumWidth(WIDTHS[attr])
            if attr == "name":
                editor.setMinimumWidth(170)
            elif attr in SAMPLES:
                # Never narrower than its longest answer: a 12-digit ID number shows whole.
                sample = self.fontMetrics().horizontalAdvance(SAMPLES[attr]) + 24
                editor.setMinimumWidth(min(sample, WIDTHS.get(attr, sample)))
            # The row's member, not this one: a row is reused for the next household's.
            editor.changed.connect(lambda a=attr, e=editor: self._edited(row.member, a, e))
            editors[attr] = editor
        row.year_placeholder = editors["birth_year"].edit.placeholderText()  # type: ignore[attr-defined]
        self._fill(row)
        remove.setMaximumWidth(56)
        remove.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # Tab goes to the next member, not here
        remove.clicked.connect(lambda _c=False: self.ask_remove(row.member))
        self.rows.append(row)
        if place:
            self._place()
            self._tab_order()
        return row

    @staticmethod
    def _fill(row: MemberRow) -> None:
        member = row.member
        for attr, editor in row.editors.items():
            editor.set_value(getattr(member, attr))
            editor.set_problem("")
        # Known from the birth date (Phiếu B2, members page): say so instead of blank.
        birth = member.birth_date
        year = row.editors["birth_year"]
        text = str(birth.year) if birth is not None else row.year_placeholder
        year.edit.setPlaceholderText(text)  # type: ignore[attr-defined]

    def _tab_order(self) -> None:
        """Tab walks the roster row by row, then reaches "Thêm thành viên" (grid order, not
        creation order, which would put the button first)."""
        chain: list[QWidget] = [
            e.focusProxy() or e for row in self.rows for e in row.editors.values()
        ]
        chain.append(self.add_button)
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def _edited(self, member: Member, attr: str, editor: FieldEditor) -> None:
        value = editor.value()
        if attr in ENUMS:
            value = None if value is None else ENUMS[attr](value)
        elif attr in ("name", "ethnicity", "id_number"):
            text = nfc(value or "")
            value = text if (text or attr == "name") else None
        setattr(member, attr, value)
        self.changed.emit()

    def show_issues(self, issues: Sequence[Any]) -> None:
        """Puts ``forms.definitions.Issue`` messages next to their member's field."""
        for row in self.rows:
            for editor in row.editors.values():
                editor.set_problem("")
        lines: list[str] = []
        for issue in issues:
            if target_of(issue) == "birth_date":
                issue = _retarget(issue, "birth_year")  # the roster asks the year only
            member_id = issue.member_id
            target = target_of(issue)
            for row in self.rows:
                if row.member.id == member_id:
                    if target in row.editors:
                        row.editors[target].set_problem(issue.message)
                        lines.append(issue.message)
                    break
            else:
                if member_id is None and target == "members":
                    lines.append(issue.message)
        self.messages.setText("\n".join(lines))

    def editor(self, member: Member, attr: str) -> FieldEditor:
        for row in self.rows:
            if row.member is member:
                return row.editors[attr]
        raise KeyError(attr)


def target_of(issue: Any) -> str:
    return str(issue.target).rsplit(".", 1)[-1]


def _retarget(issue: Any, target: str) -> Any:
    import dataclasses

    return dataclasses.replace(issue, target=target)
