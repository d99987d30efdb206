"""A real PostgreSQL server for the registry tests: one throwaway cluster for the session
(``registry.throwaway``: initdb in a temporary folder, a Unix socket, no TCP, run as the
``postgres`` user under root), one fresh database per test. No mock of PostgreSQL anywhere.

When the server programs truly cannot be had the registry tests are skipped with the reason;
``make test`` installs Debian's ``postgresql`` first (tools/bootstrap.sh), so CI runs them."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from registry.database import connect, init
from registry.load import load_packages
from registry.throwaway import Cluster, ClusterUnavailable, throwaway_cluster
from tests.registry.packages import make_package, trust_communes

_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    try:
        context = throwaway_cluster(settings={"fsync": "off", "synchronous_commit": "off"})
        cluster = context.__enter__()
    except ClusterUnavailable as exc:
        pytest.skip(f"no PostgreSQL for the registry tests: {exc}")
    try:
        yield cluster
    finally:
        context.__exit__(None, None, None)


@pytest.fixture
def pg_dsn(pg_cluster: Cluster) -> str:
    """A new, empty database on the session's cluster."""
    return pg_cluster.create_database(f"registry_{next(_numbers)}")


@pytest.fixture
def province(pg_dsn: str, tmp_path: Path) -> str:
    """Three communes of Lào Cai loaded, one of them twice (its first load superseded),
    their laptops' keys trusted first."""
    with connect(pg_dsn) as conn:
        init(conn, "15")
        trust_communes(conn)
        paths = [
            make_package(tmp_path / "a0.rasoat", "02947", n=30, seed=1, created_at="2026-10-01"),
            make_package(tmp_path / "a1.rasoat", "02947", n=40, seed=1, created_at="2026-10-09"),
            make_package(tmp_path / "b.rasoat", "02674", n=25, seed=2),
            make_package(tmp_path / "c.rasoat", "02647", n=15, seed=3),
        ]
        assert {o.status for o in load_packages(conn, paths)} == {"loaded"}
    return pg_dsn
