"""Opening an encrypted commune file (issue 20 item 1): its passphrase asked in a dialog, or
the printed recovery key ("Dùng mã khôi phục…", typed with or without spaces and dashes, in
any case). A wrong one says so and asks again; "Hủy" opens nothing, so the window keeps what
it had (the file open before, or the first-run screen).

The key is derived in a worker (``desktop.worker``): the key file's scrypt takes about 0.1 s
on an idle laptop but 0.3 s was measured on a busy one, more than the GUI thread may wait.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.worker import error_text, job_running, start_job


@dataclass(frozen=True)
class Unlocked:
    key: bytes  # the file's SQLCipher key
    recovery: str | None = None  # the recovery key, when it was what opened the file


def derive(path: Path, secret: str, recovery: bool) -> Unlocked:
    """The file key of ``path`` from its passphrase (the key file) or its recovery key
    (checked against the file); a worker's job. ``WrongPassphrase`` / ``StoreError``."""
    from db import at_rest

    if recovery:
        printed = at_rest.normalise(secret)
        return Unlocked(at_rest.key_from_recovery(path, printed), printed)
    return Unlocked(at_rest.key_from_passphrase(path, secret))


class PassphraseDialog(QDialog):
    """Asks what opens ``path``; ``unlocked`` once accepted."""

    def __init__(self, path: Path, parent: QWidget | None = None, message: str = "") -> None:
        from db import at_rest

        super().__init__(parent)
        self.path = path
        self.unlocked: Unlocked | None = None
        self.recovery_mode = False
        self.setWindowTitle(self.tr("Mở tệp xã đã mã hoá"))
        layout = QVBoxLayout(self)
        self.prompt = QLabel()
        self.prompt.setWordWrap(True)
        layout.addWidget(self.prompt)
        self.label = QLabel()
        layout.addWidget(self.label)
        self.secret = QLineEdit()
        self.secret.setObjectName("file-passphrase")
        self.label.setBuddy(self.secret)
        layout.addWidget(self.secret)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        # Beside the box, not in it: a button added to a QDialogButtonBox takes "Mở"'s
        # place as the default button (Enter would switch instead of opening).
        self.switch = QPushButton()
        self.switch.setAutoDefault(False)
        self.switch.clicked.connect(self._switch)
        row = QHBoxLayout()
        row.addWidget(self.switch)
        row.addStretch(1)
        layout.addLayout(row)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(self.tr("&Mở"))
        self.ok.setDefault(True)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Hủy"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)
        # Without its key file only the recovery key can open the file: ask that at once.
        no_key_file = at_rest.find_key_file(path) is None
        self.set_recovery_mode(no_key_file)
        if no_key_file and not message:
            message = self.tr(
                "Không tìm thấy tệp khoá {k} bên cạnh tệp xã: hãy nhập mã khôi phục đã in khi "
                "mã hoá tệp."
            ).format(k=at_rest.key_file(path).name)
        self._say(message)

    def _switch(self) -> None:
        if not self.busy():
            self.set_recovery_mode(not self.recovery_mode)

    def set_recovery_mode(self, on: bool) -> None:
        self.recovery_mode = on
        name = self.path.name
        if on:
            self.prompt.setText(
                self.tr(
                    "Nhập mã khôi phục của tệp {f} (8 nhóm, mỗi nhóm 4 ký tự, như trên giấy "
                    "đã in khi mã hoá). Mở xong, bạn có thể đặt mật khẩu mới."
                ).format(f=name)
            )
            self.label.setText(self.tr("Mã &khôi phục:"))
            self.secret.setEchoMode(QLineEdit.EchoMode.Normal)
            self.secret.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX")
            self.switch.setText(self.tr("Dùng mật khẩu &tệp xã…"))
        else:
            self.prompt.setText(
                self.tr("Tệp {f} đã được mã hoá. Nhập mật khẩu tệp xã để mở.").format(f=name)
            )
            self.label.setText(self.tr("Mật &khẩu tệp xã:"))
            self.secret.setEchoMode(QLineEdit.EchoMode.Password)
            self.secret.setPlaceholderText("")
            self.switch.setText(self.tr("Dùng mã khôi &phục…"))
        self.secret.clear()
        self._say("")
        self.secret.setFocus()

    def _say(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))
        # A window keeps the height it was shown with: a refusal wrapped on two or three
        # lines was cut to one. Grow (or shrink back) to what the text now needs.
        if self.isVisible():
            self.adjustSize()

    def busy(self) -> bool:
        return job_running(self)

    def accept(self) -> None:
        if self.busy():
            return
        text = self.secret.text()
        if not text.strip():
            self._say(
                self.tr("Hãy nhập mã khôi phục.")
                if self.recovery_mode
                else self.tr("Hãy nhập mật khẩu tệp xã.")
            )
            return
        # Read-only, not disabled: disabling moves the focus on to "Hủy", which then
        # becomes the default button and the next Enter would cancel. accept, reject and the
        # switch wait meanwhile (busy).
        self.secret.setReadOnly(True)
        self._say(self.tr("Đang mở khoá…"))
        path, recovery = self.path, self.recovery_mode
        start_job(
            self,
            lambda _progress: derive(path, text, recovery),
            done=self._unlocked,
            failed=self._refused,
            name="file-key",
        )

    def _unlocked(self, unlocked: Unlocked) -> None:
        self.unlocked = unlocked
        self._say("")
        super().accept()

    def _refused(self, exc: BaseException) -> None:
        self.secret.setReadOnly(False)
        self._say(
            error_text(exc)
            or self.tr("Không mở khoá được tệp {f} ({e}).").format(
                f=self.path.name, e=type(exc).__name__
            )
        )
        self.secret.clear()
        self.secret.setFocus()

    def reject(self) -> None:
        if not self.busy():  # the key is being derived: a fraction of a second
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.busy():
            event.ignore()
            return
        super().closeEvent(event)


def ask_key(parent: QWidget | None, path: Path, message: str = "") -> Unlocked | None:
    """What opens ``path``, asked until it is right; None when the officer gives up."""
    dialog = PassphraseDialog(path, parent, message)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        return dialog.unlocked
    return None


def open_unlocked(
    parent: QWidget | None, path: Path, opener: Callable[[bytes | None], Any]
) -> tuple[Any, Unlocked | None] | None:
    """``opener(key)`` (a ``Store.open``), asking the passphrase while the file needs one or
    the one given (or remembered) does not open it; None when the officer cancels. Any other
    failure is the opener's, raised as it is."""
    from db import at_rest

    key: bytes | None = None
    unlocked: Unlocked | None = None
    while True:
        try:
            return opener(key), unlocked
        except at_rest.PassphraseNeeded:
            message = ""
        except at_rest.WrongPassphrase as exc:
            message = exc.message
        unlocked = ask_key(parent, path, message)
        if unlocked is None:
            return None
        key = unlocked.key
