"""A throwaway PostgreSQL cluster: ``initdb`` into a temporary folder, the server on a Unix
socket in another temporary folder and no TCP at all, stopped and removed at the end (or, when
its run was killed before the end, by the next cluster started: ``sweep_stale``).

Used by the registry tests and ``make bench``; also handy to try the registry on a laptop.
Debian's server refuses to run as root, so as root every server program runs as the
``postgres`` user (``runuser``); the folders are made theirs. Trust authentication is safe
here only because the socket lives in a folder nobody else can enter.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SERVER_USER = "postgres"


class ClusterUnavailable(RuntimeError):
    """PostgreSQL's server programs are not installed (or cannot run as anyone here)."""


def find_bindir() -> Path:
    """The folder holding ``initdb`` and ``pg_ctl``: ``pg_config --bindir`` when it names one
    that has them, else the newest ``/usr/lib/postgresql/*/bin``, else ``initdb`` on PATH."""
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, check=True, timeout=10
            )
            candidates.append(Path(out.stdout.strip()))

    def version(path: str) -> int:
        m = re.search(r"/postgresql/(\d+)/", path)
        return int(m.group(1)) if m else 0

    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version)][
        ::-1
    ]
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).resolve().parent)
    for c in candidates:
        if (c / "initdb").is_file() and (c / "pg_ctl").is_file():
            return c
    raise ClusterUnavailable(
        "PostgreSQL server programs (initdb, pg_ctl) not found: install Debian's 'postgresql' "
        "package (tools/bootstrap.sh does, as root)"
    )


def _as_server_user() -> list[str]:
    """The prefix that runs a server program: nothing for a normal user; ``runuser -u
    postgres --`` for root."""
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser")
    if runuser is None:
        raise ClusterUnavailable("running as root without 'runuser' to become 'postgres'")
    try:
        import pwd

        pwd.getpwnam(SERVER_USER)
    except KeyError as exc:
        raise ClusterUnavailable(f"running as root and there is no '{SERVER_USER}' user") from exc
    return [runuser, "-u", SERVER_USER, "--"]


def _own(path: Path) -> None:
    if os.geteuid() == 0:
        shutil.chown(path, SERVER_USER, SERVER_USER)
    path.chmod(0o700)


@dataclass
class Cluster:
    bindir: Path
    data: Path
    sockets: Path
    port: int
    prefix: list[str]

    @property
    def user(self) -> str:
        return SERVER_USER if self.prefix else _login_name()

    def dsn(self, dbname: str = "postgres") -> str:
        return f"host={self.sockets} port={self.port} user={self.user} dbname={dbname}"

    def run(self, program: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.prefix, str(self.bindir / program), *args],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.dsn(name)


def _login_name() -> str:
    import getpass

    return getpass.getuser()


PREFIX = "rasoat-pg-"
OWNER = "owner"
# A folder without its owner yet is being made now, unless it is older than this (seconds).
UNCLAIMED_AFTER = 3600


def _process_tag(pid: int) -> str:
    """``pid`` and its start time (Linux: ``/proc``), so that a pid used again by another
    process is not taken for the cluster's owner still running; the pid alone elsewhere."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return str(pid)
    return f"{pid} {stat.rsplit(')', 1)[1].split()[19]}"


def _alive(tag: str) -> bool:
    pid = int(tag.split()[0])
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        pass
    return len(tag.split()) < 2 or _process_tag(pid) == tag


def sweep_stale(bindir: Path, prefix: list[str]) -> list[Path]:
    """Stops the servers of clusters whose owner died without stopping them, and removes
    their folders; returns those folders. Another run's cluster, its owner alive, is left."""
    swept = []
    for root in Path(tempfile.gettempdir()).glob(PREFIX + "*"):
        try:
            tag = (root / OWNER).read_text().strip()
            if not tag:
                continue
            if _alive(tag):
                continue
        except FileNotFoundError:
            try:
                old = root.stat().st_mtime < time.time() - UNCLAIMED_AFTER
            except OSError:
                continue
            if not old:
                continue
        except (OSError, ValueError):
            continue
        data = root / "data"
        if (data / "postmaster.pid").exists():
            Cluster(bindir, data, root / "sock", 0, prefix).run(
                "pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop"
            )
        shutil.rmtree(root, ignore_errors=True)
        swept.append(root)
    return swept


@contextlib.contextmanager
def throwaway_cluster(
    *, port: int = 5432, settings: dict[str, str] | None = None
) -> Iterator[Cluster]:
    """Starts a new cluster and yields it; stops it and removes both folders on the way out,
    also when starting failed half-way or the body raised."""
    bindir = find_bindir()
    prefix = _as_server_user()
    sweep_stale(bindir, prefix)
    root = Path(tempfile.mkdtemp(prefix=PREFIX))
    # Whose cluster it is: a run that dies without its ``finally`` (an abort, a kill) leaves
    # the server running, which the next cluster started here stops (``sweep_stale``).
    (root / OWNER).write_text(_process_tag(os.getpid()))
    data, sockets = root / "data", root / "sock"
    cluster = Cluster(bindir, data, sockets, port, prefix)
    started = False
    try:
        _own(root)
        for d in (data, sockets):
            d.mkdir()
            _own(d)
        init = cluster.run(
            "initdb", "-D", str(data), "-U", cluster.user, "--auth=trust", "-E", "UTF8",
            "--locale=C.UTF-8", "--no-instructions",
        )  # fmt: skip
        if init.returncode != 0:
            # Older initdb (before 15) lacks --no-instructions; C.UTF-8 may be missing too.
            init = cluster.run(
                "initdb", "-D", str(data), "-U", cluster.user, "--auth=trust", "-E", "UTF8",
                "--locale=C",
            )  # fmt: skip
        if init.returncode != 0:
            raise ClusterUnavailable(f"initdb failed: {init.stderr.strip()[-500:]}")
        options = f"-k {sockets} -c listen_addresses='' -p {port}"
        for key, value in (settings or {}).items():
            options += f" -c {key}={value}"
        log = root / "server.log"
        start = cluster.run("pg_ctl", "-D", str(data), "-l", str(log), "-w", "-o", options, "start")
        started = start.returncode == 0
        if not started:
            text = log.read_text(errors="replace")[-1000:] if log.exists() else start.stderr
            raise ClusterUnavailable(f"pg_ctl start failed: {text.strip()}")
        yield cluster
    finally:
        if started:
            cluster.run("pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)
