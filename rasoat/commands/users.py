"""`rasoat users add|list|disable|passwd TỆP_XÃ …`: the users of a shared laptop and their
roles (issue 20 item 2, ``db.users``). The first user must be a commune officer; after it,
only a signed-in officer (``--user``) adds, disables or resets, and a user may change their
own password. Passwords are asked on the terminal (twice for a new one) or read from the
first line of a file, never taken on the command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from rasoat import signin

PROG = "rasoat users"
ROLES = {"can-bo": "officer", "dieu-tra-vien": "surveyor", "nguoi-xem": "viewer"}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "users",
        help="người dùng và vai trò: thêm, liệt kê, ngừng sử dụng, đặt lại mật khẩu",
        description="Người dùng của tệp xã và vai trò của họ (cán bộ xã, điều tra viên, người "
        "xem). Người dùng đầu tiên phải là cán bộ xã; sau đó chỉ cán bộ xã đã đăng nhập "
        "(--user) mới thêm, ngừng sử dụng hoặc đặt lại mật khẩu người khác.",
    )
    sub = parser.add_subparsers(dest="action", metavar="VIỆC", required=True)
    add = sub.add_parser("add", help="thêm người dùng")
    add.add_argument("file", metavar="TỆP_XÃ")
    add.add_argument("name", metavar="TÊN_ĐĂNG_NHẬP")
    add.add_argument("--display-name", metavar="HỌ_TÊN", default="", help="họ tên hiển thị")
    add.add_argument("--role", choices=sorted(ROLES), required=True, help="vai trò")
    add.add_argument(
        "--village",
        metavar="THÔN",
        action="append",
        default=[],
        help="thôn được giao (điều tra viên; lặp lại cho nhiều thôn; không có: mọi thôn)",
    )
    lst = sub.add_parser("list", help="liệt kê người dùng")
    lst.add_argument("file", metavar="TỆP_XÃ")
    off = sub.add_parser("disable", help="ngừng sử dụng một người dùng (không xoá)")
    off.add_argument("file", metavar="TỆP_XÃ")
    off.add_argument("name", metavar="TÊN_ĐĂNG_NHẬP")
    pwd = sub.add_parser("passwd", help="đổi hoặc đặt lại mật khẩu")
    pwd.add_argument("file", metavar="TỆP_XÃ")
    pwd.add_argument("name", metavar="TÊN_ĐĂNG_NHẬP")
    for p in (add, pwd):
        p.add_argument(
            "--new-password-file",
            metavar="TỆP",
            help="đọc mật khẩu mới từ dòng đầu của tệp thay vì hỏi",
        )
    for p in (add, lst, off, pwd):
        signin.add_options(p)
    parser.set_defaults(func=run)


def _new_password(args: argparse.Namespace) -> str:
    from db.errors import StoreError

    if args.new_password_file:
        return signin.read_password(args.new_password_file)
    new = {"what": "mật khẩu mới", "option": "--new-password-file"}
    first = signin.read_password(None, f"Mật khẩu mới của {args.name}: ", **new)
    if signin.read_password(None, "Nhập lại mật khẩu mới: ", **new) != first:
        raise StoreError("Hai lần nhập mật khẩu không giống nhau.")
    return first


def run(args: argparse.Namespace) -> int:
    from db import users
    from db.errors import NotPermitted, StoreError
    from forms.roles import ROLE_NAMES, Action, Role

    path = Path(args.file)
    why = signin.not_a_commune_file(path)
    if why is not None:
        print(f"{PROG}: {why}", file=sys.stderr)
        return 2
    try:
        # The list of users is the officer's, as the window's Người dùng và vai trò….
        listing = args.action == "list"
        with signin.open_store(path, args, action=Action.USERS if listing else None) as store:
            if args.action == "list":
                for u in users.list_users(store):
                    villages = ", ".join(u.villages) or "mọi thôn"
                    state = "ngừng sử dụng" if u.disabled else "đang dùng"
                    where = f"\t{villages}" if u.role == Role.SURVEYOR else ""
                    print(f"{u.name}\t{u.display_name}\t{ROLE_NAMES[u.role]}\t{state}{where}")
                return 0
            if args.action == "add":
                # Asked before the password is typed: a refusal then costs no typing.
                if store.has_users:
                    store.require(Action.USERS)
                role = Role(ROLES[args.role])
                user = users.add_user(
                    store, args.name, args.display_name, role, _new_password(args), args.village
                )
                print(f"Đã thêm người dùng {user.name} ({ROLE_NAMES[user.role]}).")
            elif args.action == "disable":
                users.disable_user(store, args.name)
                print(f"Đã ngừng sử dụng người dùng {args.name}.")
            else:
                users.set_password(store, args.name, _new_password(args))
                print(f"Đã đặt mật khẩu mới cho {args.name}.")
            return 0
    except NotPermitted as exc:
        print(f"{PROG}: {exc.message}", file=sys.stderr)
        return 1
    except StoreError as exc:
        print(f"{PROG}: {exc.message}", file=sys.stderr)
        return 2
