from __future__ import annotations

from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from desktop.main_window import MainWindow
from desktop.report_runner import ReportWorker
from tests.desktop.conftest import poor_household, save_classified


def test_report_menu_lists_every_document(qtbot: QtBot, app: Any) -> None:
    from reports.catalog import DOCUMENTS

    window = MainWindow()
    qtbot.addWidget(window)
    texts = [a.text() for a in window.menus["report"].actions()]
    for spec in DOCUMENTS.values():
        assert any(t.startswith(spec.title) for t in texts)


def test_worker_builds_the_final_list_pdf(
    qtbot: QtBot, app: Any, store: Any, commune_path: Path, tmp_path: Path
) -> None:
    save_classified(store, poor_household("P1", "Thôn Nà Lầu", "Lò Văn Pản"))
    out = tmp_path / "danh-sach.pdf"
    worker = ReportWorker(commune_path, "final_list", out, "pdf", store.current_round().id)
    with qtbot.waitSignal(worker.finished, timeout=30_000) as done:
        worker.run()  # the worker's body, here on the test's thread
    assert done.args == [str(out)]
    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    assert "Lò Văn Pản" in text


def test_worker_reports_a_failure_in_vietnamese(
    qtbot: QtBot, app: Any, store: Any, commune_path: Path, tmp_path: Path
) -> None:
    worker = ReportWorker(commune_path, "household_form", tmp_path / "x.pdf", "pdf", None)
    with qtbot.waitSignal(worker.failed, timeout=30_000) as failed:
        worker.run()
    assert "hộ" in failed.args[0]


def test_worker_addresses_the_summary_to_the_upper_level_setting(
    qtbot: QtBot, app: Any, store: Any, commune_path: Path, tmp_path: Path
) -> None:
    from rasoat import settings

    settings.update(upper_level_name="UBND tỉnh Tuyên Quang")
    save_classified(store, poor_household("P1", "Thôn Nà Lầu", "Lò Văn Pản"))
    out = tmp_path / "bao-cao.pdf"
    worker = ReportWorker(commune_path, "summary", out, "pdf", store.current_round().id)
    with qtbot.waitSignal(worker.finished, timeout=30_000):
        worker.run()
    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    assert "Kính gửi: UBND tỉnh Tuyên Quang" in text
