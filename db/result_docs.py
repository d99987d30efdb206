"""A household's answers and a result as the ``answers`` and ``results`` tables store them:
the answers' compressed text, joined from the documents' texts the caller has just encoded
for the household's and members' rows, and a result's document with the fields its row
names (``ResultDoc``), encoded from a ``Result`` or, from a package's document, joined in
``result_to_dict``'s order without building the ``Result`` (``result_doc``). Pure
encoding: the Store's results part (``db.store_results``) writes them, the merge's reader
process prepares them (``db.exchange.merge_prepare``), the deep check compares a stored
answers text with the join (``db.deep_check``)."""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from db.store_stamps import dumps
from forms.indicators import IndicatorStatus
from forms.model import Category, Household
from forms.validate import is_iso_day

if TYPE_CHECKING:
    from forms.classify import Result


# zlib level 6 (its default) kept: level 1 compresses a bench household's answers (2.1 KB of
# JSON) in 21.4 µs against 25.3 µs, into 744 bytes against 720: 0.02 s of a commune's
# 10 x 500 merge (under 1 %) for 3 % more bytes in a table that keeps every round's answers
# (and every backup). A smaller window or memory level is slower still (docs/benchmarks.md).
_LEVEL = 6


def answers_stored(docs: tuple[dict[str, Any], list[dict[str, Any]]]) -> bytes:
    """A round's answers as stored: the household's and its members' documents, compressed."""
    doc, members = docs
    return answers_bytes(dumps(dict(doc, members=members)))


def answers_bytes(text: str) -> bytes:
    """A round's answers text (``answers_json``) as stored: compressed."""
    return zlib.compress(text.encode(), _LEVEL)


def answers_household(blob: bytes) -> Household:
    """A round's stored answers (``answers_stored``) as the household they hold, its members
    inside."""
    from forms.codec import household_from_dict

    return household_from_dict(json.loads(zlib.decompress(blob)))


# The code and the village are the household document's first and third keys
# (``forms.codec``'s field order): found in its first bytes, without inflating and parsing
# the whole round's answers.
_CODE = re.compile(rb'^\{"code":("(?:[^"\\]|\\.)*")')
_VILLAGE = re.compile(rb'"village":("(?:[^"\\]|\\.)*")')
_HEAD = 512


def answered_village(blob: bytes | None) -> str | None:
    """The village a round's stored answers (``answers_bytes``) hold, or None when there
    are none or they cannot be read."""
    return _answered_text(blob, _VILLAGE)


def answered_code(blob: bytes | None) -> str | None:
    """The household code a round's stored answers hold (the code it had then), or None."""
    return _answered_text(blob, _CODE)


def _answered_text(blob: bytes | None, key: re.Pattern[bytes]) -> str | None:
    if blob is None:
        return None
    try:
        head = zlib.decompressobj().decompress(blob, _HEAD)
    except zlib.error:
        return None
    found = key.search(head)
    if found is None:
        return None
    try:
        text = json.loads(found.group(1))
    except ValueError:
        return None
    return text if isinstance(text, str) and text else None


def answers_json(doc_text: str, member_texts: Sequence[str]) -> str:
    """The text ``answers_stored`` compresses, from the documents' texts the caller has just
    encoded for the household's and members' rows (``doc_text``: ``dumps`` of the household's
    document, members left out, as ``household_doc`` gives it): the same text, joined
    instead of encoded again (a sixth of writing a new household's answers)."""
    return f'{doc_text[:-1]},"members":[{",".join(member_texts)}]}}'


@dataclass(frozen=True, slots=True)
class ResultDoc:
    """A result as the results table and its audit row take it: the fields they name and
    its document's text (``dumps(result_to_dict(result))``)."""

    category: Category
    b1_score: Any
    deprivation_count: Any
    standard_id: Any
    standard_version: Any
    engine_version: Any
    reasons: list[Any]
    text: str

    @staticmethod
    def of(result: Result) -> ResultDoc:
        from forms.classify import result_to_dict

        return ResultDoc(
            result.category,
            result.b1_score,
            result.deprivation_count,
            result.standard_id,
            result.standard_version,
            result.engine_version,
            list(result.reasons),
            dumps(result_to_dict(result)),
        )


# A result's keys, and an indicator's, in the order ``forms.classify.result_to_dict`` writes
# them (a test holds them to it).
RESULT_KEYS = (
    "category",
    "b1_score",
    "income",
    "income_basis",
    "deprivation_count",
    "indicators",
    "reasons",
    "warnings",
    "standard_id",
    "standard_version",
    "engine_version",
    "review_year",
    "reference_date",
    "income_line",
    "b1_threshold",
)
INDICATOR_KEYS = ("id", "name", "dimension", "status", "reason", "member_ids", "unconfirmed")
_CATEGORIES = {c.value: c for c in Category}
_STATUSES = frozenset(s.value for s in IndicatorStatus)
_MEMO_MAX = 20_000
_NUMBERS = (int, float, type(None))
_STR = frozenset({str})
# A text in JSON as ``store_stamps.dumps`` writes it (not ASCII-escaped): the same function
# its encoder calls for each text.
_quoted: Callable[[str], str] = json.encoder.encode_basestring


def result_doc(d: Mapping[str, Any], memo: dict[int, Any] | None = None) -> ResultDoc:
    """``ResultDoc.of(result_from_dict(d))`` for a result document as a package carries it,
    without building the ``Result`` only to encode it again when ``result_from_dict`` would
    keep every value of ``d`` as it is (each key ``result_to_dict`` writes there, no other,
    every value of the type it gives): ``d``'s values are encoded then, in the order
    ``result_to_dict`` writes them (a package has its keys sorted). Any other document (a
    key missing or unknown, an older version's) goes through ``result_from_dict`` as before,
    which raises on what it cannot read.

    ``memo``: the texts of indicators naming no member, by identity, for one merge: a
    package's reader hands every household the same dict for an indicator that says the
    same (``db.exchange.package._share_in_place``), so each is checked and encoded once
    (a result's dozen indicators were nine tenths of encoding it). It holds the dicts, so an
    identity stays theirs."""
    fast = _fast_text(d, {} if memo is None else memo)
    if fast is None:
        from forms.classify import result_from_dict

        return ResultDoc.of(result_from_dict(dict(d)))
    return ResultDoc(
        _CATEGORIES[d["category"]],
        d["b1_score"],
        d["deprivation_count"],
        d["standard_id"],
        d["standard_version"],
        d["engine_version"],
        list(d["reasons"]),
        fast,
    )


_TAIL = object()  # marks ``_tail``'s keys in a memo
_PLAIN = frozenset({str, int, type(None)})
_RESULT_KEYSET = frozenset(RESULT_KEYS)
_INDICATOR_KEYSET = frozenset(INDICATOR_KEYS)
_INDICATOR_VALUES = itemgetter(*INDICATOR_KEYS)


def _fast_text(d: Mapping[str, Any], memo: dict[int, Any]) -> str | None:
    """``dumps(result_to_dict(result_from_dict(d)))`` when that result keeps ``d``'s values
    as they are, else None."""
    if (
        len(d) != len(RESULT_KEYS)
        or d.keys() != _RESULT_KEYSET
        or type(d["category"]) is not str
        or d["category"] not in _CATEGORIES
        or type(d["deprivation_count"]) is not int
        or type(d["reasons"]) is not list
        or type(d["warnings"]) is not list
        or type(d["indicators"]) is not list
        # Numbers: encoded by one call and cut at its commas (a text or a list could hold
        # one).
        or type(d["b1_score"]) not in _NUMBERS
        or type(d["income"]) not in _NUMBERS
        or type(d["income_basis"]) is not str
    ):
        return None
    ref = d["reference_date"]
    if ref is not None and not is_iso_day(ref):
        return None
    texts = []
    for o in d["indicators"]:
        known = memo.get(id(o))
        if known is not None:
            texts.append(known[1])
            continue
        text = _indicator_text(o, memo)
        if text is None:
            return None
        if not o["member_ids"]:  # shared between households; one naming members is not
            if len(memo) >= _MEMO_MAX:
                memo.clear()
            memo[id(o)] = (o, text)
        texts.append(text)
    # The text joined in ``result_to_dict``'s order, each value as ``dumps`` writes it: the
    # three numbers by one call; texts (the category, the reasons and warnings, the
    # standard's names: a package's reader shares them between households) quoted once a
    # merge (``_piece``). Encoding the whole dict again each household, its keys quoted
    # anew, was a quarter of the result's text (callgrind).
    b1_score, income, count = dumps([d["b1_score"], d["income"], d["deprivation_count"]])[
        1:-1
    ].split(",")
    return (
        f'{{"category":{_piece(d["category"], memo)},"b1_score":{b1_score},'
        f'"income":{income},"income_basis":{_piece(d["income_basis"], memo)},'
        f'"deprivation_count":{count},"indicators":[{",".join(texts)}],'
        f'"reasons":{_pieces(d["reasons"], memo)},"warnings":{_pieces(d["warnings"], memo)},'
        f"{_tail(d, ref, memo)}"
    )


def _tail(d: Mapping[str, Any], ref: str | None, memo: dict[Any, Any]) -> str:
    """The text's last seven keys and values (the standard, the year, the reference date,
    the lines: the same in every household of a package), kept in ``memo`` under the values
    when each is a text, an int or None: values of those types equal as keys are written
    alike (1 and True, 0.0 and -0.0 are equal keys but not), so a float or bool is not
    kept."""
    values = (
        d["standard_id"],
        d["standard_version"],
        d["engine_version"],
        d["review_year"],
        ref,
        d["income_line"],
        d["b1_threshold"],
    )
    key = (_TAIL, *values) if _PLAIN.issuperset(map(type, values)) else None
    known: str | None = None if key is None else memo.get(key)
    if known is None:
        known = (
            f'"standard_id":{_piece(values[0], memo)},'
            f'"standard_version":{_piece(values[1], memo)},'
            f'"engine_version":{_piece(values[2], memo)},'
            f'"review_year":{_piece(values[3], memo)},'
            f'"reference_date":{_piece(ref, memo)},'
            f'"income_line":{_piece(values[5], memo)},'
            f'"b1_threshold":{_piece(values[6], memo)}}}'
        )
        if key is not None:
            if len(memo) >= _MEMO_MAX:
                memo.clear()
            memo[key] = known
    return known


def _piece(value: Any, memo: dict[Any, Any]) -> str:
    """``dumps(value)``; a text's kept in ``memo`` under the text (no other key of it is a
    text)."""
    if type(value) is not str:
        # An int's text is its repr, as the encoder writes it.
        return "null" if value is None else str(value) if type(value) is int else dumps(value)
    known: str | None = memo.get(value)
    if known is None:
        if len(memo) >= _MEMO_MAX:
            memo.clear()
        known = memo[value] = _quoted(value)
    return known


def _pieces(values: list[Any], memo: dict[Any, Any]) -> str:
    """``dumps(values)`` of a list."""
    if set(map(type, values)) <= _STR:
        return f"[{','.join([_piece(v, memo) for v in values])}]"
    return dumps(values)


def _indicator_text(o: Any, memo: dict[Any, Any]) -> str | None:
    """An indicator's text as ``result_to_dict`` writes it when ``result_from_dict`` reads it
    back unchanged (its seven keys, its texts text, its status known, its flag a bool), else
    None. Its text up to its reason is the same in every household (its id, name, dimension
    and status), kept in ``memo`` under them: an indicator naming members is its
    household's own, and a third of a result's indicators name members."""
    if type(o) is not dict or len(o) != len(INDICATOR_KEYS) or o.keys() != _INDICATOR_KEYSET:
        return None
    ident, name, dimension, status, reason, ids, unconfirmed = _INDICATOR_VALUES(o)
    if (
        type(reason) is not str
        or type(ids) is not list
        or type(unconfirmed) is not bool
        # before the look-up: a list is no key
        or type(ident) is not str
        or type(name) is not str
        or type(dimension) is not str
        or type(status) is not str
    ):
        return None
    fields = (ident, name, dimension, status)
    head = memo.get(fields)
    if head is None:
        if status not in _STATUSES:
            return None
        if len(memo) >= _MEMO_MAX:
            memo.clear()
        head = memo[fields] = dumps(dict(zip(INDICATOR_KEYS[:4], fields, strict=True)))[:-1]
    # A text and a list of texts as ``dumps`` writes them, without its encoder's calls
    # (two a member-naming indicator, a third of a result's).
    named = ",".join(map(_quoted, ids)) if set(map(type, ids)) <= _STR else None
    return (
        f'{head},"reason":{_quoted(reason)},'
        f'"member_ids":{dumps(ids) if named is None else f"[{named}]"},'
        f'"unconfirmed":{"true" if unconfirmed else "false"}}}'
    )
