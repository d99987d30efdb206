"""Certificate-number conflicts on the conflicts screen (issue 15 item 2): two laptops that
both numbered the round disagree; after the merge the officer sees each disagreement beside
the households' conflicts, with both numbers and both household codes, and decides it from
the keyboard (Alt+G keeps this file's number, Alt+N takes the package's)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from db import certificates
from db.exchange.merge import import_package
from db.store import Store
from desktop.merge_conflicts_dialog import MergeConflictsDialog
from tests.db.exchange.test_certificate_numbers import decide_and_number, export_all, numbers
from tests.reports.conftest import VILLAGES, build_commune


@pytest.fixture
def disagreeing(tmp_path: Path) -> tuple[Path, dict[str, int], dict[str, int], str, str]:
    """File A after importing B's package: B numbered the list as it stood, A after its
    meeting sent B's 0001 back, so 0001 is another household's here."""
    base = build_commune(tmp_path / "xa.db", 40, VILLAGES)
    a = Path(shutil.copy(base, tmp_path / "may-a.db"))
    b = Path(shutil.copy(base, tmp_path / "may-b.db"))
    decide_and_number(b, "may-b")
    theirs = numbers(b)
    sent_back = next(code for code, n in theirs.items() if n == 1)
    decide_and_number(a, "may-a", vote_down=sent_back)
    mine = numbers(a)
    holder = next(code for code, n in mine.items() if n == 1)
    package = export_all(b, "may-b", tmp_path / "b.rasoat")
    with Store.open(a, user="Cán bộ", device="may-a") as store:
        import_package(store, package)
    return a, mine, theirs, sent_back, holder


def cells(dialog: MergeConflictsDialog) -> dict[str, tuple[str, str]]:
    t = dialog.table
    return {
        t.item(r, 0).text(): (t.item(r, 1).text(), t.item(r, 2).text()) for r in range(t.rowCount())
    }


def test_certificate_conflicts_are_shown_and_decided_from_the_keyboard(
    qtbot: Any, app: Any, disagreeing: tuple[Path, dict[str, int], dict[str, int], str, str]
) -> None:
    path, mine, theirs, sent_back, holder = disagreeing
    with Store.open(path, user="Cán bộ", device="may-a") as store:
        waiting = certificates.open_conflicts(store.conn)
        assert waiting
        dialog = MergeConflictsDialog(store)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        # Alt+letter reaches only the active window, as on the officer's screen.
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow)
        texts = [dialog.list.item(i).text() for i in range(dialog.list.count())]
        assert len(texts) == len(waiting)
        row = next(i for i, t in enumerate(texts) if t.startswith(sent_back))
        assert texts[row] == f"{sent_back} — số GCN chưa có số / 0001"
        dialog.list.setFocus()
        dialog.list.setCurrentRow(row)
        shown = cells(dialog)
        assert shown[f"Số của hộ {sent_back}"] == ("chưa có số", "0001")
        assert shown["Số 0001 là của hộ"] == (holder, sent_back)
        assert shown["Máy cấp số trong gói"] == ("", "may-b")
        assert f"hộ {holder} mất số 0001" in dialog.detail.text()
        assert dialog.keep_button.text() == "&Giữ số của xã"
        assert dialog.take_button.text() == "&Nhận số trong gói"
        dialog.grab().save(str(path.parent / "conflicts-certificate.png"))

        # Alt+N: the sent-back household takes B's 0001; its holder here gives it up.
        qtbot.keyClick(dialog.list, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
        # A mnemonic "animates" the button's click: it lands a moment later.
        qtbot.waitUntil(lambda: dialog.list.count() == len(waiting) - 1)
        rnd = store.current_round()
        assert rnd is not None
        by_code = {h.id: h.code for h, _r in store.results_for_round(rnd.id)}
        now = {by_code[h]: n for h, n in certificates.numbers(store.conn, rnd.id).items()}
        assert now[sent_back] == 1
        assert holder not in now

        # The holder's own conflict now reads its number as it is here: none.
        texts = [dialog.list.item(i).text() for i in range(dialog.list.count())]
        assert f"{holder} — số GCN chưa có số / {theirs[holder]:04d}" in texts
        # Alt+G on another household's: this file's number stands.
        dialog.list.setCurrentRow(next(i for i, t in enumerate(texts) if holder not in t))
        nxt = dialog.current()
        assert isinstance(nxt, certificates.CertificateConflict)
        assert nxt.kind == "two_numbers"
        assert cells(dialog)[f"Số của hộ {nxt.code}"] == (
            f"{mine[nxt.code]:04d}",
            f"{theirs[nxt.code]:04d}",
        )
        qtbot.keyClick(dialog.list, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(lambda: dialog.list.count() == len(waiting) - 2)
        kept = {by_code[h]: n for h, n in certificates.numbers(store.conn, rnd.id).items()}
        assert kept[nxt.code] == mine[nxt.code]
        audit = store.conn.execute(
            "SELECT COUNT(*) FROM audit WHERE tbl = 'certificate_conflicts'"
        ).fetchone()[0]
        assert audit == 2


def test_the_import_dialog_offers_the_conflicts_of_certificate_numbers(
    qtbot: Any, app: Any, tmp_path: Path
) -> None:
    from desktop.import_dialog import ImportDialog

    base = build_commune(tmp_path / "xa.db", 40, VILLAGES)
    a = Path(shutil.copy(base, tmp_path / "may-a.db"))
    b = Path(shutil.copy(base, tmp_path / "may-b.db"))
    decide_and_number(b, "may-b")
    sent_back = next(code for code, n in numbers(b).items() if n == 1)
    decide_and_number(a, "may-a", vote_down=sent_back)
    package = export_all(b, "may-b", tmp_path / "b.rasoat")
    with Store.open(a, user="Cán bộ", device="may-a") as store:
        dialog = ImportDialog(store)
        qtbot.addWidget(dialog)
        dialog.set_package(package)
        dialog.start_import()
        qtbot.waitUntil(lambda: dialog.receipt is not None, timeout=20000)
        assert dialog.receipt is not None
        # No household conflict: only numbers wait, and the officer is still led to them.
        assert not dialog.receipt.conflicts
        assert dialog.conflicts_button.isEnabled()
