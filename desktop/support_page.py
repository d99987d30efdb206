"""Support received and the cadre responsible, on a household's page (issue 24): each need
stated at the review beside the support of the year that answers it, the year's support
records (added and removed here), and the cadre for this household (else its village's).

Every write goes through ``db.year_round`` (validated by ``forms.validate``, audited); the
page only gathers what the officer typed and shows the Vietnamese message when it is refused.
"""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.confirm import confirm_destructive
from desktop.i18n import data_tr
from desktop.qdates import limit_to, pydate, qdate
from forms.amounts import amount_text, parse_amount
from forms.validate import EARLIEST_SUPPORT

UNMET = QColor("#b3261e")
MET = QColor("#1e7e34")


def _item(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


class SupportPage(QWidget):
    """``changed`` after a support record or the cadre was written (already saved)."""

    changed = Signal()

    def __init__(self, store: Any, parent: QWidget | None = None, today: date | None = None):
        super().__init__(parent)
        from forms import catalog

        self.store = store
        self.today = today or date.today()
        self.household_id: str | None = None
        self.kinds = {k.id: k for k in catalog.support_kinds()}
        # Scrolled, as the other steps are: the needs, the year's support and the form below
        # them need about 520 px, more than a 768 px screen leaves under the window's rows.
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the fields
        inner = QWidget()
        self.scroll_area.setWidget(inner)
        outer.addWidget(self.scroll_area)
        layout = QVBoxLayout(inner)
        self.heading = QLabel()
        # Wrapped: on one line, the support period's decision ("… số 215/QĐ-UBND ngày …,
        # kỳ rà soát năm 2025") made the page wider than a 1024 px screen leaves it.
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)

        cadre_row = QHBoxLayout()
        cadre_row.addWidget(QLabel(self.tr("Cán bộ phụ trách hộ:")))
        self.cadre_name = QLineEdit()
        self.cadre_name.setPlaceholderText(self.tr("Họ và tên"))
        self.cadre_role = QLineEdit()
        self.cadre_role.setPlaceholderText(self.tr("Chức vụ, ví dụ Trưởng thôn"))
        self.cadre_button = QPushButton(self.tr("Ghi cán bộ &phụ trách"))
        self.cadre_button.clicked.connect(self.save_cadre)
        cadre_row.addWidget(self.cadre_name, 2)
        cadre_row.addWidget(self.cadre_role, 2)
        cadre_row.addWidget(self.cadre_button)
        layout.addLayout(cadre_row)
        self.cadre_note = QLabel()
        self.cadre_note.setWordWrap(True)
        layout.addWidget(self.cadre_note)

        self.needs = QTableWidget(0, 3)
        self.needs.setHorizontalHeaderLabels(
            [self.tr("Nhu cầu hỗ trợ"), self.tr("Đã hỗ trợ trong kỳ"), self.tr("Tình trạng")]
        )
        self.needs.verticalHeader().setVisible(False)
        self.needs.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.needs.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.needs, 1)

        self.records = QTableWidget(0, 5)
        self.records.setHorizontalHeaderLabels(
            [
                self.tr("Ngày"),
                self.tr("Loại hỗ trợ"),
                self.tr("Chương trình"),
                self.tr("Người, đơn vị hỗ trợ"),
                self.tr("Số tiền"),
            ]
        )
        self.records.verticalHeader().setVisible(False)
        self.records.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.records.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        for col in (1, 2, 3):
            self.records.horizontalHeader().setSectionResizeMode(
                col, QHeaderView.ResizeMode.Stretch
            )
        layout.addWidget(self.records, 1)
        self.remove_button = QPushButton(self.tr("&Xoá lần hỗ trợ đang chọn…"))
        self.remove_button.clicked.connect(lambda: self.remove_selected())
        layout.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignLeft)

        box = QGroupBox(self.tr("Ghi một lần hỗ trợ"))
        form = QFormLayout(box)
        # Mnemonics unlike the editor's (Bước t&rước, Bước &sau, &Lưu) and the menu bar's
        # (&Tệp, &Hộ gia đình, &Báo cáo, Trợ &giúp): Alt+M records, Alt+P sets the cadre.
        self.kind = QComboBox()
        for kind in self.kinds.values():
            self.kind.addItem(data_tr(kind.label), kind.id)
        self.given_on = QDateEdit(qdate(self.today))
        self.given_on.setCalendarPopup(True)
        limit_to(self.given_on, EARLIEST_SUPPORT, self.today)
        self.given_on.setDisplayFormat("dd/MM/yyyy")
        self.programme = QLineEdit()
        self.given_by = QLineEdit()
        self.amount = QLineEdit()
        self.amount.setPlaceholderText(self.tr("đồng, ví dụ 50.000.000"))
        form.addRow(self.tr("L&oại hỗ trợ:"), self.kind)
        form.addRow(self.tr("&Ngày:"), self.given_on)
        form.addRow(self.tr("&Chương trình, nguồn:"), self.programme)
        form.addRow(self.tr("Người, đơn &vị hỗ trợ:"), self.given_by)
        form.addRow(self.tr("Số t&iền:"), self.amount)
        self.add_button = QPushButton(self.tr("Ghi lần hỗ trợ &mới"))
        self.add_button.clicked.connect(self.add_support)
        form.addRow(self.add_button)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e")
        form.addRow(self.error)
        layout.addWidget(box)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    # --- showing -------------------------------------------------------------------------
    def set_household(self, household_id: str | None) -> None:
        self.household_id = household_id
        self.error.clear()
        self.refresh()

    def refresh(self) -> None:
        from db import year_round

        # The support period of today: since the decision recognising the lists in force
        # (forms.support_period), so in January last year's lists still count this support.
        period = year_round.support_period(self.store, self.today)
        stored = self.household_id is not None and year_round.household_stored(
            self.store, self.household_id
        )
        for w in (self.cadre_name, self.cadre_role, self.cadre_button, self.add_button):
            w.setEnabled(stored)
        self.remove_button.setEnabled(stored)
        self.heading.setText(
            self.tr("<h3>Hỗ trợ đã nhận và cán bộ phụ trách</h3>{period}").format(
                period=escape(period.describe())
            )
        )
        self.needs.setRowCount(0)
        self.records.setRowCount(0)
        if not stored:
            self.cadre_note.setText(self.tr("Hộ chưa được lưu: hãy lưu hộ (Ctrl+S) trước."))
            return
        assert self.household_id is not None
        lines, _other = year_round.needs_against_support(self.store, self.household_id, period)
        self.needs.setRowCount(len(lines) or 1)
        if not lines:
            self.needs.setItem(0, 0, _item(self.tr("Hộ chưa ghi nhu cầu hỗ trợ nào (bước 6).")))
        for row, line in enumerate(lines):
            given = "; ".join(
                f"{data_tr(self.kinds[s.kind].label) if s.kind in self.kinds else s.kind}"
                f" ({s.given_on:%d/%m/%Y})"
                for s in line.support
            )
            state = _item(self.tr("Đã hỗ trợ") if line.met else self.tr("Chưa được hỗ trợ"))
            state.setForeground(QBrush(MET if line.met else UNMET))
            self.needs.setItem(row, 0, _item(data_tr(line.label)))
            self.needs.setItem(row, 1, _item(given))
            self.needs.setItem(row, 2, state)
        self.needs.resizeColumnToContents(2)
        support = year_round.support_for(self.store, self.household_id, period)
        self.records.setRowCount(len(support))
        for row, s in enumerate(support):
            kind = self.kinds.get(s.kind)
            cells = [
                f"{s.given_on:%d/%m/%Y}",
                data_tr(kind.label) if kind else s.kind,
                s.programme,
                s.given_by,
                amount_text(s.amount),
            ]
            for col, text in enumerate(cells):
                item = _item(text)
                if col == 0:
                    item.setData(Qt.ItemDataRole.UserRole, s.id)
                self.records.setItem(row, col, item)
        self.records.resizeColumnToContents(0)
        self.remove_button.setEnabled(bool(support))
        self._gate()
        self._show_cadre()

    def _gate(self) -> None:
        """Support is entered like the household's data (a surveyor, in their villages);
        the cadre responsible is the officer's to assign (forms.roles)."""
        from desktop.role_gate import gate
        from forms.roles import Action

        assert self.household_id is not None
        village = self.store.households.village_of(self.household_id)
        gate(self.store, Action.SUPPORT, self.add_button, self.remove_button, village=village)
        gate(self.store, Action.CADRES, self.cadre_name, self.cadre_role, self.cadre_button)

    def _show_cadre(self) -> None:
        from db import year_round

        assert self.household_id is not None
        found = year_round.cadre_for(self.store, self.household_id)
        own = found is not None and found.household_id == self.household_id
        self.cadre_name.setText(found.cadre_name if own and found else "")
        self.cadre_role.setText(found.cadre_role if own and found else "")
        for field in (self.cadre_name, self.cadre_role):
            field.setCursorPosition(0)  # a narrow field shows a text's start, not its end
        if found is not None and not own:
            # Names come from packages: shown as text, never as markup.
            self.cadre_note.setText(
                self.tr("Theo thôn: {name} {role}. Ghi tên ở đây nếu hộ có cán bộ riêng.").format(
                    name=escape(found.cadre_name),
                    role=f"({escape(found.cadre_role)})" if found.cadre_role else "",
                )
            )
        elif found is None:
            self.cadre_note.setText(self.tr("Hộ và thôn chưa có cán bộ phụ trách."))
        else:
            self.cadre_note.setText(self.tr("Để trống tên rồi bấm Ghi để bỏ cán bộ riêng của hộ."))

    def _kind_changed(self) -> None:
        kind = self.kinds.get(str(self.kind.currentData()))
        takes_amount = bool(kind and kind.amount)
        self.amount.setEnabled(takes_amount)
        if not takes_amount:
            self.amount.clear()

    def focus_first(self) -> None:
        self.kind.setFocus()

    # --- writing -------------------------------------------------------------------------
    def add_support(self) -> bool:
        from db import year_round
        from db.errors import StoreError

        if self.household_id is None:
            return False
        d = pydate(self.given_on.date())
        amount = parse_amount(self.amount.text())
        try:
            year_round.add_support(
                self.store,
                self.household_id,
                str(self.kind.currentData()),
                d,
                programme=self.programme.text(),
                given_by=self.given_by.text(),
                amount=amount,  # type: ignore[arg-type]  # text: the validator names it
                today=self.today,
            )
        except StoreError as exc:
            self.error.setText(exc.message)
            return False
        self.error.clear()
        self.amount.clear()
        self.refresh()
        self.changed.emit()
        return True

    def selected_support_id(self) -> str | None:
        row = self.records.currentRow()
        item = self.records.item(row, 0) if row >= 0 else None
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def remove_selected(self, ask: bool = True) -> bool:
        from db import year_round
        from db.errors import StoreError

        support_id = self.selected_support_id()
        if support_id is None:
            self.error.setText(self.tr("Hãy chọn một lần hỗ trợ trong bảng trước."))
            return False
        row = self.records.currentRow()
        what = " — ".join(
            self.records.item(row, c).text() for c in (0, 1) if self.records.item(row, c)
        )
        if ask and not confirm_destructive(
            self,
            self.tr("Xoá lần hỗ trợ"),
            self.tr("Xoá lần hỗ trợ {what} khỏi hồ sơ của hộ?").format(what=what),
            self.tr("&Xoá"),
            self.tr("&Giữ lại"),
        ):
            return False
        try:
            year_round.delete_support(self.store, support_id)
        except StoreError as exc:
            self.error.setText(exc.message)
            return False
        self.refresh()
        self.changed.emit()
        return True

    def save_cadre(self) -> bool:
        from db import year_round
        from db.errors import StoreError

        if self.household_id is None:
            return False
        try:
            year_round.assign_cadre(
                self.store,
                self.cadre_name.text(),
                self.cadre_role.text(),
                household_id=self.household_id,
            )
        except StoreError as exc:
            self.error.setText(exc.message)
            return False
        self.error.clear()
        self._show_cadre()
        self.changed.emit()
        return True
