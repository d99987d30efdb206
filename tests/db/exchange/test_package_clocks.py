"""Laptops whose clocks disagree: "the future" of a package's dates is the day the package
was made, not only the receiving laptop's today. A commune laptop whose clock is behind (a
flat CMOS battery, a year set wrong) refused the whole of a village's package for a child
born after its clock's today; a conflict stored from such a package could not be shown."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from db.exchange import signing
from db.exchange.errors import PackageError
from db.exchange.merge import import_package, open_conflicts
from db.store import Store
from forms.model import Member, Relationship
from rasoat import identity
from rasoat.cli import main
from tests.db.exchange.commune import copy_to, make_commune
from tests.db.exchange.test_merge import edit, export_from


def _made_at(pkg: Path, when: datetime) -> None:
    """The package as a laptop whose clock read ``when`` would have made it: its manifest's
    time, signed again by this laptop's key (the tests' laptops share it)."""
    with zipfile.ZipFile(pkg) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    manifest = json.loads(parts["manifest.json"])
    manifest["created_at"] = when.isoformat(timespec="seconds")
    manifest.pop(signing.SIGNATURE_FIELD)
    manifest[signing.SIGNATURE_FIELD] = signing.sign(manifest, identity.signing_key())
    parts["manifest.json"] = json.dumps(manifest, ensure_ascii=False).encode()
    with zipfile.ZipFile(pkg, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def _newborn(path: Path, born: date, code: str = "HO00000") -> None:
    with Store.open(path, user="Trưởng thôn", device="may-a") as store:
        h = store.household_by_code(code)
        assert h is not None
        h.members.append(Member(name="Lò Văn Bé", relationship=Relationship.CHILD, birth_date=born))
        store.save_household(h)


def test_a_laptop_whose_clock_is_behind_takes_a_package_made_later(tmp_path: Path) -> None:
    base = make_commune(tmp_path / "xa.db", 3)
    a = copy_to(base, tmp_path / "a.db")
    # This laptop's today is 300 days behind the village head's: the child was born on
    # the village head's yesterday, 299 days after this laptop's today.
    born = date.today() + timedelta(days=299)
    _newborn(a, born)
    _newborn(a, born, "HO00001")
    edit(base, "may-xa", ["HO00001"], "sửa ở xã")
    pkg = export_from(a, "may-a", tmp_path / "a.rasoat")
    _made_at(pkg, datetime.now(UTC) + timedelta(days=300))
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        receipt = import_package(office, pkg)
        assert receipt.count("updated") == 1
        h = office.household_by_code("HO00000")
        assert h is not None
        assert h.members[-1].birth_date == born
        # The conflict stored from it is shown, as the conflicts screen reads it.
        [c] = open_conflicts(office)
        assert c.code == "HO00001"
        assert c.incoming.household.members[-1].birth_date == born


def test_a_date_after_the_package_was_made_is_still_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = make_commune(tmp_path / "xa.db", 2)
    a = copy_to(base, tmp_path / "a.db")
    _newborn(a, date.today() + timedelta(days=30))
    pkg = export_from(a, "may-a", tmp_path / "a.rasoat")
    before = base.read_bytes()
    capsys.readouterr()
    assert main(["import", str(base), str(pkg)]) == 2
    assert base.read_bytes() == before
    assert "Hộ HO00000 (dòng 1 của gói) không hợp lệ: thành viên thứ " in capsys.readouterr().err
    with (
        Store.open(base, user="Cán bộ xã", device="may-xa") as office,
        pytest.raises(PackageError, match="Ngày sinh ở tương lai"),
    ):
        import_package(office, pkg)
