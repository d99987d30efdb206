"""Schema steps: from an empty file, and from every earlier version with data in it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from db import backup, driver
from db.migrations import LATEST, STEPS, migrate
from db.store import APPLICATION_ID, Store
from forms.codec import to_dict
from forms.demo import generate_households
from forms.model import Household, Member


def tables(conn: driver.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_new_file_is_at_latest_version(db_path: Path, store: Store) -> None:
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == LATEST == len(STEPS)
    assert store.conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    expected = {
        "commune",
        "villages",
        "rounds",
        "households",
        "members",
        "answers",
        "results",
        "household_causes",
        "household_needs",
        "meeting_votes",
        "postings",
        "complaints",
        "decisions",
        "surveyors",
        "audit",
        "household_revs",
        "search_index",
        "meta",
    }
    assert expected <= tables(store.conn)
    assert store.integrity_problems() == []


def version_one_file(path: Path, households: int) -> list[str]:
    """A file as version 1 of the schema left it, filled by hand (the Store of today would
    write today's schema). Returns the household ids."""
    conn = driver.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    assert migrate(conn, target=1) == 1
    conn.execute("INSERT INTO commune VALUES (1, '15', 'Lào Cai', '2947', 'Xã Bảo Yên', 'rural')")
    at = "2025-10-01T08:00:00.000Z"
    ids = []
    conn.execute("BEGIN")
    for h in generate_households(households, seed=5):
        doc = to_dict(h)
        members = doc.pop("members")
        conn.execute(
            "INSERT INTO households (id, code, village, head_name, size, doc, rev, created_at,"
            " created_device, updated_at, updated_device, updated_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'old', ?, 'old', 'old')",
            (h.id, h.code, h.village, h.head_name(), h.size(), json.dumps(doc), h.id, at, at),
        )
        for i, m in enumerate(members):
            conn.execute(
                "INSERT INTO members VALUES (?, ?, ?, ?, ?, ?, ?, 'old', ?, 'old', 0)",
                (m["id"], h.id, i, m["name"], m["id_number"], json.dumps(m), at, at),
            )
        ids.append(h.id)
    conn.execute("COMMIT")
    conn.close()
    return ids


@pytest.mark.parametrize("start", range(1, LATEST))
def test_upgrade_from_earlier_version(tmp_path: Path, start: int) -> None:
    path = tmp_path / "old.rasoat.sqlite"
    ids = version_one_file(path, 20)
    conn = driver.connect(path, isolation_level=None)
    assert migrate(conn, target=start) == start
    conn.close()

    with Store.open(path, user="a", device="b") as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
        assert store.integrity_problems() == []
        first = store.get_household(ids[0])
        assert first is not None
        # The search index built by step 2 covers the households that were already there.
        head = first.head_name().split()[-1]
        assert first.id in {r.id for r in store.search(head, limit=100)}
        assert len(list(store.iter_households())) == 20
    # The file as it was before the upgrade is kept.
    [kept] = backup.list_backups(path, "migration")
    old = driver.connect(kept)
    assert old.execute("PRAGMA user_version").fetchone()[0] == start
    old.close()


def test_failed_step_rolls_back(tmp_path: Path) -> None:
    conn = driver.connect(tmp_path / "x.sqlite", isolation_level=None)
    migrate(conn, target=1)
    conn.execute("CREATE TABLE search_index (x)")  # makes step 2 fail half-way

    with pytest.raises(driver.OperationalError):
        migrate(conn)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()


def test_an_upgrade_that_fails_leaves_the_file_at_its_old_version(tmp_path: Path) -> None:
    """An upgrade is whole or not at all: a file of version 10 whose step 13 fails (a full
    disk, a bug) stayed at version 12 with steps 11 and 12 done, a schema no released
    Rà soát wrote; the laptops still on the version that made it then refused it as made by
    a newer one, and it was neither the file they had nor the one this version wanted."""
    path = tmp_path / "old.rasoat.sqlite"
    ids = version_one_file(path, 5)
    conn = driver.connect(path, isolation_level=None)
    assert migrate(conn, target=10) == 10
    conn.execute("CREATE TABLE purged_households (x)")  # makes step 13 fail
    before = tables(conn)

    with pytest.raises(driver.OperationalError):
        migrate(conn)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 10
    assert tables(conn) == before  # step 11's certificate_conflicts not left behind
    assert conn.execute("SELECT count(*) FROM households").fetchone()[0] == len(ids)
    conn.close()


def test_exchange_tables_made_before_their_migration_are_kept(tmp_path: Path) -> None:
    # Before step 4 the merge created its tables on first use: such a file upgrades cleanly
    # and keeps the conflicts already waiting for the officer.
    from db.migrations import m0004_exchange, run_statements

    path = tmp_path / "merged.rasoat.sqlite"
    version_one_file(path, 5)
    conn = driver.connect(path, isolation_level=None)
    migrate(conn, target=3)
    run_statements(conn, m0004_exchange.SCHEMA)
    conn.execute(
        "INSERT INTO exchange_conflicts (id, household_id, code, kind, package_id, source,"
        " incoming_rev, incoming, created_at) VALUES"
        " ('c1', 'h1', '01-0001', 'both_changed', 'p1', 'gói máy 2', 'r2', '{}', '2026-11-20')"
    )
    conn.close()
    with Store.open(path, user="a", device="b") as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
        count = store.conn.execute("SELECT count(*) FROM exchange_conflicts").fetchone()[0]
        assert count == 1


def test_audit_copies_made_before_step_5_are_kept_and_later_inserts_point_at_their_row(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.rasoat.sqlite"
    [hid] = version_one_file(path, 1)
    conn = driver.connect(path, isolation_level=None)
    migrate(conn, target=4)
    doc = conn.execute("SELECT doc FROM households WHERE id = ?", (hid,)).fetchone()[0]
    conn.execute(
        "INSERT INTO audit (at, user, device, tbl, row_id, household_id, action, new)"
        " VALUES ('2025-10-01', 'old', 'old', 'households', ?, ?, 'insert', ?)",
        (hid, hid, doc),
    )
    conn.close()
    with Store.open(path, user="a", device="b") as store:
        h = store.get_household(hid)
        assert h is not None
        code = h.code
        h.code = "99-9999"
        store.save_household(h)
        [inserted, updated] = store.audit_for_row("households", hid)
        assert inserted.new == json.loads(doc)
        assert inserted.new is not None
        assert inserted.new["code"] == code
        assert (updated.old, updated.new) == ({"code": code}, {"code": "99-9999"})
        fresh = Household(code="01-0001", members=[Member(name="Lò Thị Mai")])
        store.save_household(fresh)
        [entry, _member] = store.audit_for_household(fresh.id)
        assert entry.new is not None
        assert entry.new["code"] == "01-0001"
        row = store.conn.execute(
            "SELECT new, new_in_row FROM audit WHERE row_id = ?", (fresh.id,)
        ).fetchone()
        assert row == (None, 1)


def test_members_moved_before_step_6_keep_their_insert(tmp_path: Path) -> None:
    # Before step 6 a move did not copy the document into the insert row pointing at it;
    # step 6 finds such rows through the household, so it copies them in first.
    path = tmp_path / "old.rasoat.sqlite"
    first, second = version_one_file(path, 2)
    conn = driver.connect(path, isolation_level=None)
    migrate(conn, target=5)
    member_id, doc = conn.execute(
        "SELECT id, doc FROM members WHERE household_id = ? ORDER BY position", (first,)
    ).fetchone()
    conn.execute(
        "INSERT INTO audit (at, user, device, tbl, row_id, household_id, action, new_in_row)"
        " VALUES ('2025-10-01', 'old', 'old', 'members', ?, ?, 'insert', 1)",
        (member_id, first),
    )
    conn.execute(
        "UPDATE members SET household_id = ?, position = 9 WHERE id = ?", (second, member_id)
    )
    conn.close()
    with Store.open(path, user="a", device="b") as store:
        row = store.conn.execute(
            "SELECT new, new_in_row FROM audit WHERE row_id = ? AND action = 'insert'",
            (member_id,),
        ).fetchone()
        assert row == (doc, 0)
        store.conn.execute("UPDATE members SET doc = '{}' WHERE id = ?", (member_id,))
        [inserted] = store.audit_for_row("members", member_id)
        assert inserted.new == json.loads(doc)
        names = {r[1] for r in store.conn.execute("PRAGMA index_list(audit)")}
        assert "audit_row" not in names


def test_an_upgraded_file_says_so_with_its_backup(tmp_path: Path) -> None:
    """Opened by a newer Rà soát, an older file was upgraded without a word: the laptops
    still on the version that made it could no longer open it, and nobody knew why or
    where the copy from before was."""
    path = tmp_path / "old.rasoat.sqlite"
    version_one_file(path, 3)
    conn = driver.connect(path, isolation_level=None)
    migrate(conn, target=10)
    conn.close()
    with Store.open(path, user="a", device="b") as store:
        upgraded = store.upgraded
        assert upgraded is not None
        assert (upgraded.found, upgraded.latest) == (10, LATEST)
        [kept] = backup.list_backups(path, "migration")
        assert upgraded.backup == kept
        assert f"cấu trúc dữ liệu số 10 lên số {LATEST}" in upgraded.message
        assert kept.name in upgraded.message
        assert "phiên bản cũ" in upgraded.message
    with Store.open(path, user="a", device="b") as store:
        assert store.upgraded is None  # said once, when it happened
