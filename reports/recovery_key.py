"""The printed recovery key of an encrypted commune file (issue 20 item 1): one page to keep
with the commune's seal. Shown once when the file is encrypted; whoever holds it opens the
file and every backup of it, so the page says so."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from reports.document import Document, Header, Para, Part, esc
from reports.pdf import render_pdf


def recovery_key_document(
    commune_name: str, commune_code: str, file_name: str, recovery_key: str, day: date
) -> Document:
    part = Part(
        header=Header(issuer=[f"UBND {commune_name.upper()}"], place=commune_name, when=day),
        title="MÃ KHÔI PHỤC TỆP DỮ LIỆU RÀ SOÁT",
        subtitles=[f"{commune_name} (mã xã {commune_code})"],
        blocks=[
            Para(f"Tệp dữ liệu: {esc(file_name)}", "body", markup=True),
            Para(
                "Mã khôi phục (8 nhóm, mỗi nhóm 4 ký tự; khi nhập, có hay không có dấu gạch, "
                "chữ hoa hay chữ thường đều được):",
                "body",
            ),
            Para(
                f"<br/><font size='18'><b>{esc(recovery_key)}</b></font><br/><br/>",
                "center",
                markup=True,
            ),
            Para(
                "Khi quên mật khẩu tệp xã hoặc mất tệp khoá (.khoa), mở tệp bằng mã này rồi đặt "
                "mật khẩu mới: không mất dữ liệu.",
                "body",
            ),
            Para(
                "Ai có mã này thì mở được tệp và mọi bản sao lưu của tệp: cất giữ như con dấu, "
                "không để cùng máy tính, không chụp ảnh gửi đi.",
                "bold",
            ),
        ],
    )
    return Document(kind="file_recovery_key", title=part.title, parts=[part])


def save_recovery_key(
    out: Path,
    commune_name: str,
    commune_code: str,
    file_name: str,
    recovery_key: str,
    day: date | None = None,
) -> Path:
    doc = recovery_key_document(
        commune_name, commune_code, file_name, recovery_key, day or date.today()
    )
    return render_pdf(doc, out)
