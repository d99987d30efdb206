"""Creating the QApplication: font, translations, error handling; then the main window."""

from __future__ import annotations

import logging
import sys
from typing import Any

from PySide6.QtCore import QCoreApplication, QLocale, Qt, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

import resources
from rasoat import APP_NAME, __version__

log = logging.getLogger(__name__)


def create_app(argv: list[str] | None = None) -> QApplication:
    """The one QApplication (tests get theirs from pytest-qt and call ``configure_app``)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv if argv is not None else sys.argv[:1])
    configure_app(app)
    return app


def configure_app(app: QApplication) -> None:
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName("rasoat")
    # Be Vietnam Pro is shipped, so diacritics look the same on every laptop, old Windows
    # installs with poor Vietnamese fonts included.
    family = None
    for style in ("regular", "bold", "italic", "bolditalic"):
        font_id = QFontDatabase.addApplicationFont(str(resources.font_path(style)))
        if font_id >= 0 and family is None:
            families = QFontDatabase.applicationFontFamilies(font_id)
            family = families[0] if families else None
    if family:
        app.setFont(QFont(family, 10))
    install_translator(app)
    from desktop.wheel_guard import install_wheel_guard

    install_wheel_guard(app)


def install_translator(app: QApplication, locale: str | None = None) -> QTranslator | None:
    """UI strings are written in Vietnamese; a .qm in resources/i18n translates them (e.g. en).
    Qt's own texts (buttons, file and print dialogs) get our Vietnamese unless another
    language's catalogue is found."""
    name = locale or QLocale.system().name()
    if name.startswith("vi"):
        install_vietnamese_qt(app)
        return None
    translator = QTranslator(app)
    if translator.load(str(resources.resource_path("i18n", f"rasoat_{name.split('_')[0]}.qm"))):
        app.installTranslator(translator)
        return translator
    install_vietnamese_qt(app)
    return None


def install_vietnamese_qt(app: QApplication) -> None:
    from desktop.qt_strings import install_qt_strings

    install_qt_strings(app)
    # Qt's own file and print dialogs, which speak our Vietnamese, rather than the system's,
    # which speak the language Windows was installed in (often English on these laptops).
    app.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs, True)


def run_gui(path: str | None = None) -> int:
    app = create_app()
    from desktop.error_dialog import install_excepthook
    from rasoat import crash

    # From here an unexpected error is logged and shown as a short message; the app goes on.
    install_excepthook()
    # A fatal error leaves its trace in the log folder; the last unclean exit is reported.
    previous = crash.start()
    sweep_spool()
    from desktop.main_window import MainWindow

    window = MainWindow()
    window.show()
    app.processEvents()
    open_startup_file(window, path)
    if previous is not None:
        from desktop.crash_notice import show_crash_notice
        from rasoat.logs import current_log_file

        show_crash_notice(window, previous, current_log_file())
    try:
        return app.exec()
    finally:
        crash.end()


def sweep_spool() -> None:
    """What a workbook being written when a previous Rà soát was killed left in its spool
    folder (a list's names in plain text, ``reports.spool``) removed at the start."""
    import logging

    from reports import spool

    try:
        removed = spool.sweep()
    except OSError:
        logging.getLogger(__name__).warning("spool sweep failed", exc_info=True)
        return
    if removed:
        logging.getLogger(__name__).info("removed %d spool folder(s) left", len(removed))


def open_startup_file(window: Any, path: str | None) -> None:
    """Opens the requested, last or demo file; a failure leaves the empty window with a
    message, never a traceback."""
    from desktop.commune_file import startup_file

    try:
        target = startup_file(path)
    except Exception:
        log.exception("preparing the start-up file failed")
        window.statusBar().showMessage(
            QCoreApplication.translate(
                "MainWindow", "Không chuẩn bị được tệp xã mẫu (đã ghi nhật ký)."
            )
        )
        return
    # On the demo commune the window says so in a line of its own (MainWindow.demo_banner).
    window.open_path(target)
