"""Users and roles enforced by the storage layer (issue 20 item 2): every refusal is a
``NotPermitted`` with its Vietnamese reason, whatever calls the Store."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from db import audit, backup, purge, users
from db.errors import NotPermitted, SignInFailed, StoreError
from db.store import Store
from forms.model import Household, Member, Relationship
from forms.roles import Role

PASS = "mat-khau-9x"
DEVICE = "laptop-1"


def _household(code: str, village: str) -> Household:
    return Household(
        code=code,
        village=village,
        members=[Member(name="Lò Văn Ín", relationship=Relationship.HEAD)],
    )


def _people(store: Store) -> None:
    users.add_user(store, "can_bo", "Hoàng Văn Thụ", Role.OFFICER, PASS)
    users.add_user(store, "mai", "Lò Thị Mai", Role.SURVEYOR, PASS, ["Thôn Đồng Tâm"])
    users.add_user(store, "xem", "Vàng A Páo", Role.VIEWER, PASS)


def _as(db_path: Path, name: str) -> Store:
    s = Store.open(db_path, user="máy", device=DEVICE)
    users.sign_in(s, name, PASS)
    return s


def test_a_file_without_users_works_as_before(store: Store) -> None:
    assert not store.has_users
    assert store.signed_in is None
    store.save_household(_household("01", "Bản Nà Hin"))
    store.start_round(2026, "nd07-2022-2025")


def test_the_first_user_must_be_an_officer(store: Store) -> None:
    with pytest.raises(NotPermitted, match="đầu tiên phải là cán bộ xã"):
        users.add_user(store, "mai", "Lò Thị Mai", Role.SURVEYOR, PASS)
    with pytest.raises(StoreError, match="ít nhất 8"):
        users.add_user(store, "can_bo", "Hoàng Văn Thụ", Role.OFFICER, "ngan")
    officer = users.add_user(store, "can_bo", "Hoàng Văn Thụ", Role.OFFICER, PASS)
    assert store.signed_in == officer
    assert store.user == "can_bo"


def test_after_the_first_user_a_write_needs_a_sign_in(store: Store, db_path: Path) -> None:
    _people(store)
    store.close()
    with Store.open(db_path, user="máy", device=DEVICE) as s:
        assert s.has_users
        with pytest.raises(NotPermitted, match="hãy đăng nhập"):
            s.save_household(_household("01", "Thôn Đồng Tâm"))
        # Printing needs nobody.
        audit.record_event(s, "print", {"kind": "danh sách"})


def test_wrong_password_and_unknown_name_say_the_same(store: Store, db_path: Path) -> None:
    _people(store)
    store.close()
    with Store.open(db_path, user="máy", device=DEVICE) as s:
        with pytest.raises(SignInFailed) as wrong:
            users.sign_in(s, "mai", "sai-mat-khau")
        with pytest.raises(SignInFailed) as unknown:
            users.sign_in(s, "khong_co", PASS)
        assert wrong.value.message == unknown.value.message == users.WRONG
        assert s.signed_in is None


def test_a_disabled_user_cannot_sign_in_and_stays_named(store: Store, db_path: Path) -> None:
    _people(store)
    users.disable_user(store, "mai")
    with pytest.raises(StoreError, match="đang đăng nhập"):
        users.disable_user(store, "can_bo")
    store.close()
    with Store.open(db_path, user="máy", device=DEVICE) as s:
        with pytest.raises(SignInFailed, match="ngừng sử dụng"):
            users.sign_in(s, "mai", PASS)
        assert [u.name for u in users.list_users(s) if u.disabled] == ["mai"]


def test_surveyor_refusals_and_villages(store: Store, db_path: Path) -> None:
    _people(store)
    rnd = store.start_round(2026, "nd07-2022-2025")
    other = _household("02", "Bản Nà Hin")
    store.save_household(other)
    store.close()
    with _as(db_path, "mai") as s:
        mine = _household("01", "Thôn Đồng Tâm")
        s.save_household(mine)
        with pytest.raises(NotPermitted, match="chỉ được nhập, sửa hộ gia đình ở Thôn Đồng Tâm"):
            s.save_household(_household("03", "Bản Nà Hin"))
        mine.village = "Bản Nà Hin"  # moving a household out of the assigned village
        with pytest.raises(NotPermitted, match="Thôn Đồng Tâm"):
            s.save_household(mine)
        with pytest.raises(NotPermitted, match="Bản Nà Hin"):
            s.delete_household(other.id)
        with pytest.raises(NotPermitted, match=r"điều tra viên\) không được ghi kết quả họp"):
            s.save_meeting_vote(mine.id, rnd.id, agree=5, attendees=9)
        with pytest.raises(NotPermitted, match="cán bộ xã"):
            s.save_decision(rnd.id, "12/QĐ-UBND", date(2026, 12, 1), "Hoàng Văn Thụ")
        with pytest.raises(NotPermitted):
            s.start_round(2027, "nd07-2022-2025")
        with pytest.raises(NotPermitted):
            users.add_user(s, "moi", "Người Mới", Role.VIEWER, PASS)
        # Their own password they may change, another's not.
        users.set_password(s, "mai", "mat-khau-moi-1")
        with pytest.raises(NotPermitted):
            users.set_password(s, "xem", "mat-khau-moi-1")


def test_viewer_writes_nothing_but_prints(store: Store, db_path: Path) -> None:
    _people(store)
    h = _household("01", "Thôn Đồng Tâm")
    store.save_household(h)
    store.delete_household(h.id)
    store.close()
    with _as(db_path, "xem") as s:
        with pytest.raises(NotPermitted, match="người xem"):
            s.save_household(_household("02", "Thôn Đồng Tâm"))
        with pytest.raises(NotPermitted):
            purge.purge_household(s, h.id, "Hộ chuyển đi")
        # A write path that forgot to ask meets the backstop.
        with pytest.raises(NotPermitted, match="chỉ được xem và in"), s.transaction():
            s.conn.execute("UPDATE commune SET commune_name = 'x'")
        audit.record_event(s, "print", {"kind": "danh sách"})


def test_officer_does_everything_and_audit_rows_carry_the_user(store: Store, db_path: Path) -> None:
    _people(store)
    store.close()
    with _as(db_path, "mai") as s:
        s.save_household(_household("01", "Thôn Đồng Tâm"))
    with _as(db_path, "can_bo") as s:
        rnd = s.start_round(2026, "nd07-2022-2025")
        h = s.household_by_code("01")
        assert h is not None
        s.save_meeting_vote(h.id, rnd.id, agree=5, attendees=9)
        users.set_password(s, "mai", "mat-khau-moi-2")  # an officer resets anyone's
        audit.record_event(s, "print", {"kind": "danh sách"})
        rows = s.conn.execute("SELECT user, tbl, action FROM audit ORDER BY id").fetchall()
    by = {(tbl, action): user for user, tbl, action in rows}
    assert by[("households", "insert")] == "mai"
    assert by[("meeting_votes", "insert")] == "can_bo"
    assert by[("events", "insert")] == "can_bo"
    assert by[("users", "update")] == "can_bo"
    assert audit.verify_path(db_path) is None
    # The password never reaches the log.
    log_text = " ".join(str(r) for r in rows)
    assert "scrypt" not in log_text


def test_restore_needs_an_officer(store: Store, db_path: Path) -> None:
    _people(store)
    store.save_household(_household("01", "Thôn Đồng Tâm"))
    store.close()
    with pytest.raises(NotPermitted, match="đăng nhập"):
        backup.restore(db_path)
    with _as(db_path, "mai") as s:
        mai = s.signed_in
    with pytest.raises(NotPermitted, match="khôi phục"):
        backup.restore(db_path, signed_in=mai)
    with _as(db_path, "can_bo") as s:
        officer = s.signed_in
    backup.restore(db_path, signed_in=officer)
    with Store.open(db_path, user="máy", device=DEVICE) as s:
        user = s.conn.execute("SELECT user FROM audit ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert user == "can_bo"


def test_restore_refuses_an_officer_made_a_viewer_since_signing_in(
    store: Store, db_path: Path
) -> None:
    """The window's copy of the officer is read again from the file (``act_as``'s check):
    made a viewer by plain SQL since signing in, they are refused and the file keeps its
    bytes."""
    import hashlib

    from db import driver

    _people(store)
    store.save_household(_household("01", "Thôn Đồng Tâm"))
    store.close()
    backup.make_backup(db_path, "manual")
    with _as(db_path, "can_bo") as s:
        officer = s.signed_in
    conn = driver.connect(str(db_path))
    with conn:
        conn.execute("UPDATE users SET role = 'viewer' WHERE name = 'can_bo'")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    digest = hashlib.sha256(db_path.read_bytes()).hexdigest()
    with pytest.raises(NotPermitted, match="đã đổi từ"):
        backup.restore(db_path, signed_in=officer)
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == digest


def test_a_tampered_password_record_never_matches() -> None:
    stored = users.hash_password(PASS)
    assert users.check_password(PASS, stored)
    assert not users.check_password("khác", stored)
    kind, _n, r, p, salt, digest = stored.split("$")
    assert not users.check_password(PASS, "$".join([kind, str(2**30), r, p, salt, digest]))
    assert not users.check_password(PASS, "rác")


def test_year_round_writes_ask_the_role(store: Store, db_path: Path) -> None:
    """Issue 24's records (gap of issue 20 item 2): what a household hands in or receives a
    surveyor enters in their villages; rounds, outcomes and cadres are the officer's."""
    from db import low_income, year_round
    from forms.low_income import Outcome

    _people(store)
    rnd = store.start_round(2026, "nd07-2022-2025")
    mine, other = _household("01", "Thôn Đồng Tâm"), _household("02", "Bản Nà Hin")
    store.save_household(mine, round_id=rnd.id)
    store.save_household(other, round_id=rnd.id)
    theirs = year_round.add_application(store, other.id, "regular_review", date(2026, 3, 2), "Ín")
    worker = low_income.add_application(
        store, rnd.id, other.id, other.members[0].id, date(2026, 3, 2), 1_000_000
    )
    store.close()
    with _as(db_path, "mai") as s:
        app = year_round.add_application(s, mine.id, "regular_review", date(2026, 3, 2), "Ín")
        year_round.withdraw_application(s, app.id)
        given = year_round.add_support(s, mine.id, "health_insurance", date(2026, 3, 2))
        year_round.delete_support(s, given.id)
        low_income.add_application(
            s, rnd.id, mine.id, mine.members[0].id, date(2026, 3, 2), 1_000_000
        )
        elsewhere = "chỉ được {what}[^;]* ở Thôn Đồng Tâm; hộ này ở Bản Nà Hin"
        with pytest.raises(NotPermitted, match=elsewhere.format(what="ghi giấy đề nghị")):
            year_round.add_application(s, other.id, "regular_review", date(2026, 3, 2), "Ín")
        with pytest.raises(NotPermitted, match=elsewhere.format(what="ghi giấy đề nghị")):
            year_round.withdraw_application(s, theirs.id)
        with pytest.raises(NotPermitted, match=elsewhere.format(what="ghi hỗ trợ")):
            year_round.add_support(s, other.id, "health_insurance", date(2026, 3, 2))
        with pytest.raises(NotPermitted, match=elsewhere.format(what="ghi giấy đề nghị")):
            low_income.add_application(
                s, rnd.id, other.id, other.members[0].id, date(2026, 3, 3), 1_000_000
            )
        officer_only = r"điều tra viên\) không được {what}"
        with pytest.raises(NotPermitted, match=officer_only.format(what="mở kỳ rà soát")):
            year_round.start_regular_round(s, 2026, 3)
        with pytest.raises(NotPermitted, match=officer_only.format(what="mở kỳ rà soát")):
            year_round.add_to_round(s, rnd.id, mine.id)
        with pytest.raises(NotPermitted, match=officer_only.format(what="ghi quyết định")):
            year_round.settle_decisions(s)
        with pytest.raises(NotPermitted, match=officer_only.format(what="phân công cán bộ")):
            year_round.assign_cadre(s, "Lò Văn Pọm", village="Thôn Đồng Tâm")
        with pytest.raises(NotPermitted, match=officer_only.format(what="phân công cán bộ")):
            year_round.assign_cadre(s, "Lò Văn Pọm", household_id=mine.id)
        with pytest.raises(NotPermitted, match=officer_only.format(what="xét, công nhận")):
            low_income.set_outcome(s, worker.id, Outcome.ACCEPTED)
    viewer = r"người xem\) không được ghi hỗ trợ"
    with _as(db_path, "xem") as s, pytest.raises(NotPermitted, match=viewer):
        year_round.add_support(s, mine.id, "health_insurance", date(2026, 3, 2))
    with _as(db_path, "can_bo") as s:
        year_round.assign_cadre(s, "Lò Văn Pọm", village="Bản Nà Hin")
        low_income.set_outcome(s, worker.id, Outcome.ACCEPTED)
        year_round.add_support(s, other.id, "health_insurance", date(2026, 3, 2))
        monthly = year_round.start_regular_round(s, 2026, 3)
        assert other.id in year_round.round_household_ids(s, monthly.id)


def test_a_worker_acts_as_the_user_as_the_file_has_them_now(store: Store, db_path: Path) -> None:
    """``act_as``: the window's signed-in user, read again on another connection; refused
    when gone (a restore of an older file), disabled or of another role, in Vietnamese."""
    from db import driver
    from forms.roles import User

    _people(store)
    window = _as(db_path, "mai")
    assert window.signed_in is not None
    mai = window.signed_in
    worker = Store.open(db_path, user="máy", device=DEVICE, seen=False)
    try:
        assert users.act_as(worker, mai) == mai
        assert worker.signed_in == mai
        assert worker.user == "mai"
        conn = driver.connect(db_path, isolation_level=None)
        conn.execute("UPDATE users SET villages = '[\"Bản Nà Hin\"]' WHERE name = 'mai'")
        assert users.act_as(worker, mai).villages == ("Bản Nà Hin",)  # as it stands now
        conn.execute("UPDATE users SET role = 'viewer' WHERE name = 'mai'")
        conn.close()
        with pytest.raises(NotPermitted, match="đã đổi từ Điều tra viên sang Người xem"):
            users.act_as(worker, mai)
        users.disable_user(store, "xem")
        with pytest.raises(NotPermitted, match="Người dùng xem đã bị ngừng sử dụng"):
            users.act_as(worker, User("xem", "Vàng A Páo", Role.VIEWER))
        with pytest.raises(NotPermitted, match="Người dùng ai không còn trong tệp này"):
            users.act_as(worker, User("ai", "Ai Đó", Role.OFFICER))
    finally:
        worker.close()
        window.close()
