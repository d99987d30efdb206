"""Hộ gia đình → Khôi phục hộ đã xoá…: the households deleted from the lists, and taking one back
(``db.undelete``): a deletion by mistake is undone here, as it was when deleted, without
restoring a whole backup and losing the work since.

One row per household deleted and not purged: code, head, village, when and by whom. A small
table read in the GUI thread when the dialog opens and after each restore."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.labels import local_time
from desktop.record_table import record_table


class DeletedHouseholdsDialog(QDialog):
    def __init__(self, store: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.rows: list[Any] = []
        self.setWindowTitle(self.tr("Hộ đã xoá"))
        self.resize(820, 440)
        layout = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.intro)
        self.table = record_table(
            [
                self.tr("Mã hộ"),
                self.tr("Chủ hộ"),
                self.tr("Thôn"),
                self.tr("Xoá lúc"),
                self.tr("Người xoá"),
            ],
            text=(1, 2, 4),
        )
        self.table.currentCellChanged.connect(lambda *_: self._update_buttons())
        self.table.cellActivated.connect(lambda *_: self.restore_current())  # Enter
        layout.addWidget(self.table, 1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox()
        self.restore_button = buttons.addButton(
            self.tr("&Khôi phục hộ đang chọn"), QDialogButtonBox.ButtonRole.ActionRole
        )
        close = buttons.addButton(self.tr("Đó&ng"), QDialogButtonBox.ButtonRole.RejectRole)
        for button in (self.restore_button, close):
            button.setAutoDefault(False)
        buttons.rejected.connect(self.reject)
        self.restore_button.clicked.connect(self.restore_current)
        layout.addWidget(buttons)
        self.reload()
        self.table.setFocus()

    def reload(self) -> None:
        from db.undelete import deleted

        self.rows = deleted(self.store)
        self.table.setRowCount(len(self.rows))
        for row, d in enumerate(self.rows):
            values = [d.code, d.head_name, d.village, local_time(d.deleted_at), d.deleted_by]
            for col, value in enumerate(values):
                self.table.setItem(row, col, QTableWidgetItem(value))
        if self.rows:
            self.intro.setText(
                self.tr(
                    "Các hộ đã xoá khỏi danh sách, mới xoá trước. Khôi phục một hộ xoá nhầm: "
                    "hộ trở lại danh sách đúng như lúc bị xoá, cùng các thành viên và phiếu của "
                    "hộ. Việc khôi phục được ghi vào nhật ký thay đổi."
                )
            )
            self.table.setCurrentCell(0, 0)
        else:
            self.intro.setText(self.tr("Không có hộ nào đã xoá mà còn khôi phục được."))
        self._update_buttons()

    def current(self) -> Any:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def _update_buttons(self) -> None:
        self.restore_button.setEnabled(self.current() is not None)

    def restore_current(self) -> bool:
        from db.errors import StoreError

        d = self.current()
        if d is None:
            return False
        try:
            self.store.restore_household(d.id)
        except StoreError as exc:
            self.message.setText(exc.message)
            return False
        row = self.table.currentRow()
        self.reload()
        if self.rows:
            self.table.setCurrentCell(min(row, len(self.rows) - 1), 0)
        self.message.setText(
            self.tr("Đã khôi phục hộ {code} — {head} vào danh sách.").format(
                code=d.code, head=d.head_name
            )
        )
        return True


def open_deleted_households(window: Any) -> None:
    store = getattr(window, "store", None)
    if store is None:
        return
    dialog = DeletedHouseholdsDialog(store, window)
    dialog.exec()
    dialog.deleteLater()
