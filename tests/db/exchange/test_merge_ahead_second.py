"""``read_ahead``'s second package: read by the reader process when the first is large
(``merge_ahead.LARGE``, set low here), in the main process when it is small; with it read
there, the same rows, refusals and receipts, the passwords asked in the officer's order,
a package changed after the child read it refused, the child killed while it reads it said
for it. Real packages, files and processes."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
from pathlib import Path

import pytest

from db.exchange import merge_ahead, merge_stream
from db.exchange.errors import PackageError
from db.exchange.merge_ahead import STOPPED, read_ahead
from db.exchange.package import Package
from tests.db.exchange.test_merge_ahead import (
    _dump,
    _four,
    _keys,
    _kill_once_it_waits_on_the_fifo,
    _merge,
    _one_changed_after_it_was_read,
    _packages,
    _read_here,
    _retagged,
)
from tests.db.exchange.test_merge_stream import _commune


def test_a_large_first_package_has_the_child_read_the_second(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held, lean, conflicting and unsigned packages: with the second read in the child,
    what one after another writes and says."""
    monkeypatch.setattr(merge_stream, "HOLD", 10)  # the child is told, not monkeypatched
    paths = _packages(tmp_path)
    one = tmp_path / "xa.db"
    both = shutil.copyfile(one, tmp_path / "xa-2.db")
    assert _merge(one, paths, ahead=False) == 0
    said = capsys.readouterr().out
    monkeypatch.setattr(merge_ahead, "LARGE", paths[0].stat().st_size)
    here = _read_here(monkeypatch)
    assert _merge(both, paths, ahead=True) == 0
    assert here == paths[:1]  # the second (lean: read again here), third, fourth in the child
    assert capsys.readouterr().out.replace(str(both), str(one)) == said
    assert "p3.rasoat" in said
    assert _dump(one) == _dump(both)


def test_a_small_first_package_has_the_second_read_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _commune(tmp_path / "xa.db")
    paths = _four(tmp_path)
    monkeypatch.setattr(merge_ahead, "LARGE", paths[0].stat().st_size + 1)
    here = _read_here(monkeypatch)
    got = list(read_ahead(paths, _keys))
    assert [p for p, _ in got] == paths
    assert all(isinstance(package, Package) for _, package in got)
    assert here == paths[:2]


def test_two_large_packages_start_no_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _commune(tmp_path / "xa.db")
    paths = _four(tmp_path)[:2]
    monkeypatch.setattr(merge_ahead, "LARGE", 0)
    here = _read_here(monkeypatch)
    got = read_ahead(paths, _keys)
    assert next(got)[0] == paths[0]
    assert not multiprocessing.active_children()
    assert [p for p, _ in got] == paths[1:]
    assert here == paths


@pytest.mark.parametrize("refused", [None, 1])
def test_passwords_asked_in_the_officer_s_order(
    refused: int | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each package's password asked once, in order, the second's before the first is
    given; one refused (no terminal to ask on) is refused by name, the child reading the
    next."""
    _commune(tmp_path / "xa.db")
    paths = _four(tmp_path)
    monkeypatch.setattr(merge_ahead, "LARGE", 0)
    asked: list[Path] = []

    def secrets(path: Path) -> tuple[None, None]:
        asked.append(path)
        if refused is not None and path == paths[refused]:
            raise PackageError("Không có bàn phím để hỏi mật khẩu")
        return None, None

    got = read_ahead(paths, secrets)
    assert next(got)[0] == paths[0]
    assert asked == (paths[:2] if refused is None else paths[:3])
    rest = list(got)
    assert asked == paths
    assert [p for p, _ in rest] == paths[1:]
    for path, package in rest:
        if refused is not None and path == paths[refused]:
            assert isinstance(package, PackageError)
            assert "Không có bàn phím" in str(package)
        else:
            assert isinstance(package, Package)


def test_the_second_changed_after_the_child_read_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second package, lean, read in the child, rewritten before it is written:
    refused at its second reading, the others merged as without it."""
    monkeypatch.setattr(merge_ahead, "LARGE", 0)
    here = _one_changed_after_it_was_read(tmp_path, monkeypatch, 1)
    assert [p.name for p in here] == ["p0.rasoat"]


def test_the_reader_killed_while_it_reads_the_second(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The child killed while it reads the second package (a FIFO nobody writes to): that
    one refused in Vietnamese, the third and fourth read here."""
    _commune(tmp_path / "xa.db")
    paths = [_retagged(tmp_path / f"p{i}.rasoat", 4, "ABCD"[i]) for i in range(4)]
    waiting = tmp_path / "p1-fifo.rasoat"
    os.mkfifo(waiting)
    paths[1] = waiting
    monkeypatch.setattr(merge_ahead, "LARGE", 0)
    here = _read_here(monkeypatch)
    got = read_ahead(paths, _keys)
    path, package = next(got)
    assert path == paths[0]
    assert isinstance(package, Package)
    _kill_once_it_waits_on_the_fifo()
    rest = list(got)
    assert [p for p, _ in rest] == paths[1:]
    assert isinstance(rest[0][1], PackageError)
    assert str(rest[0][1]) == STOPPED.format(name=waiting.name)
    assert all(isinstance(package, Package) for _, package in rest[1:])
    assert here == [paths[0], *paths[2:]]
    assert not multiprocessing.active_children()


def test_a_reader_gone_before_the_second_has_it_read_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The child stopped before it is given the second package: read here, as the rest,
    its password asked once."""
    _commune(tmp_path / "xa.db")
    paths = _four(tmp_path)
    monkeypatch.setattr(merge_ahead, "LARGE", 0)
    started = merge_ahead._Reader.start

    def gone(wait: float = merge_ahead.READ_WAIT) -> merge_ahead._Reader | None:
        reader = started(wait)
        assert reader is not None
        os.kill(reader.pid or 0, signal.SIGKILL)
        reader._process.join(30)
        return reader

    monkeypatch.setattr(merge_ahead._Reader, "start", staticmethod(gone))
    here = _read_here(monkeypatch)
    asked: list[Path] = []

    def secrets(path: Path) -> tuple[None, None]:
        asked.append(path)
        return None, None

    got = list(read_ahead(paths, secrets))
    assert all(isinstance(package, Package) for _, package in got)
    assert here == asked == paths
    assert not multiprocessing.active_children()
