"""A household whose result is "chưa xác định" is on the list of households to complete
(issue 15 item 5), not on no list at all."""

from __future__ import annotations

import subprocess
from pathlib import Path

import reports
from db.store import Store
from forms.model import Category


def test_an_undetermined_household_is_on_the_resurvey_list(
    small_store: Store, tmp_path: Path
) -> None:
    rnd = small_store.current_round()
    assert rnd is not None
    codes = [
        h.code
        for h, r in small_store.results_for_round(rnd.id)
        if r.category is Category.UNDETERMINED
    ]
    assert codes  # the small commune has some
    out = reports.build("resurvey_list", small_store, tmp_path / "rs.pdf")
    text = subprocess.run(
        ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    for code in codes:
        assert code in text


def test_its_reasons_read_as_sentences(small_store: Store, tmp_path: Path) -> None:
    """Each reason is a sentence with its own full stop: joined with "; " they printed ".;"."""
    out = reports.build("resurvey_list", small_store, tmp_path / "rs.pdf")
    text = subprocess.run(
        ["pdftotext", "-raw", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Kết luận: chưa xác định." in text
    assert ".;" not in text


def test_sentences_end_each_text_once() -> None:
    from reports.lists import sentences

    assert sentences(["Thu nhập 1 đồng.", "Thiếu hụt 2/12 chỉ số", " ", "Kết luận: x."]) == (
        "Thu nhập 1 đồng. Thiếu hụt 2/12 chỉ số. Kết luận: x."
    )
