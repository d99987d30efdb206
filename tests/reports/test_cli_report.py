"""`rasoat report` and the headless main job of `make run`, as a user runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from db.store import Store
from forms.model import Category
from rasoat import paths
from rasoat.cli import main
from rasoat.headless import run_headless
from tests.reports.conftest import VILLAGES


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_list_names_every_kind_in_vietnamese(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--list"]) == 0
    out = capsys.readouterr().out
    assert "meeting_list" in out
    assert "Giấy chứng nhận hộ nghèo, hộ cận nghèo" in out
    assert "--household (bắt buộc)" in out


def test_report_writes_pdf_and_xlsx(small_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "ds.pdf"
    assert (
        main(
            [
                "report",
                "meeting_list",
                str(small_file),
                "--out",
                str(out),
                "--village",
                VILLAGES[1],
                "--round",
                "2026",
            ]
        )
        == 0
    )
    assert "DANH SÁCH HỘ GIA ĐÌNH ĐƯA RA BÌNH XÉT" in pdf_text(out)
    xlsx = tmp_path / "bc.xlsx"
    assert main(["report", "summary", str(small_file), "--out", str(xlsx)]) == 0
    assert "Kết quả theo thôn" in load_workbook(xlsx).sheetnames


def test_report_for_one_household_by_code(small_file: Path, tmp_path: Path) -> None:
    with Store.open(small_file, user="t", device="t") as store:
        rnd = store.current_round()
        assert rnd is not None
        rejected = {v.household_id for v in store.meeting_votes(rnd.id) if not v.passed}
        poor = [h for h, r in store.results_for_round(rnd.id) if r.category is Category.POOR]
    h = next(h for h in poor if h.id not in rejected)
    out = tmp_path / "gcn.pdf"
    assert (
        main(["report", "certificate", str(small_file), "--household", h.code, "--out", str(out)])
        == 0
    )
    assert h.head_name() in pdf_text(out)
    # The household the village meeting voted down gets no certificate.
    back = next(h for h in poor if h.id in rejected)
    argv = ["report", "certificate", str(small_file), "--household", back.code, "--out", str(out)]
    assert main(argv) == 2


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["report", "khong-co", "{file}"], "không có loại tài liệu 'khong-co'"),
        (["report", "meeting_list", "/khong/co/tep.sqlite"], "không tìm thấy tệp xã"),
        (["report", "certificate", "{file}", "--format", "xlsx"], "chỉ xuất được dạng PDF"),
        (["report", "meeting_list", "{file}", "--village", "Thôn Ma"], "Không có thôn 'Thôn Ma'"),
        (["report", "meeting_list", "{file}", "--round", "1999"], "Không tìm thấy kỳ rà soát"),
        (["report", "certificate", "{file}", "--household", "99-9999"], "không có hộ mã"),
        (["report", "meeting_list"], "cần LOẠI và TỆP_XÃ"),
    ],
)
def test_user_errors_exit_2_in_vietnamese_without_traceback(
    argv: list[str], message: str, small_file: Path, tmp_path: Path
) -> None:
    args = [a.replace("{file}", str(small_file)) for a in argv]
    before = small_file.read_bytes()
    done = subprocess.run(
        [sys.executable, "-m", "rasoat", *args, "--out", str(tmp_path / "x.pdf")],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert small_file.read_bytes() == before  # "last seen" is not written by a refusal


def test_headless_builds_the_demo_and_prints_the_first_village_list(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert not paths.demo_file().exists()
    assert run_headless() == 0
    out = capsys.readouterr().out
    pdfs = list(paths.output_dir().glob("*.pdf"))
    assert len(pdfs) == 1
    assert str(paths.demo_file()) in out
    assert str(pdfs[0]) in out
    with Store.open(paths.demo_file(), user="t", device="t") as store:
        first = store.villages()[0].name
        rnd = store.current_round()
        assert rnd is not None
        poor = [
            h
            for h, r in store.results_for_round(rnd.id)
            if h.village == first and r.category is Category.POOR
        ]
    text = pdf_text(pdfs[0])
    assert first.upper() in text
    assert poor
    assert all(h.head_name() in text for h in poor)
    # A second run reuses the demo file instead of building it again.
    assert run_headless() == 0
    again = capsys.readouterr().out
    assert "Đang tạo xã mẫu" in out
    assert "Đang tạo xã mẫu" not in again
    assert str(pdfs[0]) in again


def test_summary_is_addressed_to_the_upper_level_of_the_settings(
    small_file: Path, tmp_path: Path
) -> None:
    from rasoat import settings

    out = tmp_path / "bc.pdf"
    assert main(["report", "summary", str(small_file), "--out", str(out)]) == 0
    assert "Kính gửi: ……" in pdf_text(out)  # not set yet: a line to fill in by hand
    settings.update(upper_level_name="UBND tỉnh Lai Châu")
    assert main(["report", "summary", str(small_file), "--out", str(out)]) == 0
    assert "Kính gửi: UBND tỉnh Lai Châu" in pdf_text(out)
    args = ["report", "summary", str(small_file), "--out", str(out), "--upper-level", "Sở Y tế"]
    assert main(args) == 0
    assert "Kính gửi: Sở Y tế" in pdf_text(out)


def test_the_workbook_sent_up_takes_cccd_only_with_full_identity(
    small_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store.open(small_file, user="t", device="t") as store:
        ids = {m.id_number for h in store.iter_households() for m in h.members} - {None, ""}
    assert ids

    def cccd_sent(path: Path) -> set[str]:
        ws = load_workbook(path).worksheets[0]
        return {str(c.value) for row in ws.iter_rows(min_row=8) for c in row} & ids

    plain, full = tmp_path / "x.xlsx", tmp_path / "full.xlsx"
    assert main(["report", "exchange_workbook", str(small_file), "--out", str(plain)]) == 0
    args = ["report", "exchange_workbook", str(small_file), "--out", str(full)]
    assert main([*args, "--full-identity"]) == 0
    assert cccd_sent(plain) == set()
    assert cccd_sent(full)
    capsys.readouterr()
    assert main(["report", "final_list", str(small_file), "--full-identity"]) == 2
    assert "số CCCD" in capsys.readouterr().err
