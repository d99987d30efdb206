"""A prepared package's records crossing from the merge's reader held (``merge_stream.Held``:
lean, with the bytes of their own pickle; ``merge_ahead._parts``): the writer unpickles a
record whole only when it writes it so (a conflict, an update, a household with a member
already here, results of several rounds, answers not prepared), and writes the rows, audit
chain included, that the package read whole writes, signed or not; bytes that do not
unpickle (a fault of the program) have those records read again from the package's file.
Real packages, files and a real pipe."""

from __future__ import annotations

import json
import shutil
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from bench.bench_merge import _year_round_rows
from db.exchange import merge_ahead, merge_stream
from db.exchange.merge_prepare import HeldPackage, prepare_package
from db.exchange.merge_stream import Held, read_for_merge
from db.exchange.package import Package, PackageRecord, read_package, write_package
from db.store import Store
from forms.classify import classify, result_to_dict
from forms.standards import load_standard
from tests.db.exchange.commune import COMMUNE
from tests.db.exchange.records import records
from tests.db.exchange.test_merge_ahead import _dump
from tests.db.exchange.test_merge_ahead_frames import _Child
from tests.db.exchange.test_merge_prepare import _merged, _other_ways
from tests.db.exchange.test_merge_stream import KEY, ROUND

OLD = {"id": "ky-2025", "year": 2025, "standard_id": "nd07-2022-2025", "kind": "periodic"}


def _package(folder: Path, *, signed: bool) -> tuple[Path, Path, dict[str, str]]:
    """``_other_ways``'s file and package (new households with and without results, a
    conflict, a code taken, an update, a member already here),
    one household with results of two rounds (written through ``write_results``); signed
    or not."""
    db, path, ways = _other_ways(folder)
    recs = read_package(path).records
    two = recs[2]
    old = classify(two.household, load_standard(str(OLD["standard_id"])), 2025)
    two.results = {str(OLD["id"]): result_to_dict(old), **two.results}
    ways = {**ways, "two rounds": two.household.id}
    header = {"app_version": "test", "commune": {"code": COMMUNE.commune_code}}
    write_package(path, header, {"rounds": [OLD, ROUND]}, recs, signer=KEY if signed else None)
    return db, path, ways


def _crossed(path: Path) -> Package:
    """The package at ``path`` as the merge's reader reads, prepares and sends it
    (``merge_ahead._send``, here a thread's end of a real pipe), received as ``read_ahead``
    receives it (its path set)."""
    package = prepare_package(read_for_merge(path))
    here, there = merge_ahead.multiprocessing.Pipe()
    thread = threading.Thread(target=merge_ahead._send, args=(there, package), daemon=True)
    thread.start()
    got = merge_ahead._Reader(_Child(), here).receive(path.name)
    thread.join(30)
    assert isinstance(got, HeldPackage)
    got.path = path
    return got


def _loaded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The held records unpickled from now on, by household id."""
    done: list[str] = []
    loads = merge_stream._loads

    def counting(h: Held) -> PackageRecord:
        done.append(h.id)
        return loads(h)

    monkeypatch.setattr(merge_stream, "_loads", counting)
    return done


@pytest.mark.parametrize("signed", [True, False])
def test_held_writes_what_whole_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, signed: bool
) -> None:
    db, path, ways = _package(tmp_path, signed=signed)
    both = shutil.copyfile(db, tmp_path / "xa-2.db")
    crossed = _crossed(path)
    assert all(merge_stream.is_held(r) for r in crossed.records)
    loaded = _loaded(monkeypatch)
    counts = _merged(both, crossed)
    assert counts == {"added": 12, "updated": 1, "conflict": 1, "code_taken": 1}
    # Only the records written whole; every other new household from its prepared rows.
    assert sorted(loaded) == sorted(ways.values())
    assert _merged(db, read_for_merge(path)) == counts
    assert _dump(db) == _dump(both)


def test_unsigned_held_marked_as_whole(tmp_path: Path) -> None:
    # Who made each rev, on the lean part (planning, new households' history) and on the
    # record made whole (the conflict kept for the officer): marked, as read whole.
    db, path, ways = _package(tmp_path, signed=False)
    _merged(db, _crossed(path))
    ids = [r.household.id for r in read_for_merge(path).records]
    marks = ",".join("?" * len(ids))
    with Store.open(db, user="Cán bộ xã", device="may-xa") as store:
        conn = store.conn
        # Of the households new here (the others have their own history here too).
        users = conn.execute(
            f"SELECT DISTINCT user FROM household_revs WHERE household_id IN ({marks})"
            " AND household_id NOT IN (?, ?)",
            [*ids, ways["conflict"], ways["updated"]],
        ).fetchall()
        (incoming,) = conn.execute(
            "SELECT incoming FROM exchange_conflicts WHERE household_id = ?", (ways["conflict"],)
        ).fetchone()
    unverified = merge_stream.devices.UNVERIFIED
    assert len(users) > 1
    assert all(u.endswith(unverified) for (u,) in users)
    assert json.loads(incoming)["revs"][0]["user"].endswith(unverified)


def test_bytes_that_do_not_unpickle_are_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A fault of the program, never of the package: the records from there on read again
    # from the package's file, the same rows written.
    db, path, ways = _package(tmp_path, signed=True)
    both = shutil.copyfile(db, tmp_path / "xa-2.db")
    crossed = _crossed(path)
    spoilt = next(r for r in crossed.records if r.household.id == ways["conflict"])
    h = spoilt.household
    assert isinstance(h, Held)
    h.pickled = h.pickled[:-9]
    reread: list[Path] = []
    opened = merge_stream.open_package

    def reading(p: Path, **kwargs: object) -> object:
        reread.append(p)
        return opened(p, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(merge_stream, "open_package", reading)
    _merged(both, crossed)
    assert reread == [path]
    monkeypatch.setattr(merge_stream, "open_package", opened)
    _merged(db, read_for_merge(path))
    assert _dump(db) == _dump(both)


def test_held_bytes_changed_to_another_record_are_not_taken(tmp_path: Path) -> None:
    _db, path, ways = _package(tmp_path, signed=True)
    crossed = _crossed(path)
    first, second = crossed.records[:2]
    assert isinstance(first.household, Held)
    assert isinstance(second.household, Held)
    first.household.pickled = second.household.pickled
    wanted = {first.household.id}
    (whole,) = merge_stream.again(crossed, wanted)  # read again from the file
    assert whole == read_for_merge(path).records[0]
    assert ways


def test_a_held_household_keeps_what_writing_it_new_reads(tmp_path: Path) -> None:
    _db, path, _ways = _package(tmp_path, signed=True)
    whole = read_for_merge(path).records
    crossed = _crossed(path)
    for rec, held in zip(whole, crossed.records, strict=True):
        h = held.household
        assert isinstance(h, Held)
        assert (h.id, h.code, h.village, h.head_name()) == (
            rec.household.id,
            rec.household.code,
            rec.household.village,
            rec.household.head_name(),
        )
        assert (h.size(), h.causes, h.needs) == (
            rec.household.size(),
            rec.household.causes,
            rec.household.needs,
        )
        assert list(merge_stream.member_ids(h)) == [m.id for m in rec.household.members]
        assert replace(held, household=rec.household, results=rec.results) == rec
        assert held.results.keys() == rec.results.keys()
        assert merge_stream._loads(h) == rec


def _year_round_package(folder: Path) -> Path:
    """New households, a support record for each and an application for every third, as a
    surveyor's laptop sends them: the merge indexes each such household again
    (``year_round_part.apply``), from the household as the package has it (its words as
    the reader made them, for a held one: the same rows)."""
    recs = records(12, seed=21)
    path = folder / "may-yr.rasoat"
    header = {"app_version": "test", "commune": {"code": COMMUNE.commune_code}}
    commune = {
        "rounds": [ROUND],
        "year_round": _year_round_rows(recs, 1, every=3),
    }
    write_package(path, header, commune, recs, signer=KEY)
    return path


def test_households_indexed_again_from_their_prepared_search_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _year_round_package(tmp_path)
    db = tmp_path / "xa.db"
    Store.create(db, COMMUNE, user="Cán bộ xã", device="may-xa").close()
    both = shutil.copyfile(db, tmp_path / "xa-2.db")
    crossed = _crossed(path)
    loaded = _loaded(monkeypatch)
    _merged(both, crossed)
    ids = [r.household.id for r in crossed.records]
    assert loaded == []  # their search words as the reader made them (``Prepared.index``)
    _merged(db, read_for_merge(path))
    assert _dump(db) == _dump(both)
    with Store.open(both, user="Cán bộ xã", device="may-xa") as store:
        n = store.conn.execute("SELECT COUNT(*) FROM support_records").fetchone()[0]
    assert n == len(ids)
