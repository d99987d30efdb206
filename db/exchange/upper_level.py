"""The upper level's view: many commune packages opened read-only, summarised side by side.

No commune file is written. Counts are per commune for one review year (default: each
package's latest round): households and persons by category, and by transition from the
commune's earlier rounds carried in the package. ``reports`` renders these rows.
``commune_file`` makes a temporary commune file of one package, removed after use, from
which a commune's own documents print.
"""

from __future__ import annotations

import secrets
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from db import driver
from db.errors import StoreError
from db.exchange import devices
from db.exchange.errors import PackageError
from db.exchange.merge import merge_package
from db.exchange.package import Package, PackageRecord, Streamed, open_package, read_package
from db.records import CommuneInfo
from db.store import Store
from forms.admin_units import official_code
from forms.model import Area, Category, Transition
from forms.transitions import RoundPlace, as_meeting_left, history_before, transition


@dataclass
class CommuneSummary:
    commune_code: str
    commune_name: str
    province_name: str
    year: int | None
    households: int = 0  # live households in the package
    persons: int = 0
    by_category: Counter[Category] = field(default_factory=Counter)
    persons_by_category: Counter[Category] = field(default_factory=Counter)
    by_transition: Counter[Transition] = field(default_factory=Counter)
    unclassified: int = 0  # households with no result in that year
    source: str = ""
    review_years: tuple[int, ...] = ()  # the years of the package's periodic reviews
    signed: bool = True  # the package bears the signature of the laptop that made it
    # False: the year is the package's first review, with none before to move from: no
    # movement is counted, as the commune's own papers show none (all were "phát sinh mới").
    movements: bool = True

    @property
    def not_classified(self) -> int:
        """What "Chưa phân loại" counts: no result that year, or one not determined (answers
        missing, or sent back by the village meeting); the second were shown as classified."""
        return self.unclassified + self.by_category[Category.UNDETERMINED]


def unsigned_warnings(rows: Iterable[CommuneSummary]) -> list[str]:
    """What to say of the rows counted from unsigned packages (anyone can write one; a
    commune's import asks before taking one): counted, but never without a word."""
    return [
        f"{r.commune_name} ({r.source}): gói không có chữ ký của máy xuất gói, không biết chắc "
        "gói do xã làm ra; hãy hỏi xã xác nhận trước khi dùng số liệu."
        for r in rows
        if not r.signed
    ]


@dataclass
class OpenFailure:
    path: Path
    message: str  # Vietnamese


def open_packages(
    paths: Sequence[Path],
    *,
    password: str | None = None,
    recovery_key: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[tuple[Path, Package]], list[OpenFailure]]:
    """Every package validated whole; the ones that fail are listed, not fatal."""
    opened: list[tuple[Path, Package]] = []
    failed: list[OpenFailure] = []
    for i, path in enumerate(paths):
        try:
            opened.append(
                (Path(path), read_package(Path(path), password=password, recovery_key=recovery_key))
            )
        except PackageError as exc:
            failed.append(OpenFailure(Path(path), str(exc)))
        if progress is not None:
            progress(i + 1, len(paths))
    return opened, failed


@dataclass(frozen=True)
class _Round:
    year: int
    started: str
    periodic: bool
    decided_on: str | None  # ISO date of its decision (packages since issue 24 carry it)
    # The households its village meeting sent back (``export.sent_back``, the rule of
    # ``forms.meeting.stands``); empty in packages before it.
    sent_back: frozenset[str] = frozenset()


def _rounds(package: Package | Streamed) -> dict[str, _Round]:
    out: dict[str, _Round] = {}
    for r in package.commune.get("rounds", []) or []:
        if isinstance(r, dict) and isinstance(r.get("id"), str) and isinstance(r.get("year"), int):
            decided = r.get("decided_on")
            out[r["id"]] = _Round(
                r["year"],
                str(r.get("started_at") or ""),  # a missing start first, as the loader has it
                r.get("kind", "periodic") != "adhoc",
                decided if isinstance(decided, str) else None,
                frozenset(r.get("sent_back", [])),
            )
    return out


def _after(r: _Round, base: _Round) -> bool:
    """``r`` belongs after the periodic round ``base`` (as ``report_queries.updating_rounds``:
    a later year, or the same year started later)."""
    return r.year > base.year or (r.year == base.year and r.started > base.started)


def _updating(rounds: dict[str, _Round], base_id: str) -> list[str]:
    """The monthly regular rounds whose decision updates a periodic round's lists (the lists
    in force, ``db.report_queries.updating_rounds``), in the order they apply: decided,
    started after it and before the next periodic round, not decided before its decision.
    A regular round without its decision in the package changes nothing."""
    base = rounds[base_id]
    later = [r for r in rounds.values() if r.periodic and _after(r, base)]
    nxt = min(later, key=lambda r: (r.year, r.started)) if later else None
    # Until the next review's decision replaces these lists, not until it starts: a month
    # opened in September, while the next review was surveyed, and decided before that
    # review's decision updated these lists and was counted in no year's.
    found = [
        (r.decided_on, r.year, r.started, rid)
        for rid, r in rounds.items()
        if not r.periodic
        and r.decided_on is not None
        and _after(r, base)
        and (nxt is None or nxt.decided_on is None or r.decided_on < nxt.decided_on)
        and (base.decided_on is None or r.decided_on >= base.decided_on)
    ]
    return [rid for *_, rid in sorted(found)]


def review_years(package: Package | Streamed) -> list[int]:
    """The years of the package's periodic reviews, oldest first (a monthly round of next
    spring is not a review year)."""
    return sorted({r.year for r in _rounds(package).values() if r.periodic})


@dataclass(frozen=True)
class InForce:
    """A household's place in the lists in force after a year's periodic review."""

    category: Category
    # The round whose result gives it: the periodic round, or the monthly round whose
    # decision updated it last (the periodic one when its meeting sent the household back).
    round_id: str


def lists_in_force(
    package: Package | Streamed, records: Iterable[PackageRecord] | None = None
) -> Iterator[tuple[PackageRecord, dict[int, InForce]]]:
    """Each live household with its category in force in each review year: the lists after
    that year's periodic review (its latest periodic round), updated by the monthly rounds
    decided since (issue 24). The registry stores these (``registry.load.rows_of``), so the
    province counts as Tổng hợp nhiều xã does. ``records``: the package's, as they are read
    (``Streamed.records``); by default ``package.records``."""
    rounds = _rounds(package)
    updating = {rid: _updating(rounds, rid) for rid, r in rounds.items() if r.periodic}
    # A year's latest review is the last in the commune file's order (year, start, then id:
    # ``ordered``), whatever order the package lists its rounds in: two reviews of a year
    # with one start took the one listed first, and ``movement_inputs`` the other.
    latest: dict[int, tuple[str, str]] = {}  # review year → (start, id) of its latest review
    for rid, review in rounds.items():
        if review.periodic and (
            review.year not in latest or (review.started, rid) > latest[review.year]
        ):
            latest[review.year] = (review.started, rid)
    if records is None:
        assert isinstance(package, Package)
        records = package.records
    for rec in records:
        if rec.deleted:
            continue
        hid = rec.household.id
        by_year: dict[int, tuple[tuple[str, str], InForce]] = {}
        for round_id, res in rec.results.items():
            r = rounds.get(round_id)
            if r is None or not r.periodic:
                continue
            # The lists after each meeting, as the commune's own lists
            # (``report_queries.in_force_round``): a household the periodic round's meeting
            # sent back is on no list until voted again (not yet determined, as the
            # commune's dashboard counts it); one a monthly round's meeting sent back keeps
            # the category it had.
            found = InForce(Category(res["category"]), round_id)
            if hid in r.sent_back:
                found = InForce(Category.UNDETERMINED, round_id)
            for update in updating.get(round_id, []):
                if update in rec.results and hid not in rounds[update].sent_back:
                    found = InForce(Category(rec.results[update]["category"]), update)
            if r.year not in by_year or (r.started, round_id) > by_year[r.year][0]:
                by_year[r.year] = ((r.started, round_id), found)
        # A household a review did not classify (new since, split off, moved in) that a
        # month decided since put on the lists is on the lists in force (it was counted as
        # not classified).
        for year, (_started, base_id) in latest.items():
            if year in by_year:
                continue
            for update in reversed(updating.get(base_id, [])):
                if update in rec.results and hid not in rounds[update].sent_back:
                    found = InForce(Category(rec.results[update]["category"]), update)
                    by_year[year] = (("", ""), found)
                    break
        yield rec, {year: found for year, (_started, found) in by_year.items()}


def summarise(
    package: Package | Streamed,
    year: int | None = None,
    source: str = "",
    records: Iterable[PackageRecord] | None = None,
) -> CommuneSummary:
    """Counts for a review year: each household's category in the lists in force after that
    year's periodic review, updated by the monthly rounds decided since (issue 24); the years
    are those of periodic reviews (a monthly round of next spring is not a review year).
    ``records`` as ``lists_in_force`` takes them."""
    years = review_years(package)
    if year is None and years:
        year = years[-1]
    commune: dict[str, Any] = package.manifest.get("commune", {}) or {}
    s = CommuneSummary(
        # As the official lists and the workbook sent up write it: "2947" was printed here
        # beside "02947" there.
        commune_code=official_code(str(commune.get("code", ""))),
        commune_name=str(commune.get("name", "")),
        province_name=str(commune.get("province_name", "")),
        year=year,
        source=source,
        review_years=tuple(years),
        signed=package.signer is not None,
    )
    order = ordered_rounds(package)
    s.movements = year is not None and any(y < year for y in years)
    for rec, by_year in lists_in_force(package, records):
        size = len(rec.household.members)
        s.households += 1
        s.persons += size
        if year is None or year not in by_year:
            s.unclassified += 1
            continue
        current = by_year[year].category
        s.by_category[current] += 1
        s.persons_by_category[current] += size
        if not s.movements:
            continue
        before, poor, near_poor = movement_inputs(order, rec.household.id, rec.results, year)
        s.by_transition[transition(before, current, ever_poor=poor, ever_near_poor=near_poor)] += 1
    return s


class Ordered(NamedTuple):
    """A round as ``movement_inputs`` takes it."""

    place: RoundPlace
    year: int
    sent_back: frozenset[str]  # the households its meeting sent back


def ordered(
    rounds: Iterable[tuple[str, int, bool, str, Any, Iterable[str]]],
) -> list[Ordered]:
    """Rounds given as (id, year, periodic, start, decision date, sent back) in the commune
    file's order (year, then start), as ``movement_inputs`` takes them."""
    return [
        Ordered(RoundPlace(rid, periodic, _day(decided), None, year), year, frozenset(sent_back))
        for rid, year, periodic, _started, decided, sent_back in sorted(
            rounds, key=lambda r: (r[1], r[3], r[0])
        )
    ]


def ordered_rounds(package: Package | Streamed) -> list[Ordered]:
    """The package's rounds as ``movement_inputs`` takes them."""
    return ordered(
        (rid, r.year, r.periodic, r.started, r.decided_on, r.sent_back)
        for rid, r in _rounds(package).items()
    )


def movement_inputs(
    order: Sequence[Ordered], household_id: str, results: Mapping[str, Any], year: int
) -> tuple[Category | None, bool, bool]:
    """What a household's movement into its category of the review ``year`` is worked out
    from (``forms.transitions.transition``): its category in the previous periodic review
    (None: on no list, or no review before), and whether it was poor, near-poor in any
    round before that; the rounds the commune's own transitions move from
    (``forms.transitions.history_before``), each as its meeting left the household, so this
    table and the commune's movement table count a household alike. ``results``: the
    household's by round id (``category`` read)."""
    at = None
    for i, r in enumerate(order):
        if r.place.periodic and r.year == year:
            at = i  # the year's latest periodic round, as lists_in_force takes it
    if at is None:
        return None, False, False
    found: dict[str, Category] = {}
    for r in order[:at]:
        res = results.get(r.place.id)
        if res is None:
            continue
        sent_back = household_id in r.sent_back
        left = as_meeting_left(Category(res["category"]), sent_back, r.place.periodic)
        if left is not None:
            found[r.place.id] = left
    history = history_before([r.place for r in order], at, found)
    if not history:
        return None, False, False
    *earlier, before = history
    return before, Category.POOR in earlier, Category.NEAR_POOR in earlier


def summaries(
    packages: Sequence[tuple[Path, Package]], year: int | None = None
) -> list[CommuneSummary]:
    """One row per commune, in commune-code order. Two packages of the same commune: the
    newer one counts (an upper level keeps receiving updated packages)."""
    latest: dict[str, tuple[str, Path, Package]] = {}
    for path, pkg in packages:
        created = str(pkg.manifest.get("created_at", ""))
        code = official_code(pkg.commune_code)  # "2947" and "02947" are one commune
        if code not in latest or created > latest[code][0]:
            latest[code] = (created, path, pkg)
    return [summarise(pkg, year, source=path.name) for _, (_, path, pkg) in sorted(latest.items())]


def read_summaries(
    paths: Sequence[Path],
    *,
    password: str | None = None,
    recovery_key: str | None = None,
    year: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[CommuneSummary], list[OpenFailure], dict[str, Path]]:
    """``summaries`` of the packages at ``paths`` with one package's records at a time in
    memory, and of those only the one being counted (``open_package``): what
    ``open_packages`` refuses is refused, and listed, the same way. Also each row's package
    file by commune code (the one its row counts)."""
    latest: dict[str, tuple[str, Path, CommuneSummary]] = {}
    failed: list[OpenFailure] = []
    for i, path in enumerate(paths):
        try:
            with open_package(Path(path), password=password, recovery_key=recovery_key) as stream:
                row = summarise(stream, year, source=Path(path).name, records=stream.records())
            created = str(stream.manifest.get("created_at", ""))
            code = row.commune_code  # "2947" and "02947" are one commune
            if code not in latest or created > latest[code][0]:
                latest[code] = (created, Path(path), row)
        except PackageError as exc:
            failed.append(OpenFailure(Path(path), str(exc)))
        if progress is not None:
            progress(i + 1, len(paths))
    rows = [row for _, (_, _, row) in sorted(latest.items())]
    return rows, failed, {code: path for code, (_, path, _) in latest.items()}


# --- a commune's own documents from its package -------------------------------------------
@contextmanager
def commune_file(package: Package, *, source_name: str, device: str) -> Iterator[Store]:
    """A commune's package as a commune file, open, in a temporary folder removed on leaving:
    the upper level prints that commune's documents (its monthly report, issue 24) with the
    very builders the commune prints them with. The package is merged by the import's own
    ``merge_package`` into a fresh file; then the rounds' decisions (number, signer, date)
    and the households their meetings sent back are written as the package names them (a
    sent-back household as a vote none agreed to: the report reads only that verdict)."""
    commune: dict[str, Any] = package.commune.get("commune", {}) or {}
    try:
        info = CommuneInfo(
            str(commune["province_code"]),
            str(commune["province_name"]),
            str(commune["commune_code"]),
            str(commune["commune_name"]),
            Area(str(commune["area"])),
        )
    except (KeyError, ValueError) as exc:
        raise PackageError("Phần thông tin xã của gói bị hỏng.") from exc
    with tempfile.TemporaryDirectory(prefix="rasoat-goi-") as folder:
        path = Path(folder) / "xa.rasoat.sqlite"
        # Encrypted under a key that lives in this process only: a process killed while it
        # prints (a shutdown's SIGTERM) left the package's households, ID numbers and all,
        # readable in the temporary folder; now it leaves ciphertext.
        key = secrets.token_bytes(driver.KEY_BYTES)
        try:
            with Store.create(path, info, user="cấp trên", device=device, key=key) as store:
                yield from _filled(store, package, source_name)
        finally:
            driver.forget(path)


def _filled(store: Store, package: Package, source_name: str) -> Iterator[Store]:
    """``store`` given the package's villages, households, decisions and verdicts."""
    for village in package.commune.get("villages", []) or []:
        name = village.get("name") if isinstance(village, dict) else None
        if isinstance(name, str) and name.strip():
            with suppress(StoreError):  # a name twice: the first one stands
                store.add_village(name, village.get("code") or None)
    # This file is the package's copy, nobody's to confirm: its signer, or its lack of one
    # (the summary that reads it says so), is taken.
    trusted = [package.signer.fingerprint] if package.signer else [devices.UNSIGNED_OK]
    # A slim package (export.ExportScope.for_upper_level) is made for this copy.
    merge_package(
        store,
        package,
        source_name=source_name,
        trusted=trusted,
        own_key=b"",
        upper_level_copy=True,
    )
    _decisions_and_verdicts(store, package)
    yield store


def _decisions_and_verdicts(store: Store, package: Package) -> None:
    rounds = store.rounds()
    known = {r.id for r in rounds}
    live = {rec.household.id for rec in package.records if not rec.deleted}
    for r in package.commune.get("rounds", []) or []:
        if r.get("id") not in known:
            continue
        day = _day(r.get("decided_on"))
        if day is not None:
            # Packages before the number travelled name only the date.
            number = r.get("decision_number") or "…"
            store.save_decision(r["id"], str(number), day, str(r.get("decision_signer") or "…"))
        for hid in r.get("sent_back", []) or []:
            if hid in live:
                store.save_meeting_vote(hid, r["id"], agree=0, attendees=1, meeting_date=day)


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
