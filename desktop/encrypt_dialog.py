"""Tệp → Mã hoá tệp xã… (issue 20 item 1): the open commune file encrypted as
``rasoat db encrypt`` does it (a verified backup first, then the conversion, checked), then
its recovery key shown once, with "In mã khôi phục…" (a PDF, ``reports.recovery_key``) and
"Tôi đã ghi lại" to close. ``ask_print_key`` / ``print_key_to`` print a package's key too
(the export dialog's "In khoá khôi phục…").

The file is closed for the conversion (``db.at_rest.encrypt_file`` refuses a file in use)
and opened again after it, encrypted or, when the conversion failed, as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QCloseEvent, QFont
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

from desktop.new_passphrase_dialog import NewPassphraseDialog

if TYPE_CHECKING:
    from db.at_rest import Encrypted


def _tr(text: str) -> str:
    return QCoreApplication.translate("EncryptDialog", text)


class EncryptDialog(NewPassphraseDialog):
    def __init__(self, window: Any) -> None:
        path = Path(window.store.path)

        def work(_current: str, new: str) -> Encrypted:
            from db import at_rest

            return at_rest.encrypt_file(path, new)

        super().__init__(
            work,
            title=_tr("Mã hoá tệp xã"),
            explanation=_tr(
                "Tệp xã và mọi bản sao lưu của nó sẽ được mã hoá: không có mật khẩu tệp xã "
                "(hoặc mã khôi phục, hiện ra một lần ngay sau đây) thì không ai đọc được, kể cả "
                "khi mất máy. Trước đó một bản sao lưu được tạo và kiểm tra; bản sao lưu nào "
                "không mã hoá được sẽ được nêu tên và lý do. Từ nay mỗi lần mở tệp, chương "
                "trình sẽ hỏi mật khẩu này."
            ),
            ok_text=_tr("&Mã hoá"),
            parent=window,
        )
        self.window_ = window
        self.path = path
        self.recovery_key = ""
        self.backups_said = ""  # what became of the file's backups (Vietnamese)
        self.printed: Path | None = None
        self.own_store: Any = None
        # Who encrypts: the window's user, signed in with their password, whose role was
        # checked for it (``open_encrypt_dialog``); the print is audited under them when
        # the window could not have the file back.
        store = window.store
        self.user, self.device = str(store.user), str(store.device)
        self.signed_in: Any = store.signed_in if store.has_users else None
        self.has_users = bool(store.has_users)

    def starting(self) -> None:
        from desktop.restore_dialog import release_file

        release_file(self.window_)

    def failed_work(self, _exc: BaseException) -> None:
        # The file was closed for the conversion and is unchanged: the window gets it back.
        self.window_.open_path(self.path)

    def finished_work(self, result: Any) -> None:
        self.recovery_key = result.recovery
        self.backups_said = result.backups.said()
        self.window_.open_path(self.path)
        self._show_recovery_key()

    def _show_recovery_key(self) -> None:
        """The second page: the key, shown this once, to print or copy out."""
        for i in reversed(range(self.form.rowCount())):
            self.form.removeRow(i)
        self.buttons.hide()
        self.setWindowTitle(_tr("Mã khôi phục của tệp xã"))
        self.explanation.setText(
            _tr(
                "Đã mã hoá tệp {f}. MÃ KHÔI PHỤC (chỉ hiện một lần): hãy in ra hoặc chép lại và "
                "cất giữ như con dấu. Khi quên mật khẩu hoặc mất tệp khoá, mã này mở được tệp "
                "và mọi bản sao lưu."
            ).format(f=self.path.name)
            + "\n\n"
            + self.backups_said
        )
        self.key_field = QLineEdit(self.recovery_key)
        self.key_field.setObjectName("recovery-key")
        self.key_field.setReadOnly(True)
        font = QFont(self.font())
        font.setPointSize(font.pointSize() + 4)
        font.setBold(True)
        self.key_field.setFont(font)
        self.key_field.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # Whole on screen: a key read off a field that scrolls loses its ends.
        self.key_field.setMinimumWidth(
            self.key_field.fontMetrics().horizontalAdvance(self.recovery_key) + 32
        )
        # The dialog's own minimum was set, so its layout does not raise it: done here.
        margins = self.layout_.contentsMargins()
        self.setMinimumWidth(self.key_field.minimumWidth() + margins.left() + margins.right())
        self.layout_.insertWidget(1, self.key_field)
        self.print_button = QPushButton(_tr("&In mã khôi phục…"))
        self.print_button.setAutoDefault(False)
        self.print_button.clicked.connect(self.ask_print)
        self.done_button = QPushButton(_tr("&Tôi đã ghi lại"))
        self.done_button.setDefault(True)
        self.done_button.clicked.connect(self._written_down)
        done_box = QDialogButtonBox()
        done_box.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        done_box.addButton(self.done_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.layout_.addWidget(done_box)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.hide()
        self.layout_.addWidget(self.note)
        self.say("")
        self.done_button.setFocus()

    def ask_print(self) -> None:
        store = self._store()
        if store is not None:
            ask_print_key(self, store, self.path.name, self.recovery_key, self.print_to)

    def _store(self) -> Any:
        """The Store the print is audited in: the window's, on the encrypted file, under
        whoever signed in when it was opened again; when that sign-in was given up, one of
        the dialog's own (the key is remembered) under the user who encrypted it (signed
        in, their role checked), so the key shown once can still be printed. Never under a
        name nobody proved (the settings' surveyor name, which anyone can type): in a file
        with users and nobody signed in, the print is refused, saying why (None)."""
        window_store = self.window_.store
        if window_store is not None and Path(window_store.path) == self.path:
            return window_store
        if self.has_users and self.signed_in is None:
            QMessageBox.warning(
                self,
                _tr("Chưa in được mã khôi phục"),
                _tr(
                    "Chưa rõ ai đang dùng máy: hãy mở lại tệp xã và đăng nhập, rồi in. Mã khôi "
                    "phục vẫn hiện ở đây: chép lại trước khi đóng."
                ),
            )
            return None
        if self.own_store is None:
            from db import users
            from db.store import Store

            # seen=False: a print refused below leaves the file as it was.
            own = Store.open(self.path, user=self.user, device=self.device, check=False, seen=False)
            if self.signed_in is not None:
                # The recovery key opens the file: who prints it is read again from the
                # file, since another officer may have disabled them or made them a viewer.
                try:
                    users.act_as(own, self.signed_in)
                except users.NotPermitted as refused:
                    own.close()
                    QMessageBox.warning(self, _tr("Chưa in được mã khôi phục"), str(refused))
                    return None
            self.own_store = own
        return self.own_store

    def print_to(self, path: Path) -> Path | None:
        store = self._store()
        if store is None:
            return None
        self.printed = print_key_to(self, store, path, self.path.name, self.recovery_key)
        if self.printed is not None:
            self.note.setText(
                _tr(
                    "Đã lưu vào {p}: in ra rồi xoá tệp này đi (ai có nó thì mở được tệp xã)."
                ).format(p=path)
            )
            self.note.show()
        return self.printed

    def _written_down(self) -> None:
        self.recovery_key = ""
        self.key_field.clear()
        if self.own_store is not None:
            self.own_store.close()
            self.own_store = None
        super(NewPassphraseDialog, self).accept()

    def reject(self) -> None:
        if self.recovery_key:
            return  # shown once: it goes only with "Tôi đã ghi lại"
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.recovery_key:
            event.ignore()
            return
        super().closeEvent(event)


def ask_print_key(
    parent: QWidget,
    store: Any,
    file_name: str,
    recovery_key: str,
    chosen: Callable[[Path], object],
    *,
    package: bool = False,
) -> QFileDialog:
    """Where to save the recovery key's page (``report_runner.ask_where``: the folder saved
    into last, a name saying what it is); ``chosen`` then prints it (``print_key_to``)."""
    from desktop.report_runner import ask_where
    from rasoat import settings
    from reports.file_names import free_path, slug

    if package:
        name = f"khoa-khoi-phuc-{slug(Path(file_name).stem)}.pdf"
        title = _tr("Lưu khoá khôi phục của gói để in")
    else:
        name = f"ma-khoi-phuc-{slug(store.commune().commune_name)}.pdf"
        title = _tr("Lưu mã khôi phục để in")
    proposed = free_path(settings.output_folder(), name)
    return ask_where(parent, title, proposed, "pdf", chosen)


def print_key_to(
    parent: QWidget,
    store: Any,
    path: Path,
    file_name: str,
    recovery_key: str,
    *,
    package: bool = False,
) -> Path | None:
    """The recovery key's page (``reports.recovery_key``) written to ``path``, the print
    recorded in the audit log, and opened with the system's viewer when set so; None (and
    the officer told) when it cannot be written."""
    from desktop.report_saved_dialog import open_in_system, opens_automatically
    from reports.recovery_key import save_recovery_key
    from reports.review import ReportError

    try:
        printed = save_recovery_key(path, store, file_name, recovery_key, package=package)
    except (OSError, ReportError):
        QMessageBox.warning(
            parent,
            _tr("Không in được khoá khôi phục") if package else _tr("Không in được mã khôi phục"),
            _tr("Không ghi được tệp {file}: hãy chọn thư mục khác.").format(file=path),
        )
        return None
    if opens_automatically():
        open_in_system(path)
    return printed


def open_encrypt_dialog(window: Any) -> bool:
    """Tệp → Mã hoá tệp xã… on the window's open (plain) file; True once it is encrypted."""
    from db import at_rest

    store = getattr(window, "store", None)
    if store is None or at_rest.is_encrypted(Path(store.path)):
        return False
    from db.users import refusal
    from forms.roles import Action

    refused = refusal(store, Action.ENCRYPT_FILE)
    if refused is not None:  # the menu is off then; asked again for whoever calls this
        QMessageBox.warning(window, _tr("Mã hoá tệp xã"), refused)
        return False
    dialog = EncryptDialog(window)
    dialog.exec()
    return bool(dialog.result_value)
