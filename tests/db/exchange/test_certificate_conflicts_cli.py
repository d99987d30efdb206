"""'rasoat conflicts' lists certificate-number conflicts beside the households' and resolves
them by id (issue 15 item 2); 'rasoat import' counts them among the conflicts waiting."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from db import certificates
from db.store import Store
from rasoat.cli import main
from tests.db.exchange.test_certificate_numbers import decide_and_number, export_all, numbers
from tests.reports.conftest import VILLAGES, build_commune


def test_conflicts_lists_and_resolves_certificate_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = build_commune(tmp_path / "xa.db", 40, VILLAGES)
    a = Path(shutil.copy(base, tmp_path / "may-a.db"))
    b = Path(shutil.copy(base, tmp_path / "may-b.db"))
    decide_and_number(b, "may-b")
    theirs = numbers(b)
    sent_back = next(code for code, n in theirs.items() if n == 1)
    decide_and_number(a, "may-a", vote_down=sent_back)
    mine = numbers(a)
    holder = next(code for code, n in mine.items() if n == 1)
    package = export_all(b, "may-b", tmp_path / "b.rasoat")
    capsys.readouterr()
    assert main(["import", str(a), str(package)]) == 0
    with Store.open(a, user="t", device="t") as store:
        waiting = certificates.open_conflicts(store.conn)
    assert f"Còn {len(waiting)} xung đột chờ quyết định" in capsys.readouterr().out

    assert main(["conflicts", str(a)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Số giấy chứng nhận")
    taken = next(line for line in lines if f"hộ {sent_back} " in line)
    assert "số ở xã: chưa có số  số trong gói: 0001 (máy may-b)" in taken
    assert f"số 0001 ở xã là của hộ {holder}" in taken
    assert len(lines) == 1 + len(waiting)

    assert main(["conflicts", str(a), "--take-theirs", taken.split()[0]]) == 0
    assert f"số giấy chứng nhận của hộ {sent_back}" in capsys.readouterr().out
    assert numbers(a)[sent_back] == 1
    assert holder not in numbers(a)
    other = next(
        line
        for line in lines
        if line.startswith(tuple("0123456789abcdef"))
        and holder not in line
        and sent_back not in line
    )
    code = other.split()[2]
    assert main(["conflicts", str(a), "--keep-mine", other.split()[0]]) == 0
    assert numbers(a)[code] == mine[code]
    assert main(["conflicts", str(a)]) == 0
    assert "Không có xung đột" not in capsys.readouterr().out  # the holder's is still open
    with Store.open(a, user="t", device="t") as store:
        assert [c.code for c in certificates.open_conflicts(store.conn)] == [holder]
