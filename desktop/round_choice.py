"""Which review round the meeting and the posting screens act on (issue 24): the periodic
review the household list shows, or a monthly regular round (rà soát thường xuyên), whose
meeting, posting and decision use the same screens. Shown at the top of both, so the officer
always sees the round a vote or a decision goes to."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from db.errors import StoreError

# How many regular rounds the list offers besides the periodic one: a year's worth.
SHOWN_REGULAR = 12


def round_title(rnd: Any, decided: bool) -> str:
    from db import year_round

    if rnd.kind == year_round.REGULAR:
        month = year_round.regular_month(rnd)
        text = _tr("Rà soát thường xuyên tháng {m}/{y}").format(m=month or "…", y=rnd.year)
    else:
        text = _tr("Rà soát định kỳ năm {y}").format(y=rnd.year)
    if decided:
        text += _tr(" (đã có quyết định)")
    return text


def _tr(text: str) -> str:
    return QCoreApplication.translate("RoundChoice", text)


class RoundChoice(QWidget):
    """A label and a list of rounds; ``round_id()`` is the chosen one."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(self.tr("Kỳ rà soát đang làm:")))
        self.combo = QComboBox()
        self.combo.setObjectName("round_choice")
        layout.addWidget(self.combo, 1)
        self.combo.currentIndexChanged.connect(lambda _i: self.changed.emit())

    def refresh(self, store: Any) -> None:
        """The current periodic round first, then the earlier periodic rounds not yet decided,
        then the regular rounds, newest first; the choice is kept while it exists (silently:
        the owner reloads itself)."""
        from db import year_round

        chosen = self.round_id()
        current = store.current_round()
        decided = {
            r.id for r in store.rounds() if r.kind == year_round.REGULAR and store.decision(r.id)
        }
        rounds = [current] if current is not None else []
        # An earlier year's review still waiting for its decision: once next year's review
        # began it was offered nowhere, and last year's decision could no longer be typed in.
        rounds += [
            r
            for r in reversed(store.rounds())
            if r.kind == "periodic" and r != current and store.decision(r.id) is None
        ]
        regular = [r for r in year_round.regular_rounds(store) if current is None or r != current]
        rounds += list(reversed(regular))[:SHOWN_REGULAR]
        self.combo.blockSignals(True)
        self.combo.clear()
        for rnd in rounds:
            self.combo.addItem(round_title(rnd, rnd.id in decided), str(rnd.id))
        found = self.combo.findData(chosen) if chosen else -1
        self.combo.setCurrentIndex(max(found, 0) if rounds else -1)
        self.combo.blockSignals(False)

    def round_id(self) -> str | None:
        data = self.combo.currentData()
        return None if data is None else str(data)

    def choose(self, round_id: str) -> None:
        """Selects a round (the one just opened), announcing the change."""
        found = self.combo.findData(round_id)
        if found >= 0 and found != self.combo.currentIndex():
            self.combo.setCurrentIndex(found)


def show_round(window: Any, round_id: str, *, to_meeting: bool = False) -> None:
    """Chooses a round on the meeting and the posting screens (and shows the meeting)."""
    for page in (window.meeting, window.posting):
        page.round_choice.refresh(window.store)
        page.round_choice.choose(round_id)
    if to_meeting:
        window.tabs.setCurrentWidget(window.meeting)


def open_monthly_round(window: Any, today: date | None = None) -> Any:
    """Tệp → Rà soát thường xuyên tháng…: the monthly regular round still waiting for its
    decision, else this month's, opened with the households whose applications are open.
    The household list stays on the periodic review; the meeting and posting screens
    switch to the monthly round."""
    from PySide6.QtWidgets import QMessageBox

    from db import year_round

    store = getattr(window, "store", None)
    if store is None:
        return None
    today = today or date.today()
    rnd = store.open_regular_round()
    if rnd is None:
        try:
            rnd = year_round.start_regular_round(store, today.year, today.month)
        except StoreError as exc:
            QMessageBox.warning(window, _tr("Không mở được kỳ rà soát thường xuyên"), exc.message)
            return None
    n = len(year_round.round_household_ids(store, rnd.id))
    show_round(window, str(rnd.id), to_meeting=True)
    window.statusBar().showMessage(
        _tr("{r}: {n} hộ. Họp dân, niêm yết và quyết định ở các thẻ như kỳ định kỳ.").format(
            r=round_title(rnd, False), n=n
        )
    )
    return rnd


def open_applications(window: Any) -> None:
    """Hộ gia đình → Giấy đề nghị rà soát…; a monthly round opened there is chosen on the
    meeting and posting screens."""
    from desktop.applications_dialog import open_applications_dialog

    store = getattr(window, "store", None)
    if store is None:
        return
    before = store.open_regular_round()
    open_applications_dialog(window)
    after = store.open_regular_round()
    if after is not None and after != before:
        show_round(window, str(after.id), to_meeting=True)
