"""`rasoat registry` end to end against the real server: init, load with printable
receipts, a refusal's exit status."""

from __future__ import annotations

from pathlib import Path

import pytest

from rasoat.cli import main
from tests.registry.packages import commune_key, key_fingerprint, make_package


def test_init_load_and_receipts(
    pg_dsn: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["registry", "init", pg_dsn, "--province", "15"]) == 0
    pkg = make_package(tmp_path / "bao-yen.rasoat", n=6)
    receipts = tmp_path / "bien-nhan"
    # The commune's first package: its key trusted with it, as the officer said (--trust-new).
    load = ["registry", "load", pg_dsn, str(pkg), "--receipts", str(receipts), "--trust-new"]
    assert main(load) == 0
    out = capsys.readouterr().out
    assert "Đã nạp gói bao-yen.rasoat của Xã Bảo Yên" in out
    fingerprint = key_fingerprint(commune_key("02947"))
    assert f"Lưu ý: khoá của máy xuất gói (dấu vân tay {fingerprint}) được tỉnh tin cậy" in out
    # Named after the commune and the package: two communes' goi.rasoat kept apart.
    [pdf] = receipts.glob("bien-nhan-02947-bao-yen-*.pdf")
    [sent] = receipts.glob("bien-nhan-02947-bao-yen-*.json")
    assert pdf.read_bytes().startswith(b"%PDF")
    assert '"commune_code": "02947"' in sent.read_text()
    assert main(["registry", "load", pg_dsn, str(pkg)]) == 0
    assert "không có gì thay đổi" in capsys.readouterr().out
    other = make_package(
        tmp_path / "khac.rasoat", "16279", province="38", province_name="Thanh Hóa"
    )
    assert main(["registry", "load", pg_dsn, str(other)]) == 1
    err = capsys.readouterr().err
    assert "không phải của Lào Cai" in err


def test_a_wrong_dsn_is_a_message_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dsn = f"host={tmp_path} port=1 dbname=x connect_timeout=2"
    assert main(["registry", "init", dsn, "--province", "15"]) == 1
    assert "Không kết nối được" in capsys.readouterr().err


def test_a_protected_package_takes_its_password_from_a_file_never_argv(
    pg_dsn: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["registry", "init", pg_dsn, "--province", "15"]) == 0
    pkg = make_package(tmp_path / "bao-yen.rasoat", n=3, password="Nuoc-chay-da-mon-2026")
    with pytest.raises(SystemExit):  # no --password option: it would sit in ps and history
        main(["registry", "load", pg_dsn, str(pkg), "--password", "Nuoc-chay-da-mon-2026"])
    capsys.readouterr()
    secret = tmp_path / "mat-khau.txt"
    secret.write_text("Nuoc-chay-da-mon-2026\n", encoding="utf-8")
    load = ["registry", "load", pg_dsn, str(pkg), "--password-file", str(secret), "--trust-new"]
    assert main(load) == 0
    assert "Đã nạp gói bao-yen.rasoat" in capsys.readouterr().out
    missing = tmp_path / "khong-co.txt"
    assert main(["registry", "load", pg_dsn, str(pkg), "--password-file", str(missing)]) == 2
    assert "Không đọc được tệp mật khẩu khong-co.txt" in capsys.readouterr().err


def test_a_role_without_the_rights_is_told_so_in_vietnamese(
    pg_dsn: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The server's refusal ("permission denied for table loads") ended the command as
    "Lỗi không mong muốn (InsufficientPrivilege …)" with exit 70."""
    import re

    import psycopg

    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        conn.execute("DROP ROLE IF EXISTS chi_xem")
        conn.execute("CREATE ROLE chi_xem LOGIN")
    viewer = re.sub(r"user=\S+", "user=chi_xem", pg_dsn)
    assert main(["registry", "init", viewer, "--province", "15"]) == 1
    said = capsys.readouterr().err
    assert "không có quyền làm việc này trên cơ sở dữ liệu của tỉnh" in said
    assert "permission" not in said
    assert main(["registry", "init", pg_dsn, "--province", "15"]) == 0
    pkg = make_package(tmp_path / "xa.rasoat", n=2)
    assert main(["registry", "load", viewer, str(pkg)]) == 1
    said = capsys.readouterr().err
    assert "không có quyền" in said
    assert "Lỗi không mong muốn" not in said
