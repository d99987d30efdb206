"""Saves PNGs of the main screens (run by `make screenshot` under Xvfb): a tool for looking at
what we build as a user sees it.

Uses a throw-away RASOAT_HOME and a fresh demo commune, so the pictures never show a real
commune's data and never depend on what is on this machine.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from desktop.app import create_app


def settle(rounds: int = 8) -> None:
    app = create_app()
    for _ in range(rounds):
        app.processEvents()


def grab(widget: QWidget, path: Path) -> None:
    widget.show()
    widget.raise_()
    settle()
    widget.grab().save(str(path))
    print(f"đã lưu {path}")


def main(out_dir: str) -> int:
    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    os.environ["RASOAT_HOME"] = tempfile.mkdtemp(prefix="rasoat-screens-")
    app = create_app([])
    from datetime import date

    from db.demo import create_demo_commune
    from desktop.commune_file import open_store
    from desktop.first_run_dialog import FirstRunDialog
    from desktop.main_window import MainWindow
    from rasoat import paths

    demo = paths.demo_file()
    create_demo_commune(demo)
    store = open_store(demo)
    window = MainWindow(store)
    # The two screens the app is made for: a common 1366×768 laptop, and the smallest,
    # 1024×768, where the filter row breaks into two lines.
    window.resize(1366, 768)
    grab(window, out / "main-window.png")
    window.resize(1024, 768)
    grab(window, out / "main-window-1024.png")
    window.resize(1366, 768)

    # The editor on a poor household, when the demo has one, so the panel shows deprivations.
    from db.store import HouseholdQuery
    from forms.model import Category

    current = store.current_round()
    rows = store.list_households(
        HouseholdQuery(category=Category.POOR, round_id=current.id if current else None, limit=1)
    ) or store.list_households(HouseholdQuery(limit=1))
    if rows:
        window.open_household(str(rows[0].id))
        grab(window, out / "household-editor.png")
        window.editor.go_to_step(3)
        grab(window, out / "household-editor-b2.png")
        window.editor.dirty = False
        window.show_list()

    assert window.tabs is not None
    # The meeting of the village with the most households put to it, two votes typed in:
    # one passes, one is under half (back to re-survey and a new meeting).
    from desktop.meeting_mode import agenda

    meeting = window.meeting
    window.tabs.setCurrentWidget(meeting)
    if current is not None:
        sizes = {v.name: len(agenda(store, current.id, v.name)) for v in store.villages()}
        meeting.village.setCurrentIndex(meeting.village.findData(max(sizes, key=sizes.__getitem__)))
    meeting.attendees.setValue(40)
    if len(meeting.rows) > 2:
        meeting.set_vote(0, 31, 40, "Nhất trí")
        meeting.set_vote(1, 17, 40, "Hộ mới mua xe máy, cần xác minh thu nhập")
        meeting.table.setCurrentIndex(meeting.model.index(2, 3))
    grab(window, out / "meeting-mode.png")
    window.tabs.setCurrentWidget(window.posting)
    grab(window, out / "posting.png")
    window.tabs.setCurrentWidget(window.dashboard)
    while window.dashboard.busy():
        settle(1)
    grab(window, out / "dashboard.png")

    dialog = FirstRunDialog(today=date(2026, 9, 1))
    grab(dialog, out / "first-run-dialog.png")
    dialog.close()

    # Tệp → Xuất gói dữ liệu…, on one laptop's work, and a print's save dialog (Báo cáo →
    # Danh sách hộ đưa ra bình xét …): the name it proposes, in Vietnamese.
    from desktop.export_dialog import ExportDialog
    from desktop.report_runner import run_report

    export = ExportDialog(store, window)
    export.scope_surveyor.setChecked(True)
    grab(export, out / "export-dialog.png")
    export.close()
    window.tabs.setCurrentWidget(window.meeting)
    chooser = run_report(window, "meeting_list", "pdf")
    if chooser is not None:
        grab(chooser, out / "report-save-dialog.png")
        chooser.reject()
    window.close()
    QTimer.singleShot(0, app.quit)
    app.exec()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
