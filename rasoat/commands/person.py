"""`rasoat person find|erase TỆP_XÃ …`: everything the commune file holds about one person,
found by a full CCCD/CMND number or a full name (diacritics ignored), printed for them; and
erasing the data of a person removed from a household's roster (issue 20 item 5;
``db.people``, ``db.purge``). Both are the commune officer's, signed in on a file with users.
A whole household's data goes with `rasoat household purge`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from rasoat import signin


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "person",
        help="dữ liệu về một người: tìm theo CCCD hoặc tên, in ra, xoá theo yêu cầu",
        description="Tìm mọi thông tin đang lưu về một người (theo đủ số CCCD 12 chữ số hoặc "
        "CMND 9 chữ số, hoặc theo họ tên từ hai chữ trở lên, mỗi chữ gõ đủ, có dấu hay không "
        "dấu đều được), in ra giấy, hoặc xoá dữ liệu của người đã bỏ khỏi danh sách nhân khẩu "
        "khi có yêu cầu chính đáng. Việc của cán bộ xã.",
    )
    sub = parser.add_subparsers(dest="action", metavar="VIỆC", required=True)
    find = sub.add_parser("find", help="tìm và liệt kê; --pdf để in")
    find.add_argument("file", metavar="TỆP_XÃ")
    find.add_argument(
        "query",
        metavar="CCCD_HOẶC_HỌ_TÊN",
        help="đủ số CCCD/CMND, hoặc họ tên (ít nhất hai chữ, mỗi chữ gõ đủ)",
    )
    find.add_argument("--pdf", metavar="TỆP", help="in thông tin tìm được ra tệp PDF")
    signin.add_options(find)
    erase = sub.add_parser("erase", help="xoá dữ liệu của một người đã bỏ khỏi hộ")
    erase.add_argument("file", metavar="TỆP_XÃ")
    erase.add_argument("member", metavar="MÃ_NGƯỜI", help="mã người (cột đầu của `find`)")
    erase.add_argument("--reason", metavar="LÝ_DO", required=True, help="lý do (bắt buộc)")
    signin.add_options(erase)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from db import people, purge
    from db.errors import StoreError
    from forms.roles import Action
    from reports.review import ReportError

    path = Path(args.file)
    why = signin.not_a_commune_file(path)
    if why is not None:
        print(f"rasoat person: {why}", file=sys.stderr)
        return 2
    try:
        # Looking a person up is the officer's (``db.people.find`` asks it too); erasing
        # asks its own action.
        finding = args.action == "find"
        with signin.open_store(path, args, action=Action.PERSON_DATA if finding else None) as store:
            if args.action == "erase":
                found = [
                    r[0]
                    for r in store.conn.execute(
                        "SELECT id FROM members WHERE id LIKE ?", (args.member + "%",)
                    )
                ]
                if len(found) != 1:
                    print("rasoat person: mã người không khớp đúng một người.", file=sys.stderr)
                    return 2
                code = purge.erase_member(store, found[0], args.reason)
                print(f"Đã xoá dữ liệu của người này (hộ {code}).")
                return 0
            hits = people.find(store, args.query)
            people.record_lookup(store, len(hits))
            if not hits:
                print("Không tìm thấy ai.")
                return 0
            for p in hits:
                state = (
                    "hộ đã xoá"
                    if p.household_deleted
                    else "đã bỏ khỏi hộ"
                    if p.member_deleted
                    else ""
                )
                years = ",".join(str(r.year) for r in p.rounds)
                print(
                    "\t".join(
                        [
                            p.member_id[:8],
                            p.code,
                            p.village,
                            p.name,
                            p.id_number or "",
                            years,
                            state,
                        ]
                    ).rstrip()
                )
            if args.pdf:
                from reports import save_document
                from reports.person_data import person_data

                out = save_document(person_data(store, hits), store, Path(args.pdf))
                print(out)
            return 0
    except (StoreError, ReportError) as exc:
        print(f"rasoat person: {exc.message}", file=sys.stderr)
        return signin.exit_code(exc, 1)
