"""Per-member answers of Phiếu B2 (insurance, schooling, work, disability…), rendered from
``forms.definitions.member_questions()``: one block of inputs per member of the roster."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QScrollArea, QVBoxLayout, QWidget

from desktop.field_editor import FieldEditor
from desktop.form_page import question_editor, read_answer, write_answer
from desktop.i18n import data_tr
from forms.model import Household, Member

# The roster already asks these; asking twice would let the answers disagree.
ROSTER_TARGETS = {"name", "relationship", "sex", "birth_year", "ethnicity", "id_number"}


class MemberDetails(QWidget):
    changed = Signal()

    def __init__(self, form: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = form
        self.reference_date: Any = None
        self._rows: dict[tuple[str, str], tuple[QFormLayout, Member, Any]] = {}
        self.household = Household()
        self.editors: dict[tuple[str, str], FieldEditor] = {}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(QLabel(f"<h3>{data_tr(form.title)}</h3>"))
        scroll = QScrollArea()
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the fields, not the frame
        scroll.setWidgetResizable(True)
        outer.addWidget(scroll, 1)
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        scroll.setWidget(self.body)

    def questions(self) -> list[Any]:
        return [
            q
            for section in self.form.sections
            for q in section.questions
            if q.target not in ROSTER_TARGETS
        ]

    def set_household(self, household: Household) -> None:
        self.household = household
        while self.body_layout.count():
            item = self.body_layout.takeAt(0)
            widget = item.widget()
            if widget is not None:
                widget.deleteLater()
        self.editors = {}
        self._rows = {}
        if not household.members:
            self.body_layout.addWidget(QLabel(self.tr("Chưa có thành viên nào trong hộ.")))
        for number, member in enumerate(household.members, start=1):
            box = QGroupBox(
                self.tr("{n}. {name}").format(
                    n=number, name=member.name or self.tr("(chưa có tên)")
                )
            )
            layout = QFormLayout(box)
            # On a narrow window (1024 px) a long row puts its answer under the question.
            layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
            for question in self.questions():
                editor = question_editor(question)
                editor.set_value(read_answer(member, question.target))
                editor.changed.connect(lambda q=question, e=editor, m=member: self._edited(m, q, e))
                layout.addRow(data_tr(question.label), editor)
                self.editors[(member.id, question.id)] = editor
                self._rows[(member.id, question.id)] = (layout, member, question)
            self.body_layout.addWidget(box)
        self.body_layout.addStretch()
        self.refresh_visibility()

    def refresh_visibility(self) -> None:
        from forms.definitions import is_visible

        for key, (layout, member, question) in self._rows.items():
            visible = is_visible(question, member, self.reference_date)
            layout.setRowVisible(self.editors[key], visible)

    def focus_first(self) -> None:
        for key, (layout, _member, _question) in self._rows.items():
            if layout.isRowVisible(self.editors[key]):
                self.editors[key].setFocus()
                return

    def _edited(self, member: Member, question: Any, editor: FieldEditor) -> None:
        write_answer(member, question.target, editor.value())
        self.refresh_visibility()
        self.changed.emit()
