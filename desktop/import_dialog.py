"""Tệp → Nhập / gộp gói dữ liệu…: choose a `.rasoat` file, see what it is (manifest, read
without the password), open it with the password or the recovery key, merge it in a worker
thread, then read, save or print the receipt and go on to the conflicts.

Importing is two jobs. The first reads and checks the whole package and asks the commune
file, read-only, what the officer must confirm (``db.exchange.merge.precheck``): a laptop
not known here or with a changed key (its name and fingerprint shown), and households the
package deletes. Each is asked in a message box whose default answer is not to import
(Escape or Enter refuses; Alt+N takes the laptop, Alt+X the deletions). Only then does the
second job open the file for writing and merge, so a refused package changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.export_dialog import JobDialog, announce, failure_message
from desktop.worker import start_job


class ImportDialog(JobDialog):
    def __init__(self, store: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.receipt: Any = None
        self.manifest: dict[str, Any] | None = None
        self.setWindowTitle(self.tr("Nhập / gộp gói dữ liệu"))
        self.resize(720, 560)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.path = QLineEdit()
        self.path.setPlaceholderText(self.tr("Chọn tệp gói dữ liệu (.rasoat)"))
        self.path.editingFinished.connect(self.load_manifest)
        browse = QPushButton(self.tr("&Chọn…"))
        # Never the button Enter presses: a path typed or pasted then Enter opened the file
        # browser, the first button of the dialog being its default.
        browse.setAutoDefault(False)
        browse.clicked.connect(self._browse)
        self.path.installEventFilter(self)
        # Alt+T back to the package's name, as the password and key have their letters.
        path_label = QLabel(self.tr("&Tệp gói:"))
        path_label.setBuddy(self.path)
        row.addWidget(path_label)
        row.addWidget(self.path)
        row.addWidget(browse)
        layout.addLayout(row)
        self.about = QLabel()
        self.about.setWordWrap(True)
        layout.addWidget(self.about)
        form = QFormLayout()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.recovery = QLineEdit()
        self.recovery.setPlaceholderText(self.tr("chỉ khi quên mật khẩu: 8 nhóm 4 ký tự"))
        form.addRow(self.tr("&Mật khẩu của gói:"), self.password)
        form.addRow(self.tr("hoặc &khoá khôi phục:"), self.recovery)
        layout.addLayout(form)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        layout.addWidget(self.progress)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        layout.addWidget(self.text, 1)
        buttons = QDialogButtonBox()
        self.import_button = buttons.addButton(
            self.tr("&Nhập / gộp"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.save_button = buttons.addButton(
            self.tr("&Lưu biên nhận…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.conflicts_button = buttons.addButton(
            self.tr("Xem &xung đột…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        buttons.addButton(self.tr("Đón&g"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        self.import_button.clicked.connect(self.start_import)
        # Enter in the password (or the key) imports, as its button does.
        self.import_button.setDefault(True)
        self.save_button.clicked.connect(self._save_receipt)
        self.conflicts_button.clicked.connect(self.show_conflicts)
        layout.addWidget(buttons)
        self._sync()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter in the path reads the package and moves on: to the password when it has
        one, else to Nhập / gộp (Enter again imports), never importing at once."""
        if (
            watched is self.path
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self.load_manifest()
            if self.manifest is not None:
                nxt = self.password if self.password.isEnabled() else self.import_button
                nxt.setFocus()
            return True
        return super().eventFilter(watched, event)

    def _sync(self) -> None:
        from db.exchange.container import is_encrypted

        encrypted = self.manifest is not None and is_encrypted(self.manifest)
        self.password.setEnabled(encrypted)
        self.recovery.setEnabled(encrypted)
        self.import_button.setEnabled(self.manifest is not None)
        self.save_button.setEnabled(self.receipt is not None)
        self.conflicts_button.setEnabled(self.receipt is not None and self._waiting())

    def _waiting(self) -> bool:
        """The package left households, certificate numbers, applications or cadres for the
        officer to decide."""
        from db.exchange.merge import waiting

        if self.receipt is None:
            return False
        return bool(self.receipt.conflicts) or waiting(self.store, self.receipt.package_id) > 0

    def _browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Chọn gói dữ liệu"),
            str(Path.home()),
            self.tr("Gói Rà soát (*.rasoat);;Mọi tệp (*)"),
        )
        if name:
            self.set_package(Path(name))

    def set_package(self, path: Path) -> None:
        self.path.setText(str(path))
        self.load_manifest()

    def load_manifest(self) -> None:
        from db.exchange.container import is_encrypted, read_manifest
        from db.exchange.errors import PackageError
        from db.exchange.merge import SLIM_REFUSED
        from db.exchange.package import for_upper_level

        self.manifest = None
        self.receipt = None
        text = self.path.text().strip()
        if text:
            try:
                manifest = read_manifest(Path(text))
                # The upper level's slim package: said before any password is asked for.
                if for_upper_level(manifest):
                    raise PackageError(SLIM_REFUSED)
                self.manifest = manifest
            except PackageError as exc:
                self.about.setText(self.tr("Không dùng được tệp này: {error}").format(error=exc))
        if self.manifest is not None:
            from db.audit import local_time
            from forms.admin_units import official_code

            m = self.manifest
            commune = m.get("commune") or {}
            counts = m.get("counts") or {}
            scope = (m.get("scope") or {}).get("description", "")
            households, members = counts.get("households", "?"), counts.get("members", "?")
            if counts.get("deleted"):
                sizes = self.tr("{households} hộ, {members} nhân khẩu, {deleted} hộ đã xoá")
            else:
                sizes = self.tr("{households} hộ, {members} nhân khẩu")
            lines = [
                self.tr("Gói của {commune} (mã {code}) — {scope}").format(
                    commune=commune.get("name", "?"),
                    # As the receipt and the official lists write it ("02947", not "2947").
                    code=official_code(str(commune.get("code", "?"))),
                    scope=scope,
                ),
                self.tr("Tạo lúc {at} bởi {user} trên máy {device}, phần mềm {version}").format(
                    # The laptop's local time, as the audit log says times (it printed the
                    # manifest's UTC stamp as it is).
                    at=local_time(str(m.get("created_at", "?"))),
                    user=m.get("created_by", "?"),
                    device=m.get("device", "?"),
                    version=m.get("app_version", "?"),
                ),
                sizes.format(households=households, members=members, deleted=counts.get("deleted")),
            ]
            if is_encrypted(m):
                lines.append(self.tr("Gói có mật khẩu: nhập mật khẩu hoặc khoá khôi phục."))
            self.about.setText("\n".join(lines))
        self._sync()

    def start_import(self) -> None:
        path = Path(self.path.text().strip())
        password = self.password.text() or None
        recovery = self.recovery.text().strip() or None
        commune_file = Path(self.store.path)

        def check(progress: Any) -> Any:
            from db.exchange.merge import collector_paused, precheck
            from db.exchange.merge_stream import read_for_merge

            with collector_paused():
                # Checked whole; a large package kept lean, read again when merged.
                package = read_for_merge(
                    path, password=password, recovery_key=recovery, progress=progress
                )
            # Reports only (None): the questions are asked on the GUI thread.
            return package, precheck(commune_file, package, trusted=None, allow_deletions=None)

        self.import_button.setEnabled(False)
        self.text.setPlainText(self.tr("Đang kiểm tra toàn bộ gói rồi gộp…"))
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        start_job(
            self,
            check,
            done=lambda result: self._on_checked(path, *result),
            failed=lambda exc: self._on_failed(failure_message(exc)),
            progress=self._on_progress,
            name="ImportCheck",
        )

    def _on_checked(self, path: Path, package: Any, pre: Any) -> None:
        from db.exchange.devices import UNSIGNED_OK
        from db.exchange.merge import merge_package

        trusted: list[str] = []
        if pre.sender is not None and pre.sender.needs_confirmation:
            if not self.confirm_sender(pre.sender):
                self._cancelled(self.tr("Chưa xác nhận máy gửi gói."))
                return
            trusted.append(pre.sender.fingerprint or UNSIGNED_OK)
        allow_deletions = bool(pre.deletions)
        if pre.deletions and not self.confirm_deletions(pre.deletions):
            self._cancelled(self.tr("Chưa đồng ý cho gói xoá hộ."))
            return

        def work(store: Any, progress: Any) -> Any:
            return merge_package(
                store,
                package,
                source_name=path.name,
                progress=progress,
                trusted=trusted,
                allow_deletions=allow_deletions,
            )

        self.run_job(work)

    def _cancelled(self, why: str) -> None:
        self.progress.setVisible(False)
        self.text.setPlainText(self.tr("Không nhập gì. {why}").format(why=why))
        self._sync()

    def confirm_sender(self, check: Any) -> bool:
        """The officer's explicit yes for a laptop not known here (or a changed key)."""
        box = QMessageBox(self)
        box.setIcon(
            QMessageBox.Icon.Warning if check.status == "changed" else QMessageBox.Icon.Question
        )
        box.setWindowTitle(self.tr("Xác nhận máy gửi gói"))
        box.setText(check.message())
        if check.fingerprint:
            box.setInformativeText(
                self.tr(
                    "Máy: {device} — người tạo: {name}\nDấu vân tay: {fingerprint}\n"
                    "Chỉ nhận khi người gửi đọc đúng dấu vân tay này."
                ).format(device=check.device, name=check.name or "?", fingerprint=check.fingerprint)
            )
        else:
            box.setInformativeText(
                self.tr("Máy: {device} — người tạo: {name}").format(
                    device=check.device or "?", name=check.name or "?"
                )
            )
        take = box.addButton(self.tr("&Nhận gói của máy này"), QMessageBox.ButtonRole.AcceptRole)
        refuse = box.addButton(self.tr("&Không nhập"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(refuse)
        box.setEscapeButton(refuse)
        box.exec()
        return box.clickedButton() is take

    def confirm_deletions(self, deletions: list[Any]) -> bool:
        """The officer's explicit yes for households the package deletes, listed."""
        from db.exchange.devices import deletions_message

        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Gói có xoá hộ"))
        box.setText(deletions_message(deletions))
        box.setInformativeText(self.tr("Nhập gói và xoá các hộ này khỏi tệp của xã?"))
        take = box.addButton(
            self.tr("&Xoá {count} hộ và nhập").format(count=len(deletions)),
            QMessageBox.ButtonRole.AcceptRole,
        )
        refuse = box.addButton(self.tr("&Không nhập"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(refuse)
        box.setEscapeButton(refuse)
        box.exec()
        return box.clickedButton() is take

    def _on_done(self, receipt: Any) -> None:
        self.receipt = receipt
        self.progress.setVisible(False)
        self.text.setPlainText(receipt.text())
        if receipt.written:
            announce(self.store)
        self._sync()
        self.import_button.setEnabled(True)

    def _on_failed(self, message: str) -> None:
        self.progress.setVisible(False)
        self.text.setPlainText(self.tr("Không nhập gì. {message}").format(message=message))
        self._sync()
        QMessageBox.critical(self, self.tr("Không nhập được gói"), message)

    def _save_receipt(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Lưu biên nhận"),
            str(Path.home() / "bien-nhan.txt"),
            self.tr("Văn bản (*.txt);;PDF để in (*.pdf);;JSON gửi lại (*.json)"),
        )
        if name:
            self.save_receipt(Path(name))

    def save_receipt(self, path: Path) -> None:
        from reports.receipt import save_receipt

        save_receipt(self.receipt, path)

    def show_conflicts(self) -> None:
        from desktop.merge_conflicts_dialog import MergeConflictsDialog

        MergeConflictsDialog(self.store, self).exec()


def open_import_dialog(window: Any) -> None:
    if getattr(window, "store", None) is None:
        return
    ImportDialog(window.store, window).exec()
    if hasattr(window, "update_conflicts_waiting"):
        window.update_conflicts_waiting()
