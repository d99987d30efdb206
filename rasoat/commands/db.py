"""`rasoat db check|backup|restore FILE`: look after a commune file from the command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "db",
        help="kiểm tra, sao lưu, khôi phục tệp dữ liệu xã",
        description="Kiểm tra, sao lưu và khôi phục tệp dữ liệu xã (.sqlite).",
    )
    sub = parser.add_subparsers(dest="db_command", metavar="VIỆC", required=True)
    check = sub.add_parser("check", help="kiểm tra tệp có hỏng không")
    check.add_argument("file", metavar="TỆP_XÃ")
    check.set_defaults(func=check_file)
    save = sub.add_parser("backup", help="sao lưu tệp ngay bây giờ")
    save.add_argument("file", metavar="TỆP_XÃ")
    save.set_defaults(func=backup_file)
    restore = sub.add_parser(
        "restore",
        help="khôi phục tệp từ bản sao lưu (mặc định: bản mới nhất)",
        description=(
            "Đặt bản sao lưu vào chỗ tệp xã. Tệp đang có không bị xoá: nó được chuyển vào "
            "thư mục sao lưu (đuôi .old)."
        ),
    )
    restore.add_argument("file", metavar="TỆP_XÃ")
    restore.add_argument(
        "--from", dest="source", metavar="BẢN_SAO_LƯU", help="bản sao lưu cần dùng"
    )
    restore.add_argument("--list", action="store_true", help="chỉ liệt kê các bản sao lưu")
    restore.set_defaults(func=restore_file)


def _open(path: Path) -> Any:
    from db.store import Store
    from rasoat.identity import device_id, os_user

    return Store.open(path, user=os_user(), device=device_id())


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 1


def check_file(args: argparse.Namespace) -> int:
    from db.errors import StoreError
    from db.migrations import LATEST
    from db.store import HouseholdQuery

    path = Path(args.file)
    try:
        store = _open(path)
    except StoreError as exc:
        return _fail(exc.message)
    with store:
        problems = store.integrity_problems()
        commune = store.commune()
        print(f"Tệp: {path}")
        print(f"Xã: {commune.commune_name}, {commune.province_name}")
        print(f"Cấu trúc dữ liệu số: {LATEST}")
        print(f"Số hộ: {store.count_households(HouseholdQuery()):,}".replace(",", "."))
        print("Kỳ rà soát: " + (", ".join(str(r.year) for r in store.rounds()) or "chưa có"))
    if problems:
        print("Tệp có lỗi:", file=sys.stderr)
        for p in problems[:20]:
            print(f"  {p}", file=sys.stderr)
        print(f'Hãy khôi phục từ bản sao lưu: rasoat db restore "{path}"', file=sys.stderr)
        return 1
    print("Kết quả kiểm tra: tệp không có lỗi.")
    return 0


def backup_file(args: argparse.Namespace) -> int:
    from db import backup
    from db.errors import StoreError

    path = Path(args.file)
    try:
        with _open(path) as store:
            made = backup.make_backup(path, "manual", store.conn)
    except StoreError as exc:
        return _fail(exc.message)
    print(f"Đã sao lưu vào {made}")
    return 0


def restore_file(args: argparse.Namespace) -> int:
    from db import backup
    from db.errors import StoreError

    path = Path(args.file)
    if args.list:
        found = backup.list_backups(path)
        if not found:
            return _fail(f"Không có bản sao lưu nào cho tệp {path}.")
        for p in reversed(found):
            print(p)
        return 0
    try:
        used, kept = backup.restore(path, Path(args.source) if args.source else None)
        with _open(path) as store:
            problems = store.integrity_problems()
    except StoreError as exc:
        return _fail(exc.message)
    print(f"Đã khôi phục {path} từ bản sao lưu {used}.")
    if kept is not None:
        print(f"Tệp cũ được giữ lại ở {kept}.")
    if problems:
        return _fail("Bản sao lưu này cũng có lỗi; hãy thử một bản cũ hơn (--list, --from).")
    return 0
