"""How many pages a save writes: each one is encrypted and authenticated again in an encrypted
file (issue 20: a save within 1.3x of the plain file's), so a save writes only the rows and
index entries whose values changed. Counted as the frames the save adds to the WAL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from db import at_rest
from db.errors import StoreError
from db.store import Store
from forms.model import Area, Household, Member, Relationship, Sex
from tests.db.conftest import commune_info

PASSPHRASE = "ruộng bậc thang mùa lúa chín"


def household(code: str, head: str, village: str = "Thôn Đồng Tâm") -> Household:
    return Household(
        code=code,
        village=village,
        area=Area.RURAL,
        b1_total=120,
        causes=["capital"],
        needs=["credit"],
        members=[
            Member(name=head, relationship=Relationship.HEAD, sex=Sex.FEMALE, birth_year=1980),
            Member(
                name="Đinh Văn Hùng",
                relationship=Relationship.SPOUSE,
                sex=Sex.MALE,
                birth_year=1978,
            ),
        ],
    )


def filled(path: Path) -> None:
    store = Store.create(path, commune_info(), user="Lò Văn Ín", device="laptop-1")
    try:
        store.add_village("Thôn Đồng Tâm")
        store.add_village("Bản Nà Hin")
        for n in range(1, 41):
            store.save_household(household(f"01-{n:04d}", f"Hoàng Thị Mai {n}"))
    finally:
        store.close()


@pytest.fixture(params=["plain", "encrypted"])
def commune(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "xa.rasoat.sqlite"
    filled(path)
    key = None
    if request.param == "encrypted":
        at_rest.encrypt_file(path, PASSPHRASE)
        key = at_rest.key_from_passphrase(path, PASSPHRASE)
    store = Store.open(path, user="Lò Văn Ín", device="laptop-1", key=key)
    yield store
    store.close()


def pages_written(store: Store, h: Household) -> int:
    """The WAL frames (pages) ``save_household(h)`` adds: the WAL is emptied first."""
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.save_household(h)
    return int(store.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1])


def test_a_note_edit_leaves_the_indexes_of_unchanged_columns_alone(commune: Store) -> None:
    """A note changed: the household's row, its updated_at index entry, a revision (row and
    two index entries), the audit row (row and its household index entry) and the audit
    sequence; not the code, village, head-name and id indexes, whose values did not change
    (12 pages before, each of the four rewritten with the same entry). The third edit: the
    first also copies the household's document into its insert's audit row (m0005), and the
    first two may split a few leaves (an encryption that packs leaves full, as sqlcipher_export
    did before ba28f78, makes every first edit split)."""
    h = commune.household_by_code("01-0020")
    assert h is not None
    for note in ("Hẹn quay lại", "Vắng nhà"):
        h.note = note
        commune.save_household(h)
    # The fewest of three edits: ids are random, so which leaves the revision and audit
    # rows land in is too, and one edit in about thirty still splits a full leaf (9 pages);
    # a save rewriting the unchanged columns' index entries writes 12 every time.
    written = []
    for note in ("Hẹn lần sau", "Đi nương", "Đã đến nhà hỏi lại"):
        h.note = note
        written.append(pages_written(commune, h))
    assert min(written) <= 8, written
    again = commune.household_by_code("01-0020")
    assert again is not None
    assert again.note == "Đã đến nhà hỏi lại"


def test_changed_columns_are_still_written_and_found(commune: Store) -> None:
    h = commune.household_by_code("01-0020")
    assert h is not None
    h.code, h.village = "02-0001", "Bản Nà Hin"
    h.members[0].name = "Lường Thị Xuân"
    commune.save_household(h)
    assert commune.household_by_code("01-0020") is None
    moved = commune.household_by_code("02-0001")
    assert moved is not None
    assert moved.village == "Bản Nà Hin"
    assert moved.head_name() == "Lường Thị Xuân"
    row = commune.conn.execute(
        "SELECT code, village, head_name, size FROM households WHERE id = ?", (h.id,)
    ).fetchone()
    assert tuple(row) == ("02-0001", "Bản Nà Hin", "Lường Thị Xuân", 2)
    assert commune.integrity_problems() == []


def test_a_code_taken_while_deleted_is_refused_when_saved_again(commune: Store) -> None:
    """The clash check is skipped only for a live household keeping its code (the unique
    index guarantees it then): a deleted one saved again under a code taken since is not."""
    gone = commune.household_by_code("01-0005")
    assert gone is not None
    commune.delete_household(gone.id)
    commune.save_household(household("01-0005", "Vàng Thị Dua"))
    with pytest.raises(StoreError) as exc:
        commune.save_household(gone)
    assert "01-0005" in exc.value.message
    assert commune.household_by_code("01-0005").head_name() == "Vàng Thị Dua"  # type: ignore[union-attr]


def test_a_member_moved_from_another_household_is_found_there(commune: Store) -> None:
    """Members are looked up by household first, by id only when one is not there."""
    a = commune.household_by_code("01-0001")
    b = commune.household_by_code("01-0002")
    assert a is not None
    assert b is not None
    moving = b.members[1]
    b.members = b.members[:1]
    a.members.append(moving)
    commune.save_household(a)
    rows = commune.conn.execute(
        "SELECT household_id, deleted FROM members WHERE id = ?", (moving.id,)
    ).fetchall()
    assert [tuple(r) for r in rows] == [(a.id, 0)]
    again = commune.household_by_code("01-0001")
    assert again is not None
    assert [m.id for m in again.members][-1] == moving.id


def test_the_household_a_member_left_is_counted_and_searched_without_them(
    commune: Store,
) -> None:
    """Saving the household a member moved to (a merged package that carries only that one,
    as a village's export may) left the other's head, size and search words as before: its
    list row counted the member, and a search for their name found it. Its history is not
    touched (no revision): the laptop that edits it sends its own."""
    a = commune.household_by_code("01-0001")
    b = commune.household_by_code("01-0002")
    assert a is not None
    assert b is not None
    head = b.members[0]
    size_before = b.size()
    rev_before = commune.conn.execute("SELECT rev FROM households WHERE id = ?", (b.id,)).fetchone()
    head.name = "Pờ Thị Mới Chuyển"
    a.members.append(head)
    commune.save_household(a)
    row = commune.conn.execute(
        "SELECT head_name, size, rev FROM households WHERE id = ?", (b.id,)
    ).fetchone()
    left = commune.household_by_code("01-0002")
    assert left is not None
    assert row[1] == size_before - 1 == left.size()
    assert row[0] == left.head_name()
    assert row[2] == rev_before[0]
    found = {r.id for r in commune.search("Pờ Thị Mới Chuyển")}
    assert found == {a.id}
    assert commune.integrity_problems() == []
