"""Hộ gia đình → Cán bộ phụ trách thôn… (issue 24; seed 002: a cadre for each village and
household): the commune cadre or village head responsible for each village, typed in a
table; a household's own cadre is set on its page (``desktop/support_page.py``) and wins
over its village's. Writes through ``db.year_round.assign_cadre`` (validated, audited)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


class CadreDialog(QDialog):
    def __init__(self, store: Any, parent: QWidget | None = None) -> None:
        from db import year_round

        super().__init__(parent)
        self.store = store
        self.setWindowTitle(self.tr("Cán bộ phụ trách từng thôn"))
        self.resize(720, 420)
        layout = QVBoxLayout(self)
        note = QLabel(
            self.tr(
                "Cán bộ xã hoặc trưởng thôn phụ trách các hộ của thôn. Hộ có cán bộ riêng "
                "thì ghi ở trang của hộ (bước 7). Để trống tên để bỏ."
            )
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        by_village = {a.village: a for a in year_round.assignments(store) if a.village}
        self.villages = [v.name for v in store.villages()]
        self.table = QTableWidget(len(self.villages), 3)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Thôn"), self.tr("Cán bộ phụ trách"), self.tr("Chức vụ")]
        )
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.before: dict[str, tuple[str, str]] = {}
        for row, village in enumerate(self.villages):
            found = by_village.get(village)
            name, role = (found.cadre_name, found.cadre_role) if found else ("", "")
            self.before[village] = (name, role)
            item = QTableWidgetItem(village)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(row, 0, item)
            self.table.setItem(row, 1, QTableWidgetItem(name))
            self.table.setItem(row, 2, QTableWidgetItem(role))
        self.table.resizeColumnToContents(0)
        layout.addWidget(self.table, 1)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("&Ghi"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("&Đóng"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        from desktop.role_gate import gate
        from forms.roles import Action

        reason = gate(store, Action.CADRES, buttons.button(QDialogButtonBox.StandardButton.Save))
        if reason is not None:
            self.error.setText(reason)

    def set_row(self, village: str, name: str, role: str = "") -> None:
        row = self.villages.index(village)
        self.table.item(row, 1).setText(name)
        self.table.item(row, 2).setText(role)

    def save(self) -> bool:
        """Writes the rows that changed; stays open naming the first refused one."""
        from db import year_round
        from db.errors import StoreError

        self.table.setCurrentItem(None)  # commits a cell still being edited
        for row, village in enumerate(self.villages):
            name, role = self.table.item(row, 1).text(), self.table.item(row, 2).text()
            if (" ".join(name.split()), " ".join(role.split())) == self.before[village]:
                continue
            try:
                done = year_round.assign_cadre(self.store, name, role, village=village)
            except StoreError as exc:
                self.error.setText(exc.message)
                return False
            self.before[village] = (done.cadre_name, done.cadre_role)
        self.accept()
        return True


def open_cadre_dialog(window: Any) -> None:
    store = getattr(window, "store", None)
    if store is None:
        return
    dialog = CadreDialog(store, window)
    dialog.exec()
    dialog.deleteLater()
