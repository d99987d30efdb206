"""Users of a shared laptop: stored with their password hash, signed in, and asked before
every restricted write (issue 20 item 2; the roles themselves are ``forms.roles``).

A file without users works as before: anyone at the keyboard may do anything and the audit
names the officer from the settings. The first user created must be a commune officer; from
then on every write needs a signed-in user (``check_write``, called by
``Store.transaction``), and each restricted one the role for it (``require``). Events (a
print, a person looked up) pass for any role, a viewer's too, and with nobody signed in
(under the name the caller gave the Store). Reading is guarded where the file is opened, not
here: the window signs in before showing anything and every command that opens the file
signs in first (``rasoat.signin.open_store``); what only some roles may read asks
``require`` as writes do (one person's data, ``db.people``).

Passwords: scrypt (``cryptography``) with the package cost of ``db.exchange.crypto``
(N=2^15, r=8, p=1: about 0.1 s and 32 MB a try here), a random 16-byte salt per user,
stored with the parameters as ``scrypt$n$r$p$salt$hash``; parameters above the package
ceilings are refused rather than run, and hashes are compared in constant time.
"""

from __future__ import annotations

import base64
import hmac
import json
import secrets
import unicodedata
from collections.abc import Iterable
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from db import driver
from db.errors import NotPermitted, SignInFailed, StoreError
from db.exchange.crypto import (
    DEFAULT_SCRYPT_N,
    MAX_SCRYPT_N,
    MAX_SCRYPT_P,
    MAX_SCRYPT_R,
    SCRYPT_P,
    SCRYPT_R,
)
from forms.roles import ROLE_NAMES, Action, Role, User, may

if TYPE_CHECKING:
    from collections.abc import Iterator

    from db.store import Store

SALT_BYTES = 16
HASH_BYTES = 32
MIN_PASSWORD = 8
WRONG = "Tên người dùng hoặc mật khẩu không đúng."
SIGN_IN_NEEDED = (
    "Tệp này có người dùng: hãy đăng nhập trước (trên dòng lệnh: --user TÊN, mật khẩu được "
    "hỏi hoặc đọc từ --password-file)."
)
_COLUMNS = "name, display_name, role, villages, disabled_at"


# --- passwords ---------------------------------------------------------------------------
def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    kdf = Scrypt(salt=salt, length=HASH_BYTES, n=n, r=r, p=p)
    return kdf.derive(_nfc(password).encode("utf-8"))


def hash_password(password: str, *, n: int = DEFAULT_SCRYPT_N) -> str:
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(password, salt, n, SCRYPT_R, SCRYPT_P)
    b64 = base64.b64encode
    return f"scrypt${n}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def check_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches ``stored``; a malformed or too costly record never does."""
    try:
        kind, n_text, r_text, p_text, salt_text, hash_text = stored.split("$")
        n, r, p = int(n_text), int(r_text), int(p_text)
        salt = base64.b64decode(salt_text, validate=True)
        expected = base64.b64decode(hash_text, validate=True)
    except ValueError:
        return False
    n_ok = 2 <= n <= MAX_SCRYPT_N and n & (n - 1) == 0
    if kind != "scrypt" or not (n_ok and 1 <= r <= MAX_SCRYPT_R and 1 <= p <= MAX_SCRYPT_P):
        return False
    return hmac.compare_digest(_scrypt(password, salt, n, r, p), expected)


@cache
def _dummy_hash() -> str:
    """A stored-form hash of nothing anyone types, at the default cost: made once."""
    return hash_password(secrets.token_hex(16))


def password_problem(password: str) -> str | None:
    """Why a user's password cannot be used, in Vietnamese, or None."""
    if len(_nfc(password)) < MIN_PASSWORD:
        return f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự."
    if len(set(password)) < 4:
        return "Mật khẩu có quá ít ký tự khác nhau, dễ bị đoán."
    return None


# --- reading -----------------------------------------------------------------------------
def exist(conn: driver.Connection) -> bool:
    # A file before m0015 (a backup being checked) has no users table.
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'users'").fetchone() is None:
        return False
    return conn.execute("SELECT 1 FROM users LIMIT 1").fetchone() is not None


def _user(r: tuple[Any, ...]) -> User:
    return User(str(r[0]), str(r[1]), Role(r[2]), tuple(json.loads(r[3])), r[4] is not None)


def list_users(store: Store) -> list[User]:
    rows = store.conn.execute(f"SELECT {_COLUMNS} FROM users ORDER BY name").fetchall()
    return [_user(r) for r in rows]


def get(store: Store, name: str) -> User | None:
    r = store.conn.execute(
        f"SELECT {_COLUMNS} FROM users WHERE name = ?", (_nfc(name).strip(),)
    ).fetchone()
    return _user(r) if r else None


# --- the guard ---------------------------------------------------------------------------
def refusal(store: Store, action: Action, village: str | None = None) -> str | None:
    """Why the signed-in user may not do ``action`` (Vietnamese), or None: what ``require``
    refuses, asked beforehand by a screen that disables the button and says why."""
    if not store.has_users:
        return None
    if store.signed_in is None:
        return SIGN_IN_NEEDED
    return may(store.signed_in, action, village)


def require(store: Store, action: Action, village: str | None = None) -> None:
    """Refuse (``NotPermitted``) what the signed-in user may not do; nothing in a file
    without users."""
    reason = refusal(store, action, village)
    if reason is not None:
        raise NotPermitted(reason)


def check_write(store: Store) -> None:
    """Every write of a file with users needs a signed-in user, and a viewer writes nothing
    but events: the backstop under ``require`` for a write path that forgot to ask."""
    if not store.has_users or store.writing_event:
        return
    if store.signed_in is None:
        raise NotPermitted(SIGN_IN_NEEDED)
    if store.signed_in.role == Role.VIEWER:
        raise NotPermitted(
            f"{store.signed_in.display_name} (người xem) chỉ được xem và in, "
            "không được sửa dữ liệu."
        )


@contextmanager
def event_write(store: Store) -> Iterator[None]:
    """Inside: the write is an audit event (a print), which needs no role."""
    before = store.writing_event
    store.writing_event = True
    try:
        yield
    finally:
        store.writing_event = before


# --- signing in --------------------------------------------------------------------------
def sign_in(store: Store, name: str, password: str) -> User:
    """Check ``password`` and make ``name`` the Store's user: every audit row from now on
    carries that name. Wrong name or password: ``SignInFailed`` not saying which."""
    row = store.conn.execute(
        f"SELECT {_COLUMNS}, password FROM users WHERE name = ?", (_nfc(name).strip(),)
    ).fetchone()
    if row is None:
        # One scrypt, the cost of a real check, so a wrong name answers neither faster nor
        # slower than a wrong password (hashing a dummy here as well would cost two).
        check_password(password, _dummy_hash())
        raise SignInFailed(WRONG)
    if not check_password(password, str(row[5])):
        raise SignInFailed(WRONG)
    user = _user(row[:5])
    if user.disabled:
        raise SignInFailed(f"Người dùng {user.name} đã bị ngừng sử dụng; hãy hỏi cán bộ xã.")
    store.signed_in = user
    store.user = user.name
    return user


def act_as(store: Store, user: User) -> User:
    """Make ``user``, signed in on another connection to this file (the window's: a worker
    thread opens a Store of its own), this Store's signed-in user as the file has them now.
    Another officer may have disabled them or changed their role since they signed in, and
    a worker acting with the window's copy would act with the old role. Gone, disabled or of
    another role now: ``NotPermitted``, in Vietnamese; else the row as it now stands (its
    villages included)."""
    now = _as_now(user, get(store, user.name))
    store.signed_in = now
    store.user = now.name
    return now


def _as_now(user: User, now: User | None) -> User:
    """``user`` (the window's copy) as the file has them now (``now``), or ``NotPermitted``
    when they are gone, disabled or of another role since signing in."""
    if now is None:
        raise NotPermitted(
            f"Người dùng {user.name} không còn trong tệp này; việc này không được làm. "
            "Hãy đăng nhập lại."
        )
    if now.disabled:
        raise NotPermitted(
            f"Người dùng {now.name} đã bị ngừng sử dụng sau khi đăng nhập; việc này không được "
            "làm. Hãy hỏi cán bộ xã."
        )
    if now.role != user.role:
        raise NotPermitted(
            f"Vai trò của {now.display_name or now.name} đã đổi từ {ROLE_NAMES[user.role]} "
            f"sang {ROLE_NAMES[now.role]} sau khi đăng nhập; việc này không được làm. Hãy "
            "đăng nhập lại."
        )
    return now


def sign_out(store: Store, fallback_user: str) -> None:
    store.signed_in = None
    store.user = fallback_user


# --- changing users ----------------------------------------------------------------------
def _audit(
    store: Store, name: str, action: str, old: dict[str, Any] | None, new: dict[str, Any]
) -> None:
    from db.store import now_utc

    store.record_change("users", name, None, action, old, new, now_utc())  # type: ignore[arg-type]


# A sign-in name is typed at every start: a word, not a paragraph.
MAX_USER_NAME = 64


def add_user(
    store: Store,
    name: str,
    display_name: str,
    role: Role,
    password: str,
    villages: Iterable[str] = (),
) -> User:
    """Create a user. The first one must be a commune officer (who then manages the rest),
    and creating it signs it in; after that only an officer adds users."""
    name = _nfc(name).strip()
    display_name = " ".join(_nfc(display_name).split()) or name
    places = tuple(_nfc(v).strip() for v in villages if v.strip())
    if not name or any(c.isspace() for c in name):
        raise StoreError("Tên đăng nhập không được để trống và không có dấu cách.")
    from forms.validate import MAX_NAME, text_problem

    for label, value, limit in (
        ("Tên đăng nhập", name, MAX_USER_NAME),
        ("Họ tên người dùng", display_name, MAX_NAME),
        *(("Tên thôn", v, MAX_NAME) for v in places),
    ):
        bad = text_problem(value, limit)
        if bad:
            raise StoreError(f"{label} {bad}.")
    problem = password_problem(password)
    if problem:
        raise StoreError(problem)
    first = not exist(store.conn)
    if first and role != Role.OFFICER:
        raise NotPermitted(
            "Người dùng đầu tiên phải là cán bộ xã: cán bộ xã sau đó tạo các người dùng khác."
        )
    if not first:
        require(store, Action.USERS)
    if role != Role.SURVEYOR:
        places = ()
    if get(store, name) is not None:
        raise StoreError(f"Đã có người dùng tên {name}.")
    from db.store import now_utc

    at = now_utc()
    creator = name if first else store.user
    with store.transaction():
        store.conn.execute(
            "INSERT INTO users VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
            (
                name,
                display_name,
                role.value,
                json.dumps(list(places), ensure_ascii=False),
                hash_password(password),
                at,
                creator,
                at,
                creator,
            ),
        )
        if first:
            store.has_users = True
            store.signed_in = User(name, display_name, role, places)
            store.user = name
        new = {"display_name": display_name, "role": role.value, "villages": list(places)}
        _audit(store, name, "insert", None, new)
    user = get(store, name)
    assert user is not None
    return user


def disable_user(store: Store, name: str) -> User:
    """Disable (never delete: the audit log names them). An officer cannot disable
    themself, so a file never loses its last way in by a slip."""
    require(store, Action.USERS)
    user = get(store, name)
    if user is None:
        raise StoreError(f"Không có người dùng tên {name}.")
    if store.signed_in is not None and user.name == store.signed_in.name:
        raise StoreError("Không tự ngừng sử dụng tài khoản đang đăng nhập.")
    if user.disabled:
        return user
    from db.store import now_utc

    with store.transaction():
        store.conn.execute(
            "UPDATE users SET disabled_at = ?, disabled_by = ? WHERE name = ?",
            (now_utc(), store.user, user.name),
        )
        _audit(store, user.name, "update", {"disabled": False}, {"disabled": True})
    return get(store, user.name) or user


def set_password(store: Store, name: str, password: str) -> None:
    """A user changes their own password; an officer resets anyone's."""
    user = get(store, name)
    if user is None:
        raise StoreError(f"Không có người dùng tên {name}.")
    if store.signed_in is None or store.signed_in.name != user.name:
        require(store, Action.USERS)
    problem = password_problem(password)
    if problem:
        raise StoreError(problem)
    from db.store import now_utc

    with store.transaction():
        store.conn.execute(
            "UPDATE users SET password = ?, password_set_at = ?, password_set_by = ? "
            "WHERE name = ?",
            (hash_password(password), now_utc(), store.user, user.name),
        )
        _audit(store, user.name, "update", None, {"password": "đã đặt lại"})


def change_own_password(store: Store, old: str, new: str) -> None:
    """The signed-in user changes their own password, the old one asked first (someone
    at a laptop left signed in cannot take the account over)."""
    if store.signed_in is None:
        raise NotPermitted(SIGN_IN_NEEDED)
    row = store.conn.execute(
        "SELECT password FROM users WHERE name = ?", (store.signed_in.name,)
    ).fetchone()
    if row is None or not check_password(old, str(row[0])):
        raise SignInFailed("Mật khẩu hiện tại không đúng; mật khẩu chưa được đổi.")
    if new == old:
        raise StoreError("Mật khẩu mới phải khác mật khẩu hiện tại.")
    set_password(store, store.signed_in.name, new)


def require_on_path(path: Any, signed_in: User | None, action: Action) -> None:
    """For work done on the file without a Store (a restore): the file's users decide. A
    file that cannot be read at all is not asked (restoring it is the way out)."""
    # Through the driver: an encrypted file is read with its remembered key (sqlite3 could
    # not read it, so its users were never asked and anyone could restore it).
    try:
        conn = driver.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except driver.Error:
        return
    try:
        has = exist(conn)
        # The window's copy of the user is read again here: disabled or made a viewer by
        # another officer since signing in, they no longer restore (as ``act_as``).
        r = (
            conn.execute(
                f"SELECT {_COLUMNS} FROM users WHERE name = ?", (signed_in.name,)
            ).fetchone()
            if has and signed_in is not None
            else None
        )
    except driver.Error:
        has, r = False, None
    finally:
        conn.close()
    if not has:
        return
    if signed_in is None:
        raise NotPermitted(SIGN_IN_NEEDED)
    signed_in = _as_now(signed_in, _user(r) if r else None)
    reason = may(signed_in, action)
    if reason is not None:
        raise NotPermitted(reason)
