"""Where the frozen bundle is and how the tests run it.

``dist/rasoat/`` of this tree (`make package`), or the folder ``RASOAT_BUNDLE`` names: the
README asks for a bundle built in a clone when others share the tree (their test runs would
otherwise pick up a bundle half rebuilt), and this runs the tree's tests against it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = Path(os.environ.get("RASOAT_BUNDLE") or ROOT / "dist" / "rasoat").resolve()
EXE = BUNDLE / ("rasoat.exe" if sys.platform == "win32" else "rasoat")
NO_BUNDLE = "no bundle: run `make package` first (or set RASOAT_BUNDLE)"


def run_bundle(
    *args: str, home: Path, timeout: float = 180, **env: str
) -> subprocess.CompletedProcess[str]:
    """The frozen ``rasoat`` with ``args``, offscreen, in its own ``RASOAT_HOME``."""
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen", RASOAT_HOME=str(home), **env)
    return subprocess.run(
        [str(EXE), *args], env=environment, capture_output=True, text=True, timeout=timeout
    )


def build_started() -> float:
    """Files added after the build started cannot be in it; a rebuild (make package) adds them."""
    record = BUNDLE.parent / "rasoat-build.txt"
    if record.exists():
        return float(record.read_text().split("started_epoch=")[1].split()[0])
    return EXE.stat().st_mtime
