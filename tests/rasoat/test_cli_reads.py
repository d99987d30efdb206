"""Reading and printing from the command line on a commune file with users (issue 20,
docs/privacy.md "Người dùng và vai trò"): every command that opens the file needs a
signed-in user, a disabled one refused, and what a role may read follows the window
(conflicts and known laptops the officer's, as the window greys them; the users' list the
officer's; one person's data the officer's). On a file without users nothing changes and
a print is recorded under the computer's login name."""

from __future__ import annotations

import argparse
import hashlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from db import users, year_round
from db.demo import create_demo_commune
from db.store import Store
from forms.model import Household, Member, Relationship
from forms.roles import Role
from rasoat.cli import build_parser, main
from rasoat.identity import os_user

PASS = "mat-khau-9x"
NAME = "Hoàng Thị Xuyếnread"
CCCD = "079398765431"
GONE = "Vàng Văn Súread"


@dataclass(frozen=True)
class Files:
    plain: Path  # no users
    with_users: Path  # thu (officer), mai (surveyor), xem (viewer), cu (disabled)
    secret: Path
    app_id: str


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Files:
    base = tmp_path_factory.mktemp("reads")
    plain = create_demo_commune(base / "khong-nguoi-dung.sqlite", households=6)
    with Store.open(plain, user="Cán bộ xã", device="may-xa") as store:
        h = Household(
            code="HO-D1",
            village="Thôn 2",
            members=[Member(name=NAME, relationship=Relationship.HEAD, id_number=CCCD)],
        )
        store.save_household(h)
        app = year_round.add_application(
            store, h.id, "periodic_review", date(2026, 9, 2), "Hoàng Văn A", "Ốm"
        )
        year_round.add_support(store, h.id, "production_means", date(2026, 5, 10))
        year_round.assign_cadre(store, "Lò Văn Ín", "Trưởng thôn", household_id=h.id)
        gone = Household(
            code="HO-D2",
            village="Thôn 2",
            members=[Member(name=GONE, relationship=Relationship.HEAD)],
        )
        store.save_household(gone)
        store.delete_household(gone.id)
    with_users = base / "co-nguoi-dung.sqlite"
    shutil.copy(plain, with_users)
    with Store.open(with_users, user="máy", device="test") as s:
        users.add_user(s, "thu", "Hoàng Văn Thụ", Role.OFFICER, PASS)
        users.add_user(s, "mai", "Lò Thị Mai", Role.SURVEYOR, PASS)
        users.add_user(s, "xem", "Vàng A Páo", Role.VIEWER, PASS)
        users.add_user(s, "cu", "Đặng Văn Cũ", Role.SURVEYOR, PASS)
        users.disable_user(s, "cu")
    secret = base / "mat-khau.txt"
    secret.write_text(PASS + "\n", encoding="utf-8")
    return Files(plain, with_users, secret, app.id)


# Each read command: its arguments (the file, a folder for its output, the application's
# id), the least role that may run it, and the option giving the user's password.
Argv = Callable[[str, Path, str], list[str]]
USER_FILE = "--password-file"
EXCHANGE = "--user-password-file"  # where --password-file is a package's
READS: dict[str, tuple[Argv, Role, str]] = {
    "report": (
        lambda f, d, _a: ["report", "final_list", f, "--out", str(d / "r.pdf")],
        Role.VIEWER,
        EXCHANGE,
    ),
    "log": (
        lambda f, d, _a: ["log", f, "--household", "HO-D1", "--out", str(d / "l.pdf")],
        Role.VIEWER,
        USER_FILE,
    ),
    "whatif": (
        lambda f, d, _a: ["whatif", f, "--standard", "nd351-2026-2030", "--out", str(d / "w.pdf")],
        Role.VIEWER,
        USER_FILE,
    ),
    "support list": (lambda f, _d, _a: ["support", "list", f], Role.VIEWER, USER_FILE),
    "cadre list": (lambda f, _d, _a: ["cadre", "list", f], Role.VIEWER, USER_FILE),
    "application list": (lambda f, _d, _a: ["application", "list", f], Role.VIEWER, USER_FILE),
    "application print": (
        lambda f, d, a: ["application", "print", f, a[:8], "--out", str(d / "a.pdf")],
        Role.VIEWER,
        USER_FILE,
    ),
    "low-income list": (lambda f, _d, _a: ["low-income", "list", f], Role.VIEWER, USER_FILE),
    "low-income suggest": (
        lambda f, _d, _a: ["low-income", "suggest", f],
        Role.VIEWER,
        USER_FILE,
    ),
    "low-income print": (
        lambda f, d, _a: ["low-income", "print", f, "--out", str(d / "li.pdf")],
        Role.VIEWER,
        USER_FILE,
    ),
    "household deleted": (lambda f, _d, _a: ["household", "deleted", f], Role.VIEWER, USER_FILE),
    "db backup": (lambda f, _d, _a: ["db", "backup", f], Role.VIEWER, USER_FILE),
    "person find": (lambda f, _d, _a: ["person", "find", f, CCCD], Role.OFFICER, USER_FILE),
    "conflicts": (lambda f, _d, _a: ["conflicts", f], Role.OFFICER, EXCHANGE),
    "devices": (lambda f, _d, _a: ["devices", f], Role.OFFICER, EXCHANGE),
    "users list": (lambda f, _d, _a: ["users", "list", f], Role.OFFICER, USER_FILE),
}
SIGNED = {Role.OFFICER: "thu", Role.SURVEYOR: "mai", Role.VIEWER: "xem"}
BELOW = {Role.OFFICER: Role.SURVEYOR}  # a role refused where the officer is needed


def _copy(src: Path, tmp_path: Path) -> Path:
    path = tmp_path / src.name
    shutil.copy(src, path)
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _said_nothing_personal(text: str) -> None:
    for secret in (NAME, CCCD, GONE, "HO-D1", "HO-D2"):
        assert secret not in text


@pytest.mark.parametrize("command", sorted(READS))
def test_a_file_with_users_is_not_read_without_signing_in(
    files: Files, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    argv, _role, option = READS[command]
    path = _copy(files.with_users, tmp_path)
    capsys.readouterr()
    before = _digest(path)
    assert main(argv(str(path), tmp_path, files.app_id)) == 1
    said = capsys.readouterr()
    assert "Tệp xã này có người dùng: hãy đăng nhập bằng --user TÊN" in said.err
    assert f"{option} TỆP" in said.err  # the command's own option for the password
    assert said.out == ""
    _said_nothing_personal(said.err)
    assert "Traceback" not in said.err
    assert _digest(path) == before
    assert not list(tmp_path.glob("*.pdf"))
    assert not (tmp_path / (path.name + ".backups")).exists()


@pytest.mark.parametrize("command", sorted(READS))
def test_a_disabled_user_reads_nothing(
    files: Files, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    argv, _role, option = READS[command]
    path = _copy(files.with_users, tmp_path)
    capsys.readouterr()
    before = _digest(path)
    signed = ["--user", "cu", option, str(files.secret)]
    assert main([*argv(str(path), tmp_path, files.app_id), *signed]) == 2  # as a wrong password
    said = capsys.readouterr()
    assert "Người dùng cu đã bị ngừng sử dụng" in said.err
    assert said.out == ""
    _said_nothing_personal(said.err)
    assert _digest(path) == before
    assert not list(tmp_path.glob("*.pdf"))


@pytest.mark.parametrize("command", sorted(READS))
def test_the_role_that_may_read_it_reads_it(
    files: Files, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    argv, role, option = READS[command]
    path = _copy(files.with_users, tmp_path)
    args = argv(str(path), tmp_path, files.app_id)
    below = BELOW.get(role)
    if below is not None:
        capsys.readouterr()
        before = _digest(path)
        signed = ["--user", SIGNED[below], option, str(files.secret)]
        assert main([*args, *signed]) == 1
        said = capsys.readouterr()
        assert "(điều tra viên) không được" in said.err
        assert "việc này dành cho cán bộ xã" in said.err
        assert said.out == ""
        assert _digest(path) == before
    assert main([*args, "--user", SIGNED[role], option, str(files.secret)]) == 0


@pytest.mark.parametrize("command", sorted(READS))
def test_a_file_without_users_is_read_as_before(files: Files, tmp_path: Path, command: str) -> None:
    argv, _role, _option = READS[command]
    path = _copy(files.plain, tmp_path)
    assert main(argv(str(path), tmp_path, files.app_id)) == 0


def test_a_print_names_who_printed_it(files: Files, tmp_path: Path) -> None:
    """Recorded as "rasoat report" when nobody signed in: the signed-in user on a file with
    users, the computer's login name on a file without (docs/privacy.md)."""
    plain = _copy(files.plain, tmp_path)
    assert main(["report", "final_list", str(plain), "--out", str(tmp_path / "a.pdf")]) == 0
    with_users = _copy(files.with_users, tmp_path)
    signed = ["--user", "xem", "--user-password-file", str(files.secret)]
    out = str(tmp_path / "b.pdf")
    assert main(["report", "final_list", str(with_users), "--out", out, *signed]) == 0
    for path, who in ((plain, os_user()), (with_users, "xem")):
        with Store.open(path, user="x", device="y") as store:
            (row,) = store.conn.execute(
                "SELECT user FROM audit WHERE tbl = 'events' AND row_id = 'print'"
            ).fetchall()
        assert row == (who,)


# What opens no household data, and why (docs/privacy.md "Người dùng và vai trò"): the file
# check says the commune, counts and codes, and must work on a file whose users table is
# what is damaged, or a file an older version made (checked as it is, never migrated); the
# expiry removes only old backups by their dates, never opening the file.
EXEMPT = {("db", "check"), ("expire",)}


def _commune_commands(
    parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                found += _commune_commands(child, (*prefix, name))
    dests = {a.dest for a in parser._actions}
    if prefix and dests & {"file", "db"}:
        found.append((prefix, parser))
    return found


def test_every_command_that_opens_a_commune_file_takes_a_user() -> None:
    """A read command without --user could not sign in at all: the file with users was read
    by leaving it out."""
    commands = _commune_commands(build_parser())
    assert len(commands) > 20
    missing = [
        " ".join(name)
        for name, parser in commands
        if name not in EXEMPT and "user" not in {a.dest for a in parser._actions}
    ]
    assert missing == []
    # Each exempt command exists: a rename does not silently lift the rule.
    assert {name for name, _ in commands} >= EXEMPT


def test_person_find_is_bounded_and_names_the_officer(
    files: Files, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A query "a" printed 124 of 158 people with their CCCD numbers."""
    path = _copy(files.with_users, tmp_path)
    signed = ["--user", "thu", "--password-file", str(files.secret)]
    capsys.readouterr()
    for query in ("a", "Xuyếnread", CCCD[:6]):
        assert main(["person", "find", str(path), query, *signed]) == 1
        said = capsys.readouterr()
        assert said.out == ""
        assert "Hãy gõ đủ" in said.err
    assert main(["person", "find", str(path), "hoang xuyenread", *signed]) == 0
    assert NAME in capsys.readouterr().out
    with Store.open(path, user="x", device="y") as store:
        rows = store.conn.execute(
            "SELECT user FROM audit WHERE tbl = 'events' AND row_id = 'person_lookup'"
        ).fetchall()
    assert rows == [("thu",)]


def test_low_income_add_asks_the_role_before_naming_anyone(
    files: Files, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A viewer's `low-income add --member x` printed every member's name, then was refused;
    and a member was said by name in its messages."""
    path = _copy(files.with_users, tmp_path)
    add = ["low-income", "add", str(path), "--household", "HO-D1", "--member", "x"]
    capsys.readouterr()
    assert main([*add, "--user", "xem", "--password-file", str(files.secret)]) == 1
    said = capsys.readouterr()
    assert "(người xem) không được ghi giấy đề nghị" in said.err
    _said_nothing_personal(said.err.replace("HO-D1", ""))
    signed = ["--user", "mai", "--password-file", str(files.secret)]
    assert main([*add, *signed]) == 2
    said = capsys.readouterr()
    assert "hộ HO-D1 không có thành viên nào mang họ tên đã gõ" in said.err
    assert NAME not in said.err
    # By place on the roster: recorded, then refused a second time by place, not name.
    assert main([*add[:-1], "1", *signed]) == 0
    capsys.readouterr()
    assert main([*add[:-1], "hoang thi xuyenread", *signed]) == 1
    said = capsys.readouterr()
    assert "Hộ HO-D1, thành viên thứ 1: đã có đơn trong kỳ rà soát này." in said.err
    assert NAME not in said.err
