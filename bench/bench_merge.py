"""Merging surveyors' packages into one commune file (issue 8): 20 packages of 5,000
households each, imported one after the other, each validated whole and applied in one
transaction. Goal: the whole merge under 30 s. Baseline: reading and validating the same
packages without writing (the part of the work that is not SQLite).

A second figure sets the SQLite part on its own: the very rows the merge wrote, copied by
SQLite alone (``INSERT … SELECT`` from the merged file, no Python per row) into an empty file
of the same schema, one transaction per package as the merge commits them. That is what
this schema costs to write however fast the Python around it gets. Last, a commune-sized
merge: 10 surveyors' packages of 300 households, then the same with the list all year round
(issue 24): a cadre for every village of the commune file, each household with a support
record and every fifth with an application."""

from __future__ import annotations

import random
import tempfile
import uuid
from pathlib import Path

import rasoat  # noqa: F401  (provides db.exchange this laptop's signing key, as the app does)
from bench import Row, peak_rss_mb, timer
from db.exchange.merge import import_package
from db.exchange.package import PackageRecord, RevEntry, read_package, write_package
from db.records import CommuneInfo
from db.store import Store
from forms.model import Area, Household, Member, Relationship, Sex

COMMUNE = CommuneInfo("10", "Tỉnh Lào Cai", "10105", "Xã Tân Lập", Area.RURAL)
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Đặng", "Bùi", "Đỗ", "Hồ", "Lò"]
GIVEN = ["Văn An", "Thị Bình", "Văn Cường", "Thị Dung", "Đức Minh", "Thị Hoà", "Quốc Huy"]


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


def _package(
    path: Path, laptop: int, households: int, rng: random.Random, year_round: bool = False
) -> None:
    records = []
    for i in range(households):
        rev = str(uuid.uuid4())
        records.append(
            PackageRecord(
                household=_household(f"{laptop:02d}-{i:05d}", rng),
                rev=rev,
                revs=[RevEntry(rev, None, f"may-{laptop}", "ĐTV", "2026-09-01T00:00:00Z")],
                created_at="2026-09-01T00:00:00Z",
                created_device=f"may-{laptop}",
                updated_at="2026-09-01T00:00:00Z",
                updated_device=f"may-{laptop}",
                updated_by="ĐTV",
            )
        )
    header = {"app_version": "bench", "commune": {"code": COMMUNE.commune_code}}
    commune: dict[str, object] = {"rounds": []}
    if year_round:
        commune["year_round"] = _year_round_rows(records, laptop)
    write_package(path, header, commune, records)


def _year_round_rows(
    records: list[PackageRecord], laptop: int
) -> dict[str, list[dict[str, object]]]:
    """A support record for every household, an application for every fifth, as a surveyor's
    laptop writes them (db.year_round's columns and stamps)."""
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
        for r in records[::5]
    ]
    return {"applications": applications, "support_records": support, "cadre_assignments": []}


def _edited(src: Path, out: Path) -> None:
    package = read_package(src)
    for rec in package.records:
        rec.household.note = "sửa lần hai"
        rev = str(uuid.uuid4())
        rec.revs.append(RevEntry(rev, rec.rev, "may-0", "ĐTV", "2026-10-01T00:00:00Z"))
        rec.rev = rev
        rec.updated_at = "2026-10-01T00:00:00Z"
    header = {"app_version": "bench", "commune": {"code": COMMUNE.commune_code}}
    write_package(out, header, {"rounds": []}, package.records)


def _sqlite_only(merged: Path, out: Path, packages: int, per: int) -> float:
    """Seconds for SQLite to write the merged rows again, package by package (see above)."""
    Store.create(out, COMMUNE, user="Cán bộ xã", device="may-xa").close()
    owned = "household_id IN (SELECT id FROM m.households WHERE rowid BETWEEN ? AND ?)"
    copies = [
        "INSERT INTO households SELECT * FROM m.households WHERE rowid BETWEEN ? AND ?",
        f"INSERT INTO members SELECT * FROM m.members WHERE {owned}",
        f"INSERT INTO household_revs SELECT * FROM m.household_revs WHERE {owned}",
        f"INSERT INTO household_causes SELECT * FROM m.household_causes WHERE {owned}",
        f"INSERT INTO household_needs SELECT * FROM m.household_needs WHERE {owned}",
        "INSERT INTO audit (at, user, device, tbl, row_id, household_id, action, old, new,"
        " source, new_in_row) SELECT at, user, device, tbl, row_id, household_id, action, old,"
        f" new, source, new_in_row FROM m.audit WHERE {owned} ORDER BY id",
        "INSERT INTO search_index (rowid, text) SELECT rowid, text FROM m.search_index"
        " WHERE rowid BETWEEN ? AND ?",
    ]
    with Store.open(out, user="Cán bộ xã", device="may-xa") as store:
        conn = store.conn  # the Store's own settings (WAL, synchronous, cache)
        conn.execute("ATTACH DATABASE ? AS m", (str(merged),))
        with timer() as elapsed:
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


def _commune_scale(folder: Path, rng: random.Random, year_round: bool = False) -> float:
    tag = "-yr" if year_round else ""
    paths = [folder / f"thon-{i}{tag}.rasoat" for i in range(10)]
    for i, p in enumerate(paths):
        _package(p, 40 + i, 300, rng, year_round)
    db = folder / f"xa-nho{tag}.db"
    Store.create(db, COMMUNE, user="Cán bộ xã", device="may-xa").close()
    if year_round:
        from db import year_round as yr

        with Store.open(db, user="Cán bộ xã", device="may-xa") as store:
            for v in range(1, 13):
                store.add_village(f"Thôn {v}")
                yr.assign_cadre(store, f"Trưởng thôn {v}", "Trưởng thôn", village=f"Thôn {v}")
    with Store.open(db, user="Cán bộ xã", device="may-xa") as store, timer() as elapsed:
        for p in paths:
            import_package(store, p)
    return elapsed()


def run(quick: bool) -> list[Row]:
    packages, per = (2, 500) if quick else (20, 5000)
    rng = random.Random(8)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = [folder / f"may-{i}.rasoat" for i in range(packages)]
        for i, p in enumerate(paths):
            _package(p, i, per, rng)
        with timer() as read_only:
            for p in paths:
                read_package(p)
        base = read_only()
        db = folder / "xa.db"
        Store.create(db, COMMUNE, user="Cán bộ xã", device="may-xa").close()
        with Store.open(db, user="Cán bộ xã", device="may-xa") as store, timer() as elapsed:
            for p in paths:
                import_package(store, p)
        merged = elapsed()
        with Store.open(db, user="Cán bộ xã", device="may-xa") as store, timer() as again:
            for p in paths[:2]:
                import_package(store, p)
        again_s = again() * packages / 2
        # The usual second trip: the same laptop sends its households back, each edited once.
        edited = folder / "may-0-edited.rasoat"
        _edited(paths[0], edited)
        with Store.open(db, user="Cán bộ xã", device="may-xa") as store, timer() as upd:
            receipt = import_package(store, edited)
        assert receipt.count("updated") == per, receipt.summary()
        updated_s = upd()
        size_mb = db.stat().st_size / 1e6
        sqlite_s = _sqlite_only(db, folder / "sqlite-only.db", packages, per)
        commune_s = _commune_scale(folder, rng)
        year_round_s = _commune_scale(folder, rng, year_round=True)
    total = packages * per
    return [
        Row(
            f"merge {packages} packages x {per} households ({total} new)",
            merged,
            "s",
            goal="< 30 s" if not quick else "",
            baseline=base,
            note="baseline: read + validate the packages only",
        ),
        Row(
            "the same rows written by SQLite alone, one transaction per package",
            sqlite_s,
            "s",
            note="INSERT … SELECT from the merged file: this schema's own cost",
        ),
        Row(
            f"re-import the same {packages} packages (no-op)",
            again_s,
            "s",
            note="measured on 2, scaled",
        ),
        Row(f"merge 1 package of {per} edited households (fast-forward)", updated_s, "s"),
        Row("commune file after merge", size_mb, "MB"),
        Row("merge 10 packages x 300 households into a new commune file", commune_s, "s"),
        Row(
            "the same with year-round records, into a file with village cadres",
            year_round_s,
            "s",
            note="3,000 support records, 600 applications, 12 village cadres",
        ),
        Row("peak RSS", peak_rss_mb(), "MB"),
    ]
