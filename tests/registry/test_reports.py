"""Province reports from SQL, the Parquet export and the province what-if, on a real
server with three communes' packages (one superseded)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import openpyxl
import psycopg
import pyarrow.parquet as pq
import pytest

from forms.classify import classify
from forms.codec import household_from_dict
from forms.standards import load_standard, standard_for_year
from rasoat.cli import main
from registry import queries
from registry.database import connect, init
from registry.export import export_parquet
from registry.load import load_packages
from registry.whatif import copy_rows, province_whatif
from tests.registry.packages import households, make_package


@pytest.fixture
def province(pg_dsn: str, tmp_path: Path) -> str:
    with connect(pg_dsn) as conn:
        init(conn, "15")
        paths = [
            make_package(tmp_path / "a0.rasoat", "02947", n=30, seed=1, created_at="2026-10-01"),
            make_package(tmp_path / "a1.rasoat", "02947", n=40, seed=1, created_at="2026-10-09"),
            make_package(tmp_path / "b.rasoat", "02674", n=25, seed=2),
            make_package(tmp_path / "c.rasoat", "02647", n=15, seed=3),
        ]
        assert {o.status for o in load_packages(conn, paths)} == {"loaded"}
    return pg_dsn


def expected(n: int, seed: int, year: int = 2026) -> Counter[str]:
    standard = standard_for_year(year)
    return Counter(classify(h, standard, year).category.value for h in households(n, seed))


def test_summary_counts_each_communes_current_load(province: str) -> None:
    with connect(province) as conn:
        s = queries.summary(conn)
    assert s.year == 2026
    assert s.previous_year == 2025
    assert [r.commune_code for r in s.rows] == ["02647", "02674", "02947"]
    by_code = {r.commune_code: r for r in s.rows}
    assert by_code["02947"].households == 40  # the newer package, not 30 + 40
    for code, n, seed in (("02947", 40, 1), ("02674", 25, 2), ("02647", 15, 3)):
        assert +by_code[code].by_category == +expected(n, seed)
        assert sum(by_code[code].by_transition.values()) == n
    poor = by_code["02947"].by_category["poor"]
    first = next(iter(load_standard(s.standard_id).indicators)).id
    assert 0 <= by_code["02947"].deprived[("poor", first)] <= poor


def test_summary_and_list_print_as_pdf_and_xlsx(province: str, tmp_path: Path) -> None:
    pdf, xlsx = tmp_path / "tong-hop.pdf", tmp_path / "tong-hop.xlsx"
    assert main(["registry", "report", province, "--kind", "summary", "--out", str(pdf)]) == 0
    assert main(["registry", "report", province, "--kind", "summary", "--out", str(xlsx)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    book = openpyxl.load_workbook(xlsx)
    assert "Kết quả theo xã" in book.sheetnames
    values = [c for row in book["Kết quả theo xã"].iter_rows(values_only=True) for c in row]
    assert "Phường Cam Đường" in values
    assert "Tổng cộng" in values
    out = tmp_path / "ds.xlsx"
    args = ["registry", "report", province, "--kind", "list", "--commune", "2947"]
    assert main([*args, "--category", "poor", "--out", str(out)]) == 0
    with connect(province) as conn:
        _head, rows = queries.commune_list(conn, "2947", None, ("poor",))
    assert len(rows) == expected(40, 1)["poor"]
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    codes = {c for row in sheet.iter_rows(values_only=True) for c in row}
    assert {r.code for r in rows} <= codes
    assert main([*args, "--out", str(tmp_path / "ds.pdf")]) == 0


def test_parquet_files_read_back(province: str, tmp_path: Path) -> None:
    with connect(province) as conn:
        files = export_parquet(conn, tmp_path / "parquet")
        history = export_parquet(conn, tmp_path / "all", history=True)
    households = pq.read_table(files["households"])
    assert households.num_rows == 80
    assert set(households.column("commune_code").to_pylist()) == {"02947", "02674", "02647"}
    members = pq.read_table(files["members"])
    with psycopg.connect(province) as conn:
        current_members = conn.execute(
            "SELECT count(*) FROM members m JOIN loads l ON l.id = m.load_id"
            " WHERE l.valid_to IS NULL"
        ).fetchone()
    assert (members.num_rows,) == current_members
    results = pq.read_table(files["results"]).to_pylist()
    assert len(results) == 160
    assert {r["year"] for r in results} == {2025, 2026}
    assert all(isinstance(r["deprived"], list) for r in results)
    assert pq.read_table(history["households"]).num_rows == 110


def test_whatif_reclassifies_every_household_in_worker_processes(province: str) -> None:
    with connect(province) as conn:
        result = province_whatif(conn, "nd351-2026-2030", 2026, workers=2, chunk_size=7)
    assert result.households == 80
    by_code = {c.commune_code: c for c in result.communes}
    new_standard = load_standard("nd351-2026-2030")
    for code, n, seed in (("02947", 40, 1), ("02674", 25, 2), ("02647", 15, 3)):
        mine = Counter(classify(h, new_standard, 2026).category.value for h in households(n, seed))
        got = Counter({cat: by_code[code].under_new(cat) for cat in mine})
        assert got == mine
        assert by_code[code].stored("poor") == expected(n, seed)["poor"]


def test_whatif_reads_documents_whose_texts_hold_backslashes_and_quotes(
    pg_dsn: str, tmp_path: Path
) -> None:
    """The what-if streams rows as COPY text, which doubles every backslash: notes and
    addresses with backslashes, quotes and line breaks (JSON escapes in the document) come
    back as they were, and each household is classified as in this process."""
    homes = households(12, 5)
    for i, h in enumerate(homes):
        h.note = f'Ghi chú \\ "trích" {i}\\n dòng\nhai \\\\ \\t'
        h.address = "Ngõ 3\\5, Tổ 7"
        if h.members:
            h.members[0].note = '\\u00e9 là chữ \\\\ "é"'
    with connect(pg_dsn) as conn:
        init(conn, "15")
        path = make_package(tmp_path / "x.rasoat", "02947", homes=homes, seed=5)
        assert [o.status for o in load_packages(conn, [path])] == ["loaded"]
        with (
            conn.cursor() as cur,
            cur.copy("COPY (SELECT doc::text FROM households) TO STDOUT") as copy,
        ):
            text = b"".join(bytes(block) for block in copy)
        result = province_whatif(conn, "nd351-2026-2030", 2026, workers=1, chunk_size=5)
    assert b"\\\\\\\\" in text  # the notes' backslashes, doubled by JSON, then by COPY
    read = [household_from_dict(json.loads(doc or "")) for (doc,) in copy_rows(text)]
    assert sorted(read, key=lambda h: h.id) == sorted(homes, key=lambda h: h.id)
    std = load_standard("nd351-2026-2030")
    (commune,) = result.communes
    mine = Counter(classify(h, std, 2026).category.value for h in homes)
    assert Counter({cat: commune.under_new(cat) for cat in mine}) == mine
    assert commune.households == 12


def test_copy_rows_undo_every_escape_the_server_writes(pg_dsn: str) -> None:
    """Documents are stored as the package's lines hold them, and JSON allows raw tabs,
    carriage returns and line breaks between tokens: COPY writes them as \\t, \\r, \\n. The
    what-if's reader gives back the very text the server holds (it failed on a raw tab)."""
    docs = [
        '{"a":\t"x\\\\y \\"q\\"",\r\n "b":\t[1,\t2]}',
        '{"c": "\\\\t is not a tab", "d": "\\u0009 is"}',
        '{"e": "Nguyễn Văn Đức"}',
    ]
    with connect(pg_dsn) as conn:
        conn.execute("CREATE TEMP TABLE docs (n integer, doc json, note text)")
        for n, doc in enumerate(docs):
            conn.execute("INSERT INTO docs VALUES (%s, %s, NULL)", (n, doc))
        with (
            conn.cursor() as cur,
            cur.copy("COPY (SELECT n, doc::text, note FROM docs ORDER BY n) TO STDOUT") as copy,
        ):
            text = b"".join(bytes(block) for block in copy)
    assert b"\\t" in text  # the raw tabs, escaped by COPY
    rows = list(copy_rows(text))
    assert [r[1] for r in rows] == docs
    assert [r[2] for r in rows] == [None, None, None]
    assert [json.loads(r[1] or "") for r in rows] == [json.loads(d) for d in docs]
