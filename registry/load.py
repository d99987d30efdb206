"""Loading commune packages into the registry (``rasoat registry load DSN PACKAGE…``).

Each package is read with ``db.exchange.package.open_package`` (the commune import's reader:
container, checksums, signature when signed, every record through the codec and the
validators, counts; its rows made record by record as they are read, ``prepare``) and
checked whole before anything is written; then one transaction writes
it: a ``loads`` row with the receipt, the rows with ``COPY``, and the commune's previous
load closed (``valid_to``, ``superseded_by``) with its rows kept as history.

Reading is most of a load (decrypting, decoding and validating every record; the COPY itself
is a fraction), so with several large packages it runs in reader processes (``prepare``), one
package ahead in each: the next packages are read and validated while this one is written.
A reader sends back what the checks before the write and the receipt need (the manifest, one
compact entry per household, never the decoded households) and keeps the rows, as ``COPY``
text, until the loader writes that package: then it streams them, each line after the load's
province, commune and id, straight into the ``COPY``. So the loading process never holds a
package's rows (it held two or three, 35 MB each at 3,000 households, plus their pickles).

Refused, with nothing written: a damaged or invalid file, a package of another province or of
a commune not in the province's 2025 list, a package with only part of a commune (a
surveyor's or a few villages'), a package unsigned or signed by a key not trusted for its
commune (``registry.keys``; ``trust_new`` trusts the key of a commune that has none), and a
package older than (or as old as) the one the commune already has. A package loaded before
is recognised by its id or its bytes and changes nothing.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import json
import multiprocessing
import os
import re
import stat
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import chain, repeat
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Literal

import psycopg

from db.audit import local_time
from db.exchange import container
from db.exchange.container import DEFAULT_LIMITS
from db.exchange.errors import (
    DamagedPackage,
    NewerFormat,
    NewerRelease,
    PackageError,
    PasswordRequiredError,
    WrongPasswordError,
)
from db.exchange.package import (
    Package,
    PackageRecord,
    Streamed,
    for_upper_level,
    newer_release,
    open_package,
)
from db.exchange.receipt import Action, Entry, Receipt
from db.exchange.upper_level import InForce, lists_in_force, movement_inputs, ordered
from db.version import __version__
from forms.admin_units import communes, official_code, short_name
from forms.codec import to_dict
from forms.collector import collector_paused
from forms.file_errors import os_reason
from forms.model import Category, nfc
from forms.validate import text_problem
from registry.database import province_name, registry_province
from registry.keys import BY_FIRST_LOAD, check_signer, label_of, trust

Status = Literal["loaded", "unchanged", "refused"]

HOUSEHOLD_COLUMNS = (
    "province_code", "commune_code", "load_id", "household_id", "code", "village", "head_name",
    "size", "deleted", "rev", "updated_at", "doc",
)  # fmt: skip
MEMBER_COLUMNS = (
    "province_code", "commune_code", "load_id", "household_id", "position", "member_id", "name",
    "relationship", "sex", "birth_year", "ethnicity", "id_number",
)  # fmt: skip
RESULT_COLUMNS = (
    "province_code", "commune_code", "load_id", "household_id", "round_id", "year",
    "standard_id", "category", "b1_score", "income", "deprivation_count", "deprived", "doc",
)  # fmt: skip
YEAR_COLUMNS = (
    "province_code", "commune_code", "load_id", "household_id", "year", "round_id",
    "standard_id", "category", "deprivation_count", "deprived", "size",
)  # fmt: skip
ROUND_COLUMNS = (
    "province_code", "commune_code", "load_id", "round_id", "year", "standard_id", "kind",
    "started_at", "reference_date", "decided_on", "sent_back",
)  # fmt: skip
YEAR_COUNT_COLUMNS = (
    "province_code", "commune_code", "load_id", "year", "category", "standard_id",
    "previous_category", "earlier_poor", "earlier_near_poor", "households", "persons",
    "deprivations",
)  # fmt: skip
DEPRIVATION_COLUMNS = (
    "province_code", "commune_code", "load_id", "year", "category", "indicator", "households",
)  # fmt: skip


# The rule a load's household_years, year_counts and year_deprivations are made by
# (``loads.rules``, migration 10): raised whenever ``upper_level.lists_in_force`` or
# ``movement_inputs`` changes what they make, so ``rasoat registry init`` makes the rows of
# the loads made before again from their results and rounds (``registry.derived``). 1: the
# months decided before the next review's decision, the households only a month put on the
# lists, rounds of one start taken in id order (session 27).
RULES = 1

Row = tuple[Any, ...]
# Per household, what the receipt needs: id, code, head's name, village, rev, deleted.
ReceiptLine = tuple[str, str, str, str, str, bool]


@dataclass
class LoadOutcome:
    path: Path
    status: Status
    message: str  # Vietnamese, one line
    receipt: Receipt | None = None
    load_id: int | None = None
    commune_code: str = ""


@dataclass
class Prepared:
    """A package read and validated whole, reduced to what its write needs: per table, its
    rows as ``COPY`` text (``copy_data``), made in the process that read it. From a reader
    process it comes without them (``copies`` empty, ``reader`` set): the reader keeps them
    and sends them as they are written (``tables``)."""

    manifest: dict[str, Any]
    package_id: str
    signer: str  # the signing key's fingerprint, "" when unsigned
    entries: list[ReceiptLine]
    copies: dict[str, list[bytes]] = field(default_factory=dict)  # table -> COPY lines
    counts: dict[str, int] = field(default_factory=dict)  # table -> rows
    reader: _Reader | None = field(default=None, repr=False, compare=False)
    signer_key: str = ""  # the signing key, base64 (``Signer.public_b64``), "" when unsigned

    def tables(self, head: bytes) -> Iterator[tuple[str, Iterator[bytes]]]:
        """Each table with rows, and its rows as COPY text in pieces, each line after
        ``head`` (the first columns' text)."""
        if self.reader is not None:
            yield from self.reader.tables(head, self.counts)
            return
        for table, _columns in TABLES:
            if self.copies.get(table):
                yield table, prefixed(head, self.copies[table])

    @property
    def commune(self) -> dict[str, Any]:
        return self.manifest.get("commune", {}) or {}


def commune_code_of(value: Any) -> str:
    return official_code(str(value or ""))


def province_code_of(value: Any) -> str:
    text = str(value or "").strip()
    return f"{int(text):02d}" if text.isascii() and text.isdigit() else text


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fingerprint(package: Package | Streamed) -> str:
    signer = getattr(package, "signer", None)  # packages gained signatures (format 2)
    return str(getattr(signer, "fingerprint", "") or "") if signer is not None else ""


def _public_key(package: Package | Streamed) -> str:
    signer = getattr(package, "signer", None)
    return str(getattr(signer, "public_b64", "") or "") if signer is not None else ""


# A household's document and its results' (round id -> document), as text of its line.
Texts = tuple[str | None, dict[str, str]] | None
_SPACE = re.compile(r"[ \t\n\r]*")  # JSON's whitespace, as json.decoder skips it


def _skip(line: str, i: int) -> int:
    """``i`` past JSON's whitespace. The writer (``json.dumps``' separators) puts one
    space after each colon and comma and none elsewhere, so one space followed by no
    other whitespace is stepped over without the regex, which runs for anything else (a
    match a token was about a sixth of a package's walk). An empty slice at the line's
    end is ``in`` any string, so the end goes to the regex, which gives ``i`` back."""
    here = line[i : i + 1]
    if here not in _WHITESPACE:
        return i
    if here == " " and line[i + 1 : i + 2] not in _WHITESPACE:
        return i + 1
    return _SPACE.match(line, i).end()  # type: ignore[union-attr]


_WHITESPACE = " \t\n\r"
_scan = json.JSONDecoder().scan_once  # type: ignore[attr-defined]  # json.loads's scanner


class Located:
    """A household line's parser for ``read_package``: what ``json.loads`` gives, and in
    ``texts`` where the household's document and each result's lie in the line, so the
    loader stores them without encoding them again. It walks the record's object (and
    its "results" object) itself and parses every value with json's own scanner; a line
    it does not walk through cleanly goes to ``json.loads``, which then decides (its
    ``texts`` entry None), so a line is taken or refused exactly as the commune import
    takes or refuses it."""

    def __init__(self) -> None:
        self.texts: list[Texts] = []

    def __call__(self, line: str) -> Any:
        try:
            start = _skip(line, 0)
            record, end, spans, results = _walk(line, start, "results")
            if _SPACE.match(line, end).end() != len(line):  # type: ignore[union-attr]
                raise ValueError("extra data")
        except (ValueError, StopIteration, IndexError, RecursionError):
            self.texts.append(None)
            return json.loads(line)
        where = spans.get("household")
        household = line[where[0] : where[1]] if where is not None else None
        self.texts.append((household, {k: line[a:b] for k, (a, b) in results.items()}))
        return record


Span = tuple[int, int]


def _walk(
    line: str, i: int, inner: str = ""
) -> tuple[dict[str, Any], int, dict[str, Span], dict[str, Span]]:
    """The JSON object at ``line[i]``, where it ends, where each value lies, and where the
    values of the value of key ``inner`` lie when it is an object (walked too). Raises
    ValueError or StopIteration where json would refuse."""
    if line[i] != "{":
        raise ValueError("not an object")
    obj: dict[str, Any] = {}
    spans: dict[str, Span] = {}
    nested: dict[str, Span] = {}
    i = _skip(line, i + 1)
    if line[i] == "}":
        return obj, i + 1, spans, nested
    while True:
        if line[i] != '"':
            raise ValueError("expecting a key")
        key, i = json.decoder.scanstring(line, i + 1, True)  # type: ignore[attr-defined]
        if line[i] != ":":  # the writer's colon follows the key: no call then
            i = _skip(line, i)
            if line[i] != ":":
                raise ValueError("expecting ':'")
        start = i = _skip(line, i + 1)
        if key == inner and line[i] == "{":
            value, i, nested, _ = _walk(line, i)
        else:
            value, i = _scan(line, i)
            if key == inner:  # a later value of the same key replaces an earlier object
                nested = {}
        obj[key] = value
        spans[key] = (start, i)
        if line[i] != ",":  # the writer's comma follows the value: no call then
            i = _skip(line, i)
            if line[i] == "}":
                return obj, i + 1, spans, nested
            if line[i] != ",":
                raise ValueError("expecting ','")
        i = _skip(line, i + 1)


def prepare(path: Path, password: str | None, recovery_key: str | None) -> Prepared | str:
    """Reads and validates one package whole (the commune import's reader, every check of
    ``read_package``), making its rows as COPY lines record by record as they are read;
    a refused package is its Vietnamese message. Runs in a worker process when
    ``load_packages`` reads ahead, so everything it returns is plain and picklable.

    Each record is let go once its rows are made: the reader never holds the decoded
    package (about 160 MB at 3,000 households), and its records' results keep their own
    texts (``share=False``: sharing them only saved memory while the package was held).
    Nothing is written before the whole package has been read and checked: a refusal at
    its end (counts, certificates, a part's checksum) still refuses it whole."""
    not_utf8 = f"Gói {path.name} bị hỏng hoặc không hợp lệ: có văn bản không phải UTF-8."
    try:
        with (
            collector_paused(),
            open_package(
                path, password=password, recovery_key=recovery_key, decode=(located := Located()),
                share=False,
            ) as stream,
        ):  # fmt: skip
            rows = _Rows(stream.commune)
            copies: dict[str, list[bytes]] = {table: [] for table, _columns in TABLES}
            entries: list[ReceiptLine] = []
            utf8 = True
            for rec, texts, in_force in _read_in_force(stream, located):
                hid, code, village, head, _size, deleted, rev, *_ = rows.add(rec, texts, in_force)
                entries.append((hid, code, head, village, rev, deleted))
                try:
                    rows.move_lines(copies)
                except UnicodeEncodeError:  # a lone surrogate the validators let through
                    # Said once the package is read whole: a refusal of the reader's own
                    # (a damaged part, the counts) comes first, as when it was read whole.
                    utf8 = False
                    rows = _Rows(stream.commune)
            if not utf8:
                return not_utf8
            for (table, _columns), made in zip(TABLES, rows.tables(), strict=True):
                copies[table] += copy_lines(made)
            prepared = Prepared(
                manifest=stream.manifest,
                package_id=stream.package_id,
                signer=_fingerprint(stream),
                signer_key=_public_key(stream),
                entries=entries,
                copies=copies,
                counts={table: len(lines) for table, lines in copies.items()},
            )
        return prepared
    except (PasswordRequiredError, WrongPasswordError) as exc:
        # Not damage: the package is fine, the password is missing or wrong.
        return f"Gói {path.name}: {exc}"
    except NewerFormat as exc:
        return newer_format(path, exc)
    except PackageError as exc:
        reason, newer = str(exc), _newer_release(path)
        if isinstance(exc, NewerRelease):  # the commune officer's advice left out
            reason, newer = exc.reason, exc.version
        if newer:
            # A newer release may write what this one refuses (records refuse unknown keys):
            # the province's install is behind, the commune's package need not be damaged.
            return (
                f"Gói {path.name} do Rà soát {newer}, mới hơn bản trên máy của tỉnh "
                f"({__version__}), tạo; bản này chưa đọc được: {reason} Cài phiên bản mới của "
                "rasoat (phần registry) trên máy của tỉnh rồi nạp lại gói; nếu vẫn bị từ chối, "
                "đề nghị xã gửi lại gói."
            )
        if isinstance(exc, DamagedPackage):  # the commune officer's advice left out
            return (
                f"Gói {path.name} bị hỏng hoặc không hợp lệ: {exc.reason} Đề nghị xã chép "
                "lại hoặc xuất lại gói và gửi lại."
            )
        return f"Gói {path.name} bị hỏng hoặc không hợp lệ: {exc}"
    except UnicodeEncodeError:
        return not_utf8


def _read_in_force(
    stream: Streamed, located: Located
) -> Iterator[tuple[PackageRecord, Texts, dict[int, InForce]]]:
    """Each record of ``stream`` as it is read and checked, deleted ones included, with
    where its documents lie in its line (``located``) and its lists in force by review
    year (``lists_in_force``, which passes over deleted households: they get none)."""
    held: deque[tuple[PackageRecord, Texts]] = deque()
    texts = located.texts

    def every(records: Iterator[PackageRecord]) -> Iterator[PackageRecord]:
        for rec in records:
            # The line just parsed is this record's (one parse a record, blank lines none).
            held.append((rec, texts[-1] if len(texts) == 1 else None))
            texts.clear()
            if not rec.deleted:
                yield rec

    for live, by_year in lists_in_force(stream, every(stream.records())):
        while True:
            rec, found = held.popleft()
            if rec is live:
                yield rec, found, by_year
                break
            yield rec, found, {}
    while held:
        rec, found = held.popleft()
        yield rec, found, {}


def _reader_count(paths: list[Path]) -> int:
    """Worker processes for reading: none for one package or a few small ones (a worker's
    start, about a second, would cost more than it saves), else one per core up to two."""
    if len(paths) < 2:
        return 0
    with contextlib.suppress(OSError):
        if sum(p.stat().st_size for p in paths) < 4_000_000:
            return 0
    return min(2, os.cpu_count() or 1)


def load_packages(
    conn: psycopg.Connection[Any],
    paths: Iterable[Path],
    *,
    password: str | None = None,
    recovery_key: str | None = None,
    user: str | None = None,
    progress: Callable[[LoadOutcome], None] | None = None,
    workers: int | None = None,
    keep_receipts: bool = True,
    trust_new: bool = False,
) -> list[LoadOutcome]:
    """Loads each package in its own transaction; a refused one does not stop the others.
    ``workers``: processes reading ahead (None: ``_reader_count``; 0: read here).
    ``keep_receipts=False``: each outcome's receipt is let go once ``progress`` has had it
    (a receipt holds a line per household: 100 packages of 3,000 kept about 150 MB).
    ``trust_new``: the key of a commune that has never had a trusted key is trusted with its
    package (``registry.keys.check_signer``), said on its receipt; else such a package is
    refused like one signed by an unknown key."""
    province = registry_province(conn)
    who = user or getpass.getuser()
    files = [Path(p) for p in paths]
    count = min(_reader_count(files) if workers is None else workers, len(files))
    outcomes = []
    with contextlib.ExitStack() as stack:
        context = multiprocessing.get_context("spawn")
        readers = [
            stack.enter_context(_Reader(context, password, recovery_key)) for _ in range(count)
        ]
        for path, sha, read in _read_ahead(conn, province, files, readers, password,
                                           recovery_key):  # fmt: skip
            if isinstance(read, LoadOutcome):
                outcome = read
            elif isinstance(read, str):
                outcome = LoadOutcome(path, "refused", read)
            else:
                try:
                    outcome = _write(conn, path, sha, province, read, who, trust_new)
                except psycopg.DataError:
                    # The server refused a value the reader took; the package's transaction
                    # rolled back. Its message may quote the value: not shown (personal data).
                    outcome = LoadOutcome(
                        path,
                        "refused",
                        f"Gói {path.name} bị hỏng hoặc không hợp lệ: cơ sở dữ liệu của tỉnh "
                        "không nhận dữ liệu của gói; không nạp.",
                    )
            # Let go before the next package is read here (without readers): its rows.
            del read
            if progress is not None:
                progress(outcome)
            if not keep_receipts:
                outcome.receipt = None
            outcomes.append(outcome)
    return outcomes


def _read_ahead(
    conn: psycopg.Connection[Any],
    province: str,
    paths: list[Path],
    readers: list[_Reader],
    password: str | None,
    recovery_key: str | None,
) -> Iterator[tuple[Path, str, Prepared | str | LoadOutcome]]:
    """Each path with what reading it gave, in order; with readers, each reads the next
    package as soon as the one it holds is written (or set aside), so one package is read
    in each while the caller writes. The very bytes already loaded are recognised by their
    SHA-256 here, before any reading."""
    queue: deque[tuple[Path, str, _Reader | Prepared | str | LoadOutcome]] = deque()
    pending = iter(paths)
    free = list(readers)

    def start(path: Path) -> None:
        # What is not a package file is said before anything is read: a folder, a missing
        # file, a device or a pipe (hashing /dev/zero never ended), one over the size any
        # package may have (a 20 GB file was hashed for 37 s before its refusal).
        why = not_a_package_file(path)
        if why is None:
            try:
                sha = _sha256(path)
            except OSError as exc:
                why = os_reason(exc, path.name)
        if why is not None:
            queue.append((path, "", LoadOutcome(path, "refused", why)))
            return
        known = conn.execute(
            "SELECT id, commune_code, loaded_at FROM loads WHERE province_code = %s"
            " AND package_sha256 = %s",
            (province, sha),
        ).fetchone()
        if known is not None:
            queue.append((path, sha, _unchanged(path, known)))
        elif not readers:
            queue.append((path, sha, prepare(path, password, recovery_key)))
        else:
            reader = free.pop()
            reader.read(path)
            queue.append((path, sha, reader))

    while True:
        while free and (path := next(pending, None)) is not None:
            start(path)
        if not queue:
            path = next(pending, None)
            if path is None:
                return
            start(path)
            continue
        path, sha, item = queue.popleft()
        if not isinstance(item, _Reader):
            yield path, sha, item
            continue
        try:
            yield path, sha, item.result()
        finally:
            # What it holds is written now, or was set aside (refused, loaded before, the
            # server refusing a value half-way): the reader is free for the next package.
            item.finish()
            free.append(item)


def _write(
    conn: psycopg.Connection[Any],
    path: Path,
    sha: str,
    province: str,
    package: Prepared,
    who: str,
    trust_new: bool = False,
) -> LoadOutcome:
    def refused(message: str, commune: str = "") -> LoadOutcome:
        return LoadOutcome(path, "refused", message, commune_code=commune)

    info = package.commune
    pkg_province = province_code_of(info.get("province_code"))
    commune = commune_code_of(info.get("code"))
    commune_name = str(info.get("name", "")) or commune
    if pkg_province != province:
        return refused(
            f"Gói {path.name} là của {info.get('province_name') or 'tỉnh khác'} "
            f"(mã {pkg_province or '?'}), không phải của {province_name(province)} "
            f"(mã {province}): không nạp.",
            commune,
        )
    listed = {c.code: c.name for c in communes(int(province))}
    if not (commune.isascii() and commune.isdigit()) or int(commune) not in listed:
        return refused(
            f"Gói {path.name}: mã xã '{commune}' không thuộc {province_name(province)} theo "
            "danh mục đơn vị hành chính năm 2025: không nạp.",
            commune,
        )
    scope = package.manifest.get("scope", {}) or {}
    if scope.get("kind", "commune") != "commune":
        return refused(
            f"Gói {path.name} chỉ có một phần dữ liệu của {commune_name} "
            f"({scope.get('description', '')}); cấp tỉnh chỉ nhận gói toàn bộ dữ liệu của xã.",
            commune,
        )
    created = str(package.manifest.get("created_at", ""))
    with conn.transaction():
        # One loader per commune at a time: the check of the current state and the write that
        # replaces it must see the same state.
        conn.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))", (f"registry:{province}:{commune}",)
        )
        again = conn.execute(
            "SELECT id, commune_code, loaded_at, package_sha256 FROM loads"
            " WHERE province_code = %s AND (package_id = %s OR package_sha256 = %s)",
            (province, package.package_id, sha),
        ).fetchone()
        if again is not None and again[3] != sha:
            # The same package id, other bytes: a package edited outside the application
            # (said "không có gì thay đổi", its changes were silently left out).
            return refused(
                f"Gói {path.name} mang mã của một gói đã nạp nhưng nội dung khác: gói đã bị sửa "
                "ngoài phần mềm; không nạp. Hãy xin xã xuất lại gói.",
                commune,
            )
        if again is not None:
            return _unchanged(path, again[:3])
        current = conn.execute(
            "SELECT id, package_created_at, signer FROM loads WHERE province_code = %s"
            " AND commune_code = %s AND valid_to IS NULL",
            (province, commune),
        ).fetchone()
        # Authenticated before believed: only a key trusted for this commune (or, with
        # trust_new, the first key of a commune that has none) lets the package in.
        key = check_signer(
            conn,
            province,
            commune,
            commune_name,
            path.name,
            package.signer,
            str(current[2] or "") if current is not None else None,
            trust_new,
            given=str(path),
        )
        if key.refusal:
            return refused(key.refusal, commune)
        made = created_time(created)
        if made is None:
            return refused(
                f"Gói {path.name}: ngày tạo gói '{created[:40]}' không hợp lệ: không nạp.",
                commune,
            )
        if made > datetime.now(UTC) + CLOCK_AHEAD:
            return refused(
                f"Gói {path.name} của {commune_name} ghi tạo lúc {local_time(created)}, ở tương "
                "lai: đồng hồ máy xuất gói sai. Hãy chỉnh giờ máy đó rồi xuất lại gói; không nạp.",
                commune,
            )
        loaded = created_time(str(current[1])) if current is not None else None
        if current is not None and (made <= loaded if loaded else created <= current[1]):
            return refused(
                f"Gói {path.name} của {commune_name} tạo lúc {local_time(created)}, không mới "
                f"hơn gói đã nạp (tạo lúc {local_time(str(current[1]))}): không nạp.",
                commune,
            )
        previous: dict[str, tuple[str, bool]] = {}
        if current is not None:
            previous = {
                hid: (rev, deleted)
                for hid, rev, deleted in conn.execute(
                    "SELECT household_id, rev, deleted FROM households"
                    " WHERE province_code = %s AND load_id = %s",
                    (province, current[0]),
                )
            }
        receipt = _receipt(package, path, commune, commune_name, previous, who)
        receipt.province_name = province_name(province)
        if key.trust:  # written with the load, in its transaction: refused, neither is kept
            trust(
                conn,
                province,
                commune,
                public_key=package.signer_key,
                label=label_of(package.manifest),
                source=path.name,
                user=who,
                how=BY_FIRST_LOAD,
            )
            receipt.warnings.append(
                f"khoá của máy xuất gói (dấu vân tay {package.signer}) được tỉnh tin cậy cho "
                f"xã từ lần nạp này (--trust-new, {who}): các gói sau của xã phải được ký bằng "
                "khoá này hoặc một khoá khác tỉnh đã tin cậy cho xã."
            )
        said = _name_warning(commune_name, listed[int(commune)], commune)
        if said:
            receipt.warnings.append(said)
        counts = package.manifest.get("counts", {}) or {}
        if current is not None:  # closed first: one open load per commune (loads_current)
            conn.execute(
                "UPDATE loads SET valid_to = now() WHERE province_code = %s AND id = %s",
                (province, current[0]),
            )
        inserted = conn.execute(
            "INSERT INTO loads (province_code, commune_code, commune_name, province_name,"
            " package_id, package_sha256, package_created_at, package_created_by, package_device,"
            " signer, source, loaded_by, households, members, results, receipt, for_upper_level,"
            " rules)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
            " RETURNING id",
            (
                province,
                commune,
                commune_name,
                province_name(province),
                package.package_id,
                sha,
                created,
                str(package.manifest.get("created_by", "")),
                str(package.manifest.get("device", "")),
                package.signer,
                path.name,
                who,
                int(counts.get("households", 0)),
                int(counts.get("members", 0)),
                package.counts["results"],
                receipt.to_json(indent=None),
                for_upper_level(package.manifest),
                RULES,
            ),
        ).fetchone()
        assert inserted is not None
        load_id = int(inserted[0])
        if current is not None:
            conn.execute(
                "UPDATE loads SET superseded_by = %s WHERE province_code = %s AND id = %s",
                (load_id, province, current[0]),
            )
        write_rows(conn, (province, commune, load_id), package)
    return LoadOutcome(
        path,
        "loaded",
        f"Đã nạp gói {path.name} của {commune_name}: {receipt.summary()}.",
        receipt,
        load_id,
        commune,
    )


def _newer_release(path: Path) -> str:
    """The release of Rà soát that made the package when it is newer than this one, else ""
    (also when its manifest cannot be read)."""
    try:
        return newer_release(container.read_manifest(path))
    except (PackageError, OSError):
        return ""


def newer_format(path: Path, exc: NewerFormat, again: str = "nạp lại gói này") -> str:
    """Not damage: the commune's Rà soát is newer than this install, which must be updated
    (the commune need not send it again); ``again``: what to do then."""
    return (
        f"Gói {path.name} do phiên bản Rà soát mới hơn tạo (gói vẫn dùng được): {exc} Trên máy "
        f"của tỉnh, cài phiên bản mới của rasoat (phần registry) rồi {again}; xã không cần "
        "gửi lại."
    )


def not_a_package_file(path: Path) -> str | None:
    """Why ``path`` cannot be a package, told from the file system alone, or None."""
    try:
        info = path.stat()
    except OSError as exc:
        return os_reason(exc, path.name)
    if stat.S_ISDIR(info.st_mode):
        return f"{path.name} là một thư mục, không phải tệp gói."
    if not stat.S_ISREG(info.st_mode):
        return f"{path.name} không phải một tệp gói (là thiết bị hoặc đường ống của hệ thống)."
    if info.st_size > DEFAULT_LIMITS.package_bytes:
        return f"Tệp {path.name} quá lớn để là một gói dữ liệu: không nạp."
    return None


def created_time(text: str) -> datetime | None:
    """A package's ``created_at`` as a time (UTC when it names no zone), or None when it is
    not one: compared as text, "zzz" came after every real time."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# A laptop's clock may be somewhat ahead; a package dated further ahead would keep every
# later, true package of its commune out ("không mới hơn gói đã nạp").
CLOCK_AHEAD = timedelta(days=2)


def _unchanged(path: Path, known: tuple[Any, ...]) -> LoadOutcome:
    load_id, commune, loaded_at = known
    when = loaded_at.astimezone().strftime("%H:%M ngày %d/%m/%Y")
    return LoadOutcome(
        path,
        "unchanged",
        f"Gói {path.name} đã được nạp lúc {when}: không có gì thay đổi.",
        None,
        int(load_id),
        str(commune),
    )


def _name_warning(name: str, listed: str, code: str) -> str:
    """What to tell the province when a commune's package names it otherwise than the 2025
    list does for its code (a name typed by hand, a code picked wrong at the first start):
    loaded under the commune's own name, as the code decides where its rows go, but said.
    Written with or without "Xã"/"Phường", and in either Unicode form, it is the same name."""
    if short_name(nfc(name)) == short_name(nfc(listed)):
        return ""
    return (
        f"tên xã trong gói ('{name}') khác tên trong danh mục đơn vị hành chính năm 2025 của "
        f"mã {code} ('{listed}'): hãy hỏi xã kiểm tra lại mã xã và tên xã."
    )


def _receipt(
    package: Prepared,
    path: Path,
    commune: str,
    commune_name: str,
    previous: dict[str, tuple[str, bool]],
    user: str,
) -> Receipt:
    """The commune import's receipt, against the commune's previous load: added, updated,
    deleted, unchanged per household."""
    manifest = package.manifest
    receipt = Receipt(
        package_id=package.package_id,
        source=path.name,
        commune_code=commune,
        commune_name=commune_name,
        scope=str((manifest.get("scope") or {}).get("description", "")),
        package_created_at=str(manifest.get("created_at", "")),
        package_created_by=str(manifest.get("created_by", "")),
        package_device=str(manifest.get("device", "")),
        imported_at=datetime.now(UTC).isoformat(timespec="seconds"),
        imported_by=user,
        device="cơ sở dữ liệu của tỉnh",
        written=True,
    )
    seen: set[str] = set()
    for hid, code, _head, village, rev, deleted in package.entries:
        seen.add(hid)
        before = previous.get(hid)
        action: Action
        if deleted:
            action = "deleted" if before is not None and not before[1] else "unchanged"
        elif before is None or before[1]:
            action = "added"
        elif before[0] != rev:
            action = "updated"
        else:
            action = "unchanged"
        receipt.entries.append(Entry(hid, code, village, action))
    if for_upper_level(manifest):
        receipt.warnings.append(
            "Gói rút gọn gửi cấp trên: đủ cho số liệu tổng hợp và danh sách, nhưng không có câu"
            " trả lời phiếu nên xã này không được tính lại theo chuẩn khác (so sánh hai chuẩn)"
            " cho đến khi xã gửi gói đầy đủ."
        )
    gone = [hid for hid, (_rev, deleted) in previous.items() if hid not in seen and not deleted]
    if gone:
        receipt.warnings.append(
            f"{len(gone)} hộ có trong gói trước của xã nhưng không có trong gói này "
            "(không còn trong tệp của xã): không còn trong số liệu hiện tại của tỉnh."
        )
    return receipt


def rows_of(package: Package, texts: list[Texts] | None = None) -> tuple[list[Row], ...]:
    """The rows a package writes (rounds, households, members, results, household_years,
    year_counts, year_deprivations: ``TABLES``' order), without their first three columns:
    province, commune, load id. ``prepare`` makes the same rows one record at a time as it
    reads them (``_Rows``); this, from a package read whole, is what tests compare it with.

    ``texts`` (``Located.texts``, one per record): each household's and result's document
    as the package's line holds it; without it, encoded from the record (``_Rows.add``)."""
    rows = _Rows(package.commune)
    in_force = {rec.household.id: by_year for rec, by_year in lists_in_force(package)}
    if texts is None or len(texts) != len(package.records):
        texts = [None] * len(package.records)
    for rec, found_texts in zip(package.records, texts, strict=True):
        rows.add(rec, found_texts, in_force.get(rec.household.id, {}))
    return rows.tables()


class _Rows:
    """A package's rows (``rows_of``), made one record at a time.

    household_years holds the lists in force (migration 3): for each live household and
    review year, the category Tổng hợp nhiều xã counts (``upper_level.lists_in_force``:
    the periodic review's, updated by the monthly rounds decided since, sent-back
    households as their meetings left them) and the deprivations of the result it comes
    from. Made in the reader, by that very function, so the two summaries agree.

    Each household's and result's document is stored as the package's line holds it
    (``Located``) rather than encoded again (a fifth of a read); a document not found
    there is encoded from the record. year_counts and year_deprivations are
    household_years summed for the province summary (``year_counts``)."""

    def __init__(self, commune: Mapping[str, Any]) -> None:
        rounds = []
        for r in commune.get("rounds", []) or []:
            decided = r.get("decided_on")  # not checked by the reader: kept only when plain
            if not isinstance(decided, str) or text_problem(decided, 100):
                decided = None
            rounds.append(
                (r["id"], r["year"], r["standard_id"], r["kind"], r.get("started_at"),
                 r.get("reference_date"), decided, list(r.get("sent_back", []) or []))
            )  # fmt: skip
        self.rounds = rounds
        self.years = {r[0]: r[1] for r in rounds}
        # As the commune file orders them (year, then start): the movements' rounds.
        self.order = ordered(
            (r[0], r[1], r[3] == "periodic", str(r[4] or ""), r[6], r[7]) for r in rounds
        )
        self.households: list[Row] = []
        self.members: list[Row] = []
        self.results: list[Row] = []
        self.picked: list[Row] = []
        # Each picked row's movement inputs (``upper_level.movement_inputs``), in its order.
        self.moves: list[tuple[Category | None, bool, bool]] = []

    def add(self, rec: PackageRecord, found_texts: Texts, in_force: dict[int, InForce]) -> Row:
        """The record's rows (``in_force``: its lists in force by review year, as
        ``lists_in_force`` gives them; none for a deleted household); its households row
        returned."""
        dumps = _dumps
        hh = rec.household
        hid = hh.id
        size = hh.size()
        doc, docs = found_texts if found_texts is not None else (None, {})
        household = (hid, hh.code, hh.village, hh.head_name(), size, rec.deleted, rec.rev,
                     rec.updated_at, doc if doc is not None else dumps(to_dict(hh)))  # fmt: skip
        self.households.append(household)
        members = self.members
        for pos, m in enumerate(hh.members):
            # Relationship and Sex are StrEnums: the member is its value's text (``.value``
            # is a Python-level property, two calls a member).
            members.append(
                (hid, pos, m.id, m.name, m.relationship or None, m.sex or None,
                 m.year_of_birth(), m.ethnicity, m.id_number)
            )  # fmt: skip
        by_round: dict[str, Row] = {}
        years = self.years
        for round_id, res in rec.results.items():
            deprived = [o["id"] for o in res.get("indicators", []) if o.get("status") == "deprived"]
            row = (hid, round_id, years[round_id], res["standard_id"], res["category"],
                   res.get("b1_score"), res.get("income"), int(res.get("deprivation_count", 0)),
                   deprived, docs[round_id] if round_id in docs else dumps(res))  # fmt: skip
            self.results.append(row)
            by_round[round_id] = row
        self.add_years(hid, size, rec.results, by_round, in_force)
        return household

    def add_years(
        self,
        hid: str,
        size: int,
        results: Mapping[str, Mapping[str, Any]],
        by_round: Mapping[str, Row],
        in_force: dict[int, InForce],
    ) -> None:
        """A live household's household_years rows and their movement inputs: ``results``
        its results by round (``category`` read), ``by_round`` their results rows
        (``RESULT_COLUMNS`` without the first three), ``in_force`` its lists in force by
        review year. Also what ``registry.derived`` remakes an older load's rows with."""
        for year, found in in_force.items():
            r = by_round[found.round_id]
            self.picked.append((hid, year, r[1], r[3], found.category.value, r[7], r[8], size))
            self.moves.append(movement_inputs(self.order, hid, results, year))

    def move_lines(self, copies: dict[str, list[bytes]]) -> None:
        """The households', members' and results' rows made so far appended to ``copies``
        as COPY lines and let go (the rest are small and made at the end: ``tables``).
        UnicodeEncodeError for a text that is not UTF-8 (a lone surrogate)."""
        for table, rows in (
            ("households", self.households),
            ("members", self.members),
            ("results", self.results),
        ):
            copies[table] += copy_lines(rows)
            rows.clear()

    def tables(self) -> tuple[list[Row], ...]:
        counts, deprivations = year_counts(self.picked, self.moves)
        return (self.rounds, self.households, self.members, self.results, self.picked, counts,
                deprivations)  # fmt: skip


_dumps = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


def year_counts(
    picked: list[Row], moves: list[tuple[Category | None, bool, bool]]
) -> tuple[list[Row], list[Row]]:
    """One load's household_years rows (``picked``) summed as the province summary counts
    them (migrations 6 and 7 make the same rows in SQL for loads made before them): per
    review year, category, standard and the movement's inputs (``moves``, one a picked row:
    ``upper_level.movement_inputs``, the household's category in the previous periodic
    review, None when it was on no list then or there is none, and whether it was poor,
    near-poor in any round before that: what ``forms.transitions.transition`` takes) the
    households, persons and deprivations; and per year, category and indicator the
    households deprived in it. Made once per load, where the summary worked them out from
    every household of the province each time."""
    counts: dict[Row, list[int]] = {}
    deprived: dict[Row, int] = {}
    for row, (before, poor, near_poor) in zip(picked, moves, strict=True):
        _hid, year, _round, standard, category, deprivation_count, indicators, size = row
        key = (year, category, standard, before.value if before else None, poor, near_poor)
        total = counts.get(key)
        if total is None:
            total = counts[key] = [0, 0, 0]
        total[0] += 1
        total[1] += size
        total[2] += deprivation_count
        for indicator in indicators:
            at = (year, category, indicator)
            deprived[at] = deprived.get(at, 0) + 1
    return [(*k, *v) for k, v in counts.items()], [(*k, n) for k, n in deprived.items()]


TABLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("rounds", ROUND_COLUMNS),
    ("households", HOUSEHOLD_COLUMNS),
    ("members", MEMBER_COLUMNS),
    ("results", RESULT_COLUMNS),
    ("household_years", YEAR_COLUMNS),
    ("year_counts", YEAR_COUNT_COLUMNS),
    ("year_deprivations", DEPRIVATION_COLUMNS),
)


def copy_data(
    tables: tuple[list[Row], ...],
) -> tuple[dict[str, list[bytes]], dict[str, int]]:
    """``rows_of``'s rows as ``COPY`` lines (``copy_lines``), per table, and how many rows
    each. Made in the reader, so the loading process only sends bytes (it had to unpickle
    every row and then format it again for psycopg); the first three columns are added as
    they are written (``write_rows``)."""
    copies, counts = {}, {}
    for (table, _columns), rows in zip(TABLES, tables, strict=True):
        copies[table] = copy_lines(rows)
        counts[table] = len(rows)
    return copies, counts


def copy_lines(rows: Iterable[Row]) -> list[bytes]:
    """Rows in ``COPY``'s text format, UTF-8, one line each without its newline, tab
    between values. Each line encoded alone: a table's text whole as ``str`` took twice its
    UTF-8 bytes (most Vietnamese text is stored two bytes a character); and kept as lines,
    not joined: the join held the results' 23 MB twice at a reader's peak of memory."""
    return [("\t".join(map(_field, row))).encode() for row in rows]


def copy_text(rows: Iterable[Row]) -> bytes:
    """Rows in ``COPY``'s text format, UTF-8, each line ending in a newline."""
    return b"".join([line + b"\n" for line in copy_lines(rows)])


def _field(value: Any) -> str:
    """One value in ``COPY``'s text format: NULL as \\N, booleans as t/f, a list as an
    array literal, backslash, tab, newline and carriage return escaped."""
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return value.translate(_COPY_ESCAPES)
        return value
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):  # text[]: each element quoted, inside the COPY escaping
        items = ",".join('"' + x.replace("\\", "\\\\").replace('"', '\\"') + '"' for x in value)
        return ("{" + items + "}").translate(_COPY_ESCAPES)
    raise TypeError(f"no COPY text for {type(value).__name__}")


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def write_rows(conn: psycopg.Connection[Any], prefix: Row, package: Prepared) -> None:
    """Every table's rows, each line after ``prefix`` (province, commune, load id)."""
    head = copy_text([prefix])[:-1] + b"\t"
    columns = dict(TABLES)
    for table, pieces in package.tables(head):
        with conn.cursor().copy(f"COPY {table} ({', '.join(columns[table])}) FROM STDIN") as copy:
            for piece in pieces:
                copy.write(piece)


def prefixed(head: bytes, lines: list[bytes], size: int = 1 << 20) -> Iterator[bytes]:
    """COPY text of ``lines`` (``copy_lines``), each after ``head``, in pieces of about
    ``size`` bytes: never the whole table at once (the results' are 23 MB at 3,000
    households). Each piece made by one join: joining the lines with the head and then
    adding the first head and the last newline copied every 1 MB piece twice more (about
    a thirtieth of a reader's CPU)."""
    start = taken = 0
    last = len(lines)
    for end, line in enumerate(lines, 1):
        taken += len(line)
        if taken >= size or end == last:
            yield b"".join(chain.from_iterable(zip(repeat(head), lines[start:end], repeat(b"\n"))))
            start, taken = end, 0


class _Reader:
    """A reader process (``_read_packages``) and the loader's end of its pipe. It reads one
    package at a time: ``read`` starts it, ``result`` waits for what the loader checks
    before writing, ``tables`` has it stream the rows as they are written, ``finish`` sets
    aside what was not asked for (or not taken: the server refused a value half-way)."""

    def __init__(self, context: Any, password: str | None, recovery_key: str | None) -> None:
        self._context = context
        self._secrets = (password, recovery_key)
        self._conn: Connection | None = None
        self._process: Any = None  # started by the first package it reads
        self._holding = False  # a package read and not yet written or set aside
        self._ends_due = 0  # tables whose end the stream has still to bring

    def __enter__(self) -> _Reader:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._process is None or self._conn is None:
            return
        if not self._holding and not self._ends_due:
            with contextlib.suppress(OSError):
                self._conn.send(None)  # no more packages: it ends
            self._process.join(10)
        if self._process.is_alive():  # left waiting half-way (the loader failed)
            self._process.terminate()
            self._process.join()
        self._conn.close()

    @property
    def _pipe(self) -> Connection:
        """The pipe to the process, started here at the first package: a load that reads
        nothing (every package loaded before) starts none (about a second each)."""
        if self._conn is None:
            self._conn, child = self._context.Pipe()
            self._process = self._context.Process(
                target=_read_packages,
                args=(child, *self._secrets),
                name="rasoat registry reader",
                daemon=True,
            )
            self._process.start()
            child.close()
        return self._conn

    def _receive(self) -> Any:
        try:
            return self._pipe.recv()
        except EOFError:
            raise RuntimeError("a registry reader process stopped") from None

    def read(self, path: Path) -> None:
        self._pipe.send(path)

    def result(self) -> Prepared | str:
        got = self._receive()
        if isinstance(got, BaseException):  # raised here, as a pool's result() did
            raise got
        if isinstance(got, Prepared):
            got.reader = self
            self._holding = True
        return got  # type: ignore[no-any-return]

    def tables(self, head: bytes, counts: dict[str, int]) -> Iterator[tuple[str, Iterator[bytes]]]:
        self._pipe.send(head)
        self._holding = False
        names = [table for table, _columns in TABLES if counts.get(table)]
        self._ends_due = len(names)
        for table in names:
            yield table, self._pieces()

    def _pieces(self) -> Iterator[bytes]:
        while piece := self._pipe.recv_bytes():
            yield piece
        self._ends_due -= 1

    def finish(self) -> None:
        try:
            if self._holding:
                self._pipe.send(None)  # not written: it drops them
            while self._ends_due:  # the rest of a stream the write stopped taking
                if not self._pipe.recv_bytes():
                    self._ends_due -= 1
        except (EOFError, OSError):  # it stopped: the next result() says so
            self._ends_due = 0
        self._holding = False


def _read_packages(conn: Connection, password: str | None, recovery_key: str | None) -> None:
    """A reader process: for each path the loader sends, the package read and validated
    (``prepare``) and sent back without its rows; then, given the first columns' text, the
    rows streamed table by table (pieces, an empty one ending each table), or, given None,
    dropped. Ends when the loader sends None for a path or goes away."""
    with contextlib.suppress(EOFError, BrokenPipeError, KeyboardInterrupt):
        while (path := conn.recv()) is not None:
            try:
                ready = prepare(path, password, recovery_key)
            except Exception as exc:  # the loader raises it
                conn.send(exc)
                continue
            if isinstance(ready, str):
                conn.send(ready)
                continue
            copies, ready.copies = ready.copies, {}
            conn.send(ready)
            head = conn.recv()
            if head is not None:
                for table, _columns in TABLES:
                    if copies[table]:
                        for piece in prefixed(head, copies[table]):
                            conn.send_bytes(piece)
                        conn.send_bytes(b"")
            del copies, ready
