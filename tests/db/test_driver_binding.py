"""``db.driver``'s adapters for None and bytes: the values bound are stored exactly as
without them (NULL, the same blob), and the adapters are the ones sqlcipher3 finds (without
them it tries ``__adapt__`` and ``__conform__`` by name for every None and bytes bound, each
lookup failing with an exception: issue 22)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher

from db import driver


class _Blob(bytes):
    pass


_VALUES: list[Any] = [
    None,
    b"",
    b"\x00",
    bytes(range(256)),
    bytes(32),
    _Blob(b"sub\x00class"),
    bytearray(b"ba\x00"),
    memoryview(b"view\x00"),
    True,
    False,
    0,
    -(2**63),
    1.5,
    "",
    "Lò Văn Ín \x00 \U0001f600",
]


def _stored(conn: Any) -> list[tuple[Any, ...]]:
    conn.execute("CREATE TABLE t (i INTEGER PRIMARY KEY, v)")
    conn.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate(_VALUES)))
    for i, v in enumerate(_VALUES):
        conn.execute("INSERT INTO t VALUES (?, ?)", (100 + i, v))
        conn.execute("INSERT INTO t VALUES (:i, :v)", {"i": 200 + i, "v": v})
    rows = conn.execute(
        "SELECT i, typeof(v), v, ? IS NULL, typeof(?), length(?) FROM t ORDER BY i",
        (None, b"\x00\x01", b"\x00\x01"),
    ).fetchall()
    return [tuple(bytes(x) if isinstance(x, (bytes, memoryview)) else x for x in r) for r in rows]


def test_none_and_bytes_stored_as_without_the_adapters(tmp_path: Path) -> None:
    ours = driver.connect(tmp_path / "ours.db")
    try:
        got = _stored(ours)
    finally:
        ours.close()
    keys = [(kind, sqlcipher.PrepareProtocol) for kind in (type(None), bytes)]
    removed = {key: sqlcipher.adapters.pop(key) for key in keys}
    try:
        bare = driver.connect(tmp_path / "bare.db")
        try:
            expected = _stored(bare)
        finally:
            bare.close()
    finally:
        sqlcipher.adapters.update(removed)
    assert got == expected
    assert got[0][1:3] == ("null", None)
    assert got[3][1:3] == ("blob", bytes(range(256)))


def test_the_adapters_are_the_ones_sqlcipher3_finds() -> None:
    # What keeps binding a None or bytes cheap: an adapter found for its exact type.
    for kind in (type(None), bytes):
        adapter = sqlcipher.adapters.get((kind, sqlcipher.PrepareProtocol))
        assert adapter is not None, kind
    assert sqlcipher.adapters[(type(None), sqlcipher.PrepareProtocol)](None) is None
    blob = b"\x00blob"
    assert sqlcipher.adapters[(bytes, sqlcipher.PrepareProtocol)](blob) is blob
