"""Household/Member <-> plain dicts (JSON-ready), driven by the dataclass fields.

One codec serves the household JSON format, the storage layer's document columns, the audit
log's old/new values and the exchange packages, so a field added to ``forms.model`` travels
everywhere without a second mapping. Unknown keys are rejected, not dropped: data never
disappears silently.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from datetime import date
from enum import Enum
from typing import Any, TypeVar

from forms.model import Household, Member, nfc

T = TypeVar("T", Household, Member)


class CodecError(ValueError):
    """A value that does not fit the model; the message is Vietnamese, for the user."""


_PLAIN = frozenset({str, int, float, bool})


def to_dict(obj: Household | Member) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        out[f.name] = _encode(getattr(obj, f.name))
    return out


def _encode(value: Any) -> Any:
    # Most values are plain: answer them before the isinstance chain (the storage layer
    # encodes the whole household on every save; this halves the cost).
    if value is None or type(value) in _PLAIN:
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Member):
        return to_dict(value)
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    return value


def household_from_dict(data: dict[str, Any]) -> Household:
    return _from_dict(Household, data, "hộ")


def member_from_dict(data: dict[str, Any]) -> Member:
    return _from_dict(Member, data, "thành viên")


def _from_dict(cls: type[T], data: dict[str, Any], what: str) -> T:
    if not isinstance(data, dict):
        raise CodecError(f"Dữ liệu {what} phải là một đối tượng.")
    hints = _hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - names)
    if unknown:
        raise CodecError(f"Dữ liệu {what} có trường không biết: {', '.join(unknown)}.")
    kwargs: dict[str, Any] = {}
    for name in names & set(data):
        try:
            kwargs[name] = _decode(hints[name], data[name])
        except (TypeError, ValueError) as exc:
            raise CodecError(f"Trường '{name}' của {what} không hợp lệ: {data[name]!r}.") from exc
    return cls(**kwargs)


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    # Evaluating string annotations compiles code: cached, it was 80% of decoding time.
    hints = _HINTS.get(cls)
    if hints is None:
        hints = _HINTS[cls] = typing.get_type_hints(cls)
    return hints


@functools.cache
def _shape(hint: Any) -> tuple[Any, tuple[Any, ...], Any]:
    """(origin, args, the non-None member of an Optional): typing's introspection is slow
    and the hints are few, so each is taken apart once (the storage layer decodes every
    household it reads)."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [a for a in args if a is not type(None)]
        return typing.Union, args, inner
    return origin, args, None


def _decode(hint: Any, value: Any) -> Any:
    origin, args, inner = _shape(hint)
    if origin is typing.Union:
        if value is None and type(None) in args:
            return None
        return _decode(inner, value)
    if origin is list:
        if not isinstance(value, list):
            raise TypeError("expected a list")
        return [_decode(args[0], v) for v in value]
    if origin is dict:
        if not isinstance(value, dict):
            raise TypeError("expected an object")
        return {str(k): _decode(args[1], v) for k, v in value.items()}
    if hint is Member:
        return member_from_dict(value)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint(value)
    if hint is date:
        return date.fromisoformat(value)
    if hint is bool:
        if not isinstance(value, bool):
            raise TypeError("expected a boolean")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError("expected an integer")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError("expected a number")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise TypeError("expected text")
        return nfc(value)
    if hint is typing.Any:
        return value
    raise TypeError(f"unsupported type {hint!r}")
