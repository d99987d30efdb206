"""Packages are authenticated before they are believed: the registry loads a commune's
package only when the key that signed it is trusted for that commune (``commune_keys``,
``registry.keys``), as a commune file merges only its known laptops' packages. Against the
real throwaway server: refusals write nothing, the other packages of a batch still load."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from rasoat.cli import main
from registry import keys
from registry.database import RegistryError, connect, init
from registry.load import load_packages
from tests.registry.packages import commune_key, key_fingerprint, make_package, trust_communes
from tests.registry.test_load import dump, load

A, B = "02947", "02674"  # Xã Bảo Yên, Phường Cam Đường


def day(n: int) -> str:
    return f"2026-10-{n:02d}T08:00:00+00:00"


def counts(dsn: str) -> tuple[int, int, int]:
    with psycopg.connect(dsn) as conn:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM loads), (SELECT count(*) FROM households),"
            " (SELECT count(*) FROM commune_keys)"
        ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1]), int(row[2])


def key_rows(dsn: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(dsn) as conn:
        return conn.execute(
            "SELECT commune_code, fingerprint, label, source, trusted_by, trusted_how,"
            " retired_at IS NOT NULL, retired_by FROM commune_keys ORDER BY id"
        ).fetchall()


@pytest.fixture
def registry(pg_dsn: str) -> str:
    """Lào Cai with the test communes' keys trusted."""
    with connect(pg_dsn) as conn:
        init(conn, "15")
        trust_communes(conn)
    return pg_dsn


@pytest.fixture
def bare(pg_dsn: str) -> str:
    """Lào Cai with no key trusted yet."""
    with connect(pg_dsn) as conn:
        init(conn, "15")
    return pg_dsn


def test_a_package_signed_by_a_key_trusted_for_its_commune_loads(
    registry: str, tmp_path: Path
) -> None:
    [outcome] = load(registry, make_package(tmp_path / "a.rasoat", A, n=4))
    assert outcome.status == "loaded", outcome.message
    assert not [w for w in outcome.receipt.warnings if "khoá" in w or "chữ ký" in w]
    with psycopg.connect(registry) as conn:
        signer = conn.execute("SELECT signer FROM loads").fetchone()
    assert signer == (key_fingerprint(commune_key(A)),)


def test_an_unknown_key_or_no_signature_is_refused_writing_nothing(
    registry: str, tmp_path: Path
) -> None:
    """A package signed by a key not trusted for its commune, or not signed at all, is
    refused naming the commune, the file and the key, saying how to trust it; nothing of it
    is written, and the trusted package beside it in the batch loads."""
    load(registry, make_package(tmp_path / "base.rasoat", A, n=4, created_at=day(1)))
    before, numbers = dump(registry), counts(registry)
    stranger = Ed25519PrivateKey.generate()
    other = make_package(tmp_path / "la.rasoat", A, n=5, seed=3, created_at=day(2), signer=stranger)
    bare = make_package(tmp_path / "tron.rasoat", A, n=5, seed=4, created_at=day(3), signer=None)
    good = make_package(tmp_path / "b.rasoat", B, n=3, seed=5)
    for workers in (0, 2):  # read here, and in reader processes
        outcomes = load(registry, other, bare, workers=workers)
        assert [o.status for o in outcomes] == ["refused", "refused"]
        assert [o.commune_code for o in outcomes] == [A, A]
        said = outcomes[0].message
        assert said.startswith("Gói la.rasoat của Xã Bảo Yên (mã 02947) được ký bằng khoá chưa")
        assert f"dấu vân tay {key_fingerprint(stranger)}" in said
        assert f"khoá đang tin cậy của xã: {key_fingerprint(commune_key(A))}" in said
        # The path as given, which the officer can run as it stands (the name alone was not
        # found when the batch was goi/*.rasoat).
        assert f"'rasoat registry keys DSN --trust {other}'" in said
        assert outcomes[1].message.startswith(
            "Gói tron.rasoat của Xã Bảo Yên (mã 02947) không có chữ ký của máy xuất gói"
        )
        assert dump(registry) == before
        assert counts(registry) == numbers
    [fine] = load(registry, good)
    assert fine.status == "loaded"
    mixed = load(registry, other, make_package(tmp_path / "c.rasoat", "02647", n=2, seed=6))
    assert [o.status for o in mixed] == ["refused", "loaded"]


def test_a_key_trusted_for_one_commune_does_not_let_another_communes_package_in(
    registry: str, tmp_path: Path
) -> None:
    borrowed = make_package(tmp_path / "b.rasoat", B, n=3, signer=commune_key(A))
    before = dump(registry)
    [outcome] = load(registry, borrowed)
    assert outcome.status == "refused"
    assert "Phường Cam Đường (mã 02674)" in outcome.message
    assert key_fingerprint(commune_key(A)) in outcome.message
    assert dump(registry) == before


def test_a_commune_with_no_key_is_refused_unless_its_first_key_is_trusted_on_loading(
    bare: str, tmp_path: Path
) -> None:
    """Without --trust-new the first package of a commune with no key is refused; with it
    the key is trusted in the load's transaction (a package refused for another reason
    trusts nothing), recorded with who and how, and said on the receipt. Then it is the
    commune's key: another one is refused, --trust-new or not."""
    first = make_package(tmp_path / "a.rasoat", A, n=3, created_at=day(2))
    before = dump(bare)
    [refused] = load(bare, first)
    assert refused.status == "refused"
    fp = key_fingerprint(commune_key(A))
    assert refused.message.startswith(
        "Xã Bảo Yên (mã 02947) chưa có khoá nào được tỉnh tin cậy: gói a.rasoat được ký bằng "
        f"khoá có dấu vân tay {fp}; không nạp."
    )
    assert "nạp lại với --trust-new" in refused.message
    assert dump(bare) == before
    assert counts(bare) == (0, 0, 0)

    ahead = make_package(tmp_path / "sau.rasoat", A, n=3, created_at="2099-01-01T00:00:00Z")
    with connect(bare) as conn:
        [late] = load_packages(conn, [ahead], user="Cán bộ tỉnh", trust_new=True)
    assert late.status == "refused"
    assert "ở tương lai" in late.message
    assert counts(bare) == (0, 0, 0)  # neither the load nor the key

    with connect(bare) as conn:
        [loaded] = load_packages(conn, [first], user="Cán bộ tỉnh", trust_new=True)
    assert loaded.status == "loaded", loaded.message
    assert any(
        f"khoá của máy xuất gói (dấu vân tay {fp}) được tỉnh tin cậy cho xã từ lần nạp này "
        "(--trust-new, Cán bộ tỉnh)" in w
        for w in loaded.receipt.warnings
    )
    assert key_rows(bare) == [
        (A, fp, "Cán bộ xã (máy may-xa)", "a.rasoat", "Cán bộ tỉnh", "load --trust-new", False,
         None)
    ]  # fmt: skip
    other = Ed25519PrivateKey.generate()
    moved = make_package(tmp_path / "b.rasoat", A, n=3, created_at=day(3), signer=other)
    with connect(bare) as conn:
        [again] = load_packages(conn, [moved], user="Cán bộ tỉnh", trust_new=True)
    assert again.status == "refused"
    assert "khoá chưa được tin cậy cho xã này" in again.message
    assert counts(bare) == (1, 3, 1)


def test_trust_new_takes_no_other_key_than_the_one_of_a_load_made_before_keys(
    registry: str, tmp_path: Path
) -> None:
    """A registry upgraded to migration 9 has loads and no keys: --trust-new trusts the key
    of the commune's current load, never another (the old warning "ký bằng khoá khác lần
    nạp trước", now a refusal)."""
    load(registry, make_package(tmp_path / "a.rasoat", A, n=3, created_at=day(1)))
    with psycopg.connect(registry, autocommit=True) as conn:
        conn.execute("DELETE FROM commune_keys")  # as the upgrade leaves it
    other = Ed25519PrivateKey.generate()
    moved = make_package(tmp_path / "b.rasoat", A, n=3, created_at=day(2), signer=other)
    same = make_package(tmp_path / "c.rasoat", A, n=3, created_at=day(3))
    before = dump(registry)
    with connect(registry) as conn:
        outcomes = load_packages(conn, [moved, same], user="Cán bộ tỉnh", trust_new=True)
    assert [o.status for o in outcomes] == ["refused", "loaded"]
    assert (
        f"khác khoá của gói đã nạp trước của xã ({key_fingerprint(commune_key(A))}): "
        "--trust-new không tin cậy khoá này" in outcomes[0].message
    )
    assert before["loads"] != dump(registry)["loads"]
    assert [r[1] for r in key_rows(registry)] == [key_fingerprint(commune_key(A))]


def test_a_key_no_longer_trusted_is_refused_until_trusted_again(
    registry: str, tmp_path: Path
) -> None:
    load(registry, make_package(tmp_path / "a.rasoat", A, n=3, created_at=day(1)))
    fp = key_fingerprint(commune_key(A))
    with connect(registry) as conn:
        [retired] = keys.untrust(conn, fp.lower().replace("-", ""), user="Cán bộ tỉnh")
        with pytest.raises(RegistryError, match="Không có khoá nào đang được tin cậy"):
            keys.untrust(conn, fp)
    assert (retired.commune_code, retired.retired_by) == (A, "Cán bộ tỉnh")
    assert retired.retired_at is not None
    newer = make_package(tmp_path / "b.rasoat", A, n=3, created_at=day(2))
    before = dump(registry)
    with connect(registry) as conn:  # --trust-new is for communes that never had a key
        [outcome] = load_packages(conn, [newer], user="Cán bộ tỉnh", trust_new=True)
    assert outcome.status == "refused"
    assert "xã không còn khoá nào được tin cậy; khoá này đã thôi được tin cậy lúc" in (
        outcome.message
    )
    assert ", do Cán bộ tỉnh)" in outcome.message
    assert dump(registry) == before
    with connect(registry) as conn:
        done = keys.trust_from_package(conn, newer, user="Cán bộ tỉnh")
    assert (done.commune_code, done.fingerprint, done.added) == (A, fp, True)
    [outcome] = load(registry, newer)
    assert outcome.status == "loaded", outcome.message
    # Each trust its own row: who trusted, who withdrew it, and when, all kept.
    rows = [r for r in key_rows(registry) if r[0] == A]
    assert [(r[5], r[6], r[7]) for r in rows] == [
        ("keys --trust", True, "Cán bộ tỉnh"),
        ("keys --trust", False, None),
    ]


def _forged(src: Path, dest: Path, **changes: Any) -> Path:
    """``src`` with its manifest changed after signing (``changes``), signature kept."""
    with zipfile.ZipFile(src) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    head = json.loads(parts["manifest.json"])
    for name, value in changes.items():
        if name == "public_key":
            head["signature"]["public_key"] = value
        else:
            head[name] = value
    parts["manifest.json"] = json.dumps(head, ensure_ascii=False).encode()
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return dest


def test_a_package_whose_signature_does_not_verify_is_refused_and_trusts_nothing(
    bare: str, tmp_path: Path
) -> None:
    """A manifest changed after signing, or a signature claiming a trusted key it was not
    made with: the load refuses it (--trust-new does not help) and ``keys --trust`` trusts
    no key from it."""
    import base64

    from db.exchange.signing import public_bytes

    real = make_package(tmp_path / "a.rasoat", A, n=3)
    stranger = make_package(tmp_path / "b.rasoat", A, n=3, signer=Ed25519PrivateKey.generate())
    changed = _forged(real, tmp_path / "sua.rasoat", created_by="Người khác")
    claimed = base64.b64encode(public_bytes(commune_key(A))).decode()
    posing = _forged(stranger, tmp_path / "gia.rasoat", public_key=claimed)
    with connect(bare) as conn:
        outcomes = load_packages(conn, [changed, posing], user="Cán bộ tỉnh", trust_new=True)
        for path in (changed, posing):
            with pytest.raises(RegistryError, match="Chữ ký của gói không khớp"):
                keys.trust_from_package(conn, path)
    assert [o.status for o in outcomes] == ["refused", "refused"]
    assert all("Chữ ký của gói không khớp" in o.message for o in outcomes)
    assert counts(bare) == (0, 0, 0)


def test_keys_command_lists_trusts_and_withdraws_in_vietnamese(
    bare: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fp = key_fingerprint(commune_key(A))
    # A package with a password: its manifest and signature are read without it.
    locked = make_package(tmp_path / "a.rasoat", A, n=2, password="mật khẩu đủ dài")
    unsigned = make_package(tmp_path / "tron.rasoat", A, n=2, signer=None)
    assert main(["registry", "keys", bare]) == 0
    assert "Chưa có khoá nào được tin cậy." in capsys.readouterr().out

    wrong_fp = ["registry", "keys", bare, "--trust", str(locked), "--fingerprint", "0000-1111"]
    assert main(wrong_fp) == 1
    assert "khác dấu vân tay của khoá đã ký gói a.rasoat" in capsys.readouterr().err
    assert main(["registry", "keys", bare, "--trust", str(locked), "--commune", B]) == 1
    assert "là gói của Xã Bảo Yên (mã 02947), không phải của xã mã 02674" in (
        capsys.readouterr().err
    )
    assert main(["registry", "keys", bare, "--trust", str(unsigned)]) == 1
    assert "không có chữ ký của máy xuất gói" in capsys.readouterr().err
    assert counts(bare) == (0, 0, 0)

    typed = fp.lower().replace("-", " ")
    trust = ["registry", "keys", bare, "--trust", str(locked), "--fingerprint", typed]
    assert main([*trust, "--commune", A, "--label", "Máy kế toán xã"]) == 0
    assert f"Đã tin cậy khoá có dấu vân tay {fp} (Máy kế toán xã) cho Xã Bảo Yên (mã 02947)" in (
        capsys.readouterr().out
    )
    assert main(trust) == 0
    assert "đã được tin cậy cho Xã Bảo Yên (mã 02947) từ" in capsys.readouterr().out

    assert main(["registry", "keys", bare]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Mã xã | Xã | Dấu vân tay | Tên | Tin cậy từ | Người tin cậy")
    assert out[1].startswith(f"02947 | Xã Bảo Yên | {fp} | Máy kế toán xã | ")
    assert out[1].endswith(" | 0 | đang tin cậy")

    assert main(["registry", "keys", bare, "--untrust", fp, "--commune", B]) == 1
    assert "Không có khoá nào đang được tin cậy cho xã mã 02674" in capsys.readouterr().err
    assert main(["registry", "keys", bare, "--untrust", fp]) == 0
    assert f"Đã thôi tin cậy khoá có dấu vân tay {fp} (Máy kế toán xã) cho Xã Bảo Yên" in (
        capsys.readouterr().out
    )
    assert main(["registry", "keys", bare]) == 0
    assert "Chưa có khoá nào được tin cậy." in capsys.readouterr().out
    assert main(["registry", "keys", bare, "--all"]) == 0
    [_head, row] = capsys.readouterr().out.splitlines()
    assert "| thôi tin cậy lúc " in row
    assert (key_rows(bare)[0][4], key_rows(bare)[0][7]) == (keys_user(), keys_user())

    # A refused load names the key and the command that trusts it.
    assert main(["registry", "load", bare, str(make_package(tmp_path / "c.rasoat", A))]) == 1
    err = capsys.readouterr().err
    assert f"dấu vân tay {fp}" in err
    assert f"'rasoat registry keys DSN --trust {tmp_path / 'c.rasoat'}'" in err


def keys_user() -> str:
    import getpass

    return getpass.getuser()
