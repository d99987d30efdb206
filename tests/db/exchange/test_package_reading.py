"""How a package's households part is read: its lines across the pieces it comes in, each
parsed as ``json.loads`` would, every record checked against one reading day, and the
history entries as they cross to the writing process (pickled by ``merge_ahead``)."""

from __future__ import annotations

import pickle
import random
import zipfile
from collections.abc import Callable
from datetime import date
from multiprocessing.reduction import ForkingPickler
from pathlib import Path
from typing import Any

import pytest

from db.exchange.errors import PackageError
from db.exchange.package import (
    HOUSEHOLDS_PART,
    RevEntry,
    _lines,
    read_package,
    record_from_dict,
    record_to_dict,
    write_package,
)
from tests.db.exchange.parts import with_households_part
from tests.db.exchange.records import records

HEADER = {"app_version": "0.1.0", "commune": {"code": "10105", "name": "Xã Tân Lập"}}


def test_lines_cut_across_pieces_come_whole() -> None:
    rng = random.Random(3)
    for _ in range(300):
        text = bytes(rng.choice(b"ab\n\xc3\xa0") for _ in range(rng.randint(0, 60)))
        cuts = sorted(rng.randint(0, len(text)) for _ in range(rng.randint(0, 6)))
        pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
        assert list(_lines(pieces)) == text.split(b"\n")


def test_history_entries_pickle_as_their_values() -> None:
    entries = [
        RevEntry("r2", "r1", "may-a", "Cán bộ", "2026-09-01T00:00:00Z"),
        RevEntry("r3", None),
        RevEntry("r4", "r2", "may-b", "", "", merge_parent="r3"),
    ]
    for data in (pickle.dumps(entries), bytes(ForkingPickler.dumps(entries))):
        back = pickle.loads(data)
        assert back == entries
        assert [type(e) for e in back] == [RevEntry] * 3
        assert [hash(e) for e in back] == [hash(e) for e in entries]
    with pytest.raises(AttributeError):  # still frozen once unpickled
        back[0].rev = "x"  # type: ignore[misc]


def test_a_package_read_crosses_pickling_whole(tmp_path: Path) -> None:
    recs = records(30)
    path = tmp_path / "p.rasoat"
    write_package(path, HEADER, {}, recs)
    package = read_package(path)
    back = pickle.loads(ForkingPickler.dumps(package))
    assert back == package
    assert [r.revs for r in back.records] == [r.revs for r in recs]


def _doc(birth: str) -> dict[str, Any]:
    doc = record_to_dict(records(1)[0])
    doc["household"]["members"][0]["birth_date"] = birth
    return doc


def test_a_record_is_judged_against_the_day_it_is_read() -> None:
    # A birth date of the reading day is fine, of the next day refused: "the future" is the
    # day the package is read, given once for all its records.
    record_from_dict(_doc("2026-05-02"), None, date(2026, 5, 2))
    with pytest.raises(PackageError, match="thành viên thứ 1: Ngày sinh ở tương lai"):
        record_from_dict(_doc("2026-05-03"), None, date(2026, 5, 2))
    with pytest.raises(PackageError, match="Ngày sinh ở tương lai"):
        record_from_dict(_doc("2999-01-01"))  # the clock's day when none is given


def test_a_record_with_a_key_of_its_own_is_refused_naming_it() -> None:
    doc = record_to_dict(records(1)[0])
    doc["zz"] = 1
    doc["extra"] = None
    with pytest.raises(PackageError) as caught:
        record_from_dict(doc)
    assert str(caught.value) == "có trường không biết: extra, zz."


def _rewritten(tmp_path: Path, edit: Callable[[list[str]], None]) -> Path:
    """A package of five households whose households part's lines ``edit`` changed, its
    checksum made to match (only the reading of the lines may refuse it)."""
    good = tmp_path / "good.rasoat"
    write_package(good, HEADER, {}, records(5))
    with zipfile.ZipFile(good) as zf:
        lines = zf.read(HOUSEHOLDS_PART).decode().split("\n")
    edit(lines)
    return with_households_part(good, tmp_path / "bad.rasoat", "\n".join(lines).encode())


def test_lines_are_parsed_as_json_loads_parses_them(tmp_path: Path) -> None:
    def spaced(lines: list[str]) -> None:
        lines[1] = " \t" + lines[1] + " \r"
        lines[3] = "\ufeff" + lines[3]  # json.loads refuses a BOM in text

    with pytest.raises(PackageError, match="dòng 4 của gói bị hỏng"):
        read_package(_rewritten(tmp_path, spaced))

    def padded(lines: list[str]) -> None:
        lines[1] = " \t" + lines[1] + " \r"

    read = read_package(_rewritten(tmp_path, padded))
    assert [r.household.code for r in read.records] == [r.household.code for r in records(5)]

    def extra(lines: list[str]) -> None:
        lines[2] = lines[2] + " {}"

    with pytest.raises(PackageError, match="dòng 3 của gói bị hỏng"):
        read_package(_rewritten(tmp_path, extra))
