"""Same household version on both sides, different classification results for the round
(computed under another standard or another app version): the commune file's round decides.
The result is recomputed here with forms.classify; this file's result stays when it is the
recomputed one, the recomputed one is written when it is not, and the receipt says which."""

from __future__ import annotations

from pathlib import Path

from db.exchange.export import export_package
from db.exchange.merge import import_package
from db.store import Store
from forms.classify import classify
from forms.model import Area, Household, Latrine, Member, Relationship, Sex, WaterSource
from forms.standards import load_standard
from tests.db.exchange.commune import copy_to, make_commune

ROUND_STANDARD = "nd351-2026-2030"  # the standard of make_commune's 2026 round
OTHER_STANDARD = "nd07-2022-2025"


def surveyed(code: str) -> Household:
    """Rural, B1 score from the paper form, a dwelling deprived in several indicators."""
    return Household(
        code=code,
        village="Thôn 1",
        area=Area.RURAL,
        members=[Member(name="Lò Văn Pản", relationship=Relationship.HEAD, sex=Sex.MALE)],
        screening={"a1": False, "a2": False, "a3": False, "a4": False},
        b1_total=120,
        wall_durable=False,
        frame_durable=False,
        roof_durable=False,
        floor_area_m2=6.0,
        water_source=WaterSource.SURFACE,
        latrine=Latrine.HANGING,
    )


def save_classified(path: Path, device: str, h: Household, standard_id: str) -> None:
    """The household with its round's answers and a result computed under ``standard_id``."""
    with Store.open(path, user="ĐTV", device=device) as store:
        rnd = store.current_round()
        assert rnd is not None
        result = classify(h, load_standard(standard_id), rnd.year, rnd.reference_date)
        store.save_household(h, round_id=rnd.id, result=result)


def reclassify(path: Path, device: str, code: str, standard_id: str) -> None:
    """Only the result, as a reclassification saves it: the household keeps its version."""
    with Store.open(path, user="ĐTV", device=device) as store:
        rnd = store.current_round()
        h = store.household_by_code(code)
        assert rnd is not None
        assert h is not None
        result = classify(h, load_standard(standard_id), rnd.year, rnd.reference_date)
        store.save_result(h.id, rnd.id, result)


def whole_commune(path: Path, out: Path) -> Path:
    with Store.open(path, user="ĐTV", device="may-a") as store:
        export_package(store, out)
    return out


def standard_here(path: Path, code: str) -> str:
    with Store.open(path, user="Cán bộ xã", device="may-xa") as store:
        rnd = store.current_round()
        h = store.household_by_code(code)
        assert rnd is not None
        assert h is not None
        result = store.result_for(h.id, rnd.id)
        assert result is not None
        return result.standard_id


def test_a_result_under_another_standard_does_not_replace_the_communes(tmp_path: Path) -> None:
    base = make_commune(tmp_path / "xa.db", 1)
    save_classified(base, "may-xa", surveyed("HO-P1"), ROUND_STANDARD)
    a = copy_to(base, tmp_path / "a.db")
    reclassify(a, "may-a", "HO-P1", OTHER_STANDARD)
    pkg = whole_commune(a, tmp_path / "a.rasoat")
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        receipt = import_package(office, pkg)
    entry = next(e for e in receipt.entries if e.code == "HO-P1")
    assert entry.action == "unchanged"
    assert f"chuẩn {OTHER_STANDARD}" in entry.detail
    assert "đúng kết quả của xã" in entry.detail
    assert "giữ kết quả của xã" in entry.detail
    assert receipt.changed == 0
    assert any(w.startswith("Hộ HO-P1: kết quả phân loại kỳ 2026 khác") for w in receipt.warnings)
    assert "Lưu ý: Hộ HO-P1" in receipt.text()
    assert standard_here(base, "HO-P1") == ROUND_STANDARD


def test_a_stale_result_here_is_recomputed_and_the_receipt_says_so(tmp_path: Path) -> None:
    base = make_commune(tmp_path / "xa.db", 1)
    save_classified(base, "may-xa", surveyed("HO-P1"), OTHER_STANDARD)  # stale here
    a = copy_to(base, tmp_path / "a.db")
    reclassify(a, "may-a", "HO-P1", ROUND_STANDARD)
    pkg = whole_commune(a, tmp_path / "a.rasoat")
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        rev_before = office.household_rev(office.household_by_code("HO-P1").id)  # type: ignore[union-attr]
        receipt = import_package(office, pkg)
        h = office.household_by_code("HO-P1")
        assert h is not None
        # The household is untouched; only its result, audited with the package as source.
        assert office.household_rev(h.id) == rev_before
        result_rows = [e for e in office.audit_for_household(h.id) if e.table == "results"]
        assert result_rows[-1].source is not None
        assert "a.rasoat" in result_rows[-1].source
    entry = next(e for e in receipt.entries if e.code == "HO-P1")
    assert entry.action == "updated"
    assert "đã ghi kết quả tính lại" in entry.detail
    assert receipt.warnings
    assert standard_here(base, "HO-P1") == ROUND_STANDARD
    # The recomputed result is the package's: importing it again changes nothing.
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        again = import_package(office, pkg)
    assert not again.written
    assert again.warnings == []


def test_answers_of_another_version_are_not_recomputed(tmp_path: Path) -> None:
    """The round's answers here predate a later edit: the results may rest on different
    answers, so nothing is recomputed and the commune's result stays (reported)."""
    base = make_commune(tmp_path / "xa.db", 1)
    save_classified(base, "may-xa", surveyed("HO-P1"), ROUND_STANDARD)
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        h = office.household_by_code("HO-P1")
        assert h is not None
        h.note = "sửa sau khi phân loại"
        office.save_household(h)  # no round: the round's answers stay as they were
    a = copy_to(base, tmp_path / "a.db")
    reclassify(a, "may-a", "HO-P1", OTHER_STANDARD)
    pkg = whole_commune(a, tmp_path / "a.rasoat")
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        receipt = import_package(office, pkg)
    entry = next(e for e in receipt.entries if e.code == "HO-P1")
    assert entry.action == "unchanged"
    assert "không tính lại được từ phiếu" in entry.detail
    assert standard_here(base, "HO-P1") == ROUND_STANDARD
