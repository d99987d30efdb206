"""Opening and creating commune files for the desktop: who is working (surveyor name and
device id for the history), which file was last used, the demo commune when there is none."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from desktop import session
from desktop.first_run_dialog import FirstRunChoice
from rasoat import paths, settings
from rasoat.identity import device_id

log = logging.getLogger(__name__)


def open_store(path: Path, key: bytes | None = None) -> Any:
    """Opens ``path`` (``key``: an encrypted file's) without its page check (the header,
    application id and version are checked), which the caller then runs in a worker
    (``desktop.integrity_check``) so the list shows at once."""
    from db.store import Store

    store = Store.open(path, user=session.surveyor(), device=device_id(), check=False, key=key)
    store.backups_kept = settings.get("backups_kept")
    session.remember(last=path)
    if not needs_deferred_check(path):
        # Backups past the retention time go now (the newest good one stays); a district-size
        # file's copies take minutes to check and are left to 'rasoat expire'.
        from rasoat.retention import expire_backups

        try:
            expire_backups(path)
        except OSError:
            log.warning("removing old backups of %s failed", path.name, exc_info=True)
    return store


def needs_deferred_check(path: Path) -> bool:
    from db.store import is_large_file

    return is_large_file(path)


def create_from_choice(choice: FirstRunChoice) -> Any:
    """A new commune file with its villages and a first review round, as chosen."""
    from db.store import CommuneInfo, Store

    assert choice.province is not None
    assert choice.commune is not None
    session.remember(surveyor_name=choice.surveyor)
    info = CommuneInfo(
        province_code=str(choice.province.code),
        province_name=choice.province.name,
        commune_code=str(choice.commune.code),
        commune_name=choice.commune.name,
        area=choice.area,
    )
    choice.path.parent.mkdir(parents=True, exist_ok=True)
    store = Store.create(choice.path, info, user=choice.surveyor, device=device_id())
    for name in choice.villages:
        store.add_village(name)
    from db import round_basis

    round_basis.start_round(
        store, choice.year, choice.standard_id, choice.instruction_number, choice.instruction_date
    )
    session.remember(last=choice.path)
    return store


def startup_file(requested: str | None) -> Path:
    """The file to open at start: the one asked for, else the last one used, else the demo
    commune (created on first use so `make run` shows a working app)."""
    if requested:
        return Path(requested)
    last = session.last_file()
    if last is not None and last.exists():
        return last
    demo = paths.demo_file()
    if not demo.exists():
        from db.demo import create_demo_commune

        create_demo_commune(demo)
    return demo
