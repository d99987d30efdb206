"""`rasoat registry …`: the province registry on PostgreSQL (issue 21).

    rasoat registry init DSN --province MÃ_TỈNH
    rasoat registry load DSN GÓI… [--receipts THƯ_MỤC]

The registry, psycopg and pyarrow are not in the commune laptops' bundle
(packaging/rasoat.spec excludes them): there this command says so instead of failing. Every
import of them is inside ``run`` so the bundle's import scan finds nothing to follow here.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "registry",
        help="cơ sở dữ liệu rà soát của tỉnh (PostgreSQL)",
        description=(
            "Cơ sở dữ liệu của tỉnh trên PostgreSQL: nhận gói của mọi xã, giữ số liệu hiện "
            "tại và lịch sử của từng xã, lập báo cáo tổng hợp."
        ),
    )
    sub = parser.add_subparsers(dest="registry_command", metavar="VIỆC", required=True)
    init = sub.add_parser("init", help="tạo hoặc nâng cấp cấu trúc cơ sở dữ liệu")
    init.add_argument("dsn", metavar="DSN", help="chuỗi kết nối PostgreSQL")
    init.add_argument("--province", metavar="MÃ_TỈNH", required=True, help="mã tỉnh (2025)")
    init.set_defaults(func=run_init)
    load = sub.add_parser("load", help="nạp gói dữ liệu của các xã (.rasoat)")
    load.add_argument("dsn", metavar="DSN", help="chuỗi kết nối PostgreSQL")
    load.add_argument("packages", metavar="GÓI", nargs="+", type=Path, help="tệp gói .rasoat")
    load.add_argument("--password", metavar="MẬT_KHẨU", help="mật khẩu của gói (nếu có)")
    load.add_argument(
        "--receipts",
        metavar="THƯ_MỤC",
        type=Path,
        help="lưu biên nhận của từng gói đã nạp (PDF để in, JSON để gửi lại xã)",
    )
    load.set_defaults(func=run_load)


def _unavailable() -> int:
    print(
        "rasoat registry: bản cài này (máy của xã) không có phần cơ sở dữ liệu của tỉnh. "
        "Cài rasoat với phần 'registry' trên máy của tỉnh (xem docs/registry.md).",
        file=sys.stderr,
    )
    return 2


def run_init(args: argparse.Namespace) -> int:
    try:
        from registry.database import RegistryError, connect, init
    except ImportError:
        return _unavailable()
    try:
        with connect(args.dsn) as conn:
            version = init(conn, args.province)
    except RegistryError as exc:
        print(f"rasoat registry init: {exc.message}", file=sys.stderr)
        return 1
    print(f"Cơ sở dữ liệu của tỉnh sẵn sàng (cấu trúc phiên bản {version}).")
    return 0


def run_load(args: argparse.Namespace) -> int:
    try:
        from registry.database import RegistryError, connect
        from registry.load import LoadOutcome, load_packages
    except ImportError:
        return _unavailable()
    from reports.receipt import save_receipt

    if args.receipts is not None:
        args.receipts.mkdir(parents=True, exist_ok=True)

    def report(outcome: LoadOutcome) -> None:
        stream = sys.stderr if outcome.status == "refused" else sys.stdout
        print(outcome.message, file=stream, flush=True)
        if args.receipts is not None and outcome.receipt is not None:
            stem = outcome.path.name.removesuffix(".rasoat")
            for suffix in (".pdf", ".json"):
                save_receipt(outcome.receipt, args.receipts / f"bien-nhan-{stem}{suffix}")

    try:
        with connect(args.dsn) as conn:
            outcomes = load_packages(conn, args.packages, password=args.password, progress=report)
    except RegistryError as exc:
        print(f"rasoat registry load: {exc.message}", file=sys.stderr)
        return 1
    loaded = sum(o.status == "loaded" for o in outcomes)
    same = sum(o.status == "unchanged" for o in outcomes)
    refused = sum(o.status == "refused" for o in outcomes)
    print(f"Đã nạp {loaded} gói, {same} gói đã có từ trước, {refused} gói bị từ chối.")
    return 1 if refused else 0
