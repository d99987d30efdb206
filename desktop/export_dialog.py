"""Tệp → Xuất gói dữ liệu…: one surveyor's work, the whole commune, or some villages, as one
`.rasoat` file, optionally password-protected with a recovery key printed once.

Work runs in a worker thread on its own Store connection (``JobDialog.run_job``, through
``desktop.worker``), with a progress bar; the dialog only touches widgets from the GUI thread.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QDate, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.worker import Job, Progress, Work, failure_text, job_running, start_job

log = logging.getLogger(__name__)

PERSONAL_DATA = QT_TRANSLATE_NOOP(
    "ExportDialog",
    "Gói dữ liệu chứa họ tên, năm sinh và số CCCD của người dân (dữ liệu cá nhân). "
    "Chỉ tạo khi cần, chỉ chuyển cho người có trách nhiệm, và nên đặt mật khẩu khi gửi qua "
    "thư điện tử hoặc USB.",
)


def in_own_store(store: Any, work: Callable[[Any, Any], Any]) -> Work:
    """``work(store, progress)`` made to run in a worker thread on a Store of its own (same
    file, same user and device): SQLite connections belong to the thread that made them.
    The window's Store recorded this user and device as "last seen" when it opened the file;
    the worker's records it again only with a write that commits (``Store.open(seen=False)``),
    so a job refused halfway (an import) leaves the file as it was. The window's signed-in
    user is the worker's too (without one a file with users refused every job, "hãy đăng
    nhập trước", while the officer was signed in), read again from the worker's own
    connection (``db.users.act_as``): disabled or given another role by another officer
    since signing in, they are refused, not served with the window's old copy."""
    path, user, device = Path(store.path), store.user, store.device
    signed_in = getattr(store, "signed_in", None)

    def run(progress: Progress) -> Any:
        from db import users
        from db.store import Store

        with Store.open(path, user=user, device=device, seen=False) as own:
            if signed_in is not None:
                users.act_as(own, signed_in)
            return work(own, progress)

    return run


def failure_message(exc: BaseException) -> str:
    """What the officer reads when an exchange job fails, in Vietnamese (``failure_text``:
    ours as they say it, a full disk or a read-only folder by its code, anything else one
    sentence); the exception's own words only in the log."""
    log.warning("an exchange job failed", exc_info=exc)
    why = failure_text(exc)
    return why[:1].upper() + why[1:]


class JobDialog(QDialog):
    """A dialog that cannot be closed while its worker is writing: the thread belongs to it,
    and a merge cut off halfway would only roll back, but the user should see it end.

    Subclasses have ``store`` and a ``progress`` bar, and answer ``_on_done(result)`` and
    ``_on_failed(message)``; ``run_job`` does the rest."""

    store: Any
    progress: QProgressBar

    def run_job(self, work: Callable[[Any, Any], Any]) -> Job:
        """Runs ``work(store, progress)`` in a worker on a Store of its own; ``_on_done`` and
        ``_on_failed`` run on the GUI thread (``desktop.worker``)."""
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)  # busy until the worker reports a total
        return start_job(
            self,
            in_own_store(self.store, work),
            done=self._on_done,
            failed=lambda exc: self._on_failed(failure_message(exc)),
            progress=self._on_progress,
            name=type(self).__name__,
        )

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _on_done(self, result: Any) -> None:
        raise NotImplementedError

    def _on_failed(self, message: str) -> None:
        raise NotImplementedError

    def reject(self) -> None:
        if job_running(self):
            QMessageBox.information(
                self, self.windowTitle(), self.tr("Đang xử lý, hãy chờ đến khi xong rồi đóng.")
            )
            return
        super().reject()

    def closeEvent(self, event: Any) -> None:
        if job_running(self):
            event.ignore()
            return
        super().closeEvent(event)


def announce(store: Any, kind: str = "household") -> None:
    """Tells the GUI's screens that another connection changed the file."""
    from db.records import Change

    with store.transaction():
        store.notify(Change(kind, []))


def indented(inner: QWidget | QLayout) -> QHBoxLayout:
    """``inner`` under its radio button, indented past the button's circle."""
    row = QHBoxLayout()
    row.addSpacing(26)
    if isinstance(inner, QLayout):
        row.addLayout(inner, 1)
    else:
        row.addWidget(inner, 1)
    return row


def default_package_path(store: Any) -> Path:
    """``02947-xa-bao-yen-2026-12-02.rasoat`` in the folder saved into last (the Documents
    folder at first), never the name of a file already there."""
    from datetime import date

    from rasoat import settings
    from reports.file_names import free_path, slug

    commune = store.commune()
    name = f"{commune.commune_code}-{slug(commune.commune_name)}-{date.today().isoformat()}"
    return free_path(settings.output_folder(), f"{name}.rasoat")


class ExportDialog(JobDialog):
    def __init__(self, store: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.result_info: Any = None
        self.setWindowTitle(self.tr("Xuất gói dữ liệu"))
        # Wide enough for the scope's sentences and a path; 690 px tall at most, so it fits
        # a 1024×768 screen with the task bar.
        self.setMinimumWidth(660)
        layout = QVBoxLayout(self)

        warning = QLabel(self.tr(PERSONAL_DATA))
        warning.setWordWrap(True)
        warning.setStyleSheet("color: #8a3b00;")
        layout.addWidget(warning)

        # Each choice with its own options indented under it, in a dialog wide enough for
        # the sentences (issue 19 item 9: it was squashed to 406 px, the villages three rows).
        scope_box = QGroupBox(self.tr("Phạm vi"))
        scope_layout = QVBoxLayout(scope_box)
        self.scope_commune = QRadioButton(
            self.tr("&Toàn bộ dữ liệu của xã (gửi cấp trên, sao lưu)")
        )
        self.scope_surveyor = QRadioButton(
            self.tr("&Phần việc của một máy / từ một ngày (gửi cán bộ xã)")
        )
        self.scope_villages = QRadioButton(self.tr("Một &số thôn"))
        self.scope_group = QButtonGroup(self)
        for b in (self.scope_commune, self.scope_surveyor, self.scope_villages):
            self.scope_group.addButton(b)
        self.scope_commune.setChecked(True)
        # Issue 20 item 5: the upper level reads counts, lists and categories, not ID numbers,
        # birth days, incomes or health (db.exchange.export.slim_record).
        self.for_upper_level = QCheckBox(
            self.tr(
                "Bản &rút gọn gửi cấp trên (bỏ số CCCD, ngày tháng sinh, thu nhập, sức khoẻ, "
                "ghi chú)"
            )
        )
        self.for_upper_level.setToolTip(
            self.tr(
                "Chỉ những gì cấp trên đọc: Tổng hợp nhiều xã, báo cáo tháng của xã, kho dữ "
                "liệu của tỉnh. Tệp của xã không gộp được gói này."
            )
        )
        self.for_upper_level.toggled.connect(self._name_for_upper_level)
        self.device = QComboBox()
        self.device.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.device.addItem(self.tr("(mọi máy)"), None)
        self.device_details: dict[str, str] = {}
        for text, device, detail in self.laptops(store):
            self.device.addItem(text, device)
            self.device_details[device] = detail
        # A surveyor exporting usually sends this laptop's own work.
        self.device.setCurrentIndex(max(self.device.findData(store.device), 0))
        # The device id and key fingerprint, to compare with the other laptop's screen.
        self.device_detail = QLabel()
        self.device_detail.setStyleSheet("color: #555;")
        self.device_detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.device.currentIndexChanged.connect(self._show_device_detail)
        self._show_device_detail()
        self.use_since = QCheckBox(self.tr("Chỉ các hộ thay đổi từ &ngày"))
        self.since = QDateEdit(QDate.currentDate().addDays(-30))
        self.since.setCalendarPopup(True)
        self.since.setDisplayFormat("dd/MM/yyyy")
        surveyor_form = QFormLayout()
        device_label = QLabel(self.tr("Má&y:"))
        device_label.setBuddy(self.device)
        device_row = QHBoxLayout()
        device_row.addWidget(self.device)
        device_row.addStretch(1)
        surveyor_form.addRow(device_label, device_row)
        surveyor_form.addRow("", self.device_detail)
        since_row = QHBoxLayout()
        since_row.addWidget(self.use_since)
        since_row.addWidget(self.since)
        since_row.addStretch(1)
        surveyor_form.addRow(since_row)
        self.villages = QListWidget()
        # Villages in columns across the width, so a commune's twenty fit in a few rows.
        self.villages.setFlow(QListWidget.Flow.TopToBottom)
        self.villages.setWrapping(True)
        self.villages.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.villages.setSpacing(2)
        for v in store.villages():
            item = QListWidgetItem(v.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.villages.addItem(item)
        self.villages.setFixedHeight(4 * self.villages.sizeHintForRow(0) + 12)
        scope_layout.addWidget(self.scope_commune)
        scope_layout.addLayout(indented(self.for_upper_level))
        scope_layout.addWidget(self.scope_surveyor)
        scope_layout.addLayout(indented(surveyor_form))
        scope_layout.addWidget(self.scope_villages)
        scope_layout.addLayout(indented(self.villages))
        layout.addWidget(scope_box)

        form = QFormLayout()
        path_row = QHBoxLayout()
        self.path = QLineEdit(str(default_package_path(store)))
        self.path.setMinimumWidth(360)
        browse = QPushButton(self.tr("&Chọn…"))
        browse.clicked.connect(self._browse)
        path_row.addWidget(self.path)
        path_row.addWidget(browse)
        path_label = QLabel(self.tr("Lưu &vào tệp:"))
        path_label.setBuddy(self.path)
        form.addRow(path_label, path_row)
        self.protect = QCheckBox(self.tr("Đặt mật khẩu cho &gói"))
        # On by default: every package holds names and ID numbers (issue 17).
        self.protect.setChecked(True)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password2 = QLineEdit()
        self.password2.setEchoMode(QLineEdit.EchoMode.Password)
        self.recovery_in = QLineEdit()
        self.recovery_in.setPlaceholderText(self.tr("để trống: tạo khoá khôi phục mới"))
        form.addRow(self.protect)
        form.addRow(self.tr("&Mật khẩu:"), self.password)
        form.addRow(self.tr("Nhập &lại mật khẩu:"), self.password2)
        form.addRow(self.tr("&Khoá khôi phục đã in:"), self.recovery_in)
        layout.addLayout(form)
        self.protect.toggled.connect(self._sync)

        self.progress = QProgressBar()
        self.progress.setVisible(False)
        layout.addWidget(self.progress)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status)
        self.recovery_out = QLineEdit()
        self.recovery_out.setReadOnly(True)
        self.recovery_out.setVisible(False)
        layout.addWidget(self.recovery_out)
        key_row = QHBoxLayout()
        # One way to keep the key out of the dialog: the page the commune file's key prints
        # as (reports.recovery_key), saved as a PDF where the officer chooses, to print or
        # to keep apart. It names the package and says who the key lets in, and the print
        # is audited (kind, who, when). A plain .txt "Lưu khoá ra tệp…" beside it said none
        # of that and was not audited: one more copy of the key nobody knew of.
        self.print_button = QPushButton(self.tr("&In hoặc lưu khoá khôi phục…"))
        self.print_button.setToolTip(
            self.tr(
                "Lưu trang khoá khôi phục thành tệp PDF để in hoặc cất giữ; việc in được ghi "
                "vào nhật ký thay đổi."
            )
        )
        self.print_button.setVisible(False)
        self.print_button.clicked.connect(self._print_key)
        key_row.addWidget(self.print_button)
        key_row.addStretch(1)
        layout.addLayout(key_row)

        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton(
            self.tr("&Xuất gói"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.addButton(self.tr("Đóng"), QDialogButtonBox.ButtonRole.RejectRole)
        self.export_button.clicked.connect(self.start_export)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for b in (self.scope_commune, self.scope_surveyor, self.scope_villages):
            b.toggled.connect(self._sync)
        self._sync()

    def laptops(self, store: Any) -> list[tuple[str, str, str]]:
        """(what the list shows, device id, detail) per laptop that worked on this file: the
        people who used it and "máy này" for this one; the device id and the key's
        fingerprint (as Tệp → Các máy đã biết… shows them) only as the detail."""
        from db.exchange.devices import known_devices, own_fingerprint

        names: dict[str, list[str]] = {}
        last: dict[str, str] = {}
        for name, device, seen in store.surveyors():
            if name and name not in names.setdefault(device, []):
                names[device].append(name)
            last[device] = max(last.get(device, ""), seen or "")
        prints = {d.device: d.fingerprint for d in known_devices(store.conn) if d.trusted}
        # A damaged key is said when exporting; the list still opens.
        with contextlib.suppress(OSError):
            prints[store.device] = own_fingerprint()
        out: list[tuple[str, str, str]] = []
        for device, people in names.items():
            who = ", ".join(people) or self.tr("không rõ người dùng")
            if device == store.device:
                text = self.tr("Máy này — {who}").format(who=who)
            else:
                text = self.tr("Máy của {who}").format(who=who)
            out.append((text, device, last[device]))
        shown = [t for t, _d, _s in out]
        rows = []
        for text, device, seen in out:
            if shown.count(text) > 1 and seen:
                # Two laptops used by the same person: told apart by when each was last used.
                text += " " + self.tr("(dùng lần cuối {day})").format(day=_day(seen))
            detail = self.tr("mã máy {device}").format(device=device)
            if device in prints:
                detail += " · " + self.tr("dấu vân tay {fp}").format(fp=prints[device])
            rows.append((text, device, detail))
        return rows

    def _show_device_detail(self) -> None:
        device = self.device.currentData()
        self.device_detail.setText(self.device_details.get(device, "") if device else "")

    def _sync(self) -> None:
        surveyor = self.scope_surveyor.isChecked()
        self.device.setEnabled(surveyor)
        self.use_since.setEnabled(surveyor)
        self.since.setEnabled(surveyor)
        self.villages.setEnabled(self.scope_villages.isChecked())
        self.for_upper_level.setEnabled(self.scope_commune.isChecked())
        for w in (self.password, self.password2, self.recovery_in):
            w.setEnabled(self.protect.isChecked())

    def _browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("Lưu gói dữ liệu"), self.path.text(), self.tr("Gói Rà soát (*.rasoat)")
        )
        if name:
            self.path.setText(name if name.endswith(".rasoat") else name + ".rasoat")

    def scope(self) -> Any:
        from db.exchange.export import ExportScope

        if self.scope_surveyor.isChecked():
            since = self.since.date().toString("yyyy-MM-dd") if self.use_since.isChecked() else None
            return ExportScope(kind="surveyor", since=since, device=self.device.currentData())
        if self.scope_villages.isChecked():
            names = tuple(
                self.villages.item(i).text()
                for i in range(self.villages.count())
                if self.villages.item(i).checkState() == Qt.CheckState.Checked
            )
            return ExportScope(kind="villages", villages=names)
        return ExportScope(for_upper_level=self.for_upper_level.isChecked())

    def _name_for_upper_level(self, slim: bool) -> None:
        """The proposed file name says which package it is; a name the user typed stays."""
        full = default_package_path(self.store)
        names = (str(full), str(full.with_name(f"{full.stem}-gui-cap-tren{full.suffix}")))
        if self.path.text() in names:
            self.path.setText(names[int(slim)])

    def _problem(self) -> str | None:
        if not self.path.text().strip():
            return self.tr("Hãy chọn nơi lưu gói.")
        if self.scope_villages.isChecked() and not self.scope().villages:
            return self.tr("Hãy đánh dấu ít nhất một thôn.")
        if self.protect.isChecked():
            if not self.password.text():
                return self.tr("Hãy nhập mật khẩu.")
            if self.password.text() != self.password2.text():
                return self.tr("Hai lần nhập mật khẩu không khớp.")
            from db.exchange.crypto import passphrase_problem

            weak = passphrase_problem(self.password.text())
            if weak:
                return weak
            if self.recovery_in.text().strip():
                from db.exchange.crypto import normalise_recovery_key
                from db.exchange.errors import PackageError

                try:
                    normalise_recovery_key(self.recovery_in.text())
                except PackageError as exc:
                    return str(exc)
        return None

    def start_export(self) -> None:
        problem = self._problem()
        if problem:
            QMessageBox.warning(self, self.tr("Xuất gói dữ liệu"), problem)
            return
        from db.exchange.export import export_package

        scope = self.scope()
        out = Path(self.path.text().strip())
        password = self.password.text() if self.protect.isChecked() else None
        recovery = (self.recovery_in.text().strip() or None) if password else None

        def work(store: Any, progress: Any) -> Any:
            return export_package(
                store, out, scope, password=password, recovery_key=recovery, progress=progress
            )

        self.export_button.setEnabled(False)
        self.status.setText(self.tr("Đang xuất…"))
        from rasoat import settings

        settings.remember_output_folder(out.parent)
        self.run_job(work)

    def _on_done(self, result: Any) -> None:
        self.result_info = result
        self.progress.setVisible(False)
        self.export_button.setEnabled(True)
        self.status.setText(
            self.tr("Đã xuất {households} hộ, {members} nhân khẩu vào {path}.").format(
                households=result.households, members=result.members, path=result.written.path
            )
        )
        if result.recovery_key:
            self.status.setText(
                self.status.text()
                + "\n\n"
                + self.tr(
                    "KHOÁ KHÔI PHỤC (chỉ hiện một lần — hãy in hoặc chép lại và cất giữ): "
                    "khi quên mật khẩu, gói vẫn mở được bằng khoá này."
                )
            )
            self.recovery_out.setText(result.recovery_key)
            self.recovery_out.setVisible(True)
            self.print_button.setVisible(True)

    def _on_failed(self, message: str) -> None:
        self.progress.setVisible(False)
        self.export_button.setEnabled(True)
        self.status.setText("")
        QMessageBox.critical(self, self.tr("Không xuất được gói"), message)

    def _print_key(self) -> None:
        """The key's page as a PDF, as the commune file's recovery key is printed."""
        from desktop.encrypt_dialog import ask_print_key

        ask_print_key(
            self,
            self.store,
            self.package_name(),
            self.recovery_out.text(),
            self.print_key_to,
            package=True,
        )

    def package_name(self) -> str:
        written = self.result_info.written.path if self.result_info is not None else None
        return Path(written or self.path.text().strip()).name

    def print_key_to(self, path: Path) -> Path | None:
        from desktop.encrypt_dialog import print_key_to

        printed = print_key_to(
            self, self.store, path, self.package_name(), self.recovery_out.text(), package=True
        )
        if printed is not None:
            self.status.setText(
                self.status.text()
                + "\n"
                + self.tr(
                    "Đã lưu khoá khôi phục vào {p}. Ai có tệp này thì mở được gói và mọi gói "
                    "xuất với cùng khoá: in ra rồi xoá tệp đi, hoặc cất riêng như con dấu, "
                    "không gửi kèm gói."
                ).format(p=path)
            )
        return printed


def open_export_dialog(window: Any) -> None:
    if getattr(window, "store", None) is None:
        return
    ExportDialog(window.store, window).exec()


def _day(stamp: str) -> str:
    """dd/mm/yyyy of an ISO time stamp ("" when it is not one)."""
    from datetime import datetime

    try:
        return datetime.fromisoformat(stamp).strftime("%d/%m/%Y")
    except ValueError:
        return stamp[:10]
