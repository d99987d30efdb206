"""The registry's parser of household lines (``registry.load.Located``) gives what
``json.loads`` gives and refuses what it refuses, and finds each stored document's text in
the line: the household's and every result's."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from db.exchange import container
from db.exchange.package import HOUSEHOLDS_PART, PARTS
from registry.load import Located
from tests.registry.packages import make_package


def _outcome(parse: Any, line: str) -> Any:
    try:
        return ("ok", parse(line))
    except ValueError as exc:  # JSONDecodeError, or a number of 4,300 digits
        return ("refused", type(exc))
    except RecursionError:
        return ("refused", RecursionError)


@pytest.fixture(scope="module")
def lines(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    path = make_package(tmp_path_factory.mktemp("located") / "xa.rasoat", n=12, seed=4)
    raw = container.read_container(path, allowed_parts=PARTS)
    return [line for line in raw.parts[HOUSEHOLDS_PART].decode().split("\n") if line]


def test_a_written_line_parses_as_json_and_its_documents_are_found(lines: list[str]) -> None:
    for line in lines:
        located = Located()
        record = located(line)
        assert record == json.loads(line)
        [(household, results)] = located.texts
        assert household is not None
        assert json.loads(household) == record["household"]
        assert {k: json.loads(v) for k, v in results.items()} == record["results"]


ODD = [
    " ", "\t", "\r\n", ",", "}", "{", "]", '"', ':', "\\", "\ufeff", "NaN", "1e999", "[]",
    '"results": 1, ', '"results": {"r": {}}, ', '"household": null, ', '"\\u0068ousehold": {}, ',
    '"a": 1,}', '"results\\u0000": 1, ', "9" * 5000, "[" * 3000, '"x": "\x01", ',
]  # fmt: skip


def test_any_line_is_taken_or_refused_as_json_loads_does(lines: list[str]) -> None:
    rng = random.Random(5)
    for _ in range(3000):
        line = rng.choice(lines)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(line) + 1)
            cut = rng.choice([0, 0, 1, 3])
            line = line[:at] + rng.choice(ODD) + line[at + cut :]
        located = Located()
        got = _outcome(located, line)
        assert got == _outcome(json.loads, line), line[:200]
        if got[0] == "ok" and located.texts[0] is not None:
            household, results = located.texts[0]
            record = got[1]
            if household is not None:
                assert json.loads(household) == record["household"]
            parsed = {k: json.loads(v) for k, v in results.items()}
            if isinstance(record.get("results"), dict):
                assert parsed == record["results"]
            else:
                assert parsed == {}
