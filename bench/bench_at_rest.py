"""The commune file encrypted at rest (issue 20 item 1): a 10,000-household demo commune,
plain and the same file encrypted (SQLCipher 4, raw key, 4096-byte pages, HMAC-SHA512),
measured side by side in one run: opening (the full open-time check included), a search per
keystroke of a name typed letter by letter (count and first page, p95), one save. Goal: the
encrypted file within 1.3x of the plain one."""

from __future__ import annotations

import shutil
import statistics
import time
from pathlib import Path

from bench import CACHE, Row

PASSPHRASE = "ruộng bậc thang mùa lúa chín"
TYPED = "nguyen van"


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else values[0]


def _measure(path: Path, key: bytes | None, rounds: int) -> tuple[float, float, float]:
    from db.records import HouseholdQuery
    from db.store import Store

    opens: list[float] = []
    for _ in range(rounds):
        t = time.perf_counter()
        store = Store.open(path, user="bench", device="bench", key=key)
        opens.append(time.perf_counter() - t)
        store.close()
    store = Store.open(path, user="bench", device="bench", key=key)
    keystrokes: list[float] = []
    try:
        for _ in range(rounds):
            for i in range(1, len(TYPED) + 1):
                q = HouseholdQuery(text=TYPED[:i], limit=50)
                t = time.perf_counter()
                store.count_households(q)
                store.list_households(q)
                keystrokes.append(time.perf_counter() - t)
        household = store.get_household(store.list_households(HouseholdQuery(limit=1))[0].id)
        saves: list[float] = []
        for _ in range(rounds):
            t = time.perf_counter()
            store.save_household(household)
            saves.append(time.perf_counter() - t)
    finally:
        store.close()
    return statistics.median(opens), _p95(keystrokes), statistics.median(saves)


def run(quick: bool) -> list[Row]:
    from db import at_rest, driver
    from db.demo import create_demo_commune

    n = 1_000 if quick else 10_000
    rounds = 3 if quick else 7
    folder = CACHE / "at_rest"
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / f"plain-{n}.sqlite"
    if not source.exists():
        create_demo_commune(source, households=n)
    plain = folder / "plain.sqlite"
    secret = folder / "encrypted.sqlite"
    for p in (plain, secret):
        shutil.rmtree(p.with_name(p.name + ".backups"), ignore_errors=True)
        for extra in ("", ".khoa", "-wal", "-shm"):
            p.with_name(p.name + extra).unlink(missing_ok=True)
        shutil.copyfile(source, p)
    at_rest.encrypt_file(secret, PASSPHRASE)
    driver.forget(secret)
    key = at_rest.key_from_passphrase(secret, PASSPHRASE)
    p_open, p_key, p_save = _measure(plain, None, rounds)
    e_open, e_key, e_save = _measure(secret, key, rounds)
    goal = "≤ 1.3× plain"
    return [
        Row(
            f"open {n:,} households, encrypted (plain = baseline)",
            e_open * 1e3,
            "ms",
            goal,
            p_open * 1e3,
        ),
        Row(
            "search per keystroke p95, encrypted (plain = baseline)",
            e_key * 1e3,
            "ms",
            goal,
            p_key * 1e3,
        ),
        Row("one save, encrypted (plain = baseline)", e_save * 1e3, "ms", goal, p_save * 1e3),
    ]


if __name__ == "__main__":
    for row in run(quick=False):
        ratio = f"{row.ratio:.2f}x" if row.ratio is not None else ""
        print(f"{row.name}: {row.value:.1f} {row.unit} (plain {row.baseline:.1f}) {ratio}")
