"""The message at start-up after the app closed unexpectedly (see ``rasoat.crash``): what
happened, what is kept, which household to look at again, where the details are."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from rasoat.crash import PreviousSession


def _tr(text: str) -> str:
    # Filed under MainWindow, whose texts the translator is asked for (like report_runner).
    return QCoreApplication.translate("MainWindow", text)


def notice_text(previous: PreviousSession, store: Any, log_file: Path) -> str:
    parts = [previous.summary()]
    if store is not None:
        parts.append(
            _tr("Tệp xã {name} đã được mở lại và kiểm tra: không có lỗi.").format(
                name=Path(str(store.path)).name
            )
        )
    parts.append(_tr("Chi tiết đã ghi vào nhật ký: {log}").format(log=log_file))
    return "\n\n".join(parts)


def show_crash_notice(parent: QWidget, previous: PreviousSession, log_file: Path) -> QMessageBox:
    """Shown once, after the start-up file opened; not modal, so the officer can go straight
    to the household it names. Returns the box (tests read it)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(_tr("Rà soát đã đóng bất thường lần trước"))
    box.setText(notice_text(previous, getattr(parent, "store", None), log_file))
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.button(QMessageBox.StandardButton.Ok).setText(_tr("Đã hiểu"))
    box.setModal(False)
    box.show()
    return box
