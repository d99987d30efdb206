"""Restore the open commune file from one of its backups, as `rasoat db restore` does.

The backup is checked before anything is touched (a damaged one is refused and the newest
good one named); the file being replaced is kept whole, with its WAL content, as a
``…-before-restore`` backup that this same list offers to undo the restore.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QVBoxLayout,
)


class RestoreDialog(QDialog):
    """Lists the backups of ``path``, newest first; ``chosen`` once accepted."""

    def __init__(self, path: Path, parent: Any = None) -> None:
        from db import backup

        super().__init__(parent)
        self.setWindowTitle(self.tr("Khôi phục từ bản sao lưu"))
        self.path = path
        self.chosen: Path | None = None
        layout = QVBoxLayout(self)
        note = QLabel(
            self.tr(
                "Chọn bản sao lưu. Bản được kiểm tra trước khi dùng; tệp đang mở được giữ "
                "nguyên vẹn trong thư mục sao lưu (…-before-restore) để có thể hoàn tác."
            )
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        self.list = QListWidget()
        for p in reversed(backup.list_backups(path)):
            item = QListWidgetItem(p.name)
            item.setData(Qt.ItemDataRole.UserRole, str(p))
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        layout.addWidget(self.list)
        buttons = QDialogButtonBox()
        self.restore_button = buttons.addButton(
            self.tr("Khôi phục"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.addButton(self.tr("Đóng"), QDialogButtonBox.ButtonRole.RejectRole)
        self.restore_button.setEnabled(self.list.count() > 0)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 360)

    def _accept(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.chosen = Path(item.data(Qt.ItemDataRole.UserRole))
            self.accept()


def _tr(text: str) -> str:
    return QCoreApplication.translate("RestoreDialog", text)


def refusal(path: Path, chosen: Path) -> tuple[str, Path | None] | None:
    """None when ``chosen`` passes its check, else (why it is refused, the newest good
    backup to offer instead or None)."""
    from db import backup

    if not backup.check_backup(chosen):
        return None
    good = backup.newest_good(path, skip=[chosen])
    offer = (
        _tr("Bản sao lưu tốt mới nhất: {g}").format(g=good.name)
        if good is not None
        else _tr("Không còn bản sao lưu nào dùng được.")
    )
    text = _tr("Bản sao lưu {b} bị hỏng; không dùng nó, tệp chưa bị thay đổi. {o}").format(
        b=chosen.name, o=offer
    )
    return text, good


def restore_into(window: Any, path: Path, chosen: Path) -> str:
    """Closes the window's file, restores ``chosen`` into ``path`` and reopens it; returns
    the Vietnamese message to show (what was done, or why nothing was)."""
    from db import backup
    from db.errors import StoreError

    refused = refusal(path, chosen)
    if refused is not None:  # refused before the open file is even closed
        return refused[0]
    window._close_store()
    window.set_store(None)
    try:
        _used, kept = backup.restore(path, chosen)
    except StoreError as exc:
        window.open_path(path)
        return exc.message
    window.open_path(path)
    text = _tr("Đã khôi phục từ bản sao lưu {b}.").format(b=chosen.name)
    if kept is not None:
        text += " " + _tr("Tệp cũ được giữ nguyên vẹn ở {k} (chọn nó để hoàn tác).").format(k=kept)
    return text


def open_restore_dialog(window: Any) -> None:
    store = window.store
    if store is None:
        return
    path = Path(store.path)
    dialog = RestoreDialog(path, window)
    if not dialog.exec() or dialog.chosen is None:
        return
    chosen = dialog.chosen
    refused = refusal(path, chosen)
    if refused is not None:
        text, good = refused
        if good is None:
            QMessageBox.warning(window, _tr("Khôi phục"), text)
            return
        # The way out, offered at once: the newest backup that passes its check.
        answer = QMessageBox.question(
            window,
            _tr("Khôi phục"),
            text + "\n\n" + _tr("Khôi phục từ bản sao lưu tốt mới nhất này?"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        chosen = good
    QMessageBox.information(window, _tr("Khôi phục"), restore_into(window, path, chosen))
