"""Fonts, icons, translations: loaded through this one helper, which works the same from a
source tree, an installed wheel and a PyInstaller bundle (``importlib.resources``)."""

from __future__ import annotations

from importlib.resources import as_file, files
from importlib.resources.abc import Traversable
from pathlib import Path

FONT_FAMILY = "Be Vietnam Pro"  # OFL-1.1, see resources/fonts/OFL.txt
FONT_FILES = {
    "regular": "BeVietnamPro-Regular.ttf",
    "bold": "BeVietnamPro-Bold.ttf",
    "italic": "BeVietnamPro-Italic.ttf",
    "bolditalic": "BeVietnamPro-BoldItalic.ttf",
}


def resource(*parts: str) -> Traversable:
    node = files(__name__)
    for part in parts:
        node = node / part
    return node


def resource_path(*parts: str) -> Path:
    """A real filesystem path (reportlab and Qt want one). Resources are plain files in every
    way we ship, so the context manager's temporary copy is never needed."""
    with as_file(resource(*parts)) as path:
        return Path(path)


def font_path(style: str = "regular") -> Path:
    return resource_path("fonts", FONT_FILES[style])


def all_resources() -> list[Traversable]:
    """Every shipped resource file (a test loads each: the first thing to break when frozen)."""
    out: list[Traversable] = []

    def walk(node: Traversable) -> None:
        for child in node.iterdir():
            if child.is_dir():
                if child.name != "__pycache__":
                    walk(child)
            elif not child.name.endswith((".py", ".pyc")):
                out.append(child)

    walk(files(__name__))
    return out
