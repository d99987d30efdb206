"""`rasoat users` and `--user` on the commands that change a commune file (issue 20 item 2):
passwords only from the terminal or a file, refusals in Vietnamese, exit 1 in every command
(the exchange commands too), a wrong password exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from db import users
from db.store import Store
from forms.model import Household, Member, Relationship
from rasoat.cli import main
from tests.db.exchange.commune import make_commune

PASS = "mat-khau-9x"


@pytest.fixture
def commune(tmp_path: Path) -> tuple[Path, Path]:
    path = make_commune(tmp_path / "xa.db", 2)
    with Store.open(path, user="Cán bộ xã", device="may-xa") as store:
        h = Household(
            code="HO-U1",
            village="Thôn 2",
            members=[Member(name="Lò Văn Ín", relationship=Relationship.HEAD)],
        )
        store.save_household(h)
        store.delete_household(h.id)
    secret = tmp_path / "mat-khau.txt"
    secret.write_text(PASS + "\n", encoding="utf-8")
    return path, secret


def test_users_from_the_command_line(
    commune: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path, secret = commune
    f, s = str(path), str(secret)
    # The first user must be an officer; nobody is asked to sign in for it.
    assert (
        main(["users", "add", f, "mai", "--role", "dieu-tra-vien", "--new-password-file", s]) == 1
    )
    assert "đầu tiên phải là cán bộ xã" in capsys.readouterr().err
    assert main(["users", "add", f, "thu", "--role", "can-bo", "--new-password-file", s]) == 0
    # From now on adding needs a signed-in officer.
    add_mai = ["users", "add", f, "mai", "--role", "dieu-tra-vien", "--village", "Thôn 1"]
    assert main([*add_mai, "--new-password-file", s]) == 1
    assert "hãy đăng nhập" in capsys.readouterr().err
    signed = ["--user", "thu", "--password-file", s]
    assert main([*add_mai, "--new-password-file", s, *signed]) == 0
    capsys.readouterr()
    assert main(["users", "list", f, *signed]) == 0
    out = capsys.readouterr().out
    assert "mai\tmai\tĐiều tra viên\tđang dùng\tThôn 1" in out
    # A surveyor may not purge; a wrong password says only that it is wrong.
    purge = ["household", "purge", f, "HO-U1", "--reason", "chuyển đi", "--yes"]
    assert main([*purge, "--user", "mai", "--password-file", s]) == 1
    assert "điều tra viên) không được xoá hẳn dữ liệu cá nhân của hộ" in capsys.readouterr().err
    wrong = secret.with_name("sai.txt")
    wrong.write_text("khong-dung-dau\n", encoding="utf-8")
    # A wrong password is unusable input (2, as a package's wrong password), not a refusal.
    assert main([*purge, "--user", "thu", "--password-file", str(wrong)]) == 2
    assert "Tên người dùng hoặc mật khẩu không đúng." in capsys.readouterr().err
    assert main([*purge, *signed]) == 0
    assert main(["users", "disable", f, "mai", *signed]) == 0
    with Store.open(path, user="x", device="y") as store:
        assert [u.name for u in users.list_users(store) if u.disabled] == ["mai"]
        rows = store.conn.execute(
            "SELECT user FROM audit WHERE tbl = 'events' AND row_id = 'purge'"
        ).fetchall()
    assert rows == [("thu",)]


def test_no_password_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    # Not an abbreviation of --password-file (which would read a file named like the
    # password): refused as an unknown option.
    with pytest.raises(SystemExit) as refused:
        main(["users", "add", "x.db", "mai", "--role", "can-bo", "--password", PASS])
    assert refused.value.code == 2
    assert "--password" in capsys.readouterr().err


def test_a_refusal_exits_1_in_every_command(
    commune: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The exchange commands exited 2 on a role's refusal while the others exited 1: one
    code everywhere (rasoat.signin.exit_code, docs/exchange-format.md)."""
    path, secret = commune
    f, s = str(path), str(secret)
    assert main(["users", "add", f, "thu", "--role", "can-bo", "--new-password-file", s]) == 0
    officer = ["--user", "thu", "--password-file", s]
    viewer = ["users", "add", f, "xem", "--role", "nguoi-xem", "--new-password-file", s]
    assert main([*viewer, *officer]) == 0
    capsys.readouterr()
    before = path.read_bytes()  # a refusal leaves the file's bytes, "last seen" included
    pkg = str(tmp_path / "goi.rasoat")
    export = ["export", f, pkg, "--no-password"]
    assert main([*export, "--user", "xem", "--user-password-file", s]) == 1
    assert "người xem) không được xuất" in capsys.readouterr().err
    assert main(export) == 1  # nobody signed in on a file with users
    assert "hãy đăng nhập" in capsys.readouterr().err
    assert path.read_bytes() == before
    with Store.open(path, user="x", device="y") as store:
        code = store.conn.execute("SELECT code FROM households WHERE deleted = 0").fetchone()[0]
    before = path.read_bytes()
    apply = ["application", "add", f, "--household", code, "--kind", "04", "--by", "Lò Văn Ín"]
    assert main([*apply, "--user", "xem", "--password-file", s]) == 1
    assert "người xem) không được ghi giấy đề nghị" in capsys.readouterr().err
    assert path.read_bytes() == before
    wrong = secret.with_name("sai.txt")
    wrong.write_text("khong-dung-dau\n", encoding="utf-8")
    assert main([*export, "--user", "thu", "--user-password-file", str(wrong)]) == 2
    assert "Tên người dùng hoặc mật khẩu không đúng." in capsys.readouterr().err
    assert not Path(pkg).exists()
