"""`rasoat support add|list|delete`: the household's "Hỗ trợ" page on the command line, with
the window's validator, store call and audit rows; and a listing piped into a reader that
stops early (`| head`) ends quietly."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from db import year_round
from db.store import Store
from rasoat.cli import main
from rasoat.identity import os_user
from rasoat.logs import STDOUT_CLOSED


def _first_code(path: Path) -> str:
    with Store.open(path, user="a", device="b") as store:
        return next(h.code for h in store.iter_households())


def test_support_added_listed_and_deleted(
    commune: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = _first_code(commune)
    f = str(commune)
    add = ["support", "add", f, "--household", code, "--kind", "credit", "--date", "05/11/2026"]
    assert main([*add, "--programme", "Ngân hàng CSXH", "--amount", "30.000.000 đ"]) == 0
    made = capsys.readouterr().out.strip()
    with Store.open(commune, user="a", device="b") as store:
        [(record, listed_code, _)] = [
            r for r in year_round.support_records(store) if r[0].id == made
        ]
        assert (record.kind, record.amount, record.programme) == (
            "credit",
            30_000_000,
            "Ngân hàng CSXH",
        )
        assert listed_code == code
        changes = store.conn.execute(
            "SELECT action, user FROM audit WHERE tbl = 'support_records' AND row_id = ?", (made,)
        ).fetchall()
        # A file without users: the computer's login name, as every command (privacy.md).
        assert changes == [("insert", os_user())]

    assert main(["support", "list", f, "--household", code]) == 0
    [line] = [x for x in capsys.readouterr().out.splitlines() if x.startswith(made[:8])]
    assert line.split("\t")[1:] == [
        code,
        line.split("\t")[2],
        "05/11/2026",
        "Vay vốn tín dụng ưu đãi",
        "Ngân hàng CSXH",
        "",
        "30.000.000 đ",
    ]

    assert main(["support", "delete", f, made[:8]]) == 0
    assert "Đã xoá lần hỗ trợ" in capsys.readouterr().out
    assert main(["support", "list", f, "--household", code]) == 0
    assert made[:8] not in capsys.readouterr().out


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        (["--kind", "health_insurance", "--amount", "5"], "Số tiền không áp dụng cho loại hỗ trợ"),
        (["--kind", "credit", "--amount", "5²"], "Số tiền phải là số nguyên"),
        (["--kind", "credit", "--amount", "-5"], "Số tiền"),
        (["--kind", "credit", "--date", "01/01/2099"], "Ngày hỗ trợ ở tương lai"),
        (["--kind", "credit", "--programme", "x" * 5000], "Chương trình, nguồn hỗ trợ"),
    ],
)
def test_a_refused_support_names_the_household_and_field_and_writes_nothing(
    commune: Path, capsys: pytest.CaptureFixture[str], extra: list[str], said: str
) -> None:
    code = _first_code(commune)
    before = hashlib.sha256(commune.read_bytes()).hexdigest()
    assert main(["support", "add", str(commune), "--household", code, *extra]) == 1
    err = capsys.readouterr().err
    assert f"Hộ {code}: {said}" in err
    assert hashlib.sha256(commune.read_bytes()).hexdigest() == before


def test_input_the_command_cannot_use(commune: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = str(commune)
    assert main(["support", "add", f, "--household", "KHONG-CO", "--kind", "credit"]) == 2
    assert "không có hộ mã KHONG-CO" in capsys.readouterr().err
    code = _first_code(commune)
    assert (
        main(["support", "add", f, "--household", code, "--kind", "credit", "--date", "30/02/2026"])
        == 2
    )
    assert "ngày hỗ trợ '30/02/2026' không hợp lệ" in capsys.readouterr().err
    assert main(["support", "delete", f, "zzzz"]) == 2
    assert "không khớp đúng một lần hỗ trợ" in capsys.readouterr().err


def test_output_read_by_a_reader_that_stops_early_ends_quietly(tmp_path: Path) -> None:
    """`rasoat classify ho.json | head -1`: the pipe closed by its reader was said as
    "Lỗi không mong muốn (BrokenPipeError)", exit 70, with a traceback in the log. It ends
    as a program SIGPIPE stops does, silently (141)."""
    from forms.demo import generate_households
    from forms.household_json import dump_document

    doc = tmp_path / "ho.json"
    doc.write_text(json.dumps(dump_document(list(generate_households(400, seed=3)))), "utf-8")
    child = subprocess.Popen(
        [sys.executable, "-m", "rasoat", "classify", str(doc)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None
    assert child.stderr is not None
    assert json.loads(child.stdout.readline())  # the first result, then the reader goes
    child.stdout.close()
    err = child.stderr.read().decode()
    assert child.wait(timeout=120) == STDOUT_CLOSED
    assert err == ""


def test_the_kinds_come_from_the_catalogue_when_asked_not_at_every_start(
    commune: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The parser every `rasoat` builds (the window's start included) read the catalogue,
    with forms.model, for the --kind choices: about 28 ms of every start."""
    code = _first_code(commune)
    before = hashlib.sha256(commune.read_bytes()).hexdigest()
    assert main(["support", "add", str(commune), "--household", code, "--kind", "khong"]) == 2
    assert "loại hỗ trợ 'khong' không có trong danh mục" in capsys.readouterr().err
    assert hashlib.sha256(commune.read_bytes()).hexdigest() == before
    assert main(["support", "kinds"]) == 0
    assert "credit: Vay vốn tín dụng ưu đãi" in capsys.readouterr().out.splitlines()
    probe = "import sys; from rasoat.cli import build_parser; build_parser(); "
    probe += "print('forms.catalog' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.stdout.strip() == "False", done.stderr
