"""Low-income workers (Decree 30/2025/NĐ-CP, issue 18 correction 7) on a real commune file:
an application per member from submission to the commune's outcome, checked against the bound
of the round's standard (2,250,000 rural under the 2022–2026 standard), audited; the members
the survey suggests; the printed list (PDF, XLSX) and the CLI."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from db import low_income
from db.errors import StoreError
from db.store import Store
from forms.classify import classify
from forms.low_income import Outcome
from forms.model import Area, Household
from forms.standards import load_standard
from rasoat.cli import main
from reports import build
from tests.forms.conftest import household

ND07 = load_standard("nd07-2022-2025")
ND351 = load_standard("nd351-2026-2030")


def _not_poor(code: str, income: int) -> Household:
    """Rural, no B1 total, not farming: above the 1,500,000 line → Không nghèo under ND07.
    Members: Lò Văn An (1985) and Lò Thị Bình (1988) self-employed, two children at school."""
    h = household(b1_total=None, income_per_capita=income, agri_forestry_fishery=False)
    h.code, h.village = code, "Thôn Đồng Tâm"
    return h


def _round(store: Store, standard_id: str, year: int, *households: Household) -> str:
    standard = ND07 if standard_id == ND07.id else ND351
    rnd = store.start_round(year, standard_id)
    for h in households:
        store.save_household(h, round_id=rnd.id, result=classify(h, standard, year))
    return str(rnd.id)


def _member(h: Household, name: str) -> str:
    return next(m.id for m in h.members if m.name == name)


def test_an_application_from_submission_to_outcome_checked_against_the_bound(
    store: Store,
) -> None:
    h = _not_poor("01-0001", 2_000_000)
    rid = _round(store, ND07.id, 2026, h)
    an = low_income.add_application(
        store, rid, h.id, _member(h, "Lò Văn An"), date(2026, 10, 5), 2_250_000, "Làm thuê"
    )
    assert an.outcome is Outcome.PENDING
    assert (an.code, an.member_name, an.head_name) == ("01-0001", "Lò Văn An", "Lò Văn An")
    found = low_income.check(store, an)
    # 2,250,000 is the rural bound itself (Decree 30/2025/NĐ-CP): "không quá" includes it.
    assert found.meets is True
    assert found.bound == 2_250_000
    assert "không quá 2.250.000 đồng" in " ".join(found.reasons)

    binh = low_income.add_application(
        store, rid, h.id, _member(h, "Lò Thị Bình"), date(2026, 10, 6), 2_250_001
    )
    refused = low_income.check(store, binh)
    assert refused.meets is False
    assert "quá 2.250.000 đồng" in " ".join(refused.reasons)

    # A child of 11 on 31 Dec 2026 (born 2015) is no worker, whatever the income.
    child = low_income.add_application(
        store, rid, h.id, _member(h, "Lò Văn Cường"), date(2026, 10, 6), 1_000_000
    )
    assert low_income.check(store, child).meets is False
    assert "chưa đủ 15 tuổi" in " ".join(low_income.check(store, child).reasons)

    decided = low_income.set_outcome(store, an.id, Outcome.ACCEPTED, "QĐ 45/QĐ-UBND")
    assert decided.outcome is Outcome.ACCEPTED
    assert decided.note == "QĐ 45/QĐ-UBND"
    low_income.set_outcome(store, binh.id, "refused")
    assert [a.outcome for a in low_income.applications(store, rid)] == [
        Outcome.ACCEPTED,
        Outcome.REFUSED,
        Outcome.PENDING,
    ]
    audit = [
        (e.action, e.new)
        for e in store.audit_for_household(h.id)
        if e.table == "low_income_applications" and e.row_id == an.id
    ]
    assert audit[0][0] == "insert"
    assert audit[0][1]["declared_income"] == 2_250_000
    assert audit[-1] == ("update", {"outcome": "accepted", "note": "QĐ 45/QĐ-UBND"})


def test_a_poor_household_member_fails_and_the_2027_standard_has_no_bound(
    store: Store,
) -> None:
    poor = household(b1_total=None, income_per_capita=1_000_000)  # ≤ line, 0 deprivations
    poor.code = "01-0002"
    rid = _round(store, ND07.id, 2026, poor)
    app = low_income.add_application(
        store, rid, poor.id, _member(poor, "Lò Văn An"), date(2026, 9, 1), 1_000_000
    )
    found = low_income.check(store, app)
    assert found.meets is False
    assert "hộ cận nghèo" in found.reasons[0]

    later = _not_poor("01-0003", 2_500_000)
    rid27 = _round(store, ND351.id, 2027, later)
    app27 = low_income.add_application(
        store, rid27, later.id, _member(later, "Lò Văn An"), date(2026, 11, 1), 2_500_000
    )
    open_question = low_income.check(store, app27)
    assert open_question.meets is None  # no bound in the 2027–2030 data: not guessed
    assert open_question.bound is None


def test_refusals_name_the_household_and_member(store: Store) -> None:
    """By the household's code and the member's place, never by name (docs/privacy.md)."""
    h = _not_poor("01-0004", 2_000_000)
    rid = _round(store, ND07.id, 2026, h)
    an = _member(h, "Lò Văn An")
    low_income.add_application(store, rid, h.id, an, date(2026, 10, 1), 2_000_000)
    with pytest.raises(StoreError, match=r"^Hộ 01-0004, thành viên thứ 1: đã có đơn"):
        low_income.add_application(store, rid, h.id, an, date(2026, 10, 2), 2_000_000)
    with pytest.raises(StoreError, match=r"^Hộ 01-0004, thành viên thứ 2: thu nhập kê khai"):
        low_income.add_application(
            store, rid, h.id, _member(h, "Lò Thị Bình"), date(2026, 10, 2), -5
        )
    with pytest.raises(StoreError, match="không có thành viên"):
        low_income.add_application(store, rid, h.id, "x", date(2026, 10, 2), 1)
    # A control character made the list fail to save as Excel; a long outcome note was cut
    # to 500 characters without a word.
    binh = _member(h, "Lò Thị Bình")
    with pytest.raises(StoreError, match=r"^Hộ 01-0004, thành viên thứ 2: ghi chú chứa ký tự"):
        low_income.add_application(store, rid, h.id, binh, date(2026, 10, 2), 1, note="xem lại\x1b")
    app = low_income.add_application(store, rid, h.id, binh, date(2026, 10, 2), 1)
    with pytest.raises(StoreError, match=r"^Hộ 01-0004, thành viên thứ 2: ghi chú dài 5.000 ký"):
        low_income.set_outcome(store, app.id, "accepted", note="x" * 5000)
    with pytest.raises(StoreError, match="ghi chú chứa ký tự điều khiển"):
        low_income.set_outcome(store, app.id, "accepted", note="\x07")
    assert low_income.application(store, app.id) == app


def test_candidates_are_suggested_until_they_apply(store: Store) -> None:
    within, above = _not_poor("01-0005", 2_100_000), _not_poor("01-0006", 2_300_000)
    urban = _not_poor("01-0007", 2_900_000)
    urban.area = Area.URBAN  # urban bound 3,000,000
    rid = _round(store, ND07.id, 2026, within, above, urban)
    names = [(c.household.code, c.member.name) for c in low_income.candidates(store, rid)]
    assert names == [
        ("01-0005", "Lò Văn An"),
        ("01-0005", "Lò Thị Bình"),
        ("01-0007", "Lò Văn An"),
        ("01-0007", "Lò Thị Bình"),
    ]
    low_income.add_application(
        store, rid, within.id, _member(within, "Lò Văn An"), date(2026, 10, 1), 2_100_000
    )
    assert ("01-0005", "Lò Văn An") not in [
        (c.household.code, c.member.name) for c in low_income.candidates(store, rid)
    ]


def test_the_list_prints_as_pdf_and_xlsx_and_the_cli_goes_from_submission_to_outcome(
    store: Store, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    h = _not_poor("01-0008", 2_000_000)
    _round(store, ND07.id, 2026, h)
    store.close()

    assert main(["low-income", "suggest", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Gợi ý (chưa phải đơn đề nghị): 2 thành viên")
    argv = ["low-income", "add", str(db_path), "--household", "01-0008"]
    assert (
        main([*argv, "--member", "lo van an", "--date", "2026-10-05", "--income", "2000000"]) == 0
    )
    app_id, check = capsys.readouterr().out.splitlines()
    assert check.startswith("Kiểm tra tự động: Đạt.")
    assert main([*argv, "--member", "Lò Văn Nam", "--income", "1"]) == 2
    err = capsys.readouterr().err
    # No member named: the household's names were listed in the message (docs/privacy.md).
    assert "hộ 01-0008 không có thành viên nào mang họ tên đã gõ" in err
    assert "(1 đến 4)" in err
    assert "Lò Văn An" not in err
    assert "Lò Thị Bình" not in err
    assert main(["low-income", "outcome", str(db_path), app_id[:8], "dat"]) == 0
    assert capsys.readouterr().out.strip() == "01-0008\tLò Văn An\tĐược công nhận"

    pdf, xlsx = tmp_path / "ds.pdf", tmp_path / "ds.xlsx"
    assert main(["low-income", "print", str(db_path), "--out", str(pdf)]) == 0
    assert main(["low-income", "print", str(db_path), "--out", str(xlsx)]) == 0
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "DANH SÁCH NGƯỜI LAO ĐỘNG CÓ THU NHẬP THẤP" in text
    assert "Lò Văn An" in text
    assert "Được công" in text  # the column wraps "nhận"
    assert "1 đơn, 1 người được công nhận" in text
    sheet = openpyxl.load_workbook(xlsx).active
    assert sheet is not None
    rows = [[c for c in r if c is not None] for r in sheet.iter_rows(values_only=True)]
    [row] = [r for r in rows if "01-0008" in r]
    assert 2_000_000 in row
    assert 2_250_000 in row
    assert "Được công nhận" in row

    with Store.open(db_path, user="Lò Văn Ín", device="laptop-1") as again:
        # The same list through the report catalog (the Báo cáo menu), for one village.
        out_pdf = build("low_income_list", again, tmp_path / "v.pdf", village="Thôn Đồng Tâm")
        assert out_pdf.exists()
        # A village with none: said in words, not an empty table signed for.
        again.add_village("Thôn Trống")
        empty = build("low_income_list", again, tmp_path / "e.pdf", village="Thôn Trống")
    said = subprocess.run(
        ["pdftotext", "-layout", str(empty), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "Không có đơn nào trong kỳ rà soát này." in said
    assert "Thu nhập bình quân" not in said
    assert "01-0008" in text.replace("\n", " ")  # the code on one line, not "01-" / "0008"


def test_on_the_list_means_the_lists_as_they_stood_on_the_day_it_applied(
    store: Store,
) -> None:
    """Near-poor in the 2025 review, out by a March 2026 decision: a worker applying in
    July was told "Hộ đang thuộc danh sách hộ nghèo, hộ cận nghèo"."""
    from db import year_round

    near = household(b1_total=None, income_per_capita=1_000_000)  # ≤ line, 0 deprivations
    near.code = "01-0002"
    rid = _round(store, ND07.id, 2025, near)
    store.save_decision(rid, "130/QĐ-UBND", date(2025, 12, 10), "Nguyễn Văn Hùng")
    near.income_per_capita = 2_100_000
    store.save_household(near)
    march = year_round.start_regular_round(store, 2026, 3)
    year_round.add_to_round(store, march.id, near.id)
    store.save_decision(march.id, "31/QĐ-UBND", date(2026, 3, 20), "Nguyễn Văn Hùng")
    before = low_income.add_application(
        store, rid, near.id, _member(near, "Lò Văn An"), date(2025, 12, 20), 2_100_000
    )
    assert "hộ cận nghèo" in low_income.check(store, before).reasons[0]
    after = low_income.add_application(
        store, rid, near.id, _member(near, "Lò Thị Bình"), date(2026, 7, 1), 2_100_000
    )
    assert not any("danh sách" in r for r in low_income.check(store, after).reasons)
