"""Qt's own texts in Vietnamese: standard buttons (Yes/No/Cancel…), file and print dialogs,
the context menus of text boxes.

PySide6 ships no Vietnamese catalogue for Qt (``qtbase_vi.qm`` does not exist), so an officer
saw "Look in", "File name", "Cancel" and "Yes"/"No" in the middle of a Vietnamese app. The
texts are data, ``resources/i18n/qt_vi.toml`` (context → English source → Vietnamese), served
by a translator installed for the whole application. Anything not in the table falls through
to the next translator, then to the source text, so our own Vietnamese ``tr()`` texts and an
English build are untouched.
"""

from __future__ import annotations

import tomllib
from functools import cache

from PySide6.QtCore import QCoreApplication, QTranslator

import resources

TABLE = ("i18n", "qt_vi.toml")


@cache
def table() -> dict[str, dict[str, str]]:
    with resources.resource(*TABLE).open("rb") as f:
        data = tomllib.load(f)
    return {context: dict(texts) for context, texts in data.items()}


class QtStringsVi(QTranslator):
    """A translator over the table: one dictionary look-up per Qt text."""

    def __init__(self, parent: QCoreApplication | None = None) -> None:
        super().__init__(parent)
        self._table = table()

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        # None (a null QString), not "": Qt takes an empty string as the translation and asks
        # no further, which blanked every text of ours.
        texts = self._table.get(context)
        return texts.get(source) if texts else None

    def isEmpty(self) -> bool:
        return False

    def language(self) -> str:
        return "vi"


def install_qt_strings(app: QCoreApplication) -> QtStringsVi:
    existing = app.findChild(QtStringsVi)
    if existing is not None:
        return existing
    translator = QtStringsVi(app)
    app.installTranslator(translator)
    return translator
