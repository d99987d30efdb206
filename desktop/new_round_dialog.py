"""Tệp → Kỳ rà soát mới…: next year's review in the same commune file.

Nothing is copied: households, members and their answers belong to the commune, not to a
round, so every household is carried forward as it is. What is new is the round: its year and
the standard it is scored on. Last round's results stay where they are and are the baseline
the new results are compared with (thoát nghèo, nghèo mới, tái nghèo … in the Biến động
column); a household shows as not yet reviewed in the new round until it is opened and saved.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.standard_choice import StandardChoice


class NewRoundDialog(QDialog):
    def __init__(self, store: Any, parent: QWidget | None = None, *, today: date | None = None):
        super().__init__(parent)
        self.store = store
        self.started: Any = None
        self.setWindowTitle(self.tr("Kỳ rà soát mới"))
        today = today or date.today()
        # The previous review: the latest periodic one, never a monthly regular round.
        last = store.current_round()
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Các hộ, thành viên và câu trả lời đã có được giữ nguyên và mang sang kỳ mới. "
                "Kết quả của kỳ trước ({previous}) là mốc để tính biến động (thoát nghèo, "
                "nghèo mới, tái nghèo…). Trong kỳ mới, mỗi hộ cần được mở, rà soát lại và lưu."
            ).format(
                previous=self.tr("năm {y}").format(y=last.year) if last else self.tr("chưa có")
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.undecided = QLabel()
        self.undecided.setWordWrap(True)
        self.undecided.setStyleSheet("color: #a04000")
        if last is not None and last.kind == "periodic" and store.decision(last.id) is None:
            # Last year's lists are not in force in this file until its decision is typed
            # in: its certificates, the support period and the lists in force wait for it.
            self.undecided.setText(
                self.tr(
                    "Lưu ý: kỳ rà soát năm {y} chưa ghi quyết định công nhận. Khi xã đã có "
                    "quyết định, hãy ghi ở thẻ Niêm yết, khiếu nại, quyết định, chọn kỳ "
                    "“Rà soát định kỳ năm {y}”."
                ).format(y=last.year)
            )
        self.undecided.setVisible(bool(self.undecided.text()))
        layout.addWidget(self.undecided)
        form = QFormLayout()
        self.year = QSpinBox()
        self.year.setRange(2016, 2100)
        from db.round_basis import proposed_year

        self.year.setValue(proposed_year(store, today))
        form.addRow(self.tr("&Năm rà soát:"), self.year)
        layout.addLayout(form)
        self.choice = StandardChoice(today=today)
        self.standard = self.choice.standard
        self.note = self.choice.note
        layout.addWidget(self.choice)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox()
        self.start_button = buttons.addButton(
            self.tr("&Bắt đầu kỳ mới"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.addButton(self.tr("Hủy"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.start)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.year.valueChanged.connect(self.choice.set_year)
        self.year.valueChanged.connect(lambda _y: self.error.setText(""))
        self.standard.currentIndexChanged.connect(lambda _i: self.error.setText(""))
        self.choice.set_year(self.year.value())
        self.resize(640, 460)

    def start(self) -> None:
        from db import round_basis

        problem = self.choice.problem()
        self.error.setText(problem)
        if problem:
            return
        number, when = self.choice.instruction()
        try:
            self.started = round_basis.start_round(
                self.store,
                self.year.value(),
                self.choice.standard_id(),
                number,
                when,
                today=self.choice.today,
            )
        except Exception as exc:
            message = getattr(exc, "message", "") or str(exc)
            self.error.setText(message or self.tr("Không bắt đầu được kỳ rà soát mới."))
            return
        self.accept()


def open_new_round_dialog(window: Any) -> None:
    if getattr(window, "store", None) is None or not window.editor_may_leave():
        return
    dialog = NewRoundDialog(window.store, window)
    if dialog.exec() and dialog.started is not None:
        # A household left open in the editor belongs to last year's round: back to the
        # list, the editor built again for this year's when a household is next opened.
        window.show_list()
        window.drop_editor_of_another_round()
        window.list.refresh()
        window.list.set_round(str(dialog.started.id))
        window.statusBar().showMessage(
            QCoreApplication.translate("MainWindow", "Đã bắt đầu kỳ rà soát năm {y}.").format(
                y=dialog.started.year
            ),
            8000,
        )
