"""`rasoat registry staff`: a login for the Department's staff made and granted its reads
from the command line, on a real server. It was a block of SQL in docs/registry.md, typed by
hand and typed again after every upgrade that added a table."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import psycopg
import pytest

from rasoat.cli import main
from registry.throwaway import Cluster


def as_login(dsn: str, name: str) -> str:
    return re.sub(r"user=\S+", f"user={name}", dsn)


def fresh_name() -> str:
    # Roles are the cluster's, shared by every test database of the session.
    return f"can_bo_{uuid.uuid4().hex[:8]}"


def password_file(tmp_path: Path) -> str:
    path = tmp_path / "mk.txt"
    path.write_text("Mật khẩu của Sở 2026\n", encoding="utf-8")
    return str(path)


def reads(dsn: str, query: str) -> bool:
    try:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(query).fetchall()
    except psycopg.errors.InsufficientPrivilege:
        return False
    return True


def test_a_staff_login_made_reads_the_lists_and_not_the_id_numbers(
    province: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = fresh_name()
    code = main(["registry", "staff", province, name, "--password-file", password_file(tmp_path)])
    assert code == 0
    assert f"Đã lập tài khoản {name}" in capsys.readouterr().out
    viewer = as_login(province, name)
    assert (
        main(["registry", "report", viewer, "--kind", "summary", "--out", str(tmp_path / "t.pdf")])
        == 0
    )
    assert reads(viewer, "SELECT code, head_name FROM households")
    assert reads(viewer, "SELECT name, birth_year FROM members")
    assert not reads(viewer, "SELECT id_number FROM members")
    assert not reads(viewer, "SELECT doc FROM households")
    # Nothing written: a staff login cannot load.
    assert not reads(viewer, "DELETE FROM loads")
    capsys.readouterr()
    assert main(["registry", "staff", province]) == 0
    assert capsys.readouterr().out.split() == [name]
    # The password reached the server hashed, never in clear.
    with psycopg.connect(province, autocommit=True) as conn:
        row = conn.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s", (name,))
        stored = row.fetchone()
    assert stored is not None
    assert stored[0].startswith("SCRAM-SHA-256$")


def test_an_upgrade_grants_the_staff_what_it_added(province: str, tmp_path: Path) -> None:
    """A table added by a migration has no grants: `init` gives every staff login its reads
    again (here the grant on year_counts taken away, as a table made after the login)."""
    name = fresh_name()
    assert (
        main(["registry", "staff", province, name, "--password-file", password_file(tmp_path)]) == 0
    )
    with psycopg.connect(province, autocommit=True) as conn:
        conn.execute(f"REVOKE SELECT ON year_counts FROM {name}")
    viewer = as_login(province, name)
    assert not reads(viewer, "SELECT * FROM year_counts")
    assert main(["registry", "init", province, "--province", "15"]) == 0
    assert reads(viewer, "SELECT * FROM year_counts")
    assert not reads(viewer, "SELECT id_number FROM members")


def test_an_existing_login_is_granted_and_revoked_without_a_password(
    province: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A login the server's administrator made (createuser) is only given its reads: no
    password is asked (there is no terminal here: asking would fail)."""
    name = fresh_name()
    with psycopg.connect(province, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {name} LOGIN")
    assert main(["registry", "staff", province, name]) == 0
    assert f"Tài khoản {name}:" in capsys.readouterr().out
    viewer = as_login(province, name)
    assert reads(viewer, "SELECT * FROM loads")
    assert main(["registry", "staff", province, name, "--revoke"]) == 0
    assert "Đã thu hồi" in capsys.readouterr().out
    assert not reads(viewer, "SELECT * FROM loads")
    assert not reads(viewer, "SELECT code FROM households")
    assert main(["registry", "staff", province]) == 0
    assert "Chưa có tài khoản xem nào" in capsys.readouterr().out


def test_refusals_say_why_before_anything_is_asked_or_made(
    province: str, pg_cluster: Cluster, capsys: pytest.CaptureFixture[str]
) -> None:
    # A name that could not be typed back into a DSN.
    assert main(["registry", "staff", province, "Cán Bộ"]) == 1
    assert "Tên tài khoản 'Cán Bộ' không dùng được" in capsys.readouterr().err
    # As the message says: a name starts with a letter.
    assert main(["registry", "staff", province, "_can_bo"]) == 1
    assert "bắt đầu bằng chữ" in capsys.readouterr().err
    # A new login with no terminal to ask its password on: which option gives it.
    name = fresh_name()
    assert main(["registry", "staff", province, name]) == 1
    assert "--password-file" in capsys.readouterr().err
    with psycopg.connect(province, autocommit=True) as conn:
        made = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
    assert made is None
    # A database never initialised.
    empty = pg_cluster.create_database(f"registry_empty_{uuid.uuid4().hex[:8]}")
    assert main(["registry", "staff", empty]) == 1
    assert "chưa được khởi tạo" in capsys.readouterr().err


def test_a_login_not_allowed_to_make_logins_is_told_who_can(
    province: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    admin = fresh_name()
    with psycopg.connect(province, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {admin} LOGIN")  # no CREATEROLE
    name = fresh_name()
    args = ["registry", "staff", as_login(province, admin), name]
    assert main([*args, "--password-file", password_file(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "không được lập tài khoản mới" in err
    assert f"createuser --pwprompt {name}" in err


def test_the_owner_is_not_a_staff_login(
    pg_cluster: Cluster, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The owner's name typed where a staff login's was: `--revoke` took the owner's own
    reads and writes on every table away (the owner may revoke them from itself), so that
    `load` and `init` were refused from then on, told to use the administrator's login they
    were using; without it the owner was told it could not read the ID numbers. A
    superuser, which reads everything, was told the same."""
    owner = fresh_name()
    with psycopg.connect(pg_cluster.dsn(), autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {owner} LOGIN")
        conn.execute(f"CREATE DATABASE {owner} OWNER {owner}")
    dsn = as_login(pg_cluster.dsn(owner), owner)
    assert main(["registry", "init", dsn, "--province", "15"]) == 0
    capsys.readouterr()
    for args in ([owner, "--revoke"], [owner], [pg_cluster.user]):
        assert main(["registry", "staff", dsn, *args]) == 1
        err = capsys.readouterr().err
        assert f"Tài khoản {args[0]} đọc và sửa được toàn bộ cơ sở dữ liệu" in err
    assert reads(dsn, "SELECT id_number FROM members")
    assert main(["registry", "init", dsn, "--province", "15"]) == 0
    assert main(["registry", "staff", dsn]) == 0
    assert "Chưa có tài khoản xem nào" in capsys.readouterr().out


def test_revoking_a_login_the_server_does_not_have_names_it(
    province: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A name mistyped after --revoke was "refused by the server (error code 42704)" and
    "tell the database's administrator", who is the one typing it."""
    name = fresh_name()
    assert main(["registry", "staff", province, name, "--revoke"]) == 1
    err = capsys.readouterr().err
    assert f"Không có tài khoản {name}" in err
    assert "42704" not in err


def test_an_upgrade_is_not_stopped_by_a_reader_named_otherwise(
    province: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A reader granted by hand before this command (a quoted name, with capitals or a
    hyphen) or loads granted to PUBLIC: `init` granted every one of them again through the
    check of a name typed here, and refused the upgrade with "the account name 'PUBLIC'
    cannot be used", every time it ran."""
    name = f"Bao-Cao-{uuid.uuid4().hex[:6]}"
    with psycopg.connect(province, autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{name}" LOGIN')
        conn.execute(f'GRANT SELECT ON loads TO "{name}"')
        conn.execute("GRANT SELECT ON loads TO PUBLIC")
    assert main(["registry", "init", province, "--province", "15"]) == 0
    assert reads(as_login(province, f"'{name}'"), "SELECT * FROM year_counts")
    capsys.readouterr()
    assert main(["registry", "staff", province]) == 0
    assert capsys.readouterr().out.split() == [name]


def test_a_password_file_for_a_login_already_there_is_said_unused(
    province: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Run again with --password-file (a staff member forgot theirs), the command granted
    the reads and said nothing of the password, which stayed the old one."""
    name = fresh_name()
    with psycopg.connect(province, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {name} LOGIN PASSWORD 'cu'")
    args = ["registry", "staff", province, name, "--password-file", password_file(tmp_path)]
    assert main(args) == 0
    assert f"Mật khẩu của tài khoản {name} không đổi" in capsys.readouterr().out


def test_a_registry_not_yet_upgraded_says_so_before_making_the_login(
    province: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Run after installing a release whose registry adds a table, before `init`: the login
    was made, then its grants refused as "error code 42P01, tell the administrator"."""
    with psycopg.connect(province, autocommit=True) as conn:
        conn.execute("DELETE FROM schema_migrations WHERE version = 9")
        conn.execute("DROP TABLE commune_keys")
    name = fresh_name()
    assert (
        main(["registry", "staff", province, name, "--password-file", password_file(tmp_path)]) == 1
    )
    err = capsys.readouterr().err
    assert "chạy 'rasoat registry init' để nâng cấp" in err
    with psycopg.connect(province, autocommit=True) as conn:
        assert not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
