"""What the window tells rasoat.crash as the officer works, and the notice after a crash."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from desktop.crash_notice import show_crash_notice
from desktop.main_window import MainWindow
from rasoat import crash, paths
from rasoat.crash import PreviousSession
from tests.desktop.conftest import poor_household, save_classified


@pytest.fixture
def armed() -> Iterator[Path]:
    # The test runner keeps its own fault handler; the trace of actions is what is tested.
    assert crash.start(catch_faults=False) is None
    yield paths.log_dir() / crash.STATE_NAME
    crash.end()


def actions(state: Path) -> list[str]:
    return [a for _t, a in json.loads(state.read_text(encoding="utf-8"))["actions"]]


def test_the_window_records_the_officers_last_actions(
    qtbot: QtBot, qapp: Any, commune_path: Path, armed: Path
) -> None:
    from desktop.commune_file import open_store

    household = poor_household("H-0012", "Thôn Nà Lầu")
    with open_store(commune_path) as store:
        save_classified(store, household)
    window = MainWindow()
    qtbot.addWidget(window)
    assert window.open_path(commune_path)
    assert window.open_household(household.id)
    assert window.editor.save()
    window.household_actions[3].trigger()  # Tìm hộ, through the menu's action

    state = json.loads(armed.read_text(encoding="utf-8"))
    assert state["file"] == commune_path.name
    assert state["household"] == "H-0012"
    assert state["household_saved"] > 0
    done = actions(armed)
    assert "Mở tệp xã" in done
    assert "Mở hộ H-0012" in done
    assert "Lưu hộ H-0012" in done
    assert done[-1] == "Lệnh: Tìm hộ"
    window.close()


def test_the_notice_names_the_household_the_file_and_the_log(
    qtbot: QtBot, qapp: Any, store: Any, tmp_path: Path
) -> None:
    window = MainWindow(store)
    qtbot.addWidget(window)
    previous = PreviousSession(
        started=1_764_000_000.0,
        version="0.1.0",
        file=Path(store.path).name,
        household="H-0012",
        household_saved=1_764_000_100.0,
        actions=[(1_764_000_100.0, "Lưu hộ H-0012"), (1_764_000_200.0, "Lệnh: Tìm hộ")],
    )
    log_file = tmp_path / "rasoat.log"
    box = show_crash_notice(window, previous, log_file)
    text = box.text()
    assert "đóng bất thường" in text
    assert "H-0012" in text
    assert Path(store.path).name in text
    assert str(log_file) in text
    assert "Lệnh: Tìm hộ" in text
    assert not box.isModal()
    assert box.button(QMessageBox.StandardButton.Ok).text() == "Đã hiểu"
    box.close()
