"""The frozen bundle (dist/rasoat/, built by `make package`): it runs, self-tests, and holds
every data file of our packages. Skipped when no bundle was built."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.packaging.frozen import BUNDLE, EXE, NO_BUNDLE, ROOT, build_started, run_bundle

DATA_PACKAGES = ("forms", "db", "reports", "desktop", "resources")

pytestmark = [
    pytest.mark.bundle,
    pytest.mark.skipif(not EXE.exists(), reason=NO_BUNDLE),
]


def test_bundle_prints_its_version(tmp_path: Path) -> None:
    done = run_bundle("--version", home=tmp_path)
    assert done.returncode == 0
    assert done.stdout.startswith("rasoat ")


def test_bundle_self_test_passes(tmp_path: Path, complete_tree: None) -> None:
    done = run_bundle("--self-test", home=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Tự kiểm tra ĐẠT" in done.stdout


def test_bundle_startup_probe_paints_the_main_window(tmp_path: Path, complete_tree: None) -> None:
    done = run_bundle("--startup-probe", home=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    seconds = float(done.stdout.split("first_paint_s=")[1].split()[0])
    assert seconds > 0


def test_bundle_opens_an_encrypted_commune_file(tmp_path: Path) -> None:
    # SQLCipher (sqlcipher3's C extension) must be in the bundle: the file is encrypted here
    # by the source tree, then checked by the frozen program with its passphrase.
    from db import at_rest, driver
    from db.demo import create_demo_commune

    path = create_demo_commune(tmp_path / "xa.sqlite", households=5)
    at_rest.encrypt_file(path, "ruộng bậc thang mùa lúa chín")
    driver.forget(path)
    secret = tmp_path / "mk.txt"
    secret.write_text("ruộng bậc thang mùa lúa chín\n", encoding="utf-8")
    done = run_bundle("db", "check", str(path), "--passphrase-file", str(secret), home=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "không có lỗi" in done.stdout
    secret.write_text("không phải mật khẩu này\n", encoding="utf-8")
    done = run_bundle("db", "check", str(path), "--passphrase-file", str(secret), home=tmp_path)
    # 2, unusable input, as a package's or a user's wrong password (docs/exchange-format.md)
    assert done.returncode == 2
    assert "không đúng" in done.stderr


def test_bundle_writes_a_workbook(tmp_path: Path) -> None:
    # openpyxl and its XML writer in the bundle; the demo commune made by the bundle itself.
    import openpyxl

    commune = tmp_path / "xa.sqlite"
    done = run_bundle("demo", "--households", "8", "--out", str(commune), home=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    out = tmp_path / "danh-sach.xlsx"
    done = run_bundle("report", "final_list", str(commune), "--out", str(out), home=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    texts = {cell for row in sheet.iter_rows(max_row=12, values_only=True) for cell in row}
    assert "Họ và tên chủ hộ" in texts


def test_bundle_exports_a_signed_package_and_reads_it_back(tmp_path: Path) -> None:
    # The package's cryptography (scrypt, AES-GCM, Ed25519) and hashing run without Python's
    # own OpenSSL, which the spec leaves out: exported, then opened and summed up, both frozen.
    commune = tmp_path / "xa.sqlite"
    assert (
        run_bundle("demo", "--households", "8", "--out", str(commune), home=tmp_path).returncode
        == 0
    )
    secret = tmp_path / "mk.txt"
    secret.write_text("gửi huyện tháng mười hai\n", encoding="utf-8")
    package = tmp_path / "xa.rasoat"
    done = run_bundle(
        "export", str(commune), str(package), "--password-file", str(secret), home=tmp_path
    )
    assert done.returncode == 0, done.stdout + done.stderr
    table = tmp_path / "tong-hop.xlsx"
    done = run_bundle(
        "summary", str(package), "--password-file", str(secret), "--xlsx", str(table), home=tmp_path
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Xã Bảo Yên" in done.stdout
    assert table.is_file()
    secret.write_text("không phải mật khẩu này\n", encoding="utf-8")
    done = run_bundle("summary", str(package), "--password-file", str(secret), home=tmp_path)
    # 1: a package of a summary that could not be taken is listed with its reason
    assert done.returncode == 1
    assert "KHÔNG MỞ ĐƯỢC" in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr


def test_bundle_is_under_its_size_goal() -> None:
    # Issue 22: what a commune officer copies from a USB stick. The goal is bench's (the
    # "bundle size" row of docs/benchmarks.md); a size is a property of the artefact, not a
    # timing. When this fails, see which files grew: `du -a dist/rasoat | sort -n | tail -30`.
    from bench.bench_startup import BUNDLE_GOAL_MB, bundle_size_mb

    size, files = bundle_size_mb(BUNDLE)
    assert files > 0
    assert size < BUNDLE_GOAL_MB, f"{size:.1f} MB in {files} files"


def listed_commands(help_text: str) -> set[str]:
    return {line.split()[0] for line in help_text.splitlines() if line.startswith("    ")}


def test_every_subcommand_is_found_in_the_bundle(tmp_path: Path) -> None:
    # cli.py discovers rasoat/commands/*.py with pkgutil at run time: the frozen importer must
    # list them too, and the spec must have collected them.
    modules = (ROOT / "rasoat" / "commands").glob("*.py")
    if any(p.stat().st_mtime >= build_started() for p in modules):
        pytest.skip("a command module changed after the bundle was built: run `make package`")
    source = subprocess.run(
        [sys.executable, "-m", "rasoat", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    done = run_bundle("--help", home=tmp_path)
    assert done.returncode == 0
    expected = listed_commands(source.stdout)
    assert expected
    assert listed_commands(done.stdout) == expected


def test_every_data_file_of_our_packages_is_bundled() -> None:
    internal = BUNDLE / "_internal"
    built_at = build_started()
    missing = []
    for package in DATA_PACKAGES:
        for file in (ROOT / package).rglob("*"):
            if (
                file.is_file()
                and file.suffix not in (".py", ".pyc")
                and "__pycache__" not in file.parts
                and file.stat().st_mtime < built_at
                and not (internal / file.relative_to(ROOT)).is_file()
            ):
                missing.append(str(file.relative_to(ROOT)))
    assert missing == []


def test_unused_qt_modules_and_test_tools_are_left_out() -> None:
    names = {p.name for p in BUNDLE.rglob("*")}
    for unwanted in ("QtNetwork.abi3.so", "QtQml.abi3.so", "QtWebEngineCore.abi3.so", "tkinter"):
        assert unwanted not in names
    for unwanted_dir in ("pytest", "_pytest", "hypothesis", "tkinter"):
        assert not (BUNDLE / "_internal" / unwanted_dir).exists()


def test_bundle_with_a_portable_folder_keeps_its_files_there(
    tmp_path: Path, complete_tree: None
) -> None:
    import shutil

    from rasoat.paths import PORTABLE_DIR_NAME

    stick = tmp_path / "USB" / "rasoat"
    try:  # hard links: a 190 MB copy in no time, when tmp is on the same disk
        shutil.copytree(BUNDLE, stick, symlinks=True, copy_function=os.link)
    except OSError:
        shutil.rmtree(stick, ignore_errors=True)
        shutil.copytree(BUNDLE, stick, symlinks=True)
    (stick / PORTABLE_DIR_NAME).mkdir()
    env = {k: v for k, v in os.environ.items() if k != "RASOAT_HOME"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    done = subprocess.run(
        [str(stick / EXE.name), "--self-test"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (stick / PORTABLE_DIR_NAME / "logs" / "rasoat.log").is_file()
    assert str(stick / PORTABLE_DIR_NAME) in done.stdout


def test_licences_travel_with_the_bundle() -> None:
    internal = BUNDLE / "_internal"
    assert "GNU GENERAL PUBLIC LICENSE" in (internal / "LICENSE").read_text(encoding="utf-8")
    assert (internal / "resources" / "fonts" / "OFL.txt").is_file()
    assert list(internal.glob("reportlab-*.dist-info/licenses/*"))
