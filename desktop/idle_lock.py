"""The idle lock (issue 20 items 1 and 2): after ``idle_lock_minutes`` (Thiết lập; 0 never)
without a key press or a mouse movement anywhere in the app, the main window hides every
household behind a lock screen and asks the password again.

Idleness is seen by an event filter on the application (every window and dialog) and a
single-shot QTimer restarted by each input event; no thread. What is asked: the signed-in
user's password in a file with users, else the commune passphrase of an encrypted file
(``db.at_rest.check_passphrase``); a plain file without users has nothing to check a
password against, so it is not locked (docs/privacy.md).

Locking takes the window's content out (``takeCentralWidget``: the list and the editor,
with its unsaved input, are kept whole but are no longer on screen), puts a cover in its
place, names no commune in the title, turns the window's commands off (their shortcuts
too), hides the status bar (its messages may name a household) and covers every other
open window of the app with a shade that follows it when resized or maximised. While
locked, an event filter on the application (``_Guard``) lets input reach only the lock's
own form, and covers any window shown meanwhile (a worker's progress or message) at once;
what a report worker finishes meanwhile is held (``when_unlocked``) and said, and opened,
after the unlock. The cover itself asks: what happened, who is signed in and the password
field, focused, as the officer sees it on the window. Only when another dialog was open and
modal (its window blocks the main one's input) is the password asked in an
application-modal dialog above them all instead. Unlocking puts everything back as it was,
the focus included.

An account disabled while the window was locked (by an officer on another window) is told
so once its right password is typed, and the form then asks for another user (an officer)
to sign in and unlock: the window is then that user's, and the household open in the
editor, with its unsaved input, is saved under their name when their role may edit it,
else kept in the form, read-only and unsaved (``_taken_over``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeyEvent, QMouseEvent, QTouchEvent, QWheelEvent, QWindow
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

from desktop.sign_in_dialog import Check, SignInDialog

_INPUT = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)
# The classes of the events in _INPUT: a class test lets every other event (paints, layouts,
# timers: about 2,000 a household opened in the editor) through without ``event.type()``,
# which builds a Python enum member per call (as desktop.wheel_guard does).
_INPUT_CLASSES = (QKeyEvent, QMouseEvent, QWheelEvent, QTouchEvent)
DEFAULT_MINUTES = 10


def _tr(text: str) -> str:
    return QCoreApplication.translate("IdleLock", text)


def what_to_ask(store: Any) -> tuple[str, Check] | None:
    """(the name asked for, the check), or None when there is nothing to check against."""
    if store is None:
        return None
    user = getattr(store, "signed_in", None)
    if user is not None:
        from db import users
        from db.errors import SignInFailed

        def check_user(name: str, password: str) -> str | None:
            try:
                users.sign_in(store, name, password)
            except SignInFailed as exc:
                if exc.message != users.WRONG:
                    return exc.message  # the right password of an account disabled since
                # The lock's own user: only the password was asked.
                return _tr("Mật khẩu không đúng.") if name == user.name else exc.message
            return None

        return user.name, check_user
    try:
        from db import at_rest
    except ImportError:  # a build before encryption at rest
        return None
    path = Path(store.path)
    if not at_rest.is_encrypted(path):
        return None

    def check_passphrase(_name: str, passphrase: str) -> str | None:
        if at_rest.check_passphrase(path, passphrase):
            return None
        return _tr("Mật khẩu tệp xã không đúng.")

    return "", check_passphrase


@dataclass
class Locked:
    content: QWidget | None
    focus: QWidget | None
    title: str
    user: str = ""  # who was signed in when it locked ("" on a file without users)
    covers: list[QWidget] = field(default_factory=list)
    dialog: SignInDialog | None = None
    actions_off: list[QAction] = field(default_factory=list)  # turned back on at unlock
    guard: QObject | None = None
    held: list[Callable[[], None]] = field(default_factory=list)  # shown once unlocked
    status_bar_shown: bool = True
    autosave_held: bool = False  # the editor's pending autosave, stopped until the unlock


class IdleLock(QObject):
    """Installed on the application for ``window``: locks it after the idle time."""

    def __init__(self, window: Any, minutes: int | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.idle)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        if minutes is None:
            from rasoat import settings

            minutes = int(settings.get("idle_lock_minutes") or 0)
        self.set_minutes(minutes)

    def set_minutes(self, minutes: int) -> None:
        self.minutes = minutes
        if minutes <= 0:
            self.timer.stop()
            return
        self.timer.setInterval(minutes * 60_000)
        self.timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not isinstance(event, _INPUT_CLASSES):
            return False
        if event.type() in _INPUT and self.minutes > 0 and self.window.locked is None:
            self.timer.start()
        return False

    def idle(self) -> None:
        lock(self.window)


def when_unlocked(window: Any, show: Callable[[], None]) -> None:
    """Run ``show`` now, or, while ``window`` is locked, once it is unlocked: what a worker
    finished meanwhile (a report saved, a failure) is not shown over the lock, nor a file
    handed to the system's viewer, where anyone passing could read it."""
    state: Locked | None = getattr(window, "locked", None)
    if state is None:
        show()
    else:
        state.held.append(show)


class _Shade(QLabel):
    """Covers one other window of the app while locked: as large as that window however it
    is resized or maximised, and above any widget added to it meanwhile."""

    def __init__(self, over: QWidget) -> None:
        super().__init__(_tr("Đã khoá: hãy nhập mật khẩu để mở khoá."), over)
        self.setObjectName("lock-shade")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setAutoFillBackground(True)
        self.setGeometry(over.rect())
        over.installEventFilter(self)
        self.raise_()
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parent():
            if event.type() == QEvent.Type.Resize:
                self.setGeometry(self.parentWidget().rect())
            elif event.type() == QEvent.Type.ChildAdded:
                self.raise_()
        return False


# What no widget outside the lock's own form receives while locked.
_BLOCKED = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.ShortcutOverride,
        QEvent.Type.Shortcut,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.TouchEnd,
        QEvent.Type.ContextMenu,
        QEvent.Type.InputMethod,
        QEvent.Type.Drop,
    }
)


class _Guard(QObject):
    """On the application while locked: input reaches only the lock's form (its password
    field, its buttons), and a window of the app shown meanwhile is covered at once."""

    def __init__(self, window: Any, state: Locked) -> None:
        super().__init__(window)
        self.window = window
        self.state = state

    def _ours(self, watched: QObject) -> bool:
        dialog = self.state.dialog
        if isinstance(watched, QWidget):
            widget: QWidget | None = watched
            while widget is not None:
                if widget is dialog:
                    return True
                widget = widget.parentWidget()
            return False
        # A window's own QWindow passes events on to its widgets, filtered there; an action's
        # or a shortcut's Shortcut event is not the lock's.
        return isinstance(watched, QWindow)

    def _refocus(self) -> None:
        dialog = self.state.dialog
        if self.window.locked is self.state and dialog is not None:
            _refocus(dialog.password)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Show and isinstance(watched, QWidget) and watched.isWindow():
            if watched is not self.window and watched is not self.state.dialog:
                _cover(self.state, watched)
                # A window shown (a worker's progress) took the keyboard: back to the lock.
                QTimer.singleShot(0, self._refocus)
            return False
        return kind in _BLOCKED and not self._ours(watched)


def _cover(state: Locked, other: QWidget) -> None:
    if other.windowType() in (Qt.WindowType.Popup, Qt.WindowType.ToolTip):
        return
    if any(shade.parent() is other for shade in state.covers):
        return
    state.covers.append(_Shade(other))


def lock(window: Any) -> bool:
    """Lock ``window`` now; False when there is nothing to ask (or it is locked already)."""
    if window.locked is not None:
        return False
    asked = what_to_ask(window.store)
    if asked is None:
        return False
    name, check = asked
    # An open menu or list grabs the keyboard: closed first.
    while (popup := QApplication.activePopupWidget()) is not None:
        popup.close()
    # The window's own focus widget too: the one it gives the focus to when activated.
    focus = QApplication.focusWidget() or window.focusWidget()
    # A dialog open and modal blocks the main window's input: the password is asked above it.
    blocked = QApplication.activeModalWidget() is not None
    state = Locked(window.takeCentralWidget(), focus, window.windowTitle(), name)
    _hold_autosave(window, state)
    cover = QWidget()
    cover.setObjectName("lock-cover")
    cover.setAutoFillBackground(True)
    layout = QVBoxLayout(cover)
    layout.addStretch(1)
    heading = QLabel(_tr("Màn hình đã khoá"))
    heading.setObjectName("lock-heading")
    big = heading.font()
    big.setPointSizeF(big.pointSizeF() * 1.6)
    big.setBold(True)
    heading.setFont(big)
    heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
    layout.addWidget(heading)
    window.setCentralWidget(cover)
    window.setWindowTitle(_tr("Rà soát — đã khoá"))
    window.menuBar().setEnabled(False)
    for action in window.findChildren(QAction):
        if action.isEnabled():
            action.setEnabled(False)
            state.actions_off.append(action)
    # Its messages may name a household (a report's file, a check's finding).
    state.status_bar_shown = not window.statusBar().isHidden()
    window.statusBar().clearMessage()
    window.statusBar().hide()
    for other in QApplication.topLevelWidgets():
        if other is window or not other.isVisible():
            continue
        _cover(state, other)
    window.locked = state
    user = getattr(window.store, "signed_in", None)
    prompt = (
        _tr("Máy đã khoá vì lâu không dùng.\n{u}: hãy nhập mật khẩu để tiếp tục.").format(
            u=user.label
        )
        if user is not None
        else _tr("Máy đã khoá vì lâu không dùng.\nNhập mật khẩu tệp xã để tiếp tục.")
    )
    dialog = _LockDialog(
        check,
        window,
        fixed_name=name,
        title=_tr("Đã khoá"),
        prompt=prompt,
        parent=window if blocked else cover,
    )
    dialog.cancel.hide()
    dialog.accepted.connect(lambda: unlock(window))
    state.dialog = dialog
    state.guard = _Guard(window, state)
    app = QApplication.instance()
    if app is not None:
        app.installEventFilter(state.guard)
    if blocked:
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        dialog.open()
        layout.addStretch(1)
        return True
    # Part of the cover: a dialog without a window of its own (Enter, Esc still its keys).
    dialog.setWindowFlags(Qt.WindowType.Widget)
    # Lines of their own, not wrapped: a wrapped label in a centred layout item is given
    # the height of one line and was cut.
    dialog.prompt.setWordWrap(False)
    layout.addWidget(dialog, 0, Qt.AlignmentFlag.AlignHCenter)
    layout.addStretch(1)
    cover.show()
    dialog.show()
    window.activateWindow()  # the keyboard to the password, not to a covered window
    dialog.password.setFocus(Qt.FocusReason.OtherFocusReason)
    return True


def _refocus(widget: QWidget | None) -> None:
    from shiboken6 import isValid

    if widget is not None and isValid(widget) and widget.isVisible():
        widget.activateWindow()
        widget.setFocus(Qt.FocusReason.OtherFocusReason)


class _LockDialog(SignInDialog):
    def __init__(self, check: Check, window: Any, **kwargs: Any) -> None:
        super().__init__(check, **kwargs)
        self.window_ = window
        self.other_user = False

    def reject(self) -> None:
        """Esc and the window's close button leave it locked."""

    def refused(self, problem: str) -> None:
        super().refused(problem)
        from db import users

        # Told only after the right password (db.users.sign_in checks it first): the lock
        # says nothing about an account to whoever does not know its password.
        right_password = problem not in (users.WRONG, _tr("Mật khẩu không đúng."))
        name = self.name.text().strip()
        if not self.other_user and right_password and _account_gone(self.window_.store, name):
            self.offer_other_user()

    def offer_other_user(self) -> None:
        """The signed-in account was disabled while locked (its password was right): said
        plainly, and someone else (an officer) may sign in to unlock; the unsaved input
        stays in the window meanwhile (``_taken_over`` decides what becomes of it)."""
        from db import users

        store = self.window_.store
        gone = next(
            (u for u in users.list_users(store) if u.name == self.name.text().strip()), None
        )
        who = gone.label if gone is not None else self.name.text().strip()
        self.other_user = True
        self.error.hide()
        self.ok.setText(_tr("Đăng &nhập và mở khoá"))
        self.ask_name(
            [u.name for u in users.list_users(store) if not u.disabled],
            _tr(
                "Tài khoản {u} không còn được sử dụng (đã bị ngừng trong lúc máy khoá).\n"
                "Người dùng khác, ví dụ cán bộ xã, hãy đăng nhập để mở khoá.\n"
                "Phần đang nhập chưa lưu vẫn được giữ."
            ).format(u=who),
        )


def _account_gone(store: Any, name: str) -> bool:
    """Whether ``name``'s account can no longer sign in (disabled, or gone)."""
    from db import users

    if store is None or getattr(store, "signed_in", None) is None or not name:
        return False
    account = next((u for u in users.list_users(store) if u.name == name), None)
    return account is None or account.disabled


def unlock(window: Any) -> None:
    state: Locked | None = window.locked
    if state is None:
        return
    window.locked = None
    app = QApplication.instance()
    if state.guard is not None and app is not None:
        app.removeEventFilter(state.guard)
        state.guard.deleteLater()
    from shiboken6 import isValid

    for shade in state.covers:
        if isValid(shade):
            shade.parentWidget().removeEventFilter(shade)
            shade.deleteLater()
    if state.content is not None:
        window.setCentralWidget(state.content)
        state.content.show()
    window.setWindowTitle(state.title)
    window.menuBar().setEnabled(True)
    for action in state.actions_off:
        if isValid(action):  # a dialog's, deleted with it meanwhile
            action.setEnabled(True)
    window.statusBar().setVisible(state.status_bar_shown)
    if state.dialog is not None:
        state.dialog.deleteLater()
    store = window.store
    now = getattr(store, "signed_in", None)
    if state.user and now is not None and now.name != state.user:
        _taken_over(window)
    elif state.autosave_held:
        _resume_autosave(window)
    if state.focus is not None:
        # Once the lock's dialog has gone: Qt gives the focus back to the window then.
        QTimer.singleShot(0, lambda: _refocus(state.focus))
    if state.held:
        # After the focus is back: a report saved meanwhile is the last thing shown.
        QTimer.singleShot(0, lambda: [show() for show in state.held])
    lock_timer = getattr(window, "idle_lock", None)
    if lock_timer is not None and lock_timer.minutes > 0:
        lock_timer.timer.start()


def _hold_autosave(window: Any, state: Locked) -> None:
    """Nothing is written for whoever walked away while the window is locked: the editor's
    autosave, when still to come (a key typed less than ``AUTOSAVE_MS`` before the lock), is
    stopped, its input kept in the form for the unlock to decide: the same user's unlock
    starts it again, another user's (the first disabled meanwhile) saves it under their
    name or keeps it unsaved (``_taken_over``). Left running, it saved the household under
    the account an officer had just disabled, and the input was no longer the unlocking
    user's to keep or save. The idle timer fires a minute or more after the last key, the
    autosave 1.5 s after it, so only ``lock`` called at once (by the tests and the long
    session's driver) meets a pending autosave; the input was never lost, only saved."""
    editor = getattr(window, "_editor", None)
    timer = getattr(editor, "_autosave", None)
    if timer is not None and timer.isActive():
        timer.stop()
        state.autosave_held = True


def _resume_autosave(window: Any) -> None:
    editor = getattr(window, "_editor", None)
    if editor is not None and editor.dirty and editor.household is not None:
        editor._autosave.start()


def _taken_over(window: Any) -> None:
    """Another user unlocked (the one signed in was disabled meanwhile): the window offers
    what the new user's role allows, and the household open in the editor, with its unsaved
    input, is saved under the new user's name when that user may edit it; otherwise it stays
    on screen, read-only, unsaved, the status bar saying why (``forms.roles``)."""
    from forms.roles import Action

    window.apply_role()
    editor = getattr(window, "_editor", None)
    if editor is None or window.stack.currentWidget() is not editor or editor.household is None:
        return
    household = editor.household
    code = window._household_code()
    reason = window.refused(Action.EDIT_HOUSEHOLD, household.village)
    user = window.store.signed_in
    if reason is None:
        editor.setEnabled(True)
        if editor.dirty and editor.save():
            message = _tr("Phần đang nhập của hộ {c} đã được lưu, dưới tên {u}.")
        else:
            message = _tr("{u} tiếp tục với hộ {c}.")
    else:
        editor.setEnabled(False)
        message = _tr("{r} Phần đang nhập của hộ {c} vẫn được giữ trên màn hình, chưa lưu.")
    window.statusBar().showMessage(
        message.format(c=code, u=user.label if user is not None else "", r=reason or ""), 30_000
    )
