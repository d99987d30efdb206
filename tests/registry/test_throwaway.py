"""The throwaway cluster itself: a real server answers on its socket, and nothing of it is
left once it is stopped."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from registry.throwaway import Cluster, ClusterUnavailable, throwaway_cluster


def test_the_session_cluster_answers_on_a_socket_only(pg_dsn: str) -> None:
    with psycopg.connect(pg_dsn) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
        assert conn.execute("SHOW listen_addresses").fetchone() == ("",)
        assert str(conn.info.host).startswith("/")


def test_a_cluster_is_removed_when_it_stops(pg_cluster: Cluster) -> None:
    try:
        with throwaway_cluster(port=5439) as cluster:
            root = cluster.data.parent
            with psycopg.connect(cluster.dsn()) as conn:
                assert conn.execute("SELECT current_user").fetchone() == (cluster.user,)
    except ClusterUnavailable as exc:  # pragma: no cover - the session cluster started
        pytest.fail(str(exc))
    assert not Path(root).exists()


def test_a_failing_body_still_stops_and_removes_the_cluster(pg_cluster: Cluster) -> None:
    roots: list[Path] = []

    def body() -> None:
        with throwaway_cluster(port=5440) as cluster:
            roots.append(cluster.data.parent)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        body()
    assert len(roots) == 1
    assert not roots[0].exists()


# Run with nothing beside it (`make test`'s first part): a cluster started meanwhile by
# another test process sweeps the killed run's cluster too, before this test looks at it.
@pytest.mark.alone
def test_a_cluster_whose_run_died_is_stopped_by_the_next(pg_cluster: Cluster) -> None:
    """A run killed (or aborted) inside its cluster never reaches its ``finally``: the server
    keeps running. The next cluster started here stops it and removes its folders; a cluster
    whose run is alive (this session's) is left."""
    import signal
    import subprocess
    import sys

    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from registry.throwaway import throwaway_cluster\n"
            "with throwaway_cluster(port=5441) as c:\n"
            "    print(c.data, flush=True)\n"
            "    time.sleep(120)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    data = Path(child.stdout.readline().strip())
    server = int((data / "postmaster.pid").read_text().split()[0])
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert _running(server)  # its run gone
    with throwaway_cluster(port=5442):
        assert not data.parent.exists()
        assert not _running(server)
        assert pg_cluster.data.exists()


def _running(pid: int) -> bool:
    """A process ``pid`` running (a zombie, ended but not reaped by whoever adopted it, is
    not: a container's first process may never reap it)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"
