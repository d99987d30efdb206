"""A package merged (Tệp → Nhập / gộp…) while a household is open in the editor: the
editor's copy, read before, was saved over the package's version at its next save, the
village head's answers gone without a conflict or a word. Now the editor shows the file's
new version, and a save of typing begun before the merge is refused, saying what was not
saved."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from db.exchange.merge import import_package
from db.store import Store
from desktop.export_dialog import announce
from desktop.main_window import MainWindow
from tests.db.exchange.commune import copy_to, make_commune
from tests.db.exchange.test_merge import edit, export_from
from tests.desktop.conftest import when_modal


def _package(tmp_path: Path, base: Path) -> Path:
    a = copy_to(base, tmp_path / "a.db")
    edit(a, "may-a", ["HO00001"], "sửa ở máy A")
    return export_from(a, "may-a", tmp_path / "a.rasoat")


def _merged(base: Path, pkg: Path, store: Any) -> None:
    """As the import dialog does it: merged on a Store of its own, then the screens told."""
    with Store.open(base, user="Cán bộ xã", device="may-xa") as worker:
        import_package(worker, pkg)
    announce(store)


def test_a_household_open_while_a_package_changes_it_shows_the_new_version(
    qtbot: QtBot, app: Any, tmp_path: Path
) -> None:
    base = make_commune(tmp_path / "xa.db", 3)
    pkg = _package(tmp_path, base)
    with Store.open(base, user="Cán bộ xã", device="may-xa") as store:
        window = MainWindow(store)
        qtbot.addWidget(window)
        h = store.household_by_code("HO00001")
        assert h is not None
        window.open_household(h.id)
        editor = window.editor
        _merged(base, pkg, store)
        assert editor.household.note == "sửa ở máy A"
        assert "vừa được cập nhật" in editor.status.text()
        editor.household.address = "gõ sau khi nhập"
        editor.dirty = True
        assert editor.save()
        saved = store.household_by_code("HO00001")
        assert saved is not None
        assert saved.note == "sửa ở máy A"  # the package's answer kept
        assert saved.address == "gõ sau khi nhập"


def test_typing_begun_before_the_merge_is_not_saved_over_the_package(
    qtbot: QtBot, app: Any, tmp_path: Path
) -> None:
    base = make_commune(tmp_path / "xa.db", 3)
    pkg = _package(tmp_path, base)
    with Store.open(base, user="Cán bộ xã", device="may-xa") as store:
        window = MainWindow(store)
        qtbot.addWidget(window)
        h = store.household_by_code("HO00001")
        assert h is not None
        window.open_household(h.id)
        editor = window.editor
        editor.household.address = "gõ trước khi nhập"
        editor.dirty = True  # typed, the pause before the autosave not over
        _merged(base, pkg, store)
        said: list[str] = []

        def read(box: Any) -> None:
            said.append(box.text())
            box.accept()

        when_modal(read, QMessageBox)
        assert not editor.save()
        saved = store.household_by_code("HO00001")
        assert saved is not None
        assert saved.note == "sửa ở máy A"
        assert saved.address != "gõ trước khi nhập"
        [text] = said
        assert text.startswith("Hộ HO00001 vừa được cập nhật trong tệp")
        assert "chưa được lưu (Địa chỉ)" in text
        # The editor now shows the file's version, ready to type again.
        assert editor.household.note == "sửa ở máy A"
        assert not editor.dirty
        assert editor.may_leave()
