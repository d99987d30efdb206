"""Tệp → Nhật ký thay đổi…: a household's history with the values changed, the log of a
period with field names only, the chain's state, and both saved as PDF and Excel through a
worker (the save recorded in the log, as every printed document)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QMessageBox

from db import driver
from db.demo import create_demo_commune
from db.store import HouseholdQuery, Store
from desktop.audit_dialog import AuditDialog


def texts(dialog: AuditDialog, column: int) -> list[str]:
    return [dialog.table.item(r, column).text() for r in range(dialog.table.rowCount())]


def test_history_period_chain_and_saving(
    qtbot: Any, app: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    path = create_demo_commune(tmp_path / "demo.rasoat.sqlite", households=20)
    with Store.open(path, user="Cán bộ Lan", device="may-xa") as store:
        row = store.list_households(HouseholdQuery(limit=1))[0]
        h = store.get_household(row.id)
        assert h is not None
        h.b1_total = (h.b1_total or 0) + 5
        store.save_household(h)
        dialog = AuditDialog(store, household_code=h.code)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        qtbot.waitUntil(lambda: "nguyên vẹn" in dialog.chain.text())
        assert texts(dialog, 1)[-1] == "Cán bộ Lan"
        assert texts(dialog, 3)[-1] == "sửa hộ"
        assert f"Tổng điểm B1: {h.b1_total - 5} → {h.b1_total}" in texts(dialog, 5)[-1]
        dialog.grab().save(str(tmp_path / "audit-household.png"))

        job = dialog.save(tmp_path / "ls.pdf", "pdf")
        qtbot.waitUntil(lambda: not job.running(), timeout=20_000)
        assert (tmp_path / "ls.pdf").read_bytes().startswith(b"%PDF")

        dialog.by_period.setChecked(True)
        dialog.start.setDate(dialog.end.date().addDays(-1))
        dialog.reload()
        whats = texts(dialog, 3)
        assert "Mở kỳ rà soát" in whats
        assert "In / lưu tài liệu" in whats  # the history just saved
        # The period's lines name fields, never values.
        changed = [c for w, c in zip(whats, texts(dialog, 5), strict=True) if w == "sửa hộ"]
        assert changed[-1] == "Tổng điểm B1"
        job = dialog.save(tmp_path / "nk.xlsx", "xlsx")
        qtbot.waitUntil(lambda: not job.running(), timeout=20_000)
        assert (tmp_path / "nk.xlsx").stat().st_size > 0
        dialog.grab().save(str(tmp_path / "audit-period.png"))

    conn = driver.connect(path)
    printed = conn.execute(
        "SELECT new FROM audit WHERE tbl = 'events' AND row_id = 'print' ORDER BY id"
    ).fetchall()
    conn.close()
    assert [p[0].count("audit_") for p in printed] == [1, 1]


def test_a_tampered_log_is_shown_in_red(qtbot: Any, app: Any, tmp_path: Path) -> None:
    path = create_demo_commune(tmp_path / "demo.rasoat.sqlite", households=5)
    conn = driver.connect(path)
    with conn:
        conn.execute("UPDATE audit SET user = 'ai đó' WHERE id = 12")
    conn.close()
    with Store.open(path, user="Cán bộ Lan", device="may-xa") as store:
        dialog = AuditDialog(store)
        qtbot.addWidget(dialog)
        qtbot.waitUntil(lambda: "Đang kiểm tra" not in dialog.chain.text())
        assert "dòng số 12" in dialog.chain.text()
        assert "bị sửa" in dialog.chain.text()
        assert date.today().year > 2000


def test_a_long_period_is_counted_and_only_its_newest_lines_read(
    qtbot: Any, app: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """A period holding more lines than the screen shows (a district file merged this month:
    a million) is counted, and only the newest lines are read and shown, oldest first, with
    the total said (issue 22: reading them all took 16 s on the GUI thread and 1.8 GB)."""
    import desktop.audit_dialog
    from db.audit import log_count, log_lines

    monkeypatch.setattr(desktop.audit_dialog, "SCREEN_LIMIT", 7)
    path = create_demo_commune(tmp_path / "demo.rasoat.sqlite", households=20)
    with Store.open(path, user="Cán bộ Lan", device="may-xa") as store:
        every = log_lines(store.conn)
        assert len(every) > 7
        assert log_count(store.conn) == len(every)
        newest = log_lines(store.conn, newest=7)
        assert [line.id for line in newest] == [line.id for line in every[-7:]]
        import db.audit

        read: list[int] = []

        def counted(*args: Any, **kwargs: Any) -> Any:
            got = log_lines(*args, **kwargs)
            read.append(len(got))
            return got

        monkeypatch.setattr(db.audit, "log_lines", counted)
        dialog = AuditDialog(store)
        qtbot.addWidget(dialog)
        dialog.by_period.setChecked(True)
        read.clear()
        dialog.reload()
        assert read == [7]  # the lines shown, not the period's all
        assert dialog.table.rowCount() == 7
        assert texts(dialog, 3) == [line.what for line in every[-7:]]
        assert f"{len(every)} dòng nhật ký" in dialog.summary.text()
        assert "chỉ hiện 7 dòng mới nhất" in dialog.summary.text()


def _said_and_asked(monkeypatch: Any) -> tuple[list[str], list[Any]]:
    """What the dialog says in a message box, and each time it asks for a file name (none
    given: the officer cancelled)."""
    from PySide6.QtWidgets import QFileDialog

    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a, **k: said.append(text))
    asked: list[Any] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: asked.append(a) or ("", ""))
    return said, asked


def test_a_period_too_long_to_save_is_said_before_a_file_is_asked_for(
    qtbot: Any, app: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    from reports import audit_log

    said, asked = _said_and_asked(monkeypatch)
    path = create_demo_commune(tmp_path / "demo.rasoat.sqlite", households=5)
    monkeypatch.setattr(audit_log, "LINES_LIMIT", 10)
    with Store.open(path, user="Cán bộ Lan", device="may-xa") as store:
        dialog = AuditDialog(store)
        qtbot.addWidget(dialog)
        dialog.by_period.setChecked(True)
        dialog.reload()
        assert "Quá nhiều để lưu thành một tệp" in dialog.summary.text()
        dialog._ask_save("pdf")
        assert asked == []
        (text,) = said
        assert "quá nhiều cho một tài liệu (tối đa 10 dòng)" in text

        monkeypatch.setattr(audit_log, "LINES_LIMIT", 100_000)
        dialog.reload()
        assert "Quá nhiều" not in dialog.summary.text()
        dialog._ask_save("pdf")
        assert len(asked) == 1  # the file is asked for: the period can be saved


def test_the_period_is_counted_when_saved_even_if_not_shown(
    qtbot: Any, app: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """Alt+T then Lưu without Xem: the dates in the boxes are counted at the save."""
    from reports import audit_log

    said, asked = _said_and_asked(monkeypatch)
    path = create_demo_commune(tmp_path / "demo.rasoat.sqlite", households=5)
    with Store.open(path, user="Cán bộ Lan", device="may-xa") as store:
        code = store.list_households(HouseholdQuery(limit=1))[0].code
        dialog = AuditDialog(store, household_code=code)  # opens on the household
        qtbot.addWidget(dialog)
        monkeypatch.setattr(audit_log, "LINES_LIMIT", 10)
        dialog.by_period.setChecked(True)  # not shown: no Xem
        dialog._ask_save("xlsx")
        assert asked == []
        assert "tối đa 10 dòng" in said[-1]
        dialog.start.setDate(dialog.start.date().addYears(-5))
        dialog.end.setDate(dialog.start.date().addDays(1))  # five years ago: nothing then
        dialog._ask_save("xlsx")
        assert len(asked) == 1
