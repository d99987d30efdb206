"""Tệp → Dữ liệu cá nhân…: one person's data and deleted households' purge (issue 20 items 4
and 5). The officer finds a person by CCCD or name (diacritics ignored; ``db.people``),
prints what is held about them (``reports.person_data``), opens their household to correct
it, or erases the data of a member already removed from the roster; and purges the personal
data of a deleted household (``db.purge``), a second explicit step with a reason, asked with
No as the default. Every one of these is in the audit log.

All of it is the commune officer's (the menu is greyed for other roles, ``forms.roles``):
opened all the same, the search, the erasure and the purge are greyed with the reason, as
``db.people`` and ``db.purge`` refuse them underneath. A query that could list many people
(part of a word, a single word, a part of a number) is refused with what to type
(``db.people.query_problem``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.confirm import confirm_destructive


class PersonDialog(QDialog):
    def __init__(self, store: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.window_ = parent
        self.people: list[Any] = []
        self.deleted: list[tuple[str, str, str, str]] = []
        self.setWindowTitle(self.tr("Dữ liệu cá nhân"))
        self.resize(900, 560)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        label = QLabel(self.tr("&Tìm người (số CCCD hoặc họ tên):"))
        self.query = QLineEdit()
        self.query.setPlaceholderText(
            self.tr("đủ số CCCD/CMND, hoặc đủ họ tên; có dấu hay không dấu đều được")
        )
        label.setBuddy(self.query)
        self.query.returnPressed.connect(self.search)
        find = QPushButton(self.tr("Tìm &kiếm"))
        find.setAutoDefault(False)
        find.clicked.connect(self.search)
        self.find_button = find
        row.addWidget(label)
        row.addWidget(self.query, 1)
        row.addWidget(find)
        layout.addLayout(row)
        self.table = self._table(
            [
                self.tr("Mã hộ"),
                self.tr("Thôn"),
                self.tr("Họ tên"),
                self.tr("Số CCCD"),
                self.tr("Các kỳ rà soát"),
                self.tr("Tình trạng"),
            ]
        )
        layout.addWidget(self.table, 2)
        buttons = QHBoxLayout()
        self.print_button = QPushButton(self.tr("&In thông tin…"))
        self.open_button = QPushButton(self.tr("&Mở hộ để sửa"))
        self.erase_button = QPushButton(self.tr("Xoá dữ liệu &người này…"))
        for b, slot in (
            (self.print_button, self._ask_print),
            (self.open_button, self.open_selected),
            (self.erase_button, self._ask_erase),
        ):
            b.setAutoDefault(False)
            b.clicked.connect(slot)
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addWidget(QLabel(self.tr("Hộ đã xoá khỏi danh sách (dữ liệu vẫn còn trong tệp):")))
        self.deleted_table = self._table([self.tr("Mã hộ"), self.tr("Thôn"), self.tr("Xoá lúc")])
        layout.addWidget(self.deleted_table, 1)
        reason_row = QHBoxLayout()
        reason_label = QLabel(self.tr("&Lý do xoá (bắt buộc):"))
        self.reason = QLineEdit()
        reason_label.setBuddy(self.reason)
        self.purge_button = QPushButton(self.tr("&Xoá hẳn dữ liệu cá nhân…"))
        self.purge_button.setAutoDefault(False)
        self.purge_button.clicked.connect(self._ask_purge)
        close = QPushButton(self.tr("Đón&g"))
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)
        reason_row.addWidget(reason_label)
        reason_row.addWidget(self.reason, 1)
        reason_row.addWidget(self.purge_button)
        reason_row.addWidget(close)
        layout.addLayout(reason_row)
        self.refresh_deleted()
        self._update_buttons()

    def _table(self, headers: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.horizontalHeader().setStretchLastSection(True)
        table.itemSelectionChanged.connect(self._update_buttons)
        return table

    @staticmethod
    def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
        table.setRowCount(len(rows))
        for r, cells in enumerate(rows):
            for c, text in enumerate(cells):
                table.setItem(r, c, QTableWidgetItem(text))
        table.resizeColumnsToContents()

    def _selected(self, table: QTableWidget) -> int | None:
        rows = table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def _update_buttons(self) -> None:
        person = self._selected(self.table)
        chosen = self.people[person] if person is not None else None
        self.print_button.setEnabled(bool(self.people))
        self.open_button.setEnabled(chosen is not None and not chosen.household_deleted)
        self.erase_button.setEnabled(chosen is not None and chosen.member_deleted)
        self.purge_button.setEnabled(self._selected(self.deleted_table) is not None)
        # What the role may not do stays greyed, saying why (refused underneath as well).
        from desktop.role_gate import gate
        from forms.roles import Action

        gate(self.store, Action.PERSON_DATA, self.query, self.find_button, self.print_button)
        gate(self.store, Action.ERASE_PERSON, self.erase_button)
        gate(self.store, Action.PURGE, self.purge_button)

    # --- finding a person ---------------------------------------------------------------
    def search(self) -> None:
        from db import people
        from db.errors import StoreError

        try:
            self.people = people.find(self.store, self.query.text())
        except StoreError as exc:
            self._refuse(exc.message)
            return
        people.record_lookup(self.store, len(self.people))
        self._fill(
            self.table,
            [
                [
                    p.code,
                    p.village,
                    p.name,
                    p.id_number or "",
                    ", ".join(str(r.year) for r in p.rounds),
                    self._state(p),
                ]
                for p in self.people
            ],
        )
        if self.people:
            self.table.selectRow(0)
        self._update_buttons()

    def _state(self, p: Any) -> str:
        if p.household_deleted:
            return self.tr("hộ đã xoá")
        if p.member_deleted:
            return self.tr("đã bỏ khỏi danh sách nhân khẩu")
        return self.tr("đang trong danh sách")

    def _ask_print(self) -> QFileDialog:
        """The prints' own save dialog (``desktop.report_runner.ask_where``): a Vietnamese
        name with the household and the day, free in the folder saved into last (else
        Documents, never the program's working folder), replacing a file asked first."""
        from desktop.report_runner import ask_where
        from rasoat import settings
        from reports.file_names import free_path, slug

        row = self._selected(self.table)
        code = self.people[row].code if row is not None else ""
        name = "-".join(
            part for part in ("thong-tin-ca-nhan", slug(code), date.today().isoformat()) if part
        )
        proposed = free_path(settings.output_folder(), f"{name}.pdf")
        return ask_where(
            self, self.tr("Lưu thông tin cá nhân"), proposed, "pdf", lambda p: self._printed(p)
        )

    def _printed(self, path: Path) -> None:
        self.print_to(path)

    def print_to(self, path: Path) -> Path:
        from reports import save_document
        from reports.person_data import person_data

        return save_document(person_data(self.store, self.people), self.store, path)

    def open_selected(self) -> None:
        row = self._selected(self.table)
        if row is None or self.window_ is None:
            return
        opener = getattr(self.window_, "open_household", None)
        if opener is not None:
            opener(self.people[row].household_id)
            self.accept()

    def _ask_erase(self) -> None:
        row = self._selected(self.table)
        if row is None:
            return
        p = self.people[row]
        if not self.reason.text().strip():
            self._refuse(
                self.tr("Hộ {code}: cần ghi lý do xoá dữ liệu của người này.").format(code=p.code)
            )
            return
        if confirm_destructive(
            self,
            self.tr("Xoá dữ liệu của một người"),
            self.tr("Xoá hẳn dữ liệu của người đã bỏ khỏi hộ {code}? Không thể hoàn tác.").format(
                code=p.code
            ),
            self.tr("&Xoá hẳn"),
            self.tr("&Không xoá"),
        ):
            self.erase(p.member_id, self.reason.text())

    def erase(self, member_id: str, reason: str) -> None:
        from db import purge
        from db.errors import StoreError

        try:
            purge.erase_member(self.store, member_id, reason)
        except StoreError as exc:
            self._refuse(exc.message)
            return
        self.search()

    # --- purging a deleted household --------------------------------------------------
    def refresh_deleted(self) -> None:
        from db import purge

        self.deleted = purge.deleted_households(self.store)
        self._fill(
            self.deleted_table,
            [[code, village, at[:10]] for _hid, code, village, at in self.deleted],
        )
        self._update_buttons()

    def _ask_purge(self) -> None:
        row = self._selected(self.deleted_table)
        if row is None:
            return
        hid, code, _village, _at = self.deleted[row]
        if not self.reason.text().strip():
            self._refuse(
                self.tr("Hộ {code}: cần ghi lý do xoá hẳn dữ liệu cá nhân.").format(code=code)
            )
            return
        if confirm_destructive(
            self,
            self.tr("Xoá hẳn dữ liệu cá nhân"),
            self.tr(
                "Xoá hẳn dữ liệu cá nhân của hộ {code}? Chỉ còn lại mã hộ, thôn, người xoá, "
                "thời gian và lý do. Không thể hoàn tác."
            ).format(code=code),
            self.tr("&Xoá hẳn"),
            self.tr("&Không xoá"),
        ):
            self.purge(hid, self.reason.text())

    def purge(self, household_id: str, reason: str) -> None:
        from db import purge
        from db.errors import StoreError

        try:
            purge.purge_household(self.store, household_id, reason)
        except StoreError as exc:
            self._refuse(exc.message)
            return
        self.reason.clear()
        self.refresh_deleted()

    def _refuse(self, message: str) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning, self.tr("Dữ liệu cá nhân"), message, parent=self
        )
        box.open()


def open_person_dialog(window: Any) -> None:
    if getattr(window, "store", None) is None:
        return
    PersonDialog(window.store, window).exec()
