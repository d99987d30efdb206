"""Pages authenticated with HMAC-SHA256 in files encrypted from now on; files encrypted before
(SQLCipher 4's default HMAC-SHA512) still open, save, back up and restore, the algorithm told
from the file itself (issue 20: an encrypted save within 1.3x of the plain file's)."""

from __future__ import annotations

from pathlib import Path

import pytest

from db import at_rest, backup, driver
from db.store import Store

PASSPHRASE = "ruộng bậc thang mùa lúa chín"


def _commune(path: Path) -> str:
    """A small demo commune at ``path``; a household head's name in it."""
    from db.demo import create_demo_commune

    create_demo_commune(path, households=12)
    with Store.open(path, user="Cán bộ xã", device="may-xa") as store:
        name = store.conn.execute("SELECT head_name FROM households LIMIT 1").fetchone()[0]
    assert isinstance(name, str)
    assert name
    return name


def _opens_under(path: Path, key: bytes, hmac: str) -> bool:
    """Whether the raw file reads under ``hmac``, with no detection in between."""
    conn = driver._raw_connect(str(path))  # type: ignore[attr-defined]
    try:
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        conn.execute(f"PRAGMA cipher_hmac_algorithm = {hmac}")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except driver.DatabaseError:
        return False
    finally:
        conn.close()


def _new_process(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    driver.forget(path)
    monkeypatch.setattr(driver, "_hmacs", {})


def test_a_file_encrypted_now_authenticates_its_pages_with_sha256(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "xa.sqlite"
    _commune(path)
    at_rest.encrypt_file(path, PASSPHRASE)
    _new_process(path, monkeypatch)
    key = at_rest.key_from_passphrase(path, PASSPHRASE)
    assert _opens_under(path, key, "HMAC_SHA256")
    assert not _opens_under(path, key, "HMAC_SHA512")
    with Store.open(path, user="Cán bộ xã", device="may-xa", key=key) as store:
        assert store.conn.execute("PRAGMA cipher_hmac_algorithm").fetchone()[0] == "HMAC_SHA256"


@pytest.fixture
def encrypted_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    """A commune file encrypted as before HMAC-SHA256 (SQLCipher's default, HMAC-SHA512:
    the export set nothing), opened in a new process; a household head's name in it."""
    probe = driver._raw_connect(":memory:")  # type: ignore[attr-defined]
    try:
        default = probe.execute("PRAGMA cipher_default_hmac_algorithm").fetchone()[0]
    finally:
        probe.close()
    assert default == "HMAC_SHA512"
    path = tmp_path / "xa.sqlite"
    name = _commune(path)
    with monkeypatch.context() as before:
        before.setattr(driver, "HMAC", default)
        at_rest.encrypt_file(path, PASSPHRASE)
    _new_process(path, monkeypatch)
    key = at_rest.key_from_passphrase(path, PASSPHRASE)
    assert _opens_under(path, key, "HMAC_SHA512")
    assert not _opens_under(path, key, "HMAC_SHA256")
    _new_process(path, monkeypatch)
    return path, name


def test_a_file_encrypted_before_opens_saves_backs_up_and_restores(
    encrypted_before: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, name = encrypted_before
    key = at_rest.key_from_passphrase(path, PASSPHRASE)
    with Store.open(path, user="Cán bộ xã", device="may-xa", key=key) as store:
        assert store.conn.execute("PRAGMA cipher_hmac_algorithm").fetchone()[0] == "HMAC_SHA512"
        h = store.household_by_code(
            store.conn.execute("SELECT code FROM households LIMIT 1").fetchone()[0]
        )
        assert h is not None
        h.note = "Đã đến nhà hỏi lại"
        store.save_household(h)
        made = backup.make_backup(path, "manual", store.conn)
    # The file keeps SHA-512 for good, and so does its backup (copied page by page).
    assert _opens_under(path, key, "HMAC_SHA512")
    assert _opens_under(made, key, "HMAC_SHA512")
    assert name.encode() not in made.read_bytes()
    # A new process: the backup opened by path, its algorithm told from its own pages.
    _new_process(path, monkeypatch)
    driver.remember(path, key)
    assert backup.check_backup(made) == []
    used, _kept = backup.restore(path, made, user="Cán bộ xã", device="may-xa")
    assert used == made
    _new_process(path, monkeypatch)
    key = at_rest.key_from_recovery(path, _recovery_of(path))
    with Store.open(path, user="Cán bộ xã", device="may-xa", key=key) as store:
        assert store.integrity_problems() == []
        found = store.conn.execute(
            "SELECT count(*) FROM households WHERE doc LIKE '%Đã đến nhà hỏi lại%'"
        ).fetchone()[0]
    assert found == 1


def _recovery_of(path: Path) -> str:
    found = at_rest.recovery_from_passphrase(path, PASSPHRASE)
    assert found is not None
    return found


def test_a_wrong_key_is_still_a_wrong_passphrase_under_either_algorithm(
    encrypted_before: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _name = encrypted_before
    wrong = at_rest.file_key(at_rest.new_recovery_key())
    with pytest.raises(at_rest.WrongPassphrase):
        Store.open(path, user="Cán bộ xã", device="may-xa", key=wrong)
    with pytest.raises(at_rest.WrongPassphrase):
        at_rest.key_from_recovery(path, at_rest.new_recovery_key())
    # The right key afterwards still opens it: a failed try remembers nothing.
    key = at_rest.key_from_passphrase(path, PASSPHRASE)
    with Store.open(path, user="Cán bộ xã", device="may-xa", key=key) as store:
        assert store.integrity_problems() == []
    now = tmp_path / "now.sqlite"
    _commune(now)
    at_rest.encrypt_file(now, PASSPHRASE)
    _new_process(now, monkeypatch)
    with pytest.raises(at_rest.WrongPassphrase):
        Store.open(now, user="Cán bộ xã", device="may-xa", key=wrong)
