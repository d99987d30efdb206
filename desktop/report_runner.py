"""The "Báo cáo" menu: one entry per document of ``reports.catalog.DOCUMENTS``, built in a
worker thread with a progress bar, then opened with the system's viewer.

The worker opens its own Store on the same file: SQLite connections belong to the thread
that made them, and the GUI thread must never wait for a long report.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QMenu, QMessageBox, QProgressDialog

from desktop.i18n import data_tr

log = logging.getLogger(__name__)


def _title(kind: str, spec: Any) -> str:
    if isinstance(spec, str):
        return data_tr(spec)
    if isinstance(spec, dict):
        return data_tr(str(spec.get("title", kind)))
    return data_tr(str(getattr(spec, "title", kind)))


def _formats(spec: Any) -> list[str]:
    value = spec.get("formats") if isinstance(spec, dict) else getattr(spec, "formats", None)
    return list(value or ["pdf"])


class ReportWorker(QObject):
    progress = Signal(int, int)
    finished = Signal(str)
    failed = Signal(str)

    def __init__(
        self,
        store_path: Path,
        kind: str,
        out: Path,
        fmt: str,
        round_id: Any,
        *,
        village: str | None = None,
        household_id: str | None = None,
    ) -> None:
        super().__init__()
        self.store_path, self.kind, self.out, self.fmt, self.round_id = (
            store_path,
            kind,
            out,
            fmt,
            round_id,
        )
        self.village, self.household_id = village, household_id

    def run(self) -> None:
        from desktop import session
        from rasoat.identity import device_id

        try:
            import reports
            from db.store import Store

            # A second connection for this thread: the window's Store belongs to the GUI
            # thread. The file was checked when the window opened it (a district-size file
            # is being checked in the background), so the page check is not run twice.
            with Store.open(
                self.store_path, user=session.surveyor(), device=device_id(), check=False
            ) as store:
                path = reports.build(
                    self.kind,
                    store,
                    self.out,
                    fmt=self.fmt,
                    round_id=self.round_id,
                    village=self.village,
                    household_id=self.household_id,
                    upper_level=session.upper_level(),
                    progress=lambda done, total: self.progress.emit(done, total),
                )
        except Exception as exc:
            log.exception("building report %s failed", self.kind)
            self.failed.emit(getattr(exc, "message", "") or "")
            return
        self.finished.emit(str(path))


def fill_report_menu(window: Any, menu: QMenu) -> None:
    from reports.catalog import DOCUMENTS

    for kind, spec in DOCUMENTS.items():
        for fmt in _formats(spec):
            text = f"{_title(kind, spec)} ({fmt.upper()})"
            action = QAction(text, window)
            action.triggered.connect(lambda _c=False, k=kind, f=fmt: run_report(window, k, f))
            menu.addAction(action)


def run_report(window: Any, kind: str, fmt: str) -> None:
    from rasoat import settings

    store = getattr(window, "store", None)
    if store is None:
        QMessageBox.information(
            window,
            QCoreApplication.translate("MainWindow", "Báo cáo"),
            QCoreApplication.translate("MainWindow", "Hãy mở tệp xã trước."),
        )
        return
    from reports.catalog import DOCUMENTS

    spec = DOCUMENTS[kind]
    current = store.current_round()
    # Per-village documents follow the list's village filter; per-household ones the open
    # household, else the one selected in the list.
    village = window.list.village.currentData() if "village" in spec.params else None
    household_id = None
    if "household" in spec.params:
        open_household = (
            window.editor.household if window.stack.currentWidget() is window.editor else None
        )
        household_id = open_household.id if open_household else window.list.current_id()
        if spec.needs_household and household_id is None:
            QMessageBox.information(
                window,
                QCoreApplication.translate("MainWindow", "Báo cáo"),
                QCoreApplication.translate("MainWindow", "Hãy chọn một hộ trong danh sách trước."),
            )
            return
    # The folder chosen in Thiết lập, else the default under the data folder.
    suffix = f"-{file_stem(village)}" if village else ""
    out = settings.output_folder() / f"{kind}{suffix}.{fmt}"
    dialog = QProgressDialog(
        QCoreApplication.translate("MainWindow", "Đang lập báo cáo…"),
        QCoreApplication.translate("MainWindow", "Ẩn"),
        0,
        0,
        window,
    )
    dialog.setWindowTitle(QCoreApplication.translate("MainWindow", "Báo cáo"))
    dialog.setMinimumDuration(300)
    thread = QThread(window)
    worker = ReportWorker(
        Path(store.path),
        kind,
        out,
        fmt,
        current.id if current else None,
        village=village,
        household_id=household_id,
    )
    worker.moveToThread(thread)
    thread.started.connect(worker.run)

    def progress(done: int, total: int) -> None:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(done)

    def finished(path: str) -> None:
        dialog.close()
        thread.quit()
        QDesktopServices.openUrl(QUrl.fromLocalFile(path))
        window.statusBar().showMessage(
            QCoreApplication.translate("MainWindow", "Đã lưu báo cáo: {p}").format(p=path), 8000
        )

    def failed(message: str) -> None:
        dialog.close()
        thread.quit()
        QMessageBox.warning(
            window,
            QCoreApplication.translate("MainWindow", "Không lập được báo cáo"),
            message
            or QCoreApplication.translate(
                "MainWindow", "Không lập được báo cáo (đã ghi nhật ký lỗi)."
            ),
        )

    worker.progress.connect(progress)
    worker.finished.connect(finished)
    worker.failed.connect(failed)
    thread.finished.connect(worker.deleteLater)
    thread.finished.connect(thread.deleteLater)
    window._report_jobs = [*getattr(window, "_report_jobs", []), (thread, worker)]
    thread.start()


def file_stem(name: str) -> str:
    from desktop.first_run_dialog import file_name_for

    return file_name_for(name).removesuffix(".rasoat.sqlite")
