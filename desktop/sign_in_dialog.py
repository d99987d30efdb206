"""Signing in to a commune file that has users (issue 20 item 2), and the same form as the
idle lock's password question: keyboard first (the name completes as it is typed, Enter
signs in), and a wrong password says so without telling which of the two was wrong."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

# Checks (name, password): None when right, else what to say (Vietnamese).
Check = Callable[[str, str], str | None]


class SignInDialog(QDialog):
    def __init__(
        self,
        check: Check,
        *,
        names: list[str] | None = None,
        fixed_name: str | None = None,
        title: str = "",
        prompt: str = "",
        cancel_text: str = "",
        parent: QWidget | None = None,
    ) -> None:
        """``names``: the users to complete from; ``fixed_name``: only the password is
        asked (the idle lock; a name of "" asks the commune passphrase)."""
        super().__init__(parent)
        self._check = check
        self.setWindowTitle(title or self.tr("Đăng nhập"))
        self.prompt = QLabel(prompt or self.tr("Tệp xã này có người dùng: hãy đăng nhập."))
        self.prompt.setWordWrap(True)
        self.name = QLineEdit()
        self.name.setObjectName("sign-in-name")
        if names:
            self._complete(names)
        self.password = QLineEdit()
        self.password.setObjectName("sign-in-password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setWordWrap(True)
        self.error.hide()
        form = self.form = QFormLayout()
        form.addRow(self.tr("&Tên đăng nhập"), self.name)
        if fixed_name is not None:
            self.name.setText(fixed_name)
            form.setRowVisible(self.name, False)
        label = self.tr("&Mật khẩu") if fixed_name != "" else self.tr("&Mật khẩu tệp xã")
        form.addRow(label, self.password)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(self.tr("Đăng &nhập") if fixed_name is None else self.tr("&Mở khoá"))
        self.ok.setDefault(True)
        self.cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel.setText(cancel_text or self.tr("Hủy"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.prompt)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        (self.password if fixed_name is not None else self.name).setFocus()
        self.setMinimumWidth(380)

    def _complete(self, names: list[str]) -> None:
        completer = QCompleter(names, self.name)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.InlineCompletion)
        self.name.setCompleter(completer)

    def accept(self) -> None:
        problem = self._check(self.name.text().strip(), self.password.text())
        if problem is not None:
            self.refused(problem)
            return
        self.password.clear()
        super().accept()

    def refused(self, problem: str) -> None:
        """Says ``problem``; the password is typed again."""
        self.error.setText(problem)
        self.error.show()
        self.password.clear()
        self.password.setFocus()

    def ask_name(self, names: list[str], prompt: str) -> None:
        """From a password-only form (the lock's), a form asking who signs in: the name
        field shown, empty, completing from ``names``, and focused."""
        self.prompt.setText(prompt)
        self._complete(names)
        self.name.clear()
        self.form.setRowVisible(self.name, True)
        self.password.clear()
        self.name.setFocus()


def store_check(store: Any) -> Check:
    """Signs in on ``store`` (``db.users.sign_in``); its refusal is what the form says."""
    from db import users
    from db.errors import SignInFailed

    def check(name: str, password: str) -> str | None:
        try:
            users.sign_in(store, name, password)
        except SignInFailed as exc:
            return exc.message
        return None

    return check


def ask_sign_in(parent: QWidget | None, store: Any, *, switching: bool = False) -> bool:
    """Asks until someone signs in on ``store`` or the officer gives up (False)."""
    from db import users

    names = [u.name for u in users.list_users(store) if not u.disabled]
    dialog = SignInDialog(
        store_check(store),
        names=names,
        title=QCoreApplication.translate("SignInDialog", "Đổi người dùng") if switching else "",
        cancel_text=QCoreApplication.translate("SignInDialog", "Không đổi") if switching else "",
        parent=parent,
    )
    return dialog.exec() == QDialog.DialogCode.Accepted
