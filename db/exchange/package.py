"""What a package holds, and its whole-package validation.

Two parts travel in the container (``container``):

* ``commune.json`` — the commune, its villages and rounds, as the sending file has them;
* ``households.jsonl`` — one household record per line: the household through
  ``forms.codec``, its current rev, the rev history that merging needs, its metadata, and its
  classification results.

``read_package`` validates everything (container, checksums, every record through the codec,
the counts in the manifest) and returns plain dataclasses; nothing is written anywhere.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from operator import itemgetter
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from db.certificates import Carried
from db.exchange import container, purged_part, year_round_part
from db.exchange.errors import NewerRelease, PackageError
from db.exchange.signing import Signer
from db.version import __version__
from forms.classify import result_from_dict
from forms.codec import CodecError, household_from_dict, loads, to_dict
from forms.model import Household
from forms.standards import NATIONAL_IDS
from forms.validate import (
    MAX_CODE,
    check_household,
    code_problem,
    is_iso_day,
    printable,
    result_problem,
    result_readable,
    text_problem,
    village_problem,
)

COMMUNE_PART = "commune.json"
HOUSEHOLDS_PART = "households.jsonl"
PARTS = frozenset({COMMUNE_PART, HOUSEHOLDS_PART})
MAX_TEXT = 200  # metadata strings (device, user, timestamps) are short
# History entries: per household, and for the whole package. A household saved a thousand
# times is far beyond any review; 5,000 forged entries per household cost 39 s and 1.6 GB.
MAX_REVS = 1_000
MAX_PACKAGE_REVS = 300_000
MAX_RESULTS = 50  # rounds per household
MAX_ROUNDS = 100
MAX_VILLAGES = 20_000  # a commune has tens; a merged district or province file thousands
# ``commune.json``'s "certificate_numbers": the certificate numbers of the package's
# households. Readers before it ignore the key, so no format version moved.
CERTIFICATES_KEY = "certificate_numbers"
# Its "certificate_numbers_kept": the numbers of households the package does not carry live
# (deleted in the sending file, or held there for a household it has no row of:
# ``db.certificate_reserve``). A key of its own: a reader before it refuses a package whose
# "certificate_numbers" names a household that is not live in it, and ignores this one.
CERTIFICATES_KEPT_KEY = "certificate_numbers_kept"
# What the records of a package share (``_share_in_place``) is held at most this many
# entries: the floor-area reasons are nearly all distinct, and a reader streaming 100,000
# households (``open_package``) must not keep one of each alive to the end.
MEMO_MAX = 50_000
MAX_CERTIFICATE = 999_999


@dataclass(frozen=True, slots=True)
class RevEntry:
    """One row of a household's history: ``rev`` was made from ``parent_rev``. Slotted: a
    merge holds every record's history (about 100 bytes an entry instead of 340)."""

    rev: str
    parent_rev: str | None
    device: str = ""
    user: str = ""
    at: str = ""
    # A rev made by resolving a merge conflict has a second parent: the side not kept.
    merge_parent: str | None = None

    def __reduce__(self) -> tuple[type[RevEntry], tuple[str | None, ...]]:
        # Pickled as its six values (a package read ahead crosses to the writing process,
        # ``merge_ahead``): a frozen slotted dataclass's own state functions list its fields
        # anew for every entry, pickling and unpickling (5,000 entries 41 -> 16 ms).
        values = (self.rev, self.parent_rev, self.device, self.user, self.at, self.merge_parent)
        return (RevEntry, values)


@dataclass
class PackageRecord:
    household: Household
    rev: str
    revs: list[RevEntry]
    deleted: bool = False
    created_at: str = ""
    created_device: str = ""
    updated_at: str = ""
    updated_device: str = ""
    updated_by: str = ""
    # round id (as the sending file names it) -> result_to_dict(...) of that round
    results: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class Package:
    manifest: dict[str, Any]
    commune: dict[str, Any]
    records: list[PackageRecord]
    # The verified key that signed the manifest (and through it every part); None for an
    # unsigned package of format 1, whose authors and history are only claims.
    signer: Signer | None = None
    # The households' certificate numbers (``db.certificates``), checked on reading.
    certificates: list[Carried] = field(default_factory=list)
    # Those of households it does not carry live (``CERTIFICATES_KEPT_KEY``).
    certificates_kept: list[Carried] = field(default_factory=list)
    # Applications, support records, cadre assignments (``db.exchange.year_round_part``).
    year_round: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # Households purged on the sending laptop (``db.exchange.purged_part``).
    purged: list[purged_part.Carried] = field(default_factory=list)

    @property
    def package_id(self) -> str:
        return str(self.manifest["package_id"])

    @property
    def commune_code(self) -> str:
        return str(self.manifest.get("commune", {}).get("code", ""))

    @property
    def for_upper_level(self) -> bool:
        """A slim package for the upper level (``export.ExportScope.for_upper_level``),
        which the merge refuses into a commune file."""
        return for_upper_level(self.manifest)


def for_upper_level(manifest: Mapping[str, Any]) -> bool:
    scope = manifest.get("scope")
    flagged = isinstance(scope, dict) and scope.get("for_upper_level") is True
    return flagged or manifest.get("format_version") == container.SLIM_FORMAT_VERSION


# --- writing ------------------------------------------------------------------------------


def record_to_dict(rec: PackageRecord) -> dict[str, Any]:
    return {
        "household": to_dict(rec.household),
        "rev": rec.rev,
        "revs": [
            {
                "rev": r.rev,
                "parent_rev": r.parent_rev,
                "device": r.device,
                "user": r.user,
                "at": r.at,
                "merge_parent": r.merge_parent,
            }
            for r in rec.revs
        ],
        "deleted": rec.deleted,
        "created_at": rec.created_at,
        "created_device": rec.created_device,
        "updated_at": rec.updated_at,
        "updated_device": rec.updated_device,
        "updated_by": rec.updated_by,
        "results": rec.results,
    }


class _Counts:
    """The manifest's ``counts``, added up one record at a time."""

    def __init__(self) -> None:
        self.households = self.members = self.deleted = 0
        self.by_category: Counter[str] = Counter()

    def add(self, rec: PackageRecord) -> None:
        if rec.deleted:
            self.deleted += 1
            return
        self.households += 1
        self.members += len(rec.household.members)
        for res in rec.results.values():
            cat = res.get("category")
            if isinstance(cat, str):
                self.by_category[cat] += 1

    def counts(self) -> dict[str, Any]:
        return {
            "households": self.households,
            "members": self.members,
            "deleted": self.deleted,
            "results_by_category": dict(sorted(self.by_category.items())),
        }


def counts_of(records: Iterable[PackageRecord]) -> dict[str, Any]:
    counter = _Counts()
    for rec in records:
        counter.add(rec)
    return counter.counts()


# Lines gathered into pieces of about this size before they go to the container (a write
# per line cost more than the encoding).
PIECE_BYTES = 256 * 1024


def write_package(
    path: Path,
    header: Mapping[str, Any],
    commune: Mapping[str, Any],
    records: Iterable[PackageRecord],
    *,
    password: str | None = None,
    recovery_key: str | None = None,
    scrypt_n: int | None = None,
    signer: Ed25519PrivateKey | None = None,
) -> container.Written:
    """Writes the records as they come (one JSON line each, never the whole list or part:
    ``records`` may be a generator reading a commune file in windows), counting them for
    the manifest on the way; ``commune.json`` follows them."""
    counter = _Counts()

    def lines() -> Iterator[bytes]:
        piece: list[bytes] = []
        held = 0
        for rec in records:
            counter.add(rec)
            line = json.dumps(record_to_dict(rec), ensure_ascii=False, sort_keys=True)
            data = (line + "\n").encode("utf-8")
            piece.append(data)
            held += len(data)
            if held >= PIECE_BYTES:
                yield b"".join(piece)
                piece, held = [], 0
        if piece:
            yield b"".join(piece)

    commune_bytes = json.dumps(dict(commune), ensure_ascii=False, indent=1).encode("utf-8")
    kwargs: dict[str, Any] = {}
    if scrypt_n is not None:
        kwargs["scrypt_n"] = scrypt_n
    return container.write_container(
        path,
        lambda: {**header, "counts": counter.counts()},
        {HOUSEHOLDS_PART: lines(), COMMUNE_PART: commune_bytes},
        password=password,
        recovery_key=recovery_key,
        signer=signer,
        **kwargs,
    )


# --- reading ------------------------------------------------------------------------------


def read_package(
    path: Path,
    *,
    password: str | None = None,
    recovery_key: str | None = None,
    limits: container.Limits = container.DEFAULT_LIMITS,
    progress: Callable[[int, int], None] | None = None,
    decode: Callable[[str], Any] = loads,
) -> Package:
    """The whole package, every record decoded and checked. ``progress(done, total)`` hears
    about record checking, the long part. ``decode`` parses each household line; another must
    give and refuse exactly what ``json.loads`` does (by default ``forms.codec.loads``, json's
    scanner called directly; the registry's also notes where each document lies in the line,
    to store it without encoding it again: ``registry.load``).
    A reader that needs one record at a time: ``open_package``."""
    with open_package(
        path,
        password=password,
        recovery_key=recovery_key,
        limits=limits,
        progress=progress,
        decode=decode,
    ) as stream:
        records = list(stream.records())
    return Package(
        manifest=stream.manifest,
        commune=stream.commune,
        records=records,
        signer=stream.signer,
        certificates=stream.certificates,
        certificates_kept=stream.certificates_kept,
        year_round=stream.year_round,
        purged=stream.purged,
    )


class Streamed:
    """A package opened, its manifest, signature and ``commune.json`` checked, whose
    records are read one at a time (``records``) as the households' part is inflated and
    opened: its text (1.1 GB at 100,000 households) is never held, nor, by a reader that
    keeps only what it needs of each record, the records. Once they are read, the parts
    that name the records (certificate numbers, the year-round part, purges) are checked
    too and kept here, as ``read_package`` gives them: a package it refuses is refused
    here as well."""

    def __init__(
        self,
        opened: container.Opened,
        progress: Callable[[int, int], None] | None,
        decode: Callable[[str], Any],
        share: bool = True,
    ) -> None:
        self.manifest = opened.manifest
        self.signer = opened.signer
        try:
            self.commune = _parse_commune(opened.read_part(COMMUNE_PART))
        except PackageError as exc:
            # A standard or a field of a newer version, likely as not.
            if newer := newer_release(self.manifest):
                raise _newer(exc, newer) from exc
            raise
        _same_commune(self.manifest, self.commune)
        self._opened = opened
        self._progress = progress
        self._decode = decode
        self._share = share
        self._started = False
        self.certificates: list[Carried] = []
        self.certificates_kept: list[Carried] = []
        self.year_round: dict[str, list[dict[str, Any]]] = {}
        self.purged: list[purged_part.Carried] = []

    @property
    def package_id(self) -> str:
        return str(self.manifest["package_id"])

    def records(self) -> Iterator[PackageRecord]:
        """Each record checked alone and against those before it (ids and codes once,
        history bounded, results of the package's rounds); the part's size and checksum and
        the manifest's counts at the end. Nothing a record says may be acted on before the
        iteration has ended without ``PackageError``. Read once."""
        if self._started:
            raise RuntimeError("a package's records are read once")
        self._started = True
        stream = iter(self._opened.part(HOUSEHOLDS_PART))
        live: dict[str, str] = {}  # id -> code
        deleted: dict[str, str] = {}
        try:
            for rec in _checked_records(
                _lines(stream),
                self._progress,
                self._decode,
                _declared_total(self.manifest),
                {r["id"] for r in self.commune.get("rounds", [])},
                self.manifest.get("counts"),
                self._share,
                _made_on(self.manifest),
            ):
                (deleted if rec.deleted else live)[rec.household.id] = rec.household.code
                yield rec
            commune = self.commune
            self.certificates = _parse_certificates(commune, live)
            self.certificates_kept = _parse_kept(commune, live)
            self.year_round = year_round_part.parse(commune, set(live) | set(deleted))
            self.purged = purged_part.parse(commune, deleted)
        except PackageError as exc:
            # A part whose checksum fails is refused as damaged even when a record before
            # its end failed first: its bytes are read on to tell the two apart (a record
            # refused in a sound part names its line).
            for _ in stream:
                pass
            if newer := newer_release(self.manifest):
                raise _newer(exc, newer) from exc
            raise


@contextmanager
def open_package(
    path: Path,
    *,
    password: str | None = None,
    recovery_key: str | None = None,
    limits: container.Limits = container.DEFAULT_LIMITS,
    progress: Callable[[int, int], None] | None = None,
    decode: Callable[[str], Any] = loads,
    share: bool = True,
) -> Iterator[Streamed]:
    """The package at ``path`` for reading its records one at a time (``Streamed``); the
    same checks as ``read_package`` on everything it reads. ``share=False``: the records'
    results keep their own texts (``_share_in_place`` not run), for a reader that lets
    each record go once it has taken what it needs (sharing only saves memory when the
    records are kept, and was a fifth of checking a record)."""
    with container.open_container(
        path, allowed_parts=PARTS, password=password, recovery_key=recovery_key, limits=limits
    ) as opened:
        yield Streamed(opened, progress, decode, share)


def _certificate_entries(
    commune: Mapping[str, Any],
    key: str,
    texts: tuple[str, ...],
    household_ok: Callable[[str], bool],
) -> list[Carried]:
    """The entries under ``key``, each checked as the sending file writes them: of a round
    of the package, a household ``household_ok`` takes, a number in range and ``texts``
    short plain strings, nothing else. One reading for both lists of numbers."""
    raw = commune.get(key, [])
    if not isinstance(raw, list):
        raise PackageError("Danh sách số giấy chứng nhận trong gói bị hỏng.")
    rounds = {r["id"] for r in commune.get("rounds", [])}
    fields = {"round", "household", "number", *texts}
    out: list[Carried] = []
    for item in raw:
        ok = (
            isinstance(item, dict)
            and set(item) == fields
            and item["round"] in rounds
            and isinstance(item["household"], str)
            and household_ok(item["household"])
            and type(item["number"]) is int
            and 0 < item["number"] <= MAX_CERTIFICATE
            and all(isinstance(item[k], str) and not text_problem(item[k], MAX_TEXT) for k in texts)
        )
        if not ok:
            raise PackageError("Một số giấy chứng nhận trong gói không hợp lệ.")
        out.append(
            Carried(
                item["round"],
                item["household"],
                item["number"],
                item["assigned_at"],
                item["assigned_device"],
                item.get("code", ""),
            )
        )
    return out


def _parse_certificates(commune: Mapping[str, Any], codes: Mapping[str, str]) -> list[Carried]:
    """The certificate numbers, each of a live household (``codes``: id -> code) and a
    round of the package, a number and a household at most once per round (the sending
    file's UNIQUE constraints)."""
    out = _certificate_entries(
        commune, CERTIFICATES_KEY, ("assigned_at", "assigned_device"), codes.__contains__
    )
    seen: set[tuple[str, object]] = set()
    for c in out:
        for key in ((c.round_id, c.household_id), (c.round_id, c.number)):
            if key in seen:
                raise PackageError(
                    f"Gói ghi hai số giấy chứng nhận cho hộ {codes[c.household_id]}, hoặc "
                    "một số cho hai hộ, trong cùng một kỳ."
                )
            seen.add(key)
    return out


def _parse_kept(commune: Mapping[str, Any], live: Mapping[str, str]) -> list[Carried]:
    """The numbers of households the package does not carry live, each of a round of the
    package, never of one of its live households (whose numbers are in
    ``CERTIFICATES_KEY``), with the code the sender knew ("" when it did not); an entry at
    most once. A household may hold two numbers here and a number two households: the
    sending file's reserve keeps such disagreements for the officer (m0020)."""
    out = _certificate_entries(
        commune,
        CERTIFICATES_KEPT_KEY,
        ("assigned_at", "assigned_device", "code"),
        lambda h: bool(h) and not text_problem(h, MAX_TEXT) and h not in live,
    )
    seen: set[tuple[str, str, int]] = set()
    for c in out:
        if (c.round_id, c.household_id, c.number) in seen:
            raise PackageError("Gói ghi một số giấy chứng nhận hai lần.")
        seen.add((c.round_id, c.household_id, c.number))
    return out


def _same_commune(manifest: Mapping[str, Any], commune: Mapping[str, Any]) -> None:
    """The commune the manifest names (what a merge and the registry file the package under)
    is the one ``commune.json`` describes: a manifest edited to another commune's code
    counted a commune's households a second time under that code in the registry."""
    said = manifest.get("commune")
    held = commune.get("commune")
    if not isinstance(said, dict) or not isinstance(held, dict):
        return  # a package made before commune.json named its commune

    def code(value: Any) -> str:
        text = str(value or "").strip()
        return str(int(text)) if text.isascii() and text.isdigit() else text

    def name(value: Any) -> str:
        return " ".join(str(value or "").split())

    pairs = (
        (code(said.get("code")), code(held.get("commune_code"))),
        (code(said.get("province_code")), code(held.get("province_code"))),
        (name(said.get("name")), name(held.get("commune_name"))),
    )
    # A field one side leaves out is not compared (packages of earlier versions).
    if any(a != b for a, b in pairs if a and b):
        raise PackageError(
            "Xã ghi trong bản kê của gói khác xã trong phần thông tin xã: gói đã bị sửa ngoài "
            "phần mềm."
        )


def _parse_commune(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # a number over 4,300 digits: ValueError
        raise PackageError("Phần thông tin xã của gói bị hỏng.") from exc
    if not isinstance(data, dict):
        raise PackageError("Phần thông tin xã của gói bị hỏng.")
    rounds = data.get("rounds", [])
    if not isinstance(rounds, list) or len(rounds) > MAX_ROUNDS:
        raise PackageError("Danh sách kỳ rà soát trong gói bị hỏng.")
    for r in rounds:
        if not isinstance(r, dict) or not _round_ok(r):
            raise PackageError("Một kỳ rà soát trong gói không hợp lệ.")
    # Added to the upper level's copy of the commune (``upper_level._filled``): a code that
    # was a list stopped it with an internal error; a name had no bound.
    villages = data.get("villages", [])
    if not isinstance(villages, list) or len(villages) > MAX_VILLAGES:
        raise PackageError("Danh sách thôn/bản trong gói bị hỏng.")
    for v in villages:
        if isinstance(v, dict):
            problem = village_problem(v.get("name"), v.get("code"))
        else:  # a bare name, as tests and hand-made packages write them
            problem = village_problem(v) if isinstance(v, str) else "Thôn/bản bị hỏng."
        if problem:
            raise PackageError(f"Danh sách thôn/bản trong gói: {problem}")
    return data


def _is_time(value: Any) -> bool:
    """None, or a moment ``datetime.fromisoformat`` reads (``now_utc`` writes them)."""
    try:
        return value is None or bool(datetime.fromisoformat(value))
    except (TypeError, ValueError):
        return False


def _round_ok(r: Mapping[str, Any]) -> bool:
    year = r.get("year")
    if type(year) is not int or not 2000 <= year <= 2100:
        return False
    # The merge takes only these; refused there, after the file was opened, the import
    # changed the file's bytes (make fuzz).
    if r.get("kind") not in ("periodic", "adhoc"):
        return False
    optional = ("started_at", "reference_date", "decision_number", "decision_signer")
    for key in ("id", "standard_id", "kind", *optional):
        # Its decision's number and signer since issue 24 (absent before, null undecided).
        value = r.get(key)
        if value is None and key in optional:
            continue
        if not isinstance(value, str) or not value or text_problem(value, 100):
            return False
    # A round of a standard this version does not know would print "Căn cứ chuẩn nghèo
    # khong-co-chuan" on its decision: ``Store.start_round`` refuses such ids too.
    if r["standard_id"] not in NATIONAL_IDS:
        return False
    # Read back as a date and a time by ``Store.rounds``: junk stopped the merge half-way
    # through its transaction with a traceback and a false word about the -wal file.
    if not _is_time(r.get("started_at")):
        return False
    if any(r.get(k) is not None and not is_iso_day(r[k]) for k in ("reference_date", "decided_on")):
        return False
    # Since issue 24: the households its meeting sent back (``export.sent_back``); absent
    # from older packages.
    voted_down = r.get("sent_back", [])
    if not isinstance(voted_down, list) or len(voted_down) > MAX_PACKAGE_REVS:
        return False
    return all(isinstance(hid, str) and hid and not text_problem(hid, 100) for hid in voted_down)


def _declared_total(manifest: Mapping[str, Any]) -> int:
    """The records the manifest announces (for progress only; checked after reading)."""
    counts = manifest.get("counts")
    if not isinstance(counts, dict):
        return 0
    total = 0
    for key in ("households", "deleted"):
        value = counts.get(key)
        if type(value) is int and value > 0:
            total += value
    return total


def _lines(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """The lines of a part handed out in pieces (a UTF-8 line never holds the byte 10 but
    as its end, so the pieces are cut there before decoding)."""
    rest = b""
    for piece in pieces:
        lines = piece.split(b"\n")
        if rest:
            # Only the line cut at the piece's end joined, not the whole piece copied.
            lines[0] = rest + lines[0]
        rest = lines.pop()
        yield from lines
    yield rest


def _version(text: str) -> tuple[int, ...] | None:
    found = re.match(r"(\d{1,6})\.(\d{1,6})(?:\.(\d{1,6}))?", text)
    return tuple(int(g or 0) for g in found.groups()) if found else None


def newer_release(manifest: Mapping[str, Any]) -> str:
    """The release of Rà soát that made the package (its manifest's ``app_version``,
    printable) when it is newer than this one, else "" (unknown or unreadable too)."""
    theirs = manifest.get("app_version")
    if not isinstance(theirs, str):
        return ""
    made, here = _version(theirs), _version(__version__)
    if made is None or here is None or made <= here:
        return ""
    return printable(theirs, 20)


def _newer(exc: PackageError, version: str) -> NewerRelease:
    """A record of a package made by a newer release, refused: refused with only "trường
    không biết: …", the officer had no idea that updating would take it."""
    return NewerRelease(
        str(exc),
        version,
        f"Gói do phần mềm phiên bản {version} tạo, mới hơn phiên bản trên máy này"
        f" ({__version__}): hãy cập nhật phần mềm rồi nhập lại.",
    )


def _made_on(manifest: dict[str, Any]) -> date | None:
    """The last day the package's dates may reach: the day it was made (its signed
    ``created_at``), and one more, a Vietnamese morning being yesterday in UTC. A laptop
    whose clock is behind (a flat CMOS battery, a year set wrong) refused every package
    holding a child born since its clock's today ("Năm sinh ngoài khoảng 1880–2025"):
    the whole village's work, for the receiving laptop's fault. A date after the day the
    sender made the package is still refused."""
    created = manifest.get("created_at")
    if not isinstance(created, str):
        return None
    try:
        return datetime.fromisoformat(created).date() + timedelta(days=1)
    except ValueError:
        return None


def _checked_records(
    lines: Iterable[bytes],
    progress: Callable[[int, int], None] | None,
    decode: Callable[[str], Any],
    total: int,
    rounds: set[str],
    declared: Any,
    share: bool = True,
    made_on: date | None = None,
) -> Iterator[PackageRecord]:
    ids: dict[str, str] = {}  # household id -> its code
    codes: set[str] = set()
    # Each rev of the package and the id of the household listing it: a rev is one
    # household's (``household_revs.rev`` is the key naming it), so a second household
    # listing it would have its history entry dropped, or vouched for by another's.
    rev_owners: dict[str, str] = {}
    counter = _Counts()
    total_revs = 0
    memo: dict[Any, Any] | None = {} if share else None
    # "The future" for every household of the package: the clock read once (about 0.5 µs a
    # record when each household's check read it), or the day the package was made when
    # that is later (``_made_on``).
    today = max(date.today(), made_on) if made_on is not None else date.today()
    for lineno, raw in enumerate(lines, start=1):
        if progress is not None and lineno % 500 == 0:
            progress(lineno, max(total, lineno))
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PackageError("Dữ liệu hộ trong gói không phải văn bản UTF-8 hợp lệ.") from exc
        if not line.strip():
            continue
        try:
            obj = decode(line)
        except (ValueError, RecursionError) as exc:  # a number over 4,300 digits: ValueError
            raise PackageError(f"Dữ liệu hộ ở dòng {lineno} của gói bị hỏng.") from exc
        if memo is not None and len(memo) > MEMO_MAX:
            memo.clear()
        try:
            rec = record_from_dict(obj, memo, today)
        except PackageError as exc:
            raise PackageError(_refused(obj, lineno, str(exc))) from exc
        total_revs += len(rec.revs)
        if total_revs > MAX_PACKAGE_REVS:
            raise PackageError(
                f"Gói có hơn {MAX_PACKAGE_REVS:,} mục lịch sử phiên bản: quá lớn để nhập.".replace(
                    ",", "."
                )
            )
        if rec.household.id in ids:
            raise PackageError(f"Hộ ở dòng {lineno} bị trùng mã định danh trong gói.")
        hid = rec.household.id
        for entry in rec.revs:
            owner = rev_owners.setdefault(entry.rev, hid)
            if owner != hid:
                raise PackageError(
                    f"Hộ {rec.household.code} (dòng {lineno}) ghi trong lịch sử một phiên bản"
                    f" của hộ {ids[owner]} trong cùng gói: gói đã bị sửa tay hoặc bị hỏng."
                )
        if not rec.deleted and rec.household.code in codes:
            raise PackageError(
                f"Mã hộ '{rec.household.code}' xuất hiện hai lần trong gói (dòng {lineno})."
            )
        # Every result belongs to a round the package carries (an export carries all of the
        # file's rounds), so a package is refused before any commune file is opened.
        if not rounds.issuperset(rec.results):
            raise PackageError(
                f"Hộ {rec.household.code} có kết quả của một kỳ rà soát không có trong gói."
            )
        ids[hid] = rec.household.code
        if not rec.deleted:
            codes.add(rec.household.code)
        counter.add(rec)
        yield rec
    if declared != counter.counts():
        raise PackageError("Số liệu trong bản kê không khớp với dữ liệu của gói.")


def _refused(obj: Any, lineno: int, why: str) -> str:
    """A refused record as the officer can find it: its household's code when it has a
    usable one (a code is never personal data), always its line, and ``why`` (Vietnamese,
    naming the field) without the code said again."""
    hh = obj.get("household") if isinstance(obj, dict) else None
    code = hh.get("code") if isinstance(hh, dict) else None
    if isinstance(code, str) and code_problem(code) is None and not text_problem(code, MAX_CODE):
        shown = printable(code, 40)
        why = why.replace(f"Hộ {shown}: ", "").replace(f"Hộ {shown}, ", "")
        return f"Hộ {shown} (dòng {lineno} của gói) không hợp lệ: {why}"
    return f"Hộ ở dòng {lineno} của gói không hợp lệ: {why}"


def _texts(obj: Mapping[str, Any], keys: tuple[str, ...]) -> list[str]:
    """``_text`` of each key (none required), the texts checked at once when they are fine
    (a joined text is printable exactly when each part is); one by one otherwise, for the
    first key that is wrong to be named."""
    texts = [obj.get(key, "") for key in keys]
    try:
        joined = "".join(texts)  # TypeError for a part that is not text (None included)
    except TypeError:
        return [_text(obj, key) for key in keys]
    if joined.isprintable() and (len(joined) <= MAX_TEXT or max(map(len, texts)) <= MAX_TEXT):
        return texts
    return [_text(obj, key) for key in keys]


_REV_TEXTS = ("device", "user", "at")
_META_TEXTS = ("created_at", "created_device", "updated_at", "updated_device", "updated_by")


def _text(obj: Mapping[str, Any], key: str, *, required: bool = False) -> str:
    value = obj.get(key, "")
    if value is None and not required:
        return ""
    if not isinstance(value, str) or text_problem(value, MAX_TEXT) or (required and not value):
        raise PackageError(f"trường '{key}' sai.")
    return value


# Revs are UUIDs when made here; older files and tools used short tokens, so any short id
# of letters, digits and dashes is taken (it is copied into every history row).
_REV_ID = re.compile(r"[0-9A-Za-z][0-9A-Za-z-]{0,63}")


def _rev_id(value: Any, key: str) -> str:
    if not isinstance(value, str) or not _REV_ID.fullmatch(value):
        raise PackageError(f"lịch sử phiên bản: '{key}' không phải mã phiên bản hợp lệ.")
    return str(value)


def _shared(res: dict[str, Any], memo: dict[Any, Any]) -> dict[str, Any]:
    """A result (checked) with its texts, its lists' and its indicators' the ones ``memo``
    holds equal to them. Results repeat the same few texts (indicator names, dimensions,
    statuses, reasons): 696,000 texts in the results of 5,000 households, 25,000 of them
    distinct, each decoded anew by json (a package of 5,000 read in 141 MB, 210 before)."""
    share = memo.setdefault
    out: dict[str, Any] = {}
    for key, value in res.items():
        if type(value) is str:
            value = share(value, value)
        elif type(value) is list:
            value = [
                share(v, v)
                if type(v) is str
                else {k: share(x, x) if type(x) is str else x for k, x in v.items()}
                if type(v) is dict
                else v
                for v in value
            ]
        out[key] = value
    return out


# What a result repeats from household to household, as ``result_readable`` has found it.
_SHARED_TOP = ("category", "income_basis", "standard_id", "standard_version", "engine_version")
_INDICATOR_KEY = itemgetter("id", "name", "dimension", "status", "reason", "unconfirmed")
_INDICATOR_SIZE = 7  # keys of an indicator as result_to_dict writes it


def _share_in_place(res: dict[str, Any], memo: dict[Any, Any]) -> None:
    """What ``_shared`` does, for a result ``result_readable`` took, on the result itself
    and cheaper: an indicator naming no member is replaced by the equal one read before
    (held in ``memo`` under its fields), dict and texts at once: most of a result's
    indicators ("Có nguồn nước hợp vệ sinh…") say the same in every household. An
    indicator naming members keeps its own. Making a new dict of every indicator and
    looking up each of its texts was a quarter of checking a record. The shared dicts are
    read-only to the package's readers, as ``forms.classify`` shares its outcomes."""
    share = memo.setdefault
    for key in _SHARED_TOP:
        value = res.get(key)
        if value is not None:  # text: result_readable checked it
            res[key] = share(value, value)
    for key in ("reasons", "warnings"):
        items = res.get(key)
        if items:
            res[key] = list(map(share, items, items))
    indicators = res.get("indicators")
    if indicators:
        fields = _INDICATOR_KEY
        for i, o in enumerate(indicators):
            # Exactly its seven keys (an eighth would be lost by sharing), no member named.
            if not o["member_ids"] and len(o) == _INDICATOR_SIZE:
                indicators[i] = share(fields(o), o)


_RECORD_KEYS = frozenset(
    {
        "household",
        "rev",
        "revs",
        "deleted",
        "created_at",
        "created_device",
        "updated_at",
        "updated_device",
        "updated_by",
        "results",
    }
)


def record_from_dict(
    obj: Any, memo: dict[Any, Any] | None = None, today: date | None = None
) -> PackageRecord:
    """One record, checked field by field; raises ``PackageError`` (Vietnamese). ``memo``:
    texts shared between the records of one package (``_shared``); ``today``: what "the
    future" is for its dates (``check_household``; the clock's today when not given)."""
    if not isinstance(obj, dict):
        raise PackageError("bản ghi không phải một đối tượng.")
    if not _RECORD_KEYS.issuperset(obj):
        unknown = set(obj) - _RECORD_KEYS
        raise PackageError(f"có trường không biết: {', '.join(sorted(map(str, unknown)))[:200]}.")
    hh = obj.get("household")
    if not isinstance(hh, dict):
        raise PackageError("thiếu dữ liệu hộ.")
    try:
        household = household_from_dict(hh)
    except CodecError as exc:
        raise PackageError(str(exc)) from exc
    except (TypeError, ValueError, RecursionError) as exc:
        raise PackageError("dữ liệu hộ sai kiểu.") from exc
    problems = check_household(household, today)
    if problems:
        shown = "; ".join(p.message for p in problems[:5])
        more = f" (và {len(problems) - 5} lỗi khác)" if len(problems) > 5 else ""
        raise PackageError(f"{shown}{more}")
    rev = _rev_id(obj.get("rev"), "rev")
    revs_raw = obj.get("revs")
    if not isinstance(revs_raw, list) or not revs_raw or len(revs_raw) > MAX_REVS:
        raise PackageError("thiếu lịch sử phiên bản (revs).")
    revs: list[RevEntry] = []
    for item in revs_raw:
        if not isinstance(item, dict):
            raise PackageError("lịch sử phiên bản sai kiểu.")
        parent = item.get("parent_rev")
        merge_parent = item.get("merge_parent")
        if parent is not None and parent != "":
            _rev_id(parent, "parent_rev")
        if merge_parent is not None and merge_parent != "":
            _rev_id(merge_parent, "merge_parent")
        rev_id = _rev_id(item.get("rev"), "rev")
        device, user, at = _texts(item, _REV_TEXTS)
        revs.append(RevEntry(rev_id, parent or None, device, user, at, merge_parent or None))
    if rev not in {r.rev for r in revs}:
        raise PackageError("phiên bản hiện tại không có trong lịch sử.")
    deleted = obj.get("deleted", False)
    if not isinstance(deleted, bool):
        raise PackageError("trường 'deleted' sai.")
    results_raw = obj.get("results", {})
    if not isinstance(results_raw, dict) or len(results_raw) > MAX_RESULTS:
        raise PackageError("kết quả phân loại sai kiểu.")
    results: dict[str, dict[str, Any]] = {}
    # The members' ids, canonical UUIDs (check_household): the ids its results name.
    uuids = {m.id for m in household.members} if results_raw else set()
    for round_id, res in results_raw.items():
        if not isinstance(res, dict) or text_problem(str(round_id), 100):
            raise PackageError("kết quả phân loại sai kiểu.")
        if result_readable(res, uuids):
            # Kept as the document it is (what every caller stores or reads), the Result
            # that result_from_dict would build for the check never made.
            if memo is not None:
                _share_in_place(res, memo)
            results[str(round_id)] = res
            continue
        wrong = result_problem(res)
        if wrong:
            raise PackageError(f"kết quả phân loại không hợp lệ ({wrong}).")
        try:
            result_from_dict(res)
        except Exception as exc:  # result_from_dict raises whatever the bad value provokes
            raise PackageError("kết quả phân loại không hợp lệ.") from exc
        results[str(round_id)] = res if memo is None else _shared(res, memo)
    created_at, created_device, updated_at, updated_device, updated_by = _texts(obj, _META_TEXTS)
    return PackageRecord(
        household=household,
        rev=rev,
        revs=revs,
        deleted=deleted,
        created_at=created_at,
        created_device=created_device,
        updated_at=updated_at,
        updated_device=updated_device,
        updated_by=updated_by,
        results=results,
    )
