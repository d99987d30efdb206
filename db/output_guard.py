"""Where a document, a package or a receipt may be written: never over a commune file.

An officer who types the commune file's name where a PDF's belongs (``rasoat report X --out
X``) would otherwise see the file the whole review is in replaced by a PDF, with no backup
made. ``refusal`` names what an output path would destroy, in Vietnamese, before anything is
written: the files the command reads (``protected``), a SQLite database (every commune file,
its backups), an encrypted commune file (its key file beside it), a file of a backups folder,
a journal of a database, or a folder where a file is asked for.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

_PLAIN_HEADER = b"SQLite format 3\x00"
_JOURNALS = ("-wal", "-shm", "-journal")


def _same(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return a.samefile(b)
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _is_database(path: Path) -> bool:
    from db.at_rest import find_key_file

    try:
        with path.open("rb") as f:
            head = f.read(len(_PLAIN_HEADER))
    except OSError:
        return False
    return head == _PLAIN_HEADER or find_key_file(path) is not None


def refusal(out: Path, protected: Iterable[Path] = (), *, folder: bool = False) -> str | None:
    """Why ``out`` may not be written (Vietnamese, complete), or None. ``folder``: a folder
    is asked for (the registry's receipts), so only the protected files are checked."""
    try:
        return _refusal(out, protected, folder)
    except OSError as exc:  # a name too long, a path through something unreadable
        import errno

        from db.errors import failure_reason

        why = (
            "tên tệp quá dài"
            if exc.errno == errno.ENAMETOOLONG
            else failure_reason(exc) or f"hệ điều hành báo lỗi số {exc.errno}"
        )
        return f"Không ghi được tệp kết quả {out.name[:60]}: {why}."


def _refusal(out: Path, protected: Iterable[Path], folder: bool) -> str | None:
    for p in protected:
        if _same(out, p):
            return (
                f"Tệp kết quả {out} trùng với tệp đang đọc ({p.name}): ghi vào đó sẽ mất dữ "
                "liệu. Hãy đặt tên khác cho tệp kết quả."
            )
        for suffix in _JOURNALS:
            if _same(out, p.with_name(p.name + suffix)):
                return (
                    f"Tệp kết quả {out} là tệp đi kèm của {p.name}: ghi vào đó sẽ hỏng tệp "
                    "dữ liệu. Hãy đặt tên khác cho tệp kết quả."
                )
    # A path under a file ("goi.rasoat/ket-qua.pdf"): no folder can be made there.
    above = next((p for p in out.parents if p.exists()), None)
    if above is not None and not above.is_dir():
        return f"Không ghi được vào {out}: {above.name} là một tệp, không phải thư mục."
    if folder:
        return None
    if out.is_dir():
        return f"{out} là một thư mục: hãy ghi rõ tên tệp kết quả (ví dụ {out / 'ket-qua.pdf'})."
    if out.name.endswith(_JOURNALS) or out.parent.name.endswith(".backups"):
        return (
            f"{out} là tệp của phần mềm (nhật ký ghi hoặc bản sao lưu tệp xã): hãy ghi tệp kết "
            "quả ở chỗ khác."
        )
    if out.is_file() and _is_database(out):
        return (
            f"{out} là một tệp dữ liệu (tệp xã hoặc bản sao lưu): phần mềm không ghi đè lên "
            "nó. Hãy đặt tên khác cho tệp kết quả."
        )
    return None
