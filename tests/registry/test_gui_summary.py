"""Tổng hợp nhiều xã read from the registry (issue 21): the DSN set in Thiết lập, the
connection checked there in a worker, two communes' packages loaded into the real throwaway
server and summarised from the GUI path, saved as the registry's PDF and XLSX. Failures
(no such database, no server, psycopg missing) are Vietnamese and never show the password."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from desktop.app import configure_app
from desktop.registry_link import NOT_INSTALLED
from desktop.settings_dialog import SettingsDialog
from desktop.upper_level_dialog import UpperLevelDialog
from rasoat import settings
from registry.database import connect, init
from registry.load import load_packages
from tests.desktop.test_upper_level_dialog import saved
from tests.registry.packages import make_package, trust_communes

SECRET = "mat-khau-bi-mat-42"


@pytest.fixture
def app(qapp: Any) -> Any:
    configure_app(qapp)
    return qapp


@pytest.fixture
def two_communes(pg_dsn: str, tmp_path: Path) -> str:
    with connect(pg_dsn) as conn:
        init(conn, "15")
        trust_communes(conn)
        paths = [
            make_package(tmp_path / "a.rasoat", "02947", n=12, seed=1),
            make_package(tmp_path / "b.rasoat", "02674", n=8, seed=2),
        ]
        assert {o.status for o in load_packages(conn, paths)} == {"loaded"}
    settings.update(registry_dsn=pg_dsn)
    return pg_dsn


def _read(qtbot: QtBot, password: str = "") -> UpperLevelDialog:
    dialog = UpperLevelDialog()
    qtbot.addWidget(dialog)
    dialog.from_registry.setChecked(True)
    assert dialog.registry_box.isVisibleTo(dialog)
    assert not dialog.packages_box.isVisibleTo(dialog)
    dialog.registry_password.setText(password)
    dialog.read_registry()
    qtbot.waitUntil(lambda: dialog.read_registry_button.isEnabled(), timeout=20_000)
    return dialog


def test_summary_from_the_registry_then_saved(
    qtbot: QtBot, app: Any, two_communes: str, tmp_path: Path
) -> None:
    settings_dialog = SettingsDialog()
    qtbot.addWidget(settings_dialog)
    assert settings_dialog.editors["registry_dsn"].text() == two_communes  # type: ignore[union-attr]
    settings_dialog.registry_check_button.click()
    qtbot.waitUntil(lambda: settings_dialog.registry_check_button.isEnabled(), timeout=20_000)
    assert settings_dialog.registry_status.text() == (
        "Kết nối được: cơ sở dữ liệu của Lào Cai (15), 2 xã đã nạp gói."
    )

    dialog = _read(qtbot)
    assert not dialog.problems.isVisibleTo(dialog)
    table = dialog.table
    assert table.rowCount() == 2
    assert [table.item(r, 1).text() for r in range(2)] == ["Phường Cam Đường", "Xã Bảo Yên"]
    assert [table.item(r, 3).text() for r in range(2)] == ["8", "12"]
    assert table.item(0, 2).text() == "2026"
    summary = dialog.registry_summary
    for r, row in enumerate(summary.rows):
        assert table.item(r, 5).text() == str(row.by_category["poor"])
    assert dialog.pdf_button.isEnabled()

    sheet_values = [
        c
        for ws in openpyxl.load_workbook(saved(qtbot, dialog, tmp_path / "tinh.xlsx")).worksheets
        for row in ws.iter_rows(values_only=True)
        for c in row
    ]
    assert {"Xã Bảo Yên", "Phường Cam Đường", "Tổng cộng", 20} <= set(sheet_values)
    pdf = PdfReader(saved(qtbot, dialog, tmp_path / "tinh.pdf"))
    text = "".join(p.extract_text() for p in pdf.pages)
    assert "Biểu 1. Kết quả rà soát theo xã" in text
    assert "Xã Bảo Yên" in text


def test_wrong_database_or_no_server_is_said_without_the_password(
    qtbot: QtBot, app: Any, two_communes: str, tmp_path: Path
) -> None:
    wrong = two_communes.replace("dbname=", "dbname=khong_co_")
    settings.update(registry_dsn=wrong)
    dialog = _read(qtbot, SECRET)
    message = dialog.problems.toPlainText()
    assert message.startswith("Không kết nối được cơ sở dữ liệu của tỉnh")
    assert "khong_co_" in message
    assert SECRET not in message
    assert dialog.table.rowCount() == 0
    assert not dialog.pdf_button.isEnabled()

    # No server behind that socket and port: the same clear message.
    settings.update(registry_dsn=f"host={tmp_path} port=1 dbname=x user=y")
    dialog = _read(qtbot, SECRET)
    message = dialog.problems.toPlainText()
    assert message.startswith("Không kết nối được cơ sở dữ liệu của tỉnh")
    assert SECRET not in message


def test_not_set_and_not_installed(
    qtbot: QtBot, app: Any, monkeypatch: pytest.MonkeyPatch, two_communes: str
) -> None:
    settings.update(registry_dsn="")
    dialog = _read(qtbot)
    assert "Tệp → Thiết lập" in dialog.problems.toPlainText()
    assert "Tệp → Thiết lập" in dialog.registry_note.text()

    settings.update(registry_dsn=two_communes)
    # A commune laptop's bundle has neither psycopg nor registry: importing them fails.
    monkeypatch.setitem(sys.modules, "psycopg", None)
    for name in [n for n in sys.modules if n == "registry" or n.startswith("registry.")]:
        monkeypatch.delitem(sys.modules, name)
    dialog = _read(qtbot)
    assert dialog.problems.toPlainText() == NOT_INSTALLED


def test_a_password_is_never_kept_in_the_setting(app: Any) -> None:
    for dsn in ("host=h dbname=d password=x", "postgresql://u:x@h/d"):
        with pytest.raises(settings.SettingError, match="không ghi mật khẩu"):
            settings.update(registry_dsn=dsn)
    settings.update(registry_dsn="postgresql://u@h/d")
    assert settings.get("registry_dsn") == "postgresql://u@h/d"
