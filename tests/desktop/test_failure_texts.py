"""Every failure an officer reads in the export dialog, the file check and the check after
opening is Vietnamese, never the exception's English words (issue 20: no developer text
in front of officers; the details go to the log). Each failure driven for real: a
read-only folder, a full disk, the commune file gone from under the window."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from db import driver
from db.errors import failure_reason
from db.store import Store
from desktop.export_dialog import ExportDialog
from desktop.file_check_dialog import FileCheckDialog
from desktop.main_window import MainWindow
from desktop.worker import failure_text
from tests.db.exchange.commune import make_commune
from tests.db.test_reliability import _immutable, _tmpfs

from .conftest import moved_away, poor_household, save_classified

ENGLISH = ("Errno", "errno", "denied", "Permission", "space", "unable", "database", "file")


def _no_english(text: str) -> None:
    for word in ENGLISH:
        assert word not in text, (word, text)


@pytest.fixture
def gone(store: Any) -> Iterator[Path]:
    with moved_away(Path(store.path)) as path:
        yield path


def _export_failure(qtbot: QtBot, tmp_path: Path, out: Path) -> str:
    """Exports a commune to ``out`` through the dialog; the critical box's text."""
    db = make_commune(tmp_path / "xa.db", 3)
    seen: list[str] = []

    def read_box() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, read_box)
            return
        seen.append(f"{box.windowTitle()}|{box.text()}")
        box.accept()

    with Store.open(db, user="Cán bộ xã", device="may-xa") as store:
        dialog = ExportDialog(store)
        qtbot.addWidget(dialog)
        dialog.path.setText(str(out))
        dialog.protect.setChecked(False)
        QTimer.singleShot(0, read_box)
        dialog.start_export()
        qtbot.waitUntil(lambda: bool(seen), timeout=20_000)
        assert dialog.export_button.isEnabled()  # the officer may choose another place
    return seen[0]


def test_an_export_into_a_read_only_folder_says_so(qtbot: QtBot, app: Any, tmp_path: Path) -> None:
    folder = tmp_path / "usb"
    folder.mkdir()
    with _immutable(folder):
        said = _export_failure(qtbot, tmp_path, folder / "goi.rasoat")
    title, text = said.split("|")
    assert title == "Không xuất được gói"
    assert text.startswith("Không có quyền ghi")
    assert "chọn nơi khác" in text
    _no_english(text)
    assert list(folder.iterdir()) == []  # nothing half-written left there


def _fill_up(disk: Path) -> None:
    """Writes to ``disk`` until it is full to its last byte."""
    with (disk / "filler").open("wb", buffering=0) as f:
        while True:
            try:
                f.write(b"\0" * 4096)
            except OSError as exc:
                if exc.errno == errno.ENOSPC:
                    return
                raise


def test_an_export_onto_a_full_disk_says_so(qtbot: QtBot, app: Any, tmp_path: Path) -> None:
    with _tmpfs(tmp_path / "disk", "64k") as disk:
        _fill_up(disk)
        said = _export_failure(qtbot, tmp_path, disk / "goi.rasoat")
    _title, text = said.split("|")
    assert text.startswith("Ổ đĩa đã đầy")
    _no_english(text)


def test_the_file_check_of_a_file_gone_says_so(
    qtbot: QtBot, app: Any, store: Any, gone: Path
) -> None:
    dialog = FileCheckDialog(gone)
    qtbot.addWidget(dialog)
    dialog.start()
    qtbot.waitUntil(lambda: dialog.finished_check, timeout=10_000)
    said = dialog.summary.text()
    assert said.startswith(f"Không kiểm tra được tệp {gone.name}: không mở được tệp dữ liệu")
    _no_english(said.replace(gone.name, ""))
    # The audit chain's check, on its own, says the same.
    chain = FileCheckDialog(gone)
    qtbot.addWidget(chain)
    chain.show_result(([], []))
    qtbot.waitUntil(lambda: chain.chain_checked, timeout=10_000)
    assert chain.chain.text().startswith("Không kiểm tra được nhật ký thay đổi: không mở được")
    _no_english(chain.chain.text())


def test_page_damage_is_said_without_sqlites_findings(
    qtbot: QtBot, app: Any, commune_path: Path
) -> None:
    cut = commune_path.with_name("cut.sqlite")
    cut.write_bytes(commune_path.read_bytes()[: 4096 * 4])
    dialog = FileCheckDialog(cut)
    qtbot.addWidget(dialog)
    dialog.start()
    qtbot.waitUntil(lambda: dialog.finished_check, timeout=10_000)
    assert dialog.problems  # kept for the log
    assert dialog.list.count() == 0
    assert "chi tiết đã ghi vào nhật ký" in dialog.summary.text()
    _no_english(dialog.summary.text().replace("SQLite", ""))


def test_the_check_after_opening_that_cannot_run_says_so(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    save_classified(store, poor_household("NL-001", "Thôn Nà Lầu"))
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    with moved_away(Path(store.path)) as path:
        window._deep_timer.stop()
        window._start_deep_check()
        qtbot.waitUntil(
            lambda: window.statusBar().currentMessage().startswith("Không kiểm tra được"),
            timeout=10_000,
        )
    said = window.statusBar().currentMessage()
    assert said.startswith(f"Không kiểm tra được tệp {path.name}: không mở được tệp dữ liệu")
    _no_english(said.replace(path.name, ""))


def test_sqlites_and_the_disks_codes_and_the_unforeseen(tmp_path: Path) -> None:
    """The codes as SQLite and the system raise them, each said in Vietnamese; anything
    else points to the log."""
    conn = driver.connect(tmp_path / "a.sqlite")
    conn.execute("CREATE TABLE t (x)")
    conn.execute("BEGIN IMMEDIATE")
    other = driver.connect(tmp_path / "a.sqlite", timeout=0)
    with pytest.raises(driver.OperationalError) as busy:
        other.execute("BEGIN IMMEDIATE")
    conn.rollback()
    assert (failure_reason(busy.value) or "").startswith("tệp dữ liệu đang bận")
    not_db = tmp_path / "b.sqlite"
    not_db.write_bytes(b"this is not a database, only text" * 200)
    with pytest.raises(driver.DatabaseError) as damaged:
        driver.connect(not_db).execute("SELECT * FROM sqlite_master").fetchall()
    assert (failure_reason(damaged.value) or "").startswith("tệp dữ liệu bị hỏng")
    with pytest.raises(FileNotFoundError) as missing:
        (tmp_path / "no" / "such").read_bytes()
    assert (failure_reason(missing.value) or "").startswith("tệp hoặc thư mục không còn")
    unforeseen = failure_text(RuntimeError("index out of range"))
    assert unforeseen.startswith("gặp lỗi không lường trước; chi tiết đã được ghi vào nhật ký")
    assert "index" not in unforeseen


def test_a_file_gone_after_opening_is_said_missing_not_damaged(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    """The check behind a file just opened finds it gone (a stick pulled out): the window
    closes it and says it is missing, not damaged with a restore as the way out."""
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    with moved_away(Path(store.path)) as path:
        window._check_behind(path, True)
        qtbot.waitUntil(lambda: window.store is None, timeout=10_000)
    boxes = [w for w in window.findChildren(QMessageBox) if w.isVisible()]
    assert [b.windowTitle() for b in boxes] == ["Không tìm thấy tệp dữ liệu"]
    said = boxes[0].text()
    assert said.startswith(f"Không tìm thấy tệp dữ liệu {path.name} ở thư mục {path.parent}")
    assert "hỏng" not in said
    assert "khôi phục" not in said
    _no_english(said.replace(path.name, "").replace(str(path.parent), ""))
    boxes[0].close()
