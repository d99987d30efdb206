"""People's rights in practice (issue 20 item 5): one person found by CCCD or by name typed
without diacritics, across two rounds; printed; a removed member's data erased, audited,
the log's chain still whole. And `rasoat household purge` from the command line."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from db import audit, people
from db.store import Store
from forms.model import Household, Member, Relationship
from rasoat.cli import main
from tests.db.exchange.commune import make_commune

NAME = "Hoàng Thị Xuyếnperson"
CCCD = "079398765432"
CHILD = "Lò Văn Đứcperson"


@pytest.fixture
def commune(tmp_path: Path) -> tuple[Path, str]:
    """A household answered in two rounds, with a child later removed from its roster."""
    path = make_commune(tmp_path / "xa.db", 2)
    with Store.open(path, user="Cán bộ xã", device="may-xa") as store:
        h = Household(
            code="HO-R1",
            village="Thôn 2",
            members=[
                Member(name=NAME, relationship=Relationship.HEAD, id_number=CCCD),
                Member(name=CHILD, relationship=Relationship.CHILD, birth_year=2010),
            ],
        )
        first = store.current_round()
        assert first is not None
        store.save_household(h, round_id=first.id)
        later = store.start_round(2027, "nd351-2026-2030")
        h.note = "kỳ sau"
        store.save_household(h, round_id=later.id)
    return path, h.id


def test_find_by_cccd_and_by_name_without_diacritics(
    commune: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    path, _hid = commune
    with Store.open(path, user="Cán bộ xã", device="may-xa") as store:
        (by_number,) = people.find(store, CCCD)
        (by_name,) = people.find(store, "xuyenperson hoang")
        assert by_number.member_id == by_name.member_id
        assert [r.year for r in by_number.rounds] == [2026, 2027]
        assert by_number.code == "HO-R1"
        assert by_number.record["name"] == NAME
    assert (
        main(
            ["person", "find", str(path), "Hoang Xuyenperson", "--pdf", str(path.parent / "p.pdf")]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "HO-R1" in out
    assert "2026,2027" in out
    text = subprocess.run(
        ["pdftotext", str(path.parent / "p.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert NAME in text
    assert CCCD in text
    assert "2027" in text
    with Store.open(path, user="Cán bộ xã", device="may-xa") as store:
        kinds = [line.row_id for line in audit.log_lines(store.conn) if line.table == audit.EVENTS]
        assert "person_lookup" in kinds
        assert "print" in kinds
        # The lookup's row says how many were found, never what was asked.
        assert not any(
            CCCD in (line.new or {}).__repr__() or "Xuyenperson" in (line.new or {}).__repr__()
            for line in audit.log_lines(store.conn)
            if line.row_id == "person_lookup"
        )


def test_the_printout_speaks_the_forms_words_and_writes_days_as_documents_do(
    commune: tuple[Path, str], tmp_path: Path
) -> None:
    """The support's kind was printed as stored ("production_means"), days as ISO
    ("2026-05-10", a birth date "1972-04-08")."""
    from datetime import date

    from db import year_round
    from reports.person_data import person_data

    path, hid = commune
    with Store.open(path, user="Cán bộ xã", device="may-xa") as store:
        h = store.get_household(hid)
        assert h is not None
        h.members[0].birth_date = date(1972, 4, 8)
        store.save_household(h)
        year_round.add_support(store, hid, "production_means", date(2026, 5, 10))
        year_round.add_application(
            store, hid, "periodic_review", date(2026, 9, 2), "Hoàng Văn A", "Ốm"
        )
        doc = person_data(store, people.find(store, CCCD))
    cells = [str(c) for t in doc.tables() for row in t.rows for c in row.cells]
    assert "production_means" not in cells
    assert "10/05/2026" in cells
    assert "02/09/2026" in cells
    assert "08/04/1972" in cells
    assert not [c for c in cells if c[:4].isdigit() and c[4:5] == "-"]


def test_erasing_a_removed_member_is_audited(
    commune: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    path, hid = commune
    with Store.open(path, user="Cán bộ xã", device="may-xa") as store:
        (child,) = people.find(store, "lo van ducperson")
        member_id = child.member_id
    # Still on the roster: refused, saying what to do.
    assert main(["person", "erase", str(path), member_id[:8], "--reason", "Yêu cầu"]) == 1
    assert "hãy bỏ người này khỏi danh sách" in capsys.readouterr().err
    with Store.open(path, user="Cán bộ xã", device="may-xa") as store:
        h = store.get_household(hid)
        assert h is not None
        h.members = h.members[:1]
        store.save_household(h)
        (removed,) = people.find(store, "Lo Ducperson")
        assert removed.member_deleted
    code = main(["person", "erase", str(path), member_id[:8], "--reason", "Đơn của gia đình"])
    assert code == 0
    with Store.open(path, user="Cán bộ xã", device="may-xa") as store:
        assert people.find(store, "Lo Ducperson") == []
        assert audit.verify(store.conn) is None
        for rnd in store.rounds():
            answered = store.answers_for(hid, rnd.id)
            assert answered is not None
            assert [m.name for m in answered.members] == [NAME]
        (event,) = [
            line
            for line in audit.log_lines(store.conn, household_id=hid)
            if line.row_id == "erase_member"
        ]
        assert event.new is not None
        assert event.new["reason"] == "Đơn của gia đình"
        assert event.new["audit_rows"]
    data = path.read_bytes()
    assert CHILD.encode() not in data
    assert NAME.encode() in data  # the rest of the household is untouched


def test_household_purge_from_the_command_line(
    commune: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    path, hid = commune
    args = ["household", "purge", str(path), "HO-R1", "--reason", "Chuyển đi", "--yes"]
    assert main(args) == 1  # not deleted yet
    assert "không có hộ đã xoá mã HO-R1" in capsys.readouterr().err
    with Store.open(path, user="Cán bộ xã", device="may-xa") as store:
        store.delete_household(hid)
    assert main(["household", "deleted", str(path)]) == 0
    assert "HO-R1" in capsys.readouterr().out
    # Deleted by mistake: restored, then deleted again for the purge.
    assert main(["household", "restore", str(path), "HO-R1"]) == 0
    assert "Đã khôi phục hộ HO-R1" in capsys.readouterr().out
    assert main(["household", "restore", str(path), "HO-R1"]) == 1
    assert "không có hộ đã xoá mã HO-R1" in capsys.readouterr().err
    with Store.open(path, user="Cán bộ xã", device="may-xa") as store:
        assert store.household_by_code("HO-R1") is not None
        store.delete_household(hid)
    assert main(args) == 0
    assert "Đã xoá hẳn dữ liệu cá nhân của hộ HO-R1" in capsys.readouterr().out
    assert main(["person", "find", str(path), CCCD]) == 0
    assert "Không tìm thấy ai" in capsys.readouterr().out
    data = path.read_bytes()
    assert NAME.encode() not in data
    assert CCCD.encode() not in data
