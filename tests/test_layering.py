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


def _forms_import_graph() -> dict[str, set[str]]:
    """Each module of ``forms`` and the modules of ``forms`` it imports: every import
    statement, at module level, inside a function or under ``TYPE_CHECKING`` alike, since an
    import put off into a function hides a circle from Python but not from the reader."""
    package = ROOT / "forms"
    modules = {
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for path in package.rglob("*.py")
    }
    graph: dict[str, set[str]] = {}
    for path in sorted(package.rglob("*.py")):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        is_init = name.endswith(".__init__")
        name = name.removesuffix(".__init__")
        own_package = name if is_init else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            candidates: list[str] = []
            if isinstance(node, ast.Import):
                candidates = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = own_package.split(".")[: len(own_package.split(".")) - node.level + 1]
                    base = ".".join([*parent, *([base] if base else [])])
                # ``from forms import indicators`` names the submodule; ``from forms.model
                # import Area`` the module (Area walks up to it below).
                candidates = [f"{base}.{alias.name}" for alias in node.names]
            for candidate in candidates:
                # ``import forms.a.b`` also runs forms/a/__init__.py: count the deepest module.
                while candidate and candidate not in modules:
                    candidate = candidate.rpartition(".")[0]
                if candidate and candidate != name:
                    targets.add(candidate)
        graph[name] = targets
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One circle through each group of modules that reach one another (Tarjan's strongly
    connected components), as a path ``a -> b -> ... -> a``."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group: set[str] = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)

    cycles = []
    for group in groups:
        # Walk inside the group from its first module until a module repeats.
        start = min(group)
        path = [start]
        seen = {start: 0}
        while True:
            step = min(t for t in graph[path[-1]] if t in group)
            if step in seen:
                cycles.append([*path[seen[step] :], step])
                break
            seen[step] = len(path)
            path.append(step)
    return cycles


def test_forms_modules_import_one_another_one_way() -> None:
    """No module of ``forms`` imports (even lazily, in a function, or for types only) one that
    imports it back: forms.standards and forms.indicators once did, hidden by function-level
    imports (issue 23), so neither could be read or changed without the other."""
    cycles = _cycles(_forms_import_graph())
    assert [" -> ".join(cycle) for cycle in cycles] == []


def _runtime_imports(path: Path) -> set[str]:
    """The modules ``path`` imports when it runs: module level or inside a function, but not
    under ``if TYPE_CHECKING:`` (type hints only, never executed)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    type_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING",):
            type_only |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_the_store_parts_reach_one_another_only_through_the_store() -> None:
    """``db.store.Store`` builds its parts (``db/store_*.py``: ``store.households``,
    ``store.lists``, …) over its one connection; a part reaches another as
    ``self._store.rounds``, never by importing it, and imports ``db.store`` for type hints
    only. So no part can be loaded, or changed, only together with another, and the Store is
    the one place that knows them all (issue 23)."""
    parts = {
        f"db.{path.stem}": path
        for path in sorted((ROOT / "db").glob("store_*.py"))
        if path.stem != "store_stamps"
    }
    assert parts, "the Store's parts moved: update this test"
    offenders = []
    for name, path in parts.items():
        for imported in sorted(_runtime_imports(path)):
            if imported == "db.store" or (imported in parts and imported != name):
                offenders.append(f"{path.relative_to(ROOT)} imports {imported}")
    stamps = _runtime_imports(ROOT / "db" / "store_stamps.py")
    offenders += [f"db/store_stamps.py imports {m}" for m in sorted(stamps) if m.startswith("db")]
    assert offenders == []
