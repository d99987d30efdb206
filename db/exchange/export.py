"""Making a package from a commune file: the whole round, one surveyor's work, or villages;
or the whole commune slimmed for the upper level.

Only made when the user asks: a package holds names and ID numbers (personal data). The
upper level's slim package (``ExportScope.for_upper_level``) keeps only what the upper level
reads (``slim_record``): no ID number, no day and month of birth, no income, health,
disability, form answers or notes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from db import certificate_reserve, certificates
from db.audit import record_event
from db.errors import NotPermitted, StoreError
from db.exchange import own_key, purged_part, year_round_part
from db.exchange.container import SLIM_FORMAT_VERSION, Written
from db.exchange.package import (
    CERTIFICATES_KEPT_KEY,
    CERTIFICATES_KEY,
    PackageRecord,
    RevEntry,
    write_package,
)
from db.households import household_from_docs
from db.store import Store
from db.version import __version__
from forms.model import Household, Member, nfc
from forms.roles import Action, Role

ScopeKind = Literal["commune", "surveyor", "villages"]
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ExportScope:
    """What goes into the package.

    ``commune``: every household (for the upper level or a full copy); ``surveyor``: households
    changed since ``since`` (ISO time) and/or touched by ``device`` (one laptop's work for the
    commune officer); ``villages``: the households of the named villages.
    """

    kind: ScopeKind = "commune"
    since: str | None = None
    device: str | None = None
    villages: tuple[str, ...] = ()
    # The whole commune with only what the upper level reads (``slim_record``): a package
    # for the province's summary, the commune's monthly report and the registry, which a
    # commune file refuses to merge. Only with ``kind`` "commune".
    for_upper_level: bool = False

    def describe(self) -> str:
        if self.kind == "commune" and self.for_upper_level:
            return "toàn bộ xã, bản rút gọn gửi cấp trên"
        if self.kind == "commune":
            return "toàn bộ dữ liệu của xã"
        if self.kind == "villages":
            return "các thôn: " + ", ".join(self.villages)
        parts = []
        if self.since:
            parts.append(f"thay đổi từ {self.since}")
        if self.device:
            parts.append(f"của máy {self.device}")
        return "phần việc của điều tra viên (" + ", ".join(parts or ["tất cả"]) + ")"


@dataclass
class ExportResult:
    written: Written
    households: int
    members: int
    recovery_key: str | None = None


def _assigned_villages(store: Store) -> tuple[str, ...]:
    """The villages a signed-in surveyor is assigned to (empty: not limited): their package
    holds those villages' households only. A surveyor of one village exported the whole
    commune, ID numbers included, by asking for a surveyor's or every village's package."""
    user = getattr(store, "signed_in", None)
    if user is None or user.role != Role.SURVEYOR:
        return ()
    return tuple(user.villages)


def _refuse_other_villages(store: Store, scope: ExportScope) -> None:
    limit = _assigned_villages(store)
    others = [v for v in scope.villages if limit and v not in limit]
    if others:
        user = store.signed_in
        who = (user.display_name or user.name) if user is not None else ""
        raise NotPermitted(
            f"{who} chỉ được xuất gói của {', '.join(limit)}; không xuất được {', '.join(others)}."
        )


def _refuse_unknown_villages(store: Store, scope: ExportScope) -> None:
    """A package of some villages names at least one, each a village of this file: a name
    mistyped on the command line (`--village "Thon 1"`) or none given made a package of no
    household, said as exported."""
    if scope.kind != "villages":
        return
    # The commune's villages, and any a household names that the list does not (a file
    # filled from a workbook or a package before its villages were listed).
    known = [v.name for v in store.villages()]
    known += [
        v
        for (v,) in store.conn.execute("SELECT DISTINCT village FROM households ORDER BY village")
        if v and v not in known
    ]
    if not scope.villages:
        raise StoreError(
            "Chưa chọn thôn nào để xuất: hãy chọn ít nhất một thôn (trên dòng lệnh: "
            "--village TÊN_THÔN)."
        )
    unknown = [v for v in scope.villages if nfc(v) not in known]
    if unknown:
        raise StoreError(
            f"Tệp xã không có thôn {', '.join(repr(v) for v in unknown)}; các thôn của xã: "
            f"{', '.join(known) or 'chưa có'}."
        )


def _selected_ids(store: Store, scope: ExportScope) -> list[str]:
    conn = store.conn
    if scope.kind == "commune":
        rows = conn.execute("SELECT id FROM households ORDER BY code").fetchall()
    elif scope.kind == "villages":
        if not scope.villages:
            return []
        marks = ",".join("?" * len(scope.villages))
        rows = conn.execute(
            f"SELECT id FROM households WHERE village IN ({marks}) ORDER BY code",
            [nfc(v) for v in scope.villages],
        ).fetchall()
    else:
        # A household re-surveyed with the same answers keeps its revision and its time:
        # the new round's answers and result written on this laptop count too (such
        # households were left out, and the commune's review lacked them). Written here by
        # hand: their audit rows carry no source, as a merge's (the package) and an Excel
        # import's do, so a copy of the commune taken in is not "the surveyor's work".
        typed = (
            "EXISTS (SELECT 1 FROM audit a WHERE a.household_id = h.id"
            " AND a.tbl IN ('results', 'answers') AND a.source IS NULL AND {})"
        )
        sql = "SELECT id FROM households h WHERE 1 = 1"
        params: list[Any] = []
        if scope.since:
            sql += f" AND (h.updated_at >= ? OR {typed.format('a.at >= ?')})"
            params += [scope.since] * 2
        if scope.device:
            sql += (
                " AND (EXISTS (SELECT 1 FROM household_revs r WHERE r.household_id = h.id"
                f" AND r.device = ?) OR {typed.format('a.device = ?')})"
            )
            params += [scope.device] * 2
        rows = conn.execute(sql + " ORDER BY code", params).fetchall()
    ids = [r[0] for r in rows]
    limit = _assigned_villages(store)
    if limit:
        marks = ",".join("?" * len(limit))
        theirs = {
            r[0]
            for r in conn.execute(f"SELECT id FROM households WHERE village IN ({marks})", limit)
        }
        ids = [hid for hid in ids if hid in theirs]
    # Every package carries the purges (their bare records and tombstones), whatever its
    # scope: a laptop still holding such a household purges it on import (purged_part).
    chosen = set(ids)
    return ids + [hid for hid in purged_part.all_ids(conn) if hid not in chosen]


def iter_records(
    store: Store, ids: list[str], progress: Progress | None = None
) -> Iterator[PackageRecord]:
    """The records of ``ids``, in that order, read from the file in windows of 500
    households (four queries a window) and handed out as they are made: a package is written
    from them as they come, never from the whole list (issue 22: 100,000 households held
    whole took over 4.8 GB)."""
    conn = store.conn
    merge_parents: dict[str, str] = dict(
        conn.execute("SELECT rev, merge_parent FROM exchange_merge_parents")
    )
    chunk = 500
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        marks = ",".join("?" * len(part))
        members: dict[str, list[str]] = {hid: [] for hid in part}
        for hid, doc in conn.execute(
            f"SELECT household_id, doc FROM members WHERE deleted = 0 AND household_id IN"
            f" ({marks}) ORDER BY household_id, position",
            part,
        ):
            members[hid].append(doc)
        revs: dict[str, list[RevEntry]] = {hid: [] for hid in part}
        for hid, rev, parent, device, user, at in conn.execute(
            f"SELECT household_id, rev, parent_rev, device, user, at FROM household_revs"
            f" WHERE household_id IN ({marks}) ORDER BY at, rowid",
            part,
        ):
            revs[hid].append(RevEntry(rev, parent, device, user, at, merge_parents.get(rev)))
        results: dict[str, dict[str, dict[str, Any]]] = {hid: {} for hid in part}
        for hid, round_id, doc in conn.execute(
            f"SELECT household_id, round_id, doc FROM results WHERE household_id IN ({marks})",
            part,
        ):
            results[hid][round_id] = json.loads(doc)
        rows = conn.execute(
            f"SELECT id, doc, rev, deleted, created_at, created_device, updated_at,"
            f" updated_device, updated_by FROM households WHERE id IN ({marks})",
            part,
        ).fetchall()
        by_id = {r[0]: r for r in rows}
        for hid in part:
            r = by_id[hid]
            yield PackageRecord(
                household=household_from_docs(r[1], members[hid]),
                rev=r[2],
                revs=revs[hid],
                deleted=bool(r[3]),
                created_at=r[4],
                created_device=r[5],
                updated_at=r[6],
                updated_device=r[7],
                updated_by=r[8],
                results=results[hid],
            )
        if progress is not None:
            progress(min(start + chunk, len(ids)), len(ids))


def slim_record(rec: PackageRecord) -> PackageRecord:
    """``rec`` with only what the upper level reads: the upper level's summary (categories,
    transitions, persons), the commune's monthly report printed from the package (code, head,
    village, size, category, transition) and the registry load (code, village, head, members'
    name, relationship, sex, year of birth, ethnicity; results' category, B1 score,
    deprivation count and the indicators deprived). Left out: ID numbers, day and month of
    birth, income (the household's and the result's), health, disability, education,
    employment and the other member facts, the address, Phiếu A/B1/B2 answers, needs, notes,
    the reasons and member links of results, and the history before the current version.
    Kept beside them as facts the province's lists name (docs/privacy.md): causes of poverty
    and a member with meritorious service in the household."""
    h = rec.household
    members = [
        Member(
            name=m.name,
            id=m.id,
            relationship=m.relationship,
            sex=m.sex,
            birth_year=m.year_of_birth(),
            ethnicity=m.ethnicity,
        )
        for m in h.members
    ]
    bare = Household(
        code=h.code,
        id=h.id,
        village=h.village,
        area=h.area,
        members=members,
        meritorious_household=h.meritorious_household,
        causes=list(h.causes),
    )
    current = [r for r in rec.revs if r.rev == rec.rev][:1] or [RevEntry(rec.rev, None)]
    return PackageRecord(
        household=bare,
        rev=rec.rev,
        revs=[RevEntry(current[0].rev, None, current[0].device, current[0].user, current[0].at)],
        deleted=rec.deleted,
        created_at=rec.created_at,
        created_device=rec.created_device,
        updated_at=rec.updated_at,
        updated_device=rec.updated_device,
        updated_by=rec.updated_by,
        results={rid: _slim_result(res) for rid, res in rec.results.items()},
    )


def _slim_result(res: dict[str, Any]) -> dict[str, Any]:
    return {
        **res,
        "income": None,
        "income_basis": "",
        "reasons": [],
        "warnings": [],
        "indicators": [
            {
                "id": o.get("id", ""),
                "name": o.get("name", ""),
                "dimension": o.get("dimension", ""),
                "status": o.get("status", ""),
                "reason": "",
                "member_ids": [],
                "unconfirmed": o.get("unconfirmed", False),
            }
            for o in res.get("indicators", [])
        ],
    }


def _decided(store: Store, round_id: str) -> dict[str, str | None]:
    decision = store.decision(round_id)
    if decision is None:
        return {"decided_on": None, "decision_number": None, "decision_signer": None}
    return {
        "decided_on": decision.date.isoformat(),
        "decision_number": decision.number,
        "decision_signer": decision.signer,
    }


def sent_back(store: Store, household_ids: set[str] | None = None) -> dict[str, list[str]]:
    """round id -> the households (of ``household_ids``, all when None) whose result in that
    round its village meeting sent back for re-survey: ``forms.meeting.stands``, the rule
    every list after the meeting reads. Only voted results can be sent back."""
    from forms.meeting import stands
    from forms.model import Category, Transition

    found: dict[str, list[str]] = {}
    for round_id, hid, category, transition, agree, attendees in store.conn.execute(
        "SELECT v.round_id, v.household_id, r.category, r.transition, v.agree, v.attendees"
        " FROM meeting_votes v JOIN results r"
        " ON r.household_id = v.household_id AND r.round_id = v.round_id"
        " ORDER BY v.round_id, v.household_id"
    ):
        if household_ids is not None and hid not in household_ids:
            continue
        try:
            moved = Transition(transition) if transition else None
        except ValueError:
            moved = None
        if not stands(Category(category), moved, agree, attendees):
            found.setdefault(round_id, []).append(hid)
    return found


def commune_part(store: Store, household_ids: set[str] | None = None) -> dict[str, Any]:
    """``household_ids``: the package's households, the only ones its rounds name."""
    voted_down = sent_back(store, household_ids)
    return {
        "commune": {k: str(v) for k, v in asdict(store.commune()).items()},
        "villages": [asdict(v) for v in store.villages()],
        "rounds": [
            {
                **asdict(r),
                "reference_date": r.reference_date.isoformat() if r.reference_date else None,
                # The day its lists apply from: the upper level reads the lists in force
                # (a monthly round's changes count from its decision; issue 24). Its number
                # and signer too: the upper level prints a commune's monthly report from
                # the package, which names the decision as the commune's own print does.
                **_decided(store, r.id),
                # Its meeting's verdicts the lists after the meeting hear: a household sent
                # back is on no list of that round (a monthly round's keeps its earlier
                # category), so the upper level's summary counts as the commune's lists do.
                "sent_back": voted_down.get(r.id, []),
            }
            for r in store.rounds()
        ],
    }


def export_package(
    store: Store,
    path: Path,
    scope: ExportScope = ExportScope(),
    *,
    password: str | None = None,
    recovery_key: str | None = None,
    scrypt_n: int | None = None,
    progress: Progress | None = None,
    signer: Ed25519PrivateKey | None = None,
) -> ExportResult:
    """Writes ``path`` (a ``.rasoat`` file). With a password and no ``recovery_key`` a new
    recovery key is made: it is in the result and must be shown/printed for the user.

    Signed with ``signer``, by default this laptop's key (``own_key``, which the application
    provides: ``rasoat.identity.signing_key``, made on first use): a package is always signed
    by the laptop that made it."""
    store.require(Action.EXPORT_UPPER if scope.kind == "commune" else Action.EXPORT_PACKAGE)
    _refuse_other_villages(store, scope)
    if scope.for_upper_level and scope.kind != "commune":
        raise StoreError("Bản rút gọn gửi cấp trên chỉ xuất được cho toàn bộ xã.")
    _refuse_unknown_villages(store, scope)
    if signer is None:
        signer = own_key.signing_key()
    from db.deep_check import naming_damage

    ids = _selected_ids(store, scope)
    commune_doc = commune_part(store, set(ids))
    if not scope.for_upper_level:
        _add_exchange_parts(store, commune_doc, ids, scope)
    header = _header(store, scope)
    records: Iterable[PackageRecord] = iter_records(store, ids, progress)
    if scope.for_upper_level:
        records = map(slim_record, records)
    # A household whose stored document no longer decodes: refused naming every damaged
    # one by code (db.errors.DamagedRecords), never a bare decoding error (issue 16). The
    # records are decoded as the package is written, so the writing is inside.
    with naming_damage(store.conn, Path(store.path)):
        written = write_package(
            Path(path),
            header,
            commune_doc,
            records,
            password=password,
            recovery_key=recovery_key,
            scrypt_n=scrypt_n,
            signer=signer,
        )
    counts = written.manifest["counts"]
    record_event(
        store,
        "export",
        {
            "file": Path(path).name,
            "scope": scope.describe(),
            "households": counts["households"],
            "members": counts["members"],
            "encrypted": password is not None,
        },
    )
    return ExportResult(
        written=written,
        households=counts["households"],
        members=counts["members"],
        recovery_key=written.recovery_key,
    )


def _add_exchange_parts(
    store: Store, commune_doc: dict[str, Any], ids: list[str], scope: ExportScope
) -> None:
    """What laptops and the commune file merge beside the households (none of it read by
    the upper level, so not in its slim package), for the package's households ``ids``."""
    deleted = _deleted_among(store, ids)
    live = [hid for hid in ids if hid not in deleted]
    # Certificate numbers travel with their households (db.certificates: a merge takes them,
    # or shows a disagreement as a conflict). commune.json, not the household records: an
    # older reader ignores an extra key there but refuses unknown fields in a record.
    commune_doc[CERTIFICATES_KEY] = [c.to_dict() for c in certificates.exported(store.conn, live)]
    # And beside them, under a key of their own, the numbers of households it does not
    # carry live: deleted here (whatever the scope), or held here for a household this file
    # has no row of (db.certificate_reserve). A number printed for a family that moved away
    # was carried nowhere, and a file that never had it gave it to another household.
    kept = certificate_reserve.kept(store.conn)
    commune_doc[CERTIFICATES_KEPT_KEY] = [c.kept_dict() for c in kept]
    # Applications, support and cadres of the package's households (issue 24); the same
    # place and reason as the certificate numbers.
    commune_doc[year_round_part.KEY] = year_round_part.exported(
        store.conn, ids, scope.kind == "commune"
    )
    commune_doc[year_round_part.HISTORY_KEY] = year_round_part.exported_history(
        store.conn, commune_doc[year_round_part.KEY]
    )
    commune_doc[purged_part.KEY] = purged_part.exported(
        store.conn, [hid for hid in ids if hid in deleted]
    )


def _deleted_among(store: Store, ids: list[str]) -> set[str]:
    """Which of ``ids`` are deleted (tombstones), as their records will say."""
    wanted = set(ids)
    return {
        hid
        for (hid,) in store.conn.execute("SELECT id FROM households WHERE deleted != 0")
        if hid in wanted
    }


def _header(store: Store, scope: ExportScope) -> dict[str, Any]:
    commune = store.commune()
    current = store.current_round()
    header: dict[str, Any] = {
        "app_version": __version__,
        "created_by": store.user,
        "device": store.device,
        "commune": {
            "code": commune.commune_code,
            "name": commune.commune_name,
            "province_code": commune.province_code,
            "province_name": commune.province_name,
        },
        "round": (
            {"id": current.id, "year": current.year, "standard_id": current.standard_id}
            if current
            else None
        ),
        "standard": current.standard_id if current else None,
        "scope": {
            "kind": scope.kind,
            "since": scope.since,
            "device": scope.device,
            "villages": list(scope.villages),
            "description": scope.describe(),
        },
        "personal_data": True,
    }
    if scope.for_upper_level:
        # Format 3: a reader before it refuses the package rather than merging records
        # with fields left out as if those fields were empty (container.SLIM_FORMAT_VERSION;
        # the header's fields go into the manifest over the container's defaults).
        header["scope"]["for_upper_level"] = True
        header["format_version"] = SLIM_FORMAT_VERSION
    return header
