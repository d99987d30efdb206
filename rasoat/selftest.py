"""`rasoat --self-test`: proves an installed copy works end to end, offscreen."""

from __future__ import annotations

import os


def run_self_test() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from desktop.app import create_app
    from desktop.main_window import MainWindow

    app = create_app([])
    window = MainWindow()
    window.show()
    app.processEvents()
    window.close()
    print("self-test: OK")
    return 0
