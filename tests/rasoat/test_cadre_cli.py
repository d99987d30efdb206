"""`rasoat cadre assign|list`: the window's "Cán bộ phụ trách" on the command line, with its
validator, store call and audit rows; a household's own cadre before its village's."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from db import year_round
from db.store import Store
from rasoat.cli import main
from rasoat.identity import os_user


def _household(path: Path) -> tuple[str, str, str]:
    with Store.open(path, user="a", device="b") as store:
        for h in store.iter_households():
            got = year_round.cadre_for(store, h.id)
            if got is None or got.household_id is None:  # none of its own
                return h.id, h.code, h.village
    raise AssertionError("every demo household has a cadre of its own")


def test_a_village_then_one_of_its_households_then_taken_back(
    commune: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hid, code, village = _household(commune)
    f = str(commune)
    assert (
        main(
            [
                "cadre",
                "assign",
                f,
                "--village",
                village,
                "--name",
                " Lò  Văn Ín ",
                "--role",
                "Trưởng thôn",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out.strip() == f"Đã giao Lò Văn Ín phụ trách {village}."
    with Store.open(commune, user="a", device="b") as store:
        got = year_round.cadre_for(store, hid)
        assert got is not None
        assert (got.cadre_name, got.cadre_role) == ("Lò Văn Ín", "Trưởng thôn")

    assert main(["cadre", "assign", f, "--household", code, "--name", "Đặng Thị Lan"]) == 0
    with Store.open(commune, user="a", device="b") as store:
        got = year_round.cadre_for(store, hid)
        assert got is not None
        assert got.cadre_name == "Đặng Thị Lan"
        audit = store.conn.execute(
            "SELECT action, user FROM audit WHERE tbl = 'cadre_assignments' AND household_id = ?",
            (hid,),
        ).fetchall()
        # A file without users: the computer's login name, as every command (privacy.md).
        assert audit == [("insert", os_user())]
    capsys.readouterr()
    assert main(["cadre", "list", f]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert f"{village}\tLò Văn Ín\tTrưởng thôn" in lines
    assert any(line.startswith(f"Hộ {code} (") and "\tĐặng Thị Lan" in line for line in lines)

    assert main(["cadre", "assign", f, "--household", code, "--remove"]) == 0
    with Store.open(commune, user="a", device="b") as store:
        got = year_round.cadre_for(store, hid)
        assert got is not None
        assert got.cadre_name == "Lò Văn Ín"  # the village's again


@pytest.mark.parametrize(
    ("extra", "code", "said"),
    [
        (
            ["--village", "Không có thôn này", "--name", "A"],
            1,
            "Không có thôn/bản “Không có thôn này”",
        ),
        (["--household", "KHONG-CO", "--name", "A"], 2, "không có hộ mã KHONG-CO"),
        (["--village", "{village}", "--name", "  "], 2, "--name trống"),
        (["--village", "{village}", "--name", "A" * 500], 1, "Thôn {village}"),
    ],
)
def test_refused_and_nothing_written(
    commune: Path, capsys: pytest.CaptureFixture[str], extra: list[str], code: int, said: str
) -> None:
    _, _, village = _household(commune)
    before = hashlib.sha256(commune.read_bytes()).hexdigest()
    args = [x.format(village=village) for x in extra]
    assert main(["cadre", "assign", str(commune), *args]) == code
    assert said.format(village=village) in capsys.readouterr().err
    assert hashlib.sha256(commune.read_bytes()).hexdigest() == before
