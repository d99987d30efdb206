"""`rasoat merge` in the frozen bundle, with real packages made by the frozen `rasoat export`
on three surveyors' laptops (three RASOAT_HOMEs, three device keys).

The merge reads the next package in a second process while it writes one (issue 22,
db/exchange/merge_ahead.py, spawn context). A frozen program spawns its child by running its
own executable again ("--multiprocessing-fork"): without multiprocessing.freeze_support()
at the entry point that child is another `rasoat`, which refuses the arguments (or opens a
window), and the merge says the reading process stopped. Here the child is seen running from
/proc while the merge runs, and the receipts of all three packages are printed in
Vietnamese. Skipped when no bundle was built."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.packaging.frozen import EXE, NO_BUNDLE, ROOT, build_started, run_bundle

pytestmark = [pytest.mark.bundle, pytest.mark.skipif(not EXE.exists(), reason=NO_BUNDLE)]

VILLAGES = ("Bản Phiêng Luông", "Thôn Khuổi Vài", "Bản Sán Chải")
FINGERPRINT = re.compile(r"dấu vân tay khoá: ([0-9A-F]{4}(?:-[0-9A-F]{4}){4})")
AHEAD = ROOT / "db" / "exchange" / "merge_ahead.py"


def reads_ahead() -> bool:
    """The bundle reads packages ahead in a second process: the tree has that module, and
    had it when the bundle was built."""
    return AHEAD.is_file() and AHEAD.stat().st_mtime < build_started()


def children(pid: int) -> dict[int, str]:
    """The processes ``pid`` started and that still run: pid → command line."""
    found = {}
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            listed = (task / "children").read_text().split()
        except OSError:
            continue
        for child in listed:
            try:
                line = Path(f"/proc/{child}/cmdline").read_bytes()
            except OSError:
                continue
            found[int(child)] = line.replace(b"\0", b" ").decode(errors="replace")
    return found


def watch(process: subprocess.Popen[str], seen: dict[int, str]) -> None:
    """Everything ``process`` starts, until it ends (a thread's loop)."""
    while process.poll() is None:
        for pid, line in children(process.pid).items():
            # Forked, a child shows its parent's command line until it runs the executable
            # again; a zombie shows none: the last one it ran is kept.
            if line:
                seen[pid] = line
        time.sleep(0.01)


def packages(tmp_path: Path, commune: Path, secret: Path) -> tuple[list[Path], list[str]]:
    """One package per village, each from its own copy of the commune on its own laptop."""
    made, fingerprints = [], []
    for n, village in enumerate(VILLAGES, start=1):
        laptop = tmp_path / f"may{n}"
        laptop.mkdir()
        copy = laptop / commune.name
        copy.write_bytes(commune.read_bytes())
        package = tmp_path / f"GOI{n}.rasoat"
        done = run_bundle(
            *("export", str(copy), str(package), "--scope", "villages", "--village", village),
            *("--password-file", str(secret)),
            home=laptop / "home",
        )
        assert done.returncode == 0, done.stdout + done.stderr
        found = FINGERPRINT.search(done.stdout)
        assert found is not None, done.stdout
        made.append(package)
        fingerprints.append(found.group(1))
    return made, fingerprints


@pytest.mark.skipif(sys.platform != "linux", reason="children read from /proc")
def test_the_frozen_merge_reads_ahead_in_a_second_process(tmp_path: Path) -> None:
    commune = tmp_path / "XA.rasoat.sqlite"
    home = tmp_path / "xa-home"
    done = run_bundle("demo", "--households", "60", "--out", str(commune), home=home)
    assert done.returncode == 0, done.stdout + done.stderr
    secret = tmp_path / "mk.txt"
    secret.write_text("gửi xã tháng mười hai\n", encoding="utf-8")
    made, fingerprints = packages(tmp_path, commune, secret)

    trust = [arg for f in fingerprints for arg in ("--trust-device", f)]
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen", RASOAT_HOME=str(home))
    merge = subprocess.Popen(
        [str(EXE), "merge", str(commune), *map(str, made), "--password-file", str(secret)] + trust,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen: dict[int, str] = {}
    watcher = threading.Thread(target=watch, args=(merge, seen))
    watcher.start()
    out, err = merge.communicate(timeout=300)
    watcher.join()

    assert merge.returncode == 0, out + err
    for package in made:  # a receipt each: "GOI1.rasoat: 9 hộ trong gói — không đổi: 9"
        assert re.search(rf"^{package.name}: \d+ hộ trong gói — ", out, re.M), out
    assert "KHÔNG NHẬP" not in out
    # What a child running our own CLI instead of the reader would print, or a crash.
    for wrong in ("dừng đột ngột", "cách dùng:", "lỗi:", "Traceback"):
        assert wrong not in out + err
    if reads_ahead() and (os.cpu_count() or 1) > 1:
        readers = [line for line in seen.values() if "--multiprocessing-fork" in line]
        assert readers, f"no reader process seen: {seen}"
        assert all(line.startswith(str(EXE)) for line in readers)
