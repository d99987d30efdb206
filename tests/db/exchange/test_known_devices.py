"""The laptops a commune file knows (issue 17): each kept key with what it brought, and the
officer stopping trust in one (audited), after which its next package is asked about again."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from db.errors import NotFound
from db.exchange import signing
from db.exchange.devices import known_devices, own_fingerprint, stop_trusting
from db.exchange.errors import SenderNotTrusted
from db.exchange.export import ExportScope, export_package
from db.exchange.merge import import_package
from db.store import Store
from rasoat.cli import main
from rasoat.identity import signing_key
from tests.db.exchange.test_merge import edit
from tests.db.exchange.test_signing import laptop_package


def another_package(tmp_path: Path, key: Ed25519PrivateKey, name: str, code: str) -> Path:
    edit(tmp_path / "may-a.db", "may-a", [code], name)
    out = tmp_path / f"{name}.rasoat"
    with Store.open(tmp_path / "may-a.db", user="Lò Thị Mai", device="may-a") as store:
        export_package(store, out, ExportScope(kind="surveyor", device="may-a"), signer=key)
    return out


def test_a_laptop_is_listed_counted_and_untrusted_with_an_audit_row(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    fp = signing.fingerprint(signing.public_bytes(key))
    base, pkg = laptop_package(tmp_path, key)
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        assert known_devices(office.conn) == []
        import_package(office, pkg, trusted=[fp])
        import_package(office, another_package(tmp_path, key, "lan-hai", "HO00002"))
        [laptop] = known_devices(office.conn)
        assert (laptop.device, laptop.name, laptop.fingerprint) == ("may-a", "Lò Thị Mai", fp)
        assert laptop.trusted_by == "Cán bộ xã"
        assert laptop.trusted
        assert not laptop.replaced
        assert laptop.packages == 2
        assert laptop.last_seen > laptop.first_seen
        first_seen = laptop.first_seen

        with pytest.raises(NotFound):
            stop_trusting(office, "", "0000-0000-0000-0000-0000")
        gone = stop_trusting(office, "", fp.lower().replace("-", ""))
        assert not gone.trusted
        [row] = office.audit_for_row("exchange_devices", f"may-a/{fp}")
        assert (row.user, row.action) == ("Cán bộ xã", "update")
        assert known_devices(office.conn)[0].retired_at is not None

        third = another_package(tmp_path, key, "lan-ba", "HO00001")
        with pytest.raises(SenderNotTrusted) as asked:
            import_package(office, third)
        assert asked.value.check.status == "unknown"
        # Trusted again: the row comes back with its first sighting kept.
        import_package(office, third, trusted=[fp])
        [again] = known_devices(office.conn)
        assert again.trusted
        assert again.first_seen == first_seen
        assert again.packages == 3


def test_a_replaced_key_is_listed_as_replaced(tmp_path: Path) -> None:
    old, new = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    base, pkg = laptop_package(tmp_path, old)
    new_fp = signing.fingerprint(signing.public_bytes(new))
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        import_package(office, pkg, trusted=[signing.fingerprint(signing.public_bytes(old))])
        import_package(
            office, another_package(tmp_path, new, "cai-lai", "HO00002"), trusted=[new_fp]
        )
        devices = known_devices(office.conn)
    assert [(d.fingerprint == new_fp, d.trusted, d.replaced) for d in devices] == [
        (True, True, False),
        (False, False, True),
    ]


def test_the_cli_lists_untrusts_after_asking_and_shows_the_own_fingerprint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    key = Ed25519PrivateKey.generate()
    fp = signing.fingerprint(signing.public_bytes(key))
    base, pkg = laptop_package(tmp_path, key)
    assert main(["import", str(base), str(pkg), "--trust-device", fp]) == 0
    capsys.readouterr()
    assert main(["devices", str(base)]) == 0
    out = capsys.readouterr().out
    assert "may-a" in out
    assert fp in out
    assert "tin cậy" in out
    assert "gói: 1" in out

    # The question defaults to No: an empty answer changes nothing.
    monkeypatch.setattr("builtins.input", lambda _: "")
    assert main(["devices", str(base), "--untrust", fp]) == 1
    assert known_devices_of(base)[0].trusted
    monkeypatch.setattr("builtins.input", lambda _: "c")
    assert main(["devices", str(base), "--untrust", fp]) == 0
    assert not known_devices_of(base)[0].trusted
    capsys.readouterr()

    assert main(["devices", "--own"]) == 0
    own = signing.fingerprint(signing.public_bytes(signing_key()))
    assert own == own_fingerprint()
    assert own in capsys.readouterr().out


def known_devices_of(path: Path) -> list:  # type: ignore[type-arg]
    with Store.open(path, user="Cán bộ xã", device="may-xa") as store:
        return known_devices(store.conn)
