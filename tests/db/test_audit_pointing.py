"""The audit triggers find the insert rows still pointing at a document through the index by
household alone (m0017: ``audit_household (household_id, new_in_row, tbl)``), not by reading
every audit row of the household from the table; a file made before m0017, plain or
encrypted, upgrades with its log and its chain as they were."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from db import at_rest, audit, backup, driver
from db.migrations import LATEST, STEPS, m0017_audit_pointing
from db.store import Store
from forms.model import Area, Household, Member, Relationship, Sex
from tests.db.conftest import commune_info

PASSPHRASE = "ruộng bậc thang mùa lúa chín"
TRIGGERS = (
    "households_doc_kept_for_audit",
    "households_deleted_doc_kept_for_audit",
    "members_doc_kept_for_audit",
    "members_deleted_doc_kept_for_audit",
)


def household(code: str, head: str) -> Household:
    return Household(
        code=code,
        village="Thôn Đồng Tâm",
        area=Area.RURAL,
        b1_total=120,
        members=[
            Member(name=head, relationship=Relationship.HEAD, sex=Sex.FEMALE, birth_year=1980),
            Member(name="Đinh Văn Hùng", relationship=Relationship.SPOUSE, sex=Sex.MALE),
        ],
    )


def trigger_plans(conn: driver.Connection) -> dict[str, str]:
    """Each trigger's UPDATE of the log, as SQLite plans it (``old.x`` bound as a value)."""
    plans = {}
    for name in TRIGGERS:
        (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (name,)).fetchone()
        body = re.search(r"BEGIN (UPDATE audit .*?); END", sql)
        assert body is not None, sql
        statement = re.sub(r"old\.\w+", "'x'", body.group(1))
        plan = conn.execute(f"EXPLAIN QUERY PLAN {statement}").fetchall()
        plans[name] = " / ".join(str(r[3]) for r in plan)
    return plans


def test_the_triggers_find_pointing_rows_by_the_index_alone(tmp_path: Path) -> None:
    with Store.create(tmp_path / "xa.rasoat.sqlite", commune_info(), user="a", device="b") as s:
        for name, plan in trigger_plans(s.conn).items():
            assert plan == (
                "SEARCH audit USING INDEX audit_household"
                " (household_id=? AND new_in_row=? AND tbl=?)"
            ), name


# The schema version a file had before m0017.
BEFORE_M0017 = STEPS.index(m0017_audit_pointing.apply)


def as_before_m0017(path: Path) -> None:
    """The file as schema version 16 left it: m0017 changed nothing but this index, and the
    later steps nothing but the index by time of change m0018 dropped, the audit
    checkpoint's table m0019 added and the reserved certificate numbers' table m0020
    added."""
    conn = driver.connect(path, isolation_level=None)
    conn.execute("DROP TABLE certificate_reserved")
    conn.execute("DROP TABLE audit_checkpoint")
    conn.execute("DROP INDEX audit_household")
    conn.execute("CREATE INDEX audit_household ON audit (household_id, id)")
    conn.execute("CREATE INDEX households_updated_at ON households (updated_at)")
    conn.execute(f"PRAGMA user_version = {BEFORE_M0017}")
    conn.close()


def log_of(store: Store) -> list[tuple[object, ...]]:
    return [tuple(r) for r in store.conn.execute("SELECT * FROM audit ORDER BY id")]


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_a_file_made_before_m0017_upgrades_with_its_log_intact(
    tmp_path: Path, encrypted: bool
) -> None:
    path = tmp_path / "xa.rasoat.sqlite"
    with Store.create(path, commune_info(), user="Lò Văn Ín", device="laptop-1") as store:
        store.add_village("Thôn Đồng Tâm")
        for n in range(1, 6):
            store.save_household(household(f"01-{n:04d}", f"Hoàng Thị Mai {n}"))
        edited = store.household_by_code("01-0002")
        assert edited is not None
        edited.note = "Vắng nhà"  # its insert row no longer points at its document
        store.save_household(edited)
        before = log_of(store)
    as_before_m0017(path)
    key = None
    if encrypted:
        at_rest.encrypt_file(path, PASSPHRASE)
        key = at_rest.key_from_passphrase(path, PASSPHRASE)

    with Store.open(path, user="Lò Văn Ín", device="laptop-1", key=key) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
        columns = [r[2] for r in store.conn.execute("PRAGMA index_info(audit_household)")]
        assert columns == ["household_id", "new_in_row", "tbl"]
        assert log_of(store) == before
        assert audit.verify(store.conn) is None
        assert store.integrity_problems() == []
        # The triggers still copy a document into the insert rows pointing at it, and only
        # there: a household's and a member's first change after the upgrade.
        h = store.household_by_code("01-0004")
        assert h is not None
        h.note, h.members[1].birth_year = "Đã đến nhà hỏi lại", 1975
        store.save_household(h)
        copied = {
            r[0]: (r[1], r[2])
            for r in store.conn.execute(
                "SELECT row_id, new_in_row, new FROM audit"
                " WHERE household_id = ? AND action = 'insert'",
                (h.id,),
            )
        }
        assert copied[h.id][0] == 0
        assert '"code":"01-0004"' in copied[h.id][1]
        assert '"Vắng nhà"' not in copied[h.id][1]
        assert copied[h.members[1].id][0] == 0
        assert copied[h.members[0].id] == (1, None)
        assert audit.verify(store.conn) is None
        history = store.audit_for_household(h.id)
        # Oldest first still, though the index no longer keeps them in id order.
        assert [(e.table, e.action) for e in history] == [
            ("households", "insert"),
            ("members", "insert"),
            ("members", "insert"),
            ("members", "update"),
            ("households", "update"),
        ]
        assert history[0].new is not None
        assert history[0].new["code"] == "01-0004"
        assert history[0].new.get("note") != "Đã đến nhà hỏi lại"
    [kept] = backup.list_backups(path, "migration")
    old = driver.connect(kept, key=key)
    assert old.execute("PRAGMA user_version").fetchone()[0] == BEFORE_M0017
    old.close()
