from __future__ import annotations

from typing import Any

from pytestqt.qtbot import QtBot

from desktop.store_bridge import StoreBridge
from forms.model import Household


def test_every_write_reaches_the_gui_as_one_signal(qtbot: QtBot, app: Any, store: Any) -> None:
    bridge = StoreBridge(store)
    h = Household(code="S1", village="Thôn Nà Lầu")
    with qtbot.waitSignal(bridge.changed, timeout=1000) as blocker:
        store.save_household(h)
    kind, ids = blocker.args
    assert kind == "household"
    assert h.id in ids
    bridge.detach()
    with qtbot.assertNotEmitted(bridge.changed):
        store.save_household(h)
