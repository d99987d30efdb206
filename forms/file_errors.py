"""Why a file given to the application could not be read, in Vietnamese: the operating
system's and the parsers' own texts ("[Errno 2] No such file or directory", "Expecting value:
line 1 column 1 (char 0)", "Invalid value (at end of document)") are English, and an officer
reads only what is said here."""

from __future__ import annotations

import errno
import json
import re
from pathlib import Path

_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


# A standard's or a B1 table's file is a few kilobytes; a province's, with its comments,
# tens. What the commune file keeps of one is bounded the same (db.round_basis).
SIDE_FILE_MAX = 256 * 1024


class TooBig(Exception):
    """A file larger than any file of its kind; ``message`` is Vietnamese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def read_limited(path: Path, limit: int = SIDE_FILE_MAX) -> bytes:
    """``path``'s bytes when there are at most ``limit``; ``TooBig`` otherwise, having read
    no more than ``limit`` + 1 (read whole, /dev/zero given as a standard filled the memory,
    and a 300 MB file took 630 MB). ``OSError`` as opening and reading raise it."""
    with path.open("rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise TooBig(f"Tệp {path.name} quá lớn (hơn {limit // 1024} KB): không phải tệp cần dùng.")
    return data


def os_reason(exc: OSError, name: str) -> str:
    """'Không tìm thấy tệp x.json.' and the like, for an ``OSError`` opening ``name``."""
    if isinstance(exc, FileNotFoundError):
        return f"Không tìm thấy tệp {name}."
    if isinstance(exc, IsADirectoryError):
        return f"{name} là một thư mục, không phải tệp."
    if isinstance(exc, PermissionError):
        return f"Không có quyền đọc tệp {name}."
    if exc.errno == errno.ENAMETOOLONG:
        return f"Tên tệp {name[:40]}… quá dài."
    return f"Không đọc được tệp {name} (lỗi hệ thống số {exc.errno})."


def where(lineno: int, colno: int) -> str:
    return f"dòng {lineno}, cột {colno}"


def json_reason(exc: Exception, name: str) -> str:
    """Why the JSON text of ``name`` is not JSON: where the error is, in Vietnamese."""
    if isinstance(exc, UnicodeDecodeError):
        return (
            f"Tệp {name} không phải văn bản UTF-8 (có thể đã lưu bằng bảng mã khác): hãy lưu "
            "lại tệp dưới dạng UTF-8."
        )
    if isinstance(exc, RecursionError):
        return f"Tệp {name} lồng quá nhiều cấp: không phải tệp hộ."
    if isinstance(exc, json.JSONDecodeError):
        if not exc.doc.strip():
            return f"Tệp {name} rỗng."
        return f"Tệp {name} không phải JSON hợp lệ (lỗi ở {where(exc.lineno, exc.colno)})."
    # int() of a number longer than Python's limit (4,300 digits): the only other ValueError.
    return f"Tệp {name} có một số quá dài, không phải số liệu của hộ."


def toml_reason(exc: Exception, name: str) -> str:
    """Why ``name`` is not TOML (or not UTF-8 text), where the error is, in Vietnamese."""
    if isinstance(exc, UnicodeDecodeError):
        return f"Tệp {name} không phải văn bản UTF-8: hãy lưu lại tệp dưới dạng UTF-8."
    found = _AT.search(str(exc))
    at = where(int(found[1]), int(found[2])) if found else "cuối tệp"
    return f"Tệp {name} không đúng định dạng TOML (lỗi ở {at})."
