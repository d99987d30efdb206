"""A real commune file per test (SQLite in tmp_path), opened the way the desktop opens it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
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


def poor_household(code: str, village: str, head: str = "Lò Văn Pản") -> Any:
    """Rural, B1 total 120 from the paper form, dwelling deprived in four indicators."""
    from forms.model import Area, Household, Latrine, Member, Relationship, Sex, WaterSource

    return Household(
        code=code,
        village=village,
        area=Area.RURAL,
        members=[Member(name=head, relationship=Relationship.HEAD, sex=Sex.MALE, birth_year=1975)],
        screening={"a1": False, "a2": False, "a3": False, "a4": False},
        b1_total=120,
        wall_durable=False,
        frame_durable=False,
        roof_durable=False,
        floor_area_m2=6.0,
        water_source=WaterSource.SURFACE,
        latrine=Latrine.HANGING,
    )


def save_classified(store: Any, household: Any) -> Any:
    from forms.classify import classify
    from forms.standards import load_standard

    current = store.current_round()
    result = classify(household, load_standard(current.standard_id), current.year)
    store.save_household(household, round_id=current.id, result=result)
    return result


@contextmanager
def moved_away(path: Path) -> Iterator[Path]:
    """The commune file gone from under the window (a stick pulled out, a folder renamed)
    while it is open; moved back before the file is closed."""
    away = path.with_name("away.sqlite")
    os.rename(path, away)
    try:
        yield path
    finally:
        os.rename(away, path)


def when_modal(act: Any, kind: type | None = None, stop: list[bool] | None = None) -> None:
    """Run ``act`` on the next modal dialog (of ``kind``), once shown (exec() blocks);
    ``stop``: the wait ends once it holds a value (a dialog that may never come)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def step() -> None:
        if stop:
            return
        dialog = QApplication.activeModalWidget()
        if dialog is None or (kind is not None and not isinstance(dialog, kind)):
            QTimer.singleShot(10, step)
            return
        try:
            act(dialog)
        except BaseException:
            dialog.done(0)  # fail the test rather than leave it waiting in exec()
            raise

    QTimer.singleShot(0, step)
