"""A surveyor's afternoon in the real window: the suite once passed while the app aborted after
a few hundred edits and froze on every print, because no test used the app the way a person
does. This one does, from the keyboard, with the real event loop and the real worker threads,
and a watchdog on the GUI thread: no gap of over a second between its ticks, no deadlock.

It is the gate for moving a locked dependency (``make upgrade-deps``). ``make soak`` plays
the same driver for 50,000+ events (``tests/desktop/session_driver.py``)."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QLocale
from pytestqt.qtbot import QtBot

from desktop.main_window import MainWindow
from forms.model import Area, Category
from tests.desktop.session_driver import (
    COMMUNE,
    PROVINCE,
    SURVEYOR,
    VILLAGES,
    Session,
    expected_result,
    paper_households,
)

# Every test here times the GUI thread with a watchdog: `make test` runs them before the
# others, by themselves (a second test process's disk writes once held this thread 1.8 s).
pytestmark = pytest.mark.alone

SEED = 20261202
HOUSEHOLDS = 30
MIN_EVENTS = 5_000


@pytest.fixture
def session(qtbot: QtBot, app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("RASOAT_HOME", str(tmp_path / "home"))
    # A laptop set to Vietnamese, as most are: Qt reads numbers by it ("1.500.000").
    before = QLocale()
    QLocale.setDefault(QLocale("vi_VN"))
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    session = Session(window, seed=SEED)
    yield session
    session.watchdog.stop()
    window.close()
    QLocale.setDefault(before)


@pytest.mark.slow
def test_a_surveyors_afternoon(session: Session, tmp_path: Path) -> None:
    window = session.window

    # A new commune from the first-run dialog, by keyboard, into tmp_path.
    session.run(session.create_commune())
    store = window.store
    assert Path(store.path).is_relative_to(tmp_path)
    commune = store.commune()
    assert (commune.province_name, COMMUNE in commune.commune_name) == (PROVINCE, True)
    assert [v.name for v in store.villages()] == list(VILLAGES)
    assert store.current_round().year == 2026
    assert SURVEYOR in {name for name, _device, _last in store.surveyors()}

    # Households typed in from the paper forms, through every category.
    paper = paper_households(random.Random(SEED), HOUSEHOLDS)
    categories = Counter(expected_result(h).category for h in paper)
    assert set(categories) == set(Category), categories
    session.run(session.enter_households(paper))
    assert session.check_saved() == []
    assert session.figures.households == HOUSEHOLDS

    # The village meeting, one vote under half in each village.
    session.run(session.meeting_votes())
    assert session.check_votes() == []
    assert any(a * 2 < t for a, t in session.votes.values())
    # The dashboard's counts per village, counted in a worker (issue 22).
    session.run(session.dashboard())
    # A village's posting, a complaint about a household found by name and its re-check,
    # the commune's decision (asked first: the meeting left households without a category),
    # all from the keyboard.
    session.run(session.posting_and_complaint())
    # Support and a cadre on a household's page (issue 24); they travel in the package below.
    session.run(session.support_and_cadre())
    # A low-income worker's application recorded, accepted and the list printed (issue 18).
    session.run(session.low_income_worker(tmp_path))
    from pypdf import PdfReader

    printed = PdfReader(session.low_income_list).pages
    assert session.low_income_code in " ".join(p.extract_text() for p in printed)

    # Every document of the Báo cáo menu, each format, through the report worker.
    session.run(session.print_everything())
    from reports.catalog import DOCUMENTS

    refused = session.refused
    assert "decision" in refused  # households sent back: refused, naming them
    wanted = [(k, f) for k, spec in DOCUMENTS.items() if k not in refused for f in spec.formats]
    assert session.figures.prints == len(session.printed) == len(wanted)
    refusals = [m for m in session.figures.modals if m.step.startswith("print")]
    assert len(refusals) == sum(len(DOCUMENTS[k].formats) for k in refused if k in DOCUMENTS)
    for out in session.printed:
        data = out.read_bytes()
        assert data.startswith(b"%PDF" if out.suffix == ".pdf" else b"PK"), out

    # A package out and back in: nothing new, nothing in conflict.
    session.run(session.export_and_import(tmp_path))
    receipt = session.receipt
    assert len(receipt.entries) == HOUSEHOLDS
    assert receipt.conflicts == []
    assert receipt.changed == 0
    # The whole commune's slim package for the upper level (issue 20 item 5), seen from
    # above: the summary saved as PDF in a worker (issue 21).
    session.run(session.export_for_upper_level(tmp_path))
    session.run(session.upper_level(tmp_path, package=tmp_path / "cap-tren-1.rasoat"))
    # A village given two cadres, here and on a copy of this file, merged: decided on the
    # conflicts screen (issue 24), with a household edited on both, its member's answer named.
    session.run(session.year_round_conflict(tmp_path))
    # A household open in the editor while a village head's package changing it is merged:
    # shown anew and saved onto the package's version, never its older copy back over it.
    session.run(session.import_while_editing(tmp_path))
    # A decided application seen on its screen, read-only with its decision (issue 24).
    session.run(session.decided_application())
    # Closed and opened again (Tệp xã mở gần đây): every stored document is checked after
    # opening, in the background (issue 16).
    session.run(session.reopen_file())
    store = window.store
    session.run(session.known_devices())
    # The province's B1 threshold file loaded in Thiết lập, from the keyboard (issue 18).
    session.run(session.province_file(tmp_path))
    from db import round_basis

    assert round_basis.resolve(store, "nd351-2026-2030").b1_thresholds[Area.RURAL] == 150
    # One person's data found without diacritics and printed; a deleted household purged
    # (issue 20): the list and the search no longer find it, the audit chain still verifies.
    session.run(session.person_data(tmp_path))
    from db import audit
    from db.records import HouseholdQuery

    gone = session.purged
    assert gone.id not in {r.id for r in store.list_households(HouseholdQuery())}
    assert store.search(gone.code) == []
    assert audit.verify(store.conn) is None
    session.run(session.audit_log(tmp_path))
    session.run(session.restore_window())
    # Users and roles (issue 20 item 2): an officer and a surveyor, a refusal, the lock.
    session.run(session.users_and_lock())
    # A package out and back in by the signed-in officer: the dialogs' worker acts for the
    # window's user (it had nobody signed in, so a file with users refused every import).
    session.run(session.export_and_import(tmp_path, 2))
    assert session.receipt.changed == 0
    assert session.receipt.conflicts == []
    # The commune file encrypted at rest from the menu, reopened with its passphrase and with
    # its recovery key (issue 20 item 1).
    session.run(session.encrypt_file("ruộng bậc thang mùa lúa chín"))
    # Next year's review begun on the same file, with the household editor already built
    # under this year's round: a household saved goes into next year's (year rollover).
    session.run(session.next_review_year())

    figures = session.figures
    unexpected = [m for m in figures.modals if not m.step.startswith("print")]
    assert unexpected == []
    assert figures.events >= MIN_EVENTS
    stalls = session.watchdog.stalls
    assert stalls == [], "the window did not answer:\n" + "\n".join(
        f"{s.seconds:.2f} s in {s.step!r}, the GUI thread's CPU {s.cpu:.2f} s; its stack:\n"
        f"{s.stack}"
        for s in stalls
    )
    print(
        f"\nlong session: {figures.events} events in {figures.seconds:.0f} s "
        f"({figures.events / figures.seconds:.0f}/s), worst gap "
        f"{session.watchdog.worst.seconds * 1000:.0f} ms ({session.watchdog.worst.step})"
    )


def test_the_watchdog_names_the_step_that_stalled(session: Session) -> None:
    import time

    def steps() -> Any:
        session.step("a slow slot")
        time.sleep(1.3)  # the GUI thread busy, as a slot doing a long job would be
        yield

    session.run(steps())
    assert [s.step for s in session.watchdog.stalls] == ["a slow slot"]
    stall = session.watchdog.stalls[0]
    assert stall.seconds > 1.0
    # What the GUI thread was doing, sampled in the gap, and that it was not computing.
    assert "time.sleep(1.3)" in stall.stack
    assert stall.cpu < stall.seconds / 2


def test_a_stuck_gui_thread_fails_instead_of_hanging(qtbot: QtBot, app: Any) -> None:
    import time

    from tests.desktop.session_driver import Watchdog, WatchdogStall

    window = MainWindow()
    qtbot.addWidget(window)
    watchdog = Watchdog(deadlock_s=1.0)
    session = Session(window, seed=SEED, watchdog=watchdog)

    def steps() -> Any:
        session.step("stuck")
        for _ in range(1000):  # 10 s that never give the event loop back
            time.sleep(0.01)
        yield

    try:
        with pytest.raises(WatchdogStall):
            session.run(steps())
        assert watchdog.tripped
    finally:
        watchdog.stop()


def test_a_failure_inside_nested_modals_ends_the_session_instead_of_hanging(
    qtbot: QtBot, app: Any
) -> None:
    """A step that fails while a message is open over a dialog (each in its own exec() loop)
    is reported: the driver closes the modals it no longer drives. It used to hang, the
    watchdog content since the GUI thread kept ticking."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

    from tests.desktop.session_driver import SessionFailure

    window = MainWindow()
    qtbot.addWidget(window)
    session = Session(window, seed=SEED)
    outer = QDialog(window)
    closed: list[str] = []

    def steps() -> Any:
        session.expected_modals = (QDialog,)
        QTimer.singleShot(0, lambda: closed.append(f"outer {outer.exec()}"))
        yield
        yield from session.wait(lambda: QApplication.activeModalWidget() is outer, "outer")
        box = QMessageBox(QMessageBox.Icon.Information, "x", "y", parent=outer)
        QTimer.singleShot(0, lambda: closed.append(f"box {box.exec()}"))
        yield
        yield from session.wait(lambda: QApplication.activeModalWidget() is box, "box")
        raise SessionFailure("the step failed here")

    try:
        with pytest.raises(SessionFailure, match="the step failed here"):
            session.run(steps())
    finally:
        session.watchdog.stop()
    assert QApplication.activeModalWidget() is None
    assert [c.split()[0] for c in closed] == ["box", "outer"]
