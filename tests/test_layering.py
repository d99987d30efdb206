"""The layering rule: desktop → reports, db → forms. The core never loads Qt, forms/ never
reaches into storage or reports, and none of them into the command-line package. Checked by
importing every module in a fresh interpreter (what actually gets loaded) and by reading the
import statements (what could be)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# None of them reaches up into ``rasoat`` (the command line and the application's own folders,
# identity and settings) either: what they need of it is passed in or provided from above
# (``db.version``, ``db.exchange.own_key``).
FORBIDDEN = {
    "forms": {
        "PySide6",
        "shiboken6",
        "desktop",
        "db",
        "reports",
        "rasoat",
        "sqlite3",
        "sqlite_utils",
    },
    "db": {"PySide6", "shiboken6", "desktop", "reports", "rasoat"},
    # The province registry sits beside db (PostgreSQL instead of SQLite): no Qt, no desktop,
    # and reports read it, not the other way round.
    "registry": {"PySide6", "shiboken6", "desktop", "reports", "rasoat"},
    "reports": {"PySide6", "shiboken6", "desktop", "rasoat"},
}

PROBE = """
import importlib, json, pkgutil, sys
loaded = {}
for pkg_name in %r:
    pkg = importlib.import_module(pkg_name)
    for info in pkgutil.walk_packages(pkg.__path__, pkg_name + "."):
        importlib.import_module(info.name)
up = ("PySide6", "shiboken6", "rasoat")
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in up)))
"""


def test_core_packages_load_no_qt_nor_rasoat_in_a_fresh_interpreter() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE % (["forms", "db", "registry", "reports"],)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_core_packages_import_nothing_forbidden(package: str) -> None:
    offenders = []
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                if name.split(".")[0] in FORBIDDEN[package]:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {name}")
    assert offenders == []


def test_commune_files_are_opened_through_the_one_driver() -> None:
    """Two SQLite libraries in one process must never open the same file: closing one
    library's descriptor drops the other's POSIX locks, and the Python sqlite3 module then
    reads pages mid-write as "database disk image is malformed" (seen when tests still read
    the Store's file with sqlite3 after db/driver.py moved everything to SQLCipher). So the
    product and its tests call ``db.driver.connect``, never ``sqlite3.connect``; bench/ keeps
    sqlite3 for its bare baselines, on files of its own."""
    offenders = []
    for package in ("db", "rasoat", "reports", "desktop", "tests"):
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "sqlite3"
                ):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
