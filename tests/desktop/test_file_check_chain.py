"""Tệp → Kiểm tra tệp dữ liệu… also checks the audit log's hash chain, after the pages, and
names the first broken row as `rasoat db check` does (issue 20 item 3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from db import driver
from db.demo import create_demo_commune
from desktop.file_check_dialog import FileCheckDialog


def test_the_chain_is_checked_and_a_broken_row_named(qtbot: Any, app: Any, tmp_path: Path) -> None:
    path = create_demo_commune(tmp_path / "demo.rasoat.sqlite", households=5)
    whole = FileCheckDialog(path)
    qtbot.addWidget(whole)
    whole.show_result(([], []))
    qtbot.waitUntil(lambda: whole.chain_checked)
    assert "nguyên vẹn" in whole.chain.text()

    conn = driver.connect(path)
    with conn:
        conn.execute("DELETE FROM audit WHERE id = 20")
    conn.close()
    dialog = FileCheckDialog(path)
    qtbot.addWidget(dialog)
    dialog.show_result(([], []))
    qtbot.waitUntil(lambda: dialog.chain_checked)
    assert "dòng số 21" in dialog.chain.text()
    assert "(số 20) đã bị xoá" in dialog.chain.text()
    dialog.grab().save(str(tmp_path / "file-check-chain.png"))
