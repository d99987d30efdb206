"""Choosing the standard a round is scored on, shared by the first-run dialog and Tệp → Kỳ
rà soát mới…: both national standards named in full (years, income lines), the app's proposal
for the year, why another may be chosen, and the instruction (number, date) the choice follows.

2026 is reviewed under the 2022–2025 standard, but in 2021 the year-end review before the new
period was made under the new standard, so a province may order the end-of-2026 review under
the 2027–2030 one. The app proposes, never guesses: choosing against the proposal needs the
number and date of the text that says so, and both are kept with the round (db.round_basis).
"""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QWidget

from desktop.field_editor import DateEditor
from desktop.i18n import data_tr
from forms.model import Area


def _money(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _years(years: list[int]) -> str:
    return f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])


class StandardChoice(QWidget):
    def __init__(self, parent: QWidget | None = None, *, today: date | None = None) -> None:
        super().__init__(parent)
        self.today = today or date.today()
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.standard = QComboBox()
        form.addRow(self.tr("&Chuẩn áp dụng:"), self.standard)
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.about.setTextFormat(Qt.TextFormat.RichText)
        form.addRow(self.about)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #a04000")
        form.addRow(self.note)
        self.number = QLineEdit()
        self.number.setMaxLength(200)
        self.number.setPlaceholderText(self.tr("ví dụ: 2150/UBND-VX"))
        form.addRow(self.tr("Số &văn bản hướng dẫn:"), self.number)
        self.date = DateEditor()
        form.addRow(self.tr("Ngày ban &hành (ngày/tháng/năm):"), self.date)
        self.year = 0
        self.proposed_id = ""
        self.standard.currentIndexChanged.connect(self._changed)

    def set_year(self, year: int) -> None:
        from forms import standards

        self.year = year
        self.standard.blockSignals(True)
        self.standard.clear()
        lines = []
        for std in standards.list_standards():
            self.standard.addItem(
                self.tr("{name} (năm rà soát {years})").format(
                    name=data_tr(std.name), years=_years(std.valid_years)
                ),
                std.id,
            )
            lines.append(
                self.tr(
                    "<b>{name}</b>, cho các năm rà soát {years}: chuẩn thu nhập "
                    "{rural} đồng/người/tháng ở nông thôn, {urban} đồng/người/tháng ở thành thị."
                ).format(
                    name=escape(data_tr(std.name)),
                    years=_years(std.valid_years),
                    rural=_money(std.income_lines[Area.RURAL]),
                    urban=_money(std.income_lines[Area.URBAN]),
                )
            )
        proposed = standards.standard_for_year(year)
        self.proposed_id = proposed.id
        self.standard.setCurrentIndex(max(0, self.standard.findData(proposed.id)))
        self.standard.blockSignals(False)
        following = standards.standard_for_year(year + 1)
        if following.id != proposed.id and year in proposed.valid_years:
            # The last review year of a standard (2026): its year-end review makes the lists of
            # the next period's first year. Said for that year only: for 2028 it spoke of the
            # end-of-2026 review (until session 26).
            lines.append(
                self.tr(
                    "Năm {year}: đề xuất <b>{name}</b>. Như năm 2021, tỉnh có thể hướng dẫn rà "
                    "soát cuối năm {year} theo chuẩn giai đoạn mới để có danh sách đầu kỳ; chỉ "
                    "chọn chuẩn khác khi có văn bản hướng dẫn và ghi số, ngày của văn bản đó."
                ).format(year=year, name=escape(data_tr(proposed.name)))
            )
        else:
            lines.append(
                self.tr(
                    "Năm {year}: đề xuất <b>{name}</b>. Chỉ chọn chuẩn khác khi có văn bản hướng "
                    "dẫn và ghi số, ngày của văn bản đó."
                ).format(year=year, name=escape(data_tr(proposed.name)))
            )
        self.about.setText("".join(f"<p style='margin:0 0 3px 0'>{line}</p>" for line in lines))
        self._changed()

    def standard_id(self) -> str:
        return str(self.standard.currentData() or "")

    def instruction(self) -> tuple[str, date | None]:
        return " ".join(self.number.text().split()), self.date.value()

    def problem(self) -> str:
        """Why the choice cannot be recorded yet, in Vietnamese; "" when it can."""
        from db.round_basis import choice_problem

        number, when = self.instruction()
        if self.date.edit.text().strip() and when is None:
            return self.tr("Ngày ban hành văn bản không đúng dạng ngày/tháng/năm.")
        return choice_problem(self.year, self.standard_id(), number, when, self.today)

    def _changed(self, _index: Any = None) -> None:
        if self.standard_id() != self.proposed_id:
            self.note.setText(
                self.tr(
                    "Cảnh báo: năm {year} thường áp dụng chuẩn khác. Chỉ đổi khi có văn bản "
                    "hướng dẫn của cấp trên, và ghi số, ngày của văn bản đó bên dưới."
                ).format(year=self.year)
            )
        else:
            self.note.setText("")
