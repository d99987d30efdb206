"""Every Alt+letter leads to one place: no two mnemonics clash among what is reachable at once
(the menu bar with the visible controls of the window; each menu's own entries; each dialog).
Alt+T once opened the Tệp menu when the officer wanted "Thêm thành viên", and the name typed
next triggered "Nhập / gộp gói dữ liệu…"."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QGroupBox,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QTabBar,
    QWidget,
)
from pytestqt.qtbot import QtBot

from desktop.main_window import MainWindow
from tests.desktop.conftest import poor_household, save_classified


def mnemonic(text: str) -> str | None:
    found = re.search(r"&([^&\s])", text.replace("&&", ""))
    return found.group(1).casefold() if found else None


def reachable(window: QWidget) -> list[str]:
    texts: list[str] = []
    if isinstance(window, QMainWindow):
        texts += [a.text() for a in window.menuBar().actions()]
    for child in window.findChildren(QWidget):
        if not child.isVisibleTo(window):
            continue
        if (
            isinstance(child, QAbstractButton)
            or isinstance(child, QLabel)
            and child.buddy() is not None
        ):
            texts.append(child.text())
        elif isinstance(child, QTabBar):
            texts += [child.tabText(i) for i in range(child.count())]
        elif isinstance(child, QGroupBox) and child.isCheckable():
            texts.append(child.title())
    return texts


def clashes(texts: list[str]) -> dict[str, list[str]]:
    by_key: dict[str, list[str]] = {}
    for text in texts:
        key = mnemonic(text)
        if key:
            by_key.setdefault(key, []).append(text)
    return {k: v for k, v in by_key.items() if len(v) > 1}


def all_menus(window: MainWindow) -> list[QMenu]:
    menus = list(window.menus.values())
    menus += [a.menu() for m in list(menus) for a in m.actions() if a.menu() is not None]
    return menus


@pytest.fixture
def window(qtbot: QtBot, app: Any, store: Any) -> MainWindow:
    household = poor_household("H-0001", "Thôn Nà Lầu")
    save_classified(store, household)
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.household_id = household.id  # type: ignore[attr-defined]
    return window


def test_the_main_window_its_tabs_and_menus(window: MainWindow) -> None:
    found: dict[str, Any] = {}
    assert window.tabs is not None
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        QApplication.processEvents()
        found[window.tabs.tabText(i)] = clashes(reachable(window))
    for menu in all_menus(window):
        found[menu.title()] = clashes([a.text() for a in menu.actions()])
    assert {k: v for k, v in found.items() if v} == {}


def test_every_step_of_the_household_editor(window: MainWindow) -> None:
    assert window.open_household(window.household_id)  # type: ignore[attr-defined]
    editor = window.editor
    found = {}
    for title, page in editor.steps:
        editor.stack.setCurrentWidget(page)
        QApplication.processEvents()
        found[title] = clashes(reachable(window))
    assert {k: v for k, v in found.items() if v} == {}


def dialogs(store: Any, parent: QWidget) -> list[tuple[str, Callable[[], QWidget]]]:
    from desktop.applications_dialog import ApplicationsDialog
    from desktop.excel_import_dialog import ExcelImportDialog
    from desktop.export_dialog import ExportDialog
    from desktop.first_run_dialog import FirstRunDialog
    from desktop.import_dialog import ImportDialog
    from desktop.import_history_dialog import ImportHistoryDialog
    from desktop.known_devices_dialog import KnownDevicesDialog
    from desktop.legal_basis_dialog import LegalBasisDialog
    from desktop.low_income_dialog import LowIncomeDialog
    from desktop.merge_conflicts_dialog import MergeConflictsDialog
    from desktop.new_round_dialog import NewRoundDialog
    from desktop.person_dialog import PersonDialog
    from desktop.restore_dialog import RestoreDialog
    from desktop.settings_dialog import SettingsDialog
    from desktop.upper_level_dialog import UpperLevelDialog

    return [
        ("first-run", lambda: FirstRunDialog(parent)),
        ("export", lambda: ExportDialog(store, parent)),
        ("import", lambda: ImportDialog(store, parent)),
        ("excel", lambda: ExcelImportDialog(store, parent)),
        ("history", lambda: ImportHistoryDialog(store, parent)),
        ("known-devices", lambda: KnownDevicesDialog(store, parent)),
        ("conflicts", lambda: MergeConflictsDialog(store, parent)),
        ("restore", lambda: RestoreDialog(Path(store.path), parent)),
        ("settings", lambda: SettingsDialog(parent)),
        ("upper-level", lambda: UpperLevelDialog(parent)),
        ("new-round", lambda: NewRoundDialog(store, parent)),
        ("legal-basis", lambda: LegalBasisDialog(None, parent)),
        ("low-income", lambda: LowIncomeDialog(store, parent)),
        ("person", lambda: PersonDialog(store, parent)),
        ("applications", lambda: ApplicationsDialog(store, parent)),
    ]


def each_dialog(qtbot: QtBot, window: MainWindow, check: Callable[[QWidget], Any]) -> dict:
    """``check`` of every dialog shown, by name, those it found nothing in left out."""
    found = {}
    for name, make in dialogs(window.store, window):
        dialog = make()
        qtbot.addWidget(dialog)
        dialog.show()
        QApplication.processEvents()
        found[name] = check(dialog)
        dialog.close()
    return {k: v for k, v in found.items() if v}


def test_every_dialog(qtbot: QtBot, window: MainWindow) -> None:
    assert each_dialog(qtbot, window, lambda d: clashes(reachable(d))) == {}


def test_every_print_entry_has_a_letter_of_its_own_in_its_submenu(qtbot: QtBot, app: Any) -> None:
    """Báo cáo's submenus list a dozen documents each: each entry takes a plain letter none
    of its neighbours has (a letter with a diacritic cannot be typed with Alt)."""
    window = MainWindow()
    qtbot.addWidget(window)
    for entry in window.menus["report"].actions():
        sub = entry.menu()
        if sub is None:
            continue
        texts = [a.text() for a in sub.actions() if a.text()]
        keys = [mnemonic(t) for t in texts]
        assert all(k is not None and k.isascii() for k in keys), texts
        assert clashes(texts) == {}, texts


ESC = {"Đóng", "Hủy"}


def unlettered(window: QWidget) -> list[str]:
    """The visible buttons and field labels of ``window`` that no Alt+letter reaches: each
    one an officer must Tab to, counting, instead of reading its letter off the screen.
    Đóng and Hủy answer Esc, a dialog's default button Enter."""
    missing: list[str] = []
    for child in window.findChildren(QWidget):
        if not child.isVisibleTo(window):
            continue
        if isinstance(child, QPushButton) and (child.isDefault() or child.text() in ESC):
            continue
        if isinstance(child, QPushButton) or isinstance(child, QLabel) and child.buddy():
            text = child.text()
            if text and mnemonic(text) is None:
                missing.append(f"{type(child).__name__}: {text}")
    return missing


def dead_letters(window: QWidget) -> list[str]:
    """Labels whose Alt+letter does nothing: QLabel moves the focus to its buddy only when
    the buddy itself takes focus, and a form row's buddy made by ``addRow(text, widget)`` is
    the widget holding the field when the field sits in a container (the settings' fields
    with their help lines, session 27)."""
    return [
        child.text()
        for child in window.findChildren(QLabel)
        if mnemonic(child.text())
        and child.buddy() is not None
        and child.buddy().focusPolicy() == Qt.FocusPolicy.NoFocus
        and child.buddy().focusProxy() is None
    ]


def test_no_label_letter_leads_nowhere(qtbot: QtBot, window: MainWindow) -> None:
    found = {"main window": dead_letters(window)}
    assert window.open_household(window.household_id)  # type: ignore[attr-defined]
    found["editor"] = dead_letters(window)
    for name, make in dialogs(window.store, window):
        dialog = make()
        qtbot.addWidget(dialog)
        found[name] = dead_letters(dialog)
        dialog.close()
    assert {k: v for k, v in found.items() if v} == {}


def test_every_button_and_field_label_of_every_dialog_has_a_letter(
    qtbot: QtBot, window: MainWindow
) -> None:
    """The import dialog was reached by Tab alone: its password, its Nhập / gộp and its
    Lưu biên nhận… had no letter (left alone in session 26), nor had the export's password
    or the Excel import's sheet and year."""
    assert each_dialog(qtbot, window, unlettered) == {}


def test_the_settings_with_the_provinces_part_unfolded(qtbot: QtBot, window: MainWindow) -> None:
    """Its fields' letters are given from the settings' labels (data): unfolded, the
    province's connection and its Kiểm tra kết nối take none of the commune's."""
    from desktop.settings_dialog import SettingsDialog

    dialog = SettingsDialog(window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.registry_fold.click()
    QApplication.processEvents()
    assert dialog.registry_check_button.isVisibleTo(dialog)
    assert clashes(reachable(dialog)) == {}
    assert unlettered(dialog) == []
    labels = [t for t in reachable(dialog) if t.endswith(("soát", "(phút)", "tỉnh"))]
    assert "Người &rà soát" in labels
    assert "Khoá &màn hình sau (phút)" in labels
    assert "Cơ sở dữ &liệu của tỉnh" in labels
    # Alt+M puts the cursor in the field itself, not on the column holding it and its help.
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    target = QApplication.focusWidget() or dialog
    qtbot.keyClick(target, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    field = dialog.editors["idle_lock_minutes"]
    focus = QApplication.focusWidget()
    assert focus is field or (focus is not None and field.isAncestorOf(focus))
