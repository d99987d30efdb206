"""A surveyor assigned to villages exports only their households: asking for a surveyor's
or every village's package, one surveyor of one village exported the whole commune, ID
numbers included."""

from __future__ import annotations

from pathlib import Path

import pytest

from db.exchange.package import read_package
from db.store import Store
from rasoat.cli import main


@pytest.fixture
def with_surveyor(commune: Path, tmp_path: Path) -> tuple[Path, list[str], str]:
    """(the commune file with an officer and a surveyor of its first village, every login's
    options as the surveyor, that village)."""
    secret = tmp_path / "mk.txt"
    secret.write_text("mat-khau-du-dai-9x\n", encoding="utf-8")
    with Store.open(commune, user="a", device="b") as store:
        villages = sorted({h.village for h in store.iter_households()})
    f, s = str(commune), str(secret)
    assert main(["users", "add", f, "thu", "--role", "can-bo", "--new-password-file", s]) == 0
    officer = ["--user", "thu", "--password-file", s]
    mai = ["users", "add", f, "mai", "--role", "dieu-tra-vien", "--village", villages[0]]
    assert main([*mai, "--new-password-file", s, *officer]) == 0
    return commune, ["--user", "mai", "--user-password-file", s], villages[0]


def _villages(package: Path) -> set[str]:
    return {r.household.village for r in read_package(package).records}


def test_a_surveyors_package_holds_their_villages_only(
    with_surveyor: tuple[Path, list[str], str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    commune, mai, village = with_surveyor
    out = tmp_path / "mai.rasoat"
    assert (
        main(["export", str(commune), str(out), "--scope", "surveyor", "--no-password", *mai]) == 0
    )
    assert _villages(out) == {village}

    with Store.open(commune, user="a", device="b") as store:
        others = sorted({h.village for h in store.iter_households()} - {village})
    every = [x for v in [village, *others] for x in ("--village", v)]
    refused = tmp_path / "tat-ca.rasoat"
    args = ["export", str(commune), str(refused), "--scope", "villages", *every, "--no-password"]
    capsys.readouterr()
    assert main([*args, *mai]) == 1
    err = capsys.readouterr().err
    assert f"chỉ được xuất gói của {village}; không xuất được {others[0]}" in err
    assert "KHÔNG có mật khẩu" not in err  # said of a package written, not of a refusal
    assert not refused.exists()
    mine = tmp_path / "thon.rasoat"
    args = ["export", str(commune), str(mine), "--scope", "villages", "--village", village]
    assert main([*args, "--no-password", *mai]) == 0
    assert _villages(mine) == {village}
