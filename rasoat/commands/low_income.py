"""`rasoat low-income add|list|outcome|suggest|print TỆP_XÃ …`: low-income workers' applications
(Decree 30/2025/NĐ-CP, issue 18): record one per member, check it against the bound of the
round's standard, record the commune's outcome, list members the survey suggests, print the
list (PDF / XLSX)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from rasoat import signin
from rasoat.days import day_problem, parse_day

OUTCOMES = {"cho": "pending", "dat": "accepted", "khong-dat": "refused"}
PROG = "rasoat low-income"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "low-income",
        help="người lao động có thu nhập thấp (Nghị định 30/2025/NĐ-CP): đơn, kết quả, danh sách",
        description="Ghi đơn đề nghị xác định người lao động có thu nhập thấp của từng thành "
        "viên, kiểm tra theo mức thu nhập của chuẩn áp dụng, ghi kết quả, in danh sách.",
    )
    sub = parser.add_subparsers(dest="action", metavar="VIỆC", required=True)
    add = sub.add_parser("add", help="ghi đơn của một thành viên")
    add.add_argument("file", metavar="TỆP_XÃ")
    add.add_argument("--household", metavar="MÃ_HỘ", required=True, help="mã hộ")
    add.add_argument(
        "--member",
        metavar="HỌ_TÊN",
        required=True,
        help="họ tên thành viên (như trong danh sách nhân khẩu), hoặc số thứ tự của thành viên",
    )
    add.add_argument("--date", metavar="NGÀY", help="ngày nhận đơn (mặc định: hôm nay)")
    add.add_argument(
        "--income", metavar="ĐỒNG", type=int, help="thu nhập bình quân đầu người/tháng kê khai"
    )
    add.add_argument("--note", metavar="GHI_CHÚ", default="")
    lst = sub.add_parser("list", help="liệt kê đơn của kỳ hiện tại và kết quả kiểm tra")
    lst.add_argument("file", metavar="TỆP_XÃ")
    out = sub.add_parser("outcome", help="ghi kết quả xét một đơn")
    out.add_argument("file", metavar="TỆP_XÃ")
    out.add_argument("id", metavar="MÃ_ĐƠN", help="mã đơn (cột đầu của `list`), đủ vài ký tự đầu")
    out.add_argument("result", choices=sorted(OUTCOMES), help="dat, khong-dat hoặc cho")
    out.add_argument("--note", metavar="GHI_CHÚ")
    sug = sub.add_parser("suggest", help="gợi ý thành viên có thể thuộc diện (chưa có đơn)")
    sug.add_argument("file", metavar="TỆP_XÃ")
    prn = sub.add_parser("print", help="in danh sách đơn (PDF hoặc XLSX)")
    prn.add_argument("file", metavar="TỆP_XÃ")
    prn.add_argument("--out", metavar="TỆP", help="tệp .pdf hoặc .xlsx")
    for p in (add, lst, out, sug, prn):
        signin.add_options(p)
    parser.set_defaults(func=run)


def _fail(message: str, code: int = 2) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    from db.errors import StoreError
    from reports.review import ReportError

    path = Path(args.file)
    why = signin.not_a_commune_file(path)
    if why is not None:
        return _fail(why)
    try:
        with signin.open_store(path, args) as store:
            rnd = store.current_round()
            if rnd is None:
                return _fail("tệp xã chưa có kỳ rà soát nào.")
            return _ACTIONS[args.action](store, rnd, args)
    except (StoreError, ReportError) as exc:
        return _fail(getattr(exc, "message", None) or str(exc), signin.exit_code(exc, 1))


def _add(store: Any, rnd: Any, args: argparse.Namespace) -> int:
    from db import low_income
    from forms.roles import Action

    h = store.household_by_code(args.household)
    if h is None:
        return _fail(f"không có hộ mã {args.household}.")
    # The role first: a refused user learns nothing of the household's members.
    store.require(Action.RECEIVE_APPLICATION, h.village)
    member, why = _member(h, args.member)
    if member is None:
        return _fail(why)
    when = parse_day(args.date) if args.date else date.today()
    if when is None:
        return _fail(day_problem(args.date, "ngày nhận đơn") or "")
    app = low_income.add_application(store, rnd.id, h.id, member.id, when, args.income, args.note)
    print(app.id)
    _print_check(low_income.check(store, app))
    return 0


def _member(h: Any, given: str) -> tuple[Any, str]:
    """The member ``given`` names (their full name, diacritics ignored, or their place on
    the roster), else None and why: members said by place, never by name (docs/privacy.md)."""
    from forms.text import fold

    count = len(h.members)
    if given.strip().isdigit():
        place = int(given)
        if 1 <= place <= count:
            return h.members[place - 1], ""
        return None, f"hộ {h.code} có {count} thành viên: không có thành viên thứ {place}."
    places = [i for i, m in enumerate(h.members, 1) if fold(m.name) == fold(given)]
    if len(places) == 1:
        return h.members[places[0] - 1], ""
    if places:
        listed = ", ".join(f"thứ {i}" for i in places)
        return None, (
            f"hộ {h.code} có {len(places)} thành viên cùng họ tên này ({listed}): "
            "hãy ghi số thứ tự của thành viên (--member 2)."
        )
    return None, (
        f"hộ {h.code} không có thành viên nào mang họ tên đã gõ: hãy gõ đủ họ tên như trong "
        f"danh sách nhân khẩu, hoặc số thứ tự của thành viên (1 đến {count})."
    )


def _print_check(found: Any) -> None:
    from reports.low_income import CHECK_LABELS

    print(f"Kiểm tra tự động: {CHECK_LABELS[found.meets]}. " + " ".join(found.reasons))


def _list(store: Any, rnd: Any, args: argparse.Namespace) -> int:
    from db import low_income
    from forms.low_income import OUTCOME_LABELS
    from reports.low_income import CHECK_LABELS

    for a in low_income.applications(store, rnd.id):
        found = low_income.check(store, a)
        income = f"{a.declared_income:,}".replace(",", ".") if a.declared_income is not None else ""
        print(
            "\t".join(
                [
                    a.id[:8],
                    a.code,
                    a.member_name,
                    f"{a.applied_on:%d/%m/%Y}",
                    income,
                    f"kiểm tra: {CHECK_LABELS[found.meets]}",
                    OUTCOME_LABELS[a.outcome],
                ]
            )
        )
    return 0


def _outcome(store: Any, rnd: Any, args: argparse.Namespace) -> int:
    from db import low_income
    from forms.low_income import OUTCOME_LABELS

    found = [a for a in low_income.applications(store, rnd.id) if a.id.startswith(args.id)]
    if len(found) != 1:
        return _fail("mã đơn không khớp đúng một đơn của kỳ này.")
    app = low_income.set_outcome(store, found[0].id, OUTCOMES[args.result], args.note)
    print(f"{app.code}\t{app.member_name}\t{OUTCOME_LABELS[app.outcome]}")
    return 0


def _suggest(store: Any, rnd: Any, args: argparse.Namespace) -> int:
    from db import low_income

    found = low_income.candidates(store, rnd.id)
    print(
        f"Gợi ý (chưa phải đơn đề nghị): {len(found)} thành viên theo phiếu rà soát có thể thuộc "
        "diện người lao động có thu nhập thấp; họ được xác định khi nộp đơn."
    )
    for c in found:
        print(f"{c.household.code}\t{c.household.village}\t{c.member.name}")
    return 0


def _print(store: Any, rnd: Any, args: argparse.Namespace) -> int:
    from reports import build
    from reports.file_names import default_file_name

    out = Path(args.out) if args.out else None
    fmt = out.suffix.lstrip(".").lower() if out else "pdf"
    if fmt not in ("pdf", "xlsx"):
        return _fail("tệp phải có đuôi .pdf hoặc .xlsx.")
    if out is None:
        out = Path(default_file_name("low_income_list", None, date.today(), fmt))
    print(build("low_income_list", store, out, fmt=fmt, round_id=rnd.id))
    return 0


_ACTIONS = {
    "add": _add,
    "list": _list,
    "outcome": _outcome,
    "suggest": _suggest,
    "print": _print,
}
