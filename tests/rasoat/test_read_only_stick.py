"""Every command that names a commune file, run on a write-protected stick (a real read-only
mount: root writes through permissions, not through that), says the place in the one
wording ``Store.open`` uses (``db.errors.ReadOnlyPlace``): never that the file is damaged or
not a commune file, never a traceback, never "saved". `rasoat expire` said the file was
not a commune file; with the file's -wal and -shm beside it (copied while open) SQLite
opened it read-only without a word, and every listing ended in a close that could not write
("attempt to write a readonly database"), an import claiming it had been saved. What needs
no write there works: `db check` (on a private copy), `db restore --list`, `report --list`.
Skipped where the machine allows no mount."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from db.errors import ReadOnlyPlace
from rasoat.cli import main
from tests.db.test_reliability import read_only_view

PASSPHRASE = "ruộng bậc thang mùa lúa chín"
FALSE = ("hỏng", "không phải tệp dữ liệu rà soát", "Traceback", "readonly", "đã được lưu")
# Options of the commands whose --passphrase-file is a package's (rasoat.unlock).
PACKAGE_PASSWORD = ("export", "import", "merge", "report")


def _commands(p: str, pkg: Path, out: Path, kind: str) -> list[list[str]]:
    own = ["db", "encrypt", p, "--new-passphrase-file", str(out / "mk.txt")]
    if kind == "encrypted":
        own = ["db", "passphrase", p, "--new-passphrase-file", str(out / "mk.txt")]
    return [
        ["expire", p],
        ["db", "backup", p],
        own,
        ["export", p, str(out / "goi.rasoat"), "--no-password"],
        ["import", p, str(pkg)],
        ["merge", p, str(pkg)],
        ["conflicts", p],
        ["devices", p],
        ["household", "deleted", p],
        ["round", "list", p],
        ["support", "list", p],
        ["users", "list", p],
        ["cadre", "list", p],
        ["application", "list", p],
        ["low-income", "list", p],
        ["person", "find", p, "Nguyễn Văn"],
        ["log", p, "--from", "2020-01-01", "--out", str(out / "nk.pdf")],
        ["report", "final_list", p, "--out", str(out / "ds.pdf")],
        ["whatif", p, "--standard", "nd351-2026-2030", "--out", str(out / "w.pdf")],
    ]


def _unlocked(args: list[str], kind: str, out: Path) -> list[str]:
    if kind != "encrypted":
        return args
    option = "--commune-passphrase-file" if args[0] in PACKAGE_PASSWORD else "--passphrase-file"
    return [*args, option, str(out / "mk.txt")]


@pytest.mark.parametrize("kind", ["closed", "session not ended", "encrypted"])
def test_every_command_on_a_read_only_stick_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    from db import at_rest
    from db.store import Store
    from forms.model import Household

    out = tmp_path / "may"
    out.mkdir()
    (out / "mk.txt").write_text(PASSPHRASE + "\n", encoding="utf-8")
    stick = tmp_path / "usb"
    stick.mkdir()
    path = stick / "xa.rasoat.sqlite"
    assert main(["demo", "--households", "6", "--out", str(path)]) == 0
    elsewhere = out / "khac.rasoat.sqlite"
    shutil.copy(path, elsewhere)
    pkg = out / "goi-khac.rasoat"
    assert main(["export", str(elsewhere), str(pkg), "--no-password"]) == 0
    if kind == "encrypted":
        at_rest.encrypt_file(path, PASSPHRASE)
    if kind == "session not ended":
        # The file copied onto the stick while open here: its -wal holds the last save.
        live = out / "dang-mo.rasoat.sqlite"
        shutil.copy(path, live)
        store = Store.open(live, user="a", device="b")
        try:
            store.save_household(Household(code="MOI-1", village="Thôn 1"))
            for suffix in ("", "-wal", "-shm"):
                shutil.copy(f"{live}{suffix}", f"{path}{suffix}")
        finally:
            store.close()
    capsys.readouterr()
    with read_only_view(stick, tmp_path / "ro") as ro:
        p = ro / path.name
        said = ReadOnlyPlace(p).message
        for args in _commands(str(p), pkg, out, kind):
            code = main(_unlocked(args, kind, out))
            captured = capsys.readouterr()
            text = captured.out + captured.err
            assert code != 0, (args, text)
            assert said in captured.err, (args, text)
            for word in FALSE:
                assert word not in text, (args, word, text)

        assert main(_unlocked(["db", "check", str(p)], kind, out)) == 0
        checked = capsys.readouterr().out
        assert "ổ chỉ cho đọc: đã kiểm tra một bản chép tạm trên máy" in checked
        assert "Số hộ: 7" in checked if kind == "session not ended" else "Số hộ: 6" in checked
        if kind != "session not ended":  # that file's backups stayed on the laptop
            assert main(_unlocked(["db", "restore", str(p), "--list"], kind, out)) == 0
        assert main(["report", "--list"]) == 0
    if kind == "session not ended":
        assert f"cùng tệp {path.name}-wal nằm cạnh nó" in said
    else:
        assert "-wal" not in said
    assert not (out / "goi.rasoat").exists()


def test_a_printed_recovery_key_opens_an_encrypted_file_on_a_read_only_stick(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """SQLite cannot open the file there to try the key, which was said to be wrong ("Mã
    khôi phục không đúng"); a wrong one still is."""
    from db import at_rest

    stick = tmp_path / "usb"
    stick.mkdir()
    path = stick / "xa.rasoat.sqlite"
    assert main(["demo", "--households", "4", "--out", str(path)]) == 0
    recovery = at_rest.encrypt_file(path, PASSPHRASE).recovery
    right, wrong = tmp_path / "ma.txt", tmp_path / "sai.txt"
    right.write_text(recovery + "\n", encoding="utf-8")
    wrong.write_text("AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA\n", encoding="utf-8")
    capsys.readouterr()
    with read_only_view(stick, tmp_path / "ro") as ro:
        p = str(ro / path.name)
        assert main(["db", "check", p, "--recovery-key-file", str(right)]) == 0
        assert "tệp không có lỗi" in capsys.readouterr().out
        assert main(["expire", p, "--recovery-key-file", str(right)]) == 2
        assert ReadOnlyPlace(ro / path.name).message in capsys.readouterr().err
        assert main(["db", "check", p, "--recovery-key-file", str(wrong)]) == 2
        assert "Mã khôi phục không đúng" in capsys.readouterr().err
