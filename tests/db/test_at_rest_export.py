"""The encrypted copy ``rasoat db encrypt`` writes (db.at_rest.export): the same schema and
rows as the plain file, rowids included, and the room its index leaves had, so that the first
saves after encrypting write no more pages than the plain file's (issue 20)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from db import at_rest, audit, backup, driver
from db.demo import create_demo_commune
from db.records import HouseholdQuery
from db.store import Store

PASSPHRASE = "ruộng bậc thang mùa lúa chín"


def _contents(path: Path, key: bytes | None = None) -> dict[str, Any]:
    """Everything a copy must keep: the schema rows (their root pages aside), the header's
    numbers, and every table's rows with their rowids (the search index's shadow tables and
    sqlite_sequence included), in key order."""
    conn = driver.connect(str(path), key=key)
    try:
        schema = conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name"
        ).fetchall()
        out: dict[str, Any] = {
            "schema": [tuple(r) for r in schema],
            "user_version": conn.execute("PRAGMA user_version").fetchone()[0],
            "application_id": conn.execute("PRAGMA application_id").fetchone()[0],
        }
        for name, without_rowid in conn.execute(
            "SELECT name, wr FROM pragma_table_list WHERE schema = 'main' AND type = 'table'"
            " AND name NOT IN ('sqlite_schema', 'search_index')"
        ).fetchall():
            rowid = "" if without_rowid else "rowid, "
            out[name] = [tuple(r) for r in conn.execute(f'SELECT {rowid}* FROM "{name}"')]
        return out
    finally:
        conn.close()


@pytest.fixture
def converted(tmp_path: Path) -> tuple[Path, Path, bytes, str]:
    """(an encrypted commune file, a plain copy of it from just before, its key, its recovery
    key).
    Before encrypting, the first household's row (and its search entry) moved to a rowid
    past the others and a gap left in meta's rowids: a copy that numbered rows afresh would
    search the wrong households."""
    path = create_demo_commune(tmp_path / "xa.sqlite", households=40)
    conn = driver.connect(str(path), isolation_level=None)
    try:
        conn.execute("BEGIN")
        conn.execute(
            "INSERT INTO search_index (rowid, text)"
            " SELECT rowid + 1000, text FROM search_index WHERE rowid = 1"
        )
        conn.execute("DELETE FROM search_index WHERE rowid = 1")
        conn.execute("UPDATE households SET rowid = rowid + 1000 WHERE rowid = 1")
        conn.execute("INSERT INTO meta VALUES ('ke_tam_1', 'x'), ('ke_tam_2', 'y')")
        conn.execute("DELETE FROM meta WHERE key = 'ke_tam_1'")
        conn.execute("COMMIT")
    finally:
        conn.close()
    plain = tmp_path / "ngoai" / "xa-truoc.sqlite"  # kept outside the backup folder
    plain.parent.mkdir()
    backup.make_backup(path, "manual").replace(plain)
    recovery, made, _backups = at_rest.encrypt_file(path, PASSPHRASE)
    driver.forget(path)  # as a new process
    key = at_rest.key_from_passphrase(path, PASSPHRASE)
    # The backup made first holds the same, encrypted too (db.at_rest.encrypt_backups).
    assert made.read_bytes()[:16] != at_rest.PLAIN_HEADER
    assert _contents(made, key) == _contents(plain)
    return path, plain, key, recovery


def test_the_encrypted_copy_holds_the_same_schema_and_rows_with_their_rowids(
    converted: tuple[Path, Path, bytes, str],
) -> None:
    path, made, key, recovery = converted
    plain = _contents(made)
    assert plain["households"][-1][0] > 1000  # the moved row is there to be compared
    assert _contents(path, key) == plain
    assert at_rest.key_from_recovery(path, recovery) == key
    assert backup.check_backup(made) == []
    assert made.read_bytes()[:16] == at_rest.PLAIN_HEADER  # the copy from before, plain


def test_the_encrypted_copy_searches_checks_and_chains_as_the_plain_file(
    converted: tuple[Path, Path, bytes, str],
) -> None:
    path, made, key, _recovery = converted
    with Store.open(made, user="Cán bộ xã", device="may-xa") as store:
        names = [r.head_name for r in store.list_households(HouseholdQuery(limit=40))]
        typed = [*names[:5], *(n.split()[-1][:2] for n in names[:5]), "nguyen van"]
        expected = {t: store.search(t) for t in typed}
        counts = {t: store.count_households(HouseholdQuery(text=t)) for t in typed}
    assert any(expected.values())
    with Store.open(path, user="Cán bộ xã", device="may-xa", key=key) as store:
        assert {t: store.search(t) for t in typed} == expected
        assert {t: store.count_households(HouseholdQuery(text=t)) for t in typed} == counts
        assert store.integrity_problems() == []
        assert store.damaged_records() == []
        assert audit.verify(store.conn) is None
        # FTS5's own check: the index against the rows it indexes.
        store.conn.execute("INSERT INTO search_index (search_index) VALUES ('integrity-check')")


def _first_saves_pages(path: Path, key: bytes | None) -> int:
    """WAL frames written by 20 note edits, one each to the first 20 households."""
    total = 0
    with Store.open(path, user="Cán bộ xã", device="may-xa", key=key) as store:
        for n, row in enumerate(store.list_households(HouseholdQuery(limit=20))):
            h = store.get_household(row.id)
            assert h is not None
            h.note = f"Đã xác minh lại tại nhà, lần {n + 1}"
            store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            store.save_household(h)
            total += int(store.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1])
    return total


def test_the_first_saves_after_encrypting_write_about_what_the_plain_file_writes(
    tmp_path: Path,
) -> None:
    """sqlcipher_export (SQLite's transfer, as VACUUM) packed every index leaf full, so each
    save split the leaves it added to: 272 pages for these 20 saves at 300 households against
    204 in the plain file (17 against 10.5 a save at 10,000). Copied row by row: 226, the
    rest the cipher's 48 bytes a page (a longer note splits a fuller table leaf)."""
    source = create_demo_commune(tmp_path / "nguon.sqlite", households=300)
    plain, secret = tmp_path / "tho.sqlite", tmp_path / "ma.sqlite"
    for copy in (plain, secret):
        copy.write_bytes(source.read_bytes())
    at_rest.encrypt_file(secret, PASSPHRASE)
    key = at_rest.key_from_passphrase(secret, PASSPHRASE)
    plain_pages = _first_saves_pages(plain, None)
    assert _first_saves_pages(secret, key) <= plain_pages * 1.15


@pytest.fixture(scope="module")
def demo_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return create_demo_commune(tmp_path_factory.mktemp("nguon") / "xa.sqlite", households=8)


@pytest.mark.parametrize(
    ("forbidden", "said"),
    [
        # Every household but one: the first five named by code, the others counted.
        (
            "UPDATE households SET deleted = 2 WHERE rowid > 1",
            ["bảng households có 7 hàng", "hộ {2}: cột deleted", "và 2 hàng khác"],
        ),
        # A member by household and position, never by name.
        (
            "UPDATE members SET deleted = 3 WHERE household_id = '{0}' AND position = 1",
            ["bảng members có 1 hàng", "hộ {1}, thành viên thứ 2: cột deleted"],
        ),
        # A row of no household: its number in its table.
        (
            "UPDATE rounds SET kind = 'khac' WHERE rowid = 1",
            ["bảng rounds có 1 hàng", "hàng số 1: cột kind mang giá trị ngoài"],
        ),
    ],
)
def test_a_row_the_schema_forbids_is_named_and_the_file_left_as_it_was(
    tmp_path: Path, demo_source: Path, forbidden: str, said: list[str]
) -> None:
    """The copy inserts row by row, so a table's constraints refuse a row the transfer
    carried: which rows, named as the officer finds them (docs/privacy.md: a household by
    code, a member by position, the field, never a value), with the file's bytes kept."""
    import hashlib

    from db.errors import StoreError

    path = tmp_path / "xa.sqlite"
    path.write_bytes(demo_source.read_bytes())
    conn = driver.connect(str(path), isolation_level=None)
    try:
        first_id, first, second = conn.execute(
            "SELECT id, code, (SELECT code FROM households WHERE rowid = 2) FROM households"
            " WHERE rowid = 1"
        ).fetchone()
        conn.execute("PRAGMA ignore_check_constraints = ON")
        conn.execute(forbidden.format(first_id))
    finally:
        conn.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(StoreError) as exc:
        at_rest.encrypt_file(path, PASSPHRASE)
    for words in said:
        assert words.format(first_id, first, second) in exc.value.message
    assert exc.value.message.count("hộ ") <= 5
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["xa.sqlite", "xa.sqlite.backups"]
    assert [p.name for p in backup.list_backups(path, "before-encrypt")]
