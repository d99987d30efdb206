"""Days between Python and Qt's date widgets, and the range of days an entry may take."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit


def qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def limit_to(edit: QDateEdit, earliest: date, latest: date) -> None:
    """``edit`` offers only the days the store takes (``forms.validate``: none before
    ``earliest``, none after ``latest``, today), so a slip of the wheel is not a refusal."""
    edit.setDateRange(qdate(earliest), qdate(latest))
