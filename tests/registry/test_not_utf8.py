"""A package line holding a lone surrogate (``\\ud800``, escaped: the line's bytes are valid
UTF-8 and valid JSON, the text they decode to cannot be written as UTF-8): our writer cannot
make one (``str.encode`` refuses it), another tool could. Made here by the writer itself,
signed with this test laptop's own key (``rasoat.identity.signing_key``), only the line's
bytes changed on their way into the container; the registry's reader and load and the
commune import refuse it in Vietnamese, naming the package and the household, and write
nothing."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from db.exchange import container, signing
from db.exchange.errors import PackageError
from db.exchange.merge import import_package
from db.exchange.package import HOUSEHOLDS_PART, PARTS
from db.store import CommuneInfo, Store
from forms.model import Area
from rasoat import identity
from registry.database import connect, init
from registry.load import prepare
from tests.registry.packages import make_package, trust_communes
from tests.registry.test_load import dump, load


@pytest.fixture
def registry(pg_dsn: str) -> str:
    with connect(pg_dsn) as conn:
        init(conn, "15")
        trust_communes(conn)
    return pg_dsn


def _with_surrogate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, line_no: int = 3
) -> tuple[Path, str]:
    """A package of 5 households written and signed by the writer, the first member's name
    of line ``line_no`` starting with an escaped lone surrogate; (its path, that household's
    code)."""
    real = container.write_container
    found: list[str] = []

    def changed(pieces: Iterable[bytes]) -> Iterator[bytes]:
        lines = b"".join(pieces).split(b"\n")
        line = lines[line_no - 1]
        found.append(json.loads(line)["household"]["code"])
        # The first "name" of a line (keys sorted) is its first member's.
        lines[line_no - 1] = line.replace(b'"name": "', b'"name": "\\ud800', 1)
        yield b"\n".join(lines)

    def write(path: Path, manifest: Any, parts: dict[str, Any], **kwargs: Any) -> Any:
        parts = {**parts, HOUSEHOLDS_PART: changed(parts[HOUSEHOLDS_PART])}
        return real(path, manifest, parts, **{**kwargs, "signer": identity.signing_key()})

    monkeypatch.setattr(container, "write_container", write)
    path = make_package(tmp_path / "la.rasoat", n=5, seed=1)
    monkeypatch.setattr(container, "write_container", real)
    return path, found[0]


def _said(path: Path, code: str) -> str:
    return (
        f"Gói {path.name} bị hỏng hoặc không hợp lệ: Hộ {code} (dòng 3 của gói) không hợp lệ: "
        "thành viên thứ 1: Họ và tên chứa ký tự điều khiển (không in được)."
    )


def test_the_package_is_signed_by_this_laptop_and_holds_a_lone_surrogate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _code = _with_surrogate(tmp_path, monkeypatch)
    read = container.read_container(path, allowed_parts=PARTS)
    assert read.signer is not None  # signed, the signature checked over the changed line
    assert read.signer.fingerprint == signing.fingerprint(
        signing.public_bytes(identity.signing_key())
    )
    line = read.parts[HOUSEHOLDS_PART].split(b"\n")[2]
    line.decode("utf-8")  # valid UTF-8 bytes ...
    name = json.loads(line)["household"]["members"][0]["name"]
    with pytest.raises(UnicodeEncodeError):  # ... whose text is not
        name.encode("utf-8")


def test_the_registry_refuses_it_naming_the_household_and_writes_nothing(
    registry: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, code = _with_surrogate(tmp_path, monkeypatch)
    assert prepare(path, None, None) == _said(path, code)
    good = make_package(tmp_path / "tot.rasoat", "02674", n=4, seed=2)
    load(registry, good)
    before = dump(registry)
    for workers in (0, 1):  # read here, and in a reader process
        outcomes = load(registry, path, workers=workers)
        assert [(o.status, o.message) for o in outcomes] == [("refused", _said(path, code))]
        assert dump(registry) == before


def test_the_commune_import_refuses_it_naming_the_household_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, code = _with_surrogate(tmp_path, monkeypatch)
    office = tmp_path / "xa.sqlite"
    info = CommuneInfo("15", "Lào Cai", "02947", "Xã Bảo Yên", Area.RURAL)
    Store.create(office, info, user="Cán bộ xã", device="may-huyen").close()

    def state() -> list[str]:
        return [
            hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(tmp_path.glob("xa.sqlite*"))
            if p.is_file()
        ]

    before = state()
    fingerprint = signing.fingerprint(signing.public_bytes(identity.signing_key()))
    with Store.open(office, user="Cán bộ xã", device="may-huyen", seen=False) as store:
        with pytest.raises(PackageError) as refused:
            import_package(store, path, trusted=[fingerprint])
        assert store.conn.execute("SELECT count(*) FROM households").fetchone()[0] == 0
    message = str(refused.value)
    assert f"Hộ {code} (dòng 3 của gói) không hợp lệ" in message
    assert "Họ và tên chứa ký tự điều khiển" in message
    assert state() == before
