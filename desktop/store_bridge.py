"""The GUI's one door to storage: a QObject that turns ``Store.subscribe`` reports into a Qt
``changed`` signal, so every screen refreshes from the same write path (Anki-style)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from db.store import Change, Store


class StoreBridge(QObject):
    """Screens read through ``store`` and listen to ``changed(kind, ids)``, where kind is
    the Change kind ("household", "village", "round", …)."""

    changed = Signal(str, list)

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._unsubscribe = store.subscribe(self._on_change)

    def _on_change(self, change: Change) -> None:
        self.changed.emit(change.kind, [str(i) for i in change.ids])

    def detach(self) -> None:
        """Stops listening (the store is being closed or replaced)."""
        self._unsubscribe()
