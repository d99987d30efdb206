"""Tệp → Sao lưu ngay: a checked backup of the open commune file made now, as
`rasoat db backup` makes it (``db.backup.make_backup``, reason "manual"), beside the ones made
at every close: before a risky step (a merge of many packages, an Excel import), or at the
end of a day in the village, the officer need not close the file to have one.

The copy and its check read the whole file: a worker job on a Store of its own
(``desktop.export_dialog.in_own_store``), the status bar saying it is working; the answer,
where the backup is and when it was made, or why it failed, in a message box on the GUI
thread."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox

from desktop.labels import local_time
from desktop.worker import failure_text, start_job

log = logging.getLogger(__name__)


def _tr(text: str) -> str:
    return QCoreApplication.translate("MainWindow", text)


def backup_now(window: Any) -> bool:
    """Starts the backup; False when there is no file or one is already being made."""
    from desktop.export_dialog import in_own_store

    store = getattr(window, "store", None)
    if store is None or getattr(window, "backup_job", None) is not None:
        return False

    def work(own: Any, _progress: Any) -> Path:
        from db import backup

        return backup.make_backup(Path(own.path), "manual", own.conn)

    window.statusBar().showMessage(_tr("Đang sao lưu tệp xã…"))
    window.backup_job = start_job(
        window,
        in_own_store(store, work),
        done=lambda made: _done(window, made),
        failed=lambda exc: _failed(window, exc),
        name="sao-luu-ngay",
    )
    return True


def _done(window: Any, made: Path) -> None:
    from db import backup

    window.backup_job = None
    when, _why = backup.described(made)
    at = local_time(when.isoformat()) if when is not None else ""
    window.statusBar().showMessage(_tr("Đã sao lưu tệp xã lúc {at}.").format(at=at), 10000)
    window.backup_saved = QMessageBox(
        QMessageBox.Icon.Information,
        _tr("Đã sao lưu"),
        _tr(
            "Đã sao lưu tệp xã lúc {at}, bản sao đã được kiểm tra. Bản sao nằm trong thư mục "
            "sao lưu, cạnh tệp xã:\n{folder}\nKhôi phục khi cần: Tệp → Khôi phục từ bản sao "
            "lưu…"
        ).format(at=at, folder=made.parent),
        QMessageBox.StandardButton.Ok,
        window,
    )
    window.backup_saved.open()


def _failed(window: Any, exc: BaseException) -> None:
    window.backup_job = None
    log.error("backup now failed", exc_info=exc)
    window.statusBar().clearMessage()
    window.backup_saved = QMessageBox(
        QMessageBox.Icon.Warning,
        _tr("Không sao lưu được"),
        _tr("Không sao lưu được tệp xã: {why}").format(why=failure_text(exc)),
        QMessageBox.StandardButton.Ok,
        window,
    )
    window.backup_saved.open()


def finish_backup(window: Any) -> None:
    """Before the window's file closes (closing the window, opening another file): a backup
    being made now is waited for, its answer given. Else the close's own backup removes its
    unfinished copy as a killed backup's, and its connection keeps the close from emptying
    the file's -wal. A commune file's copy and check take a second or two."""
    job = getattr(window, "backup_job", None)
    if job is None:
        return
    job.worker_thread.wait()
    QCoreApplication.sendPostedEvents(job)  # its answer (done or failed) delivered now
