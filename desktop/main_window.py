"""The main window: menus, and for the open commune file the household list, the village
meeting, posting and decision, and the dashboard; the household editor opens over them."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.labels import label
from desktop.small_screens import ElidedLabel, ElidingStatusBar, fit_to_screen
from forms.model import Category
from forms.roles import Action, may
from rasoat import APP_NAME, crash

log = logging.getLogger(__name__)
COUNTS_DELAY_MS = 300
# A few seconds after the last save the WAL is checkpointed into the main file, so a copy
# of the .sqlite alone (to a USB stick) holds every save (issue 16).
IDLE_CHECKPOINT_MS = 3000
# The deep check after opening a file (every stored document decoded, issue 16) starts this
# long after the list is shown, so it never competes with the opening itself.
DEEP_CHECK_DELAY_MS = 1500
DEFAULT_SIZE = QSize(1200, 760)
# The tabs beside the household list (index 0), by the name the window gives them.
PAGE_TABS = {"meeting": 1, "posting": 2, "dashboard": 3}


class MainWindow(QMainWindow):
    def __init__(self, store: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("{app} — Rà soát hộ nghèo, hộ cận nghèo").format(app=APP_NAME))
        # Smaller on a smaller screen (1024x768, 1280x720), never past its free area.
        fit_to_screen(self, DEFAULT_SIZE)
        self.menus: dict[str, QMenu] = {}
        self.store: Any = None
        self.bridge: Any = None
        self.list: Any = None
        self._editor: Any = None
        self.tabs: QTabWidget | None = None
        self._pages: dict[str, QWidget] = {}  # the tabs beside the list, once built
        self._build_menus()
        # Messages and the counts per category end in "…" when the window is too narrow for
        # them (the counts alone are 670 px), the whole text in their tooltips; the counts
        # give way to a message.
        self.setStatusBar(ElidingStatusBar(self))
        self.counts = ElidedLabel()
        self.counts.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.statusBar().addPermanentWidget(self.counts, 1)
        # Who is signed in, and as what (a file with users only).
        self.user_label = QLabel()
        self.user_label.setObjectName("signed-in-user")
        self.statusBar().addPermanentWidget(self.user_label)
        self.user_label.hide()
        # Conflicts left by an import wait for the officer: said here until decided. Said
        # nowhere once the import's window was closed, they were forgotten while lists and
        # decisions were printed from this file's versions alone.
        self.conflicts_label = QLabel()
        self.conflicts_label.setObjectName("conflicts-waiting")
        self.conflicts_label.setStyleSheet("color: #b00020; font-weight: bold")
        self.statusBar().addPermanentWidget(self.conflicts_label)
        self.conflicts_label.hide()
        self.locked: Any = None  # the lock's state while the window is locked (desktop.idle_lock)
        from desktop.idle_lock import IdleLock

        self.idle_lock = IdleLock(self)
        from desktop.background_counts import BackgroundCounts

        # The counts per category, counted in a worker (at 100,000 households a search's
        # were 100 ms of CPU on the GUI thread); only the latest one's arrive.
        self.background_counts = BackgroundCounts(self)
        self.background_counts.counted.connect(self._show_counts)
        self.background_counts.failed.connect(self._counts_failed)
        self._deep_timer = QTimer(self)
        self._deep_timer.setSingleShot(True)
        self._deep_timer.setInterval(DEEP_CHECK_DELAY_MS)
        self._deep_timer.timeout.connect(self._start_deep_check)
        self.deep_found: Any = None  # what the check after opening found, once it ended
        self.set_store(store)

    # --- menus ---------------------------------------------------------------------------
    def _build_menus(self) -> None:
        bar = self.menuBar()
        for key, title in (
            ("file", self.tr("&Tệp")),
            ("household", self.tr("&Hộ gia đình")),
            ("report", self.tr("&Báo cáo")),
            ("help", self.tr("Trợ &giúp")),
        ):
            self.menus[key] = bar.addMenu(title)
            # The last commands are what a crash report names (rasoat.crash).
            self.menus[key].triggered.connect(self._command_used)
        self._action("file", self.tr("&Tạo tệp xã mới…"), self.new_commune, "Ctrl+Shift+O")
        self._action(
            "file", self.tr("&Mở tệp xã…"), self.open_commune, QKeySequence.StandardKey.Open
        )
        self.recent_menu = self.menus["file"].addMenu(self.tr("Tệp xã mở &gần đây"))
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        from desktop.users_dialog import open_users_dialog

        settings_action = self._action("file", self.tr("Thiết &lập…"), self._open_settings)
        self.users_action = self._action(
            "file", self.tr("Người dùng &và vai trò…"), lambda: open_users_dialog(self)
        )
        self.switch_user_action = self._action(
            "file", self.tr("Đổi người dùng…"), self.switch_user, "Ctrl+Shift+U"
        )
        from desktop.own_password_dialog import change_own_password

        # Any signed-in user's, a surveyor's too: their own password, the old one asked.
        self.own_password_action = self._action(
            "file", self.tr("Đổi mật khẩu của tôi…"), lambda: change_own_password(self)
        )
        from desktop.new_round_dialog import open_new_round_dialog

        self.new_round_action = self._action(
            "file", self.tr("Kỳ &rà soát mới…"), lambda: open_new_round_dialog(self)
        )
        from desktop.round_choice import open_applications, open_monthly_round

        # A monthly round leaves the household list on the periodic review (issue 24).
        self.monthly_round_action = self._action(
            "file", self.tr("Rà soát thường x&uyên tháng…"), lambda: open_monthly_round(self)
        )
        self.menus["file"].addSeparator()
        from desktop.excel_import_dialog import open_excel_import_dialog
        from desktop.export_dialog import open_export_dialog
        from desktop.import_dialog import open_import_dialog
        from desktop.import_history_dialog import open_import_history_dialog
        from desktop.merge_conflicts_dialog import open_conflicts_dialog

        export = self._action(
            "file", self.tr("Xuất gói &dữ liệu…"), lambda: open_export_dialog(self)
        )
        merge = self._action(
            "file", self.tr("N&hập / gộp gói dữ liệu…"), lambda: open_import_dialog(self)
        )
        conflicts = self._action(
            "file", self.tr("&Xung đột khi gộp…"), lambda: open_conflicts_dialog(self)
        )
        self._action(
            "file", self.tr("Lịch &sử nhập gói…"), lambda: open_import_history_dialog(self)
        )
        from desktop.known_devices_dialog import open_known_devices_dialog

        devices = self._action(
            "file", self.tr("Các máy đã &biết…"), lambda: open_known_devices_dialog(self)
        )
        excel = self._action(
            "file", self.tr("Nhập danh sách từ &Excel…"), lambda: open_excel_import_dialog(self)
        )
        from desktop.backup_now import backup_now
        from desktop.restore_dialog import open_restore_dialog

        self.backup_action = self._action(
            "file", self.tr("Sao lưu ng&ay"), lambda: backup_now(self)
        )
        restore = self._action(
            "file", self.tr("&Khôi phục từ bản sao lưu…"), lambda: open_restore_dialog(self)
        )
        from desktop.encrypt_dialog import open_encrypt_dialog
        from desktop.new_passphrase_dialog import change_file_passphrase

        # One of the two shows: the first on a plain file, the second on an encrypted one.
        self.encrypt_action = self._action(
            "file", self.tr("Mã hoá tệ&p xã…"), lambda: open_encrypt_dialog(self)
        )
        self.file_passphrase_action = self._action(
            "file", self.tr("Đổi mật khẩu tệp xã…"), lambda: change_file_passphrase(self)
        )
        from desktop.file_check_dialog import open_file_check

        self._action("file", self.tr("K&iểm tra tệp dữ liệu…"), lambda: open_file_check(self))
        from desktop.audit_dialog import open_audit_dialog

        self._action("file", self.tr("&Nhật ký thay đổi…"), lambda: open_audit_dialog(self))
        from desktop.person_dialog import open_person_dialog

        person_data = self._action(
            "file", self.tr("Dữ liệu &cá nhân…"), lambda: open_person_dialog(self)
        )
        self.menus["file"].addSeparator()
        self._action("file", self.tr("Th&oát"), self.close, QKeySequence.StandardKey.Quit)
        self.household_actions = [
            self._action("household", self.tr("&Thêm hộ"), self.add_household, "Ctrl+N"),
            self._action("household", self.tr("&Mở hộ đang chọn"), self.open_selected, "Ctrl+E"),
            self._action(
                "household", self.tr("&Xoá hộ đang chọn…"), self.delete_selected, "Ctrl+Del"
            ),
            self._action(
                "household", self.tr("Tìm &hộ"), self.focus_search, QKeySequence.StandardKey.Find
            ),
        ]
        from desktop.low_income_dialog import open_low_income_dialog

        self.household_actions.append(
            self._action(
                "household",
                self.tr("&Người lao động có thu nhập thấp…"),
                lambda: open_low_income_dialog(self),
            )
        )
        self.household_actions.append(
            self._action(
                "household", self.tr("&Giấy đề nghị rà soát…"), lambda: open_applications(self)
            )
        )
        from desktop.cadre_dialog import open_cadre_dialog

        self.household_actions.append(
            self._action(
                "household", self.tr("&Cán bộ phụ trách thôn…"), lambda: open_cadre_dialog(self)
            )
        )
        from desktop.deleted_households_dialog import open_deleted_households

        self.household_actions.append(
            self._action(
                "household", self.tr("&Khôi phục hộ đã xoá…"), lambda: open_deleted_households(self)
            )
        )
        from desktop.legal_basis_dialog import open_legal_basis

        # What each role may not do is disabled, its tooltip saying why (apply_role).
        self.role_actions: list[tuple[QAction, Action]] = [
            (settings_action, Action.SETTINGS),
            (self.users_action, Action.USERS),
            (self.new_round_action, Action.ROUND),
            (self.monthly_round_action, Action.ROUND),
            (export, Action.EXPORT_PACKAGE),
            (merge, Action.IMPORT),
            (conflicts, Action.IMPORT),
            (devices, Action.SETTINGS),
            (excel, Action.IMPORT),
            (restore, Action.RESTORE),
            # One person's data, and purging a deleted household's: the officer's.
            (person_data, Action.PERSON_DATA),
            (self.household_actions[0], Action.EDIT_HOUSEHOLD),
            (self.household_actions[2], Action.DELETE_HOUSEHOLD),
            # Low-income applications and Mẫu 01/04 are received by a surveyor too; the
            # dialogs grey what only the officer decides (forms.roles).
            (self.household_actions[4], Action.RECEIVE_APPLICATION),
            (self.household_actions[5], Action.RECEIVE_APPLICATION),
            (self.household_actions[6], Action.CADRES),
            (self.household_actions[7], Action.DELETE_HOUSEHOLD),  # restores what it deletes
        ]
        self._action("help", self.tr("&Căn cứ pháp lý…"), lambda: open_legal_basis(self))
        self._action("help", self.tr("&Giới thiệu"), self.show_about)
        self._fill_report_menu()

    def _action(self, menu: str, text: str, slot: Any, shortcut: Any = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.menus[menu].addAction(action)
        return action

    @property
    def editor(self) -> Any:
        """The household editor, built the first time it is wanted. Its pages and fields were
        most of what opening a commune cost: built with the window, they froze a new
        commune's first screen for over a second on a busy laptop."""
        if self._editor is None and self.store is not None:
            from desktop.household_editor import HouseholdEditor

            self._editor = HouseholdEditor(self.store)
            self.stack.addWidget(self._editor)
            self._editor.closed.connect(self.show_list)
            self._editor.saved.connect(self._household_saved)
            self._editor.navigate.connect(self.step_household)
        return self._editor

    def drop_editor_of_another_round(self) -> None:
        """The editor fixes its round, standard and Phiếu B2 when it is built; once the file's
        current round is another (Kỳ rà soát mới…, a package bringing a newer review) it is
        built again when next wanted. Kept, it saved this year's answers into last year's
        round, over the result its decision recognised, and left the household unreviewed
        this year. Only an editor with nothing waiting to be saved: callers let it leave
        first."""
        old = self._editor
        if old is None or old.dirty or self.store is None:
            return
        current = self.store.current_round()
        if getattr(old.round, "id", None) == getattr(current, "id", None):
            return
        if self.stack.currentWidget() is old:
            self.stack.setCurrentWidget(self.tabs)
        self.stack.removeWidget(old)
        old.deleteLater()
        self._editor = None

    def _command_used(self, action: QAction) -> None:
        crash.record(self.tr("Lệnh: {c}").format(c=action.text().replace("&", "")))

    def _household_code(self) -> str:
        household = self._editor.household if self._editor is not None else None
        if household is None:
            return ""
        return household.code or self.tr("(hộ mới, chưa có mã)")

    def _household_saved(self, _household_id: str) -> None:
        code = self._household_code()
        crash.record(self.tr("Lưu hộ {c}").format(c=code), household=code, saved=True)

    def _fill_report_menu(self) -> None:
        from desktop.report_runner import fill_report_menu

        try:
            fill_report_menu(self, self.menus["report"])
        except ImportError:  # a build without reports.catalog: the menu says so
            log.warning("reports.catalog is not available", exc_info=True)
            none = QAction(self.tr("(chưa có báo cáo nào)"), self)
            none.setEnabled(False)
            self.menus["report"].addAction(none)
        self.menus["report"].addSeparator()
        upper = QAction(self.tr("Tổng hợp nhiều xã (cấp trên)…"), self)
        upper.triggered.connect(self.show_upper_level)
        self.menus["report"].addAction(upper)

    def show_upper_level(self) -> None:
        from desktop.upper_level_dialog import UpperLevelDialog

        UpperLevelDialog(self).exec()

    # --- the open file -------------------------------------------------------------------
    def set_store(self, store: Any) -> None:
        for action in self.household_actions:
            action.setEnabled(store is not None)
        self.backup_action.setEnabled(store is not None)
        if store is None:
            placeholder = QLabel(
                self.tr("Chưa mở tệp dữ liệu xã. Vào Tệp → Tạo tệp xã mới… hoặc Mở tệp xã…")
            )
            placeholder.setMargin(24)
            self.setCentralWidget(placeholder)
            self.statusBar().showMessage(self.tr("Sẵn sàng"))
            self.apply_role()
            self.update_conflicts_waiting()
            return
        from desktop.household_list import HouseholdList
        from desktop.store_bridge import StoreBridge

        self.store = store
        self._list_stale = False
        self.bridge = StoreBridge(store, self)
        self.list = HouseholdList(store)
        current = store.current_round()
        if current is not None:
            self.list.set_round(str(current.id))
        self.tabs = QTabWidget()
        self.tabs.addTab(self.list, self.tr("Danh sách hộ"))
        # The other tabs are built when first shown or asked for (``_page``): an empty page
        # holds each one's place until then.
        self._pages = {}
        self.tabs.addTab(QWidget(), self.tr("Họp dân bình xét"))
        self.tabs.addTab(QWidget(), self.tr("Niêm yết, khiếu nại, quyết định"))
        self.tabs.addTab(QWidget(), self.tr("Tổng hợp"))
        self.tabs.currentChanged.connect(self._tab_changed)
        self._editor = None  # built when a household is first opened (``editor``)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.tabs)
        self.setCentralWidget(self._with_banners(self.stack, store))
        self.list.open_requested.connect(self.open_household)
        # Counts per category cost more than the list itself on a big commune: they follow a
        # moment after the list, so typing in the search box never waits for them.
        self._counts_timer = QTimer(self)
        self._counts_timer.setSingleShot(True)
        self._counts_timer.setInterval(COUNTS_DELAY_MS)
        self._counts_timer.timeout.connect(self._counts_due)
        self.list.counts_changed.connect(self._counts_timer.start)
        # On a loaded machine the window takes longer than the timer to show: the counts
        # then wait for the list's first paint, and follow it by the timer's delay.
        self.list.first_painted.connect(self._counts_timer.start)
        self.bridge.changed.connect(self._store_changed)
        # A bound method of this window: Qt queues the restart to the GUI thread even when a
        # save is committed elsewhere, so the timer only ever runs on the GUI thread.
        self._idle_timer = QTimer(self)
        self._idle_timer.setSingleShot(True)
        self._idle_timer.setInterval(IDLE_CHECKPOINT_MS)
        self._idle_timer.timeout.connect(self._idle_checkpoint)
        self.bridge.changed.connect(self._restart_idle_timer)
        commune = store.commune()
        self.setWindowTitle(
            self.tr("{commune}, {province} — {app}").format(
                commune=commune.commune_name, province=commune.province_name, app=APP_NAME
            )
        )
        self.statusBar().showMessage(str(getattr(store, "path", "")), 5000)
        self._say_upgraded(store)
        # The counts follow the first paint (at 100,000 households they were 0.2-0.5 s of
        # it); the list's own count is already under it.
        self._counts_timer.start()
        self.apply_role()
        self.update_conflicts_waiting()
        self.list.search.setFocus()

    def _say_upgraded(self, store: Any) -> None:
        """An older file upgraded as it opened: the laptops still on the version that made
        it can no longer open it, which the officer (and the province's IT officer copying
        files between laptops) must know, with where the copy from before is."""
        upgraded = getattr(store, "upgraded", None)
        if upgraded is None:
            return
        self.statusBar().showMessage(upgraded.message, 30_000)
        box = QMessageBox(
            QMessageBox.Icon.Information,
            self.tr("Tệp đã được nâng cấp"),
            upgraded.message,
            parent=self,
        )
        box.setObjectName("upgraded_notice")
        box.open()  # not exec(): the window opens its file first

    def _open_settings(self) -> None:
        from desktop.settings_dialog import open_settings
        from rasoat import settings

        if open_settings(self):
            self.idle_lock.set_minutes(int(settings.get("idle_lock_minutes") or 0))

    # --- users and roles -----------------------------------------------------------------
    def refused(self, action: Action, village: str | None = None) -> str | None:
        """Why the signed-in user may not do ``action`` (None: they may): the Store's own
        rule (``db.users``), asked before offering the command rather than after."""
        store = self.store
        if store is None or not getattr(store, "has_users", False):
            return None
        if store.signed_in is None:
            return self.tr("Hãy đăng nhập (Tệp → Đổi người dùng…).")
        return may(store.signed_in, action, village)

    def apply_role(self) -> None:
        """Disable what the signed-in user's role may not do, each saying why."""
        for action, what in self.role_actions:
            if action in self.household_actions and self.store is None:
                continue  # set_store(None) disabled them: no file
            reason = self.refused(what)
            action.setEnabled(reason is None)
            action.setToolTip(reason or action.text().replace("&", ""))
            action.setStatusTip(reason or "")
        for menu in self.menus.values():
            menu.setToolTipsVisible(True)
        if self.store is not None and self.tabs is not None:
            for name, what in (("meeting", Action.MEETING), ("posting", Action.POSTING)):
                reason = self.refused(what)
                index = PAGE_TABS[name]
                # Still readable (a viewer reads and prints); greyed where it writes. The page
                # not built yet: its place holder, whose state the page takes when built.
                page = self.tabs.widget(index)
                page.setEnabled(reason is None)
                self.tabs.setTabToolTip(index, reason or "")
        self.switch_user_action.setEnabled(bool(self.store and self.store.has_users))
        self.show_user()
        self._sync_file_key_actions()

    def _sync_file_key_actions(self) -> None:
        """Mã hoá tệp xã… on a plain file, Đổi mật khẩu tệp xã… on an encrypted one, both an
        officer's; the demo commune stays plain (fake data, opened without a question)."""
        from db.at_rest import is_encrypted
        from rasoat import paths

        path = Path(self.store.path) if self.store is not None else None
        encrypted = path is not None and is_encrypted(path)
        reason = self.refused(Action.ENCRYPT_FILE)
        if path is not None and path.resolve() == paths.demo_file().resolve():
            reason = self.tr("Xã mẫu (dữ liệu giả) luôn để không mã hoá.")
        self.encrypt_action.setVisible(not encrypted)
        self.encrypt_action.setEnabled(path is not None and reason is None)
        self.file_passphrase_action.setVisible(encrypted)
        self.file_passphrase_action.setEnabled(encrypted and reason is None)
        for action in (self.encrypt_action, self.file_passphrase_action):
            action.setToolTip(reason or action.text().replace("&", ""))
            action.setStatusTip(reason or "")

    def show_user(self) -> None:
        store = self.store
        user = getattr(store, "signed_in", None) if store is not None else None
        self.own_password_action.setEnabled(user is not None)
        if user is None:
            self.user_label.hide()
            self.switch_user_action.setEnabled(bool(store and store.has_users))
            return
        self.user_label.setText(self.tr("Người dùng: {u}").format(u=user.label))
        self.user_label.show()
        self.switch_user_action.setEnabled(True)

    def switch_user(self) -> bool:
        """Tệp → Đổi người dùng…: another user signs in; giving up keeps the one there was."""
        from desktop.sign_in_dialog import ask_sign_in

        if self.store is None or not self.store.has_users:
            return False
        if self._editor is not None and self._editor.dirty:
            self._editor.save()
        if not ask_sign_in(self, self.store, switching=True):
            return False
        self.show_list()
        self.apply_role()
        return True

    def _restart_idle_timer(self, _kind: str = "", _ids: list[str] | None = None) -> None:
        self._idle_timer.start()

    def _idle_checkpoint(self) -> None:
        """Put every save into the main file; say so if the -wal had vanished."""
        if self.store is None:
            return
        notice = self.store.checkpoint()
        from desktop.file_check_dialog import BackgroundCheck

        if any(check.running() for check in self.findChildren(BackgroundCheck)):
            # A check reading the file holds back what a checkpoint may copy: the saves made
            # meanwhile reach the main file at the next try, not only at the next save.
            self._idle_timer.start()
        if notice:
            log.warning("%s", notice)
            self.statusBar().showMessage(notice, 30_000)
            box = QMessageBox(
                QMessageBox.Icon.Warning, self.tr("Tệp nhật ký ghi bị xoá"), notice, parent=self
            )
            box.open()  # not exec(): a timer's slot never blocks

    def _with_banners(self, content: QWidget, store: Any) -> QWidget:
        """Above everything: on the demo commune a line that says so, for as long as it is
        open (a status-bar message went as soon as a menu was hovered); and, hidden until
        the check after opening finds something, the damaged households."""
        from desktop.damage_banner import DamageBanner
        from desktop.file_check_dialog import open_file_check
        from desktop.restore_dialog import open_restore_dialog
        from rasoat import paths

        self.demo_banner = None
        self.damage_banner = DamageBanner(
            lambda: open_file_check(self, self.deep_found),
            lambda: open_restore_dialog(self),
        )
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.damage_banner)
        try:
            is_demo = Path(store.path).resolve() == paths.demo_file().resolve()
        except (OSError, TypeError):
            is_demo = False
        if not is_demo:
            layout.addWidget(content, 1)
            return box
        banner = QLabel(
            self.tr(
                "Đang mở xã mẫu (dữ liệu giả để làm quen). Vào Tệp → Tạo tệp xã mới… để bắt "
                "đầu với xã của bạn."
            )
        )
        banner.setWordWrap(True)
        banner.setStyleSheet("background: #fff4c2; color: #5a4300; padding: 4px 8px;")
        self.demo_banner = banner
        layout.addWidget(banner)
        layout.addWidget(content, 1)
        return box

    def _counts_due(self) -> None:
        if self.list is not None and self.isVisible() and not self.list.painted:
            return  # counted once the list is painted (first_painted starts the timer again)
        self.update_counts()

    def update_counts(self) -> None:
        """Counts the list's households per category in a worker; ``_show_counts`` shows
        them when they arrive (a newer count drops an older one's result)."""
        if self.list is None or self.store is None:
            return
        query = self.list.counts_query()
        # Counts of a search or filter are not the commune's: the line says which it shows
        # (the category filter is not one: the counts are of every category, by design).
        self._counts_filtered = bool(
            query.text.strip()
            or query.village
            or query.transition
            or query.needs_resurvey
            or query.cadre
        )
        self.background_counts.count(Path(self.store.path), query)

    def _show_counts(self, counts: dict[Any, int]) -> None:
        if self.list is None or self.store is None:
            return
        parts = []
        for category in Category:
            n = int(counts.get(category, counts.get(category.value, 0)))
            parts.append(f"{label(category)}: {n}")
        whose = (
            self.tr("Theo danh sách đang lọc")
            if getattr(self, "_counts_filtered", False)
            else self.tr("Cả xã")
        )
        self.counts.setText(f"{whose} — " + "  ·  ".join(parts))

    def _counts_failed(self, exc: BaseException) -> None:
        from desktop.worker import error_text

        self.counts.setText("")
        # SQLite's own words are English and mean nothing to an officer: they go to the log.
        log.warning("counts per category failed: %s", exc)
        self.statusBar().showMessage(
            self.tr("Không đếm được số hộ theo phân loại: {why}").format(
                why=error_text(exc)
                or self.tr("tệp dữ liệu đang bận hoặc không đọc được, sẽ đếm lại khi danh sách đổi")
            ),
            10_000,
        )

    def update_conflicts_waiting(self) -> None:
        """The status bar's count of what imports left to decide (households, certificate
        numbers, applications, cadres), after a file is opened, an import, a decision."""
        count = 0
        if self.store is not None:
            from db.exchange.merge import waiting

            count = waiting(self.store)
        self.conflicts_label.setText(
            self.tr("Còn {count} xung đột chờ quyết định").format(count=count)
        )
        self.conflicts_label.setToolTip(self.tr("Quyết định ở Tệp → Xung đột khi gộp…"))
        self.conflicts_label.setVisible(count > 0)

    def _store_changed(self, kind: str, _ids: list[str]) -> None:
        # The editor saves continuously, the meeting on every vote: refresh the list (and
        # its counts, 80 ms at 100,000 households) lazily, when it is shown again.
        self._list_stale = True
        if self.stack.currentWidget() is self.tabs and self.tabs.currentWidget() is self.list:
            self._refresh_views()
        elif kind == "household" and self._editor is not None:
            # A package merged from the editor (Tệp → Nhập / gộp…) may have changed the
            # household shown: shown again from the file, never saved over it.
            self._editor.refresh_if_changed()

    def _refresh_views(self) -> None:
        self._list_stale = False
        self.list.refresh()
        self._counts_timer.stop()  # counted right now instead
        self.update_counts()

    # --- the tabs beside the list, built when first shown (issue 22) ---------------------
    # At 100,000 households building them before the first paint was about 20-60 ms of the
    # GUI thread's CPU (their modules imported, the meeting's and the posting's widgets);
    # most sessions open a household or two and never show them.
    @property
    def meeting(self) -> Any:
        return self._page("meeting")

    @property
    def posting(self) -> Any:
        return self._page("posting")

    @property
    def dashboard(self) -> Any:
        return self._page("dashboard")

    def _page(self, name: str) -> Any:
        page = self._pages.get(name)
        if page is None:
            page = self._build_page(name)
        return page

    def _build_page(self, name: str) -> QWidget:
        assert self.tabs is not None
        assert self.store is not None
        page: QWidget
        if name == "meeting":
            from desktop.meeting_mode import MeetingMode

            page = MeetingMode(self.store, autoload=False)
        elif name == "posting":
            from desktop.posting_page import PostingPage

            page = PostingPage(self.store, autoload=False)
        else:
            from desktop.dashboard import Dashboard

            page = Dashboard(self.store)
        self._pages[name] = page
        index = PAGE_TABS[name]
        holder = self.tabs.widget(index)
        page.setEnabled(holder.isEnabled())  # the role's state (apply_role)
        title, tip = self.tabs.tabText(index), self.tabs.tabToolTip(index)
        current = self.tabs.currentIndex()
        # In the place holder's place, the same tab still current: nobody hears a change.
        self.tabs.blockSignals(True)
        try:
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, page, title)
            self.tabs.setTabToolTip(index, tip)
            self.tabs.setCurrentIndex(current)
        finally:
            self.tabs.blockSignals(False)
        holder.deleteLater()
        return page

    def _tab_changed(self, index: int) -> None:
        name = next((n for n, i in PAGE_TABS.items() if i == index), None)
        if name is not None and name not in self._pages:
            self._page(name)  # first shown: built now, in its place holder's place
        widget = self.tabs.widget(index) if self.tabs else None
        if self.tabs is not None:
            crash.record(self.tr("Thẻ: {t}").format(t=self.tabs.tabText(index)))
        if widget is self.list:
            if self._list_stale:
                self._refresh_views()
        elif widget is self.dashboard:
            self.dashboard.refresh()
        elif widget is self.meeting:
            if self.meeting.village.count() == 0:
                self.meeting.fill_villages()
            else:
                self.meeting.load()
        elif widget is self.posting:
            self.posting.refresh()

    # --- households ----------------------------------------------------------------------
    def open_household(self, household_id: str) -> bool:
        household = self.store.get_household(household_id)
        if household is None:
            self.statusBar().showMessage(self.tr("Không tìm thấy hộ này (có thể đã bị xoá)."), 5000)
            return False
        self.drop_editor_of_another_round()
        self.editor.open_household(household)
        # Read only where the signed-in user may not edit (a viewer; a surveyor outside their
        # villages): the fields are shown greyed, and the status bar says why.
        reason = self.refused(Action.EDIT_HOUSEHOLD, household.village)
        self.editor.setEnabled(reason is None)
        if reason is not None:
            self.statusBar().showMessage(reason, 10_000)
        self.stack.setCurrentWidget(self.editor)
        self.editor.identity.code.setFocus()
        code = self._household_code()
        crash.record(self.tr("Mở hộ {c}").format(c=code), household=code)
        return True

    def open_selected(self) -> None:
        household_id = self.list.current_id() if self.list else None
        if household_id:
            self.open_household(household_id)

    def add_household(self) -> None:
        self.drop_editor_of_another_round()
        if self.editor is None:
            return
        villages = [v.name for v in self.store.villages()]
        village = self.list.village.currentData() or (villages[0] if villages else "")
        self.editor.setEnabled(True)
        self.editor.new_household(village)
        self.stack.setCurrentWidget(self.editor)
        code = self._household_code()
        crash.record(self.tr("Thêm hộ mới"), household=code)

    def step_household(self, step: int) -> None:
        current = self.editor.household
        if current is None:
            return
        neighbour = self.list.neighbour_id(current.id, step)
        if neighbour:
            self.open_household(neighbour)
        else:
            self.statusBar().showMessage(self.tr("Đã đến đầu/cuối danh sách."), 3000)

    def show_list(self) -> None:
        if self._editor is not None and self.stack.currentWidget() is self._editor:
            crash.record(self.tr("Đóng hộ, về danh sách"), household="")
        self.stack.setCurrentWidget(self.tabs)
        self._refresh_views()
        self.list.view.setFocus()

    def confirm_delete(self, text: str) -> bool:
        from desktop.confirm import confirm_destructive

        return confirm_destructive(
            self,
            self.tr("Xoá hộ"),
            self.tr("Xoá hộ {h} khỏi danh sách?").format(h=text),
            self.tr("&Xoá hộ"),
            self.tr("&Không xoá"),
            self.tr("Hộ đã xoá vẫn được giữ lại: khôi phục ở Hộ gia đình → Khôi phục hộ đã xoá…"),
        )

    def delete_selected(self) -> bool:
        # In the household editor, the member of the focused roster row.
        if self._editor is not None and self.stack.currentWidget() is self._editor:
            if self._editor.identity.roster.remove_focused():
                return True
            self.statusBar().showMessage(
                self.tr("Xoá thành viên: đặt con trỏ vào dòng của thành viên rồi bấm Ctrl+Del."),
                5000,
            )
            return False
        # Only on the list, where the selected household is in sight: on another tab the list's
        # selection is hidden, and Ctrl+Del in the meeting table means its own row.
        on_list = (
            self.tabs is not None
            and self.stack.currentWidget() is self.tabs
            and self.tabs.currentWidget() is self.list
        )
        if self.list is not None and not on_list:
            self.statusBar().showMessage(
                self.tr("Xoá hộ ở thẻ Danh sách hộ: chọn hộ ở đó rồi bấm Ctrl+Del."), 5000
            )
            return False
        household_id = self.list.current_id() if self.list else None
        if not household_id:
            self.statusBar().showMessage(self.tr("Hãy chọn một hộ trong danh sách."), 3000)
            return False
        row = self.list.model.row_at(self.list.view.currentIndex().row())
        if not self.confirm_delete(f"{row.code} — {row.head_name}"):
            return False
        self.store.delete_household(household_id)
        self._refresh_views()
        # A deletion by mistake is taken back there, not by restoring a backup.
        self.statusBar().showMessage(
            self.tr("Đã xoá hộ {code}. Xoá nhầm: Hộ gia đình → Khôi phục hộ đã xoá…").format(
                code=row.code
            ),
            15000,
        )
        return True

    def focus_search(self) -> None:
        if self.list is not None:
            self.stack.setCurrentWidget(self.tabs)
            self.tabs.setCurrentWidget(self.list)
            self.list.search.setFocus()
            self.list.search.selectAll()

    # --- files ---------------------------------------------------------------------------
    def open_commune(self) -> None:
        from rasoat import paths

        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("Mở tệp xã"), str(paths.data_dir()), self.tr("Tệp Rà soát (*.sqlite)")
        )
        if name:
            self.open_path(Path(name))

    def _fill_recent(self) -> None:
        from rasoat import settings

        self.recent_menu.clear()
        for path in settings.recent_files():
            action = self.recent_menu.addAction(str(path))
            action.triggered.connect(lambda _c=False, p=path: self.open_path(p))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction(self.tr("(chưa có)")).setEnabled(False)

    def open_path(self, path: Path) -> bool:
        from desktop.commune_file import needs_deferred_check, open_store
        from desktop.passphrase_dialog import open_unlocked

        if not self.editor_may_leave():
            return False
        try:
            # An encrypted file: its passphrase (or recovery key) asked until it opens it;
            # giving up leaves the window as it was.
            opened = open_unlocked(self, Path(path), lambda key: open_store(path, key))
        except Exception as exc:
            message = getattr(exc, "message", "") or self.tr("Không mở được tệp {p}.").format(
                p=path
            )
            log.exception("opening %s failed", path)
            QMessageBox.warning(self, self.tr("Không mở được tệp"), message)
            return False
        if opened is None:
            self.statusBar().showMessage(
                self.tr("Chưa nhập mật khẩu: tệp {p} không được mở.").format(p=Path(path).name),
                10_000,
            )
            return False
        store, unlocked = opened
        if store.has_users:
            from desktop.sign_in_dialog import ask_sign_in

            if not ask_sign_in(self, store):
                store.close()
                self.statusBar().showMessage(
                    self.tr("Chưa đăng nhập: tệp {p} không được mở.").format(p=Path(path).name),
                    10_000,
                )
                return False
        self._close_store()
        self.set_store(store)
        crash.record(self.tr("Mở tệp xã"), file=Path(path).name, household="")
        if unlocked is not None and unlocked.recovery is not None:
            from desktop.new_passphrase_dialog import offer_new_passphrase

            offer_new_passphrase(self, Path(path), unlocked.key, unlocked.recovery)
        # Every file is opened without its page check, which runs here in a worker: the
        # check reads every page (2-3 s at 10,000 households, twice that encrypted, where
        # each page is decrypted and its HMAC checked), the list needs a few of them.
        large = needs_deferred_check(path)
        self._check_behind(Path(path), large)
        if large:
            self.statusBar().showMessage(self.tr("Đang kiểm tra tệp dữ liệu lớn ở chế độ nền…"))
        return True

    def _check_behind(self, path: Path, say: bool) -> None:
        """The open file's page check in a worker (``desktop.integrity_check``); ``say``: its
        "no damage" in the status bar."""
        from desktop.integrity_check import start_integrity_check

        check = start_integrity_check(self, path)
        check.damaged.connect(lambda message: self._file_damaged(message, path))
        check.missing.connect(
            lambda message: self._file_damaged(message, path, self.tr("Không tìm thấy tệp dữ liệu"))
        )
        check.unwritable.connect(
            lambda message: self._file_damaged(
                message, path, self.tr("Tệp dữ liệu nằm ở nơi chỉ cho đọc")
            )
        )
        check.done.connect(lambda: self._check_done(path, say))

    def _is_open(self, path: Path) -> bool:
        """Whether ``path`` is still the window's file (a check started for a file closed
        since must not touch the one open now)."""
        return self.store is not None and Path(self.store.path) == path

    def _check_done(self, path: Path, say: bool = True) -> None:
        if self._is_open(path):
            if say:
                self.statusBar().showMessage(
                    self.tr("Đã kiểm tra tệp dữ liệu: không có lỗi."), 10_000
                )
            self._deep_timer.start()  # then the documents, as for any file

    def _start_deep_check(self) -> None:
        """Every stored document decoded in a worker (the pages were checked on opening):
        a household whose record no longer decodes is named in the banner, nothing else."""
        from desktop.file_check_dialog import BackgroundCheck

        if self.store is None:
            return
        self.deep_found = None
        BackgroundCheck(
            self,
            Path(self.store.path),
            done=self._deep_check_found,
            failed=self._deep_check_failed,
            pages=False,
            name="deep-check-after-open",
        )

    def _deep_check_found(self, found: Any) -> None:
        if self.store is None:
            return
        self.deep_found = found
        problems, bad = found
        if problems or bad:
            log.error("the check after opening found damage: %s %s", problems[:5], bad[:20])
            self.damage_banner.show_found(Path(self.store.path).name, problems, bad)

    def _deep_check_failed(self, exc: BaseException) -> None:
        from desktop.worker import failure_text

        # SQLite's or the system's English words go to the log only.
        log.error("the check after opening could not run", exc_info=exc)
        if self.store is not None:
            self.statusBar().showMessage(
                self.tr("Không kiểm tra được tệp {name}: {why}").format(
                    name=Path(self.store.path).name, why=failure_text(exc)
                ),
                30_000,
            )

    def _file_damaged(self, message: str, path: Path | None = None, title: str = "") -> None:
        """The deferred check failed: close the file (nothing more is written to it) and say
        how to restore it, as opening a damaged commune file says; or, ``title`` saying so,
        the file is no longer where it was opened (a stick pulled out), said as missing, or
        cannot be read where it lies, a place that cannot be written (``ReadOnlyPlace``)."""
        if path is not None and not self._is_open(path):
            return
        log.error("deferred integrity check failed: %s", message)
        self._close_store()
        self.set_store(None)
        label = QLabel(message)
        label.setWordWrap(True)
        label.setMargin(24)
        label.setStyleSheet("color: #b3261e;")
        self.setCentralWidget(label)
        self.damaged_message = message
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            title or self.tr("Tệp dữ liệu bị hỏng"),
            message,
            parent=self,
        )
        box.open()  # not exec(): the check ends at any moment, never block inside a slot

    def new_commune(self) -> None:
        from desktop.commune_file import create_from_choice
        from desktop.first_run_dialog import FirstRunDialog

        if not self.editor_may_leave():
            return
        dialog = FirstRunDialog(self)
        if not dialog.exec() or dialog.choice is None:
            return
        if dialog.choice.open_path is not None:
            self.open_path(dialog.choice.open_path)
            return
        try:
            store = create_from_choice(dialog.choice)
        except Exception as exc:
            log.exception("creating a commune file failed")
            QMessageBox.warning(
                self,
                self.tr("Không tạo được tệp"),
                getattr(exc, "message", "") or self.tr("Không tạo được tệp xã (đã ghi nhật ký)."),
            )
            return
        self._close_store()
        self.set_store(store)
        from desktop.users_dialog import offer_first_officer

        # The optional step "Tạo người dùng": a shared laptop gets its first officer now.
        offer_first_officer(self, dialog.choice.surveyor)

    def _close_store(self) -> None:
        from desktop.backup_now import finish_backup

        finish_backup(self)  # a backup made now finished first, not removed by the close's
        # A pending recount would otherwise run against the closed store.
        if self.list is not None:
            self._counts_timer.stop()
            self._idle_timer.stop()
        # A count still reading the file: interrupted and waited for (its connection would
        # keep the close from emptying the -wal), and nothing it counted shown.
        self.background_counts.stop()
        dashboard: Any = self._pages.get("dashboard")
        if dashboard is not None:
            dashboard.stop()  # its counts too, for the same reason
        # A check still reading the file would keep the close from emptying its -wal.
        from desktop.file_check_dialog import stop_checks

        self._deep_timer.stop()
        stop_checks(self)
        self.deep_found = None  # what it found was about this file
        if self._editor is not None and self._editor.dirty:
            self._editor.save()
        if self.bridge is not None:
            self.bridge.detach()
            self.bridge = None
        if self.store is not None:
            try:
                self.store.close()
            except Exception as exc:
                log.exception("closing the store failed")
                # The file is closed and its saves are safe; only its backup failed (a full
                # disk, a removed stick) or found damaged households: the officer must know.
                message = getattr(exc, "message", "")
                if message:
                    QMessageBox.warning(self, self.tr("Chưa sao lưu được"), message)
        self.store = None

    def editor_may_leave(self) -> bool:
        """Whether the household being edited may be left (``HouseholdEditor.may_leave``):
        asked before the window closes or another file takes its place."""
        return self._editor is None or self._editor.may_leave()

    def closeEvent(self, event: Any) -> None:
        if not self.editor_may_leave():
            event.ignore()
            return
        self._close_store()
        super().closeEvent(event)

    def show_about(self) -> None:
        from desktop.about_dialog import AboutDialog

        AboutDialog(self).exec()
