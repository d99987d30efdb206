"""The household JSON format (docs/household-json.md): a versioned document of households,
built on ``forms.codec`` so it carries exactly the fields of ``forms.model``.

    {"format_version": 1, "review_year": 2025, "households": [{…}, …]}

The JSON Schema (``forms/schema/household.schema.json``) is generated from the dataclasses by
``json_schema()``; a test keeps the shipped file equal to it, so the two cannot drift.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from datetime import date
from enum import Enum
from importlib import resources
from pathlib import Path
from typing import Any

from forms.codec import CodecError, household_from_dict, to_dict
from forms.file_errors import json_reason, os_reason
from forms.model import Household, Member

FORMAT_VERSION = 1
# A commune of 5,000 households is about 15 MB of JSON; nesting deeper than a household's own
# (document > households > household > members > member > field) is no household.
MAX_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 12
SCHEMA_ID = "https://rasoat.invalid/schema/household-v1.json"


class HouseholdJsonError(ValueError):
    """A document that cannot be read; the message is Vietnamese, for the user."""


@dataclasses.dataclass
class HouseholdDocument:
    households: list[Household]
    review_year: int | None = None
    reference_date: date | None = None


def dump_document(
    households: list[Household],
    review_year: int | None = None,
    reference_date: date | None = None,
) -> dict[str, Any]:
    doc: dict[str, Any] = {"format_version": FORMAT_VERSION}
    if review_year is not None:
        doc["review_year"] = review_year
    if reference_date is not None:
        doc["reference_date"] = reference_date.isoformat()
    doc["households"] = [to_dict(h) for h in households]
    return doc


def load_document(data: Any) -> HouseholdDocument:
    if not isinstance(data, dict):
        raise HouseholdJsonError("Tệp hộ gia đình phải là một đối tượng JSON.")
    version = data.get("format_version")
    if version != FORMAT_VERSION:
        raise HouseholdJsonError(
            f"Phiên bản định dạng {version!r} không được hỗ trợ (cần format_version = "
            f"{FORMAT_VERSION})."
        )
    unknown = sorted(set(data) - {"format_version", "review_year", "reference_date", "households"})
    if unknown:
        raise HouseholdJsonError(f"Tệp hộ gia đình có trường không biết: {', '.join(unknown)}.")
    year = data.get("review_year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        raise HouseholdJsonError(f"'review_year' phải là một năm, không phải {year!r:.40}.")
    if year is not None and not 2000 <= year <= 2100:
        # As the schema says; a year of 10^30 stopped classify with an internal error.
        raise HouseholdJsonError("'review_year' phải là một năm từ 2000 đến 2100.")
    ref_text = data.get("reference_date")
    try:
        reference = date.fromisoformat(ref_text) if ref_text is not None else None
    except (TypeError, ValueError) as exc:
        raise HouseholdJsonError(f"'reference_date' không hợp lệ: {ref_text!r}.") from exc
    raw = data.get("households")
    if not isinstance(raw, list):
        raise HouseholdJsonError("Thiếu danh sách 'households'.")
    households = []
    for n, item in enumerate(raw, 1):
        try:
            households.append(household_from_dict(item))
        except CodecError as exc:
            raise HouseholdJsonError(f"Hộ thứ {n}: {exc}") from exc
    return HouseholdDocument(households, year, reference)


def read_document(path: str | Path) -> HouseholdDocument:
    path = Path(path)
    try:
        with path.open("rb") as f:
            raw = f.read(MAX_BYTES + 1)
    except OSError as exc:
        raise HouseholdJsonError(os_reason(exc, path.name)) from exc
    return load_document(parse_bounded(raw, path.name))


def parse_bounded(raw: bytes, name: str = "dữ liệu") -> Any:
    """JSON text of at most ``MAX_BYTES`` and ``MAX_DEPTH`` levels, or ``HouseholdJsonError``."""
    if len(raw) > MAX_BYTES:
        raise HouseholdJsonError(f"Tệp {name} lớn quá {MAX_BYTES // (1024 * 1024)} MB.")
    try:
        # utf-8-sig: Notepad and Excel begin a UTF-8 file with a byte-order mark.
        data = json.loads(raw.decode("utf-8-sig"))
    except (ValueError, RecursionError) as exc:  # a number over 4,300 digits: ValueError
        raise HouseholdJsonError(json_reason(exc, name)) from exc
    if _depth(data) > MAX_DEPTH:
        raise HouseholdJsonError(f"Tệp {name} lồng quá {MAX_DEPTH} cấp: không phải tệp hộ.")
    return data


def _depth(value: Any) -> int:
    # Iterative: a deeply nested file must not exhaust the stack here either.
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            break
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
    return deepest


# --- JSON Schema, generated from the dataclasses ------------------------------------------------


def _schema_of(hint: Any) -> dict[str, Any]:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [a for a in args if a is not type(None)]
        return {"anyOf": [_schema_of(inner), {"type": "null"}]}
    if origin is list:
        return {"type": "array", "items": _schema_of(args[0])}
    if origin is dict:
        return {"type": "object", "additionalProperties": _schema_of(args[1])}
    if hint is Member:
        return {"$ref": "#/$defs/member"}
    if isinstance(hint, type) and issubclass(hint, Enum):
        return {"type": "string", "enum": [e.value for e in hint]}
    if hint is date:
        return {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    if hint is bool:
        return {"type": "boolean"}
    if hint is int:
        return {"type": "integer"}
    if hint is float:
        return {"type": "number"}
    if hint is str:
        return {"type": "string"}
    if hint is typing.Any:
        return {}
    raise TypeError(f"no JSON Schema for {hint!r}")


def _object_schema(cls: type) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {f.name: _schema_of(hints[f.name]) for f in dataclasses.fields(cls)},
    }


def json_schema() -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Rà soát: tệp hộ gia đình",
        "description": "Households with their members and answers (docs/household-json.md).",
        "type": "object",
        "additionalProperties": False,
        "required": ["format_version", "households"],
        "properties": {
            "format_version": {"const": FORMAT_VERSION},
            "review_year": {"type": "integer", "minimum": 2000, "maximum": 2100},
            "reference_date": _schema_of(date),
            "households": {"type": "array", "items": {"$ref": "#/$defs/household"}},
        },
        "$defs": {"household": _object_schema(Household), "member": _object_schema(Member)},
    }


def shipped_schema_text() -> str:
    return (resources.files("forms") / "schema" / "household.schema.json").read_text(
        encoding="utf-8"
    )


def schema_text() -> str:
    """The schema as the shipped file holds it (stable key order, trailing newline)."""
    return json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
