"""Diacritic-insensitive prefix search over names, ID numbers, codes and villages."""

from __future__ import annotations

import pytest

from db.store import HouseholdQuery, Store
from forms.model import Household, Member, Relationship
from forms.text import fold


@pytest.fixture
def filled(store: Store) -> Store:
    people = [
        ("01-0001", "Thôn Đồng Tâm", ["Nguyễn Thị Ánh", "Trần Văn Bình"], "002180000001"),
        ("01-0002", "Thôn Đồng Tâm", ["Đinh Công Hùng"], "002080000002"),
        ("02-0001", "Bản Nà Hin", ["Giàng A Páo", "Sùng Thị Mỷ"], None),
        ("02-0002", "Bản Nà Hin", ["Lò Văn Ánh"], None),
    ]
    for code, village, names, id_number in people:
        members = [Member(name=n) for n in names]
        members[0].relationship = Relationship.HEAD
        members[0].id_number = id_number
        store.save_household(Household(code=code, village=village, members=members))
    return store


def codes(store: Store, text: str) -> list[str]:
    return [r.code for r in store.search(text)]


@pytest.mark.parametrize("text", ["nguyen thi anh", "Nguyễn Thị Ánh", "NGUYEN", "ngu th an"])
def test_full_name_any_spelling(filled: Store, text: str) -> None:
    assert codes(filled, text) == ["01-0001"]


@pytest.mark.parametrize("text", ["anh", "ANH", "Ánh", "an"])
def test_given_name_matches_all_holders(filled: Store, text: str) -> None:
    assert codes(filled, text) == ["01-0001", "02-0002"]


def test_d_with_stroke(filled: Store) -> None:
    assert codes(filled, "dinh") == ["01-0002"]
    assert codes(filled, "Đinh") == ["01-0002"]
    assert codes(filled, "dong tam") == ["01-0001", "01-0002"]


def test_id_number_code_and_village(filled: Store) -> None:
    assert codes(filled, "00218") == ["01-0001"]
    assert codes(filled, "02-0001") == ["02-0001"]
    assert codes(filled, "ban na") == ["02-0001", "02-0002"]
    assert codes(filled, "mỷ") == ["02-0001"]


def test_nothing_and_punctuation(filled: Store) -> None:
    assert codes(filled, "xyz") == []
    assert codes(filled, "") == []
    assert codes(filled, "\"*'") == []
    assert codes(filled, 'anh" OR "x') == []


def test_index_follows_edits_and_deletes(filled: Store) -> None:
    h = filled.household_by_code("02-0002")
    assert h is not None
    h.members[0].name = "Lò Văn Khăm"
    filled.save_household(h)
    assert codes(filled, "anh") == ["01-0001"]
    assert codes(filled, "kham") == ["02-0002"]
    filled.delete_household(h.id)
    assert codes(filled, "kham") == []


def test_an_edit_that_leaves_the_words_alone_leaves_the_index_alone(filled: Store) -> None:
    """A note or an answer changed: the searched words are the same, so the index is not
    rewritten (a third of the pages a save writes, each encrypted in an encrypted file); a
    name changed afterwards still is."""
    h = filled.household_by_code("01-0002")
    assert h is not None

    def index_writes(edit: Household) -> list[str]:
        statements: list[str] = []
        filled.conn.set_trace_callback(statements.append)
        try:
            filled.save_household(edit)
        finally:
            filled.conn.set_trace_callback(None)
        return [
            s
            for s in statements
            if s.lstrip().upper().startswith(("INSERT", "DELETE", "UPDATE", "REPLACE"))
            and "search_index" in s
        ]

    h.note = "Đã đến nhà hỏi lại"
    assert index_writes(h) == []
    assert filled.household_by_code("01-0002").note == "Đã đến nhà hỏi lại"  # type: ignore[union-attr]
    h.members[0].name = "Đinh Công Khải"
    assert index_writes(h) != []
    assert codes(filled, "dinh cong khai") == ["01-0002"]


def test_list_filter_uses_search(filled: Store) -> None:
    rows = filled.list_households(HouseholdQuery(text="anh"))
    assert [r.code for r in rows] == ["01-0001", "02-0002"]
    assert filled.count_households(HouseholdQuery(text="anh", village="Bản Nà Hin")) == 1
    assert filled.search("anh", limit=1)[0].code in ("01-0001", "02-0002")


SURNAMES = ["Nguyễn", "Trần", "Lò", "Đinh", "Giàng"]
GIVEN = ["Thị Ánh", "Văn Bình", "A Páo", "Thị Mỷ", "Công Hùng", "Văn Khăm"]


@pytest.fixture
def many(store: Store) -> Store:
    """120 households with few distinct names, so a prefix matches many or few of them."""
    with store.transaction("test"):
        for i in range(120):
            village = "Thôn Đồng Tâm" if i % 3 else "Bản Nà Hin"
            name = f"{SURNAMES[i % 5]} {GIVEN[(i * 7) % 6]}"
            # Codes not in insertion order, so the index walk and the rowid order differ.
            code = f"{(i * 37) % 120:03d}"
            head = Member(name=name, relationship=Relationship.HEAD)
            store.save_household(Household(code=code, village=village, members=[head]))
    for h in store.list_households(HouseholdQuery(text="khăm", limit=5)):
        store.delete_household(h.id)  # deleted households must drop out of both plans
    return store


@pytest.mark.parametrize("threshold", [0, 10**9], ids=["index-walk", "sort-matches"])
@pytest.mark.parametrize("text", ["th", "nguyen", "dinh hung", "khăm", "xyz", "ban"])
def test_both_search_plans_page_and_count_alike(
    many: Store, monkeypatch: pytest.MonkeyPatch, threshold: int, text: str
) -> None:
    import db.store_lists

    monkeypatch.setattr(db.store_lists, "ORDERED_SCAN_MATCHES", threshold)
    words = fold(text).split()
    expected = [
        r
        for r in many.list_households(HouseholdQuery(limit=1000))
        if all(
            any(part.startswith(w) for part in fold(f"{r.head_name} {r.village}").split())
            for w in words
        )
    ]
    for order_by in ("code", "village"):
        for descending in (False, True):
            key = (lambda r: (r.village, r.code)) if order_by == "village" else (lambda r: r.code)
            pages = [
                many.list_households(
                    HouseholdQuery(
                        text=text, order_by=order_by, descending=descending, limit=7, offset=n
                    )
                )
                for n in range(0, 120, 7)
            ]
            want = sorted(expected, key=key, reverse=descending)
            assert [r.code for page in pages for r in page] == [r.code for r in want]
    assert many.count_households(HouseholdQuery(text=text)) == len(expected)
    in_village = [r for r in expected if r.village == "Bản Nà Hin"]
    assert many.count_households(HouseholdQuery(text=text, village="Bản Nà Hin")) == len(in_village)


def test_support_applications_and_cadres_are_found_without_diacritics(filled: Store) -> None:
    """Issue 24: a household is found by its support's programme and giver, who submitted
    its application and its cadre (its own, else its village's)."""
    from datetime import date

    from db import year_round

    ids = {r.code: r.id for r in filled.search("0")}
    year_round.add_support(
        filled, ids["01-0001"], "credit", date(2026, 3, 2), "Ngân hàng Chính sách xã hội"
    )
    year_round.add_application(filled, ids["02-0001"], "escape", date(2026, 4, 1), "Vàng Thị Dung")
    year_round.assign_cadre(filled, "Hoàng Văn Dũng", "Trưởng thôn", village="Bản Nà Hin")
    year_round.assign_cadre(filled, "Nông Thị Hoa", household_id=ids["02-0002"])
    assert codes(filled, "chinh sach xa hoi") == ["01-0001"]
    assert codes(filled, "vang thi dung") == ["02-0001"]
    assert codes(filled, "hoang van dung") == ["02-0001"]  # 02-0002 has its own cadre
    assert codes(filled, "nong thi hoa") == ["02-0002"]
    assert filled.count_households(HouseholdQuery(text="dung")) == 1
    # Edits follow: the household saved again keeps its words; a deleted support drops them.
    h = filled.get_household(ids["01-0001"])
    assert h is not None
    filled.save_household(h)
    assert codes(filled, "chinh sach") == ["01-0001"]
    [loan] = year_round.support_for(filled, ids["01-0001"])
    year_round.delete_support(filled, loan.id)
    assert codes(filled, "chinh sach") == []
    year_round.assign_cadre(filled, "", village="Bản Nà Hin")
    assert codes(filled, "hoang van") == []


def test_step_14_indexes_the_records_written_before_it(filled: Store) -> None:
    from datetime import date

    from db import year_round
    from db.migrations import migrate

    ids = {r.code: r.id for r in filled.search("0")}
    year_round.add_support(filled, ids["02-0002"], "housing", date(2026, 3, 2), "Nhà ở 2026")
    # The row as step 13 files wrote it: the household's own words only.
    rowid = filled.conn.execute(
        "SELECT rowid FROM households WHERE id = ?", (ids["02-0002"],)
    ).fetchone()[0]
    with filled.transaction():
        filled.conn.execute("DELETE FROM search_index WHERE rowid = ?", (rowid,))
        filled.conn.execute(
            "INSERT INTO search_index (rowid, text) VALUES (?, ?)",
            (rowid, fold("02-0002 Bản Nà Hin Lò Văn Ánh")),
        )
    assert codes(filled, "nha o 2026") == []
    filled.conn.execute("PRAGMA user_version = 13")
    # Step 14 alone: the steps after it have already run on this file.
    assert migrate(filled.conn, 14) == 14
    assert codes(filled, "nha o 2026") == ["02-0002"]
    assert codes(filled, "lo van anh") == ["02-0002"]


def test_the_count_of_a_search_follows_writes_here_and_in_another_connection(
    filled: Store,
) -> None:
    # A keystroke's page and count share one count of the matches, until a write.
    only_text = HouseholdQuery(text="anh")
    assert filled.count_households(only_text) == 2
    h = filled.household_by_code("02-0002")
    assert h is not None
    h.members[0].name = "Lò Văn Khăm"
    filled.save_household(h)
    assert filled.count_households(only_text) == 1
    other = Store.open(filled.path, user="Cán bộ khác", device="laptop-2")
    try:
        other.delete_household(other.household_by_code("01-0001").id)  # type: ignore[union-attr]
    finally:
        other.close()
    assert filled.count_households(only_text) == 0
    assert [r.code for r in filled.list_households(only_text)] == []
