"""A package larger than ``merge_stream.HOLD`` is kept lean after its first reading and read
again to be written (``hold=0`` here takes that path for a small package). It must write
what a package held whole writes, refuse a package changed between the two readings with
nothing written, and write nothing for a package already merged."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import threading
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from db import users
from db.exchange import merge_stream, signing
from db.exchange.devices import UNSIGNED_OK
from db.exchange.errors import PackageError
from db.exchange.merge import import_package, merge_package
from db.exchange.merge_stream import LeanPackage, read_for_merge
from db.exchange.package import PackageRecord, RevEntry, write_package
from db.store import Store
from forms.classify import classify, result_to_dict
from forms.model import Household, Member
from forms.roles import Role
from forms.standards import load_standard
from rasoat.cli import main
from tests.db.exchange.commune import COMMUNE
from tests.db.exchange.records import household, records

KEY = Ed25519PrivateKey.generate()
# The test key, and the unsigned packages these tests also write (the officer takes them).
TRUSTED = [signing.fingerprint(signing.public_bytes(KEY)), UNSIGNED_OK]
ROUND = {"id": "ky-2026", "year": 2026, "standard_id": "nd351-2026-2030", "kind": "periodic"}
TABLES = {
    "households": "SELECT id, code, village, head_name, doc, rev, updated_by FROM households",
    "members": "SELECT id, household_id, position, doc FROM members",
    "revs": "SELECT rev, household_id, parent_rev, user, deleted FROM household_revs",
    "results": "SELECT household_id, round_id, category, transition, doc FROM results",
    "answers": "SELECT household_id, round_id, household_rev, doc FROM answers",
    "conflicts": "SELECT household_id, kind, local_rev, incoming_rev, incoming"
    " FROM exchange_conflicts",
    "audit": "SELECT tbl, household_id, action, new FROM audit WHERE household_id IS NOT NULL",
}


def _rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with Store.open(path, user="Cán bộ xã", device="may-xa") as store:
        return {
            k: sorted(store.conn.execute(sql).fetchall(), key=repr) for k, sql in TABLES.items()
        }


def _commune(path: Path) -> Household:
    """A commune file with the 2026 round and a household of its own, which the package
    changes too (a conflict)."""
    with Store.create(path, COMMUNE, user="Cán bộ xã", device="may-xa") as store:
        store.start_round(2026, "nd351-2026-2030")
        mine = replace(household(0, random.Random(5)), code="XA00001")
        store.save_household(mine)
        mine.note = "sửa ở xã"
        store.save_household(mine)
    return mine


def _package(path: Path, n: int, mine: Household | None = None, signed: bool = True) -> Path:
    """``n`` households, every third with its 2026 result; ``mine`` changed there too."""
    standard = load_standard(str(ROUND["standard_id"]))
    recs = records(n, seed=7)
    for i, rec in enumerate(recs):
        if i % 3 == 0:
            rec.results = {"ky-2026": result_to_dict(classify(rec.household, standard, 2026))}
        rec.updated_by = "ĐTV"
    if mine is not None:  # changed on the laptop too, from the file's first version
        theirs = replace(mine, note="sửa ở máy", members=list(mine.members))
        recs.append(
            PackageRecord(
                household=theirs,
                rev="9-0001",
                revs=[RevEntry("9-0001", None, "may-a", "ĐTV", "2026-02-01")],
            )
        )
    header = {"app_version": "test", "commune": {"code": COMMUNE.commune_code}}
    write_package(path, header, {"rounds": [ROUND]}, recs, signer=KEY if signed else None)
    return path


def test_lean_writes_what_held_writes(tmp_path: Path) -> None:
    a = tmp_path / "a.db"
    mine = _commune(a)
    b = shutil.copyfile(a, tmp_path / "b.db")
    pkg = _package(tmp_path / "p.rasoat", 1_100, mine)
    assert isinstance(read_for_merge(pkg, hold=0), LeanPackage)
    receipts = []
    for path, hold in ((a, 10_000), (b, 0)):
        with Store.open(path, user="Cán bộ xã", device="may-xa") as store:
            receipts.append(import_package(store, pkg, hold=hold, trusted=TRUSTED))
    held, lean = receipts
    with Store.open(a, user="Cán bộ xã", device="may-xa") as store:
        query = "SELECT typeof(receipt), receipt FROM exchange_imports"
        kept = store.conn.execute(query).fetchall()
    # Encoded a piece at a time (merge_apply.receipt_utf8), kept as the text to_json gives.
    assert kept == [("text", held.to_json(indent=None))]
    assert held.count("added") == 1_100
    assert held.count("conflict") == 1
    assert [e.__dict__ for e in held.entries] == [e.__dict__ for e in lean.entries]
    assert held.warnings == lean.warnings
    assert _rows(a) == _rows(b)
    # Again: nothing to write, the results compared with the file's (read again for them).
    with Store.open(b, user="Cán bộ xã", device="may-xa") as store:
        again = import_package(store, pkg, hold=0, trusted=TRUSTED)
        assert again.count("unchanged") == 1_100
        assert not again.written
        assert store.conn.execute("SELECT count(*) FROM exchange_imports").fetchone()[0] == 1


def test_results_brought_later_read_again(tmp_path: Path) -> None:
    """The same household versions sent again with results the file lacks: the results
    (left out of the lean records) are read again with their records and written."""
    a = tmp_path / "a.db"
    _commune(a)
    b = shutil.copyfile(a, tmp_path / "b.db")
    bare, pkg = tmp_path / "bare.rasoat", tmp_path / "p.rasoat"
    recs = records(12, seed=7)
    header = {"app_version": "test", "commune": {"code": COMMUNE.commune_code}}
    write_package(bare, header, {"rounds": [ROUND]}, recs)
    standard = load_standard(str(ROUND["standard_id"]))
    for rec in recs[::3]:
        rec.results = {"ky-2026": result_to_dict(classify(rec.household, standard, 2026))}
    write_package(pkg, header, {"rounds": [ROUND]}, recs)
    for path, hold in ((a, 10_000), (b, 0)):
        with Store.open(path, user="Cán bộ xã", device="may-xa") as store:
            import_package(store, bare, hold=hold, trusted=[UNSIGNED_OK])
            receipt = import_package(store, pkg, hold=hold, trusted=[UNSIGNED_OK])
        assert receipt.count("updated") == 4, receipt.summary()
    assert _rows(a) == _rows(b)
    assert len(_rows(b)["results"]) == 4


def test_unsigned_lean_marked(tmp_path: Path) -> None:
    a = tmp_path / "a.db"
    _commune(a)
    b = shutil.copyfile(a, tmp_path / "b.db")
    pkg = _package(tmp_path / "p.rasoat", 5, signed=False)
    for path, hold in ((a, 10_000), (b, 0)):
        with Store.open(path, user="Cán bộ xã", device="may-xa") as store:
            import_package(store, pkg, hold=hold, trusted=[UNSIGNED_OK])
    rows = _rows(b)
    assert rows == _rows(a)
    theirs = [r for r in rows["households"] if str(r[1]).startswith("HO")]
    assert len(theirs) == 5
    assert all(str(r[6]).endswith("(chưa xác thực)") for r in theirs)


def _tampered(src: Path, dst: Path) -> None:
    """The package with one letter of its last household's line changed and its manifest
    kept: every record still valid, the part's checksum no longer the signed one."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "households.jsonl":
                at = data.rindex("Thôn".encode())
                data = data[:at] + b"Thon" + data[at + len("Thôn".encode()) :]
                data += b" " * (zin.getinfo(info.filename).file_size - len(data))
            zout.writestr(info, data)


def test_package_changed_between_readings(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    _commune(db)
    pkg = _package(tmp_path / "p.rasoat", 1_100)
    package = read_for_merge(pkg, hold=0)
    _tampered(pkg, tmp_path / "t.rasoat")
    shutil.copyfile(tmp_path / "t.rasoat", pkg)
    with Store.open(db, user="Cán bộ xã", device="may-xa") as store:
        before = _count(store)
        # Two chunks of 500 written before the end of the part shows it changed.
        with pytest.raises(PackageError, match="mã kiểm tra"):
            merge_package(store, package, source_name=pkg.name, trusted=TRUSTED)
        assert _count(store) == before
    # Another package in its place: refused before anything is read again.
    package = read_for_merge(pkg := _package(tmp_path / "q.rasoat", 8), hold=0)
    _package(pkg, 9)
    with Store.open(db, user="Cán bộ xã", device="may-xa") as store:
        with pytest.raises(PackageError, match="đã thay đổi trong khi đang nhập"):
            merge_package(store, package, source_name=pkg.name, trusted=TRUSTED)
        assert _count(store) == before


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_refused_between_readings_leaves_the_file_byte_identical(tmp_path: Path) -> None:
    """Opened as ``rasoat import`` and the import dialog's worker open it (``seen=False``):
    the refused merge rolls back and nothing else was written, "last seen" included; a merge
    that commits writes it."""
    db = tmp_path / "a.db"
    _commune(db)
    pkg = _package(tmp_path / "p.rasoat", 12)
    kept = shutil.copyfile(pkg, tmp_path / "kept.rasoat")
    package = read_for_merge(pkg, hold=0)
    _tampered(pkg, tmp_path / "t.rasoat")
    shutil.copyfile(tmp_path / "t.rasoat", pkg)
    before = sha256(db)
    changed = "Gói p.rasoat đã thay đổi trong khi đang nhập"
    store = Store.open(db, user="Người nhập", device="may-nhap", seen=False)
    with store, pytest.raises(PackageError, match=changed):
        merge_package(store, package, source_name=pkg.name, trusted=TRUSTED)
    assert sha256(db) == before
    assert not (tmp_path / "a.db-wal").exists()
    # The package as it was: merged, and the user seen with it.
    shutil.copyfile(kept, pkg)
    package = read_for_merge(pkg, hold=0)
    with Store.open(db, user="Người nhập", device="may-nhap", seen=False) as store:
        assert merge_package(store, package, source_name=pkg.name, trusted=TRUSTED).written
        assert ("Người nhập", "may-nhap") in [(n, d) for n, d, _ in store.surveyors()]


PASS = "mat-khau-9x"


def _signed_in_after(fifo: Path, rewrite: Callable[[], None]) -> threading.Thread:
    """The officer's password typed into ``fifo`` (``--user-password-file``) when the command
    reads it, which it does right after opening the commune file: ``rewrite`` runs first, so
    the package changes after its first reading and before its second."""
    os.mkfifo(fifo)

    def type_it() -> None:
        with fifo.open("w", encoding="utf-8") as f:  # returns once the command opens it
            rewrite()
            f.write(PASS + "\n")

    thread = threading.Thread(target=type_it, daemon=True)
    thread.start()
    return thread


def _done(thread: threading.Thread, fifo: Path) -> None:
    """A command that never read the password must not leave the thread blocked."""
    if thread.is_alive():
        os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))
    thread.join(10)
    assert not thread.is_alive()


def _with_officer(db: Path) -> None:
    with Store.open(db, user="Cán bộ xã", device="may-xa") as store:
        users.add_user(store, "thu", "Lò Thị Thu", Role.OFFICER, PASS)


@pytest.mark.parametrize("command", ["import", "merge"])
def test_cli_refused_between_readings_leaves_the_file_byte_identical(
    command: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``rasoat import``/``merge`` of lean packages (``HOLD`` 0 here) rewritten between the
    two readings: refused naming the package, the commune file's bytes unchanged."""
    monkeypatch.setattr(merge_stream, "HOLD", 0)
    db = tmp_path / "a.db"
    _commune(db)
    _with_officer(db)
    pkgs = [_package(tmp_path / "p.rasoat", 12)]
    if command == "merge":
        pkgs.append(_package(tmp_path / "q.rasoat", 5))

    def rewrite() -> None:
        _tampered(pkgs[0], tmp_path / "t.rasoat")  # a part's checksum no longer the signed one
        shutil.copyfile(tmp_path / "t.rasoat", pkgs[0])
        if command == "merge":
            _package(pkgs[1], 6)  # another package in its place

    before = sha256(db)
    fifo = tmp_path / "mat-khau"
    thread = _signed_in_after(fifo, rewrite)
    signed = ["--user", "thu", "--user-password-file", str(fifo), "--trust-device", TRUSTED[0]]
    try:
        code = main([command, str(db), *map(str, pkgs), *signed])
    finally:
        _done(thread, fifo)
    out, err = capsys.readouterr()
    if command == "import":
        assert code == 2
        assert "Gói p.rasoat đã thay đổi trong khi đang nhập" in err
        assert "mã kiểm tra" in err
    else:
        assert code == 1
        assert "p.rasoat: KHÔNG NHẬP — Gói p.rasoat đã thay đổi trong khi đang nhập" in out
        assert "q.rasoat: KHÔNG NHẬP — Gói q.rasoat đã thay đổi trong khi đang nhập" in out
    assert "Traceback" not in out + err
    assert sha256(db) == before
    assert not (tmp_path / "a.db-wal").exists()


def _count(store: Store) -> tuple[int, ...]:
    return tuple(
        store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("households", "members", "results", "audit", "exchange_imports")
    )


def test_lean_household_cannot_be_written() -> None:
    """What planning keeps of a household has no answers: writing it fails loudly."""
    rec = records(1)[0]
    rec.household.members.append(Member(name="Không CCCD"))
    from db.exchange.merge_stream import Lean, id_numbers

    lean = Lean(rec.household)
    assert lean.head_name() == rec.household.head_name()
    assert id_numbers(lean) == id_numbers(rec.household) == [rec.household.members[0].id_number]
    with pytest.raises(AttributeError):
        lean.members  # type: ignore[attr-defined]  # noqa: B018


def test_lean_password_package(tmp_path: Path) -> None:
    """A package with a password (format 4, sealed in chunks) read again with it."""
    a = tmp_path / "a.db"
    _commune(a)
    b = shutil.copyfile(a, tmp_path / "b.db")
    pkg = tmp_path / "p.rasoat"
    header = {"app_version": "test", "commune": {"code": COMMUNE.commune_code}}
    write_package(pkg, header, {"rounds": [ROUND]}, records(7, seed=3), password="mật khẩu",
                  scrypt_n=2**10, signer=KEY)  # fmt: skip
    for path, hold in ((a, 10_000), (b, 0)):
        with Store.open(path, user="Cán bộ xã", device="may-xa") as store:
            receipt = import_package(store, pkg, password="mật khẩu", hold=hold, trusted=TRUSTED)
        assert receipt.count("added") == 7
    assert _rows(a) == _rows(b)
