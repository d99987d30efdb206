from __future__ import annotations

from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from desktop.chart_widget import PALETTE, BarChart, ChartData, nice_ceiling


def test_nice_ceiling_rounds_up_to_1_2_5() -> None:
    assert nice_ceiling(0) == 1
    assert nice_ceiling(7) == 10
    assert nice_ceiling(13) == 20
    assert nice_ceiling(41) == 50
    assert nice_ceiling(100) == 100
    assert nice_ceiling(101) == 200


def test_stacked_maximum_is_the_tallest_stack() -> None:
    data = ChartData(groups=["A", "B"], series=[("x", [3, 1]), ("y", [4, 9])], stacked=True)
    assert data.max_value() == 10
    data.stacked = False
    assert data.max_value() == 9


def test_bars_are_painted_in_series_colours(qtbot: QtBot) -> None:
    chart = BarChart()
    qtbot.addWidget(chart)
    chart.resize(400, 300)
    chart.set_data(ChartData(title="Hộ theo thôn", groups=["Thôn 1"], series=[("Nghèo", [10])]))
    image = chart.grab().toImage()
    colours = {
        image.pixelColor(x, y).name()
        for x in range(0, image.width(), 3)
        for y in range(0, image.height(), 3)
    }
    assert QColor(PALETTE[0]).name() in colours


def test_empty_chart_paints_without_data(qtbot: QtBot) -> None:
    chart = BarChart()
    qtbot.addWidget(chart)
    chart.resize(300, 200)
    assert not chart.grab().isNull()
