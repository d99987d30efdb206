"""`rasoat classify IN.json [--standard ID|FILE] [--year Y]`: classify every household of a
household JSON file (docs/household-json.md) and print one JSON result per line (JSON Lines)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from rasoat.days import day_problem, parse_day


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "classify",
        help="phân loại các hộ trong một tệp JSON, in mỗi hộ một dòng JSON",
        description=(
            "Phân loại hộ nghèo, cận nghèo theo chuẩn nghèo. Đầu vào: tệp hộ gia đình JSON "
            "(docs/household-json.md; '-' là đầu vào chuẩn). Đầu ra: mỗi hộ một dòng JSON."
        ),
    )
    parser.add_argument("input", metavar="TỆP_JSON", help="tệp JSON các hộ gia đình, hoặc '-'")
    parser.add_argument(
        "--standard",
        metavar="MÃ_CHUẨN",
        help="mã chuẩn nghèo (nd07-2022-2025, nd351-2026-2030) hoặc tệp chuẩn của tỉnh (.toml)",
    )
    parser.add_argument(
        "--year", type=int, metavar="NĂM", help="năm rà soát (mặc định: theo tệp, hoặc năm nay)"
    )
    parser.add_argument("--reference-date", metavar="NGÀY", help="ngày tính tuổi, YYYY-MM-DD")
    parser.add_argument(
        "--b1-table", metavar="TỆP", help="tệp bảng điểm B1 (.toml) để tính điểm từng câu"
    )
    parser.add_argument(
        "--what-if",
        metavar="MÃ_CHUẨN",
        help="phân loại thêm theo một chuẩn khác (mã hoặc tệp) và liệt kê khác biệt",
    )
    parser.set_defaults(func=run)


def _fail(message: str) -> int:
    """Unusable input (unreadable file, unknown standard): exit 2."""
    print(f"rasoat classify: {message}", file=sys.stderr)
    return 2


def _refuse(messages: list[str]) -> int:
    """Readable input holding impossible values: exit 1, every reason listed."""
    for message in messages:
        print(f"rasoat classify: {message}", file=sys.stderr)
    print(f"rasoat classify: không phân loại — {len(messages)} lỗi dữ liệu.", file=sys.stderr)
    return 1


def run(args: argparse.Namespace) -> int:
    from forms.b1 import B1TableError, load_b1_table
    from forms.classify import classify, result_to_dict, what_if
    from forms.household_json import (
        HouseholdJsonError,
        load_document,
        parse_bounded,
        read_document,
    )
    from forms.standards import (
        Standard,
        StandardError,
        load_standard,
        load_standard_file,
        standard_for_year,
    )

    try:
        if args.input == "-":
            doc = load_document(parse_bounded(sys.stdin.buffer.read(), "đầu vào chuẩn"))
        else:
            doc = read_document(args.input)
    except HouseholdJsonError as exc:
        return _fail(str(exc))
    if args.year is not None and not 2000 <= args.year <= 2100:
        return _fail(f"năm rà soát {args.year} ngoài khoảng 2000–2100.")
    from forms.validate import check_household

    today = date.today()
    problems = [p.message for h in doc.households for p in check_household(h, today)]
    if problems:
        return _refuse(problems)
    year = args.year or doc.review_year or today.year
    reference = parse_day(args.reference_date) if args.reference_date else doc.reference_date
    if args.reference_date and reference is None:
        return _fail(day_problem(args.reference_date, "ngày tính tuổi") or "")
    if reference is not None and not 2000 <= reference.year <= 2100:
        # Ages on such a day are no one's (-1982 tuổi): a typing slip, said as one.
        return _fail(f"ngày tính tuổi {reference:%d/%m/%Y} phải trong các năm 2000–2100.")

    def pick(name: str) -> Standard:
        if name.endswith(".toml") or Path(name).exists():
            return load_standard_file(name)
        return load_standard(name)

    try:
        standard = standard_for_year(year) if args.standard is None else pick(args.standard)
        other = pick(args.what_if) if args.what_if else None
        table = load_b1_table(args.b1_table) if args.b1_table else None
    except (StandardError, B1TableError) as exc:
        return _fail(str(exc))
    out = sys.stdout
    for h in doc.households:
        line: dict[str, Any] = {"household_id": h.id, "code": h.code}
        if other is None:
            line["result"] = result_to_dict(classify(h, standard, year, reference, table))
        else:
            w = what_if(h, standard, other, year, reference, table)
            line["result"] = result_to_dict(w.first)
            line["what_if"] = {
                "standard_id": other.id,
                "result": result_to_dict(w.second),
                "differences": w.differences,
            }
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
    out.flush()
    return 0
