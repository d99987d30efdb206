"""The line above the household list that says what the check after opening found damaged.

Shown only when something is damaged, and never as a modal box: the officer goes on working
on the other households. It names the damaged households by code and offers the two ways
out, the check dialog (the full list, what each one is) and a restore from a backup.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

# Codes named in the line itself; the rest are counted ("và 12 hộ khác") and listed in the
# check dialog.
NAMED = 8


class DamageBanner(QFrame):
    def __init__(
        self,
        show_details: Callable[[], None],
        restore: Callable[[], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("damageBanner")
        self.setStyleSheet(
            "#damageBanner { background: #fde7e5; border-bottom: 1px solid #e0a59f; }"
            " QLabel { color: #8c1d18; }"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.text, 1)
        self.details = QPushButton(self.tr("&Xem danh sách…"))
        self.details.clicked.connect(show_details)
        layout.addWidget(self.details)
        self.restore = QPushButton(self.tr("&Khôi phục…"))
        self.restore.clicked.connect(restore)
        layout.addWidget(self.restore)
        self.hide()

    def show_found(self, file_name: str, problems: list[str], bad: list[tuple[str, str]]) -> None:
        """Shows what was found (nothing when the file is sound)."""
        codes = sorted({code for code, _ in bad})
        if problems:
            self.text.setText(
                self.tr(
                    "Kiểm tra tự động: tệp {name} bị hỏng ở mức trang dữ liệu. Hãy xem chi tiết "
                    "rồi khôi phục từ bản sao lưu gần nhất (tệp đang mở được giữ nguyên vẹn để "
                    "có thể hoàn tác)."
                ).format(name=file_name)
            )
        elif codes:
            named = ", ".join(codes[:NAMED])
            if len(codes) > NAMED:
                named += self.tr(" và {n} hộ khác").format(n=len(codes) - NAMED)
            self.text.setText(
                self.tr(
                    "Kiểm tra tự động: {n} hộ bị hỏng dữ liệu, không đọc được: {codes}. Các hộ "
                    "khác vẫn làm việc và in báo cáo bình thường. Hãy nhập lại các hộ này, hoặc "
                    "khôi phục từ một bản sao lưu tốt."
                ).format(n=len(codes), codes=named)
            )
        else:
            self.hide()
            return
        self.show()
