"""Packages with their households part changed and its checksum made to match, so only the
reading of the lines or the records' own checks may refuse them."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from db.exchange import container, crypto
from db.exchange.package import HOUSEHOLDS_PART


def with_households_part(src: Path, dst: Path, data: bytes) -> Path:
    """``src`` copied to ``dst`` with ``data`` as its households part, the manifest's
    checksum and size of that part made to match."""
    with zipfile.ZipFile(src) as zf:
        manifest = json.loads(zf.read(container.MANIFEST_NAME))
    manifest["parts"][HOUSEHOLDS_PART] = {"sha256": crypto.sha256_hex(data), "size": len(data)}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            if info.filename == HOUSEHOLDS_PART:
                zout.writestr(info, data)
            elif info.filename == container.MANIFEST_NAME:
                zout.writestr(info, json.dumps(manifest).encode())
            else:
                zout.writestr(info, zin.read(info))
    return dst
