"""`rasoat application add|list|print|round|include TỆP_XÃ …`: households' applications to
be reviewed (Mẫu số 01 / 04, issue 24), the open ones with their deadline and which are late,
the official form as PDF; the month's regular review opened with the households that applied,
and a household that changed put into it."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from rasoat import signin
from rasoat.days import day_problem, parse_day

# By the form each is made on (Decision 24/2021/QĐ-TTg): "04" is the escape request, as its
# number says (until session 26 it meant the regular review's request, which is Mẫu số 01).
KINDS = {
    "01": "periodic_review",
    "thuong-xuyen": "regular_review",
    "04": "escape",
    "thoat": "escape",
}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "application",
        help="giấy đề nghị rà soát của hộ (Mẫu số 01 / 04): ghi, xem, in",
        description="Ghi giấy đề nghị rà soát của hộ, xem các giấy còn mở với hạn giải quyết, "
        "in giấy đề nghị theo mẫu.",
    )
    sub = parser.add_subparsers(dest="action", metavar="VIỆC", required=True)
    add = sub.add_parser("add", help="ghi một giấy đề nghị")
    add.add_argument("file", metavar="TỆP_XÃ")
    add.add_argument("--household", metavar="MÃ_HỘ", required=True, help="mã hộ")
    add.add_argument(
        "--kind",
        choices=sorted(KINDS),
        required=True,
        help="01: rà soát kỳ định kỳ (Mẫu số 01); thuong-xuyen: rà soát trong năm (Mẫu số "
        "01); 04 hoặc thoat: công nhận thoát nghèo, thoát cận nghèo (Mẫu số 04)",
    )
    add.add_argument("--date", metavar="NGÀY", help="ngày nhận (mặc định: hôm nay)")
    add.add_argument("--by", metavar="TÊN", required=True, help="người nộp")
    add.add_argument("--request", metavar="NỘI_DUNG", default="", help="lý do đề nghị")
    signin.add_options(add)
    lst = sub.add_parser("list", help="liệt kê giấy đề nghị, hạn giải quyết, giấy trễ hạn")
    lst.add_argument("file", metavar="TỆP_XÃ")
    lst.add_argument("--all", action="store_true", help="cả giấy đã giải quyết hoặc đã rút")
    lst.add_argument("--today", metavar="NGÀY", help="tính trễ hạn theo ngày này")
    signin.add_options(lst)
    prn = sub.add_parser("print", help="in giấy đề nghị (PDF)")
    prn.add_argument("file", metavar="TỆP_XÃ")
    prn.add_argument("id", metavar="MÃ_GIẤY", help="mã giấy (cột đầu của `list`), đủ vài ký tự đầu")
    prn.add_argument("--out", metavar="TỆP", help="tệp PDF")
    signin.add_options(prn)
    rnd = sub.add_parser(
        "round", help="mở kỳ rà soát thường xuyên của một tháng (gồm các hộ có giấy đề nghị)"
    )
    rnd.add_argument("file", metavar="TỆP_XÃ")
    rnd.add_argument("--month", type=int, metavar="THÁNG", help="tháng (mặc định: tháng này)")
    rnd.add_argument("--year", type=int, metavar="NĂM", help="năm (mặc định: năm nay)")
    signin.add_options(rnd)
    inc = sub.add_parser("include", help="đưa một hộ có thay đổi vào kỳ thường xuyên đang mở")
    inc.add_argument("file", metavar="TỆP_XÃ")
    inc.add_argument("--household", metavar="MÃ_HỘ", required=True, help="mã hộ")
    signin.add_options(inc)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from db import year_round
    from db.errors import StoreError
    from forms.applications import KIND_LABELS, STATUS_LABELS

    path = Path(args.file)
    why = signin.not_a_commune_file(path)
    if why is not None:
        print(f"rasoat application: {why}", file=sys.stderr)
        return 2
    try:
        with signin.open_store(path, args) as store:
            if args.action == "add":
                h = store.household_by_code(args.household)
                if h is None:
                    print(f"rasoat application: không có hộ mã {args.household}.", file=sys.stderr)
                    return 2
                when = parse_day(args.date) if args.date else date.today()
                if when is None:
                    print(
                        f"rasoat application: {day_problem(args.date, 'ngày nhận')}",
                        file=sys.stderr,
                    )
                    return 2
                app = year_round.add_application(
                    store, h.id, KINDS[args.kind], when, args.by, args.request
                )
                print(app.id)
                return 0
            if args.action == "list":
                today = parse_day(args.today) if args.today else date.today()
                if today is None:
                    print(f"rasoat application: {day_problem(args.today, 'ngày')}", file=sys.stderr)
                    return 2
                for a in year_round.applications(store, open_only=not args.all):
                    late = a.lateness(today)
                    mark = "TRỄ HẠN" if late.late else ""
                    print(
                        "\t".join(
                            [
                                a.id[:8],
                                a.code,
                                a.head_name,
                                f"{a.submitted_on:%d/%m/%Y}",
                                KIND_LABELS[a.kind],
                                STATUS_LABELS[a.status],
                                f"hạn {late.deadline:%d/%m/%Y}",
                                mark,
                            ]
                        ).rstrip()
                    )
                return 0
            if args.action == "round":
                today = date.today()
                month = today.month if args.month is None else args.month
                year = today.year if args.year is None else args.year
                if not 1 <= month <= 12:
                    print("rasoat application: tháng phải từ 1 đến 12.", file=sys.stderr)
                    return 2
                if not 2000 <= year <= today.year + 1:
                    print(
                        f"rasoat application: năm phải từ 2000 đến {today.year + 1}.",
                        file=sys.stderr,
                    )
                    return 2
                opened = year_round.start_regular_round(store, year, month)
                n = len(year_round.round_household_ids(store, opened.id))
                print(f"Đã mở kỳ rà soát thường xuyên tháng {month}/{year}: {n} hộ.")
                return 0
            if args.action == "include":
                h = store.household_by_code(args.household)
                if h is None:
                    print(f"rasoat application: không có hộ mã {args.household}.", file=sys.stderr)
                    return 2
                waiting = store.open_regular_round()
                if waiting is None:
                    print(
                        "rasoat application: chưa có kỳ rà soát thường xuyên nào đang mở "
                        "(rasoat application round).",
                        file=sys.stderr,
                    )
                    return 1
                year_round.add_to_round(store, waiting.id, h.id)
                month = year_round.regular_month(waiting)
                print(
                    f"Hộ {h.code} được rà soát trong kỳ thường xuyên tháng {month}/{waiting.year}."
                )
                return 0
            found = [a for a in year_round.applications(store) if a.id.startswith(args.id)]
            if len(found) != 1:
                print("rasoat application: mã giấy không khớp đúng một giấy.", file=sys.stderr)
                return 2
            from reports import save_document
            from reports.year_round import application_form

            out = Path(args.out or f"giay-de-nghi-{found[0].code}.pdf")
            document = application_form(store, found[0].id)
            save_document(document, store, out, household_id=found[0].household_id)
            print(out)
            return 0
    except StoreError as exc:
        print(f"rasoat application: {exc.message}", file=sys.stderr)
        return signin.exit_code(exc, 1)
