"""The live classification panel beside the forms: category, B1 score, income basis, and
each deprivation indicator as deprived / not deprived / not enough information, with its
reason. It shows a ``forms.classify.Result``; it never decides anything itself."""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from desktop.i18n import data_tr
from desktop.labels import label
from forms.classify import DIRECT

CATEGORY_COLOURS = {
    "poor": "#c0392b",
    "near_poor": "#e67e22",
    "middle": "#b7950b",
    "not_poor": "#27ae60",
    "undetermined": "#7f8c8d",
}
STATUS_MARKS = {
    "deprived": ("✗", "#c0392b"),
    "not_deprived": ("✓", "#1e8449"),
    "unknown": ("?", "#7f8c8d"),
}


class ClassificationPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 0, 0)
        layout.addWidget(QLabel(self.tr("<b>Kết quả phân loại (tự tính)</b>")))
        self.category = QLabel()
        self.category.setObjectName("category")
        self.category.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.category.setMinimumHeight(40)
        layout.addWidget(self.category)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.summary)
        # One rich-text label in a scroll area: reasons wrap to the panel's width, which a
        # table column cannot do.
        self.indicators = QLabel()
        self.indicators.setWordWrap(True)
        self.indicators.setTextFormat(Qt.TextFormat.RichText)
        self.indicators.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.indicators.setMargin(4)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keyboard stays in the form
        scroll.setWidget(self.indicators)
        layout.addWidget(scroll, 1)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setTextFormat(Qt.TextFormat.PlainText)  # reasons may quote data
        self.notes.setStyleSheet("color: #a04000")
        layout.addWidget(self.notes)
        # During 2026–2027 the same household under the other national standard: a province
        # may review the end of 2026 under the 2027–2030 one, so both are worth seeing.
        self.other = QLabel()
        self.other.setObjectName("other_standard")
        self.other.setWordWrap(True)
        self.other.setTextFormat(Qt.TextFormat.PlainText)
        self.other.setStyleSheet("border-top: 1px solid #999; padding-top: 4px")
        self.other.hide()
        layout.addWidget(self.other)
        self.result: Any = None
        self.setMinimumWidth(300)

    def category_text(self) -> str:
        return self.category.text()

    def indicator_lines(self) -> list[str]:
        """Plain text of each indicator line (what a screen reader would say)."""
        if self.result is None:
            return []
        out = []
        for o in self.result.indicators:
            mark = STATUS_MARKS.get(str(o.status.value), ("?", ""))[0]
            out.append(f"{mark} {data_tr(o.name)}: {o.reason}")
        return out

    def show_result(self, result: Any) -> None:
        self.result = result
        colour = CATEGORY_COLOURS.get(str(result.category.value), "#7f8c8d")
        self.category.setText(label(result.category))
        self.category.setStyleSheet(
            f"background: {colour}; color: white; font-size: 16pt; font-weight: bold;"
            "border-radius: 4px; padding: 4px;"
        )
        self.summary.setText(self._summary(result))
        rows = []
        for o in result.indicators:
            mark, colour = STATUS_MARKS.get(str(o.status.value), ("?", "#7f8c8d"))
            rows.append(
                f"<p style='margin:0 0 4px 0'><span style='color:{colour}'><b>{mark} "
                f"{escape(data_tr(o.name))}</b></span><br><span style='color:#555'>"
                f"{escape(o.reason)}</span></p>"
            )
        self.indicators.setText("".join(rows))
        notes = [*result.reasons, *result.warnings]
        self.notes.setText("\n".join(f"• {n}" for n in notes))

    def _summary(self, result: Any) -> str:
        """B1 score, income and deprivations, the side that decided the income marked on its
        line: a score decides when the standard has a threshold for it (the result keeps the
        threshold applied), and an income entered beside it then only places the household in
        the middle band; so neither line may read as if the other were missing."""
        decides = self.tr(" (căn cứ xét thu nhập)")
        if result.b1_score is None:
            b1 = "—"
        else:
            b1 = f"<b>{result.b1_score}</b>"
            if result.b1_threshold is not None:
                b1 += decides
        if result.income is not None:
            income = "<b>{v} đ</b>".format(v=f"{result.income:,}".replace(",", "."))
            if result.income_basis == DIRECT:
                income += decides
        elif result.b1_score is None:
            # A new household has neither a B1 score nor an income yet: say what is missing
            # rather than "— ()".
            income = self.tr("chưa có (cần điểm B1 hoặc thu nhập)")
        else:
            income = self.tr("chưa nhập")
        return self.tr(
            "Điểm B1: {b1}<br>Thu nhập bình quân: {income}<br>"
            "Số chỉ số thiếu hụt: <b>{count}</b> (điểm B2: {b2})"
        ).format(b1=b1, income=income, count=result.deprivation_count, b2=result.deprivation_score)

    def show_other(self, name: str, what: Any) -> None:
        """``what``: a ``forms.classify.WhatIf`` (this standard first, the other second), or
        None to hide the line; ``name``: the other standard's, as its decree names it (its
        years of use, 2027–2030, read against "giai đoạn 2026–2030" as another standard)."""
        if what is None:
            self.other.hide()
            self.other.clear()
            return
        other = what.second
        lines = [
            self.tr("Theo {name}: {category}").format(
                name=name[:1].lower() + name[1:], category=label(other.category)
            )
        ]
        differences = [d for d in what.differences if not d.startswith("Phân loại:")]
        if other.category.value == "undetermined":
            lines += [f"• {r}" for r in other.reasons if not r.startswith("Kết luận:")]
        # The panel is narrow: indicators found in one standard only go in the tooltip.
        lines += [f"• {d}" for d in differences if " chỉ có trong " not in d][:4]
        self.other.setToolTip("\n".join(f"• {d}" for d in differences))
        self.other.setText("\n".join(lines))
        self.other.show()

    def show_message(self, message: str) -> None:
        self.result = None
        self.category.setText(message)
        self.category.setStyleSheet("")
        self.summary.clear()
        self.indicators.clear()
        self.notes.clear()
