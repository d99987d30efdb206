"""The printed recovery key (issue 20 item 1, issue 17): one page to keep with the commune's
seal. Two keys are printed this way, each shown once: an encrypted commune file's (it opens
the file and every backup of it) and a password-protected package's (it opens the package,
and every other package exported with the same key). The page names which, what it opens
and what to do with it; the print is audited as every printed document is
(``reports.save_document``), the key itself never in the log."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from reports.document import Document, Header, Para, Part, esc

FILE_KIND = "file_recovery_key"
PACKAGE_KIND = "package_recovery_key"


def recovery_key_document(
    commune_name: str,
    commune_code: str,
    file_name: str,
    recovery_key: str,
    day: date,
    *,
    package: bool = False,
) -> Document:
    """``package``: the key of the package ``file_name`` (a ``.rasoat`` file), else of the
    commune file ``file_name``. A package's key is called "khoá khôi phục" as the export
    screen and ``rasoat export`` call it; the commune file's "mã khôi phục"."""
    if package:
        title = "KHOÁ KHÔI PHỤC GÓI DỮ LIỆU RÀ SOÁT"
        what = f"Gói dữ liệu: {esc(file_name)}"
        form = "Khoá khôi phục"
        use = (
            "Khi quên mật khẩu của gói, nơi nhận vẫn mở được gói bằng khoá này (Tệp → Nhập / "
            "gộp gói dữ liệu…, ô “hoặc khoá khôi phục”). Các gói sau này xuất với cùng khoá "
            "này cũng mở được bằng nó."
        )
        keep = (
            "Ai có khoá này thì mở được gói và mọi gói xuất với cùng khoá: cất giữ như con "
            "dấu, không gửi kèm gói, không chụp ảnh gửi đi."
        )
    else:
        title = "MÃ KHÔI PHỤC TỆP DỮ LIỆU RÀ SOÁT"
        what = f"Tệp dữ liệu: {esc(file_name)}"
        form = "Mã khôi phục"
        use = (
            "Khi quên mật khẩu tệp xã hoặc mất tệp khoá (.khoa), mở tệp bằng mã này rồi đặt "
            "mật khẩu mới: không mất dữ liệu."
        )
        keep = (
            "Ai có mã này thì mở được tệp và mọi bản sao lưu của tệp: cất giữ như con dấu, "
            "không để cùng máy tính, không chụp ảnh gửi đi."
        )
    part = Part(
        header=Header(issuer=[f"UBND {commune_name.upper()}"], place=commune_name, when=day),
        title=title,
        subtitles=[f"{commune_name} (mã xã {commune_code})"],
        blocks=[
            Para(what, "body", markup=True),
            Para(
                f"{form} (8 nhóm, mỗi nhóm 4 ký tự; khi nhập, có hay không có dấu gạch, "
                "chữ hoa hay chữ thường đều được):",
                "body",
            ),
            Para(
                f"<br/><font size='18'><b>{esc(recovery_key)}</b></font><br/><br/>",
                "center",
                markup=True,
            ),
            Para(use, "body"),
            Para(keep, "bold"),
        ],
    )
    return Document(kind=PACKAGE_KIND if package else FILE_KIND, title=title, parts=[part])


def save_recovery_key(
    out: Path,
    store: Any,
    file_name: str,
    recovery_key: str,
    *,
    package: bool = False,
    day: date | None = None,
) -> Path:
    """The page as a PDF at ``out``, for the commune of ``store``, recorded in its audit
    log as a print (the document and the file's name; never the key)."""
    from db.private_tmp import owner_only
    from reports import save_document

    commune = store.commune()
    doc = recovery_key_document(
        commune.commune_name,
        commune.commune_code,
        file_name,
        recovery_key,
        day or date.today(),
        package=package,
    )
    # Whoever reads the page opens the file: owner-only (0600) before the key is written
    # into it (reportlab writes over the file, its mode kept).
    out.parent.mkdir(parents=True, exist_ok=True)
    owner_only(out, create=True)
    return save_document(doc, store, out, fmt="pdf")
