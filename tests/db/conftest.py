from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from db.store import CommuneInfo, Store
from forms.model import Area


def commune_info() -> CommuneInfo:
    return CommuneInfo("15", "Lào Cai", "2947", "Xã Bảo Yên", Area.RURAL)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "xa.rasoat.sqlite"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    s = Store.create(db_path, commune_info(), user="Lò Văn Ín", device="laptop-1")
    s.add_village("Thôn Đồng Tâm")
    s.add_village("Bản Nà Hin")
    yield s
    s.close()
