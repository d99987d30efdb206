"""A writer killed with SIGKILL at random moments: the file always opens, passes
integrity_check, and holds every save that had returned.

The writer is a forked child (no interpreter start-up per run, so many kills fit in a few
seconds); it opens its own connection after the fork, as a separate process would.
"""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

import pytest

from db.store import Store
from forms.demo import generate_households

from .conftest import commune_info

RUNS = 10


def writer(path: Path, run: int, fd: int) -> None:
    """Saves new and changed households until killed, reporting each save before it starts
    ("try") and after it returned ("done")."""
    out = os.fdopen(fd, "w", buffering=1)
    store = Store.open(path, user="writer", device=f"run-{run}")
    current = store.current_round()
    assert current is not None
    rng = random.Random(run)
    saved: list[str] = []
    out.write("ready\n")
    for i, h in enumerate(generate_households(100_000, seed=run + 1)):
        if saved and rng.random() < 0.3:
            old = store.get_household(rng.choice(saved))
            assert old is not None
            h = old
            h.b1_total = rng.randrange(300)
            h.members[0].name += " Mới"
        else:
            h.code = f"K{run}-{i:05d}"
        out.write(f"try|{h.id}|{h.b1_total}|{h.members[0].name}\n")
        store.save_household(h, round_id=current.id)
        saved.append(h.id)
        out.write(f"done|{h.id}|{h.b1_total}|{h.members[0].name}\n")


def run_and_kill(path: Path, run: int, delay: float) -> str:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        os.close(read_end)
        try:
            writer(path, run, write_end)
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as lines:
        assert lines.readline() == "ready\n"
        time.sleep(delay)
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status)
        return lines.read()


def test_killed_writer_never_loses_a_returned_save(tmp_path: Path) -> None:
    path = tmp_path / "kill.rasoat.sqlite"
    with Store.create(path, commune_info(), user="setup", device="setup") as s:
        s.add_village("Thôn Đồng Tâm")
        s.start_round(2026, "nd07-2022-2025")
    rng = random.Random(2026)
    expected: dict[str, tuple[str, str]] = {}
    for run in range(RUNS):
        out = run_and_kill(path, run, rng.uniform(0.01, 0.25))
        # "done" follows a save that returned; the one save in flight when the kill came
        # ("try" without "done") may or may not have reached the file.
        in_flight: tuple[str, tuple[str, str]] | None = None
        for line in out.splitlines():
            parts = line.split("|")
            if len(parts) != 4:
                continue  # the kill cut this line short
            state, household_id, values = parts[0], parts[1], (parts[2], parts[3])
            if state == "done":
                expected[household_id] = values
                in_flight = None
            else:
                in_flight = (household_id, values)

        with Store.open(path, user="check", device="check") as store:
            assert store.integrity_problems() == []
            for household_id, values in list(expected.items()):
                h = store.get_household(household_id)
                assert h is not None, household_id
                found = (str(h.b1_total), h.members[0].name)
                if in_flight is not None and in_flight[0] == household_id:
                    assert found in (values, in_flight[1])
                    expected[household_id] = found  # what later runs must still find
                else:
                    assert found == values
    if len(expected) < RUNS:
        pytest.fail(f"the writer saved too little to test anything ({len(expected)} saves)")
