"""Connecting to a registry database and creating its schema (``rasoat registry init``)."""

from __future__ import annotations

from typing import Any

import psycopg

from forms.admin_units import provinces
from registry.migrations import LATEST, current_version, migrate


class RegistryError(Exception):
    """Something the user can act on; ``message`` is Vietnamese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def connect(dsn: str) -> psycopg.Connection[Any]:
    try:
        return psycopg.connect(dsn, autocommit=True, application_name="rasoat registry")
    except psycopg.OperationalError as exc:
        raise RegistryError(
            f"Không kết nối được cơ sở dữ liệu của tỉnh ({exc}). Kiểm tra chuỗi kết nối "
            "(DSN) và máy chủ PostgreSQL."
        ) from exc


def province_name(code: str) -> str:
    for p in provinces():
        if f"{p.code:02d}" == code:
            return p.name
    return ""


def init(conn: psycopg.Connection[Any], province_code: str) -> int:
    """Creates or upgrades the schema and records the province the registry serves. A
    registry already made for another province is refused."""
    code = province_code.strip()
    if code.isdigit():
        code = f"{int(code):02d}"
    if not province_name(code):
        raise RegistryError(f"Mã tỉnh '{province_code}' không có trong danh mục năm 2025.")
    version = migrate(conn)
    with conn.transaction():
        row = conn.execute(
            "SELECT value FROM registry_settings WHERE key = 'province_code' FOR UPDATE"
        ).fetchone()
        if row is None:
            conn.execute(
                "INSERT INTO registry_settings (key, value) VALUES ('province_code', %s)", (code,)
            )
        elif row[0] != code:
            raise RegistryError(
                f"Cơ sở dữ liệu này đã lập cho tỉnh {province_name(row[0])} ({row[0]}), "
                f"không phải {province_name(code)} ({code})."
            )
    return version


def registry_province(conn: psycopg.Connection[Any]) -> str:
    """The province code the registry serves; refused when the schema is missing or old."""
    version = current_version(conn)
    if version == 0:
        raise RegistryError(
            "Cơ sở dữ liệu chưa được khởi tạo: chạy 'rasoat registry init DSN --province MÃ'."
        )
    if version < LATEST:
        raise RegistryError(
            "Cơ sở dữ liệu của tỉnh dùng cấu trúc cũ: chạy 'rasoat registry init' để nâng cấp."
        )
    row = conn.execute("SELECT value FROM registry_settings WHERE key = 'province_code'").fetchone()
    if row is None:
        raise RegistryError("Cơ sở dữ liệu chưa ghi mã tỉnh: chạy 'rasoat registry init'.")
    return str(row[0])
