"""`rasoat round new|list`: Tệp → Kỳ rà soát mới… on the command line: the year and the
standard proposed as the dialog proposes them, another standard only on an instruction, the
file unchanged after a refusal."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest

from db import round_basis
from db.store import Store
from rasoat.cli import main


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_next_years_review_started_and_listed(
    commune: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = str(commune)
    assert main(["round", "list", f]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "2025\tđịnh kỳ\tChuẩn nghèo đa chiều giai đoạn 2022–2025\t"
        "quyết định số 215/QĐ-UBND-2025 ngày 12/12/2025",
        "2026\tđịnh kỳ\tChuẩn nghèo đa chiều giai đoạn 2022–2025\tchưa có quyết định",
    ]
    assert main(["round", "new", f, "--year", "2027"]) == 0
    out = capsys.readouterr().out
    assert "Đã bắt đầu kỳ rà soát năm 2027, theo Chuẩn nghèo đa chiều giai đoạn 2026–2030." in out
    assert "chưa được rà soát trong kỳ năm 2027" in out
    assert "kết quả kỳ năm 2026 là mốc tính biến động" in out
    with Store.open(commune, user="a", device="b") as store:
        current = store.current_round()
        assert (current.year, current.standard_id) == (2027, "nd351-2026-2030")
        kept = round_basis.choice(store, current.id)
        assert kept is not None
        assert kept.proposed_standard_id == "nd351-2026-2030"
    assert main(["round", "list", f]) == 0
    assert capsys.readouterr().out.splitlines()[-1].split("\t")[:2] == ["2027", "định kỳ"]


def test_another_standard_needs_its_instruction_and_a_refusal_changes_nothing(
    commune: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = str(commune)
    before = _sha(commune)
    assert main(["round", "new", f, "--year", "2027", "--standard", "nd07-2022-2025"]) == 1
    assert "số và ngày ban hành" in capsys.readouterr().err
    assert main(["round", "new", f, "--year", "2026"]) == 1
    assert "Đã có kỳ rà soát định kỳ năm 2026" in capsys.readouterr().err
    assert main(["round", "new", f, "--year", "2027", "--instruction-date", "30/02/2026"]) == 2
    assert _sha(commune) == before
    day = date.today().strftime("%d/%m/%Y")
    args = ["--standard", "nd07-2022-2025", "--instruction-number", "15/HD-UBND"]
    assert main(["round", "new", f, "--year", "2027", *args, "--instruction-date", day]) == 0
    assert "theo văn bản số 15/HD-UBND" in capsys.readouterr().out
    with Store.open(commune, user="a", device="b") as store:
        kept = round_basis.choice(store, store.current_round().id)
        assert kept is not None
        assert (kept.standard_id, kept.instruction_number) == ("nd07-2022-2025", "15/HD-UBND")


def test_a_command_on_an_older_file_says_it_upgraded_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from db import backup, driver
    from db.migrations import LATEST, migrate
    from db.store import APPLICATION_ID

    path = tmp_path / "xa-cu.sqlite"
    conn = driver.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    migrate(conn, target=10)
    conn.execute("INSERT INTO commune VALUES (1, '15', 'Lào Cai', '2947', 'Xã Bảo Yên', 'rural')")
    conn.close()
    assert main(["round", "list", str(path)]) == 0
    err = capsys.readouterr().err
    [kept] = backup.list_backups(path, "migration")
    assert f"cấu trúc dữ liệu số 10 lên số {LATEST}" in err
    assert str(kept) in err
    assert main(["round", "list", str(path)]) == 0
    assert capsys.readouterr().err == ""
