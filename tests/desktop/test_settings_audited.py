"""A settings change made with a commune file open is recorded in that file's audit log
(issue 20 item 3): which setting, from what, to what; nothing when nothing changed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QSpinBox

from db import audit
from db.store import Store
from desktop.settings_dialog import SettingsDialog
from rasoat import settings


def settings_events(store: Store) -> list[dict[str, Any]]:
    return [
        json.loads(r[0])
        for r in store.conn.execute(
            "SELECT new FROM audit WHERE tbl = 'events' AND row_id = 'settings' ORDER BY id"
        )
    ]


def test_a_change_is_recorded_in_the_open_file(qtbot: Any, commune_path: Path) -> None:
    settings.update(backups_kept=10)
    with Store.open(commune_path, user="Lò Thị Mai", device="test") as store:
        dialog = SettingsDialog(store=store)
        qtbot.addWidget(dialog)
        days = dialog.editors["backups_kept"]
        assert isinstance(days, QSpinBox)
        days.setValue(4)
        dialog.accept()
        label = settings.BY_KEY["backups_kept"].label_vi
        assert settings_events(store) == [{"changed": {label: [10, 4]}}]

        again = SettingsDialog(store=store)
        qtbot.addWidget(again)
        again.accept()  # nothing changed: no line
        assert len(settings_events(store)) == 1
        assert audit.verify(store.conn) is None
