"""A drop-down list too narrow for its choice shows it cut with "…", never cut mid-letter:
the list's filters at the default window size (1,366 pixels wide), and every choice field of
the forms (``desktop.eliding_combo``)."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QComboBox, QStyle, QStyleOptionComboBox
from pytestqt.qtbot import QtBot

from desktop.eliding_combo import ElidingComboBox
from desktop.field_editor import ChoiceEditor
from tests.desktop.test_household_list import fill

LONG = "Mọi cán bộ phụ trách (của hộ, hoặc của thôn)"


def _box(qtbot: QtBot, text: str, width: int, kind: type[QComboBox] = ElidingComboBox) -> Any:
    """A box of ``kind`` holding ``text``, ``width`` pixels wide, shown."""
    combo = kind()
    qtbot.addWidget(combo)
    combo.addItem(text)
    combo.resize(width, combo.sizeHint().height())
    combo.show()
    qtbot.waitExposed(combo)
    return combo


def _painted(combo: QComboBox) -> QImage:
    return combo.grab().toImage()


def test_a_narrow_box_cuts_its_choice_with_an_ellipsis(qtbot: QtBot, app: Any) -> None:
    narrow = _box(qtbot, LONG, 140)
    shown = narrow.shown_text()
    assert shown.endswith("…")
    assert LONG.startswith(shown[:-1])
    assert len(shown) > 4
    # What is painted is that text: the same box holding the cut text itself looks the same.
    assert _painted(narrow) == _painted(_box(qtbot, shown, 140))
    # A plain box of the same size cuts the text at its edge instead.
    assert _painted(_box(qtbot, LONG, 140, QComboBox)) != _painted(narrow)


def test_the_ellipsis_is_never_cut_off(qtbot: QtBot, app: Any) -> None:
    """At every width the cut text, "…" included, fits where the styles draw it: the text
    field less 1 pixel each side (Qt's common drawing, Fusion's) and less 4 each side
    (Windows 11's, the laptops' default)."""
    combo = _box(qtbot, LONG, 100)
    option = QStyleOptionComboBox()
    cut = 0
    for width in range(60, 400, 3):
        combo.resize(width, combo.height())
        combo.initStyleOption(option)
        field = combo.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox,
            option,
            QStyle.SubControl.SC_ComboBoxEditField,
            combo,
        )
        shown = combo.shown_text()
        if shown != LONG:
            cut += 1
            assert combo.fontMetrics().horizontalAdvance(shown) <= field.width() - 2 * 4
    assert cut > 10


def test_a_box_wide_enough_shows_its_choice_whole(qtbot: QtBot, app: Any) -> None:
    wide = _box(qtbot, LONG, 600)
    assert wide.shown_text() == LONG


def test_a_box_at_its_own_size_shows_every_choice_whole(qtbot: QtBot, app: Any) -> None:
    """Qt's size fits the longest choice in the style's text field; the text is cut inside
    it, so the roster's sex column, at its size, showed "Nam" as "N…" (session 24)."""
    for choices in (["—", "Nam", "Nữ"], ["Chủ hộ", "Vợ/chồng", "Con"], [LONG, "Thôn Nà Lầu"]):
        combo = ElidingComboBox()
        qtbot.addWidget(combo)
        combo.addItems(choices)
        combo.resize(combo.sizeHint())
        combo.show()
        qtbot.waitExposed(combo)
        for i, choice in enumerate(choices):
            combo.setCurrentIndex(i)
            assert combo.shown_text() == choice
        assert combo.minimumSizeHint().width() <= combo.sizeHint().width()


def test_a_choice_that_fits_is_painted_as_a_plain_box_paints_it(qtbot: QtBot, app: Any) -> None:
    """Enabled, disabled, and with nothing chosen but a placeholder: the same pixels as
    Qt's own box (the text's colour, the frame, the arrow)."""
    for enabled, placeholder in ((True, ""), (False, ""), (True, "Chọn thôn")):
        ours, plain = ElidingComboBox(), QComboBox()
        for combo in (ours, plain):
            qtbot.addWidget(combo)
            if placeholder:
                combo.setPlaceholderText(placeholder)
                combo.addItem("Thôn Nà Lầu")
                combo.setCurrentIndex(-1)
            else:
                combo.addItem("Thôn Nà Lầu")
            combo.setEnabled(enabled)
            combo.resize(300, combo.sizeHint().height())
            combo.show()
            qtbot.waitExposed(combo)
        assert ours.grab().toImage() == plain.grab().toImage(), (enabled, placeholder)


def test_the_lists_filters_and_the_forms_choices_elide(qtbot: QtBot, app: Any, store: Any) -> None:
    from desktop.main_window import DEFAULT_SIZE, MainWindow

    fill(store)
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.resize(DEFAULT_SIZE)
    window.show()
    qtbot.waitExposed(window)
    filters = window.list
    combos = (filters.round, filters.village, filters.category, filters.transition)
    for combo in (*combos, filters.cadre):
        assert isinstance(combo, ElidingComboBox)
    for combo in (*combos, filters.cadre):
        whole, shown = combo.currentText(), combo.shown_text()
        assert shown == whole or (shown.endswith("…") and whole.startswith(shown[:-1]))
    # At the default size the round's filter is narrower than its choice ("Kỳ rà soát 2026
    # (hiện hành)" or the like): cut with "…", where Qt cut it mid-letter.
    assert filters.round.shown_text().endswith("…")
    choice = ChoiceEditor([("a", LONG)])
    qtbot.addWidget(choice)
    assert isinstance(choice.combo, ElidingComboBox)


def test_a_box_sized_to_a_few_characters_stays_so(qtbot: QtBot, app: Any) -> None:
    """The list's filters are sized to a few characters and elide the rest (they grew to
    their longest choice when the size hint was widened for every box)."""
    combo = ElidingComboBox()
    qtbot.addWidget(combo)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(8)
    combo.addItems([LONG, "Thôn Nà Lầu"])
    plain = QComboBox()
    qtbot.addWidget(plain)
    plain.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    plain.setMinimumContentsLength(8)
    plain.addItems([LONG, "Thôn Nà Lầu"])
    assert combo.sizeHint() == plain.sizeHint()
