"""Certificate numbers through packages (issue 15 item 2): a household's number travels with
it and stays the same on every laptop; only a file holding the round's decision numbers; a
household with two numbers, or a number held by two households, is a conflict for the
officer and never overwritten."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from db import certificates, driver
from db.exchange.errors import PackageError
from db.exchange.export import ExportScope, export_package
from db.exchange.merge import import_package
from db.exchange.package import read_package, write_package
from db.store import Store
from forms.model import Category
from rasoat.cli import main
from tests.db.exchange.commune import table_dump
from tests.reports.conftest import STANDARD, VILLAGES, build_commune
from tests.reports.test_cli_report import pdf_text
from tests.reports.test_earlier_round_certificates import _CODE, _NUMBER


def numbers(path: Path) -> dict[str, int]:
    """household code → number in the current round."""
    with Store.open(path, user="t", device="t") as store:
        rnd = store.current_round()
        assert rnd is not None
        by_id = certificates.numbers(store.conn, rnd.id)
        return {h.code: by_id[h.id] for h, _r in store.results_for_round(rnd.id) if h.id in by_id}


def decide_and_number(path: Path, device: str, vote_down: str | None = None) -> int:
    with Store.open(path, user="Cán bộ", device=device) as store:
        rnd = store.current_round()
        assert rnd is not None
        if vote_down is not None:
            h = store.household_by_code(vote_down)
            assert h is not None
            store.save_meeting_vote(
                h.id, rnd.id, agree=2, attendees=30, meeting_date=date(2026, 11, 10)
            )
        store.save_decision(rnd.id, "125/QĐ-UBND", date(2026, 12, 10), "Lò Văn Thành")
        return certificates.assign(store, rnd.id)


def export_all(path: Path, device: str, out: Path) -> Path:
    with Store.open(path, user="Cán bộ", device=device) as store:
        export_package(store, out, ExportScope(kind="commune"))
    return out


@pytest.fixture
def base(tmp_path: Path) -> Path:
    return build_commune(tmp_path / "xa.db", 40, VILLAGES)


def test_numbers_travel_unchanged_and_only_the_deciding_file_numbers(
    base: Path, tmp_path: Path
) -> None:
    commune = shutil.copy(base, tmp_path / "xa-can-bo.db")
    surveyor = shutil.copy(base, tmp_path / "may-dtv.db")
    with Store.open(surveyor, user="ĐTV", device="may-dtv") as store:
        rnd = store.current_round()
        assert rnd is not None
        # No decision in this file: nothing is numbered (the certificate prints "Số: ……").
        assert certificates.assign(store, rnd.id) == 0
    assert decide_and_number(commune, "may-xa") > 0
    given = numbers(commune)
    package = export_all(commune, "may-xa", tmp_path / "xa.rasoat")
    with Store.open(surveyor, user="ĐTV", device="may-dtv") as store:
        receipt = import_package(store, package)
    assert receipt.written
    assert not receipt.warnings
    assert numbers(surveyor) == given
    # The same package again writes nothing; the surveyor's package back changes nothing.
    before = table_dump(surveyor)
    with Store.open(surveyor, user="ĐTV", device="may-dtv") as store:
        again = import_package(store, tmp_path / "xa.rasoat")
    assert not again.written
    assert table_dump(surveyor) == before
    back = export_all(surveyor, "may-dtv", tmp_path / "dtv.rasoat")
    assert len(read_package(back).certificates) == len(given)
    with Store.open(commune, user="Cán bộ", device="may-xa") as store:
        assert not import_package(store, back).warnings
    assert numbers(commune) == given


def test_disagreeing_numbers_are_conflicts_never_overwritten(base: Path, tmp_path: Path) -> None:
    a = shutil.copy(base, tmp_path / "may-a.db")
    b = shutil.copy(base, tmp_path / "may-b.db")
    # Both laptops recorded a decision (a copy of the commune's file, say) and numbered: B
    # as the list stood, A after its meeting sent B's 0001 back for re-survey.
    decide_and_number(b, "may-b")
    theirs = numbers(b)
    sent_back = next(code for code, n in theirs.items() if n == 1)
    decide_and_number(a, "may-a", vote_down=sent_back)
    mine = numbers(a)
    assert sent_back not in mine
    holder = next(code for code, n in mine.items() if n == 1)
    package = export_all(b, "may-b", tmp_path / "b.rasoat")
    with Store.open(a, user="Cán bộ", device="may-a") as store:
        receipt = import_package(store, package)
        conflicts = certificates.open_conflicts(store.conn)
    assert numbers(a) == mine  # nothing overwritten
    differing = {code for code in mine if mine[code] != theirs[code]}
    assert {c.code for c in conflicts} == differing | {sent_back}
    taken = next(c for c in conflicts if c.code == sent_back)
    assert (taken.kind, taken.incoming_number, taken.other_code) == ("number_taken", 1, holder)
    assert all(c.kind == "two_numbers" for c in conflicts if c is not taken)
    warning = (
        f"Hộ {sent_back}: gói cấp số 0001 (máy may-b), nhưng số này ở tệp này là của hộ {holder}"
    )
    assert any(w.startswith(warning) for w in receipt.warnings)
    assert len(receipt.warnings) == len(conflicts)
    before = table_dump(a)
    with Store.open(a, user="Cán bộ", device="may-a") as store:
        assert not import_package(store, package).written  # not raised twice
    assert table_dump(a) == before
    # The officer: the sent-back household keeps B's certificate 0001; its holder here gives
    # it up and, at the next print, gets a number nobody ever held (B gave up to len(theirs)).
    with Store.open(a, user="Cán bộ", device="may-a") as store:
        certificates.resolve(store, taken.id, "take_theirs")
        other = next(
            c for c in certificates.open_conflicts(store.conn) if c.code not in (sent_back, holder)
        )
        certificates.resolve(store, other.id, "keep_mine")
        rnd = store.current_round()
        assert rnd is not None
        assert certificates.assign(store, rnd.id) == 1
        audit = store.conn.execute(
            "SELECT new FROM audit WHERE tbl = 'certificate_conflicts'"
        ).fetchall()
    after = numbers(a)
    assert after[sent_back] == 1
    assert after[holder] == max(max(theirs.values()), max(mine.values())) + 1
    assert after[other.code] == mine[other.code]
    assert len(audit) == 2
    assert json.loads(audit[0][0])["resolution"] == "take_theirs"


def test_a_package_giving_one_number_twice_is_refused(base: Path, tmp_path: Path) -> None:
    decide_and_number(base, "may-xa")
    good = read_package(export_all(base, "may-xa", tmp_path / "ok.rasoat"))
    forged = dict(good.commune)
    entries = [c.to_dict() for c in good.certificates]
    entries[1]["number"] = entries[0]["number"]
    forged["certificate_numbers"] = entries
    header = {
        k: v
        for k, v in good.manifest.items()
        if k
        not in (
            "counts",
            "parts",
            "package_id",
            "format",
            "format_version",
            "encryption",
            "signature",
        )
    }
    path = tmp_path / "forged.rasoat"
    write_package(path, header, forged, good.records)
    with pytest.raises(PackageError, match="một số cho hai hộ"):
        read_package(path)
    with driver.connect(base) as conn:
        assert conn.execute("SELECT COUNT(*) FROM certificate_conflicts").fetchone()[0] == 0


@pytest.fixture(params=["apart", "same_millisecond"])
def clock(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The decision and the deletion as they come (a millisecond or more apart), or in one
    millisecond: then the household was dropped from the decided lists (`updated_at >`), and
    CI saw this test fail once."""
    if request.param == "same_millisecond":
        import db.store_households
        import db.store_review

        def instant() -> str:
            return "2026-12-10T03:04:05.678Z"

        monkeypatch.setattr(db.store_review, "now_utc", instant)
        monkeypatch.setattr(db.store_households, "now_utc", instant)


@pytest.mark.usefixtures("clock")
def test_a_number_given_there_to_a_household_deleted_here_is_kept(
    base: Path, tmp_path: Path
) -> None:
    """The other laptop numbered the list (its certificates printed, maybe handed to the
    families) while the officer's file deleted one of its households (moved away). The
    merge skipped that household's number: this file never knew it was given, so the next
    household to join the list here (a new vote after re-survey) took it, and two families
    held one number of the year's lists. The number is kept here, under the deleted
    household, as a number is kept when a household is deleted after its certificate."""
    commune = shutil.copy(base, tmp_path / "xa-can-bo.db")
    other = shutil.copy(base, tmp_path / "may-b.db")
    with Store.open(other, user="t", device="t") as store:
        rnd = store.current_round()
        assert rnd is not None
        listed = sorted(
            h.code
            for h, r in store.results_for_round(rnd.id)
            if r.category in (Category.POOR, Category.NEAR_POOR)
        )
    resurveyed = listed[0]  # sent back by the meeting: no certificate yet
    decide_and_number(other, "may-b", vote_down=resurveyed)
    theirs = numbers(other)
    assert resurveyed not in theirs
    top = max(theirs.values())
    gone = next(code for code, n in theirs.items() if n == top)
    with Store.open(commune, user="Cán bộ", device="may-xa") as store:
        rnd = store.current_round()
        assert rnd is not None
        store.save_decision(rnd.id, "125/QĐ-UBND", date(2026, 12, 10), "Lò Văn Thành")
        h = store.household_by_code(gone)
        assert h is not None
        gone_id = h.id
        store.delete_household(gone_id)
    package = export_all(other, "may-b", tmp_path / "b.rasoat")
    with Store.open(commune, user="Cán bộ", device="may-xa") as store:
        receipt = import_package(store, package)
        rnd = store.current_round()
        assert rnd is not None
        kept = certificates.numbers(store.conn, rnd.id)
        # Re-surveyed, the household is agreed to at a second meeting: it joins the list.
        y = store.household_by_code(resurveyed)
        assert y is not None
        store.save_meeting_vote(
            y.id, rnd.id, agree=25, attendees=30, meeting_date=date(2026, 12, 20)
        )
    assert not receipt.warnings
    assert kept.get(gone_id) == top
    out = tmp_path / "gcn.pdf"
    assert main(["report", "certificate", str(commune), "--out", str(out)]) == 0
    text = pdf_text(out)
    printed = dict(zip(_CODE.findall(text), _NUMBER.findall(text), strict=True))
    assert gone not in printed  # deleted: not on this year's certificates
    assert printed[resurveyed] == f"{top + 1:04d}"  # never the number the other laptop gave
    assert len(set(printed.values())) == len(printed)
    # Next year, the family that moved away asks for a copy of its lost certificate: found
    # by the code on its old paper, printed with the number it holds.
    with Store.open(commune, user="Cán bộ", device="may-xa") as store:
        store.start_round(2027, STANDARD, reference_date=date(2027, 12, 31))
    args = ["report", "certificate", str(commune), "--round", "2026", "--household", gone]
    assert main([*args, "--out", str(tmp_path / "ban-sao.pdf")]) == 0
    copy = pdf_text(tmp_path / "ban-sao.pdf")
    assert (_CODE.findall(copy), _NUMBER.findall(copy)) == ([gone], [f"{top:04d}"])
