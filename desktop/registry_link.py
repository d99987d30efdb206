"""The desktop's reach into the province registry (issue 21, docs/registry.md): checking the
connection (Thiết lập) and reading the summary by commune (Tổng hợp nhiều xã). Qt-free
functions run in a worker (``desktop.worker.start_job``); the GUI thread only shows what they
return or the ``RegistryProblem`` they raise.

``registry`` and psycopg are imported here only, and lazily: the commune laptops' bundle has
neither (``packaging/rasoat.spec``), and there the officer reads that this computer has no
registry connection installed, never a traceback. Every message has the password hidden
(``registry.database.hide_password``): messages are shown, and failures are logged."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

NOT_INSTALLED = (
    "Máy này chưa cài phần kết nối cơ sở dữ liệu của tỉnh (chỉ có ở máy của tỉnh). Hãy dùng "
    "các gói dữ liệu (.rasoat) các xã gửi lên, hoặc cài Rà soát bản dành cho tỉnh."
)
NO_DSN = (
    "Chưa đặt chuỗi kết nối cơ sở dữ liệu của tỉnh: vào Tệp → Thiết lập, mục “Cơ sở dữ liệu "
    "của tỉnh”."
)


class RegistryProblem(Exception):
    """What the officer reads, in Vietnamese, with no password in it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Reached:
    """A successful connection check."""

    province_code: str
    province_name: str
    communes: int  # communes whose package is loaded


def _registry() -> Any:
    """``registry.database`` and ``registry.queries``, or RegistryProblem(NOT_INSTALLED)."""
    try:
        from registry import database, queries
    except ImportError as exc:  # psycopg or registry itself left out of this installation
        log.info("registry not installed here: %s", exc.name)
        raise RegistryProblem(NOT_INSTALLED) from None
    return database, queries


def _guarded(dsn: str, password: str | None, work: Any) -> Any:
    if not dsn.strip():
        raise RegistryProblem(NO_DSN)
    database, queries = _registry()
    try:
        with database.connect(dsn, password) as conn:
            return work(database, queries, conn)
    except database.RegistryError as exc:
        raise RegistryProblem(database.hide_password(exc.message, dsn, password)) from None
    except Exception as exc:  # a server that fails mid-query, a dropped connection
        detail = database.hide_password(f"{type(exc).__name__}: {exc}", dsn, password)
        log.warning("registry failed: %s", detail)
        raise RegistryProblem(
            f"Cơ sở dữ liệu của tỉnh báo lỗi khi đọc số liệu ({detail})."
        ) from None


def check(dsn: str, password: str | None) -> Reached:
    """Connects, checks the schema and counts the communes loaded (Kiểm tra kết nối)."""

    def work(database: Any, _queries: Any, conn: Any) -> Reached:
        province = database.registry_province(conn)
        row = conn.execute(
            "SELECT count(DISTINCT commune_code) FROM loads"
            " WHERE province_code = %s AND valid_to IS NULL",
            (province,),
        ).fetchone()
        return Reached(province, database.province_name(province), int(row[0]))

    result: Reached = _guarded(dsn, password, work)
    return result


def summary(dsn: str, password: str | None, year: int | None = None) -> Any:
    """The province's summary by commune (``registry.queries.Summary``) of each commune's
    latest package, printed by ``reports.registry_summary.summary_document``."""
    return _guarded(dsn, password, lambda _d, queries, conn: queries.summary(conn, year))
