"""`rasoat expire XA.db [--days N]`: removes the commune file's backups and the program's log
files past their retention time (Thiết lập; rasoat.retention), never the newest good backup."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "expire",
        help="xoá bản sao lưu và nhật ký quá thời hạn giữ (giữ lại bản sao lưu tốt gần nhất)",
    )
    p.add_argument("db", metavar="TỆP_XÃ", help="tệp dữ liệu của xã")
    p.add_argument(
        "--days",
        type=int,
        metavar="SỐ_NGÀY",
        help="thời hạn giữ bản sao lưu (ngày), thay cho thiết lập",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from db.backup import expire
    from db.store import read_only_place
    from rasoat import settings
    from rasoat.retention import expire_logs

    path = Path(args.db)
    if not path.is_file():
        print(f"rasoat expire: không có tệp {path}.", file=sys.stderr)
        return 2
    # A write-protected stick: no backup there can be removed, and SQLite cannot open the
    # file there to read its application id (that failure was said as "not a commune file").
    read_only = read_only_place(path, probe=False)
    if read_only is None and not _commune_file(path):
        # Told from SQLite's failure too where the system does not say the place is
        # read-only (Windows: a write-protected stick's files have no read-only attribute).
        read_only = read_only_place(path)
        if read_only is None:
            # Another program's database: its folder of copies is not ours to thin out.
            print(
                f"rasoat expire: tệp {path} không phải tệp dữ liệu rà soát của xã.",
                file=sys.stderr,
            )
            return 2
    if read_only is not None:
        print(f"rasoat expire: {read_only.message}", file=sys.stderr)
        return 2
    days = args.days if args.days is not None else int(settings.get("backup_retention_days"))
    if days < 1:
        print("rasoat expire: --days phải từ 1 trở lên.", file=sys.stderr)
        return 2
    removed = expire(path, days)
    for p in removed:
        print(f"Đã xoá bản sao lưu {p.name}")
    logs = expire_logs()
    print(
        f"Đã xoá {len(removed)} bản sao lưu cũ hơn {days} ngày và {len(logs)} tệp nhật ký "
        "quá thời hạn giữ."
    )
    return 0


def _commune_file(path: Path) -> bool:
    """A commune file, plain (its application id read, read-only) or encrypted (told from
    its bytes and key file: ``db.at_rest.is_encrypted``)."""
    from db import at_rest, driver
    from db.store import APPLICATION_ID

    if at_rest.is_encrypted(path):
        return True
    try:
        conn = driver.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return int(conn.execute("PRAGMA application_id").fetchone()[0]) == APPLICATION_ID
        finally:
            conn.close()
    except driver.Error:
        return False
