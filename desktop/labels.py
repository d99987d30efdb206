"""Vietnamese labels for model enums, taken from ``forms.labels`` (the one place that has them,
shared with the reports) and shaped as (value, label) choices for the input widgets."""

from __future__ import annotations

from enum import Enum
from functools import cache
from typing import Any

from desktop.field_editor import Choice


@cache
def label_table(enum_cls: type[Enum]) -> dict[Any, str]:
    """The ``forms.labels`` dict whose keys are the members of ``enum_cls``."""
    from forms import labels

    for value in vars(labels).values():
        if isinstance(value, dict) and value and all(isinstance(k, enum_cls) for k in value):
            return value
    return {}


def label(member: Enum | None) -> str:
    if member is None:
        return ""
    return label_table(type(member)).get(member, str(member.value))


def enum_choices(enum_cls: type[Enum]) -> list[Choice]:
    table = label_table(enum_cls)
    return [(str(m.value), table.get(m, str(m.value))) for m in enum_cls]
