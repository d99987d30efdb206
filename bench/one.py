"""One benchmark module in a process of its own: ``python -m bench.one NAME OUT [--quick]``.

``python -m bench`` runs each module this way, so that what a module measures of its own
process (the peak resident size above all: ``ru_maxrss`` cannot be reset, and memory a
benchmark before it freed is not given back to the system) is that module's alone and not
what an earlier module in the same run left behind. The rows go back as JSON in OUT."""

from __future__ import annotations

import dataclasses
import importlib
import json
import sys
from pathlib import Path

from bench import Row


def main(argv: list[str]) -> int:
    name, out, *rest = argv
    module = importlib.import_module(f"bench.{name}")
    rows: list[Row] = module.run("--quick" in rest)
    Path(out).write_text(json.dumps([dataclasses.asdict(r) for r in rows]), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
