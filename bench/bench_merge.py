"""Merging surveyors' packages into one commune file (issue 8): 20 packages of 5,000
households each, imported one after the other, each validated whole and applied in one
transaction. Goal: the whole merge under 30 s. Baseline: reading and validating the same
packages without writing (the part of the work that is not SQLite).

A second figure sets the SQLite part on its own: the very rows the merge wrote, copied by
SQLite alone (``INSERT … SELECT`` from the merged file, no Python per row) into an empty file
of the same schema, one transaction per package as the merge commits them. That is what
this schema costs to write inside SQLite. The bare library's figure sets the floor for
Python: the same rows, made beforehand, written by the sqlite3 module (``executemany``, one
transaction a package): how near SQLite alone a program writing from Python can come.
The merge is compared with both, also with its packages read ahead into the file held open
(the scope SQLite alone is timed in: no opening, no closing backup), and with the least it can
cost: SQLite alone plus the work only a merge has (``merge_floor``: looking this file up while
planning, the audit chain's hashes) and, for ``rasoat merge``, the backup it keeps as the file
closes. Issue 22's goal is the merge's CPU within 1.5x of that least (until session 19: of
SQLite alone, which leaves out work no merge with this product's audit chain and backups can
skip; docs/benchmarks.md says why). Last, a commune-sized
merge: 10 surveyors' packages of 500 households, as the packages above (households only),
then as surveyors send them once they have classified their households (each household with
its 2026 answers and result), then with the list all year round (issue 24): a cadre for
every village of the commune file, each household with a support record and every fifth
with an application. Beside each time, the CPU seconds of this process for the same work:
the machine is shared, and its load lengthens wall times far more than CPU times."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import random
import resource
import shutil
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

import rasoat  # noqa: F401  (provides db.exchange this laptop's signing key, as the app does)
from bench import Row, peak_rss_mb
from bench.merge_floor import necessary_cpu
from db import backup
from db.exchange.merge import collector_paused, import_package, merge_package
from db.exchange.merge_ahead import read_ahead
from db.exchange.package import Package, PackageRecord, RevEntry, read_package, write_package
from db.exchange.signing import fingerprint, public_bytes
from db.records import CommuneInfo
from db.store import Store
from forms.classify import classify, result_to_dict
from forms.model import Area, Household, Member, Relationship, Sex
from forms.standards import load_standard

COMMUNE = CommuneInfo("10", "Tỉnh Lào Cai", "10105", "Xã Tân Lập", Area.RURAL)
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Đặng", "Bùi", "Đỗ", "Hồ", "Lò"]
GIVEN = ["Văn An", "Thị Bình", "Văn Cường", "Thị Dung", "Đức Minh", "Thị Hoà", "Quốc Huy"]


@contextmanager
def _timed() -> Iterator[Callable[[], tuple[float, float, float]]]:
    """``with _timed() as spent: …; spent()`` gives (wall seconds, CPU seconds of this
    process, CPU seconds of its children ended meanwhile: the merge's reader process)."""
    wall, cpu, kids = time.perf_counter(), time.process_time(), _children_cpu()
    end: list[tuple[float, float, float]] = []
    yield lambda: end[0]
    end.append((time.perf_counter() - wall, time.process_time() - cpu, _children_cpu() - kids))


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _cli_merge(db: Path, paths: list[Path], *, ahead: bool) -> None:
    """``rasoat merge DB P1 P2 …`` as the officer runs it (its output kept here), the next
    package read in a second process while one is written (``ahead``) or not."""
    from rasoat.cli import build_parser
    from rasoat.commands import exchange

    trust = [a for fp in trusted() for a in ("--trust-device", fp)]
    args = build_parser().parse_args(["merge", str(db), *map(str, paths), *trust])
    with contextlib.redirect_stdout(io.StringIO()) as out:
        code = exchange.run_merge(args, ahead=ahead)
    assert code == 0, out.getvalue()


def laptop_key(laptop: int) -> Ed25519PrivateKey:
    """The signing key of surveyor's laptop ``laptop``, the same at every run: a package is
    always signed by the laptop that made it (``db.exchange.export``), so the merges here
    check signatures, not mark an unsigned package's history unverified as no officer's
    merge does."""
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"may-%d" % laptop).digest())


@functools.cache
def trusted() -> tuple[str, ...]:
    """The fingerprints of the laptops' keys, as the officer confirms them at the first
    merge (``--trust-device``): every laptop number the bench uses."""
    return tuple(fingerprint(public_bytes(laptop_key(n))) for n in range(64))


def _household(code: str, rng: random.Random) -> Household:
    members = [
        Member(
            name=f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}",
            relationship=Relationship.HEAD if i == 0 else Relationship.CHILD,
            sex=rng.choice(list(Sex)),
            birth_year=rng.randint(1940, 2024),
            ethnicity="Kinh",
            id_number=f"{rng.randint(0, 10**12 - 1):012d}",
        )
        for i in range(rng.randint(1, 6))
    ]
    return Household(code=code, village=f"Thôn {rng.randint(1, 12)}", members=members)


# The round a surveyor's laptop classifies its households in, as packages carry it.
ROUND = {"id": "ky-2026", "year": 2026, "standard_id": "nd351-2026-2030", "kind": "periodic"}


def _package(
    path: Path,
    laptop: int,
    households: int,
    rng: random.Random,
    year_round: bool = False,
    results: bool = False,
) -> None:
    """``results``: each household with its 2026 answers and result, as a surveyor's laptop
    sends them once it has classified its households (``forms.classify``)."""
    records = []
    standard = load_standard(str(ROUND["standard_id"])) if results else None
    for i in range(households):
        rev = str(uuid.uuid4())
        h = _household(f"{laptop:02d}-{i:05d}", rng)
        res = (
            {str(ROUND["id"]): result_to_dict(classify(h, standard, 2026))}
            if standard is not None
            else {}
        )
        records.append(
            PackageRecord(
                household=h,
                results=res,
                rev=rev,
                revs=[RevEntry(rev, None, f"may-{laptop}", "ĐTV", "2026-09-01T00:00:00Z")],
                created_at="2026-09-01T00:00:00Z",
                created_device=f"may-{laptop}",
                updated_at="2026-09-01T00:00:00Z",
                updated_device=f"may-{laptop}",
                updated_by="ĐTV",
            )
        )
    commune: dict[str, object] = {"rounds": [ROUND] if results else []}
    if year_round:
        commune["year_round"] = _year_round_rows(records, laptop)
    write_package(path, _header(laptop), commune, records, signer=laptop_key(laptop))


def _header(laptop: int) -> dict[str, object]:
    return {
        "app_version": "bench",
        "created_by": "ĐTV",
        "device": f"may-{laptop}",
        "commune": {"code": COMMUNE.commune_code},
    }


def _year_round_rows(
    records: list[PackageRecord], laptop: int, every: int = 5
) -> dict[str, list[dict[str, object]]]:
    """A support record for every household, an application for every ``every``-th, as a
    surveyor's laptop writes them (db.year_round's columns and stamps)."""
    stamps = {
        "created_at": "2026-09-02T00:00:00Z",
        "created_device": f"may-{laptop}",
        "updated_at": "2026-09-02T00:00:00Z",
        "updated_device": f"may-{laptop}",
        "deleted": 0,
    }
    support = [
        {
            "id": str(uuid.uuid4()),
            "household_id": r.household.id,
            "kind": "health_insurance",
            "given_on": "2026-08-15",
            "programme": "BHYT 2026",
            "given_by": "UBND xã",
            "amount": None,
            "note": "",
            **stamps,
        }
        for r in records
    ]
    applications = [
        {
            "id": str(uuid.uuid4()),
            "household_id": r.household.id,
            "kind": "regular_review",
            "submitted_on": "2026-08-20",
            "submitted_by": r.household.members[0].name,
            "request": "",
            "status": "open",
            "round_id": None,
            "decision_id": None,
            **stamps,
        }
        for r in records[::every]
    ]
    return {"applications": applications, "support_records": support, "cadre_assignments": []}


def _merge_ahead(store: Store, paths: list[Path]) -> None:
    """``paths`` merged into ``store`` held open, each read ahead as ``rasoat merge`` reads it
    (``merge_ahead.read_ahead``: the next package in a second process)."""
    with collector_paused():
        for path, got in read_ahead(paths, lambda _path: (None, None)):
            assert isinstance(got, Package), got
            merge_package(store, got, source_name=path.name, trusted=trusted())
            del got


def _edited(src: Path, out: Path) -> None:
    package = read_package(src)
    for rec in package.records:
        rec.household.note = "sửa lần hai"
        rev = str(uuid.uuid4())
        rec.revs.append(RevEntry(rev, rec.rev, "may-0", "ĐTV", "2026-10-01T00:00:00Z"))
        rec.rev = rev
        rec.updated_at = "2026-10-01T00:00:00Z"
    write_package(out, _header(0), {"rounds": []}, package.records, signer=laptop_key(0))


def _sqlite_only(merged: Path, out: Path, packages: int, per: int) -> tuple[float, float, float]:
    """(Wall, CPU) seconds for SQLite to write the merged rows again, package by package (see
    above)."""
    Store.create(out, COMMUNE, user="Cán bộ xã", device="may-xa").close()
    copies = _copies()
    with Store.open(out, user="Cán bộ xã", device="may-xa") as store:
        conn = store.conn  # the Store's own settings (WAL, synchronous, cache)
        conn.execute("ATTACH DATABASE ? AS m", (str(merged),))
        with _timed() as elapsed:
            for i in range(packages):
                conn.execute("BEGIN IMMEDIATE")
                for sql in copies:
                    conn.execute(sql, (i * per + 1, (i + 1) * per))
                conn.execute("COMMIT")
        for table in ("households", "members", "household_revs", "audit", "search_index"):
            copied = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
            audit_extra = " WHERE household_id IS NOT NULL" if table == "audit" else ""
            assert (
                copied == conn.execute(f"SELECT count(*) FROM m.{table}{audit_extra}").fetchone()
            ), table
        conn.execute("DETACH DATABASE m")
    return elapsed()


def _copies() -> list[str]:
    """SQLite alone's statements: a package's rows (by its households' rowids) copied from
    the merged file attached as ``m``."""
    return [
        f"INSERT INTO {table}{_named(columns)} SELECT {columns} FROM m.{table} WHERE {where}"
        for table, columns, where in _merged_rows("m.", hashed=False)
    ]


# The rows a merge wrote, by table: (table, the columns copied, which rows are a package's,
# by its households' rowids; ``{m}`` the schema they are read from). The audit rows without
# their ids (AUTOINCREMENT gives them again), and copied by SQLite alone without their
# chain's hashes, as it always was (its figures stay comparable); the sqlite3 module writes
# every column the merge wrote (``_merged_rows``).
_OWNED = "household_id IN (SELECT id FROM {m}households WHERE rowid BETWEEN ? AND ?)"
_AUDIT = "at, user, device, tbl, row_id, household_id, action, old, new, source, new_in_row"
_MERGED_ROWS = [
    ("households", "*", "rowid BETWEEN ? AND ?"),
    ("members", "*", _OWNED),
    ("household_revs", "*", _OWNED),
    ("household_causes", "*", _OWNED),
    ("household_needs", "*", _OWNED),
    ("audit", _AUDIT, _OWNED + " ORDER BY id"),
    ("search_index", "rowid, text", "rowid BETWEEN ? AND ?"),
]


def _merged_rows(schema: str, *, hashed: bool) -> list[tuple[str, str, str]]:
    """``_MERGED_ROWS`` read from ``schema`` ("m." or ""), the audit rows' hashes among the
    columns when ``hashed``."""
    return [
        (table, f"{columns}, hash" if hashed and table == "audit" else columns,
         where.format(m=schema))
        for table, columns, where in _MERGED_ROWS
    ]  # fmt: skip


def _named(columns: str) -> str:
    """The columns an INSERT names: none for every column."""
    return "" if columns == "*" else f" ({columns})"


def _sqlite_from_python(
    merged: Path, out: Path, packages: int, per: int
) -> tuple[float, float, float]:
    """(Wall, CPU) seconds for Python's sqlite3 module to write the merged rows, made
    beforehand, package by package: ``executemany`` of each table's rows, one transaction a
    package, into an empty file of the same schema with the Store's settings. The bare
    library's floor for any program that writes these rows from Python (a merge's rows come
    from a package, never from another SQLite file); reading them out is not timed."""
    Store.create(out, COMMUNE, user="Cán bộ xã", device="may-xa").close()
    source = sqlite3.connect(f"file:{merged}?mode=ro", uri=True)
    wall = cpu = 0.0
    with Store.open(out, user="Cán bộ xã", device="may-xa") as store:
        conn = store.conn
        for i in range(packages):
            span = (i * per + 1, (i + 1) * per)
            statements = []
            for table, columns, where in _merged_rows("", hashed=True):
                got = source.execute(f"SELECT {columns} FROM {table} WHERE {where}", span)
                rows = got.fetchall()
                marks = ", ".join("?" * len(got.description))
                statements.append((f"INSERT INTO {table}{_named(columns)} VALUES ({marks})", rows))
            with _timed() as spent:
                conn.execute("BEGIN IMMEDIATE")
                for sql, values in statements:
                    conn.executemany(sql, values)
                conn.execute("COMMIT")
            wall, cpu = wall + spent()[0], cpu + spent()[1]
            del statements, rows
        written = conn.execute("SELECT count(*) FROM audit WHERE household_id IS NOT NULL")
        assert (
            written.fetchone()
            == source.execute(
                "SELECT count(*) FROM audit WHERE household_id IS NOT NULL"
            ).fetchone()
        )
    source.close()
    return wall, cpu, 0.0


def _commune_scale(
    folder: Path,
    rng: random.Random,
    *,
    year_round: bool = False,
    results: bool = False,
    ahead: bool | None = True,
) -> tuple[float, float, float]:
    """The commune's 10 x 500 merge by ``rasoat merge`` into a new commune file (``ahead``:
    the next package read in a second process or not), or (``ahead`` None) the packages
    imported one after another into the file held open (``import_package``, as every
    session before this one timed it: no opening, no check against the file before each
    package, no backup as the file closes); the packages made at the first call of each
    kind, the same ones merged after."""
    tag = ("-yr" if year_round else "") + ("-kq" if results else "")
    paths = [folder / f"thon-{i}{tag}.rasoat" for i in range(10)]
    if not paths[-1].exists():
        for i, p in enumerate(paths):
            _package(p, 40 + i, 500, rng, year_round, results)
    db = Path(tempfile.mkdtemp(dir=folder)) / f"xa-nho{tag}.db"
    Store.create(db, COMMUNE, user="Cán bộ xã", device="may-xa").close()
    if year_round:
        from db import year_round as yr

        with Store.open(db, user="Cán bộ xã", device="may-xa") as store:
            for v in range(1, 13):
                store.add_village(f"Thôn {v}")
                yr.assign_cadre(store, f"Trưởng thôn {v}", "Trưởng thôn", village=f"Thôn {v}")
    if ahead is None:
        with Store.open(db, user="Cán bộ xã", device="may-xa") as store, _timed() as elapsed:
            for p in paths:
                import_package(store, p, trusted=trusted())
        return elapsed()
    with _timed() as elapsed:
        _cli_merge(db, paths, ahead=ahead)
    return elapsed()


def _cpu(spent: tuple[float, ...]) -> str:
    if len(spent) > 2 and spent[2] >= 0.005:
        return f"CPU {spent[1]:.2f} s + reader {spent[2]:.2f} s"
    return f"CPU {spent[1]:.2f} s"


def run(quick: bool) -> list[Row]:
    packages, per = (2, 500) if quick else (20, 5000)
    rng = random.Random(8)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = [folder / f"may-{i}.rasoat" for i in range(packages)]
        for i, p in enumerate(paths):
            _package(p, i, per, rng)
        with _timed() as read_only:
            for p in paths:
                read_package(p)
        # ``rasoat merge`` of the packages, one after another in this process (as before
        # issue 22's overlap), then with the next read in a second process: two new files.
        db, one_db = folder / "xa.db", folder / "xa-mot-tien-trinh.db"
        held_db = folder / "xa-mo-san.db"
        for f in (db, one_db, held_db):
            Store.create(f, COMMUNE, user="Cán bộ xã", device="may-xa").close()
        # As every session before this one timed it: imported into the file held open.
        with Store.open(held_db, user="Cán bộ xã", device="may-xa") as store, _timed() as held:
            for p in paths:
                import_package(store, p, trusted=trusted())
        for f in folder.glob(f"{held_db.name}*"):
            shutil.rmtree(f) if f.is_dir() else f.unlink()
        # The same, the next package read in a second process as ``rasoat merge`` reads it:
        # the merge's own work on two cores, without the command's opening and closing (its
        # closing backup checks every document of the file), as SQLite alone is timed.
        Store.create(held_db, COMMUNE, user="Cán bộ xã", device="may-xa").close()
        with Store.open(held_db, user="Cán bộ xã", device="may-xa") as store, _timed() as ahead:
            _merge_ahead(store, paths)
        for f in folder.glob(f"{held_db.name}*"):
            shutil.rmtree(f) if f.is_dir() else f.unlink()
        with _timed() as one_by_one:
            _cli_merge(one_db, paths, ahead=False)
        with _timed() as merged:
            _cli_merge(db, paths, ahead=True)
        for f in folder.glob(f"{one_db.name}*"):
            shutil.rmtree(f) if f.is_dir() else f.unlink()
        with Store.open(db, user="Cán bộ xã", device="may-xa") as store, _timed() as again:
            for p in paths[:2]:
                import_package(store, p, trusted=trusted())
        # The usual second trip: the same laptop sends its households back, each edited once.
        edited = folder / "may-0-edited.rasoat"
        _edited(paths[0], edited)
        with Store.open(db, user="Cán bộ xã", device="may-xa") as store, _timed() as upd:
            receipt = import_package(store, edited, trusted=trusted())
        assert receipt.count("updated") == per, receipt.summary()
        size_mb = db.stat().st_size / 1e6
        sqlite = _sqlite_only(db, folder / "sqlite-only.db", packages, per)
        python = _sqlite_from_python(db, folder / "sqlite-python.db", packages, per)
        Store.create(folder / "floor.db", COMMUNE, user="Cán bộ xã", device="may-xa").close()
        floor = necessary_cpu(db, folder / "floor.db", packages, per, _copies())
        # The backup ``rasoat merge`` keeps as the file closes (its copy and check), alone on
        # the merged file: a part of the command's time SQLite alone has no counterpart of.
        with _timed() as closing:
            backup.make_backup(db, "close")
        # Each commune merge one after another here, then overlapped, on the same packages.
        hows = (False, True, None)
        commune = [_commune_scale(folder, rng, ahead=a) for a in hows]
        classified = [_commune_scale(folder, rng, results=True, ahead=a) for a in hows]
        year_round = [_commune_scale(folder, rng, year_round=True, ahead=a) for a in hows]
    total = packages * per
    wall, cpu, _reader = merged()
    # The least each way of merging can cost (issue 22's goal, restated against it in session
    # 19: docs/benchmarks.md): SQLite alone plus the work only a merge has, and for rasoat
    # merge the backup it keeps as the file closes.
    least_held = sqlite[1] + sum(floor.values())
    least = least_held + closing()[1]
    least_wall = sqlite[0] + sum(floor.values()) + closing()[0]

    def before(spent: list[tuple[float, float, float]]) -> str:
        return (
            f"{_cpu(spent[1])}; one after another: {spent[0][0]:.2f} s, {_cpu(spent[0])};"
            f" imported into the file held open: {spent[2][0]:.2f} s, {_cpu(spent[2])}"
        )

    return [
        Row(
            f"merge {packages} packages x {per} households ({total} new)",
            wall,
            "s",
            goal="< 30 s" if not quick else "",
            baseline=read_only()[0],
            note=f"rasoat merge, the next package read in a second process; baseline: read +"
            f" validate the packages only ({_cpu(read_only())}); {_cpu(merged())}; one after"
            f" another in one process: {one_by_one()[0]:.2f} s, {_cpu(one_by_one())};"
            f" imported into the file held open (no backup at closing): {held()[0]:.2f} s,"
            f" {_cpu(held())}; the same, read ahead: {ahead()[0]:.2f} s, {_cpu(ahead())}",
        ),
        Row(
            "the same rows written by SQLite alone, one transaction per package",
            sqlite[0],
            "s",
            note="INSERT … SELECT from the merged file: this schema's own cost;"
            f" {_cpu(sqlite)}; the merge {wall / sqlite[0]:.2f}x this, CPU of the writing"
            f" process {cpu / sqlite[1]:.2f}x (issue 22's goal until session 19: ≤ 1.5x;"
            " now against the least a merge can cost, below); one after another"
            f" {one_by_one()[0] / sqlite[0]:.2f}x, CPU {one_by_one()[1] / sqlite[1]:.2f}x;"
            f" into the file held open {held()[0] / sqlite[0]:.2f}x,"
            f" CPU {held()[1] / sqlite[1]:.2f}x; held open, read ahead"
            f" {ahead()[0] / sqlite[0]:.2f}x, CPU {ahead()[1] / sqlite[1]:.2f}x",
        ),
        Row(
            "the same rows written from Python by the sqlite3 module, one transaction per package",
            python[0],
            "s",
            note="executemany of each table's rows, made beforehand: the bare library, which"
            " shows how near a program writing from Python can come to SQLite alone;"
            f" {_cpu(python)}; the merge into the file held open, read ahead"
            f" {ahead()[0] / python[0]:.2f}x this, CPU of the writing process"
            f" {ahead()[1] / python[1]:.2f}x; rasoat merge end to end {wall / python[0]:.2f}x,"
            f" CPU {cpu / python[1]:.2f}x; SQLite alone {sqlite[0] / python[0]:.2f}x,"
            f" CPU {sqlite[1] / python[1]:.2f}x",
        ),
        Row(
            "the merge's necessary work beyond its rows, CPU",
            sum(floor.values()),
            "s",
            note=f"this file looked up for each household by planning {floor['lookups']:.2f} s,"
            f" its members' ids {floor['probes']:.2f} s, the audit chain's hashes"
            f" {floor['hashes']:.2f} s (bench/merge_floor.py); SQLite alone's CPU plus these:"
            f" {least_held:.2f} s, {least_held / sqlite[1]:.2f}x SQLite alone's CPU, the"
            " least a merge can cost; the merge's writing process"
            f" {cpu / sqlite[1]:.2f}x, held open and read ahead {ahead()[1] / sqlite[1]:.2f}x;"
            f" with the backup rasoat merge keeps as the file closes ({closing()[0]:.2f} s,"
            f" {_cpu(closing())}, timed alone on the merged file):"
            f" {least / sqlite[1]:.2f}x, the least"
            " rasoat merge can cost end to end",
        ),
        Row(
            "rasoat merge's writing process against the least it can cost, CPU",
            cpu,
            "s",
            goal="≤ 1.5× the least" if not quick else "",
            baseline=least,
            note="the least: SQLite alone's CPU, the merge's necessary work and the closing"
            f" backup, each timed alone above ({least:.2f} s); wall: {wall:.2f} s against"
            f" {least_wall:.2f} s (the CPU of the work only a merge has counted as wall),"
            f" {wall / least_wall:.2f}x; the reader's CPU"
            " beside it is not counted (another core); into the file held open, read"
            f" ahead: {ahead()[1]:.2f} s against its least (no backup) {least_held:.2f} s,"
            f" {ahead()[1] / least_held:.2f}x. Against SQLite alone (the goal before session"
            f" 19): {cpu / sqlite[1]:.2f}x and {ahead()[1] / sqlite[1]:.2f}x",
        ),
        Row(
            f"re-import the same {packages} packages (no-op)",
            again()[0] * packages / 2,
            "s",
            note=f"measured on 2, scaled; CPU {again()[1] * packages / 2:.2f} s",
        ),
        Row(
            f"merge 1 package of {per} edited households (fast-forward)",
            upd()[0],
            "s",
            note=_cpu(upd()),
        ),
        Row("commune file after merge", size_mb, "MB"),
        Row(
            "merge 10 packages x 500 households into a new commune file",
            commune[1][0],
            "s",
            goal="< 3 s",
            note=before(commune),
        ),
        Row(
            "the same with each household's 2026 answers and result",
            classified[1][0],
            "s",
            goal="< 3 s",
            note=f"as surveyors send them once they have classified; {before(classified)}",
        ),
        Row(
            "the same with year-round records, into a file with village cadres",
            year_round[1][0],
            "s",
            note="5,000 support records, 1,000 applications, 12 village cadres;"
            f" {before(year_round)}",
        ),
        Row("peak RSS", peak_rss_mb(), "MB"),
    ]


def commune_rows(rounds: int = 1) -> None:
    """The commune's three 10 x 500 merges alone (``rasoat merge``), one after another in one
    process and overlapped, alternated ``rounds`` times, printed (wall seconds, CPU seconds
    of this process and of the reader), for a re-measure on a quiet machine:
    ``.venv/bin/python -c 'from bench.bench_merge import commune_rows; commune_rows(3)'``."""
    rng = random.Random(8)
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(rounds):
            for label, kwargs in (
                ("households only", {}),
                ("with answers and results", {"results": True}),
                ("with year-round records", {"year_round": True}),
            ):
                for ahead in (False, True, None):
                    spent = _commune_scale(Path(tmp), rng, ahead=ahead, **kwargs)
                    how = {False: "one process", True: "overlapped"}.get(
                        ahead, "into the file held open"
                    )
                    print(f"10 x 500 {label}, {how}: {spent[0]:.2f} s, {_cpu(spent)}", flush=True)


def alternated(rounds: int = 5, packages: int = 20, per: int = 5_000) -> list[float]:
    """The merge against SQLite alone, each round against its own: the packages merged into
    a file held open and read ahead (A), by ``rasoat merge`` end to end (C), then the same
    rows written by SQLite alone (S), ``rounds`` times on the same packages; each round and
    the medians of A/S and C/S printed, those two medians returned. On a machine whose speed
    moves within minutes (issue 22: SQLite alone 16-21 s in one quarter of an hour) one run
    of each, minutes apart, measures the machine as much as the merge:
    ``.venv/bin/python -c 'from bench.bench_merge import alternated; alternated()'``."""
    import os
    import statistics

    rng = random.Random(8)
    ahead_ratios: list[float] = []
    merge_ratios: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = [folder / f"may-{i}.rasoat" for i in range(packages)]
        for i, p in enumerate(paths):
            _package(p, i, per, rng)
        for n in range(rounds):
            held, cli = folder / f"a{n}.db", folder / f"c{n}.db"
            for f in (held, cli):
                Store.create(f, COMMUNE, user="Cán bộ xã", device="may-xa").close()
            with Store.open(held, user="Cán bộ xã", device="may-xa") as store, _timed() as a:
                _merge_ahead(store, paths)
            with _timed() as c:
                _cli_merge(cli, paths, ahead=True)
            s = _sqlite_only(held, folder / f"s{n}.db", packages, per)
            ahead_ratios.append(a()[0] / s[0])
            merge_ratios.append(c()[0] / s[0])
            print(
                f"load {os.getloadavg()[0]:.2f}: A {a()[0]:.2f} s ({_cpu(a())}), C {c()[0]:.2f} s"
                f" ({_cpu(c())}), S {s[0]:.2f} s (CPU {s[1]:.2f} s): A/S {ahead_ratios[-1]:.2f}x,"
                f" C/S {merge_ratios[-1]:.2f}x",
                flush=True,
            )
            for f in folder.iterdir():  # this round's files: the next round's disk as this one's
                if f.suffix != ".rasoat":
                    shutil.rmtree(f) if f.is_dir() else f.unlink()
    medians = [statistics.median(ahead_ratios), statistics.median(merge_ratios)]
    print(f"median A/S {medians[0]:.2f}x, C/S {medians[1]:.2f}x", flush=True)
    return medians


KEPT = Path("/var/tmp/rasoat-bench-keep/xa-100000.rasoat.sqlite")


def import_peak(kept: Path = KEPT) -> None:
    """``rasoat import`` of the 100,000-household commune's package (``rasoat export`` of a
    copy of ``kept``, never written) into an empty commune file, in a process of its own
    under ``/usr/bin/time -v``: its peak resident size and CPU, printed (goal < 500 MB):
    ``.venv/bin/python -c 'from bench.bench_merge import import_peak; import_peak()'``."""
    import shutil
    import subprocess
    import sys

    with tempfile.TemporaryDirectory(dir="/var/tmp") as tmp:
        folder = Path(tmp)
        source, package, empty = folder / "xa.sqlite", folder / "xa.rasoat", folder / "new.sqlite"
        shutil.copyfile(kept, source)
        rasoat_cli = [sys.executable, "-m", "rasoat"]
        subprocess.run([*rasoat_cli, "export", "--no-password", str(source), str(package)],
                       check=True, capture_output=True)  # fmt: skip
        with Store.open(source, user="Cán bộ xã", device="may-xa") as store:
            commune = store.commune()
        Store.create(empty, commune, user="Cán bộ xã", device="may-xa").close()
        done = subprocess.run(
            ["/usr/bin/time", "-v", *rasoat_cli, "import", str(empty), str(package)],
            capture_output=True,
            text=True,
        )
        wanted = ("Maximum resident", "User time", "System time", "Elapsed", "Exit status")
        for line in done.stderr.splitlines():
            if line.strip().startswith(wanted):
                print(line.strip())
