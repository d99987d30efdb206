"""The household panel during 2026-2027: the result under the other national standard beside
the main one, with what differs (issue 18), and a province B1 file taking effect."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from db import round_basis
from desktop.main_window import MainWindow
from tests.desktop.conftest import poor_household

PROVINCE_B1 = """
base = "nd351-2026-2030"

[b1_thresholds]
rural = 150
urban = 175
source = "Văn bản số 1234 ngày 15/11/2026 của UBND tỉnh (tệp thử)"
"""


def open_editor(qtbot: QtBot, store: Any) -> Any:
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_a_2026_household_shows_the_2027_2030_result_and_what_is_missing(
    qtbot: QtBot, app: Any, store: Any, tmp_path: Path
) -> None:
    household = poor_household("H1", "Thôn Nà Lầu")  # B1 total 120, four deprivations
    store.save_household(household)
    window = open_editor(qtbot, store)
    window.editor.open_household(store.get_household(household.id))
    panel = window.editor.panel
    assert panel.category_text() == "Hộ nghèo"
    text = panel.other.text()
    assert panel.other.isVisibleTo(panel)
    # Named as its decree names it: "2027–2030", its years of use, read as another standard.
    assert text.startswith("Theo chuẩn nghèo đa chiều giai đoạn 2026–2030: Chưa xác định")
    assert "Chuẩn thu nhập: 1.500.000 đồng → 2.200.000 đồng." in text
    # Exactly what is missing: the B1 threshold for the new line, or the income itself.
    assert "Điểm B1 chưa quy đổi được ra thu nhập theo chuẩn 2.200.000 đồng" in text
    assert "nạp tệp chuẩn của tỉnh có ngưỡng điểm B1" in text

    path = tmp_path / "tinh-b1.toml"
    path.write_text(PROVINCE_B1, encoding="utf-8")
    round_basis.load_province_file(store, path)
    window.editor.recompute()
    assert panel.other.text().startswith(
        "Theo chuẩn nghèo đa chiều giai đoạn 2026–2030: Hộ nghèo"
    )  # 120 ≤ 150


def test_outside_the_transition_years_there_is_no_second_result(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    round_basis.start_round(store, 2028, "nd351-2026-2030")
    household = poor_household("H2", "Thôn Nà Lầu")
    store.save_household(household)
    window = open_editor(qtbot, store)
    window.editor.open_household(store.get_household(household.id))
    assert not window.editor.panel.other.isVisibleTo(window.editor.panel)
