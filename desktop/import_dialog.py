"""Tệp → Nhập / gộp gói dữ liệu…: choose a `.rasoat` file, see what it is (manifest, read
without the password), open it with the password or the recovery key, merge it in a worker
thread, then read, save or print the receipt and go on to the conflicts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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

from desktop.export_dialog import JobDialog, announce


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
        browse = QPushButton(self.tr("Chọn…"))
        browse.clicked.connect(self._browse)
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
        form.addRow(self.tr("Mật khẩu của gói:"), self.password)
        form.addRow(self.tr("hoặc khoá khôi phục:"), self.recovery)
        layout.addLayout(form)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        layout.addWidget(self.progress)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        layout.addWidget(self.text, 1)
        buttons = QDialogButtonBox()
        self.import_button = buttons.addButton(
            self.tr("Nhập / gộp"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.save_button = buttons.addButton(
            self.tr("Lưu biên nhận…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.conflicts_button = buttons.addButton(
            self.tr("Xem xung đột…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        buttons.addButton(self.tr("Đóng"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        self.import_button.clicked.connect(self.start_import)
        self.save_button.clicked.connect(self._save_receipt)
        self.conflicts_button.clicked.connect(self.show_conflicts)
        layout.addWidget(buttons)
        self._sync()

    def _sync(self) -> None:
        from db.exchange.container import is_encrypted

        encrypted = self.manifest is not None and is_encrypted(self.manifest)
        self.password.setEnabled(encrypted)
        self.recovery.setEnabled(encrypted)
        self.import_button.setEnabled(self.manifest is not None)
        self.save_button.setEnabled(self.receipt is not None)
        self.conflicts_button.setEnabled(self.receipt is not None and bool(self.receipt.conflicts))

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

        self.manifest = None
        self.receipt = None
        text = self.path.text().strip()
        if text:
            try:
                self.manifest = read_manifest(Path(text))
            except PackageError as exc:
                self.about.setText(self.tr("Không dùng được tệp này: {error}").format(error=exc))
        if self.manifest is not None:
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
                    commune=commune.get("name", "?"), code=commune.get("code", "?"), scope=scope
                ),
                self.tr("Tạo lúc {at} bởi {user} trên máy {device}, phần mềm {version}").format(
                    at=m.get("created_at", "?"),
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
        from db.exchange.merge import import_package

        path = Path(self.path.text().strip())
        password = self.password.text() or None
        recovery = self.recovery.text().strip() or None

        def work(store: Any, progress: Any) -> Any:
            return import_package(
                store, path, password=password, recovery_key=recovery, progress=progress
            )

        self.import_button.setEnabled(False)
        self.text.setPlainText(self.tr("Đang kiểm tra toàn bộ gói rồi gộp…"))
        self.run_job(work)

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
