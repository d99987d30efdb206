"""Amounts as officers type them (``forms.amounts``): the window's support page and
``rasoat support add`` read them alike."""

from __future__ import annotations

import pytest

from forms.amounts import amount_text, decimal_text, parse_amount, parse_decimal


def test_amounts_as_typed() -> None:
    assert parse_amount("50.000.000") == 50_000_000
    assert parse_amount("50,000,000") == 50_000_000
    assert parse_amount("50 000 000 đ") == 50_000_000
    assert parse_amount("50.000.000đồng") == 50_000_000
    assert parse_amount("1\u00a0500\u00a0000") == 1_500_000  # pasted from a document
    assert parse_amount("") is None
    assert parse_amount("   ") is None
    assert parse_amount("abc") == "abc"
    assert parse_amount("-5") == "-5"  # the validator names it


@pytest.mark.parametrize("typed", [" 1,5 ", "1.5", "1.500.000,00", "1.500,000", "1000.000", "1.50"])
def test_marks_not_between_groups_of_three_are_not_read(typed: str) -> None:
    """ "1,5" was read as 15 đồng and "1.500.000,00" as 150.000.000: a grouping mark counts
    only between groups of three digits, one kind of mark in a number."""
    assert parse_amount(typed) == typed


def test_digits_int_refuses_are_given_back_for_the_validator() -> None:
    """ "²" is a digit to str.isdigit and not to int: the window's slot raised ValueError."""
    assert parse_amount("5²") == "5²"
    assert parse_amount("٥٠") == "٥٠"


def test_amount_text() -> None:
    assert amount_text(20_000_000) == "20.000.000 đ"
    assert amount_text(None) == ""
    assert parse_amount(amount_text(1_234_567)) == 1_234_567


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("12,5", 12.5),
        ("12.5", 12.5),
        ("1.200", 1200.0),  # Vietnamese thousands
        ("1.200,5", 1200.5),
        ("1.2", 1.2),
        ("0,5", 0.5),
        ("50 m²", 50.0),
        ("", None),
        ("1,2,3", "1,2,3"),
        ("1.2.3", "1.2.3"),
        ("12,", "12,"),
        (",5", ",5"),
        ("١٢", "١٢"),
        ("abc", "abc"),
    ],
)
def test_decimals_as_typed(typed: str, read: float | str | None) -> None:
    assert parse_decimal(typed) == read


@pytest.mark.parametrize("value", [12.5, 1200.0, 1.255, 0.5, 7.975, 1e6, 0.0])
def test_decimal_text_reads_back(value: float) -> None:
    text = decimal_text(value)
    assert "e" not in text
    assert parse_decimal(text) == value
