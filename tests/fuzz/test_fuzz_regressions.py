"""Inputs `make fuzz` found harmful, kept as tests: each is refused in Vietnamese (exit 2)
and the commune file and its -wal stay byte-identical."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bench import fuzz


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[fuzz.Seeds]:
    with pytest.MonkeyPatch.context() as mp:
        folder = tmp_path_factory.mktemp("fuzz-seeds")
        mp.setenv("RASOAT_HOME", str(folder / "home"))
        mp.setenv("RASOAT_PASSWORD", fuzz.FUZZ_PASSWORD)
        yield fuzz.make_seeds(folder, households=3)


def forged(
    seeds: fuzz.Seeds,
    manifest_edit: Callable[[dict[str, Any]], None] | None = None,
    commune_edit: Callable[[dict[str, Any]], None] | None = None,
) -> bytes:
    """The plain seed package edited as a forger would: checksums recomputed and the
    manifest signed by a laptop the command is told to trust."""
    parts = fuzz.read_zip(seeds.plain)
    manifest = json.loads(parts["manifest.json"])
    if commune_edit is not None:
        commune = json.loads(parts["commune.json"])
        commune_edit(commune)
        blob = json.dumps(commune, ensure_ascii=False).encode()
        parts["commune.json"] = blob
        info = manifest["parts"]["commune.json"]
        info.update(sha256=hashlib.sha256(blob).hexdigest(), size=len(blob))
    if manifest_edit is not None:
        manifest_edit(manifest)
    fuzz.resign(manifest, seeds.forger)
    parts["manifest.json"] = json.dumps(manifest, ensure_ascii=False).encode()
    return fuzz.write_zip(parts)


def imported(seeds: fuzz.Seeds, data: bytes, tmp_path: Path) -> fuzz.Outcome:
    trust = [f"--trust-device={seeds.forger_fp}", "--allow-deletions"]
    case = fuzz.Case(
        "package",
        "forged",
        data,
        lambda db, f: ["import", str(db), str(f), *trust],
        True,
        ".rasoat",
    )
    return fuzz.run_in_process(case, tmp_path / "case", seeds)


@pytest.mark.parametrize(
    ("key", "value"),
    [("commune", 5), ("scope", 1.5), ("round", "2026"), ("created_by", ["a"]), ("counts", [])],
)
def test_a_manifest_field_of_the_wrong_kind_is_refused(
    seeds: fuzz.Seeds,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    key: str,
    value: object,
) -> None:
    """`"commune": 5` and `"scope": 1.5` stopped the import with an internal error (70)."""
    monkeypatch.setenv("RASOAT_PASSWORD", fuzz.FUZZ_PASSWORD)
    outcome = imported(
        seeds, forged(seeds, manifest_edit=lambda m: m.update({key: value})), tmp_path
    )
    assert outcome.klass == "unusable", outcome.message
    assert f"trường '{key}' sai" in outcome.message
    assert outcome.written_on_refusal == 0


def test_a_round_of_an_unknown_kind_is_refused_before_the_file_is_opened(
    seeds: fuzz.Seeds, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It was refused by the merge, after opening the file had written the 'last seen' row."""
    monkeypatch.setenv("RASOAT_PASSWORD", fuzz.FUZZ_PASSWORD)

    def odd_kind(commune: dict[str, Any]) -> None:
        commune["rounds"][0]["kind"] = "khác"

    outcome = imported(seeds, forged(seeds, commune_edit=odd_kind), tmp_path)
    assert outcome.klass == "unusable", outcome.message
    assert "kỳ rà soát" in outcome.message
    assert outcome.written_on_refusal == 0


def test_the_forged_route_itself_is_taken(
    seeds: fuzz.Seeds, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unchanged but re-signed, the package goes in: the refusals above are the edits'."""
    monkeypatch.setenv("RASOAT_PASSWORD", fuzz.FUZZ_PASSWORD)
    assert imported(seeds, forged(seeds), tmp_path).klass == "ok"


@pytest.mark.parametrize(
    "year", [b"1000000000000000000000000000000", b"1" + b"0" * 5000, b"99999", b"-5"]
)
def test_classify_refuses_a_review_year_out_of_range(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], year: bytes
) -> None:
    """A review year of 10^30 stopped classify with OverflowError (70); one of 5,001 digits
    with Python's ValueError for long integers."""
    from rasoat.cli import main

    path = tmp_path / "ho.json"
    path.write_bytes(b'{"format_version": 1, "review_year": ' + year + b', "households": []}')
    assert main(["classify", str(path)]) == 2
    err = capsys.readouterr().err
    assert "rasoat classify:" in err
    assert "Lỗi không mong muốn" not in err


def test_a_package_line_with_a_number_of_5000_digits_is_refused(
    seeds: fuzz.Seeds, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RASOAT_PASSWORD", fuzz.FUZZ_PASSWORD)
    parts = fuzz.read_zip(seeds.plain)
    manifest = json.loads(parts["manifest.json"])
    lines = parts["households.jsonl"].split(b"\n")
    lines[0] = b'{"x": 1' + b"0" * 5000 + b"}"
    body = b"\n".join(lines)
    parts["households.jsonl"] = body
    manifest["parts"]["households.jsonl"].update(
        sha256=hashlib.sha256(body).hexdigest(), size=len(body)
    )
    fuzz.resign(manifest, seeds.forger)
    parts["manifest.json"] = json.dumps(manifest, ensure_ascii=False).encode()
    outcome = imported(seeds, fuzz.write_zip(parts), tmp_path)
    assert outcome.klass == "unusable", outcome.message
    assert outcome.written_on_refusal == 0
