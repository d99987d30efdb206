"""The standards as data: the national files, and a province's own file."""

from __future__ import annotations

from pathlib import Path

import pytest

from forms.model import Area, Category
from forms.standards import StandardError, list_standards, load_standard, load_standard_file


def test_national_standards_carry_the_confirmed_values() -> None:
    nd07, nd351 = list_standards()
    assert (nd07.id, nd351.id) == ("nd07-2022-2025", "nd351-2026-2030")
    assert nd07.valid_years == [2022, 2023, 2024, 2025, 2026]
    assert nd07.income_lines == {Area.RURAL: 1_500_000, Area.URBAN: 2_000_000}
    assert nd351.income_lines == {Area.RURAL: 2_200_000, Area.URBAN: 2_800_000}
    assert nd07.middle_bands == {
        Area.RURAL: (1_500_000, 2_250_000),
        Area.URBAN: (2_000_000, 3_000_000),
    }
    assert nd07.b1_thresholds == {Area.RURAL: 140, Area.URBAN: 175}
    assert nd07.deprivation_threshold == nd351.deprivation_threshold == 3
    assert len(nd07.indicators) == len(nd351.indicators) == 12
    assert "07/2021/NĐ-CP" in nd07.source
    assert "351/2025/NĐ-CP" in nd351.source


def test_unknown_2027_values_are_absent_and_listed_as_unconfirmed() -> None:
    nd351 = load_standard("nd351-2026-2030")
    assert nd351.b1_thresholds == {Area.RURAL: None, Area.URBAN: None}
    assert nd351.middle_bands == {Area.RURAL: None, Area.URBAN: None}
    text = " ".join(nd351.unconfirmed)
    assert "Ngưỡng điểm B1" in text
    assert "mức sống trung bình" in text
    assert "Điểm cho mỗi chỉ số thiếu hụt" in text  # 10 points: the 2022–2025 circular's rule
    assert all(i.unconfirmed for i in nd351.indicators)  # every measure of the new standard
    assert all(i.source for i in nd351.indicators)
    nd07 = load_standard("nd07-2022-2025")
    assert "Điểm cho mỗi chỉ số thiếu hụt (điểm B2)" not in nd07.unconfirmed


def test_the_nd07_dimensions_follow_the_decree_order() -> None:
    nd07 = load_standard("nd07-2022-2025")
    dims = []
    for i in nd07.indicators:
        if i.dimension not in dims:
            dims.append(i.dimension)
    assert dims == [
        "Việc làm",
        "Y tế",
        "Giáo dục",
        "Nhà ở",
        "Nước sinh hoạt và vệ sinh",
        "Thông tin",
    ]


def test_unknown_standard_id_is_a_vietnamese_error() -> None:
    with pytest.raises(StandardError, match="Không có chuẩn nghèo"):
        load_standard("nd99")


def test_province_file_on_a_national_base_supplies_b1_thresholds(tmp_path: Path, b) -> None:
    from forms.classify import classify

    path = tmp_path / "tinh.toml"
    path.write_text(
        'base = "nd351-2026-2030"\n'
        'id = "tinh-x-2027"\n'
        'name = "Chuẩn nghèo tỉnh X 2027–2030"\n'
        'source = "Nghị quyết HĐND tỉnh X (ví dụ kiểm thử)"\n'
        "[income_lines]\nrural = 2_500_000\n"
        "[b1_thresholds]\nrural = 160\nurban = 190\nunconfirmed = false\n",
        encoding="utf-8",
    )
    std = load_standard_file(path)
    assert std.local
    assert std.income_lines == {Area.RURAL: 2_500_000, Area.URBAN: 2_800_000}
    assert std.b1_thresholds == {Area.RURAL: 160, Area.URBAN: 190}
    h = b.household(b1_total=160)
    # The 12-year-old still in primary is the one deprivation.
    r = classify(h, std, 2027)
    assert r.category is Category.NEAR_POOR
    assert r.b1_threshold == 160


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id = 1", "không đúng|thiếu|không hợp lệ"),
        ('base = "nd00"', "'base' phải là"),
        ('base = "nd07-2022-2025"\n[income_lines]\nrural = -5', "số nguyên dương"),
        (
            'base = "nd07-2022-2025"\n[[indicators]]\nid = "x"\nname = "X"\ndimension = "Y"\n'
            'rule = "magic"',
            "số chỉ số ít hơn|quy tắc 'magic'",
        ),
        ("this is = not toml [", "TOML"),
    ],
)
def test_bad_province_files_are_refused_in_vietnamese(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(StandardError, match=message):
        load_standard_file(path)


def test_a_rule_threshold_of_the_wrong_type_is_refused(tmp_path: Path) -> None:
    src = Path(__file__).resolve().parents[2] / "forms" / "standards" / "nd07-2022-2025.toml"
    text = src.read_text(encoding="utf-8").replace(
        "min_m2_per_person = 8.0", 'min_m2_per_person = "tám"'
    )
    path = tmp_path / "tinh.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(StandardError, match="min_m2_per_person"):
        load_standard_file(path)


def test_domain_doc_lists_every_indicator_of_both_standards() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "domain.md").read_text("utf-8")
    for std in list_standards():
        for spec in std.indicators:
            assert f"`{spec.id}`" in doc, spec.id
    assert "## 7. Unconfirmed values" in doc


def test_a_province_standard_may_not_be_lower_than_the_national_one(tmp_path: Path) -> None:
    path = tmp_path / "thap.toml"
    path.write_text(
        'base = "nd07-2022-2025"\nid = "tinh-thap"\n[income_lines]\nurban = 1_900_000\n',
        encoding="utf-8",
    )
    with pytest.raises(StandardError, match="thấp hơn chuẩn quốc gia"):
        load_standard_file(path)


def test_a_province_text_is_parsed_once_and_a_changed_text_again() -> None:
    from forms.standards import parse_standard_text

    text = 'base = "nd351-2026-2030"\n\n[b1_thresholds]\nrural = 150\nurban = 175\n'
    first = parse_standard_text(text, "tinh.toml")
    assert parse_standard_text(text, "tinh.toml") is first  # the editor's every keystroke
    changed = parse_standard_text(text.replace("150", "160"), "tinh.toml")
    assert changed.b1_thresholds[Area.RURAL] == 160  # a file loaded again takes effect
    assert first.b1_thresholds[Area.RURAL] == 150
    with pytest.raises(StandardError):
        parse_standard_text('base = "nd07"\n', "tinh.toml")
    with pytest.raises(StandardError):  # a refusal is not kept: refused again
        parse_standard_text('base = "nd07"\n', "tinh.toml")


@pytest.mark.parametrize("given", ["/dev/zero", "big"])
def test_a_standard_b1_table_or_recovery_sheet_too_big_is_refused_unread(
    tmp_path: Path, given: str
) -> None:
    """Read whole, /dev/zero given as a standard filled the memory and a 300 MB file took
    630 MB: a side file is read to its kind's bound and refused past it."""
    from forms.b1 import B1TableError, load_b1_table
    from rasoat.cli import main

    path = Path(given)
    if given == "big":
        path = tmp_path / "tinh.toml"
        path.write_bytes(b"# " + b"x" * (2 << 20))
    with pytest.raises(StandardError, match="quá lớn"):
        load_standard_file(path)
    with pytest.raises(B1TableError, match="quá lớn"):
        load_b1_table(path)
    doc = tmp_path / "ho.json"
    doc.write_text('{"format_version": 1, "households": []}', encoding="utf-8")
    assert main(["classify", str(doc), "--standard", str(path)]) == 2
