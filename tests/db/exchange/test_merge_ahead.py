"""``rasoat merge`` with the next package read in a second process (``merge_ahead``): the
same rows, audit chain and receipts as one after another; a bad package in the middle
refused by name, the ones before it kept, nothing of it written; the reader killed half-way
said in Vietnamese, the packages after it read here. Real packages, files and processes."""

from __future__ import annotations

import multiprocessing
import os
import re
import shutil
import signal
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from db import audit, driver
from db.exchange import merge_stream
from db.exchange.errors import PackageError
from db.exchange.merge import merge_package
from db.exchange.merge_ahead import STOPPED, read_ahead
from db.exchange.package import Package
from db.store import Store
from rasoat.cli import build_parser, main
from rasoat.commands import exchange
from tests.db.exchange.test_merge_stream import (
    TRUSTED,
    _commune,
    _package,
    _tampered,
)

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_NOW = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z")


def _dump(path: Path) -> list[tuple[str, list[tuple[object, ...]]]]:
    """Every table's rows in the order written, the audit chain verified. What the clock
    sets differs from run to run: times of the merge (those of the packages are older) are
    ``<now>``, each id is numbered by where it first appears (ids made at writing are
    time-ordered), the chain's hashes (over the times) left out."""
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    numbered: dict[str, str] = {}

    def same(value: object) -> object:
        if not isinstance(value, str):
            return value
        value = _NOW.sub(lambda m: "<now>" if m[0].startswith(today) else m[0], value)
        return _UUID.sub(lambda m: numbered.setdefault(m[0], f"<id {len(numbered)}>"), value)

    with Store.open(path, user="Cán bộ xã", device="may-xa") as store:
        conn = store.conn
        assert audit.verify(conn) is None
        out = []
        tables = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " ORDER BY name"
        ).fetchall()
        for (table,) in tables:
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            kept = [c for c in cols if (table, c) != ("audit", "hash")]
            try:
                rows = conn.execute(f"SELECT {', '.join(kept)} FROM {table} ORDER BY rowid")
            except driver.Error:  # WITHOUT ROWID: its primary key's order
                rows = conn.execute(f"SELECT {', '.join(kept)} FROM {table}")
            out.append((table, [tuple(map(same, row)) for row in rows]))
        return out


def _merge(db: Path, paths: list[Path], *, ahead: bool, extra: tuple[str, ...] = ()) -> int:
    args = build_parser().parse_args(
        [
            "merge",
            str(db),
            *map(str, paths),
            "--trust-device",
            TRUSTED[0],
            "--allow-unsigned",
            *extra,
        ]
    )
    return exchange.run_merge(args, ahead=ahead)


def _packages(folder: Path) -> list[Path]:
    """Four packages: held, lean (beyond ``HOLD``, 10 here), changing a household of the
    file (a conflict), unsigned."""
    mine = _commune(folder / "xa.db")
    paths = []
    for i, (n, signed) in enumerate(((8, True), (14, True), (5, True), (6, False))):
        p = _package(folder / f"p{i}.rasoat", n, mine if i == 2 else None, signed=signed)
        paths.append(p)
    return paths


def _retagged(path: Path, n: int, prefix: str) -> Path:
    """A package of ``n`` other households (codes starting ``prefix``)."""
    from db.exchange.package import read_package, write_package
    from tests.db.exchange.test_merge_stream import KEY, ROUND

    package = _package(path, n)
    recs = read_package(package).records
    for i, rec in enumerate(recs):
        rec.household.code = f"{prefix}{i:05d}"
    header = {"app_version": "test", "commune": {"code": "10105"}}
    write_package(path, header, {"rounds": [ROUND]}, recs, signer=KEY)
    return path


READ = merge_stream.read_for_merge


def _read_here(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The packages read in this process from now on (the reader's are not seen here)."""
    here: list[Path] = []

    def reading(path: Path, **kwargs: Any) -> Package:
        here.append(path)
        return READ(path, **kwargs)

    monkeypatch.setattr(merge_stream, "read_for_merge", reading)
    return here


def test_overlapped_merge_writes_what_one_after_another_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(merge_stream, "HOLD", 10)  # the child is told, not monkeypatched
    paths = _packages(tmp_path)
    one = tmp_path / "xa.db"
    both = shutil.copyfile(one, tmp_path / "xa-2.db")
    assert _merge(one, paths, ahead=False) == 0
    said = capsys.readouterr().out
    before = _dump(both)
    here = _read_here(monkeypatch)
    assert _merge(both, paths, ahead=True) == 0
    assert here == paths[:2]  # the others read in the second process
    assert capsys.readouterr().out.replace(str(both), str(one)) == said
    assert _dump(one) != before
    assert "p3.rasoat" in said
    assert "xung đột chờ quyết định" in said  # codes taken, the household changed on both sides
    assert _dump(one) == _dump(both)


def _four(folder: Path) -> list[Path]:
    """Four packages of other households: the third is the first the reader reads (the
    first two are read in the main process while it starts)."""
    return [_retagged(folder / f"p{i}.rasoat", 4 + i, "ABCD"[i]) for i in range(4)]


@pytest.mark.parametrize("bad", ["tampered", "other_commune"])
def test_bad_package_in_the_middle(
    bad: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _commune(tmp_path / "xa.db")
    paths = _four(tmp_path)
    middle = paths[2]
    if bad == "tampered":
        _tampered(middle, tmp_path / "t.rasoat")
        shutil.copyfile(tmp_path / "t.rasoat", middle)
    else:
        from db.exchange.package import read_package, write_package
        from tests.db.exchange.test_merge_stream import KEY, ROUND

        recs = read_package(middle).records
        header = {"app_version": "test", "commune": {"code": "99999"}}
        write_package(middle, header, {"rounds": [ROUND]}, recs, signer=KEY)
    skipped = shutil.copyfile(tmp_path / "xa.db", tmp_path / "xa-2.db")
    assert _merge(tmp_path / "xa.db", paths, ahead=True) == 1
    out = capsys.readouterr().out
    for name in ("p0", "p1", "p3"):
        assert f"{name}.rasoat: " in out
        assert f"{name}.rasoat: KHÔNG" not in out
    assert "p2.rasoat: KHÔNG NHẬP — " in out
    assert "Traceback" not in out
    # What the three good packages alone write, one after another.
    assert _merge(skipped, [p for p in paths if p != middle], ahead=False) == 0
    assert _dump(tmp_path / "xa.db") == _dump(skipped)


def test_changed_after_the_child_read_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A lean package read and checked in the child, then rewritten before it is written:
    refused at its second reading (the merge's transaction rolled back), the packages
    before and after it merged as they would be without it."""
    here = _one_changed_after_it_was_read(tmp_path, monkeypatch, 2)
    assert [p.name for p in here] == ["p0.rasoat", "p1.rasoat"]  # the third and fourth: the child


def _one_changed_after_it_was_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, changed: int
) -> list[Path]:
    """The four packages (``_four``) read ahead and merged, package ``changed`` (lean)
    rewritten once read: it alone refused at its second reading, by name, and the file as
    the three others alone make it. The packages read here, not in the child."""
    db = tmp_path / "xa.db"
    _commune(db)
    paths = _four(tmp_path)
    skipped = shutil.copyfile(db, tmp_path / "xa-2.db")
    here = _read_here(monkeypatch)
    refused = []
    with Store.open(db, user="Cán bộ xã", device="may-xa", seen=False) as store:
        for path, package in read_ahead(paths, _keys, hold=0):
            assert isinstance(package, Package)
            if path == paths[changed]:
                _tampered(path, tmp_path / "t.rasoat")
                shutil.copyfile(tmp_path / "t.rasoat", path)
            try:
                merge_package(store, package, source_name=path.name, trusted=TRUSTED)
            except PackageError as exc:
                refused.append((path, str(exc)))
    name = paths[changed].name
    assert [(p, f"Gói {name} đã thay đổi trong khi đang nhập" in m) for p, m in refused] == [
        (paths[changed], True)
    ]
    with Store.open(skipped, user="Cán bộ xã", device="may-xa", seen=False) as store:
        for path in paths[:changed] + paths[changed + 1 :]:
            package = READ(path, hold=0)
            merge_package(store, package, source_name=path.name, trusted=TRUSTED)
    assert _dump(db) == _dump(skipped)
    return list(here)


def _kill_once_it_waits_on_the_fifo() -> None:
    """The reader killed once the kernel says it waits in opening a FIFO (so it has started,
    said so, and is reading the package). A writer opened to see that let it go on, and on a
    busy machine it refused the FIFO (no seeking in it) before the kill: a flaky test."""
    (child,) = multiprocessing.active_children()
    wchan = Path(f"/proc/{child.pid}/wchan")
    for _ in range(6_000):
        if wchan.read_text() == "wait_for_partner":
            break
        time.sleep(0.01)
    assert wchan.read_text() == "wait_for_partner"
    os.kill(child.pid or 0, signal.SIGKILL)


def _keys(_path: Path) -> tuple[str | None, str | None]:
    return None, None


def test_reader_killed_half_way(tmp_path: Path) -> None:
    """The child killed while it reads the third package (a FIFO nobody ever writes to: it
    waits in opening it): that package refused in Vietnamese, at once; the fourth read
    here."""
    _commune(tmp_path / "xa.db")
    paths = [_retagged(tmp_path / f"p{i}.rasoat", 4, f"{'ABCD'[i]}") for i in range(4)]
    waiting = tmp_path / "p2-fifo.rasoat"
    os.mkfifo(waiting)
    paths[2] = waiting
    got = read_ahead(paths, _keys)
    path, package = next(got)
    assert path == paths[0]
    assert isinstance(package, Package)
    _kill_once_it_waits_on_the_fifo()
    rest = list(got)
    assert [p for p, _ in rest] == paths[1:]
    assert isinstance(rest[0][1], Package)  # read before the kill
    refused = rest[1][1]
    assert isinstance(refused, PackageError)
    assert str(refused) == STOPPED.format(name=waiting.name)
    assert "Gói này chưa được gộp" in str(refused)
    assert isinstance(rest[2][1], Package)
    assert not multiprocessing.active_children()


def test_cli_reads_ahead_and_says_each_package(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``rasoat merge`` itself (the command line, a second process): each package's line."""
    _commune(tmp_path / "xa.db")
    paths = [_retagged(tmp_path / f"p{i}.rasoat", 3, "ABC"[i]) for i in range(3)]
    missing = tmp_path / "khong-co.rasoat"
    code = main(
        ["merge", str(tmp_path / "xa.db"), str(paths[0]), str(missing), *map(str, paths[1:])]
        + ["--trust-device", TRUSTED[0]]
    )
    out = capsys.readouterr().out
    assert code == 1
    lines = [line.split(":")[0] for line in out.splitlines() if ".rasoat:" in line]
    assert lines == ["p0.rasoat", "khong-co.rasoat", "p1.rasoat", "p2.rasoat"]
    assert "khong-co.rasoat: KHÔNG NHẬP" in out
    assert not multiprocessing.active_children()


_SPAWN = multiprocessing.get_context("spawn")


class _NoProcesses:
    """A spawn context whose processes cannot start (a locked-down laptop)."""

    def Pipe(self) -> Any:
        return _SPAWN.Pipe()

    def Process(self, **_kwargs: Any) -> Any:
        raise OSError("no processes here")


def test_no_second_process_reads_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _commune(tmp_path / "xa.db")
    paths = [_retagged(tmp_path / f"p{i}.rasoat", 3, "ABC"[i]) for i in range(3)]
    monkeypatch.setattr(
        "db.exchange.merge_ahead.multiprocessing.get_context", lambda _how: _NoProcesses()
    )
    got = list(read_ahead(paths, _keys))
    assert [p for p, _ in got] == paths
    assert all(isinstance(package, Package) for _, package in got)


def test_closed_early_leaves_no_reader(tmp_path: Path) -> None:
    """The caller stopping half-way (a failure of the file): the reader, still waiting on a
    package nobody will take (a FIFO nobody writes to), is ended, not left behind."""
    _commune(tmp_path / "xa.db")
    paths = [_retagged(tmp_path / f"p{i}.rasoat", 3, "AB"[i]) for i in range(2)]
    waiting = tmp_path / "p2-fifo.rasoat"
    os.mkfifo(waiting)
    got = read_ahead([*paths, waiting], _keys)
    assert next(got)[0] == paths[0]
    assert len(multiprocessing.active_children()) == 1
    got.close()
    assert not multiprocessing.active_children()


def test_a_reader_that_stopped_while_idle_is_not_given_a_package(tmp_path: Path) -> None:
    """The child gone between two packages (killed while it waited for the next path): the
    next package is not sent into a closed pipe and then refused as one it stopped
    reading (review V2); ``request`` says it was not taken, and ``read_ahead`` reads it
    here."""
    from db.exchange.merge_ahead import _Reader

    reader = _Reader.start()
    assert reader is not None
    os.kill(reader.pid or 0, signal.SIGKILL)
    reader._process.join(30)
    assert reader.request(tmp_path / "p.rasoat", (None, None), merge_stream.HOLD) is False
    assert reader.stopped
    reader.close()
    assert not multiprocessing.active_children()
