"""An import's receipt as the officer prints it: dated at the commune, times as the officer
reads them (not "2026-12-05T02:29:01.380Z"), the commune's code as the official lists write
it, a place to sign. The JSON sent back keeps the stamps as they were made."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from db.exchange.receipt import Entry, Receipt
from reports.receipt import save_receipt


def receipt() -> Receipt:
    return Receipt(
        package_id="3a294796-7177-4fa2-bc7a-5d1e99b1a708",
        source="goi.rasoat",
        commune_code="2947",
        commune_name="Xã Bảo Yên",
        scope="các thôn: Thôn Làng Mới",
        package_created_at="2026-12-05T02:29:00+00:00",
        package_created_by="Lò Thị Mai",
        package_device="may-thon-1",
        imported_at="2026-12-05T02:29:01.380Z",
        imported_by="Cán bộ xã",
        device="may-xa",
        entries=[Entry("h1", "01-0001", "Thôn Làng Mới", "updated")],
        written=True,
    )


def test_the_printed_receipt_reads_as_a_commune_paper(tmp_path: Path) -> None:
    pdf = save_receipt(receipt(), tmp_path / "bien-nhan.pdf")
    text = " ".join("".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert "Bảo Yên, ngày" in text
    assert ", ngày" not in text.replace("Bảo Yên, ngày", "")
    assert "(02947)" in text
    assert "T02:29" not in text
    assert "/12/2026" in text
    assert "NGƯỜI NHẬN GÓI" in text
    sent = json.loads(save_receipt(receipt(), tmp_path / "bien-nhan.json").read_text("utf-8"))
    assert sent["imported_at"] == "2026-12-05T02:29:01.380Z"


def test_a_wrong_clock_far_in_the_future_still_prints(monkeypatch: pytest.MonkeyPatch) -> None:
    """The year 9999 at UTC moved to Vietnam's time (UTC+7) overflowed: the receipt, made
    after the merge was written, ended the import with exit 70."""
    import time

    monkeypatch.setenv("TZ", "Asia/Ho_Chi_Minh")
    time.tzset()
    try:
        far = receipt()
        far.package_created_at = "9999-12-31T23:59:59+00:00"
        assert "9999-12-31T23:59:59+00:00" in far.text()  # as it came, not a crash
        assert "09:29 ngày 05/12/2026" in far.text()  # the import's own time, local
    finally:
        monkeypatch.undo()
        time.tzset()
