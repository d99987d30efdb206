"""A new household's rows worked out from its package record alone (issue 22).

What ``merge_new.add_new`` and ``merge_new.write_first_results`` write for a household new to the
file depends on the package record only, not on the commune file: its documents' texts, its
members' rows, its answers (compressed), its search text, its result's document. ``prepare``
works them out; it is the one place they are, called by the writer for a household nothing
was prepared for, and by ``merge_ahead``'s reader process for every record of a package it
read (``prepare_package``), so that on two cores the writer mostly inserts.

What the reader prepared crosses with the package, pickled with it, and is used only for
the very record it was computed from: the same household object and the same results dict
(identity survives the pickle of a part); the record crosses held (``held_part``: lean,
its whole record as the bytes of its own pickle), and the writer makes it whole only if it
writes it otherwise than as prepared. A record the writer replaces
(a lean package's read again) or whose results it replaces (a conflict's, mapped to this
file's rounds) finds nothing prepared and is prepared here; nothing prepared depends on
what the writer changes in place (``merge_stream.mark_unverified``: who made a rev, which
no prepared text holds).

What crosses is kept to what saves the writer most for its size (measured on a 5,000-household
package with results, docs/benchmarks.md "merge"): the documents' JSON quotes for the audit
chain are not made at all (``db.audit.append_inserts`` escapes a document's UTF-8, made
here), and a result's text (3.6 KB, 20 MB) crosses cut into pieces that repeat from
household to household (its indicators' texts: ``_CUT``), each such piece once a package
(8.5 MB), joined again as it is written (2 µs, against 28 to encode it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

from db.exchange.merge_stream import LeanPackage, held, held_dictionary, is_lean
from db.exchange.package import Package, PackageRecord
from db.households import household_doc
from db.result_docs import ResultDoc, answers_bytes, answers_json, result_doc
from db.search import index_text
from db.store_stamps import dumps
from forms.model import Household, nfc

# Where a result's text is cut to cross: before each indicator. Its indicators' texts are
# most of it and repeat from household to household (two thirds of them name no member);
# any cut joins back to the same text, so the choice is only one of size (measured:
# 8.5 MB a 5,000 package for 20.5 whole; at every '","' 6.4 MB but twice the time).
_CUT = '{"id":'


@dataclass(slots=True)
class Prepared:
    """One record's rows as ``merge_new.add_new`` and ``write_first_results`` write them
    new."""

    household: Household  # what it was computed from (compared by identity)
    results: dict[str, dict[str, Any]]
    code: str  # NFC, as the Store writes a code
    village: str
    head_name: str
    # The household's document, members left out, with ``code``, and each member's (id,
    # name, ID number or None, document), documents in UTF-8: bound as text as they are
    # (``merge_new.add_new``) and escaped into the audit chain's payloads from it
    # (``db.audit.append_inserts``), never encoded by the writer, and unpickled there
    # without being decoded.
    doc: bytes
    members: list[tuple[str, str, str | None, bytes]]
    # The answers as stored (``result_docs.answers_bytes``); None when it has no results
    # (no answers either), or when the row's code is not the household's own (not in NFC):
    # the answers keep that code as is, and are encoded from its documents.
    answers: bytes | None
    index: str  # ``db.search.index_text``
    # A household with one round's result: the package's round id, its document
    # (``result_docs.result_doc``) with its text left empty, and that text in pieces
    # joined by ``_CUT`` (``result_doc``).
    result: tuple[str, ResultDoc, tuple[str, ...]] | None

    def fits(self, rec: PackageRecord) -> bool:
        """Whether it was computed from ``rec`` as it is now."""
        return self.household is rec.household and self.results is rec.results

    def result_doc(self) -> ResultDoc | None:
        """The result's document, its text joined (as it is written: a package's joined
        texts, 7 KB a household in memory, are never all held)."""
        if self.result is None:
            return None
        _round_id, doc, pieces = self.result
        return _with_text(doc, _CUT.join(pieces))


def _with_text(doc: ResultDoc, text: str) -> ResultDoc:
    """``dataclasses.replace(doc, text=text)``: 1 µs instead of 4.4."""
    return ResultDoc(
        category=doc.category,
        b1_score=doc.b1_score,
        deprivation_count=doc.deprivation_count,
        standard_id=doc.standard_id,
        standard_version=doc.standard_version,
        engine_version=doc.engine_version,
        reasons=doc.reasons,
        text=text,
    )


def prepare(rec: PackageRecord, memo: dict[int, Any]) -> Prepared:
    """``rec``'s rows as a new household; ``memo``: ``result_doc``'s, one a package."""
    h = rec.household
    doc, member_docs = household_doc(h)
    code = nfc(h.code)
    doc_text = dumps(dict(doc, code=code))
    texts = [dumps(mdoc) for mdoc in member_docs]
    members = [
        (mdoc["id"], mdoc.get("name") or "", mdoc.get("id_number") or None, text.encode())
        for mdoc, text in zip(member_docs, texts, strict=True)
    ]
    result = None
    if len(rec.results) == 1:
        ((round_id, res),) = rec.results.items()
        whole = result_doc(res, memo)
        result = (round_id, _with_text(whole, ""), (whole.text,))
    return Prepared(
        household=h,
        results=rec.results,
        code=code,
        village=nfc(h.village),
        head_name=nfc(h.head_name()),
        doc=doc_text.encode(),
        members=members,
        answers=(
            answers_bytes(answers_json(doc_text, texts)) if rec.results and code == h.code else None
        ),
        index=index_text(h),
        result=result,
    )


@dataclass
class PreparedPackage(Package):
    """A package with its records' rows prepared (``prepare``), by household id."""

    prepared: dict[str, Prepared] = field(default_factory=dict)


def prepare_package(package: Package) -> Package:
    """``package`` with every whole record prepared (a lean package's records are read
    again to be written: nothing of them is prepared)."""
    if type(package) is not Package:
        return package
    memo: dict[int, Any] = {}
    seen: dict[str, str] = {}  # the pieces of the results' texts, each once a package
    prepared = {}
    for rec in package.records:
        if is_lean(rec):
            continue
        p = prepared[rec.household.id] = prepare(rec, memo)
        if p.result is not None:
            round_id, doc, pieces = p.result
            p.result = (round_id, doc, _shared(_CUT.join(pieces).split(_CUT), seen))
    return PreparedPackage(
        **{f.name: getattr(package, f.name) for f in fields(Package)}, prepared=prepared
    )


def _shared(pieces: Iterable[str], seen: dict[str, str]) -> tuple[str, ...]:
    """``pieces``, each equal to one seen before replaced by that one: pickle writes an
    object it has written once as a reference, but two equal texts twice."""
    return tuple(seen.setdefault(x, x) for x in pieces)


@dataclass
class HeldPackage(PreparedPackage, LeanPackage):
    """A prepared package as it crosses from ``merge_ahead``'s reader (``held_part``): its
    records held (``merge_stream.Held``: lean, with the bytes of their own pickle), each
    with what was prepared for it. A record written whole (an update, a conflict, a member
    already in the file, results ``merge_new.write_first_results`` cannot take as prepared) is made
    whole from its bytes by ``merge_stream.again``, or, should that fail (a fault of the
    program), read again from the package's file (``path``, set where it is received)."""


def held_part(
    records: Sequence[PackageRecord], prepared: dict[str, Prepared]
) -> tuple[list[PackageRecord], dict[str, Prepared]]:
    """``records`` held, each with what was prepared for it now fitting its held record (its
    household and results: ``Prepared.fits``), the whole household and results left in the
    record's bytes. What is shared within the part (the members' ids with the prepared
    rows, the results' rounds, the dictionary the records are compressed against:
    ``merge_stream.held_dictionary``) crosses once."""
    memo: dict[Any, Any] = {}
    out, fits = [], {}
    zdict = held_dictionary(records[0]) if records else b""
    for rec in records:
        p = prepared.get(rec.household.id)
        if p is not None and p.fits(rec):
            h = held(rec, tuple(m[0] for m in p.members), memo.setdefault, zdict)
            fits[rec.household.id] = replace(p, household=h.household, results=h.results)
        else:
            h = held(rec, tuple(m.id for m in rec.household.members), memo.setdefault, zdict)
        out.append(h)
    return out, fits


def fitting(package: Package, rec: PackageRecord) -> Prepared | None:
    """What the reader prepared for ``rec`` if it still fits it."""
    if isinstance(package, PreparedPackage):
        got = package.prepared.get(rec.household.id)
        if got is not None and got.fits(rec):
            return got
    return None


def prepared_for(package: Package, rec: PackageRecord, memo: dict[int, Any]) -> Prepared:
    """What the reader prepared for ``rec`` if it still fits it, else ``prepare(rec)``."""
    got = fitting(package, rec)
    return prepare(rec, memo) if got is None else got
