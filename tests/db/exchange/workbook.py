"""A realistic commune workbook of last year's lists, as communes send them (title rows, a
two-row header, a row of column numbers, one row per person, a totals row)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook

HEADER = [
    "STT hộ",
    "Họ và tên chủ hộ",
    "Họ và tên thành viên",
    "Quan hệ với chủ hộ",
    "Ngày sinh (dd/mm/yyyy)",
    "Giới tính",
    "Số CCCD",
    "Tỉnh",
    "Huyện",
    "Mã huyện",
    "Xã",
    "Mã xã",
    "Thôn",
    "Dân tộc",
    "Phân loại hộ",
    "Số quyết định công nhận",
    "Ngày ban hành quyết định",
    "Điểm B1",
    "Điểm B2",
    "Hộ DTTS",
    "Hộ không có khả năng lao động",
    "Hộ có thành viên là người có công",
    "Nguyên nhân nghèo",
    "Tuổi",
    "Số nhân khẩu",
]


def person(
    no: Any,
    head: str,
    member: str,
    rel: str,
    born: Any,
    sex: str,
    cccd: Any,
    village: str,
    eth: str,
    cat: str,
    b1: Any = None,
) -> list[Any]:
    return [
        no,
        head,
        member,
        rel,
        born,
        sex,
        cccd,
        "Tỉnh Lào Cai",
        "",
        "",
        "Xã Tân Lập",
        "10105",
        village,
        eth,
        cat,
        "15/QĐ-UBND",
        "20/12/2025",
        b1,
        3,
        "",
        "",
        "",
        "",
        "",
        "",
    ]


ROWS: list[list[Any]] = [
    person(
        1,
        "Lò Văn Páo",
        "",
        "Chủ hộ",
        "12/03/1968",
        "Nam",
        "010068001234",
        "Thôn Nà Lộc",
        "Tày",
        "Hộ nghèo",
        95,
    ),
    person(None, "", "Lò Thị Mai", "Vợ", "1970", "Nữ", "010170005678", "Thôn Nà Lộc", "Tày", ""),
    person(
        None, "", "Lò Văn Sơn", "Con", datetime(2005, 7, 1), "Nam", None, "Thôn Nà Lộc", "Tày", ""
    ),
    person(
        2,
        "Nguyễn Thị Đào",
        "Nguyễn Thị Đào",
        "Chủ hộ",
        "01/01/1955",
        "Nữ",
        1055009999,
        "Thôn Khe Mụ",
        "Kinh",
        "Cận nghèo",
        110,
    ),
    person(None, "", "Trần Văn Đức", "Cháu ngoại", "2012", "Nam", None, "Thôn Khe Mụ", "Kinh", ""),
    person(
        3,
        "Hoàng Văn Khải",
        "",
        "Chủ hộ",
        "1980",
        "Nam",
        "010080003333",
        "Thôn Nà Lộc",
        "Tày",
        "Nghèo",
        80,
    ),
]


def build(path: Path, rows: list[list[Any]] | None = None) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "DS HN, HCN sau rà soát"
    ws.append(["UỶ BAN NHÂN DÂN XÃ TÂN LẬP"])
    ws.append(["DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO SAU KHI RÀ SOÁT NĂM 2025"])
    ws.append([])
    ws.append(HEADER)
    ws.append([f"({i})" for i in range(1, len(HEADER) + 1)])
    for r in rows if rows is not None else ROWS:
        ws.append(r)
    ws.append(
        [
            "Tổng cộng",
            "3 hộ",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            6,
        ]
    )
    wb.create_sheet("DS thoát nghèo")
    wb.save(path)
    return path
