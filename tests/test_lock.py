"""The lock at the root, in its three forms written by tools/lock.sh from one resolution:
uv.lock (uv's project lock), pylock.toml (PEP 751, what tools/install_lock.py installs) and
requirements.txt (pip's hash-checked form, for tools that read only that), and
constraints.txt (the same versions without hashes, for `pip install TOOL -c constraints.txt`).
They must name the same packages at the same versions with the same file hashes, and the Qt
binding is pinned: an unpinned binding once made the app abort after a few hundred edits."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pylock() -> dict[str, tuple[str, set[str]]]:
    data = tomllib.loads((ROOT / "pylock.toml").read_text(encoding="utf-8"))
    out: dict[str, tuple[str, set[str]]] = {}
    for p in data["packages"]:
        files = [*p.get("wheels", []), *([p["sdist"]] if "sdist" in p else [])]
        out[_norm(p["name"])] = (p["version"], {f["hashes"]["sha256"] for f in files})
    return out


def _requirements() -> dict[str, tuple[str, set[str]]]:
    out: dict[str, tuple[str, set[str]]] = {}
    current = ""
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        pinned = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", line)
        if pinned:
            current = _norm(pinned.group(1))
            out[current] = (pinned.group(2), set())
        for digest in re.findall(r"--hash=sha256:([0-9a-f]{64})", line):
            out[current][1].add(digest)
    return out


def _uv_lock() -> dict[str, tuple[str, set[str]]]:
    data = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    out: dict[str, tuple[str, set[str]]] = {}
    for p in data["package"]:
        files = [*p.get("wheels", []), *([p["sdist"]] if "sdist" in p else [])]
        hashes = {f["hash"].removeprefix("sha256:") for f in files if "hash" in f}
        out[_norm(p["name"])] = (p["version"], hashes)
    return out


def _constraints() -> dict[str, str]:
    out: dict[str, str] = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        pinned = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)", line)
        assert pinned, line  # every constraint an exact pin
        out[_norm(pinned.group(1))] = pinned.group(2)
    return out


def test_the_four_forms_of_the_lock_agree() -> None:
    pylock, requirements, uv = _pylock(), _requirements(), _uv_lock()
    assert len(pylock) > 40
    assert requirements == pylock
    assert _constraints() == {name: version for name, (version, _h) in pylock.items()}
    for name, (version, hashes) in pylock.items():
        assert name in uv, name
        assert uv[name][0] == version, name
        assert hashes <= uv[name][1], name


def test_every_locked_package_is_pinned_with_hashes_and_the_qt_binding_is_there() -> None:
    pylock = _pylock()
    for name, (version, hashes) in pylock.items():
        assert re.fullmatch(r"[0-9][0-9A-Za-z.+!-]*", version), name
        assert hashes, name
    assert {"pyside6-essentials", "shiboken6", "sqlcipher3-wheels"} <= set(pylock)
    assert pylock["pyside6-essentials"][0] == pylock["shiboken6"][0]
