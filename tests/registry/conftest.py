"""A real PostgreSQL server for the registry tests: one throwaway cluster for the session
(``registry.throwaway``: initdb in a temporary folder, a Unix socket, no TCP, run as the
``postgres`` user under root), one fresh database per test. No mock of PostgreSQL anywhere.

When the server programs truly cannot be had the registry tests are skipped with the reason;
``make test`` installs Debian's ``postgresql`` first (tools/bootstrap.sh), so CI runs them."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from registry.throwaway import Cluster, ClusterUnavailable, throwaway_cluster

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
