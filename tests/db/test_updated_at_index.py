"""m0018 drops ``households_updated_at``: every save moved its entry (two of a note edit's
pages, each encrypted in an encrypted file), and no reader needed it. A file made before,
plain or encrypted, with its audit log, upgrades to the same answers from every reader of
``updated_at``, its chain intact, and ``rasoat db check`` passes it."""

from __future__ import annotations

from pathlib import Path

import pytest

from db import at_rest, audit, backup, driver, purge
from db.exchange.export import ExportScope, _selected_ids
from db.migrations import STEPS, m0018_no_updated_at_index
from db.records import HouseholdQuery
from db.store import Store
from rasoat.cli import main
from tests.db.conftest import commune_info
from tests.db.test_audit_pointing import household

PASSPHRASE = "ruộng bậc thang mùa lúa chín"
BEFORE_M0018 = STEPS.index(m0018_no_updated_at_index.apply)


def readers(store: Store, since: str) -> dict[str, object]:
    """What every reader of ``updated_at`` answers."""
    listed = {
        (descending, village): [
            (r.id, r.updated_at)
            for r in store.list_households(
                HouseholdQuery(order_by="updated_at", descending=descending, village=village)
            )
        ]
        for descending in (False, True)
        for village in (None, "Thôn Đồng Tâm")
    }
    return {
        "list": listed,
        "since": _selected_ids(store, ExportScope(kind="surveyor", since=since)),
        "deleted": purge.deleted_households(store),
        "log": [tuple(r) for r in store.conn.execute("SELECT * FROM audit ORDER BY id")],
    }


def indexes(conn: driver.Connection) -> set[str]:
    return {
        r[0]
        for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        if r[0] is not None
    }


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_a_file_made_before_m0018_upgrades_with_the_same_answers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], encrypted: bool
) -> None:
    path = tmp_path / "xa.rasoat.sqlite"
    with Store.create(path, commune_info(), user="Lò Văn Ín", device="laptop-1") as store:
        store.add_village("Thôn Đồng Tâm")
        store.add_village("Thôn Nà Hin")
        for n in range(1, 9):
            h = household(f"01-{n:04d}", f"Hoàng Thị Mai {n}")
            if n % 3 == 0:
                h.village = "Thôn Nà Hin"
            store.save_household(h)
        since = store.conn.execute("SELECT max(updated_at) FROM households").fetchone()[0]
        for code in ("01-0005", "01-0002", "01-0007"):  # edited later, out of code order
            edited = store.household_by_code(code)
            assert edited is not None
            edited.note = "Đã đến nhà hỏi lại"
            store.save_household(edited)
        gone = store.household_by_code("01-0004")
        assert gone is not None
        store.delete_household(gone.id)
    # The file as schema version 17 left it (m0018 changed nothing but this index), its
    # readers' answers taken with the index there.
    conn = driver.connect(path, isolation_level=None)
    conn.execute("CREATE INDEX households_updated_at ON households (updated_at)")
    conn.close()
    key = None
    if encrypted:
        at_rest.encrypt_file(path, PASSPHRASE)
        key = at_rest.key_from_passphrase(path, PASSPHRASE)
    with Store.open(path, user="Lò Văn Ín", device="laptop-1", key=key) as before:
        assert "households_updated_at" in indexes(before.conn)
        expected = readers(before, since)
    assert expected["since"] != []
    assert expected["deleted"] != []
    conn = driver.connect(path, key=key, isolation_level=None)
    conn.execute("DROP TABLE certificate_reserved")  # m0020's, not yet in a version 17 file
    conn.execute("DROP TABLE audit_checkpoint")  # m0019's, nor this
    conn.execute(f"PRAGMA user_version = {BEFORE_M0018}")
    conn.close()
    # Opened as the window opens it in a new process: the key given, none remembered yet
    # (the migration's backup is checked under it).
    driver.forget(path)

    with Store.open(path, user="Lò Văn Ín", device="laptop-1", key=key) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == len(STEPS)
        assert "households_updated_at" not in indexes(store.conn)
        assert readers(store, since) == expected
        assert audit.verify(store.conn) is None
        assert store.integrity_problems() == []
        # A save after the upgrade: its time read back in order, the chain still whole.
        later = store.household_by_code("01-0001")
        assert later is not None
        later.note = "Sau nâng cấp"
        store.save_household(later)
        newest = store.list_households(HouseholdQuery(order_by="updated_at", descending=True))
        assert newest[0].id == later.id
        assert later.id in _selected_ids(store, ExportScope(kind="surveyor", since=since))
        assert audit.verify(store.conn) is None
    [kept] = backup.list_backups(path, "migration")
    old = driver.connect(kept, key=key)
    assert old.execute("PRAGMA user_version").fetchone()[0] == BEFORE_M0018
    assert "households_updated_at" in indexes(old)
    old.close()
    options = []
    if encrypted:
        secret = tmp_path / "mk.txt"
        secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
        options = ["--passphrase-file", str(secret)]
    capsys.readouterr()
    assert main(["db", "check", str(path), *options]) == 0
    assert "nhật ký thay đổi nguyên vẹn" in capsys.readouterr().out
