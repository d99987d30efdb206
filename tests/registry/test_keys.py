"""Packages are authenticated before they are believed: the keys the province trusts to
sign each commune's packages (``commune_keys``, ``registry.keys``, ``rasoat registry
keys``), against the real throwaway server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest

from rasoat.cli import main
from registry.database import connect, init
from tests.registry.packages import commune_key, key_fingerprint, make_package

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
def bare(pg_dsn: str) -> str:
    """Lào Cai with no key trusted yet."""
    with connect(pg_dsn) as conn:
        init(conn, "15")
    return pg_dsn


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


def keys_user() -> str:
    import getpass

    return getpass.getuser()
