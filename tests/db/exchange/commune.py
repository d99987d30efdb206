"""Commune files for the merge tests: a real Store file, copied to 'laptops'."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from db import driver
from db.records import CommuneInfo
from db.store import Store
from forms.model import Area
from tests.db.exchange.records import household

COMMUNE = CommuneInfo("10", "Tỉnh Lào Cai", "10105", "Xã Tân Lập", Area.RURAL)


def make_commune(path: Path, households: int, seed: int = 3) -> Path:
    rng = random.Random(seed)
    with Store.create(path, COMMUNE, user="Cán bộ xã", device="may-xa") as store:
        store.start_round(2026, "nd351-2026-2030")
        for i in range(households):
            store.save_household(household(i, rng))
    return path


def copy_to(src: Path, dst: Path) -> Path:
    shutil.copyfile(src, dst)
    return dst


def table_dump(path: Path) -> dict[str, list[tuple]]:
    """Every data table's rows, sorted: equality means nothing was written."""
    conn = driver.connect(path)
    try:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'search%'"
                " AND name != 'surveyors' AND name != 'sqlite_sequence'"
            )
        ]
        return {n: sorted(conn.execute(f"SELECT * FROM {n}").fetchall(), key=repr) for n in names}
    finally:
        conn.close()
