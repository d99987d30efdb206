"""Certificate numbers are given once per commune and round and reprinted unchanged, whichever
batch is printed first; a household the meeting voted down gets none."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import reports
from db import driver
from db.store import Store
from forms.model import Category
from tests.reports.conftest import VILLAGES


def numbers_in(path: Path) -> dict[str, str]:
    """household code → certificate number, read page by page from the PDF."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    out: dict[str, str] = {}
    for page in text.split("\f"):
        number = re.search(r"Số: (\d{4})/GCN-HN\.HCN", page)
        code = re.search(r"mã hộ: (\d\d-\d{4})", page)
        if number and code:
            out[code.group(1)] = number.group(1)
    return out


def test_numbers_are_stable_across_batches(small_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "xa.sqlite"
    shutil.copy(small_file, path)
    with Store.open(path, user="t", device="t") as store:
        # The second village first: it must not start at 0001.
        village = numbers_in(
            reports.build("certificate", store, tmp_path / "v.pdf", village=VILLAGES[1])
        )
        commune = numbers_in(reports.build("certificate", store, tmp_path / "all.pdf"))
        rnd = store.current_round()
        assert rnd is not None
        rows = list(store.results_for_round(rnd.id))
        rejected = {v.household_id for v in store.meeting_votes(rnd.id) if not v.passed}
    listed = [
        h
        for h, r in rows
        if r.category in (Category.POOR, Category.NEAR_POOR) and h.id not in rejected
    ]
    assert len(commune) == len(listed)
    assert sorted(commune.values()) == [f"{n:04d}" for n in range(1, len(listed) + 1)]
    assert village
    assert all(commune[code] == n for code, n in village.items())
    assert "0001" not in village.values()  # the poor of the first village come first
    with driver.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM certificate_numbers").fetchone()[0] == len(listed)
    # A household voted back in after re-survey gets the next number; nobody else moves.
    (back,) = rejected
    with Store.open(path, user="t", device="t") as store:
        rnd = store.current_round()
        assert rnd is not None
        store.save_meeting_vote(
            back, rnd.id, agree=25, attendees=30, meeting_date=date(2026, 11, 20)
        )
        code = store.get_household(back)
        assert code is not None
        again = numbers_in(reports.build("certificate", store, tmp_path / "again.pdf"))
        alone = numbers_in(
            reports.build("certificate", store, tmp_path / "one.pdf", household_id=back)
        )
    assert again[code.code] == f"{len(listed) + 1:04d}" == alone[code.code]
    assert all(again[c] == n for c, n in commune.items())
