"""First run: create a commune file (province, commune, villages, area, surveyor, review
round) or open an existing one."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.folding_completer import make_folding, set_items
from desktop.standard_choice import StandardChoice
from forms import admin_units
from forms.model import Area, nfc
from rasoat import paths


@dataclass
class FirstRunChoice:
    """What the user chose; ``open_path`` set means "open this file" and nothing else counts."""

    path: Path
    province: admin_units.Unit | None = None
    commune: admin_units.Unit | None = None
    area: Area = Area.RURAL
    villages: list[str] = field(default_factory=list)
    surveyor: str = ""
    year: int = 0
    standard_id: str = ""
    open_path: Path | None = None
    # The instruction the standard's choice follows (db.round_basis keeps it with the round).
    instruction_number: str = ""
    instruction_date: date | None = None


def file_name_for(commune: str) -> str:
    """A file name a commune official recognises, ASCII so every USB stick copes with it."""
    from unicodedata import combining, normalize

    folded = "".join(c for c in normalize("NFD", commune) if not combining(c))
    folded = folded.replace("đ", "d").replace("Đ", "D").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-") or "xa"
    return f"{slug}.rasoat.sqlite"


def split_villages(text: str) -> list[str]:
    """One village per line (commas also accepted); blanks and repeats dropped, order kept."""
    out: list[str] = []
    for part in re.split(r"[\n,;]+", text):
        name = " ".join(nfc(part).split())
        if name and name.casefold() not in {v.casefold() for v in out}:
            out.append(name)
    return out


class FirstRunDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, *, today: date | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Bắt đầu: tạo hoặc mở tệp dữ liệu xã"))
        self.choice: FirstRunChoice | None = None
        today = today or date.today()
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Mỗi xã, phường có một tệp dữ liệu trên máy này. Chọn đơn vị hành chính "
                "(hệ thống hai cấp từ 01/7/2025), nhập các thôn và tên người rà soát."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        layout.addLayout(form)

        self.province = QComboBox()
        make_folding(self.province)
        set_items(self.province, ((unit.name, unit.code) for unit in admin_units.provinces()))
        # Nothing chosen at first: a commune left as the list's first (Hà Nội, Ba Đình) made a
        # file under another commune's name and code without a word.
        self.province.setCurrentIndex(-1)
        form.addRow(self.tr("&Tỉnh/thành phố:"), self.province)

        self.commune = QComboBox()
        make_folding(self.commune)
        form.addRow(self.tr("&Xã/phường/đặc khu:"), self.commune)

        area_row = QHBoxLayout()
        self.rural = QRadioButton(self.tr("&Nông thôn (xã)"))
        self.urban = QRadioButton(self.tr("Thành thị (&phường)"))
        self.rural.setChecked(True)
        area_row.addWidget(self.rural)
        area_row.addWidget(self.urban)
        area_row.addStretch()
        form.addRow(self.tr("Khu vực:"), area_row)

        self.villages = QPlainTextEdit()
        self.villages.setTabChangesFocus(True)
        self.villages.setPlaceholderText(self.tr("Mỗi dòng một thôn, bản, ấp hoặc tổ dân phố"))
        self.villages.setFixedHeight(110)
        form.addRow(self.tr("Thôn/&bản/ấp/tổ dân phố:"), self.villages)

        self.surveyor = QLineEdit()
        self.surveyor.setPlaceholderText(self.tr("Họ và tên"))
        form.addRow(self.tr("Người rà &soát:"), self.surveyor)

        self.year = QSpinBox()
        self.year.setRange(2022, 2030)
        self.year.setValue(min(max(today.year, 2022), 2030))
        form.addRow(self.tr("Năm &rà soát:"), self.year)
        self.standard_choice = StandardChoice(today=today)
        self.standard = self.standard_choice.standard
        self.standard_note = self.standard_choice.note
        form.addRow(self.standard_choice)

        self.path = QLineEdit()
        browse = QPushButton(self.tr("Chọn &khác…"))
        browse.clicked.connect(self._browse_save)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        path_label = QLabel(self.tr("&Lưu tệp tại:"))
        path_label.setBuddy(self.path)
        form.addRow(path_label, path_row)

        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)

        buttons = QDialogButtonBox()
        self.create_button = buttons.addButton(
            self.tr("Tạ&o tệp xã"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.open_button = buttons.addButton(
            self.tr("&Mở tệp có sẵn…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        cancel = buttons.addButton(self.tr("Hủ&y"), QDialogButtonBox.ButtonRole.RejectRole)
        self.create_button.clicked.connect(self._accept_create)
        self.open_button.clicked.connect(self._open_existing)
        cancel.clicked.connect(self.reject)
        layout.addWidget(buttons)

        self.province.currentIndexChanged.connect(self._fill_communes)
        self.commune.currentIndexChanged.connect(self._commune_changed)
        self.province.currentIndexChanged.connect(self._clear_stale_error)
        self.commune.currentIndexChanged.connect(self._clear_stale_error)
        # Each field mended takes its message away (or shows the next one): the villages'
        # message stayed after they were typed.
        self.villages.textChanged.connect(self._clear_stale_error)
        self.surveyor.textChanged.connect(self._clear_stale_error)
        self.path.textChanged.connect(self._clear_stale_error)
        self.year.valueChanged.connect(self.standard_choice.set_year)
        self._fill_communes()
        self.standard_choice.set_year(self.year.value())
        # Within the screen left above a taskbar (a 1024×768 laptop keeps about 728 px).
        screen = self.screen().availableGeometry()
        self.resize(min(680, screen.width()), min(700, screen.height() - 40))

    def _fill_communes(self) -> None:
        code = self.province.currentData()
        self.commune.blockSignals(True)
        self.commune.clear()
        if code is not None:
            set_items(self.commune, ((u.name, u.code) for u in admin_units.communes(int(code))))
        self.commune.setCurrentIndex(-1)  # the officer chooses it, as the province
        self.commune.blockSignals(False)
        self._commune_changed()

    def selected_commune(self) -> admin_units.Unit | None:
        code = self.commune.currentData()
        if code is None or self.commune.currentText() != self.commune.itemText(
            self.commune.currentIndex()
        ):
            return None
        prov = self.selected_province()
        if prov is None:
            return None
        for unit in admin_units.communes(prov.code):
            if unit.code == int(code):
                return unit
        return None

    def selected_province(self) -> admin_units.Unit | None:
        code = self.province.currentData()
        for unit in admin_units.provinces():
            if code is not None and unit.code == int(code):
                return unit
        return None

    def _clear_stale_error(self) -> None:
        # A message goes once what it asked for is given (the next problem shown instead).
        if self.error.text():
            self.error.setText(self.validate())

    def _commune_changed(self) -> None:
        unit = self.selected_commune()
        if unit is None:
            return
        (self.urban if unit.urban else self.rural).setChecked(True)
        self.path.setText(str(paths.data_dir() / file_name_for(unit.name)))

    def _browse_save(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("Lưu tệp xã"), self.path.text(), self.tr("Tệp Rà soát (*.sqlite)")
        )
        if name:
            self.path.setText(name)

    def _open_existing(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("Mở tệp xã"), str(paths.data_dir()), self.tr("Tệp Rà soát (*.sqlite)")
        )
        if name:
            self.choice = FirstRunChoice(path=Path(name), open_path=Path(name))
            self.accept()

    def validate(self) -> str:
        """The first problem as a Vietnamese sentence, or "" when the choice is complete."""
        if self.selected_province() is None:
            return self.tr("Hãy chọn tỉnh/thành phố trong danh sách.")
        if self.selected_commune() is None:
            return self.tr("Hãy chọn xã/phường trong danh sách của tỉnh đã chọn.")
        if not split_villages(self.villages.toPlainText()):
            return self.tr("Hãy nhập ít nhất một thôn (mỗi dòng một thôn).")
        if not nfc(self.surveyor.text()):
            return self.tr("Hãy nhập họ và tên người rà soát.")
        if not self.path.text().strip():
            return self.tr("Hãy chọn nơi lưu tệp.")
        if Path(self.path.text()).exists():
            return self.tr("Đã có tệp này. Chọn tên khác hoặc bấm «Mở tệp có sẵn…».")
        return self.standard_choice.problem()

    def _accept_create(self) -> None:
        problem = self.validate()
        self.error.setText(problem)
        if problem:
            return
        self.choice = FirstRunChoice(
            path=Path(self.path.text().strip()),
            province=self.selected_province(),
            commune=self.selected_commune(),
            area=Area.URBAN if self.urban.isChecked() else Area.RURAL,
            villages=split_villages(self.villages.toPlainText()),
            surveyor=nfc(self.surveyor.text()),
            year=self.year.value(),
            standard_id=self.standard_choice.standard_id(),
            instruction_number=self.standard_choice.instruction()[0],
            instruction_date=self.standard_choice.instruction()[1],
        )
        self.accept()
