"""The command line as an IT officer meets it on a machine with no screen, run as a real
process: Ctrl+C at a prompt, a mistyped option, a number that is not one, a commune file
named where there is no window to open it in."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from db.demo import create_demo_commune
from rasoat.cli import main

PASSPHRASE = "ruộng bậc thang mùa lúa chín"


def _on_a_terminal(args: list[str], wait_for: bytes) -> tuple[int, str]:
    """``rasoat ARGS`` on a terminal of its own; Ctrl+C typed once ``wait_for`` is shown.
    (the exit code, everything the terminal showed)."""
    import pty
    import select

    pid, fd = pty.fork()
    if pid == 0:  # the child: the command, on the terminal
        # As a terminal's shell starts a command in the foreground: Ctrl+C interrupts it. A
        # shell without job control (CI's) starts this run with SIGINT ignored, which the
        # command would inherit and keep, waiting at its prompt for ever.
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.execv(sys.executable, [sys.executable, "-m", "rasoat", *args])
    shown = b""
    typed = False
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                data = os.read(fd, 4096)
            except OSError:  # the command ended: its side of the terminal closed
                break
            if not data:
                break
            shown += data
        if not typed and wait_for in shown:
            os.write(fd, b"\x03")
            typed = True
    else:  # still running after two minutes: ended, so that the test fails, not hangs
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), shown.decode("utf-8", errors="replace")


def test_ctrl_c_at_the_passphrase_prompt_says_so_without_a_traceback(tmp_path: Path) -> None:
    """An encrypted commune file's passphrase is asked before the command runs: Ctrl+C
    there printed Python's traceback ending "KeyboardInterrupt" and the process died of the
    signal. It is said as a Ctrl+C in the command is (exit 130), the file untouched."""
    path = create_demo_commune(tmp_path / "xa.sqlite", households=5)
    secret = tmp_path / "mk.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    assert main(["db", "encrypt", str(path), "--new-passphrase-file", str(secret)]) == 0
    before = path.read_bytes()
    code, shown = _on_a_terminal(["round", "list", str(path)], "Mật khẩu tệp xã".encode())
    assert "Traceback" not in shown, shown
    assert "KeyboardInterrupt" not in shown, shown
    assert "Đã dừng theo yêu cầu (Ctrl+C)" in shown, shown
    assert code == 130, shown
    assert path.read_bytes() == before


def _rasoat(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    return subprocess.run(
        [sys.executable, "-m", "rasoat", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("args", "usage"),
    [
        (["db", "check", "--nope", "xa.sqlite"], "cách dùng: rasoat db check "),
        (["export", "xa.sqlite", "goi.rasoat", "--nope"], "cách dùng: rasoat export "),
        (["round", "list", "xa.sqlite", "thua"], "cách dùng: rasoat round list "),
    ],
)
def test_an_option_the_command_does_not_have_is_said_with_that_commands_usage(
    args: list[str], usage: str, tmp_path: Path
) -> None:
    """`rasoat db check --nope X` said "rasoat: lỗi: không hiểu các tham số: --nope" under
    the usage of `rasoat` itself (LỆNH ...), not of the command typed, whose options the
    officer then had to look up with --help."""
    done = _rasoat(*args)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(usage), done.stderr
    unknown = "--nope" if "--nope" in args else args[-1]
    said = f"{usage.removeprefix('cách dùng: ')}: lỗi: không hiểu các tham số: {unknown}"
    assert said.replace(" :", ":") in done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["demo", "--households", "ba trăm", "--out", "xa.sqlite"],
        ["summary", "goi.rasoat", "--year", "2026a"],
    ],
)
def test_a_number_that_is_not_one_is_said_in_vietnamese(args: list[str]) -> None:
    """`rasoat demo --households abc` said "(cần kiểu int)": Python's name of the type."""
    done = _rasoat(*args)
    assert done.returncode == 2, done.stderr
    assert "int)" not in done.stderr, done.stderr
    assert "không phải một số nguyên" in done.stderr, done.stderr


def test_a_commune_file_named_with_no_screen_is_not_swapped_for_the_sample(
    tmp_path: Path,
) -> None:
    """`rasoat xa.sqlite` on a machine with no screen printed the sample commune's meeting
    list and exited 0, as if the file named had been opened. It now says the window cannot
    open, names the file and the commands that work on it, and writes nothing."""
    from rasoat import paths

    path = create_demo_commune(tmp_path / "xa.sqlite", households=5)
    before = path.read_bytes()
    done = _rasoat(str(path))
    assert done.returncode == 1, done.stderr
    assert "xa.sqlite" in done.stderr
    assert "rasoat report" in done.stderr
    assert "rasoat --help" in done.stderr
    assert "mẫu" not in done.stdout + done.stderr
    assert not paths.demo_file().exists()
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "args",
    [
        ["users", "list", "{}"],
        ["household", "deleted", "{}"],
        ["report", "meeting_list", "{}"],
        ["log", "{}", "--from", "01/01/2026"],
        ["support", "list", "{}"],
        ["round", "list", "{}"],
        ["cadre", "list", "{}"],
        ["whatif", "{}", "--standard", "nd351-2026-2030"],
        ["person", "find", "{}", "Hoàng Văn An"],
        ["application", "list", "{}"],
        ["low-income", "list", "{}"],
    ],
)
def test_a_folder_named_as_the_commune_file_is_said_to_be_a_folder(
    args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder given for the commune file was "không tìm thấy tệp xã" (not found) in some
    commands, and in others opened and refused with exit 1; in every command it is now
    said to be a folder, as `db check`, `export` or `import` say it, exit 2 (unusable
    input, `rasoat --help`), nothing written in it."""
    folder = tmp_path / "thu-muc"
    folder.mkdir()
    assert main([a.format(folder) for a in args]) == 2
    err = capsys.readouterr().err
    assert "là một thư mục, không phải tệp dữ liệu xã" in err, err
    assert "không tìm thấy" not in err.lower(), err
    assert list(folder.iterdir()) == []


def test_every_value_in_the_usage_is_named_in_vietnamese() -> None:
    """The usage and --help named values by their Python names (db, out, SINCE, DEVICE,
    REFERENCE_DATE) or without their diacritics (TEP, 284 times; DAU_VAN_TAY): every value
    an option or argument takes is now named (metavar) or listed (choices), and no name is
    one of those."""
    import argparse

    from rasoat.cli import build_parser

    unnamed: list[str] = []
    plain = {"TEP", "DAU_VAN_TAY", "TRUONG=COT", "STANDARD", "YYYY-MM-DD"}

    def walk(parser: argparse.ArgumentParser, command: str) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, f"{command} {name}")
            elif action.nargs != 0 and not isinstance(action, argparse._HelpAction):
                where = f"{command} {'/'.join(action.option_strings) or action.dest}"
                if action.metavar is None and action.choices is None:
                    unnamed.append(where)
                elif action.metavar in plain:
                    unnamed.append(f"{where}: {action.metavar}")

    walk(build_parser(), "rasoat")
    assert unnamed == []


def test_a_folder_not_made_yet_is_made_for_what_a_command_writes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`rasoat demo --out moi/xa.sqlite`, `summary --xlsx moi/t.xlsx` and `import --receipt
    moi/bn.txt` failed, the last after the import was saved, saying the stick had been pulled
    out ("không còn ở đó"), where `report` and `export` make the folder."""
    commune = tmp_path / "moi" / "xa.sqlite"
    assert main(["demo", "--households", "5", "--out", str(commune)]) == 0
    package = tmp_path / "goi.rasoat"
    assert main(["export", str(commune), str(package), "--no-password"]) == 0
    table = tmp_path / "bang" / "tong-hop.xlsx"
    assert main(["summary", str(package), "--xlsx", str(table)]) == 0
    receipt = tmp_path / "bien-nhan" / "bn.txt"
    assert main(["import", str(commune), str(package), "--receipt", str(receipt)]) == 0
    assert commune.is_file()
    assert table.is_file()
    assert receipt.is_file()
    assert "không còn ở đó" not in capsys.readouterr().err


def test_a_package_of_villages_names_villages_of_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`export --scope villages` with no --village, or a village mistyped, wrote a package of
    no household and said it was exported (exit 0)."""
    commune = tmp_path / "xa.sqlite"
    assert main(["demo", "--households", "5", "--out", str(commune)]) == 0
    capsys.readouterr()
    package = tmp_path / "goi.rasoat"
    base = ["export", str(commune), str(package), "--no-password", "--scope", "villages"]
    # Refused as what was typed (exit 2), as a file that cannot be used is.
    assert main(base) == 2
    assert "Chưa chọn thôn nào để xuất" in capsys.readouterr().err
    assert main([*base, "--village", "Thon Khong Co"]) == 2
    said = capsys.readouterr().err
    assert "Tệp xã không có thôn 'Thon Khong Co'" in said
    assert not package.exists()
    from db.store import Store

    with Store.open(commune, user="t", device="t") as store:
        village = store.villages()[0].name
    assert main([*base, "--village", village]) == 0
    assert package.is_file()
