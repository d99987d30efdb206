"""Renders a ``forms.definitions.Form`` as a page of inputs: one row per question, grouped
by section, hidden and shown by the form's own skip logic (``is_visible``).

No question is hand-built here: labels, kinds, options, units and help text all come from
the definition, so the GUI and the printed form cannot drift apart.
"""

from __future__ import annotations

import enum
import typing
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.field_editor import FieldEditor, make_editor
from desktop.i18n import data_tr
from forms.model import Household, Member, nfc


def _hint(owner: type, attr: str) -> Any:
    return typing.get_type_hints(owner).get(attr)


def _enum_of(hint: Any) -> type[enum.Enum] | None:
    for arg in (hint, *typing.get_args(hint)):
        if isinstance(arg, type) and issubclass(arg, enum.Enum):
            return arg
        for inner in typing.get_args(arg):
            if isinstance(inner, type) and issubclass(inner, enum.Enum):
                return inner
    return None


def read_answer(obj: Household | Member, target: str) -> Any:
    """``target`` is an attribute path: "floor_area_m2" or "screening.a3"."""
    attr, _, key = target.partition(".")
    value = getattr(obj, attr, None)
    if key:
        return value.get(key) if isinstance(value, dict) else None
    return value


def write_answer(obj: Household | Member, target: str, value: Any) -> None:
    attr, _, key = target.partition(".")
    if isinstance(value, str):
        value = nfc(value)
    if key:
        store = getattr(obj, attr)
        if value is None or value == "":
            store.pop(key, None)
        else:
            store[key] = value
        return
    hint = _hint(type(obj), attr)
    enum_cls = _enum_of(hint)
    if enum_cls is not None and value is not None:
        value = [enum_cls(v) for v in value] if isinstance(value, list) else enum_cls(value)
    if value == "" and hint is not str:
        value = None
    setattr(obj, attr, value)
    if attr == "info_assets":
        obj.info_assets_answered = True  # type: ignore[union-attr]


def split_title(title: str, longest: int = 40) -> tuple[str, str]:
    """(group box title, explanation shown under it). A group box title cannot wrap, so a long
    title's explanation in brackets, "Tiêu chí loại trừ (có một tiêu chí → …)", goes into the
    box as a wrapped line: the page then fits a 1024-pixel screen."""
    head, sep, rest = title.partition(" (")
    if len(title) <= longest or not sep or not rest.endswith(")"):
        return title, ""
    return head, rest[0].upper() + rest[1:-1] + "."


def question_editor(question: Any, parent: QWidget | None = None) -> FieldEditor:
    choices = [(str(o.value), data_tr(str(o.label))) for o in (question.options or [])]
    former = [(str(o.value), data_tr(str(o.label))) for o in question.former_options]
    unit = data_tr(question.unit or "")
    editor = make_editor(question.kind, choices, unit=unit, former=former, parent=parent)
    editor.setToolTip(data_tr(question.help or ""))
    return editor


class FormPage(QWidget):
    """One form (Phiếu A, B1 or B2) over one household. ``changed`` after each edit."""

    changed = Signal()

    def __init__(self, form: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = form
        self.household = Household()
        self.reference_date: Any = None
        self.editors: dict[str, FieldEditor] = {}
        self.questions: dict[str, Any] = {}
        self._rows: dict[str, tuple[QFormLayout, QWidget]] = {}
        self._labels: list[QLabel] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        title = QLabel(f"<h3>{data_tr(form.title)}</h3>")
        title.setWordWrap(True)
        outer.addWidget(title)
        scroll = QScrollArea()
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the fields, not the frame
        scroll.setWidgetResizable(True)
        body = QWidget()
        self.body_layout = QVBoxLayout(body)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        for section in form.sections:
            heading, explanation = split_title(data_tr(section.title))
            box = QGroupBox(heading)
            layout = QFormLayout(box)
            layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
            if explanation:
                note = QLabel(explanation)
                note.setWordWrap(True)
                layout.addRow(note)
            for question in section.questions:
                editor = question_editor(question)
                label = data_tr(question.label)
                if question.unit:
                    label += f" ({data_tr(question.unit)})"
                if question.required:
                    label += " *"
                text = QLabel(label)
                text.setWordWrap(True)
                text.setBuddy(editor)
                self._labels.append(text)
                layout.addRow(text, editor)
                editor.changed.connect(lambda q=question, e=editor: self._edited(q, e))
                self.editors[question.id] = editor
                self.questions[question.id] = question
                self._rows[question.id] = (layout, editor)
            self.body_layout.addWidget(box)
        self.body_layout.addStretch()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._fit_labels(event.size().width())
        super().resizeEvent(event)

    def _fit_labels(self, width: int) -> None:
        # A label allowed to wrap asks for little width, and the form would wrap it even where
        # the line fits. Each gets its one-line width, up to what its answer leaves of the
        # page: only the longer questions wrap, and only on a narrow screen (1024 px), instead
        # of pushing the answers off the page's right edge.
        for label in self._labels:
            answer = label.buddy()
            # the page's margins, the box's and the form's spacing: about 60 px
            room = max(160, width - (answer.minimumSizeHint().width() if answer else 0) - 60)
            one_line = label.fontMetrics().horizontalAdvance(label.text()) + 4
            label.setMinimumWidth(min(one_line, room))

    def set_household(self, household: Household) -> None:
        self.household = household
        for qid, editor in self.editors.items():
            editor.blockSignals(True)
            editor.set_value(read_answer(household, self.questions[qid].target))
            editor.blockSignals(False)
        self.refresh_visibility()

    def refresh_visibility(self) -> None:
        from forms.definitions import is_visible

        for qid, (layout, editor) in self._rows.items():
            visible = is_visible(self.questions[qid], self.household, self.reference_date)
            layout.setRowVisible(editor, visible)

    def visible_question_ids(self) -> list[str]:
        from forms.definitions import is_visible

        return [
            q
            for q, question in self.questions.items()
            if is_visible(question, self.household, self.reference_date)
        ]

    def focus_first(self) -> None:
        """Puts the cursor in the first question shown (after Alt+→ to this page)."""
        for qid in self.visible_question_ids():
            self.editors[qid].setFocus()
            return

    def _edited(self, question: Any, editor: FieldEditor) -> None:
        write_answer(self.household, question.target, editor.value())
        self.refresh_visibility()
        self.changed.emit()

    def show_issues(self, issues: list[Any]) -> None:
        by_target = {q.target: qid for qid, q in self.questions.items()}
        # Each field told once, its final message: clearing then marking a field again on
        # every keystroke restyled it twice.
        messages = dict.fromkeys(self.editors, "")
        for issue in issues:
            if getattr(issue, "member_id", None) is None and issue.target in by_target:
                messages[by_target[issue.target]] = issue.message
        for qid, message in messages.items():
            self.editors[qid].set_problem(message)
