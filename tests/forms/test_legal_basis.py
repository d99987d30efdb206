"""The Căn cứ pháp lý table is read from the same data the engine uses."""

from __future__ import annotations

import pytest

from forms import catalog
from forms.legal_basis import legal_basis
from forms.standards import list_standards, load_standard


@pytest.mark.parametrize("standard_id", ["nd07-2022-2025", "nd351-2026-2030"])
def test_every_indicator_is_listed_with_its_source_and_confidence(standard_id: str) -> None:
    standard = load_standard(standard_id)
    rows = legal_basis(standard)
    for spec in standard.indicators:
        [row] = [b for b in rows if b.rule.startswith(spec.name + " (")]
        assert row.source == spec.source
        assert row.confirmed is not spec.unconfirmed
    rules = [(b.topic, b.rule) for b in rows]
    assert len(rules) == len(set(rules))  # a flag and its value never listed twice
    assert all(b.source for b in rows)


def test_what_the_2022_2025_texts_state_is_confirmed() -> None:
    rows = legal_basis(load_standard("nd07-2022-2025"))
    income = rows[0]
    assert "1.500.000" in income.rule
    assert income.confirmed
    assert any("140 điểm" in b.rule and b.confirmed for b in rows)


def test_a_missing_b1_threshold_is_listed_as_such() -> None:
    standard = load_standard("nd351-2026-2030")
    rows = legal_basis(standard)
    missing = [b for b in rows if "Ngưỡng điểm B1" in b.rule]
    assert missing
    assert not any(b.confirmed for b in missing)
    assert not any(b.rule.startswith("Phiếu B1 (") for b in rows)  # no threshold to state


def test_unconfirmed_catalogue_items_are_listed() -> None:
    rows = legal_basis(list_standards()[0])
    for item in catalog.causes() + catalog.needs():
        listed = [b for b in rows if b.rule == item.label]
        assert bool(listed) is item.unconfirmed
