"""A command's own peak resident size: ``python -m bench.peak COMMAND…`` runs it and prints
``{"status", "peak_mb", "cpu_s"}`` as JSON on its standard output (the command's own output
is dropped; its errors pass through).

Why a process between: Linux keeps, through ``exec``, the resident peak of the process that
forked. A command started straight from a benchmark that had grown to 2 GB was reported at
2 GB by ``wait4``, whatever it used itself (every ``rasoat report`` row of the reports
section, 2026-12-05). Started from this small process instead, its peak is its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys


def main(argv: list[str]) -> int:
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(proc.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    print(json.dumps({
        "status": code,
        "peak_mb": usage.ru_maxrss / 1024,
        "cpu_s": usage.ru_utime + usage.ru_stime,
    }))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
