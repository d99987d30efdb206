"""The Báo cáo menu the way the officer uses it: a real MainWindow, the menu's action, the
report written by the real worker thread, and the window told where the file went. Any Qt
warning (from any thread: tests/conftest.py) fails these tests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot

from db import year_round
from desktop.main_window import MainWindow
from desktop.report_runner import build_report
from reports.file_names import default_file_name
from tests.desktop.conftest import poor_household, save_classified


class UrlCatcher(QObject):
    """Qt's own extension point for ``QDesktopServices.openUrl``: registered for file URLs,
    it receives them instead of the system's viewer (nothing is started in the tests)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


@pytest.fixture
def viewer(app: Any) -> Iterator[UrlCatcher]:
    catcher = UrlCatcher()
    QDesktopServices.setUrlHandler("file", catcher, "open")
    yield catcher
    QDesktopServices.unsetUrlHandler("file")


@pytest.fixture
def window(qtbot: QtBot, app: Any, store: Any) -> Iterator[MainWindow]:
    save_classified(store, poor_household("P1", "Thôn Nà Lầu", "Lò Văn Pản"))
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    yield window
    window.close()


def report_action(window: MainWindow, kind: str, fmt: str) -> Any:
    from desktop.report_runner import report_actions
    from reports.catalog import DOCUMENTS

    action = report_actions(window.menus["report"])[kind, fmt]
    # The title and format, with an Alt+letter of the submenu's own.
    assert action.text().replace("&", "", 1) == f"{DOCUMENTS[kind].title} ({fmt.upper()})"
    return action


def print_from_menu(qtbot: QtBot, window: MainWindow, kind: str, fmt: str) -> Path:
    """Triggers the menu entry and waits, on the real event loop, until the window says
    where the file is; returns that path."""
    from rasoat import settings

    before = getattr(window, "report_saved", None)
    previous = before.path if before is not None else None
    report_action(window, kind, fmt).trigger()
    # The save dialog proposes the document's Vietnamese name, free in the folder saved into
    # last; Enter takes it.
    chooser = accept_proposed(qtbot, window)
    expected_stem = default_file_name(kind, None, date.today(), fmt).split("-20")[0]
    assert chooser.startswith(expected_stem)

    def saved() -> bool:
        dialog = getattr(window, "report_saved", None)
        return (
            dialog is not None
            and dialog.isVisible()
            and dialog.path is not None
            and dialog.path != previous
            and dialog.path.name.startswith(expected_stem)
            and dialog.path.suffix == f".{fmt}"
        )

    qtbot.waitUntil(saved, timeout=60_000)
    path: Path = window.report_saved.path
    assert path.parent == settings.output_folder()
    assert path.is_file()
    assert path.stat().st_size > 0
    assert str(path) in window.report_saved.path_label.text()
    assert str(path) in window.statusBar().currentMessage()
    return path


def accept_proposed(qtbot: QtBot, window: MainWindow) -> str:
    """Waits for the print's save dialog, checks where it is and presses Enter; returns the
    proposed file name."""
    from rasoat import settings

    qtbot.waitUntil(lambda: chooser_shown(window), timeout=10_000)
    chooser: QFileDialog = window.report_chooser
    assert chooser.acceptMode() == QFileDialog.AcceptMode.AcceptSave
    assert Path(chooser.directory().absolutePath()) == settings.output_folder()
    name = chooser.findChild(QLineEdit, "fileNameEdit").text()
    qtbot.keyClick(chooser.focusWidget() or chooser, Qt.Key.Key_Return)
    return str(name)


def chooser_shown(window: MainWindow) -> bool:
    chooser = getattr(window, "report_chooser", None)
    return chooser is not None and chooser.isVisible()


def pdf_text(path: Path) -> str:
    return "".join(page.extract_text() for page in PdfReader(path).pages)


def test_report_menu_lists_every_document(window: MainWindow) -> None:
    """Every document in each of its formats, once, in a submenu per step of the review: the
    flat menu was 33 entries, taller than a 768-pixel screen."""
    from desktop.report_runner import report_actions
    from reports.catalog import DOCUMENTS, GROUPS

    assert report_actions(window.menus["report"]).keys() == {
        (kind, fmt) for kind, spec in DOCUMENTS.items() for fmt in spec.formats
    }
    top = [a for a in window.menus["report"].actions() if not a.isSeparator()]
    submenus = [a.menu() for a in top if a.menu() is not None]
    assert [m.title().replace("&", "") for m in submenus] == [t for t, _k in GROUPS]
    for menu in submenus:
        assert len(menu.actions()) <= 11  # ten prints, and the exchange workbook's tick
    # Each group has its own key after Alt+B.
    keys = [m.title()[m.title().index("&") + 1].lower() for m in submenus]
    assert len(set(keys)) == len(keys)
    assert len(top) == len(GROUPS) + 1  # and Tổng hợp nhiều xã


def test_every_document_prints_from_the_menu_in_its_worker(
    qtbot: QtBot, window: MainWindow, viewer: UrlCatcher
) -> None:
    from reports.catalog import DOCUMENTS

    # The household documents print for the household selected in the list, as the officer
    # would have it.
    # A cadre's households print for the selected household's cadre.
    year_round.assign_cadre(window.store, "Hà Thị Mai", "Trưởng thôn", village="Thôn Nà Lầu")
    window.list.view.selectRow(0)
    assert window.list.current_id() is not None
    for kind, spec in DOCUMENTS.items():
        for fmt in spec.formats:
            path = print_from_menu(qtbot, window, kind, fmt)
            if fmt == "pdf":
                assert len(PdfReader(path).pages) >= 1
            else:
                assert load_workbook(path, read_only=True).sheetnames
    # Offscreen nobody could see a viewer: nothing was handed to one.
    assert viewer.urls == []


def test_the_final_list_names_the_household(qtbot: QtBot, window: MainWindow) -> None:
    path = print_from_menu(qtbot, window, "final_list", "pdf")
    assert "Lò Văn Pản" in pdf_text(path)


def test_the_summary_is_addressed_to_the_upper_level_setting(
    qtbot: QtBot, window: MainWindow
) -> None:
    from rasoat import settings

    settings.update(upper_level_name="UBND tỉnh Tuyên Quang")
    path = print_from_menu(qtbot, window, "summary", "pdf")
    assert "Kính gửi: UBND tỉnh Tuyên Quang" in pdf_text(path)


def test_the_saved_message_opens_the_file_or_its_folder_and_closes_with_esc(
    qtbot: QtBot, window: MainWindow, viewer: UrlCatcher
) -> None:
    path = print_from_menu(qtbot, window, "final_list", "pdf")
    dialog = window.report_saved
    assert not dialog.isModal()
    assert [b.text().replace("&", "") for b in (dialog.folder_button, dialog.file_button)] == [
        "Mở thư mục",
        "Mở tệp",
    ]
    qtbot.mouseClick(dialog.file_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.folder_button, Qt.MouseButton.LeftButton)
    assert [u.toLocalFile() for u in viewer.urls] == [str(path), str(path.parent)]
    assert not dialog.note.isVisible()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


@pytest.mark.qt_log_ignore("does not support QPlatformServices::openDocument")
def test_no_viewer_on_the_machine_is_not_an_error(qtbot: QtBot, window: MainWindow) -> None:
    # Offscreen Qt has no viewer at all: openUrl returns False, as on a machine with no PDF
    # reader. The message says why and points to the path shown once above it.
    path = print_from_menu(qtbot, window, "final_list", "pdf")
    dialog = window.report_saved
    qtbot.mouseClick(dialog.file_button, Qt.MouseButton.LeftButton)
    assert dialog.note.isVisible()
    assert dialog.note.text().startswith("Không mở được tệp tự động: máy này chưa có chương")
    assert str(path) not in dialog.note.text()
    assert dialog.path_label.text() == str(path)
    assert dialog.isVisible()


def test_a_report_that_cannot_be_written_says_so(
    qtbot: QtBot, window: MainWindow, caplog: pytest.LogCaptureFixture
) -> None:
    from rasoat import settings

    # The folder chosen is gone by the time the file is written (a USB stick pulled out:
    # here a plain file stands where the folder was).
    gone = settings.output_folder() / "USB"
    gone.write_bytes(b"")
    report_action(window, "final_list", "pdf").trigger()
    qtbot.waitUntil(lambda: chooser_shown(window), timeout=10_000)
    window.report_chooser.fileSelected.emit(str(gone / "danh-sach.pdf"))

    def warned() -> list[QMessageBox]:
        return [
            w
            for w in window.findChildren(QMessageBox)
            if w.isVisible() and w.windowTitle() == "Không lập được báo cáo"
        ]

    qtbot.waitUntil(lambda: bool(warned()), timeout=60_000)
    assert warned()[0].text() == "Không lập được báo cáo (đã ghi nhật ký lỗi)."
    assert "building report final_list failed" in caplog.text
    warned()[0].close()


def test_a_missing_household_is_reported_in_vietnamese(
    store: Any, commune_path: Path, tmp_path: Path
) -> None:
    from reports.review import ReportError

    def raw() -> bytes:
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return commune_path.read_bytes()

    before = raw()
    with pytest.raises(ReportError) as raised:
        build_report(commune_path, "household_form", tmp_path / "x.pdf", "pdf", None, print)
    assert "hộ" in raised.value.message
    assert raw() == before  # the worker's Store wrote "last seen" before it was refused


def test_a_village_print_follows_the_screen_it_was_asked_from(
    qtbot: QtBot, window: MainWindow
) -> None:
    from desktop.report_runner import village_in_sight

    # The list shows every village; the meeting tab is on Bản Khuổi Phìn.
    assert window.tabs is not None
    window.list.village.setCurrentIndex(0)
    window.tabs.setCurrentWidget(window.meeting)
    window.meeting.village.setCurrentIndex(window.meeting.village.findData("Bản Khuổi Phìn"))
    assert village_in_sight(window) == "Bản Khuổi Phìn"
    path = print_from_menu(qtbot, window, "meeting_list", "pdf")
    assert path.name.startswith("danh-sach-hop-thon-khuoi-phin-")
    # Back on the list, its own village filter counts.
    window.tabs.setCurrentWidget(window.list)
    window.list.village.setCurrentIndex(window.list.village.findData("Thôn Nà Lầu"))
    assert village_in_sight(window) == "Thôn Nà Lầu"


def test_printing_again_never_overwrites_and_the_folder_is_remembered(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    from rasoat import settings

    first = print_from_menu(qtbot, window, "final_list", "pdf")
    second = print_from_menu(qtbot, window, "final_list", "pdf")
    assert first.name == default_file_name("final_list", None, date.today(), "pdf")
    assert second.name == first.name.replace(".pdf", "-2.pdf")
    assert first.is_file()
    # The officer saves into another folder: it is proposed the next time.
    chosen = tmp_path / "Biểu in tháng 12"
    chosen.mkdir()
    report_action(window, "summary", "xlsx").trigger()
    qtbot.waitUntil(lambda: chooser_shown(window), timeout=10_000)
    chooser = window.report_chooser
    name = chooser.findChild(QLineEdit, "fileNameEdit")
    name.setText(str(chosen / "bao-cao-xa"))
    qtbot.keyClick(name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: (chosen / "bao-cao-xa.xlsx").is_file(), timeout=60_000)
    assert settings.output_folder() == chosen
    report_action(window, "summary", "pdf").trigger()
    qtbot.waitUntil(lambda: chooser_shown(window), timeout=10_000)
    assert Path(window.report_chooser.directory().absolutePath()) == chosen
    window.report_chooser.reject()


def test_replacing_a_file_is_asked_in_vietnamese_and_refused_by_default(
    qtbot: QtBot, window: MainWindow
) -> None:
    from rasoat import settings

    existing = settings.output_folder() / "danh-sach-cu.pdf"
    existing.write_bytes(b"%PDF old")
    report_action(window, "final_list", "pdf").trigger()
    qtbot.waitUntil(lambda: chooser_shown(window), timeout=10_000)
    chooser = window.report_chooser
    name = chooser.findChild(QLineEdit, "fileNameEdit")
    name.setText(existing.name)
    seen: list[tuple[str, bool]] = []

    def answer() -> None:
        # Qt asks from inside the dialog's accept() (its own event loop): read it, then Esc.
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        no = box.button(QMessageBox.StandardButton.No)
        seen.append((box.text(), box.defaultButton() is no))
        qtbot.keyClick(box, Qt.Key.Key_Escape)

    QTimer.singleShot(0, answer)
    qtbot.keyClick(name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    assert seen == [(f"Đã có tệp {existing.name}.\nGhi đè lên tệp đó?", True)]
    assert chooser.isVisible()  # back to choosing a name; nothing written
    assert existing.read_bytes() == b"%PDF old"
    chooser.reject()


def test_the_workbook_sent_up_carries_cccd_only_when_ticked_for_one_print(
    qtbot: QtBot, window: MainWindow
) -> None:
    """Báo cáo → the exchange workbook: the minimum by default; the tick under it adds birth
    dates and CCCD numbers to the next print only (docs/privacy.md)."""
    from datetime import date as day

    household = poor_household("CCCD-1", window.store.villages()[0].name)
    household.members[0].id_number = "001075012345"
    household.members[0].birth_date = day(1975, 3, 14)
    save_classified(window.store, household)
    ids = {"001075012345"}

    def cccd_sent(path: Path) -> set[str]:
        ws = load_workbook(path).worksheets[0]
        return {str(c.value) for row in ws.iter_rows(min_row=8) for c in row} & (
            ids | {"14/03/1975"}
        )

    tick = window.exchange_identity
    assert tick.isCheckable()
    assert not tick.isChecked()
    assert cccd_sent(print_from_menu(qtbot, window, "exchange_workbook", "xlsx")) == set()
    tick.setChecked(True)
    assert cccd_sent(print_from_menu(qtbot, window, "exchange_workbook", "xlsx"))
    assert not tick.isChecked()
    assert cccd_sent(print_from_menu(qtbot, window, "exchange_workbook", "xlsx")) == set()


def test_a_cadres_households_print_for_the_cadre_chosen(qtbot: QtBot, window: MainWindow) -> None:
    """Issue 24 item 4: none assigned, the officer is told to assign one; several and nothing on
    screen says whose, the officer chooses; the file and the paper name the cadre."""
    from rasoat import settings

    action = report_action(window, "cadre_households", "pdf")
    action.trigger()
    qtbot.waitUntil(lambda: getattr(window, "report_refused", None) is not None)
    refused = window.report_refused
    assert "Chưa phân công cán bộ phụ trách" in refused.text()
    refused.close()
    assert not chooser_shown(window)

    window.store.add_village("Thôn Khác")
    save_classified(window.store, poor_household("P2", "Thôn Khác", "Vàng A Páo"))
    year_round.assign_cadre(window.store, "Hà Thị Mai", "Trưởng thôn", village="Thôn Nà Lầu")
    year_round.assign_cadre(window.store, "Vàng A Lử", "Cán bộ xã", village="Thôn Khác")
    window.list.view.clearSelection()
    window.list.view.setCurrentIndex(window.list.view.model().index(-1, -1))
    action.trigger()
    qtbot.waitUntil(lambda: getattr(window, "cadre_chooser", None) is not None)
    ask = window.cadre_chooser
    assert ask.comboBoxItems() == ["Hà Thị Mai", "Vàng A Lử"]
    ask.setTextValue("Hà Thị Mai")
    ask.accept()
    name = accept_proposed(qtbot, window)
    assert name.startswith("ho-can-bo-phu-trach-ha-thi-mai-")
    out = settings.output_folder() / name
    qtbot.waitUntil(lambda: getattr(window, "report_saved", None) is not None, timeout=60_000)
    qtbot.waitUntil(lambda: window.report_saved.path == out, timeout=60_000)
    text = pdf_text(out)
    assert "Hà Thị Mai" in text
    assert "Lò Văn Pản" in text
    assert "Vàng A Páo" not in text
