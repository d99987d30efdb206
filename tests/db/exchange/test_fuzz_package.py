"""Corrupt packages in many ways: every read either refuses with a Vietnamese PackageError or
returns exactly the original data; nothing else escapes (no crash, no partial package)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.exchange import container
from db.exchange.errors import PackageError
from db.exchange.package import read_package, write_package
from tests.db.exchange.records import records


class Packages(dict):
    """Package bytes by name; a short repr keeps hypothesis reports readable."""

    def __repr__(self) -> str:
        return f"<{len(self)} packages>"


HEADER = {"app_version": "0.1.0", "commune": {"code": "10105", "name": "Xã Tân Lập"}}


@pytest.fixture(scope="module")
def originals(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("pkgs")
    recs = records(8, seed=7)
    write_package(folder / "plain.rasoat", HEADER, {"villages": []}, recs)
    write_package(
        folder / "enc.rasoat",
        HEADER,
        {"villages": []},
        recs,
        password="mk",
        recovery_key="AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH",
        scrypt_n=2**4,
    )
    # Format 4: signed, sealed in chunks (small ones, so that a mutation meets many).
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(container, "CHUNK_BYTES", 1024)
        write_package(
            folder / "chunked.rasoat",
            HEADER,
            {"villages": []},
            records(30, seed=7),
            password="mk",
            recovery_key="AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH",
            scrypt_n=2**4,
            signer=Ed25519PrivateKey.generate(),
        )
    names = ("plain", "enc", "chunked")
    return Packages({name: (folder / f"{name}.rasoat").read_bytes() for name in names})


mutation = st.one_of(
    st.tuples(st.just("truncate"), st.floats(0, 1)),
    st.tuples(
        st.just("flip"),
        st.lists(st.tuples(st.floats(0, 1), st.integers(1, 255)), min_size=1, max_size=6),
    ),
    st.tuples(st.just("insert"), st.tuples(st.floats(0, 1), st.binary(min_size=1, max_size=40))),
    st.tuples(st.just("delete"), st.tuples(st.floats(0, 1), st.integers(1, 200))),
    st.tuples(st.just("append"), st.binary(min_size=1, max_size=200)),
)


def mutate(data: bytes, how: tuple) -> bytes:
    kind, arg = how
    n = len(data)
    if kind == "truncate":
        return data[: int(arg * n)]
    if kind == "flip":
        out = bytearray(data)
        for pos, mask in arg:
            i = min(int(pos * n), n - 1)
            out[i] ^= mask
        return bytes(out)
    if kind == "insert":
        pos, blob = arg
        i = int(pos * n)
        return data[:i] + blob + data[i:]
    if kind == "delete":
        pos, length = arg
        i = int(pos * n)
        return data[:i] + data[i + length :]
    return data + arg


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(which=st.sampled_from(["plain", "enc", "chunked"]), how=mutation)
def test_corrupted_package_is_refused_or_intact(
    originals: dict[str, bytes], tmp_path: Path, which: str, how: tuple
) -> None:
    path = tmp_path / "bad.rasoat"
    path.write_bytes(mutate(originals[which], how))
    reference = tmp_path / "ref.rasoat"
    reference.write_bytes(originals[which])
    want = read_package(reference, password="mk")
    try:
        got = read_package(path, password="mk")
    except PackageError as exc:
        message = str(exc)
        assert message  # a message for the user, in Vietnamese
        assert message != message.encode("ascii", "ignore").decode()
        return
    # Some bytes of a zip are redundant (local header dates, trailing data): then the package
    # must read back exactly as written.
    assert [r.household for r in got.records] == [r.household for r in want.records]
    assert got.manifest == want.manifest


def test_mutations_do_hit_the_data(originals: dict[str, bytes], tmp_path: Path) -> None:
    """The fuzz test is only meaningful if flips inside the zip are noticed."""
    data = originals["plain"]
    path = tmp_path / "bad.rasoat"
    path.write_bytes(mutate(data, ("flip", [(0.5, 0x20)])))
    with pytest.raises(PackageError):
        read_package(path)


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory):
    from db.exchange.export import export_package
    from db.store import Store
    from tests.db.exchange.commune import make_commune

    folder = tmp_path_factory.mktemp("office")
    path = make_commune(folder / "xa.db", 6)
    store = Store.open(path, user="Cán bộ xã", device="may-xa")
    export_package(store, folder / "plain.rasoat")
    export_package(store, folder / "enc.rasoat", password="mk", scrypt_n=2**4)
    packages = Packages({n: (folder / f"{n}.rasoat").read_bytes() for n in ("plain", "enc")})
    yield store, packages
    store.close()


def _file_state(path: Path) -> tuple[bytes, bytes]:
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes(), wal.read_bytes() if wal.exists() else b""


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(which=st.sampled_from(["plain", "enc"]), how=mutation)
def test_corrupted_package_leaves_the_commune_file_byte_for_byte(
    office, tmp_path: Path, which: str, how: tuple
) -> None:
    from db.exchange.merge import import_package

    store, packages = office
    path = tmp_path / "bad.rasoat"
    path.write_bytes(mutate(packages[which], how))
    before = _file_state(store.path)
    try:
        receipt = import_package(store, path, password="mk")
    except PackageError:
        pass
    else:
        # A harmless mutation reads back as the same package: nothing new to write.
        assert not receipt.written
    assert _file_state(store.path) == before


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from db.exchange.export import export_package
    from db.store import Store
    from tests.db.exchange.commune import make_commune

    folder = tmp_path_factory.mktemp("template")
    path = make_commune(folder / "xa.db", 5)
    with Store.open(path, user="Cán bộ xã", device="may-xa") as store:
        export_package(store, folder / "plain.rasoat")
    with zipfile.ZipFile(folder / "plain.rasoat") as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    return Packages({"db": path.read_bytes(), "parts": parts})


json_value = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(obj: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix] if prefix else []
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += _paths(v, (*prefix, i))
    return out


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_malicious_records_with_valid_checksums(
    template: dict[str, Any], tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    """Records edited field by field, checksums and manifest recomputed (a forger's package):
    refused whole with nothing written, or imported leaving a consistent file."""
    import hashlib
    import json

    from db.exchange.merge import import_package
    from db.store import Store

    folder = tmp_path_factory.mktemp("case")
    parts = dict(template["parts"])
    lines = parts["households.jsonl"].decode().splitlines()
    index = data.draw(st.integers(0, len(lines) - 1))
    record = json.loads(lines[index])
    path = data.draw(st.sampled_from(_paths(record)))
    value = data.draw(json_value)
    target = record
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    lines[index] = json.dumps(record, ensure_ascii=False)
    body = ("\n".join(lines) + "\n").encode()
    parts["households.jsonl"] = body
    manifest = json.loads(parts["manifest.json"])
    manifest["parts"]["households.jsonl"] = {
        "sha256": hashlib.sha256(body).hexdigest(),
        "size": len(body),
    }
    parts["manifest.json"] = json.dumps(manifest).encode()
    pkg = folder / "forged.rasoat"
    with zipfile.ZipFile(pkg, "w") as zf:
        for name, blob in parts.items():
            zf.writestr(name, blob)
    db = folder / "xa.db"
    db.write_bytes(template["db"])
    with Store.open(db, user="Cán bộ xã", device="may-xa") as store:
        before = _file_state(db)
        try:
            import_package(store, pkg)
        except PackageError:
            assert _file_state(db) == before
        else:
            assert store.integrity_problems() == []
            assert len(list(store.iter_households())) >= 4
