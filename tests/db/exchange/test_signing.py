"""Packages are signed by the laptop that made them (issue 17, item 7): a forged author or a
tampered part is refused, a laptop the commune file does not know (or a changed key for one
it knows) needs the officer's confirmation of its fingerprint, and a refused file stays
byte-identical. Older unsigned packages still read, with a warning."""

from __future__ import annotations

import hashlib
import json
import stat
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from db.exchange import signing
from db.exchange.container import read_manifest
from db.exchange.devices import UNSIGNED_OK, UNVERIFIED
from db.exchange.errors import PackageError, SenderNotTrusted
from db.exchange.export import ExportScope, export_package
from db.exchange.merge import import_package, precheck
from db.exchange.package import read_package, write_package
from db.store import Store
from rasoat.cli import main
from rasoat.identity import signing_key
from tests.db.exchange.commune import copy_to, make_commune
from tests.db.exchange.records import records
from tests.db.exchange.test_merge import edit


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def zip_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def write_parts(path: Path, parts: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def laptop_package(
    tmp_path: Path, key: Ed25519PrivateKey | None, device: str = "may-a", **kwargs: object
) -> tuple[Path, Path]:
    """(commune file, package of one edited household made on a copy of it as ``device``)."""
    base = make_commune(tmp_path / "xa.db", 3)
    laptop = copy_to(base, tmp_path / f"{device}.db")
    edit(laptop, device, ["HO00001"], f"sửa ở {device}")
    out = tmp_path / f"{device}.rasoat"
    with Store.open(laptop, user="Lò Thị Mai", device=device) as store:
        export_package(
            store, out, ExportScope(kind="surveyor", device=device), signer=key, **kwargs
        )  # type: ignore[arg-type]
    return base, out


def test_the_laptop_key_is_made_once_readable_by_its_owner_only(rasoat_home: Path) -> None:
    first = signing.public_bytes(signing_key())
    assert signing.public_bytes(signing_key()) == first
    path = rasoat_home / "config" / "signing-key.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_package_is_signed_by_the_laptop_that_made_it(tmp_path: Path) -> None:
    _, pkg = laptop_package(tmp_path, None)
    manifest = read_manifest(pkg)
    assert manifest["format_version"] == 2
    assert read_package(pkg).signer == signing.Signer(signing.public_bytes(signing_key()))


def test_a_forged_manifest_author_is_rejected(tmp_path: Path) -> None:
    _, pkg = laptop_package(tmp_path, Ed25519PrivateKey.generate())
    parts = zip_parts(pkg)
    manifest = json.loads(parts["manifest.json"])
    manifest["created_by"] = "Giám đốc Sở (giả mạo)"
    parts["manifest.json"] = json.dumps(manifest, ensure_ascii=False).encode()
    write_parts(pkg, parts)
    with pytest.raises(PackageError, match="Chữ ký của gói không khớp"):
        read_manifest(pkg)
    with pytest.raises(PackageError, match="Chữ ký của gói không khớp"):
        read_package(pkg)


def test_a_tampered_part_is_rejected_even_with_its_checksum_updated(tmp_path: Path) -> None:
    _, pkg = laptop_package(tmp_path, Ed25519PrivateKey.generate())
    parts = zip_parts(pkg)
    forged = parts["households.jsonl"].replace("sửa ở may-a".encode(), b"forged")
    parts["households.jsonl"] = forged
    write_parts(pkg, parts)
    with pytest.raises(PackageError, match="mã kiểm tra"):
        read_package(pkg)
    manifest = json.loads(parts["manifest.json"])
    manifest["parts"]["households.jsonl"] = {
        "sha256": hashlib.sha256(forged).hexdigest(),
        "size": len(forged),
    }
    parts["manifest.json"] = json.dumps(manifest, ensure_ascii=False).encode()
    write_parts(pkg, parts)
    with pytest.raises(PackageError, match="Chữ ký"):
        read_package(pkg)


def test_a_signature_removed_is_not_an_older_package(tmp_path: Path) -> None:
    _, pkg = laptop_package(tmp_path, Ed25519PrivateKey.generate())
    parts = zip_parts(pkg)
    manifest = json.loads(parts["manifest.json"])
    del manifest["signature"]
    parts["manifest.json"] = json.dumps(manifest, ensure_ascii=False).encode()
    write_parts(pkg, parts)
    with pytest.raises(PackageError, match="không có chữ ký"):
        read_package(pkg)


def test_an_encrypted_manifest_re_signed_by_a_forger_does_not_open(
    tmp_path: Path,
) -> None:
    """The signature is valid (the forger's own key) but the manifest is bound to the
    ciphertext: the changed author makes every part fail to authenticate."""
    _, pkg = laptop_package(
        tmp_path, Ed25519PrivateKey.generate(), password="một mật khẩu dài", scrypt_n=2**10
    )
    parts = zip_parts(pkg)
    manifest = json.loads(parts["manifest.json"])
    manifest["created_by"] = "Giám đốc Sở (giả mạo)"
    manifest["signature"] = signing.sign(manifest, Ed25519PrivateKey.generate())
    parts["manifest.json"] = json.dumps(manifest, ensure_ascii=False).encode()
    write_parts(pkg, parts)
    assert read_manifest(pkg)["created_by"] == "Giám đốc Sở (giả mạo)"
    with pytest.raises(PackageError, match="không xác thực được"):
        read_package(pkg, password="một mật khẩu dài")


def test_an_unknown_laptop_asks_then_is_known(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    fp = signing.fingerprint(signing.public_bytes(key))
    base, pkg = laptop_package(tmp_path, key)
    before = sha(base)
    with pytest.raises(SenderNotTrusted) as asked:
        precheck(base, read_package(pkg))
    assert asked.value.check.status == "unknown"
    assert fp in str(asked.value)
    assert "may-a" in str(asked.value)
    assert sha(base) == before  # asked before the file was opened for writing
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        with pytest.raises(SenderNotTrusted):
            import_package(office, pkg)  # the merge checks again
        receipt = import_package(office, pkg, trusted=[fp.lower().replace("-", "")])
        assert receipt.count("updated") == 1
        assert receipt.sender == "unknown"
        assert receipt.sender_fingerprint == fp
        assert fp in receipt.text()
    # The next package of that laptop passes without asking.
    edit(tmp_path / "may-a.db", "may-a", ["HO00002"], "lần hai")
    again = tmp_path / "again.rasoat"
    with Store.open(tmp_path / "may-a.db", user="Lò Thị Mai", device="may-a") as store:
        export_package(store, again, ExportScope(kind="surveyor", device="may-a"), signer=key)
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        receipt = import_package(office, again)
        assert receipt.sender == "known"
        assert receipt.count("updated") == 1


def test_a_changed_key_for_a_known_laptop_is_refused_loudly(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    base, pkg = laptop_package(tmp_path, key)
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        import_package(office, pkg, trusted=[signing.fingerprint(signing.public_bytes(key))])
    forger = Ed25519PrivateKey.generate()
    forged = tmp_path / "forged.rasoat"
    with Store.open(tmp_path / "may-a.db", user="Lò Thị Mai", device="may-a") as store:
        export_package(store, forged, ExportScope(), signer=forger)
    before = sha(base)
    assert main(["import", str(base), str(forged)]) == 1
    assert sha(base) == before
    with pytest.raises(SenderNotTrusted, match="CẢNH BÁO.*KHÁC") as refused:
        precheck(base, read_package(forged))
    assert refused.value.check.status == "changed"
    assert refused.value.check.known_fingerprint == signing.fingerprint(signing.public_bytes(key))


def test_a_known_laptops_package_with_its_signature_stripped_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A signed package rewritten as an unsigned one of format 1, naming a laptop whose key
    the file keeps, was taken with only the old-version warning, and changed a household.
    Every version since signing signs: it is refused, whatever fingerprint is confirmed."""
    key = Ed25519PrivateKey.generate()
    fp = signing.fingerprint(signing.public_bytes(key))
    base, pkg = laptop_package(tmp_path, key)
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        import_package(office, pkg, trusted=[fp])
    edit(tmp_path / "may-a.db", "may-a", ["HO00002"], "sửa rồi bỏ chữ ký")
    stripped = tmp_path / "stripped.rasoat"
    with Store.open(tmp_path / "may-a.db", user="Lò Thị Mai", device="may-a") as store:
        export_package(store, stripped, ExportScope(kind="surveyor", device="may-a"), signer=key)
    _strip_signature(stripped)
    assert read_package(stripped).signer is None
    before = sha(base)
    capsys.readouterr()
    assert main(["import", str(base), str(stripped), "--trust-device", fp]) == 1
    err = capsys.readouterr().err
    assert "KHÔNG có chữ ký, trong khi tệp của xã đã biết khoá của máy đó" in err
    assert fp in err
    assert "--trust-device" not in err
    assert sha(base) == before
    with (
        Store.open(base, user="Cán bộ xã", device="may-xa") as office,
        pytest.raises(PackageError, match="không nhận"),
    ):
        import_package(office, stripped, trusted=[fp])
    # An unsigned package of a laptop the file has no key for reads as an older one's.
    other = tmp_path / "may-b.rasoat"
    with Store.open(tmp_path / "may-a.db", user="Lò Thị Mai", device="may-b") as store:
        export_package(
            store,
            other,
            ExportScope(kind="surveyor", device="may-b"),
            signer=Ed25519PrivateKey.generate(),
        )
    _strip_signature(other)
    assert main(["import", str(base), str(other)]) == 1
    assert "chạy lại với --allow-unsigned" in capsys.readouterr().err
    assert main(["import", str(base), str(other), "--allow-unsigned"]) == 0
    assert "KHÔNG CÓ CHỮ KÝ" in capsys.readouterr().out


def _strip_signature(pkg: Path) -> None:
    """A signed package rewritten as an unsigned one of format 1, its checksums made again."""
    parts = zip_parts(pkg)
    manifest = json.loads(parts["manifest.json"])
    del manifest["signature"]
    manifest["format_version"] = 1
    for name in list(manifest["parts"]):
        data = parts[name]
        manifest["parts"][name] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    parts["manifest.json"] = json.dumps(manifest, ensure_ascii=False).encode()
    write_parts(pkg, parts)


def test_the_cli_refuses_an_unknown_laptop_with_exit_1_and_its_fingerprint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = Ed25519PrivateKey.generate()
    fp = signing.fingerprint(signing.public_bytes(key))
    base, pkg = laptop_package(tmp_path, key)
    before = sha(base)
    assert main(["import", str(base), str(pkg)]) == 1
    err = capsys.readouterr().err
    assert fp in err
    assert f"--trust-device {fp}" in err
    assert sha(base) == before
    assert main(["import", str(base), str(pkg), "--trust-device", fp]) == 0
    assert "máy gửi mới, cán bộ đã xác nhận" in capsys.readouterr().out


def test_an_older_unsigned_package_is_taken_when_confirmed_with_unverified_history(
    tmp_path: Path,
) -> None:
    """Anyone can write an unsigned package: taken with a warning alone, it made the
    signatures worthless (a forger writes format 1). The officer takes it, or it is refused
    as an unknown laptop's is, nothing written."""
    base = make_commune(tmp_path / "xa.db", 0)
    pkg = tmp_path / "old.rasoat"
    recs = records(2)
    recs[0].updated_by = "Giám đốc Sở"
    write_package(pkg, {"commune": {"code": "10105", "name": "Xã Tân Lập"}}, {}, recs)
    package = read_package(pkg)
    assert package.manifest["format_version"] == 1
    assert package.signer is None
    before = sha(base)
    with pytest.raises(SenderNotTrusted, match="Chỉ nhận khi đã hỏi người gửi") as asked:
        precheck(base, read_package(pkg))
    assert asked.value.check.status == "unsigned"
    assert sha(base) == before  # asked before the file was opened for writing
    with (
        Store.open(base, user="Cán bộ xã", device="may-xa") as office,
        pytest.raises(SenderNotTrusted),
    ):
        import_package(office, pkg)  # the merge checks again
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        receipt = import_package(office, pkg, trusted=[UNSIGNED_OK])
        assert receipt.sender == "unsigned"
        assert any("không có chữ ký" in w for w in receipt.warnings)
        assert "KHÔNG CÓ CHỮ KÝ" in receipt.text()
        row = office.conn.execute(
            "SELECT updated_by FROM households WHERE id = ?", (recs[0].household.id,)
        ).fetchone()
        assert row[0] == "Giám đốc Sở" + UNVERIFIED
        users = {r[0] for r in office.conn.execute("SELECT user FROM household_revs")}
        assert users
        assert all(u.endswith(UNVERIFIED) for u in users if u)


def test_deletions_are_listed_and_refused_until_confirmed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Item 6: a package deleting every household of the file is not applied silently."""
    base = make_commune(tmp_path / "xa.db", 5)
    laptop = copy_to(base, tmp_path / "may.db")
    with Store.open(laptop, user="ĐTV", device="may-a") as store:
        for (hid,) in store.conn.execute("SELECT id FROM households").fetchall():
            store.delete_household(hid)
    pkg = tmp_path / "xoa.rasoat"
    assert main(["export", str(laptop), str(pkg), "--no-password"]) == 0
    capsys.readouterr()
    before = sha(base)
    assert main(["import", str(base), str(pkg)]) == 1
    err = capsys.readouterr().err
    assert "Gói này xoá 5 hộ" in err
    assert "HO00000" in err
    assert "HO00004" in err
    assert "--allow-deletions" in err
    assert sha(base) == before
    assert main(["merge", str(base), str(pkg)]) == 1
    assert sha(base) == before
    assert main(["import", str(base), str(pkg), "--allow-deletions"]) == 0
    out = capsys.readouterr().out
    assert "Lưu ý: Gói này xoá 5 hộ" in out
    assert "đã xoá: 5" in out
