"""Tệp → Các máy đã biết…: the laptops whose packages the open commune file takes (issue 17).

One row per signing key kept (``db.exchange.devices.known_devices``): the laptop's id, who made
its packages, the key's fingerprint, first and last seen, how many packages it brought, and
whether it is still trusted. The officer can stop trusting a laptop (a lost or handed-on
one: confirmed, No by default, audited by ``stop_trusting``), and show this laptop's own
fingerprint large enough to read out over the phone to the officer who will import from it.

A small table read in the GUI thread when the dialog opens and after each change."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.confirm import confirm_destructive
from desktop.labels import local_time
from desktop.record_table import record_table
from desktop.worker import failure_text

log = logging.getLogger(__name__)


class KnownDevicesDialog(QDialog):
    def __init__(self, store: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.devices: list[Any] = []
        self.setWindowTitle(self.tr("Các máy đã biết"))
        self.resize(1000, 480)
        layout = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.intro)
        self.table = record_table(
            [
                self.tr("Máy"),
                self.tr("Người tạo gói"),
                self.tr("Dấu vân tay"),
                self.tr("Lần đầu"),
                self.tr("Lần cuối"),
                self.tr("Số gói"),
                self.tr("Tình trạng"),
                self.tr("Người xác nhận"),
            ],
            text=(1, 6, 7),
        )
        self.table.currentCellChanged.connect(lambda *_: self._update_buttons())
        layout.addWidget(self.table, 1)
        # This laptop's fingerprint, hidden until asked for: large, fixed-width and selectable,
        # so it can be read out group by group over the phone.
        self.own = QLabel()
        self.own.setTextFormat(Qt.TextFormat.PlainText)
        self.own.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.own.setWordWrap(True)
        self.own.setVisible(False)
        layout.addWidget(self.own)
        self.own_fingerprint = QLabel()
        self.own_fingerprint.setTextFormat(Qt.TextFormat.PlainText)
        self.own_fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        fixed.setPointSizeF(max(fixed.pointSizeF(), 10) * 1.8)
        fixed.setWeight(QFont.Weight.Bold)
        self.own_fingerprint.setFont(fixed)
        self.own_fingerprint.setVisible(False)
        layout.addWidget(self.own_fingerprint)
        buttons = QDialogButtonBox()
        self.untrust_button = buttons.addButton(
            self.tr("&Thôi tin cậy máy đang chọn…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.own_button = buttons.addButton(
            self.tr("Dấu vân tay của &máy này"), QDialogButtonBox.ButtonRole.ActionRole
        )
        close = buttons.addButton(self.tr("Đó&ng"), QDialogButtonBox.ButtonRole.RejectRole)
        for button in (self.untrust_button, self.own_button, close):
            button.setAutoDefault(False)
        buttons.rejected.connect(self.reject)
        self.untrust_button.clicked.connect(self.ask_stop_trusting)
        self.own_button.clicked.connect(self.show_own_fingerprint)
        layout.addWidget(buttons)
        self.reload()
        self.table.setFocus()

    def reload(self) -> None:
        from db.exchange.devices import known_devices

        self.devices = known_devices(self.store.conn)
        self.table.setRowCount(len(self.devices))
        for row, d in enumerate(self.devices):
            values = [
                d.device,
                d.name,
                d.fingerprint,
                local_time(d.first_seen),
                local_time(d.last_seen),
                str(d.packages),
                self._state(d),
                d.trusted_by,
            ]
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                if col == 2:
                    item.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
                if col == 5:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if not d.trusted:
                    item.setForeground(self.palette().placeholderText())
                self.table.setItem(row, col, item)
        trusted = sum(1 for d in self.devices if d.trusted)
        if self.devices:
            self.intro.setText(
                self.tr(
                    "{n} máy được tin cậy: gói có chữ ký của các máy này được nhập không cần hỏi "
                    "lại. Gói của máy lạ, hoặc của một máy đã đổi khoá hay đã thôi tin cậy, chỉ "
                    "được nhập khi cán bộ xác nhận dấu vân tay với người gửi."
                ).format(n=trusted)
            )
            self.table.setCurrentCell(0, 0)
        else:
            self.intro.setText(
                self.tr(
                    "Tệp của xã chưa nhận gói có chữ ký của máy nào khác. Máy gửi gói đầu tiên "
                    "sẽ được hỏi lại, kèm dấu vân tay, khi nhập."
                )
            )
        self._update_buttons()

    def _state(self, d: Any) -> str:
        if d.trusted:
            return self.tr("Tin cậy")
        if d.replaced:
            return self.tr("Khoá cũ, đã thay ({date})").format(date=local_time(d.retired_at))
        return self.tr("Đã thôi tin cậy ({date})").format(date=local_time(d.retired_at))

    def current(self) -> Any:
        row = self.table.currentRow()
        return self.devices[row] if 0 <= row < len(self.devices) else None

    def _update_buttons(self) -> None:
        d = self.current()
        self.untrust_button.setEnabled(d is not None and d.trusted)

    def ask_stop_trusting(self) -> bool:
        d = self.current()
        if d is None or not d.trusted:
            return False
        if not confirm_destructive(
            self,
            self.tr("Thôi tin cậy máy"),
            self.tr("Thôi tin cậy máy {device} ({name})?").format(
                device=d.device, name=d.name or self.tr("không rõ người dùng")
            ),
            self.tr("&Thôi tin cậy"),
            self.tr("&Không"),
            self.tr(
                "Dấu vân tay: {fp}. Các gói đã nhập vẫn giữ nguyên. Gói sau của máy này sẽ phải "
                "được xác nhận lại dấu vân tay khi nhập, như gói của một máy lạ. Việc này được "
                "ghi vào nhật ký thay đổi."
            ).format(fp=d.fingerprint),
        ):
            return False
        from db.errors import StoreError
        from db.exchange.devices import stop_trusting

        try:
            stop_trusting(self.store, d.device, d.fingerprint)
        except StoreError as exc:
            QMessageBox.warning(self, self.tr("Không thôi tin cậy được"), exc.message)
            return False
        row = self.table.currentRow()
        self.reload()
        self.table.setCurrentCell(min(row, len(self.devices) - 1), 0)
        return True

    def show_own_fingerprint(self) -> None:
        from db.exchange.devices import own_fingerprint
        from rasoat.identity import device_id

        try:
            fp = own_fingerprint()
            device = device_id()
        except OSError as exc:
            # The OSError's own words are English and hold a path: the log gets them.
            log.warning("own signing key unreadable", exc_info=exc)
            QMessageBox.warning(
                self,
                self.tr("Không đọc được khoá ký của máy này"),
                self.tr(
                    "Không đọc được khoá ký gói của máy này ({why}). Hãy liên hệ cán bộ kỹ thuật; "
                    "đừng xoá tệp khoá."
                ).format(why=failure_text(exc)),
            )
            return
        self.own.setText(
            self.tr(
                "Máy này ({device}). Đọc dấu vân tay dưới đây cho cán bộ sẽ nhập gói của máy "
                "này, từng nhóm bốn ký tự; người đó so với dấu vân tay hiện ra khi nhập."
            ).format(device=device)
        )
        self.own_fingerprint.setText(fp.replace("-", "  "))
        self.own_fingerprint.setAccessibleName(
            self.tr("Dấu vân tay của máy này: {fp}").format(fp=fp)
        )
        self.own.setVisible(True)
        self.own_fingerprint.setVisible(True)


def open_known_devices_dialog(window: Any) -> None:
    if getattr(window, "store", None) is None:
        return
    KnownDevicesDialog(window.store, window).exec()
