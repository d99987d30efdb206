"""Hard limits on household data from anywhere (a package, a workbook, a JSON file, a form).

``forms.definitions.validate_household`` judges *answers* (unanswered, out of the form's range,
a head missing): a household with such issues is still stored. The checks here are what no
stored household may break, whatever its source: bounded text without control characters,
ids as UUIDs, codes and CCCD numbers by pattern, years in range, finite non-negative numbers,
no date in the future. Data arriving from a file is refused when any of them fails; the GUI
shows them as errors (through ``validate_household``).

Each problem names the household (its code), the member by position and the field in
Vietnamese, never a name, an ID number or a birth date (docs/privacy.md). Pure: no I/O, and
``today`` is a parameter so that tests and callers decide what "the future" is.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import partial
from itertools import chain
from operator import attrgetter, is_not, itemgetter
from typing import Any

from forms.indicators import IndicatorStatus
from forms.model import Category, Household, Member

# Longest text per field (characters). A name or village of thousands of characters is no
# name: it is a file made to hurt (a 5 MB village name made every later export unreadable).
MAX_NAME = 200
MAX_SHORT = 200  # village, ethnicity, option and catalog ids
MAX_ADDRESS = 500
MAX_NOTE = 4000
MAX_CODE = 40
MAX_MEMBERS = 100
MAX_LIST = 100  # causes, needs, income sources, info assets
MAX_ANSWERS = 300  # screening and B1 answers
# Money per person per month (VND): ten billion is far beyond any household; 10^30 is not one.
MAX_MONEY = 10_000_000_000
MAX_AREA_M2 = 1_000_000.0
MAX_B1_TOTAL = 10_000
EARLIEST_BIRTH_YEAR = 1880

# Codes are typed freely in the editor (quotes and all, and they must travel in packages), so
# the pattern asks only for printable text without surrounding or doubled-up line spaces.
CODE_PATTERN = re.compile(r"\S(?:[^\r\n]*\S)?")
ID_NUMBER_PATTERN = re.compile(r"[0-9]{12}|[0-9]{9}")  # CCCD, or the old 9-digit CMND
# Multi-line fields keep line breaks and tabs; nothing else below U+0020 anywhere.
_MULTILINE = frozenset({"note", "address"})

FIELD_LABELS: dict[str, str] = {
    "code": "Mã hộ",
    "id": "Mã định danh",
    "village": "Thôn",
    "address": "Địa chỉ",
    "note": "Ghi chú",
    "members": "Thành viên",
    "name": "Họ và tên",
    "ethnicity": "Dân tộc",
    "id_number": "Số định danh cá nhân (CCCD)",
    "birth_year": "Năm sinh",
    "birth_date": "Ngày sinh",
    "floor_area_m2": "Diện tích nhà ở",
    "income_per_capita": "Thu nhập bình quân",
    "b1_total": "Tổng điểm B1",
    "screening": "Phiếu A",
    "b1_answers": "Phiếu B1",
    "income_sources": "Nguồn thu nhập",
    "causes": "Nguyên nhân nghèo",
    "needs": "Nhu cầu hỗ trợ",
    "package_id": "Mã gói",
}


@dataclass(frozen=True)
class Problem:
    household: str  # the household's code as given (shortened), "" when unknown
    target: str  # attribute path on Household/Member ("members[2].id_number" style in text)
    member_id: str | None
    message: str  # Vietnamese, already names the household and the field

    def __str__(self) -> str:
        return self.message


def printable(text: str, limit: int = 60) -> str:
    """``text`` safe to put in a message: control characters shown as '?', cut to ``limit``."""
    cleaned = "".join("?" if _bad_char(c, multiline=False) else c for c in text[: limit + 1])
    return cleaned if len(cleaned) <= limit else cleaned[:limit] + "…"


def _bad_char(c: str, *, multiline: bool) -> bool:
    if c >= " " and c != "\x7f":
        # Surrogates cannot be written as UTF-8 (SQLite, JSON, XLSX would all fail later).
        return unicodedata.category(c) == "Cs" or "\x80" <= c <= "\x9f"
    return not (multiline and c in "\n\t")


def text_problem(value: str, limit: int, *, multiline: bool = False) -> str | None:
    """Why ``value`` cannot be stored as text of at most ``limit`` characters, or None."""
    if len(value) > limit:
        # Thousands grouped with dots, the Vietnamese way; the comma between stays a comma.
        length, most = (f"{n:,}".replace(",", ".") for n in (len(value), limit))
        return f"dài {length} ký tự, quá giới hạn {most}"
    # isprintable() (in C) is False for every character _bad_char refuses (controls, C1,
    # surrogates) and for a few it takes (other spaces, format characters, unassigned): only
    # those texts need the loop, which made reading a package most of a registry load.
    if not value.isprintable() and any(_bad_char(c, multiline=multiline) for c in value):
        return "chứa ký tự điều khiển (không in được)"
    return None


# What ``str(uuid.UUID(value)) == value.lower()`` takes: the canonical 8-4-4-4-12 form, in
# hex of either case (no braces, no "urn:uuid:", no underscores, which UUID() would parse).
# A pattern, since building a UUID per id was a tenth of reading a package.
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_UUIDS = re.compile(f"(?:{_UUID.pattern})*")  # ids of 36 characters each, joined


def is_iso_day(value: object) -> bool:
    """A day as ``date.isoformat`` writes it ("2026-12-31"): what a file's day is read as."""
    if type(value) is not str:
        return False
    try:
        return date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False


def is_uuid(value: object) -> bool:
    """A canonical UUID text (36 characters, lower or upper case hex)."""
    return isinstance(value, str) and len(value) == 36 and _UUID.fullmatch(value) is not None


MAX_VILLAGE_CODE = 20  # a village's code in the administrative list, when one is kept


def village_problem(name: object, code: object = None) -> str | None:
    """Why a village (its name, and its code when it has one) cannot be stored, Vietnamese;
    None when it can. One check for the window, the command line and packages."""
    if not isinstance(name, str) or not name.strip():
        return "Tên thôn/bản không được để trống."
    problem = text_problem(name, MAX_SHORT)
    if problem:
        return f"Tên thôn/bản “{printable(name, 40)}” {problem}."
    if code is not None:
        if not isinstance(code, str):
            return f"Mã của thôn/bản “{printable(name, 40)}” không phải là chữ."
        problem = text_problem(code, MAX_VILLAGE_CODE)
        if problem:
            return f"Mã của thôn/bản “{printable(name, 40)}” {problem}."
    return None


def code_problem(code: str) -> str | None:
    if not code.strip():
        return "để trống"
    if len(code) > MAX_CODE:
        return f"dài quá {MAX_CODE} ký tự"
    if not CODE_PATTERN.fullmatch(code):
        return "không được có dấu cách ở đầu, cuối hoặc xuống dòng"
    return None


def number_problem(value: float | int, maximum: float) -> str | None:
    if isinstance(value, float) and not math.isfinite(value):
        return "không phải là số hữu hạn"
    if value < 0:
        return "không được âm"
    if value > maximum:
        return f"lớn quá mức hợp lý ({maximum:,.0f})".replace(",", ".")
    return None


class _Collector:
    def __init__(self, household: Household) -> None:
        self.code = printable(household.code, 40) if isinstance(household.code, str) else ""
        self.problems: list[Problem] = []

    def add(self, target: str, member: tuple[int, Member] | None, problem: str) -> None:
        label = FIELD_LABELS.get(target.split(".")[0], target)
        who = f"Hộ {self.code}" if self.code else "Hộ (chưa có mã)"
        if member is not None:
            # By position, never by name: these messages reach the terminal, receipts and
            # logs, which must not carry personal data (issue 20 item 6).
            who += f", thành viên thứ {member[0]}"
        self.problems.append(
            Problem(
                self.code, target, member[1].id if member else None, f"{who}: {label} {problem}."
            )
        )

    def text(
        self, target: str, value: object, limit: int, member: tuple[int, Member] | None = None
    ) -> None:
        if value is None:
            return
        if not isinstance(value, str):
            self.add(target, member, "phải là văn bản")
            return
        found = text_problem(value, limit, multiline=target in _MULTILINE)
        if found:
            self.add(target, member, found)

    def ids(self, target: str, values: Iterable[object], member: tuple[int, Member] | None) -> None:
        values = list(values)
        if len(values) > MAX_LIST:
            self.add(target, member, f"có {len(values)} mục, quá giới hạn {MAX_LIST}")
            return
        for v in values:
            self.text(target, v, MAX_SHORT, member)


def check_household(household: Household, today: date | None = None) -> list[Problem]:
    """Every hard problem of ``household`` (empty when it may be stored)."""
    today = today or date.today()
    if _household_fine(household, today):
        return []
    return _household_problems(household, today)


def _household_problems(household: Household, today: date) -> list[Problem]:
    """``check_household``'s careful path: each problem found and worded."""
    c = _Collector(household)
    h = household
    if not isinstance(h.code, str):
        c.add("code", None, "phải là văn bản")
    else:
        found = code_problem(h.code) or text_problem(h.code, MAX_CODE)
        if found:
            c.add("code", None, found)
    if not is_uuid(h.id):
        c.add("id", None, "phải là một UUID")
    c.text("village", h.village, MAX_SHORT)
    c.text("address", h.address, MAX_ADDRESS)
    c.text("note", h.note, MAX_NOTE)
    if h.income_per_capita is not None:
        found = number_problem(h.income_per_capita, MAX_MONEY)
        if found:
            c.add("income_per_capita", None, found)
    if h.floor_area_m2 is not None:
        found = number_problem(h.floor_area_m2, MAX_AREA_M2)
        if found:
            c.add("floor_area_m2", None, found)
    if h.b1_total is not None:
        found = number_problem(h.b1_total, MAX_B1_TOTAL)
        if found:
            c.add("b1_total", None, found)
    for name in ("income_sources", "causes", "needs"):
        c.ids(name, getattr(h, name), None)
    for name, answers in (("screening", h.screening), ("b1_answers", h.b1_answers)):
        if len(answers) > MAX_ANSWERS:
            c.add(name, None, f"có {len(answers)} câu trả lời, quá giới hạn {MAX_ANSWERS}")
            continue
        for key, value in answers.items():
            c.text(name, key, MAX_SHORT)
            if name == "b1_answers":
                c.text(name, value, MAX_SHORT)
    if len(h.members) > MAX_MEMBERS:
        c.add("members", None, f"có {len(h.members)} người, quá giới hạn {MAX_MEMBERS}")
        return c.problems
    seen: set[str] = set()
    for n, m in enumerate(h.members, 1):
        _check_member(c, (n, m), today, seen)
    return c.problems


_MEMBER_FIELDS = attrgetter(
    "id", "name", "ethnicity", "note", "id_number", "birth_year", "birth_date"
)
_LISTS = attrgetter("income_sources", "causes", "needs")
_given = partial(is_not, None)  # None is no text to check (``_Collector.text``)
_FINE_FAILS = (TypeError, ValueError, AttributeError)
_SHORT_MOST = min(MAX_SHORT, MAX_NAME)  # the joined short texts' limit (both 200 today)


def _household_fine(h: Household, today: date) -> bool:
    """True only when ``check_household`` finds nothing, in far fewer steps: reading a
    package checks every household (a Python frame per text and per member before). The
    texts of each kind checked at once (a joined text is printable exactly when each part
    is; line breaks and tabs taken out of the multi-line ones first), the members' fields
    as columns. False means "look closer": the careful path then finds each problem, or
    none (a printable-but-odd character, a value of a type it takes but this does not)."""
    try:
        code = h.code
        if type(code) is not str or len(code) > MAX_CODE or not CODE_PATTERN.fullmatch(code):
            return False
        if not is_uuid(h.id):
            return False
        members = h.members
        lists = _LISTS(h)
        screening, b1_answers = h.screening, h.b1_answers
        if (
            type(members) is not list
            or len(members) > MAX_MEMBERS
            or set(map(type, lists)) != {list}
            or max(map(len, lists)) > MAX_LIST
            or type(screening) is not dict
            or type(b1_answers) is not dict
            or len(screening) > MAX_ANSWERS
            or len(b1_answers) > MAX_ANSWERS
        ):
            return False
        for value, most in (
            (h.income_per_capita, MAX_MONEY),
            (h.floor_area_m2, MAX_AREA_M2),
            (h.b1_total, MAX_B1_TOTAL),
        ):
            # Not (0 <= NaN): a NaN, like an infinity, goes the careful way.
            if value is not None and not 0 <= value <= most:
                return False
        short = [code, h.village, *chain.from_iterable(lists), *screening, *b1_answers]
        short += b1_answers.values()
        multiline = [h.address, h.note]
        if members:
            ids, names, ethnicities, notes, numbers, years, births = zip(
                *map(_MEMBER_FIELDS, members), strict=True
            )
            if not (
                set(map(len, ids)) == {36}
                and _UUIDS.fullmatch("".join(ids))
                and len(set(ids)) == len(ids)
            ):
                return False
            numbers = tuple(filter(_given, numbers))
            if numbers:
                digits = "".join(numbers)
                # ASCII digits only ([0-9]), 12 or 9 of them each.
                if not (
                    set(map(len, numbers)) <= {9, 12} and digits.isascii() and digits.isdigit()
                ):
                    return False
            this_year = today.year
            # One by one: min() and max() would pass over a NaN.
            if not all(EARLIEST_BIRTH_YEAR <= y <= this_year for y in years if y is not None):
                return False
            births = tuple(filter(_given, births))
            if births and not (max(births) <= today and min(births).year >= EARLIEST_BIRTH_YEAR):
                return False
            short += names
            short += ethnicities
            multiline += notes
        short = list(filter(_given, short))
        multiline = list(filter(_given, multiline))
        # "".join refuses (TypeError) any part that is not text.
        line = "".join(short)
        lines = "".join(multiline)
        return (
            (len(line) <= _SHORT_MOST or max(map(len, short)) <= _SHORT_MOST)
            and len(h.address or "") <= MAX_ADDRESS
            and (len(lines) <= MAX_NOTE or max(map(len, multiline)) <= MAX_NOTE)
            and line.isprintable()
            and lines.replace("\n", "").replace("\t", "").isprintable()
        )
    except _FINE_FAILS:
        return False


def _check_member(c: _Collector, who: tuple[int, Member], today: date, seen: set[str]) -> None:
    m = who[1]
    if not is_uuid(m.id):
        c.add("id", who, "phải là một UUID")
    elif m.id in seen:
        c.add("id", who, "trùng với một thành viên khác")
    else:
        seen.add(m.id)
    c.text("name", m.name, MAX_NAME, who)
    c.text("ethnicity", m.ethnicity, MAX_SHORT, who)
    c.text("note", m.note, MAX_NOTE, who)
    if m.id_number is not None and not (
        isinstance(m.id_number, str) and ID_NUMBER_PATTERN.fullmatch(m.id_number)
    ):
        c.add("id_number", who, "phải gồm đúng 12 chữ số (hoặc 9 với CMND cũ)")
    if m.birth_year is not None and not EARLIEST_BIRTH_YEAR <= m.birth_year <= today.year:
        c.add("birth_year", who, f"ngoài khoảng {EARLIEST_BIRTH_YEAR}–{today.year}")
    if m.birth_date is not None:
        if m.birth_date > today:
            c.add("birth_date", who, "ở tương lai")
        elif m.birth_date.year < EARLIEST_BIRTH_YEAR:
            c.add("birth_date", who, f"trước năm {EARLIEST_BIRTH_YEAR}")


# --- classification results as they travel in packages ------------------------------------

_RESULT_TEXT = ("income_basis", "standard_id", "standard_version", "engine_version")
_RESULT_INTS = ("b1_score", "income", "review_year", "income_line", "b1_threshold")


def result_problem(d: Mapping[str, Any]) -> str | None:
    """Why a ``forms.classify.result_to_dict`` document is not one (wrong types, huge texts),
    or None. ``result_from_dict`` alone accepted any type in most fields."""
    if result_readable(d):
        return None
    return _result_problem(d)


# A result's indicator as ``result_to_dict`` writes it: its fields as one tuple, in C.
_INDICATOR_ROW = itemgetter(
    "id", "name", "dimension", "status", "reason", "member_ids", "unconfirmed"
)
_CATEGORIES = frozenset(c.value for c in Category)
_STATUSES = frozenset(s.value for s in IndicatorStatus)
_READ_FAILS = (TypeError, KeyError, ValueError)


def result_readable(d: Mapping[str, Any], uuids: frozenset[str] | set[str] = frozenset()) -> bool:
    """True only when ``result_problem(d)`` is None *and* ``forms.classify.result_from_dict``
    takes ``d`` (the keys it requires present, the category and each indicator's status
    among their values, the reference date a date), in far fewer steps than either: what a
    package's reader needs to know of a result it keeps as a document, without building the
    ``Result`` it would throw away (a sixth of reading a package). False means "look closer":
    ``_result_problem`` then finds the problem, or ``result_from_dict`` raises, or neither
    (a rare printable-but-odd character, an indicator without an optional key) and the
    careful path takes it. The texts of a result (about 70, in a dozen indicators) are
    checked at once, a joined text being printable exactly when each part is; the
    indicators as columns (one ``itemgetter`` call each, so no Python frame per indicator
    or field); the member ids as one text of ids of 36 characters each, unless all of them
    are among ``uuids``: ids already known to be canonical UUIDs (a package's reader gives
    its household's members', which ``check_household`` has checked and which the
    indicators name: one set look-up instead of the pattern over every id, a quarter of
    this check)."""
    try:
        texts = [
            d["standard_id"],  # result_from_dict requires it (KeyError)
            d.get("income_basis", ""),
            d.get("standard_version", ""),
            d.get("engine_version", ""),
        ]
        if d["category"] not in _CATEGORIES:
            return False
        for key in _RESULT_INTS:
            value = d.get(key)
            if value is not None and (type(value) is not int or not 0 <= value <= MAX_MONEY):
                return False
        count = d.get("deprivation_count", 0)
        if type(count) is not int or not 0 <= count <= 1000:
            return False
        for key in ("reasons", "warnings"):
            items = d.get(key, [])
            if type(items) is not list or len(items) > MAX_ANSWERS:
                return False
            texts += items
        indicators = d.get("indicators", [])
        if type(indicators) is not list or len(indicators) > MAX_ANSWERS:
            return False
        if indicators:
            if set(map(type, indicators)) != {dict}:
                return False
            # KeyError for an indicator without one of its keys: the careful path decides.
            ids, names, dims, statuses, reasons, lists, flags = zip(
                *map(_INDICATOR_ROW, indicators), strict=True
            )
            if not _STATUSES.issuperset(statuses):
                return False
            if set(map(type, lists)) != {list} or max(map(len, lists)) > MAX_MEMBERS:
                return False
            # TypeError for an id that cannot be hashed: the careful path decides.
            if not uuids.issuperset(chain.from_iterable(lists)):
                members = list(chain.from_iterable(lists))
                # Every id 36 long, so the joined text splits into the ids themselves.
                if not (set(map(len, members)) == {36} and _UUIDS.fullmatch("".join(members))):
                    return False
            if set(map(type, flags)) != {bool}:
                return False
            texts += ids
            texts += names
            texts += dims
            texts += reasons
        ref = d.get("reference_date")
        if ref is not None:
            if type(ref) is not str or len(ref) != 10:
                return False
            date.fromisoformat(ref)  # as result_from_dict reads it (ValueError)
        # "".join refuses (TypeError) any part that is not text. Each part's length looked
        # at only when the whole is over the limit (a result's texts join to about 1,500).
        joined = "".join(texts)
        return (
            len(joined) <= MAX_NOTE or max(map(len, texts)) <= MAX_NOTE
        ) and joined.isprintable()
    except _READ_FAILS:  # a part that is not text, has no length, is missing or unhashable
        return False


def _result_problem(d: Mapping[str, Any]) -> str | None:
    for key in _RESULT_TEXT:
        value = d.get(key, "")
        if not isinstance(value, str) or text_problem(value, MAX_NOTE):
            return f"trường '{key}' sai"
    for key in _RESULT_INTS:
        value = d.get(key)
        if value is not None and (type(value) is not int or not 0 <= value <= MAX_MONEY):
            return f"trường '{key}' sai"
    count = d.get("deprivation_count", 0)
    if type(count) is not int or not 0 <= count <= 1000:
        return "trường 'deprivation_count' sai"
    for key in ("reasons", "warnings"):
        items = d.get(key, [])
        if not isinstance(items, list) or len(items) > MAX_ANSWERS:
            return f"trường '{key}' sai"
        if any(not isinstance(x, str) or text_problem(x, MAX_NOTE) for x in items):
            return f"trường '{key}' sai"
    indicators = d.get("indicators", [])
    if not isinstance(indicators, list) or len(indicators) > MAX_ANSWERS:
        return "trường 'indicators' sai"
    for o in indicators:
        if not isinstance(o, dict):
            return "trường 'indicators' sai"
        for key in ("id", "name", "dimension", "status", "reason"):
            value = o.get(key, "")
            if not isinstance(value, str) or text_problem(value, MAX_NOTE):
                return f"chỉ số: trường '{key}' sai"
        ids = o.get("member_ids", [])
        if not isinstance(ids, list) or len(ids) > MAX_MEMBERS or not all(map(is_uuid, ids)):
            return "chỉ số: trường 'member_ids' sai"
        if not isinstance(o.get("unconfirmed", False), bool):
            return "chỉ số: trường 'unconfirmed' sai"
    ref = d.get("reference_date")
    if ref is not None and (not isinstance(ref, str) or len(ref) != 10):
        return "trường 'reference_date' sai"
    return None


# --- the list all year round (issue 24): support delivered, cadres -----------------------
SUPPORT_FIELD_LABELS: dict[str, str] = {
    "kind": "Loại hỗ trợ",
    "given_on": "Ngày hỗ trợ",
    "programme": "Chương trình, nguồn hỗ trợ",
    "given_by": "Đơn vị, người hỗ trợ",
    "amount": "Số tiền",
    "note": "Ghi chú",
}
# A preferential loan to one household is tens of millions of đồng; ten billion is no loan.
MAX_SUPPORT_AMOUNT = MAX_MONEY
EARLIEST_SUPPORT = date(2000, 1, 1)


def support_problems(
    household_code: str,
    *,
    kind: str,
    given_on: object,
    programme: str,
    given_by: str,
    amount: object,
    note: str,
    kinds: Mapping[str, bool],
    today: date | None = None,
) -> list[str]:
    """Why a support record cannot be stored, each naming the household and the field
    (empty when it may be). ``kinds``: the catalogue's kind ids → whether it has an amount."""
    today = today or date.today()
    who = f"Hộ {printable(household_code, 40)}" if household_code else "Hộ (chưa có mã)"
    found: list[str] = []

    def add(target: str, problem: str) -> None:
        found.append(f"{who}: {SUPPORT_FIELD_LABELS[target]} {problem}.")

    if kind not in kinds:
        add("kind", "không có trong danh mục")
    if not isinstance(given_on, date):
        add("given_on", "chưa ghi")
    elif given_on > today:
        add("given_on", "ở tương lai")
    elif given_on < EARLIEST_SUPPORT:
        add("given_on", f"trước năm {EARLIEST_SUPPORT.year}")
    for target, value, limit in (
        ("programme", programme, MAX_SHORT),
        ("given_by", given_by, MAX_NAME),
        ("note", note, MAX_NOTE),
    ):
        problem = text_problem(value, limit, multiline=target == "note")
        if problem:
            add(target, problem)
    if amount is not None:
        if kind in kinds and not kinds[kind]:
            add("amount", "không áp dụng cho loại hỗ trợ này")
        elif isinstance(amount, bool) or not isinstance(amount, int):
            add("amount", "phải là số nguyên (đồng)")
        else:
            problem = number_problem(amount, MAX_SUPPORT_AMOUNT)
            if problem:
                add("amount", problem)
    return found


# An application (Mẫu số 01 / 04) is handed in on a day the officer writes down: not before
# the product's first review years, not after today.
EARLIEST_APPLICATION = date(2000, 1, 1)


def application_problems(
    household_code: str, *, submitted_on: object, submitted_by: str, request: str, today: date
) -> list[str]:
    """Why a household's application cannot be stored, each naming the household and the
    field (empty when it may be)."""
    who = f"Hộ {printable(household_code, 40)}"
    found: list[str] = []
    if not isinstance(submitted_on, date):
        found.append(f"{who}: ngày nhận giấy đề nghị chưa ghi.")
    elif submitted_on > today:
        found.append(f"{who}: ngày nhận giấy đề nghị {submitted_on:%d/%m/%Y} ở tương lai.")
    elif submitted_on < EARLIEST_APPLICATION:
        found.append(
            f"{who}: ngày nhận giấy đề nghị {submitted_on:%d/%m/%Y} trước năm "
            f"{EARLIEST_APPLICATION.year}."
        )
    for label, value, limit, multiline in (
        ("người nộp giấy đề nghị", submitted_by, MAX_NAME, False),
        ("lý do đề nghị", request, MAX_NOTE, True),
    ):
        problem = text_problem(value, limit, multiline=multiline)
        if problem:
            found.append(f"{who}: {label} {problem}.")
    return found


def cadre_problems(name: str, role: str, target: str) -> list[str]:
    """Why a cadre assignment cannot be stored; ``target`` names the household ("Hộ 01-0005")
    or the village ("Thôn Bản Lề") it is for."""
    found: list[str] = []
    for label, value in (("Tên cán bộ phụ trách", name), ("Chức vụ", role)):
        problem = text_problem(value, MAX_NAME)
        if problem:
            found.append(f"{target}: {label} {problem}.")
    return found
