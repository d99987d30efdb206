"""No personal data in messages and logs (issue 20 item 6): every failing path of import,
merge, excel-import and classify, and an unexpected error, run with a person whose name and
CCCD are distinctive strings; neither appears in any output nor in any log file. The
household is named by its code, the member by position, with the field."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from db.exchange import signing
from db.exchange.export import ExportScope, export_package
from db.exchange.package import write_package
from db.store import Store
from rasoat import logs
from rasoat.cli import main
from tests.db.exchange.commune import make_commune
from tests.db.exchange.records import records
from tests.db.exchange.workbook import build, person

NAME = "Zyxwq Độc Nhất Vô Nhị"
CCCD = "987654321098"
OTHER_NAME = "Qvwxz Thị Hai"
OTHER_CCCD = "123450000999"
SECRETS = (NAME, CCCD, OTHER_NAME, OTHER_CCCD, "Zyxwq", "Qvwxz")


def leaked(text: str) -> list[str]:
    return [s for s in SECRETS if s in text]


def log_texts(home: Path) -> str:
    folder = home / "logs"
    if not folder.exists():
        return ""
    return "".join(p.read_text("utf-8", "replace") for p in folder.rglob("*") if p.is_file())


@pytest.fixture
def commune(tmp_path: Path) -> Path:
    """A commune file whose household HO00001 is our distinctive person's."""
    path = make_commune(tmp_path / "xa.db", 3)
    with Store.open(path, user="Cán bộ xã", device="may-xa") as store:
        for code, name, number in (("HO00001", NAME, CCCD), ("HO00002", OTHER_NAME, OTHER_CCCD)):
            h = store.household_by_code(code)
            assert h is not None
            h.members[0].name = name
            h.members[0].id_number = number
            store.save_household(h)
    return path


def test_classify_refusals_name_code_and_field_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], rasoat_home: Path
) -> None:
    head = {"name": NAME, "relationship": "head", "birth_year": 1970, "id_number": CCCD}
    child = {"name": OTHER_NAME, "relationship": "child", "id_number": OTHER_CCCD}
    outputs = []
    households = [
        {"code": "H1", "members": [{**head, **change}, child]}
        for change in (
            {"birth_date": "2999-01-01"},
            {"birth_year": 3000},
            {"id_number": "98765432109"},
            {"id_number": int(CCCD)},
            {"birth_date": "1970-13-45"},
            {"name": NAME + "\x00"},
            {"relationship": NAME},
        )
    ]
    households.append({"code": "H2", "members": {"roster": [head, child]}})
    for household in households:
        doc = {"format_version": 1, "households": [household]}
        path = tmp_path / "in.json"
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        assert main(["classify", str(path)]) in (1, 2)
        captured = capsys.readouterr()
        outputs.append(captured.out + captured.err)
    assert "Hộ H1, thành viên thứ 1: Ngày sinh ở tương lai" in outputs[0]
    assert "Năm sinh ngoài khoảng" in outputs[1]
    assert "Số định danh cá nhân (CCCD)" in outputs[2]
    assert (
        "Hộ thứ 1: Trường “Số định danh cá nhân (CCCD)” (id_number) của thành viên thứ 1 không "
        "hợp lệ." in outputs[3]
    )
    assert [leaked(o) for o in outputs] == [[]] * len(outputs)
    assert leaked(log_texts(rasoat_home)) == []


def test_import_and_merge_refusals_and_receipts_carry_no_names(
    tmp_path: Path, commune: Path, capsys: pytest.CaptureFixture[str], rasoat_home: Path
) -> None:
    # A package holding impossible values for our person: refused, unusable input.
    recs = records(2)
    member = recs[0].household.members[0]
    member.name, member.id_number, member.birth_year = NAME, CCCD, 3000
    bad = tmp_path / "bad.rasoat"
    write_package(bad, {"commune": {"code": "10105"}}, {"villages": []}, recs)
    assert main(["import", str(commune), str(bad)]) == 2
    assert main(["merge", str(commune), str(bad)]) in (1, 2)
    out = capsys.readouterr()
    assert "Năm sinh" in out.out + out.err
    texts = [out.out + out.err]

    # A laptop's package editing our person's household and deleting the other one.
    laptop = tmp_path / "may-a.db"
    shutil.copyfile(commune, laptop)
    key = Ed25519PrivateKey.generate()
    fp = signing.fingerprint(signing.public_bytes(key))
    with Store.open(laptop, user="Lò Thị Mai", device="may-a") as store:
        h = store.household_by_code("HO00001")
        assert h is not None
        h.note = "sửa ở máy A"
        store.save_household(h)
        other = store.household_by_code("HO00002")
        assert other is not None
        store.delete_household(other.id)
        pkg = tmp_path / "a.rasoat"
        export_package(store, pkg, ExportScope(), signer=key)
    assert main(["import", str(commune), str(pkg), "--trust-device", fp]) == 1
    out = capsys.readouterr()
    assert "Gói này xoá 1 hộ" in out.err
    assert "HO00002" in out.err
    texts.append(out.out + out.err)
    receipt = tmp_path / "bien-nhan.txt"
    args = ["--trust-device", fp, "--allow-deletions", "--receipt", str(receipt)]
    assert main(["import", str(commune), str(pkg), *args]) == 0
    out = capsys.readouterr()
    assert "HO00001" in out.out
    texts += [out.out + out.err, receipt.read_text("utf-8")]
    assert main(["devices", str(commune)]) == 0
    texts.append(capsys.readouterr().out)
    assert [leaked(t) for t in texts] == [[]] * len(texts)
    assert leaked(log_texts(rasoat_home)) == []


def test_excel_import_errors_name_row_and_column_only(
    tmp_path: Path, commune: Path, capsys: pytest.CaptureFixture[str], rasoat_home: Path
) -> None:
    rows = [
        person(
            1, NAME, NAME, "Chủ hộ", "31/13/1970", "Nam", "98765432109", "Thôn 1", "Thái", "Nghèo"
        ),
        person(None, NAME, OTHER_NAME, "Con", "3000", "Nữ", OTHER_CCCD[:-1], "Thôn 1", "Thái", ""),
    ]
    xlsx = build(tmp_path / "ds.xlsx", rows)
    assert main(["excel-import", str(commune), str(xlsx), "--year", "2025"]) == 1
    out = capsys.readouterr()
    assert "số CCCD phải có 12 chữ số" in out.out + out.err
    assert leaked(out.out + out.err) == []
    assert leaked(log_texts(rasoat_home)) == []


def test_an_unexpected_error_quoting_a_person_leaves_no_trace_of_them(
    capsys: pytest.CaptureFixture[str], rasoat_home: Path
) -> None:
    """An exception nobody foresaw may quote data (a library's "'…' is not a valid …"): the
    terminal and the log get its type and where it happened, not the values."""

    def failing(_args: object) -> int:
        try:
            raise KeyError(f"{OTHER_NAME} {OTHER_CCCD}")
        except KeyError as exc:
            raise ValueError(f"'{NAME}' is not a valid Relationship (CCCD {CCCD})") from exc

    assert logs.run_command(failing, None) == 70
    err = capsys.readouterr().err
    assert "ValueError" in err
    assert leaked(err) == []
    try:
        raise RuntimeError(f'member "{NAME}", id {CCCD}')
    except RuntimeError as exc:
        logs.log_uncaught(type(exc), exc, exc.__traceback__)
    logging.getLogger("rasoat.test").warning("household %s, id %s", "HO00001", CCCD)
    text = log_texts(rasoat_home)
    assert "is not a valid Relationship" in text
    assert "test_privacy.py" in text  # the frames stay: the log still says where
    assert "HO00001" in text
    assert leaked(text) == []
