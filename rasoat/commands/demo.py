"""`rasoat demo --households N --out FILE`: write a demo commune file (fictional households)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="tạo tệp xã mẫu (dữ liệu giả) để thử phần mềm",
        description="Tạo một tệp xã mẫu với các hộ giả, để thử phần mềm hoặc tập huấn.",
    )
    parser.add_argument("--households", type=int, default=300, metavar="SỐ_HỘ")
    parser.add_argument("--seed", type=int, default=1, metavar="HẠT_GIỐNG")
    parser.add_argument("--out", required=True, metavar="TỆP", help="tệp xã sẽ tạo (.sqlite)")
    parser.set_defaults(func=run)


# The largest file the application is measured at (a merged district: docs/benchmarks.md).
MAX_HOUSEHOLDS = 100_000


def run(args: argparse.Namespace) -> int:
    from db.demo import create_demo_commune
    from db.errors import StoreError
    from db.store import HouseholdQuery, Store
    from forms.classify import CATEGORY_VI

    if not 0 <= args.households <= MAX_HOUSEHOLDS:
        print(f"Số hộ phải từ 0 đến {MAX_HOUSEHOLDS:,}.".replace(",", "."), file=sys.stderr)
        return 2
    path = Path(args.out)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        create_demo_commune(path, households=args.households, seed=args.seed)
        with Store.open(path, user="rasoat demo", device="demo") as store:
            counts = store.category_counts(HouseholdQuery())
    except StoreError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    print(f"Đã tạo tệp xã mẫu {path} với {args.households} hộ (năm 2026):")
    for category, n in counts.items():
        print(f"  {CATEGORY_VI[category]}: {n}")
    return 0
