"""An import's receipt (what arrived, what changed, what conflicted) as a file to print or
send back: text, JSON, or a PDF built from ``reports`` blocks, by the file's suffix."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from db.exchange.receipt import ACTION_LABELS, Receipt
from forms.admin_units import province_in_address, province_short_name, short_name
from reports.document import (
    Column,
    Document,
    Header,
    Para,
    Part,
    SignatureBox,
    Signatures,
    Table,
)
from reports.pdf import render_pdf


def save_receipt(receipt: Receipt, out: Path) -> Path:
    """The receipt as text, JSON (to send back) or a PDF to print, by the file's suffix."""
    # A folder named and not made yet is made, as a report's is (``reports.build``).
    out.parent.mkdir(parents=True, exist_ok=True)
    suffix = out.suffix.lower()
    if suffix == ".json":
        out.write_text(receipt.to_json(), encoding="utf-8")
    elif suffix == ".pdf":
        render_pdf(receipt_document(receipt), out)
    else:
        out.write_text(receipt.text(), encoding="utf-8")
    return out


def receipt_document(receipt: Receipt) -> Document:
    header, _, _rest = receipt.text().partition("\n\n")
    table = Table(
        [
            Column("Mã hộ", width=1.2),
            Column("Thôn", width=2.1),
            Column("Kết quả", width=2.4),
            Column("Ghi chú", width=4.8),
        ],
        sheet="Biên nhận",
    )
    for e in sorted(receipt.entries, key=lambda e: (e.action, e.code)):
        if e.action != "unchanged":
            table.add([e.code, e.village, ACTION_LABELS[e.action], e.detail])
    blocks: list[Any] = [Para(line) for line in header.splitlines()[1:]]
    blocks.append(Para(receipt.summary(), "bold"))
    blocks += [Para(f"Lưu ý: {w}", "italic") for w in receipt.warnings]
    if table.rows:
        blocks.append(table)
    # Dated where it was received (", ngày …" had no place) and signed by whoever received
    # it: the commune, or the province's registry (it was headed by the commune too).
    blocks.append(Signatures([SignatureBox("NGƯỜI NHẬN GÓI")]))
    issuer = f"UBND {receipt.commune_name.upper()}"
    place = short_name(receipt.commune_name)
    if receipt.province_name:
        issuer = f"UBND {province_in_address(receipt.province_name).upper()}"
        place = province_short_name(receipt.province_name)
    part = Part(
        header=Header(issuer=[issuer], place=place, when=date.today()),
        title="BIÊN NHẬN NHẬP GÓI DỮ LIỆU RÀ SOÁT",
        blocks=blocks,
    )
    return Document(kind="exchange_receipt", title=part.title, parts=[part])
