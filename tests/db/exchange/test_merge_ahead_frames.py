"""A package's pickle crossing from the merge's reader process a frame at a time
(``merge_ahead._send``, ``_Frames``): never held whole by the writer; the reader
stopping half-way through said for that package, its pickling failing read again here, a
pickle that cannot be read here ending the reader. Real packages and processes; a thread
stands in for the child where a failure must be made to happen inside it."""

from __future__ import annotations

import multiprocessing
import pickle
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from db.exchange import merge_ahead, merge_stream
from db.exchange.errors import PackageError
from db.exchange.merge_ahead import STOPPED, _Frames, _Reader, _send, read_ahead
from db.exchange.merge_prepare import PreparedPackage, prepare_package
from db.exchange.package import Package, PackageRecord
from tests.db.exchange.test_merge_prepare import _distinct

FRAME = 64 * 1024 + 1024  # the pickler's frames, with the opcode that ends one


def _keys(_path: Path) -> tuple[str | None, str | None]:
    return None, None


def _whole(package: Package) -> list[PackageRecord]:
    """The records of a package as they crossed, made whole (``merge_stream.again``)."""
    return list(merge_stream.again(package, {r.household.id for r in package.records}))


def _frames_seen(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The size of each message of a pickle received here from now on."""
    seen: list[int] = []
    receive = _Frames._next

    def counted(self: _Frames) -> bool:
        more = receive(self)
        seen.append(len(self._frame))
        return more

    monkeypatch.setattr(_Frames, "_next", counted)
    return seen


def test_a_package_crosses_a_frame_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = [_distinct(tmp_path, k, 4 if k < 2 else 120) for k in range(3)]
    seen = _frames_seen(monkeypatch)
    got = list(read_ahead(paths, _keys))
    assert [p for p, _ in got] == paths
    crossed = got[2][1]
    assert isinstance(crossed, Package)
    # Held (lean, with the bytes of its own pickle): whole again as it was read there.
    assert all(merge_stream.is_held(r) for r in crossed.records)
    assert _whole(crossed) == merge_stream.read_for_merge(paths[2]).records
    assert len(seen) > 5  # the child's package: several frames, then the empty end
    assert seen[-1] == 0
    # A frame ends after the opcode that passes 64 KB: a held record's bytes at most.
    held = max(len(r.household.pickled) for r in crossed.records)  # type: ignore[attr-defined]
    assert max(seen) <= FRAME + held
    assert not multiprocessing.active_children()


def test_the_reader_killed_while_it_sends(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Killed once its first frame has come (the rest cannot all be in the pipe): that
    package refused in Vietnamese as one it stopped reading, the next read here."""
    paths = [_distinct(tmp_path, k, 4 if k != 2 else 400) for k in range(4)]
    receive = _Frames._next
    killed: list[int] = []

    def killing(self: _Frames) -> bool:
        more = receive(self)
        if not killed:
            (child,) = multiprocessing.active_children()
            child.kill()
            child.join(30)
            killed.append(child.exitcode or 0)
        return more

    monkeypatch.setattr(_Frames, "_next", killing)
    got = list(read_ahead(paths, _keys))
    assert len(killed) == 1
    assert killed[0] < 0  # by the signal
    assert [p for p, _ in got] == paths
    refused = got[2][1]
    assert isinstance(refused, PackageError)
    assert str(refused) == STOPPED.format(name=paths[2].name)
    assert isinstance(got[3][1], Package)
    assert not multiprocessing.active_children()


class _Child:
    """The process of a reader whose child is a thread here."""

    def __init__(self) -> None:
        self.terminated = False

    def is_alive(self) -> bool:
        return True

    def terminate(self) -> None:
        self.terminated = True

    def join(self, _timeout: float | None = None) -> None:
        pass


class _Unpicklable:
    def __reduce__(self) -> Any:
        raise MemoryError


def _reader(then: Any) -> tuple[_Reader, _Child, threading.Thread]:
    """A reader whose child, a thread, runs ``then(its end of the pipe)``."""
    here, there = multiprocessing.Pipe()
    child = _Child()
    thread = threading.Thread(target=then, args=(there,), daemon=True)
    thread.start()
    return _Reader(child, here), child, thread


def _prepared(folder: Path, n: int) -> PreparedPackage:
    prepared = prepare_package(merge_stream.read_for_merge(_distinct(folder, 5, n)))
    assert isinstance(prepared, PreparedPackage)
    return prepared


def test_a_package_crosses_in_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Parts of 7 records (each a pickle of its own): the package back whole, in order, each
    # record with its own preparation (the same household and results objects).
    monkeypatch.setattr(merge_ahead, "PART", 7)
    pickles = list(merge_ahead._parts(_prepared(tmp_path, 40)))
    assert len(pickles) == 1 + 6 + 1
    package = _prepared(tmp_path, 40)
    # What it holds before it is sent (spent as it crosses: ``_parts``).
    records, prepared = list(package.records), dict(package.prepared)
    reader, process, thread = _reader(lambda conn: _send(conn, package))
    crossed = reader.receive("p5.rasoat")
    thread.join(30)
    assert isinstance(crossed, PreparedPackage)
    assert _whole(crossed) == records
    assert crossed.prepared.keys() == prepared.keys()
    assert package.records == []
    assert package.prepared == {}
    assert (crossed.manifest, crossed.commune, crossed.signer) == (
        package.manifest,
        package.commune,
        package.signer,
    )
    for rec in crossed.records:
        assert crossed.prepared[rec.household.id].fits(rec)
    assert not reader.stopped
    assert not process.terminated


def test_pickling_failing_in_the_reader_reads_the_package_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(merge_ahead, "PART", 7)
    package = _prepared(tmp_path, 30)
    records = list(package.records)
    # Failing in its third part: two sent before the failure.
    failing = replace(
        package, records=[*package.records[:20], _Unpicklable()], prepared=dict(package.prepared)
    )

    def child(conn: Any) -> None:
        _send(conn, failing)
        conn.send(("PackageError", "Gói p3.rasoat bị hỏng."))
        _send(conn, package)

    reader, process, thread = _reader(child)
    assert reader.receive("p2.rasoat") is None  # read here
    assert not reader.stopped
    # In step with the child: what it sends next is read as it was sent.
    refused = reader.receive("p3.rasoat")
    assert isinstance(refused, PackageError)
    assert str(refused) == "Gói p3.rasoat bị hỏng."
    again = reader.receive("p4.rasoat")
    assert isinstance(again, PreparedPackage)
    assert _whole(again) == records
    thread.join(30)
    assert not process.terminated


def test_a_pickle_not_read_here_ends_the_reader() -> None:
    def child(conn: Any) -> None:
        conn.send(("read", None))
        conn.send_bytes(b"\x00not a pickle")
        conn.send_bytes(pickle.dumps("more the reader would send"))

    reader, process, thread = _reader(child)
    assert reader.receive("p2.rasoat") is None  # read here
    assert reader.stopped
    thread.join(30)
    reader.close()
    assert process.terminated  # out of step: not waited for


def test_frames_read_across_messages() -> None:
    # The unpickler asks for any length: a read, a readinto and a line across messages.
    here, there = multiprocessing.Pipe()
    for part in (b"ab", b"c\nde", b"fg\nh", b""):
        there.send_bytes(part)
    frames = _Frames(here)
    assert frames.read(3) == b"abc"
    assert frames.readline() == b"\n"
    buffer = bytearray(4)
    assert frames.readinto(buffer) == 4
    assert bytes(buffer) == b"defg"
    assert frames.readline() == b"\n"
    assert frames.read() == b"h"
    assert frames.ended
    assert frames.read(5) == b""
