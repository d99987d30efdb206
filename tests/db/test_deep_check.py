"""The deep check on real files (issue 22): an answers document whose text is exactly the
one made from its household's and members' texts is not decoded again, yet every damaged
document is still named, by household and kind, and a backup holding one is set aside as
``.damaged``; answers that differ from the household's documents are decoded and accepted."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from db import backup, deep_check, driver
from db.errors import BackupFailed, DamagedRecords
from db.result_docs import answers_json
from db.store import Store
from forms.classify import classify
from forms.demo import generate_households
from forms.standards import load_standard

from .conftest import commune_info

STANDARD = load_standard("nd07-2022-2025")
ANSWERS = deep_check._WHAT["answers"]
HOUSEHOLD = deep_check._WHAT["households"]
MEMBERS = deep_check._WHAT["members"]
# The decoders as the module has them (a test counts the check's own calls).
DECODERS = deep_check._decoders


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A commune file whose 12 households have their answers and results in a round."""
    path = tmp_path_factory.mktemp("nguon") / "xa.sqlite"
    with Store.create(path, commune_info(), user="Lò Văn Ín", device="laptop-1") as s:
        s.add_village("Thôn Đồng Tâm")
        rnd = s.start_round(2026, STANDARD.id)
        houses = list(generate_households(12, seed=5, villages=["Thôn Đồng Tâm"]))
        for i, h in enumerate(houses):
            h.code = f"DT-{i:03d}"
        with s.transaction():
            s.save_households([(h, classify(h, STANDARD, 2026)) for h in houses], round_id=rnd.id)
    return path


@pytest.fixture
def path(made: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "xa.sqlite"
    copy.write_bytes(made.read_bytes())
    return copy


def _texts(conn: driver.Connection, code: str) -> tuple[str, str, list[str]]:
    """(household id, its text, its live members' texts in order)."""
    hid, doc = conn.execute("SELECT id, doc FROM households WHERE code = ?", (code,)).fetchone()
    members = [
        r[0]
        for r in conn.execute(
            "SELECT doc FROM members WHERE household_id = ? AND deleted = 0 ORDER BY position",
            (hid,),
        )
    ]
    return hid, doc, members


def _change(
    path: Path, code: str, how: Callable[[driver.Connection, str, str, list[str]], None]
) -> None:
    conn = driver.connect(path, isolation_level=None)
    try:
        how(conn, *_texts(conn, code))
    finally:
        conn.close()


def _set_answers(conn: driver.Connection, hid: str, text: str) -> None:
    conn.execute(
        "UPDATE answers SET doc = ? WHERE household_id = ?", (zlib.compress(text.encode()), hid)
    )


def _every_document_decoded(path: Path) -> list[tuple[str, str]]:
    """What the deep check finds, each live document decoded by its own decoder (the check
    before this session's, written out): the reference the check is held to."""
    decoders = DECODERS()
    found: set[tuple[str, str]] = set()
    conn = driver.connect(f"file:{path}?mode=ro", uri=True)
    try:
        for table, live in (
            ("households", "deleted = 0"),
            ("members", "deleted = 0"),
            ("answers", "deleted = 0"),
            ("results", "1"),
        ):
            column = "id" if table == "households" else "household_id"
            for code, doc in conn.execute(
                f"SELECT coalesce((SELECT code FROM households h WHERE h.id = t.{column}),"
                f" t.{column}), doc FROM {table} t WHERE {live}"
            ):
                try:
                    decoders[table](doc)
                except Exception:
                    found.add((str(code), deep_check._WHAT[table]))
    finally:
        conn.close()
    return sorted(found)


def _check(path: Path) -> list[tuple[str, str]]:
    conn = driver.connect(f"file:{path}?mode=ro", uri=True)
    try:
        found = deep_check.bad_documents(conn)
    finally:
        conn.close()
    assert found == _every_document_decoded(path)
    return found


def _refused(path: Path, expected: list[tuple[str, str]]) -> None:
    """A backup of ``path`` is refused naming ``expected``, its copy kept aside."""
    before = backup.list_backups(path)
    with pytest.raises(DamagedRecords) as exc:
        backup.make_backup(path, "manual")
    assert exc.value.bad == expected
    for code, _what in expected:
        assert code in exc.value.message
    assert backup.list_backups(path) == before
    assert [p.suffix for p in backup.list_set_aside(path)] == [backup.DAMAGED]


def test_answers_made_of_the_household_are_not_decoded_again(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every answers document of the file is the one made from its household's texts.
    conn = driver.connect(f"file:{path}?mode=ro", uri=True)
    codes = [r[0] for r in conn.execute("SELECT code FROM households ORDER BY code")]
    for code in codes:
        hid, doc, members = _texts(conn, code)
        (blob,) = conn.execute("SELECT doc FROM answers WHERE household_id = ?", (hid,)).fetchone()
        assert zlib.decompress(blob) == answers_json(doc, members).encode()
    conn.close()
    decoded: list[str] = []

    def counting() -> dict[str, Callable[[Any], object]]:
        out = DECODERS()
        answers = out["answers"]

        def count(d: Any) -> object:
            decoded.append("answers")
            return answers(d)

        out["answers"] = count
        return out

    monkeypatch.setattr(deep_check, "_decoders", counting)
    assert _check(path) == []
    assert decoded == []
    # One whose household changed since (an address corrected) is decoded, and accepted.
    _change(
        path,
        codes[3],
        lambda c, hid, doc, _m: c.execute(
            "UPDATE households SET doc = ? WHERE id = ?",
            (doc.replace('"address":"', '"address":"Số 9, ', 1), hid),
        ),
    )
    assert _check(path) == []
    assert decoded == ["answers"]
    assert backup.make_backup(path, "manual") in backup.list_backups(path)


def test_damaged_answers_are_named(path: Path) -> None:
    # Answers that are not the household's texts and do not decode: a field of the wrong
    # kind, or bytes that are not zlib's.
    def wrong_field(c: driver.Connection, hid: str, doc: str, members: list[str]) -> None:
        _set_answers(
            c, hid, answers_json(doc.replace('"village":"', '"village":1,"x":"', 1), members)
        )

    _change(path, "DT-002", wrong_field)
    _change(
        path,
        "DT-007",
        lambda c, hid, _d, _m: c.execute(
            "UPDATE answers SET doc = ? WHERE household_id = ?", (b"x\x9c not zlib", hid)
        ),
    )
    expected = [("DT-002", ANSWERS), ("DT-007", ANSWERS)]
    assert _check(path) == expected
    _refused(path, expected)


@pytest.mark.parametrize(
    "household",
    [
        "{}",  # decodes (every field has a default); answers_json of it is not JSON
        "{ }",
        "TRAILING",  # the household's text with a space after it
    ],
)
def test_answers_joined_onto_a_household_they_cannot_join_are_named(
    path: Path, household: str
) -> None:
    """The household's text decodes, its members' too, and the answers are exactly
    ``answers_json`` of them, yet that text is not JSON: named, never spared."""

    def made_of(c: driver.Connection, hid: str, doc: str, members: list[str]) -> None:
        text = doc + " " if household == "TRAILING" else household
        c.execute("UPDATE households SET doc = ? WHERE id = ?", (text, hid))
        _set_answers(c, hid, answers_json(text, members))

    _change(path, "DT-004", made_of)
    expected = [("DT-004", ANSWERS)]
    assert _check(path) == expected
    _refused(path, expected)


def test_answers_made_of_a_damaged_household_or_member_are_named(path: Path) -> None:
    """Answers whose text is exactly the one made from texts that do not decode are
    themselves decoded (and fail): each kind named."""

    def household(c: driver.Connection, hid: str, doc: str, members: list[str]) -> None:
        bad = doc.replace('"village":"', '"village":["', 1)
        c.execute("UPDATE households SET doc = ? WHERE id = ?", (bad, hid))
        _set_answers(c, hid, answers_json(bad, members))

    def member(c: driver.Connection, hid: str, doc: str, members: list[str]) -> None:
        bad = members[0].replace('"sex":', '"sex":"?","x":', 1)
        c.execute("UPDATE members SET doc = ? WHERE household_id = ? AND position = 0", (bad, hid))
        _set_answers(c, hid, answers_json(doc, [bad, *members[1:]]))

    _change(path, "DT-001", household)
    _change(path, "DT-010", member)
    expected = [
        ("DT-001", ANSWERS),
        ("DT-001", HOUSEHOLD),
        ("DT-010", MEMBERS),
        ("DT-010", ANSWERS),
    ]
    assert _check(path) == sorted(expected)
    _refused(path, sorted(expected))


def test_a_deleted_household_s_live_answers_are_decoded(path: Path) -> None:
    def deleted(c: driver.Connection, hid: str, doc: str, members: list[str]) -> None:
        c.execute("UPDATE households SET deleted = 1, doc = '{}' WHERE id = ?", (hid,))
        _set_answers(c, hid, answers_json("{}", members))

    _change(path, "DT-006", deleted)
    assert _check(path) == [("DT-006", ANSWERS)]


def test_documents_stored_as_blobs_are_decoded_as_before(path: Path) -> None:
    """Another tool's blobs (JSON as bytes decodes; json.loads reads bytes too): never
    joined into answers, checked as the decoders read them."""

    def blobs(c: driver.Connection, hid: str, doc: str, members: list[str]) -> None:
        c.execute("UPDATE households SET doc = ? WHERE id = ?", (doc.encode(), hid))
        c.execute(
            "UPDATE members SET doc = CAST(doc AS BLOB) WHERE household_id = ? AND position = 0",
            (hid,),
        )

    _change(path, "DT-005", blobs)
    _change(
        path,
        "DT-008",
        lambda c, hid, _d, _m: c.execute(
            "UPDATE members SET doc = CAST(doc AS BLOB) WHERE household_id = ?", (hid,)
        ),
    )
    assert _check(path) == []


def test_an_encrypted_copy_s_damaged_answers_are_named(path: Path) -> None:
    """An encrypted commune-size copy is checked with a cache holding all its pages
    (decrypted once for both checks): its damage is still found and named."""
    from db import at_rest

    at_rest.encrypt_file(path, "ruộng bậc thang mùa lúa chín")
    assert backup.make_backup(path, "manual") in backup.list_backups(path)
    key = at_rest.key_from_passphrase(path, "ruộng bậc thang mùa lúa chín")
    conn = driver.connect(path, key=key, isolation_level=None)
    try:
        hid, doc, members = _texts(conn, "DT-009")
        _set_answers(conn, hid, answers_json(doc.replace('"area":', '"area":"?","x":', 1), members))
    finally:
        conn.close()
    _refused(path, [("DT-009", ANSWERS)])


def test_a_copy_whose_pages_are_damaged_is_told_so_whatever_its_documents_read(
    path: Path,
) -> None:
    """The documents are read while SQLite's check runs: a copy whose households' pages
    SQLite cannot read is refused for its pages (set aside as ``.damaged``, SQLite's
    problem said), never for the error reading its documents met."""
    conn = driver.connect(path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    (root,) = conn.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'households'"
    ).fetchone()
    conn.close()
    with path.open("r+b") as f:
        f.seek((root - 1) * page_size)
        f.write(b"\x00" * 8)  # not a b-tree page any more
    with pytest.raises(BackupFailed) as exc:
        backup.make_backup(path, "manual")
    assert "không qua được kiểm tra" in exc.value.message
    assert backup.list_backups(path) == []
    assert [p.suffix for p in backup.list_set_aside(path)] == [backup.DAMAGED]


# --- the check in two parts (a backup's, ``deep_check.shared``) --------------------------
RESULT = deep_check._WHAT["results"]


def _damage_both_parts(path: Path) -> tuple[list[str], list[tuple[str, str]]]:
    """(the households' ids in order, what is damaged): a member and a result of the first
    six households, answers and a household, a member and a result of the last six."""
    conn = driver.connect(path, isolation_level=None)
    try:
        rows = conn.execute("SELECT id, code FROM households ORDER BY id").fetchall()
        ids, code = [r[0] for r in rows], dict(rows)

        def member(i: int) -> tuple[str, str]:
            conn.execute(
                "UPDATE members SET doc = '{\"sex\":' WHERE household_id = ? AND position = 0",
                (ids[i],),
            )
            return code[ids[i]], MEMBERS

        def result(i: int) -> tuple[str, str]:
            conn.execute(
                "UPDATE results SET doc = '{\"category\":[' WHERE household_id = ?", (ids[i],)
            )
            return code[ids[i]], RESULT

        def answers(i: int) -> tuple[str, str]:
            conn.execute("UPDATE answers SET doc = x'789c00' WHERE household_id = ?", (ids[i],))
            return code[ids[i]], ANSWERS

        def household(i: int) -> tuple[str, str]:
            conn.execute("UPDATE households SET doc = '[' WHERE id = ?", (ids[i],))
            return code[ids[i]], HOUSEHOLD

        bad = [member(1), result(4), answers(6), household(7), member(10), result(11)]
    finally:
        conn.close()
    return ids, sorted(bad)


def test_the_two_parts_find_what_the_whole_check_finds(path: Path) -> None:
    ids, bad = _damage_both_parts(path)
    assert _check(path) == bad
    conn = driver.connect(f"file:{path}?mode=ro", uri=True)
    try:
        cut = deep_check.split(conn, 0.5)
        assert cut is not None
        here, there = cut
        assert (here.boundary, here.upper, there.upper) == (ids[6], False, True)
        mine = deep_check.bad_documents(conn, part=here)
        theirs = deep_check.bad_documents(conn, part=there)
    finally:
        conn.close()
    assert mine == sorted(b for b in bad if b[0] in _codes(path, ids[:6]))
    assert theirs == sorted(b for b in bad if b[0] in _codes(path, ids[6:]))
    assert mine
    assert theirs
    assert deep_check.joined(mine, theirs) == bad
    # The other process's part, on a connection of its own.
    assert deep_check.check_part(path, None, there) == theirs


def _codes(path: Path, ids: list[str]) -> set[str]:
    conn = driver.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {
            conn.execute("SELECT code FROM households WHERE id = ?", (i,)).fetchone()[0]
            for i in ids
        }
    finally:
        conn.close()


def test_every_row_is_in_exactly_one_part_whatever_its_household_id_holds(path: Path) -> None:
    """Rows whose household id is not a text, or is NULL (a table another tool wrote):
    each checked once, in one part or the other, as the whole check checks it."""
    conn = driver.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA ignore_check_constraints = 1")
        for hid in (None, 7, b"\x00", "zzz"):
            conn.execute(
                "INSERT INTO households (id, code, doc, rev, created_at, created_device,"
                " updated_at, updated_device, updated_by) VALUES (?, ?, '[', '', '', '', '', '',"
                " '')",
                (hid, f"LA-{hid!r}"),
            )
            if hid is None:  # a result's household_id is NOT NULL
                continue
            conn.execute(
                "INSERT INTO results (id, household_id, round_id, category, deprivation_count,"
                " standard_id, engine_version, doc, created_at, created_device, updated_at,"
                " updated_device) SELECT ?, ?, round_id, '', 0, '', '', '{', '', '', '', ''"
                " FROM results LIMIT 1",
                (f"kq-{hid!r}", hid),
            )
    finally:
        conn.close()
    conn = driver.connect(f"file:{path}?mode=ro", uri=True)
    try:
        whole = deep_check.bad_documents(conn)
        assert len(whole) == 7
        for share in (0.2, 0.5, 0.9):
            cut = deep_check.split(conn, share)
            assert cut is not None
            parts = [deep_check.bad_documents(conn, part=part) for part in cut]
            assert not set(parts[0]) & set(parts[1])
            assert deep_check.joined(*parts) == whole
        assert deep_check.split(conn, 0.0) is None  # nothing to give
    finally:
        conn.close()
