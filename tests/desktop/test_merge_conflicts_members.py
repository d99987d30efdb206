"""The conflicts screen for a household two village heads edited apart, one in its roster:
members side by side by id (a member deleted on one side is shown as that member, not as
every later member changed), every answer of a member that differs on a line of its own,
and the differences named above the table. Decided from the keyboard."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from db.store import Store
from desktop.merge_conflicts_dialog import DIFF_BRUSH, MergeConflictsDialog
from tests.db.exchange.test_conflict_fields import roster_conflict


def _rows(dialog: MergeConflictsDialog) -> list[tuple[str, str, str]]:
    t = dialog.table
    return [
        (t.item(r, 0).text(), t.item(r, 1).text(), t.item(r, 2).text()) for r in range(t.rowCount())
    ]


def _show(dialog: MergeConflictsDialog, code: str) -> None:
    for i in range(dialog.list.count()):
        if dialog.list.item(i).text().startswith(code):
            dialog.list.setCurrentRow(i)
            return
    raise AssertionError(code)


def test_a_member_answer_edited_on_one_side_is_shown_and_marked(
    qtbot: Any, app: Any, tmp_path: Path
) -> None:
    base = roster_conflict(tmp_path)
    with Store.open(base, user="Cán bộ xã", device="may-xa") as store:
        dialog = MergeConflictsDialog(store)
        qtbot.addWidget(dialog)
        _show(dialog, "HO-R")
        rows = _rows(dialog)
        differing = [r for r in rows if r[1] != r[2]]
        assert ("    Có thẻ bảo hiểm y tế còn hạn?", "Có", "—") in differing
        assert ("Địa chỉ", "Nhà số 1", "Nhà số 9") in differing
        members = [r for r in rows if r[0].startswith("Thành viên")]
        # By id: the son laptop A deleted is one line, present in the package only.
        assert members == [
            ("Thành viên 1", "Lò Văn Páo · 1970", "Lò Văn Páo · 1970"),
            ("Thành viên 2", "Lò Thị Ón · 1972", "Lò Thị Ón · 1972"),
            ("Thành viên 3", "—", "Lò Văn Pằn · 2002"),
        ]
        at = rows.index(("    Có thẻ bảo hiểm y tế còn hạn?", "Có", "—"))
        assert dialog.table.item(at, 1).background() == DIFF_BRUSH
        assert "Khác nhau ở: Địa chỉ; thành viên thứ 3 chỉ có trong gói; thành viên thứ 1: " in (
            dialog.detail.text()
        )
        # Choices are labelled in Vietnamese, never the field's name in English.
        assert not any("_" in r[0] for r in rows)
        assert ("Vùng", "—", "—") in rows or all(r[0] != "region" for r in rows)


def test_a_package_deleting_the_household_is_listed_by_its_head_here(
    qtbot: Any, app: Any, tmp_path: Path
) -> None:
    base = roster_conflict(tmp_path)
    with Store.open(base, user="Cán bộ xã", device="may-xa") as store:
        head = store.household_by_code("HO00000").head_name()  # type: ignore[union-attr]
        dialog = MergeConflictsDialog(store)
        qtbot.addWidget(dialog)
        texts = [dialog.list.item(i).text() for i in range(dialog.list.count())]
        assert f"HO00000 — {head} (gói xoá hộ)" in texts
        # What the conflict is, said as it is: the screen said "Cả hai bên đều đã sửa hộ
        # này." above "Bản trong gói là lệnh XOÁ hộ.".
        _show(dialog, "HO00000")
        said = dialog.detail.text()
        assert said.startswith("Tệp của xã đã sửa hộ này, nhưng trong gói hộ đã bị XOÁ.")
        assert "Cả hai bên" not in said


def test_every_conflict_is_decided_from_the_keyboard(qtbot: Any, app: Any, tmp_path: Path) -> None:
    base = roster_conflict(tmp_path)
    with Store.open(base, user="Cán bộ xã", device="may-xa") as store:
        dialog = MergeConflictsDialog(store)
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow, timeout=5000)
        assert dialog.list.hasFocus()  # the list first: arrows go from conflict to conflict
        assert dialog.list.count() == 2
        qtbot.keyClick(dialog.list, Qt.Key.Key_Down)
        qtbot.keyClick(dialog.list, Qt.Key.Key_Up)
        # A mnemonic clicks its button animated: the click lands a moment later.
        qtbot.keyClick(dialog.list, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)  # nhận gói
        qtbot.waitUntil(lambda: dialog.list.count() == 1, timeout=5000)
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(lambda: dialog.list.count() == 0, timeout=5000)
        h = store.household_by_code("HO-R")
        assert h is not None
        assert h.address == "Nhà số 9"


def test_the_window_says_conflicts_wait_until_they_are_decided(
    qtbot: Any, app: Any, tmp_path: Path
) -> None:
    # Once the import's window was closed nothing said two households waited: lists and
    # decisions went on being printed from this file's versions alone.
    from desktop.main_window import MainWindow
    from desktop.merge_conflicts_dialog import open_conflicts_dialog
    from tests.desktop.conftest import when_modal

    base = roster_conflict(tmp_path)
    with Store.open(base, user="Cán bộ xã", device="may-xa") as store:
        window = MainWindow(store)
        qtbot.addWidget(window)
        label = window.conflicts_label
        assert not label.isHidden()
        assert label.text() == "Còn 2 xung đột chờ quyết định"
        assert label.toolTip() == "Quyết định ở Tệp → Xung đột khi gộp…"

        def decide_all(dialog: Any) -> None:
            while dialog.list.count():
                dialog.keep_button.click()
            dialog.accept()

        when_modal(decide_all, MergeConflictsDialog)
        open_conflicts_dialog(window)
        assert label.isHidden()


def test_another_family_under_a_code_taken_here_is_shown_beside_its_holder_and_taken(
    qtbot: Any, app: Any, tmp_path: Path
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from tests.db.exchange.test_code_taken import two_families
    from tests.desktop.conftest import when_modal

    base, a_id, b_id, code = two_families(tmp_path)
    with Store.open(base, user="Cán bộ xã", device="may-xa") as store:
        dialog = MergeConflictsDialog(store)
        qtbot.addWidget(dialog)
        assert dialog.keep_button.text() == "&Giữ hộ đang có, không nhận hộ trong gói"
        assert dialog.take_button.text() == "&Nhận hộ trong gói, cấp mã mới"
        assert f"Mã hộ {code} đang dùng cho hộ của Lò Văn Páo" in dialog.detail.text()
        rows = _rows(dialog)
        assert rows[0] == ("Chủ hộ", "Lò Văn Páo", "Hà Thị Mơ")
        header = dialog.table.horizontalHeaderItem(1).text()
        assert header == "Hộ đang có mã này trong tệp của xã"
        said: list[str] = []

        def read(box: Any) -> None:
            said.append(box.text())
            box.accept()

        when_modal(read, QMessageBox)
        dialog.take_button.click()
        assert dialog.list.count() == 0
        taken = store.get_household(b_id)
        assert taken is not None
        assert taken.code != code
        assert said == [
            f"Hộ của Hà Thị Mơ được nhận với mã mới {taken.code} (mã {code} vẫn là của hộ đang "
            "có). Máy đã gửi gói sẽ nhận mã mới ở gói sau của xã; hãy sửa mã trên phiếu giấy "
            "của hộ."
        ]


def _long_roster_conflict(tmp_path: Path) -> Path:
    """HO-L, a head and eleven children, waits as a conflict that differs only in the last
    child: laptop A ticked its health insurance card, laptop B its disability. Made as
    ``roster_conflict`` makes HO-R: edited on two copies, exported, both imported."""
    from db.exchange.merge import import_package
    from forms.model import Household, Member, Relationship
    from tests.db.exchange.commune import copy_to, make_commune
    from tests.db.exchange.test_conflict_fields import _change
    from tests.db.exchange.test_merge import export_from

    base = make_commune(tmp_path / "xa.db", 2)
    members = [Member(name="Lò Văn Páo", relationship=Relationship.HEAD, birth_year=1950)]
    members += [
        Member(name=f"Lò Văn Con {i}", relationship=Relationship.CHILD, birth_year=1980 + i)
        for i in range(1, 12)
    ]
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        office.save_household(
            Household(code="HO-L", village="Thôn 1", address="Nhà số 1", members=members)
        )
    a = copy_to(base, tmp_path / "a.db")
    b = copy_to(base, tmp_path / "b.db")
    _change(a, "may-a", "HO-L", lambda h: setattr(h.members[-1], "health_insurance", True))
    _change(b, "may-b", "HO-L", lambda h: setattr(h.members[-1], "disability", True))
    pa = export_from(a, "may-a", tmp_path / "a.rasoat")
    pb = export_from(b, "may-b", tmp_path / "b.rasoat")
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        import_package(office, pa)
        import_package(office, pb)
    return base


def _in_sight(dialog: MergeConflictsDialog, row: int) -> bool:
    table = dialog.table
    return table.viewport().rect().contains(table.visualItemRect(table.item(row, 0)))


@pytest.mark.parametrize("screen", [(1366, 768), (1024, 768)])
def test_a_difference_in_the_last_member_is_in_sight_without_scrolling(
    qtbot: Any, app: Any, tmp_path: Path, screen: tuple[int, int]
) -> None:
    # The only lines that differed were some forty lines down, below the fold: the officer
    # saw identical lines and could take a version without seeing what differed.
    width, height = screen
    base = _long_roster_conflict(tmp_path)
    with Store.open(base, user="Cán bộ xã", device="may-xa") as store:
        # As it opens (its own size, within the screen) and maximised (less the task bar and
        # the window's frame).
        for size in ((min(900, width), min(560, height - 80)), (width - 16, height - 80)):
            dialog = MergeConflictsDialog(store)
            qtbot.addWidget(dialog)
            dialog.resize(*size)
            dialog.show()
            qtbot.waitExposed(dialog)
            rows = _rows(dialog)
            differing = [i for i, r in enumerate(rows) if r[1] != r[2]]
            assert [rows[i] for i in differing] == [
                ("    Có thẻ bảo hiểm y tế còn hạn?", "Có", "—"),
                ("    Là người khuyết tật?", "—", "Có"),
            ]
            for i in differing:
                assert _in_sight(dialog, i), (size, rows[i])
            assert not _in_sight(dialog, 0)  # the fold is real: the table had to scroll
            # And whose answers they are: the member's own line above them.
            assert rows[differing[0] - 1][0] == "Thành viên 12"
            assert _in_sight(dialog, differing[0] - 1), size
            # Marked by more than a pale shade.
            assert dialog.table.item(differing[0], 0).font().bold()
            assert not dialog.table.item(differing[0] - 1, 0).font().bold()
            # Every line still there, in the form's order, the first a scroll away.
            assert rows[0][0] == "Chủ hộ"
            dialog.table.scrollToTop()
            assert _in_sight(dialog, 0)
            dialog.close()


def test_a_difference_near_the_top_leaves_the_table_at_its_top(
    qtbot: Any, app: Any, tmp_path: Path
) -> None:
    base = roster_conflict(tmp_path)
    with Store.open(base, user="Cán bộ xã", device="may-xa") as store:
        dialog = MergeConflictsDialog(store)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        _show(dialog, "HO-R")
        rows = _rows(dialog)
        assert rows[4] == ("Địa chỉ", "Nhà số 1", "Nhà số 9")
        assert _in_sight(dialog, 0)  # "Chủ hộ": which household this is
        assert _in_sight(dialog, 4)


def test_no_line_is_cut_short_at_the_dialogs_own_width(
    qtbot: Any, app: Any, tmp_path: Path
) -> None:
    """The three columns share the width: at 900 pixels a long label ("Hộ nông, lâm, ngư,
    diêm …") or answer ended in "…". Now such a line wraps onto a taller row, also after the
    window is made narrower (from maximised on a 1024 px screen to its own size)."""
    from tests.desktop.test_record_table import cut_short

    base = roster_conflict(tmp_path)
    with Store.open(base, user="Cán bộ xã", device="may-xa") as store:
        dialog = MergeConflictsDialog(store)
        qtbot.addWidget(dialog)
        dialog.resize(1008, 688)  # maximised on a 1024x768 screen
        dialog.show()
        qtbot.waitExposed(dialog)
        _show(dialog, "HO-R")
        assert cut_short(dialog.table) == []
        dialog.resize(900, 560)  # its own size
        qtbot.wait(50)
        assert cut_short(dialog.table) == []
