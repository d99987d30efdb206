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
too), and covers every other open window of the app. The cover itself asks: what happened,
who is signed in and the password field, focused, as the officer sees it on the window.
Only when another dialog was open and modal (its window blocks the main one's input) is
the password asked in an application-modal dialog above them all instead. Unlocking puts
everything back as it was, the focus included.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction
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
            except SignInFailed:
                return _tr("Mật khẩu không đúng.")
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
    covers: list[QWidget] = field(default_factory=list)
    dialog: SignInDialog | None = None
    actions_off: list[QAction] = field(default_factory=list)  # turned back on at unlock


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
        if event.type() in _INPUT and self.minutes > 0 and self.window.locked is None:
            self.timer.start()
        return False

    def idle(self) -> None:
        lock(self.window)


def lock(window: Any) -> bool:
    """Lock ``window`` now; False when there is nothing to ask (or it is locked already)."""
    if window.locked is not None:
        return False
    asked = what_to_ask(window.store)
    if asked is None:
        return False
    name, check = asked
    # The window's own focus widget too: the one it gives the focus to when activated.
    focus = QApplication.focusWidget() or window.focusWidget()
    # A dialog open and modal blocks the main window's input: the password is asked above it.
    blocked = QApplication.activeModalWidget() is not None
    state = Locked(window.takeCentralWidget(), focus, window.windowTitle())
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
    window.counts.hide()
    window.statusBar().clearMessage()
    for other in QApplication.topLevelWidgets():
        if other is window or not other.isVisible() or other.windowType() == Qt.WindowType.Popup:
            continue
        shade = QLabel(_tr("Đã khoá"), other)
        shade.setAlignment(Qt.AlignmentFlag.AlignCenter)
        shade.setAutoFillBackground(True)
        shade.setGeometry(other.rect())
        shade.raise_()
        shade.show()
        state.covers.append(shade)
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
        fixed_name=name,
        title=_tr("Đã khoá"),
        prompt=prompt,
        parent=window if blocked else cover,
    )
    dialog.cancel.hide()
    dialog.accepted.connect(lambda: unlock(window))
    state.dialog = dialog
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
    dialog.password.setFocus(Qt.FocusReason.OtherFocusReason)
    return True


def _refocus(widget: QWidget | None) -> None:
    from shiboken6 import isValid

    if widget is not None and isValid(widget) and widget.isVisible():
        widget.activateWindow()
        widget.setFocus(Qt.FocusReason.OtherFocusReason)


class _LockDialog(SignInDialog):
    def reject(self) -> None:
        """Esc and the window's close button leave it locked."""


def unlock(window: Any) -> None:
    state: Locked | None = window.locked
    if state is None:
        return
    window.locked = None
    for shade in state.covers:
        shade.deleteLater()
    if state.content is not None:
        window.setCentralWidget(state.content)
        state.content.show()
    window.setWindowTitle(state.title)
    window.menuBar().setEnabled(True)
    for action in state.actions_off:
        action.setEnabled(True)
    window.counts.show()
    if state.dialog is not None:
        state.dialog.deleteLater()
    if state.focus is not None:
        # Once the lock's dialog has gone: Qt gives the focus back to the window then.
        QTimer.singleShot(0, lambda: _refocus(state.focus))
    lock_timer = getattr(window, "idle_lock", None)
    if lock_timer is not None and lock_timer.minutes > 0:
        lock_timer.timer.start()
