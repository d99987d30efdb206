"""What packaging/rasoat.spec leaves out of the bundle is never imported by our code: an import
the spec excludes works from the source tree and fails only in the frozen program, on an
officer's laptop. Checked on the source, so it runs without a bundle."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from tests.packaging.test_registry_excluded import LEFT_OUT, spec_excludes

ROOT = Path(__file__).resolve().parents[2]
OUR_PACKAGES = ("forms", "db", "reports", "desktop", "rasoat", "resources")


def imported_modules(path: Path) -> Iterator[str]:
    """Every module a file imports, at the top or inside a function."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def test_our_code_imports_nothing_the_bundle_leaves_out() -> None:
    # The registry (and what only it needs) is the one exception: imported inside functions
    # that say it is not installed (test_registry_excluded.py).
    excluded = spec_excludes() - set(LEFT_OUT) - {"psycopg_c", "psycopg_pool"}
    found = sorted(
        f"{path.relative_to(ROOT)}: {name}"
        for package in OUR_PACKAGES
        for path in (ROOT / package).rglob("*.py")
        for name in imported_modules(path)
        if any(name == e or name.startswith(f"{e}.") for e in excluded)
    )
    assert found == []
