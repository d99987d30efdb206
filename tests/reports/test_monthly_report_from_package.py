"""Issue 24 item 2: the upper level prints a commune's monthly report from the package the
commune sent up, the very document the commune prints (PDF and XLSX), from the command line
too (a password-protected package, its password read from a file)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pypdf

from db import year_round
from db.demo import create_demo_commune
from db.exchange.export import export_package
from db.exchange.upper_level import open_packages
from db.store import Store
from rasoat.cli import main
from reports import build
from reports.year_round import monthly_report_from_package

PASSWORD = "Rasoat-thang-3-2027"


def _pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def _cells(path: Path) -> list[list[list[Any]]]:
    book = openpyxl.load_workbook(path)
    return [[[c.value for c in row] for row in sheet.iter_rows()] for sheet in book.worksheets]


def _commune_with_a_decided_march(tmp_path: Path) -> tuple[Path, list[str]]:
    """The demo commune; two poor households recognised as escaped by the March 2027
    regular round, decided; the commune's own monthly report printed, and its package for
    the upper level exported (with a password)."""
    from reports.review import load_review

    path = create_demo_commune(tmp_path / "demo.rasoat.sqlite", households=60)
    with Store.open(path, user="Cán bộ", device="laptop-1") as store:
        last = year_round.last_periodic(store)
        assert last is not None
        poor = [
            e.household for e in load_review(store, last.id).entries if e.category.value == "poor"
        ]
        movers = poor[:2]
        for h in movers:
            year_round.add_application(
                store, h.id, "escape", date(2027, 3, 3), h.head_name(), today=date(2027, 3, 3)
            )
            h.b1_total, h.income_per_capita = 260, 4_000_000
            store.save_household(h)
        rnd = year_round.start_regular_round(store, 2027, 3)
        store.save_decision(rnd.id, "05/QĐ-UBND", date(2027, 3, 17), "Nguyễn Văn Hùng")
        for fmt in ("pdf", "xlsx"):
            build("monthly_report", store, tmp_path / f"xa.{fmt}", fmt=fmt, round_id=rnd.id)
        export_package(store, tmp_path / "xa.rasoat", password=PASSWORD)
    return path, [h.code for h in movers]


def test_the_upper_level_prints_the_communes_monthly_report_from_its_package(
    tmp_path: Path, capsys: Any
) -> None:
    _, movers = _commune_with_a_decided_march(tmp_path)
    commune_pdf, commune_xlsx = _pdf_text(tmp_path / "xa.pdf"), _cells(tmp_path / "xa.xlsx")
    assert "Thoát nghèo" in commune_pdf
    assert all(code in commune_pdf for code in movers)
    assert "05/QĐ-UBND" in commune_pdf

    opened, failed = open_packages([tmp_path / "xa.rasoat"], password=PASSWORD)
    assert failed == []
    package = opened[0][1]
    up = tmp_path / "cap-tren"
    monthly_report_from_package(package, up / "thang3.pdf", month=3, device="cap-tren")
    monthly_report_from_package(package, up / "thang3.xlsx", fmt="xlsx", device="cap-tren")
    assert _pdf_text(up / "thang3.pdf") == commune_pdf
    assert _cells(up / "thang3.xlsx") == commune_xlsx
    assert sorted(p.name for p in up.iterdir()) == ["thang3.pdf", "thang3.xlsx"]

    secret = tmp_path / "matkhau.txt"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    pkg = str(tmp_path / "xa.rasoat")
    cli = ["report", "monthly_report", "--package", pkg, "--password-file", str(secret)]
    assert main([*cli, "--month", "3", "--round", "2027", "--out", str(up / "cli.xlsx")]) == 0
    assert _cells(up / "cli.xlsx") == commune_xlsx
    assert main([*cli, "--month", "4", "--out", str(up / "t4.pdf")]) == 2
    err = capsys.readouterr().err
    assert "chưa có kỳ rà soát thường xuyên tháng 4" in err
    assert not (up / "t4.pdf").exists()
    assert main(["report", "meeting_list", "--package", pkg]) == 2
    assert "chỉ báo cáo monthly_report" in capsys.readouterr().err
