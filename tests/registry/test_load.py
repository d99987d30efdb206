"""Loading commune packages into a real PostgreSQL registry: validated whole, one transaction
per package, idempotent, newer supersedes with history kept, bad packages refused with
nothing written."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import psycopg
import pytest

from registry.database import RegistryError, connect, init
from registry.load import copy_text, load_packages
from registry.migrations import LATEST
from tests.registry.packages import (
    commune_key,
    households,
    make_package,
    trust_communes,
)

TABLES = ("loads", "rounds", "households", "members", "results")


def dump(dsn: str, *, when: bool = True) -> dict[str, list[tuple[Any, ...]]]:
    """Every row; ``when=False`` has a load's closing time only as closed or not."""
    closed = "valid_to" if when else "valid_to IS NULL"
    with psycopg.connect(dsn) as conn:
        out = {}
        for t in TABLES:
            cols = "*" if t != "loads" else f"id, package_id, {closed}, superseded_by"
            out[t] = sorted(map(repr, conn.execute(f"SELECT {cols} FROM {t}").fetchall()))
        return out  # type: ignore[return-value]


@pytest.fixture
def registry(pg_dsn: str) -> str:
    """A registry of Lào Cai with the test communes' keys trusted (``trust_communes``)."""
    with connect(pg_dsn) as conn:
        init(conn, "15")
        trust_communes(conn)
    return pg_dsn


def load(dsn: str, *paths: Path, workers: int | None = None) -> list[Any]:
    with connect(dsn) as conn:
        return load_packages(conn, paths, user="Cán bộ tỉnh", workers=workers)


def load_new(
    cluster: Any, name: str, paths: list[Path], workers: int, fault: str = ""
) -> tuple[str, list[Any]]:
    """``paths`` loaded into a new registry database ``name`` (``fault``: SQL run on it
    first, a server-side refusal put in on purpose)."""
    dsn = cluster.create_database(name)
    with connect(dsn) as conn:
        init(conn, "15")
        trust_communes(conn)
        if fault:
            conn.execute(fault)
    return dsn, load(dsn, *paths, workers=workers)


def test_init_is_repeatable_and_keeps_its_province(registry: str) -> None:
    with connect(registry) as conn:
        assert init(conn, "15") == LATEST
        with pytest.raises(RegistryError, match="đã lập cho tỉnh Lào Cai"):
            init(conn, "38")
        versions = conn.execute("SELECT version, name FROM schema_migrations").fetchall()
    assert versions == [
        (1, "initial"),
        (2, "household_years"),
        (3, "lists_in_force"),
        (4, "upper_level_copies"),
        (5, "lz4_documents"),
        (6, "year_counts"),
        (7, "periodic_movements"),
        (8, "meeting_movements"),
        (9, "commune_keys"),
        (10, "load_rules"),
    ]


def test_household_years_made_by_the_loader_are_what_the_migration_makes_of_old_loads(
    registry: str, tmp_path: Path
) -> None:
    """A registry loaded before m0002 gets household_years from its results on upgrading
    (m0002, then m0003's periodic rounds only), the same rows the loader writes for packages
    without monthly rounds or sent-back households: each live household's latest periodic
    round of each year."""
    a = make_package(tmp_path / "a.rasoat", n=12, seed=7)
    load(registry, a, make_package(tmp_path / "b.rasoat", "02674", n=9, seed=8))
    query = "SELECT * FROM household_years ORDER BY load_id, household_id, year"
    with connect(registry) as conn:
        written = conn.execute(query).fetchall()
        assert len(written) == (12 + 9) * 2
        assert {r[4] for r in written} == {2025, 2026}
        # As if made by m0001 only: no tables, steps 2, 3, 6 and 9 not run.
        conn.execute("DROP TABLE household_years, year_counts, year_deprivations, commune_keys")
        conn.execute("ALTER TABLE rounds DROP COLUMN decided_on, DROP COLUMN sent_back")
        conn.execute("DELETE FROM schema_migrations WHERE version >= 2")
        assert init(conn, "15") == LATEST
        assert conn.execute(query).fetchall() == written


def test_a_package_is_loaded_whole_and_a_second_time_changes_nothing(
    registry: str, tmp_path: Path
) -> None:
    pkg = make_package(tmp_path / "xa.rasoat", n=25)
    [first] = load(registry, pkg)
    assert first.status == "loaded", first.message
    assert first.receipt is not None
    assert first.receipt.count("added") == 25
    with psycopg.connect(registry) as conn:
        assert conn.execute("SELECT count(*) FROM households").fetchone() == (25,)
        members = sum(h.size() for h in households(25, 1))
        assert conn.execute("SELECT count(*) FROM members").fetchone() == (members,)
        assert conn.execute("SELECT count(*) FROM results").fetchone() == (50,)
        assert conn.execute(
            "SELECT province_code, commune_code, households FROM loads"
        ).fetchall() == [("15", "02947", 25)]
    before = dump(registry)
    [again] = load(registry, pkg)
    assert again.status == "unchanged"
    assert "không có gì thay đổi" in again.message
    assert dump(registry) == before


def test_documents_are_stored_compressed_with_lz4(registry: str, tmp_path: Path) -> None:
    """m0005: the documents PostgreSQL compresses (those over 2 kB: every result's here) are
    LZ4, the cheaper method for the server to write and read back."""
    load(registry, make_package(tmp_path / "xa.rasoat", n=4))
    with psycopg.connect(registry) as conn:
        methods = conn.execute(
            "SELECT pg_column_compression(doc), count(*) FROM results GROUP BY 1"
        ).fetchall()
    assert methods == [("lz4", 8)]


def test_a_newer_package_supersedes_and_keeps_history(registry: str, tmp_path: Path) -> None:
    homes = households(10, 2)
    old = make_package(tmp_path / "a.rasoat", homes=homes, created_at="2026-10-01T08:00:00+00:00")
    homes[0].members[0].name = "Lò Thị Mới"
    newer = make_package(
        tmp_path / "b.rasoat", homes=homes[:9], created_at="2026-10-05T08:00:00+00:00"
    )
    load(registry, old)
    [second] = load(registry, newer)
    assert second.status == "loaded"
    assert second.receipt is not None
    assert second.receipt.count("updated") == 9  # every rev differs in these test packages
    assert any("1 hộ có trong gói trước" in w for w in second.receipt.warnings)
    with psycopg.connect(registry) as conn:
        rows = conn.execute(
            "SELECT id, valid_to IS NULL, superseded_by FROM loads ORDER BY id"
        ).fetchall()
        assert rows == [(1, False, 2), (2, True, None)]
        current = conn.execute(
            "SELECT count(*) FROM households h JOIN loads l ON l.province_code = h.province_code"
            " AND l.id = h.load_id WHERE l.valid_to IS NULL"
        ).fetchone()
        assert current == (9,)
        assert conn.execute("SELECT count(*) FROM households").fetchone() == (19,)
        names = conn.execute("SELECT name FROM members WHERE load_id = 2 AND position = 0")
        assert ("Lò Thị Mới",) in names.fetchall()
    # The older one again: already loaded (same bytes), so nothing changes either way.
    [older] = load(registry, old)
    assert older.status == "unchanged"


def test_refused_packages_write_nothing(registry: str, tmp_path: Path) -> None:
    base = make_package(tmp_path / "base.rasoat", n=5, created_at="2026-10-05T08:00:00+00:00")
    load(registry, base)
    before = dump(registry)
    older = make_package(tmp_path / "old.rasoat", n=5, seed=9, created_at="2026-10-01T00:00:00Z")
    other_province = make_package(
        tmp_path / "tinh-khac.rasoat", "16279", province="38", province_name="Thanh Hóa"
    )
    unknown_commune = make_package(tmp_path / "xa-la.rasoat", "99999")
    partial = make_package(tmp_path / "mot-phan.rasoat", "02674", scope="surveyor")
    damaged = tmp_path / "hong.rasoat"
    data = bytearray(make_package(tmp_path / "tot.rasoat", "02647").read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    garbage = tmp_path / "rac.rasoat"
    garbage.write_bytes(b"not a package")
    outcomes = load(registry, older, other_province, unknown_commune, partial, damaged, garbage)
    assert [o.status for o in outcomes] == ["refused"] * 6
    messages = [o.message for o in outcomes]
    assert "không mới hơn gói đã nạp" in messages[0]
    assert "Thanh Hóa" in messages[1]
    assert "không phải của Lào Cai" in messages[1]
    assert "không thuộc Lào Cai" in messages[2]
    assert "chỉ có một phần dữ liệu" in messages[3]
    assert "bị hỏng hoặc không hợp lệ" in messages[4]
    assert "bị hỏng hoặc không hợp lệ" in messages[5]
    assert dump(registry) == before


def test_loading_needs_an_initialised_registry(pg_dsn: str, tmp_path: Path) -> None:
    pkg = make_package(tmp_path / "xa.rasoat", n=2)
    with pytest.raises(RegistryError, match="chưa được khởi tạo"):
        load(pg_dsn, pkg)


def test_packages_read_ahead_in_worker_processes_write_what_reading_here_writes(
    pg_cluster: Any, tmp_path: Path
) -> None:
    """Many large packages are read in spawned worker processes while the previous one is
    written: the same rows, receipts and refusals as reading them in this process."""
    newer = make_package(tmp_path / "b.rasoat", n=6, seed=4, created_at="2026-10-05T08:00:00Z")
    paths = [
        make_package(tmp_path / "a.rasoat", n=8, seed=3),
        make_package(tmp_path / "c.rasoat", "02674", n=5, seed=5),
        tmp_path / "rac.rasoat",
        newer,
        newer,
    ]
    paths[2].write_bytes(b"not a package")
    seen = []
    for workers in (0, 2):
        dsn, outcomes = load_new(pg_cluster, f"ahead_{workers}", paths, workers)
        receipts = [o.receipt and [(e.code, e.action) for e in o.receipt.entries] for o in outcomes]
        # An unchanged package's message tells when it was loaded: not compared.
        said = [(o.status, o.message if o.status != "unchanged" else "") for o in outcomes]
        seen.append((said, receipts, dump(dsn, when=False)))
    assert [s for s, _m in seen[0][0]] == ["loaded", "loaded", "refused", "loaded", "unchanged"]
    assert seen[0][1][0] == [(h.code, "added") for h in households(8, 3)]
    assert seen[1] == seen[0]


def test_rows_made_as_copy_text_read_back_as_they_were(registry: str) -> None:
    """The reader makes each table's rows as COPY text itself (registry.load.copy_text):
    every kind of value it writes comes back from the server unchanged, backslashes, tabs,
    quotes and commas in texts and in text[] elements included."""
    rows = [
        ("a\\b\t\"c\"\n\rd", ["x", 'q"uo\\te', "a,b", "{}", "", "NULL", " s p "], None, 7, True,
         '{"k": "v\\\\n\\"", "t": "\\t"}'),
        ("", [], "khác", -3, False, "[]"),
        ("Nguyễn Thị Ánh", ["employment"], "\\N", 10_000_000_000, True, '"x"'),
    ]  # fmt: skip
    with connect(registry) as conn, conn.transaction():
        conn.execute("CREATE TEMP TABLE t (a text, b text[], c text, d bigint, e boolean, f json)")
        with conn.cursor().copy("COPY t (a, b, c, d, e, f) FROM STDIN") as copy:
            copy.write(copy_text(rows))
        back = conn.execute("SELECT a, b, c, d, e, f::text FROM t").fetchall()
    assert back == rows


def test_odd_texts_of_a_household_travel_into_the_registry_unchanged(
    registry: str, tmp_path: Path
) -> None:
    homes = households(3, 11)
    homes[0].code = 'A\\1 "x"'
    homes[0].village = "Thôn \\ Bản, {Lề}"
    homes[0].note = "dòng 1\ndòng\t2 \\ hết"
    homes[0].members[0].name = 'Lò \\ Văn "A"'
    load(registry, make_package(tmp_path / "la.rasoat", homes=homes))
    with connect(registry) as conn:
        row = conn.execute(
            "SELECT code, village, head_name, doc->>'note' FROM households WHERE household_id = %s",
            (homes[0].id,),
        ).fetchone()
    assert row == (homes[0].code, homes[0].village, homes[0].head_name(), homes[0].note)


# The server refusing one commune's 2026 results, after its households and earlier results
# were sent, as it refuses a value out of a column's range (a data exception): what the
# reader takes and the server does not (the rounds' junk dates served until the reader
# refused them too).
REFUSE_02674 = """
CREATE FUNCTION refuse_02674() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.commune_code = '02674' AND NEW.year = 2026 THEN
        RAISE EXCEPTION 'injected fault' USING ERRCODE = 'data_exception';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER refuse_02674 BEFORE INSERT ON results
    FOR EACH ROW EXECUTE FUNCTION refuse_02674();
"""


def test_a_value_the_server_refuses_half_way_leaves_the_reader_in_step(
    pg_cluster: Any, tmp_path: Path
) -> None:
    """A package whose data the reader takes and the server refuses: its transaction
    rolls back with its rows half sent by a reader process, which then reads and sends the
    following packages as reading here does."""
    paths = [
        make_package(tmp_path / "a.rasoat", n=8, seed=3),
        make_package(tmp_path / "b.rasoat", "02674", n=5, seed=5),
        make_package(tmp_path / "c.rasoat", "02647", n=4, seed=6),
        make_package(tmp_path / "d.rasoat", n=6, seed=4, created_at="2026-10-05T08:00:00Z"),
    ]
    seen = []
    for workers in (0, 2):
        dsn, outcomes = load_new(
            pg_cluster, f"refused_half_way_{workers}", paths, workers, REFUSE_02674
        )
        seen.append(([(o.status, o.message) for o in outcomes], dump(dsn, when=False)))
    statuses = [s for s, _m in seen[0][0]]
    assert statuses == ["loaded", "refused", "loaded", "loaded"]
    assert "không nhận dữ liệu của gói" in seen[0][0][1][1]
    assert len(seen[0][1]["loads"]) == 3  # nothing of b's
    assert seen[1] == seen[0]


def test_receipts_let_go_once_told_are_told_whole(registry: str, tmp_path: Path) -> None:
    """``keep_receipts=False`` (the command line's): ``progress`` has each receipt as its
    package is loaded, the outcomes returned keep none."""
    told: list[tuple[str, int]] = []

    def tell(outcome: Any) -> None:
        told.append((outcome.commune_code, outcome.receipt.count("added")))

    paths = [
        make_package(tmp_path / "a.rasoat", n=7, seed=3),
        make_package(tmp_path / "b.rasoat", "02674", n=5, seed=5),
    ]
    with connect(registry) as conn:
        outcomes = load_packages(
            conn, paths, user="Cán bộ tỉnh", progress=tell, keep_receipts=False
        )
    assert [o.status for o in outcomes] == ["loaded", "loaded"]
    assert [o.receipt for o in outcomes] == [None, None]
    assert told == [("02947", 7), ("02674", 5)]


def _edited_copy(src: Path, dest: Path, *, member_field: str = "", **manifest: Any) -> Path:
    """``src`` with a member's name changed and its manifest's fields set, parts' sums made
    again and signed again with the commune's test key (trusted: the checks after the
    signer's are what refuse it): what an edit outside the application, by someone holding
    the laptop's key, looks like."""
    import hashlib
    import json
    import zipfile

    from db.exchange.signing import SIGNATURE_FIELD, sign

    with zipfile.ZipFile(src) as z:
        parts = {n: z.read(n) for n in z.namelist() if n != "manifest.json"}
        head = json.loads(z.read("manifest.json"))
    lines = parts["households.jsonl"].decode().splitlines()
    first = json.loads(lines[0])
    first["household"]["members"][0]["name"] = "Tên Đã Sửa"
    if member_field:  # what a newer release's record may carry
        first["household"]["members"][0][member_field] = 1
    lines[0] = json.dumps(first, ensure_ascii=False)
    parts["households.jsonl"] = ("\n".join(lines) + "\n").encode()
    head.pop("signature", None)
    head.update(manifest)
    head["parts"] = {
        n: {"sha256": hashlib.sha256(v).hexdigest(), "size": len(v)} for n, v in parts.items()
    }
    head[SIGNATURE_FIELD] = sign(head, commune_key("02947"))
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
        for n, v in parts.items():
            z.writestr(n, v)
        z.writestr("manifest.json", json.dumps(head, ensure_ascii=False))
    return dest


def test_what_is_no_package_file_and_a_wrong_clock_are_refused_writing_nothing(
    registry: str, tmp_path: Path
) -> None:
    """A folder, a device, a pipe were hashed (/dev/zero for ever); a package dated ahead of
    this clock, or with a date that is no time ("zzz" came after every real time), would keep
    every later true package of its commune out; one bearing a loaded package's id with other
    bytes was said unchanged, its edit left out silently."""
    import os

    base = make_package(tmp_path / "base.rasoat", n=4, created_at="2026-10-05T08:00:00+00:00")
    load(registry, base)
    before = dump(registry)
    folder = tmp_path / "thu-muc.rasoat"
    folder.mkdir()
    pipe = tmp_path / "ong.rasoat"
    os.mkfifo(pipe)
    ahead = make_package(tmp_path / "ahead.rasoat", n=4, seed=3, created_at="2099-01-01T00:00:00Z")
    new_id = "0b6f9c39-1d2e-4c1a-9a4e-3f0c2d1e5b7a"
    no_time = _edited_copy(base, tmp_path / "zzz.rasoat", created_at="zzz", package_id=new_id)
    same_id = _edited_copy(base, tmp_path / "sua.rasoat")
    outcomes = load(registry, folder, pipe, Path("/dev/zero"), ahead, no_time, same_id)
    assert [o.status for o in outcomes] == ["refused"] * 6
    said = [o.message for o in outcomes]
    assert "là một thư mục" in said[0]
    assert "thiết bị hoặc đường ống" in said[1]
    assert "thiết bị hoặc đường ống" in said[2]
    assert "ở tương lai: đồng hồ máy xuất gói sai" in said[3]
    assert "ngày tạo gói 'zzz' không hợp lệ" in said[4]
    assert "nội dung khác: gói đã bị sửa ngoài phần mềm" in said[5]
    assert dump(registry) == before
    newer = make_package(tmp_path / "newer.rasoat", n=4, created_at="2026-11-05T08:00:00+00:00")
    assert [o.status for o in load(registry, newer)] == ["loaded"]


def test_a_package_with_a_password_given_none_is_not_called_damaged(
    registry: str, tmp_path: Path
) -> None:
    locked = make_package(tmp_path / "khoa.rasoat", n=2, password="mật khẩu đủ dài")
    [outcome] = load(registry, locked)
    assert outcome.status == "refused"
    assert "có mật khẩu: hãy nhập mật khẩu" in outcome.message
    assert "bị hỏng" not in outcome.message


def test_a_manifest_naming_another_commune_than_its_commune_part_is_refused(
    registry: str, tmp_path: Path
) -> None:
    """A manifest edited to another commune's code (of the same province) counted the
    commune's households a second time under that code, the province's total doubled."""
    base = make_package(tmp_path / "base.rasoat", n=3)
    commune = {"code": "02674", "name": "Xã Bảo Yên", "province_code": "15"}
    other_id = "6a1f0c7e-5b2d-4e3f-8a9b-0c1d2e3f4a5b"
    moved = _edited_copy(base, tmp_path / "xa-khac.rasoat", commune=commune, package_id=other_id)
    before = dump(registry)
    [outcome] = load(registry, moved)
    assert outcome.status == "refused"
    assert "Xã ghi trong bản kê của gói khác xã trong phần thông tin xã" in outcome.message
    assert dump(registry) == before


def test_a_commune_named_otherwise_than_the_2025_list_is_loaded_with_a_word(
    registry: str, tmp_path: Path
) -> None:
    """The code decides where a commune's rows go; a name that is not the 2025 list's for it
    (typed by hand, or a code picked wrong at the first start) was taken without a word."""
    at = "2026-10-0{}T08:00:00+00:00"
    as_listed = make_package(tmp_path / "a.rasoat", n=2, created_at=at.format(1))
    short = make_package(tmp_path / "b.rasoat", n=2, created_at=at.format(2), name="Bảo Yên")
    # The same name decomposed (NFD), as some keyboards type it.
    nfd = unicodedata.normalize("NFD", "Xã Bảo Yên")
    decomposed = make_package(tmp_path / "c.rasoat", n=2, created_at=at.format(3), name=nfd)
    other = make_package(tmp_path / "d.rasoat", n=2, created_at=at.format(4), name="Xã Bảo Hà")
    outcomes = load(registry, as_listed, short, decomposed, other)
    assert [o.status for o in outcomes] == ["loaded"] * 4
    for fine in outcomes[:3]:
        assert not [w for w in fine.receipt.warnings if "danh mục" in w]
    [said] = [w for w in outcomes[3].receipt.warnings if "danh mục" in w]
    assert said == (
        "tên xã trong gói ('Xã Bảo Hà') khác tên trong danh mục đơn vị hành chính năm 2025 "
        "của mã 02947 ('Xã Bảo Yên'): hãy hỏi xã kiểm tra lại mã xã và tên xã."
    )


def test_a_package_of_a_newer_version_is_not_called_damaged(registry: str, tmp_path: Path) -> None:
    """A commune on a newer Rà soát sent a package of a format this install does not read:
    the province was told "bị hỏng hoặc không hợp lệ" and would ask the commune for another
    copy, when it is the province's install that needs the update. ``keys --trust`` too."""
    from registry.keys import trust_from_package

    newer = _edited_copy(
        make_package(tmp_path / "base.rasoat", n=2),
        tmp_path / "moi.rasoat",
        format_version=99,
        package_id="6a1f0c7e-5b2d-4e3f-8a9b-0c1d2e3f4a5c",
    )
    before = dump(registry)
    [outcome] = load(registry, newer)
    assert outcome.status == "refused"
    assert "bị hỏng" not in outcome.message
    assert "phiên bản Rà soát mới hơn" in outcome.message
    assert "máy của tỉnh" in outcome.message
    assert dump(registry) == before
    with connect(registry) as conn, pytest.raises(RegistryError) as caught:
        trust_from_package(conn, newer)
    assert "bị hỏng" not in caught.value.message
    assert "phiên bản Rà soát mới hơn" in caught.value.message
    assert "rồi chạy lại lệnh tin cậy khoá này" in caught.value.message  # not "nạp lại"


def test_a_package_of_a_newer_release_with_a_field_unknown_here_asks_for_an_update(
    registry: str, tmp_path: Path
) -> None:
    """Rà soát 99.0 at the commune wrote a member's field this install does not know (the
    format's records refuse unknown keys): the province was told the package "bị hỏng",
    when its own install is the one behind."""
    from db.version import __version__

    newer = _edited_copy(
        make_package(tmp_path / "base.rasoat", n=2),
        tmp_path / "ban-moi.rasoat",
        member_field="truong_moi",
        app_version="99.0.0",
        package_id="6a1f0c7e-5b2d-4e3f-8a9b-0c1d2e3f4a5d",
    )
    before = dump(registry)
    [outcome] = load(registry, newer)
    assert outcome.status == "refused"
    assert "truong_moi" in outcome.message  # what this install could not read, still said
    assert "bị hỏng" not in outcome.message
    assert f"Rà soát 99.0.0, mới hơn bản trên máy của tỉnh ({__version__})" in outcome.message
    # The province's advice only, the release named once: not the commune officer's too.
    assert "hãy cập nhật phần mềm rồi nhập lại" not in outcome.message
    assert outcome.message.count("99.0.0") == 1
    assert dump(registry) == before
    # The same field from a release not newer than this one is damage, said as before.
    same = _edited_copy(
        make_package(tmp_path / "base2.rasoat", n=2),
        tmp_path / "sua-tay.rasoat",
        member_field="truong_moi",
        app_version=__version__,
        package_id="6a1f0c7e-5b2d-4e3f-8a9b-0c1d2e3f4a5e",
    )
    [outcome] = load(registry, same)
    assert "bị hỏng hoặc không hợp lệ" in outcome.message


def test_the_province_s_receipt_is_headed_by_the_province(registry: str, tmp_path: Path) -> None:
    """The registry's receipt reused the commune import's header: "UBND XÃ BẢO YÊN", dated
    "Bảo Yên, ngày …", above "Nhập lúc … trên máy cơ sở dữ liệu của tỉnh", as if the commune
    had issued it. The commune import's own receipt keeps its commune's header."""
    from db.exchange.receipt import Receipt
    from reports.receipt import receipt_document

    [outcome] = load(registry, make_package(tmp_path / "xa.rasoat", n=3))
    assert outcome.receipt is not None
    header = receipt_document(outcome.receipt).parts[0].header
    assert header.issuer == ["UBND TỈNH LÀO CAI"]
    assert header.date_line().startswith("Lào Cai, ngày ")
    # Sent back as JSON, it reads back with whom it was issued by.
    again = Receipt.from_json(outcome.receipt.to_json())
    assert receipt_document(again).parts[0].header.issuer == ["UBND TỈNH LÀO CAI"]
    commune = Receipt("id", "goi.rasoat", "02947", "Xã Bảo Yên", "", "", "", "")
    assert receipt_document(commune).parts[0].header.issuer == ["UBND XÃ BẢO YÊN"]
