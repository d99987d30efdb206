"""Poverty standards as data: ``forms/standards/*.toml``, each value with its legal source.

The national standards ship with the application; a province may load a higher local
standard from its own file (``load_standard_file``), either complete or as ``base = "<id>"``
plus the tables it changes. Values no source confirms are marked ``unconfirmed`` in the file
and listed in ``Standard.unconfirmed`` (and in docs/domain.md); a value that is not known at
all is left out, never guessed, and the engine then says it cannot decide.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from forms.b1 import B1Table, B1TableError, parse_b1_table
from forms.file_errors import SIDE_FILE_MAX, TooBig, os_reason, read_limited, toml_reason

# An indicator's spec lives beside the rules its plan looks up, so that forms.indicators needs
# nothing from here (issue 23); still importable from here, where standard files are read.
from forms.indicators import RULES, check_params, prepare
from forms.indicators import IndicatorSpec as IndicatorSpec
from forms.model import Area, Region

FORMAT_VERSION = 1
NATIONAL_IDS = ("nd07-2022-2025", "nd351-2026-2030")
# An indicator's ``basis``: "" a national legal text (or none, with ``unconfirmed``),
# "province" a provincial document its ``source`` names.
BASES = ("", "province")


class StandardError(ValueError):
    """A standard file that cannot be used; the message is Vietnamese, for the user."""


@dataclass(frozen=True)
class Standard:
    id: str
    name: str
    version: str
    source: str
    valid_years: list[int] = field(hash=False)
    income_lines: dict[Area, int] = field(hash=False)  # VND per person per month
    # (lower exclusive, upper inclusive) VND per person per month; None = not known.
    middle_bands: dict[Area, tuple[int, int] | None] = field(hash=False)
    b1_thresholds: dict[Area, int | None] = field(hash=False)  # None = unconfirmed
    deprivation_threshold: int
    deprivation_points: int
    indicators: list[IndicatorSpec] = field(hash=False)
    # Vietnamese descriptions of what no source confirms.
    unconfirmed: list[str] = field(hash=False)
    # Decree 30/2025/NĐ-CP low-income workers: upper per-capita income; None = not known.
    low_income_upper: dict[Area, int | None] = field(default_factory=dict, hash=False)
    local: bool = False  # loaded from a province's file
    # Phiếu B1 point tables (one urban, a rural one per region), ``[b1_tables]``; None: none
    # loaded (no official values ship), the B1 total is typed from the paper form.
    b1_table: B1Table | None = field(default=None, hash=False, compare=False)
    b1_regions: list[Region] = field(default_factory=list, hash=False, compare=False)
    sources: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    # Each entry of ``unconfirmed`` -> the key of ``sources`` (or "indicator:<id>") it belongs
    # to, so the Căn cứ pháp lý screen shows it with its own source.
    unconfirmed_keys: dict[str, str] = field(default_factory=dict, hash=False, compare=False)

    @cached_property
    def plans(self) -> tuple[tuple[Any, ...], ...]:
        """Each indicator's ``IndicatorSpec.plan``, in order: what classification reads for
        every household, gathered once."""
        return tuple(spec.plan for spec in self.indicators)

    @cached_property
    def years(self) -> frozenset[int]:
        return frozenset(self.valid_years)

    def indicator(self, indicator_id: str) -> IndicatorSpec:
        for spec in self.indicators:
            if spec.id == indicator_id:
                return spec
        raise KeyError(indicator_id)

    def applies_to(self, review_year: int) -> bool:
        return review_year in self.years

    @property
    def title(self) -> str:
        return f"{self.name} ({self.source})"


def _data_dir() -> Any:
    return resources.files("forms") / "standards"


@cache
def _national(standard_id: str) -> Standard:
    text = (_data_dir() / f"{standard_id}.toml").read_text(encoding="utf-8")
    return parse_standard(tomllib.loads(text), where=f"{standard_id}.toml")


def list_standards() -> list[Standard]:
    """The national standards, oldest first."""
    return [_national(i) for i in NATIONAL_IDS]


def load_standard(standard_id: str) -> Standard:
    if standard_id in NATIONAL_IDS:
        return _national(standard_id)
    raise StandardError(
        f"Không có chuẩn nghèo mã '{standard_id}'. Các chuẩn có sẵn: {', '.join(NATIONAL_IDS)}; "
        "chuẩn của tỉnh được nạp từ tệp."
    )


def standard_for_year(review_year: int) -> Standard:
    """The national standard proposed for a review year (the user may pick another).

    2026 still uses the 2022–2025 standard (Decree 351/2025/NĐ-CP keeps it in force); a year
    outside every range falls back to the nearest standard.
    """
    standards = list_standards()
    for std in standards:
        if std.applies_to(review_year):
            return std
    if review_year < min(standards[0].valid_years):
        return standards[0]
    return standards[-1]


def load_standard_file(path: str | Path) -> Standard:
    """A province's standard file: complete, or ``base = "<national id>"`` plus changes."""
    path = Path(path)
    try:
        text = read_standard_text(path)
    except TooBig as exc:
        raise StandardError(f"Chuẩn nghèo: {exc.message}") from exc
    return parse_standard_text(text, path.name)


def read_standard_text(path: Path, limit: int = SIDE_FILE_MAX) -> str:
    """A standard file's text, read once and to ``limit`` bytes (``TooBig`` past it, for the
    caller to word); ``StandardError`` when it cannot be read or is not UTF-8."""
    try:
        raw = read_limited(path, limit)
    except OSError as exc:
        raise StandardError(f"Chuẩn nghèo: {os_reason(exc, path.name)}") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise StandardError(f"Chuẩn nghèo: {toml_reason(exc, path.name)}") from exc


def parse_standard_text(text: str, name: str) -> Standard:
    """A province's standard file from its text (as kept in the commune file); ``name`` is
    the file's name, for the messages.

    Kept by its text and name (a few at a time): the household editor resolves the round's
    standard and the other national one at every change it recomputes, and parsing the TOML
    again each time cost milliseconds a keystroke. Keyed by the text itself, not by the
    standard's id, so a province file loaded or replaced in Thiết lập takes effect at once
    (``tests/desktop/test_other_standard.py``); a Standard is read-only to its users."""
    return _parse_standard_text(text, name)


@lru_cache(maxsize=16)
def _parse_standard_text(text: str, name: str) -> Standard:
    path = Path(name)
    try:
        # A file saved by Notepad begins with a byte-order mark; kept in a commune file as it
        # was read, it would fail here at every use and the province's file go unused.
        data = tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as exc:
        raise StandardError(f"Chuẩn nghèo: {toml_reason(exc, path.name)}") from exc
    base_id = data.pop("base", None)
    if base_id is not None:
        if not isinstance(base_id, str) or base_id not in NATIONAL_IDS:
            raise StandardError(
                f"Tệp {path.name}: 'base' phải là một trong {', '.join(NATIONAL_IDS)}."
            )
        text = (_data_dir() / f"{base_id}.toml").read_text(encoding="utf-8")
        merged = tomllib.loads(text)
        for key, value in data.items():
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key] = {**merged[key], **value}
            else:
                merged[key] = value
        data = merged
    std = parse_standard(data, where=path.name, local=True)
    # A province may set a standard *higher* than the national one, never a lower one.
    for national in list_standards():
        if not set(national.valid_years) & set(std.valid_years):
            continue
        for area in Area:
            if std.income_lines[area] < national.income_lines[area]:
                own, floor = (
                    f"{v:,}".replace(",", ".")
                    for v in (std.income_lines[area], national.income_lines[area])
                )
                raise StandardError(
                    f"Tệp {path.name}: chuẩn thu nhập {_area_vi(area)} ({own} đồng) thấp hơn "
                    f"chuẩn quốc gia ({floor} đồng) của {national.name}."
                )
    return std


# --- parsing and validation ------------------------------------------------------------


def _req(data: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in data:
        raise StandardError(f"Tệp {where}: thiếu trường '{key}'.")
    value = data[key]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise StandardError(f"Tệp {where}: trường '{key}' không hợp lệ: {value!r}.")
    return value


def _money(table: dict[str, Any], key: str, where: str) -> int | None:
    value = table.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise StandardError(f"Tệp {where}: '{key}' phải là số nguyên dương, không phải {value!r}.")
    return value


def parse_standard(data: dict[str, Any], *, where: str, local: bool = False) -> Standard:
    version = data.get("format_version", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise StandardError(f"Tệp {where}: phiên bản định dạng {version!r} không được hỗ trợ.")
    sid = _req(data, "id", str, where)
    name = _req(data, "name", str, where)
    source = _req(data, "source", str, where)
    years = _req(data, "valid_years", list, where)
    if not years or not all(isinstance(y, int) and 2000 <= y <= 2100 for y in years):
        raise StandardError(f"Tệp {where}: 'valid_years' phải là danh sách năm.")
    threshold = _req(data, "deprivation_threshold", int, where)
    if threshold < 1:
        raise StandardError(f"Tệp {where}: 'deprivation_threshold' phải lớn hơn 0.")
    unconfirmed: list[str] = []
    sources: dict[str, str] = {}
    keys: dict[str, str] = {}

    def flag(entry: str, key: str) -> None:
        unconfirmed.append(entry)
        keys[entry] = key

    lines_t = _req(data, "income_lines", dict, where)
    lines: dict[Area, int] = {}
    for area in Area:
        value = _money(lines_t, area.value, where)
        if value is None:
            raise StandardError(f"Tệp {where}: thiếu chuẩn thu nhập '{area.value}'.")
        lines[area] = value
    sources["income_lines"] = str(lines_t.get("source", source))
    if lines_t.get("unconfirmed"):
        flag("Chuẩn thu nhập (mức thu nhập bình quân)", "income_lines")

    band_t = data.get("middle_band", {})
    bands: dict[Area, tuple[int, int] | None] = {}
    for area in Area:
        upper = _money(band_t, f"{area.value}_upper", where)
        if upper is not None and upper <= lines[area]:
            raise StandardError(
                f"Tệp {where}: mức trên của hộ có mức sống trung bình ({area.value}) phải lớn "
                "hơn chuẩn thu nhập."
            )
        bands[area] = (lines[area], upper) if upper is not None else None
        if upper is None:
            flag(f"Ngưỡng thu nhập hộ có mức sống trung bình ({_area_vi(area)})", "middle_band")
    if band_t.get("unconfirmed") and any(bands.values()):
        flag("Ngưỡng thu nhập hộ có mức sống trung bình", "middle_band")
    sources["middle_band"] = str(band_t.get("source", source))

    low_t = data.get("low_income_workers", {})
    low: dict[Area, int | None] = {a: _money(low_t, f"{a.value}_upper", where) for a in Area}
    sources["low_income_workers"] = str(low_t.get("source", ""))
    # Which members count: its own source (what the decree leaves open and what the app does).
    sources["low_income_members"] = str(low_t.get("workers_source", sources["low_income_workers"]))
    if all(v is None for v in low.values()):
        # No bound: the app identifies no low-income worker under this standard; the Căn cứ
        # pháp lý screen says so with the table's own source.
        flag("Người lao động có thu nhập thấp: mức thu nhập", "low_income_workers")
    if low_t.get("workers_unconfirmed"):
        flag("Người lao động có thu nhập thấp: thành viên nào được tính", "low_income_members")

    b1_t = data.get("b1_thresholds", {})
    b1: dict[Area, int | None] = {}
    for area in Area:
        value = b1_t.get(area.value)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise StandardError(f"Tệp {where}: ngưỡng điểm B1 '{area.value}' phải là số nguyên.")
        b1[area] = value
        if value is None:
            flag(f"Ngưỡng điểm B1 tương ứng chuẩn thu nhập ({_area_vi(area)})", "b1_thresholds")
    if b1_t.get("unconfirmed") and any(v is not None for v in b1.values()):
        flag("Ngưỡng điểm B1", "b1_thresholds")
    sources["b1_thresholds"] = str(b1_t.get("source", source))

    b1_table, b1_regions = _b1_tables(data.get("b1_tables", {}), where, sources)
    if b1_table is None:
        flag("Bảng điểm B1 (điểm từng câu hỏi, theo khu vực và vùng)", "b1_tables")
    elif data.get("b1_tables", {}).get("unconfirmed"):
        flag("Bảng điểm B1", "b1_tables")

    # The rule "deprived in N indicators, P points each": its own source when the file gives
    # one (the decree for N, the circular for P), else the standard's.
    sources["deprivation"] = str(data.get("deprivation_source", source))
    if data.get("deprivation_points_unconfirmed"):
        flag("Điểm cho mỗi chỉ số thiếu hụt (điểm B2)", "deprivation")

    specs: list[IndicatorSpec] = []
    raw_indicators = _req(data, "indicators", list, where)
    if len(raw_indicators) < threshold:
        raise StandardError(f"Tệp {where}: số chỉ số ít hơn ngưỡng thiếu hụt.")
    seen: set[str] = set()
    for raw in raw_indicators:
        if not isinstance(raw, dict):
            raise StandardError(f"Tệp {where}: mỗi chỉ số phải là một bảng [[indicators]].")
        iid = _req(raw, "id", str, where)
        if iid in seen:
            raise StandardError(f"Tệp {where}: chỉ số '{iid}' bị lặp.")
        seen.add(iid)
        rule = _req(raw, "rule", str, where)
        if rule not in RULES:
            raise StandardError(
                f"Tệp {where}: chỉ số '{iid}' dùng quy tắc '{rule}' không có trong phần mềm."
            )
        params = {
            k: v
            for k, v in raw.items()
            if k not in {"id", "name", "dimension", "rule", "unconfirmed", "source", "basis"}
        }
        basis = raw.get("basis", "")
        if basis not in BASES:
            raise StandardError(
                f"Tệp {where}: chỉ số '{iid}': 'basis' chỉ nhận {', '.join(map(repr, BASES))}."
            )
        problem = check_params(rule, params)
        if problem:
            raise StandardError(f"Tệp {where}: chỉ số '{iid}': {problem}")
        spec = IndicatorSpec(
            id=iid,
            name=_req(raw, "name", str, where),
            dimension=_req(raw, "dimension", str, where),
            rule=rule,
            unconfirmed=bool(raw.get("unconfirmed", False)),
            source=str(raw.get("source", "")),
            params=prepare(rule, params),
            basis=basis,
        )
        if spec.unconfirmed:
            flag(f"Chỉ số '{spec.name}': cách đo, ngưỡng", f"indicator:{iid}")
        specs.append(spec)
    return Standard(
        id=sid,
        name=name,
        version=str(data.get("version", "")),
        source=source,
        valid_years=sorted(years),
        income_lines=lines,
        middle_bands=bands,
        b1_thresholds=b1,
        deprivation_threshold=threshold,
        deprivation_points=int(data.get("deprivation_points", 10)),
        indicators=specs,
        unconfirmed=unconfirmed,
        low_income_upper=low,
        local=local,
        sources=sources,
        unconfirmed_keys=keys,
        b1_table=b1_table,
        b1_regions=b1_regions,
    )


def _b1_tables(
    raw: Any, where: str, sources: dict[str, str]
) -> tuple[B1Table | None, list[Region]]:
    """``[b1_tables]``: the scheme (regions, source, confidence) and, in a province's file,
    the tables themselves (format 2 of ``forms.b1``: ``[[b1_tables.tables]]``)."""
    if not isinstance(raw, dict):
        raise StandardError(f"Tệp {where}: [b1_tables] phải là một bảng.")
    regions_raw = raw.get("regions", [])
    known = {r.value for r in Region}
    if not isinstance(regions_raw, list) or any(r not in known for r in regions_raw):
        raise StandardError(
            f"Tệp {where}: [b1_tables] 'regions' chỉ gồm các vùng {', '.join(sorted(known))}."
        )
    regions = [Region(r) for r in regions_raw]
    sources["b1_tables"] = str(raw.get("source", ""))
    table: B1Table | None = None
    if "tables" in raw:
        data = {
            "format_version": 2,
            "id": raw.get("id", where),
            "name": raw.get("name", "Bảng điểm B1"),
            "source": raw.get("source", ""),
            "unconfirmed": raw.get("unconfirmed", False),
            "example": raw.get("example", False),
            "tables": raw["tables"],
        }
        try:
            table = parse_b1_table(data)
        except B1TableError as exc:
            raise StandardError(f"Tệp {where}, [b1_tables]: {exc}") from exc
    return table, regions


def _area_vi(area: Area) -> str:
    return "nông thôn" if area is Area.RURAL else "thành thị"
