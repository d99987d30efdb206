"""`rasoat registry` end to end against the real server: init, load with printable
receipts, a refusal's exit status."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from rasoat.cli import main
from registry.database import connect
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


def _ctrl_c_as_at_a_terminal() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _cut_in_its_copy(
    dsn: str, pkg: Path, cut: Callable[[Any, subprocess.Popen[str], int], None]
) -> tuple[int, str, str]:
    """``rasoat registry load DSN PKG --trust-new`` run as the officer runs it, and ``cut``
    (the admin's connection, the command, its server process) called once its COPY of the
    households is under way: each row takes the server half a second (a trigger), so the
    command is caught in the middle of it. Its exit status, stdout and stderr."""
    import psycopg

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute(
            "CREATE FUNCTION slow() RETURNS trigger LANGUAGE plpgsql AS"
            " $$ BEGIN PERFORM pg_sleep(0.5); RETURN NEW; END $$"
        )
        admin.execute(
            "CREATE TRIGGER slow BEFORE INSERT ON households FOR EACH ROW EXECUTE FUNCTION slow()"
        )
        run = subprocess.Popen(
            [sys.executable, "-m", "rasoat", "registry", "load", dsn, str(pkg), "--trust-new"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            # Ctrl+C as at the officer's terminal: a suite started in the background by a
            # shell without job control inherits SIGINT ignored, and Python keeps it so.
            preexec_fn=_ctrl_c_as_at_a_terminal,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            found = admin.execute(
                "SELECT pid FROM pg_stat_activity WHERE query LIKE 'COPY households%%'"
                " AND wait_event = 'PgSleep' AND pid <> pg_backend_pid()"
            ).fetchone()
            if found:
                cut(admin, run, found[0])
                break
            time.sleep(0.05)
        else:
            run.kill()
            raise AssertionError("the load never reached its COPY")
        out, err = run.communicate(timeout=60)
    return run.returncode, out, err


def test_a_connection_lost_during_a_load_is_said_in_vietnamese_only(
    pg_dsn: str, tmp_path: Path
) -> None:
    """The server's connection lost in the middle of a package's COPY: the officer read,
    before the Vietnamese line, psycopg's own "error ignored terminating <psycopg.Copy [BAD]
    at 0x…>: …" with the server's context, which quotes the row being written (a head of
    household's name)."""
    assert main(["registry", "init", pg_dsn, "--province", "15"]) == 0
    # More rows than the socket's buffers hold: the loader is still sending when cut.
    pkg = make_package(tmp_path / "xa.rasoat", n=1500)

    def terminate(admin: Any, _run: subprocess.Popen[str], pid: int) -> None:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))

    code, out, err = _cut_in_its_copy(pg_dsn, pkg, terminate)
    assert code == 1, (out, err)
    assert "Mất kết nối với máy chủ cơ sở dữ liệu của tỉnh giữa chừng" in err
    assert "psycopg" not in err, err
    assert "COPY households" not in err, err  # no row of the package quoted


def test_a_load_stopped_with_ctrl_c_says_so_without_a_traceback(
    pg_dsn: str, tmp_path: Path
) -> None:
    """Ctrl+C in the middle of a load printed Python's traceback ending "KeyboardInterrupt".
    The package under way is not written; the command says so and exits 130."""
    assert main(["registry", "init", pg_dsn, "--province", "15"]) == 0
    pkg = make_package(tmp_path / "xa.rasoat", n=30)

    def interrupt(_admin: Any, run: subprocess.Popen[str], _pid: int) -> None:
        run.send_signal(signal.SIGINT)

    code, out, err = _cut_in_its_copy(pg_dsn, pkg, interrupt)
    assert code == 130, (out, err)
    assert "Traceback" not in err, err
    assert "Đã dừng theo yêu cầu (Ctrl+C)" in err
    with connect(pg_dsn) as conn:
        assert conn.execute("SELECT count(*) FROM loads").fetchone() == (0,)
