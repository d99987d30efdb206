"""No widget of ours hides a Qt method under a data attribute.

``ExcelImportDialog`` kept its result in ``self.done``; ``done`` is ``QDialog.done()``, which
``reject()`` calls as a virtual: closing the dialog called ``None`` from C++ and the process
died with a segmentation fault. Read every ``self.NAME = …`` in ``desktop/`` and fail when NAME
is a method of the Qt class underneath."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

from PySide6.QtCore import QObject

ROOT = Path(__file__).resolve().parents[2]


def qt_base(cls: type) -> type | None:
    for base in cls.__mro__:
        if base.__module__.startswith("PySide6."):
            return base
    return None


def test_no_attribute_shadows_a_qt_method() -> None:
    offenders = []
    for path in sorted((ROOT / "desktop").glob("*.py")):
        module = importlib.import_module(f"desktop.{path.stem}")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.ClassDef):
                continue
            cls = getattr(module, node.name, None)
            if not (inspect.isclass(cls) and issubclass(cls, QObject)):
                continue
            base = qt_base(cls)
            assert base is not None
            for sub in ast.walk(node):
                targets = []
                if isinstance(sub, ast.Assign):
                    targets = sub.targets
                elif isinstance(sub, ast.AnnAssign):
                    targets = [sub.target]
                for target in targets:
                    if (
                        isinstance(target, ast.Attribute)
                        and isinstance(target.value, ast.Name)
                        and target.value.id == "self"
                        and callable(getattr(base, target.attr, None))
                    ):
                        offenders.append(
                            f"{path.name}:{sub.lineno} {node.name}.{target.attr} hides "
                            f"{base.__name__}.{target.attr}()"
                        )
    assert offenders == []
