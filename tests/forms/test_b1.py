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


# --- format 2: one urban table, a rural table per region (issue 18 correction 2) ----------
# Invented points (example = true), chosen so every total below is computed by hand.
BY_AREA = """
format_version = 2
id = "thu-vung"
name = "Bảng điểm thử theo khu vực và vùng"
source = "Tự đặt cho kiểm thử"
example = true

[[tables]]
area = "urban"
base = 50
[[tables.items]]
id = "house_type"
label = "Loại nhà"
options = [
    { id = "permanent", label = "Kiên cố", points = 40 },
    { id = "temporary", label = "Tạm", points = 5 },
]
[[tables.items]]
id = "fridge"
label = "Tủ lạnh"
options = [
    { id = "no", label = "Không", points = 0 },
    { id = "yes", label = "Có", points = 20 },
]

[[tables]]
area = "rural"
region = "northern_mountains"
base = 60
[[tables.items]]
id = "house_type"
label = "Loại nhà"
options = [
    { id = "permanent", label = "Kiên cố", points = 30 },
    { id = "temporary", label = "Tạm", points = 0 },
]
[[tables.items]]
id = "land"
label = "Đất"
options = [
    { id = "none", label = "Không", points = 0 },
    { id = "under_1ha", label = "Dưới 1 ha", points = 10 },
    { id = "over_1ha", label = "Từ 1 ha", points = 25 },
]
[[tables.items]]
id = "livestock"
label = "Chăn nuôi"
options = [
    { id = "none", label = "Không", points = 0 },
    { id = "some", label = "Có", points = 8 },
]

[[tables]]
area = "rural"
region = "mekong_delta"
base = 55
[[tables.items]]
id = "house_type"
label = "Loại nhà"
options = [
    { id = "permanent", label = "Kiên cố", points = 35 },
    { id = "temporary", label = "Tạm", points = 5 },
]
[[tables.items]]
id = "land"
label = "Đất"
options = [
    { id = "none", label = "Không", points = 0 },
    { id = "under_1ha", label = "Dưới 1 ha", points = 12 },
    { id = "over_1ha", label = "Từ 1 ha", points = 30 },
]
[[tables.items]]
id = "boats"
label = "Thuyền"
options = [
    { id = "none", label = "Không", points = 0 },
    { id = "motor", label = "Có động cơ", points = 20 },
]
"""


def by_area() -> Any:
    from forms.b1 import parse_b1_table

    return parse_b1_table(tomllib.loads(BY_AREA))


@pytest.mark.parametrize(
    ("area", "region", "answers", "expected"),
    [
        # Rural households: their region's table.
        (
            "rural",
            "northern_mountains",
            {"land": "under_1ha", "livestock": "some"},
            60 + 30 + 10 + 8,
        ),
        ("rural", "mekong_delta", {"land": "over_1ha", "boats": "motor"}, 55 + 35 + 30 + 20),
        # A ward household: the one urban table, whatever the region...
        ("urban", "northern_mountains", {"fridge": "yes", "urban_farm": "no"}, 50 + 40 + 20),
        ("urban", "mekong_delta", {"fridge": "yes", "urban_farm": "no"}, 50 + 40 + 20),
        # ...and when it farms, the land and livestock items of its region's rural table.
        (
            "urban",
            "northern_mountains",
            {"fridge": "yes", "urban_farm": "yes", "land": "over_1ha", "livestock": "some"},
            50 + 40 + 20 + 25 + 8,
        ),
        # The Mekong delta table has no livestock item, and boats are not a farm item.
        (
            "urban",
            "mekong_delta",
            {"fridge": "yes", "urban_farm": "yes", "land": "under_1ha"},
            50 + 40 + 20 + 12,
        ),
    ],
)
def test_the_table_is_chosen_by_area_and_region(
    b: Any, area: str, region: str, answers: dict[str, str], expected: int
) -> None:
    from forms.model import Area

    h = b.household(area=Area(area), region=Region(region))
    h.b1_answers = {"house_type": "permanent", **answers}
    detail = score_b1_detail(h, by_area())
    assert detail.missing == []
    assert detail.total == expected


def test_what_is_missing_is_named(b: Any) -> None:
    from forms.b1 import URBAN_FARM_LABEL
    from forms.model import Area

    table = by_area()
    urban = b.household(area=Area.URBAN, region=Region.NORTHERN_MOUNTAINS)
    urban.b1_answers = {"house_type": "permanent", "fridge": "no"}
    assert score_b1_detail(urban, table).missing == [URBAN_FARM_LABEL]
    urban.b1_answers["urban_farm"] = "yes"
    assert score_b1_detail(urban, table).missing == ["Đất", "Chăn nuôi"]
    urban.region = None  # a farming ward household needs its region's rural items
    assert "vùng kinh tế - xã hội" in score_b1_detail(urban, table).missing
    highlands = b.household(area=Area.RURAL, region=Region.CENTRAL_HIGHLANDS)
    highlands.b1_answers = {"house_type": "permanent"}
    detail = score_b1_detail(highlands, table)
    assert detail.total is None
    assert detail.no_table


def test_a_region_without_a_table_is_said_as_the_officer_can_act_on_it(b: Any) -> None:
    from forms.b1 import NO_TABLE
    from forms.classify import classify
    from forms.model import Area
    from forms.standards import load_standard

    h = b.household(area=Area.RURAL, region=Region.CENTRAL_HIGHLANDS, b1_total=None)
    h.b1_answers = {"house_type": "permanent"}
    r = classify(h, load_standard("nd07-2022-2025"), 2025, b1_table=by_area())
    assert NO_TABLE in r.reasons
    assert "nạp tệp của tỉnh trong Thiết lập" in NO_TABLE
    assert "xác nhận" not in NO_TABLE


def test_format_2_problems_are_listed_in_vietnamese() -> None:
    data = tomllib.loads(BY_AREA)
    data["tables"][0]["area"] = "town"
    data["tables"][1]["region"] = "atlantis"
    data["tables"][2]["items"][0]["options"][0]["points"] = "nhiều"
    data["tables"].append({**tomllib.loads(BY_AREA)["tables"][2]})
    problems = validate_b1_table(data)
    assert 'Bảng thứ 1: \'area\' phải là "urban" hoặc "rural".' in problems
    assert "Bảng thứ 2: vùng 'atlantis' không có." in problems
    assert any("phương án 'permanent': điểm phải là số nguyên" in p for p in problems)
    assert "Bảng nông thôn vùng Đồng bằng sông Cửu Long: bị lặp." in problems
    assert validate_b1_table(tomllib.loads(BY_AREA)) == []


def test_the_form_asks_the_households_items_in_the_slots_wording(b: Any) -> None:
    from forms import definitions
    from forms.model import Area

    h = b.household(area=Area.URBAN, region=Region.NORTHERN_MOUNTAINS)
    h.b1_answers = {"urban_farm": "yes"}
    form = definitions.phieu_b1(by_area(), h)
    asked = [(q.id, q.label) for q in form.sections[-1].questions]
    slots = definitions.b1_slots()
    assert asked == [
        ("b1.house_type", "Loại nhà"),
        ("b1.fridge", "Tủ lạnh"),
        ("b1.land", slots["land"].label),
        ("b1.livestock", slots["livestock"].label),
    ]
    assert set(slots) == {"land", "livestock", "boats"}
    [farm] = [q for q in definitions.phieu_b1().questions() if q.id == "urban_farm"]
    assert definitions.is_visible(farm, h)
    assert not definitions.is_visible(farm, b.household(area=Area.RURAL))


def test_a_province_standard_file_carries_its_tables(b: Any, tmp_path: Path) -> None:
    from forms.classify import classify
    from forms.model import Area, Category
    from forms.standards import load_standard, load_standard_file

    national = load_standard("nd07-2022-2025")
    assert national.b1_table is None  # no official values ship
    assert any("Bảng điểm B1" in u for u in national.unconfirmed)
    assert len(national.b1_regions) == 6
    tables = BY_AREA.split("example = true\n", 1)[1].replace("[[tables", "[[b1_tables.tables")
    path = tmp_path / "tinh.toml"
    path.write_text(
        'base = "nd07-2022-2025"\n[b1_tables]\nname = "Bảng điểm B1 của tỉnh (thử)"\n'
        'source = "Quyết định 99/QĐ-UBND (tệp thử)"\nunconfirmed = false\n' + tables,
        encoding="utf-8",
    )
    std = load_standard_file(path)
    assert std.b1_table is not None
    assert std.sources["b1_tables"] == "Quyết định 99/QĐ-UBND (tệp thử)"
    h = b.household(area=Area.RURAL, region=Region.NORTHERN_MOUNTAINS, b1_total=None)
    h.b1_answers = {"house_type": "permanent", "land": "under_1ha", "livestock": "some"}
    r = classify(h, std, 2025)
    assert r.b1_score == 108  # 60 + 30 + 10 + 8 ≤ 140: at or below the rural line
    assert r.category in (Category.POOR, Category.NEAR_POOR)
    assert r.warnings == []
