"""Tệp → Đổi mật khẩu của tôi…: the signed-in user (a surveyor as well as the officer)
changes their own password, the current one asked first (issue 20 item 2). Written through
``db.users.change_own_password``, audited under the user's name."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)


class OwnPasswordDialog(QDialog):
    def __init__(self, store: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setWindowTitle(self.tr("Đổi mật khẩu của tôi"))
        user = store.signed_in
        intro = QLabel(
            self.tr("{u}: nhập mật khẩu hiện tại, rồi mật khẩu mới hai lần.").format(
                u=user.label if user is not None else ""
            )
        )
        intro.setWordWrap(True)
        self.old = QLineEdit()
        self.new = QLineEdit()
        self.again = QLineEdit()
        for field in (self.old, self.new, self.again):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow(self.tr("Mật khẩu &hiện tại"), self.old)
        form.addRow(self.tr("Mật khẩu &mới"), self.new)
        form.addRow(self.tr("&Nhập lại mật khẩu mới"), self.again)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Đổ&i mật khẩu"))  # Alt+M is the new password's
        ok.setDefault(True)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Hủy"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.old.setFocus()
        self.setMinimumWidth(420)

    def accept(self) -> None:
        from db import users
        from db.errors import SignInFailed, StoreError

        if self.new.text() != self.again.text():
            self._say(self.tr("Hai lần nhập mật khẩu mới không giống nhau."), self.again)
            return
        try:
            users.change_own_password(self.store, self.old.text(), self.new.text())
        except SignInFailed as exc:
            self._say(exc.message, self.old)
            return
        except StoreError as exc:
            self._say(exc.message, self.new)
            return
        super().accept()

    def _say(self, text: str, field: QLineEdit) -> None:
        self.error.setText(text)
        self.error.show()
        field.selectAll()
        field.setFocus()


def change_own_password(window: Any) -> bool:
    """Asks, then says in the status bar that the password was changed."""
    store = getattr(window, "store", None)
    if store is None or getattr(store, "signed_in", None) is None:
        return False
    if OwnPasswordDialog(store, window).exec() != QDialog.DialogCode.Accepted:
        return False
    window.statusBar().showMessage(
        QCoreApplication.translate("OwnPasswordDialog", "Đã đổi mật khẩu của {u}.").format(
            u=store.signed_in.label
        ),
        10_000,
    )
    return True
