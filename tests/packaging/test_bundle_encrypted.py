"""Issue 20's last test: the frozen bundle opening an encrypted commune file, every step
through the frozen executable as an officer would run it: a commune file made and encrypted
by the bundle (`rasoat db encrypt`), opened with its passphrase and, its key file lost, with
the printed recovery key; a wrong passphrase or recovery key refused in Vietnamese with the
file's bytes kept; a new passphrase set from the recovery key; `rasoat db check` passing and
a list read out of the encrypted file. Skipped when no bundle was built."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.packaging import xdisplay
from tests.packaging.frozen import EXE, NO_BUNDLE, run_bundle

pytestmark = [pytest.mark.bundle, pytest.mark.skipif(not EXE.exists(), reason=NO_BUNDLE)]

PASSPHRASE = "ruộng bậc thang mùa lúa chín"
RECOVERY = re.compile(r"^\s+([A-Z2-7]{4}(?:-[A-Z2-7]{4}){7})$", re.M)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def secret_file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text + "\n", encoding="utf-8")
    return path


def encrypted_commune(tmp_path: Path, passphrase: str = PASSPHRASE) -> tuple[Path, str]:
    """A demo commune made by the bundle and encrypted by it; its printed recovery key."""
    commune = tmp_path / "xa.rasoat.sqlite"
    done = run_bundle("demo", "--households", "8", "--out", str(commune), home=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    sheet = tmp_path / "ma-khoi-phuc.pdf"
    done = run_bundle(
        *("db", "encrypt", str(commune)),
        *("--new-passphrase-file", str(secret_file(tmp_path, "mk.txt", passphrase))),
        *("--recovery-key-pdf", str(sheet)),
        home=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Đã mã hoá tệp" in done.stdout
    found = RECOVERY.search(done.stdout)
    assert found is not None, done.stdout
    assert sheet.read_bytes().startswith(b"%PDF")
    # No longer a SQLite file any tool reads; the backup made before it stays plain.
    assert not commune.read_bytes().startswith(b"SQLite format 3\x00")
    return commune, found.group(1)


def check(commune: Path, home: Path, *unlock: str) -> tuple[int, str, str]:
    done = run_bundle("db", "check", str(commune), *unlock, home=home)
    assert "Traceback" not in done.stdout + done.stderr
    return done.returncode, done.stdout, done.stderr


def test_the_bundle_encrypts_a_commune_file_and_opens_it_with_its_passphrase(
    tmp_path: Path,
) -> None:
    commune, _ = encrypted_commune(tmp_path)
    right = secret_file(tmp_path, "dung.txt", PASSPHRASE)
    code, out, err = check(commune, tmp_path, "--passphrase-file", str(right))
    assert code == 0, out + err
    assert "Số hộ: 8" in out
    assert "tệp không có lỗi" in out
    assert "nhật ký thay đổi nguyên vẹn" in out
    import openpyxl

    # A list read out of the encrypted file: the households are there, not just the header.
    table = tmp_path / "danh-sach.xlsx"
    done = run_bundle(
        *("report", "final_list", str(commune), "--commune-passphrase-file", str(right)),
        *("--out", str(table)),
        home=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    sheet = openpyxl.load_workbook(table).active
    assert sheet is not None
    texts = {cell for row in sheet.iter_rows(max_row=12, values_only=True) for cell in row}
    assert "Họ và tên chủ hộ" in texts

    before = sha256(commune)
    wrong = secret_file(tmp_path, "sai.txt", "ruộng bậc thang mùa lúa xanh")
    code, out, err = check(commune, tmp_path, "--passphrase-file", str(wrong))
    # 2, unusable input, as a package's wrong password (rasoat --help, exit codes)
    assert code == 2, out + err
    assert "Mật khẩu tệp xã không đúng" in err
    assert "mã khôi phục" in err
    assert sha256(commune) == before


def test_the_bundle_opens_it_with_the_recovery_key_when_the_key_file_is_lost(
    tmp_path: Path,
) -> None:
    commune, recovery = encrypted_commune(tmp_path)
    key_file = commune.with_name(commune.name + ".khoa")
    assert key_file.is_file()
    key_file.unlink()  # lost with a USB stick, or deleted by mistake
    passphrase = secret_file(tmp_path, "mk.txt", PASSPHRASE)
    code, out, err = check(commune, tmp_path, "--passphrase-file", str(passphrase))
    assert code == 1, out + err
    assert "Không tìm thấy tệp khoá" in err

    before = sha256(commune)
    wrong = secret_file(tmp_path, "sai.txt", "AAAA" + recovery[4:])
    code, out, err = check(commune, tmp_path, "--recovery-key-file", str(wrong))
    assert code == 2, out + err
    assert "Mã khôi phục không đúng" in err
    assert sha256(commune) == before

    # As typed from the paper: lower case, spaces for dashes.
    typed = secret_file(tmp_path, "ma.txt", recovery.lower().replace("-", " "))
    code, out, err = check(commune, tmp_path, "--recovery-key-file", str(typed))
    assert code == 0, out + err
    assert "Số hộ: 8" in out
    assert "tệp không có lỗi" in out

    # A new passphrase from the recovery key writes a new key file; the old one is gone.
    new = secret_file(tmp_path, "moi.txt", "đồi chè Tân Cương buổi sớm")
    done = run_bundle(
        *("db", "passphrase", str(commune), "--recovery-key-file", str(typed)),
        *("--new-passphrase-file", str(new)),
        home=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Đã đổi mật khẩu tệp xã" in done.stdout
    assert key_file.is_file()
    code, out, err = check(commune, tmp_path, "--passphrase-file", str(new))
    assert code == 0, out + err
    assert "nhật ký thay đổi nguyên vẹn" in out
    code, out, err = check(commune, tmp_path, "--passphrase-file", str(passphrase))
    assert code == 2, out + err
    assert "Mật khẩu tệp xã không đúng" in err


DIALOG = "Mở tệp xã đã mã hoá"
OPENED = "Xã Bảo Yên, Lào Cai — Rà soát"
ERROR_RED = (0xB3, 0x26, 0x1E)  # desktop/passphrase_dialog.py's error line


def red_pixels(picture: object, box: tuple[int, int, int, int]) -> int:
    x, y, w, h = box
    crop = picture.crop((x, y, x + w, y + h))  # type: ignore[attr-defined]
    return sum(
        count
        for count, colour in crop.getcolors(w * h)
        if all(abs(a - b) < 24 for a, b in zip(colour, ERROR_RED, strict=True))
    )


def start_window(commune: Path, display: xdisplay.Display, home: Path) -> subprocess.Popen[str]:
    environment = dict(os.environ, DISPLAY=display.name, QT_QPA_PLATFORM="xcb")
    environment["RASOAT_HOME"] = str(home)
    return subprocess.Popen(
        [str(EXE), str(commune)],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def opens_with(
    display: xdisplay.Display, app: subprocess.Popen[str], secret: str, shot: Path
) -> None:
    """``secret`` typed into the dialog opens the commune in the window."""
    display.type(secret, "Return")
    display.wait("the commune's window", lambda: OPENED in display.windows())
    display.wait("the dialog closed", lambda: DIALOG not in display.windows())
    display.screenshot(shot)
    assert app.poll() is None


def stop_window(app: subprocess.Popen[str]) -> str:
    app.terminate()
    return app.communicate(timeout=60)[0]


@pytest.mark.skipif(sys.platform != "linux", reason="Xvfb: the Linux bundle only")
@pytest.mark.skipif(xdisplay.missing() is not None, reason=str(xdisplay.missing()))
def test_the_frozen_window_opens_the_file_with_its_passphrase_or_recovery_key(
    tmp_path: Path,
) -> None:
    # The window as an officer meets it, on a real X server (Xvfb, no window manager): the
    # frozen program started on the encrypted file asks its passphrase, refuses a wrong one
    # in red, and with the right one shows the commune's households; its key file lost, it
    # asks the recovery key at once and opens with it. The screenshots stay in tmp_path
    # (dialog.png, refused.png, opened.png, recovery.png, recovered.png) to be looked at.
    passphrase = "ruong bac thang mua lua chin"  # typed through XTest: the keymap's plain keys
    commune, recovery = encrypted_commune(tmp_path, passphrase)
    before = sha256(commune)
    outputs = []
    with xdisplay.xvfb() as display:
        app = start_window(commune, display, tmp_path / "home")
        try:
            display.wait("the passphrase dialog", lambda: DIALOG in display.windows())
            display.screenshot(tmp_path / "dialog.png")
            box = display.windows()[DIALOG]
            display.type("ruong bac thang mua lua xanh", "Return")
            # "Đang mở khoá…" is written in the same red while the key is derived: the
            # refusal, two lines of it, is several times as much red.
            display.wait(
                "the refusal in red",
                lambda: red_pixels(display.screenshot(tmp_path / "refused.png"), box) > 400,
            )
            assert DIALOG in display.windows()
            assert OPENED not in display.windows()
            assert sha256(commune) == before
            opens_with(display, app, passphrase, tmp_path / "opened.png")
        finally:
            outputs.append(stop_window(app))

        commune.with_name(commune.name + ".khoa").unlink()
        app = start_window(commune, display, tmp_path / "home")
        try:
            display.wait("the recovery key dialog", lambda: DIALOG in display.windows())
            display.screenshot(tmp_path / "recovery.png")
            opens_with(display, app, recovery.lower().replace("-", " "), tmp_path / "recovered.png")
        finally:
            outputs.append(stop_window(app))
    assert "Traceback" not in "".join(outputs)
