"""Texts from data (forms, labels, catalogues, standards, document titles) reach Qt Linguist
and are shown translated once a .qm is installed: the path an English build would take."""

from __future__ import annotations

import ast
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


TR_CALLS = ("tr", "translate")
EXCHANGE_DIALOGS = (
    "import_dialog",
    "export_dialog",
    "excel_import_dialog",
    "merge_conflicts_dialog",
)


def test_the_exchange_dialogs_texts_reach_linguist(tmp_path: Path) -> None:
    """The import, export, Excel import and conflict dialogs' texts are extracted, each under
    the class whose ``tr`` looks it up at run time (an empty context would never be found)."""
    desktop = Path(__file__).resolve().parents[2] / "desktop"
    ts = tmp_path / "exchange.ts"
    subprocess.run(
        [str(TOOLS / "pyside6-lupdate")]
        + [str(desktop / f"{name}.py") for name in EXCHANGE_DIALOGS]
        + ["-ts", str(ts)],
        check=True,
        capture_output=True,
    )
    found = {
        (context.findtext("name"), message.findtext("source"))
        for context in ET.parse(ts).getroot().iter("context")
        for message in context.iter("message")
    }
    for wanted in (
        ("ImportDialog", "Nhập / gộp gói dữ liệu"),
        ("ImportDialog", "&Lưu biên nhận…"),
        ("ImportDialog", "Không dùng được tệp này: {error}"),
        ("JobDialog", "Đang xử lý, hãy chờ đến khi xong rồi đóng."),
        ("ExportDialog", "Xuất gói dữ liệu"),
        ("ExportDialog", "&In hoặc lưu khoá khôi phục…"),
        ("ExportDialog", "Hai lần nhập mật khẩu không khớp."),
        ("ExcelImportDialog", "Nhập danh sách hộ nghèo, cận nghèo năm trước từ Excel"),
        ("ExcelImportDialog", "&Ghi vào tệp của xã"),
        ("ExcelImportDialog", "Hộ cận nghèo"),  # a choice listed at module level
        ("MergeConflictsDialog", "Xung đột khi gộp dữ liệu"),
        ("MergeConflictsDialog", "Đóng"),
        ("MergeConflictsDialog", "&Nhận bản trong gói"),
        ("MergeConflictsDialog", "Ghi chú"),  # a field name of the side-by-side table
    ):
        assert wanted in found
    # tr(f"…") would be extracted as written but looked up filled in: never found.
    for name in EXCHANGE_DIALOGS:
        tree = ast.parse((desktop / f"{name}.py").read_text(encoding="utf-8"))
        for call in ast.walk(tree):
            if isinstance(call, ast.Call) and getattr(call.func, "attr", "") in TR_CALLS:
                assert not any(isinstance(a, ast.JoinedStr) for a in call.args), (
                    f"{name}.py:{call.lineno}: an f-string passed to {call.func.attr}()"
                )


def test_every_extracted_text_sits_under_a_class_that_looks_it_up(tmp_path: Path) -> None:
    """Qt looks a text up under the class name of the object whose ``tr`` is called.
    lupdate files ``window.tr("…")`` under "window", and texts after a function nested in a
    loop under no name at all: such texts were extracted but could never be found."""
    desktop = Path(__file__).resolve().parents[2] / "desktop"
    ts = tmp_path / "all.ts"
    subprocess.run(
        [str(TOOLS / "pyside6-lupdate"), *map(str, sorted(desktop.glob("*.py"))), "-ts", str(ts)],
        check=True,
        capture_output=True,
    )
    contexts = {c.findtext("name") for c in ET.parse(ts).getroot().iter("context")}
    classes = {
        node.name
        for path in desktop.glob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef)
    }
    assert "MainWindow" in contexts
    assert contexts - classes == set()
