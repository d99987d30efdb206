"""The registry's reader (``registry.load.prepare``) makes each record's rows as it reads
the record and lets it go, with the records' results unshared (``open_package(share=False)``):
it must write what the package read whole makes (``rows_of`` over ``read_package``), deleted
households, sent-back households and monthly rounds included, and refuse what the commune
import refuses, with its words."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from db.exchange.errors import DamagedPackage, PackageError
from db.exchange.package import read_package
from registry.load import Located, Prepared, copy_data, prefixed, prepare, rows_of
from tests.registry.packages import households, make_package
from tests.registry.test_lists_in_force import _march_package


def test_prepare_record_by_record_writes_what_the_package_read_whole_makes(
    tmp_path: Path,
) -> None:
    deleted = []
    for path in (
        _march_package(tmp_path, deleted=2)[0],
        make_package(tmp_path / "b.rasoat", "02674", n=40, seed=3, shift=7, gap=5),
    ):
        ready = prepare(path, None, None)
        assert isinstance(ready, Prepared), ready
        located = Located()
        package = read_package(path, decode=located)
        copies, counts = copy_data(rows_of(package, located.texts))
        assert ready.copies == copies
        assert ready.counts == counts
        assert ready.entries == [
            (r.household.id, r.household.code, r.household.head_name(), r.household.village,
             r.rev, r.deleted)
            for r in package.records
        ]  # fmt: skip
        assert (ready.manifest, ready.package_id) == (package.manifest, package.package_id)
        deleted.append(sum(entry[5] for entry in ready.entries))
    assert deleted == [2, 0]


def test_prepare_refuses_as_the_commune_import_does(tmp_path: Path) -> None:
    """A damaged file and a record refused half-way (its rows before it already made):
    the commune import's messages."""
    path = make_package(tmp_path / "a.rasoat", n=30, seed=4)
    damaged = tmp_path / "damaged.rasoat"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    homes = households(30, 5)
    homes[17].members[0].birth_year, homes[17].members[0].birth_date = 1700, None
    wrong = make_package(tmp_path / "wrong.rasoat", homes=homes)
    for refused_path in (damaged, wrong):
        said = prepare(refused_path, None, None)
        with pytest.raises(PackageError) as refused:
            read_package(refused_path)
        assert isinstance(refused.value, DamagedPackage) == (refused_path is damaged)
        if isinstance(refused.value, DamagedPackage):
            # The commune's reason, with the province's advice rather than the commune's.
            assert said == (
                f"Gói {refused_path.name} bị hỏng hoặc không hợp lệ: {refused.value.reason}"
                " Đề nghị xã chép lại hoặc xuất lại gói và gửi lại."
            )
        else:
            assert said == f"Gói {refused_path.name} bị hỏng hoặc không hợp lệ: {refused.value}"
    assert "dòng 18" in str(said)


def test_prefixed_pieces_are_the_copy_text_cut_after_about_size_bytes() -> None:
    rnd = random.Random(21)
    for _ in range(2_000):
        lines = [b"x\\t\xc3\xa1" * rnd.randrange(0, 4) for _ in range(rnd.randrange(0, 25))]
        size = rnd.randrange(1, 30)
        pieces = list(prefixed(b"15\t02947\t7\t", lines, size))
        assert b"".join(pieces) == b"".join(b"15\t02947\t7\t" + line + b"\n" for line in lines)
        assert all(piece.endswith(b"\n") for piece in pieces)
        # Every piece but the last holds lines of at least ``size`` bytes (heads and
        # newlines not counted), and ends with the line that reached it.
        taken = [[len(x) - 11 for x in piece.split(b"\n")[:-1]] for piece in pieces]
        assert all(sum(t) >= size and sum(t[:-1]) < size for t in taken[:-1])
        assert pieces or not lines
