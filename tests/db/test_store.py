"""Round trips of every entity through a real file, and the list/search queries."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from db.errors import AlreadyExists, NotFound, StoreError
from db.records import Change
from db.store import HouseholdQuery, Store
from forms.classify import classify
from forms.demo import generate_households
from forms.model import (
    Area,
    Category,
    Education,
    Household,
    Member,
    Relationship,
    Sex,
    Transition,
    WaterSource,
)
from forms.standards import load_standard

STANDARD = load_standard("nd07-2022-2025")


def household(
    code: str = "", village: str = "Thôn Đồng Tâm", head: str = "Nguyễn Thị Ánh"
) -> Household:
    return Household(
        code=code,
        village=village,
        area=Area.RURAL,
        b1_total=120,
        water_source=WaterSource.SURFACE,
        causes=["capital", "land"],
        needs=["credit"],
        members=[
            Member(
                name=head,
                relationship=Relationship.HEAD,
                sex=Sex.FEMALE,
                birth_year=1980,
                id_number="002180123456",
                education=Education.PRIMARY,
            ),
            Member(
                name="Đinh Văn Hùng",
                relationship=Relationship.SPOUSE,
                sex=Sex.MALE,
                birth_date=date(1978, 5, 2),
            ),
        ],
    )


def reopen(store: Store) -> Store:
    store.close()
    return Store.open(store.path, user="Lò Văn Ín", device="laptop-1")


def test_commune_villages_rounds_round_trip(store: Store) -> None:
    store.rename_village(store.villages()[1].id, "Bản Nà Hin Mới")
    r1 = store.start_round(2025, "nd07-2022-2025")
    r2 = store.start_round(2026, "nd07-2022-2025", "adhoc", reference_date=date(2026, 6, 30))
    store = reopen(store)
    try:
        assert store.commune().commune_name == "Xã Bảo Yên"
        assert store.commune().area is Area.RURAL
        assert [v.name for v in store.villages()] == ["Thôn Đồng Tâm", "Bản Nà Hin Mới"]
        assert store.rounds() == [r1, r2]
        # A regular ("adhoc") round updates the periodic round's lists, it does not take the
        # household list's place (issue 24).
        assert store.current_round() == r1
        assert store.open_regular_round() == r2
        assert store.previous_round(r2.id) == r1
    finally:
        store.close()


def test_create_refuses_existing_file(store: Store, db_path: Path) -> None:
    with pytest.raises(AlreadyExists) as exc:
        Store.create(db_path, store.commune(), user="x", device="y")
    assert "đã có" in exc.value.message


def test_household_round_trip_with_result(store: Store) -> None:
    rnd = store.start_round(2026, "nd07-2022-2025")
    h = household("01-0001")
    result = classify(h, STANDARD, 2026)
    store.save_household(h, round_id=rnd.id, result=result)
    store = reopen(store)
    try:
        assert store.get_household(h.id) == h
        assert store.household_by_code("01-0001") == h
        assert store.answers_for(h.id, rnd.id) == h
        assert store.result_for(h.id, rnd.id) == result
        [(back, back_result)] = list(store.results_for_round(rnd.id))
        assert back == h
        assert back_result == result
        counted = store.conn.execute(
            "SELECT cause_id FROM household_causes WHERE household_id = ? ORDER BY 1", (h.id,)
        ).fetchall()
        assert counted == [("capital",), ("land",)]
    finally:
        store.close()


def test_member_removed_reordered_and_edited(store: Store) -> None:
    h = household("01-0001")
    store.save_household(h)
    child = Member(name="Đinh Thị Mai", relationship=Relationship.CHILD, birth_year=2015)
    h.members = [child, h.members[0]]
    h.members[1].name = "Nguyễn Thị Ánh Hồng"
    store.save_household(h)
    back = store.get_household(h.id)
    assert back is not None
    assert [m.name for m in back.members] == ["Đinh Thị Mai", "Nguyễn Thị Ánh Hồng"]


def test_missing_code_gets_next_free_code(store: Store) -> None:
    a, b = household(), household(village="Bản Nà Hin")
    c = household()
    for h in (a, b, c):
        store.save_household(h)
    assert (a.code, b.code, c.code) == ("01-0001", "02-0001", "01-0002")


def test_duplicate_code_is_refused(store: Store) -> None:
    store.save_household(household("01-0001"))
    with pytest.raises(StoreError) as exc:
        store.save_household(household("01-0001"))
    assert "01-0001" in exc.value.message
    assert store.count_households(HouseholdQuery()) == 1


def test_delete_leaves_tombstone(store: Store) -> None:
    h = household("01-0001")
    store.save_household(h)
    store.delete_household(h.id)
    assert store.get_household(h.id) is None
    assert store.household_by_code("01-0001") is None
    assert store.search("nguyen") == []
    assert store.count_households(HouseholdQuery()) == 0
    rev, deleted = store.household_rev(h.id) or ("", False)
    assert deleted
    revs = store.household_revs(h.id)
    assert revs[-1][0] == rev
    assert revs[-1][1] == revs[0][0]
    # The code is free again, and saving the deleted household brings it back.
    with pytest.raises(NotFound):
        store.delete_household(h.id)
    store.save_household(h)
    assert store.get_household(h.id) == h


def test_iter_households_by_village(store: Store) -> None:
    for h in generate_households(30, villages=["Thôn Đồng Tâm", "Bản Nà Hin"]):
        store.save_household(h)
    everyone = list(store.iter_households())
    assert len(everyone) == 30
    assert [h.code for h in everyone] == sorted(h.code for h in everyone)
    ban = list(store.iter_households(village="Bản Nà Hin"))
    assert ban
    assert all(h.village == "Bản Nà Hin" for h in ban)


def test_list_count_and_category_counts(store: Store) -> None:
    rnd = store.start_round(2026, "nd07-2022-2025")
    households = list(generate_households(60, villages=["Thôn Đồng Tâm", "Bản Nà Hin"]))
    expected: dict[Category, int] = dict.fromkeys(Category, 0)
    with store.transaction():
        for h in households:
            r = classify(h, STANDARD, 2026)
            expected[r.category] += 1
            store.save_household(h, round_id=rnd.id, result=r)
    assert store.category_counts(HouseholdQuery()) == expected
    assert store.count_households(HouseholdQuery()) == 60
    poor = store.list_households(HouseholdQuery(category=Category.POOR, limit=1000))
    assert len(poor) == expected[Category.POOR]
    assert all(r.category is Category.POOR for r in poor)
    page1 = store.list_households(HouseholdQuery(limit=25))
    page3 = store.list_households(HouseholdQuery(limit=25, offset=50))
    assert len(page1) == 25
    assert len(page3) == 10
    assert [r.code for r in page1] == sorted(h.code for h in households)[:25]
    by_size = store.list_households(HouseholdQuery(order_by="size", descending=True, limit=60))
    assert [r.size for r in by_size] == sorted((h.size() for h in households), reverse=True)
    village = store.count_households(HouseholdQuery(village="Bản Nà Hin"))
    assert village == sum(h.village == "Bản Nà Hin" for h in households)
    # A deleted household leaves the counts of the whole commune, as of a village (the
    # first read from the results alone, the deleted ones' taken off).
    gone = households[0]
    gone_category = classify(gone, STANDARD, 2026).category
    store.delete_household(gone.id)
    expected[gone_category] -= 1
    assert store.category_counts(HouseholdQuery()) == expected
    assert store.category_counts(HouseholdQuery(limit=25, offset=50)) == expected
    in_village = store.category_counts(HouseholdQuery(village=gone.village))
    assert sum(in_village.values()) == sum(h.village == gone.village for h in households[1:])
    with pytest.raises(ValueError, match="order"):
        store.list_households(HouseholdQuery(order_by="rowid; DROP TABLE households"))


def test_meeting_posting_complaint_decision_round_trip(store: Store) -> None:
    rnd = store.start_round(2026, "nd07-2022-2025")
    h = household("01-0001")
    store.save_household(h)
    vote = store.save_meeting_vote(h.id, rnd.id, agree=10, attendees=20, note="Đồng ý")
    assert vote.passed
    vote = store.save_meeting_vote(
        h.id, rnd.id, agree=9, attendees=20, meeting_date=date(2026, 10, 2)
    )
    assert not vote.passed
    with pytest.raises(StoreError):
        store.save_meeting_vote(h.id, rnd.id, agree=21, attendees=20)
    posting = store.save_posting(rnd.id, "Thôn Đồng Tâm", date(2026, 11, 1), date(2026, 11, 7))
    complaint = store.add_complaint(
        rnd.id, h.id, "Lò Thị Pươm", "Hộ chưa được rà soát", date(2026, 11, 3)
    )
    store.resolve_complaint(complaint.id, "Đã rà soát lại")
    decision = store.save_decision(
        rnd.id, "12/QĐ-UBND", date=date(2026, 12, 10), signer="Hoàng Văn Nam"
    )
    store = reopen(store)
    try:
        assert store.meeting_votes(rnd.id) == [vote]
        assert store.meeting_votes(rnd.id, "Bản Nà Hin") == []
        assert store.postings(rnd.id) == [posting]
        [back] = store.complaints(rnd.id)
        assert back.outcome == "Đã rà soát lại"
        assert back.resolved_at
        assert (back.complainant, back.content, back.received) == (
            complaint.complainant,
            complaint.content,
            complaint.received,
        )
        assert store.decision(rnd.id) == decision
    finally:
        store.close()


def test_a_vote_typed_on_the_wrong_household_is_deleted_with_its_history_kept(
    store: Store,
) -> None:
    rnd = store.start_round(2026, "nd07-2022-2025")
    wrong, other = household("01-0001"), household("01-0002")
    store.save_household(wrong)
    store.save_household(other)
    store.save_meeting_vote(
        wrong.id, rnd.id, agree=7, attendees=30, note="Nhầm hộ", meeting_date=date(2026, 10, 2)
    )
    kept = store.save_meeting_vote(other.id, rnd.id, agree=25, attendees=30)
    before = {h: store.audit_for_household(h) for h in (wrong.id, other.id)}
    wrong_saved = store.get_household(wrong.id)
    heard: list[Change] = []
    store.subscribe(heard.append)

    removed = store.delete_meeting_vote(wrong.id, rnd.id)

    assert (removed.agree, removed.attendees, removed.note) == (7, 30, "Nhầm hộ")
    assert heard == [Change("meeting", [wrong.id])]
    store = reopen(store)
    try:
        assert store.meeting_votes(rnd.id) == [kept]
        entries = store.audit_for_household(wrong.id)
        assert entries[:-1] == before[wrong.id]
        last = entries[-1]
        assert (last.table, last.row_id, last.action) == ("meeting_votes", removed.id, "delete")
        assert last.old == {
            "agree": 7,
            "attendees": 30,
            "note": "Nhầm hộ",
            "meeting_date": "2026-10-02",
        }
        assert last.new is None
        assert store.audit_for_household(other.id) == before[other.id]
        assert store.get_household(wrong.id) == wrong_saved
        with pytest.raises(NotFound) as again:
            store.delete_meeting_vote(wrong.id, rnd.id)
        assert again.value.message == "Không tìm thấy kết quả biểu quyết cần xoá của hộ này."
        assert store.audit_for_household(wrong.id) == entries
        # The household can be voted on again, as one never voted on.
        assert store.save_meeting_vote(wrong.id, rnd.id, agree=20, attendees=30).passed
    finally:
        store.close()


def test_listeners_hear_after_commit_only(store: Store) -> None:
    heard: list[Change] = []
    store.subscribe(heard.append)
    h = household("01-0001")
    with store.transaction():
        store.save_household(h)
        store.add_village("Thôn Mới")
        assert heard == []
    assert [c.kind for c in heard] == ["household", "village"]
    assert heard[0].ids == [h.id]
    heard.clear()

    def failing_write() -> None:
        with store.transaction():
            store.save_household(household("01-0002"))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        failing_write()
    assert heard == []
    assert store.household_by_code("01-0002") is None


def test_rolling_backups_on_close(db_path: Path, store: Store) -> None:
    from db import backup

    store.save_household(household("01-0001"))
    store.close()
    assert len(backup.list_backups(db_path, "close")) == 1
    for _ in range(backup.KEEP + 2):
        with Store.open(db_path, user="a", device="b") as s:
            s.add_village(f"Thôn {len(s.villages())}")
    assert len(backup.list_backups(db_path, "close")) == backup.KEEP
    # A session that only reads leaves no backup behind.
    before = backup.list_backups(db_path)
    with Store.open(db_path, user="a", device="b") as s:
        s.villages()
    assert backup.list_backups(db_path) == before


def test_rolling_backups_follow_the_users_count(db_path: Path, store: Store) -> None:
    from db import backup

    store.close()
    for _ in range(4):
        with Store.open(db_path, user="a", device="b") as s:
            s.backups_kept = 2
            s.add_village(f"Thôn {len(s.villages())}")
    assert len(backup.list_backups(db_path, "close")) == 2


def test_a_district_size_file_keeps_few_backups_whatever_the_setting(db_path: Path) -> None:
    from db import backup

    assert backup.keep_for(db_path, 20) == 20
    with db_path.open("wb") as f:  # a sparse file of the size, cheap to make
        f.truncate(backup.LARGE + 1)
    assert backup.keep_for(db_path, 20) == backup.KEEP_LARGE
    assert backup.keep_for(db_path, 1) == 1


def test_transitions_follow_the_previous_year(store: Store) -> None:
    import dataclasses

    r2024 = store.start_round(2024, "nd07-2022-2025")
    r2025 = store.start_round(2025, "nd07-2022-2025")
    r2026 = store.start_round(2026, "nd07-2022-2025")
    h = household("01-0001")
    base = classify(h, STANDARD, 2026)

    def save(rnd_id: str, category: Category) -> None:
        store.save_household(
            h, round_id=rnd_id, result=dataclasses.replace(base, category=category)
        )

    def transition(rnd_id: str) -> Transition | None:
        [row] = store.list_households(HouseholdQuery(round_id=rnd_id))
        return row.transition

    save(r2024.id, Category.POOR)
    assert transition(r2024.id) is None  # nothing earlier to compare with
    save(r2025.id, Category.NOT_POOR)
    assert transition(r2025.id) is Transition.ESCAPED_POVERTY
    save(r2026.id, Category.POOR)
    assert transition(r2026.id) is Transition.FELL_BACK_POOR
    # Correcting 2025 changes what 2026 is: poor both years.
    save(r2025.id, Category.POOR)
    assert transition(r2025.id) is Transition.STAYED_POOR
    assert transition(r2026.id) is Transition.STAYED_POOR
    only = store.list_households(
        HouseholdQuery(round_id=r2026.id, transition=Transition.STAYED_POOR)
    )
    assert [r.code for r in only] == ["01-0001"]


def test_surveyors_are_recorded_per_laptop(db_path: Path, store: Store) -> None:
    store.close()
    with Store.open(db_path, user="Hoàng Thị Hoa", device="laptop-2"):
        pass
    with Store.open(db_path, user="Lò Văn Ín", device="laptop-1") as s:
        seen = {(name, device) for name, device, _ in s.surveyors()}
    assert seen == {("Lò Văn Ín", "laptop-1"), ("Hoàng Thị Hoa", "laptop-2")}


def test_causes_and_needs_are_counted(store: Store) -> None:
    rnd = store.start_round(2026, "nd07-2022-2025")
    a, b = household("01-0001"), household("02-0001", village="Bản Nà Hin")
    b.causes, b.needs = ["land", "illness"], []
    for h in (a, b):
        store.save_household(h, round_id=rnd.id, result=classify(h, STANDARD, 2026))
    assert store.cause_counts(HouseholdQuery()) == {"capital": 1, "illness": 1, "land": 2}
    assert store.need_counts(HouseholdQuery()) == {"credit": 1}
    assert store.cause_counts(HouseholdQuery(village="Bản Nà Hin")) == {"illness": 1, "land": 1}
    store.delete_household(a.id)
    assert store.cause_counts(HouseholdQuery()) == {"illness": 1, "land": 1}


def test_unclassified_households_in_lists_and_counts(store: Store) -> None:
    rnd = store.start_round(2026, "nd07-2022-2025")
    households = list(generate_households(12, villages=["Thôn Đồng Tâm", "Bản Nà Hin"]))
    for h in households[:9]:
        store.save_household(h, round_id=rnd.id, result=classify(h, STANDARD, 2026))
    for h in households[9:]:
        store.save_household(h)  # not classified in the round yet
    counts = store.category_counts(HouseholdQuery())
    assert sum(counts.values()) == 12
    undetermined = store.list_households(HouseholdQuery(category=Category.UNDETERMINED))
    assert {h.id for h in households[9:]} <= {r.id for r in undetermined}
    assert len(undetermined) == counts[Category.UNDETERMINED]
    village = store.category_counts(HouseholdQuery(village="Bản Nà Hin"))
    assert sum(village.values()) == sum(h.village == "Bản Nà Hin" for h in households)
    # Paging by a household column and by a result column agree with a plain sort.
    by_name = store.list_households(HouseholdQuery(order_by="head_name", limit=5, offset=3))
    names = sorted((h.head_name(), h.code) for h in households)
    assert [(r.head_name, r.code) for r in by_name] == names[3:8]
    by_score = store.list_households(HouseholdQuery(order_by="b1_score", descending=True))
    scores = [r.b1_score for r in by_score if r.b1_score is not None]
    assert scores == sorted(scores, reverse=True)
    assert len(by_score) == 12


def test_a_failing_listener_does_not_lose_the_save(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    heard: list[Change] = []

    def broken(_change: Change) -> None:
        raise RuntimeError("screen bug")

    store.subscribe(broken)
    unsubscribe = store.subscribe(heard.append)
    h = household("01-0001")
    store.save_household(h)  # does not raise
    assert store.get_household(h.id) == h
    assert [c.kind for c in heard] == ["household"]
    assert "a change listener failed" in caplog.text
    unsubscribe()
    store.save_household(household("01-0002"))
    assert len(heard) == 1


def test_households_the_meeting_sent_back_for_resurvey(store: Store) -> None:
    rnd = store.start_round(2026, "nd07-2022-2025")
    passed, exactly_half, failed, no_vote = (household(f"01-000{i}") for i in range(1, 5))
    for h in (passed, exactly_half, failed, no_vote):
        store.save_household(h)
    store.save_meeting_vote(passed.id, rnd.id, agree=15, attendees=20)
    store.save_meeting_vote(exactly_half.id, rnd.id, agree=10, attendees=20)  # 50 % passes
    store.save_meeting_vote(failed.id, rnd.id, agree=9, attendees=20)
    q = HouseholdQuery(needs_resurvey=True)
    assert [r.code for r in store.list_households(q)] == ["01-0003"]
    assert store.count_households(q) == 1
    assert sum(store.category_counts(q).values()) == 1
    # A new meeting that passes takes it off the list.
    store.save_meeting_vote(failed.id, rnd.id, agree=12, attendees=20)
    assert store.list_households(q) == []


def test_meeting_agenda_is_the_village_proposed_households_with_their_votes(
    store: Store,
) -> None:
    import dataclasses

    r2025 = store.start_round(2025, "nd07-2022-2025")
    r2026 = store.start_round(2026, "nd07-2022-2025")
    base = classify(household("01-0001"), STANDARD, 2026)

    def save(h: Household, rnd_id: str, category: Category) -> None:
        store.save_household(
            h, round_id=rnd_id, result=dataclasses.replace(base, category=category)
        )

    poor = household("01-0003", head="Lò Văn Pản")
    near = household("01-0001", head="Hoàng Thị Nga")
    escaped = household("01-0002", head="Ma Văn Tỉnh")  # poor in 2025, not poor now
    well_off = household("01-0004")
    elsewhere = household("02-0001", village="Bản Nà Hin")
    gone = household("01-0005")
    save(escaped, r2025.id, Category.POOR)
    for h, category in (
        (poor, Category.POOR),
        (near, Category.NEAR_POOR),
        (escaped, Category.NOT_POOR),
        (well_off, Category.NOT_POOR),
        (elsewhere, Category.POOR),
        (gone, Category.POOR),
    ):
        save(h, r2026.id, category)
    store.delete_household(gone.id)
    vote = store.save_meeting_vote(poor.id, r2026.id, agree=9, attendees=20, note="Nhà mới")
    store.save_meeting_vote(near.id, r2025.id, agree=20, attendees=20)  # another round's

    def agenda(village: str = "Thôn Đồng Tâm") -> list[tuple[str, str | None, int | None]]:
        rows = store.meeting_agenda(
            r2026.id,
            village,
            categories=[Category.POOR, Category.NEAR_POOR],
            transitions=[Transition.ESCAPED_POVERTY],
        )
        return [(row.code, row.head_name, v.agree if v else None) for row, v in rows]

    assert agenda() == [
        ("01-0001", "Hoàng Thị Nga", None),
        ("01-0002", "Ma Văn Tỉnh", None),
        ("01-0003", "Lò Văn Pản", 9),
    ]
    [(row, saved)] = store.meeting_agenda(
        r2026.id, "Thôn Đồng Tâm", categories=[Category.POOR], transitions=[]
    )
    assert row.category is Category.POOR
    assert saved == vote
    assert not saved.passed
    assert agenda("Bản Nà Hin") == [("02-0001", "Nguyễn Thị Ánh", None)]
    assert store.meeting_agenda(r2026.id, "Thôn Đồng Tâm", categories=[], transitions=[]) == []


def test_a_copy_read_before_another_write_is_not_saved_over_it(store: Store) -> None:
    # The editor saves onto the version it read (``expected_rev``): a package merged in
    # between changed the household, and the editor's copy would have put it back unseen.
    from db.errors import ChangedElsewhere

    h = household("H-01")
    store.save_household(h)
    stored = store.household_rev(h.id)
    assert stored is not None
    read_at = stored[0]
    stale = store.get_household(h.id)
    assert stale is not None
    changed = store.get_household(h.id)
    assert changed is not None
    changed.note = "từ gói"
    store.save_household(changed, expected_rev=read_at)  # still at it: saved
    stale.address = "gõ trên bản cũ"
    with pytest.raises(ChangedElsewhere, match="Hộ H-01 vừa được cập nhật"):
        store.save_household(stale, expected_rev=read_at)
    now = store.get_household(h.id)
    assert now is not None
    assert (now.note, now.address) == ("từ gói", "")
