"""`make fuzz` in small (bench/fuzz.py): mutated packages (imported, and merged three at a
time with the merge's reader process), workbooks and household JSON through the real
commands, each on a fresh copy of a demo commune file. Every outcome is done
(0), refused with reasons (1) or unusable input (2) with a Vietnamese message; never an
internal error (70) or a traceback; a refusal leaves the commune file and its -wal
byte-identical. Seeds are fixed (derandomized), so CI runs the same mutants every time."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench import fuzz


def fixed(examples: int) -> settings:
    return settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[fuzz.Seeds]:
    # make_seeds sets RASOAT_HOME and RASOAT_PASSWORD for the command; each test's own
    # RASOAT_HOME (conftest) then makes the importing laptop another one than the sender.
    with pytest.MonkeyPatch.context() as mp:
        folder = tmp_path_factory.mktemp("fuzz-seeds")
        mp.setenv("RASOAT_HOME", str(folder / "home"))
        mp.setenv("RASOAT_PASSWORD", fuzz.FUZZ_PASSWORD)
        made = fuzz.make_seeds(folder, households=5)
        yield made


def check(outcome: fuzz.Outcome) -> None:
    assert outcome.klass in ("ok", "refused", "unusable"), (outcome.klass, outcome.message)
    assert outcome.flags == [], (outcome.flags, outcome.message)
    if outcome.klass != "ok":
        assert outcome.written_on_refusal == 0


def run(
    seeds: fuzz.Seeds, kind: str, number: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> fuzz.Outcome:
    monkeypatch.setenv("RASOAT_PASSWORD", fuzz.FUZZ_PASSWORD)
    case = fuzz.make_case(seeds, kind, random.Random(number))
    return fuzz.run_in_process(case, tmp_path / "case", seeds)


@fixed(80)
@given(number=st.integers(0, 2**32))
def test_mutated_packages(
    seeds: fuzz.Seeds, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, number: int
) -> None:
    check(run(seeds, "package", number, tmp_path, monkeypatch))


@fixed(60)
@given(number=st.integers(0, 2**32))
def test_mutated_workbooks(
    seeds: fuzz.Seeds, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, number: int
) -> None:
    check(run(seeds, "workbook", number, tmp_path, monkeypatch))


@fixed(80)
@given(number=st.integers(0, 2**32))
def test_mutated_household_json(
    seeds: fuzz.Seeds, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, number: int
) -> None:
    check(run(seeds, "json", number, tmp_path, monkeypatch))


def test_the_seeds_themselves_go_through(
    seeds: fuzz.Seeds, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unmutated, every seed is taken: the mutants start from inputs the commands accept, so
    a refusal is the mutation's doing (the fuzzing would prove nothing otherwise)."""
    monkeypatch.setenv("RASOAT_PASSWORD", fuzz.FUZZ_PASSWORD)
    trust = [f"--trust-device={seeds.signer_fp}", "--allow-deletions"]
    inputs = [
        ("package", seeds.plain, ".rasoat", lambda db, f: ["import", str(db), str(f), *trust]),
        ("package", seeds.encrypted, ".rasoat", lambda db, f: ["import", str(db), str(f), *trust]),
        (
            "workbook",
            seeds.workbook,
            ".xlsx",
            lambda db, f: ["excel-import", str(db), str(f), "--year", "2025", "--write"],
        ),
        ("json", seeds.household_json, ".json", lambda db, f: ["classify", str(f)]),
    ]
    for kind, data, suffix, argv in inputs:
        case = fuzz.Case(kind, "seed", data, argv, kind != "json", suffix)
        outcome = fuzz.run_in_process(case, tmp_path / "case", seeds)
        assert outcome.klass == "ok", (kind, outcome.message)


def test_a_refusal_that_wrote_would_be_caught(tmp_path: Path) -> None:
    """The judge itself: a changed -wal or a new file in the folder counts as written."""
    (tmp_path / "xa.sqlite").write_bytes(b"x")
    before = fuzz.folder_state(tmp_path)
    (tmp_path / "xa.sqlite-shm").write_bytes(b"index")  # SQLite's shared memory: no data
    (tmp_path / "xa.sqlite-wal").write_bytes(b"")  # an empty -wal equals none
    assert fuzz.written_bytes(before, fuzz.folder_state(tmp_path)) == 0
    (tmp_path / "xa.sqlite-wal").write_bytes(b"frame")
    assert fuzz.written_bytes(before, fuzz.folder_state(tmp_path)) == 5


@fixed(16)
@given(number=st.integers(0, 2**32))
def test_mutated_packages_merged(
    seeds: fuzz.Seeds, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, number: int
) -> None:
    """``rasoat merge`` of the mutant three times: the third read by its reader process
    once its manifest has passed in the command. (The reader writes to the test's own
    output, not the command's: a traceback there shows in ``make fuzz``, not here.)"""
    check(run(seeds, "merge", number, tmp_path, monkeypatch))
