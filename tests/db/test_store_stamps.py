"""The ids the Store gives its rows (db.store_stamps.new_id): time-ordered UUIDs (version 7),
which every reader of ids takes as any UUID (issue 20: a new revision's id index entry lands
beside the last one instead of in a random leaf)."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from db.store_stamps import new_id
from forms.validate import is_uuid
from tests.db.conftest import commune_info


def test_a_new_id_is_a_version_7_uuid_in_canonical_text() -> None:
    ids = {new_id() for _ in range(2_000)}
    assert len(ids) == 2_000
    for value in ids:
        parsed = uuid.UUID(value)
        assert str(parsed) == value
        assert parsed.version == 7
        assert parsed.variant == uuid.RFC_4122
        assert is_uuid(value)


def test_ids_made_a_millisecond_apart_sort_in_the_order_they_were_made() -> None:
    before = time.time_ns() // 1_000_000
    made = []
    for _ in range(5):
        made.append(new_id())
        time.sleep(0.002)
    assert made == sorted(made)
    millis = int(made[0].replace("-", "")[:12], 16)
    assert before <= millis <= before + 1_000


def test_revisions_saved_one_after_another_have_ids_in_that_order(tmp_path: Path) -> None:
    """A household's history is read in rowid order, not by id: the ids only follow it."""
    from db.store import Store
    from forms.model import Area, Household, Member, Relationship, Sex

    with Store.create(tmp_path / "xa.sqlite", commune_info(), user="a", device="b") as store:
        store.add_village("Thôn Đồng Tâm")
        h = Household(
            code="01-0001",
            village="Thôn Đồng Tâm",
            area=Area.RURAL,
            members=[Member(name="Hoàng Thị Mai", relationship=Relationship.HEAD, sex=Sex.FEMALE)],
        )
        for note in ("Hẹn quay lại", "Vắng nhà", "Đã đến nhà"):
            h.note = note
            store.save_household(h)
            time.sleep(0.002)
        revs = [r[0] for r in store.household_revs(h.id)]
    assert len(revs) == 3
    assert revs == sorted(revs)
    assert all(uuid.UUID(r).version == 7 for r in revs)


def test_a_forked_child_does_not_give_its_parents_next_ids() -> None:
    """The random bits come from a pool of os.urandom's bytes: a child made by fork starts
    its own, or parent and child would both give the ids the pool had left."""
    import os

    new_id()  # the pool filled
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover  (the child)
        os.write(write, new_id().encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    child = os.read(read, 100).decode()
    os.close(read)
    mine = new_id()
    assert is_uuid(child)
    # Past the milliseconds and the version: the random part.
    assert child[15:] != mine[15:]


def test_ids_made_by_two_threads_at_once_are_all_different() -> None:
    """The GUI thread and a worker make ids at the same time: the pool's offset is taken
    and moved under a lock. Without it two threads read the same offset before either moved
    it (a review saw 16 equal ids in 36,000). A line tracer in both threads (as a debugger
    runs them) makes the threads switch between any two lines, so the race shows at once:
    hundreds of equal draws in 8,000 without the lock."""
    import sys
    import threading

    from db import store_stamps

    made: list[list[int]] = [[], []]
    start = threading.Barrier(2)

    def tracer(*_: object) -> object:
        return tracer

    def draw(into: list[int]) -> None:
        sys.settrace(tracer)  # type: ignore[arg-type]
        try:
            start.wait()
            for _ in range(4_000):
                into.append(store_stamps._random80())
        finally:
            sys.settrace(None)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=draw, args=(m,)) for m in made]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    every = made[0] + made[1]
    assert len(every) == 8_000
    assert len(set(every)) == 8_000
    ids = {new_id() for _ in range(1_000)}
    assert len(ids) == 1_000
