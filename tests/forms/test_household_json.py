"""The household JSON format, its schema, and `rasoat classify` on it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from forms.household_json import (
    FORMAT_VERSION,
    HouseholdJsonError,
    dump_document,
    json_schema,
    load_document,
    schema_text,
    shipped_schema_text,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "forms" / "schema" / "example-households.json"


def test_shipped_schema_is_the_generated_one() -> None:
    assert shipped_schema_text() == schema_text()


def test_example_file_is_valid_against_the_schema() -> None:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(json_schema()).validate(data)
    doc = load_document(data)
    assert [h.code for h in doc.households] == ["NL-001", "TDP3-014", "NL-027"]


def test_dumped_documents_validate_and_round_trip(b: Any) -> None:
    h = b.household()
    data = json.loads(json.dumps(dump_document([h], 2025), ensure_ascii=False))
    jsonschema.Draft202012Validator(json_schema()).validate(data)
    assert data["format_version"] == FORMAT_VERSION
    assert load_document(data).households == [h]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(format_version=2), "Phiên bản định dạng"),
        (lambda d: d.update(extra=1), "trường không biết"),
        (lambda d: d["households"][0].update(area="mountain"), "Hộ thứ 1"),
        (lambda d: d.pop("households"), "households"),
    ],
)
def test_bad_documents_are_refused_by_loader_and_schema(b: Any, mutate: Any, message: str) -> None:
    data = dump_document([b.household()])
    mutate(data)
    with pytest.raises(HouseholdJsonError, match=message):
        load_document(data)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(json_schema()).validate(data)


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rasoat", "classify", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )


def test_cli_prints_one_json_result_per_household() -> None:
    out = run_cli(str(EXAMPLE))
    assert out.returncode == 0, out.stderr
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert [(x["code"], x["result"]["category"]) for x in lines] == [
        ("NL-001", "poor"),
        ("TDP3-014", "near_poor"),
        ("NL-027", "middle"),
    ]
    first = lines[0]["result"]
    assert first["standard_id"] == "nd07-2022-2025"
    assert first["deprivation_count"] == 5
    assert "Lò Văn Bình (13 tuổi) nhẹ cân" in next(
        o["reason"] for o in first["indicators"] if o["id"] == "nutrition"
    )


def test_cli_standard_and_year_options(tmp_path: Path) -> None:
    out = run_cli(str(EXAMPLE), "--year", "2027")
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert {x["result"]["standard_id"] for x in lines} == {"nd351-2026-2030"}
    # B1 alone cannot decide under the 2027 rules (threshold unconfirmed).
    assert lines[0]["result"]["category"] == "undetermined"
    out = run_cli("-", "--standard", "nd07-2022-2025", stdin=EXAMPLE.read_text(encoding="utf-8"))
    assert out.returncode == 0


def test_cli_errors_are_vietnamese_with_exit_code_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format_version": 9, "households": []}', encoding="utf-8")
    out = run_cli(str(bad))
    assert out.returncode == 2
    assert "Phiên bản định dạng" in out.stderr
    out = run_cli(str(EXAMPLE), "--standard", "khong-co")
    assert out.returncode == 2
    assert "Không có chuẩn nghèo" in out.stderr


def test_cli_what_if_adds_the_other_standard_and_the_differences() -> None:
    out = run_cli(str(EXAMPLE), "--what-if", "nd351-2026-2030")
    assert out.returncode == 0, out.stderr
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    urban = lines[1]
    assert urban["result"]["standard_id"] == "nd07-2022-2025"
    assert urban["what_if"]["standard_id"] == "nd351-2026-2030"
    assert "Chuẩn thu nhập: 2.000.000 đồng → 2.800.000 đồng." in urban["what_if"]["differences"]
