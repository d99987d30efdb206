"""The question before a destructive step: buttons that say what they do, and the safe one
chosen by default (Enter and Esc both keep things as they are)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def confirm_destructive(
    parent: QWidget | None,
    title: str,
    question: str,
    do_text: str,
    keep_text: str,
    details: str = "",
) -> bool:
    """True only when the officer chose ``do_text`` (e.g. "&Xoá") over ``keep_text``."""
    box = QMessageBox(QMessageBox.Icon.Question, title, question, parent=parent)
    if details:
        box.setInformativeText(details)
    do = box.addButton(do_text, QMessageBox.ButtonRole.YesRole)
    keep = box.addButton(keep_text, QMessageBox.ButtonRole.NoRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.exec()
    box.deleteLater()
    return box.clickedButton() is do
