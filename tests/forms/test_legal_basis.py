"""The Căn cứ pháp lý table is read from the same data the engine uses, and says only what an
officer can cite to the upper level."""

from __future__ import annotations

import re

import pytest

from forms import catalog
from forms.legal_basis import Status, indicator_label, legal_basis
from forms.standards import StandardError, list_standards, load_standard, parse_standard_text

IDS = ["nd07-2022-2025", "nd351-2026-2030"]


@pytest.mark.parametrize("standard_id", IDS)
def test_every_indicator_is_listed_with_its_source_and_confidence(standard_id: str) -> None:
    standard = load_standard(standard_id)
    rows = legal_basis(standard)
    for spec in standard.indicators:
        [row] = [b for b in rows if b.rule == indicator_label(spec.name, spec.dimension)]
        assert row.source == spec.source
        law = not spec.unconfirmed and spec.basis != "province"
        assert row.confirmed is law
    rules = [(b.topic, b.rule) for b in rows]
    assert len(rules) == len(set(rules))  # a flag and its value never listed twice
    # An indicator's measure is said on its own line, not again as "Chỉ số '…': cách đo".
    assert not [b for b in rows if b.rule.startswith("Chỉ số '")]
    assert all(b.source for b in rows)


# What an officer must never read on this screen: where a value came from inside the project
# (the provincial working documents are "seeds", notes live in docs/*.md and issues), the
# developers' words for unsureness, and the data's own ids.
DEVELOPER_TOKENS = (
    "seed",
    "docs/",
    ".md",
    ".toml",
    "proxy",
    "todo",
    "issue",
    "giả định (docs",
    "dự thảo",
    "chưa đối chiếu",
    "chưa xác nhận",
    "xác nhận cho",
    "mẫu thực tế",
    "thực tế rà soát",
)
ASCII_ID = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")  # health_insurance, b1_tables
# A national legal text by its number: Nghị định 07/2021/NĐ-CP, Thông tư 07/2021/TT-BLĐTBXH,
# Quyết định 24/2021/QĐ-TTg, QCVN 01:2011/BYT.
LEGAL_NUMBER = re.compile(r"\b\d+/\d{4}/(NĐ-CP|TT-[A-ZĐ]+|QĐ-[A-Za-zĐ]+)|QCVN \d+:\d{4}/[A-Z]+")


def shown_texts(standard_id: str) -> list[tuple[str, str]]:
    return [
        (b.rule, text)
        for b in legal_basis(load_standard(standard_id))
        for text in (b.topic, b.rule, b.source, b.status_vi)
    ]


@pytest.mark.parametrize("standard_id", IDS)
def test_no_developer_note_reaches_the_screen(standard_id: str) -> None:
    found = [
        (rule, token)
        for rule, text in shown_texts(standard_id)
        for token in DEVELOPER_TOKENS
        if token in text.casefold()
    ]
    assert found == []
    ids = [(rule, m) for rule, text in shown_texts(standard_id) for m in ASCII_ID.findall(text)]
    assert ids == []


@pytest.mark.parametrize("standard_id", IDS)
def test_no_label_is_doubled(standard_id: str) -> None:
    """Not "Việc làm (Việc làm)", nor "Người lao động … | Người lao động …: …"."""
    doubled = re.compile(r"(?i)(?:^|[.;:,] )([^.;:,()]+) \((?:thuộc chiều )?\1\)")
    assert [r for r, text in shown_texts(standard_id) if doubled.search(text)] == []
    for b in legal_basis(load_standard(standard_id)):
        assert not b.rule.casefold().startswith(b.topic.casefold() + ":"), b


@pytest.mark.parametrize("standard_id", IDS)
def test_a_rule_has_a_legal_text_only_when_its_source_cites_one(standard_id: str) -> None:
    for b in legal_basis(load_standard(standard_id)):
        if b.status is Status.LAW:
            assert LEGAL_NUMBER.search(b.source), b
            assert "phần mềm tạm" not in b.source.casefold(), b
        elif b.status is Status.PROVINCE:
            # The provincial document named as officers know it, never a file.
            assert re.search(r"tỉnh|Tỉnh ủy", b.source), b
        else:
            assert b.status is Status.NONE


def test_what_rests_on_a_provincial_document_is_said_so() -> None:
    """Seed 000 (the Lạng Sơn resolution) states the 2 of 3 structures and the 8 m²: a
    provincial document, not a decree, so never "Có văn bản"."""
    rows = {b.rule: b for b in legal_basis(load_standard("nd07-2022-2025"))}
    for rule in (
        "Chất lượng nhà ở (thuộc chiều nhà ở)",
        "Diện tích nhà ở bình quân đầu người (thuộc chiều nhà ở)",
    ):
        assert rows[rule].status is Status.PROVINCE
        assert rows[rule].status_vi == "Theo văn bản cấp tỉnh"
        assert "tỉnh Lạng Sơn" in rows[rule].source
    assert rows["Việc làm"].status is Status.NONE
    assert "chờ hướng dẫn của cấp trên" in rows["Việc làm"].source


def test_an_indicator_basis_a_province_file_gives_is_checked() -> None:
    indicator = (
        '[[indicators]]\nid = "{id}"\nname = "Diện tích {id}"\ndimension = "Nhà ở"\n'
        'rule = "floor_area"\nmin_m2_per_person = 10.0\nsource = "Quyết định 1/QĐ-UBND"\n'
        'basis = "tỉnh"\n'
    )
    text = 'base = "nd07-2022-2025"\nid = "tinh-x"\n' + "".join(
        indicator.format(id=i) for i in ("a", "b", "c")
    )
    with pytest.raises(StandardError, match="basis"):
        parse_standard_text(text, "tinh-x.toml")
    good = parse_standard_text(text.replace('"tỉnh"', '"province"'), "tinh-x.toml")
    assert [s.basis for s in good.indicators] == ["province"] * 3
    assert good.indicators[0].params["min_m2_per_person"] == 10.0  # "basis" is no threshold
    assert {b.status for b in legal_basis(good) if b.topic == "Chỉ số thiếu hụt"} == {
        Status.PROVINCE
    }


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


def test_catalogue_items_without_a_legal_text_are_listed() -> None:
    rows = legal_basis(list_standards()[0])
    for item in catalog.causes() + catalog.needs():
        listed = [b for b in rows if b.rule == item.label]
        assert bool(listed) is (item.unconfirmed or item.basis == "province")
    causes = [b for b in rows if b.topic == "Nguyên nhân nghèo"]
    assert {b.status for b in causes} == {Status.PROVINCE, Status.NONE}  # Yên Bái's five


@pytest.mark.parametrize(
    "items",
    [
        catalog.causes,
        catalog.needs,
        catalog.household_flags,
        catalog.income_sources,
        catalog.support_kinds,
    ],
)
def test_every_catalogue_source_is_officer_text(items: object) -> None:
    """Catalogue sources not on the screen today are written for it all the same."""
    assert callable(items)
    for item in items():
        assert item.source
        assert [t for t in DEVELOPER_TOKENS if t in item.source.casefold()] == [], item
        assert item.basis in ("", "province")


def test_the_decree_is_named_as_where_each_2022_2025_threshold_is() -> None:
    """Decree 07/2021/NĐ-CP names the 12 indicators in Art. 3 and sets each one's deprivation
    threshold in its annex ("ngưỡng thiếu hụt quy định tại Phụ lục ban hành kèm theo Nghị định
    này"): an officer checking the app's measure must be sent there, not told only that the
    decree names the indicator."""
    standard = load_standard("nd07-2022-2025")
    for b in legal_basis(standard):
        if b.topic == "Chỉ số thiếu hụt":
            assert "Phụ lục" in b.source, b


@pytest.mark.parametrize("standard_id", IDS)
def test_no_source_says_a_legal_text_is_silent_without_having_read_it(standard_id: str) -> None:
    """ "Quyết định 24/2021/QĐ-TTg … không nêu số ngày niêm yết" was a claim no source we hold
    makes (the statutory posting length is unconfirmed): the row says what the decision
    governs and that the commune sets the days."""
    silent = re.compile(r"(Nghị định|Quyết định|Thông tư)[^.;]*không (nêu|quy định)")
    assert [b for b in legal_basis(load_standard(standard_id)) if silent.search(b.source)] == []
    [posting] = [
        b for b in legal_basis(load_standard(standard_id)) if b.topic == "Niêm yết công khai"
    ]
    assert "Quyết định 24/2021/QĐ-TTg" in posting.source
    assert posting.status is Status.NONE


def test_the_middle_band_names_the_households_it_is_for() -> None:
    """The engine classes only farming, forestry, fishery and salt-making households as
    middle-living-standard (Decision 24/2021/QĐ-TTg's procedure is for them): the screen's
    line says so and cites the decision beside the decree's band."""
    rows = [
        b for b in legal_basis(load_standard("nd07-2022-2025")) if "mức sống trung bình" in b.rule
    ]
    assert len(rows) == 2
    for b in rows:
        assert "nông nghiệp, lâm nghiệp, ngư nghiệp, diêm nghiệp" in b.rule, b
        assert "Nghị định 07/2021/NĐ-CP" in b.source
        assert "Quyết định 24/2021/QĐ-TTg" in b.source
        assert b.status is Status.LAW


def test_the_low_income_workers_bound_is_listed_with_its_decree() -> None:
    """The low-income check applies Decree 30/2025/NĐ-CP's bound (2.250.000 rural, 3.000.000
    urban): a rule the app applies is on the screen with its source; under 2026–2030, with no
    bound known, the line says the app does not apply one."""
    rows = legal_basis(load_standard("nd07-2022-2025"))
    [bound] = [
        b for b in rows if b.topic == "Người lao động có thu nhập thấp" and "2.250.000" in b.rule
    ]
    assert "3.000.000" in bound.rule
    assert "Nghị định 30/2025/NĐ-CP" in bound.source
    assert bound.status is Status.LAW
    later = legal_basis(load_standard("nd351-2026-2030"))
    [open_bound] = [b for b in later if b.topic == "Người lao động có thu nhập thấp"]
    assert open_bound.status is Status.NONE
    assert "2026–2030" in open_bound.source


def test_the_farming_income_sources_cite_the_procedure_that_names_them() -> None:
    """Which households may be middle-living-standard (those living from agriculture,
    forestry, fishery or salt-making) is what Decision 24/2021/QĐ-TTg's procedure and Circular
    07/2021/TT-BLĐTBXH name in their titles; Decree 07/2021's Art. 3 gives the band alone."""
    farming = {"agriculture", "forestry", "fishery", "salt"}
    for item in catalog.income_sources():
        if item.id in farming:
            assert "Quyết định 24/2021/QĐ-TTg" in item.source, item


def test_the_procedures_rules_the_app_applies_are_listed_with_the_decision() -> None:
    """The village vote (at least half of those present), the periodic review's window (1/9 –
    14/12) and the monthly review's 15 days: rules the app applies (forms.meeting,
    forms.applications), each on the screen with Decision 24/2021/QĐ-TTg, as the posting is."""
    rows = [
        b for b in legal_basis(load_standard("nd07-2022-2025")) if b.topic == "Quy trình rà soát"
    ]
    said = " ".join(b.rule for b in rows)
    assert "từ 50% số người dự họp" in said
    assert "01/9" in said
    assert "14/12" in said
    assert "ngày 15" in said
    assert "15 ngày" in said
    for b in rows:
        assert "Quyết định 24/2021/QĐ-TTg" in b.source, b
        assert b.status is Status.LAW, b


@pytest.mark.parametrize("standard_id", IDS)
def test_the_near_poor_rule_is_said_beside_the_poor_one(standard_id: str) -> None:
    """Decree 07/2021 Art. 3 (and Decree 351/2025) set both: at or below the income line, poor
    with 3 deprivations or more, near-poor with fewer. The engine applies both; the screen
    said only the first."""
    standard = load_standard(standard_id)
    [row] = [b for b in legal_basis(standard) if b.rule.startswith("Hộ nghèo:")]
    n = standard.deprivation_threshold
    assert f"hộ cận nghèo: thu nhập không vượt chuẩn và thiếu hụt dưới {n} chỉ số" in row.rule
