"""Province reports from SQL and the Parquet export, on a real server with three communes'
packages (one superseded). The what-if's tests: ``test_whatif.py``."""

from __future__ import annotations

import os
import uuid
from collections import Counter
from pathlib import Path

import openpyxl
import psycopg
import pyarrow.parquet as pq
import pytest

from forms.classify import classify
from forms.codec import household_from_dict, to_dict
from forms.standards import load_standard, standard_for_year
from rasoat.cli import main
from registry import queries
from registry.database import connect, init
from registry.export import export_parquet
from registry.load import load_packages
from tests.registry.packages import households, staff_login


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
    if os.name != "nt":  # a list of names of a commune, on a server several staff log in to
        modes = [oct((tmp_path / n).stat().st_mode & 0o777) for n in ("ds.xlsx", "ds.pdf")]
        assert modes == [oct(0o600)] * 2


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
    # ID numbers only when asked for (matching against another register).
    assert set(members.column("id_number").to_pylist()) == {None}
    with connect(province) as conn:
        named = export_parquet(conn, tmp_path / "cccd", id_numbers=True)
    numbers = pq.read_table(named["members"]).column("id_number").to_pylist()
    assert any(n for n in numbers)
    results = pq.read_table(files["results"]).to_pylist()
    assert len(results) == 160
    assert {r["year"] for r in results} == {2025, 2026}
    assert all(isinstance(r["deprived"], list) for r in results)
    assert pq.read_table(history["households"]).num_rows == 110


def test_the_movement_columns_add_up_to_the_poor_and_the_near_poor(
    pg_dsn: str, tmp_path: Path
) -> None:
    """Biểu 4 had no column for a household near-poor both years ("cận nghèo cũ"), none for
    one near-poor again ("tái cận nghèo") and none for one whose last year was not
    determined: at 32 communes, 551 of 617 near-poor households were in no column, and the
    Department could not reconcile it with Biểu 1 or the communes' own Biểu 6-7. Each group
    now adds up to the households of its category."""
    from reports.registry_summary import summary_document
    from tests.registry.packages import make_package, trust_communes

    standard = standard_for_year(2026)
    one: dict[str, object] = {}
    for h in households(200, 7):
        one.setdefault(classify(h, standard, 2026).category.value, h)
    near, out, unknown = one["near_poor"], one["not_poor"], one["undetermined"]
    # With shift=1 household i has the results of homes i, i+1, i+2 in 2024, 2025, 2026:
    # near, out, near (tái cận nghèo); near, not determined, near (khác); not determined,
    # near, near (cận nghèo cũ).
    homes = []
    for i, h in enumerate([near, out, near, unknown, near, near]):
        copy = household_from_dict(to_dict(h))  # type: ignore[arg-type]
        copy.id, copy.code = str(uuid.uuid4()), f"01-{i + 1:04d}"
        for m in copy.members:
            m.id = str(uuid.uuid4())
        homes.append(copy)
    with connect(pg_dsn) as conn:
        init(conn, "15")
        trust_communes(conn)
        paths = [
            make_package(tmp_path / "a.rasoat", "02947", n=60, seed=4),
            make_package(
                tmp_path / "b.rasoat",
                "02674",
                homes=homes,
                shift=1,
                years=(2024, 2025, 2026),
            ),
            # Its first review year: no movement, its cells blank.
            make_package(tmp_path / "c.rasoat", "02647", n=40, seed=6, years=(2026,)),
        ]
        assert {o.status for o in load_packages(conn, paths)} == {"loaded"}
        summary = queries.summary(conn)
    [results, *_deprivations, movements] = summary_document(summary).tables()
    by_code = {r.cells[0]: r.cells for r in results.rows}
    titles = [(c.group, c.title) for c in movements.columns]
    # Two rows a commune as in the commune's Biểu 6-7: households, then persons ("Nhân
    # khẩu", the code column left empty), each list's columns adding up to Biểu 1's.
    rows = movements.rows
    assert [r.cells[2] for r in rows] == ["Hộ", "Nhân khẩu"] * 4
    for homes, persons in zip(rows[:-2:2], rows[1:-2:2], strict=True):
        code = homes.cells[0]
        assert persons.cells[0] in ("", None)
        if homes.cells[3] is None:  # its first review year
            assert persons.cells[3:] == [None] * 12
            continue
        for row, poor_col, near_col in ((homes, 4, 6), (persons, 10, 11)):
            cells = dict(zip(titles, row.cells, strict=True))
            for col, group in (
                (poor_col, "Hộ nghèo năm 2026"),
                (near_col, "Hộ cận nghèo năm 2026"),
            ):
                parts = [n for (g, _t), n in cells.items() if g == group]
                assert len(parts) == 5
                assert sum(parts) == by_code[code][col], (code, row.cells[2], group)
    # The total adds up the rows: the first year's commune, blank above, is in no column.
    communes, totals = rows[:-2], rows[-2:]
    assert [r.cells[0] for r in communes[::2]] == ["02647", "02674", "02947"]
    for unit, total in zip(("Hộ", "Nhân khẩu"), totals, strict=True):
        assert total.cells[2] == unit
        for i in range(3, 15):
            assert total.cells[i] == sum(r.cells[i] or 0 for r in communes if r.cells[2] == unit)
    b = dict(zip(titles, next(r.cells for r in rows if r.cells[0] == "02674"), strict=True))
    group, other = "Hộ cận nghèo năm 2026", "Khác (năm trước chưa xác định)"
    assert (b[(group, "Tái cận nghèo")], b[(group, other)], b[(group, "Cận nghèo cũ")]) == (1, 1, 2)


def test_the_summary_is_dated_at_the_province_by_its_peoples_committee() -> None:
    """The date line read ", ngày 05 tháng 12 năm 2026" (no place) under "UBND LÀO CAI"."""
    from reports.registry_summary import summary_document

    for name, issuer, place in (
        ("Lào Cai", "UBND TỈNH LÀO CAI", "Lào Cai"),
        ("Thành phố Hà Nội", "UBND THÀNH PHỐ HÀ NỘI", "Hà Nội"),
    ):
        summary = queries.Summary("15", name, 2026, 2025, "nd07-2022-2025", [])
        header = summary_document(summary).parts[0].header
        assert header.issuer == [issuer]
        assert header.date_line().startswith(f"{place}, ngày ")


def test_an_export_refused_half_way_leaves_no_files(
    province: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A login not allowed the ID numbers asked for them: households.parquet was written,
    then members.parquet left as a valid file of 0 rows, which an analyst read as "no
    members". Now the three files appear together or not at all, and an earlier export in
    the folder stays as it was."""
    viewer = staff_login(province, "can_bo_so")
    out = tmp_path / "parquet"
    assert main(["registry", "export", viewer, "--out", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert sorted(before) == [
        "households.parquet",
        "loads.parquet",
        "members.parquet",
        "results.parquet",
    ]
    capsys.readouterr()
    assert main(["registry", "export", viewer, "--out", str(out), "--with-id-numbers"]) == 1
    assert "không có quyền" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    fresh = tmp_path / "moi"
    assert main(["registry", "export", viewer, "--out", str(fresh), "--with-id-numbers"]) == 1
    assert not fresh.exists() or not any(fresh.iterdir())


def test_one_commune_starting_next_years_review_does_not_move_the_province_s_year(
    province: str, tmp_path: Path
) -> None:
    """The default year was the latest of any commune: one commune that had started its
    2027 review (five households surveyed) turned the province's summary into "Lào Cai năm
    2027", 1 poor household of 8,647 and 8,644 not classified. The default is now the latest
    year at least half the communes have reviewed; --year still chooses any."""
    from tests.registry.packages import make_package

    later = "2026-11-20T08:00:00+00:00"
    ahead = make_package(
        tmp_path / "b2027.rasoat", "02674", n=25, seed=2, years=(2025, 2026, 2027), created_at=later
    )
    with connect(province) as conn:
        assert [o.status for o in load_packages(conn, [ahead])] == ["loaded"]
        assert queries.years(conn, "15") == [2025, 2026, 2027]
        assert (queries.summary(conn).year, queries.summary(conn).previous_year) == (2026, 2025)
        assert queries.commune_list(conn, "02947")[0].year == 2026
        assert queries.summary(conn, 2027).year == 2027
    # Two communes of three in 2027: the province's year is 2027.
    second = make_package(
        tmp_path / "c2027.rasoat", "02647", n=15, seed=3, years=(2025, 2026, 2027), created_at=later
    )
    with connect(province) as conn:
        assert [o.status for o in load_packages(conn, [second])] == ["loaded"]
        assert queries.summary(conn).year == 2027


def test_the_summary_names_the_communes_without_the_year_s_review(
    province: str, tmp_path: Path
) -> None:
    """A commune whose package holds no review of the year was a row of households all "Chưa
    phân loại", with no word of why; the summary now names it."""
    from reports.registry_summary import summary_document
    from tests.registry.packages import make_package

    behind = make_package(
        tmp_path / "c2025.rasoat", "02647", n=15, seed=3, years=(2025,), created_at="2026-11-20"
    )
    with connect(province) as conn:
        assert [o.status for o in load_packages(conn, [behind])] == ["loaded"]
        summary = queries.summary(conn)
    assert summary.year == 2026
    assert [r.commune_code for r in summary.rows if not r.reviewed] == ["02647"]
    text = " ".join(b.text for b in summary_document(summary).parts[0].blocks if hasattr(b, "text"))
    assert "Chưa có kỳ rà soát năm 2026: Phường Lào Cai (mã 02647)" in text


def test_the_export_says_which_load_each_row_is_of(province: str, tmp_path: Path) -> None:
    """With --history the rows of a commune's superseded load sat beside its current ones,
    told apart only by a load id that no file explained: loads.parquet now says each load's
    commune, package, when it was loaded and whether (and when) it was superseded."""
    assert main(["registry", "export", province, "--out", str(tmp_path / "p"), "--history"]) == 0
    loads = pq.read_table(tmp_path / "p" / "loads.parquet").to_pylist()
    assert len(loads) == 4
    bao_yen = sorted((r for r in loads if r["commune_code"] == "02947"), key=lambda r: r["load_id"])
    assert [r["households"] for r in bao_yen] == [30, 40]
    assert bao_yen[0]["valid_to"] is not None
    assert bao_yen[0]["superseded_by"] == bao_yen[1]["load_id"]
    assert bao_yen[1]["valid_to"] is None
    households = pq.read_table(tmp_path / "p" / "households.parquet")
    assert set(households.column("load_id").to_pylist()) == {r["load_id"] for r in loads}
    assert main(["registry", "export", province, "--out", str(tmp_path / "q")]) == 0
    current = pq.read_table(tmp_path / "q" / "loads.parquet").to_pylist()
    assert sorted(r["commune_code"] for r in current) == ["02647", "02674", "02947"]


@pytest.mark.skipif(os.name == "nt", reason="a file's access on Windows is its folder's list")
def test_the_export_is_readable_by_its_owner_alone(province: str, tmp_path: Path) -> None:
    """Names and households of the whole province (ID numbers with --with-id-numbers) on a
    server several staff log in to: written 0644, any account could read them."""
    out = tmp_path / "p"
    assert main(["registry", "export", province, "--out", str(out), "--with-id-numbers"]) == 0
    files = sorted(out.glob("*.parquet"))
    assert [f.name for f in files] == [
        "households.parquet",
        "loads.parquet",
        "members.parquet",
        "results.parquet",
    ]
    assert [oct(f.stat().st_mode & 0o777) for f in files] == [oct(0o600)] * len(files)
