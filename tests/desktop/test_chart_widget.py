from __future__ import annotations

from PySide6.QtGui import QColor, QFontMetrics
from pytestqt.qtbot import QtBot

from desktop.chart_widget import (
    PALETTE,
    BarChart,
    ChartData,
    nice_axis,
    nice_ceiling,
    two_lines,
)


def _is_nice_step(step: int) -> bool:
    """1, 2, 2.5 or 5 × 10^k, a whole number."""
    digits = str(step).rstrip("0")
    return digits in ("1", "2", "25", "5")


MAXIMA = [*range(0, 2001), 2_499, 3_820, 9_999, 10_001, 12_651, 99_999, 100_000, 250_001]


def test_axis_ends_at_the_first_round_tick_at_or_above_the_maximum() -> None:
    for maximum in MAXIMA:
        ceiling, step = nice_axis(maximum)
        where = f"maximum {maximum}: axis {ceiling}, step {step}"
        assert isinstance(ceiling, int), where  # counts of households
        assert isinstance(step, int), where
        assert _is_nice_step(step), where
        assert ceiling % step == 0, where
        assert ceiling >= maximum, where
        assert ceiling < max(maximum, 1) + step, where  # the first tick at or above
        if maximum >= 3:
            assert 3 <= ceiling // step <= 7, where
        if maximum >= 30:
            assert 4 <= ceiling // step <= 6, where  # 1/2/2.5/5 steps: always about five
        assert nice_ceiling(maximum) == ceiling, where


def test_axis_hand_values() -> None:
    assert nice_axis(0) == (1, 1)  # an empty chart still has an axis
    assert nice_axis(0.4) == (1, 1)
    assert nice_axis(7) == (8, 2)
    assert nice_axis(41) == (50, 10)
    assert nice_axis(100) == (100, 20)
    assert nice_axis(101) == (120, 20)  # was 200: half the chart empty
    assert nice_axis(107) == (120, 20)
    assert nice_axis(130) == (150, 25)
    assert nice_axis(1234) == (1250, 250)
    assert nice_axis(12.5) == (14, 2)  # a fractional maximum rounds up first


def test_painted_ticks_follow_the_axis(qtbot: QtBot) -> None:
    chart = BarChart()
    qtbot.addWidget(chart)
    chart.resize(500, 320)
    chart.set_data(ChartData(groups=["Thôn 1", "Thôn 2"], series=[("Nghèo", [107, 40])]))
    image = chart.grab().toImage()
    # The tallest bar reaches 107/120 of the plot, not about half of it as on a 0–200 axis.
    colour = QColor(PALETTE[0]).name()
    columns = [
        [y for y in range(image.height()) if image.pixelColor(x, y).name() == colour]
        for x in range(image.width())
    ]
    rows = max(columns, key=len)  # through the tallest bar (the legend swatch is short)
    bar_height = max(rows) - min(rows)
    # Right of the bars only the grid lines cross (antialiased over two pixel rows).
    x = image.width() - 12
    inked = [image.pixelColor(x, y) != image.pixelColor(x, 0) for y in range(image.height())]
    lines = [y for y in range(1, len(inked)) if inked[y] and not inked[y - 1]]
    assert len(lines) == 7  # 0, 20 … 120
    plot_height = max(lines) - min(lines)
    assert abs(bar_height / plot_height - 107 / 120) < 0.03


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


def test_long_labels_take_two_lines_and_say_they_are_cut(qtbot: QtBot) -> None:
    chart = BarChart()
    qtbot.addWidget(chart)
    metrics = QFontMetrics(chart.font())
    width = metrics.horizontalAdvance("Trình độ giáo")
    label = "Trình độ giáo dục của người lớn"
    text = two_lines(metrics, label, width)
    first, second = text.split("\n")
    assert label.startswith(first)
    assert second.endswith("…")
    assert all(metrics.horizontalAdvance(part) <= width for part in (first, second))
    assert two_lines(metrics, "Việc làm", width) == "Việc làm"


def test_hovering_a_group_names_it_whole_with_its_numbers(qtbot: QtBot) -> None:
    chart = BarChart()
    qtbot.addWidget(chart)
    chart.resize(300, 250)
    groups = ["Trình độ giáo dục của người lớn", "Việc làm"]
    chart.set_data(
        ChartData(title="Thiếu hụt", groups=groups, series=[("2025", [1200, 3]), ("2026", [7])])
    )
    chart.grab()  # paints, which lays the groups out
    tip = chart.group_tooltip(chart.width() * 0.45)
    assert "Trình độ giáo dục của người lớn" in tip
    assert "2025: 1.200" in tip
    assert "2026: 7" in tip
    assert "Việc làm" in chart.group_tooltip(chart.width() - 20)
    assert "2026: 0" in chart.group_tooltip(chart.width() - 20)
