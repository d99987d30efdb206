"""`rasoat household deleted|purge|restore TỆP_XÃ …`: the households deleted from the lists,
purging a deleted household's personal data for good (issue 20 item 4, ``db.purge``), and
taking back one deleted by mistake (``db.undelete``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from rasoat import signin


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "household",
        help="hộ đã xoá: xem danh sách, khôi phục, xoá hẳn dữ liệu cá nhân",
        description="Xem các hộ đã xoá khỏi danh sách và xoá hẳn dữ liệu cá nhân của một hộ "
        "đã xoá (chỉ còn lại mã hộ, thôn, người xoá, lúc nào, lý do).",
    )
    sub = parser.add_subparsers(dest="action", metavar="VIỆC", required=True)
    lst = sub.add_parser("deleted", help="liệt kê hộ đã xoá và hộ đã xoá hẳn dữ liệu")
    lst.add_argument("file", metavar="TỆP_XÃ")
    signin.add_options(lst)
    purge = sub.add_parser("purge", help="xoá hẳn dữ liệu cá nhân của một hộ đã xoá")
    purge.add_argument("file", metavar="TỆP_XÃ")
    purge.add_argument("code", metavar="MÃ_HỘ")
    purge.add_argument("--reason", metavar="LÝ_DO", required=True, help="lý do (bắt buộc)")
    purge.add_argument(
        "--yes", action="store_true", help="đã chắc chắn: không hỏi lại (không thể hoàn tác)"
    )
    signin.add_options(purge)
    restore = sub.add_parser("restore", help="khôi phục một hộ đã xoá nhầm vào danh sách")
    restore.add_argument("file", metavar="TỆP_XÃ")
    restore.add_argument("code", metavar="MÃ_HỘ")
    signin.add_options(restore)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from db import purge
    from db.errors import StoreError

    path = Path(args.file)
    why = signin.not_a_commune_file(path)
    if why is not None:
        print(f"rasoat household: {why}", file=sys.stderr)
        return 2
    try:
        with signin.open_store(path, args) as store:
            if args.action == "deleted":
                for _hid, code, village, at in purge.deleted_households(store):
                    print(f"{code}\t{village}\tđã xoá {at[:10]}")
                for t in purge.tombstones(store):
                    print(f"{t.code}\t{t.village}\tđã xoá hẳn {t.purged_at[:10]}\t{t.purged_by}")
                return 0
            found = [h for h in purge.deleted_households(store) if h[1] == args.code]
            if args.action == "restore":
                return _restore(store, args.code, found)
            if not found:
                print(
                    f"rasoat household: không có hộ đã xoá mã {args.code} (hộ phải được xoá "
                    "khỏi danh sách trước; hộ đã xoá hẳn thì không còn dữ liệu).",
                    file=sys.stderr,
                )
                return 1
            if len(found) > 1:
                print(
                    f"rasoat household: có {len(found)} hộ đã xoá cùng mã {args.code}; "
                    "hãy xoá hẳn từ màn hình Hộ đã xoá.",
                    file=sys.stderr,
                )
                return 1
            if not args.yes:
                answer = input(
                    f"Xoá hẳn dữ liệu cá nhân của hộ {args.code}? Không thể hoàn tác. "
                    "Gõ 'co' để đồng ý [không]: "
                )
                if answer.strip().lower() not in ("co", "có"):
                    print("Không xoá.")
                    return 1
            stone = purge.purge_household(store, found[0][0], args.reason)
            print(f"Đã xoá hẳn dữ liệu cá nhân của hộ {stone.code} ({stone.village}).")
            return 0
    except StoreError as exc:
        print(f"rasoat household: {exc.message}", file=sys.stderr)
        return signin.exit_code(exc, 1)


def _restore(store: Any, code: str, found: list[tuple[str, str, str, str]]) -> int:
    """The household deleted with this code back in the lists (``db.undelete``); several
    deleted under one code: the one deleted last, as the window lists it first."""
    if not found:
        print(
            f"rasoat household: không có hộ đã xoá mã {code} (hộ đã xoá hẳn dữ liệu thì không "
            "khôi phục được).",
            file=sys.stderr,
        )
        return 1
    household = store.restore_household(found[0][0])
    print(f"Đã khôi phục hộ {household.code} ({household.village}) vào danh sách.")
    return 0
