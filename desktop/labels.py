"""Labels for model enums, taken from ``forms.labels`` (the one place that has them, shared
with the reports), in the UI language (``data_tr``) and shaped as (value, label) choices for
the input widgets; stored UTC times as the user reads them."""

from __future__ import annotations

from datetime import datetime
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


def local_time(at: str) -> str:
    """A stored UTC time ('2026-11-23T05:05:00.123Z') in this machine's time zone, as the user
    reads it: '23/11/2026 12:05'. Text that is not a time comes back unchanged."""
    try:
        moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
    except ValueError:
        return at
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return f"{moment:%d/%m/%Y %H:%M}"
