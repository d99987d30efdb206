"""Dashboard: households by category per village, and deprivation by indicator for this
round beside the previous one, as painted bar charts."""

from __future__ import annotations

from collections import Counter
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

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
    from db.store import HouseholdQuery

    villages = [v.name for v in store.villages()]
    counts = [store.category_counts(HouseholdQuery(village=v, round_id=round_id)) for v in villages]
    series = [(label(c), [float(_get(per, c)) for per in counts]) for c in SHOWN]
    return ChartData(groups=villages, series=series, stacked=True)


def _get(counts: dict[Any, int], category: Category) -> int:
    return int(counts.get(category, counts.get(category.value, 0)))


def deprivation_by_indicator(store: Any, rounds: list[Any]) -> ChartData:
    """Households deprived in each indicator, one series per round (oldest first)."""
    names: dict[str, str] = {}
    series: list[tuple[str, list[float]]] = []
    tallies: list[tuple[str, Counter[str]]] = []
    for rnd in rounds:
        tally: Counter[str] = Counter()
        for _household, result in store.results_for_round(rnd.id):
            for outcome in result.indicators:
                names.setdefault(outcome.id, outcome.name)
                if str(outcome.status.value) == "deprived":
                    tally[outcome.id] += 1
        tallies.append((str(rnd.year), tally))
    order = list(names)
    for year, tally in tallies:
        series.append((year, [float(tally[i]) for i in order]))
    return ChartData(groups=[names[i] for i in order], series=series)


class Dashboard(QWidget):
    def __init__(self, store: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
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
        layout.addWidget(self.by_village, 1)
        layout.addWidget(self.by_indicator, 1)

    def refresh(self) -> None:
        current = self.store.current_round()
        if current is None:
            self.heading.setText(self.tr("Chưa có kỳ rà soát."))
            self.by_village.set_data(ChartData())
            self.by_indicator.set_data(ChartData())
            return
        self.heading.setText(self.tr("<h3>Tổng hợp kỳ rà soát năm {y}</h3>").format(y=current.year))
        data = category_by_village(self.store, current.id)
        data.title = self.tr("Số hộ theo phân loại, từng thôn (năm {y})").format(y=current.year)
        self.by_village.set_data(data)
        earlier = [r for r in self.store.rounds() if r.year < current.year]
        rounds = ([max(earlier, key=lambda r: r.year)] if earlier else []) + [current]
        dep = deprivation_by_indicator(self.store, rounds)
        dep.title = self.tr("Số hộ thiếu hụt theo từng chỉ số: kỳ trước và kỳ này")
        self.by_indicator.set_data(dep)
