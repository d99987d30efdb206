"""The commune laptops' bundle does not grow with the province registry: the spec excludes
registry/, psycopg and pyarrow (PyInstaller follows imports even inside functions, and
`rasoat registry` is collected with every command), and a built bundle holds none of them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.packaging.frozen import BUNDLE, EXE, ROOT, run_bundle

SPEC = ROOT / "packaging" / "rasoat.spec"
LEFT_OUT = ("registry", "psycopg", "psycopg_binary", "pyarrow")


def spec_excludes() -> set[str]:
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "excludes" for t in node.targets)
            and isinstance(node.value, ast.List)
        ):
            return {e.value for e in node.value.elts if isinstance(e, ast.Constant)}
    raise AssertionError("no excludes list in the spec")


def test_the_spec_leaves_the_registry_out() -> None:
    assert set(LEFT_OUT) <= spec_excludes()


def test_the_registry_command_imports_the_registry_only_inside_functions() -> None:
    # A module-level import would make `rasoat --help` fail in the bundle, where the excluded
    # packages are missing; inside functions the command can say so instead.
    tree = ast.parse((ROOT / "rasoat" / "commands" / "registry.py").read_text(encoding="utf-8"))
    top = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    names = [getattr(n, "module", None) or n.names[0].name for n in top]
    assert not [n for n in names if n and n.split(".")[0] in LEFT_OUT]


def test_a_built_bundle_holds_none_of_them() -> None:
    internal = BUNDLE / "_internal"
    if not internal.is_dir():
        return  # nothing built here (make package); the spec test above still ran
    assert [name for name in LEFT_OUT if (internal / name).exists()] == []
    assert not list(internal.glob("psycopg*"))
    assert not list(internal.glob("pyarrow*"))


def test_the_bundle_says_the_registry_is_not_in_this_build(tmp_path: Path) -> None:
    # The window's "Tổng hợp nhiều xã" and settings reach the registry through
    # desktop.registry_link, which says the same when the import fails (its own tests).
    if not EXE.exists():
        pytest.skip("nothing built here (make package)")
    done = run_bundle(
        *("registry", "report", "postgresql://tinh/rasoat", "--kind", "summary"),
        *("--out", str(tmp_path / "tong-hop.pdf")),
        home=tmp_path,
        timeout=120,
    )
    assert done.returncode == 2
    assert "không có phần cơ sở dữ liệu của tỉnh" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr
