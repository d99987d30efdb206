"""Labels for model enums, taken from ``forms.labels`` (the one place that has them, shared
with the reports), in the UI language (``data_tr``) and shaped as (value, label) choices for
the input widgets."""

from __future__ import annotations

from enum import Enum
from typing import Any

from desktop.field_editor import Choice
from desktop.i18n import data_tr


def label_table(enum_cls: type[Enum]) -> dict[Any, str]:
    from forms import labels

    return labels.BY_ENUM.get(enum_cls, {})


def label(member: Enum | None) -> str:
    if member is None:
        return ""
    return data_tr(label_table(type(member)).get(member, str(member.value)))


def enum_choices(enum_cls: type[Enum]) -> list[Choice]:
    table = label_table(enum_cls)
    return [(str(m.value), data_tr(table.get(m, str(m.value)))) for m in enum_cls]
