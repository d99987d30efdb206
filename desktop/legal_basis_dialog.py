"""Trợ giúp → Căn cứ pháp lý…: each rule the app applies, the text it rests on, and how sure
we are of it (``forms.legal_basis``). The one screen where legal confidence is shown: forms,
the classification panel and printed documents never say how sure a rule is. What it shows is
what an officer may cite to the upper level: legal texts by number and article, provincial
documents by name, the app's own interim choices said as such; never a developer's note."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import data_tr

UNSURE = QColor("#fff4c2")


class LegalBasisDialog(QDialog):
    def __init__(self, standard_id: str | None = None, parent: QWidget | None = None) -> None:
        from forms import standards

        super().__init__(parent)
        self.setWindowTitle(self.tr("Căn cứ pháp lý"))
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Các quy tắc phần mềm áp dụng khi phân loại hộ, văn bản làm căn cứ và mức chắc "
                "chắn của từng quy tắc. Dòng tô vàng là điều chưa có nghị định, thông tư hay "
                "quyết định của Trung ương nêu rõ: phần mềm làm theo văn bản cấp tỉnh được ghi "
                "tên, hoặc tạm áp dụng cách làm thông dụng cho đến khi có hướng dẫn. Nếu tỉnh "
                "đã có hướng dẫn khác, hãy báo cho người quản lý phần mềm."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.standard = QComboBox()
        for std in standards.list_standards():
            self.standard.addItem(data_tr(std.name), std.id)
        if standard_id is not None:
            self.standard.setCurrentIndex(max(0, self.standard.findData(standard_id)))
        form.addRow(self.tr("&Chuẩn:"), self.standard)
        layout.addLayout(form)
        self.only_unsure = QCheckBox(
            self.tr("C&hỉ hiện những điều chưa có văn bản của Trung ương nêu rõ (dòng tô vàng)")
        )
        layout.addWidget(self.only_unsure)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Nhóm"), self.tr("Quy tắc"), self.tr("Căn cứ"), self.tr("Mức chắc chắn")]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 170)  # group names wrap rather than take the rules' room
        # The sources are the longer texts (a decree and what the app applies meanwhile): the
        # rules keep a fixed share, the sources take the rest.
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(1, 300)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        # Row heights follow the wrapped text at the columns' real widths (known once shown).
        header.sectionResized.connect(lambda *_a: self.table.resizeRowsToContents())
        layout.addWidget(self.table, 1)
        self.summary = QLabel()
        layout.addWidget(self.summary)
        buttons = QDialogButtonBox()
        buttons.addButton(self.tr("Đóng"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.standard.currentIndexChanged.connect(self.fill)
        self.only_unsure.toggled.connect(self.fill)
        self.fill()
        self.resize(980, 620)

    def status_text(self, status: Any) -> str:
        from forms.legal_basis import Status

        return {
            Status.LAW: self.tr("Có văn bản"),
            Status.PROVINCE: self.tr("Theo văn bản cấp tỉnh"),
            Status.NONE: self.tr("Chưa có văn bản nêu rõ"),
        }[status]

    def fill(self) -> None:
        from forms.legal_basis import Status, legal_basis
        from forms.standards import load_standard

        every = legal_basis(load_standard(str(self.standard.currentData())))
        counts = {s: sum(b.status is s for b in every) for s in Status}
        rows = [b for b in every if not b.confirmed] if self.only_unsure.isChecked() else every
        self.table.setRowCount(len(rows))
        for r, basis in enumerate(rows):
            sure = self.status_text(basis.status)
            for c, text in enumerate((basis.topic, basis.rule, basis.source, sure)):
                item = QTableWidgetItem(text)  # plain text: never read as markup
                item.setToolTip(text)
                if not basis.confirmed:
                    item.setBackground(UNSURE)
                self.table.setItem(r, c, item)
        self.table.resizeRowsToContents()
        self.summary.setText(
            self.tr(
                "{n} quy tắc: {law} có văn bản, {province} theo văn bản cấp tỉnh, {none} chưa "
                "có văn bản nêu rõ."
            ).format(
                n=len(every),
                law=counts[Status.LAW],
                province=counts[Status.PROVINCE],
                none=counts[Status.NONE],
            )
        )

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.table.resizeRowsToContents()

    def rows(self) -> list[list[str]]:
        """What the table shows (tests read it)."""
        return [
            [self.table.item(r, c).text() for c in range(self.table.columnCount())]
            for r in range(self.table.rowCount())
        ]


def open_legal_basis(window: Any) -> None:
    store = getattr(window, "store", None)
    current = store.current_round() if store is not None else None
    dialog = LegalBasisDialog(current.standard_id if current else None, window)
    dialog.exec()
