"""`rasoat db check` of a file an older Rà soát made, as it is: opening it would back it up
and migrate it, changing the bytes of a file kept for a later look.

The checks are those its schema allows: SQLite's pages and foreign keys, every document
decoded when ``deep`` (their JSON kept its form since step 1; the tables and columns read are
step 1's), and the audit chain from its step on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from db import audit, backup, driver
from db.errors import DatabaseDamaged
from db.store import AUDIT_CHAIN_FROM, integrity_problems_of, refuse_foreign_or_newer


@dataclass(frozen=True)
class FileCheck:
    """What ``check_as_is`` found; ``chained``: whether the file's schema has the audit
    chain (``broken`` is None without one)."""

    version: int
    commune_name: str
    province_name: str
    households: int
    problems: list[str]
    bad: list[tuple[str, str]]
    broken: audit.Broken | None
    chained: bool


def check_as_is(path: Path, *, deep: bool) -> FileCheck:
    """The file checked on a read-only connection, never backed up or migrated: SQLite's
    pages (a read-only connection does not read the tables' CHECK constraints), foreign keys,
    documents and audit chain."""
    from db.deep_check import bad_documents

    try:
        conn = driver.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            refuse_foreign_or_newer(path, app_id, version)
            problems = integrity_problems_of(conn)
            bad = bad_documents(conn) if deep and not problems else []
            chained = version >= AUDIT_CHAIN_FROM
            broken = audit.verify(conn) if chained and not problems else None
            row = conn.execute("SELECT commune_name, province_name FROM commune").fetchone()
            count = conn.execute("SELECT count(*) FROM households WHERE deleted = 0").fetchone()
        finally:
            conn.close()
    except driver.DatabaseError as exc:  # pages SQLite cannot read: what Store.open says
        raise DatabaseDamaged(path, backup.newest_good(path), str(exc)) from exc
    return FileCheck(
        version,
        str(row[0]) if row else "",
        str(row[1]) if row else "",
        int(count[0]),
        problems,
        bad,
        broken,
        chained,
    )
