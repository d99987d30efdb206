"""The shared libraries of the Linux bundle (dist/rasoat/, `make package`): none is there for
nothing, and every one a bundled binary links resolves, in the bundle or on this machine.

What packaging/rasoat.spec drops (the GTK theme and what only it pulled in, the print support
plugins and the CUPS stack) is proven here with the dynamic section of every ELF file
(readelf): a library left behind when its only user was dropped is an orphan, a library still
needed but dropped is unresolved. Skipped when no bundle was built, and off Linux.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from tests.packaging.frozen import BUNDLE, NO_BUNDLE

INTERNAL = BUNDLE / "_internal"

pytestmark = [
    pytest.mark.bundle,
    pytest.mark.skipif(sys.platform != "linux", reason="ELF libraries: the Linux bundle only"),
    pytest.mark.skipif(not (BUNDLE / "rasoat").exists(), reason=NO_BUNDLE),
    pytest.mark.skipif(shutil.which("readelf") is None, reason="needs readelf (binutils)"),
]

# Linked by bundled binaries but never bundled, by design: the Wayland client libraries come
# with a Wayland session (only the wayland platform plugin needs them, and only such a session
# loads it). PyInstaller's other exclusions (libc, libGL, libxcb…) are on any desktop and are
# checked like every other name.
HOST_OPTIONAL = re.compile(r"^libwayland-[a-z]+\.so\.\d+$")


def elf_files() -> Iterator[Path]:
    for path in BUNDLE.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as f:
                if f.read(4) == b"\x7fELF":
                    yield path


@cache
def needed(path: Path) -> tuple[str, ...]:
    dynamic = subprocess.run(
        ["readelf", "--dynamic", "--wide", str(path)], capture_output=True, text=True, check=True
    ).stdout
    return tuple(re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", dynamic))


@cache
def host_libraries() -> dict[str, Path]:
    """The dynamic linker's cache of this machine: soname → path (64-bit entries)."""
    listing = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout
    found: dict[str, Path] = {}
    for name, flags, path in re.findall(r"^\s+(\S+) \(([^)]*)\) => (\S+)$", listing, re.M):
        if "x86-64" in flags or "64bit" in flags or sys.maxsize <= 2**32:
            found.setdefault(name, Path(path))
    return found


def is_root(path: Path) -> bool:
    """Loaded by name rather than linked: the executable, Python's extension modules, Qt's
    plugins, and libpython (the bootloader opens it with dlopen)."""
    name = path.name
    return (
        path.parent == BUNDLE
        or ".cpython-" in name
        or ".abi3." in name
        or "plugins" in path.relative_to(BUNDLE).parts
        or name.startswith("libpython")
    )


def test_every_bundled_library_is_needed() -> None:
    # Walked from the roots through the bundle and through the host's libraries a bundled
    # binary links (PyInstaller bundles libXau for the host's libxcb, which it never bundles).
    files = list(elf_files())
    by_name = {path.name: path for path in files}
    reached: set[Path] = set()
    todo = [path for path in files if is_root(path)]
    while todo:
        path = todo.pop()
        if path in reached:
            continue
        reached.add(path)
        for name in needed(path):
            target = by_name.get(name) or host_libraries().get(name)
            if target is not None:
                todo.append(target)
    orphans = sorted(str(p.relative_to(BUNDLE)) for p in files if p not in reached)
    assert orphans == [], "in the bundle, needed by nothing: drop them in packaging/rasoat.spec"


def test_every_needed_library_resolves() -> None:
    files = list(elf_files())
    bundled = {path.name for path in files}
    missing = sorted(
        f"{name} (for {path.relative_to(BUNDLE)})"
        for path in files
        for name in needed(path)
        if name not in bundled and name not in host_libraries() and not HOST_OPTIONAL.match(name)
    )
    assert missing == []


def test_no_bundled_binary_keeps_its_symbol_table() -> None:
    # 42 MB of symbols and debug information the spec strips (section "symbols"): a library
    # that brings them back shows here before it shows in the size.
    unstripped = [
        str(path.relative_to(BUNDLE))
        for path in elf_files()
        if " .symtab "
        in subprocess.run(
            ["readelf", "--section-headers", "--wide", str(path)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    ]
    assert unstripped == []
