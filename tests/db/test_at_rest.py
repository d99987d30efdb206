"""The commune file encrypted at rest: key file, passphrase, recovery key (issue 20 item 1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from db import at_rest
from db.errors import StoreError

PASSPHRASE = "ruộng bậc thang mùa lúa chín"


def test_check_passphrase_reads_only_the_key_file(tmp_path: Path) -> None:
    path = tmp_path / "xa.sqlite"
    recovery = at_rest.new_recovery_key()
    at_rest.write_key_file(at_rest.key_file(path), recovery, PASSPHRASE)
    # No commune file at all: the check unwraps the key file and nothing else.
    assert not path.exists()
    assert at_rest.check_passphrase(path, PASSPHRASE)
    assert not at_rest.check_passphrase(path, "ruộng bậc thang mùa lúa xanh")
    # The same passphrase typed decomposed (another keyboard) is the same passphrase.
    import unicodedata

    assert at_rest.check_passphrase(path, unicodedata.normalize("NFD", PASSPHRASE))
    assert at_rest.key_from_passphrase(path, PASSPHRASE) == at_rest.file_key(recovery)


def test_no_or_damaged_key_file_is_a_false_check_and_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "xa.sqlite"
    assert not at_rest.check_passphrase(path, PASSPHRASE)
    with pytest.raises(StoreError) as exc:
        at_rest.key_from_passphrase(path, PASSPHRASE)
    assert "mã khôi phục" in exc.value.message
    at_rest.key_file(path).write_text("{}", encoding="utf-8")
    assert not at_rest.check_passphrase(path, PASSPHRASE)
    with pytest.raises(StoreError) as exc:
        at_rest.key_from_passphrase(path, PASSPHRASE)
    assert "bị hỏng" in exc.value.message


@pytest.mark.parametrize(
    "damage",
    [
        lambda doc: json.dumps(doc).replace(f'"n": {doc["kdf"]["n"]}', '"n": 1e400'),
        lambda doc: "[" * 100_000 + "]" * 100_000,
        lambda doc: "[1, 2]",
        lambda doc: json.dumps(doc).encode("utf-8").decode("latin-1") + "\ufeff" * 40_000,
    ],
)
def test_any_damage_to_the_key_file_is_said_as_damage(tmp_path: Path, damage: object) -> None:
    """ "n": 1e400 (OverflowError) and deep nesting (RecursionError) went past every handler
    as a traceback, exit 1, for every command given a passphrase."""
    path = tmp_path / "xa.sqlite"
    kf = at_rest.key_file(path)
    at_rest.write_key_file(kf, at_rest.new_recovery_key(), PASSPHRASE)
    assert callable(damage)
    kf.write_text(damage(json.loads(kf.read_text(encoding="utf-8"))), encoding="utf-8")
    with pytest.raises(StoreError, match="bị hỏng hoặc không đọc được"):
        at_rest.key_from_passphrase(path, PASSPHRASE)


def test_key_file_holds_no_secret_in_clear_and_names_its_parameters(tmp_path: Path) -> None:
    path = tmp_path / "xa.sqlite"
    recovery = at_rest.new_recovery_key()
    at_rest.write_key_file(at_rest.key_file(path), recovery, PASSPHRASE)
    text = at_rest.key_file(path).read_text(encoding="utf-8")
    assert recovery.replace("-", "") not in text.replace("-", "")
    doc = json.loads(text)
    assert doc["kdf"] | {"salt": ""} == {"name": "scrypt", "n": 2**15, "r": 8, "p": 1, "salt": ""}


def test_file_key_depends_on_the_recovery_key_alone(tmp_path: Path) -> None:
    recovery = at_rest.new_recovery_key()
    typed = recovery.lower().replace("-", " ")
    assert at_rest.file_key(typed) == at_rest.file_key(recovery)
    assert len(at_rest.file_key(recovery)) == 32
    assert at_rest.file_key(at_rest.new_recovery_key()) != at_rest.file_key(recovery)
    with pytest.raises(StoreError) as exc:
        at_rest.file_key("ABCD-EFGH")
    assert "Mã khôi phục" in exc.value.message


# --- the commune file itself, encrypted ------------------------------------------------


def _plain_commune(path: Path, households: int = 20) -> None:
    from db.demo import create_demo_commune

    create_demo_commune(path, households=households)


def _first_name(path: Path, key: bytes | None = None) -> str:
    from db.store import Store

    with Store.open(path, user="Cán bộ xã", device="may-xa", key=key) as store:
        name = store.conn.execute("SELECT head_name FROM households LIMIT 1").fetchone()[0]
    assert isinstance(name, str)
    assert name
    return name


def _carried_out(path: Path) -> Path:
    return path.parent / "ban-chep-ngoai" / "xa-truoc-khi-ma-hoa.sqlite"


@pytest.fixture
def encrypted(tmp_path: Path) -> tuple[Path, str, str]:
    """(an encrypted commune file, its recovery key, a household member's name in it).
    A plain copy of the file from before, carried out of its backup folder, lies in
    ``tmp_path / "ban-chep-ngoai"`` (``_carried_out``)."""
    from db import backup, driver

    path = tmp_path / "xa.sqlite"
    _plain_commune(path)
    name = _first_name(path)
    carried = backup.make_backup(path, "manual")
    _carried_out(path).parent.mkdir()
    carried.replace(_carried_out(path))
    recovery, made, _backups = at_rest.encrypt_file(path, PASSPHRASE)
    assert made.is_file()
    assert "before-encrypt" in made.name
    driver.forget(path)  # as a new process: nothing remembered
    return path, recovery, name


def test_encrypt_keeps_every_row_and_no_name_is_readable(
    tmp_path: Path, encrypted: tuple[Path, str, str]
) -> None:
    from db import backup, driver

    path, recovery, name = encrypted
    assert at_rest.is_encrypted(path)
    assert name.encode() not in path.read_bytes()
    [made] = backup.list_backups(path, "before-encrypt")
    # The verified backup made first is encrypted too, once the file opened encrypted.
    assert name.encode() not in made.read_bytes()
    assert not made.read_bytes().startswith(at_rest.PLAIN_HEADER)
    key = at_rest.key_from_passphrase(path, PASSPHRASE)
    assert _first_name(path, key) == name
    assert at_rest.key_from_recovery(path, recovery) == key
    driver.remember(path, key)
    assert backup.check_backup(made) == []
    assert _first_name(made, key) == name
    with pytest.raises(StoreError) as exc:
        at_rest.encrypt_file(path, PASSPHRASE)
    assert "đã được mã hoá" in exc.value.message


def test_without_or_with_a_wrong_passphrase_the_file_does_not_open(
    encrypted: tuple[Path, str, str],
) -> None:
    from db.store import Store

    path, _recovery, _name = encrypted
    with pytest.raises(at_rest.PassphraseNeeded) as needed:
        Store.open(path, user="a", device="b")
    assert "mật khẩu" in needed.value.message
    with pytest.raises(at_rest.WrongPassphrase) as wrong:
        at_rest.key_from_passphrase(path, "không phải mật khẩu này")
    assert "không đúng" in wrong.value.message
    with pytest.raises(at_rest.WrongPassphrase):
        Store.open(path, user="a", device="b", key=at_rest.file_key(at_rest.new_recovery_key()))
    with pytest.raises(at_rest.WrongPassphrase):
        at_rest.key_from_recovery(path, at_rest.new_recovery_key())


def test_recovery_key_opens_and_sets_a_new_passphrase_even_without_the_key_file(
    encrypted: tuple[Path, str, str],
) -> None:
    path, recovery, name = encrypted
    at_rest.key_file(path).unlink()
    at_rest.backup_key_file(path).unlink()
    assert at_rest.is_encrypted(path)
    assert not at_rest.check_passphrase(path, PASSPHRASE)
    key = at_rest.key_from_recovery(path, recovery.lower())
    assert _first_name(path, key) == name
    new = "nương ngô trên đồi cao"
    at_rest.change_passphrase(path, new, recovery_key=recovery)
    assert at_rest.check_passphrase(path, new)
    at_rest.change_passphrase(path, PASSPHRASE, old_passphrase=new)
    assert at_rest.check_passphrase(path, PASSPHRASE)
    assert not at_rest.check_passphrase(path, new)
    with pytest.raises(at_rest.WrongPassphrase):
        at_rest.change_passphrase(path, new, old_passphrase="sai mật khẩu rồi nhé")
    with pytest.raises(StoreError) as weak:
        at_rest.change_passphrase(path, "123", old_passphrase=PASSPHRASE)
    assert "quá ngắn" in weak.value.message


def test_backups_of_an_encrypted_file_are_encrypted_and_restore(
    encrypted: tuple[Path, str, str],
) -> None:
    from db import backup, driver
    from db.store import Store

    path, _recovery, name = encrypted
    key = at_rest.key_from_passphrase(path, PASSPHRASE)
    with Store.open(path, user="Cán bộ xã", device="may-xa", key=key) as store:
        store.conn.execute("SELECT 1")
        made = backup.make_backup(path, "manual", store.conn)
    assert name.encode() not in made.read_bytes()
    assert not made.read_bytes().startswith(at_rest.PLAIN_HEADER)
    assert backup.check_backup(made) == []
    # A new process knowing only the passphrase: the backup folder's key file opens it.
    driver.forget(path)
    assert at_rest.check_passphrase(made, PASSPHRASE)
    key = at_rest.key_from_passphrase(path, PASSPHRASE)
    driver.remember(path, key)
    used, kept = backup.restore(path, made, user="Cán bộ xã", device="may-xa")
    assert used == made
    assert kept is not None
    assert name.encode() not in kept.read_bytes()
    assert name.encode() not in path.read_bytes()
    assert _first_name(path, key) == name


def test_the_backup_from_before_the_encryption_restores_encrypted(
    encrypted: tuple[Path, str, str],
) -> None:
    """Restoring a plain backup from before the encryption (the ``before-encrypt`` one, until
    the encryption converted it too; here a copy carried out of the backup folder) over the
    encrypted, unlocked file put the plain copy in its place: the file was silently
    decrypted, its key file beside it. It is written encrypted under the file's key: the
    passphrase and the recovery key still open it, and it holds the backup's rows."""
    from db import backup, driver
    from db.store import HouseholdQuery, Store

    path, recovery, name = encrypted
    before = _carried_out(path)
    assert before.read_bytes().startswith(at_rest.PLAIN_HEADER)
    key = at_rest.key_from_passphrase(path, PASSPHRASE)
    with Store.open(path, user="Cán bộ xã", device="may-xa", key=key) as store:
        [h] = [h for h in store.iter_households() if h.head_name() == name]
        store.delete_household(h.id)  # a change the restore takes back
        left = store.count_households(HouseholdQuery())
    used, _kept = backup.restore(path, before, user="Cán bộ xã", device="may-xa")
    assert used == before
    raw = path.read_bytes()
    assert not raw.startswith(at_rest.PLAIN_HEADER)
    assert name.encode() not in raw
    assert at_rest.is_encrypted(path)
    driver.forget(path)  # a new process: the key files open it as before
    for key in (
        at_rest.key_from_passphrase(path, PASSPHRASE),
        at_rest.key_from_recovery(path, recovery),
    ):
        with Store.open(path, user="Cán bộ xã", device="may-xa", key=key) as store:
            assert store.count_households(HouseholdQuery()) == left + 1
            assert store.integrity_problems() == []
        driver.forget(path)


def test_restoring_an_encrypted_file_with_users_still_needs_an_officer(
    encrypted: tuple[Path, str, str],
) -> None:
    """The users of an encrypted file are read with its key (db.users used to read the file
    with sqlite3, which cannot, and then asked nobody)."""
    from db import backup, users
    from db.errors import NotPermitted
    from db.store import Store
    from forms.roles import Role

    path, _recovery, _name = encrypted
    key = at_rest.key_from_passphrase(path, PASSPHRASE)
    with Store.open(path, user="máy", device="may-xa", key=key) as store:
        users.add_user(store, "can_bo", "Hoàng Văn Thụ", Role.OFFICER, "mat-khau-9x")
        users.add_user(store, "xem", "Vàng A Páo", Role.VIEWER, "mat-khau-9x")
        users.sign_in(store, "xem", "mat-khau-9x")
        viewer = store.signed_in
    with pytest.raises(NotPermitted, match="đăng nhập"):
        backup.restore(path)
    with pytest.raises(NotPermitted, match="khôi phục"):
        backup.restore(path, signed_in=viewer)


def test_an_encrypted_file_opens_without_the_page_check_and_outlives_a_vanished_wal(
    encrypted: tuple[Path, str, str],
) -> None:
    """The window opens every file without its page check (run in a worker after): the
    -wal is still this connection's own, and when something removes it the file is reopened
    with its key (it was reopened without one: 'file is not a database', called damage)."""
    from db.store import Store

    path, _recovery, name = encrypted
    key = at_rest.key_from_passphrase(path, PASSPHRASE)
    with Store.open(path, user="Cán bộ xã", device="may-xa", key=key, check=False) as store:
        assert store.notices == []
        path.with_name(path.name + "-wal").unlink()
        with store.transaction():
            pass
        assert store.notices  # the officer is told
        assert store.conn.execute("SELECT head_name FROM households LIMIT 1").fetchone()[0]
        assert name.encode() not in path.read_bytes()


def test_encrypting_holds_the_file_so_a_second_program_is_refused_and_nothing_is_lost(
    tmp_path: Path,
) -> None:
    """From the check to the replace, the plain file is held exclusively (issue 20): a
    second connection that tries to write while the backup, the export or the check runs is
    told the file is locked, rather than writing into a file about to be replaced."""
    from db import backup, driver

    path = tmp_path / "xa.sqlite"
    _plain_commune(path)
    conn = driver.connect(str(path))
    before = conn.execute("SELECT count(*) FROM households").fetchone()[0]
    conn.close()
    attempts: list[tuple[str, str]] = []

    def second_program(phase: str) -> None:
        other = driver.connect(str(path), isolation_level=None, timeout=0)
        try:
            other.execute("CREATE TABLE ke_la (x)")
            attempts.append((phase, "written"))
        except driver.OperationalError as exc:
            attempts.append((phase, str(exc)))
        finally:
            other.close()

    backup.phase_hooks.append(second_program)
    try:
        _recovery, _made, _backups = at_rest.encrypt_file(path, PASSPHRASE)
    finally:
        backup.phase_hooks.remove(second_program)
    phases = [p for p, _ in attempts]
    assert "before-encrypt:copy" in phases
    assert "encrypt:export" in phases
    assert "encrypt:replace" in phases
    assert all("locked" in outcome for _, outcome in attempts), attempts
    key = at_rest.key_from_passphrase(path, PASSPHRASE)
    conn = driver.connect(str(path), key=key)
    assert conn.execute("SELECT count(*) FROM households").fetchone()[0] == before
    assert (
        conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'ke_la'").fetchone()[0] == 0
    )
    conn.close()
    assert not path.with_name(path.name + "-journal").exists()


def test_encrypting_a_file_open_elsewhere_is_refused_and_leaves_it_as_it_was(
    tmp_path: Path,
) -> None:
    from db import driver
    from db.errors import InUseElsewhere

    path = tmp_path / "xa.sqlite"
    _plain_commune(path)
    other = driver.connect(str(path), isolation_level=None)
    other.execute("SELECT count(*) FROM households").fetchone()
    try:
        with pytest.raises(InUseElsewhere) as exc:
            at_rest.encrypt_file(path, PASSPHRASE)
        assert "mã hoá" in exc.value.message
        other.execute("CREATE TABLE sau (x)")  # still writable: nothing was held
    finally:
        other.close()
    assert not at_rest.is_encrypted(path)
    assert not at_rest.key_file(path).exists()


def test_the_encrypted_file_is_in_wal_mode_and_an_opening_that_writes_nothing_keeps_it(
    encrypted: tuple[Path, str, str],
) -> None:
    """A commune file is in WAL mode; one left in rollback mode is switched by its next
    opening (``Store.open``'s ``_configure``), the header rewritten and, in an encrypted
    file, page 1 encrypted again: the encrypted file leaves the encryption in WAL mode, so
    an opening with ``seen=False`` that writes nothing (a refused import's) keeps its bytes.
    A file still in rollback mode (encrypted by an older version) changes at its first
    opening only."""
    import hashlib

    from db import driver
    from db.store import Store

    path, recovery, _name = encrypted
    key = at_rest.file_key(recovery)

    def sha() -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest()

    def open_and_close() -> None:
        Store.open(path, user="Cán bộ xã", device="may-xa", key=key, seen=False).close()

    conn = driver.connect(str(path), key=key)
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    before = sha()
    open_and_close()
    assert sha() == before
    assert not path.with_name(path.name + "-wal").exists()

    conn = driver.connect(str(path), key=key)  # as the encryption left it before
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    older = sha()
    open_and_close()
    switched = sha()
    assert switched != older
    open_and_close()
    assert sha() == switched


def _another_encrypted(tmp_path: Path) -> Path:
    """Another encrypted commune file of the same name, under the same passphrase, in its
    own folder; its key forgotten, as by a process that never opened it."""
    from db import driver

    other = tmp_path / "khac" / "xa.sqlite"
    other.parent.mkdir()
    _plain_commune(other)
    at_rest.encrypt_file(other, PASSPHRASE)
    driver.forget(other)
    return other


def test_another_files_key_file_is_not_called_a_wrong_passphrase(
    tmp_path: Path, encrypted: tuple[Path, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """The key file of another encrypted commune copied beside this one: the passphrase
    opens it, its key does not open the file. Said "Mật khẩu không đúng", the officer typed
    the right passphrase again and again."""
    from rasoat.cli import main

    path, _recovery, _name = encrypted
    other = _another_encrypted(tmp_path)
    at_rest.key_file(path).write_bytes(at_rest.key_file(other).read_bytes())
    with pytest.raises(at_rest.KeyFileNotThisFile, match="không mở được tệp xa.sqlite"):
        at_rest.key_from_passphrase(path, PASSPHRASE)
    phrase = tmp_path / "mk.txt"
    phrase.write_text(PASSPHRASE, encoding="utf-8")
    assert main(["db", "check", str(path), "--passphrase-file", str(phrase)]) == 2
    said = capsys.readouterr().err
    assert "tệp khoá có thể là của một tệp xã khác" in said
    assert "không đúng" not in said


def test_a_backup_of_another_encrypted_file_is_not_called_damaged(
    tmp_path: Path, encrypted: tuple[Path, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Another commune's encrypted backup was refused as "bị hỏng", this file's newest backup
    offered instead; this file's own backup copied to a stick was refused the same way. The
    first is said to be another file's; the second is restored."""
    import shutil

    from db import driver
    from rasoat.cli import main

    path, _recovery, _name = encrypted
    other = _another_encrypted(tmp_path)
    phrase = tmp_path / "mk.txt"
    phrase.write_text(PASSPHRASE, encoding="utf-8")
    for commune in (path, other):
        assert main(["db", "backup", str(commune), "--passphrase-file", str(phrase)]) == 0
    capsys.readouterr()
    theirs = sorted(other.with_name("xa.sqlite.backups").glob("*manual*.sqlite"))[-1]
    before = path.read_bytes()
    argv = ["db", "restore", str(path), "--passphrase-file", str(phrase), "--from"]
    assert main([*argv, str(theirs)]) == 1
    said = capsys.readouterr().err
    assert "được mã hoá bằng khoá của một tệp xã khác" in said
    assert "hỏng" not in said
    assert path.read_bytes() == before
    driver.forget(other)  # as a new process, which knows only this file's key
    assert main([*argv, str(theirs)]) == 1
    assert "được mã hoá bằng khoá của một tệp xã khác" in capsys.readouterr().err
    assert path.read_bytes() == before
    mine = sorted(path.with_name("xa.sqlite.backups").glob("*manual*.sqlite"))[-1]
    stick = tmp_path / "usb" / "sao-luu.sqlite"
    stick.parent.mkdir()
    shutil.copyfile(mine, stick)
    assert main([*argv, str(stick)]) == 0
