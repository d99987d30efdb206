"""Phiếu B1 item-by-item scoring from loadable point tables, keyed by area and region.

The official scheme (Annex III of Circular 07/2021/TT-BLĐTBXH) has one urban table and a
rural table per socio-economic region; a ward household with farm land or livestock also
answers the rural table's land and livestock items. Its point values were not available to
the project, so none ship: a table file (a province's, alone or inside its standard file,
``[b1_tables]``) gives the tables; surveyors who only have the paper total enter
``Household.b1_total`` instead. A table marked ``example`` or ``unconfirmed`` works, but every
result scored with it carries a visible warning.

Format 2 (TOML, documented in docs/domain.md)::

    format_version = 2
    id = "…"; name = "…"; source = "…"
    example = false          # true: invented values, for testing the mechanism only
    unconfirmed = false      # true: values not checked against the official annex
    [[tables]]
    area = "urban"           # the urban table (a `region` key makes it that region's only)
    base = 0
    [[tables.items]]
    id = "house_type"; label = "Loại nhà"
    [[tables.items.options]]
    id = "brick"; label = "Nhà xây"; points = 10
    [[tables]]
    area = "rural"; region = "northern_mountains"   # one rural table per region
    …

Item ids ``land``, ``livestock`` and ``boats`` are the slots of the form (``SLOTS``); a
rural table's ``land`` and ``livestock`` items are also asked of ward households that answer
"yes" to ``URBAN_FARM``. Format 1 (one item list, points per region, no area) is still read:
its items serve both areas.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from forms.file_errors import TooBig, os_reason, read_limited, toml_reason
from forms.model import Area, Household, Region

FORMAT_VERSION = 2
FORMATS = (1, 2)
EXAMPLE_TABLE = "b1-example.toml"
# The items the form keeps a slot for (their wording in forms/data/phieu_b1.toml
# ``[[b1_slots]]``; their options and points come from the table file).
SLOTS = ("land", "livestock", "boats")
# Of those, what a ward household with farm land or livestock also answers from the rural
# table of its region.
FARM_SLOTS = ("land", "livestock")
# The Phiếu B1 answer (``Household.b1_answers``) saying a ward household farms: "yes" / "no".
URBAN_FARM = "urban_farm"
URBAN_FARM_LABEL = "Hộ ở phường có đất sản xuất hoặc chăn nuôi"
NO_TABLE = (
    "Bảng điểm B1 của vùng này chưa được nạp: nhập tổng điểm B1 ghi trên phiếu, hoặc nạp tệp "
    "của tỉnh trong Thiết lập."
)


class B1TableError(ValueError):
    """A B1 table file that cannot be used; the message lists the problems in Vietnamese."""


@dataclass(frozen=True)
class B1Option:
    id: str
    label: str
    points: int


@dataclass(frozen=True)
class B1Item:
    id: str
    label: str
    options: list[B1Option] = field(hash=False)

    def option(self, option_id: str) -> B1Option | None:
        for o in self.options:
            if o.id == option_id:
                return o
        return None


@dataclass(frozen=True)
class AreaTable:
    """One table of the scheme: the urban one, or the rural one of a region."""

    area: Area
    region: Region | None  # None: every region of the area
    base: int
    items: list[B1Item] = field(hash=False)


@dataclass(frozen=True)
class B1Table:
    """A table file: its tables keyed by (area, region), with the file's name and source."""

    id: str
    name: str
    source: str
    example: bool
    unconfirmed: bool
    tables: dict[tuple[Area, Region | None], AreaTable] = field(hash=False)
    # False for a format 1 file: one item list for both areas, so the area is not needed.
    by_area: bool = True

    def area_of(self, household: Household) -> Area | None:
        if household.area is None and not self.by_area:
            return Area.RURAL  # any: both areas hold the same tables
        return household.area

    def table_for(self, area: Area, region: Region | None) -> AreaTable | None:
        """The region's own table of the area, else the area's table for every region."""
        if region is not None and (area, region) in self.tables:
            return self.tables[(area, region)]
        return self.tables.get((area, None))

    @property
    def items(self) -> list[B1Item]:
        """Every distinct item of every table (for listing a file's questions)."""
        seen: dict[str, B1Item] = {}
        for t in self.tables.values():
            for item in t.items:
                seen.setdefault(item.id, item)
        return list(seen.values())

    def has_farm_items(self) -> bool:
        """Whether a ward household's farming changes what it answers (never for a format 1
        file, whose urban and rural items are the same)."""
        return self.by_area and any(
            i.id in FARM_SLOTS
            for (a, _r), t in self.tables.items()
            if a is Area.RURAL
            for i in t.items
        )

    def items_for(self, household: Household) -> list[B1Item]:
        """The items this household answers: its area's (and region's) table, and for a
        ward household that farms, the land and livestock items of its region's rural table."""
        area = self.area_of(household)
        if area is None:
            return []
        own = self.table_for(area, household.region)
        items = list(own.items) if own is not None else []
        if area is Area.URBAN and household.b1_answers.get(URBAN_FARM) == "yes":
            rural = self.table_for(Area.RURAL, household.region)
            have = {i.id for i in items}
            if rural is not None:
                items += [i for i in rural.items if i.id in FARM_SLOTS and i.id not in have]
        return items

    @property
    def warning(self) -> str | None:
        """The warning every result scored with this table must show, if any."""
        if self.example:
            return (
                f"Điểm B1 tính theo bảng điểm VÍ DỤ '{self.name}' (giá trị tự đặt để thử cơ chế, "
                "không phải bảng điểm chính thức): không dùng để công nhận hộ."
            )
        if self.unconfirmed:
            # The file's own mark, said in words an officer can act on.
            return (
                f"Điểm B1 tính theo bảng điểm '{self.name}', tệp ghi là cần kiểm tra lại: hỏi "
                "cơ quan ban hành trước khi dùng để công nhận hộ."
            )
        return None


@dataclass
class B1Score:
    total: int | None  # None when an item is unanswered or the region is unknown
    lines: list[tuple[str, str, int]]  # item label, option label, points
    missing: list[str]  # labels of unanswered items (or "vùng kinh tế - xã hội")
    no_table: bool = False  # the file has no table for the household's area and region


def _points(value: Any, where: str, problems: list[str]) -> dict[Region, int]:
    """Format 1: points as one integer for every region, or a table per region / ``all``."""
    regions = {r.value for r in Region}
    if isinstance(value, int) and not isinstance(value, bool):
        return dict.fromkeys(Region, value)
    if not isinstance(value, dict):
        problems.append(f"{where}: điểm phải là số nguyên hoặc bảng điểm theo vùng.")
        return {}
    out: dict[Region, int] = {}
    for key, pts in value.items():
        if isinstance(pts, bool) or not isinstance(pts, int):
            problems.append(f"{where}: điểm của '{key}' phải là số nguyên.")
        elif key == "all":
            for r in Region:
                out.setdefault(r, pts)
        elif key in regions:
            out[Region(key)] = pts
        else:
            problems.append(f"{where}: vùng '{key}' không có.")
    missing = [r.value for r in Region if r not in out]
    if missing:
        problems.append(f"{where}: thiếu điểm cho vùng {', '.join(missing)}.")
    return out


def validate_b1_table(data: dict[str, Any]) -> list[str]:
    """Every problem of a table file's content, in Vietnamese; empty when it is usable."""
    problems: list[str] = []
    _parse(data, problems)
    return problems


def _raw_items(
    raw_items: Any, where: str, problems: list[str]
) -> list[tuple[str, str, list[tuple[str, str, Any, str]]]]:
    """(id, label, [(option id, label, raw points, where)]) of an item list, checked."""
    out: list[tuple[str, str, list[tuple[str, str, Any, str]]]] = []
    if not isinstance(raw_items, list) or not raw_items:
        problems.append(f"{where}chưa có câu hỏi nào ([[items]]).")
        return out
    seen: set[str] = set()
    for n, raw in enumerate(raw_items, 1):
        if not isinstance(raw, dict):
            problems.append(f"{where}câu hỏi thứ {n} không hợp lệ.")
            continue
        iid, label = raw.get("id"), raw.get("label")
        at = f"{where}Câu hỏi '{iid}'" if isinstance(iid, str) else f"{where}Câu hỏi thứ {n}"
        if not isinstance(iid, str) or not iid:
            problems.append(f"{at}: thiếu 'id'.")
            continue
        if iid in seen:
            problems.append(f"{at}: mã câu hỏi bị lặp.")
        seen.add(iid)
        if not isinstance(label, str) or not label:
            problems.append(f"{at}: thiếu 'label'.")
        options: list[tuple[str, str, Any, str]] = []
        raw_options = raw.get("options")
        if not isinstance(raw_options, list) or len(raw_options) < 2:
            problems.append(f"{at}: cần ít nhất hai phương án trả lời.")
            raw_options = []
        option_ids: set[str] = set()
        for o in raw_options:
            if not isinstance(o, dict) or not isinstance(o.get("id"), str):
                problems.append(f"{at}: có phương án thiếu 'id'.")
                continue
            if o["id"] in option_ids:
                problems.append(f"{at}: phương án '{o['id']}' bị lặp.")
            option_ids.add(o["id"])
            options.append(
                (o["id"], str(o.get("label", o["id"])), o.get("points"), f"{at}, phương án")
            )
        out.append((iid, str(label or iid), options))
    return out


def _parse(data: dict[str, Any], problems: list[str]) -> B1Table | None:
    if not isinstance(data, dict):
        problems.append("Bảng điểm B1 phải là một bảng TOML.")
        return None
    version = data.get("format_version", 1)
    if version not in FORMATS:
        problems.append(f"Phiên bản định dạng {version!r} không được hỗ trợ.")
        return None
    for key in ("id", "name", "source"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            problems.append(f"Thiếu trường '{key}'.")
    for key in ("example", "unconfirmed"):
        if key in data and not isinstance(data[key], bool):
            problems.append(f"Trường '{key}' phải là true hoặc false.")
    tables = _parse_v1(data, problems) if version == 1 else _parse_v2(data, problems)
    if problems:
        return None
    return B1Table(
        id=data["id"],
        name=data["name"],
        source=data["source"],
        example=bool(data.get("example", False)),
        unconfirmed=bool(data.get("unconfirmed", False)),
        tables=tables,
        by_area=version != 1,
    )


def _parse_v1(
    data: dict[str, Any], problems: list[str]
) -> dict[tuple[Area, Region | None], AreaTable]:
    """One item list with points per region, for both areas: a table per (area, region)."""
    base = _points(data.get("base", 0), "Điểm gốc (base)", problems)
    items = [
        (
            iid,
            label,
            [(oid, ol, _points(pts, f"{at} '{oid}'", problems)) for oid, ol, pts, at in opts],
        )
        for iid, label, opts in _raw_items(data.get("items"), "", problems)
    ]
    if problems:
        return {}
    return {
        (area, region): AreaTable(
            area,
            region,
            base[region],
            [
                B1Item(iid, label, [B1Option(oid, ol, pts[region]) for oid, ol, pts in opts])
                for iid, label, opts in items
            ],
        )
        for area in Area
        for region in Region
    }


def _parse_v2(
    data: dict[str, Any], problems: list[str]
) -> dict[tuple[Area, Region | None], AreaTable]:
    out: dict[tuple[Area, Region | None], AreaTable] = {}
    raw_tables = data.get("tables")
    if not isinstance(raw_tables, list) or not raw_tables:
        problems.append("Tệp chưa có bảng điểm nào ([[tables]]).")
        return out
    for n, raw in enumerate(raw_tables, 1):
        if not isinstance(raw, dict):
            problems.append(f"Bảng thứ {n} không hợp lệ.")
            continue
        area_v, region_v = raw.get("area"), raw.get("region")
        if area_v not in {a.value for a in Area}:
            problems.append(f'Bảng thứ {n}: \'area\' phải là "urban" hoặc "rural".')
            continue
        area = Area(area_v)
        if region_v is not None and region_v not in {r.value for r in Region}:
            problems.append(f"Bảng thứ {n}: vùng '{region_v}' không có.")
            continue
        region = Region(region_v) if region_v is not None else None
        where = f"Bảng {_table_name(area, region)}: "
        if (area, region) in out:
            problems.append(f"{where}bị lặp.")
            continue
        base = raw.get("base", 0)
        if isinstance(base, bool) or not isinstance(base, int):
            problems.append(f"{where}điểm gốc (base) phải là số nguyên.")
            base = 0
        items: list[B1Item] = []
        for iid, label, opts in _raw_items(raw.get("items"), where, problems):
            options = []
            for oid, olabel, pts, at in opts:
                if isinstance(pts, bool) or not isinstance(pts, int):
                    problems.append(f"{at} '{oid}': điểm phải là số nguyên.")
                    pts = 0
                options.append(B1Option(oid, olabel, pts))
            items.append(B1Item(iid, label, options))
        out[(area, region)] = AreaTable(area, region, base, items)
    return out


def _table_name(area: Area, region: Region | None) -> str:
    from forms.labels import REGION_LABELS

    name = "thành thị" if area is Area.URBAN else "nông thôn"
    return f"{name} vùng {REGION_LABELS[region]}" if region is not None else name


def parse_b1_table(data: dict[str, Any]) -> B1Table:
    problems: list[str] = []
    table = _parse(data, problems)
    if table is None:
        raise B1TableError("Bảng điểm B1 không dùng được:\n" + "\n".join(problems))
    return table


def load_b1_table(path: str | Path) -> B1Table:
    path = Path(path)
    try:
        data = tomllib.loads(read_limited(path).decode("utf-8-sig"))
    except OSError as exc:
        raise B1TableError(f"Bảng điểm B1: {os_reason(exc, path.name)}") from exc
    except TooBig as exc:
        raise B1TableError(f"Bảng điểm B1: {exc.message}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise B1TableError(f"Bảng điểm B1: {toml_reason(exc, path.name)}") from exc
    return parse_b1_table(data)


def example_table() -> B1Table:
    """The shipped EXAMPLE table: invented values that only exercise the mechanism."""
    text = (resources.files("forms") / "data" / EXAMPLE_TABLE).read_text(encoding="utf-8")
    return parse_b1_table(tomllib.loads(text))


def score_b1_detail(household: Household, table: B1Table) -> B1Score:
    lines: list[tuple[str, str, int]] = []
    missing: list[str] = []
    area, region = table.area_of(household), household.region
    if area is None:
        return B1Score(None, [], ["khu vực (thành thị / nông thôn)"])
    own = table.table_for(area, region)
    farms = area is Area.URBAN and household.b1_answers.get(URBAN_FARM) == "yes"
    # The rural tables are per region: without it, neither a commune's household nor a ward
    # household that farms can be scored.
    if region is None and (own is None or farms):
        missing.append("vùng kinh tế - xã hội")
    if own is None:
        # Still say which answers are missing, from any table of the area.
        some = next((t for (a, _r), t in table.tables.items() if a is area), None)
        for item in some.items if some is not None and region is None else []:
            if item.option(household.b1_answers.get(item.id, "")) is None:
                missing.append(item.label)
        return B1Score(None, [], missing, no_table=region is not None)
    if area is Area.URBAN and URBAN_FARM not in household.b1_answers and table.has_farm_items():
        missing.append(URBAN_FARM_LABEL)
    total = own.base
    for item in table.items_for(household):
        chosen = household.b1_answers.get(item.id)
        option = item.option(chosen) if chosen is not None else None
        if option is None:
            missing.append(item.label)
            continue
        total += option.points
        lines.append((item.label, option.label, option.points))
    return B1Score(None if missing else total, lines, missing)


def score_b1(household: Household, table: B1Table) -> int | None:
    """The B1 total from the household's answers; None while anything is missing."""
    return score_b1_detail(household, table).total
