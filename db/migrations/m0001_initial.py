"""The first schema: commune, villages, rounds, households and everything a round records.

Merge-ready from the start: households, members, answers and results have random text ids,
creation and last-change stamps (time, device), and deletions are tombstones (``deleted``).
``answers.doc`` is zlib-compressed JSON (a full snapshot per round, rarely read).
Rich content lives in JSON ``doc`` columns written by ``forms.codec`` so a field added to the
model needs no migration; what lists filter and sort on is copied into indexed columns.
"""

from __future__ import annotations

import sqlite3

SCHEMA = """
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE commune (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    province_code TEXT NOT NULL,
    province_name TEXT NOT NULL,
    commune_code TEXT NOT NULL,
    commune_name TEXT NOT NULL,
    area TEXT NOT NULL CHECK (area IN ('rural', 'urban'))
);
CREATE TABLE villages (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    code TEXT,
    position INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    created_device TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_device TEXT NOT NULL
);
CREATE TABLE surveyors (
    name TEXT NOT NULL,
    device TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    PRIMARY KEY (name, device)
);
CREATE TABLE rounds (
    id TEXT PRIMARY KEY,
    year INTEGER NOT NULL,
    standard_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('periodic', 'adhoc')),
    started_at TEXT NOT NULL,
    reference_date TEXT,
    created_device TEXT NOT NULL
);
CREATE TABLE households (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL,
    village TEXT NOT NULL DEFAULT '',
    head_name TEXT NOT NULL DEFAULT '',
    size INTEGER NOT NULL DEFAULT 0,
    doc TEXT NOT NULL,
    rev TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_device TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_device TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
);
CREATE UNIQUE INDEX households_live_code ON households (code) WHERE deleted = 0;
CREATE INDEX households_village_code ON households (village, code);
CREATE INDEX households_head_name ON households (head_name);
CREATE INDEX households_updated_at ON households (updated_at);
CREATE TABLE household_revs (
    rev TEXT PRIMARY KEY,
    household_id TEXT NOT NULL REFERENCES households (id),
    parent_rev TEXT,
    device TEXT NOT NULL,
    user TEXT NOT NULL,
    at TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX household_revs_household ON household_revs (household_id);
CREATE TABLE members (
    id TEXT PRIMARY KEY,
    household_id TEXT NOT NULL REFERENCES households (id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    id_number TEXT,
    doc TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_device TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
);
CREATE INDEX members_household ON members (household_id, position);
CREATE INDEX members_id_number ON members (id_number) WHERE id_number IS NOT NULL;
CREATE TABLE household_causes (
    household_id TEXT NOT NULL REFERENCES households (id),
    cause_id TEXT NOT NULL,
    PRIMARY KEY (household_id, cause_id)
) WITHOUT ROWID;
CREATE INDEX household_causes_cause ON household_causes (cause_id);
CREATE TABLE household_needs (
    household_id TEXT NOT NULL REFERENCES households (id),
    need_id TEXT NOT NULL,
    PRIMARY KEY (household_id, need_id)
) WITHOUT ROWID;
CREATE INDEX household_needs_need ON household_needs (need_id);
CREATE TABLE answers (
    id TEXT PRIMARY KEY,
    household_id TEXT NOT NULL REFERENCES households (id),
    round_id TEXT NOT NULL REFERENCES rounds (id),
    household_rev TEXT NOT NULL,
    doc BLOB NOT NULL,
    created_at TEXT NOT NULL,
    created_device TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    UNIQUE (household_id, round_id)
);
CREATE TABLE results (
    id TEXT PRIMARY KEY,
    household_id TEXT NOT NULL REFERENCES households (id),
    round_id TEXT NOT NULL REFERENCES rounds (id),
    category TEXT NOT NULL,
    b1_score INTEGER,
    deprivation_count INTEGER NOT NULL,
    transition TEXT,
    standard_id TEXT NOT NULL,
    engine_version TEXT NOT NULL,
    doc TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_device TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_device TEXT NOT NULL,
    UNIQUE (household_id, round_id)
);
CREATE INDEX results_round_category ON results (round_id, category);
CREATE INDEX results_round_transition ON results (round_id, transition);
CREATE TABLE meeting_votes (
    id TEXT PRIMARY KEY,
    household_id TEXT NOT NULL REFERENCES households (id),
    round_id TEXT NOT NULL REFERENCES rounds (id),
    agree INTEGER NOT NULL CHECK (agree >= 0),
    attendees INTEGER NOT NULL CHECK (attendees >= agree),
    note TEXT NOT NULL DEFAULT '',
    meeting_date TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_device TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_device TEXT NOT NULL,
    UNIQUE (household_id, round_id)
);
CREATE TABLE postings (
    id TEXT PRIMARY KEY,
    round_id TEXT NOT NULL REFERENCES rounds (id),
    village TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_device TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_device TEXT NOT NULL,
    UNIQUE (round_id, village)
);
CREATE TABLE complaints (
    id TEXT PRIMARY KEY,
    round_id TEXT NOT NULL REFERENCES rounds (id),
    household_id TEXT REFERENCES households (id),
    complainant TEXT NOT NULL,
    content TEXT NOT NULL,
    received TEXT NOT NULL,
    outcome TEXT,
    resolved_at TEXT,
    created_at TEXT NOT NULL,
    created_device TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_device TEXT NOT NULL
);
CREATE INDEX complaints_round ON complaints (round_id);
CREATE TABLE decisions (
    id TEXT PRIMARY KEY,
    round_id TEXT NOT NULL UNIQUE REFERENCES rounds (id),
    number TEXT NOT NULL,
    date TEXT NOT NULL,
    signer TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_device TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_device TEXT NOT NULL
);
CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    device TEXT NOT NULL,
    tbl TEXT NOT NULL,
    row_id TEXT NOT NULL,
    household_id TEXT,
    action TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
    old TEXT,
    new TEXT,
    source TEXT
);
CREATE INDEX audit_household ON audit (household_id, id);
CREATE INDEX audit_row ON audit (tbl, row_id)
"""


def apply(conn: sqlite3.Connection) -> None:
    from db.migrations import run_statements

    run_statements(conn, SCHEMA)
