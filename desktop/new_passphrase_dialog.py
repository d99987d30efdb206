"""A new passphrase for the commune file, typed twice under the packages' rules
(``crypto.passphrase_problem``), then the work that uses it run in a worker (issue 20 item 1):
Tệp → Đổi mật khẩu tệp xã… (the current one asked too), a new one after the file was opened
with its recovery key, and the first one when a file is encrypted (``desktop.encrypt_dialog``
builds on this form). The key file's scrypt runs twice in each of them: never on the GUI
thread."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from desktop.worker import error_text, job_running, start_job

# (current passphrase or "", new passphrase) -> what the dialog keeps as ``result``.
Work = Callable[[str, str], Any]


class NewPassphraseDialog(QDialog):
    def __init__(
        self,
        work: Work,
        *,
        title: str,
        explanation: str,
        ok_text: str,
        ask_current: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.work = work
        self.result_value: Any = None
        self.ask_current = ask_current
        self.setWindowTitle(title)
        self.layout_ = QVBoxLayout(self)
        self.explanation = QLabel(explanation)
        self.explanation.setWordWrap(True)
        self.layout_.addWidget(self.explanation)
        self.form = QFormLayout()
        self.current = QLineEdit()
        self.current.setObjectName("current-passphrase")
        self.new = QLineEdit()
        self.new.setObjectName("new-passphrase")
        self.again = QLineEdit()
        self.again.setObjectName("new-passphrase-again")
        for field in (self.current, self.new, self.again):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        if ask_current:
            self.form.addRow(self.tr("Mật khẩu &hiện tại:"), self.current)
        else:
            self.current.hide()
        self.form.addRow(self.tr("Mật khẩu &mới:"), self.new)
        self.form.addRow(self.tr("&Nhập lại mật khẩu mới:"), self.again)
        self.layout_.addLayout(self.form)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setWordWrap(True)
        self.error.hide()
        self.layout_.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(ok_text)
        self.ok.setDefault(True)
        self.cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel.setText(self.tr("Hủy"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.layout_.addWidget(self.buttons)
        self.setMinimumWidth(480)
        (self.current if ask_current else self.new).setFocus()

    def say(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def problem(self) -> str | None:
        """What is wrong with what was typed (Vietnamese), None when it can be used."""
        from db.exchange.crypto import passphrase_problem

        if self.ask_current and not self.current.text():
            return self.tr("Hãy nhập mật khẩu hiện tại của tệp xã.")
        found = passphrase_problem(self.new.text())
        if found is not None:
            return found
        if self.new.text() != self.again.text():
            return self.tr("Hai lần nhập mật khẩu mới không giống nhau.")
        return None

    def busy(self) -> bool:
        return job_running(self)

    def accept(self) -> None:
        if self.busy():
            return
        found = self.problem()
        if found is not None:
            self.say(found)
            self.again.clear()
            return
        current, new = self.current.text(), self.new.text()
        self._enable(False)
        self.say(self.tr("Đang thực hiện…"))
        self.starting()
        work = self.work
        start_job(
            self,
            lambda _progress: work(current, new),
            done=self._done,
            failed=self._failed,
            name="file-passphrase",
        )

    def _enable(self, on: bool) -> None:
        # Read-only, not disabled: disabling moves the focus on to "Hủy", which then becomes
        # the default button. accept and reject wait meanwhile (busy).
        for field in (self.current, self.new, self.again):
            field.setReadOnly(not on)

    def starting(self) -> None:
        """On the GUI thread, just before the work starts (a subclass closes the file)."""

    def _done(self, result: Any) -> None:
        for field in (self.current, self.new, self.again):
            field.clear()
        self.result_value = result
        self.say("")
        self.finished_work(result)

    def finished_work(self, _result: Any) -> None:
        """The work succeeded (GUI thread); a subclass shows what it made."""
        super().accept()

    def _failed(self, exc: BaseException) -> None:
        self._enable(True)
        self.current.clear()
        self.say(
            error_text(exc)
            or self.tr("Không thực hiện được ({e}); tệp chưa bị thay đổi.").format(
                e=type(exc).__name__
            )
        )
        self.failed_work(exc)
        (self.current if self.ask_current else self.new).setFocus()

    def failed_work(self, _exc: BaseException) -> None:
        """The work failed (GUI thread), said in the form already."""

    def reject(self) -> None:
        if not self.busy():
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.busy():
            event.ignore()
            return
        super().closeEvent(event)


def _tr(text: str) -> str:
    return QCoreApplication.translate("NewPassphraseDialog", text)


def change_file_passphrase(window: Any) -> bool:
    """Tệp → Đổi mật khẩu tệp xã…: the current passphrase and a new one; only the key file
    changes (the file, its backups and the printed recovery key stay as they are)."""
    from db import at_rest

    store = getattr(window, "store", None)
    if store is None or not at_rest.is_encrypted(Path(store.path)):
        return False
    path = Path(store.path)

    def work(current: str, new: str) -> None:
        at_rest.change_passphrase(path, new, old_passphrase=current)

    dialog = NewPassphraseDialog(
        work,
        title=_tr("Đổi mật khẩu tệp xã"),
        explanation=_tr(
            "Mật khẩu mới thay cho mật khẩu cũ từ lần mở tệp sau; mã khôi phục đã in vẫn dùng "
            "được như trước. Quên mật khẩu hiện tại thì mở lại tệp bằng mã khôi phục."
        ),
        ok_text=_tr("Đổi &mật khẩu"),
        ask_current=True,
        parent=window,
    )
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    window.statusBar().showMessage(_tr("Đã đổi mật khẩu tệp xã."), 10_000)
    return True


def offer_new_passphrase(window: Any, path: Path, key: bytes, recovery: str) -> bool:
    """After the file was opened with its recovery key: offer to set a new passphrase (a
    forgotten one, a lost key file); a new key file is written beside the file."""
    from db import at_rest

    answer = QMessageBox.question(
        window,
        _tr("Đặt mật khẩu mới"),
        _tr(
            "Tệp {f} đã được mở bằng mã khôi phục. Đặt mật khẩu tệp xã mới ngay bây giờ "
            "(nên làm khi đã quên mật khẩu cũ hoặc mất tệp khoá)?"
        ).format(f=path.name),
    )
    if answer != QMessageBox.StandardButton.Yes:
        return False

    def work(_current: str, new: str) -> None:
        at_rest.set_passphrase(path, key, recovery, new)

    dialog = NewPassphraseDialog(
        work,
        title=_tr("Đặt mật khẩu tệp xã mới"),
        explanation=_tr(
            "Mật khẩu mới thay cho mật khẩu cũ; mã khôi phục đã in vẫn mở được tệp như trước."
        ),
        ok_text=_tr("Đặt &mật khẩu"),
        parent=window,
    )
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    window.statusBar().showMessage(_tr("Đã đặt mật khẩu tệp xã mới."), 10_000)
    return True
