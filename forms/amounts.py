"""Numbers as officers type them: money with grouping ("50.000.000", "50,000,000",
"50 000 000 đ"), decimals with the Vietnamese comma ("12,5") or a point.

One reading for the window's number fields, its support page and ``rasoat support add``,
whatever the laptop's language setting (Qt's validators read "1.500.000" by the system's
locale, and the field then stored nothing). What cannot be read is given back as typed, for
the field or the validator to name."""

from __future__ import annotations

import re


def parse_amount(text: str) -> int | None | str:
    """A whole number typed with or without grouping: đồng ("1.500.000", "1,500,000",
    "1 500 000 đ") or any count. The number, None when empty, the text itself when it is no
    whole number, for the field or the validator to name.

    Grouping marks count only between groups of three digits, one kind of mark a number:
    "1,5" or "1.500.000,00" are no whole number of đồng, and reading them as 15 or
    150,000,000 stored a figure nobody typed. ASCII digits only: "²" is a digit to
    ``str.isdigit`` that ``int`` refuses."""
    body = text.strip().removesuffix("đ").removesuffix("đồng").strip()
    if not body:
        return None
    if _GROUPED.fullmatch(body) is None:
        return text
    return int(_GROUP_MARKS.sub("", body))


# Digits alone, or groups of three after a first group of one to three, all separated by
# the same mark (a dot, a comma, a space or a no-break space).
_GROUPED = re.compile(r"[0-9]+|[0-9]{1,3}([., \u00a0])[0-9]{3}(?:\1[0-9]{3})*")
_GROUP_MARKS = re.compile(r"[., \u00a0]")


def amount_text(amount: int | None) -> str:
    """Vietnamese grouping: 20.000.000 đ."""
    return "" if amount is None else f"{amount:,} đ".replace(",", ".")


def parse_decimal(text: str) -> float | None | str:
    """A decimal number as officers type it: the Vietnamese decimal comma ("12,5", "1.200,5"
    with dots grouping), or a point ("12.5"). A point followed by exactly three digits is
    grouping, as Vietnamese writes thousands ("1.200" is 1200; "1.2" is 1.2). None when
    empty, the text itself when unreadable (the field then says so)."""
    bare = "".join(text.split()).removesuffix("m²").removesuffix("m2")
    if not bare:
        return None
    number: str | None
    if "," in bare:
        head, _comma, fraction = bare.rpartition(",")
        if "," in head or "." in fraction:
            return text
        whole = _ungrouped(head)
        number = f"{whole}.{fraction}" if whole is not None else None
    elif bare.count(".") == 1 and len(bare.partition(".")[2]) != 3:
        number = bare
    else:
        number = _ungrouped(bare)
    if number is None or not number.replace(".", "", 1).isascii():
        return text
    digits = number.replace(".", "", 1)
    if not digits.isdigit() or number.startswith(".") or number.endswith("."):
        return text
    return float(number)


def _ungrouped(text: str) -> str | None:
    """``text`` without its grouping dots ("1.200.000" → "1200000"), None when the groups
    are not of three digits."""
    head, *groups = text.split(".")
    if not head or any(len(g) != 3 for g in groups):
        return None
    return head + "".join(groups)


def decimal_text(value: float) -> str:
    """12.5 → "12,5", 1200.0 → "1200": what ``parse_decimal`` reads back as ``value`` (to six
    decimals; never an exponent)."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")
