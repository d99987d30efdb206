"""The audit chain's checkpoint (m0019): a household's history, or a period's log, checks the
chain from where the last check of it ended, not the whole log again (issue 22: 17 of the 25 s
of ``rasoat log --household`` on a district file), and says what it checked. What it leaves
to the whole check (``rasoat db check``) is found there; what it checks (the rows after the
checkpoint, the rows it shows, none missing, the checkpoint itself) is found by the log."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from db import audit, driver
from db.store import Store
from rasoat.cli import main
from reports.audit_log import household_history, period_log
from tests.db.test_audit_chain import saved, sql


def _caption(document: object) -> str:
    (table,) = [b for b in document.parts[0].blocks if hasattr(b, "rows")]  # type: ignore[attr-defined]
    return str(table.caption)


def _history(path: Path, code: str) -> str:
    """The chain's line on a household's history, as ``rasoat log --household`` prints it."""
    with Store.open(path, user="Cán bộ xã", device="may-xa") as store:
        h = store.household_by_code(code)
        assert h is not None
        return _caption(household_history(store, h.id))


def _rows(path: Path, where: str, *params: object) -> list[int]:
    conn = driver.connect(path)
    try:
        return [int(r[0]) for r in conn.execute(f"SELECT id FROM audit WHERE {where}", params)]
    finally:
        conn.close()


def _mark(path: Path) -> tuple[int, str]:
    conn = driver.connect(path)
    try:
        row = conn.execute("SELECT row_id, checked_at FROM audit_checkpoint").fetchone()
    finally:
        conn.close()
    assert row is not None
    return int(row[0]), str(row[1])


@pytest.fixture
def checked(store: Store, db_path: Path) -> Path:
    """Three households, one changed; the first history printed (the whole log walked,
    the checkpoint kept); then a fourth household written after the checkpoint."""
    saved(store, "01-0001", "Lò Thị Mai")
    h = saved(store, "01-0002", "Vàng Thị Dợ")
    h.members[0].name = "Vàng Thị Dở"
    store.save_household(h)
    saved(store, "01-0003", "Giàng A Tủa")
    store.close()
    assert "nguyên vẹn" in _history(db_path, "01-0002")  # no checkpoint yet: the whole log
    with Store.open(db_path, user="Cán bộ xã", device="may-xa") as again:
        saved(again, "01-0004", "Sùng A Páo")
    return db_path


def test_the_first_check_walks_the_whole_log_and_keeps_where_it_ended(checked: Path) -> None:
    through, at = _mark(checked)
    assert _rows(checked, "id = ?", through)  # a row of the log
    assert at.endswith("Z")
    caption = _history(checked, "01-0001")
    # Said as it was checked: from the last whole walk, not as the whole log walked now.
    assert "nguyên vẹn" not in caption
    assert "toàn bộ nhật ký được kiểm tra lần gần nhất lúc" in caption
    assert "mọi dòng của hộ này được kiểm tra lại" in caption
    assert "rasoat db check" in caption
    # Moved on to the end, the time of the whole walk kept.
    later, same = _mark(checked)
    assert later > through
    assert same == at
    with Store.open(checked, user="x", device="y") as store:
        assert audit.verify(store.conn) is None


def test_a_row_before_the_checkpoint_the_log_does_not_show_is_left_to_the_whole_check(
    checked: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What the checkpoint gives up, and where it is still found: another household's row
    written before it and edited since is not walked by the log of one household (the
    paper does not say the whole log was walked), and ``rasoat db check`` names it."""
    through, _at = _mark(checked)
    (target,) = _rows(checked, "tbl = 'members' AND action = 'update'")
    assert target < through
    sql(checked, 'UPDATE audit SET new = \'{"name":"Người khác"}\' WHERE id = ?', target)
    with Store.open(checked, user="x", device="y") as store:
        mine = store.household_by_code("01-0004")
        assert mine is not None
        recent = audit.verify_recent(store.conn, household_id=mine.id)
        assert recent.broken is None
        assert recent.whole_at is not None  # not walked whole: said so on the paper
    assert main(["db", "check", str(checked)]) == 1
    err = capsys.readouterr().err
    assert f"dòng số {target}" in err
    assert "hộ 01-0002" in err


def test_a_row_of_the_household_before_the_checkpoint_edited_is_found_by_its_history(
    checked: Path,
) -> None:
    (target,) = _rows(checked, "tbl = 'members' AND action = 'update'")
    assert target < _mark(checked)[0]
    sql(checked, 'UPDATE audit SET new = \'{"name":"Người khác"}\' WHERE id = ?', target)
    caption = _history(checked, "01-0002")
    assert f"dòng số {target}" in caption
    assert "bị sửa" in caption


def test_a_row_after_the_checkpoint_edited_is_found_by_any_log(checked: Path) -> None:
    through, _at = _mark(checked)
    (target,) = _rows(checked, "tbl = 'members' AND action = 'insert' AND id > ?", through)
    sql(checked, "UPDATE audit SET user = 'ai đó' WHERE id = ?", target)
    caption = _history(checked, "01-0001")  # another household's history
    assert f"dòng số {target}" in caption
    assert "hộ 01-0004" in caption
    # The checkpoint is not moved past a broken row.
    assert _mark(checked)[0] == through


def test_a_row_before_the_checkpoint_removed_is_found_by_any_log(checked: Path) -> None:
    """Another household's row removed: its count up to the checkpoint falls short, and the
    whole log is then walked to name where."""
    first = min(_rows(checked, "household_id IS NOT NULL"))
    sql(checked, "DELETE FROM audit WHERE id = ?", first)
    with Store.open(checked, user="x", device="y") as store:
        mine = store.household_by_code("01-0004")
        assert mine is not None
        recent = audit.verify_recent(store.conn, household_id=mine.id)
    assert recent.broken is not None
    assert f"(số {first}) đã bị xoá" in recent.broken.message


@pytest.mark.parametrize("how", ["moved to the end", "deleted", "its row's hash changed"])
def test_a_checkpoint_changed_outside_the_program_is_not_trusted(checked: Path, how: str) -> None:
    """A row edited before the checkpoint, then the checkpoint moved past everything with
    ``sqlite3`` (or removed, or the row it names given another hash): the whole log is
    walked, and the edit found by a history that does not show it."""
    through, _at = _mark(checked)
    (target,) = _rows(checked, "tbl = 'members' AND action = 'update'")
    sql(checked, 'UPDATE audit SET new = \'{"name":"Người khác"}\' WHERE id = ?', target)
    if how == "moved to the end":
        sql(
            checked,
            "UPDATE audit_checkpoint SET row_id = (SELECT MAX(id) FROM audit)",
        )
    elif how == "deleted":
        sql(checked, "DELETE FROM audit_checkpoint")
    else:
        sql(checked, "UPDATE audit SET hash = zeroblob(32) WHERE id = ?", through)
    caption = _history(checked, "01-0004")
    assert f"dòng số {target}" in caption


def test_a_checkpoint_moved_over_an_intact_log_is_said_and_the_whole_log_walked(
    checked: Path,
) -> None:
    sql(checked, "UPDATE audit_checkpoint SET checked_at = '2030-01-01T00:00:00.000Z'")
    caption = _history(checked, "01-0004")
    assert "nguyên vẹn" in caption
    assert "không khớp" in caption
    assert _mark(checked)[1] != "2030-01-01T00:00:00.000Z"  # kept again, from this walk


def test_a_period_s_rows_before_the_checkpoint_are_checked_by_its_log(checked: Path) -> None:
    (target,) = _rows(checked, "tbl = 'members' AND action = 'update'")
    sql(checked, 'UPDATE audit SET new = \'{"name":"Người khác"}\' WHERE id = ?', target)
    with Store.open(checked, user="Cán bộ xã", device="may-xa") as store:
        today = date.today()
        caption = _caption(period_log(store, today, today))
    assert f"dòng số {target}" in caption


class _SaveBeforeTheSequence:
    """A connection on which another connection's save lands right after the walk, before
    the sequence is read (the window saving while a worker checks the chain)."""

    def __init__(self, conn: driver.Connection, other: Store) -> None:
        self._conn = conn
        self._other = other
        self.saved = False

    def execute(self, statement: str, *params: object) -> object:
        if "sqlite_sequence" in statement and not self.saved:
            self.saved = True
            saved(self._other, "01-0009", "Hờ A Sử")
        return self._conn.execute(statement, *params)

    def __getattr__(self, name: str) -> object:
        return getattr(self._conn, name)


@pytest.mark.parametrize("check", ["verify", "verify_recent"])
def test_a_save_landing_during_a_check_is_not_taken_for_rows_cut(checked: Path, check: str) -> None:
    """The walk and the sequence read one state of the file: a save between them is not
    named as rows cut from the end of the log (it was: "2 dòng cuối" said removed)."""
    conn = driver.connect(checked)
    try:
        # Open before the check: its closing waits for no reader.
        with Store.open(checked, user="Cán bộ xã", device="may-xa") as other:
            racing = _SaveBeforeTheSequence(conn, other)
            if check == "verify":
                found = audit.verify(racing)  # type: ignore[arg-type]
            else:
                found = audit.verify_recent(racing).broken  # type: ignore[arg-type]
    finally:
        conn.close()
    assert racing.saved
    assert found is None, found
    with Store.open(checked, user="x", device="y") as store:
        assert store.household_by_code("01-0009") is not None
        assert audit.verify(store.conn) is None
