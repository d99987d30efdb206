"""The three scopes of an export: the whole commune, one laptop's work, some villages."""

from __future__ import annotations

from pathlib import Path

from db.exchange.export import ExportScope, export_package
from db.exchange.package import read_package
from db.store import Store
from db.store_stamps import now_utc
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


def test_a_surveyors_part_carries_the_households_resurveyed_unchanged(tmp_path: Path) -> None:
    """Re-surveyed in the 2026 review with the same answers, a household keeps its revision
    and its time: only the changed one went, and the commune's review lacked the other's
    result (its decision then refused)."""
    from db.exchange.merge import import_package
    from forms.classify import classify
    from tests.db.conftest import commune_info
    from tests.db.test_year_round import STANDARD, _escaped, _periodic, _poor

    with Store.create(tmp_path / "xa.sqlite", commune_info(), user="Cán bộ", device="xa") as xa:
        xa.add_village("Thôn Đồng Tâm")
        same, changed = _poor("01-0001", "Lò Thị Ánh"), _poor("01-0002", "Đinh Văn Hùng")
        _periodic(xa, same, changed)
        export_package(xa, tmp_path / "full.rasoat", ExportScope(kind="commune"))
        with Store.create(
            tmp_path / "sv.sqlite", commune_info(), user="Điều tra viên", device="may-dtv"
        ) as sv:
            import_package(sv, tmp_path / "full.rasoat")
            since = now_utc()
            review = sv.start_round(2026, STANDARD.id)
            for h in (same, changed):
                h = sv.get_household(h.id)
                if h.code == "01-0002":
                    _escaped(h)
                sv.save_household(h, round_id=review.id, result=classify(h, STANDARD, 2026))
            for scope in (
                ExportScope(kind="surveyor", device="may-dtv"),
                ExportScope(kind="surveyor", since=since),
            ):
                export_package(sv, tmp_path / "dtv.rasoat", scope)
                assert codes(tmp_path / "dtv.rasoat") == ["01-0001", "01-0002"], scope
        import_package(xa, tmp_path / "dtv.rasoat")
        [review] = [r for r in xa.rounds() if r.year == 2026]
        merged = sorted(h.code for h, _r in xa.results_for_round(review.id))
        assert merged == ["01-0001", "01-0002"]


def test_a_copy_of_the_commune_taken_in_is_not_the_surveyors_work(tmp_path: Path) -> None:
    """The merge writes the results and answers it takes in on this laptop: they made the
    whole commune "the surveyor's part" before anything was surveyed."""
    from db.exchange.merge import import_package
    from tests.db.conftest import commune_info
    from tests.db.test_year_round import _periodic, _poor

    with Store.create(tmp_path / "xa.sqlite", commune_info(), user="Cán bộ", device="xa") as xa:
        xa.add_village("Thôn Đồng Tâm")
        _periodic(xa, _poor("01-0001", "Lò Thị Ánh"), _poor("01-0002", "Đinh Văn Hùng"))
        export_package(xa, tmp_path / "full.rasoat", ExportScope(kind="commune"))
    since = now_utc()
    with Store.create(
        tmp_path / "sv.sqlite", commune_info(), user="Điều tra viên", device="may-dtv"
    ) as sv:
        import_package(sv, tmp_path / "full.rasoat")
        for scope in (
            ExportScope(kind="surveyor", device="may-dtv"),
            ExportScope(kind="surveyor", since=since),
        ):
            export_package(sv, tmp_path / "dtv.rasoat", scope)
            assert codes(tmp_path / "dtv.rasoat") == [], scope


def test_two_laptops_november_rounds_are_one_after_a_merge(tmp_path: Path) -> None:
    """Both laptops opened November: the merge left two November rounds, the screen and the
    upper level's monthly report reading different ones, and November could no longer be
    opened here though two were there."""
    import shutil

    from db import year_round
    from db.exchange.merge import import_package
    from tests.db.conftest import commune_info
    from tests.db.test_year_round import _periodic, _poor

    here, there = tmp_path / "xa.sqlite", tmp_path / "dtv.sqlite"
    with Store.create(here, commune_info(), user="Cán bộ", device="xa") as xa:
        xa.add_village("Thôn Đồng Tâm")
        a, b = _poor("01-0001", "Lò Thị Ánh"), _poor("01-0002", "Đinh Văn Hùng")
        _periodic(xa, a, b)
    shutil.copyfile(here, there)
    with Store.open(here, user="Cán bộ", device="xa") as xa:
        mine = year_round.start_regular_round(xa, 2026, 11)
        year_round.add_to_round(xa, mine.id, a.id)
    with Store.open(there, user="Điều tra viên", device="may-dtv") as sv:
        theirs = year_round.start_regular_round(sv, 2026, 11)
        year_round.add_to_round(sv, theirs.id, b.id)
        export_package(sv, tmp_path / "dtv.rasoat", ExportScope(kind="commune"))
    with Store.open(here, user="Cán bộ", device="xa") as xa:
        import_package(xa, tmp_path / "dtv.rasoat")
        [november] = year_round.regular_rounds(xa, 2026)
        assert november.id == mine.id
        assert sorted(year_round.round_household_ids(xa, november.id)) == sorted([a.id, b.id])
