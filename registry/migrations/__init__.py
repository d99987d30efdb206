"""Numbered schema steps for the registry database, like ``db/migrations``: the table
``schema_migrations`` lists the steps that have run (number, name, when). A step never changes
once it has landed: provinces' databases were made with it. Change the schema by adding
``m000N_<what>.py`` with ``SQL`` and appending it to ``STEPS``. Each step runs in its own
transaction."""

from __future__ import annotations

from typing import Any

from registry.migrations import (
    m0001_initial,
    m0002_household_years,
    m0003_lists_in_force,
    m0004_upper_level_copies,
    m0005_lz4_documents,
    m0006_year_counts,
    m0007_periodic_movements,
    m0008_meeting_movements,
    m0009_commune_keys,
    m0010_load_rules,
)

STEPS: list[tuple[int, str, str]] = [
    (1, "initial", m0001_initial.SQL),
    (2, "household_years", m0002_household_years.SQL),
    (3, "lists_in_force", m0003_lists_in_force.SQL),
    (4, "upper_level_copies", m0004_upper_level_copies.SQL),
    (5, "lz4_documents", m0005_lz4_documents.SQL),
    (6, "year_counts", m0006_year_counts.SQL),
    (7, "periodic_movements", m0007_periodic_movements.SQL),
    (8, "meeting_movements", m0008_meeting_movements.SQL),
    (9, "commune_keys", m0009_commune_keys.SQL),
    (10, "load_rules", m0010_load_rules.SQL),
]
LATEST = STEPS[-1][0]


def migrate(conn: Any) -> int:
    """Runs the steps not yet run, one transaction each; returns the version reached.
    Two programs migrating at once wait for each other (an advisory lock)."""
    with conn.transaction():
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY,"
            " name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
        )
    version = 0
    for number, name, sql in STEPS:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(21021)")
            done = conn.execute(
                "SELECT 1 FROM schema_migrations WHERE version = %s", (number,)
            ).fetchone()
            if done is None:
                conn.execute(sql)
                conn.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)", (number, name)
                )
        version = number
    return version


def current_version(conn: Any) -> int:
    exists = conn.execute("SELECT to_regclass('schema_migrations') IS NOT NULL").fetchone()[0]
    if not exists:
        return 0
    row = conn.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()
    return int(row[0])
