"""Kill experiments at scale (issue 16): SIGKILL during saves and during close/backup.

python -m bench.soak_kill                      # 1,000 kills during saves, 300 during close
python -m bench.soak_kill --saves 50 --closes 20

A forked child opens the commune file (a 300-household demo commune) and saves households,
reporting each save after it returned ("done"); it is killed at a random moment. In the
close experiments it saves a few households, says "closing" and closes (checkpoint, checked
backup, rotation), or makes a manual backup, and is killed at a random moment of that.
After every kill: the file opens and passes its check, every save acknowledged in that run
is there, and the newest backup passes the full check (SQLite's and every document); every
50 kills and at the end every acknowledged save of the whole experiment is checked.
Prints the figures for docs/reliability.md; exits 1 on any loss.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sys
import tempfile
import time
from pathlib import Path

from db import backup
from db.demo import create_demo_commune
from db.store import Store
from forms.demo import generate_households


def _child(path: Path, run: int, fd: int, mode: str) -> None:
    out = os.fdopen(fd, "w", buffering=1)
    store = Store.open(path, user="soak", device=f"run-{run}")
    rng = random.Random(run)
    out.write("ready\n")
    many = 100_000 if mode == "save" else rng.randrange(1, 6)
    for i, h in enumerate(generate_households(many, seed=run + 7)):
        h.code = f"K{run}-{i:05d}"
        store.save_household(h)
        out.write(f"done|{h.id}\n")
    out.write("closing\n")
    if mode == "manual":
        backup.make_backup(path, "manual", store.conn)
    store.close()
    out.write("closed\n")


def _run(
    path: Path, run: int, mode: str, rng: random.Random, close_window: float = 0.12
) -> tuple[list[str], str]:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        try:
            _child(path, run, write_end, mode)
        finally:
            os._exit(0)
    os.close(write_end)
    before_close: list[str] = []
    with os.fdopen(read_end) as lines:
        if lines.readline() != "ready\n":
            os.waitpid(pid, 0)
            raise SystemExit(f"run {run}: the child could not open the file")
        if mode == "save":
            time.sleep(rng.uniform(0.005, 0.2))
        else:
            for line in lines:  # wait for close to begin, then kill somewhere inside it
                if line == "closing\n":
                    break
                before_close.append(line)  # its saves count as acknowledged too
            time.sleep(rng.uniform(0.0, close_window))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        rest = lines.read()
    said = before_close + rest.splitlines()
    done = [ln.strip().split("|")[1] for ln in said if ln.startswith("done|")]
    state = "closed" if "closed\n" in rest else ("killed" if os.WIFSIGNALED(status) else "ended")
    return done, state


def _time_close(path: Path, run: int) -> float:
    """Seconds from "closing" to "closed" of one close left to finish (checkpoint, checked
    backup, rotation): kills during close are spread over that time and a little beyond,
    so some land in every part of it and some closes finish (a fixed 0.12 s window ended
    before the backup was written on a busy machine: no close ever finished)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        try:
            _child(path, run, write_end, "close")
        finally:
            os._exit(0)
    os.close(write_end)
    started = 0.0
    with os.fdopen(read_end) as lines:
        for line in lines:
            if line == "closing\n":
                started = time.monotonic()
            elif line == "closed\n":
                break
        took = time.monotonic() - started
    os.waitpid(pid, 0)
    return took


def _check(path: Path, want: list[str]) -> list[str]:
    """Acknowledged saves missing from the file (or the file's own problems)."""
    with Store.open(path, user="check", device="soak-check") as store:
        problems = store.integrity_problems()
        if problems:
            return problems
        missing = [hid for hid in want if store.get_household(hid) is None]
    return missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=1000, help="kills during saves")
    parser.add_argument("--closes", type=int, default=300, help="kills during close/backup")
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        path = create_demo_commune(Path(tmp) / "soak.rasoat.sqlite", 300)
        acknowledged: list[str] = []
        lost: list[str] = []
        bad_backups = 0
        closes_finished = 0
        close_window = 1.25 * _time_close(path, args.saves + args.closes)
        print(f"A close takes {close_window / 1.25:.2f} s here; kills within {close_window:.2f} s")
        runs = [("save", i) for i in range(args.saves)]
        runs += [("manual" if i % 3 == 0 else "close", args.saves + i) for i in range(args.closes)]
        rng.shuffle(runs)
        for n, (mode, run) in enumerate(runs, 1):
            done, state = _run(path, run, mode, rng, close_window)
            closes_finished += state == "closed"
            acknowledged += done
            lost += _check(path, done)
            newest = backup.latest_backup(path)
            if newest is not None and backup.check_backup(newest):
                bad_backups += 1
                print(f"run {run}: newest backup {newest.name} unusable", file=sys.stderr)
            if n % 50 == 0 or n == len(runs):
                lost += _check(path, acknowledged)
                print(
                    f"{n}/{len(runs)} kills, {len(acknowledged):,} saves acknowledged, "
                    f"{len(set(lost))} lost, {bad_backups} unusable newest backups"
                )
        partial = [p.name for p in backup.backup_dir(path).glob("*.partial")]
        kept = len(backup.list_backups(path))
    minutes = (time.monotonic() - started) / 60
    print()
    print(
        f"Kills during saves: {args.saves:,}; during close/backup: {args.closes:,} "
        f"({closes_finished} of those finished before the kill came; kills spread over "
        f"{close_window:.2f} s after close began)"
    )
    print(f"Acknowledged saves: {len(acknowledged):,}; lost: {len(set(lost))}")
    print(
        f"Newest backup unusable after a kill: {bad_backups} times; backups kept: {kept}; "
        f"partial files left at the end: {len(partial)} (cleared by the next backup)"
    )
    print(f"Time: {minutes:.1f} min")
    return 1 if lost or bad_backups else 0


if __name__ == "__main__":
    sys.exit(main())
