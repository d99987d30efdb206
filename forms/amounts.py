"""Amounts of money as officers type them: "50.000.000", "50,000,000", "50 000 000 đ".

One reading for the window's support page and ``rasoat support add``; what it cannot read is
given back as typed, for the validator (``forms.validate.support_problems``) to name the
field."""

from __future__ import annotations


def parse_amount(text: str) -> int | None | str:
    """The whole number of đồng typed (dots, commas and spaces as grouping, a trailing "đ"),
    None when empty, the text itself when it is no whole number. ASCII digits only: "²" is a
    digit to ``str.isdigit`` that ``int`` refuses."""
    digits = text.strip().removesuffix("đ").removesuffix("đồng")
    digits = digits.replace(".", "").replace(",", "").replace(" ", "")
    if not digits:
        return None
    return int(digits) if digits.isascii() and digits.isdigit() else text


def amount_text(amount: int | None) -> str:
    """Vietnamese grouping: 20.000.000 đ."""
    return "" if amount is None else f"{amount:,} đ".replace(",", ".")
