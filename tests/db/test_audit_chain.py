"""The audit log's hash chain (issue 20 item 3): a row changed or removed with another tool
is found and named; the triggers' own copies, a merge and the migration keep it valid."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from db import audit, driver
from db.exchange.export import export_package
from db.exchange.merge import import_package
from db.store import Store
from db.store_stamps import dumps
from forms.model import Household, Member, Relationship, Sex
from rasoat.cli import main
from tests.db.exchange.commune import COMMUNE, copy_to, make_commune
from tests.db.exchange.records import household


def saved(store: Store, code: str, name: str) -> Household:
    h = Household(
        code=code,
        village="Thôn Đồng Tâm",
        members=[Member(name=name, relationship=Relationship.HEAD, sex=Sex.FEMALE)],
    )
    store.save_household(h)
    return h


def sql(path: Path, statement: str, *params: object) -> None:
    """What someone with the sqlite3 tool does: a plain connection, no Store."""
    conn = driver.connect(path)
    with conn:
        conn.execute(statement, params)
    conn.close()


def test_a_new_file_chains_every_row_and_checks_clean(store: Store) -> None:
    h = saved(store, "01-0001", "Lò Thị Mai")
    h.members[0].name = "Lò Thị Mai Anh"
    store.save_household(h)
    store.start_round(2026, "nd351-2026-2030")
    hashes = [r[0] for r in store.conn.execute("SELECT hash FROM audit ORDER BY id")]
    assert len(hashes) >= 5
    assert all(h is not None and len(h) == 32 for h in hashes)
    assert audit.verify(store.conn) is None


def test_an_edited_row_is_found_and_named(store: Store, db_path: Path) -> None:
    saved(store, "01-0001", "Lò Thị Mai")
    h = saved(store, "01-0002", "Vàng Thị Dợ")
    h.members[0].name = "Vàng Thị Dở"
    store.save_household(h)
    saved(store, "01-0003", "Giàng A Tủa")
    store.close()
    (target,) = [
        r[0]
        for r in driver.connect(db_path).execute(
            "SELECT id FROM audit WHERE tbl = 'members' AND action = 'update'"
        )
    ]
    sql(db_path, 'UPDATE audit SET new = \'{"name":"Người khác"}\' WHERE id = ?', target)
    with Store.open(db_path, user="x", device="y") as again:
        broken = audit.verify(again.conn)
    assert broken is not None
    assert broken.id == target
    assert broken.household_code == "01-0002"
    assert broken.what == "sửa nhân khẩu"
    assert f"dòng số {target}" in broken.message
    assert "hộ 01-0002" in broken.message
    assert "bị sửa" in broken.message


def test_a_deleted_row_is_found_and_so_are_rows_cut_from_the_end(
    store: Store, db_path: Path
) -> None:
    for i in range(3):
        saved(store, f"01-000{i}", "Lò Thị Mai")
    store.close()
    conn = driver.connect(db_path)
    ids = [r[0] for r in conn.execute("SELECT id FROM audit ORDER BY id")]
    conn.close()
    middle = ids[len(ids) // 2]
    sql(db_path, "DELETE FROM audit WHERE id = ?", middle)
    broken = audit.verify_path(db_path)
    assert broken is not None
    assert broken.id == middle + 1
    assert f"(số {middle}) đã bị xoá" in broken.message
    assert "bị xoá" in broken.message

    # Rows cut from the end leave no row after them to break: the sequence says so.
    sql(db_path, "DELETE FROM audit WHERE id >= ?", middle)
    broken = audit.verify_path(db_path)
    assert broken is not None
    assert "dòng cuối" in broken.message
    assert f"sau dòng số {middle - 1}" in broken.message


def test_a_row_inserted_by_another_tool_has_no_hash_and_is_named(
    store: Store, db_path: Path
) -> None:
    saved(store, "01-0001", "Lò Thị Mai")
    store.close()
    sql(
        db_path,
        "INSERT INTO audit (at, user, device, tbl, row_id, action) VALUES"
        " ('2026-01-01T00:00:00Z', 'ai đó', 'máy lạ', 'events', 'print', 'insert')",
    )
    broken = audit.verify_path(db_path)
    assert broken is not None
    assert "ghi ngoài phần mềm" in broken.message


def test_the_triggers_copying_a_document_keep_the_chain(store: Store, db_path: Path) -> None:
    # The insert rows point at the row's document; changing the document makes the m0005/6
    # triggers copy it into the audit row: same text, same hash.
    h = saved(store, "01-0001", "Lò Thị Mai")
    pointing = store.conn.execute("SELECT COUNT(*) FROM audit WHERE new_in_row = 1").fetchone()
    assert pointing[0] == 2
    h.members[0].name = "Lò Thị Mai Anh"
    h.b1_total = 120
    store.save_household(h)
    assert store.conn.execute("SELECT COUNT(*) FROM audit WHERE new_in_row = 1").fetchone() == (0,)
    assert audit.verify(store.conn) is None


def test_a_save_appends_its_rows_in_order_and_a_failed_one_appends_none(store: Store) -> None:
    # A save keeps its audit rows and appends them to the chain at once (issue 22): the same
    # rows in the same order as one append each, and none from a save that failed.
    from forms.classify import classify
    from forms.demo import generate_households
    from forms.standards import load_standard

    rnd = store.start_round(2026, "nd07-2022-2025")
    h = next(iter(generate_households(1, seed=3)))
    h.village = "Thôn Đồng Tâm"
    before = store.conn.execute("SELECT MAX(id) FROM audit").fetchone()[0]
    store.save_household(
        h, round_id=rnd.id, result=classify(h, load_standard(rnd.standard_id), 2026)
    )
    rows = store.conn.execute(
        "SELECT id, tbl, action FROM audit WHERE id > ? ORDER BY id", (before,)
    ).fetchall()
    assert [r[0] for r in rows] == list(range(before + 1, before + 1 + len(rows)))
    assert [r[1] for r in rows] == [
        "households",
        *["members"] * len(h.members),
        "answers",
        "results",
    ]
    assert {r[2] for r in rows} == {"insert"}

    broken = Household(
        code="01-0009",
        village="Thôn Đồng Tâm",
        members=[Member(name="Lò Thị Mai", relationship=Relationship.HEAD, sex=Sex.FEMALE)],
    )
    broken.members.append(broken.members[0])  # the same member twice: refused mid-save
    count = store.conn.execute("SELECT COUNT(*) FROM audit").fetchone()[0]
    with pytest.raises(Exception, match="hai lần"):
        store.save_household(broken)
    assert store.conn.execute("SELECT COUNT(*) FROM audit").fetchone()[0] == count
    saved(store, "01-0010", "Giàng A Tủa")
    assert audit.verify(store.conn) is None


def test_a_merge_appends_to_the_local_chain(tmp_path: Path) -> None:
    office = make_commune(tmp_path / "xa.sqlite", 4)
    laptop = copy_to(office, tmp_path / "may.sqlite")
    rng = random.Random(9)
    with Store.open(laptop, user="ĐTV", device="may-1") as store:
        for i in range(10, 16):
            store.save_household(household(i, rng))
        export_package(store, tmp_path / "gui.rasoat")
    with Store.open(office, user="Cán bộ xã", device="may-xa") as store:
        import_package(store, tmp_path / "gui.rasoat")
        assert audit.verify(store.conn) is None
        rows = store.conn.execute("SELECT COUNT(*) FROM audit").fetchone()[0]
        assert rows > 20


def test_a_file_made_before_the_chain_is_chained_by_its_migration(tmp_path: Path) -> None:
    """m0012 chains the rows already there: build a file at the version before it, write
    audit rows with the old schema's own writer (plain SQL), then open it."""
    from db.migrations import STEPS, m0012_audit_chain, migrate

    before = STEPS.index(m0012_audit_chain.apply)
    path = tmp_path / "cu.sqlite"
    conn = driver.connect(path, isolation_level=None)
    conn.execute("PRAGMA application_id = 1381187924")
    migrate(conn, before)
    conn.execute(
        "INSERT INTO commune VALUES (1, '10', 'Tỉnh Lào Cai', '10105', 'Xã Tân Lập', 'rural')"
    )
    conn.execute(
        "INSERT INTO households (id, code, doc, rev, created_at, created_device, updated_at,"
        " updated_device, updated_by) VALUES ('h1', '01-0001', '{\"code\":\"01-0001\"}', 'r1',"
        " 't', 'd', 't', 'd', 'u')"
    )
    for action, new, in_row in (("insert", None, 1), ("update", '{"b1_total":150}', 0)):
        conn.execute(
            "INSERT INTO audit (at, user, device, tbl, row_id, household_id, action, new,"
            " new_in_row) VALUES ('2025-05-01T00:00:00Z', 'u', 'd', 'households', 'h1', 'h1',"
            " ?, ?, ?)",
            (action, new, in_row),
        )
    conn.close()
    with Store.open(path, user="Cán bộ xã", device="may-xa") as store:
        assert audit.verify(store.conn) is None
        saved(store, "01-0002", "Lò Thị Mai")
        assert audit.verify(store.conn) is None
    sql(path, "UPDATE audit SET at = '2025-05-02T00:00:00Z' WHERE id = 1")
    broken = audit.verify_path(path)
    assert broken is not None
    assert broken.id == 1
    assert broken.household_code == "01-0001"


def test_rasoat_db_check_names_the_broken_row(
    store: Store, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved(store, "01-0007", "Lò Thị Mai")
    store.close()
    assert main(["db", "check", str(db_path)]) == 0
    assert "nhật ký thay đổi nguyên vẹn" in capsys.readouterr().out
    sql(db_path, "UPDATE audit SET user = 'người khác' WHERE tbl = 'households'")
    assert main(["db", "check", str(db_path)]) == 1
    err = capsys.readouterr().err
    assert "Nhật ký thay đổi đã bị sửa ngoài phần mềm" in err
    assert "hộ 01-0007" in err
    assert "thêm hộ" in err


@pytest.mark.parametrize("kind", sorted(audit.EVENT_KINDS))
def test_every_event_kind_has_a_vietnamese_name(kind: str) -> None:
    assert audit.describe(audit.EVENTS, kind, "insert") == audit.EVENT_KINDS[kind]


_ALPHABET = 'abc "\\/\x00\x01\x1f\x7f\u0085\u2028\u2029\ufeffỆệ\u0301ĐđươỜ😀𝄞\U0010fffd\t\n\r\b\f'


def _text(rng: random.Random) -> str:
    """A random text of any characters but surrogates: quotes, backslashes, controls,
    combining marks, characters beyond the BMP."""
    size = rng.choice((0, 1, 5, 40, 700))
    if rng.random() < 0.5:
        return "".join(rng.choice(_ALPHABET) for _ in range(size))
    return "".join(
        chr(c) for c in (rng.randrange(0x110000) for _ in range(size)) if not 0xD800 <= c <= 0xDFFF
    )


def test_payload_utf8_is_dumps_on_random_texts() -> None:
    rng = random.Random(22)
    encoded: dict[tuple[object, ...], bytes] = {}
    some = [_text(rng) for _ in range(8)] + [None]
    joined = 0
    for row_id in range(1, 3_000):
        fields = (
            rng.choice(some[:3]),  # repeating, as an append's time, user, device
            rng.choice(some[:3]),
            rng.choice(some),
            rng.choice(("households", "members", _text(rng))),
            _text(rng),
            rng.choice((None, _text(rng))),
            rng.choice(("insert", "update", None)),
            # old and new: JSON texts (no raw control character: escaped from their UTF-8),
            # or any text (quoted by the encoder), or none
            rng.choice((None, _text(rng), dumps({"a": _text(rng)}), dumps([_text(rng)]))),
            rng.choice((None, _text(rng), dumps({"a": _text(rng), "b": [_text(rng)]}))),
            rng.choice(some),
        )
        joined += isinstance(fields[8], str) and not any(c < " " for c in fields[8])
        assert audit.payload_utf8(row_id * 7919, fields, encoded) == dumps(
            [row_id * 7919, *fields]
        ).encode("utf-8")
    assert joined > 1_000  # most through the UTF-8 escaped, as a document is


def test_append_inserts_is_append(tmp_path: Path) -> None:
    """A merge's new rows appended without ``Row``s chain as ``append`` chains the same
    rows: documents as ``dumps`` writes them (escaped from their UTF-8), and, in a second
    append, any text (a control character: quoted by the encoder)."""
    rng = random.Random(15)
    # Written in the statement (``bulk.literal``): quotes and brackets as any other text.
    # A "%" as itself, should a payload ever be formatted from a pattern holding the names.
    SOURCE = "gói (của 'Lò' )) 100%d %b %%"
    docs = [dumps({"id": _text(rng), "a": [_text(rng), "\\\"'"]}) for _ in range(300)]
    # Ids that need no escaping, as a merge's are (UUIDs), "%" included.
    plain = [f"{rng.getrandbits(64):x}-Ngô %s%d{n}" for n in range(600)]
    batches = [
        [(rng.choice(("households", "members")), _text(rng), _text(rng), doc) for doc in docs],
        [("members", _text(rng), _text(rng), _text(rng) + "\x00\n\x1f") for _ in range(50)],
        [("members", plain[n], plain[n + 300], doc) for n, doc in enumerate(docs)],
        [("households", plain[n], plain[n], doc + "\n") for n, doc in enumerate(docs[:20])],
    ]
    tables = []
    for name, fast in (("a", True), ("b", False)):
        path = tmp_path / f"{name}.rasoat"
        Store.create(path, COMMUNE, user="Cán bộ", device="may-1").close()
        with Store.open(path, user="Cán bộ", device="may-1") as store:
            for batch in batches:
                with store.transaction():
                    if fast:
                        audit.append_inserts(
                            store.conn, "2026-12-04T10:00:00Z", "Cán bộ 100%", "máy \"1\"", SOURCE,
                            [(t, r, h, d.encode()) for t, r, h, d in batch],
                        )  # fmt: skip
                    else:
                        audit.append(
                            store.conn,
                            [
                                audit.Row(
                                    "2026-12-04T10:00:00Z",
                                    "Cán bộ 100%",
                                    'máy "1"',
                                    t,
                                    r,
                                    h,
                                    "insert",
                                    None,
                                    None,
                                    SOURCE,
                                    d,
                                )  # fmt: skip
                                for t, r, h, d in batch
                            ],
                        )
            tables.append(store.conn.execute("SELECT * FROM audit ORDER BY id").fetchall())
    assert len(tables[0]) >= 670
    assert tables[0] == tables[1]
