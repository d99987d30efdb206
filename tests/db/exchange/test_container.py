"""Writing a package onto a USB stick: an export stopped half-way (power cut, Task Manager)
leaves nothing behind for long, and a package said written is on the disk, not in a cache
the stick is pulled from."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from db.exchange.export import ExportScope, export_package
from db.exchange.package import read_package
from db.store import Store
from tests.db.exchange.commune import make_commune


def _export(db: Path, out: Path) -> None:
    with Store.open(db, user="Cán bộ xã", device="may-xa") as store:
        export_package(store, out, ExportScope(kind="commune"))


def test_a_stopped_exports_partial_file_is_removed_by_the_next(tmp_path: Path) -> None:
    db = make_commune(tmp_path / "xa.db", 3)
    usb = tmp_path / "usb"
    usb.mkdir()
    stopped = usb / ".goi.rasoat.0cec3b79.tmp"  # as a killed export leaves it
    stopped.write_bytes(b"PK\x03\x04 half a package, with names in it")
    long_ago = time.time() - 3600  # an hour: no export under way leaves its file so long
    os.utime(stopped, (long_ago, long_ago))
    running = usb / ".goi.rasoat.1a2b3c4d.tmp"  # another export, writing right now
    running.write_bytes(b"PK")
    other = usb / ".khac.rasoat.0cec3b79.tmp"  # another package's: not ours to judge
    other.write_bytes(b"PK")
    os.utime(other, (long_ago, long_ago))
    _export(db, usb / "goi.rasoat")
    assert sorted(p.name for p in usb.iterdir()) == [
        ".goi.rasoat.1a2b3c4d.tmp",
        ".khac.rasoat.0cec3b79.tmp",
        "goi.rasoat",
    ]
    assert len(read_package(usb / "goi.rasoat").records) == 3


def test_the_package_is_on_the_disk_before_it_takes_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = make_commune(tmp_path / "xa.db", 2)
    out = tmp_path / "goi.rasoat"
    done: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        done.append(f"fsync {os.path.basename(os.readlink(f'/proc/self/fd/{fd}'))}")
        real_fsync(fd)

    def replace(src: str | Path, dst: str | Path) -> None:
        done.append(f"replace {Path(src).name} {Path(dst).name}")
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    _export(db, out)
    moved = next(i for i, d in enumerate(done) if d.startswith("replace") and d.endswith(out.name))
    tmp = done[moved].split()[1]
    assert f"fsync {tmp}" in done[:moved]
    assert f"fsync {tmp_path.name}" in done[moved:]
