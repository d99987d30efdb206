"""Dashboard: households by category per village, supports by kind per village, and
deprivation by indicator for this round beside the previous one, as painted bar charts.

Every figure is counted off the GUI thread (issue 22): showing the tab at 100,000
households ran one ``after_meeting_counts`` a village on the GUI thread (a window frozen
2.7-4.6 s at load 11-13, 0.7 s of its CPU), then decoded every household of two rounds in
500-household slices of the GUI thread's time (32-38 s of its CPU, over 3-4 minutes).
Now ``figures_apart`` (villages, one grouped count, supports) and then
``deprivations_apart`` (SQLite reading the results' JSON) run in a worker on a read-only
connection of their own, as the status bar's counts do
(``desktop.background_counts``): "Đang đếm…" meanwhile, a newer refresh interrupts an
older one, the window stops them before it closes its file, and a failure is said in
Vietnamese (the details in the log)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.background_counts import BackgroundCounts
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


@dataclass(frozen=True)
class Figures:
    """The counts of the first two charts, as ``figures_apart`` reads them."""

    villages: list[str]  # the commune's villages, in their order
    by_village: dict[str, dict[Category, int]]  # after the meeting (the lists' counts)
    support_since: date  # the start of today's support period (forms.support_period)
    support: dict[str, dict[str, int]]  # village -> support kind -> supports given


def figures_apart(path: Path, round_id: str, cancel: Any = None) -> Figures:
    """The villages' counts of ``round_id`` and today's supports, on a read-only connection
    of their own (a worker's; ``cancel`` interrupts it)."""
    from db import year_round
    from db.report_queries import after_meeting_counts_by_village, reading, reading_store

    with reading(path, cancel) as conn:
        store = reading_store(conn, path)
        period = year_round.support_period(store, date.today())
        return Figures(
            villages=[v.name for v in store.villages()],
            by_village=after_meeting_counts_by_village(conn, round_id),
            support_since=period.start,
            support=year_round.support_by_kind_and_village(store, period),
        )


Deprivations = list[tuple[str, list[tuple[str, str, int]]]]  # (year, (id, name, households))


def deprivations_apart(
    path: Path, rounds: list[tuple[str, str]], cancel: Any = None
) -> Deprivations:
    """Households deprived in each indicator, for each (year, round id) of ``rounds``."""
    from db.report_queries import deprived_by_indicator, reading

    with reading(path, cancel) as conn:
        return [(year, deprived_by_indicator(conn, rid)) for year, rid in rounds]


def category_chart(villages: list[str], counts: dict[str, dict[Category, int]]) -> ChartData:
    """Households per category after the meeting, stacked, one bar a village."""
    series = [(label(c), [float(counts.get(v, {}).get(c, 0)) for v in villages]) for c in SHOWN]
    return ChartData(groups=villages, series=series, stacked=True)


def category_by_village(store: Any, round_id: str) -> ChartData:
    from db.report_queries import after_meeting_counts_by_village, connection

    counts = after_meeting_counts_by_village(connection(store), round_id)
    return category_chart([v.name for v in store.villages()], counts)


def support_chart(villages: list[str], counts: dict[str, dict[str, int]]) -> ChartData:
    """Supports given, stacked by kind (the catalogue's order), per village; villages only
    households name come after the commune's own."""
    from desktop.i18n import data_tr
    from forms import catalog

    villages = villages + sorted(v for v in counts if v not in villages)
    kinds = [k for k in catalog.support_kinds() if any(k.id in c for c in counts.values())]
    series = [
        (data_tr(k.label), [float(counts.get(v, {}).get(k.id, 0)) for v in villages]) for k in kinds
    ]
    return ChartData(groups=villages, series=series, stacked=True)


def deprivation_chart(found: Deprivations) -> ChartData:
    """One bar group per indicator (in the order the results list them, the earlier
    round's first), one series per round."""
    names: dict[str, str] = {}
    for _year, rows in found:
        for i, name, _n in rows:
            names.setdefault(i, name)
    series = []
    for year, rows in found:
        deprived = {i: n for i, _name, n in rows}
        series.append((year, [float(deprived.get(i, 0)) for i in names]))
    return ChartData(groups=list(names.values()), series=series)


class Dashboard(QWidget):
    def __init__(self, store: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._round: Any = None  # the round whose figures are being counted or shown
        self._earlier: Any = None  # the round before it, beside it in the deprivations
        self.counts = BackgroundCounts(self, figures_apart, "dashboard-counts")
        self.counts.counted.connect(self._show_figures)
        self.counts.failed.connect(self._not_counted)
        self.deprivations = BackgroundCounts(self, deprivations_apart, "dashboard-deprivations")
        self.deprivations.counted.connect(self._show_deprivations)
        self.deprivations.failed.connect(self._not_counted)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.heading = QLabel()
        top.addWidget(self.heading, 1)
        refresh = QPushButton(self.tr("Cập nhật"))
        refresh.clicked.connect(self.refresh)
        top.addWidget(refresh)
        layout.addLayout(top)
        self.failure = QLabel()
        self.failure.setWordWrap(True)
        self.failure.setStyleSheet("color: #b3261e;")
        self.failure.hide()
        layout.addWidget(self.failure)
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
        return self.counts.running() or self.deprivations.running()

    def stop(self) -> None:
        """Interrupts the counts and waits for them (the window, before closing its file:
        a reading connection left open keeps the close from emptying the ``-wal``)."""
        self.counts.stop()
        self.deprivations.stop()

    def refresh(self) -> None:
        """Counts every figure again, in a worker; the charts say "Đang đếm…" meanwhile.
        Only the rounds are read here (a few rows)."""
        self.deprivations.stop()  # a newer refresh's counts replace an older one's
        self.failure.hide()
        current = self.store.current_round()
        self._round = current
        if current is None:
            self.counts.stop()
            self.heading.setText(self.tr("Chưa có kỳ rà soát."))
            self.by_village.set_data(ChartData())
            self.by_indicator.set_data(ChartData())
            self.support.set_data(ChartData())
            return
        # Last year's review, as the summary's "Đầu kỳ" (the first round of that year was
        # taken: a March month's few households stood for last year).
        self._earlier = self.store.previous_round(current.id)
        self.heading.setText(self.tr("<h3>Tổng hợp kỳ rà soát năm {y}</h3>").format(y=current.year))
        for chart, title in self._titles(current.year):
            chart.set_data(ChartData(title=title, empty=self.tr("Đang đếm…")))
        self.counts.count(Path(self.store.path), str(current.id))

    def _titles(self, year: int) -> list[tuple[BarChart, str]]:
        """Each chart's title before its figures are counted."""
        return [
            (self.by_village, self.tr("Số hộ theo phân loại, từng thôn (năm {y})").format(y=year)),
            (self.by_indicator, self.tr("Số hộ thiếu hụt theo từng chỉ số: kỳ trước và kỳ này")),
            (self.support, self.tr("Số lần hỗ trợ theo loại, từng thôn")),
        ]

    def _show_figures(self, figures: Figures) -> None:
        current = self._round
        data = category_chart(figures.villages, figures.by_village)
        data.title = self.tr("Số hộ theo phân loại, từng thôn (năm {y})").format(y=current.year)
        self.by_village.set_data(data)
        # Support counts in the support period of today: since the decision recognising the
        # lists in force (forms.support_period), as on a household's page and the reports.
        support = support_chart(figures.villages, figures.support)
        since = f"{figures.support_since:%d/%m/%Y}"
        support.title = (
            self.tr("Số lần hỗ trợ theo loại, từng thôn (từ {d})").format(d=since)
            if support.series
            else self.tr("Chưa ghi lần hỗ trợ nào từ {d}.").format(d=since)
        )
        self.support.set_data(support)
        # Then the deprivations (seconds at 100,000 households): the first two charts wait
        # for nothing, and the laptop's two cores are not both taken.
        rounds = ([self._earlier] if self._earlier is not None else []) + [current]
        self.deprivations.count(Path(self.store.path), [(str(r.year), str(r.id)) for r in rounds])

    def _show_deprivations(self, found: Deprivations) -> None:
        data = deprivation_chart(found)
        data.title = self.tr("Số hộ thiếu hụt theo từng chỉ số: kỳ trước và kỳ này")
        self.by_indicator.set_data(data)

    def _not_counted(self, exc: BaseException) -> None:
        from desktop.worker import failure_text

        # SQLite's words are English and mean nothing to an officer: the log has them
        # (desktop.background_counts); a message of ours names the households concerned.
        self.failure.setText(
            self.tr("Không đếm được số liệu tổng hợp: {why} Bấm Cập nhật để đếm lại.").format(
                why=failure_text(exc)
            )
        )
        self.failure.show()
        for chart in (self.by_village, self.by_indicator, self.support):
            data = chart.data()
            if not data.groups:  # still waiting for its figures: they will not come
                chart.set_data(ChartData(title=data.title, empty=self.tr("Chưa đếm được.")))
