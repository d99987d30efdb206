"""The "Báo cáo" menu: one entry per document of ``reports.catalog.DOCUMENTS``, built in a
worker thread (``desktop.worker``) with a progress bar; then ``ReportSavedDialog`` says where
the file is (and opens it with the system's viewer, never waiting on it).

The worker opens its own Store on the same file: SQLite connections belong to the thread
that made them, and the GUI thread must never wait for a long report.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QMessageBox, QProgressDialog

from desktop.i18n import data_tr
from desktop.report_saved_dialog import ReportSavedDialog, opens_automatically
from desktop.worker import Job, error_text, start_job

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


def build_report(
    store_path: Path,
    kind: str,
    out: Path,
    fmt: str,
    round_id: Any,
    progress: Callable[[int, int], None],
    *,
    village: str | None = None,
    household_id: str | None = None,
) -> Path:
    """Writes one document; runs in the worker thread (``desktop.worker``)."""
    import reports
    from db.store import Store
    from desktop import session
    from rasoat.identity import device_id

    # A second connection for this thread: the window's Store belongs to the GUI thread. The
    # file was checked when the window opened it (a district-size file is being checked in
    # the background), so the page check is not run twice.
    with Store.open(store_path, user=session.surveyor(), device=device_id(), check=False) as store:
        return Path(
            reports.build(
                kind,
                store,
                out,
                fmt=fmt,
                round_id=round_id,
                village=village,
                household_id=household_id,
                upper_level=session.upper_level(),
                progress=progress,
            )
        )


def fill_report_menu(window: Any, menu: QMenu) -> None:
    from reports.catalog import DOCUMENTS

    for kind, spec in DOCUMENTS.items():
        for fmt in _formats(spec):
            text = f"{_title(kind, spec)} ({fmt.upper()})"
            action = QAction(text, window)
            action.triggered.connect(lambda _c=False, k=kind, f=fmt: run_report(window, k, f))
            menu.addAction(action)


def run_report(window: Any, kind: str, fmt: str) -> Job | None:
    from rasoat import settings

    store = getattr(window, "store", None)
    if store is None:
        QMessageBox.information(
            window,
            QCoreApplication.translate("MainWindow", "Báo cáo"),
            QCoreApplication.translate("MainWindow", "Hãy mở tệp xã trước."),
        )
        return None
    from reports.catalog import DOCUMENTS

    spec = DOCUMENTS[kind]
    current = store.current_round()
    # Per-village documents follow the list's village filter; per-household ones the open
    # household, else the one selected in the list.
    village = village_in_sight(window) if "village" in spec.params else None
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
            return None
    # The folder chosen in Thiết lập, else the default under the data folder.
    suffix = f"-{file_stem(village)}" if village else ""
    out = settings.output_folder() / f"{kind}{suffix}.{fmt}"
    title = _title(kind, spec)
    dialog = QProgressDialog(
        QCoreApplication.translate("MainWindow", "Đang lập báo cáo…"),
        QCoreApplication.translate("MainWindow", "Ẩn"),
        0,
        0,
        window,
    )
    dialog.setWindowTitle(QCoreApplication.translate("MainWindow", "Báo cáo"))
    dialog.setMinimumDuration(300)

    # These run on the GUI thread: desktop.worker delivers them through its Job's slots.
    def progress(done: int, total: int) -> None:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(done)

    def done(path: Path) -> None:
        dialog.close()
        dialog.deleteLater()
        window.statusBar().showMessage(
            QCoreApplication.translate("MainWindow", "Đã lưu báo cáo: {p}").format(p=path), 8000
        )
        saved = getattr(window, "report_saved", None)
        if saved is None:
            saved = window.report_saved = ReportSavedDialog(window)
        saved.show_saved(title, path, open_file=opens_automatically())

    def failed(exc: BaseException) -> None:
        log.error("building report %s failed", kind, exc_info=exc)
        dialog.close()
        dialog.deleteLater()
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            QCoreApplication.translate("MainWindow", "Không lập được báo cáo"),
            error_text(exc)
            or QCoreApplication.translate(
                "MainWindow", "Không lập được báo cáo (đã ghi nhật ký lỗi)."
            ),
            parent=window,
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # not exec(): no nested event loop inside the job's slot
        window.report_failed = box

    def work(report_progress: Callable[[int, int], None]) -> Path:
        return build_report(
            Path(store.path),
            kind,
            out,
            fmt,
            current.id if current else None,
            report_progress,
            village=village,
            household_id=household_id,
        )

    return start_job(window, work, done=done, failed=failed, progress=progress, name=kind)


def village_in_sight(window: Any) -> str | None:
    """The village of the screen the print was asked from: the meeting's or the posting's
    village on those tabs (the officer is looking at it), else the list's village filter."""
    tabs = getattr(window, "tabs", None)
    stack = getattr(window, "stack", None)
    on_tabs = tabs is not None and (stack is None or stack.currentWidget() is tabs)
    if on_tabs:
        current = tabs.currentWidget()
        for page in (getattr(window, "meeting", None), getattr(window, "posting", None)):
            if page is not None and current is page:
                village = page.village.currentData()
                return str(village) if village else None
    village = window.list.village.currentData()
    return str(village) if village else None


def file_stem(name: str) -> str:
    from desktop.first_run_dialog import file_name_for

    return file_name_for(name).removesuffix(".rasoat.sqlite")
