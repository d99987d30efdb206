"""Rà soát: offline desktop application for Vietnam's annual poor-household review."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("rasoat")
except PackageNotFoundError:  # running from a source tree or a frozen bundle without metadata
    __version__ = "0.1.0"

APP_NAME = "Rà soát"
