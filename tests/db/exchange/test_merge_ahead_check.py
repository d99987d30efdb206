"""The closing backup's document check shared with ``rasoat merge``'s reader process
(``merge_ahead.Kept``, ``deep_check.shared``): the same damaged documents named as by the check
alone, wherever they are; the reader failing, or gone, leaves the whole check to this
process and the backup made; the command's output and files as without it. Real files,
packages and processes."""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable
from pathlib import Path

import pytest

from db import backup, deep_check
from db.errors import DamagedRecords
from db.exchange import merge_ahead
from db.exchange.merge_ahead import Kept, _Reader
from tests.db.exchange.test_merge_ahead import _commune, _dump, _merge, _retagged
from tests.db.test_deep_check import _damage_both_parts, made, path  # noqa: F401 (fixtures)

Answer = Callable[[], list[tuple[str, str]] | None]


class _Watched:
    """``kept`` as the backup calls it, what the reader answered recorded (None: nothing,
    the part checked here); ``then`` done to the reader once it has the part."""

    def __init__(self, kept: Kept, then: Callable[[Kept], None] = lambda _k: None) -> None:
        self.kept = kept
        self.then = then
        self.asked: list[deep_check.Part] = []
        self.answers: list[list[tuple[str, str]] | None] = []

    def __call__(self, tmp: Path, key: bytes | None, part: deep_check.Part) -> Answer | None:
        self.asked.append(part)
        waiting = self.kept(tmp, key, part)
        self.then(self.kept)
        if waiting is None:
            return None
        assert waiting is not None

        def answer() -> list[tuple[str, str]] | None:
            self.answers.append(waiting())
            return self.answers[-1]

        return answer


def _kept() -> Kept:
    kept = Kept()
    kept.reader = _Reader.start()
    assert kept.reader is not None
    return kept


def _refused_naming(db: Path, helper: _Watched) -> list[tuple[str, str]]:
    with pytest.raises(DamagedRecords) as exc:
        backup.make_backup(db, "close", helper=helper)
    assert backup.list_backups(db, "close") == []
    return exc.value.bad


def _sound(made: Path, folder: Path) -> Path:  # noqa: F811
    """A copy of the file before its damage."""
    sound = folder / "lanh" / "xa.sqlite"
    sound.parent.mkdir()
    sound.write_bytes(made.read_bytes())
    return sound


def test_the_reader_checks_a_part_and_the_same_damage_is_named(
    made: Path,  # noqa: F811
    path: Path,  # noqa: F811
) -> None:
    ids, bad = _damage_both_parts(path)
    kept = _kept()
    try:
        watched = _Watched(kept)
        assert _refused_naming(path, watched) == bad
        (there,) = watched.asked
        assert there.upper
        # The reader answered with its part's damage: the last households', found there.
        (theirs,) = watched.answers
        assert theirs is not None
        assert theirs
        assert set(theirs) < set(bad)
        assert theirs == deep_check.check_part(path, None, there)
        # Still serving: the next backup (of a sound file) is made, checked on both sides.
        sound = _sound(made, path.parent)
        assert backup.make_backup(sound, "close", helper=watched) in backup.list_backups(sound)
        assert watched.answers[-1] == []
    finally:
        kept.close()
    assert not multiprocessing.active_children()


def _kill(kept: Kept) -> None:
    assert kept.reader is not None
    os.kill(kept.reader.pid or 0, signal.SIGKILL)
    kept.reader._process.join(30)


@pytest.mark.parametrize("when", ["before", "while checking"])
def test_the_reader_gone_leaves_the_whole_check_here(
    made: Path,  # noqa: F811
    path: Path,  # noqa: F811
    when: str,
) -> None:
    _ids, bad = _damage_both_parts(path)
    kept = _kept()
    if when == "before":
        _kill(kept)
    watched = _Watched(kept, then=_kill if when == "while checking" else lambda _k: None)
    try:
        assert _refused_naming(path, watched) == bad
        assert watched.answers in ([], [None])  # nothing from it: checked here
        assert kept.reader is not None
        assert kept.reader.stopped
        # And a sound file's backup is made, the reader gone.
        sound = _sound(made, path.parent)
        assert backup.make_backup(sound, "close", helper=watched) in backup.list_backups(sound)
    finally:
        kept.close()
    assert not multiprocessing.active_children()


def test_the_reader_failing_leaves_its_part_to_this_process(path: Path) -> None:  # noqa: F811
    """Its check fails there (here: a key for a plain copy, which it cannot open): its part
    is checked here, the same damage named, and it serves the next."""
    _ids, bad = _damage_both_parts(path)
    kept = _kept()
    try:
        wrong = _Watched(kept)
        wrong.kept = lambda tmp, _key, part: kept(tmp, b"\x01" * 32, part)  # type: ignore[method-assign,assignment]
        assert _refused_naming(path, wrong) == bad
        assert wrong.answers == [None]
        assert kept.reader is not None
        assert not kept.reader.stopped
        watched = _Watched(kept)
        assert _refused_naming(path, watched) == bad
        assert watched.answers[0]
    finally:
        kept.close()


def test_rasoat_merge_shares_its_closing_check_with_its_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Three packages: the reader, idle once the third is read, checks a part of the
    closing backup's documents; the output and the file as merged without it, the backup
    made, the reader ended after."""
    one = tmp_path / "xa.db"
    _commune(one)
    both = tmp_path / "xa-2.db"
    both.write_bytes(one.read_bytes())
    paths = [_retagged(tmp_path / f"p{i}.rasoat", 4, "ABC"[i]) for i in range(3)]
    assert _merge(one, paths, ahead=False) == 0
    said = capsys.readouterr().out
    answers: list[list[tuple[str, str]] | None] = []
    calls = Kept.__call__

    def watched(self: Kept, tmp: Path, key: bytes | None, part: deep_check.Part) -> Answer | None:
        waiting = calls(self, tmp, key, part)
        assert waiting is not None  # the reader kept, idle, to check it

        def answer() -> list[tuple[str, str]] | None:
            answers.append(waiting())
            return answers[-1]

        return answer

    monkeypatch.setattr(Kept, "__call__", watched)
    assert _merge(both, paths, ahead=True) == 0
    assert answers == [[]]
    assert capsys.readouterr().out.replace(str(both), str(one)) == said
    assert _dump(one) == _dump(both)
    assert len(backup.list_backups(both)) == 1  # the closing backup, its check shared
    assert not multiprocessing.active_children()


def test_a_reader_closed_early_is_not_kept(tmp_path: Path) -> None:
    """``read_ahead`` closed before its last package (a failure of the file): its reader,
    still owed a package, is ended, never handed to ``Kept``."""
    _commune(tmp_path / "xa.db")
    paths = [_retagged(tmp_path / f"p{i}.rasoat", 3, "ABCD"[i]) for i in range(4)]
    kept = Kept()
    got = merge_ahead.read_ahead(paths, lambda _p: (None, None), kept=kept)
    assert next(got)[0] == paths[0]
    got.close()
    assert kept.reader is None
    assert not multiprocessing.active_children()
    assert kept(tmp_path / "xa.db", None, deep_check.Part("x", upper=True)) is None


def test_an_encrypted_copy_s_part_is_checked_there_with_its_key(path: Path) -> None:  # noqa: F811
    """The reader opens the encrypted copy with the key this process gives it (it has no
    other way to know it): its part's damage named, the same list as the check alone."""
    from db import at_rest, driver

    passphrase = "ruộng bậc thang mùa lúa chín"
    at_rest.encrypt_file(path, passphrase)
    key = at_rest.key_from_passphrase(path, passphrase)
    conn = driver.connect(path, key=key, isolation_level=None)
    try:
        ids = [r[0] for r in conn.execute("SELECT id FROM households ORDER BY id")]
        for i in (2, 11):  # one in each part: the last household's is the reader's
            conn.execute("UPDATE results SET doc = '[' WHERE household_id = ?", (ids[i],))
        bad = deep_check.bad_documents(conn)
        (last,) = conn.execute("SELECT code FROM households WHERE id = ?", (ids[11],)).fetchone()
    finally:
        conn.close()
    assert len(bad) == 2
    kept = _kept()
    try:
        watched = _Watched(kept)
        assert _refused_naming(path, watched) == bad
        (theirs,) = watched.answers
        assert theirs == [(last, deep_check._WHAT["results"])]
    finally:
        kept.close()


def test_a_reader_that_never_answers_is_ended_and_its_part_checked_here(
    path: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A child alive but silent (here: given a FIFO no one writes to as the copy, it waits in
    opening it for ever) holds the backup no longer than ``CHECK_WAIT``: it is ended (it
    would hold the copy open) and its part checked here, the same damage named."""
    monkeypatch.setattr(merge_ahead, "CHECK_WAIT", 1.0)
    _ids, bad = _damage_both_parts(path)
    fifo = path.parent / "khong-ai-ghi.sqlite"
    os.mkfifo(fifo)
    kept = _kept()
    try:
        silent = _Watched(kept)
        silent.kept = lambda _tmp, key, part: kept(fifo, key, part)  # type: ignore[method-assign,assignment]
        assert _refused_naming(path, silent) == bad
        assert silent.answers == [None]
        assert kept.reader is not None
        assert kept.reader.stopped
        assert not kept.reader._process.is_alive()
        assert kept(path, None, silent.asked[0]) is None  # it serves no other check
    finally:
        kept.close()
    assert not multiprocessing.active_children()
