"""Texts from data (forms, labels, catalogues, standards, document titles) reach Qt Linguist
and are shown translated once a .qm is installed: the path an English build would take."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtWidgets import QFormLayout, QLabel

from desktop.i18n import CONTEXT, NOOP_FILE, data_strings, noop_source
from desktop.labels import label
from forms import definitions
from forms.model import Category

TOOLS = Path(sys.executable).parent


def test_the_file_for_lupdate_follows_the_data() -> None:
    assert NOOP_FILE.read_text(encoding="utf-8") == noop_source(data_strings()), (
        "forms/ or reports/ data changed: run `python -m desktop.i18n`"
    )


def test_every_form_text_is_listed() -> None:
    strings = set(data_strings())
    for form in (definitions.phieu_a(), definitions.phieu_b1(), definitions.member_questions()):
        for q in form.questions():
            assert q.label in strings
            assert all(o.label in strings for o in q.options)
    assert "Hộ nghèo" in strings  # an enum label from forms.labels


def test_a_translation_made_with_linguist_tools_reaches_the_form(app: Any, tmp_path: Path) -> None:
    ts = tmp_path / "rasoat_en.ts"
    subprocess.run(
        [str(TOOLS / "pyside6-lupdate"), str(NOOP_FILE), "-ts", str(ts)],
        check=True,
        capture_output=True,
    )
    tree = ET.parse(ts)
    messages = tree.findall(f"./context[name='{CONTEXT}']/message")
    assert len(messages) == len(data_strings())
    question = definitions.phieu_a().questions()[0]
    english = {question.label: "First question, in English", "Hộ nghèo": "Poor household"}
    for message in messages:
        source = message.findtext("source")
        if source in english:
            translation = message.find("translation")
            assert translation is not None
            translation.text = english[source]
            translation.attrib.pop("type", None)
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    qm = tmp_path / "rasoat_en.qm"
    subprocess.run(
        [str(TOOLS / "pyside6-lrelease"), str(ts), "-qm", str(qm)],
        check=True,
        capture_output=True,
    )
    translator = QTranslator()
    assert translator.load(str(qm))
    QCoreApplication.installTranslator(translator)
    try:
        from desktop.form_page import FormPage

        page = FormPage(definitions.phieu_a())
        layout, editor = page._rows[question.id]
        assert isinstance(layout, QFormLayout)
        row_label = layout.labelForField(editor)
        assert isinstance(row_label, QLabel)
        assert row_label.text().startswith("First question, in English")
        assert label(Category.POOR) == "Poor household"
    finally:
        QCoreApplication.removeTranslator(translator)
    assert label(Category.POOR) == "Hộ nghèo"
