"""Names from packages and workbooks are shown as text, never as markup (issue 17)."""

from __future__ import annotations

from typing import Any

from pytestqt.qtbot import QtBot

from forms.model import Household, Member, Relationship
from tests.desktop.test_household_editor import open_window

SPOOF = "<span style='color:red;font-size:40px'>Đã duyệt</span>"


def test_the_editor_title_escapes_code_head_and_village(qtbot: QtBot, app: Any, store: Any) -> None:
    h = Household(
        code="<i>H1</i>",
        village=SPOOF,
        members=[Member(name="<b>Giám đốc</b> & co", relationship=Relationship.HEAD)],
    )
    store.save_household(h)
    window = open_window(qtbot, store)
    editor = window.editor
    loaded = store.get_household(h.id)
    assert loaded is not None
    editor.open_household(loaded)
    text = editor.title.text()
    assert "&lt;i&gt;H1&lt;/i&gt;" in text
    assert "&lt;b&gt;Giám đốc&lt;/b&gt; &amp; co" in text
    assert "<span" not in text
    assert text.startswith("<b>Hộ ")  # the label's own markup stays
