"""Each kind of change leaves exactly one audit row, in the same transaction, with the old and
new values of what changed."""

from __future__ import annotations

import json
from datetime import date

import pytest

from db.errors import NotFound
from db.households import diff
from db.store import AuditEntry, Store
from forms.classify import classify
from forms.model import Area, Household, Member, Relationship, Sex
from forms.standards import load_standard

STANDARD = load_standard("nd07-2022-2025")


def new_household() -> Household:
    return Household(
        code="01-0001",
        village="Thôn Đồng Tâm",
        area=Area.RURAL,
        b1_total=150,
        members=[Member(name="Sùng A Páo", relationship=Relationship.HEAD, sex=Sex.MALE)],
    )


def entries_after(store: Store, household_id: str, before: int) -> list[AuditEntry]:
    return store.audit_for_household(household_id)[before:]


def test_insert_records_household_and_members(store: Store) -> None:
    h = new_household()
    store.save_household(h)
    entries = store.audit_for_household(h.id)
    assert [(e.table, e.action) for e in entries] == [
        ("households", "insert"),
        ("members", "insert"),
    ]
    assert entries[0].old is None
    assert entries[0].new is not None
    assert entries[0].new["code"] == "01-0001"
    assert entries[0].new["b1_total"] == 150
    assert entries[1].new is not None
    assert entries[1].new["name"] == "Sùng A Páo"
    assert entries[0].user == "Lò Văn Ín"
    assert entries[0].device == "laptop-1"
    assert entries[0].source is None


def test_household_field_update(store: Store) -> None:
    h = new_household()
    store.save_household(h)
    n = len(store.audit_for_household(h.id))
    h.b1_total = 135
    store.save_household(h)
    [e] = entries_after(store, h.id, n)
    assert (e.table, e.row_id, e.action) == ("households", h.id, "update")
    assert e.old == {"b1_total": 150}
    assert e.new == {"b1_total": 135}


def test_unchanged_save_writes_nothing(store: Store) -> None:
    h = new_household()
    store.save_household(h)
    n = len(store.audit_for_household(h.id))
    revs = store.household_revs(h.id)
    store.save_household(h)
    assert len(store.audit_for_household(h.id)) == n
    assert store.household_revs(h.id) == revs


def test_unchanged_save_of_a_document_stored_in_another_layout_writes_nothing(
    store: Store,
) -> None:
    # Stored by an older version or another tool: same content, other spacing and key order.
    h = new_household()
    store.save_household(h)
    [(mid, text)] = store.conn.execute(
        "SELECT id, doc FROM members WHERE household_id = ?", (h.id,)
    ).fetchall()
    spaced = json.dumps(dict(reversed(json.loads(text).items())), ensure_ascii=False, indent=2)
    store.conn.execute("UPDATE members SET doc = ? WHERE id = ?", (spaced, mid))
    n = len(store.audit_for_household(h.id))
    revs = store.household_revs(h.id)
    store.save_household(h)
    assert len(store.audit_for_household(h.id)) == n
    assert store.household_revs(h.id) == revs


def test_member_update_insert_delete(store: Store) -> None:
    h = new_household()
    store.save_household(h)
    n = len(store.audit_for_household(h.id))
    h.members[0].birth_year = 1970
    store.save_household(h)
    [e] = entries_after(store, h.id, n)
    assert (e.table, e.row_id, e.action) == ("members", h.members[0].id, "update")
    assert e.old == {"birth_year": None}
    assert e.new == {"birth_year": 1970}

    wife = Member(name="Vàng Thị Mỷ", relationship=Relationship.SPOUSE, sex=Sex.FEMALE)
    h.members.append(wife)
    store.save_household(h)
    [e] = entries_after(store, h.id, n + 1)
    assert (e.table, e.row_id, e.action, e.old) == ("members", wife.id, "insert", None)
    assert e.new is not None
    assert e.new["name"] == "Vàng Thị Mỷ"

    h.members.remove(wife)
    store.save_household(h)
    [e] = entries_after(store, h.id, n + 2)
    assert (e.table, e.row_id, e.action, e.new) == ("members", wife.id, "delete", None)
    assert e.old is not None
    assert e.old["name"] == "Vàng Thị Mỷ"


def test_answers_and_result(store: Store) -> None:
    rnd = store.start_round(2026, "nd07-2022-2025")
    h = new_household()
    store.save_household(h)
    n = len(store.audit_for_household(h.id))
    store.save_household(h, round_id=rnd.id, result=classify(h, STANDARD, 2026))
    entries = entries_after(store, h.id, n)
    assert [(e.table, e.action) for e in entries] == [("answers", "insert"), ("results", "insert")]
    result_new = entries[1].new
    assert result_new is not None
    assert result_new["category"] == classify(h, STANDARD, 2026).category.value
    assert result_new["standard_id"] == "nd07-2022-2025"

    h.b1_total = 300
    store.save_household(h, round_id=rnd.id, result=classify(h, STANDARD, 2026))
    entries = entries_after(store, h.id, n + 2)
    assert [(e.table, e.action) for e in entries] == [
        ("households", "update"),
        ("answers", "update"),
        ("results", "update"),
    ]
    assert entries[2].old is not None
    assert entries[2].new is not None
    assert entries[2].old["b1_score"] == 150
    assert entries[2].new["b1_score"] == 300


def test_delete(store: Store) -> None:
    h = new_household()
    store.save_household(h)
    n = len(store.audit_for_household(h.id))
    store.delete_household(h.id)
    entries = entries_after(store, h.id, n)
    assert [(e.table, e.action) for e in entries] == [
        ("members", "delete"),
        ("households", "delete"),
    ]
    assert entries[1].old is not None
    assert entries[1].old["code"] == "01-0001"
    assert entries[1].new is None


def test_decision_and_vote(store: Store) -> None:
    rnd = store.start_round(2026, "nd07-2022-2025")
    h = new_household()
    store.save_household(h)
    n = len(store.audit_for_household(h.id))
    store.save_meeting_vote(h.id, rnd.id, agree=5, attendees=8, meeting_date=date(2026, 10, 1))
    store.save_meeting_vote(h.id, rnd.id, agree=6, attendees=8, meeting_date=date(2026, 10, 1))
    votes = entries_after(store, h.id, n)
    assert [(e.table, e.action) for e in votes] == [
        ("meeting_votes", "insert"),
        ("meeting_votes", "update"),
    ]
    assert (votes[1].old, votes[1].new) == ({"agree": 5}, {"agree": 6})

    d = store.save_decision(rnd.id, "12/QĐ-UBND", date(2026, 12, 10), "Hoàng Văn Nam")
    store.save_decision(rnd.id, "13/QĐ-UBND", date(2026, 12, 10), "Hoàng Văn Nam")
    rows = store.audit_for_row("decisions", d.id)
    assert [e.action for e in rows] == ["insert", "update"]
    assert (rows[1].old, rows[1].new) == ({"number": "12/QĐ-UBND"}, {"number": "13/QĐ-UBND"})


def test_source_of_a_merge_is_recorded(store: Store) -> None:
    h = new_household()
    with store.transaction(source="goi-thon-1.rasoat"):
        store.save_household(h)
    assert {e.source for e in store.audit_for_household(h.id)} == {"goi-thon-1.rasoat"}


def test_rolled_back_save_leaves_no_audit(store: Store) -> None:
    h = new_household()
    # The household rows are written before the unknown round is noticed: all rolls back.
    with pytest.raises(NotFound):
        store.save_household(h, round_id="no-such-round")
    assert store.audit_for_household(h.id) == []
    assert store.get_household(h.id) is None
    assert store.household_revs(h.id) == []


def test_insert_entry_points_at_the_row_instead_of_copying_it(store: Store) -> None:
    # The document is stored once, in its row; the insert's audit row refers to it.
    h = new_household()
    store.save_household(h)
    rows = store.conn.execute(
        "SELECT tbl, new, new_in_row FROM audit WHERE household_id = ? AND action = 'insert'",
        (h.id,),
    ).fetchall()
    assert sorted(rows) == [("households", None, 1), ("members", None, 1)]


def test_insert_entry_keeps_the_inserted_document_after_every_later_change(
    store: Store,
) -> None:
    h = new_household()
    store.save_household(h)
    inserted = store.audit_for_household(h.id)
    head = h.members[0]
    h.b1_total = 135
    head.birth_year = 1970
    store.save_household(h)
    h.members.remove(head)
    h.members.append(Member(name="Vàng Thị Mỷ", relationship=Relationship.HEAD, sex=Sex.FEMALE))
    store.save_household(h)
    store.delete_household(h.id)
    entries = store.audit_for_household(h.id)
    assert entries[:2] == inserted
    assert inserted[0].new is not None
    assert inserted[0].new["b1_total"] == 150
    assert inserted[1].new is not None
    assert (inserted[1].new["name"], inserted[1].new["birth_year"]) == ("Sùng A Páo", None)
    # The copies were made when the rows first changed: the audit rows hold them now.
    assert store.conn.execute(
        "SELECT count(*) FROM audit WHERE row_id IN (?, ?) AND new_in_row = 1", (h.id, head.id)
    ).fetchone() == (0,)


def test_a_document_changed_outside_the_store_still_leaves_the_insert_intact(
    store: Store,
) -> None:
    # The copy is made by triggers, so no write path (a future migration, a repair by hand)
    # can lose what was inserted.
    h = new_household()
    store.save_household(h)
    store.conn.execute("UPDATE households SET doc = '{}' WHERE id = ?", (h.id,))
    store.conn.execute("UPDATE members SET doc = '{}' WHERE household_id = ?", (h.id,))
    entries = store.audit_for_household(h.id)
    assert entries[0].new is not None
    assert entries[0].new["code"] == "01-0001"
    assert entries[1].new is not None
    assert entries[1].new["name"] == "Sùng A Páo"


def test_a_moved_member_keeps_its_insert_after_later_changes(store: Store) -> None:
    # The insert row is found through the household it was written under (m0006), so the
    # move itself copies the document in: a later change, made in the new household, could
    # not find it any more.
    first = new_household()
    child = Member(name="Sùng Thị Dua", relationship=Relationship.CHILD, sex=Sex.FEMALE)
    first.members.append(child)
    store.save_household(first)
    second = Household(
        code="01-0002",
        village="Thôn Đồng Tâm",
        members=[Member(name="Giàng A Chu", relationship=Relationship.HEAD), child],
    )
    store.save_household(second)  # the child now lives in the second household
    child.birth_year = 2015
    store.save_household(second)
    [inserted] = [
        e
        for e in store.audit_for_household(first.id)
        if e.table == "members" and e.row_id == child.id and e.action == "insert"
    ]
    assert inserted.new is not None
    assert (inserted.new["name"], inserted.new["birth_year"]) == ("Sùng Thị Dua", None)
    assert [e.action for e in store.audit_for_row("members", child.id)] == [
        "insert",
        "update",
        "update",
    ]


def test_a_changes_fields_are_in_the_documents_order() -> None:
    """An update's audit texts list the changed fields as the document holds them (the old
    one's, then the new one's own), never in a set's order, which follows the process's hash
    seed: the same change merged on two laptops is written the same way."""
    old = {f"truong_{i}": i for i in range(30)}
    new = {**{f"truong_{i}": -i for i in range(30)}, "moi": 1}
    before, after = diff(old, new)
    assert list(before) == [f"truong_{i}" for i in range(1, 30)] + ["moi"]
    assert list(after) == list(before)
    assert after["moi"] == 1
    assert before["moi"] is None
