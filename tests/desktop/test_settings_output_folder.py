"""Thiết lập's print folder says what a save dialog proposes (issue 15 item 14): the folder
saved into last, else the Documents folder; never the program's old data/output folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from desktop.report_runner import proposed_path
from desktop.settings_dialog import SettingsDialog
from rasoat import paths, settings


def test_an_empty_print_folder_shows_the_documents_folder(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    documents = tmp_path / "Tài liệu"
    documents.mkdir()
    monkeypatch.setattr(paths, "documents_dir", lambda: documents)
    dialog = SettingsDialog()
    qtbot.addWidget(dialog)
    folder = dialog.editors["output_dir"]
    assert isinstance(folder, QLineEdit)
    assert folder.text() == ""
    assert folder.placeholderText() == str(documents)
    assert folder.placeholderText() != str(paths.output_dir())
    # What the field shows is where the first print is proposed.
    assert proposed_path("meeting_list", "pdf", None).parent == documents


def test_the_folder_saved_into_last_is_shown(qtbot: QtBot, tmp_path: Path) -> None:
    printed = tmp_path / "Biểu đã in"
    printed.mkdir()
    settings.remember_output_folder(printed)
    dialog = SettingsDialog()
    qtbot.addWidget(dialog)
    folder = dialog.editors["output_dir"]
    assert isinstance(folder, QLineEdit)
    assert folder.text() == str(printed.resolve())
    assert proposed_path("meeting_list", "pdf", None).parent == printed.resolve()
