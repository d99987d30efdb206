"""Certificate numbers of an earlier, decided review (``db.certificates``): stored per round
and household the first time a certificate of the round is printed, reprinted unchanged.
First given once the next review has begun, they followed today's file: households in
today's village and code order, and a household deleted after the decision (on the decided
lists, its certificate printed from the round's answers) left out, its certificate printed
"Số: ……". They now follow the round's list as decided, as its certificates print it."""

from __future__ import annotations

import re
from pathlib import Path

from db import certificates
from db.store import Store
from rasoat.cli import main
from tests.reports.conftest import VILLAGES
from tests.reports.test_cli_report import pdf_text
from tests.reports.test_earlier_round_documents import Commune, build

# A certificate's number, then further down its household's code ("mã hộ: …").
_NUMBER = re.compile(r"Số: (\d{4}|……)/GCN-HN\.HCN")
_CODE = re.compile(r"mã hộ: (\S+)")


def _printed(path: Path, round_id: str, out: Path, *more: str) -> list[tuple[str, str]]:
    """(number, household code) of each certificate, in the order printed."""
    args = ["report", "certificate", str(path), "--round", round_id, *more, "--out", str(out)]
    assert main(args) == 0
    text = pdf_text(out)
    numbers = _NUMBER.findall(text)
    codes = _CODE.findall(text)
    assert len(numbers) == len(codes)
    return list(zip(numbers, codes, strict=True))


def test_first_numbered_after_the_next_review_began_as_its_list_was_decided(
    tmp_path: Path,
) -> None:
    commune: Commune = build(tmp_path)
    assert commune.recoded.code  # its 2025 code; 2026 gave it one sorting last in its village
    # A village's batch printed first numbers the commune's whole list (as decided).
    batch = _printed(commune.path, commune.last_id, tmp_path / "thon.pdf", "--village", VILLAGES[1])
    assert commune.moved.code not in {code for _n, code in batch}  # in 2025, of VILLAGES[0]
    printed = _printed(commune.path, commune.last_id, tmp_path / "gcn.pdf")
    by_code = {code: n for n, code in printed}
    assert by_code[commune.gone.code] != "……"  # deleted after the decision, on its list
    assert commune.recoded.code in by_code  # its code of then
    # Numbered in the order the list of 2025 prints them: poor then near-poor, villages and
    # codes as they were then; none left blank.
    assert [n for n, _c in printed] == [f"{i:04d}" for i in range(1, len(printed) + 1)]
    assert {code: n for n, code in batch} == {
        code: n for n, code in printed if code in {c for _n, c in batch}
    }


def test_a_reprint_after_the_household_changed_has_its_first_number(tmp_path: Path) -> None:
    """Printed once decided, then the household moved village, changed code or was deleted
    in the next review: its certificate of the decided review is reprinted with its
    number."""
    commune = build(tmp_path, printed=True)
    first = commune.numbers
    assert first
    printed = _printed(commune.path, commune.last_id, tmp_path / "gcn.pdf")
    with Store.open(commune.path, user="t", device="t") as store:
        now = certificates.numbers(store.conn, commune.last_id)
    assert now == first
    by_code = {code: n for n, code in printed}
    for h in (commune.gone, commune.moved, commune.recoded, commune.split):
        assert by_code[h.code] == f"{first[h.id]:04d}"
