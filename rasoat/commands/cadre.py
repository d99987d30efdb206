"""`rasoat cadre assign|list TỆP_XÃ …`: the cadre responsible for a village's households or
for one household (issue 24), as the window's "Cán bộ phụ trách" dialog records them: a
household's own cadre before its village's. Checked by the same validator
(``forms.validate.cadre_problems``), written by the same store call
(``db.year_round.assign_cadre``), with its audit rows."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from rasoat import signin


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "cadre",
        help="cán bộ phụ trách hộ hoặc thôn: giao, thôi giao, xem",
        description=(
            "Giao cán bộ phụ trách cho các hộ của một thôn hoặc cho một hộ (cán bộ của hộ "
            "được ưu tiên hơn cán bộ của thôn), thôi giao, xem ai phụ trách đâu."
        ),
    )
    sub = parser.add_subparsers(dest="action", metavar="VIỆC", required=True)
    assign = sub.add_parser("assign", help="giao (hoặc thôi giao) cán bộ phụ trách")
    assign.add_argument("file", metavar="TỆP_XÃ")
    target = assign.add_mutually_exclusive_group(required=True)
    target.add_argument("--village", metavar="THÔN", help="các hộ của thôn/bản này")
    target.add_argument("--household", metavar="MÃ_HỘ", help="riêng hộ này")
    who = assign.add_mutually_exclusive_group(required=True)
    who.add_argument("--name", metavar="HỌ_TÊN", help="cán bộ phụ trách")
    who.add_argument("--remove", action="store_true", help="thôi giao (bỏ cán bộ phụ trách)")
    assign.add_argument("--role", metavar="CHỨC_VỤ", default="", help="chức vụ của cán bộ")
    signin.add_options(assign)
    lst = sub.add_parser("list", help="xem cán bộ phụ trách từng thôn, từng hộ")
    lst.add_argument("file", metavar="TỆP_XÃ")
    signin.add_options(lst)
    parser.set_defaults(func=run)


def _fail(message: str, code: int = 2) -> int:
    print(f"rasoat cadre: {message}", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    from db import year_round
    from db.errors import StoreError

    path = Path(args.file)
    why = signin.not_a_commune_file(path)
    if why is not None:
        return _fail(why)
    try:
        with signin.open_store(path, args) as store:
            if args.action == "list":
                for a in year_round.assignments(store):
                    if a.household_id is not None:
                        h = store.get_household(a.household_id)
                        where = f"Hộ {h.code} ({h.head_name()})" if h else "Hộ đã xoá"
                    else:
                        where = str(a.village)  # as the commune names it ("Bản Co Hương")
                    print("\t".join([where, a.cadre_name, a.cadre_role]).rstrip())
                return 0
            if not args.remove and not args.name.strip():
                return _fail(
                    "--name trống: hãy ghi họ tên cán bộ, hoặc dùng --remove để thôi giao."
                )
            household_id = None
            if args.household is not None:
                h = store.household_by_code(args.household)
                if h is None:
                    return _fail(f"không có hộ mã {args.household}.")
                household_id = h.id
            name = "" if args.remove else args.name
            year_round.assign_cadre(
                store, name, args.role, household_id=household_id, village=args.village
            )
            target = f"hộ {args.household}" if household_id else str(args.village)
            print(
                f"Đã thôi giao cán bộ phụ trách {target}."
                if args.remove
                else f"Đã giao {' '.join(name.split())} phụ trách {target}."
            )
            return 0
    except StoreError as exc:
        return _fail(exc.message, signin.exit_code(exc, 1))
