"""The three scopes of an export: the whole commune, one laptop's work, some villages."""

from __future__ import annotations

from pathlib import Path

from db.exchange.export import ExportScope, export_package
from db.exchange.package import read_package
from db.store import Store
from tests.db.exchange.commune import copy_to, make_commune
from tests.db.exchange.test_merge import edit


def codes(path: Path) -> list[str]:
    return sorted(r.household.code for r in read_package(path).records)


def test_scopes(tmp_path: Path) -> None:
    base = make_commune(tmp_path / "xa.db", 9)
    laptop = copy_to(base, tmp_path / "a.db")
    edit(laptop, "may-a", ["HO00001", "HO00004"], "A")
    with Store.open(laptop, user="ĐTV", device="may-a") as store:
        whole = export_package(store, tmp_path / "all.rasoat")
        assert whole.households == 9
        export_package(store, tmp_path / "mine.rasoat", ExportScope("surveyor", device="may-a"))
        export_package(
            store, tmp_path / "future.rasoat", ExportScope("surveyor", since="2999-01-01")
        )
        export_package(
            store, tmp_path / "village.rasoat", ExportScope("villages", villages=("Thôn 2",))
        )
    assert codes(tmp_path / "mine.rasoat") == ["HO00001", "HO00004"]
    assert codes(tmp_path / "future.rasoat") == []
    # make_commune puts household i in "Thôn {i % 3 + 1}".
    assert codes(tmp_path / "village.rasoat") == ["HO00001", "HO00004", "HO00007"]
    pkg = read_package(tmp_path / "mine.rasoat")
    assert pkg.manifest["scope"]["kind"] == "surveyor"
    assert pkg.manifest["commune"]["code"] == "10105"
    assert pkg.manifest["personal_data"] is True
    rec = pkg.records[0]
    # The history travels: the commune's first rev and the laptop's edit on top of it.
    assert [r.device for r in rec.revs] == ["may-xa", "may-a"]
    assert rec.revs[1].parent_rev == rec.revs[0].rev
