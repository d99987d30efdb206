"""Format 4 (issue 22): a package written as it is read from the commune file, its
password-protected parts sealed in chunks (the STREAM construction): it round-trips through
the real import; a chunk changed, two chunks swapped, or the last chunk dropped is refused
with a Vietnamese message and the commune file stays byte-identical; older formats still
import; the reader's ceilings still hold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from db.exchange import container, signing
from db.exchange.container import read_manifest
from db.exchange.errors import PackageError
from db.exchange.export import ExportScope, export_package
from db.exchange.merge import import_package
from db.exchange.package import HOUSEHOLDS_PART, open_package, read_package
from db.exchange.upper_level import open_packages, summaries
from db.store import Store
from rasoat.cli import main
from tests.db.exchange.commune import make_commune
from tests.db.exchange.test_signing import write_parts, zip_parts

PASSWORD = "Ruộng bậc thang mùa lúa chín"
KEY = Ed25519PrivateKey.generate()
FINGERPRINT = signing.fingerprint(signing.public_bytes(KEY))
DATA = Path(__file__).parent / "data"
OLD_PASSWORD = "Goi-dinh-dang-cu-2026"  # of the packages in data/, made by 27a000c's writer


@pytest.fixture(scope="module")
def commune(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(commune file of 40 households, its package with a password in 1 KiB chunks, the
    same without a password)."""
    folder = tmp_path_factory.mktemp("chunked")
    path = make_commune(folder / "xa.db", 40, seed=5)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(container, "CHUNK_BYTES", 1024)  # many chunks from a small commune
        with Store.open(path, user="Lò Thị Mai", device="may-a") as store:
            export_package(store, folder / "mk.rasoat", password=PASSWORD, signer=KEY)
            export_package(store, folder / "plain.rasoat", signer=KEY)
    return path, folder / "mk.rasoat", folder / "plain.rasoat"


def _households(path: Path) -> dict[str, tuple[str, str, int]]:
    with Store.open(path, user="Cán bộ xã", device="may-xa") as store:
        rows = store.conn.execute("SELECT id, code, rev FROM households").fetchall()
        out = {}
        for hid, code, rev in rows:
            h = store.get_household(hid)
            assert h is not None
            out[hid] = (code, rev, len(h.members))
        return out


def _state(path: Path) -> tuple[bytes, bytes]:
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes(), wal.read_bytes() if wal.exists() else b""


def _write(path: Path, entries: dict[str, bytes]) -> Path:
    write_parts(path, entries)
    return path


def _chunks(pkg: Path) -> tuple[dict[str, bytes], list[bytes]]:
    entries = zip_parts(pkg)
    size = json.loads(entries["manifest.json"])["encryption"]["chunk_bytes"] + 16
    data = entries[HOUSEHOLDS_PART]
    return entries, [data[i : i + size] for i in range(0, len(data), size)]


@pytest.mark.parametrize("which", ["mk.rasoat", "plain.rasoat"])
def test_a_package_round_trips_through_the_import(
    commune: tuple[Path, Path, Path], tmp_path: Path, which: str
) -> None:
    source, encrypted, _plain = commune
    pkg = encrypted.with_name(which)
    manifest = read_manifest(pkg)
    if which == "mk.rasoat":
        assert manifest["format_version"] == container.CHUNKED_FORMAT_VERSION
        assert manifest["encryption"]["chunk_bytes"] == 1024
        info = manifest["parts"][HOUSEHOLDS_PART]
        assert info["stored_size"] > 5 * (1024 + 16)  # many chunks
        assert b"HO00001" not in pkg.read_bytes()
    else:
        assert manifest["format_version"] == container.FORMAT_VERSION  # unchanged: 2
    empty = make_commune(tmp_path / "xa.db", 0)
    with Store.open(empty, user="Cán bộ xã", device="may-xa") as office:
        receipt = import_package(office, pkg, password=PASSWORD, trusted=[FINGERPRINT])
    assert receipt.written
    assert _households(empty) == _households(source)


@pytest.mark.parametrize("how", ["changed", "swapped", "last dropped", "last dropped, re-signed"])
def test_a_chunk_changed_moved_or_dropped_is_refused(
    commune: tuple[Path, Path, Path],
    tmp_path: Path,
    how: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _source, pkg, _plain = commune
    entries, chunks = _chunks(pkg)
    assert len(chunks) > 3
    manifest = json.loads(entries["manifest.json"])
    if how == "changed":
        chunks[1] = chunks[1][:100] + bytes([chunks[1][100] ^ 1]) + chunks[1][101:]
    elif how == "swapped":
        chunks[1], chunks[2] = chunks[2], chunks[1]
    else:
        chunks.pop()
        if how.endswith("re-signed"):
            # A forger's own key: the signature holds, the sizes agree; only the chunk that
            # is now last, sealed as not the last, tells.
            manifest["parts"][HOUSEHOLDS_PART]["stored_size"] = sum(map(len, chunks))
            del manifest["signature"]
            manifest["signature"] = signing.sign(manifest, Ed25519PrivateKey.generate())
    entries[HOUSEHOLDS_PART] = b"".join(chunks)
    entries["manifest.json"] = json.dumps(manifest, ensure_ascii=False).encode()
    bad = _write(tmp_path / "hong.rasoat", entries)
    with pytest.raises(PackageError) as refused:
        read_package(bad, password=PASSWORD)
    message = str(refused.value)
    assert message != message.encode("ascii", "ignore").decode()  # Vietnamese
    if how != "last dropped":
        assert "không xác thực được" in message
    else:
        assert "kích thước" in message
    office = make_commune(tmp_path / "xa.db", 2)
    before = _state(office)
    password_file = tmp_path / "mk.txt"
    password_file.write_text(PASSWORD, encoding="utf-8")
    args = ["import", str(office), str(bad), "--password-file", str(password_file)]
    assert main([*args, "--trust-device", FINGERPRINT]) == 2
    assert message in capsys.readouterr().err
    assert _state(office) == before


def test_a_manifest_re_signed_by_a_forger_does_not_open(
    commune: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """The last chunk of each part is bound to the whole manifest, as a whole part was."""
    _source, pkg, _plain = commune
    entries = zip_parts(pkg)
    manifest = json.loads(entries["manifest.json"])
    manifest["created_by"] = "Giám đốc Sở (giả mạo)"
    del manifest["signature"]
    manifest["signature"] = signing.sign(manifest, Ed25519PrivateKey.generate())
    entries["manifest.json"] = json.dumps(manifest, ensure_ascii=False).encode()
    bad = _write(tmp_path / "gia.rasoat", entries)
    with pytest.raises(PackageError, match="không xác thực được"):
        read_package(bad, password=PASSWORD)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m["encryption"].update(chunk_bytes=2**30), "chunk_bytes"),
        (lambda m: m["parts"][HOUSEHOLDS_PART].update(size=2**30), "bom nén"),
        (lambda m: m["parts"][HOUSEHOLDS_PART].update(size=2**40), "quá lớn"),
    ],
)
def test_hostile_sizes_in_a_signed_manifest_are_refused_before_reading(
    commune: tuple[Path, Path, Path], tmp_path: Path, change: object, message: str
) -> None:
    _source, pkg, _plain = commune
    entries = zip_parts(pkg)
    manifest = json.loads(entries["manifest.json"])
    change(manifest)  # type: ignore[operator]
    del manifest["signature"]
    manifest["signature"] = signing.sign(manifest, Ed25519PrivateKey.generate())
    entries["manifest.json"] = json.dumps(manifest, ensure_ascii=False).encode()
    bad = _write(tmp_path / "lon.rasoat", entries)
    with pytest.raises(PackageError, match=message):
        read_package(bad, password=PASSWORD)


def test_the_ceilings_still_apply_to_a_chunked_package(commune: tuple[Path, Path, Path]) -> None:
    _source, pkg, _plain = commune
    with pytest.raises(PackageError, match="quá lớn"):
        read_package(pkg, password=PASSWORD, limits=container.Limits(part_bytes=10_000))
    with pytest.raises(PackageError, match="quá lớn"):
        read_package(pkg, password=PASSWORD, limits=container.Limits(package_bytes=1_000))


def test_the_writer_refuses_a_part_no_reader_would_open(tmp_path: Path) -> None:
    out = tmp_path / "to.rasoat"
    for password in (None, PASSWORD):
        with pytest.raises(PackageError, match="quá lớn"):
            container.write_container(
                out,
                {},
                {HOUSEHOLDS_PART: iter([b"x" * 600, b"y" * 600])},
                password=password,
                scrypt_n=2**10,
                signer=KEY,
                limits=container.Limits(part_bytes=1000),
            )
        assert not out.exists()
        assert not list(tmp_path.iterdir())  # no temporary file left either


@pytest.mark.parametrize("name", ["format2-plain.rasoat", "format2-encrypted.rasoat"])
def test_packages_of_format_2_still_import(tmp_path: Path, name: str) -> None:
    """Made by the writer before format 4 (each part sealed whole, 27a000c)."""
    pkg = DATA / name
    assert read_manifest(pkg)["format_version"] == 2
    fingerprint = signing.verify(read_manifest(pkg)).fingerprint
    empty = make_commune(tmp_path / "xa.db", 0)
    with Store.open(empty, user="Cán bộ xã", device="may-xa") as office:
        receipt = import_package(office, pkg, password=OLD_PASSWORD, trusted=[fingerprint])
    assert receipt.written
    assert len(_households(empty)) == 5


def test_a_slim_package_of_format_3_still_reads() -> None:
    pkg = DATA / "format3-slim-encrypted.rasoat"
    package = read_package(pkg, password=OLD_PASSWORD)
    assert package.manifest["format_version"] == container.SLIM_FORMAT_VERSION
    assert package.for_upper_level
    assert len(package.records) == 5
    opened, failed = open_packages([pkg], password=OLD_PASSWORD)
    assert not failed
    assert summaries(opened)[0].households == 5


def test_a_slim_package_with_a_password_is_format_4_and_still_slim(
    commune: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    source, _pkg, _plain = commune
    with Store.open(source, user="Lò Thị Mai", device="may-a") as store:
        slim = ExportScope(kind="commune", for_upper_level=True)
        export_package(store, tmp_path / "slim.rasoat", slim, password=PASSWORD, signer=KEY)
        export_package(store, tmp_path / "slim-plain.rasoat", slim, signer=KEY)
    encrypted = read_package(tmp_path / "slim.rasoat", password=PASSWORD)
    assert encrypted.manifest["format_version"] == container.CHUNKED_FORMAT_VERSION
    assert encrypted.for_upper_level
    plain = read_package(tmp_path / "slim-plain.rasoat")
    assert plain.manifest["format_version"] == container.SLIM_FORMAT_VERSION
    assert [r.household for r in encrypted.records] == [r.household for r in plain.records]


def test_records_read_one_at_a_time_are_refused_at_the_end(
    commune: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """``open_package`` hands the records out as they are read; what only the whole part
    can tell (here the counts a forger's manifest declares) refuses at the end."""
    _source, pkg, plain = commune
    with open_package(pkg, password=PASSWORD) as stream:
        assert len({r.household.code for r in stream.records()}) == 40
    entries = zip_parts(plain)
    manifest = json.loads(entries["manifest.json"])
    manifest["counts"]["households"] = 41
    del manifest["signature"]
    manifest["signature"] = signing.sign(manifest, Ed25519PrivateKey.generate())
    entries["manifest.json"] = json.dumps(manifest, ensure_ascii=False).encode()
    bad = _write(tmp_path / "dem.rasoat", entries)
    seen: list[str] = []

    def read() -> None:
        with open_package(bad) as stream:
            seen.extend(r.household.code for r in stream.records())

    with pytest.raises(PackageError, match="Số liệu"):
        read()
    assert len(seen) == 40
