"""A merge writes a new household's result as the package carries it and its answers from the
texts just encoded for its rows (``result_docs.result_doc``, ``answers_json``), where it
decoded each result into a ``Result`` to encode it again and encoded the answers anew. These
hold the new path to the old one's rows: the same texts, the same audit rows, and the same
refusals for a result ``result_from_dict`` cannot read."""

from __future__ import annotations

import copy
import json
import zlib
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from db import audit
from db.exchange.devices import UNSIGNED_OK
from db.exchange.merge import import_package
from db.exchange.package import write_package
from db.households import household_doc
from db.result_docs import (
    INDICATOR_KEYS,
    RESULT_KEYS,
    ResultDoc,
    answers_json,
    result_doc,
)
from db.store import Store
from db.store_stamps import dumps
from forms.classify import Result, classify, result_from_dict, result_to_dict
from forms.model import Area, Category
from forms.standards import load_standard
from tests.db.exchange.commune import COMMUNE
from tests.db.exchange.records import records

STANDARD = "nd351-2026-2030"


def _classified(n: int, seed: int) -> list[Result]:
    standard = load_standard(STANDARD)
    out = []
    for i, rec in enumerate(records(n, seed=seed)):
        h = rec.household
        h.area = Area.RURAL if i % 2 else None  # decided, and undetermined for want of it
        out.append(classify(h, standard, 2026))
    return out


def _old(d: dict[str, Any]) -> ResultDoc:
    """What the merge stored before: the result decoded, then encoded."""
    return ResultDoc.of(result_from_dict(copy.deepcopy(d)))


def test_the_keys_are_those_result_to_dict_writes() -> None:
    found = result_to_dict(_classified(1, seed=21)[0])
    assert tuple(found) == RESULT_KEYS
    assert tuple(found["indicators"][0]) == INDICATOR_KEYS


def test_a_result_document_gives_what_decoding_and_encoding_gave() -> None:
    results = _classified(12, seed=22)
    assert any(o.member_ids for r in results for o in r.indicators)  # both kinds of indicator
    docs: list[dict[str, Any]] = []
    for n, r in enumerate(results):
        d = result_to_dict(replace(r, reference_date=date(2026, 1, 1)) if n % 3 == 0 else r)
        docs.append(d)
        docs.append(json.loads(json.dumps(d, sort_keys=True)))  # as a package has it
    # The same indicator dict in several results, as a package's reader shares them.
    shared = docs[1]["indicators"][0]
    for d in docs[3::2]:
        d["indicators"][0] = shared
    memo: dict[int, Any] = {}
    for d in docs:
        assert result_doc(d, memo) == _old(d)
        assert result_doc(d) == _old(d)
    assert memo  # the shared indicators were encoded once


def _variants(d: dict[str, Any]) -> list[dict[str, Any]]:
    """Documents ``result_from_dict`` reads into something else than they say, or refuses."""
    out = []

    def changed(**kw: Any) -> None:
        out.append({**copy.deepcopy(d), **kw})

    def indicator(**kw: Any) -> None:
        e = copy.deepcopy(d)
        e["indicators"][0] = {**e["indicators"][0], **kw}
        out.append(e)

    less = copy.deepcopy(d)
    del less["warnings"]
    out.append(less)
    changed(extra="không biết")
    changed(deprivation_count=2.0)
    changed(deprivation_count=True)
    changed(reasons="một lý do")
    changed(reference_date="2026-W01-1")  # a date to fromisoformat, written otherwise
    changed(reference_date="20260101")
    changed(reference_date="hôm nay")
    changed(category="khong_ro")
    changed(category=["poor"])
    changed(indicators="không")
    indicator(unconfirmed=1)
    indicator(status="khong_ro")
    indicator(reason=7)
    indicator(id=1)
    indicator(member_ids=("a",))
    # Member ids and reasons that are not plain texts, or need escaping (written by
    # result_docs' own joining when texts, by the encoder otherwise).
    indicator(member_ids=[1, "b"])
    indicator(member_ids=[None])
    indicator(member_ids=[["a"]])
    indicator(member_ids=['a"b\n\u2028', "\\"], reason='lý do "trích"\n\t\x00\u2028')
    indicator(member_ids=[], reason="")
    indicator(id=["a"])  # no memo key
    indicator(name={"a": 1})
    changed(b1_score={"indicators": []})  # the key's text inside a value before the key
    changed(income=[{"indicators": []}])
    changed(income_basis={"indicators": []})
    changed(b1_score=True)
    e = copy.deepcopy(d)
    del e["indicators"][0]["dimension"]
    out.append(e)
    e = copy.deepcopy(d)
    e["indicators"][0] = "chỉ số"
    out.append(e)
    # Values equal as keys but written otherwise (result_docs keeps the texts it joins in
    # the memo these share), texts needing escaping, values that are no key.
    for year in (1, True, 1.0, 2026, 2026.0):
        changed(review_year=year)
    for line in (0, 0.0, -0.0, False, None, 1_500_000, 1_500_000.0, 1e16, [1], {"a": 1}):
        changed(income_line=line, b1_threshold=line)
    for name in ("1", 1, True, 'nd "351"\n ', ["a"]):
        changed(standard_id=name, standard_version=name, engine_version=name)
    changed(reasons=['lý do "trích"\n\t\x00', "x"], warnings=["x", 'lý do "trích"\n\t\x00'])
    changed(reasons=[1, "1"], warnings=[True, None, ["a"]])
    changed(category="poor", income_basis='thu nhập "ước"\\')
    return out


def test_any_other_document_is_decoded_as_before() -> None:
    (r,) = _classified(1, seed=23)
    base = json.loads(json.dumps(result_to_dict(r), sort_keys=True))
    memo: dict[int, Any] = {}
    for d in _variants(base):
        try:
            expected: ResultDoc | type[BaseException] = _old(d)
        except Exception as exc:
            expected = type(exc)
        if isinstance(expected, ResultDoc):
            assert result_doc(d, memo) == expected, d
        else:
            with pytest.raises(expected):
                result_doc(d, memo)


def test_the_answers_text_from_the_rows_texts() -> None:
    for rec in records(20, seed=24):
        doc, members = household_doc(rec.household)
        joined = answers_json(dumps(doc), [dumps(m) for m in members])
        assert joined == dumps(dict(doc, members=members))


def test_a_merge_stores_the_old_texts_and_audit_rows(tmp_path: Path) -> None:
    db = tmp_path / "xa.db"
    with Store.create(db, COMMUNE, user="Cán bộ xã", device="may-xa") as store:
        rnd = store.start_round(2026, STANDARD)
    recs = records(30, seed=25)
    standard = load_standard(STANDARD)
    for i, rec in enumerate(recs):
        found = classify(rec.household, standard, 2026)
        if i % 4 == 0:
            found = replace(found, category=Category.POOR)  # a surveyor's correction
        rec.results = {"ky-a": result_to_dict(found)}
    del recs[5].results["ky-a"]["warnings"]  # an older laptop's: decoded as before
    pkg = tmp_path / "may-a.rasoat"
    theirs = {"id": "ky-a", "year": 2026, "standard_id": STANDARD, "kind": "periodic"}
    write_package(pkg, {"app_version": "test", "commune": {"code": "10105"}},
                  {"rounds": [theirs]}, recs)  # fmt: skip
    with Store.open(db, user="Cán bộ xã", device="may-xa") as store:
        assert import_package(store, pkg, trusted=[UNSIGNED_OK]).count("added") == len(recs)
        conn = store.conn
        for rec in recs:
            h = rec.household
            res = rec.results["ky-a"]
            old = _old(res)
            (answers,) = conn.execute(
                "SELECT doc FROM answers WHERE household_id = ? AND round_id = ?", (h.id, rnd.id)
            ).fetchall()
            doc, members = household_doc(h)
            assert zlib.decompress(answers[0]).decode() == dumps(dict(doc, members=members))
            row = conn.execute(
                "SELECT id, category, b1_score, deprivation_count, transition, standard_id,"
                " engine_version, doc FROM results WHERE household_id = ?",
                (h.id,),
            ).fetchone()
            assert row[1:] == (
                old.category.value,
                old.b1_score,
                old.deprivation_count,
                None,
                old.standard_id,
                old.engine_version,
                old.text,
            )
            (new,) = conn.execute(
                "SELECT new FROM audit WHERE tbl = 'results' AND row_id = ?", (row[0],)
            ).fetchone()
            assert new == dumps(
                {
                    "category": old.category.value,
                    "b1_score": old.b1_score,
                    "deprivation_count": old.deprivation_count,
                    "transition": None,
                    "standard_id": old.standard_id,
                    "standard_version": old.standard_version,
                    "engine_version": old.engine_version,
                    "reasons": old.reasons,
                }
            )
        assert audit.verify(conn) is None
