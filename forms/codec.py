"""Household/Member <-> plain dicts (JSON-ready), driven by the dataclass fields.

One codec serves the household JSON format, the storage layer's document columns, the audit
log's old/new values and the exchange packages, so a field added to ``forms.model`` travels
everywhere without a second mapping. Unknown keys are rejected, not dropped: data never
disappears silently.
"""

from __future__ import annotations

import dataclasses
import json
import re
import types
import typing
import unicodedata
from collections.abc import Callable
from datetime import date
from enum import Enum
from typing import Any, TypeVar

from forms.model import Household, Member, nfc

T = TypeVar("T", Household, Member)


class CodecError(ValueError):
    """A value that does not fit the model; the message is Vietnamese, for the user."""


def to_dict(obj: Household | Member) -> dict[str, Any]:
    encode = _FAST_ENCODERS.get(type(obj))
    if encode is None:
        encode = _FAST_ENCODERS[type(obj)] = _generated_encoder(type(obj))
    return encode(obj)


def _field_by_field(obj: Household | Member) -> dict[str, Any]:
    """``to_dict`` one converter call per field: what the generated encoders must equal."""
    return {name: enc(getattr(obj, name)) for name, enc in _encoders(type(obj))}


# The C scanner of a decoder made with json's defaults, as ``json.loads`` has (the pure-Python
# one where json has no C part); the stubs do not declare the attribute.
_scan: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


def loads(text: str) -> Any:
    """``json.loads(text)``, for the documents the application stores, read in one call of
    json's scanner: ``json.loads`` goes through two Python-level methods and two whitespace
    regex matches first, about 1 µs a call, and reading a district's households back (the
    reclassification load: a household, its members and its result) makes six calls a
    household. Text the scanner does not read whole (whitespace around the value, a BOM,
    bytes, anything malformed) goes to ``json.loads`` itself, which reads it or raises its
    usual error; ``tests/forms/test_codec.py`` holds the two to the same answers."""
    try:
        value, end = _scan(text, 0)
    except Exception:  # StopIteration where json.loads says "Expecting value", TypeError…
        return json.loads(text)
    if end != len(text):
        return json.loads(text)  # trailing whitespace, or the "Extra data" error
    return value


def household_from_dict(data: dict[str, Any]) -> Household:
    try:
        return _fast_household(data)
    except Exception:
        # The generated decoder makes the same checks but does not say what failed: the
        # field-by-field path below finds it again and words the message.
        return _from_dict(Household, data, "hộ")


def member_from_dict(data: dict[str, Any], what: str = "thành viên") -> Member:
    try:
        return _fast_member(data)
    except Exception:
        return _from_dict(Member, data, what)


def _members_from_list(value: Any) -> list[Member]:
    """A household's members; one refused is named by its place in the roster (an officer
    finds "thành viên thứ 3" on the paper form; "thành viên" alone left four to check)."""
    if type(value) is not list:
        raise TypeError("expected a list")
    return [member_from_dict(m, f"thành viên thứ {i}") for i, m in enumerate(value, 1)]


def _from_dict(cls: type[T], data: dict[str, Any], what: str) -> T:
    if not isinstance(data, dict):
        raise CodecError(f"Dữ liệu {what} phải là một đối tượng.")
    decoders = _decoders(cls)
    kwargs: dict[str, Any] = {}
    for name, value in data.items():
        decode = decoders.get(name)
        if decode is None:
            unknown = sorted(set(data) - set(decoders))
            raise CodecError(f"Dữ liệu {what} có trường không biết: {', '.join(unknown)}.")
        try:
            kwargs[name] = decode(value)
        except CodecError:
            # A member's own field, which names the member and the field: not wrapped in
            # the household's "members", nor the whole roster quoted back (fuzzing found
            # messages of hundreds of kilobytes quoting every member).
            raise
        except (TypeError, ValueError) as exc:
            # A person's name, ID number, birth or income is not repeated back (these messages
            # reach the terminal and logs: issue 20 item 6, docs/privacy.md), nor any value
            # that could be one in the wrong field: only a single Latin word, such as a
            # misspelt option, is quoted to help find it.
            quotable = isinstance(value, str) and _OPTION_LIKE.fullmatch(value) is not None
            shown = f": {_quoted(value)}" if quotable and name not in PERSONAL_FIELDS else ""
            field = _field_name(name, member=cls is Member)
            raise CodecError(f"Trường {field} của {what} không hợp lệ{shown}.") from exc
    return cls(**kwargs)


def _field_name(name: str, *, member: bool) -> str:
    """A field as a refusal names it: the form's Vietnamese words, for the officer, and the
    file's key, for whoever made the file ("“Tình trạng đi học” (schooling)"); the key
    alone where the forms have no words for it."""
    from forms.household_diff import field_label  # the forms' labels: read on refusal only

    label = field_label(name, member=member)
    return f"“{label.rstrip('?')}” ({name})" if label != name else f"'{name}'"


# Fields whose value a message never quotes (personal data; a container quotes its members).
PERSONAL_FIELDS = frozenset(
    {"name", "id_number", "birth_date", "birth_year", "income_per_capita", "members", "note"}
)
_OPTION_LIKE = re.compile(r"[A-Za-z_-]{1,30}")


def _quoted(value: Any, limit: int = 60) -> str:
    """A value as a message may quote it: its repr cut to ``limit`` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


# Every household the application reads or writes goes through this codec (storage, reports,
# exchange), so each field's converter is built once per class from its type hint instead of
# taking typing hints apart for every value: about 4x faster than interpreting the hints.

Converter = Callable[[Any], Any]


_ENCODERS: dict[type, tuple[tuple[str, Converter], ...]] = {}
_DECODERS: dict[type, dict[str, Converter]] = {}


def _encoders(cls: type) -> tuple[tuple[str, Converter], ...]:
    found = _ENCODERS.get(cls)
    if found is None:
        hints = typing.get_type_hints(cls)
        fields = dataclasses.fields(cls)
        found = _ENCODERS[cls] = tuple((f.name, _encoder(hints[f.name])) for f in fields)
    return found


def _decoders(cls: type) -> dict[str, Converter]:
    found = _DECODERS.get(cls)
    if found is None:
        hints = typing.get_type_hints(cls)
        fields = dataclasses.fields(cls)
        found = _DECODERS[cls] = {f.name: _decoder(hints[f.name]) for f in fields}
    return found


def _identity(value: Any) -> Any:
    return value


def _optional(hint: Any) -> Any | None:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = typing.get_args(hint)
        if type(None) in args:
            (inner,) = [a for a in args if a is not type(None)]
            return inner
    return None


def _encoder(hint: Any) -> Converter:
    inner = _optional(hint)
    if inner is not None:
        enc = _encoder(inner)
        if enc is _identity:
            return _identity
        return lambda v: None if v is None else enc(v)
    origin = typing.get_origin(hint)
    if origin is list:
        item = _encoder(typing.get_args(hint)[0])
        if item is _identity:
            return list
        return lambda v: [item(x) for x in v]
    if origin is dict:
        value_enc = _encoder(typing.get_args(hint)[1])
        if value_enc is _identity:
            return dict
        return lambda v: {k: value_enc(x) for k, x in v.items()}
    if hint is Member:
        return to_dict
    if isinstance(hint, type) and issubclass(hint, Enum):
        # member -> value looked up: ``member.value`` is a Python-level property on Python
        # 3.11 (about 0.4 µs), and a household has a few dozen enum answers.
        return {m: m.value for m in hint}.__getitem__
    if hint is date:
        return lambda v: v.isoformat()
    return _identity


def _decoder(hint: Any) -> Converter:
    inner = _optional(hint)
    if inner is not None:
        fused = _OPTIONAL_SCALARS.get(inner)
        if fused is not None:
            return fused
        if isinstance(inner, type) and issubclass(inner, Enum):
            return _optional_enum(inner)
        dec = _decoder(inner)
        return lambda v: None if v is None else dec(v)
    origin = typing.get_origin(hint)
    if origin is list:
        if typing.get_args(hint)[0] is Member:
            return _members_from_list
        item = _decoder(typing.get_args(hint)[0])

        def decode_list(v: Any) -> list[Any]:
            if type(v) is not list:
                raise TypeError("expected a list")
            return [item(x) for x in v]

        return decode_list
    if origin is dict:
        value_dec = _decoder(typing.get_args(hint)[1])

        def decode_dict(v: Any) -> dict[str, Any]:
            if type(v) is not dict:
                raise TypeError("expected an object")
            return {str(k): value_dec(x) for k, x in v.items()}

        return decode_dict
    if hint is Member:
        return member_from_dict
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint  # EnumClass(value) raises ValueError for an unknown code
    if hint is date:
        return date.fromisoformat  # TypeError for a non-string, ValueError for a bad one
    if hint is bool:
        return _bool
    if hint is int:
        return _int
    if hint is float:
        return _float
    if hint is str:
        return _str
    if hint is typing.Any:
        return _identity
    raise TypeError(f"unsupported type {hint!r}")


def _bool(value: Any) -> bool:
    if type(value) is not bool:
        raise TypeError("expected a boolean")
    return value


def _int(value: Any) -> int:
    if type(value) is not int:  # bool is a subclass of int: excluded on purpose
        raise TypeError("expected an integer")
    return value


def _float(value: Any) -> float:
    if type(value) is float:
        return value
    if type(value) is not int:
        raise TypeError("expected a number")
    return float(value)


def _str(value: Any) -> str:
    if type(value) is not str:
        raise TypeError("expected text")
    return nfc(value)


# Optional scalars and enums, the most common fields (a member has 17 of them), checked in one
# call each instead of two: decoding is most of the time of reading a package or a report's
# households.


def _optional_bool(value: Any) -> bool | None:
    if value is None or type(value) is bool:
        return value
    raise TypeError("expected a boolean")


def _optional_int(value: Any) -> int | None:
    if value is None or type(value) is int:
        return value
    raise TypeError("expected an integer")


def _optional_float(value: Any) -> float | None:
    return None if value is None else _float(value)


def _optional_str(value: Any) -> str | None:
    if value is None:
        return None
    if type(value) is not str:
        raise TypeError("expected text")
    return nfc(value)


_OPTIONAL_SCALARS: dict[Any, Converter] = {
    bool: _optional_bool,
    int: _optional_int,
    float: _optional_float,
    str: _optional_str,
}


def _optional_enum(cls: type[Enum]) -> Converter:
    # value -> member, the lookup EnumClass(v) does first
    members: dict[Any, Enum] = dict(cls._value2member_map_)

    def decode(value: Any) -> Enum | None:
        if value is None:
            return None
        try:
            return members[value]
        except (KeyError, TypeError):  # TypeError: an unhashable value (a list, an object)
            return cls(value)  # raises the ValueError (or TypeError) EnumClass gives

    return decode


# --- the generated decoders -------------------------------------------------------------
#
# Decoding is most of the CPU of reading stored households (a report's, the registry's
# what-if: a million households) and of a package. ``_from_dict`` above calls one converter
# per field and then the dataclass's ``__init__``; each class here also gets one function,
# written once from the same type hints, that checks every field inline and fills the
# instance's ``__dict__`` directly (what ``__init__`` does, in field order, defaults and
# factories included). It accepts exactly what ``_from_dict`` accepts and raises on anything
# else without saying what, so the callers fall back to ``_from_dict`` for the message:
# ``tests/forms/test_codec.py`` and the fuzz tests hold the two to the same answers.


class _Refused(Exception):
    """Raised by a generated decoder; the field-by-field path says why."""


def _refuse() -> Any:
    raise _Refused


def _str_list(value: Any) -> list[str]:
    if type(value) is not list:
        raise _Refused
    return [_str(x) for x in value]


def _opt_bool_dict(value: Any) -> dict[str, bool | None]:
    if type(value) is not dict:
        raise _Refused
    out: dict[str, bool | None] = {}
    for k, x in value.items():
        if x is not None and type(x) is not bool:
            raise _Refused
        out[str(k)] = x
    return out


def _str_dict(value: Any) -> dict[str, str]:
    if type(value) is not dict:
        raise _Refused
    return {str(k): _str(x) for k, x in value.items()}


def _generated_decoder(cls: type[T]) -> Callable[[Any], T]:
    """The fast decoder of a model class (see above), made from its type hints; a field of
    a shape it does not inline goes through its ``_decoder`` converter."""
    hints = typing.get_type_hints(cls)
    env: dict[str, Any] = {
        "_cls": cls,
        "_new": object.__new__,
        "_names": frozenset(f.name for f in dataclasses.fields(cls)),
        # forms.model.nfc, as _str applies it, written out in the code below: a call less
        # for each of a household's few dozen texts (tests/forms/test_codec.py holds the
        # two the same).
        "_normalize": unicodedata.normalize,
        "_Refused": _Refused,
        "_refuse": _refuse,
        "_fromiso": date.fromisoformat,
        "_missing": dataclasses.MISSING,
    }
    # Two ways to the values: by subscript when every field is there (as ``to_dict`` writes
    # them, the common case), else by ``get`` with each field's default.
    present: list[str] = ["    if len(d) == _count:"]
    partial: list[str] = ["    else:", "        get = d.get"]
    out: list[str] = []
    for i, f in enumerate(dataclasses.fields(cls)):
        v = f"v{i}"
        out.append(f"{f.name!r}: {v}")
        if f.default is not dataclasses.MISSING:
            env[f"_default{i}"] = f.default
            default = f"_default{i}"
        elif f.default_factory is not dataclasses.MISSING:
            env[f"_factory{i}"] = f.default_factory
            default = f"_factory{i}()"
        else:
            default = "_refuse()"  # required: __init__ would raise TypeError
        check = _inline_check(hints[f.name], v, i, env)
        present.append(f"        {v} = d[{f.name!r}]")
        present.extend("        " + line for line in check)
        partial.append(f"        {v} = get({f.name!r}, _missing)")
        partial.append(f"        if {v} is _missing:")
        partial.append(f"            {v} = {default}")
        if check:
            partial.append("        else:")
            partial.extend("            " + line for line in check)
    env["_count"] = len(out)
    lines = [
        "def decode(d):",
        "    if type(d) is not dict or not _names.issuperset(d):",
        "        raise _Refused",
        *present,
        *partial,
    ]
    fields = "{" + ", ".join(out) + "}"
    if "__slots__" in cls.__dict__ or hasattr(cls, "__post_init__"):
        lines.append(f"    return _cls(**{fields})")  # no __dict__, or more than assignments
    else:
        lines.append("    o = _new(_cls)")
        lines.append(f"    o.__dict__.update({fields})")
        lines.append("    return o")
    exec("\n".join(lines), env)  # the code is made here, from the class's own fields
    decode: Callable[[Any], T] = env["decode"]
    return decode


def _inline_check(hint: Any, v: str, i: int, env: dict[str, Any]) -> list[str]:
    """Lines that check and convert the value named ``v`` in place, raising on refusal."""
    inner = _optional(hint)
    if inner is not None:
        if inner is bool:  # three identity tests, no call
            return [f"if {v} is not None and {v} is not True and {v} is not False:",
                    "    raise _Refused"]  # fmt: skip
        if inner is int:  # exactly int: a bool is refused, as _optional_int refuses it
            return [f"if {v} is not None and type({v}) is not int:", "    raise _Refused"]
        if inner is str:
            return [
                f"if {v} is not None:",
                f"    if type({v}) is not str:",
                "        raise _Refused",
                f"    {v} = _normalize('NFC', {v}).strip()",
            ]
        if isinstance(inner, type) and issubclass(inner, Enum):
            env[f"_members{i}"] = dict(inner._value2member_map_)
            # KeyError for an unknown code, TypeError for an unhashable value: refused.
            return [f"if {v} is not None:", f"    {v} = _members{i}[{v}]"]
        if inner is date:
            return [f"if {v} is not None:", f"    {v} = _fromiso({v})"]
        if inner is float:
            return [
                f"if {v} is not None and type({v}) is not float:",
                f"    if type({v}) is not int:",
                "        raise _Refused",
                f"    {v} = float({v})",
            ]
    if hint is str:
        return [
            f"if type({v}) is not str:",
            "    raise _Refused",
            f"{v} = _normalize('NFC', {v}).strip()",
        ]
    if hint is bool:
        return [f"if {v} is not True and {v} is not False:", "    raise _Refused"]
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is list and args[0] is Member:
        env["_member"] = _fast_member
        return [
            f"if type({v}) is not list:",
            "    raise _Refused",
            f"{v} = [_member(x) for x in {v}]",
        ]
    if origin is list and isinstance(args[0], type) and issubclass(args[0], Enum):
        env[f"_members{i}"] = dict(args[0]._value2member_map_)
        return [f"if type({v}) is not list:", "    raise _Refused",
                f"{v} = [_members{i}[x] for x in {v}]"]  # fmt: skip
    if origin is list and args[0] is str:
        env["_str_list"] = _str_list
        return [f"{v} = _str_list({v})"]
    if hint == dict[str, bool | None]:
        env["_opt_bool_dict"] = _opt_bool_dict
        return [f"{v} = _opt_bool_dict({v})"]
    if hint == dict[str, str]:
        env["_str_dict"] = _str_dict
        return [f"{v} = _str_dict({v})"]
    if hint is typing.Any:
        return []
    # Any other shape: its converter, as the field-by-field path decodes it.
    env[f"_convert{i}"] = _decoder(hint)
    return [f"{v} = _convert{i}({v})"]


_fast_member = _generated_decoder(Member)
_fast_household = _generated_decoder(Household)


# --- the generated encoders -------------------------------------------------------------
#
# Encoding was a third of the CPU of merging a package's new households (each encoded for
# its row, then again for its answers) and of every save: one converter call and one
# ``getattr`` per field, most of them the identity. Each class gets one function building
# the same dict in one expression, in field order: a field whose converter is the identity
# is read as is, an enum looked up in a table, a list of members encoded inline, any other
# field through its converter (``_encoders``). ``tests/forms/test_codec.py`` holds it to
# ``_field_by_field``.

_FAST_ENCODERS: dict[type, Callable[[Any], dict[str, Any]]] = {}


def _generated_encoder(cls: type) -> Callable[[Any], dict[str, Any]]:
    hints = typing.get_type_hints(cls)
    env: dict[str, Any] = {"_to_dict": to_dict}
    items: list[str] = []
    for i, (name, enc) in enumerate(_encoders(cls)):
        hint = hints[name]
        inner = _optional(hint)
        shape = hint if inner is None else inner
        args = typing.get_args(shape)
        value = f"o.{name}"
        if enc is _identity:
            expr = value
        elif isinstance(shape, type) and issubclass(shape, Enum):
            table: dict[Any, Any] = {m: m.value for m in shape}
            if inner is not None:
                table[None] = None  # what the optional converter gives for None
            env[f"_table{i}"] = table
            expr = f"_table{i}[{value}]"  # KeyError for a value not of the enum, as before
        elif inner is None and typing.get_origin(shape) is list and args[0] is Member:
            expr = f"[_to_dict(x) for x in {value}]"
        else:
            env[f"_encode{i}"] = enc
            expr = f"_encode{i}({value})"
        items.append(f"{name!r}: {expr}")
    source = "def encode(o):\n    return {" + ", ".join(items) + "}"
    exec(source, env)  # the code is made here, from the class's own fields
    encode: Callable[[Any], dict[str, Any]] = env["encode"]
    return encode
