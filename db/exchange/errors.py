"""The one error type of the exchange layer: its message is Vietnamese, shown to the user as is."""

from __future__ import annotations


class PackageError(ValueError):
    """A package that cannot be used; nothing has been written when this is raised."""


class WrongPasswordError(PackageError):
    """Neither the password nor the recovery key opens the package."""


class PasswordRequiredError(PackageError):
    """The package is encrypted and no password or recovery key was given."""
