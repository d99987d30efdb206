"""Vietnamese for the texts ``argparse`` writes itself: "usage:", "positional arguments",
"options", "show this help message and exit", and its error messages.

``argparse`` looks its texts up through the module-level names ``_`` and ``ngettext``
(gettext) each time it writes one, so pointing those at this table is enough; a text not in
the table (one a later Python adds) stays in English rather than breaking anything.
``tests/rasoat/test_cli.py`` fails on English left in ``rasoat --help`` and its errors.
"""

from __future__ import annotations

import argparse
from typing import Any

TEXTS = {
    "usage: ": "cách dùng: ",
    "positional arguments": "tham số",
    "options": "tuỳ chọn",
    "optional arguments": "tuỳ chọn",
    "subcommands": "lệnh con",
    "show this help message and exit": "xem hướng dẫn này rồi thoát",
    "show program's version number and exit": "xem số phiên bản rồi thoát",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
    "the following arguments are required: %s": "còn thiếu: %s",
    "unrecognized arguments: %s": "không hiểu các tham số: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "%(value)r không phải một lựa chọn (chọn một trong: %(choices)s)"
    ),
    "argument %(argument_name)s: %(message)s": "tham số %(argument_name)s: %(message)s",
    "expected one argument": "cần một giá trị",
    "expected at most one argument": "cần nhiều nhất một giá trị",
    "expected at least one argument": "cần ít nhất một giá trị",
    "invalid %(type)s value: %(value)r": "giá trị %(value)r không hợp lệ (cần kiểu %(type)s)",
    "ambiguous option: %(option)s could match %(matches)s": (
        "tuỳ chọn %(option)s chưa rõ: có thể là %(matches)s"
    ),
    "not allowed with argument %s": "không dùng được cùng tham số %s",
    "one of the arguments %s is required": "cần một trong các tham số %s",
    "ignored explicit argument %r": "bỏ qua giá trị %r",
    "unexpected option string: %s": "tuỳ chọn không mong đợi: %s",
    "can't open '%(filename)s': %(error)s": "không mở được '%(filename)s': %(error)s",
}
PLURALS = {
    ("expected %s argument", "expected %s arguments"): "cần %s giá trị",
}


def _gettext(text: str) -> str:
    return TEXTS.get(text, text)


def _ngettext(singular: str, plural: str, n: int) -> str:
    vi = PLURALS.get((singular, plural))
    if vi is not None:
        return vi
    return singular if n == 1 else plural


def install() -> None:
    """From now on argparse writes Vietnamese (idempotent)."""
    argparse._ = _gettext  # type: ignore[attr-defined]
    argparse.ngettext = _ngettext  # type: ignore[attr-defined]


class ArgumentParser(argparse.ArgumentParser):
    """``argparse.ArgumentParser`` that says an argument nobody takes under the usage of the
    command it was typed after. argparse leaves a subcommand's unknown arguments to the top
    parser, which said "rasoat: lỗi: không hiểu các tham số: --nope" under the usage of
    ``rasoat`` itself (LỆNH ...), not of ``rasoat db check``. Subcommands' parsers are made
    of the same class (``add_subparsers`` uses the parent's by default). A whole number
    that is not one is said in Vietnamese: argparse names the type by Python's name for it
    ("cần kiểu int")."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # What ``type=int`` is read with, in this parser and its argument groups.
        self.register("type", int, _whole_number)

    def parse_args(self, args: Any = None, namespace: Any = None) -> Any:
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            _chosen(self, parsed).error(_gettext("unrecognized arguments: %s") % " ".join(extras))
        return parsed


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text[:40]}' không phải một số nguyên") from None


def _chosen(parser: argparse.ArgumentParser, parsed: argparse.Namespace) -> argparse.ArgumentParser:
    """The parser of the deepest command ``parsed`` names (``rasoat db check``)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            child = action.choices.get(getattr(parsed, action.dest, None) or "")
            if child is not None:
                return _chosen(child, parsed)
    return parser
