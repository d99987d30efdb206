"""`rasoat round new|list TỆP_XÃ …`: the periodic review rounds of a commune file, as the
window's Tệp → Kỳ rà soát mới… starts them: the year proposed the same way
(``db.round_basis.proposed_year``), the standard the app proposes for it unless another is
chosen on an instruction from above (its number and date kept with the round), written by the
same call (``db.round_basis.start_round``). Households, members and their answers are carried
into the new round as they are; each is shown as not yet reviewed there until it is saved
again. Monthly regular rounds are opened by ``rasoat application round``."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from rasoat import signin
from rasoat.days import day_problem, parse_day


def register(subparsers: Any) -> None:
    from forms.standards import NATIONAL_IDS

    parser = subparsers.add_parser(
        "round",
        help="kỳ rà soát định kỳ: bắt đầu kỳ của năm mới, xem các kỳ",
        description=(
            "Bắt đầu kỳ rà soát định kỳ của năm mới trên tệp xã đang có (các hộ, thành viên "
            "và câu trả lời được mang sang; kết quả năm trước là mốc tính biến động), hoặc "
            "xem các kỳ rà soát của tệp."
        ),
    )
    sub = parser.add_subparsers(dest="action", metavar="VIỆC", required=True)
    new = sub.add_parser("new", help="bắt đầu kỳ rà soát định kỳ của một năm")
    new.add_argument("file", metavar="TỆP_XÃ")
    new.add_argument(
        "--year",
        type=int,
        metavar="NĂM",
        help="năm rà soát (mặc định: năm đề xuất như Tệp → Kỳ rà soát mới…)",
    )
    new.add_argument(
        "--standard",
        choices=NATIONAL_IDS,
        help="chuẩn nghèo áp dụng (mặc định: chuẩn đề xuất cho năm đó)",
    )
    new.add_argument(
        "--instruction-number",
        metavar="SỐ",
        default="",
        help="số văn bản hướng dẫn (bắt buộc khi chọn chuẩn khác chuẩn đề xuất)",
    )
    new.add_argument("--instruction-date", metavar="NGÀY", help="ngày ban hành văn bản hướng dẫn")
    signin.add_options(new)
    lst = sub.add_parser("list", help="xem các kỳ rà soát của tệp")
    lst.add_argument("file", metavar="TỆP_XÃ")
    signin.add_options(lst)
    parser.set_defaults(func=run)


def _fail(message: str, code: int = 2) -> int:
    print(f"rasoat round: {message}", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    from db.errors import StoreError

    path = Path(args.file)
    why = signin.not_a_commune_file(path)
    if why is not None:
        return _fail(why)
    when: date | None = None
    if args.action == "new" and args.instruction_date:
        when = parse_day(args.instruction_date)
        if when is None:
            return _fail(day_problem(args.instruction_date, "ngày ban hành") or "")
    try:
        with signin.open_store(path, args) as store:
            if args.action == "list":
                _list(store)
                return 0
            return _new(store, args, when)
    except StoreError as exc:
        return _fail(exc.message, signin.exit_code(exc, 1))


def _new(store: Any, args: argparse.Namespace, when: date | None) -> int:
    from db import round_basis
    from forms.standards import load_standard, standard_for_year

    today = date.today()
    year = args.year if args.year is not None else round_basis.proposed_year(store, today)
    if not 2016 <= year <= 2100:
        return _fail("năm rà soát phải từ 2016 đến 2100.")
    proposed = standard_for_year(year)
    standard = args.standard or proposed.id
    previous = store.current_round()
    started = round_basis.start_round(
        store, year, standard, args.instruction_number, when, today=today
    )
    name = load_standard(standard).name
    print(f"Đã bắt đầu kỳ rà soát năm {started.year}, theo {name}.")
    if standard != proposed.id:
        print(
            f"Chuẩn đề xuất cho năm {year} là {proposed.name}; đã chọn chuẩn khác theo văn bản "
            f"số {' '.join(args.instruction_number.split())} ngày {when:%d/%m/%Y}."
        )
    if previous is not None:
        print(
            "Các hộ được mang sang với thông tin của lần rà soát gần nhất: mỗi hộ chưa được "
            f"rà soát trong kỳ năm {started.year} cho đến khi được hỏi lại và lưu; kết quả kỳ "
            f"năm {previous.year} là mốc tính biến động."
        )
    return 0


def _list(store: Any) -> None:
    from db import round_basis
    from db.year_round import regular_month
    from forms.standards import load_standard

    for rnd in store.rounds():
        kind = (
            "định kỳ"
            if rnd.kind == "periodic"
            else f"thường xuyên tháng {regular_month(rnd) or '?'}"
        )
        decision = store.decision(rnd.id)
        decided = (
            f"quyết định số {decision.number} ngày {decision.date:%d/%m/%Y}"
            if decision
            else "chưa có quyết định"
        )
        chosen = round_basis.choice(store, rnd.id)
        follows = (
            f" (theo văn bản số {chosen.instruction_number})"
            if chosen is not None and chosen.follows_instruction
            else ""
        )
        print(
            "\t".join([str(rnd.year), kind, load_standard(rnd.standard_id).name + follows, decided])
        )
