"""Restore the open commune file from one of its backups, as `rasoat db restore` does.

The backup is checked before anything is touched (a damaged one is refused and the newest
good one named); the file being replaced is kept whole, with its WAL content, as a
``…-before-restore`` backup that this same list offers to undo the restore. The check reads
every document of the backup and the restore copies it whole: both run as worker jobs
(``desktop.worker``), the dialog saying what it is doing and taking no second click.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QVBoxLayout,
)

from desktop.labels import local_time
from desktop.worker import error_text, job_running, start_job

# What the check job hands back: the backup's problems (empty: it passed) and, when it has
# some, the newest backup that passes its check (None: there is none).
Checked = tuple[list[str], Path | None]


class RestoreDialog(QDialog):
    """Lists the backups of ``path``, newest first; ``chosen`` once accepted."""

    def __init__(self, path: Path, parent: Any = None) -> None:
        from db import backup

        super().__init__(parent)
        self.setWindowTitle(self.tr("Khôi phục từ bản sao lưu"))
        self.path = path
        self.chosen: Path | None = None
        self.main_window: Any = parent  # whose file is closed, restored and reopened
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
            # When and why, in local time, rather than the file's name in UTC (the name stays
            # in the tooltip, for whoever looks in the folder).
            made, why = backup.described(p)
            text = f"{local_time(made.isoformat())} — {why}" if made is not None else p.name
            item = QListWidgetItem(text)
            item.setToolTip(p.name)
            item.setData(Qt.ItemDataRole.UserRole, str(p))
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        layout.addWidget(self.list)
        # As `rasoat db restore --list`: the copies kept raw (a file too damaged to copy
        # whole before a restore, a backup that failed its check) are named, not offered.
        aside = backup.list_set_aside(path)
        self.aside = QLabel(
            self.tr("Bản để riêng (không phải bản sao lưu tốt; chỉ dùng khi cần cứu dữ liệu):")
            + "".join(f"\n  {p.name}" for p in reversed(aside))
        )
        self.aside.setWordWrap(True)
        self.aside.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.aside.setVisible(bool(aside))
        layout.addWidget(self.aside)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        buttons = QDialogButtonBox()
        self.restore_button = buttons.addButton(
            self.tr("&Khôi phục"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.close_button = buttons.addButton(
            self.tr("Đó&ng"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.restore_button.setEnabled(self.list.count() > 0)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 360)

    # --- a job at a time, and no closing under it ---------------------------------------
    def busy(self) -> bool:
        return job_running(self)

    def _working(self, text: str) -> None:
        self.status.setText(text)
        self.restore_button.setEnabled(False)
        self.close_button.setEnabled(False)
        self.list.setEnabled(False)

    def _idle(self, text: str = "") -> None:
        self.status.setText(text)
        self.list.setEnabled(True)
        self.close_button.setEnabled(True)
        self.restore_button.setEnabled(self.list.count() > 0)

    def reject(self) -> None:
        if not self.busy():  # the file is closed while a restore writes it: see it end
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.busy():
            event.ignore()
        else:
            super().closeEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.busy() and event.key() == Qt.Key.Key_Escape:
            event.ignore()
            return
        super().keyPressEvent(event)

    # --- the check, then the restore, each in a worker ----------------------------------
    def _accept(self) -> None:
        item = self.list.currentItem()
        if item is None or self.busy():
            return
        chosen = Path(item.data(Qt.ItemDataRole.UserRole))
        self._working(self.tr("Đang kiểm tra bản sao lưu {b}…").format(b=chosen.name))
        path = self.path
        start_job(
            self,
            lambda _progress: check_work(path, chosen),
            done=lambda checked: self._checked(chosen, checked),
            failed=self._failed,
            name="restore-check",
        )

    def _checked(self, chosen: Path, checked: Checked) -> None:
        problems, good = checked
        if not problems:
            self._restore(chosen)
            return
        text = refusal_text(chosen, good, problems)
        self._idle(text)
        if good is None:
            QMessageBox.warning(self, self.tr("Khôi phục"), text)
            return
        # The way out, offered at once: the newest backup that passes its check.
        answer = QMessageBox.question(
            self,
            self.tr("Khôi phục"),
            text + "\n\n" + self.tr("Khôi phục từ bản sao lưu tốt mới nhất này?"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._restore(good)

    def _restore(self, chosen: Path) -> None:
        from db.errors import StoreError

        window = self.main_window
        signed_in = getattr(window.store, "signed_in", None)
        try:
            may_restore(self.path, signed_in)
        except StoreError as exc:  # refused with the window's file still open, untouched
            self._failed(exc)
            return
        self._working(self.tr("Đang khôi phục từ bản sao lưu {b}…").format(b=chosen.name))
        user, device = release_file(window)
        path = self.path
        start_job(
            self,
            lambda _progress: restore_work(path, chosen, user, device, signed_in),
            done=lambda kept: self._restored(chosen, kept),
            failed=self._restore_failed,
            name="restore",
        )

    def _restored(self, chosen: Path, kept: Path | None) -> None:
        text = reopen(self.main_window, self.path, chosen, kept)
        self.chosen = chosen
        self._idle(text)
        QMessageBox.information(self, self.tr("Khôi phục"), text)
        self.accept()

    def _restore_failed(self, exc: BaseException) -> None:
        # The file was closed for the restore: the window gets it back whatever happened.
        self.main_window.open_path(self.path)
        self._failed(exc)

    def _failed(self, exc: BaseException) -> None:
        text = error_text(exc) or self.tr(
            "Không khôi phục được tệp {p}: lỗi không mong đợi ({e}). Tệp chưa bị thay đổi."
        ).format(p=self.path.name, e=type(exc).__name__)
        self._idle(text)
        QMessageBox.warning(self, self.tr("Khôi phục"), text)


def _tr(text: str) -> str:
    return QCoreApplication.translate("RestoreDialog", text)


def check_work(path: Path, chosen: Path) -> Checked:
    """The backup's check, and the newest good one when it fails (a worker's job: both read
    every document of the copies they check)."""
    from db import backup

    problems = backup.check_backup(chosen)
    return problems, (backup.newest_good(path, skip=[chosen]) if problems else None)


def refusal_text(chosen: Path, good: Path | None, problems: list[str] | None = None) -> str:
    """Why ``chosen`` is refused: its first problem (``backup.check_backup``'s Vietnamese:
    the rows the schema forbids named by table and household, or the damage), the newest
    good backup offered."""
    offer = (
        _tr("Bản sao lưu tốt mới nhất: {g}").format(g=good.name)
        if good is not None
        else _tr("Không còn bản sao lưu nào dùng được.")
    )
    said = f" ({problems[0]})" if problems else ""
    return _tr("Bản sao lưu {b} bị hỏng{p}; không dùng nó, tệp chưa bị thay đổi. {o}").format(
        b=chosen.name, p=said, o=offer
    )


def refusal(path: Path, chosen: Path) -> tuple[str, Path | None] | None:
    """None when ``chosen`` passes its check, else (why it is refused, the newest good
    backup to offer instead or None)."""
    problems, good = check_work(path, chosen)
    return (refusal_text(chosen, good, problems), good) if problems else None


def may_restore(path: Path, signed_in: Any) -> None:
    """``backup.restore``'s user check (``db.users.require_on_path``: the signed-in user read
    again from the file, so an officer disabled or made a viewer since signing in is
    refused), made before the window's file is closed for the restore: refused there, the
    file was closed (checkpointed, backed up) and reopened with a sign-in asked, changing
    its bytes for a restore that never happened. ``backup.restore`` checks again."""
    from db.users import require_on_path
    from forms.roles import Action

    require_on_path(path, signed_in, Action.RESTORE)


def release_file(window: Any) -> tuple[str, str]:
    """Closes the window's file for a restore; returns who restores it on which laptop (the
    session's, as the window's changes are recorded), for the audit log."""
    from rasoat.identity import device_id, os_user

    store = window.store
    user, device = (store.user, store.device) if store is not None else (os_user(), device_id())
    window._close_store()
    window.set_store(None)
    return user, device


def restore_work(
    path: Path, chosen: Path, user: str, device: str, signed_in: Any = None
) -> Path | None:
    """``backup.restore`` as the CLI runs it (a worker's job: it checks and copies the whole
    backup); returns where the replaced file was kept. ``signed_in``: the window's user, in
    a file with users (only a commune officer restores one)."""
    from db import backup

    _used, kept = backup.restore(path, chosen, user=user, device=device, signed_in=signed_in)
    return kept


def reopen(window: Any, path: Path, chosen: Path, kept: Path | None) -> str:
    """Gives the window its restored file back; returns what was done, in Vietnamese."""
    window.open_path(path)
    text = _tr("Đã khôi phục từ bản sao lưu {b}.").format(b=chosen.name)
    if kept is not None:
        text += " " + _tr("Tệp cũ được giữ nguyên vẹn ở {k} (chọn nó để hoàn tác).").format(k=kept)
    return text


def restore_into(window: Any, path: Path, chosen: Path) -> str:
    """Closes the window's file, restores ``chosen`` into ``path`` and reopens it, in this
    thread (the dialog runs the same steps as jobs); returns the Vietnamese message to show
    (what was done, or why nothing was)."""
    from db.errors import StoreError

    refused = refusal(path, chosen)
    if refused is not None:  # refused before the open file is even closed
        return refused[0]
    signed_in = getattr(window.store, "signed_in", None)
    try:
        may_restore(path, signed_in)
    except StoreError as exc:
        return exc.message
    user, device = release_file(window)
    try:
        kept = restore_work(path, chosen, user, device, signed_in)
    except StoreError as exc:
        window.open_path(path)
        return exc.message
    return reopen(window, path, chosen, kept)


def open_restore_dialog(window: Any) -> None:
    store = window.store
    if store is None or not window.editor_may_leave():
        return
    RestoreDialog(Path(store.path), window).exec()
