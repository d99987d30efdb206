"""The GUI's one door to storage: a QObject that turns ``Store.subscribe`` reports into a Qt
``changed`` signal, so every screen refreshes from the same write path (Anki-style)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal


class StoreBridge(QObject):
    """Owns the open Store; screens read through ``store`` and listen to ``changed``.

    ``changed`` carries the change kind (e.g. "household") and the ids it touched.
    """

    changed = Signal(str, list)

    def __init__(self, store: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        subscribe = getattr(store, "subscribe", None)
        if subscribe is not None:
            subscribe(self._on_change)

    def _on_change(self, change: Any) -> None:
        kind = str(getattr(change, "kind", "")) or "unknown"
        ids = [str(i) for i in getattr(change, "ids", ()) or ()]
        self.changed.emit(kind, ids)

    def close(self) -> None:
        close = getattr(self.store, "close", None)
        if close is not None:
            close()
