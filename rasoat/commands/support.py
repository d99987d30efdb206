"""`rasoat support add|list|delete TỆP_XÃ …`: the support a poor or near-poor household
received during the year (issue 24), as the household's "Hỗ trợ" page records it: the kind
from the catalogue, the day, the programme and who gave it, an amount for a loan. Checked by
the same validator as the window (``forms.validate.support_problems``), written by the same
store call (``db.year_round.add_support``), with its audit row."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from rasoat import signin
from rasoat.days import day_problem, parse_day


def register(subparsers: Any) -> None:
    # The catalogue is not read here: every `rasoat`, the window's start included, builds
    # the parser (reading it, with forms.model, took about 28 ms). `kinds` lists it, and
    # ``run`` checks the kind given.
    parser = subparsers.add_parser(
        "support",
        help="hỗ trợ hộ đã nhận trong năm: ghi, xem, xoá",
        description=(
            "Ghi các lần hỗ trợ hộ nghèo, hộ cận nghèo đã nhận trong năm (như trang Hỗ trợ "
            "của hộ), xem và xoá lần ghi nhầm."
        ),
    )
    sub = parser.add_subparsers(dest="action", metavar="VIỆC", required=True)
    add = sub.add_parser("add", help="ghi một lần hỗ trợ")
    add.add_argument("file", metavar="TỆP_XÃ")
    add.add_argument("--household", metavar="MÃ_HỘ", required=True, help="mã hộ")
    add.add_argument(
        "--kind",
        required=True,
        metavar="LOẠI",
        help="mã loại hỗ trợ trong danh mục (xem: rasoat support kinds)",
    )
    add.add_argument(
        "--date", metavar="NGÀY", help="ngày hỗ trợ, ngày/tháng/năm (mặc định: hôm nay)"
    )
    add.add_argument("--programme", metavar="CHƯƠNG_TRÌNH", default="", help="chương trình, nguồn")
    add.add_argument("--by", metavar="ĐƠN_VỊ", default="", help="đơn vị, người hỗ trợ")
    add.add_argument("--amount", metavar="SỐ_TIỀN", help="số tiền (đồng), ví dụ 50.000.000")
    add.add_argument("--note", metavar="GHI_CHÚ", default="", help="ghi chú")
    signin.add_options(add)
    lst = sub.add_parser("list", help="liệt kê các lần hỗ trợ")
    lst.add_argument("file", metavar="TỆP_XÃ")
    lst.add_argument("--household", metavar="MÃ_HỘ", help="chỉ của hộ này")
    signin.add_options(lst)
    delete = sub.add_parser("delete", help="xoá một lần hỗ trợ ghi nhầm")
    delete.add_argument("file", metavar="TỆP_XÃ")
    delete.add_argument(
        "id", metavar="MÃ", help="mã lần hỗ trợ (cột đầu của `list`), vài ký tự đầu"
    )
    signin.add_options(delete)
    sub.add_parser("kinds", help="liệt kê các loại hỗ trợ trong danh mục (mã: tên)")
    parser.set_defaults(func=run)


def _fail(message: str, code: int = 2) -> int:
    print(f"rasoat support: {message}", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    from db.errors import StoreError
    from forms import catalog

    kinds = catalog.support_kinds()
    if args.action == "kinds":
        for k in kinds:
            print(f"{k.id}: {k.label}")
        return 0
    if args.action == "add" and args.kind not in {k.id for k in kinds}:
        return _fail(
            f"loại hỗ trợ '{args.kind}' không có trong danh mục; chọn một trong: "
            + ", ".join(k.id for k in kinds)
            + " (rasoat support kinds)."
        )
    path = Path(args.file)
    why = signin.not_a_commune_file(path)
    if why is not None:
        return _fail(why)
    when = date.today()
    if getattr(args, "date", None):
        day = parse_day(args.date)
        if day is None:
            return _fail(str(day_problem(args.date, "ngày hỗ trợ")))
        when = day
    try:
        # Only what the command does is written (``seen=False``): a refused one leaves the
        # file as it was.
        with signin.open_store(path, args) as store:
            if args.action == "add":
                return _add(store, args, when)
            if args.action == "list":
                return _list(store, args)
            return _delete(store, args)
    except StoreError as exc:
        return _fail(exc.message, signin.exit_code(exc, 1))


def _add(store: Any, args: argparse.Namespace, when: date) -> int:
    from db import year_round
    from forms.amounts import parse_amount

    h = store.household_by_code(args.household)
    if h is None:
        return _fail(f"không có hộ mã {args.household}.")
    amount = parse_amount(args.amount) if args.amount is not None else None
    record = year_round.add_support(
        store,
        h.id,
        args.kind,
        when,
        programme=args.programme,
        given_by=args.by,
        amount=amount,  # type: ignore[arg-type]  # text: the validator names the field
        note=args.note,
    )
    print(record.id)
    return 0


def _list(store: Any, args: argparse.Namespace) -> int:
    from db import year_round
    from forms import catalog
    from forms.amounts import amount_text

    household_id = None
    if args.household is not None:
        h = store.household_by_code(args.household)
        if h is None:
            return _fail(f"không có hộ mã {args.household}.")
        household_id = h.id
    kinds = catalog.support_kinds()
    for s, code, head in year_round.support_records(store, household_id):
        line = [
            s.id[:8],
            code,
            head,
            f"{s.given_on:%d/%m/%Y}",
            catalog.label_of(kinds, s.kind),
            s.programme,
            s.given_by,
            amount_text(s.amount),
        ]
        print("\t".join(line).rstrip())
    return 0


def _delete(store: Any, args: argparse.Namespace) -> int:
    from db import year_round

    prefix = args.id.strip().lower()
    found = [s for s, _, _ in year_round.support_records(store) if s.id.startswith(prefix)]
    if not prefix or len(found) != 1:
        return _fail("mã lần hỗ trợ không khớp đúng một lần hỗ trợ (xem cột đầu của `list`).")
    year_round.delete_support(store, found[0].id)
    print(f"Đã xoá lần hỗ trợ {found[0].id[:8]}.")
    return 0
