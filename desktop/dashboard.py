"""Dashboard: households by category per village, and deprivation by indicator for this
round beside the previous one, as painted bar charts."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.chart_widget import BarChart, ChartData
from desktop.labels import label
from forms.model import Category

SHOWN = (
    Category.POOR,
    Category.NEAR_POOR,
    Category.MIDDLE,
    Category.NOT_POOR,
    Category.UNDETERMINED,
)


def category_by_village(store: Any, round_id: str) -> ChartData:
    from db.report_queries import after_meeting_counts
    from db.store import HouseholdQuery

    villages = [v.name for v in store.villages()]
    counts = [
        after_meeting_counts(store, HouseholdQuery(village=v, round_id=round_id)) for v in villages
    ]
    series = [(label(c), [float(_get(per, c)) for per in counts]) for c in SHOWN]
    return ChartData(groups=villages, series=series, stacked=True)


def _get(counts: dict[Any, int], category: Category) -> int:
    return int(counts.get(category, counts.get(category.value, 0)))


def support_by_village(store: Any, period: Any) -> ChartData:
    """Supports given in ``period`` (``forms.support_period``), stacked by kind (the
    catalogue's order), per village."""
    from db import year_round
    from desktop.i18n import data_tr
    from forms import catalog

    counts = year_round.support_by_kind_and_village(store, period)
    villages = [v.name for v in store.villages()]
    villages += sorted(v for v in counts if v not in villages)
    kinds = [k for k in catalog.support_kinds() if any(k.id in c for c in counts.values())]
    series = [
        (data_tr(k.label), [float(counts.get(v, {}).get(k.id, 0)) for v in villages]) for k in kinds
    ]
    return ChartData(groups=villages, series=series, stacked=True)


class DeprivationTally:
    """Households deprived in each indicator, one series per round (oldest first), counted
    a chunk at a time so a 100,000-household commune never freezes the window."""

    def __init__(self, store: Any, rounds: list[Any]) -> None:
        self.names: dict[str, str] = {}
        self.tallies: list[tuple[str, Counter[str]]] = [(str(r.year), Counter()) for r in rounds]
        self._sources = [
            (tally, iter(store.results_for_round(r.id)))
            for (_, tally), r in zip(self.tallies, rounds, strict=True)
        ]

    def step(self, chunk: int = 500) -> bool:
        """Counts up to ``chunk`` results; True while there is more to count."""
        while self._sources:
            tally, results = self._sources[0]
            for _ in range(chunk):
                item = next(results, None)
                if item is None:
                    self._sources.pop(0)
                    break
                for outcome in item[1].indicators:
                    self.names.setdefault(outcome.id, outcome.name)
                    if str(outcome.status.value) == "deprived":
                        tally[outcome.id] += 1
            else:
                return True
        return False

    def data(self) -> ChartData:
        order = list(self.names)
        series = [(year, [float(t[i]) for i in order]) for year, t in self.tallies]
        return ChartData(groups=[self.names[i] for i in order], series=series)


def deprivation_by_indicator(store: Any, rounds: list[Any]) -> ChartData:
    tally = DeprivationTally(store, rounds)
    while tally.step():
        pass
    return tally.data()


class Dashboard(QWidget):
    def __init__(self, store: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.tally: DeprivationTally | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._count_some)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.heading = QLabel()
        top.addWidget(self.heading, 1)
        refresh = QPushButton(self.tr("Cập nhật"))
        refresh.clicked.connect(self.refresh)
        top.addWidget(refresh)
        layout.addLayout(top)
        self.by_village = BarChart()
        self.by_indicator = BarChart()
        self.support = BarChart()
        # Three charts of at least 220 px each need more height than a 1024x768 laptop
        # leaves under the menu, tabs and status bar: they scroll there, and fill the tab
        # on a taller screen.
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        charts = QWidget()
        column = QVBoxLayout(charts)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.by_village, 1)
        column.addWidget(self.by_indicator, 1)
        column.addWidget(self.support, 1)
        scroll.setWidget(charts)
        layout.addWidget(scroll, 1)

    def busy(self) -> bool:
        return self._timer.isActive()

    def refresh(self) -> None:
        self._timer.stop()
        current = self.store.current_round()
        if current is None:
            self.heading.setText(self.tr("Chưa có kỳ rà soát."))
            self.by_village.set_data(ChartData())
            self.by_indicator.set_data(ChartData())
            self.support.set_data(ChartData())
            return
        self.heading.setText(self.tr("<h3>Tổng hợp kỳ rà soát năm {y}</h3>").format(y=current.year))
        data = category_by_village(self.store, current.id)
        data.title = self.tr("Số hộ theo phân loại, từng thôn (năm {y})").format(y=current.year)
        self.by_village.set_data(data)
        # Support counts in the support period of today: since the decision recognising the
        # lists in force (forms.support_period), as on a household's page and the reports.
        from db import year_round

        period = year_round.support_period(self.store, date.today())
        support = support_by_village(self.store, period)
        since = f"{period.start:%d/%m/%Y}"
        support.title = (
            self.tr("Số lần hỗ trợ theo loại, từng thôn (từ {d})").format(d=since)
            if support.series
            else self.tr("Chưa ghi lần hỗ trợ nào từ {d}.").format(d=since)
        )
        self.support.set_data(support)
        earlier = [r for r in self.store.rounds() if r.year < current.year]
        rounds = ([max(earlier, key=lambda r: r.year)] if earlier else []) + [current]
        self.tally = DeprivationTally(self.store, rounds)
        self.by_indicator.set_data(ChartData(title=self.tr("Đang đếm các chỉ số thiếu hụt…")))
        self._timer.start()

    def _count_some(self) -> None:
        if self.tally is None or not self.tally.step():
            self._timer.stop()
            if self.tally is not None:
                data = self.tally.data()
                data.title = self.tr("Số hộ thiếu hụt theo từng chỉ số: kỳ trước và kỳ này")
                self.by_indicator.set_data(data)
