"""The classification panel's summary says which side decided the income and never reads as
if a score or an income given were missing."""

from __future__ import annotations

import dataclasses
from typing import Any

from pytestqt.qtbot import QtBot

from desktop.classification_panel import ClassificationPanel
from forms.classify import classify
from forms.standards import load_standard, standard_for_year
from tests.desktop.conftest import poor_household

DECIDES = "(căn cứ xét thu nhập)"


def summary(qtbot: QtBot, household: Any, standard: Any = None, year: int = 2025) -> str:
    panel = ClassificationPanel()
    qtbot.addWidget(panel)
    panel.show_result(classify(household, standard or load_standard("nd07-2022-2025"), year))
    return str(panel.summary.text())


def lines(text: str) -> dict[str, str]:
    """'Điểm B1: <b>120</b> (…)<br>…' → {'Điểm B1': '<b>120</b> (…)', …}"""
    return dict(line.split(": ", 1) for line in text.split("<br>"))  # type: ignore[misc]


def test_a_score_that_decides_is_marked_and_the_income_not_asked_for(
    app: Any, qtbot: QtBot
) -> None:
    shown = lines(summary(qtbot, poor_household("01-0001", "Thôn 1")))
    assert shown["Điểm B1"] == f"<b>120</b> {DECIDES}"
    # The score is there: the income is not entered, not "needed".
    assert shown["Thu nhập bình quân"] == "chưa nhập"


def test_an_income_entered_beside_a_deciding_score_is_shown_unmarked(
    app: Any, qtbot: QtBot
) -> None:
    household = dataclasses.replace(
        poor_household("01-0002", "Thôn 1"), income_per_capita=1_200_000
    )
    shown = lines(summary(qtbot, household))
    assert shown["Điểm B1"] == f"<b>120</b> {DECIDES}"
    assert shown["Thu nhập bình quân"] == "<b>1.200.000 đ</b>"


def test_an_income_that_decides_is_marked(app: Any, qtbot: QtBot) -> None:
    household = dataclasses.replace(
        poor_household("01-0003", "Thôn 1"), b1_total=None, income_per_capita=1_200_000
    )
    shown = lines(summary(qtbot, household))
    assert shown["Điểm B1"] == "—"
    assert shown["Thu nhập bình quân"] == f"<b>1.200.000 đ</b> {DECIDES}"


def test_a_score_the_standard_has_no_threshold_for_decides_nothing(app: Any, qtbot: QtBot) -> None:
    """ND351 as shipped has no B1 threshold: the score is shown plain, the income missing."""
    shown = lines(
        summary(qtbot, poor_household("01-0004", "Thôn 1"), standard_for_year(2027), 2027)
    )
    assert shown["Điểm B1"] == "<b>120</b>"
    assert shown["Thu nhập bình quân"] == "chưa nhập"


def test_neither_side_says_what_is_needed(app: Any, qtbot: QtBot) -> None:
    household = dataclasses.replace(poor_household("01-0005", "Thôn 1"), b1_total=None)
    shown = lines(summary(qtbot, household))
    assert shown["Điểm B1"] == "—"
    assert shown["Thu nhập bình quân"] == "chưa có (cần điểm B1 hoặc thu nhập)"
    assert shown["Số chỉ số thiếu hụt"].startswith("<b>")
