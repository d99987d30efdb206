"""The commune file encrypted at rest (issue 20 item 1): a 10,000-household demo commune,
plain and the same file encrypted (SQLCipher 4, raw key, 4096-byte pages, HMAC-SHA256),
measured side by side in one run: opening as the window opens it (header, id, version and
the schema read; the page check runs after, in a worker, and is measured on its own row), a
search per keystroke of a name typed letter by letter (count and first page, p95), one edit
saved (a household's note changed, then save_household; 200 saves, the files alternating
save by save, wall and CPU time). Goal: the encrypted file within 1.3x of the plain one.
The saves alternate with a third copy too, encrypted as files were before 2026-12-03 (HMAC-
SHA512, SQLCipher's default, through sqlcipher_export), which such files still cost, and with
a fourth, encrypted as files were until ba28f78: through sqlcipher_export, which copies every
table and index in key order, so every index leaf is full and a save splits the leaves it
adds an entry to (about 17 pages written a save against 10-11 in the plain file, until the
leaves have split). ``db.at_rest.export`` copies rows one by one, the leaves keeping the room
they have in the plain file grown by saves; the fourth copy is that change's before. One more row
runs the plain file through Debian's own sqlite3 module (the same Store, its connections made
by the standard library) against the SQLCipher build every file now goes through, for the
plain file's cost of the driver switch."""

from __future__ import annotations

import os
import shutil
import sqlite3
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench import CACHE, Row

PASSPHRASE = "ruộng bậc thang mùa lúa chín"
TYPED = "nguyen van"


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else values[0]


class _DebianConnection(sqlite3.Connection):
    rasoat_key: bytes | None = None


@contextmanager
def _debian_sqlite3() -> Iterator[None]:
    """Every connection db.driver makes comes from the standard library's sqlite3 (Debian's
    libsqlite3) meanwhile: a plain file only, and nothing here raises a database error."""
    from db import driver

    raw = driver._raw_connect  # type: ignore[attr-defined]

    def connect(target: str, *, uri: bool = False, factory: Any = None, **kw: Any) -> Any:
        return sqlite3.connect(target, uri=uri, factory=_DebianConnection, **kw)

    driver._raw_connect = connect  # type: ignore[attr-defined,assignment]
    try:
        yield
    finally:
        driver._raw_connect = raw  # type: ignore[attr-defined]


def _measure(path: Path, key: bytes | None, rounds: int) -> dict[str, float]:
    from db.records import HouseholdQuery
    from db.store import Store

    opens: list[float] = []
    for _ in range(rounds):
        t = time.perf_counter()
        store = Store.open(path, user="bench", device="bench", key=key, check=False)
        opens.append(time.perf_counter() - t)
        store.close()
    check = _page_check(path, key)
    store = Store.open(path, user="bench", device="bench", key=key, check=False)
    keystrokes: list[float] = []
    try:
        for _ in range(rounds):
            for i in range(1, len(TYPED) + 1):
                q = HouseholdQuery(text=TYPED[:i], limit=50)
                t = time.perf_counter()
                store.count_households(q)
                store.list_households(q)
                keystrokes.append(time.perf_counter() - t)
        saves = _saves([store], SAVES_QUICK if rounds < 7 else SAVES, "một tệp")[0]
    finally:
        store.close()
    return {
        "open": statistics.median(opens),
        "check": check,
        "keystroke": _p95(keystrokes),
        "save": statistics.median(w for w, _cpu in saves),
    }


def _page_check(path: Path, key: bytes | None) -> float:
    """Seconds of the page check the window runs in a worker after opening."""
    from db import driver

    conn = driver.connect(str(path), key=key)
    try:
        t = time.perf_counter()
        conn.execute("PRAGMA integrity_check").fetchall()
        return time.perf_counter() - t
    finally:
        conn.close()


def _alternating_reads(
    plain: Path, secret: Path, key: bytes, rounds: int
) -> dict[str, dict[str, float]]:
    """Opening and searching, the plain and the encrypted file alternating open by open and
    keystroke by keystroke (which goes first alternating too): figures of 1-4 ms measured one
    file after the other moved with the shared machine's load more than with the file."""
    from db.records import HouseholdQuery
    from db.store import Store

    files = {"plain": (plain, None), "encrypted": (secret, key)}
    opens: dict[str, list[float]] = {name: [] for name in files}
    keystrokes: dict[str, list[float]] = {name: [] for name in files}
    names = list(files)
    for n in range(rounds * 3):
        for name in names if n % 2 else reversed(names):
            path, k = files[name]
            t = time.perf_counter()
            store = Store.open(path, user="bench", device="bench", key=k, check=False)
            opens[name].append(time.perf_counter() - t)
            store.close()
    stores = {
        name: Store.open(path, user="bench", device="bench", key=k, check=False)
        for name, (path, k) in files.items()
    }
    try:
        n = 0
        for _ in range(rounds):
            for i in range(1, len(TYPED) + 1):
                q = HouseholdQuery(text=TYPED[:i], limit=50)
                for name in names if n % 2 else reversed(names):
                    t = time.perf_counter()
                    stores[name].count_households(q)
                    stores[name].list_households(q)
                    keystrokes[name].append(time.perf_counter() - t)
                n += 1
    finally:
        for store in stores.values():
            store.close()
    return {
        name: {"open": statistics.median(opens[name]), "keystroke": _p95(keystrokes[name])}
        for name in files
    }


# A save is 1-4 ms, most of it the WAL's fsync, whose time the shared disk decides: a few
# saves measure the disk, not the file. So 200 saves each, the two files alternating save by
# save (which goes first alternating too), wall and CPU time apart.
SAVES = 200
SAVES_QUICK = 20


class _PageCounts:
    """Pages a connection read from disk (cache misses: each decrypted and authenticated in an
    encrypted file) and wrote (to the WAL at commit: each encrypted), as sqlite3_db_status
    counts them. The connection's sqlite3 handle is the first field after the object header of
    a sqlcipher3 (pysqlite) Connection; checked against the file's name before it is used."""

    MISS, WRITE = 8, 9  # SQLITE_DBSTATUS_CACHE_MISS, SQLITE_DBSTATUS_CACHE_WRITE

    def __init__(self, conn: Any, path: Path) -> None:
        import ctypes

        import sqlcipher3._sqlite3 as module  # type: ignore[import-not-found]

        lib = ctypes.CDLL(module.__file__)
        lib.sqlite3_db_status.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.sqlite3_db_status.argtypes += [ctypes.POINTER(ctypes.c_int)] * 2 + [ctypes.c_int]
        lib.sqlite3_db_filename.restype = ctypes.c_char_p
        lib.sqlite3_db_filename.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        self._lib, self._ctypes = lib, ctypes
        self._db = ctypes.c_void_p.from_address(id(conn) + object.__basicsize__).value
        name = lib.sqlite3_db_filename(self._db, b"main")
        if name is None or Path(os.fsdecode(name)).resolve() != path.resolve():
            raise RuntimeError(f"no sqlite3 handle of {path.name} found in its connection")

    def now(self) -> tuple[int, int]:
        """(pages read, pages written) since the connection opened."""
        ctypes = self._ctypes
        out = []
        for op in (self.MISS, self.WRITE):
            current, high = ctypes.c_int(), ctypes.c_int()
            self._lib.sqlite3_db_status(self._db, op, ctypes.byref(current), ctypes.byref(high), 0)
            out.append(current.value)
        return out[0], out[1]


def _saves(
    stores: list[Any], count: int, label: str, pages: list[list[int]] | None = None
) -> list[list[tuple[float, float]]]:
    """``count`` households' notes changed and saved in each store, one store after the other
    for each household; (wall, CPU) seconds of each save_household. ``label`` makes the notes
    new for each call (a save that changes nothing writes nothing). ``pages``: one [read,
    written] a store, to which the pages each save read from disk and wrote are added."""
    from db.records import HouseholdQuery

    counters = [_PageCounts(s.conn, s.path) for s in stores] if pages is not None else []
    ids = [h.id for h in stores[0].list_households(HouseholdQuery(limit=count))]
    out: list[list[tuple[float, float]]] = [[] for _ in stores]
    for n, household_id in enumerate(ids):
        order = list(range(len(stores)))
        if n % 2:
            order.reverse()
        for i in order:
            household = stores[i].get_household(household_id)
            assert household is not None
            household.note = f"Đã xác minh lại tại nhà ({label}), lần {n + 1}"
            assert household != stores[i].get_household(household_id)
            before = counters[i].now() if counters else (0, 0)
            c = time.process_time()
            t = time.perf_counter()
            stores[i].save_household(household)
            out[i].append((time.perf_counter() - t, time.process_time() - c))
            if pages is not None:
                after = counters[i].now()
                pages[i][0] += after[0] - before[0]
                pages[i][1] += after[1] - before[1]
    return out


def _alternating_saves(
    files: dict[str, tuple[Path, bytes | None]], count: int
) -> dict[str, dict[str, float]]:
    """Median wall and CPU seconds of a save in each of ``files`` (name: path, key), the
    files taking turns save by save."""
    from db.store import Store

    stores = [
        Store.open(path, user="bench", device="bench", key=key, check=False)
        for path, key in files.values()
    ]
    pages = [[0, 0] for _ in stores]
    try:
        measured = _saves(stores, count, f"{len(files)} tệp xen kẽ", pages)
    finally:
        for store in stores:
            store.close()
    return {
        name: {
            "wall": statistics.median(w for w, _ in saves),
            "cpu": statistics.median(c for _, c in saves),
            "read": read / count,
            "written": written / count,
        }
        for name, saves, (read, written) in zip(files, measured, pages, strict=True)
    }


def _sqlcipher_export(src: Any, target: str) -> None:
    src.execute("SELECT sqlcipher_export(?)", (target,))


def _encrypted_as_before(path: Path, hmac: str | None = "HMAC_SHA512") -> bytes:
    """``path`` encrypted through sqlcipher_export, as files were until ba28f78, and with
    ``hmac`` (SQLCipher's default HMAC-SHA512: as before 2026-12-03); its key."""
    from db import at_rest, driver

    new, export = driver.HMAC, at_rest.export
    driver.HMAC = hmac or new
    at_rest.export = _sqlcipher_export
    try:
        at_rest.encrypt_file(path, PASSPHRASE)
    finally:
        driver.HMAC, at_rest.export = new, export
    driver.forget(path)
    return at_rest.key_from_passphrase(path, PASSPHRASE)


def run(quick: bool) -> list[Row]:
    from db import at_rest, driver
    from db.demo import create_demo_commune
    from db.store import Store

    n = 1_000 if quick else 10_000
    rounds = 3 if quick else 7
    folder = CACHE / "at_rest"
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / f"plain-{n}.sqlite"
    if not source.exists():
        create_demo_commune(source, households=n)
    # The schema brought up to date once, so that no copy's first open migrates it (a step
    # that builds an index leaves it packed full in that copy alone).
    Store.open(source, user="bench", device="bench", check=False).close()
    plain = folder / "plain.sqlite"
    secret = folder / "encrypted.sqlite"
    before = folder / "encrypted-sha512.sqlite"
    exported = folder / "encrypted-exported.sqlite"
    (folder / "plain-packed.sqlite").unlink(missing_ok=True)  # the copy this one replaced
    for p in (plain, secret, before, exported):
        shutil.rmtree(p.with_name(p.name + ".backups"), ignore_errors=True)
        for extra in ("", ".khoa", "-wal", "-shm"):
            p.with_name(p.name + extra).unlink(missing_ok=True)
        shutil.copyfile(source, p)
    at_rest.encrypt_file(secret, PASSPHRASE)
    driver.forget(secret)
    key = at_rest.key_from_passphrase(secret, PASSPHRASE)
    before_key = _encrypted_as_before(before)
    exported_key = _encrypted_as_before(exported, None)
    debian = folder / "plain-debian.sqlite"
    for extra in ("", "-wal", "-shm"):
        debian.with_name(debian.name + extra).unlink(missing_ok=True)
    shutil.rmtree(debian.with_name(debian.name + ".backups"), ignore_errors=True)
    shutil.copyfile(source, debian)
    with _debian_sqlite3():
        deb = _measure(debian, None, rounds)
    pl = _measure(plain, None, rounds)
    # Opening, searching and saving the encrypted file are measured alternating with the
    # plain one below; of the one-file figures only its page check is needed.
    encrypted_check = _page_check(secret, key)
    load = os.getloadavg()[0]
    saved = _alternating_saves(
        {
            "plain": (plain, None),
            "encrypted": (secret, key),
            "before": (before, before_key),
            "exported": (exported, exported_key),
        },
        SAVES_QUICK if quick else SAVES,
    )
    load = max(load, os.getloadavg()[0])
    read = _alternating_reads(plain, secret, key, rounds)
    goal = "≤ 1.3× plain"
    return [
        Row(
            f"open {n:,} households as the window does, encrypted (plain = baseline), "
            "median of opens alternating",
            read["encrypted"]["open"] * 1e3,
            "ms",
            goal,
            read["plain"]["open"] * 1e3,
        ),
        Row(
            "page check after opening (worker), encrypted (plain = baseline)",
            encrypted_check * 1e3,
            "ms",
            "in the background",
            pl["check"] * 1e3,
        ),
        Row(
            "search per keystroke p95, encrypted (plain = baseline), keystrokes alternating",
            read["encrypted"]["keystroke"] * 1e3,
            "ms",
            goal,
            read["plain"]["keystroke"] * 1e3,
        ),
        Row(
            "one edit saved, encrypted (plain = baseline), median of saves alternating",
            saved["encrypted"]["wall"] * 1e3,
            "ms",
            goal,
            saved["plain"]["wall"] * 1e3,
        ),
        Row(
            "same, CPU time of the save",
            saved["encrypted"]["cpu"] * 1e3,
            "ms",
            "",
            saved["plain"]["cpu"] * 1e3,
            f"1-minute load average up to {load:.1f}",
        ),
        Row(
            "pages a save read from disk, encrypted (plain = baseline); encrypted through "
            f"sqlcipher_export as until ba28f78: {saved['exported']['read']:.1f}",
            saved["encrypted"]["read"],
            "pages",
            "",
            saved["plain"]["read"],
        ),
        Row(
            "pages a save wrote, encrypted (plain = baseline); encrypted through "
            f"sqlcipher_export as until ba28f78: {saved['exported']['written']:.1f}",
            saved["encrypted"]["written"],
            "pages",
            "",
            saved["plain"]["written"],
        ),
        Row(
            "one edit saved, a file encrypted through sqlcipher_export as until ba28f78 (index "
            "leaves packed full; plain = baseline), the same saves",
            saved["exported"]["wall"] * 1e3,
            "ms",
            # No goal on this row: it is the layout change's before, a file encrypted
            # earlier (its leaves split by its saves in time).
            "",
            saved["plain"]["wall"] * 1e3,
        ),
        Row(
            "same, CPU time of the save",
            saved["exported"]["cpu"] * 1e3,
            "ms",
            "",
            saved["plain"]["cpu"] * 1e3,
        ),
        Row(
            "one edit saved, a file encrypted before 2026-12-03 (HMAC-SHA512; plain = "
            "baseline), the same saves",
            saved["before"]["wall"] * 1e3,
            "ms",
            "",
            saved["plain"]["wall"] * 1e3,
        ),
        Row(
            "same, CPU time of the save",
            saved["before"]["cpu"] * 1e3,
            "ms",
            "",
            saved["plain"]["cpu"] * 1e3,
        ),
        Row(
            "open, plain file, SQLCipher build (Debian sqlite3 = baseline)",
            pl["open"] * 1e3,
            "ms",
            "",
            deb["open"] * 1e3,
        ),
        Row(
            "page check, plain file, SQLCipher build (Debian sqlite3 = baseline)",
            pl["check"] * 1e3,
            "ms",
            "",
            deb["check"] * 1e3,
        ),
        Row(
            "search per keystroke p95, plain file, SQLCipher build (Debian sqlite3 = baseline)",
            pl["keystroke"] * 1e3,
            "ms",
            "",
            deb["keystroke"] * 1e3,
        ),
        Row(
            "one edit saved, plain file, SQLCipher build (Debian sqlite3 = baseline)",
            pl["save"] * 1e3,
            "ms",
            "",
            deb["save"] * 1e3,
        ),
    ]


if __name__ == "__main__":
    for row in run(quick=False):
        ratio = f"{row.ratio:.2f}x" if row.ratio is not None else ""
        print(
            f"{row.name}: {row.value:.2f} {row.unit} (plain {row.baseline:.2f}) {ratio} {row.note}"
        )
