"""Saves PNGs of the main screens (run by `make screenshot` under Xvfb): a tool for looking at
what we build as a user sees it."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from desktop.app import create_app


def grab(widget: QWidget, path: Path) -> None:
    widget.show()
    widget.raise_()
    for _ in range(5):
        create_app().processEvents()
    widget.grab().save(str(path))
    print(f"đã lưu {path}")


def main(out_dir: str) -> int:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    app = create_app([])
    from desktop.main_window import MainWindow

    window = MainWindow()
    grab(window, out / "main-window.png")
    QTimer.singleShot(0, app.quit)
    app.exec()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
