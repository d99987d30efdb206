"""Trợ giúp → Giới thiệu: what the program is, its version and licence."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from rasoat import APP_NAME, __version__


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Giới thiệu"))
        layout = QVBoxLayout(self)
        self.text = QLabel(
            self.tr(
                "<h3>{name}</h3>"
                "<p>Phiên bản {version}</p>"
                "<p>Phần mềm rà soát hộ nghèo, hộ cận nghèo hằng năm, làm việc không cần "
                "mạng Internet.</p>"
                "<p>Giấy phép: GNU GPL phiên bản 3 trở lên.</p>"
            ).format(name=APP_NAME, version=__version__)
        )
        self.text.setWordWrap(True)
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Đóng"))
        layout.addWidget(buttons)
