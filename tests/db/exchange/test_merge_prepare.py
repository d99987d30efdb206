"""A new household's rows prepared from its package record alone (``merge_prepare``), in the
merge's reader process or by the writer: the same rows and audit chain either way; what was
prepared used only for a household the writer inserts as new, as it was read (never for a
conflict, a household already in the file, one with a member already here); the audit
chain verified (its payload joined from pieces in UTF-8: ``test_audit_chain``). Real
packages, files and processes."""

from __future__ import annotations

import json
import random
import shutil
import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest

from db import audit
from db.exchange import merge_prepare, merge_stream
from db.exchange.merge import merge_package
from db.exchange.merge_prepare import Prepared, PreparedPackage, prepare_package
from db.exchange.merge_stream import read_for_merge
from db.exchange.package import PackageRecord, RevEntry, write_package
from db.result_docs import result_doc
from db.store import Store
from forms.classify import classify, result_to_dict
from forms.model import Household, Member
from forms.standards import load_standard
from tests.db.exchange.commune import COMMUNE
from tests.db.exchange.records import household, records
from tests.db.exchange.test_merge_ahead import _dump, _merge
from tests.db.exchange.test_merge_stream import KEY, ROUND, TRUSTED

# --- prepared rows in a merge -------------------------------------------------------------------


def _result(h: Household) -> dict[str, object]:
    return result_to_dict(classify(h, load_standard(str(ROUND["standard_id"])), 2026))


def _file(path: Path) -> tuple[Household, Household]:
    """A commune file with the 2026 round and three households of its own (two returned)."""
    rng = random.Random(5)
    with Store.create(path, COMMUNE, user="Cán bộ xã", device="may-xa") as store:
        store.start_round(2026, "nd351-2026-2030")
        mine = replace(household(0, rng), code="XA00001")
        store.save_household(mine)
        other = replace(household(1, rng), code="XA00002")
        store.save_household(other)
        store.save_household(replace(household(2, rng), code="XA00003"))
        mine.note = "sửa ở xã"
        store.save_household(mine)
    return mine, other


def _other_ways(folder: Path) -> tuple[Path, Path, dict[str, str]]:
    """A commune file, and a package of new households and of four the writer does not
    insert as new: one changed on both sides (a conflict), one new with a code taken here,
    one already here and changed only on the laptop (updated), one new whose member is
    already in a household here (a member moved: the Store's own path). Returns the file,
    the package, and those four households' ids by what happens to them."""
    db = folder / "xa.db"
    mine, other = _file(db)
    with Store.open(db, user="Cán bộ xã", device="may-xa") as store:
        here = store.household_rev(other.id)
    assert here is not None
    recs = records(12, seed=3)
    for i, rec in enumerate(recs):
        if i % 2 == 0:
            rec.results = {str(ROUND["id"]): _result(rec.household)}
    # A code not in NFC: the row keeps the NFC code, the answers the code as it came.
    recs[1].household.code = unicodedata.normalize("NFD", "HỘ00001")
    recs[1].results = {str(ROUND["id"]): _result(recs[1].household)}
    conflict = replace(mine, note="sửa ở máy", members=list(mine.members))
    taken = replace(recs[5].household, code="XA00003")
    updated = replace(other, note="sửa ở máy", members=list(other.members))
    moved = Household(
        code="HO09999",
        village="Thôn 2",
        members=[replace(recs[6].household.members[0], id=other.members[0].id, name="Chuyển")],
    )

    def rec(h: Household, rev: str, parent: str | None) -> PackageRecord:
        return PackageRecord(
            household=h,
            rev=rev,
            revs=[RevEntry(rev, parent, "may-a", "ĐTV", "2026-02-01")],
            results={str(ROUND["id"]): _result(h)},
        )

    recs[5] = rec(taken, "9-0005", None)
    recs += [
        rec(conflict, "9-0001", None),
        rec(updated, "9-0002", here[0]),
        rec(moved, "9-0003", None),
    ]
    path = folder / "may-a.rasoat"
    header = {"app_version": "test", "commune": {"code": COMMUNE.commune_code}}
    write_package(path, header, {"rounds": [ROUND]}, recs, signer=KEY)
    ways = {"conflict": mine.id, "code_taken": taken.id, "updated": other.id, "moved": moved.id}
    return db, path, ways


def _poisoned(p: Prepared) -> Prepared:
    """``p`` with other, still valid, texts: written, they would show."""
    return replace(
        p,
        doc=p.doc.replace(b'"note":""', '"note":"giả"'.encode()),
        index=p.index + " gia",
    )


def _merged(db: Path, package: object) -> dict[str, int]:
    with Store.open(db, user="Cán bộ xã", device="may-xa") as store:
        receipt = merge_package(
            store,
            package,  # type: ignore[arg-type]
            source_name="may-a.rasoat",
            trusted=TRUSTED,
        )
        assert audit.verify(store.conn) is None
        # The documents, bound as their UTF-8 (``Prepared.doc``), stored as text as the
        # Store stores them (a blob would be another value to SQLite).
        for table in ("households", "members"):
            types = store.conn.execute(f"SELECT DISTINCT typeof(doc) FROM {table}").fetchall()
            assert types == [("text",)]
    return {a: receipt.count(a) for a in ("added", "updated", "conflict", "code_taken")}


def _counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The households the writer prepares itself from now on."""
    done: list[str] = []
    prepare = merge_prepare.prepare

    def counting(rec: PackageRecord, memo: dict[int, object]) -> Prepared:
        done.append(rec.household.id)
        return prepare(rec, memo)

    monkeypatch.setattr(merge_prepare, "prepare", counting)
    return done


def test_prepared_rows_write_what_the_writer_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, path, ways = _other_ways(tmp_path)
    both = shutil.copyfile(db, tmp_path / "xa-2.db")
    prepared = prepare_package(read_for_merge(path))
    assert isinstance(prepared, PreparedPackage)
    # Everything of the four households prepared too, and made wrong: nothing of it may
    # be written.
    for hid in ways.values():
        prepared.prepared[hid] = _poisoned(prepared.prepared[hid])
    done = _counted(monkeypatch)
    counts = _merged(both, prepared)
    assert done == []  # every new household's rows as prepared
    assert _merged(db, read_for_merge(path)) == counts
    assert len(done) == counts["added"] - 1  # the moved member's household: the Store's path
    assert counts == {"added": 12, "updated": 1, "conflict": 1, "code_taken": 1}
    assert _dump(db) == _dump(both)
    with Store.open(both, user="Cán bộ xã", device="may-xa") as store:
        assert store.search("gia") == []
        code = store.conn.execute(
            "SELECT code FROM households WHERE id = ?", (ways["moved"],)
        ).fetchone()
        assert code == ("HO09999",)


def test_prepared_rows_of_a_new_household_are_the_ones_written(tmp_path: Path) -> None:
    # What the test above relies on: rows prepared for a household inserted as new are
    # written as prepared (so a poisoned one used would show).
    db, path, ways = _other_ways(tmp_path)
    prepared = prepare_package(read_for_merge(path))
    assert isinstance(prepared, PreparedPackage)
    fresh = next(r.household.id for r in prepared.records if r.household.id not in ways.values())
    prepared.prepared[fresh] = _poisoned(prepared.prepared[fresh])
    _merged(db, prepared)
    with Store.open(db, user="Cán bộ xã", device="may-xa") as store:
        doc = store.conn.execute("SELECT doc FROM households WHERE id = ?", (fresh,)).fetchone()
        assert json.loads(doc[0])["note"] == "giả"
        assert [r.id for r in store.search("gia")] == [fresh]


def test_a_record_changed_after_it_was_prepared_is_prepared_again(tmp_path: Path) -> None:
    _db, path, _ways = _other_ways(tmp_path)
    prepared = prepare_package(read_for_merge(path))
    assert isinstance(prepared, PreparedPackage)
    rec = prepared.records[0]
    memo: dict[int, object] = {}
    assert merge_prepare.prepared_for(prepared, rec, memo) is prepared.prepared[rec.household.id]
    for changed in (
        replace(rec, results=dict(rec.results)),  # a conflict's results, mapped
        replace(rec, household=replace(rec.household)),  # read again (a lean package)
    ):
        again = merge_prepare.prepared_for(prepared, changed, memo)
        assert again is not prepared.prepared[rec.household.id]
        assert again == merge_prepare.prepare(changed, memo)


def test_a_lean_package_is_not_prepared(tmp_path: Path) -> None:
    _db, path, _ways = _other_ways(tmp_path)
    lean = read_for_merge(path, hold=0)
    assert isinstance(lean, merge_stream.LeanPackage)
    assert prepare_package(lean) is lean


def _distinct(folder: Path, k: int, n: int) -> Path:
    """Package ``k``: ``n`` new households of its own (codes, revs), half with results."""
    recs = records(n, seed=40 + k)
    for i, rec in enumerate(recs):
        rec.household.code = f"P{k}{i:04d}"
        rec.rev = f"{k}-{i:04x}"
        rec.revs = [replace(rec.revs[0], rev=rec.rev)]
        if i % 2:
            rec.results = {str(ROUND["id"]): _result(rec.household)}
    path = folder / f"p{k}.rasoat"
    header = {"app_version": "test", "commune": {"code": COMMUNE.commune_code}}
    write_package(path, header, {"rounds": [ROUND]}, recs, signer=KEY if k != 3 else None)
    return path


def test_the_reader_prepares_what_it_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``rasoat merge`` with the reader process: the packages it read (the third on) come
    with their rows prepared, the writer prepares those of the first two only; the same
    rows, chain and search as without it."""
    one = tmp_path / "xa.db"
    _file(one)
    both = shutil.copyfile(one, tmp_path / "xa-2.db")
    paths = [_distinct(tmp_path, k, 7) for k in range(4)]  # the last one unsigned
    done = _counted(monkeypatch)
    assert _merge(one, paths, ahead=False) == 0
    assert len(done) == 28
    done.clear()
    assert _merge(both, paths, ahead=True) == 0
    assert sorted(done) == sorted(r.household.id for p in paths[:2] for r in _records(p))
    capsys.readouterr()
    assert _dump(one) == _dump(both)
    for db in (one, both):
        with Store.open(db, user="Cán bộ xã", device="may-xa") as store:
            assert [r.code for r in store.search("p30003")] == ["P30003"]


def _records(path: Path) -> list[PackageRecord]:
    return read_for_merge(path).records


def test_prepared_package_pickles_whole(tmp_path: Path) -> None:
    # It crosses from the reader pickled: the household a preparation was made from is
    # the record's own after the crossing too (identity: ``Prepared.fits``).
    import pickle

    _db, path, _ways = _other_ways(tmp_path)
    prepared = pickle.loads(pickle.dumps(prepare_package(read_for_merge(path))))
    assert isinstance(prepared, PreparedPackage)
    for rec in prepared.records:
        assert prepared.prepared[rec.household.id].fits(rec)


def test_member_text_tuple_matches_the_member(tmp_path: Path) -> None:
    # The members' rows prepared carry the values the row takes (id, name, ID number).
    rec = records(1, seed=9)[0]
    rec.household.members.append(Member(name="Không Số", id_number=""))
    p = merge_prepare.prepare(rec, {})
    assert [m[:3] for m in p.members] == [
        (m.id, m.name, m.id_number or None) for m in rec.household.members
    ]
    assert [json.loads(m[3])["id"] for m in p.members] == [m.id for m in rec.household.members]


def test_result_texts_cross_in_pieces_and_join_as_encoded(tmp_path: Path) -> None:
    # A result's text crosses from the reader cut into pieces, a piece that repeats once a
    # package: joined as it is written, it is the document ``result_doc`` gives the
    # record's result, field for field, for every household and after the pickle.
    import pickle

    recs = records(40, seed=11)
    for i, rec in enumerate(recs):
        rec.household.code = f"R{i:04d}"
        rec.results = {str(ROUND["id"]): _result(rec.household)}
    path = tmp_path / "may-r.rasoat"
    header = {"app_version": "test", "commune": {"code": COMMUNE.commune_code}}
    write_package(path, header, {"rounds": [ROUND]}, recs, signer=KEY)
    crossed = pickle.loads(pickle.dumps(prepare_package(read_for_merge(path))))
    assert isinstance(crossed, PreparedPackage)
    pieces: dict[int, str] = {}
    cut = 0
    for rec in crossed.records:
        p = crossed.prepared[rec.household.id]
        assert p.result is not None
        ((round_id, res),) = rec.results.items()
        assert p.result[0] == round_id
        whole = result_doc(res, {})
        assert p.result_doc() == whole
        assert merge_prepare.prepare(rec, {}).result_doc() == whole
        assert p.result[1].text == ""  # the text crosses only in its pieces
        assert len(p.result[2]) > 1
        pieces.update((id(x), x) for x in p.result[2])
        cut += len(p.result[2])
    # The indicators that say the same in every household crossed once.
    assert len(pieces) < cut / 2
