"""Thiết lập: the settings dialog, built from ``rasoat.settings.SETTINGS`` — one row per
editable setting, so a new setting appears here without touching this module."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from rasoat import paths, settings


class SettingsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Thiết lập"))
        self.editors: dict[str, QLineEdit | QSpinBox] = {}
        current = settings.load()
        form = QFormLayout()
        for setting in settings.SETTINGS:
            if not setting.editable:
                continue
            editor = self._editor(setting, current[setting.key])
            self.editors[setting.key] = editor
            editor.setToolTip(setting.help_vi)
            field: QWidget = editor
            if setting.folder:
                field = self._with_folder_button(editor)
            help_label = QLabel(setting.help_vi)
            help_label.setWordWrap(True)
            help_label.setEnabled(False)  # greyed: an explanation, not a value
            column = QWidget()
            column_layout = QVBoxLayout(column)
            column_layout.setContentsMargins(0, 0, 0, 0)
            column_layout.addWidget(field)
            column_layout.addWidget(help_label)
            form.addRow(setting.label_vi, column)
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
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())

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
            line.setPlaceholderText(str(paths.output_dir()))
        return line

    def _with_folder_button(self, line: QLineEdit | QSpinBox) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(line)
        choose = QPushButton(self.tr("Chọn…"))
        row.addWidget(choose)

        def pick() -> None:
            assert isinstance(line, QLineEdit)
            folder = QFileDialog.getExistingDirectory(
                self, self.tr("Chọn thư mục"), line.text() or str(paths.output_dir())
            )
            if folder:
                line.setText(folder)

        choose.clicked.connect(pick)
        return box

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, editor in self.editors.items():
            out[key] = editor.value() if isinstance(editor, QSpinBox) else editor.text()
        return out

    def accept(self) -> None:
        try:
            settings.save(self.values())
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
        super().accept()


def open_settings(parent: QWidget | None = None) -> bool:
    """Shows the dialog; True when the user saved."""
    return SettingsDialog(parent).exec() == QDialog.DialogCode.Accepted
