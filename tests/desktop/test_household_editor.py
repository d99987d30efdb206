"""The household editor driven from the keyboard, as a surveyor with the paper forms would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.main_window import MainWindow
from forms.model import Category, Relationship


def focused() -> Any:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def type_text(text: str) -> None:
    # Per-character key events: QTest.keyClicks aborts on non-Latin-1 characters.
    for ch in text:
        QTest.sendKeyEvent(
            QTest.KeyAction.Click, focused(), Qt.Key.Key_unknown, ch, Qt.KeyboardModifier.NoModifier
        )


def tab(times: int = 1) -> None:
    for _ in range(times):
        QTest.keyClick(focused(), Qt.Key.Key_Tab)


def answer(text: str) -> None:
    """Type into the focused field, then Tab on."""
    type_text(text)
    tab()


def shortcut(key: Qt.Key, modifier: Qt.KeyboardModifier) -> None:
    QTest.keyClick(focused(), key, modifier)


def open_window(qtbot: QtBot, store: Any) -> MainWindow:
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.waitUntil(lambda: window.isAncestorOf(QApplication.focusWidget()), timeout=2000)
    return window


def new_household(qtbot: QtBot, store: Any) -> tuple[MainWindow, Any, Any, Any]:
    """The window open on a new household: (window, its editor, the roster, the first
    member)."""
    window = open_window(qtbot, store)
    window.add_household()
    editor = window.editor
    return window, editor, editor.identity.roster, editor.household.members[0]


def test_whole_household_by_keyboard_is_poor_and_survives_reopening(
    qtbot: QtBot, app: Any, store: Any, commune_path: Path
) -> None:
    window = open_window(qtbot, store)
    shortcut(Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # Thêm hộ
    editor = window.editor
    assert window.stack.currentWidget() is editor
    assert focused() is editor.identity.code
    assert editor.identity.code.text() == "01-0001"  # proposed: first free code of the village
    answer("H100")
    tab()  # village: the list's first village
    answer("Bản Nà Lầu, ngõ 2")
    tab(2)  # the two policy flags stay blank
    # The roster: one member, already marked head of household.
    answer("Lò Văn Pản")
    tab()  # relationship: Chủ hộ
    answer("N")  # Nam
    answer("1975")
    answer("Tày")
    answer("012345678901")
    household = editor.household
    assert household is not None
    assert household.code == "H100"
    assert household.members[0].name == "Lò Văn Pản"
    assert household.members[0].relationship is Relationship.HEAD
    assert household.members[0].id_number == "012345678901"

    shortcut(Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)  # Phiếu A
    assert editor.current_step() == 1
    for _ in range(4):
        answer("K")  # Không: no exclusion criterion applies
    shortcut(Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)  # Phiếu B1
    answer("N")  # Nông thôn
    tab()  # region left blank: the total is entered from the paper form
    answer("120")
    assert household.b1_total == 120
    shortcut(Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)  # Phiếu B2
    answer("K")
    answer("K")
    answer("K")
    answer("9")  # m² for the household
    answer("S")  # Sông, suối, ao, hồ
    answer("C")  # Cầu tõm
    assert editor.panel.result.category is Category.POOR
    assert editor.panel.category_text() == "Hộ nghèo"
    assert editor.panel.result.deprivation_count >= 3

    shortcut(Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not editor.dirty
    saved = household
    window.close()

    from desktop.commune_file import open_store

    again = open_store(commune_path)
    try:
        reread = again.get_household(saved.id)
        assert reread == saved
        result = again.result_for(saved.id, again.current_round().id)
        assert result is not None
        assert result.category is Category.POOR
    finally:
        again.close()


def test_invalid_id_number_is_named_and_blocks_nothing_else(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    window, editor, roster, member = new_household(qtbot, store)
    roster.editor(member, "id_number").setFocus()
    type_text("12345")
    assert "12 chữ số" in roster.messages.text()
    assert "12 chữ số" in roster.editor(member, "id_number").toolTip()
    tab()  # focus moves on: nothing is blocked
    roster.editor(member, "name").setFocus()
    type_text("Hoàng Thị Nga")
    assert member.name == "Hoàng Thị Nga"
    assert editor.save()
    assert store.get_household(editor.household.id).members[0].id_number == "12345"
    roster.editor(member, "id_number").setFocus()
    type_text("1234567")
    assert "12 chữ số" not in roster.messages.text()


def test_a_second_head_of_household_is_reported(qtbot: QtBot, app: Any, store: Any) -> None:
    window = open_window(qtbot, store)
    window.add_household()
    roster = window.editor.identity.roster
    second = roster.add_member()
    relationship = roster.editor(second, "relationship")
    relationship.set_value("head")
    relationship.changed.emit()
    assert "2 chủ hộ" in roster.messages.text()


def test_next_and_previous_household_shortcuts(qtbot: QtBot, app: Any, store: Any) -> None:
    from forms.model import Household, Member

    for code in ("A1", "A2", "A3"):
        store.save_household(
            Household(
                code=code,
                village="Thôn Nà Lầu",
                members=[Member(name=f"Chủ {code}", relationship=Relationship.HEAD)],
            )
        )
    window = open_window(qtbot, store)
    window.list.refresh()
    window.list.view.selectRow(0)
    window.open_selected()
    assert window.editor.household.code == "A1"
    shortcut(Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.editor.household.code == "A2"
    shortcut(Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    shortcut(Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert window.editor.household.code == "A2"
    shortcut(Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier)
    assert window.stack.currentWidget() is window.tabs


def test_typing_is_saved_after_a_pause_and_on_close(
    qtbot: QtBot, app: Any, store: Any, commune_path: Path
) -> None:
    window, editor, roster, member = new_household(qtbot, store)
    roster.editor(member, "name").setFocus()
    type_text("Triệu Thị Lan")
    assert editor.dirty
    qtbot.waitUntil(lambda: not editor.dirty, timeout=5000)  # saved after the typing pause
    assert store.get_household(editor.household.id).members[0].name == "Triệu Thị Lan"
    roster.editor(member, "birth_year").setFocus()
    type_text("1990")
    household_id = editor.household.id
    window.close()  # straight after typing: nothing may be lost

    from desktop.commune_file import open_store

    again = open_store(commune_path)
    try:
        assert again.get_household(household_id).members[0].birth_year == 1990
    finally:
        again.close()


def test_a_child_is_not_asked_for_a_job(qtbot: QtBot, app: Any, store: Any) -> None:
    from datetime import date

    from forms.model import Member
    from tests.desktop.conftest import poor_household, save_classified

    household = poor_household("H-0009", "Thôn Nà Lầu")
    year = store.current_round().year
    household.members.append(
        Member(name="Lò Thị Bé", relationship=Relationship.CHILD, birth_date=date(year - 9, 3, 1))
    )
    save_classified(store, household)
    window = open_window(qtbot, store)
    assert window.open_household(household.id)
    window.editor.go_to_step(4)  # the members page is built when shown
    details = window.editor.members
    head, child = household.members

    def asked(member: Any) -> bool:
        layout, _m, _q = details._rows[(member.id, "employment")]
        return layout.isRowVisible(details.editors[(member.id, "employment")])

    assert asked(head)
    assert not asked(child)
    window.close()


def test_a_new_household_says_what_its_income_still_needs(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    window = open_window(qtbot, store)
    window.add_household()
    summary = window.editor.panel.summary.text()
    assert "()" not in summary
    assert "cần điểm B1 hoặc thu nhập" in summary
    window.close()


def test_roster_rows_reused_for_the_next_household_edit_its_members(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    """Opening another household reuses the roster's rows: a row then edits the member of
    the household shown, never one of the household shown before, and the rows it keeps,
    adds or drops follow the household's members."""
    from datetime import date

    from forms.model import Member
    from tests.desktop.conftest import poor_household, save_classified

    big = poor_household("H-0011", "Thôn Nà Lầu", head="Lò Văn Lớn")
    big.members += [
        Member(name="Lò Thị Hai", relationship=Relationship.SPOUSE, birth_date=date(1980, 5, 2)),
        Member(name="Lò Văn Ba", relationship=Relationship.CHILD, birth_year=2010),
    ]
    small = poor_household("H-0012", "Thôn Nà Lầu", head="Quàng Văn Nhỏ")
    for household in (big, small):
        save_classified(store, household)
    window = open_window(qtbot, store)
    roster = window.editor.identity.roster
    assert window.open_household(big.id)
    assert [r.editors["name"].value() for r in roster.rows] == [m.name for m in big.members]
    # The year known from the birth date shows as the hint.
    assert roster.rows[1].editors["birth_year"].edit.placeholderText() == "1980"
    shown_big = window.editor.household
    assert window.open_household(small.id)
    shown = window.editor.household
    assert [r.member for r in roster.rows] == shown.members
    assert roster.rows[0].editors["name"].value() == "Quàng Văn Nhỏ"
    assert roster.rows[0].editors["birth_year"].edit.placeholderText() != "1980"
    roster.rows[0].editors["name"].setFocus()
    roster.rows[0].editors["name"].edit.selectAll()
    type_text("Quàng Văn Mới")
    assert shown.members[0].name == "Quàng Văn Mới"
    assert shown_big.members[0].name == "Lò Văn Lớn"
    assert window.editor.save(), window.editor.last_error
    assert store.get_household(small.id).members[0].name == "Quàng Văn Mới"
    assert store.get_household(big.id).members[0].name == "Lò Văn Lớn"
    built = {id(r) for r in roster.rows + roster.spare}
    assert window.open_household(big.id)
    shown = window.editor.household
    assert [r.editors["name"].value() for r in roster.rows] == [m.name for m in big.members]
    assert roster.rows[1].editors["birth_year"].edit.placeholderText() == "1980"
    # The rows the small household did not need were kept aside, hidden, not built again.
    assert {id(r) for r in roster.rows} == built
    assert all(r.editors["name"].isVisible() for r in roster.rows)
    removed = roster.rows[2]
    ba = removed.member
    from PySide6.QtWidgets import QMessageBox

    from tests.desktop.conftest import when_modal

    when_modal(lambda box: _press(box, "Xoá"), QMessageBox)  # a named member: asked
    removed.remove.click()
    assert [m.name for m in shown.members] == ["Lò Văn Lớn", "Lò Thị Hai"]
    assert len(roster.rows) == 2
    assert not removed.editors["name"].isVisible()
    # A member added takes the row set aside, empty, for this household's new member.
    added = roster.add_member()
    assert roster.rows[2] is removed
    assert roster.rows[2].member is added
    assert removed.editors["name"].isVisible()
    assert removed.editors["name"].value() in ("", None)
    retype(removed.editors["name"].edit, "Lò Văn Tư")  # the window active again after the question
    assert added.name == "Lò Văn Tư"
    assert ba.name == "Lò Văn Ba"  # the member that row showed before, removed
    window.close()


def retype(edit: Any, text: str) -> None:
    """``text`` typed over what ``edit`` holds, key by key into it (its window made active
    again first: a message box just closed may have left none active)."""
    edit.window().activateWindow()
    QApplication.processEvents()
    edit.setFocus()
    edit.selectAll()
    for ch in text:
        QTest.sendKeyEvent(
            QTest.KeyAction.Click, edit, Qt.Key.Key_unknown, ch, Qt.KeyboardModifier.NoModifier
        )


def _press(box: Any, text: str) -> None:
    [button] = [b for b in box.buttons() if b.text().replace("&", "") == text]
    button.click()


def test_a_household_that_cannot_be_saved_is_not_left_without_a_word(
    qtbot: QtBot, app: Any, store: Any, commune_path: Path
) -> None:
    """A new household given a code already used could not be saved; Esc and closing the
    window left it anyway, the refusal shown only in the editor's status line: lost. The
    officer is asked: stay (the default) and correct it, or drop it."""
    from PySide6.QtWidgets import QMessageBox

    from forms.model import Household
    from tests.desktop.conftest import when_modal

    taken = "01-0001"
    store.save_household(Household(code=taken, village=store.villages()[0].name))
    window = open_window(qtbot, store)
    window.add_household()
    editor = window.editor
    try:
        new_id = editor.household.id
        code = editor.identity.code
        proposed = code.text()
        retype(code, taken)
        asked: list[str] = []

        def stay(box: Any) -> None:
            asked.append(box.text())
            _press(box, "Ở lại sửa")

        when_modal(stay, QMessageBox)
        shortcut(Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier)
        qtbot.waitUntil(lambda: bool(asked), timeout=5000)
        assert f"Mã hộ {taken} đã được dùng" in asked[0]
        assert window.stack.currentWidget() is editor  # still there, to be corrected
        # Said beside the code, in red, the field marked; not only in the editor's corner.
        said = editor.identity.code_error
        assert said.isVisible()
        assert said.text().startswith(f"Mã hộ {taken} đã được dùng cho một hộ khác.")
        assert "b00020" in code.styleSheet()
        assert editor.household.id == new_id

        # Closing the window asks too; staying keeps it open.
        when_modal(stay, QMessageBox)
        window.close()
        qtbot.waitUntil(lambda: len(asked) == 2, timeout=5000)
        assert window.isVisible()

        retype(code, proposed)
        shortcut(Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier)  # saves, then leaves
        qtbot.waitUntil(lambda: window.stack.currentWidget() is not editor, timeout=5000)
        assert store.get_household(new_id) is not None
        assert not said.isVisible()
        assert code.styleSheet() == ""

        # Dropping what cannot be saved leaves, and nothing of it is stored.
        window.add_household()
        dropped = editor.household.id
        retype(code, taken)
        when_modal(lambda box: _press(box, "Bỏ thay đổi"), QMessageBox)
        shortcut(Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier)
        qtbot.waitUntil(lambda: window.stack.currentWidget() is not editor, timeout=5000)
        assert store.get_household(dropped) is None
    finally:
        editor.dirty = False  # never a question left for the teardown to wait on


def test_a_member_is_removed_only_once_the_officer_says_so(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    """The row's Xoá removed a member at once, saved a moment later, with no undo."""
    from PySide6.QtWidgets import QMessageBox

    from tests.desktop.conftest import when_modal

    window, editor, roster, first = new_household(qtbot, store)
    retype(roster.editor(first, "name").edit, "Lò Văn Páo")
    blank = roster.add_member()
    asked: list[str] = []

    def answer(text: str) -> Any:
        def act(box: Any) -> None:
            asked.append(box.text())
            _press(box, text)

        return act

    try:
        row = next(r for r in roster.rows if r.member is first)
        when_modal(answer("Không xoá"), QMessageBox)
        row.remove.click()
        assert asked == ["Xoá Lò Văn Páo khỏi danh sách thành viên của hộ?"]
        assert first in editor.household.members
        when_modal(answer("Xoá"), QMessageBox)
        row.remove.click()
        assert first not in editor.household.members
        # A row with nothing typed goes without a question.
        next(r for r in roster.rows if r.member is blank).remove.click()
        assert len(asked) == 2
        assert editor.household.members == []
    finally:
        editor.dirty = False
