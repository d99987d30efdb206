"""`rasoat can-cu [--standard ID] [--chua-ro]`: each rule the app applies under a standard, the
text it rests on and how sure we are of it (the GUI's Trợ giúp → Căn cứ pháp lý…)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "can-cu",
        help="căn cứ pháp lý của từng quy tắc phân loại và mức chắc chắn",
        description=(
            "In từng quy tắc phần mềm áp dụng khi phân loại hộ theo một chuẩn, văn bản làm căn "
            "cứ và mức chắc chắn (có văn bản / theo văn bản cấp tỉnh / chưa có văn bản nêu rõ)."
        ),
    )
    parser.add_argument(
        "--standard", metavar="MÃ_CHUẨN", help="mã chuẩn (mặc định: chuẩn áp dụng năm nay)"
    )
    parser.add_argument(
        "--chua-ro",
        action="store_true",
        help="chỉ in những điều chưa có văn bản của Trung ương nêu rõ",
    )
    parser.add_argument("--json", action="store_true", help="in dạng JSON, mỗi dòng một quy tắc")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from datetime import date

    from forms.legal_basis import legal_basis
    from forms.standards import StandardError, load_standard, standard_for_year

    try:
        standard = (
            load_standard(args.standard) if args.standard else standard_for_year(date.today().year)
        )
    except StandardError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    rows = [b for b in legal_basis(standard) if not (args.chua_ro and b.confirmed)]
    if args.json:
        for b in rows:
            row = {"topic": b.topic, "rule": b.rule, "source": b.source}
            row |= {"status": str(b.status), "status_vi": b.status_vi, "confirmed": b.confirmed}
            print(json.dumps(row, ensure_ascii=False))
        return 0
    print(standard.name)
    for b in rows:
        # What is not in a national legal text is shouted, as the GUI highlights it.
        sure = b.status_vi.lower() if b.confirmed else b.status_vi.upper()
        print(f"- [{b.topic}] {b.rule}\n    căn cứ: {b.source} ({sure})")
    return 0
