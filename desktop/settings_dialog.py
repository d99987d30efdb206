"""Thiết lập: the settings dialog, built from ``rasoat.settings.SETTINGS`` — one row per
editable setting, so a new setting appears here without touching this module. With a commune
file open it also loads the province's standard or B1 threshold file into that file
(``db.round_basis.load_province_file``): the setting belongs to the commune, not the laptop."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.mnemonics import marking_word, taken
from desktop.small_screens import fit_to_screen
from rasoat import paths, settings

# The word of each setting's label whose first letter is its Alt+letter: none of them taken
# twice, none of the buttons' (tests/desktop/test_mnemonics.py). A label without a word here
# (a setting added later) gets the first free letter.
_LETTER_WORDS = {
    "surveyor_name": "rà",  # Người rà soát
    "upper_level_name": "báo",  # Cấp trên nhận báo cáo
    "posting_days": "yết",  # Số ngày niêm yết công khai
    "backups_kept": "giữ",  # Số bản sao lưu giữ lại
    "backup_retention_days": "sao",  # Thời hạn giữ bản sao lưu (ngày)
    "log_retention_days": "hạn",  # Thời hạn giữ nhật ký (ngày)
    "idle_lock_minutes": "màn",  # Khoá màn hình sau (phút)
    "recent_files_kept": "xã",  # Số tệp xã mở gần đây
    "output_dir": "in",  # Thư mục lưu biểu in
    "registry_dsn": "liệu",  # Cơ sở dữ liệu của tỉnh
}


class SettingsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, store: Any = None) -> None:
        super().__init__(parent)
        # The main window's open commune file, when there is one.
        self.store = store if store is not None else getattr(parent, "store", None)
        self.setWindowTitle(self.tr("Thiết lập"))
        self.editors: dict[str, QLineEdit | QSpinBox] = {}
        current = settings.load()
        form = QFormLayout()
        # The province's settings, folded away under their own button while none is set:
        # a commune officer has no use for a PostgreSQL connection string.
        province_form = QFormLayout()
        # Each field's Alt+letter, after the buttons' own (Người dùng…, Thiết lập cho máy của
        # tỉnh, Nạp tệp của tỉnh…, Kiểm tra kết nối, Chọn…); Lưu answers Enter, Hủy Esc.
        used = taken("Người &dùng…", "Thiết lập cho máy của &tỉnh", "&Nạp", "&Kiểm tra", "&Chọn…")
        for setting in settings.SETTINGS:
            if not setting.editable:
                continue
            editor = self._editor(setting, current[setting.key])
            self.editors[setting.key] = editor
            editor.setToolTip(setting.help_vi)
            field: QWidget = editor
            if setting.folder:
                field = self._with_folder_button(editor)
            elif setting.key == "registry_dsn":
                field = self._with_registry_check(editor)
            help_label = QLabel(setting.help_vi)
            if setting.key == "surveyor_name" and getattr(self.store, "has_users", False):
                # The history names the signed-in user here: the name would not be used.
                editor.setEnabled(False)
                help_label.setText(
                    self.tr(
                        "Tệp xã này có người dùng: lịch sử sửa đổi ghi người đang đăng nhập "
                        "({u}), không dùng tên này."
                    ).format(u=self.store.user)
                )
                editor.setToolTip(help_label.text())
            help_label.setWordWrap(True)
            help_label.setEnabled(False)  # greyed: an explanation, not a value
            column = QWidget()
            column_layout = QVBoxLayout(column)
            column_layout.setContentsMargins(0, 0, 0, 0)
            column_layout.addWidget(field)
            column_layout.addWidget(help_label)
            label = QLabel(marking_word(setting.label_vi, _LETTER_WORDS.get(setting.key, ""), used))
            # The field itself, not the column holding it and its help: a label's Alt+letter
            # does nothing when its buddy takes no focus.
            label.setBuddy(editor)
            (province_form if setting.province_only else form).addRow(label, column)
        note = QLabel(
            self.tr("Dữ liệu và thiết lập của chương trình nằm ở:\n{folder}").format(
                folder=paths.data_dir()
            )
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Lưu"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Hủy"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        # Everything but the buttons scrolls: the settings are taller than a 768-pixel
        # laptop screen, and Lưu/Hủy went below its edge, out of reach.
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addLayout(form)
        if province_form.rowCount():
            # Its labels as wide as the others, so the fields line up when unfolded.
            _align_labels(province_form, form)
            layout.addWidget(self._province_fold(province_form, current))
        if self.store is not None:
            layout.addWidget(self._province_box())
            users_button = QPushButton(self.tr("Người &dùng…"))
            users_button.setToolTip(
                self.tr("Người dùng của tệp xã và vai trò: cán bộ xã, điều tra viên, người xem.")
            )
            users_button.clicked.connect(self._open_users)
            row = QHBoxLayout()
            row.addWidget(users_button)
            row.addStretch(1)
            layout.addLayout(row)
        layout.addWidget(note)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the settings, not the frame
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.addWidget(scroll, 1)
        outer.addWidget(buttons)
        # Its content whole where the screen has room; else as tall as the screen allows,
        # the content scrolling.
        hint, under = content.sizeHint(), buttons.sizeHint()
        fit_to_screen(self, QSize(max(560, hint.width() + 40), hint.height() + under.height() + 40))

    def _province_fold(self, rows: QFormLayout, current: dict[str, Any]) -> QWidget:
        """A button "Máy của tỉnh" showing or hiding the province-only settings; shown at
        first only when one of them is set. Hidden, they are saved as they are."""
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        self.registry_fold = QPushButton(self.tr("Thiết lập cho máy của &tỉnh"))
        self.registry_fold.setCheckable(True)
        self.registry_fold.setToolTip(
            self.tr("Chỉ máy của tỉnh cần: kết nối cơ sở dữ liệu của tỉnh. Máy của xã để trống.")
        )
        self.registry_rows = QWidget()
        self.registry_rows.setLayout(rows)
        rows.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(self.registry_fold)
        row.addStretch(1)
        column.addLayout(row)
        column.addWidget(self.registry_rows)
        self.registry_fold.toggled.connect(self.registry_rows.setVisible)
        is_set = any(
            current.get(s.key) for s in settings.SETTINGS if s.province_only and s.editable
        )
        self.registry_fold.setChecked(is_set)
        self.registry_rows.setVisible(is_set)
        return box

    def _editor(self, setting: settings.Setting, value: Any) -> QLineEdit | QSpinBox:
        if setting.type is int:
            spin = QSpinBox()
            spin.setRange(
                setting.minimum if setting.minimum is not None else -(2**31),
                setting.maximum if setting.maximum is not None else 2**31 - 1,
            )
            spin.setValue(int(value))
            return spin
        line = QLineEdit(str(value))
        if setting.folder:
            # Empty means what a save dialog proposes first: the Documents folder.
            line.setPlaceholderText(str(paths.documents_dir()))
        return line

    def _with_folder_button(self, line: QLineEdit | QSpinBox) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(line)
        choose = QPushButton(self.tr("&Chọn…"))
        row.addWidget(choose)

        def pick() -> None:
            assert isinstance(line, QLineEdit)
            folder = QFileDialog.getExistingDirectory(
                self, self.tr("Chọn thư mục"), line.text() or str(settings.output_folder())
            )
            if folder:
                line.setText(folder)

        choose.clicked.connect(pick)
        return box

    # --- the province registry's connection (issue 21) -------------------------------------
    def _with_registry_check(self, line: QLineEdit | QSpinBox) -> QWidget:
        """The DSN with a password asked for the check only (never saved) and "Kiểm tra kết
        nối", run in a worker (``desktop.registry_link.check``)."""
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(line)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Mật khẩu:")))
        self.registry_password = QLineEdit()
        self.registry_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.registry_password.setToolTip(self.tr("Chỉ dùng để kiểm tra, không được lưu."))
        row.addWidget(self.registry_password, 1)
        self.registry_check_button = QPushButton(self.tr("&Kiểm tra kết nối"))
        self.registry_check_button.clicked.connect(self.check_registry)
        row.addWidget(self.registry_check_button)
        column.addLayout(row)
        self.registry_status = QLabel()
        self.registry_status.setWordWrap(True)
        self.registry_status.setTextFormat(Qt.TextFormat.PlainText)
        # Room for the two-line answer from the start: the dialog is sized before it comes.
        self.registry_status.setMinimumHeight(2 * self.registry_status.fontMetrics().lineSpacing())
        column.addWidget(self.registry_status)
        return box

    def check_registry(self) -> None:
        from desktop.registry_link import RegistryProblem, check
        from desktop.worker import start_job

        editor = self.editors["registry_dsn"]
        assert isinstance(editor, QLineEdit)
        dsn, password = editor.text(), self.registry_password.text() or None
        self.registry_check_button.setEnabled(False)
        self.registry_status.setText(self.tr("Đang kết nối…"))

        def done(reached: Any) -> None:
            self.registry_check_button.setEnabled(True)
            self.registry_status.setText(
                self.tr(
                    "Kết nối được: cơ sở dữ liệu của {province} ({code}), {n} xã đã nạp gói."
                ).format(
                    province=reached.province_name, code=reached.province_code, n=reached.communes
                )
            )

        def failed(exc: BaseException) -> None:
            self.registry_check_button.setEnabled(True)
            message = (
                exc.message
                if isinstance(exc, RegistryProblem)
                else self.tr("Lỗi không mong đợi ({kind}).").format(kind=type(exc).__name__)
            )
            self.registry_status.setText(message)

        start_job(
            self, lambda _p: check(dsn, password), done=done, failed=failed, name="registry-check"
        )

    def _open_users(self) -> None:
        from desktop.users_dialog import UsersDialog

        UsersDialog(self.store, self).exec()
        if hasattr(self.parent(), "apply_role"):
            self.parent().apply_role()  # type: ignore[attr-defined]

    # --- the province's standard file (kept in the commune file) --------------------------
    def _province_box(self) -> QWidget:
        box = QGroupBox(self.tr("Chuẩn nghèo, ngưỡng điểm B1 của tỉnh"))
        column = QVBoxLayout(box)
        self.province_label = QLabel()
        self.province_label.setWordWrap(True)
        self.province_label.setTextFormat(Qt.TextFormat.PlainText)
        column.addWidget(self.province_label)
        self.province_button = QPushButton(self.tr("&Nạp tệp của tỉnh…"))
        self.province_button.setToolTip(
            self.tr(
                "Tệp chuẩn nghèo hoặc ngưỡng điểm B1 do tỉnh ban hành (.toml); được lưu vào "
                "tệp của xã và dùng thay chuẩn quốc gia mà tệp nêu."
            )
        )
        self.province_button.clicked.connect(self.choose_province_file)
        row = QHBoxLayout()
        row.addWidget(self.province_button)
        row.addStretch(1)
        column.addLayout(row)
        self._show_province_files()
        return box

    def _show_province_files(self) -> None:
        from db import round_basis

        loaded = round_basis.province_standards(self.store)
        if not loaded:
            self.province_label.setText(
                self.tr("Chưa nạp tệp nào: các kỳ rà soát dùng chuẩn quốc gia.")
            )
            return
        lines = [
            self.tr("{standard}: tệp {file}, căn cứ {source} (nạp ngày {day}, {who})").format(
                standard=p.standard.name,
                file=p.file_name,
                source=p.source,
                day=p.loaded_at[:10],
                who=p.loaded_by,
            )
            for p in loaded
        ]
        self.province_label.setText("\n".join(lines))

    def choose_province_file(self) -> QFileDialog:
        """Qt's open dialog (``self.province_chooser``), window-modal and opened with
        ``open()``: no nested event loop; the file is loaded from its ``fileSelected``."""
        chooser = QFileDialog(
            self,
            self.tr("Chọn tệp chuẩn nghèo hoặc ngưỡng điểm B1 của tỉnh"),
            str(paths.output_dir()),
        )
        chooser.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
        chooser.setFileMode(QFileDialog.FileMode.ExistingFile)
        chooser.setNameFilter(self.tr("Tệp chuẩn nghèo (*.toml);;Mọi tệp (*)"))
        chooser.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        chooser.resize(780, 480)
        chooser.fileSelected.connect(lambda name: self.load_province_file(Path(name)))
        self.province_chooser = chooser
        chooser.open()
        return chooser

    def load_province_file(self, path: Path) -> bool:
        """Checks and keeps the file; a refusal names the file and the field in Vietnamese."""
        from db import round_basis
        from db.errors import StoreError
        from forms.standards import StandardError

        try:
            loaded = round_basis.load_province_file(self.store, path)
        except (StandardError, StoreError) as exc:
            message = exc.message if isinstance(exc, StoreError) else str(exc)
            QMessageBox.warning(self, self.tr("Không nạp được tệp của tỉnh"), message)
            return False
        self._show_province_files()
        QMessageBox.information(
            self,
            self.tr("Đã nạp tệp của tỉnh"),
            self.tr("Từ nay {standard} dùng giá trị trong tệp {file}.\nCăn cứ: {source}").format(
                standard=loaded.standard.name, file=loaded.file_name, source=loaded.source
            ),
        )
        # Open households show their result under the loaded values at once.
        editor = getattr(self.parent(), "_editor", None)
        if editor is not None and getattr(editor, "household", None) is not None:
            editor.load_standard()
            editor.recompute()
        return True

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, editor in self.editors.items():
            out[key] = editor.value() if isinstance(editor, QSpinBox) else editor.text()
        return out

    def accept(self) -> None:
        before = settings.load()
        values = self.values()
        try:
            settings.save(values)
        except settings.SettingError as exc:
            QMessageBox.warning(self, self.tr("Thiết lập chưa hợp lệ"), exc.message)
            return
        except OSError:
            QMessageBox.warning(
                self,
                self.tr("Không lưu được thiết lập"),
                self.tr("Không ghi được tệp {file}.").format(file=paths.settings_file()),
            )
            return
        self._record_changes(before, settings.load(), list(values))
        super().accept()

    def _record_changes(
        self, before: dict[str, Any], after: dict[str, Any], keys: list[str]
    ) -> None:
        """Settings belong to the laptop; the change is recorded in the audit log of the
        commune file open at the time (issue 20 item 3): [old, new] under each setting's
        Vietnamese label, as the log screen shows it."""
        if self.store is None:
            return
        from db.audit import record_event
        from db.errors import StoreError

        def plain(value: Any) -> Any:
            return value if isinstance(value, str | int | float | bool | None) else str(value)

        changed = {
            settings.BY_KEY[k].label_vi: [plain(before.get(k)), plain(after.get(k))]
            for k in keys
            if before.get(k) != after.get(k)
        }
        if not changed:
            return
        try:
            record_event(self.store, "settings", {"changed": changed})
        except StoreError as exc:
            # The settings are saved; only the log line could not be written.
            QMessageBox.warning(self, self.tr("Thiết lập"), exc.message)


def open_settings(parent: QWidget | None = None) -> bool:
    """Shows the dialog; True when the user saved."""
    return SettingsDialog(parent).exec() == QDialog.DialogCode.Accepted


def _align_labels(form: QFormLayout, like: QFormLayout) -> None:
    """``form``'s labels at least as wide as the widest of ``like``'s."""

    def labels(layout: QFormLayout) -> list[QWidget]:
        found = []
        for row in range(layout.rowCount()):
            item = layout.itemAt(row, QFormLayout.ItemRole.LabelRole)
            if item is not None and item.widget() is not None:
                found.append(item.widget())
        return found

    width = max((w.sizeHint().width() for w in labels(like)), default=0)
    for label in labels(form):
        label.setMinimumWidth(width)
