"""What every row the Store writes carries: a new id, the time it was written, and its JSON
document. Below the Store and all its parts (``db/store_*.py``), which import nothing else of
one another."""

from __future__ import annotations

import json
import os
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def later_than(stamp: str, earliest: str | None) -> str:
    """``stamp``, or the millisecond after ``earliest`` when ``stamp`` is not after it: for a
    write whose time must sort after an earlier one of the same rows, which the clock may
    not have moved past yet (a millisecond) or may be behind."""
    if earliest is None or stamp > earliest:
        return stamp
    after = datetime.fromisoformat(earliest.replace("Z", "+00:00")) + timedelta(milliseconds=1)
    return after.isoformat(timespec="milliseconds").replace("+00:00", "Z")


_MS_MASK = (1 << 48) - 1
_CLEAR_VERSION_VARIANT = ~((0xF << 76) | (0x3 << 62)) & ((1 << 128) - 1)
_V7 = (0x7 << 76) | (0x2 << 62)  # version 7, variant 10 (RFC 9562)


def new_id() -> str:
    """A new row id: a UUID of RFC 9562's version 7, its first 48 bits the milliseconds since
    1970 and 74 of the other 80 random (the rest its version and variant), in the canonical
    text form every reader of ids takes (``forms.validate.is_uuid``).

    Time first, so that the ids of rows written one after another sort together: a
    revision's (or a result's, an answer's) new entry in its table's id index lands in the
    leaf written last, which the page cache holds, instead of a random leaf read from disk,
    decrypted in an encrypted file (issue 20: a note edit at 10,000 households read 2.8
    pages from disk with random ids, 2.2 with these; it writes one leaf of that index either
    way). Uniqueness rests on the 74 random bits alone: a wrong or repeated clock costs only
    that locality. Nothing orders rows by these ids for meaning, and the time they hold is
    no news: each such row records when it was written beside it."""
    value = ((time.time_ns() // 1_000_000 & _MS_MASK) << 80 | _random80()) & _CLEAR_VERSION_VARIANT
    # str(uuid.UUID(int=…)) written out: the same text, without UUID's Python-level checks
    # (half of making an id; a merge makes two a household: issue 22).
    h = f"{value | _V7:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


# The ids' random bits, 10 bytes an id, from os.urandom (as ``secrets`` takes them) a
# thousand ids at a time: a system call an id was a quarter of making one. A child process
# made by fork starts a pool of its own, so that it never gives its parent's ids.
# Taken under a lock: the GUI thread and a worker make ids at the same time, and without
# it two threads could read the same offset before either moved it (a review made 16 equal
# ids in 36,000 with two threads and a short switch interval).
_POOL_IDS = 1000
_pool: list[Any] = [b"", 0]  # the bytes, the offset of the next id's
_pool_lock = threading.Lock()


def _random80() -> int:
    with _pool_lock:
        pool = _pool
        at = pool[1]
        if at >= len(pool[0]):
            pool[0], at = os.urandom(10 * _POOL_IDS), 0
        pool[1] = at + 10
        taken = pool[0][at : at + 10]
    return int.from_bytes(taken, "big")


def _new_pool() -> None:
    global _pool_lock
    _pool[:] = [b"", 0]
    _pool_lock = threading.Lock()  # a fork may have copied it held by another thread


os.register_at_fork(after_in_child=_new_pool)


# One encoder for every document: json.dumps with these options builds a new one per call,
# a third of the time of encoding a member's document.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
# And below it, the C encoder _ENCODER.encode makes anew at each call (json.encoder's
# iterencode, _one_shot), made once with the same arguments: the same text, without two
# Python calls and the encoder's construction each time (about 2 us of a member's document
# and 4 of an audit row's hash, issue 22). No check for circular containers: documents are
# trees.
try:
    _C_ENCODE = json.encoder.c_make_encoder(  # type: ignore[attr-defined]
        None,
        _ENCODER.default,
        json.encoder.encode_basestring,
        None,
        _ENCODER.key_separator,
        _ENCODER.item_separator,
        False,
        False,
        True,
    )
except TypeError:  # a Python whose C encoder takes other arguments
    _C_ENCODE = None


def dumps(value: Any) -> str:
    """``value`` as JSON text: not ASCII-escaped, no spaces (the stored documents' and the
    audit chain's encoding)."""
    if _C_ENCODE is None:
        return _ENCODER.encode(value)
    return "".join(_C_ENCODE(value, 0))
