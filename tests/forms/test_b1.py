"""Phiếu B1 tables: the format, the validator and item-by-item scoring."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from forms.b1 import (
    B1TableError,
    example_table,
    load_b1_table,
    score_b1,
    score_b1_detail,
    validate_b1_table,
)
from forms.model import Region

ROOT = Path(__file__).resolve().parents[2]


def example_data() -> dict[str, Any]:
    return tomllib.loads((ROOT / "forms" / "data" / "b1-example.toml").read_text("utf-8"))


def test_the_shipped_table_is_labelled_an_example_and_warns() -> None:
    table = example_table()
    assert table.example
    assert "VÍ DỤ" in table.name
    assert table.warning is not None
    assert "không phải bảng điểm chính thức" in table.warning


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        (Region.NORTHERN_MOUNTAINS, 60 + 25 + 35 + 20 + 15),
        (Region.RED_RIVER_DELTA, 60 + 25 + 30 + 20 + 15),
        (Region.MEKONG_DELTA, 55 + 25 + 30 + 20 + 15),
    ],
)
def test_points_differ_by_region(b: Any, region: Region, expected: int) -> None:
    h = b.household(region=region)
    h.b1_answers = {
        "house_type": "semi_permanent",
        "motorbike": "2+",
        "fridge": "yes",
        "cooking_fuel": "gas_electric",
    }
    assert score_b1(h, example_table()) == expected


def test_missing_answers_or_region_give_no_score(b: Any) -> None:
    h = b.household(region=None)
    h.b1_answers = {"house_type": "temporary"}
    detail = score_b1_detail(h, example_table())
    assert detail.total is None
    assert "vùng kinh tế - xã hội" in detail.missing
    assert "Có tủ lạnh (VÍ DỤ)" in detail.missing


def test_validator_lists_every_problem_in_vietnamese() -> None:
    data = example_data()
    del data["name"]
    data["items"][0]["options"][0]["points"] = {"atlantis": 3}
    data["items"][1]["options"] = data["items"][1]["options"][:1]
    problems = validate_b1_table(data)
    assert "Thiếu trường 'name'." in problems
    assert any("vùng 'atlantis' không có" in p for p in problems)
    assert any("cần ít nhất hai phương án" in p for p in problems)
    assert validate_b1_table(example_data()) == []


def test_loading_a_bad_file_raises(tmp_path: Path) -> None:
    path = tmp_path / "b1.toml"
    path.write_text('id = "x"\n', encoding="utf-8")
    with pytest.raises(B1TableError, match="chưa có câu hỏi"):
        load_b1_table(path)
    assert load_b1_table(ROOT / "forms" / "data" / "b1-example.toml").id == "b1-example"
