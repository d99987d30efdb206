"""A merge of several packages on two cores (issue 22): while package k is planned and
written here, package k+1 is read, authenticated and checked whole in a second process.

``read_ahead`` gives each package of a list in order, read and checked as ``read_for_merge``
gives it (or the ``PackageError`` that refused it); the caller plans and writes it in its
own transaction, as it would have one after another. The reader process (spawn context, as
the registry's readers: ``registry.load``) reads one package at a time and holds at most
one ahead: it sends the decoded ``Package`` (pickled: about a third of reading it in the
main process, measured in docs/benchmarks.md, "merge"), with its records' rows as new
households prepared (``merge_prepare.prepare_package``: the writer's work that depends on the
package only), and waits for the next path. The pickle is made whole in the child before it
crosses (``_send``: made as it crossed, its making waited on the writer's taking it), a
frame (about 64 KB) a message, and is unpickled as it comes (``_Made``, ``_Frames``): the
writer never holds it whole beside the package; it is made in parts of ``PART`` records
(``_parts``), whose pickler's memo, which keeps every object pickled to its end, is no
larger than a part's. A prepared package's records cross held
(``merge_stream.Held``): what the writer reads of a new household, and the record's own
pickle, compressed, unpickled only when the writer needs it whole (issue 22: unpickling and
freeing whole records the writer never read was a tenth of its CPU).

What crosses is only what the child read and checked whole: a package it refused crosses
as its Vietnamese message; a lean package (beyond ``merge_stream.HOLD`` records) crosses
lean and is read again by the writer, its manifest and checksums compared
(``merge_stream.again``), so a package changed after the child read it is refused as
before. The child stopping (killed, out of memory) is said in Vietnamese for the package it
was reading, never waited for: the pipe closes with it. So is the child hung (alive and
silent: a dying USB stick it waits on for ever, a deadlock): while it reads it says how far
it has come (a heartbeat with the records read, ``_serve``), and the writer, waiting for a
package, ends it once ``READ_WAIT`` seconds pass with neither the package nor a heartbeat
(``_Reader.receive``). A slow but working stick keeps it going: every 500 records read is a
heartbeat. The rest are then read here, one after another, as they are when the second
process cannot start (or on one core). Any
other failure of the child's reading (a fault of the program, not of the package) has the
package read again here, where it fails as it did before this module; so is a child that
stopped before it said it had started (the frozen program without ``freeze_support``).

The first package is read here, while the child starts (its imports, about 0.3 s, are
hidden behind it). The second is read here too when the first is small (below ``LARGE``;
the child, started, reads the third): writing a small package takes less than the child
needs to start and read the next, which the writer would wait for. When the first is
larger, it is written while the child reads the second (issue 22: reading it here, and
working out its rows, was about 0.7 s of the writer's, the merge's bottleneck, at 5,000
households). A merge of two packages starts no process. Only the first package is then
sure to be read before the caller opens the commune file (``rasoat merge`` opens it, and
signs the officer in, once the first is taken); what is written is still only what was
read and checked whole: a package changed before the child reads it is read as changed,
as the third and later always were, and a lean one changed between its two readings is
refused.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import fields, replace
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler
from pathlib import Path
from typing import Any, NamedTuple

from db.deep_check import Part, check_part
from db.exchange import merge_stream
from db.exchange.errors import PackageError, PasswordRequiredError, WrongPasswordError
from db.exchange.merge_prepare import HeldPackage, PreparedPackage, held_part, prepare_package
from db.exchange.package import Package
from forms.collector import collector_paused

# What opens a package: (password, recovery key), asked for in the main process (a prompt
# on the terminal) before the package is read, here or in the child.
Secrets = Callable[[Path], tuple[str | None, str | None]]

STOPPED = (
    "Không đọc xong gói {name}: tiến trình đọc gói đã dừng đột ngột (có thể máy thiếu bộ "
    "nhớ). Gói này chưa được gộp; các gói đã gộp trước đó vẫn giữ nguyên. Hãy gộp lại gói "
    "{name}."
)
# The records of a package pickled together (``_parts``): a pickler's memo holds every
# object it has pickled until it ends, 77 MB for the 5,000 households of a package with
# results, prepared (720,000 objects).
PART = 500
# A first package of at least this many bytes: the second is read by the child, which the
# writer then waits for no longer than it saves. Measured (4 packages held open, each size
# alternated, load 1-2): the writer waited for the child's second 0.27-0.34 s at 500 and
# 1,000 households (0.11-0.35 MB), to save 0.06-0.2 s of its CPU; at 3,000 (0.64 MB) it
# waited 0.07-0.11 s and saved 0.4-0.6 s; at 2,000 (0.43 MB; 0.69 MB with results) about
# even. A package with results is larger for as many households, and slower to read and
# write in proportion. The commune's 500 with results is 0.18 MB; a 5,000, 1.1 MB (1.75).
LARGE = 600_000
# How long the writer waits for the package it asked the child for, with neither the package
# nor a heartbeat (the child's "beat": it has read 500 more records, worked out the rows of
# the package or pickled a part of it), before taking the child for hung (``_Reader.receive``):
# ended, and that package refused (``HUNG``), the rest read here. Two minutes: a working stick
# stalls, but not for that long with nothing read: Linux's SCSI layer gives a USB stick's
# command 30 s before it resets the device and tries again, Windows' disk driver as long
# (TimeOutValue), so a read that fails once and then succeeds has stalled about a minute;
# twice ``CHECK_WAIT``, whose own reasoning (a child on a core of its own) does not cover a
# medium. 500 records is 100-200 KB of a package: the slowest stick still read is one under
# about 1 KB/s, which would take half an hour for a commune's 5,000 households (1.75 MB with
# results). A heartbeat is sent at most ``BEATS`` times a window (no more pipe messages than
# that, however fast the reading).
READ_WAIT = 120.0
BEATS = 6
HUNG = (
    "Không đọc xong gói {name}: tiến trình đọc gói không đọc thêm được gì trong {seconds} "
    "giây (có thể ổ USB hoặc thẻ nhớ chứa gói bị lỗi), nên đã bị dừng. Gói này chưa được "
    "gộp; các gói đã gộp trước đó vẫn giữ nguyên, các gói sau được đọc tiếp. Hãy chép gói "
    "{name} vào máy rồi gộp lại."
)
# How long the backup waits for the child's part of its check, past its own part, before
# taking the child for hung and checking that part itself (``_Reader.check``): this many
# seconds at least, or six times what its own part took since it asked (a sound child,
# with a core of its own, takes about 1.5 times that: ``deep_check.SHARE``).
CHECK_WAIT = 60.0
# The refusals that cross by their type (their only argument is the message).
_KINDS: dict[str, type[PackageError]] = {
    cls.__name__: cls for cls in (PackageError, WrongPasswordError, PasswordRequiredError)
}


def read_ahead(
    paths: Sequence[Path],
    secrets: Secrets,
    *,
    ahead: bool = True,
    hold: int | None = None,
    kept: Kept | None = None,
    wait: float = READ_WAIT,
) -> Generator[tuple[Path, Package | PackageError], None, None]:
    """Each of ``paths`` with its package read and checked whole, or what refused it, in
    order. ``ahead=False`` (or two packages at most, or one core): all read here, one after
    another.
    ``hold``: as ``read_for_merge`` (default ``merge_stream.HOLD`` as it is now, in the
    child too). Close the iterator (``contextlib.closing``) to end the child early.
    ``kept``: the child, once every package has been given, is handed to it instead of
    ended (the closing backup's check, ``Kept``). ``wait``: the seconds with neither the
    package nor a heartbeat after which the child is taken for hung (``READ_WAIT``; tests
    take less)."""
    paths = [Path(p) for p in paths]
    hold = merge_stream.HOLD if hold is None else hold
    reader: _Reader | None = None
    if ahead and len(paths) > 2 and _cores() > 1:
        reader = _Reader.start(wait)
    ready: dict[int, Package | PackageError] = {}
    asked: int | None = None  # the package the child is reading
    asked_keys: tuple[str | None, str | None] = (None, None)

    def opened(j: int) -> tuple[str | None, str | None] | PackageError:
        try:
            return secrets(paths[j])
        except PackageError as exc:
            return exc

    def give(j: int, keys: tuple[str | None, str | None] | PackageError | None = None) -> None:
        """Package ``j`` to the child; what opens it asked for first (unless ``keys``)."""
        nonlocal asked, asked_keys, reader
        if reader is None or j >= len(paths) or j in ready:
            return
        keys = opened(j) if keys is None else keys
        if isinstance(keys, PackageError):
            ready[j] = keys
            return
        if not reader.request(paths[j], keys, hold):
            # It had stopped while idle: it never had this package, which is read here,
            # as are the rest (not refused as one it stopped reading).
            reader.close()
            reader = None
            return
        asked, asked_keys = j, keys

    def take() -> Package | PackageError:
        """What the child read (``asked``); it stopping ends it: the rest are read here."""
        nonlocal asked, reader
        assert reader is not None
        assert asked is not None
        j, asked = asked, None
        got = reader.receive(paths[j].name)
        if isinstance(got, HeldPackage):
            # Read again from its file should a held record's bytes fail (``merge_stream``).
            got.path, (got.password, got.recovery_key) = paths[j], asked_keys
        if reader.stopped:
            reader.close()
            reader = None
        return here(j, asked_keys) if got is None else got

    def here(j: int, keys: tuple[str | None, str | None] | PackageError) -> Package | PackageError:
        if isinstance(keys, PackageError):
            return keys
        try:
            return merge_stream.read_for_merge(
                paths[j], password=keys[0], recovery_key=keys[1], hold=hold
            )
        except PackageError as exc:
            return exc

    done = False
    try:
        for k in range(len(paths)):
            if k in ready:
                got = ready.pop(k)
            elif asked == k:
                got = take()
            elif k == 0 and len(paths) > 1:
                first, second = opened(0), opened(1)  # asked in the officer's order
                if reader is not None and _large(paths[0]):
                    # The second read by the child while the first is read here and
                    # written: it has started and read it by then (``LARGE``).
                    give(1, second)
                if asked == 1:
                    got = here(0, first)
                else:
                    # The first two read here while the reader starts (about 0.3 s of
                    # imports, hidden behind them) and reads the third.
                    give(2)
                    got = here(0, first)
                    ready[1] = here(1, second)
            else:
                got = here(k, opened(k))
            if asked is None:
                give(k + 1)
            yield paths[k], got
            del got  # not held while the next one is waited for
        done = True
    finally:
        if reader is not None and kept is not None and done and not reader._owed:
            kept.reader = reader
        elif reader is not None:
            reader.close()


class Kept:
    """The reader process kept, idle, once every package is read (``read_ahead``'s
    ``kept``), to check a part of the closing backup's documents on the second core: a
    ``deep_check.Helper`` (``Store.backup_helper``). Without a reader (two packages or
    fewer, one core, no second process, the reader stopped) it checks nothing: the backup checks
    every document itself. ``close`` ends the reader."""

    def __init__(self) -> None:
        self.reader: _Reader | None = None

    def __call__(
        self, path: Path, key: bytes | None, part: Part
    ) -> Callable[[], list[tuple[str, str]] | None] | None:
        if self.reader is None or self.reader.stopped:
            return None
        return self.reader.check(path, key, part)

    def close(self) -> None:
        if self.reader is not None:
            self.reader.close()
            self.reader = None


def _large(path: Path) -> bool:
    """Whether ``path`` is at least ``LARGE`` bytes (not when it cannot be seen: it is
    read here, and refused as it would be)."""
    try:
        return path.stat().st_size >= LARGE
    except OSError:
        return False


def _cores() -> int:
    """The cores this process may run on (an affinity mask or a container may give fewer
    than the machine has); a second process on one core would only add its own work."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


class _Reader:
    """The child process and this end of its pipe."""

    def __init__(self, process: Any, conn: Connection, wait: float = READ_WAIT) -> None:
        self._process = process
        self._conn = conn
        self.wait = wait
        self.stopped = False
        self.hung = False  # ended for it: neither a package nor a heartbeat for ``wait``
        # Whether it said it had started: one that ends before (a frozen program without
        # ``freeze_support``, a module it cannot import) never read anything: the package
        # it was given is read here, as when no second process can start.
        self._up = False
        self._owed = False  # a package asked for and not yet received

    @classmethod
    def start(cls, wait: float = READ_WAIT, pace: float = 0.0) -> _Reader | None:
        """A reader started, or None when no second process can start here (then every
        package is read in this process). ``wait``: as ``read_ahead``'s. ``pace``: for tests
        only, a slow medium: the child sleeps this long at each step that may send a heartbeat
        (``_serve``)."""
        context = multiprocessing.get_context("spawn")
        try:
            conn, child = context.Pipe()
            process = context.Process(
                target=_serve,
                args=(child, wait / BEATS, pace),
                name="rasoat merge reader",
                daemon=True,
            )
            process.start()
        except (OSError, RuntimeError, ValueError):
            return None
        child.close()  # its end held only by the child: it stopping closes the pipe
        return cls(process, conn, wait)

    @property
    def pid(self) -> int | None:
        return int(self._process.pid) if self._process.pid is not None else None

    def request(self, path: Path, keys: tuple[str | None, str | None], hold: int) -> bool:
        """Whether the child took the package (False: it has stopped, the pipe closed)."""
        if not self._process.is_alive():
            self.stopped = True
            return False
        try:
            self._conn.send((str(path), keys[0], keys[1], hold))
        except (OSError, ValueError):
            self.stopped = True
            return False
        self._owed = True
        return True

    def check(
        self, path: Path, key: bytes | None, part: Part
    ) -> Callable[[], list[tuple[str, str]] | None] | None:
        """``part`` of the copy at ``path`` checked by the child (``deep_check.check_part``)
        from now; what waits for its list (None: it failed or stopped). None when it has
        stopped."""
        try:
            self._conn.send(_Check(str(path), key, part))
        except (OSError, ValueError):
            self.stopped = True
            return None
        self._owed = True
        asked = time.monotonic()

        def checked() -> list[tuple[str, str]] | None:
            # Its part is larger than ours (``deep_check.SHARE``), checked on a core of its
            # own: a child silent long after we checked ours has hung (stalled, stopped by
            # a signal, swapped out), and the backup, the merge written, would wait for it
            # for ever. Ended, so that it holds the copy open no longer (Windows would refuse
            # the copy's renaming), and its part checked here.
            now = time.monotonic()
            message = self._message(until=now + max(CHECK_WAIT, 6 * (now - asked)))
            if message is None:
                return None
            self._owed = False
            kind, got = message
            return got if kind == "checked" else None

        return checked

    def _message(
        self, until: float | None = None, silence: float | None = None
    ) -> tuple[str, Any] | None:
        """The child's next message but its "up" (noted) and heartbeats; None once it has
        stopped (the pipe closed with it), or ended: with nothing by ``until``
        (``time.monotonic``), or nothing for ``silence`` seconds (a heartbeat or its "up"
        starts the ``silence`` again; ``hung`` then set)."""
        if silence is not None:
            until = time.monotonic() + silence
        while not self.stopped:
            if until is not None and not self._conn.poll(max(0.0, until - time.monotonic())):
                self._end()
                self.hung = silence is not None
                break
            try:
                kind, got = self._conn.recv()
            except (EOFError, OSError):
                self.stopped = True
                break
            if kind in ("up", "beat"):
                self._up = True
                if silence is not None:
                    until = time.monotonic() + silence
                continue
            return kind, got
        return None

    def _end(self) -> None:
        """The child ended (taken for hung), never waited for beyond a few seconds."""
        self._process.terminate()
        self._process.join(5)
        if self._process.is_alive():  # SIGTERM not taken (Windows slow to end it)
            self._process.kill()
            self._process.join(5)
        self.stopped = True

    def receive(self, name: str) -> Package | PackageError | None:
        """The package read, its refusal, or None when the child failed otherwise or never
        started (the package is then read here). A child silent for ``wait`` seconds (no
        heartbeat: ``READ_WAIT``) is ended and the package refused as ``HUNG``: read here, it
        would hang this process as well."""
        self._owed = False
        message = self._message(silence=self.wait)
        if message is None:
            if not self._up:
                return None
            return PackageError(self._said(name))
        kind, got = message
        if kind == "read":  # its pickle follows
            return self._unpickled(name)
        if kind in _KINDS:
            return _KINDS[kind](got)
        return None

    def _unpickled(self, name: str) -> Package | PackageError | None:
        """The package from the pickle the child is sending. None when it is read here: the
        child failed to pickle it (its end came first), or unpickling failed here (the
        child, out of step, is then ended at once). The child stopping half-way is said for
        it, as when it stops reading."""
        frames = _Frames(self._conn, self.wait)
        try:
            package = pickle.Unpickler(frames).load()
            while (part := pickle.Unpickler(frames).load()) is not None:  # ``_parts``
                records, prepared = part
                package.records += records
                if prepared is not None:
                    package.prepared.update(prepared)
            frames.finish()
        except Exception:
            if frames.silent:  # its frames are all made before the first is sent
                self._end()
                self.hung = True
            if frames.gone or frames.silent:
                self.stopped = True
                return PackageError(self._said(name))
            if not frames.ended:
                self.stopped = self._owed = True  # close() ends it at once
            return None
        return package  # type: ignore[no-any-return]

    def _said(self, name: str) -> str:
        """Why the package ``name`` the child was reading is not merged: it stopped, or
        was ended as hung."""
        if self.hung:
            return HUNG.format(name=name, seconds=f"{self.wait:g}")
        return STOPPED.format(name=name)

    def close(self) -> None:
        if self._owed:  # left reading, or sending, a package nobody will take (a failure)
            self._process.terminate()
        with contextlib.suppress(OSError, ValueError):
            self._conn.send(None)  # no more packages: it ends
        self._process.join(5)
        if self._process.is_alive():  # left holding a package nobody takes
            self._process.terminate()
            self._process.join()
        self._conn.close()


class _Frames:
    """A package's pickle as the child sends it (``_send``), read by the unpickler as a
    file: one message a frame, an empty one after the last (or instead of the rest, when
    pickling failed there)."""

    def __init__(self, conn: Connection, wait: float | None = None) -> None:
        self._conn = conn
        self._wait = wait
        self._frame = b""
        self._at = 0
        self.ended = False  # the empty message came
        self.gone = False  # the pipe closed: the child stopped
        self.silent = False  # no frame for ``wait`` seconds: the child hung

    def _next(self) -> bool:
        if self.ended:
            return False
        if self._wait is not None and not self._conn.poll(self._wait):
            self.silent = True
            raise EOFError("no frame")
        try:
            self._frame = self._conn.recv_bytes()
        except (EOFError, OSError):
            self.gone = True
            raise
        self._at = 0
        self.ended = not self._frame
        return not self.ended

    def read(self, n: int = -1) -> bytes:
        parts = []
        while n != 0:
            if self._at == len(self._frame) and not self._next():
                break
            # A whole frame asked for (the unpickler reads one a call) is not copied.
            part = self._frame[self._at :] if n < 0 else self._frame[self._at : self._at + n]
            self._at += len(part)
            n -= len(part) if n > 0 else 0
            parts.append(part)
        return parts[0] if len(parts) == 1 else b"".join(parts)

    def readinto(self, buffer: memoryview | bytearray) -> int:
        data = self.read(len(buffer))
        memoryview(buffer)[: len(data)] = data
        return len(data)

    def readline(self) -> bytes:
        parts = []
        while self._at < len(self._frame) or self._next():
            end = self._frame.find(b"\n", self._at)
            stop = len(self._frame) if end < 0 else end + 1
            parts.append(self._frame[self._at : stop])
            self._at = stop
            if end >= 0:
                break
        return b"".join(parts)

    def finish(self) -> None:
        """The empty message after the pickle: nothing else may come before it."""
        if self._at < len(self._frame) or self._next():
            raise pickle.UnpicklingError("more than one pickle")


class _Made:
    """The pickler's file while the child makes a package's pickle: its frames (about
    64 KB, or a larger value written whole), kept in order to be sent (``_send``)."""

    def __init__(self) -> None:
        self.frames: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.frames.append(bytes(data))
        return len(data)


class _Check(NamedTuple):
    """A part of a backup's documents for the child to check (``_Reader.check``)."""

    path: str
    key: bytes | None
    part: Part


def _serve(conn: Connection, every: float = READ_WAIT / BEATS, pace: float = 0.0) -> None:
    """The child: for each (path, password, recovery key, hold) received, the package read
    and checked whole (``read_for_merge``) and sent back, or its refusal's type and message;
    for each ``_Check``, its damaged documents (``deep_check.check_part``); ends at None or
    when the parent goes away. While it reads, a heartbeat ("beat", the records read) at
    most every ``every`` seconds, each time it has come further (500 records read, the
    package's rows worked out, a part of it pickled): never from a thread of its own, which
    would go on beating while the reading hangs. ``pace``: ``_Reader.start``'s."""
    read = [0]
    beaten = [time.monotonic()]

    def beat(done: int | None = None) -> None:
        if pace:
            time.sleep(pace)
        if done is not None:
            read[0] = done
        now = time.monotonic()
        if now - beaten[0] >= every:
            beaten[0] = now
            conn.send(("beat", read[0]))

    with contextlib.suppress(EOFError, BrokenPipeError, KeyboardInterrupt):
        conn.send(("up", None))
        while (asked := conn.recv()) is not None:
            if isinstance(asked, _Check):
                with collector_paused():  # as the parent's check (the command's)
                    try:
                        found = check_part(Path(asked.path), asked.key, asked.part)
                    except Exception:  # any failure: the parent checks that part itself
                        found = None
                conn.send(("failed", None) if found is None else ("checked", found))
                continue
            path, password, recovery_key, hold = asked
            read[0], beaten[0] = 0, time.monotonic()
            with collector_paused():
                try:
                    package = merge_stream.read_for_merge(
                        Path(path),
                        password=password,
                        recovery_key=recovery_key,
                        hold=hold,
                        progress=lambda done, _total: beat(done),
                    )
                    beat()
                    # Its new households' rows worked out here, on the second core: the
                    # writer inserts them (``merge_prepare``).
                    package = prepare_package(package)
                    beat()
                except PackageError as exc:
                    kind = type(exc).__name__
                    conn.send((kind if kind in _KINDS else "PackageError", str(exc)))
                    continue
                except Exception:  # read again by the parent, which fails as before
                    conn.send(("failed", None))
                    continue
                _send(conn, package, beat)
                del package


def _send(conn: Connection, package: Package, beat: Callable[[], None] | None = None) -> None:
    """``package`` pickled in parts (``_parts``), then sent into the pipe a frame a message,
    an empty message after it. The pickle is made whole here before the first frame is
    sent: made as it was sent, its making waited on the writer, which takes the frames
    only once it has written the package before, so the reader's pickling (a held record's
    own pickle compressed: 0.34 s a 5,000-household package, 0.71 s with results) was the
    writer's time. Held here, it is 16 MB a 5,000-household package (31 MB with results);
    the parent still unpickles it as it comes (``_Frames``), never holding it whole.
    ``beat``: called as each part is pickled (the heartbeat, ``_serve``)."""
    made = _Made()
    try:
        for part in _parts(package):
            ForkingPickler(made).dump(part)
            if beat is not None:
                beat()
    except Exception:  # out of memory: the parent reads the package itself, no traceback
        del made
        conn.send(("failed", None))
        return
    conn.send(("read", None))
    with contextlib.suppress(Exception):
        # The pipe failing half-way: the parent's unpickling fails and it reads the package
        # itself; a closed pipe fails again just below, and ends the child.
        for frame in made.frames:
            conn.send_bytes(frame)
    del made
    conn.send_bytes(b"")


def _parts(package: Package) -> Iterator[object]:
    """``package`` as it crosses, each a pickle of its own (a memo of its own): itself
    without its records, then its records ``PART`` at a time with what was prepared for
    them, then None. A prepared package's records cross held (``merge_prepare.held_part``):
    what the writer reads of a new household, and its record's own pickle, compressed,
    unpickled only if the writer needs it whole. Only a record's own objects need to cross
    as the same objects (its held household and results: ``merge_prepare.Prepared.fits``);
    what households share beyond (an indicator saying the same,
    ``package._share_in_place``) crosses once a part. ``package`` is spent: its records,
    and what was prepared for them, let go as they cross, so that its parts are not held
    beside it (the reader's peak, 3 x 5,000 with results: 176 MB, 153 once let go)."""
    prepared = None
    if isinstance(package, PreparedPackage):
        prepared = package.prepared
        yield HeldPackage(
            **{f.name: getattr(package, f.name) for f in fields(Package)} | {"records": []}
        )
    else:
        yield replace(package, records=[])
    records = package.records
    while records:
        part = records[:PART]
        del records[:PART]
        if prepared is None:
            yield part, None
        else:
            ids = [rec.household.id for rec in part]
            yield held_part(part, {i: prepared.pop(i) for i in ids if i in prepared})
    yield None
