"""Two laptops of one village each add a new family, and each gives it the village's next
code: the same code, two families. Taking the second was refused until the officer changed
a code by hand, so the button that worked, "giữ bản của xã", left the family out of the
commune's file. Now taking it gives it the village's next free code, and the laptop that
surveyed it takes the new code from the commune's next package (asked once there about the
other family, whose code was its own family's until that package)."""

from __future__ import annotations

from pathlib import Path

import pytest

from db.exchange.export import ExportScope, export_package
from db.exchange.merge import import_package, open_conflicts, resolve_conflict
from db.store import Store
from forms.model import Household, Member, Relationship
from tests.db.exchange.commune import copy_to, make_commune
from tests.db.exchange.test_merge import export_from


def _new_family(path: Path, device: str, head: str) -> tuple[str, str]:
    with Store.open(path, user=f"Trưởng thôn {device}", device=device) as store:
        village = "Thôn 1"
        h = Household(
            code=store.next_code(village),
            village=village,
            members=[Member(name=head, relationship=Relationship.HEAD, birth_year=1980)],
        )
        store.save_household(h)
        return h.id, h.code


def two_families(tmp_path: Path) -> tuple[Path, str, str, str]:
    """The commune file once both laptops' packages are merged: laptop A's new family
    (Lò Văn Páo) holds the code, laptop B's (Hà Thị Mơ, same code) waits. (file, A's id,
    B's id, the code)."""
    base = make_commune(tmp_path / "xa.db", 3)
    a = copy_to(base, tmp_path / "a.db")
    b = copy_to(base, tmp_path / "b.db")
    a_id, code = _new_family(a, "may-a", "Lò Văn Páo")
    b_id, b_code = _new_family(b, "may-b", "Hà Thị Mơ")
    assert b_code == code
    pa = export_from(a, "may-a", tmp_path / "a.rasoat")
    pb = export_from(b, "may-b", tmp_path / "b.rasoat")
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        import_package(office, pa)
        import_package(office, pb)
    return base, a_id, b_id, code


def test_a_second_family_under_the_same_new_code_is_taken_under_the_next_one(
    tmp_path: Path,
) -> None:
    base, a_id, b_id, code = two_families(tmp_path)
    b = tmp_path / "b.db"
    pb = tmp_path / "b.rasoat"
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        [c] = open_conflicts(office)
        assert c.kind == "code_taken"
        new_code = resolve_conflict(office, c.id, "take_theirs")
        assert new_code is not None
        assert new_code != code
        taken = office.get_household(b_id)
        assert taken is not None
        assert (taken.code, taken.head_name()) == (new_code, "Hà Thị Mơ")
        kept = office.get_household(a_id)
        assert kept is not None
        assert (kept.code, kept.head_name()) == (code, "Lò Văn Páo")
        assert open_conflicts(office) == []
        assert not import_package(office, pb).written  # decided: nothing comes back
        export_package(office, tmp_path / "xa.rasoat", ExportScope(kind="commune"))
    with Store.open(b, user="Trưởng thôn may-b", device="may-b") as laptop:
        back = import_package(laptop, tmp_path / "xa.rasoat")
        mine = laptop.get_household(b_id)
        assert mine is not None
        assert mine.code == new_code
        # The other family's code was this laptop's family's until this very package: asked
        # once (the plan reads the codes as they were), and taken under its own code.
        [c] = open_conflicts(laptop)
        assert (c.kind, c.household_id) == ("code_taken", a_id)
        assert [e.household_id for e in back.conflicts] == [a_id]
        assert resolve_conflict(laptop, c.id, "take_theirs") is None
        other = laptop.get_household(a_id)
        assert other is not None
        assert other.code == code
        export_package(laptop, tmp_path / "b2.rasoat", ExportScope(kind="commune"))
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        again = import_package(office, tmp_path / "b2.rasoat")
        assert again.conflicts == []
        assert not again.written


def test_the_conflicts_command_names_the_holder_and_the_new_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from rasoat.cli import main

    base, _a_id, b_id, code = two_families(tmp_path)
    capsys.readouterr()
    assert main(["conflicts", str(base)]) == 0
    line = capsys.readouterr().out
    assert f"hộ {code}  ở xã: (mã này là của hộ Lò Văn Páo; --keep-mine: không nhận" in line
    assert main(["conflicts", str(base), "--take-theirs", line.split()[0]]) == 0
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        taken = office.get_household(b_id)
        assert taken is not None
    assert f"được nhận với mã mới {taken.code} (mã {code} vẫn" in capsys.readouterr().out
