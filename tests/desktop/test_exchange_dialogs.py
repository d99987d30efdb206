"""The export, import and conflict dialogs on real commune files: work runs in a worker
thread, the receipt is shown, and conflicts are decided side by side."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from db.exchange.package import read_package
from db.store import Store
from desktop.export_dialog import ExportDialog
from desktop.import_dialog import ImportDialog
from desktop.merge_conflicts_dialog import MergeConflictsDialog
from tests.db.exchange.commune import copy_to, make_commune
from tests.db.exchange.test_merge import edit, export_from


def test_export_with_password_shows_the_recovery_key_once(qtbot: Any, tmp_path: Path) -> None:
    db = make_commune(tmp_path / "xa.db", 4)
    with Store.open(db, user="Cán bộ xã", device="may-xa") as store:
        dialog = ExportDialog(store)
        qtbot.addWidget(dialog)
        out = tmp_path / "goi.rasoat"
        dialog.path.setText(str(out))
        assert dialog.protect.isChecked()  # on by default: personal data (issue 17)
        dialog.password.setText("mật khẩu đủ dài")
        dialog.password2.setText("mật khẩu đủ dài")
        dialog.start_export()
        qtbot.waitUntil(lambda: dialog.result_info is not None, timeout=20000)
        assert "Đã xuất 4 hộ" in dialog.status.text()
        key = dialog.recovery_out.text()
        assert not dialog.recovery_out.isHidden()
        assert len(read_package(out, recovery_key=key).records) == 4
        # One way out of the dialog for the key: its page, audited (the plain .txt that
        # "Lưu khoá ra tệp…" wrote, unaudited and without a word of warning, is gone).
        assert not dialog.print_button.isHidden()
        assert dialog.print_button.text() == "&In hoặc lưu khoá khôi phục…"
        assert not hasattr(dialog, "write_key")
        from pypdf import PdfReader

        # The commune file's recovery key page (reports.recovery_key), not a Qt print.
        assert dialog.print_key_to(tmp_path / "khoa.pdf") == tmp_path / "khoa.pdf"
        text = "".join(p.extract_text() for p in PdfReader(tmp_path / "khoa.pdf").pages)
        assert key in "".join(text.split())  # pypdf spaces some wide letters of the key
        flat = " ".join(text.split())
        assert "KHOÁ KHÔI PHỤC GÓI DỮ LIỆU RÀ SOÁT" in flat
        assert "Xã Tân Lập" in flat
        assert "Gói dữ liệu: goi.rasoat" in flat
        assert "Đã lưu khoá khôi phục" in dialog.status.text()
        assert "Ai có tệp này thì mở được gói" in dialog.status.text()
        # Audited as every printed document is: what and which file, never the key.
        [logged] = [
            r[0]
            for r in store.conn.execute(
                "SELECT new FROM audit WHERE tbl = 'events' AND row_id = 'print'"
            )
        ]
        assert "package_recovery_key" in logged
        assert "khoa.pdf" in logged
        assert key not in logged
        [who] = store.conn.execute(
            "SELECT user FROM audit WHERE tbl = 'events' AND row_id = 'print'"
        ).fetchone()
        assert who == "Cán bộ xã"
        dialog.resize(dialog.sizeHint())
        dialog.grab().save(str(tmp_path / "export-key.png"))


def test_surveyor_scope_defaults_to_this_laptop(qtbot: Any, tmp_path: Path) -> None:
    base = make_commune(tmp_path / "xa.db", 3)
    a = copy_to(base, tmp_path / "a.db")
    edit(a, "may-a", ["HO00002"], "A")
    with Store.open(a, user="ĐTV", device="may-a") as store:
        dialog = ExportDialog(store)
        qtbot.addWidget(dialog)
        dialog.scope_surveyor.setChecked(True)
        assert dialog.device.isEnabled()
        assert not dialog.villages.isEnabled()
        scope = dialog.scope()
        assert scope.kind == "surveyor"
        assert scope.device == "may-a"
        dialog.path.setText(str(tmp_path / "a.rasoat"))
        dialog.protect.setChecked(False)
        dialog.start_export()
        qtbot.waitUntil(lambda: dialog.result_info is not None, timeout=20000)
    assert [r.household.code for r in read_package(tmp_path / "a.rasoat").records] == ["HO00002"]


def test_export_refuses_mismatched_passwords(qtbot: Any, tmp_path: Path) -> None:
    db = make_commune(tmp_path / "xa.db", 1)
    with Store.open(db, user="Cán bộ xã", device="may-xa") as store:
        dialog = ExportDialog(store)
        qtbot.addWidget(dialog)
        dialog.protect.setChecked(True)
        dialog.password.setText("một")
        dialog.password2.setText("hai")
        assert dialog._problem() == "Hai lần nhập mật khẩu không khớp."


def test_export_refuses_a_weak_password_with_a_hint(qtbot: Any, tmp_path: Path) -> None:
    db = make_commune(tmp_path / "xa.db", 1)
    with Store.open(db, user="Cán bộ xã", device="may-xa") as store:
        dialog = ExportDialog(store)
        qtbot.addWidget(dialog)
        dialog.path.setText(str(tmp_path / "goi.rasoat"))
        for weak in ("1", "12345678901", "aaaaaaaaaaaa", "matkhau2026"):
            dialog.password.setText(weak)
            dialog.password2.setText(weak)
            problem = dialog._problem()
            assert problem is not None
            assert "Gợi ý" in problem
        dialog.password.setText("ruộng bậc thang mùa lúa chín")
        dialog.password2.setText("ruộng bậc thang mùa lúa chín")
        assert dialog._problem() is None


def test_import_shows_receipt_then_conflicts_are_decided(qtbot: Any, tmp_path: Path) -> None:
    base = make_commune(tmp_path / "xa.db", 4)
    a = copy_to(base, tmp_path / "a.db")
    edit(a, "may-a", ["HO00001", "HO00002"], "sửa ở máy A")
    edit(base, "may-xa", ["HO00001"], "sửa ở xã")
    pkg = export_from(a, "may-a", tmp_path / "a.rasoat")
    with Store.open(base, user="Cán bộ xã", device="may-xa") as store:
        heard: list[str] = []
        store.subscribe(lambda change: heard.append(change.kind))
        dialog = ImportDialog(store)
        qtbot.addWidget(dialog)
        dialog.set_package(pkg)
        assert "Xã Tân Lập" in dialog.about.text()
        # Made when, in the laptop's local time, as the audit log says times.
        from db.audit import local_time
        from db.exchange.container import read_manifest

        made = local_time(read_manifest(pkg)["created_at"])
        assert f"Tạo lúc {made} bởi" in dialog.about.text()
        assert "+00:00" not in dialog.about.text()
        assert dialog.import_button.isEnabled()
        dialog.start_import()
        qtbot.waitUntil(lambda: dialog.receipt is not None, timeout=20000)
        assert "BIÊN NHẬN" in dialog.text.toPlainText()
        assert "HO00001" in dialog.text.toPlainText()
        assert "household" in heard  # the main window's screens hear about the merge
        assert dialog.conflicts_button.isEnabled()
        dialog.save_receipt(tmp_path / "bien-nhan.txt")
        assert "Xung đột" in (tmp_path / "bien-nhan.txt").read_text(encoding="utf-8")
        h = store.household_by_code("HO00002")
        assert h is not None
        assert h.note == "sửa ở máy A"

        conflicts = MergeConflictsDialog(store)
        qtbot.addWidget(conflicts)
        assert conflicts.list.count() == 1
        cells = {
            conflicts.table.item(r, 0).text(): (
                conflicts.table.item(r, 1).text(),
                conflicts.table.item(r, 2).text(),
            )
            for r in range(conflicts.table.rowCount())
        }
        assert cells["Ghi chú"] == ("sửa ở xã", "sửa ở máy A")
        conflicts.take_button.click()
        assert conflicts.list.count() == 0
        assert not conflicts.keep_button.isEnabled()
        h = store.household_by_code("HO00001")
        assert h is not None
        assert h.note == "sửa ở máy A"


def test_import_of_a_broken_file_says_why_and_writes_nothing(qtbot: Any, tmp_path: Path) -> None:
    base = make_commune(tmp_path / "xa.db", 1)
    bad = tmp_path / "hong.rasoat"
    bad.write_bytes(b"not a package")
    with Store.open(base, user="Cán bộ xã", device="may-xa") as store:
        dialog = ImportDialog(store)
        qtbot.addWidget(dialog)
        dialog.set_package(bad)
        assert "không phải gói" in dialog.about.text()
        assert not dialog.import_button.isEnabled()


def test_file_menu_offers_the_exchange_actions(qtbot: Any, qapp: Any) -> None:
    from desktop.app import configure_app
    from desktop.main_window import MainWindow

    configure_app(qapp)
    window = MainWindow()
    qtbot.addWidget(window)
    texts = [a.text().replace("&", "") for a in window.menus["file"].actions()]
    for wanted in (
        "Xuất gói dữ liệu…",
        "Nhập / gộp gói dữ liệu…",
        "Xung đột khi gộp…",
        "Nhập danh sách từ Excel…",
    ):
        assert wanted in texts


def test_export_names_laptops_by_their_people_and_saves_where_chosen_last(
    qtbot: Any, tmp_path: Path
) -> None:
    from datetime import date

    from db.exchange.devices import own_fingerprint
    from rasoat import settings

    base = make_commune(tmp_path / "xa.db", 3)
    edit(base, "7f3a9c1b2d4e", ["HO00001"], "sửa ở máy của Lò Thị Mai")
    with Store.open(base, user="Lò Thị Mai", device="7f3a9c1b2d4e"):
        pass
    with Store.open(base, user="Hà Văn Nam", device="may-xa") as store:
        dialog = ExportDialog(store)
        qtbot.addWidget(dialog)
        # The password is on by default (every package holds personal data).
        assert dialog.protect.isChecked()
        items = {dialog.device.itemData(i): dialog.device.itemText(i) for i in range(1, 4)}
        assert items["may-xa"] == "Máy này — Hà Văn Nam, Cán bộ xã"  # latest first
        assert items["7f3a9c1b2d4e"] == "Máy của Lò Thị Mai, Điều tra viên 7f3a9c1b2d4e"
        # The hex id only as a detail, with this laptop's fingerprint to compare.
        assert dialog.device.currentData() == "may-xa"
        assert dialog.device_detail.text() == f"mã máy may-xa · dấu vân tay {own_fingerprint()}"
        dialog.device.setCurrentIndex(dialog.device.findData("7f3a9c1b2d4e"))
        assert dialog.device_detail.text() == "mã máy 7f3a9c1b2d4e"
        # Proposed in the folder saved into last (the Documents folder, or the test home's
        # output folder), never the home folder, named after the commune and the day.
        proposed = Path(dialog.path.text())
        assert proposed.parent == settings.output_folder() != Path.home()
        assert proposed.name == f"10105-xa-tan-lap-{date.today().isoformat()}.rasoat"
        chosen = tmp_path / "Gói gửi xã"
        chosen.mkdir()
        dialog.path.setText(str(chosen / "goi.rasoat"))
        dialog.protect.setChecked(False)
        dialog.start_export()
        qtbot.waitUntil(lambda: dialog.result_info is not None, timeout=20000)
        assert settings.output_folder() == chosen
        again = ExportDialog(store)
        qtbot.addWidget(again)
        assert Path(again.path.text()).parent == chosen


def test_export_dialog_reads_on_a_1024_by_768_screen(qtbot: Any, tmp_path: Path) -> None:
    from PySide6.QtCore import QPoint, QRect

    db = make_commune(tmp_path / "xa.db", 1)
    with Store.open(db, user="Cán bộ xã", device="may-xa") as store:
        for name in ("Thôn Đồng Tâm", "Bản Phiêng Luông", "Thôn Làng Mới", "Bản Co Hương"):
            store.add_village(name)
        dialog = ExportDialog(store)
        qtbot.addWidget(dialog)
        dialog.scope_villages.setChecked(True)
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.adjustSize()
        assert dialog.width() <= 1024
        assert dialog.height() <= 690  # the screen less a task bar and the title bar
        scope = dialog.scope_villages.parentWidget()
        inside = QRect(0, 0, scope.width(), scope.height())
        for child in (dialog.villages, dialog.device, dialog.since, dialog.scope_surveyor):
            box = child.geometry().translated(child.parentWidget().mapTo(scope, QPoint(0, 0)))
            assert inside.contains(box), child
        # Every village name shows whole.
        fm = dialog.villages.fontMetrics()
        for i in range(dialog.villages.count()):
            item = dialog.villages.item(i)
            rect = dialog.villages.visualItemRect(item)
            assert rect.width() >= fm.horizontalAdvance(item.text()), item.text()
            assert dialog.villages.viewport().rect().contains(rect), item.text()


def test_a_path_typed_then_enter_reads_the_package_and_enter_again_imports(
    qtbot: Any, tmp_path: Path
) -> None:
    # Enter after the path opened the file browser ("Chọn…" was the dialog's default
    # button): an officer pasting the path from Explorer was sent to look for it again.
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication

    base = make_commune(tmp_path / "xa.db", 3)
    a = copy_to(base, tmp_path / "a.db")
    edit(a, "may-a", ["HO00001"], "sửa ở máy A")
    pkg = export_from(a, "may-a", tmp_path / "a.rasoat")
    with Store.open(base, user="Cán bộ xã", device="may-xa") as store:
        dialog = ImportDialog(store)
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow, timeout=5000)
        opened: list[str] = []

        def close_modals() -> None:
            box = QApplication.activeModalWidget()
            if box is not None and box is not dialog:
                opened.append(type(box).__name__)
                box.close()
            if dialog.isVisible():
                QTimer.singleShot(50, close_modals)

        QTimer.singleShot(50, close_modals)
        assert dialog.path.hasFocus()
        dialog.path.setText(str(pkg))
        qtbot.keyClick(dialog.path, Qt.Key.Key_Return)
        qtbot.wait(300)
        assert opened == []
        assert dialog.manifest is not None
        assert dialog.import_button.hasFocus()  # a plain package: no password to type
        qtbot.keyClick(dialog.import_button, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: dialog.receipt is not None, timeout=20000)
        assert opened == []  # this laptop's own key signed it: nothing to confirm
        h = store.household_by_code("HO00001")
        assert h is not None
        assert h.note == "sửa ở máy A"
        dialog.close()


def test_the_package_is_said_to_be_of_the_commune_code_as_the_receipt_writes_it(
    qtbot: Any, tmp_path: Path
) -> None:
    # The dialog said "mã 2947" where the receipt and the official list say "02947".
    from db.demo import create_demo_commune
    from db.exchange.export import ExportScope, export_package

    db = create_demo_commune(tmp_path / "xa.db", households=2)
    with Store.open(db, user="Cán bộ xã", device="may-xa") as store:
        export_package(store, tmp_path / "xa.rasoat", ExportScope(kind="commune"))
        dialog = ImportDialog(store)
        qtbot.addWidget(dialog)
        dialog.set_package(tmp_path / "xa.rasoat")
        assert "(mã 02947)" in dialog.about.text()
