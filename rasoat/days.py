"""A day typed on the command line, as officers write it: dd/mm/yyyy (d/m/yyyy too), or
yyyy-mm-dd. One reading for every command's date option, so a day that does not exist
("30/02/2025") is refused in Vietnamese, never passed on to fail as a ValueError."""

from __future__ import annotations

from datetime import date

HOW = "hãy viết ngày/tháng/năm, ví dụ 01/12/2026"


def parse_day(text: str) -> date | None:
    """The day, or None: not a day of the calendar, or a year not written in full
    ("01/12/26" is not the year 26), or before 1900 or after 2100 (31/12/9999 ended
    ``rasoat log --to`` with an internal error a day later)."""
    text = text.strip()
    try:
        if "/" in text:
            day, month, year = text.split("/")
            if len(year) != 4:
                return None
            parsed = date(int(year), int(month), int(day))
        else:
            parsed = date.fromisoformat(text)
    except ValueError:
        return None
    return parsed if 1900 <= parsed.year <= 2100 else None


def day_problem(text: str, what: str) -> str | None:
    """Why ``text`` is not a usable ``what`` ("ngày nhận"), or None."""
    if parse_day(text) is None:
        return f"{what} '{text}' không hợp lệ: {HOW}."
    return None
