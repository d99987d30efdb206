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
