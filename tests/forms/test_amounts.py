"""Amounts as officers type them (``forms.amounts``): the window's support page and
``rasoat support add`` read them alike."""

from __future__ import annotations

from forms.amounts import amount_text, parse_amount


def test_amounts_as_typed() -> None:
    assert parse_amount("50.000.000") == 50_000_000
    assert parse_amount("50,000,000") == 50_000_000
    assert parse_amount("50 000 000 đ") == 50_000_000
    assert parse_amount("50.000.000đồng") == 50_000_000
    assert parse_amount(" 1,5 ") == 15  # grouping marks only: no decimals in đồng
    assert parse_amount("") is None
    assert parse_amount("   ") is None
    assert parse_amount("abc") == "abc"
    assert parse_amount("-5") == "-5"  # the validator names it


def test_digits_int_refuses_are_given_back_for_the_validator() -> None:
    """ "²" is a digit to str.isdigit and not to int: the window's slot raised ValueError."""
    assert parse_amount("5²") == "5²"
    assert parse_amount("٥٠") == "٥٠"


def test_amount_text() -> None:
    assert amount_text(20_000_000) == "20.000.000 đ"
    assert amount_text(None) == ""
    assert parse_amount(amount_text(1_234_567)) == 1_234_567
