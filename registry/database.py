"""Connecting to a registry database and creating its schema (``rasoat registry init``)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

import psycopg

from forms.admin_units import provinces
from registry.migrations import LATEST, current_version, migrate

# psycopg logs what it could not clean up after a lost connection ("error ignored
# terminating <psycopg.Copy [BAD]…>" with the server's context, which quotes the row being
# copied: a head of household's name). With no logging set up (the command line) Python
# printed it on stderr before our Vietnamese message; the failure itself is raised and said.
logging.getLogger("psycopg").addHandler(logging.NullHandler())


class RegistryError(Exception):
    """Something the user can act on; ``message`` is Vietnamese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def hide_password(text: str, dsn: str = "", password: str | None = None) -> str:
    """``text`` with the password of ``dsn`` (``password=…`` or ``user:…@``) and the given
    one replaced by ``***``: libpq may echo a piece of a malformed DSN in its message, and
    a message is shown, logged or printed."""
    secrets = {password} if password else set()
    secrets.update(_secret(m) for m in _PASSWORD_IN_DSN.finditer(dsn))
    for secret in sorted(secrets - {""}, key=len, reverse=True):
        text = text.replace(secret, "***")
    return _PASSWORD_IN_DSN.sub(lambda m: m.group(0).replace(_secret(m), "***"), text)


def _secret(match: re.Match[str]) -> str:
    return next((g for g in match.groups() if g), "")


# key=value form (quoted or not), a URI's "user:secret@" and its "?password=secret".
_PASSWORD_IN_DSN = re.compile(
    r"password\s*=\s*'((?:[^'\\]|\\.)*)'|password\s*=\s*([^\s&']+)|//[^/:@\s]*:([^@/\s]+)@",
    re.IGNORECASE,
)


def connect(dsn: str, password: str | None = None) -> psycopg.Connection[Any]:
    """``password`` when given goes to libpq beside the DSN (the desktop asks for it and
    never stores it); failures are RegistryError with the password hidden."""
    extra: dict[str, Any] = {"password": password} if password else {}
    try:
        return psycopg.connect(dsn, autocommit=True, application_name="rasoat registry", **extra)
    except (psycopg.OperationalError, psycopg.ProgrammingError) as exc:
        detail = hide_password(str(exc).strip(), dsn, password)
        raise RegistryError(
            f"Không kết nối được cơ sở dữ liệu của tỉnh ({detail}). Kiểm tra chuỗi kết nối "
            "(DSN), mật khẩu và máy chủ PostgreSQL."
        ) from exc


def server_failure(exc: psycopg.Error) -> RegistryError:
    """What the server refused or lost half-way, in Vietnamese: psycopg's texts are the
    server's English ("permission denied for table loads", "server closed the connection
    unexpectedly"), and each command writes a package in one transaction, so nothing of the
    one under way is kept."""
    if isinstance(exc, psycopg.errors.InsufficientPrivilege):
        return RegistryError(
            "Tài khoản dùng để kết nối không có quyền làm việc này trên cơ sở dữ liệu của tỉnh "
            "(khởi tạo, nạp gói, tin cậy khoá cần quyền ghi; số CCCD của người dân chỉ tài "
            "khoản được cấp quyền mới đọc được). Hãy dùng tài khoản của người quản trị cơ sở "
            "dữ liệu tỉnh."
        )
    if isinstance(exc, psycopg.OperationalError):
        return RegistryError(
            "Mất kết nối với máy chủ cơ sở dữ liệu của tỉnh giữa chừng: gói đang nạp chưa được "
            "ghi (các gói đã nạp trước đó vẫn giữ). Hãy làm lại khi máy chủ hoạt động."
        )
    code = getattr(exc, "sqlstate", None) or "?"
    return RegistryError(
        f"Máy chủ cơ sở dữ liệu của tỉnh từ chối việc này (mã lỗi {code}); chưa có gì được ghi. "
        "Hãy báo người quản trị cơ sở dữ liệu."
    )


def province_name(code: str) -> str:
    for p in provinces():
        if f"{p.code:02d}" == code:
            return p.name
    return ""


@dataclass(frozen=True)
class Initialised:
    """What ``upgrade`` did: the schema version reached, and how many loads an older rule had
    made were made again (the first ``init`` after an upgrade reads each one's results: a
    province's history takes some seconds, said rather than left to look hung)."""

    version: int
    remade: int


def init(conn: psycopg.Connection[Any], province_code: str) -> int:
    """``upgrade``; the schema version reached."""
    return upgrade(conn, province_code).version


def upgrade(conn: psycopg.Connection[Any], province_code: str) -> Initialised:
    """Creates or upgrades the schema, records the province the registry serves and makes
    again the rows of the loads an older rule made (``registry.derived``). A registry
    already made for another province is refused."""
    code = province_code.strip()
    if code.isascii() and code.isdigit():
        code = f"{int(code):02d}"
    if not province_name(code):
        raise RegistryError(f"Mã tỉnh '{province_code}' không có trong danh mục năm 2025.")
    version = migrate(conn)
    with conn.transaction():
        row = conn.execute(
            "SELECT value FROM registry_settings WHERE key = 'province_code' FOR UPDATE"
        ).fetchone()
        if row is None:
            conn.execute(
                "INSERT INTO registry_settings (key, value) VALUES ('province_code', %s)", (code,)
            )
        elif row[0] != code:
            raise RegistryError(
                f"Cơ sở dữ liệu này đã lập cho tỉnh {province_name(row[0])} ({row[0]}), "
                f"không phải {province_name(code)} ({code})."
            )
    # A table an upgrade added has no grants: the staff's logins read it from now on too.
    from registry.staff import grant_all

    grant_all(conn)
    # The loads whose lists in force and counts an older rule made, made again (their
    # reports were the old rule's until the commune's next package).
    from registry.derived import bring_up_to_date

    return Initialised(version, bring_up_to_date(conn))


def registry_province(conn: psycopg.Connection[Any]) -> str:
    """The province code the registry serves; refused when the schema is missing or old."""
    version = current_version(conn)
    if version == 0:
        raise RegistryError(
            "Cơ sở dữ liệu chưa được khởi tạo: chạy 'rasoat registry init DSN --province MÃ'."
        )
    if version < LATEST:
        raise RegistryError(
            "Cơ sở dữ liệu của tỉnh dùng cấu trúc cũ: chạy 'rasoat registry init' để nâng cấp."
        )
    row = conn.execute("SELECT value FROM registry_settings WHERE key = 'province_code'").fetchone()
    if row is None:
        raise RegistryError("Cơ sở dữ liệu chưa ghi mã tỉnh: chạy 'rasoat registry init'.")
    return str(row[0])
