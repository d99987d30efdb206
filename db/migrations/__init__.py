"""Numbered schema steps. ``PRAGMA user_version`` says how many have run.

A step never changes once it has landed: files in the field were made with it. Change the
schema by adding ``m000N_<what>.py`` with ``apply(conn)`` and appending it to ``STEPS``.
Each step runs inside the caller's transaction and must not commit.
"""

from __future__ import annotations

from collections.abc import Callable

from db import driver
from db.migrations import (
    m0001_initial,
    m0002_search,
    m0003_list_indexes,
    m0004_exchange,
    m0005_audit_row_docs,
    m0006_audit_by_household,
    m0007_certificate_numbers,
    m0008_round_basis,
    m0009_exchange_devices,
    m0010_year_round,
    m0011_certificate_conflicts,
    m0012_audit_chain,
    m0013_purged_households,
    m0014_year_round_search,
    m0015_users,
    m0016_year_round_conflicts,
    m0017_audit_pointing,
    m0018_no_updated_at_index,
    m0019_audit_checkpoint,
    m0020_certificate_reserved,
)

Step = Callable[[driver.Connection], None]

STEPS: list[Step] = [
    m0001_initial.apply,
    m0002_search.apply,
    m0003_list_indexes.apply,
    m0004_exchange.apply,
    m0005_audit_row_docs.apply,
    m0006_audit_by_household.apply,
    m0007_certificate_numbers.apply,
    m0008_round_basis.apply,
    m0009_exchange_devices.apply,
    m0010_year_round.apply,
    m0011_certificate_conflicts.apply,
    m0012_audit_chain.apply,
    m0013_purged_households.apply,
    m0014_year_round_search.apply,
    m0015_users.apply,
    m0016_year_round_conflicts.apply,
    m0017_audit_pointing.apply,
    m0018_no_updated_at_index.apply,
    m0019_audit_checkpoint.apply,
    m0020_certificate_reserved.apply,
]
LATEST = len(STEPS)


def migrate(conn: driver.Connection, target: int = LATEST) -> int:
    """Run the steps after the file's version up to ``target``, all in one transaction: a
    file is left at the version it had or at ``target``, never between. One transaction a
    step left a file whose later step failed (a full disk, a bug) at a version no released
    Rà soát wrote: the laptops still on the version that made it refused it as newer.

    Returns the version reached. ``conn`` must be in autocommit mode (isolation_level=None).
    """
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version >= target:
        return version
    conn.execute("BEGIN IMMEDIATE")
    try:
        while version < target:
            STEPS[version](conn)
            version += 1
        conn.execute(f"PRAGMA user_version = {version}")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return version


def run_statements(conn: driver.Connection, script: str) -> None:
    """``executescript`` would COMMIT the caller's transaction; this runs one by one."""
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)
