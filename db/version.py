"""The application's version, below every layer that records it: a package's manifest
(``db.exchange.export``) names the version that made it, and ``rasoat.__version__`` (the
command line, the window's About box, crash reports, the log) re-exports this one."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("rasoat")
except PackageNotFoundError:  # running from a source tree or a frozen bundle without metadata
    __version__ = "0.1.0"
