"""The `.rasoat` container: round trips, encryption with password or recovery key, and the
clear refusals of broken or hostile files."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from db.exchange import container, crypto
from db.exchange.errors import PackageError, PasswordRequiredError, WrongPasswordError
from db.exchange.package import HOUSEHOLDS_PART, read_package, write_package
from tests.db.exchange.records import records

HEADER = {"app_version": "0.1.0", "commune": {"code": "10105", "name": "Xã Tân Lập"}}
FAST_N = 2**10  # tests keep scrypt cheap; the format records N, the reader honours it


def test_plain_round_trip_keeps_every_household(tmp_path: Path) -> None:
    recs = records(30)
    path = tmp_path / "xa.rasoat"
    written = write_package(path, HEADER, {"villages": ["Thôn 1"]}, recs)
    assert written.recovery_key is None
    pkg = read_package(path)
    assert [r.household for r in pkg.records] == [r.household for r in recs]
    assert pkg.commune == {"villages": ["Thôn 1"]}
    assert pkg.manifest["counts"]["households"] == 30
    assert pkg.manifest["counts"]["members"] == sum(len(r.household.members) for r in recs)
    assert pkg.manifest["commune"]["code"] == "10105"
    part = pkg.manifest["parts"][HOUSEHOLDS_PART]
    with zipfile.ZipFile(path) as zf:
        assert crypto.sha256_hex(zf.read(HOUSEHOLDS_PART)) == part["sha256"]


def test_password_or_recovery_key_opens_and_nothing_readable_without(tmp_path: Path) -> None:
    recs = records(5)
    path = tmp_path / "xa.rasoat"
    written = write_package(path, HEADER, {}, recs, password="mật khẩu", scrypt_n=FAST_N)
    key = written.recovery_key
    assert key is not None
    assert len(key.split("-")) == 8
    # Personal data never appears in clear inside an encrypted package.
    assert recs[0].household.members[0].name.encode() not in path.read_bytes()
    assert read_package(path, password="mật khẩu").records[0].household == recs[0].household
    typed = key.lower().replace("-", " ")  # what a person types from the printout
    assert len(read_package(path, recovery_key=typed).records) == 5
    with pytest.raises(PasswordRequiredError):
        read_package(path)
    with pytest.raises(WrongPasswordError, match="Sai mật khẩu"):
        read_package(path, password="mat khau")
    with pytest.raises(WrongPasswordError):
        read_package(path, recovery_key=crypto.new_recovery_key())


def test_the_commune_can_reuse_its_printed_recovery_key(tmp_path: Path) -> None:
    key = crypto.new_recovery_key()
    path = tmp_path / "a.rasoat"
    written = write_package(
        path, HEADER, {}, records(2), password="x", recovery_key=key, scrypt_n=FAST_N
    )
    assert written.recovery_key is None  # nothing new to print
    assert len(read_package(path, recovery_key=key).records) == 2


def test_manifest_can_be_read_without_the_password(tmp_path: Path) -> None:
    path = tmp_path / "a.rasoat"
    write_package(path, HEADER, {}, records(3), password="x", scrypt_n=FAST_N)
    manifest = container.read_manifest(path)
    assert container.is_encrypted(manifest)
    assert manifest["counts"]["households"] == 3


def _rewrite(src: Path, dst: Path, change: dict[str, bytes | None]) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = change.get(info.filename, zin.read(info.filename))
            if data is not None:
                zout.writestr(info.filename, data)
        for name, data in change.items():
            if name not in zin.namelist() and data is not None:
                zout.writestr(name, data)


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "good.rasoat"
    write_package(path, HEADER, {}, records(10))
    return path


def _manifest(path: Path) -> dict:
    with zipfile.ZipFile(path) as zf:
        return json.loads(zf.read("manifest.json"))


def test_tampered_data_is_refused(good: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.rasoat"
    with zipfile.ZipFile(good) as zf:
        data = zf.read(HOUSEHOLDS_PART).replace(b"Th\xc3\xb4n 1", b"Th\xc3\xb4n 9", 1)
    _rewrite(good, bad, {HOUSEHOLDS_PART: data})
    with pytest.raises(PackageError, match="mã kiểm tra"):
        read_package(bad)


def test_newer_format_version_asks_for_an_update(good: Path, tmp_path: Path) -> None:
    manifest = _manifest(good)
    manifest["format_version"] = 99
    bad = tmp_path / "bad.rasoat"
    _rewrite(good, bad, {"manifest.json": json.dumps(manifest).encode()})
    with pytest.raises(PackageError, match="cập nhật phần mềm"):
        read_package(bad)


def test_truncated_file_is_refused(good: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.rasoat"
    bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(PackageError, match="cắt cụt|hỏng"):
        read_package(bad)


@pytest.mark.parametrize("name", ["../../etc/passwd", "/abs/path", "C:\\x", "extra.json"])
def test_unknown_or_escaping_entry_names_are_refused(good: Path, tmp_path: Path, name: str) -> None:
    bad = tmp_path / "bad.rasoat"
    _rewrite(good, bad, {name: b"x"})
    with pytest.raises(PackageError, match="không được phép"):
        read_package(bad)


def test_zip_bomb_is_refused_before_decompressing(good: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bomb.rasoat"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as zout:
        zout.writestr("manifest.json", zin.read("manifest.json"))
        zout.writestr("commune.json", zin.read("commune.json"))
        zout.writestr(HOUSEHOLDS_PART, b"\0" * (64 * 1024 * 1024))
    assert bad.stat().st_size < 200_000
    with pytest.raises(PackageError, match="bom nén"):
        read_package(bad)


def test_size_ceilings_apply(good: Path) -> None:
    with pytest.raises(PackageError, match="quá lớn"):
        read_package(good, limits=container.Limits(package_bytes=100))


def test_hostile_scrypt_parameters_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.rasoat"
    write_package(path, HEADER, {}, records(1), password="x", scrypt_n=FAST_N)
    manifest = _manifest(path)
    manifest["encryption"]["kdf"]["n"] = 2**30
    bad = tmp_path / "bad.rasoat"
    _rewrite(path, bad, {"manifest.json": json.dumps(manifest).encode()})
    with pytest.raises(PackageError, match="quá lớn"):
        read_package(bad, password="x")


def test_record_failing_the_codec_is_refused_with_its_line(good: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(good) as zf:
        lines = zf.read(HOUSEHOLDS_PART).decode().splitlines()
    rec = json.loads(lines[2])
    rec["household"]["members"][0]["birth_year"] = "một chín tám mươi"
    lines[2] = json.dumps(rec, ensure_ascii=False)
    data = ("\n".join(lines) + "\n").encode()
    manifest = _manifest(good)
    manifest["parts"][HOUSEHOLDS_PART] = {"sha256": crypto.sha256_hex(data), "size": len(data)}
    bad = tmp_path / "bad.rasoat"
    _rewrite(good, bad, {HOUSEHOLDS_PART: data, "manifest.json": json.dumps(manifest).encode()})
    with pytest.raises(PackageError, match="dòng 3.*birth_year"):
        read_package(bad)


def test_not_a_package_at_all(tmp_path: Path) -> None:
    path = tmp_path / "notes.rasoat"
    path.write_text("Danh sách hộ nghèo", encoding="utf-8")
    with pytest.raises(PackageError, match="không phải gói"):
        read_package(path)


def _with_line(good: Path, tmp_path: Path, index: int, edit: Any) -> Path:
    """``good`` with its record ``index`` changed by ``edit``, checksums made to match (a
    forger's or a broken tool's package: only the record's own checks refuse it)."""
    with zipfile.ZipFile(good) as zf:
        lines = zf.read(HOUSEHOLDS_PART).decode().splitlines()
    rec = json.loads(lines[index])
    edit(rec)
    lines[index] = json.dumps(rec, ensure_ascii=False)
    data = ("\n".join(lines) + "\n").encode()
    manifest = _manifest(good)
    manifest["parts"][HOUSEHOLDS_PART] = {"sha256": crypto.sha256_hex(data), "size": len(data)}
    bad = tmp_path / "bad.rasoat"
    _rewrite(good, bad, {HOUSEHOLDS_PART: data, "manifest.json": json.dumps(manifest).encode()})
    return bad


def test_a_refused_record_names_its_household_and_field_once(good: Path, tmp_path: Path) -> None:
    def bad_year(rec: dict[str, Any]) -> None:
        rec["household"]["members"][0]["birth_year"] = "một chín tám mươi"

    code = json.loads(zipfile.ZipFile(good).read(HOUSEHOLDS_PART).splitlines()[2])["household"][
        "code"
    ]
    with pytest.raises(PackageError) as refused:
        read_package(_with_line(good, tmp_path, 2, bad_year))
    said = str(refused.value)
    assert said.startswith(f"Hộ {code} (dòng 3 của gói) không hợp lệ: ")
    assert "birth_year" in said
    for word in ("Error", "invalid", "literal", "int()"):
        assert word not in said

    def bad_id(rec: dict[str, Any]) -> None:
        rec["household"]["members"][0]["id_number"] = "12345"

    with pytest.raises(PackageError) as refused:
        read_package(_with_line(good, tmp_path, 2, bad_id))
    said = str(refused.value)
    assert said.startswith(f"Hộ {code} (dòng 3 của gói) không hợp lệ: ")
    assert said.count(code) == 1  # the household's own check names it too: said once

    def no_code(rec: dict[str, Any]) -> None:
        rec["household"]["code"] = " "

    with pytest.raises(PackageError, match="^Hộ ở dòng 3 của gói không hợp lệ: "):
        read_package(_with_line(good, tmp_path, 2, no_code))


@pytest.mark.parametrize("code", ["²⁹⁴⁷", "٢٩٤٧"])
def test_a_commune_code_of_digits_int_refuses_is_read_as_text(tmp_path: Path, code: str) -> None:
    """ "²⁹⁴⁷" is digits to str.isdigit and not to int: reading the package raised ValueError
    (`rasoat import`: "Lỗi không mong muốn", exit 70). It is a code like any other text, then
    refused as another commune's."""
    from rasoat.cli import main
    from tests.db.exchange.commune import make_commune

    header = {"app_version": "0.1.0", "commune": {"code": code, "name": "Xã Tân Lập"}}
    commune = {"commune": {"commune_code": code, "commune_name": "Xã Tân Lập"}, "villages": []}
    path = tmp_path / "xa.rasoat"
    write_package(path, header, commune, records(2))
    assert read_package(path).manifest["commune"]["code"] == code
    base = make_commune(tmp_path / "xa.db", 2)
    assert main(["import", str(base), str(path)]) == 2


def test_a_record_a_newer_version_wrote_asks_for_an_update(tmp_path: Path) -> None:
    """A package of the same format made by a newer Rà soát, whose households carry a field
    this version does not know: refused (nothing dropped), and said to be the newer
    version's, not only "Hộ … không hợp lệ", which had the officer think the data broken."""
    from db.exchange.crypto import sha256_hex

    src = tmp_path / "newer.rasoat"
    write_package(src, {**HEADER, "app_version": "99.1.0"}, {}, records(2))
    with zipfile.ZipFile(src) as zf:
        lines = zf.read(HOUSEHOLDS_PART).decode().splitlines()
    first = json.loads(lines[0])
    first["household"]["solar_panel"] = True  # asked by the newer version's form
    data = ("\n".join([json.dumps(first), *lines[1:]]) + "\n").encode()
    if not zipfile.ZipFile(src).read(HOUSEHOLDS_PART).endswith(b"\n"):
        data = data[:-1]
    manifest = _manifest(src)
    manifest["parts"][HOUSEHOLDS_PART] = {"sha256": sha256_hex(data), "size": len(data)}
    bad = tmp_path / "bad.rasoat"
    _rewrite(src, bad, {HOUSEHOLDS_PART: data, "manifest.json": json.dumps(manifest).encode()})
    with pytest.raises(PackageError) as refused:
        read_package(bad)
    message = str(refused.value)
    assert "solar_panel" in message
    assert "phiên bản 99.1.0" in message
    assert "cập nhật phần mềm" in message
    # Made by this version, the same record says only what is wrong with it.
    same = tmp_path / "same.rasoat"
    write_package(same, HEADER, {}, records(2))
    manifest = _manifest(same)
    manifest["parts"][HOUSEHOLDS_PART] = {"sha256": sha256_hex(data), "size": len(data)}
    again = tmp_path / "again.rasoat"
    _rewrite(same, again, {HOUSEHOLDS_PART: data, "manifest.json": json.dumps(manifest).encode()})
    with pytest.raises(PackageError) as refused:
        read_package(again)
    assert "cập nhật" not in str(refused.value)
