"""``Store.save_households`` (an import's bulk path, issue 22): the same rows, audit rows in
the chain, revisions and search rows as one ``save_household`` each, and the same refusals,
all or nothing."""

from __future__ import annotations

import copy
import zlib
from pathlib import Path
from typing import Any

import pytest

from db import audit, users, year_round
from db.errors import NotFound, NotPermitted, StoreError
from db.records import Change
from db.store import Store
from forms.classify import Result, classify
from forms.demo import generate_households
from forms.model import Household, Member
from forms.roles import Role
from forms.standards import load_standard
from tests.db.conftest import commune_info

STANDARD = load_standard("nd07-2022-2025")
VILLAGE = "Thôn Đồng Tâm"

# What must be equal between two files written the two ways (their own ids, round ids and
# times aside): every table a save writes, the search rows and the audit log in order.
SAME = {
    "households": "SELECT id, code, village, head_name, size, doc, deleted, updated_by"
    " FROM households ORDER BY id",
    "members": "SELECT id, household_id, position, name, id_number, doc, deleted FROM members"
    " ORDER BY id",
    "causes": "SELECT * FROM household_causes ORDER BY 1, 2",
    "needs": "SELECT * FROM household_needs ORDER BY 1, 2",
    "answers": "SELECT household_id, doc, deleted FROM answers ORDER BY household_id",
    "results": "SELECT household_id, category, b1_score, deprivation_count, transition,"
    " standard_id, engine_version, doc FROM results ORDER BY household_id",
    "revisions": "SELECT household_id, parent_rev IS NULL, device, user, deleted"
    " FROM household_revs ORDER BY household_id, at",
    "search": "SELECT h.id, s.text FROM search_index s JOIN households h ON h.rowid = s.rowid"
    " ORDER BY h.id",
    "audit": "SELECT tbl, CASE WHEN tbl IN ('households', 'members') THEN row_id END,"
    " household_id, action, old, CASE WHEN tbl = 'results' THEN new END, source,"
    " new_in_row, user, device FROM audit WHERE tbl != 'events' ORDER BY id",
}


def _demo(n: int, seed: int = 3) -> list[tuple[Household, Result]]:
    return [(h, classify(h, STANDARD, 2026)) for h in generate_households(n, seed=seed)]


def _file(tmp_path: Path, name: str) -> Store:
    store = Store.create(tmp_path / name, commune_info(), user="Lò Văn Ín", device="laptop-1")
    store.add_village(VILLAGE)
    return store


def _rows(store: Store) -> dict[str, list[Any]]:
    out = {name: store.conn.execute(sql).fetchall() for name, sql in SAME.items()}
    out["answers"] = [(hid, zlib.decompress(doc), d) for hid, doc, d in out["answers"]]
    return out


def test_the_same_rows_audit_and_search_as_one_save_each(tmp_path: Path) -> None:
    data = _demo(40)
    files = []
    for name, many in (("one.sqlite", False), ("many.sqlite", True)):
        store = _file(tmp_path, name)
        # The village's cadre is part of a new household's search row.
        year_round.assign_cadre(store, "Hà Thị Lan", "Bí thư chi bộ", village=VILLAGE)
        for h, _result in data[:5]:
            h.village = VILLAGE
        rnd = store.start_round(2026, "nd07-2022-2025")
        with store.transaction(source="Excel danh-sach.xlsx"):
            if many:
                store.save_households(copy.deepcopy(data), round_id=rnd.id)
            else:
                for h, result in copy.deepcopy(data):
                    store.save_household(h, round_id=rnd.id, result=result)
        assert audit.verify(store.conn) is None
        files.append(store)
    one, many = (_rows(s) for s in files)
    assert len(many["households"]) == 40
    assert len(many["audit"]) > 5 * 40
    assert any("ha thi lan" in text for _id, text in many["search"])
    saved = {"households", "members", "answers", "results"}
    assert {r[6] for r in many["audit"] if r[0] in saved} == {"Excel danh-sach.xlsx"}
    for name in SAME:
        assert many[name] == one[name], name
    for store in files:
        store.close()


def test_stored_households_are_saved_as_save_does_and_listeners_hear_once(
    tmp_path: Path,
) -> None:
    store = _file(tmp_path, "xa.sqlite")
    rnd = store.start_round(2026, "nd07-2022-2025")
    (old, old_result), (new, new_result) = _demo(2)
    store.save_household(old, round_id=rnd.id, result=old_result)
    heard: list[Change] = []
    store.subscribe(heard.append)
    # A member of the stored household moves to the new one; the stored one changes too.
    moved = old.members.pop()
    new.members.append(moved)
    old.note = "đã chuyển một người"
    no_code = Household(village=VILLAGE, members=[Member(name="Mùa A Chứ")])
    store.save_households([(old, old_result), (new, new_result), (no_code, None)], round_id=rnd.id)
    assert audit.verify(store.conn) is None
    assert no_code.code.startswith("01-")
    got = store.get_household(new.id)
    assert got is not None
    assert moved.id in [m.id for m in got.members]
    actions = store.conn.execute(
        "SELECT tbl, action FROM audit WHERE row_id = ? ORDER BY id", (moved.id,)
    ).fetchall()
    # As one save each, in this order: removed from the old household, then taken in.
    assert actions == [("members", "insert"), ("members", "delete"), ("members", "update")]
    assert store.conn.execute(
        "SELECT COUNT(*) FROM household_revs WHERE household_id = ?", (old.id,)
    ).fetchone() == (2,)
    assert [c.kind for c in heard] == ["household"]
    assert set(heard[0].ids) == {old.id, new.id, no_code.id}
    store.close()


def _count(store: Store) -> tuple[int, int, int]:
    return store.conn.execute(
        "SELECT (SELECT COUNT(*) FROM households), (SELECT COUNT(*) FROM members),"
        " (SELECT COUNT(*) FROM audit)"
    ).fetchone()


def test_a_code_already_used_refuses_the_whole_call(tmp_path: Path) -> None:
    store = _file(tmp_path, "xa.sqlite")
    rnd = store.start_round(2026, "nd07-2022-2025")
    data = _demo(6)
    store.save_household(data[0][0], round_id=rnd.id, result=data[0][1])
    before = _count(store)
    clash = copy.deepcopy(data[1])
    clash[0].code = data[0][0].code
    clash[0].id = "khac"
    for m in clash[0].members:
        m.id = m.id + "-khac"
    with pytest.raises(StoreError, match=f"Mã hộ {data[0][0].code} đã được dùng"):
        store.save_households([*data[2:], clash], round_id=rnd.id)
    twice = copy.deepcopy(data[3])
    twice[0].id = "lan-hai"
    for m in twice[0].members:
        m.id = m.id + "-hai"
    with pytest.raises(StoreError, match=f"Mã hộ {data[3][0].code} đã được dùng"):
        store.save_households([*data[2:], twice], round_id=rnd.id)
    assert _count(store) == before
    assert audit.verify(store.conn) is None
    store.close()


def test_a_member_twice_in_a_household_and_an_unknown_round_are_refused(tmp_path: Path) -> None:
    store = _file(tmp_path, "xa.sqlite")
    rnd = store.start_round(2026, "nd07-2022-2025")
    data = _demo(4)
    h = data[2][0]
    h.members.append(copy.deepcopy(h.members[0]))
    with pytest.raises(StoreError, match="Một thành viên bị ghi hai lần"):
        store.save_households(data, round_id=rnd.id)
    with pytest.raises(NotFound, match="Không tìm thấy kỳ rà soát"):
        store.save_households(data[:2], round_id="khong-co")
    with pytest.raises(ValueError, match="needs the round"):
        store.save_households(data[:2])
    assert _count(store)[:2] == (0, 0)
    store.close()


def test_a_surveyor_writes_only_in_their_village(tmp_path: Path) -> None:
    store = _file(tmp_path, "xa.sqlite")
    store.add_village("Bản Nà Hin")
    users.add_user(store, "can_bo", "Hoàng Văn Thụ", Role.OFFICER, "mat-khau-9x")
    users.add_user(store, "mai", "Lò Thị Mai", Role.SURVEYOR, "mat-khau-9x", [VILLAGE])
    rnd = store.start_round(2026, "nd07-2022-2025")
    path = store.path
    store.close()
    with Store.open(path, user="máy", device="laptop-1") as s:
        users.sign_in(s, "mai", "mat-khau-9x")
        data = _demo(3)
        for h, _result in data:
            h.village = VILLAGE
        data[1][0].village = "Bản Nà Hin"
        with pytest.raises(NotPermitted, match=f"chỉ được nhập, sửa hộ gia đình ở {VILLAGE}"):
            s.save_households(data, round_id=rnd.id)
        assert _count(s)[:2] == (0, 0)
        s.save_households([data[0], data[2]], round_id=rnd.id)
        assert _count(s)[:2] == (2, len(data[0][0].members) + len(data[2][0].members))


def test_documents_and_chain_hashes_keep_the_stdlib_encoding() -> None:
    """``dumps`` calls json's C encoder directly (issue 22): the text must stay exactly what
    ``json.dumps`` with the file format's options writes, since the audit chain hashes it."""
    import hashlib
    import json

    from db.households import household_doc
    from db.store_stamps import dumps
    from forms.classify import result_to_dict

    values: list[Any] = ['Lò Văn Ín "A" \\ \n\t\u0001', 1.5, 1e-7, 10**20, True, None, []]
    values += [{"a": [1, 2.25, None, {"đ": "Đ"}], "b": False, "": ""}]
    for h, result in _demo(30, seed=8):
        doc, members = household_doc(h)
        values += [doc, *members, result_to_dict(result)]
    for value in values:
        assert dumps(value) == json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    fields = ("2026-12-03T00:00:00.000Z", "Lò Văn Ín", "laptop-1", "members", "m", "h")
    fields += ("insert", None, dumps(values[-2]), "Excel a.xlsx")
    payload = json.dumps([7, *fields], ensure_ascii=False, separators=(",", ":")).encode()
    prev = bytes(range(32))
    assert audit.entry_hash(prev, 7, fields) == hashlib.sha256(prev + payload).digest()


def test_a_household_given_twice_is_saved_twice(tmp_path: Path) -> None:
    store = _file(tmp_path, "xa.sqlite")
    rnd = store.start_round(2026, "nd07-2022-2025")
    (h, result), other = _demo(2)
    changed = copy.deepcopy(h)
    changed.note = "sửa lần hai"
    store.save_households([(h, result), other, (changed, result)], round_id=rnd.id)
    assert audit.verify(store.conn) is None
    got = store.get_household(h.id)
    assert got is not None
    assert got.note == "sửa lần hai"
    assert store.conn.execute(
        "SELECT action FROM audit WHERE tbl = 'households' AND row_id = ? ORDER BY id", (h.id,)
    ).fetchall() == [("insert",), ("update",)]
    assert store.conn.execute(
        "SELECT COUNT(*) FROM household_revs WHERE household_id = ?", (h.id,)
    ).fetchone() == (2,)
    store.close()


def test_a_household_without_a_code_is_numbered_after_the_coded_ones(tmp_path: Path) -> None:
    """The one documented difference from one save each: a household without a code takes
    the next code after every new household of the call that has one (one by one, the first
    below would take 01-0001 and the second then clash with it)."""
    store = _file(tmp_path, "xa.sqlite")
    rnd = store.start_round(2026, "nd07-2022-2025")
    data = _demo(3)
    for (h, _result), code in zip(data, ["", "01-0001", "01-0005"], strict=True):
        h.village, h.code = VILLAGE, code
    store.save_households(data, round_id=rnd.id)
    codes = dict(store.conn.execute("SELECT id, code FROM households").fetchall())
    assert [codes[h.id] for h, _result in data] == ["01-0006", "01-0001", "01-0005"]
    assert audit.verify(store.conn) is None
    store.close()
