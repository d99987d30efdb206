"""Two village heads edit one household apart: the commune officer must see what differs
before taking one version, on the receipt, on the command line and on the conflicts screen
(tests/desktop/test_merge_conflicts_members.py). Members are matched by id, and every
member answer counts, not only the name, year and ID number."""

from __future__ import annotations

from pathlib import Path

import pytest

from db.exchange.merge import import_package
from db.exchange.merge_conflicts import conflict_rows, open_conflicts
from db.exchange.receipt import Receipt
from db.store import Store
from forms.household_diff import differences, summary
from forms.model import Household, Member, Relationship
from rasoat.cli import main
from tests.db.exchange.commune import copy_to, make_commune
from tests.db.exchange.test_merge import export_from


def _change(path: Path, device: str, code: str, change: object) -> None:
    with Store.open(path, user=f"Trưởng thôn {device}", device=device) as store:
        h = store.household_by_code(code)
        assert h is not None
        change(h)  # type: ignore[operator]
        store.save_household(h)


def roster_conflict(tmp_path: Path) -> Path:
    return _roster_conflict(tmp_path)[0]


def _roster_conflict(tmp_path: Path) -> tuple[Path, Receipt]:
    """A commune file where HO-R (head, wife, son) waits as a conflict: laptop A ticked the
    head's health insurance card and deleted the son; laptop B changed the address and the
    son's year of birth. HO00000 waits too, deleted by laptop B and edited here."""
    base = make_commune(tmp_path / "xa.db", 2)
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        office.save_household(
            Household(
                code="HO-R",
                village="Thôn 1",
                address="Nhà số 1",
                members=[
                    Member(name="Lò Văn Páo", relationship=Relationship.HEAD, birth_year=1970),
                    Member(name="Lò Thị Ón", relationship=Relationship.SPOUSE, birth_year=1972),
                    Member(name="Lò Văn Pằn", relationship=Relationship.CHILD, birth_year=2001),
                ],
            )
        )
    a = copy_to(base, tmp_path / "a.db")
    b = copy_to(base, tmp_path / "b.db")

    def a_edits(h: Household) -> None:
        h.members[0].health_insurance = True
        del h.members[2]

    def b_edits(h: Household) -> None:
        h.address = "Nhà số 9"
        h.members[2].birth_year = 2002

    _change(a, "may-a", "HO-R", a_edits)
    _change(b, "may-b", "HO-R", b_edits)
    with Store.open(b, user="Trưởng thôn may-b", device="may-b") as store:
        gone = store.household_by_code("HO00000")
        assert gone is not None
        store.delete_household(gone.id)
    _change(base, "may-xa", "HO00000", lambda h: setattr(h, "note", "xã sửa"))
    pa = export_from(a, "may-a", tmp_path / "a.rasoat")
    pb = export_from(b, "may-b", tmp_path / "b.rasoat")
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        import_package(office, pa)
        receipt = import_package(office, pb, allow_deletions=True)
    return base, receipt


def test_every_member_answer_and_the_roster_are_compared_by_id(tmp_path: Path) -> None:
    base = roster_conflict(tmp_path)
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        c = next(c for c in open_conflicts(office) if c.code == "HO-R")
    assert c.local is not None
    found = {
        (d.member, d.label): (d.here, d.there)
        for d in differences(c.local, c.incoming.household)
        if d.target != "members"
    }
    assert found == {
        (None, "Địa chỉ"): ("Nhà số 1", "Nhà số 9"),
        (1, "Có thẻ bảo hiểm y tế còn hạn?"): (True, None),
    }
    only = [d for d in differences(c.local, c.incoming.household) if d.target == "members"]
    assert [(d.member, d.here, d.there.name) for d in only] == [(3, None, "Lò Văn Pằn")]
    assert summary(differences(c.local, c.incoming.household)) == (
        "Địa chỉ; thành viên thứ 3 chỉ có trong gói; thành viên thứ 1: Có thẻ bảo hiểm y tế còn hạn"
    )


def test_the_receipt_names_the_fields_and_which_side_deleted(tmp_path: Path) -> None:
    _base, first = _roster_conflict(tmp_path)
    details = {e.code: e.detail for e in first.entries if e.action == "conflict"}
    # No names, no values: receipts are printed and kept.
    assert details == {
        "HO-R": "cả hai bên đều đã sửa hộ này (khác nhau ở: Địa chỉ; thành viên thứ 3 chỉ có "
        "trong gói; thành viên thứ 1: Có thẻ bảo hiểm y tế còn hạn)",
        "HO00000": "máy gửi đã xoá hộ, tệp này đã sửa tiếp",
    }
    assert "Lò Văn" not in first.text()


def test_a_conflict_the_package_deletes_is_listed_with_this_files_head(tmp_path: Path) -> None:
    base = roster_conflict(tmp_path)
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        rows = {r.code: r for r in conflict_rows(office)}
        head = office.household_by_code("HO00000").head_name()  # type: ignore[union-attr]
    assert rows["HO00000"].incoming_deleted
    assert head
    assert rows["HO00000"].head_name == head


def test_the_conflicts_command_shows_what_differs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = roster_conflict(tmp_path)
    capsys.readouterr()
    assert main(["conflicts", str(base)]) == 0
    out = capsys.readouterr().out
    assert "    Địa chỉ — ở xã: Nhà số 1; trong gói: Nhà số 9" in out
    assert "thành viên thứ 1, Có thẻ bảo hiểm y tế còn hạn? — ở xã: Có; trong gói: —" in out
    assert "thành viên thứ 3, Thành viên — ở xã: —; trong gói: Lò Văn Pằn · 2002" in out
    assert "trong gói: (gói xoá hộ này)" in out
