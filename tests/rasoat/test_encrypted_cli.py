"""An encrypted commune file on the command line: encrypt, open with --passphrase-file, a
wrong passphrase, the recovery key, a new passphrase (issue 20 item 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from db import at_rest, driver
from db.demo import create_demo_commune
from rasoat.cli import main
from tests.db.exchange.commune import table_dump

PASSPHRASE = "ruộng bậc thang mùa lúa chín"


def _write(path: Path, text: str) -> str:
    path.write_text(text + "\n", encoding="utf-8")
    return str(path)


def _with_users(path: Path, tmp_path: Path) -> tuple[str, str, list[str]]:
    """Users added to the file at ``path``: an officer 'thu' and a viewer 'xem', both with
    the password in the returned file; (that file, the passphrase's file, the officer's
    sign-in arguments)."""
    pw = _write(tmp_path / "nd.txt", "mat-khau-9x")
    secret = _write(tmp_path / "mk.txt", PASSPHRASE)
    f = str(path)
    assert main(["users", "add", f, "thu", "--role", "can-bo", "--new-password-file", pw]) == 0
    officer = ["--user", "thu", "--password-file", pw]
    viewer = ["users", "add", f, "xem", "--role", "nguoi-xem", "--new-password-file", pw]
    assert main([*viewer, *officer]) == 0
    return pw, secret, officer


def test_encrypt_then_every_command_asks_the_passphrase(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = create_demo_commune(tmp_path / "xa.sqlite", households=15)
    secret = _write(tmp_path / "mk.txt", PASSPHRASE)
    assert main(["db", "encrypt", str(path), "--new-passphrase-file", secret]) == 0
    out = capsys.readouterr().out
    recovery = out.split("MÃ KHÔI PHỤC", 1)[1].splitlines()[1].strip()
    assert at_rest.normalise(recovery) == recovery
    assert at_rest.is_encrypted(path)
    assert PASSPHRASE not in out
    driver.forget(path)  # each command is a new process

    assert main(["db", "check", str(path), "--passphrase-file", secret]) == 0
    assert "không có lỗi" in capsys.readouterr().out
    driver.forget(path)

    wrong = _write(tmp_path / "sai.txt", "không phải mật khẩu này")
    # 2, unusable input, as a package's or a user's wrong password (rasoat.signin.exit_code)
    assert main(["db", "check", str(path), "--passphrase-file", wrong]) == 2
    err = capsys.readouterr().err
    assert "không đúng" in err
    assert "Traceback" not in err
    driver.forget(path)
    # A recovery key file holding something else (a password) is unusable input too, not a
    # refusal (it exited 1).
    assert main(["db", "check", str(path), "--recovery-key-file", wrong]) == 2
    assert "Mã khôi phục không đúng dạng" in capsys.readouterr().err
    driver.forget(path)

    # Forgotten passphrase: the recovery key opens it and sets a new one.
    rec = _write(tmp_path / "khoiphuc.txt", recovery.lower())
    new = _write(tmp_path / "moi.txt", "nương ngô trên đồi cao")
    args = ["db", "passphrase", str(path), "--recovery-key-file", rec]
    assert main([*args, "--new-passphrase-file", new]) == 0
    capsys.readouterr()
    driver.forget(path)
    assert at_rest.check_passphrase(path, "nương ngô trên đồi cao")
    assert main(["db", "backup", str(path), "--passphrase-file", new]) == 0
    assert main(["db", "check", str(path), "--recovery-key-file", rec]) == 0
    driver.forget(path)


def test_a_plain_file_asks_nothing_and_cannot_be_encrypted_twice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = create_demo_commune(tmp_path / "xa.sqlite", households=5)
    assert main(["db", "check", str(path)]) == 0
    secret = _write(tmp_path / "mk.txt", PASSPHRASE)
    assert main(["db", "encrypt", str(path), "--new-passphrase-file", secret]) == 0
    assert main(["db", "encrypt", str(path), "--new-passphrase-file", secret]) == 1
    assert "đã được mã hoá" in capsys.readouterr().err
    driver.forget(path)


def test_encrypting_is_an_officers_and_never_the_demo_communes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The window's rule on the command line: on a file with users only a signed-in commune
    officer encrypts it (a viewer is refused, nobody signed in too), and the demo commune
    stays plain; a refusal touches nothing."""
    from rasoat import paths

    path = create_demo_commune(tmp_path / "xa.sqlite", households=5)
    pw, secret, officer = _with_users(path, tmp_path)
    f = str(path)
    capsys.readouterr()
    encrypt = ["db", "encrypt", f, "--new-passphrase-file", secret]
    before = table_dump(path)
    raw = path.read_bytes()  # "last seen" is not written by a refused encryption either
    assert main([*encrypt, "--user", "xem", "--password-file", pw]) == 1
    assert "không được" in capsys.readouterr().err
    assert main(encrypt) == 1
    assert "đăng nhập" in capsys.readouterr().err
    assert table_dump(path) == before
    assert path.read_bytes() == raw
    assert not at_rest.is_encrypted(path)
    assert main([*encrypt, *officer]) == 0
    assert at_rest.is_encrypted(path)
    driver.forget(path)

    demo = create_demo_commune(paths.demo_file(), households=5)
    assert main(["db", "encrypt", str(demo), "--new-passphrase-file", secret]) == 1
    assert "Xã mẫu" in capsys.readouterr().err
    assert not at_rest.is_encrypted(demo)


def test_encrypt_writes_the_recovery_key_page_when_asked_and_audits_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The window's "In mã khôi phục…" on the command line: the same page, recorded as a
    print under the officer who encrypted the file, never with the key."""
    from pypdf import PdfReader

    path = create_demo_commune(tmp_path / "xa.sqlite", households=5)
    pw = _write(tmp_path / "nd.txt", "mat-khau-9x")
    secret = _write(tmp_path / "mk.txt", PASSPHRASE)
    f = str(path)
    assert main(["users", "add", f, "thu", "--role", "can-bo", "--new-password-file", pw]) == 0
    capsys.readouterr()
    sheet = tmp_path / "ma-khoi-phuc.pdf"
    args = ["db", "encrypt", f, "--new-passphrase-file", secret, "--recovery-key-pdf", str(sheet)]
    assert main([*args, "--user", "thu", "--password-file", pw]) == 0
    out = capsys.readouterr().out
    recovery = out.split("MÃ KHÔI PHỤC", 1)[1].splitlines()[1].strip()
    assert f"Trang mã khôi phục để in: {sheet}" in out
    text = "".join(p.extract_text() for p in PdfReader(sheet).pages)
    assert recovery in "".join(text.split())
    assert "MÃ KHÔI PHỤC TỆP DỮ LIỆU RÀ SOÁT" in text
    conn = driver.connect(str(path))  # the key remembered since the encryption
    logged = conn.execute(
        "SELECT user, new FROM audit WHERE tbl = 'events' AND row_id = 'print'"
    ).fetchall()
    conn.close()
    assert len(logged) == 1
    assert logged[0][0] == "thu"
    assert "file_recovery_key" in logged[0][1]
    assert recovery not in logged[0][1]
    driver.forget(path)


def test_a_refused_import_or_a_check_right_after_encrypting_leaves_the_file_byte_identical(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The encrypted file leaves ``rasoat db encrypt`` in WAL mode, as every commune file is:
    left in rollback mode, its first opening switched it (its header rewritten, page 1
    encrypted again), so an import refused once the file is open, or a check, changed the
    file's bytes."""
    import hashlib
    import shutil

    path = create_demo_commune(tmp_path / "xa.sqlite", households=5)
    laptop = shutil.copyfile(path, tmp_path / "may.sqlite")
    pkg = tmp_path / "a.rasoat"
    assert main(["export", str(laptop), str(pkg), "--no-password"]) == 0
    pw, secret, officer = _with_users(path, tmp_path)
    f = str(path)
    assert main(["db", "encrypt", f, "--new-passphrase-file", secret, *officer]) == 0
    driver.forget(path)  # each command is a new process
    capsys.readouterr()

    def sha() -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest()

    encrypted = sha()
    unlock = ["--commune-passphrase-file", secret]
    as_viewer = ["--user", "xem", "--user-password-file", pw]
    assert main(["import", f, str(pkg), *unlock, *as_viewer]) == 1
    assert "người xem) không được nhập" in capsys.readouterr().err
    assert sha() == encrypted
    driver.forget(path)
    assert main(["db", "check", f, "--passphrase-file", secret]) == 0
    assert sha() == encrypted
    assert not path.with_name(path.name + "-wal").exists()
    driver.forget(path)


def _forbidden(path: Path, sql: str) -> None:
    """Write what the file's own schema forbids (its CHECK constraints set aside), as a tool
    other than Rà soát could have: SQLite's full check reports it, a read-only one does not."""
    conn = driver.connect(str(path), isolation_level=None)
    try:
        conn.execute("PRAGMA ignore_check_constraints = ON")
        conn.execute(sql)
    finally:
        conn.close()


def test_a_row_the_schema_forbids_stops_the_encryption_with_its_household_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Copied row by row, the rows meet their table's constraints (sqlcipher_export's
    transfer never checked them): a household marked deleted = 2 stops the encryption with
    a Vietnamese message naming the table, the household's code and the field, and pointing
    to ``rasoat db check``, not an unexpected error (exit 70, SQLite's English text); the
    plain file keeps its bytes, the backup made first stays, no key file is written and no
    part of the encrypted copy is left."""
    import hashlib

    path = create_demo_commune(tmp_path / "xa.sqlite", households=6)
    conn = driver.connect(str(path))
    code = conn.execute("SELECT code FROM households ORDER BY rowid LIMIT 1 OFFSET 2").fetchone()[0]
    conn.close()
    _forbidden(path, f"UPDATE households SET deleted = 2 WHERE code = '{code}'")
    secret = _write(tmp_path / "mk.txt", PASSPHRASE)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    beside = sorted(p.name for p in tmp_path.iterdir())

    assert main(["db", "encrypt", str(path), "--new-passphrase-file", secret]) == 1
    captured = capsys.readouterr()
    err = captured.err
    assert f"Không mã hoá được tệp {path.name}: bảng households có 1 hàng" in err
    assert f"hộ {code}: cột deleted" in err
    assert f'rasoat db check "{path}"' in err
    assert "Tệp chưa bị thay đổi" in err
    assert "IntegrityError" not in err
    assert "CHECK constraint" not in err
    assert "MÃ KHÔI PHỤC" not in captured.out
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == beside
    assert not at_rest.is_encrypted(path)
    assert not at_rest.key_file(path).exists()
    kept = [
        p for p in path.with_name(path.name + ".backups").iterdir() if "before-encrypt" in p.name
    ]
    assert len(kept) == 1
    assert kept[0].name in err
    assert kept[0].read_bytes().startswith(at_rest.PLAIN_HEADER)

    assert main(["db", "check", str(path)]) == 1  # what the message points to says so too
    assert "bị hỏng" in capsys.readouterr().err


def test_no_terminal_names_the_option_that_gives_the_passphrase_on_this_command(
    tmp_path: Path,
) -> None:
    """Run as another program runs it (no terminal, nothing on its input): the refusal
    names the option of the command at hand. On ``report`` and ``import``
    ``--password-file`` is a package's password, so the commune file's passphrase comes
    from ``--commune-passphrase-file``; on ``db check`` it is ``--passphrase-file``."""
    import subprocess
    import sys

    path = create_demo_commune(tmp_path / "xa.sqlite", households=5)
    secret = _write(tmp_path / "mk.txt", PASSPHRASE)
    assert main(["db", "encrypt", str(path), "--new-passphrase-file", secret]) == 0
    driver.forget(path)
    before = path.read_bytes()

    def run(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "rasoat", *args],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            start_new_session=True,  # no controlling terminal for getpass's /dev/tty
            timeout=120,
        )
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr
        return done.stderr

    said = run("report", "summary", str(path), "--out", str(tmp_path / "tong-hop.pdf"))
    assert "hỏi mật khẩu tệp xã" in said
    assert "dùng --commune-passphrase-file TỆP" in said
    said = run("db", "check", str(path))
    assert "dùng --passphrase-file TỆP" in said
    assert path.read_bytes() == before


def test_a_recovery_key_page_that_cannot_be_written_never_loses_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The file is encrypted (the package written) before the page is made: a page that
    cannot be written is said, and the key is still printed, the only time it is shown. An
    OSError there ended the command with "Lỗi không mong muốn" and the key unseen. A path
    that cannot be a file's (under a file) is refused before anything is done; one the
    system refuses only when written (a name too long) reaches the page."""
    path = create_demo_commune(tmp_path / "xa.sqlite", households=5)
    secret = _write(tmp_path / "mk.txt", PASSPHRASE)
    blocker = tmp_path / "khong-phai-thu-muc"
    blocker.write_text("x")
    args = ["db", "encrypt", str(path), "--new-passphrase-file", secret]
    assert main([*args, "--recovery-key-pdf", str(blocker / "ma.pdf")]) == 2
    assert "là một tệp, không phải thư mục" in capsys.readouterr().err
    assert not at_rest.is_encrypted(path)
    too_long = str(tmp_path / ("m" * 300 + ".pdf"))
    assert main([*args, "--recovery-key-pdf", too_long]) == 2
    assert "tên tệp quá dài" in capsys.readouterr().err
    assert not at_rest.is_encrypted(path)
    # What only writing tells: a folder on a read-only mount (made where the machine lets
    # root mount; CI runs as root), where the page fails once the file is encrypted.
    import subprocess

    ro = tmp_path / "chi-doc"
    ro.mkdir()
    if subprocess.run(["mount", "--bind", str(ro), str(ro)], capture_output=True).returncode:
        pytest.skip("no bind mount here")
    try:
        if subprocess.run(["mount", "-o", "remount,ro,bind", str(ro)]).returncode:
            pytest.skip("no read-only remount here")
        sheet = str(ro / "ma.pdf")
        assert main([*args, "--recovery-key-pdf", sheet]) == 0
        captured = capsys.readouterr()
        assert "Không lưu được trang mã khôi phục" in captured.err
        recovery = captured.out.split("MÃ KHÔI PHỤC", 1)[1].splitlines()[1].strip()
        assert at_rest.normalise(recovery) == recovery
        assert at_rest.is_encrypted(path)
        driver.forget(path)

        plain = create_demo_commune(tmp_path / "xa2.sqlite", households=5)
        package = tmp_path / "goi.rasoat"
        export = ["export", str(plain), str(package), "--password-file", secret]
        assert main([*export, "--recovery-key-pdf", sheet]) == 0
        captured = capsys.readouterr()
        assert "Không lưu được trang khoá khôi phục" in captured.err
        assert "KHOÁ KHÔI PHỤC" in captured.out
        assert package.is_file()
    finally:
        subprocess.run(["umount", str(ro)], check=True)
