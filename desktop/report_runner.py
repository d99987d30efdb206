"""The "Báo cáo" menu: one entry per document of ``reports.catalog.DOCUMENTS``. A save dialog
proposes a Vietnamese name with the village and the day (``reports.file_names``), free in the
folder the officer saved into last (``rasoat.settings.output_folder``: the Documents folder at
first); the document is built in a worker thread (``desktop.worker``) with a progress bar; then
``ReportSavedDialog`` says where the file is (and opens it with the system's viewer, never
waiting on it). A print that finishes while the window is locked is said, and opened, only
once it is unlocked (``idle_lock.when_unlocked``).

The worker opens its own Store on the same file: SQLite connections belong to the thread
that made them, and the GUI thread must never wait for a long report.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMenu, QMessageBox, QProgressDialog

from desktop.i18n import data_tr
from desktop.idle_lock import when_unlocked
from desktop.mnemonics import with_free_mnemonic
from desktop.report_saved_dialog import ReportSavedDialog, opens_automatically
from desktop.worker import error_text, start_job

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
    identity: bool = False,
    cadre: str | None = None,
    user: str | None = None,
) -> Path:
    """Writes one document; runs in the worker thread (``desktop.worker``). ``user``: who
    the printed document's audit row names, the window's signed-in user (the settings'
    surveyor name only on a file without users)."""
    import reports
    from db.store import Store
    from desktop import session
    from rasoat.identity import device_id

    # A second connection for this thread: the window's Store belongs to the GUI thread. The
    # file was checked when the window opened it (a district-size file is being checked in
    # the background), so the page check is not run twice. "Last seen" goes with the print's
    # audit row, not at opening: a print refused (a household gone) leaves the file as it was.
    who = user or session.surveyor()
    with Store.open(store_path, user=who, device=device_id(), check=False, seen=False) as store:
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
                identity=identity,
                progress=progress,
                cadre=cadre,
            )
        )


# The groups' keys (Alt+B, then the letter): each group's first letter, except "Theo dõi
# trong năm", whose T is "Tổng hợp"'s.
_MNEMONICS = {"Theo dõi trong năm": "d"}


def _with_mnemonic(title: str) -> str:
    letter = _MNEMONICS.get(title)
    if letter is None:
        return "&" + title
    at = title.index(letter)
    return f"{title[:at]}&{title[at:]}"


def fill_report_menu(window: Any, menu: QMenu) -> None:
    """A submenu per step of the review (``reports.catalog.GROUPS``), an entry per document
    and format in it. Each entry's data is ``(kind, format)``, which ``report_actions`` gives
    back."""
    from forms.roles import Action
    from reports.catalog import DOCUMENTS, GROUPS

    for title, kinds in GROUPS:
        group = menu.addMenu(_with_mnemonic(data_tr(title)))
        used: set[str] = set()  # each entry of the submenu its own Alt+letter
        for kind in kinds:
            spec = DOCUMENTS[kind]
            for fmt in _formats(spec):
                text = with_free_mnemonic(f"{_title(kind, spec)} ({fmt.upper()})", used)
                action = QAction(text, window)
                action.setData((kind, fmt))
                action.triggered.connect(lambda _c=False, k=kind, f=fmt: run_report(window, k, f))
                group.addAction(action)
            if kind == "exchange_workbook":
                # The workbook sent up leaves out full birth dates and CCCD numbers unless
                # this is ticked for one print (docs/privacy.md): unticked again once the
                # print starts.
                identity = QAction(
                    with_free_mnemonic(
                        QCoreApplication.translate(
                            "MainWindow",
                            "Tệp Excel gửi cấp trên: lần in tới kèm ngày sinh, số CCCD",
                        ),
                        used,
                    ),
                    window,
                )
                identity.setCheckable(True)
                group.addAction(identity)
                window.exchange_identity = identity
                # Greyed, saying why, for a role that does not send data up (apply_role).
                window.role_actions.append((identity, Action.EXPORT_UPPER))


def report_actions(menu: QMenu) -> dict[tuple[str, str], QAction]:
    """The print entries under ``menu`` and its submenus, by (kind, format)."""
    found: dict[tuple[str, str], QAction] = {}
    for action in menu.actions():
        sub = action.menu()
        if isinstance(sub, QMenu):
            found.update(report_actions(sub))
        elif isinstance(action.data(), tuple | list):  # a binding may give a list
            kind, fmt = action.data()
            found[str(kind), str(fmt)] = action
    return found


def proposed_path(
    kind: str,
    fmt: str,
    village: str | None,
    household_code: str | None = None,
    cadre: str | None = None,
) -> Path:
    """``danh-sach-hop-thon-na-pan-2026-12-02.pdf`` in the folder saved into last, with
    ``-2``, ``-3`` … when a file of that name is already there."""
    from rasoat import settings
    from reports.file_names import default_file_name, free_path

    name = default_file_name(
        kind, village, date.today(), fmt, household_code=household_code, cadre=cadre
    )
    return free_path(settings.output_folder(), name)


FILTERS = {
    "pdf": QT_TRANSLATE_NOOP("MainWindow", "Tài liệu PDF (*.pdf)"),
    "xlsx": QT_TRANSLATE_NOOP("MainWindow", "Bảng tính Excel (*.xlsx)"),
}


def ask_where(
    window: Any,
    title: str,
    proposed: Path,
    fmt: str,
    chosen: Callable[[Path], None],
    also: tuple[str, ...] = (),
) -> QFileDialog:
    """Qt's save dialog (the project's own Vietnamese, ``desktop.qt_strings``), window-modal
    and opened with ``open()``: no nested event loop, and the print starts from its
    ``fileSelected``. Choosing an existing file asks before replacing it ("Đã có tệp …").
    ``also``: other formats the document prints in, offered as filters and kept when the
    name typed ends in one of them."""
    dialog = QFileDialog(window, title, str(proposed.parent))
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    formats = (fmt, *also)
    filters = [QCoreApplication.translate("MainWindow", FILTERS.get(f, "*")) for f in formats]
    dialog.setNameFilters(filters)
    dialog.setDefaultSuffix(fmt)
    # The format is the filter chosen: a name typed without its ending under "Bảng tính
    # Excel" was saved as a PDF (Qt appends the default suffix, which stayed "pdf").
    chosen_format = [fmt]

    def filter_chosen(name_filter: str) -> None:
        if name_filter in filters:
            chosen_format[0] = formats[filters.index(name_filter)]
            dialog.setDefaultSuffix(chosen_format[0])

    dialog.filterSelected.connect(filter_chosen)
    dialog.selectFile(proposed.name)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    # Qt's default 627 px cut the places on the left and the column titles ("Dung lượn…").
    dialog.resize(780, 480)

    def selected(name: str) -> None:
        from rasoat import settings

        path = Path(name)
        if path.suffix.lower() not in {f".{f}" for f in formats}:
            path = path.with_name(f"{path.name}.{chosen_format[0]}")
        settings.remember_output_folder(path.parent)
        chosen(path)

    dialog.fileSelected.connect(selected)
    dialog.open()
    return dialog


def run_report(window: Any, kind: str, fmt: str, cadre: str | None = None) -> QFileDialog | None:
    """Asks where to save (``window.report_chooser``), then builds the document in a worker
    (``window.report_job``). A cadre's document first settles whose (``cadre_in_sight``),
    asking in ``window.cadre_chooser`` when the screen does not say."""
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
    if "cadre" in spec.params and cadre is None:
        from db import year_round

        known = year_round.cadres(store)
        if not known:
            box = QMessageBox(
                QMessageBox.Icon.Information,
                QCoreApplication.translate("MainWindow", "Báo cáo"),
                QCoreApplication.translate(
                    "MainWindow",
                    "Chưa phân công cán bộ phụ trách nào: hãy phân công trước "
                    "(Hộ gia đình → Cán bộ phụ trách thôn…, hoặc ở bước 7 của một hộ).",
                ),
                parent=window,
            )
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()
            window.report_refused = box
            return None
        cadre = cadre_in_sight(window, store, household_id, known)
        if cadre is None:
            ask_cadre(window, known, lambda name: run_report(window, kind, fmt, name))
            return None
    household = store.get_household(household_id) if household_id else None
    title = _title(kind, spec)
    ticked = getattr(window, "exchange_identity", None)
    identity = kind == "exchange_workbook" and ticked is not None and ticked.isChecked()
    proposed = proposed_path(kind, fmt, village, household.code if household else None, cadre)
    window.report_chooser = ask_where(
        window,
        QCoreApplication.translate("MainWindow", "Lưu {title}").format(title=title),
        proposed,
        fmt,
        lambda out: _start(
            window, store, kind, fmt, title, out, village, household_id, identity, cadre
        ),
    )
    return window.report_chooser


def cadre_in_sight(
    window: Any, store: Any, household_id: str | None, known: list[str]
) -> str | None:
    """Whose households to print without asking: the list's cadre filter, else the cadre of
    the household open or selected, else the only cadre assigned; None: ask."""
    from db import year_round

    chosen = window.list.cadre.currentData() if hasattr(window.list, "cadre") else None
    if chosen:
        return str(chosen)
    if household_id is None:
        open_household = (
            window.editor.household if window.stack.currentWidget() is window.editor else None
        )
        household_id = open_household.id if open_household else window.list.current_id()
    if household_id is not None:
        assigned = year_round.cadre_for(store, household_id)
        if assigned is not None:
            return str(assigned.cadre_name)
    return known[0] if len(known) == 1 else None


def ask_cadre(window: Any, known: list[str], chosen: Callable[[str], None]) -> QInputDialog:
    """Qt's item chooser, window-modal and opened with ``open()`` (no nested event loop)."""
    dialog = QInputDialog(window)
    dialog.setWindowTitle(QCoreApplication.translate("MainWindow", "Báo cáo"))
    dialog.setLabelText(
        QCoreApplication.translate("MainWindow", "In danh sách hộ của cán bộ phụ trách:")
    )
    dialog.setComboBoxItems(known)
    dialog.setComboBoxEditable(False)
    dialog.setOkButtonText(QCoreApplication.translate("MainWindow", "Tiếp tục"))
    dialog.setCancelButtonText(QCoreApplication.translate("MainWindow", "Hủy"))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.textValueSelected.connect(chosen)
    dialog.open()
    window.cadre_chooser = dialog
    return dialog


def _start(
    window: Any,
    store: Any,
    kind: str,
    fmt: str,
    title: str,
    out: Path,
    village: str | None,
    household_id: str | None,
    identity: bool = False,
    cadre: str | None = None,
) -> None:
    ticked = getattr(window, "exchange_identity", None)
    if identity and ticked is not None:
        ticked.setChecked(False)  # the minimum again for the next print
    current = store.current_round()
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
        when_unlocked(window, lambda: _saved(path))

    def _saved(path: Path) -> None:
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
        when_unlocked(window, lambda: _failed(exc))

    def _failed(exc: BaseException) -> None:
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

    who = store.user  # the signed-in user's name: the print's audit row names them

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
            identity=identity,
            cadre=cadre,
            user=who,
        )

    window.report_job = start_job(
        window, work, done=done, failed=failed, progress=progress, name=kind
    )


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
