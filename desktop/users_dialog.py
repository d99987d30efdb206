"""Thiết lập → Người dùng…: who may use this commune file and as what (issue 20 item 2).
An officer adds users, disables them (never deletes: the log names them) and resets a
forgotten password; in a file without users the first one made is the commune officer."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from forms.roles import ROLE_NAMES, Action, Role, may


class NewUserDialog(QDialog):
    """Name, display name, role, villages (a surveyor's), password twice."""

    def __init__(
        self, store: Any, *, first: bool, parent: QWidget | None = None, skippable: bool = False
    ) -> None:
        """``skippable``: offered right after a commune file is created, Hủy reads Bỏ qua."""
        super().__init__(parent)
        self.store = store
        self.setWindowTitle(
            self.tr("Tạo cán bộ xã đầu tiên") if first else self.tr("Thêm người dùng")
        )
        self.name = QLineEdit()
        self.display = QLineEdit()
        self.role = QComboBox()
        for role in (Role.OFFICER, Role.SURVEYOR, Role.VIEWER) if not first else (Role.OFFICER,):
            self.role.addItem(ROLE_NAMES[role], role.value)
        self.villages = QListWidget()
        for village in store.villages():
            item = QListWidgetItem(village.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.villages.addItem(item)
        self.villages.setMaximumHeight(110)
        self.villages.setToolTip(
            self.tr(
                "Điều tra viên chỉ nhập, sửa hộ ở các thôn được đánh dấu; không đánh dấu "
                "thôn nào: mọi thôn."
            )
        )
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setWordWrap(True)
        self.error.hide()
        form = QFormLayout()
        form.addRow(self.tr("&Tên đăng nhập"), self.name)
        form.addRow(self.tr("&Họ tên"), self.display)
        form.addRow(self.tr("&Vai trò"), self.role)
        form.addRow(self.tr("Thôn được &giao"), self.villages)
        form.addRow(self.tr("&Mật khẩu"), self.password)
        form.addRow(self.tr("&Nhập lại mật khẩu"), self.again)
        self.role.currentIndexChanged.connect(self._role_changed)
        self._role_changed()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Tạ&o"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(
            self.tr("&Bỏ qua") if skippable else self.tr("Hủy")
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if first:
            text = self.tr(
                "Người dùng đầu tiên là cán bộ xã. Từ đó, mỗi lần mở tệp xã phải đăng "
                "nhập, và cán bộ xã tạo tài khoản cho điều tra viên và người xem."
            )
            if skippable:
                text += " " + self.tr(
                    "Máy chỉ một người dùng thì có thể bỏ qua bước này và tạo sau (Tệp → "
                    "Người dùng và vai trò…)."
                )
            note = QLabel(text)
            note.setWordWrap(True)
            layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.name.setFocus()

    def _role_changed(self) -> None:
        self.villages.setEnabled(self.role.currentData() == Role.SURVEYOR)

    def chosen_villages(self) -> list[str]:
        if self.role.currentData() != Role.SURVEYOR:
            return []
        return [
            self.villages.item(i).text()
            for i in range(self.villages.count())
            if self.villages.item(i).checkState() == Qt.CheckState.Checked
        ]

    def accept(self) -> None:
        from db import users
        from db.errors import StoreError

        if self.password.text() != self.again.text():
            self._say(self.tr("Hai lần nhập mật khẩu không giống nhau."))
            return
        try:
            users.add_user(
                self.store,
                self.name.text(),
                self.display.text(),
                Role(self.role.currentData()),
                self.password.text(),
                self.chosen_villages(),
            )
        except StoreError as exc:
            self._say(exc.message)
            return
        super().accept()

    def _say(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()


class UsersDialog(QDialog):
    def __init__(self, store: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setWindowTitle(self.tr("Người dùng"))
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Tên đăng nhập"),
                self.tr("Họ tên"),
                self.tr("Vai trò"),
                self.tr("Thôn được giao"),
                self.tr("Trạng thái"),
            ]
        )
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.add_button = QPushButton(self.tr("&Thêm người dùng…"))
        self.add_button.clicked.connect(self.add_user)
        self.disable_button = QPushButton(self.tr("&Ngừng sử dụng"))
        self.disable_button.clicked.connect(self.disable_selected)
        self.reset_button = QPushButton(self.tr("Đặt &lại mật khẩu…"))
        self.reset_button.clicked.connect(self.reset_selected)
        row = QHBoxLayout()
        for b in (self.add_button, self.disable_button, self.reset_button):
            row.addWidget(b)
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Đóng"))
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(close)
        self.resize(700, 360)
        self.refresh()

    def refresh(self) -> None:
        from db import users

        people = users.list_users(self.store)
        self.table.setRowCount(len(people))
        for i, u in enumerate(people):
            cells = [
                u.name,
                u.display_name,
                ROLE_NAMES[u.role],
                ", ".join(u.villages) if u.role == Role.SURVEYOR and u.villages else "",
                self.tr("Ngừng sử dụng") if u.disabled else self.tr("Đang dùng"),
            ]
            for j, text in enumerate(cells):
                self.table.setItem(i, j, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        if not people:
            self.intro.setText(
                self.tr(
                    "Tệp xã này chưa có người dùng: ai mở máy cũng làm được mọi việc. "
                    "Tạo cán bộ xã đầu tiên để mỗi lần mở tệp phải đăng nhập."
                )
            )
            self.add_button.setText(self.tr("&Tạo cán bộ xã đầu tiên…"))
            refused = None
        else:
            self.intro.setText(
                self.tr(
                    "Cán bộ xã thêm người dùng, ngừng sử dụng và đặt lại mật khẩu. Người "
                    "dùng không bị xoá: nhật ký thay đổi vẫn ghi tên họ."
                )
            )
            self.add_button.setText(self.tr("&Thêm người dùng…"))
            refused = (
                may(self.store.signed_in, Action.USERS)
                if self.store.signed_in
                else (self.tr("Hãy đăng nhập bằng tài khoản cán bộ xã."))
            )
        for b in (self.add_button, self.disable_button, self.reset_button):
            b.setEnabled(refused is None)
            b.setToolTip(refused or "")
        if not people:
            self.disable_button.setEnabled(False)
            self.reset_button.setEnabled(False)

    def _selected(self) -> str | None:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        return item.text() if item is not None else None

    def add_user(self) -> bool:
        from db import users

        first = not users.exist(self.store.conn)
        done = NewUserDialog(self.store, first=first, parent=self).exec()
        self.refresh()
        return done == QDialog.DialogCode.Accepted

    def disable_selected(self) -> None:
        from db import users
        from db.errors import StoreError

        name = self._selected()
        if name is None:
            return
        try:
            users.disable_user(self.store, name)
        except StoreError as exc:
            QMessageBox.warning(self, self.tr("Người dùng"), exc.message)
        self.refresh()

    def reset_selected(self) -> None:
        from db import users
        from db.errors import StoreError
        from desktop.sign_in_dialog import SignInDialog

        name = self._selected()
        if name is None:
            return

        def set_new(_name: str, password: str) -> str | None:
            try:
                users.set_password(self.store, name, password)
            except StoreError as exc:
                return exc.message
            return None

        dialog = SignInDialog(
            set_new,
            fixed_name=name,
            title=self.tr("Đặt lại mật khẩu"),
            prompt=self.tr("Mật khẩu mới cho {n}:").format(n=name),
            parent=self,
        )
        dialog.ok.setText(self.tr("Đặt &mật khẩu"))
        dialog.exec()


def offer_first_officer(window: Any, display_name: str = "") -> bool:
    """Right after a commune file is created (Tệp → Tạo tệp xã mới…): the optional step
    "Tạo người dùng", the first commune officer, which can be skipped. True when made (and
    signed in)."""
    store = getattr(window, "store", None)
    if store is None or store.has_users:
        return False
    dialog = NewUserDialog(store, first=True, parent=window, skippable=True)
    # Filed under the dialog's own class, as its self.tr() texts are (the extractor reads
    # the context from the call, not from the object).
    dialog.setWindowTitle(
        QCoreApplication.translate("NewUserDialog", "Tạo người dùng: cán bộ xã đầu tiên")
    )
    dialog.display.setText(display_name)
    made = dialog.exec() == QDialog.DialogCode.Accepted
    if made and hasattr(window, "apply_role"):
        window.apply_role()
    return made


def open_users_dialog(parent: Any) -> None:
    store = getattr(parent, "store", None)
    if store is None:
        return
    UsersDialog(store, parent).exec()
    if hasattr(parent, "apply_role"):
        parent.apply_role()
