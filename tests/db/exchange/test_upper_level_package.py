"""The slim whole-commune package for the upper level (issue 20 item 5: "exports to the upper
level can leave out fields it does not need"): the upper level's readers get from it what they
get from the full package — Tổng hợp nhiều xã's counts, the commune's monthly report — while
its decrypted bytes hold no CCCD number, no day and month of birth, no income; a commune file
refuses to merge it and stays byte-identical."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from db.errors import StoreError
from db.exchange import container
from db.exchange.errors import PackageError
from db.exchange.export import ExportScope, export_package
from db.exchange.merge import merge_package
from db.exchange.package import PARTS, for_upper_level, read_package
from db.exchange.upper_level import open_packages, summaries
from db.store import Store
from rasoat.cli import main
from reports.year_round import monthly_report_from_package
from tests.reports.test_monthly_report_from_package import (
    PASSWORD,
    _cells,
    _commune_with_a_decided_march,
    _pdf_text,
)

SLIM = ExportScope(kind="commune", for_upper_level=True)


@pytest.fixture(scope="module")
def commune(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(commune file, its full package, its slim package), both with the same password;
    the commune's own March report printed beside them (xa.pdf, xa.xlsx)."""
    tmp = tmp_path_factory.mktemp("slim")
    path, _movers = _commune_with_a_decided_march(tmp)
    with Store.open(path, user="Cán bộ", device="laptop-1") as store:
        result = export_package(store, tmp / "slim.rasoat", SLIM, password=PASSWORD)
    # With a password it is format 4 (sealed in chunks), slim by its scope; plain, format 3.
    assert result.written.manifest["format_version"] == container.CHUNKED_FORMAT_VERSION
    assert for_upper_level(result.written.manifest)
    return path, tmp / "xa.rasoat", tmp / "slim.rasoat"


def _identity(path: Path) -> tuple[set[str], set[str], set[int]]:
    """(CCCD numbers, ISO birth dates, incomes) of the commune file's members/households."""
    with Store.open(path, user="Cán bộ", device="laptop-1") as store:
        ids = [r[0] for r in store.conn.execute("SELECT id FROM households WHERE deleted = 0")]
        households = [h for h in map(store.get_household, ids) if h is not None]
    numbers = {m.id_number for h in households for m in h.members if m.id_number}
    births = {m.birth_date.isoformat() for h in households for m in h.members if m.birth_date}
    incomes = {h.income_per_capita for h in households if h.income_per_capita}
    return numbers, births, incomes


def test_the_slim_package_holds_no_identity_number_birth_day_or_income(
    commune: tuple[Path, Path, Path],
) -> None:
    path, full, slim = commune
    numbers, births, incomes = _identity(path)
    assert numbers  # the demo commune has all three
    assert births
    assert incomes
    raw = container.read_container(slim, allowed_parts=PARTS, password=PASSWORD)
    data = b"".join(raw.parts.values())
    assert not [n for n in numbers if n.encode() in data]
    assert not [b for b in births if b.encode() in data]
    # The full package has them, decrypted the same way (the check can see them).
    whole = b"".join(
        container.read_container(full, allowed_parts=PARTS, password=PASSWORD).parts.values()
    )
    assert any(n.encode() in whole for n in numbers)
    package = read_package(slim, password=PASSWORD)
    assert package.for_upper_level
    assert package.manifest["scope"]["for_upper_level"] is True
    assert "bản rút gọn gửi cấp trên" in package.manifest["scope"]["description"]
    for rec in package.records:
        h = rec.household
        assert (h.income_per_capita, h.note, h.address, h.screening, h.b1_answers) == (
            None,
            "",
            "",
            {},
            {},
        )
        for m in h.members:
            assert (m.id_number, m.birth_date, m.disability, m.health_insurance, m.note) == (
                None,
                None,
                None,
                None,
                "",
            )
        for res in rec.results.values():
            assert res["income"] is None
            assert res["reasons"] == []
    commune_part = json.loads(raw.parts["commune.json"])
    assert not commune_part.get("year_round")
    assert not commune_part.get("certificate_numbers")
    assert not [i for i in incomes if f'"income": {i}'.encode() in data]


def test_the_upper_level_reads_the_same_from_it(commune: tuple[Path, Path, Path]) -> None:
    _path, full, slim = commune
    opened, failed = open_packages([full, slim], password=PASSWORD)
    assert failed == []
    [(_, whole), (_, slimmed)] = opened
    assert [replace(s, source="") for s in summaries([(full, whole)])] == [
        replace(s, source="") for s in summaries([(slim, slimmed)])
    ]
    for year in (2025, 2026):
        assert [replace(s, source="") for s in summaries([(full, whole)], year)] == [
            replace(s, source="") for s in summaries([(slim, slimmed)], year)
        ]
    # The commune's monthly report printed from the slim package is the commune's own.
    up = slim.parent / "cap-tren"
    monthly_report_from_package(slimmed, up / "thang3.pdf", month=3, device="cap-tren")
    monthly_report_from_package(slimmed, up / "thang3.xlsx", fmt="xlsx", device="cap-tren")
    assert _pdf_text(up / "thang3.pdf") == _pdf_text(slim.parent / "xa.pdf")
    assert _cells(up / "thang3.xlsx") == _cells(slim.parent / "xa.xlsx")


def test_a_commune_file_refuses_to_merge_it(
    commune: tuple[Path, Path, Path], tmp_path: Path, capsys: Any
) -> None:
    path, _full, slim = commune
    before = path.read_bytes()
    secret = tmp_path / "mk.txt"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    code = main(["import", str(path), str(slim), "--password-file", str(secret)])
    assert code == 2
    err = capsys.readouterr().err
    assert "bản rút gọn gửi cấp trên" in err
    assert "không gộp vào tệp của xã" in err
    assert path.read_bytes() == before
    with (
        Store.open(path, user="Cán bộ", device="laptop-1") as store,
        pytest.raises(PackageError, match="chỉ dùng ở cấp trên"),
    ):
        merge_package(store, read_package(slim, password=PASSWORD), source_name=slim.name)


def test_only_the_whole_commune_is_slimmed(
    commune: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    path = commune[0]
    with (
        Store.open(path, user="Cán bộ", device="laptop-1") as store,
        pytest.raises(StoreError, match="chỉ xuất được cho toàn bộ xã"),
    ):
        export_package(
            store,
            tmp_path / "x.rasoat",
            ExportScope(kind="villages", villages=("Thôn 1",), for_upper_level=True),
        )
