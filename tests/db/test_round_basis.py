"""A round's chosen standard with the instruction it follows, and province standard files
kept in the commune file (issue 18, the transition year)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from db import round_basis
from db.store import Store
from forms.model import Area
from forms.standards import StandardError

PROVINCE_B1 = """
base = "nd351-2026-2030"

[b1_thresholds]
rural = 150
urban = 175
unconfirmed = false
source = "Văn bản số 1234 ngày 15/11/2026 của UBND tỉnh (tệp thử)"
"""


def test_the_choice_is_kept_with_its_instruction_and_survives_reopening(
    store: Store, db_path: Path
) -> None:
    started = round_basis.start_round(
        store, 2026, "nd351-2026-2030", "  2150/UBND-VX ", date(2026, 11, 20)
    )
    got = round_basis.choice(store, started.id)
    assert got is not None
    assert got.standard_id == "nd351-2026-2030"
    assert got.proposed_standard_id == "nd07-2022-2025"  # Decree 351 keeps it for 2026
    assert (got.instruction_number, got.instruction_date) == ("2150/UBND-VX", date(2026, 11, 20))
    assert got.chosen_by == "Lò Văn Ín"
    store.close()
    again = Store.open(db_path, user="Lò Văn Ín", device="laptop-1")
    try:
        kept = round_basis.choice(again, started.id)
        assert kept is not None
        assert kept.instruction_number == "2150/UBND-VX"
        assert again.round(started.id).standard_id == "nd351-2026-2030"
    finally:
        again.close()


def test_a_round_started_without_the_record_has_no_choice(store: Store) -> None:
    started = store.start_round(2026, "nd07-2022-2025")
    assert round_basis.choice(store, started.id) is None


def test_a_province_b1_file_is_checked_kept_and_used(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "lao-cai-b1.toml"
    path.write_text(PROVINCE_B1, encoding="utf-8")
    assert round_basis.resolve(store, "nd351-2026-2030").b1_thresholds[Area.RURAL] is None
    loaded = round_basis.load_province_file(store, path)
    assert loaded.source.startswith("Văn bản số 1234")
    path.unlink()  # the commune file carries it now
    std = round_basis.resolve(store, "nd351-2026-2030")
    assert std.local
    assert std.b1_thresholds == {Area.RURAL: 150, Area.URBAN: 175}
    assert std.income_lines[Area.RURAL] == 2_200_000  # the rest is the national standard's
    assert not round_basis.resolve(store, "nd07-2022-2025").local
    [kept] = round_basis.province_standards(store)
    assert kept.file_name == "lao-cai-b1.toml"
    round_basis.forget_province_file(store, "nd351-2026-2030")
    assert not round_basis.resolve(store, "nd351-2026-2030").local


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('base = "nd351-2026-2030"\n[income_lines]\nrural = 1_000_000\n', "thấp hơn"),
        ('base = "nd99"\n', "'base' phải là"),
        ("b1 = [", "không đúng định dạng TOML"),
    ],
)
def test_an_unusable_province_file_is_refused_in_words_and_not_kept(
    store: Store, tmp_path: Path, text: str, said: str
) -> None:
    path = tmp_path / "tinh.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(StandardError, match=said):
        round_basis.load_province_file(store, path)
    assert round_basis.province_standards(store) == []


def test_a_device_given_as_the_province_file_is_refused_unread(store: Store) -> None:
    """Its size from stat() is 0: checked by size, /dev/zero was then read for ever."""
    with pytest.raises(StandardError, match="quá lớn"):
        round_basis.load_province_file(store, Path("/dev/zero"))
    assert round_basis.province_standards(store) == []


def test_a_province_file_saved_with_a_byte_order_mark_is_kept_and_used(
    store: Store, tmp_path: Path
) -> None:
    """Notepad begins a UTF-8 file with a byte-order mark: the file was checked, said loaded,
    then failed at every use and was skipped, the households classified without it."""
    path = tmp_path / "lao-cai-b1.toml"
    path.write_bytes(b"\xef\xbb\xbf" + PROVINCE_B1.encode("utf-8"))
    round_basis.load_province_file(store, path)
    assert [p.file_name for p in round_basis.province_standards(store)] == ["lao-cai-b1.toml"]
    assert round_basis.resolve(store, "nd351-2026-2030").b1_thresholds[Area.RURAL] == 150


def test_another_standard_than_proposed_is_refused_without_its_instruction(store: Store) -> None:
    """The rule was the dialogs' alone: a round started through ``start_round`` by anything
    else (the command line) was scored on the other standard with no instruction kept."""
    from db.errors import StoreError

    before = store.rounds()
    with pytest.raises(StoreError, match="số và ngày ban hành"):
        round_basis.start_round(store, 2027, "nd07-2022-2025", today=date(2026, 12, 1))
    with pytest.raises(StoreError, match="sau ngày hôm nay"):
        round_basis.start_round(
            store, 2027, "nd07-2022-2025", "15/HD-UBND", date(2026, 12, 2), today=date(2026, 12, 1)
        )
    assert store.rounds() == before
    started = round_basis.start_round(
        store, 2027, "nd07-2022-2025", "15/HD-UBND", date(2026, 11, 2), today=date(2026, 12, 1)
    )
    kept = round_basis.choice(store, started.id)
    assert kept is not None
    assert (kept.proposed_standard_id, kept.instruction_number) == ("nd351-2026-2030", "15/HD-UBND")


def test_the_year_proposed_follows_the_files_latest_review(store: Store) -> None:
    assert round_basis.proposed_year(store, date(2026, 9, 15)) == 2026
    round_basis.start_round(store, 2025, "nd07-2022-2025", today=date(2026, 9, 15))
    assert round_basis.proposed_year(store, date(2026, 9, 15)) == 2026  # 2025's review done
    round_basis.start_round(store, 2026, "nd07-2022-2025", today=date(2026, 9, 15))
    assert round_basis.proposed_year(store, date(2026, 9, 15)) == 2027


def test_a_months_regular_round_does_not_move_the_proposed_year(store: Store) -> None:
    """A monthly regular round (kind adhoc) of 2026, held in March after the 2025 review,
    made the September 2026 proposal the 2027 review, and with it the 2026-2030 standard,
    accepted without an instruction since it was the proposal."""
    from db import year_round

    round_basis.start_round(store, 2025, "nd07-2022-2025", today=date(2025, 10, 1))
    year_round.start_regular_round(store, 2026, 3)
    assert round_basis.proposed_year(store, date(2026, 9, 15)) == 2026
