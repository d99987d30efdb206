"""Legal confidence is shown on one screen (Trợ giúp → Căn cứ pháp lý…) and nowhere an officer
reads a household: not on the forms, the classification panel or the printed form."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel
from pytestqt.qtbot import QtBot

from desktop.legal_basis_dialog import LegalBasisDialog
from desktop.main_window import MainWindow
from forms.legal_basis import legal_basis
from forms.standards import load_standard
from tests.desktop.conftest import poor_household, save_classified

DEVELOPER_WORDS = ("xác nhận", "đối chiếu", "dự thảo")


def test_the_screen_lists_every_rule_of_the_rounds_standard(
    qtbot: QtBot, app: Any, store: Any
) -> None:
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    seen: dict[str, Any] = {}

    def read_and_close() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, LegalBasisDialog)
        seen["standard"] = dialog.standard.currentData()
        seen["rows"] = dialog.rows()
        dialog.only_unsure.setChecked(True)
        seen["unsure"] = dialog.rows()
        dialog.reject()

    QTimer.singleShot(100, read_and_close)
    [action] = [a for a in window.menus["help"].actions() if "Căn cứ pháp lý" in a.text()]
    action.trigger()
    standard = load_standard(store.current_round().standard_id)
    assert seen["standard"] == standard.id
    expected = legal_basis(standard)
    assert [r[1] for r in seen["rows"]] == [b.rule for b in expected]
    assert len(seen["unsure"]) == sum(not b.confirmed for b in expected)
    assert {r[3] for r in seen["unsure"]} <= {"Chưa có văn bản nêu rõ", "Theo văn bản cấp tỉnh"}
    assert [r[3] for r in seen["rows"]] == [b.status_vi for b in expected]
    window.close()


def test_switching_the_standard_shows_its_rules(qtbot: QtBot, app: Any) -> None:
    dialog = LegalBasisDialog("nd07-2022-2025")
    qtbot.addWidget(dialog)
    before = dialog.rows()
    dialog.standard.setCurrentIndex(dialog.standard.findData("nd351-2026-2030"))
    after = dialog.rows()
    assert before != after
    assert any("2026–2030" in r[1] for r in after)


@pytest.mark.parametrize("standard_id", ["nd07-2022-2025", "nd351-2026-2030"])
def test_the_screen_shows_no_developer_note(qtbot: QtBot, app: Any, standard_id: str) -> None:
    """Everything the officer reads on the screen: the intro, the choices, every cell and
    its tooltip, the summary."""
    from tests.forms.test_legal_basis import ASCII_ID, DEVELOPER_TOKENS

    dialog = LegalBasisDialog(standard_id)
    qtbot.addWidget(dialog)
    texts = officer_texts(dialog) + [t for row in dialog.rows() for t in row]
    table = dialog.table
    texts += [table.item(r, c).toolTip() for r in range(table.rowCount()) for c in range(4)]
    found = sorted({t for text in texts for t in DEVELOPER_TOKENS if t in text.casefold()})
    assert found == []
    assert [i for text in texts for i in ASCII_ID.findall(text)] == []
    intro = " ".join(officer_texts(dialog))
    assert "chúng tôi" not in intro
    assert "Theo văn bản cấp tỉnh" in [row[3] for row in dialog.rows()] or standard_id != (
        "nd07-2022-2025"
    )


def officer_texts(widget: Any) -> list[str]:
    texts = []
    for child in widget.findChildren(QLabel) + widget.findChildren(QAbstractButton):
        texts += [child.text(), child.toolTip()]
    return texts


def test_no_legal_note_beside_a_household(
    qtbot: QtBot, app: Any, store: Any, tmp_path: Path
) -> None:
    household = poor_household("H-0001", "Thôn Nà Lầu")
    household.screening["a2"] = True  # Phiếu A exclusion: its source is unconfirmed
    save_classified(store, household)
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    assert window.open_household(household.id)
    editor = window.editor
    texts = []
    for _title, page in editor.steps:
        editor.stack.setCurrentWidget(page)
        QApplication.processEvents()
        texts += officer_texts(window)
    result = editor.recompute()
    texts += [*result.reasons, *result.warnings, *(o.reason for o in result.indicators)]
    found = sorted({w for t in texts for w in DEVELOPER_WORDS if w in t.casefold()})
    assert found == []

    # The printed household form, as the officer signs it.
    from reports import build

    pdf = tmp_path / "phieu.pdf"
    build(
        "household_form",
        store,
        pdf,
        fmt="pdf",
        round_id=store.current_round().id,
        household_id=household.id,
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Phiếu" in text or "PHIẾU" in text
    assert [w for w in DEVELOPER_WORDS if w in text.casefold()] == []
    window.close()
