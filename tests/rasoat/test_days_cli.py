"""Days typed on the command line: a day the calendar does not have, a year of the distant
future, a month 0, a reference date that makes ages negative are refused in Vietnamese (exit
2), the file untouched; they used to end in "Lỗi không mong muốn (ValueError …)" or be stored,
one far-future date then breaking `application list` for good."""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from db import year_round
from db.errors import StoreError
from db.store import Store
from forms.applications import ApplicationKind, deadline
from rasoat.cli import main


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_impossible_and_future_days_are_refused_and_the_list_still_lists(
    commune: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = str(commune)
    with Store.open(commune, user="Cán bộ", device="l1") as store:
        code = next(iter(store.iter_households())).code
    add = ["application", "add", f, "--household", code, "--kind", "04", "--by", "Lò Văn Ín"]
    before = digest(commune)
    for day, rc, said in (
        ("2025-02-30", 2, "không hợp lệ"),
        ("30/02/2025", 2, "không hợp lệ"),
        ("2099-12-31", 1, "ở tương lai"),
        ("9999-12-31", 2, "không hợp lệ"),  # no year a command is given: past 2100
        ("1999-12-31", 1, "trước năm 2000"),
    ):
        assert main([*add, "--date", day]) == rc, day
        err = capsys.readouterr().err
        assert said in err, (day, err)
        assert "Lỗi không mong muốn" not in err
    assert digest(commune) == before
    assert main([*add, "--date", "03/03/2026"]) == 0
    # A day after 9999-12-31 does not exist: the log's period ended with an internal error.
    assert main(["log", f, "--from", "01/01/2026", "--to", "31/12/9999"]) == 2
    assert "Lỗi không mong muốn" not in capsys.readouterr().err
    capsys.readouterr()
    assert main(["application", "list", f, "--today", "2026-13-01"]) == 2
    assert "không hợp lệ" in capsys.readouterr().err
    assert main(["application", "list", f, "--today", "10/03/2026"]) == 0
    assert f"{code}\t" in capsys.readouterr().out


def test_a_month_or_year_out_of_range_opens_no_round(
    commune: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = str(commune)
    before = digest(commune)
    for month, year, said in (("0", "2026", "tháng phải từ 1 đến 12"), ("5", "1800", "năm")):
        assert main(["application", "round", f, "--month", month, "--year", year]) == 2
        assert said in capsys.readouterr().err
    assert digest(commune) == before


def test_the_store_refuses_what_the_cli_would_and_a_far_date_from_a_package_still_lists(
    commune: Path,
) -> None:
    with Store.open(commune, user="Cán bộ", device="l1") as store:
        h = next(iter(store.iter_households()))
        with pytest.raises(StoreError, match=f"Hộ {h.code}: ngày nhận giấy đề nghị"):
            year_round.add_application(
                store, h.id, "regular_review", date.today() + timedelta(days=1), "Lò Văn Ín"
            )
        with pytest.raises(StoreError, match="lý do đề nghị"):
            year_round.add_application(
                store, h.id, "regular_review", date(2026, 3, 3), "Lò Văn Ín", "x" * 5000
            )
    # A package's laptop with its clock far ahead: the deadline stops at the calendar's end.
    assert deadline(ApplicationKind.ESCAPE, date(9999, 12, 31)) == date.max
    assert deadline(ApplicationKind.PERIODIC_REVIEW, date(9999, 12, 31)) == date.max


def test_classify_refuses_a_reference_date_no_age_is_counted_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from forms.demo import generate_households
    from forms.household_json import dump_document

    doc = tmp_path / "ho.json"
    doc.write_text(json.dumps(dump_document(list(generate_households(2, seed=3)))), "utf-8")
    for day in ("0001-01-01", "31/02/2026", "9999-12-31"):
        assert main(["classify", str(doc), "--reference-date", day]) == 2, day
        err = capsys.readouterr().err
        assert "ngày tính tuổi" in err
        assert "tuổi)" not in err
    assert main(["classify", str(doc), "--reference-date", "31/12/2026"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert all(json.loads(line) for line in lines)
