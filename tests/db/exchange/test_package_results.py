"""A package's classification results as its reader keeps them: each checked (the careful
check and what ``result_from_dict`` needs) without the Result being built, kept equal to
what was written, the indicators that name no member shared between households, and every
refusal worded as before."""

from __future__ import annotations

import copy
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from db.exchange.errors import PackageError
from db.exchange.package import (
    HOUSEHOLDS_PART,
    PackageRecord,
    RevEntry,
    read_package,
    record_from_dict,
    record_to_dict,
    write_package,
)
from forms.classify import classify, result_to_dict
from forms.demo import generate_households
from forms.standards import standard_for_year
from tests.db.exchange.parts import with_households_part

HEADER = {"app_version": "0.1.0", "commune": {"code": "10105", "name": "Xã Tân Lập"}}
ROUNDS = [
    {"id": f"r{year}", "year": year, "standard_id": standard_for_year(year).id, "kind": "periodic"}
    for year in (2025, 2026)
]


def _records(n: int) -> list[PackageRecord]:
    out = []
    for i, h in enumerate(generate_households(n, seed=5)):
        results = {
            f"r{year}": result_to_dict(classify(h, standard_for_year(year), year))
            for year in (2025, 2026)
        }
        rev = f"1-{i:04x}"
        out.append(
            PackageRecord(
                household=h,
                rev=rev,
                revs=[RevEntry(rev=rev, parent_rev=None, device="may-a", at="2026-01-01")],
                results=results,
            )
        )
    return out


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[PackageRecord]]:
    recs = _records(40)
    path = tmp_path_factory.mktemp("results") / "xa.rasoat"
    write_package(path, HEADER, {"rounds": ROUNDS}, recs)
    return path, recs


def test_results_come_back_as_written_their_plain_indicators_shared(
    written: tuple[Path, list[PackageRecord]],
) -> None:
    path, recs = written
    read = read_package(path)
    assert [r.results for r in read.records] == [r.results for r in recs]
    seen: dict[str, dict[str, Any]] = {}
    shared = own = 0
    for rec in read.records:
        for res in rec.results.values():
            for o in res["indicators"]:
                if o["member_ids"]:
                    own += 1
                    continue
                key = json.dumps(o, sort_keys=True)
                if key in seen:
                    assert seen[key] is o  # one dict for every household saying the same
                    shared += 1
                seen.setdefault(key, o)
    assert shared > 100
    assert own > 10
    # The counts the manifest holds were taken from the very same results.
    assert read.manifest["counts"]["results_by_category"]


def test_an_indicator_with_a_key_of_its_own_keeps_it() -> None:
    recs = _records(2)
    docs = [record_to_dict(r) for r in recs]
    plain = next(o for o in docs[0]["results"]["r2026"]["indicators"] if not o["member_ids"])
    twin = next(o for o in docs[1]["results"]["r2026"]["indicators"] if o == plain)
    twin["note"] = "khác"
    memo: dict[Any, Any] = {}
    expected = copy.deepcopy(docs)
    first, second = (record_from_dict(d, memo) for d in docs)
    assert first.results == expected[0]["results"]
    assert second.results == expected[1]["results"]


def _with_result(path: Path, tmp_path: Path, edit: Callable[[dict[str, Any]], None]) -> Path:
    """The package at ``path`` with the 2026 result of its third record changed by
    ``edit``, its checksums made to match (only the record's own checks refuse it)."""
    with zipfile.ZipFile(path) as zf:
        lines = zf.read(HOUSEHOLDS_PART).decode().splitlines()
    rec = json.loads(lines[2])
    edit(rec["results"]["r2026"])
    lines[2] = json.dumps(rec, ensure_ascii=False)
    data = ("\n".join(lines) + "\n").encode()
    return with_households_part(path, tmp_path / "bad.rasoat", data)


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(res: dict[str, Any]) -> None:
        res[key] = value

    return edit


def _indicator(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(res: dict[str, Any]) -> None:
        res["indicators"][0][key] = value

    return edit


def _drop(key: str) -> Callable[[dict[str, Any]], None]:
    def edit(res: dict[str, Any]) -> None:
        del res[key]

    return edit


def _drop_indicator(key: str) -> Callable[[dict[str, Any]], None]:
    def edit(res: dict[str, Any]) -> None:
        del res["indicators"][0][key]

    return edit


def _named_also(member_id: Any) -> Callable[[dict[str, Any]], None]:
    """``member_id`` added to the first indicator naming members of the household."""

    def edit(res: dict[str, Any]) -> None:
        named = next(o for o in res["indicators"] if o["member_ids"])
        named["member_ids"] = [*named["member_ids"], member_id]

    return edit


OTHER = "0b6c3f1e-7a7c-4c55-9d4e-1f2a3b4c5d6e"  # a member of no household here
WHY = "kết quả phân loại không hợp lệ"
CASES = [
    # What the careful check finds: its field named.
    (_set("income", -1), f"{WHY} (trường 'income' sai)."),
    (_set("reasons", ["a\x00b"]), f"{WHY} (trường 'reasons' sai)."),
    (_set("reference_date", "2026-1-1"), f"{WHY} (trường 'reference_date' sai)."),
    (_indicator("member_ids", ["không-phải-mã"]), f"{WHY} (chỉ số: trường 'member_ids' sai)."),
    # A UUID but for its end, beside ids of the household's members (known to be UUIDs).
    (_named_also(OTHER + "\n"), f"{WHY} (chỉ số: trường 'member_ids' sai)."),
    (_named_also(OTHER.replace("-", "")), f"{WHY} (chỉ số: trường 'member_ids' sai)."),
    (_indicator("unconfirmed", 1), f"{WHY} (chỉ số: trường 'unconfirmed' sai)."),
    # What only building the Result found: said without a field, as before.
    (_set("category", "giàu"), f"{WHY}."),
    (_drop("category"), f"{WHY}."),
    (_drop("standard_id"), f"{WHY}."),
    (_set("reference_date", "2026-02-30"), f"{WHY}."),
    (_indicator("status", "thiếu"), f"{WHY}."),
    (_drop_indicator("status"), f"{WHY}."),
    (_drop_indicator("name"), f"{WHY}."),
]


@pytest.mark.parametrize(("edit", "said"), CASES)
def test_a_wrong_result_is_refused_as_before(
    written: tuple[Path, list[PackageRecord]],
    tmp_path: Path,
    edit: Callable[[dict[str, Any]], None],
    said: str,
) -> None:
    path, recs = written
    code = recs[2].household.code
    with pytest.raises(PackageError) as refused:
        read_package(_with_result(path, tmp_path, edit))
    assert str(refused.value) == f"Hộ {code} (dòng 3 của gói) không hợp lệ: {said}"


@pytest.mark.parametrize(
    "edit",
    [
        _drop_indicator("reason"),
        _drop_indicator("member_ids"),
        _set("extra", "x"),
        _named_also(OTHER),  # a UUID, of a member no longer in the household
        _named_also(OTHER.upper()),
    ],
)
def test_an_odd_but_whole_result_is_still_taken(
    written: tuple[Path, list[PackageRecord]],
    tmp_path: Path,
    edit: Callable[[dict[str, Any]], None],
) -> None:
    """Keys the result may lack (or one it may carry) send it down the careful path, which
    takes it as before, as it came."""
    path, recs = written
    expected = copy.deepcopy(recs[2].results["r2026"])
    edit(expected)
    read = read_package(_with_result(path, tmp_path, edit))
    assert read.records[2].results["r2026"] == expected


@pytest.mark.parametrize(
    ("where", "key", "value", "said"),
    [
        ("record", "updated_by", "cb\x00", "trường 'updated_by' sai."),
        ("record", "created_device", 5, "trường 'created_device' sai."),
        ("record", "updated_at", "9" * 201, "trường 'updated_at' sai."),
        ("rev", "device", ["may-a"], "trường 'device' sai."),
        ("rev", "at", "2026\n01", "trường 'at' sai."),
        ("rev", "user", "\ud800", "trường 'user' sai."),
    ],
)
def test_a_wrong_history_or_metadata_text_is_named(
    where: str, key: str, value: Any, said: str
) -> None:
    doc = record_to_dict(_records(1)[0])
    (doc if where == "record" else doc["revs"][0])[key] = value
    with pytest.raises(PackageError) as refused:
        record_from_dict(doc)
    assert str(refused.value) == said


def test_metadata_texts_are_checked_in_order_and_none_is_empty() -> None:
    doc = record_to_dict(_records(1)[0])
    doc["created_device"] = "\x07"
    doc["updated_by"] = "\x07"
    with pytest.raises(PackageError, match="^trường 'created_device' sai.$"):
        record_from_dict(doc)
    doc = record_to_dict(_records(1)[0])
    doc["updated_by"] = None
    doc["revs"][0]["user"] = None
    doc["created_at"] = "2026-01-01T00:00:00"
    rec = record_from_dict(doc)
    assert (rec.updated_by, rec.revs[0].user, rec.created_at) == ("", "", "2026-01-01T00:00:00")
