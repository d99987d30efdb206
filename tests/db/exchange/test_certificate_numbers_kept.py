"""Certificate numbers of households a package does not bring live (session 27): a number
printed and handed to a family is never lost nor given to another household.

- A laptop deleted a household after printing its certificate (the family moved away): its
  packages carried numbers only for their live households, so a file that never had the
  number never learnt it and gave it to the next household to join its list.
- A new household waiting in a code conflict (its code taken here by another family) has no
  row here until the officer decides: the number its package carried was skipped, and this
  file gave it to another household meanwhile.

Each on real files (two or three laptops) and real prints (the numbers read from the PDF).
"""

from __future__ import annotations

import copy
import shutil
import uuid
from datetime import date
from pathlib import Path

import pytest

from db import certificates
from db.exchange.errors import PackageError
from db.exchange.merge import import_package, open_conflicts, resolve_conflict
from db.exchange.package import read_package, write_package
from db.store import Store
from forms.classify import classify
from forms.model import Category
from forms.standards import load_standard
from rasoat.cli import main
from tests.db.exchange.test_certificate_numbers import export_all, numbers
from tests.reports.conftest import STANDARD, VILLAGES, build_commune
from tests.reports.test_cli_report import pdf_text
from tests.reports.test_earlier_round_certificates import _CODE, _NUMBER

DECISION = ("125/QĐ-UBND", date(2026, 12, 10), "Lò Văn Thành")


@pytest.fixture
def base(tmp_path: Path) -> Path:
    return build_commune(tmp_path / "xa.db", 40, VILLAGES)


def printed(path: Path, out: Path) -> dict[str, str]:
    """household code → the number on its certificate, as the commune's print reads."""
    assert main(["report", "certificate", str(path), "--out", str(out)]) == 0
    text = pdf_text(out)
    codes, numbers_ = _CODE.findall(text), _NUMBER.findall(text)
    assert len(codes) == len(numbers_)
    return dict(zip(codes, numbers_, strict=True))


def decide(path: Path, device: str) -> None:
    with Store.open(path, user="Cán bộ", device=device) as store:
        rnd = store.current_round()
        assert rnd is not None
        store.save_decision(rnd.id, *DECISION)


def vote(path: Path, device: str, code: str, agree: int, day: date) -> None:
    with Store.open(path, user="Cán bộ", device=device) as store:
        rnd = store.current_round()
        h = store.household_by_code(code)
        assert rnd is not None
        assert h is not None
        store.save_meeting_vote(h.id, rnd.id, agree=agree, attendees=30, meeting_date=day)


def listed(path: Path) -> list[str]:
    with Store.open(path, user="t", device="t") as store:
        rnd = store.current_round()
        assert rnd is not None
        return sorted(
            h.code
            for h, r in store.results_for_round(rnd.id)
            if r.category in (Category.POOR, Category.NEAR_POOR)
        )


def test_the_number_of_a_household_deleted_after_its_print_travels(
    base: Path, tmp_path: Path
) -> None:
    """Laptop B prints the year's certificates, then deletes a family that moved away (its
    paper in hand). The commune file A, which never had the number, takes B's package: the
    number reached A under no household, so A's next print gave it to the household its
    second meeting agreed to. And C, taking A's package, never heard of it either: its copy
    of the moved family's certificate printed "Số: ……"."""
    a = shutil.copy(base, tmp_path / "may-a.db")
    b = shutil.copy(base, tmp_path / "may-b.db")
    c = shutil.copy(base, tmp_path / "may-c.db")
    resurveyed = listed(b)[0]
    vote(b, "may-b", resurveyed, 2, date(2026, 11, 10))  # sent back: no certificate yet
    for path, device in ((b, "may-b"), (a, "may-a"), (c, "may-c")):
        decide(path, device)  # the decision copied onto each laptop
    on_b = printed(b, tmp_path / "b.pdf")
    assert resurveyed not in on_b
    top = max(int(n) for n in on_b.values())
    gone = next(code for code, n in on_b.items() if n == f"{top:04d}")
    with Store.open(b, user="Cán bộ", device="may-b") as store:
        h = store.household_by_code(gone)
        assert h is not None
        gone_id = h.id
        store.delete_household(gone_id)
    package = export_all(b, "may-b", tmp_path / "b.rasoat")
    with Store.open(a, user="Cán bộ", device="may-a") as store:
        receipt = import_package(store, package, allow_deletions=True)
    assert not any("giấy chứng nhận" in w for w in receipt.warnings)
    vote(a, "may-a", resurveyed, 25, date(2026, 12, 20))  # agreed at a second meeting
    on_a = printed(a, tmp_path / "a.pdf")
    assert gone not in on_a  # deleted: not on this year's certificates
    assert on_a[resurveyed] == f"{top + 1:04d}"  # never the moved family's number
    assert len(set(on_a.values())) == len(on_a)
    with Store.open(a, user="t", device="t") as store:
        rnd = store.current_round()
        assert rnd is not None
        assert certificates.numbers(store.conn, rnd.id).get(gone_id) == top
    # A third laptop learns it from A, where the household is deleted too.
    with Store.open(c, user="Cán bộ", device="may-c") as store:
        moved = export_all(a, "may-a", tmp_path / "a.rasoat")
        import_package(store, moved, allow_deletions=True)
        store.start_round(2027, STANDARD, reference_date=date(2027, 12, 31))
    args = ["report", "certificate", str(c), "--round", "2026", "--household", gone]
    assert main([*args, "--out", str(tmp_path / "ban-sao.pdf")]) == 0
    copy_ = pdf_text(tmp_path / "ban-sao.pdf")
    assert (_CODE.findall(copy_), _NUMBER.findall(copy_)) == ([gone], [f"{top:04d}"])


def _new_family(path: Path, device: str, like: str) -> tuple[str, str]:
    """A family new to the file, surveyed with the answers of household ``like`` (so of its
    list), under its village's next code: (id, code)."""
    standard = load_standard(STANDARD)
    with Store.open(path, user="Trưởng thôn", device=device) as store:
        rnd = store.current_round()
        model = store.household_by_code(like)
        assert rnd is not None
        assert model is not None
        h = copy.deepcopy(model)
        h.id = str(uuid.uuid4())
        h.code = store.next_code(h.village)
        for m in h.members:
            m.id = str(uuid.uuid4())
            m.id_number = None
        store.save_household(h, round_id=rnd.id, result=classify(h, standard, 2026))
        return h.id, h.code


def _last_listed(path: Path) -> str:
    """The household numbered last in the commune's order: near-poor, last village, last
    code; a new family of its village under the next code comes after it."""
    with Store.open(path, user="t", device="t") as store:
        rnd = store.current_round()
        assert rnd is not None
        near = sorted(
            h.code
            for h, r in store.results_for_round(rnd.id)
            if r.category is Category.NEAR_POOR and h.village == VILLAGES[-1]
        )
    return near[-1]


def test_the_number_of_a_family_waiting_in_a_code_conflict_is_held(
    base: Path, tmp_path: Path
) -> None:
    """Laptop B surveys a new family and prints its certificate; the commune file A gave
    the same new code to another family. B's family waits for the officer (no row here
    yet), and its number was skipped: A's next print gave it to A's own new family, and the
    officer taking B's family in then printed it under a second number."""
    a = shutil.copy(base, tmp_path / "may-a.db")
    b = shutil.copy(base, tmp_path / "may-b.db")
    like = _last_listed(base)
    theirs_id, code = _new_family(b, "may-b", like)
    decide(b, "may-b")
    on_b = printed(b, tmp_path / "b.pdf")
    top = max(int(n) for n in on_b.values())
    assert on_b[code] == f"{top:04d}"
    package = export_all(b, "may-b", tmp_path / "b.rasoat")
    mine_id, mine_code = _new_family(a, "may-a", like)
    assert mine_code == code
    decide(a, "may-a")
    with Store.open(a, user="Cán bộ", device="may-a") as store:
        import_package(store, package)
        [waiting] = open_conflicts(store)
        assert waiting.kind == "code_taken"
    on_a = printed(a, tmp_path / "a.pdf")
    assert on_a[code] == f"{top + 1:04d}"  # A's own family: never B's family's number
    assert len(set(on_a.values())) == len(on_a)
    # The same number travels on from A while B's family still waits here.
    again = read_package(export_all(a, "may-a", tmp_path / "a.rasoat"))
    assert (theirs_id, top) in {(k.household_id, k.number) for k in again.certificates_kept}
    with Store.open(a, user="Cán bộ", device="may-a") as store:
        new_code = resolve_conflict(store, waiting.id, "take_theirs")
    assert new_code is not None
    after = printed(a, tmp_path / "a2.pdf")
    assert after[new_code] == f"{top:04d}"  # the number on the paper the family holds
    assert after[code] == f"{top + 1:04d}"
    assert numbers(a)[new_code] == top
    with Store.open(a, user="t", device="t") as store:
        assert store.conn.execute("SELECT COUNT(*) FROM certificate_reserved").fetchone()[0] == 0
        assert certificates.open_conflicts(store.conn) == []
    assert mine_id != theirs_id


def test_a_number_held_for_an_absent_household_is_never_given_to_another(
    base: Path, tmp_path: Path
) -> None:
    """A package giving a household here the number this file holds for a household it has
    no row of raises a conflict naming that household's code, as a number stored here
    does; and the next number handed out here is above it."""
    decide(base, "may-xa")
    with Store.open(base, user="Cán bộ", device="may-xa") as store:
        rnd = store.current_round()
        assert rnd is not None
        h = store.household_by_code(listed(base)[0])
        assert h is not None
        absent = certificates.Carried(
            rnd.id, str(uuid.uuid4()), 7, "2026-12-11", "may-b", "01-0099"
        )
        plan = certificates.plan_incoming(store.conn, [absent], {}, set())
        assert plan.reserve == [absent]
        with store.transaction():
            certificates.apply_incoming(store.conn, plan, "goi-1", "b.rasoat", "2026-12-12")
        assert certificates.highest(store.conn, rnd.id) == 7
        again = certificates.plan_incoming(store.conn, [absent], {}, set())
        assert again.empty  # the same package twice writes nothing
        clash = certificates.Carried(rnd.id, h.id, 7, "2026-12-11", "may-c")
        plan = certificates.plan_incoming(store.conn, [clash], {}, {h.id})
        assert plan.conflicts == [("number_taken", clash, None, absent.household_id)]
        with store.transaction():
            certificates.apply_incoming(store.conn, plan, "goi-2", "c.rasoat", "2026-12-12")
        [c] = certificates.open_conflicts(store.conn)
        assert c.other_code == "01-0099"
        assert "là của hộ 01-0099" in c.describe()
        assert certificates.assign(store, rnd.id) > 0
        assert 7 not in certificates.numbers(store.conn, rnd.id).values()


def test_a_kept_number_of_a_household_live_in_the_package_is_refused(
    base: Path, tmp_path: Path
) -> None:
    decide(base, "may-xa")
    with Store.open(base, user="Cán bộ", device="may-xa") as store:
        rnd = store.current_round()
        assert rnd is not None
        certificates.assign(store, rnd.id)
    good = read_package(export_all(base, "may-xa", tmp_path / "ok.rasoat"))
    assert good.certificates_kept == []
    forged = dict(good.commune)
    live = good.certificates[0]
    forged["certificate_numbers_kept"] = [{**live.to_dict(), "code": "01-0001"}]
    header = {
        k: v
        for k, v in good.manifest.items()
        if k not in ("counts", "parts", "package_id", "format", "format_version")
        and k not in ("encryption", "signature")
    }
    path = tmp_path / "forged.rasoat"
    write_package(path, header, forged, good.records)
    with pytest.raises(PackageError, match="số giấy chứng nhận trong gói không hợp lệ"):
        read_package(path)


@pytest.mark.parametrize("household", [["x"], {"id": "x"}, 7, ""])
def test_an_entry_naming_no_household_is_refused_in_either_list(household: object) -> None:
    """Both lists of numbers are read by one check: a household that is not a text (a list
    in "certificate_numbers" ended the reading in a TypeError, an internal error) is
    refused as an invalid number, in either list."""
    from db.exchange.errors import PackageError
    from db.exchange.package import _parse_certificates, _parse_kept

    entry = {"round": "r", "household": household, "number": 1}
    entry |= {"assigned_at": "2026-12-01T00:00:00.000Z", "assigned_device": "may-b"}
    commune = {"rounds": [{"id": "r"}], "certificate_numbers": [entry]}
    with pytest.raises(PackageError, match="không hợp lệ"):
        _parse_certificates(commune, {"h": "HO1"})
    commune = {"rounds": [{"id": "r"}], "certificate_numbers_kept": [entry | {"code": "HO9"}]}
    with pytest.raises(PackageError, match="không hợp lệ"):
        _parse_kept(commune, {"h": "HO1"})
