"""``rasoat report certificate --household CODE --round LAST_YEAR``: the officer reprinting a
lost certificate of last year has the code printed on the old paper or list. The household
was looked up among today's codes: one deleted since could not be reprinted by its code, and
one given a new code since had to be named by today's code while its certificate printed
last year's. An earlier round's household is now found by the code its answers hold, as its
documents print it; the current round's keeps today's code."""

from __future__ import annotations

import copy
import uuid
from pathlib import Path

import pytest

from db.store import Store
from forms.classify import classify
from forms.standards import load_standard
from rasoat.cli import main
from tests.reports.conftest import STANDARD
from tests.reports.test_cli_report import pdf_text
from tests.reports.test_earlier_round_certificates import _CODE, _NUMBER
from tests.reports.test_earlier_round_documents import Commune, build


@pytest.fixture
def commune(tmp_path: Path) -> Commune:
    return build(tmp_path, printed=True)


def _print(commune: Commune, out: Path, code: str, *more: str) -> int:
    args = ["report", "certificate", str(commune.path), "--household", code, *more]
    return main([*args, "--out", str(out)])


def _code_now(commune: Commune, household_id: str) -> str:
    with Store.open(commune.path, user="t", device="t") as store:
        h = store.get_household(household_id)
        assert h is not None
        return h.code


def test_a_household_deleted_since_is_reprinted_by_its_code(
    commune: Commune, tmp_path: Path
) -> None:
    out = tmp_path / "gcn.pdf"
    assert _print(commune, out, commune.gone.code, "--round", commune.last_id) == 0
    text = pdf_text(out)
    assert _CODE.findall(text) == [commune.gone.code]
    assert commune.gone.head_name() in text
    assert _NUMBER.findall(text) == [f"{commune.numbers[commune.gone.id]:04d}"]
    # Its form of that round too, by the same code.
    form = tmp_path / "phieu.pdf"
    args = ["report", "household_form", str(commune.path), "--round", commune.last_id]
    assert main([*args, "--household", commune.gone.code, "--out", str(form)]) == 0
    assert commune.gone.head_name() in pdf_text(form)


def test_a_household_given_a_new_code_is_found_by_its_code_of_then(
    commune: Commune, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recoded = commune.recoded
    today = _code_now(commune, recoded.id)
    assert today != recoded.code
    out = tmp_path / "gcn.pdf"
    assert _print(commune, out, recoded.code, "--round", commune.last_id) == 0
    text = pdf_text(out)
    assert _CODE.findall(text) == [recoded.code]
    assert recoded.head_name() in text
    assert _NUMBER.findall(text) == [f"{commune.numbers[recoded.id]:04d}"]
    # Today's code names no household of last year's lists: said, with the code it had.
    capsys.readouterr()
    assert _print(commune, tmp_path / "x.pdf", today, "--round", commune.last_id) == 2
    err = capsys.readouterr().err
    assert f"Không có hộ nào mang mã '{today}' trong danh sách của kỳ rà soát năm 2025" in err
    assert f"Hộ mang mã '{today}' hôm nay có mã '{recoded.code}' trong kỳ đó." in err
    assert not (tmp_path / "x.pdf").exists()
    # This year's certificate keeps today's code.
    now = tmp_path / "nay.pdf"
    status = _print(commune, now, today)
    if status == 0:  # still listed in 2026
        assert _CODE.findall(pdf_text(now)) == [today]
    else:
        assert "không thuộc danh sách" in capsys.readouterr().err


def test_a_code_of_no_household_of_that_round_is_said_so(
    commune: Commune, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = commune.path.read_bytes()
    assert _print(commune, tmp_path / "x.pdf", "99-9999", "--round", "2025") == 2
    err = capsys.readouterr().err
    assert "Không có hộ nào mang mã '99-9999' trong danh sách của kỳ rà soát năm 2025" in err
    assert "Traceback" not in err
    assert commune.path.read_bytes() == before


def test_a_code_two_households_answered_the_round_with_names_both(
    commune: Commune, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The code of a household deleted after the decision given again to a household
    that answered the same round: both are on its lists with it."""
    gone = commune.gone
    other = copy.deepcopy(gone)
    other.id = str(uuid.uuid4())
    for m in other.members:
        m.id = str(uuid.uuid4())
    other.members[0].name = "Tòng Thị Mới"
    standard = load_standard(STANDARD)
    with Store.open(commune.path, user="t", device="t") as store:
        store.save_household(
            other, round_id=commune.last_id, result=classify(other, standard, 2025)
        )
    before = commune.path.read_bytes()
    assert _print(commune, tmp_path / "x.pdf", gone.code, "--round", commune.last_id) == 2
    err = capsys.readouterr().err
    assert f"Mã hộ '{gone.code}' trong kỳ rà soát năm 2025 là của 2 hộ:" in err
    assert f"{gone.head_name()} ({gone.village}, đã xoá khỏi tệp)" in err
    assert f"{other.head_name()} ({other.village}, nay mang mã {gone.code})" in err
    assert "Hãy in giấy chứng nhận của cả thôn" in err
    assert commune.path.read_bytes() == before
