"""Two households of one package sharing a member's ID number (the same household surveyed
twice under two codes on one laptop) are flagged like a duplicate of a household already in
the commune file: on the receipt (text and PDF), in `rasoat import` and `rasoat merge`."""

from __future__ import annotations

from pathlib import Path

import pytest

from db.exchange.merge import import_package
from db.store import Store
from rasoat.cli import main
from tests.db.exchange.commune import copy_to, make_commune
from tests.db.exchange.test_merge import add, export_from

SAME_ID = "010068009999"


@pytest.fixture
def twice_surveyed(tmp_path: Path) -> tuple[Path, Path]:
    base = make_commune(tmp_path / "xa.db", 2)
    a = copy_to(base, tmp_path / "a.db")
    add(a, "may-a", "HO-N1", "Lò Văn Páo", id_number=SAME_ID)
    add(a, "may-a", "HO-N2", "Lò Văn Pao", id_number=SAME_ID)
    add(a, "may-a", "HO-N3", "Hà Thị Mơ", id_number="010068001111")
    return base, export_from(a, "may-a", tmp_path / "a.rasoat")


def test_two_households_of_one_package_sharing_an_id_number_are_flagged(
    twice_surveyed: tuple[Path, Path], tmp_path: Path
) -> None:
    base, pkg = twice_surveyed
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        receipt = import_package(office, pkg)
        # Flagged, never merged: both households arrive and wait for the officer's eye.
        assert office.household_by_code("HO-N1") is not None
        assert office.household_by_code("HO-N2") is not None
    assert receipt.count("added") == 3
    details = {e.code: e.detail for e in receipt.entries}
    assert (
        details["HO-N1"] == "có thể trùng hộ mã HO-N2 trong cùng gói (cùng số CCCD của thành viên)"
    )
    assert (
        details["HO-N2"] == "có thể trùng hộ mã HO-N1 trong cùng gói (cùng số CCCD của thành viên)"
    )
    assert details["HO-N3"] == ""
    assert sorted(w.split(":")[0] for w in receipt.warnings) == ["Hộ HO-N1", "Hộ HO-N2"]
    assert all("CCCD" in w for w in receipt.warnings)
    assert "Lưu ý: Hộ HO-N1: có thể trùng hộ mã HO-N2 trong cùng gói" in receipt.text()

    from pypdf import PdfReader

    from reports.receipt import save_receipt

    pdf = save_receipt(receipt, tmp_path / "bien-nhan.pdf")
    text = " ".join("".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert "có thể trùng hộ mã HO-N2 trong cùng gói" in text


def test_a_household_already_here_is_named_once(tmp_path: Path) -> None:
    """The package's household that is also in the commune file is named as a household here,
    not a second time as one of the package."""
    base = make_commune(tmp_path / "xa.db", 1)
    add(base, "may-xa", "HO-CU", "Lò Văn Páo", id_number=SAME_ID)
    a = copy_to(base, tmp_path / "a.db")
    with Store.open(a, user="ĐTV", device="may-a") as laptop:
        old = laptop.household_by_code("HO-CU")
        assert old is not None
        old.note = "phỏng vấn lại"
        laptop.save_household(old)
    add(a, "may-a", "HO-MOI", "Lò Văn Pao", id_number=SAME_ID)
    pkg = export_from(a, "may-a", tmp_path / "a.rasoat")
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        receipt = import_package(office, pkg)
    details = {e.code: e.detail for e in receipt.entries}
    assert details["HO-MOI"] == "có thể trùng hộ mã HO-CU (cùng số CCCD của thành viên)"
    assert (
        details["HO-CU"] == "có thể trùng hộ mã HO-MOI trong cùng gói (cùng số CCCD của thành viên)"
    )


def test_the_commands_show_the_flag(
    twice_surveyed: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base, pkg = twice_surveyed
    other = copy_to(base, tmp_path / "xa-2.db")
    assert main(["import", str(base), str(pkg)]) == 0
    out = capsys.readouterr().out
    assert "Lưu ý: Hộ HO-N2: có thể trùng hộ mã HO-N1 trong cùng gói" in out
    assert main(["merge", str(other), str(pkg)]) == 0
    out = capsys.readouterr().out
    assert "Lưu ý: Hộ HO-N1: có thể trùng hộ mã HO-N2 trong cùng gói" in out


def test_a_household_split_off_on_a_laptop_is_no_duplicate_of_the_one_it_left(
    tmp_path: Path,
) -> None:
    """Tách hộ: on the surveyor's laptop a son leaves his parents' household for one of his
    own. Both households travel; here the son was still in his parents' household, so the
    new one was flagged "có thể trùng hộ mã …" though once merged he is in one household
    only. A household that keeps the number in the package is still flagged."""
    from forms.model import Member, Relationship

    base = make_commune(tmp_path / "xa.db", 1)
    with Store.open(base, user="ĐTV", device="may-xa") as store:
        from forms.model import Household

        parents = Household(
            code="HO-CHA",
            village="Thôn 1",
            members=[
                Member(name="Lò Văn Páo", relationship=Relationship.HEAD, id_number=SAME_ID),
                Member(name="Lò Văn Pó", relationship=Relationship.CHILD, id_number="010068001111"),
            ],
        )
        store.save_household(parents)
    a = copy_to(base, tmp_path / "a.db")
    with Store.open(a, user="ĐTV", device="may-a") as laptop:
        left = laptop.household_by_code("HO-CHA")
        assert left is not None
        son = left.members.pop()
        laptop.save_household(left)
        son.relationship = Relationship.HEAD
        laptop.save_household(Household(code="HO-CON", village="Thôn 1", members=[son]))
    pkg = export_from(a, "may-a", tmp_path / "a.rasoat")
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        receipt = import_package(office, pkg)
        moved = office.household_by_code("HO-CON")
        assert moved is not None
        assert [m.name for m in moved.members] == ["Lò Văn Pó"]
    details = {e.code: e.detail for e in receipt.entries}
    assert details["HO-CON"] == ""
    assert details["HO-CHA"] == ""
    assert receipt.warnings == []
