"""Errors the storage layer raises, each with a Vietnamese ``message`` for the user."""

from __future__ import annotations

from pathlib import Path


class StoreError(Exception):
    """Anything the user should read about; ``message`` is Vietnamese and complete."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DatabaseDamaged(StoreError):
    """The file fails ``PRAGMA integrity_check`` or SQLite cannot read it."""

    def __init__(self, path: Path, backup: Path | None, detail: str = "") -> None:
        self.path = path
        self.backup = backup
        self.detail = detail
        if backup is not None:
            way_out = (
                f"Hãy khôi phục từ bản sao lưu gần nhất: {backup} "
                f'(lệnh: rasoat db restore "{path}").'
            )
        else:
            way_out = "Không tìm thấy bản sao lưu nào của tệp này; hãy liên hệ cán bộ kỹ thuật."
        super().__init__(f"Tệp dữ liệu {path} bị hỏng, không mở được. {way_out}")


class FileMissing(StoreError):
    """No file where the commune file was named (moved, renamed or deleted, a stick pulled
    out): said as such, never as a damaged file, whose way out (a restore) it does not need."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(
            f"Không tìm thấy tệp dữ liệu {path.name} ở thư mục {path.parent}: tệp đã bị chuyển "
            "đi, đổi tên hay xoá, hoặc USB đã bị rút. Hãy cắm lại USB, hoặc mở tệp ở nơi nó "
            "đang nằm."
        )


class ReadOnlyPlace(StoreError):
    """A file that cannot be written where it lies (a write-protected stick, a CD, a share
    read only): opened for work it must be copied to the machine; ``rasoat db check`` checks
    a private copy of it (``rasoat.commands.db.check_file``). The one wording of that place
    for every command and window that meets it, never damage nor another program's file.
    A ``-wal`` holding saves lies beside the file when its last session did not end there
    (the file copied while open): it is named, since a copy of the file alone lacks them."""

    def __init__(self, path: Path) -> None:
        self.path = path
        wal = path.with_name(path.name + "-wal")
        try:
            with_wal = wal.stat().st_size > 0
        except OSError:
            with_wal = False
        copy = (
            f"Hãy chép tệp vào máy (ổ đĩa của máy tính), cùng tệp {wal.name} nằm cạnh nó "
            "(trong đó có những lần lưu chưa ghi vào tệp chính), rồi mở bản chép; "
            if with_wal
            else "Hãy chép tệp vào máy (ổ đĩa của máy tính) rồi mở bản chép; "
        )
        super().__init__(
            f"Không ghi được vào tệp {path}: tệp nằm ở nơi chỉ cho đọc (USB đang bật khoá "
            "chống ghi, đĩa CD, thư mục hay ổ mạng chỉ cho đọc). "
            + copy
            + "hoặc tắt khoá chống ghi của USB rồi mở lại."
        )


class NotACommuneFile(StoreError):
    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(f"Tệp {path} không phải tệp dữ liệu rà soát của xã.")


class TooNewVersion(StoreError):
    def __init__(self, path: Path, found: int, supported: int) -> None:
        self.path = path
        self.found = found
        self.supported = supported
        super().__init__(
            f"Tệp {path} được tạo bằng phiên bản Rà soát mới hơn (cấu trúc dữ liệu số {found}, "
            f"phiên bản này chỉ đọc được đến số {supported}). Hãy cập nhật phần mềm."
        )


class OlderVersion(StoreError):
    """A file an older Rà soát made, met by ``Store.open(upgrade=False)`` (``rasoat db
    check``): opened normally it is upgraded, after a backup; here it is left as it is."""

    def __init__(self, path: Path, found: int, latest: int) -> None:
        self.path = path
        self.found = found
        self.latest = latest
        super().__init__(
            f"Tệp {path} được tạo bằng phiên bản Rà soát cũ hơn (cấu trúc dữ liệu số {found}, "
            f"phiên bản này dùng số {latest}). Tệp sẽ được nâng cấp (sau khi tự sao lưu) khi "
            "mở bình thường bằng phần mềm."
        )


class AlreadyExists(StoreError):
    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(f"Tệp {path} đã có; không tạo đè lên dữ liệu cũ.")


class NotFound(StoreError):
    """A row the caller named does not exist (or was deleted)."""


class CodeTaken(StoreError):
    """A household saved with a code another live household has: said beside the code."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(f"Mã hộ {code} đã được dùng cho một hộ khác.")


class ChangedElsewhere(StoreError):
    """A household saved from a copy read before another write changed it (a package
    merged while it was open in the editor): writing the copy would put back what that
    write changed, with nothing to say so. Nothing is written."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(
            f"Hộ {code} vừa được cập nhật trong tệp (nhập, gộp gói dữ liệu) sau khi mở: bản "
            "đang mở đã cũ nên không được lưu đè lên."
        )


class BackupFailed(StoreError):
    """A backup could not be written (full disk, read-only folder, removed stick). Nothing
    partial is left behind and the commune file itself is untouched."""


class DamagedRecords(StoreError):
    """Stored documents that no longer decode, named by household code (``bad``: code, what).

    The file itself passes SQLite's check: everything else in it can still be read."""

    def __init__(self, path: Path, bad: list[tuple[str, str]], context: str = "") -> None:
        self.path = path
        self.bad = bad
        names = ", ".join(code for code, _ in bad[:20]) + (" …" if len(bad) > 20 else "")
        lead = f"{context} " if context else ""
        super().__init__(
            f"{lead}Tệp {path} có {len(bad)} hộ bị hỏng dữ liệu, không đọc được: {names}. "
            "Các hộ khác không bị ảnh hưởng. Hãy nhập lại các hộ này, hoặc khôi phục từ một bản "
            f'sao lưu tốt (lệnh: rasoat db restore "{path}" --list).'
        )


class WalGoneElsewhere(StoreError):
    """Another program has the file open and the ``-wal`` beside it was removed (an
    antivirus, a cleaning tool): SQLite cannot read it from here until that program writes
    its saves into the main file. Nothing is damaged; restoring a backup would lose them."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(
            f"Tệp {path} đang được mở ở một chương trình khác (một cửa sổ Rà soát khác hoặc "
            f"một lệnh rasoat), và tệp nhật ký ghi {path.name}-wal bên cạnh nó vừa bị một "
            "chương trình khác xoá (phần mềm diệt virus?). Tệp không bị hỏng: đừng khôi phục "
            "từ bản sao lưu. Chương trình đang mở tệp sẽ ghi lại mọi dữ liệu vào tệp chính ở "
            "lần lưu tiếp theo hoặc khi đóng tệp; hãy lưu hoặc đóng tệp ở đó rồi mở lại."
        )


class InUseElsewhere(StoreError):
    """A restore was asked while another connection (another window, a command) has the
    file open: replacing it under that program would lose what it writes next."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(
            f"Tệp {path} đang được mở ở một chương trình khác (một cửa sổ Rà soát khác hoặc "
            "một lệnh rasoat đang chạy). Hãy đóng tệp ở chương trình đó rồi khôi phục lại; "
            "tệp chưa bị thay đổi."
        )


class NotPermitted(StoreError):
    """The signed-in user's role does not allow this (``forms.roles.may``), or the file has
    users and nobody signed in. ``message`` says why; nothing was written."""


class SignInFailed(StoreError):
    """A wrong name or password (never which of the two), or a disabled user."""


# --- failures that are not ours, said in Vietnamese ---------------------------------------
# SQLite's primary result codes (sqlite3.h), as the driver's exceptions carry them
# (``sqlite_errorcode``; an extended code's low byte is its primary one).
_SQLITE_PERM, _SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_NOMEM = 3, 5, 6, 7
_SQLITE_READONLY, _SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL = 8, 10, 11, 13
_SQLITE_CANTOPEN, _SQLITE_NOTADB = 14, 26

_DISK_FULL = "ổ đĩa đã đầy; hãy giải phóng chỗ trống hoặc chọn nơi khác."
_NO_RIGHT = "không có quyền ghi hoặc đọc ở đó (thư mục hay ổ đĩa chỉ cho đọc); hãy chọn nơi khác."
_GONE = "tệp hoặc thư mục không còn ở đó (USB hay thẻ nhớ đã bị rút, hoặc tệp đã bị chuyển đi)."
_FOLDER = "ở đó là một thư mục, không phải tệp."
_DISK_ERROR = "lỗi đọc ghi ổ đĩa (USB hay thẻ nhớ bị rút ra, hoặc ổ đĩa bị lỗi)."
_BUSY = "tệp dữ liệu đang bận (một việc khác đang ghi vào tệp); hãy thử lại sau ít phút."
_NO_MEMORY = "máy không đủ bộ nhớ; hãy đóng bớt các chương trình khác rồi thử lại."
_CANNOT_OPEN = (
    "không mở được tệp dữ liệu để đọc (tệp đã bị chuyển đi hay xoá, USB đã bị rút, hoặc "
    "không có quyền đọc)."
)
_NOT_READABLE = (
    "tệp dữ liệu bị hỏng hoặc không đọc được; hãy khôi phục từ bản sao lưu gần nhất "
    "(Tệp → Khôi phục từ bản sao lưu…)."
)


def failure_reason(exc: BaseException) -> str | None:
    """Why something failed, in Vietnamese, for a failure that is not one of ours: our
    errors' ``message``; a disk's from its errno (never an OSError's text, which is English
    and holds a path); SQLite's from its result code (never its English words). None for
    anything else: the caller says so in a Vietnamese sentence of its own and logs the
    details. A clause to follow "Không … được …: "; ours are whole sentences."""
    import errno

    message = getattr(exc, "message", None)
    if isinstance(exc, StoreError) and message:
        return str(message)
    if isinstance(exc, MemoryError):
        return _NO_MEMORY
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOSPC:
            return _DISK_FULL
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return _NO_RIGHT
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            return _GONE
        if exc.errno == errno.EIO:
            return _DISK_ERROR
        if exc.errno == errno.EISDIR:
            return _FOLDER
        return None
    code = getattr(exc, "sqlite_errorcode", None)
    if not isinstance(code, int):
        return None
    return {
        _SQLITE_FULL: _DISK_FULL,
        _SQLITE_READONLY: _NO_RIGHT,
        _SQLITE_PERM: _NO_RIGHT,
        _SQLITE_CANTOPEN: _CANNOT_OPEN,
        _SQLITE_IOERR: _DISK_ERROR,
        _SQLITE_BUSY: _BUSY,
        _SQLITE_LOCKED: _BUSY,
        _SQLITE_NOMEM: _NO_MEMORY,
        _SQLITE_CORRUPT: _NOT_READABLE,
        _SQLITE_NOTADB: _NOT_READABLE,
    }.get(code & 0xFF)
