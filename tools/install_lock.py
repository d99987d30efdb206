"""Installs pylock.toml (PEP 751), the project's one lock file, into the running interpreter's
environment: every dependency at the exact version and file hash the lock names.

pip reads pylock.toml from 25.1 on, and checks each file against the lock's hash (a file
that differs is refused). A new virtualenv comes with the pip its Python bundles (23.x on
Debian 12), so that pip first installs the lock's own pip, pinned by the lock's hashes in
pip's hash-checking mode; the lock is then installed by that pip. Used by tools/bootstrap.sh
and the Windows build (packaging/windows/build.yml).

    python tools/install_lock.py [pylock.toml]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

PIP = [sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check"]


def pip_pin(lock: dict) -> str:
    """The lock's pip as a hash-checked requirement line."""
    pip = next(p for p in lock["packages"] if p["name"] == "pip")
    hashes = " ".join(f"--hash=sha256:{w['hashes']['sha256']}" for w in pip["wheels"])
    return f"pip=={pip['version']} {hashes}\n"


def main(argv: list[str]) -> int:
    path = Path(argv[0] if argv else "pylock.toml")
    lock = tomllib.loads(path.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as folder:
        pin = Path(folder) / "pip.txt"
        pin.write_text(pip_pin(lock), encoding="utf-8")
        subprocess.run([*PIP, "--require-hashes", "--no-deps", "-r", str(pin)], check=True)
    # The experimental-feature warning pip prints for pylock.toml is expected here.
    subprocess.run([*PIP, "--no-deps", "-r", str(path)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
