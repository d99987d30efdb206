"""Greying what the signed-in user's role may not do, inside a dialog or a page (issue 20
item 2): the same question the db operations ask before they refuse (``db.users.refusal``),
asked beforehand so the button is disabled and its tooltip says why, rather than a refusal
after the officer has typed everything."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from forms.roles import Action


def gate(store: Any, action: Action, *widgets: QWidget, village: str | None = None) -> str | None:
    """Disable ``widgets`` when the signed-in user may not do ``action`` (in ``village``),
    each telling why in its tooltip. Returns the reason, or None. Allowed, the widgets'
    enabled state stays their owner's (nothing selected, no round); only a tooltip this
    function set for an earlier user is taken back."""
    from db import users

    reason = users.refusal(store, action, village) if store is not None else None
    for w in widgets:
        if reason is not None:
            w.setEnabled(False)
            w.setToolTip(reason)
            w.setProperty("role_refusal", True)
        elif w.property("role_refusal"):
            w.setToolTip("")
            w.setProperty("role_refusal", False)
    return reason
