"""One person's data (``db.people``, docs/privacy.md "One person's data") is the officer's
tool for one person's request: refused to other roles and to nobody signed in on a file
with users, in the storage layer itself; and bounded, so that it cannot list the commune
(a query "a" found 124 of 158 people with their CCCD numbers)."""

from __future__ import annotations

from pathlib import Path

import pytest

from db import people, users
from db.errors import NotPermitted, StoreError
from db.store import Store
from forms.model import Household, Member, Relationship
from forms.roles import Role
from tests.db.exchange.commune import make_commune

PASS = "mat-khau-9x"
CCCD = "079398765431"
CMND = "123456789"


def _household(code: str, *names: str) -> Household:
    members = [Member(name=n, relationship=Relationship.OTHER) for n in names]
    members[0].relationship = Relationship.HEAD
    return Household(code=code, village="Thôn 1", members=members)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    path = make_commune(tmp_path / "xa.db", 3)
    with Store.open(path, user="Cán bộ xã", device="may-xa") as store:
        h = _household("HO-P1", "Lò Thị Mai", "Lò Văn Lò")
        h.members[0].id_number = CCCD
        h.members[1].id_number = CMND
        store.save_household(h)
        store.save_household(_household("HO-P2", "Lò Thị Mai Anh"))
        # Eleven people of the same two words: more than one person's request.
        store.save_household(_household("HO-P3", *[f"Nguyễn Văn Tên{i}" for i in range(11)]))
    return path


def test_found_by_a_whole_number_or_a_whole_name(path: Path) -> None:
    with Store.open(path, user="Cán bộ xã", device="may-xa") as store:
        assert [p.name for p in people.find(store, CCCD)] == ["Lò Thị Mai"]
        assert [p.name for p in people.find(store, "0793 9876 5431")] == ["Lò Thị Mai"]
        assert [p.name for p in people.find(store, CMND)] == ["Lò Văn Lò"]
        # Whole words, diacritics and case ignored, in any order.
        assert [p.name for p in people.find(store, "lo thi mai")] == [
            "Lò Thị Mai",
            "Lò Thị Mai Anh",
        ]
        assert [p.name for p in people.find(store, "MAI ANH")] == ["Lò Thị Mai Anh"]
        # A word typed twice is a word the name has twice.
        assert [p.name for p in people.find(store, "lo lo")] == ["Lò Văn Lò"]
        # Part of a word is not a word: nobody (containment found "Lò Thị Mai" by "Lo Th").
        assert people.find(store, "Lo Th") == []
        assert people.find(store, "ai ann") == []
        assert people.find(store, "079398765430") == []


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("a", "họ tên có ít nhất hai chữ"),
        ("Mai", "họ tên có ít nhất hai chữ"),
        ("  ", "họ tên có ít nhất hai chữ"),
        ("0793", "số đã gõ có 4 chữ số"),
        ("07939876543", "số đã gõ có 11 chữ số"),
        ("Nguyen Van", "Có 11 người khớp"),
    ],
)
def test_a_query_that_could_list_the_commune_is_refused(path: Path, query: str, said: str) -> None:
    with (
        Store.open(path, user="Cán bộ xã", device="may-xa") as store,
        pytest.raises(StoreError, match=said) as refused,
    ):
        people.find(store, query)
    # The refusal names no one and repeats no number.
    assert "Lò" not in refused.value.message
    assert "0793" not in refused.value.message


def test_the_officer_s_alone_on_a_file_with_users(path: Path) -> None:
    with Store.open(path, user="máy", device="test") as store:
        users.add_user(store, "thu", "Hoàng Văn Thụ", Role.OFFICER, PASS)
        users.add_user(store, "mai", "Lò Thị Mai", Role.SURVEYOR, PASS)
        users.add_user(store, "xem", "Vàng A Páo", Role.VIEWER, PASS)
    for name, role in (("mai", "điều tra viên"), ("xem", "người xem")):
        with Store.open(path, user="máy", device="test") as store:
            users.sign_in(store, name, PASS)
            with pytest.raises(NotPermitted, match=f"{role}\\) không được tra cứu dữ liệu cá"):
                people.find(store, CCCD)
    with Store.open(path, user="máy", device="test") as store:
        with pytest.raises(NotPermitted, match="hãy đăng nhập"):
            people.find(store, CCCD)
        users.sign_in(store, "thu", PASS)
        (found,) = people.find(store, CCCD)
        people.record_lookup(store, 1)
        (who,) = store.conn.execute(
            "SELECT user FROM audit WHERE tbl = 'events' AND row_id = 'person_lookup'"
        ).fetchall()
    assert found.name == "Lò Thị Mai"
    assert who == ("thu",)  # the lookup names the officer who made it
