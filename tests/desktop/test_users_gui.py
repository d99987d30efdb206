"""Users, roles and the idle lock in the window (issue 20 item 2): signing in when a file
has users, what each role may not do disabled with the reason, switching user, and the
lock hiding everything and giving back unsaved input."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from db import users
from db.store import Store
from desktop.idle_lock import lock
from desktop.main_window import MainWindow
from desktop.sign_in_dialog import SignInDialog
from forms.roles import Role
from tests.desktop.conftest import poor_household

PASS = "mat-khau-9x"


@pytest.fixture
def with_users(commune_path: Path) -> Path:
    with Store.open(commune_path, user="máy", device="test") as s:
        users.add_user(s, "thu", "Hoàng Văn Thụ", Role.OFFICER, PASS)
        users.add_user(s, "mai", "Lò Thị Mai", Role.SURVEYOR, PASS, ["Thôn Nà Lầu"])
        users.add_user(s, "xem", "Vàng A Páo", Role.VIEWER, PASS)
        s.save_household(poor_household("KP-01", "Bản Khuổi Phìn"))
    return commune_path


def _when_modal(qtbot: QtBot, act: Callable[[Any], None]) -> None:
    """Run ``act`` on the next modal dialog, once it is shown (exec() blocks the test)."""

    def step() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, step)
            return
        act(dialog)

    QTimer.singleShot(0, step)


def _type_and_enter(qtbot: QtBot, dialog: Any, name: str | None, password: str) -> None:
    if name is not None:
        dialog.name.clear()
        qtbot.keyClicks(dialog.name, name)
    qtbot.keyClicks(dialog.password, password)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)


def _open_as(qtbot: QtBot, path: Path, name: str) -> MainWindow:
    window = MainWindow()
    qtbot.addWidget(window)
    seen: dict[str, str] = {}

    def sign_in(dialog: Any) -> None:
        assert isinstance(dialog, SignInDialog)
        _type_and_enter(qtbot, dialog, name, "sai-mat-khau")
        # Still there, saying so without telling which part was wrong.
        seen["error"] = dialog.error.text()
        assert dialog.isVisible()
        _type_and_enter(qtbot, dialog, None, PASS)

    _when_modal(qtbot, sign_in)
    assert window.open_path(path)
    assert seen["error"] == users.WRONG
    return window


def test_a_file_with_users_asks_who_is_there(qtbot: QtBot, app: Any, with_users: Path) -> None:
    window = _open_as(qtbot, with_users, "mai")
    assert window.store.signed_in.name == "mai"
    assert window.user_label.text() == "Người dùng: Lò Thị Mai (Điều tra viên)"
    # The surveyor's refusals are disabled beforehand, each saying why.
    assert not window.new_round_action.isEnabled()
    assert "không được mở kỳ rà soát" in window.new_round_action.toolTip()
    assert not window.users_action.isEnabled()
    assert not window.meeting.isEnabled()
    assert "ghi kết quả họp dân" in window.tabs.tabToolTip(window.tabs.indexOf(window.meeting))
    assert window.household_actions[0].isEnabled()  # Thêm hộ
    # A household outside her villages opens read-only, the status bar saying why.
    household = window.store.household_by_code("KP-01")
    assert window.open_household(household.id)
    assert not window.editor.isEnabled()
    assert "chỉ được nhập, sửa hộ gia đình ở Thôn Nà Lầu" in window.statusBar().currentMessage()
    # Giving up the sign-in leaves the file closed.
    other = MainWindow()
    qtbot.addWidget(other)
    _when_modal(qtbot, lambda d: d.reject())
    assert not other.open_path(with_users)
    assert other.store is None


def test_switching_user_changes_what_is_offered(qtbot: QtBot, app: Any, with_users: Path) -> None:
    window = _open_as(qtbot, with_users, "xem")
    assert not window.household_actions[0].isEnabled()
    assert "chỉ" not in window.household_actions[0].toolTip()
    assert "người xem" in window.household_actions[0].toolTip()
    # The workbook sent up is printed by any role, its ID numbers only by the officer.
    assert not window.exchange_identity.isEnabled()
    assert "xuất dữ liệu lên cấp trên" in window.exchange_identity.toolTip()
    _when_modal(qtbot, lambda d: _type_and_enter(qtbot, d, "thu", PASS))
    assert window.switch_user()
    assert window.store.user == "thu"
    assert window.new_round_action.isEnabled()
    assert window.exchange_identity.isEnabled()
    assert window.users_action.isEnabled()
    assert window.meeting.isEnabled()
    assert "Cán bộ xã" in window.user_label.text()
    # A disabled user cannot sign in: the switch is given up, the officer stays.
    users.disable_user(window.store, "mai")

    def refused(dialog: Any) -> None:
        _type_and_enter(qtbot, dialog, "mai", PASS)
        assert "ngừng sử dụng" in dialog.error.text()
        dialog.reject()

    _when_modal(qtbot, refused)
    assert not window.switch_user()
    assert window.store.user == "thu"


def test_lock_hides_everything_and_unlock_gives_back_unsaved_input(
    qtbot: QtBot, app: Any, with_users: Path, tmp_path: Path
) -> None:
    window = _open_as(qtbot, with_users, "thu")
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    window.add_household()
    code = window.editor.identity.code
    code.setFocus()
    code.clear()
    qtbot.keyClicks(code, "HO-CHUA-LUU")
    title = window.windowTitle()
    assert "Thượng Lâm" in title
    # The idle timer itself: an app-wide event filter restarts it, its timeout locks.
    window.idle_lock.timer.setInterval(30)
    window.idle_lock.minutes = 1
    window.idle_lock.timer.start()
    qtbot.waitUntil(lambda: window.locked is not None)
    window.idle_lock.set_minutes(0)  # not again right after the unlock
    # The cover asks, on the window itself: the password field focused, the user named.
    dialog = window.locked.dialog
    assert isinstance(dialog, SignInDialog)
    assert window.centralWidget().isAncestorOf(dialog)
    assert "Hoàng Văn Thụ" in dialog.prompt.text()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.password)
    # The window's commands are off: Ctrl+N opens no new household under the cover.
    assert not window.household_actions[0].isEnabled()
    assert not window.editor.isVisible()
    assert not window.list.isVisible()
    assert window.centralWidget().objectName() == "lock-cover"
    assert "Thượng Lâm" not in window.windowTitle()
    assert not window.menuBar().isEnabled()
    window.grab().save(str(tmp_path / "locked.png"))
    # Esc does not unlock; a wrong password says so.
    qtbot.keyClick(dialog.password, Qt.Key.Key_Escape)
    assert window.locked is not None
    _type_and_enter(qtbot, dialog, None, "khong-dung")
    assert dialog.error.text() == "Mật khẩu không đúng."
    assert window.locked is not None
    _type_and_enter(qtbot, dialog, None, PASS)
    assert window.locked is None
    assert window.windowTitle() == title
    assert window.editor.isVisible()
    assert window.editor.identity.code.text() == "HO-CHUA-LUU"
    assert window.household_actions[0].isEnabled()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.editor.identity.code)


def test_nothing_to_check_against_means_no_lock(qtbot: QtBot, app: Any, commune_path: Path) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    assert window.open_path(commune_path)
    assert not lock(window)
    assert window.locked is None
    assert window.user_label.isHidden()


def test_year_round_screens_grey_what_the_role_may_not_do(
    qtbot: QtBot, app: Any, with_users: Path
) -> None:
    """A surveyor receives applications and records support in her villages; the monthly
    round, outcomes and cadres are greyed, each saying why (issue 20 item 2, issue 24)."""
    from desktop.applications_dialog import ApplicationsDialog
    from desktop.cadre_dialog import CadreDialog
    from desktop.low_income_dialog import LowIncomeDialog

    with Store.open(with_users, user="máy", device="test") as s:
        users.sign_in(s, "thu", PASS)
        s.save_household(poor_household("NL-01", "Thôn Nà Lầu"))
    window = _open_as(qtbot, with_users, "mai")
    assert not window.monthly_round_action.isEnabled()
    assert "không được mở kỳ rà soát" in window.monthly_round_action.toolTip()
    assert window.household_actions[4].isEnabled()  # người lao động thu nhập thấp
    assert window.household_actions[5].isEnabled()  # giấy đề nghị
    assert not window.household_actions[6].isEnabled()  # cán bộ phụ trách thôn
    assert "phân công cán bộ phụ trách" in window.household_actions[6].toolTip()
    apps = ApplicationsDialog(window.store, window)
    qtbot.addWidget(apps)
    assert apps.add_button.isEnabled()
    assert not apps.round_button.isEnabled()
    assert "không được mở kỳ rà soát" in apps.round_button.toolTip()
    workers = LowIncomeDialog(window.store, window)
    qtbot.addWidget(workers)
    assert workers.add_button.isEnabled()
    assert not workers.accept_button.isEnabled()
    assert "không được xét, công nhận" in workers.refuse_button.toolTip()
    cadres = CadreDialog(window.store, window)
    qtbot.addWidget(cadres)
    assert "phân công cán bộ phụ trách" in cadres.error.text()
    # Her household's support page: support recorded, the cadre greyed; outside her
    # villages the whole editor is read-only already.
    assert window.open_household(window.store.household_by_code("NL-01").id)
    page = window.editor.support
    page.refresh()
    assert page.add_button.isEnabled()
    assert not page.cadre_button.isEnabled()
    assert "phân công cán bộ phụ trách" in page.cadre_name.toolTip()


def test_one_person_s_data_is_the_officer_s(qtbot: QtBot, app: Any, with_users: Path) -> None:
    """Tệp → Dữ liệu cá nhân… was offered to every role, its purge button enabled for a
    surveyor although refused underneath: greyed, each saying why (issue 20)."""
    from desktop.person_dialog import PersonDialog

    with Store.open(with_users, user="máy", device="test") as s:
        users.sign_in(s, "thu", PASS)
        gone = poor_household("KP-02", "Bản Khuổi Phìn")
        s.save_household(gone)
        s.delete_household(gone.id)
    window = _open_as(qtbot, with_users, "mai")
    (menu,) = [a for a, _ in window.role_actions if "cá nhân" in a.text()]
    assert not menu.isEnabled()
    assert "không được tra cứu dữ liệu cá nhân của một người" in menu.toolTip()
    dialog = PersonDialog(window.store, window)
    qtbot.addWidget(dialog)
    dialog.deleted_table.selectRow(0)
    for widget, what in (
        (dialog.find_button, "tra cứu dữ liệu cá nhân"),
        (dialog.query, "tra cứu dữ liệu cá nhân"),
        (dialog.print_button, "tra cứu dữ liệu cá nhân"),
        (dialog.erase_button, "xoá dữ liệu cá nhân của một người"),
        (dialog.purge_button, "xoá hẳn dữ liệu cá nhân của hộ"),
    ):
        assert not widget.isEnabled(), what
        assert what in widget.toolTip()
    _when_modal(qtbot, lambda d: _type_and_enter(qtbot, d, "thu", PASS))
    assert window.switch_user()
    assert menu.isEnabled()
    officer = PersonDialog(window.store, window)
    qtbot.addWidget(officer)
    officer.deleted_table.selectRow(0)
    assert officer.purge_button.isEnabled()
    assert officer.find_button.isEnabled()
    assert officer.purge_button.toolTip() == ""


def test_a_dialog_open_at_lock_time_is_covered_and_asked_above(
    qtbot: QtBot, app: Any, with_users: Path
) -> None:
    """A modal dialog blocks the window's own input: the password is asked above it."""
    from PySide6.QtWidgets import QDialog

    window = _open_as(qtbot, with_users, "thu")
    window.show()
    other = QDialog(window)
    other.setWindowModality(Qt.WindowModality.ApplicationModal)
    other.open()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is other)
    assert lock(window)
    dialog = window.locked.dialog
    assert dialog.isWindow()
    assert QApplication.activeModalWidget() is dialog
    _type_and_enter(qtbot, dialog, None, PASS)
    assert window.locked is None
    assert other.isVisible()
    other.reject()


def test_a_surveyor_changes_her_own_password(qtbot: QtBot, app: Any, with_users: Path) -> None:
    """Tệp → Đổi mật khẩu của tôi…: the current password asked first."""
    window = _open_as(qtbot, with_users, "mai")
    assert window.own_password_action.isEnabled()
    new = "mat-khau-moi-7"

    def change(dialog: Any) -> None:
        qtbot.keyClicks(dialog.old, "khong-dung-dau")
        qtbot.keyClicks(dialog.new, new)
        qtbot.keyClicks(dialog.again, new)
        qtbot.keyClick(dialog.again, Qt.Key.Key_Return)
        assert "hiện tại không đúng" in dialog.error.text()
        assert dialog.isVisible()
        dialog.old.clear()
        qtbot.keyClicks(dialog.old, PASS)
        qtbot.keyClick(dialog.again, Qt.Key.Key_Return)

    _when_modal(qtbot, change)
    window.own_password_action.trigger()
    assert "Đã đổi mật khẩu của Lò Thị Mai" in window.statusBar().currentMessage()
    with Store.open(with_users, user="máy", device="test") as s:
        assert users.sign_in(s, "mai", new).name == "mai"
        with pytest.raises(users.SignInFailed):
            users.sign_in(s, "mai", PASS)


def test_the_settings_name_is_not_the_history_s_on_a_file_with_users(
    qtbot: QtBot, app: Any, with_users: Path, tmp_path: Path
) -> None:
    """Thiết lập's 'Người rà soát' is greyed, saying the history names the signed-in user;
    a document printed from the window names her too, not the settings' name."""
    from desktop.report_runner import build_report
    from desktop.settings_dialog import SettingsDialog

    window = _open_as(qtbot, with_users, "mai")
    dialog = SettingsDialog(window)
    qtbot.addWidget(dialog)
    name = dialog.editors["surveyor_name"]
    assert not name.isEnabled()
    assert "người đang đăng nhập (mai)" in name.toolTip()
    build_report(with_users, "final_list", tmp_path / "ds.pdf", "pdf", None, print, user="mai")
    with Store.open(with_users, user="máy", device="test") as s:
        last = "SELECT user FROM audit WHERE tbl = 'events' ORDER BY id DESC LIMIT 1"
        printed_by = s.conn.execute(last).fetchone()[0]
    assert printed_by == "mai"


def test_a_new_commune_offers_its_first_officer(qtbot: QtBot, app: Any, commune_path: Path) -> None:
    """Right after Tạo tệp xã mới…: the optional step 'Tạo người dùng', an officer only,
    the name typed in the first-run dialog already there; Bỏ qua leaves a file without users."""
    from PySide6.QtWidgets import QDialogButtonBox

    from desktop.users_dialog import offer_first_officer

    window = MainWindow()
    qtbot.addWidget(window)
    assert window.open_path(commune_path)

    def skip(dialog: Any) -> None:
        cancel = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Cancel)
        assert cancel.text() == "&Bỏ qua"
        cancel.click()  # the keyboard's Alt+B: the long session

    _when_modal(qtbot, skip)
    assert not offer_first_officer(window, "Hoàng Văn Thụ")
    assert not window.store.has_users

    def make(dialog: Any) -> None:
        assert [dialog.role.itemData(i) for i in range(dialog.role.count())] == ["officer"]
        assert dialog.display.text() == "Hoàng Văn Thụ"
        qtbot.keyClicks(dialog.name, "thu")
        qtbot.keyClicks(dialog.password, PASS)
        qtbot.keyClicks(dialog.again, PASS)
        qtbot.keyClick(dialog.again, Qt.Key.Key_Return)

    _when_modal(qtbot, make)
    assert offer_first_officer(window, "Hoàng Văn Thụ")
    assert window.store.signed_in.name == "thu"
    assert window.user_label.text() == "Người dùng: Hoàng Văn Thụ (Cán bộ xã)"
    assert not offer_first_officer(window)  # offered only to a file without users
