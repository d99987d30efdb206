"""Phiếu B1 item-by-item scoring from a loadable point table.

The official point table (Annex III of Circular 07/2021/TT-BLĐTBXH) was not available to the
project, so no official values ship. A table file gives the items, their answer options and
the points of each option per socio-economic region, plus a base score; surveyors who only
have the paper total enter ``Household.b1_total`` instead. A table marked ``example`` or
``unconfirmed`` works, but every result scored with it carries a visible warning.

Format (TOML, documented in docs/domain.md)::

    format_version = 1
    id = "…"; name = "…"; source = "…"
    example = false          # true: invented values, for testing the mechanism only
    unconfirmed = false      # true: values not checked against the official annex
    [base]                   # optional base score per region (or `all`)
    all = 0
    [[items]]
    id = "house_type"; label = "Loại nhà"
    [[items.options]]
    id = "brick"; label = "Nhà xây"
    points = { all = 10 }    # or one key per region: northern_mountains = 12, …
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from forms.model import Household, Region

FORMAT_VERSION = 1
EXAMPLE_TABLE = "b1-example.toml"


class B1TableError(ValueError):
    """A B1 table file that cannot be used; the message lists the problems in Vietnamese."""


@dataclass(frozen=True)
class B1Option:
    id: str
    label: str
    points: dict[Region, int] = field(hash=False)


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
class B1Table:
    id: str
    name: str
    source: str
    example: bool
    unconfirmed: bool
    base: dict[Region, int] = field(hash=False)
    items: list[B1Item] = field(hash=False)

    @property
    def warning(self) -> str | None:
        """The warning every result scored with this table must show, if any."""
        if self.example:
            return (
                f"Điểm B1 tính theo bảng điểm VÍ DỤ '{self.name}' (giá trị tự đặt để thử cơ chế, "
                "không phải bảng điểm chính thức): không dùng để công nhận hộ."
            )
        if self.unconfirmed:
            return (
                f"Điểm B1 tính theo bảng điểm '{self.name}' chưa được đối chiếu với văn bản "
                "chính thức: cần kiểm tra lại."
            )
        return None


@dataclass
class B1Score:
    total: int | None  # None when an item is unanswered or the region is unknown
    lines: list[tuple[str, str, int]]  # item label, option label, points
    missing: list[str]  # labels of unanswered items (or "vùng kinh tế - xã hội")


def _points(value: Any, where: str, problems: list[str]) -> dict[Region, int]:
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


def _parse(data: dict[str, Any], problems: list[str]) -> B1Table | None:
    if not isinstance(data, dict):
        problems.append("Bảng điểm B1 phải là một bảng TOML.")
        return None
    if data.get("format_version", FORMAT_VERSION) != FORMAT_VERSION:
        problems.append(f"Phiên bản định dạng {data.get('format_version')!r} không được hỗ trợ.")
    for key in ("id", "name", "source"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            problems.append(f"Thiếu trường '{key}'.")
    for key in ("example", "unconfirmed"):
        if key in data and not isinstance(data[key], bool):
            problems.append(f"Trường '{key}' phải là true hoặc false.")
    base = _points(data.get("base", 0), "Điểm gốc (base)", problems)
    items: list[B1Item] = []
    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        problems.append("Bảng điểm chưa có câu hỏi nào ([[items]]).")
        raw_items = []
    seen: set[str] = set()
    for n, raw in enumerate(raw_items, 1):
        if not isinstance(raw, dict):
            problems.append(f"Câu hỏi thứ {n} không hợp lệ.")
            continue
        iid, label = raw.get("id"), raw.get("label")
        where = f"Câu hỏi '{iid}'" if isinstance(iid, str) else f"Câu hỏi thứ {n}"
        if not isinstance(iid, str) or not iid:
            problems.append(f"{where}: thiếu 'id'.")
            continue
        if iid in seen:
            problems.append(f"{where}: mã câu hỏi bị lặp.")
        seen.add(iid)
        if not isinstance(label, str) or not label:
            problems.append(f"{where}: thiếu 'label'.")
        options: list[B1Option] = []
        raw_options = raw.get("options")
        if not isinstance(raw_options, list) or len(raw_options) < 2:
            problems.append(f"{where}: cần ít nhất hai phương án trả lời.")
            raw_options = []
        option_ids: set[str] = set()
        for o in raw_options:
            if not isinstance(o, dict) or not isinstance(o.get("id"), str):
                problems.append(f"{where}: có phương án thiếu 'id'.")
                continue
            if o["id"] in option_ids:
                problems.append(f"{where}: phương án '{o['id']}' bị lặp.")
            option_ids.add(o["id"])
            pts = _points(o.get("points"), f"{where}, phương án '{o['id']}'", problems)
            options.append(B1Option(o["id"], str(o.get("label", o["id"])), pts))
        items.append(B1Item(iid, str(label or iid), options))
    if problems:
        return None
    return B1Table(
        id=data["id"],
        name=data["name"],
        source=data["source"],
        example=bool(data.get("example", False)),
        unconfirmed=bool(data.get("unconfirmed", False)),
        base=base,
        items=items,
    )


def parse_b1_table(data: dict[str, Any]) -> B1Table:
    problems: list[str] = []
    table = _parse(data, problems)
    if table is None:
        raise B1TableError("Bảng điểm B1 không dùng được:\n" + "\n".join(problems))
    return table


def load_b1_table(path: str | Path) -> B1Table:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise B1TableError(f"Không đọc được tệp bảng điểm B1 {path.name}: {exc}.") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise B1TableError(f"Tệp {path.name} không đúng định dạng TOML: {exc}.") from exc
    return parse_b1_table(data)


def example_table() -> B1Table:
    """The shipped EXAMPLE table: invented values that only exercise the mechanism."""
    text = (resources.files("forms") / "data" / EXAMPLE_TABLE).read_text(encoding="utf-8")
    return parse_b1_table(tomllib.loads(text))


def score_b1_detail(household: Household, table: B1Table) -> B1Score:
    lines: list[tuple[str, str, int]] = []
    missing: list[str] = []
    region = household.region
    if region is None:
        missing.append("vùng kinh tế - xã hội")
    total = table.base.get(region, 0) if region is not None else 0
    for item in table.items:
        chosen = household.b1_answers.get(item.id)
        option = item.option(chosen) if chosen is not None else None
        if option is None:
            missing.append(item.label)
            continue
        if region is not None:
            pts = option.points[region]
            total += pts
            lines.append((item.label, option.label, pts))
    return B1Score(None if missing else total, lines, missing)


def score_b1(household: Household, table: B1Table) -> int | None:
    """The B1 total from the household's answers; None while anything is missing."""
    return score_b1_detail(household, table).total
