"""A merge's reader process that hangs (alive, silent: a dying USB stick it waits on for ever)
is ended once it has said nothing for the window (``merge_ahead.READ_WAIT``, small here), the
package it was reading refused by name in Vietnamese, the rest read here; a reader slower
than the window that keeps saying how far it has read (a heartbeat each 500 records) is not.
Real packages, files and processes: the hang is a package on a FIFO nobody ever writes to
(the reader waits in opening it), the slowness ``_Reader.start``'s ``pace``."""

from __future__ import annotations

import multiprocessing
import os
import shutil
from pathlib import Path

from db import audit
from db.exchange.errors import PackageError
from db.exchange.merge import merge_package
from db.exchange.merge_ahead import HUNG, _Reader, read_ahead
from db.exchange.merge_stream import HOLD, read_for_merge
from db.exchange.package import Package
from db.store import Store
from tests.db.exchange.test_merge_ahead import _keys, _retagged
from tests.db.exchange.test_merge_stream import TRUSTED, _commune

# The window here: long enough for a busy machine's child to start, short for the test.
WAIT = 1.0


def _codes(db: Path) -> list[str]:
    with Store.open(db, user="Cán bộ xã", device="may-xa") as store:
        assert audit.verify(store.conn) is None
        return sorted(r[0] for r in store.conn.execute("SELECT code FROM households"))


def test_a_hung_reader_is_ended_and_every_package_is_merged_once(tmp_path: Path) -> None:
    """The third package on a FIFO: the child waits in opening it, alive and silent. After
    ``WAIT`` seconds it is ended, that package refused as ``HUNG`` (not read here, where it
    would hang the merge), the fourth read here; merged again once it is a file, every
    package's households are in the file once."""
    db = tmp_path / "xa.db"
    _commune(db)
    paths = [_retagged(tmp_path / f"p{i}.rasoat", 4, "ABCD"[i]) for i in range(4)]
    real = paths[2]
    waiting = tmp_path / "p2-fifo.rasoat"
    os.mkfifo(waiting)
    paths[2] = waiting
    said = []
    with Store.open(db, user="Cán bộ xã", device="may-xa") as store:
        for path, package in read_ahead(paths, _keys, wait=WAIT):
            if isinstance(package, PackageError):
                said.append((path, str(package)))
                continue
            merge_package(store, package, source_name=path.name, trusted=TRUSTED)
    assert said == [(waiting, HUNG.format(name=waiting.name, seconds="1"))]
    assert "Gói này chưa được gộp" in said[0][1]
    assert not multiprocessing.active_children()

    # The officer copies the package off the stick and merges it again.
    waiting.unlink()
    shutil.copyfile(real, waiting)
    with Store.open(db, user="Cán bộ xã", device="may-xa") as store:
        merge_package(store, read_for_merge(waiting), source_name=waiting.name, trusted=TRUSTED)
    mine = "XA00001"
    assert _codes(db) == sorted([mine, *(f"{c}{i:05d}" for c in "ABCD" for i in range(4))])


def test_a_slow_reader_that_says_how_far_it_has_read_is_not_ended(tmp_path: Path) -> None:
    """A package of 1,000 households read at a slow medium's pace: the child sleeps ``pace``
    (0.4 windows) before each of its 8 heartbeats (2 for the records, one for the reading's
    end, one for the rows worked out, 4 for the pickle's parts), so the package takes more
    than three windows however fast the machine, and is received whole, from the child, the
    reader still there."""
    _commune(tmp_path / "xa.db")
    small = _retagged(tmp_path / "small.rasoat", 3, "A")
    slow = _retagged(tmp_path / "slow.rasoat", 1_000, "B")
    assert HOLD > 1_000  # held and prepared there: each step a heartbeat
    reader = _Reader.start(wait=WAIT, pace=WAIT * 0.4)
    assert reader is not None
    try:
        # Up and reading first (its start, a fraction of a second, is not the test).
        assert reader.request(small, (None, None), HOLD)
        assert isinstance(reader.receive(small.name), Package)
        assert reader.request(slow, (None, None), HOLD)
        got = reader.receive(slow.name)
        assert isinstance(got, Package), got
        assert len(got.records) == 1_000
        assert not reader.stopped
        assert not reader.hung
    finally:
        reader.close()
    assert not multiprocessing.active_children()
