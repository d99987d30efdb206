"""The error types of the exchange layer: their message is Vietnamese, shown to the user as is.

Two kinds, told apart by the command line's exit codes: ``PackageError`` itself is unusable
input (a damaged, foreign-format or tampered file, a wrong password: exit 2);
``PackageRefused`` is a readable package that is not taken for reasons the user can act on
(a laptop not confirmed, deletions not confirmed: exit 1). Another commune's package is
unusable in this file (exit 2).
"""

from __future__ import annotations

from typing import Any


class PackageError(ValueError):
    """A package that cannot be used; nothing has been written when this is raised."""


# What to do with a package damaged on its way (copied half-way, a stick pulled too soon, a
# bad stick): the refusal alone ("bị hỏng") left the officer with nothing to try.
COPY_AGAIN = (
    "Hãy chép lại tệp gói từ máy đã xuất (chờ chép xong rồi mới rút USB) và nhập lại; nếu "
    "vẫn lỗi, đề nghị máy đó xuất lại gói."
)


class DamagedPackage(PackageError):
    """A package whose bytes are not what its sender wrote: cut short, altered, or not a
    package at all; the message ends with what to do (``COPY_AGAIN``)."""

    def __init__(self, message: str) -> None:
        super().__init__(f"{message} {COPY_AGAIN}")
        self.reason = message  # without the advice, for a reader that gives its own


class NewerFormat(PackageError):
    """Made by a newer version of Rà soát, in a format this one cannot read: not damaged;
    the reading side needs the update (the province's registry says so)."""


class NewerRelease(PackageError):
    """A record refused in a package made by a newer release of Rà soát (same format): a
    field, a choice or a bound this one does not know yet, likely as not, rather than damage.
    The message ends with the commune officer's advice (update, then import again);
    ``reason`` is the record's own refusal and ``version`` the newer release, for a reader
    that gives its own advice (the province's registry)."""

    def __init__(self, reason: str, version: str, advice: str) -> None:
        super().__init__(f"{reason} {advice}")
        self.reason = reason
        self.version = version


class WrongPasswordError(PackageError):
    """Neither the password nor the recovery key opens the package."""


class PasswordRequiredError(PackageError):
    """The package is encrypted and no password or recovery key was given."""


class PackageRefused(PackageError):
    """A valid package refused with reasons (exit 1); nothing has been written."""


class SenderNotTrusted(PackageRefused):
    """Signed by a laptop this commune file does not know, or by a key other than the one it
    knows for that laptop: the officer must confirm the fingerprint (``check``)."""

    def __init__(self, message: str, check: Any) -> None:
        super().__init__(message)
        self.check = check  # db.exchange.devices.SenderCheck


class DeletionsNotConfirmed(PackageRefused):
    """The package deletes households here and the officer has not confirmed it."""

    def __init__(self, message: str, deletions: list[Any]) -> None:
        super().__init__(message)
        self.deletions = deletions  # db.exchange.devices.Deletion
