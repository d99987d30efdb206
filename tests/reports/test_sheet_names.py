"""Every workbook's sheet names in Vietnamese with their diacritics, as every other text an
officer reads: "Tong hop", "Ho phu trach" were ASCII-folded names among Vietnamese ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

import reports
from db.store import Store
from reports.catalog import DOCUMENTS
from tests.reports.conftest import cadre_for

WITH_XLSX = sorted(k for k, spec in DOCUMENTS.items() if "xlsx" in spec.formats)


def test_every_catalog_workbook_is_checked() -> None:
    assert {"monthly_report", "needs_without_support", "cadre_households"} <= set(WITH_XLSX)


@pytest.mark.parametrize("kind", WITH_XLSX)
def test_sheet_names_keep_their_diacritics(small_store: Store, tmp_path: Path, kind: str) -> None:
    try:
        out = reports.build(
            kind, small_store, tmp_path / f"{kind}.xlsx", fmt="xlsx", cadre=cadre_for(kind)
        )
    except reports.ReportError:
        pytest.skip("nothing to list in the test commune")
    names = load_workbook(out, read_only=True).sheetnames
    assert names
    folded = [n for n in names if n.isascii() and any(c.isalpha() for c in n)]
    assert folded == [], kind
