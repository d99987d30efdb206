"""A real commune file per test (SQLite in tmp_path), opened the way the desktop opens it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop.app import configure_app


@pytest.fixture
def app(qapp: Any) -> Any:
    configure_app(qapp)
    return qapp


@pytest.fixture
def commune_path(tmp_path: Path) -> Path:
    from db.store import CommuneInfo, Store
    from forms.model import Area

    path = tmp_path / "xa-thu.rasoat.sqlite"
    info = CommuneInfo(
        province_code="8",
        province_name="Tuyên Quang",
        commune_code="2269",
        commune_name="Xã Thượng Lâm",
        area=Area.RURAL,
    )
    with Store.create(path, info, user="Lò Thị Mai", device="test") as store:
        store.add_village("Thôn Nà Lầu")
        store.add_village("Bản Khuổi Phìn")
        store.start_round(2026, "nd07-2022-2025", "periodic")
    return path


@pytest.fixture
def store(commune_path: Path) -> Iterator[Any]:
    from desktop.commune_file import open_store

    store = open_store(commune_path)
    yield store
    store.close()
