"""Who is working and on which laptop: recorded with every change for history and merging."""

from __future__ import annotations

import getpass
import uuid

from rasoat import paths


def device_id() -> str:
    """A random id made once per laptop (per user profile) and kept in the config folder;
    unlike the host name it stays unique when laptops are cloned from one image."""
    path = paths.config_dir() / "device-id"
    try:
        value = path.read_text(encoding="utf-8").strip()
        if value:
            return value
    except OSError:
        pass
    value = uuid.uuid4().hex[:12]
    path.write_text(value + "\n", encoding="utf-8")
    return value


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
