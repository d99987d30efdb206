"""Kill experiments at scale (issue 16): SIGKILL during saves and during close/backup.

python -m bench.soak_kill                      # 1,000 kills during saves, 300 during close
python -m bench.soak_kill --saves 50 --closes 20

A forked child opens the commune file (a 300-household demo commune) and saves households,
reporting each save after it returned ("done"); it is killed at a random moment. In the
close experiments it saves a few households and closes (checkpoint, checked backup,
rotation), or makes a manual backup first, reporting each step as it begins; it is killed
at a random moment of that close (half the kills anywhere in a close as long as the latest
one took, half within one step chosen at random, as long as that step last took, so the
millisecond steps, rename and rotation, are hit too), and the step each kill landed in is
counted.
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
from collections import Counter
from pathlib import Path

from db import backup
from db.demo import create_demo_commune
from db.errors import StoreError
from db.store import Store
from forms.demo import generate_households

# The steps of a close, in order, as the child reports them (db.backup.phase_hooks; the
# checkpoint and the connection's close are said by the child around Store.close). A manual
# backup's own steps come first in a "manual" run.
PHASES = (
    "manual:copy",
    "manual:fsync",
    "manual:check",
    "manual:rename",
    "manual:done",
    "checkpoint",
    "close:copy",
    "close:fsync",
    "close:check",
    "close:rename",
    "close:done",
    "rotation",
    "rotated",
)
LABELS = {
    "checkpoint": "checkpoint (the -wal into the file)",
    "close:copy": "backup: copy (SQLite backup API) to .partial",
    "close:fsync": "backup: fsync of the copy",
    "close:check": "backup: check (pages, every document)",
    "close:rename": "backup: rename to .sqlite, fsync of the folder",
    "close:done": "backup: done, rotation not begun",
    "rotation": "rotation (older close backups removed)",
    "rotated": "closing the connection (after rotation)",
    "finished": "finished before the kill came",
}
for _step in ("copy", "fsync", "check", "rename", "done"):
    LABELS[f"manual:{_step}"] = "manual " + LABELS[f"close:{_step}"]


def _child(path: Path, run: int, fd: int, mode: str) -> None:
    out = os.fdopen(fd, "w", buffering=1)

    def phase(name: str) -> None:
        out.write(f"phase|{name}|{time.monotonic():.6f}\n")

    store = Store.open(path, user="soak", device=f"run-{run}")
    rng = random.Random(run)
    out.write("ready\n")
    many = 100_000 if mode == "save" else rng.randrange(1, 6)
    for i, h in enumerate(generate_households(many, seed=run + 7)):
        h.code = f"K{run}-{i:05d}"
        store.save_household(h)
        out.write(f"done|{h.id}\n")
    backup.phase_hooks.append(phase)
    if mode == "manual":
        backup.make_backup(path, "manual", store.conn)
    phase("checkpoint")  # Store.close begins with it
    store.close()
    phase("closed")


class Timing:
    """How long each step of a close took the last time it was seen finishing, per kind of
    run: the file grows all experiment long (about 30,000 households after 1,000 save runs),
    and a close with it, so kills are aimed from the latest close, not a first calibration."""

    def __init__(self) -> None:
        self.took: dict[str, dict[str, float]] = {"close": {}, "manual": {}}

    def learn(self, mode: str, phases: list[tuple[str, float]]) -> None:
        for (name, at), (_next, then) in zip(phases, phases[1:], strict=False):
            self.took[mode][name] = max(then - at, 1e-4)

    def total(self, mode: str) -> float:
        return sum(self.took[mode].values()) or 0.2

    def steps(self, mode: str) -> list[str]:
        return [name for name in PHASES if name in self.took[mode]]


def _run(
    path: Path, run: int, mode: str, rng: random.Random, timing: Timing | None = None
) -> tuple[list[str], str]:
    """One child, killed; (its acknowledged saves, where the kill landed: "save", the step
    of the close it was in, or "finished")."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        try:
            _child(path, run, write_end, mode)
        finally:
            os._exit(0)
    os.close(write_end)
    said: list[str] = []
    with os.fdopen(read_end) as lines:
        if lines.readline() != "ready\n":
            os.waitpid(pid, 0)
            raise SystemExit(f"run {run}: the child could not open the file")
        if mode == "save":
            time.sleep(rng.uniform(0.005, 0.2))
        else:
            assert timing is not None
            began = 0.0
            for line in lines:  # its saves, then the first step of the close
                said.append(line)
                if line.startswith("phase|"):
                    began = float(line.split("|")[2])
                    break
            steps = timing.steps(mode)
            if rng.random() < 0.5 or not steps:
                # A random moment of the whole close, as long as the latest one took.
                kill_at = began + rng.uniform(0.0, 1.1 * timing.total(mode))
            else:
                # A random moment of one step, each step as likely: the short ones (rename,
                # rotation: milliseconds) are otherwise almost never hit.
                target = rng.choice(steps)
                last = said[-1]
                while not last.startswith(f"phase|{target}|"):
                    last = lines.readline()
                    if not last:  # the child ended without that step
                        break
                    said.append(last)
                kill_at = time.monotonic()
                if last.startswith(f"phase|{target}|"):
                    at = float(last.split("|")[2])
                    kill_at = at + rng.uniform(0.0, timing.took[mode][target])
            time.sleep(max(0.0, kill_at - time.monotonic()))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        said += lines.read().splitlines(keepends=True)
    done = [ln.strip().split("|")[1] for ln in said if ln.startswith("done|")]
    if mode == "save":
        return done, "save"
    phases = [
        (parts[1], float(parts[2]))
        for parts in (ln.strip().split("|") for ln in said if ln.startswith("phase|"))
    ]
    assert timing is not None
    timing.learn(mode, phases)
    landed = phases[-1][0] if phases else "save"
    return done, "finished" if landed == "closed" else landed


def _time_closes(path: Path, run: int, timing: Timing) -> None:
    """One close and one manual backup left to finish, to know how long each step takes
    before the first kill is aimed."""
    for mode in ("close", "manual"):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_end)
            try:
                _child(path, run, write_end, mode)
            finally:
                os._exit(0)
        os.close(write_end)
        with os.fdopen(read_end) as lines:
            said = lines.read().splitlines()
        os.waitpid(pid, 0)
        timing.learn(
            mode,
            [
                (p[1], float(p[2]))
                for p in (ln.split("|") for ln in said if ln.startswith("phase|"))
            ],
        )
        run += 1


class Usable:
    """The newest backup's full check, remembered per file: a backup is never written again
    once renamed, and the deep check of a 30,000-household copy takes seconds."""

    def __init__(self) -> None:
        self.seen: dict[tuple[str, int, int, int], list[str]] = {}

    def problems(self, p: Path) -> list[str]:
        st = p.stat()
        key = (str(p), st.st_ino, st.st_size, st.st_mtime_ns)
        if key not in self.seen:
            self.seen[key] = backup.check_backup(p)
        return self.seen[key]


def _check(path: Path, want: list[str]) -> list[str]:
    """Acknowledged saves missing from the file (or the file's own problems). Opened without
    the open-time page check: integrity_problems runs the same check, and the foreign keys."""
    try:
        with Store.open(path, user="check", device="soak-check", check=False) as store:
            problems = store.integrity_problems()
            if problems:
                return problems
            return [hid for hid in want if store.get_household(hid) is None]
    except StoreError as exc:
        return [f"the file does not open: {exc.message}"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=1000, help="kills during saves")
    parser.add_argument("--closes", type=int, default=300, help="kills during close/backup")
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    started = time.monotonic()
    landed: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        path = create_demo_commune(Path(tmp) / "soak.rasoat.sqlite", 300)
        acknowledged: list[str] = []
        lost: list[str] = []
        bad_backups = 0
        pushed_out = 0
        timing = Timing()
        usable = Usable()
        _time_closes(path, args.saves + args.closes, timing)
        first_close = timing.total("close")
        print(
            f"A close takes {first_close:.2f} s on the fresh file; kills are aimed from the latest"
        )
        runs = [("save", i) for i in range(args.saves)]
        runs += [("manual" if i % 3 == 0 else "close", args.saves + i) for i in range(args.closes)]
        rng.shuffle(runs)
        for n, (mode, run) in enumerate(runs, 1):
            good_before = len(backup.list_backups(path, "close"))
            done, where = _run(path, run, mode, rng, timing)
            if mode != "save":
                landed[where] += 1
            acknowledged += done
            lost += _check(path, done)
            newest = backup.latest_backup(path)
            if newest is not None and usable.problems(newest):
                bad_backups += 1
                print(f"run {run}: newest backup {newest.name} unusable", file=sys.stderr)
            # A close killed after its rename, before its rotation, leaves KEEP + 1: the
            # next rotation rightly takes one away. Fewer than that is a good backup lost.
            if len(backup.list_backups(path, "close")) < min(good_before, backup.KEEP):
                pushed_out += 1
                print(f"run {run} ({where}): a good close backup was lost", file=sys.stderr)
            if n % 50 == 0 or n == len(runs):
                lost += _check(path, acknowledged)
                print(
                    f"{n}/{len(runs)} kills, {len(acknowledged):,} saves acknowledged, "
                    f"{len(set(lost))} lost, {bad_backups} unusable newest backups; a close "
                    f"takes {timing.total('close'):.2f} s now",
                    flush=True,
                )
        partial = [p.name for p in backup.backup_dir(path).glob("*.partial")]
        kept = len(backup.list_backups(path))
        last_close = timing.total("close")
    minutes = (time.monotonic() - started) / 60
    print()
    print(
        f"Kills during saves: {args.saves:,}; during close/backup: {args.closes:,} (a close "
        f"took {first_close:.2f} s on the fresh file, {last_close:.2f} s at the end)"
    )
    print("Where the close/backup kills landed (the step the child had begun last):")
    for name in (*PHASES, "save", "finished"):
        if landed[name]:
            print(f"  {name:<14} {landed[name]:>5}  {LABELS.get(name, '')}")
    print(f"Acknowledged saves: {len(acknowledged):,}; lost: {len(set(lost))}")
    print(
        f"Newest backup unusable after a kill: {bad_backups} times; good close backups lost "
        f"to a kill: {pushed_out}; backups kept: {kept}; partial files left at the end: "
        f"{len(partial)} (cleared by the next backup)"
    )
    print(f"Time: {minutes:.1f} min")
    return 1 if lost or bad_backups or pushed_out else 0


if __name__ == "__main__":
    sys.exit(main())
