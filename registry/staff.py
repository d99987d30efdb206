"""Logins for the Department's staff (`rasoat registry staff`): they read what the province's
summary and lists, the Parquet export without ID numbers and Tổng hợp nhiều xã need, and
write nothing. Never the members' ID numbers nor the households' documents (which hold them
too): those stay with the login that owns the database.

What they read is written once, here (``TABLES``, ``COLUMNS``). It was a block of SQL in
docs/registry.md that the province's IT officer typed by hand, and typed again after every
upgrade that added a table. `init` now grants it again to every staff login after migrating
(``grant_all``). A staff login is a login given SELECT on ``loads`` directly, the
owner aside (``staff_logins``), so no list of them is kept apart from PostgreSQL's own.
"""

from __future__ import annotations

import re
from typing import Any

from psycopg import sql

from registry.database import RegistryError

# Every table but the two holding personal data, whose columns below are read instead.
TABLES = (
    "loads",
    "rounds",
    "results",
    "household_years",
    "year_counts",
    "year_deprivations",
    "registry_settings",
    "schema_migrations",
    "commune_keys",
)
COLUMNS = {
    "households": (
        "province_code",
        "commune_code",
        "load_id",
        "household_id",
        "code",
        "village",
        "head_name",
        "size",
        "deleted",
        "rev",
        "updated_at",
    ),
    "members": (
        "province_code",
        "commune_code",
        "load_id",
        "household_id",
        "position",
        "member_id",
        "name",
        "relationship",
        "sex",
        "birth_year",
        "ethnicity",
    ),
}

# A login's name as it goes into a DSN (user=…) unquoted: PostgreSQL folds unquoted names
# to lower case, so an upper-case name made here could not be typed back there.
_NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")


def check_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise RegistryError(
            f"Tên tài khoản '{name}' không dùng được: chỉ chữ thường không dấu, chữ số và "
            "dấu gạch dưới, bắt đầu bằng chữ, tối đa 63 ký tự (ví dụ can_bo_so)."
        )
    return name


def exists(conn: Any, name: str) -> bool:
    return conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone() is not None


def owner(conn: Any) -> str:
    row = conn.execute(
        "SELECT tableowner FROM pg_tables WHERE schemaname = current_schema()"
        " AND tablename = 'loads'"
    ).fetchone()
    if row is None:
        raise RegistryError(
            "Cơ sở dữ liệu chưa được khởi tạo: chạy 'rasoat registry init DSN --province MÃ'."
        )
    return str(row[0])


def require_tables(conn: Any) -> None:
    """Refuses a database not initialised, or not upgraded to this release (a table granted
    here missing: its grant failed after the login was made). Read from the catalog, which
    any login may read, whatever it may read of the tables."""
    owner(conn)
    tables = [*TABLES, *COLUMNS]
    found = conn.execute(
        "SELECT count(*) FROM unnest(%s::text[]) t WHERE to_regclass(t) IS NOT NULL", (tables,)
    ).fetchone()[0]
    if found < len(tables):
        raise RegistryError(
            "Cơ sở dữ liệu của tỉnh dùng cấu trúc cũ: chạy 'rasoat registry init' để nâng cấp."
        )


def check_staff(conn: Any, name: str) -> None:
    """Refuses ``name`` when it is the owner or a superuser: both read everything, and the
    owner may revoke its own privileges, so that a `--revoke` of its name took its loads
    and its upgrades away."""
    row = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
    if name == owner(conn) or (row is not None and row[0]):
        raise RegistryError(
            f"Tài khoản {name} đọc và sửa được toàn bộ cơ sở dữ liệu của tỉnh, kể cả số CCCD "
            "(chủ cơ sở dữ liệu hoặc người quản trị máy chủ): không phải tài khoản xem của "
            "cán bộ Sở, quyền của nó không cấp hay thu hồi ở đây."
        )


def staff_logins(conn: Any) -> list[str]:
    """The logins given the staff's reads: SELECT on ``loads`` granted to them directly, by
    their names on the server (PUBLIC is not one)."""
    rows = conn.execute(
        "SELECT DISTINCT grantee FROM information_schema.table_privileges"
        " WHERE table_schema = current_schema() AND table_name = 'loads'"
        " AND privilege_type = 'SELECT' AND grantee <> %s"
        # PUBLIC (every login) is no login of its own.
        " AND grantee::text IN (SELECT rolname::text FROM pg_roles) ORDER BY grantee",
        (owner(conn),),
    ).fetchall()
    return [str(r[0]) for r in rows]


def create_login(conn: Any, name: str, password: str) -> None:
    """A new login with ``password``, sent to the server already hashed (SCRAM-SHA-256, as
    libpq's PQencryptPasswordConn makes it), never in clear: a server logging statements
    would otherwise write it into its log. Needs a login allowed to create roles."""
    verifier = conn.pgconn.encrypt_password(
        password.encode("utf-8"), check_name(name).encode(), b"scram-sha-256"
    ).decode()
    conn.execute(
        sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
            sql.Identifier(name), sql.Literal(verifier)
        )
    )


def grant(conn: Any, name: str) -> None:
    """The staff's reads to ``name``, in one transaction: all of them or none."""
    _grant(conn, check_name(name))


def _grant(conn: Any, name: str) -> None:
    """``grant`` to a login the server has, named as it is there (quoted: a name made by
    hand before this command may have capitals or a hyphen)."""
    role = sql.Identifier(name)
    with conn.transaction():
        conn.execute(
            sql.SQL("GRANT SELECT ON {} TO {}").format(
                sql.SQL(", ").join(map(sql.Identifier, TABLES)), role
            )
        )
        for table, columns in COLUMNS.items():
            conn.execute(
                sql.SQL("GRANT SELECT ({}) ON {} TO {}").format(
                    sql.SQL(", ").join(map(sql.Identifier, columns)), sql.Identifier(table), role
                )
            )


def revoke(conn: Any, name: str) -> None:
    """Every read of ``name`` on the registry's tables taken back (the login itself stays:
    it may be the server's for other databases)."""
    role = sql.Identifier(check_name(name))
    if not exists(conn, name):
        raise RegistryError(
            f"Không có tài khoản {name} trên máy chủ cơ sở dữ liệu của tỉnh: xem tên các "
            "tài khoản xem bằng 'rasoat registry staff DSN'."
        )
    tables = (*TABLES, *COLUMNS)
    with conn.transaction():
        # Revoking a table's privileges takes back its columns' too (PostgreSQL's REVOKE).
        conn.execute(
            sql.SQL("REVOKE ALL ON {} FROM {}").format(
                sql.SQL(", ").join(map(sql.Identifier, tables)), role
            )
        )


def grant_all(conn: Any) -> list[str]:
    """The staff's reads granted again to every staff login (after an upgrade: a table a
    migration added, or made again, has no grants of its own)."""
    logins = staff_logins(conn)
    for name in logins:
        _grant(conn, name)
    return logins
