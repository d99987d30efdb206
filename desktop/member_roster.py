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


class MemberRow:
    def __init__(self, member: Member, editors: dict[str, FieldEditor], remove: QPushButton):
        self.member = member
        self.editors = editors
        self.remove = remove


class MemberRoster(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.household = Household()
        self.rows: list[MemberRow] = []
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
        self._headers()

    def _headers(self) -> None:
        for col, (_, _, header) in enumerate(COLUMNS):
            label = QLabel(f"<b>{self.tr(header)}</b>")
            self.grid.addWidget(label, 0, col)

    def set_household(self, household: Household) -> None:
        self.household = household
        for row in self.rows:
            for editor in row.editors.values():
                editor.deleteLater()
            row.remove.deleteLater()
        self.rows = []
        for member in household.members:
            self._add_row(member)
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

    def remove_member(self, member: Member) -> None:
        for i, row in enumerate(self.rows):
            if row.member is member:
                for editor in row.editors.values():
                    self.grid.removeWidget(editor)
                    editor.deleteLater()
                self.grid.removeWidget(row.remove)
                row.remove.deleteLater()
                del self.rows[i]
                self._tab_order()
                break
        self.household.members.remove(member)
        self.changed.emit()

    def _add_row(self, member: Member) -> MemberRow:
        r = len(self.rows) + 1
        while self.grid.itemAtPosition(r, 0) is not None:
            r += 1
        editors: dict[str, FieldEditor] = {}
        for col, (attr, kind, header) in enumerate(COLUMNS):
            choices = enum_choices(ENUMS[attr]) if attr in ENUMS else ()
            editor = make_editor(kind, choices, unit=self.tr(header) if kind != "choice" else "")
            if attr in WIDTHS:
                editor.setMaximumWidth(WIDTHS[attr])
            if attr == "name":
                editor.setMinimumWidth(170)
            editor.set_value(getattr(member, attr))
            if attr == "birth_year" and member.birth_date is not None:
                # Known from the birth date (Phiếu B2, members page): say so instead of blank.
                editor.edit.setPlaceholderText(str(member.birth_date.year))  # type: ignore[attr-defined]
            editor.changed.connect(lambda a=attr, e=editor, m=member: self._edited(m, a, e))
            self.grid.addWidget(editor, r, col)
            editors[attr] = editor
        remove = QPushButton(self.tr("Xoá"))
        remove.setMaximumWidth(56)
        remove.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # Tab goes to the next member, not here
        remove.clicked.connect(lambda _c=False, m=member: self.remove_member(m))
        self.grid.addWidget(remove, r, len(COLUMNS))
        row = MemberRow(member, editors, remove)
        self.rows.append(row)
        self._tab_order()
        return row

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
