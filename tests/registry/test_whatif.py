"""The province what-if on a real server: its counts against classifying each household here,
a superseded load and deleted households left out, documents with awkward texts read back
as they were, a failing worker said in Vietnamese."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from forms.classify import classify
from forms.codec import household_from_dict
from forms.standards import load_standard
from registry import whatif
from registry.database import RegistryError, connect, init
from registry.load import load_packages
from registry.whatif import Share, province_whatif, share_rows
from tests.registry.packages import households, make_package, staff_login, trust_communes

STANDARD = "nd351-2026-2030"


def delete_two(dsn: str, commune: str) -> None:
    """Two households of the commune's current load marked deleted."""
    with connect(dsn) as conn:
        conn.execute(
            "UPDATE households SET deleted = true WHERE commune_code = %(c)s"
            " AND household_id IN (SELECT household_id FROM households"
            " WHERE commune_code = %(c)s ORDER BY household_id LIMIT 2)",
            {"c": commune},
        )


def straightforward(dsn: str, year: int) -> dict[str, Counter[tuple[str | None, str]]]:
    """Each live household of each commune's current load read on its own, classified here
    and paired with its category stored for ``year``."""
    standard = load_standard(STANDARD)
    out: dict[str, Counter[tuple[str | None, str]]] = {}
    with connect(dsn) as conn:
        current = conn.execute(
            "SELECT id, commune_code FROM loads WHERE valid_to IS NULL AND NOT for_upper_level"
        ).fetchall()
        for load_id, commune in current:
            pairs = out.setdefault(commune, Counter())
            homes = conn.execute(
                "SELECT household_id, deleted, doc::text FROM households WHERE load_id = %s",
                (load_id,),
            ).fetchall()
            for household_id, deleted, doc in homes:
                if deleted:
                    continue
                stored = conn.execute(
                    "SELECT category FROM household_years WHERE load_id = %s"
                    " AND household_id = %s AND year = %s",
                    (load_id, household_id, year),
                ).fetchone()
                new = classify(household_from_dict(json.loads(doc)), standard, year)
                pairs[(stored[0] if stored else None, new.category.value)] += 1
    return out


def test_whatif_counts_equal_classifying_each_household_here(province: str) -> None:
    """``province`` (conftest): three communes, one loaded twice."""
    delete_two(province, "02674")
    seen: list[int] = []
    with connect(province) as conn:
        result = province_whatif(
            conn, STANDARD, 2026, workers=2, chunk_size=7, progress=seen.append
        )
    expected = straightforward(province, 2026)
    assert {c.commune_code: c.pairs for c in result.communes} == expected
    assert result.households == 40 + 23 + 15  # the newer load only; two deleted left out
    assert seen == sorted(seen)
    assert seen[-1] == result.households
    assert len(seen) == 3  # a share a commune
    # The stored side is the year's lists in force, as the summary counts them.
    stored = Counter(old for c in result.communes for (old, _new), n in c.pairs.items()
                     for _ in range(n))  # fmt: skip
    assert None not in stored


def test_whatif_limit_stops_after_that_many_households(province: str) -> None:
    with connect(province) as conn:
        result = province_whatif(conn, STANDARD, 2026, workers=1, limit=50)
    assert result.households == 50
    # The largest commune first, whole, then the next one cut.
    by_code = {c.commune_code: c.households for c in result.communes}
    assert by_code == {"02947": 40, "02674": 10, "02647": 0}


def test_whatif_reads_documents_whose_texts_hold_backslashes_and_quotes(
    pg_dsn: str, tmp_path: Path
) -> None:
    """Notes and addresses with backslashes, quotes and line breaks (JSON escapes in the
    document) come back from the workers' cursor as they were, and each household is
    classified as in this process."""
    homes = households(12, 5)
    for i, h in enumerate(homes):
        h.note = f'Ghi chú \\ "trích" {i}\\n dòng\nhai \\\\ \\t'
        h.address = "Ngõ 3\\5, Tổ 7"
        if h.members:
            h.members[0].note = '\\u00e9 là chữ \\\\ "é"'
    with connect(pg_dsn) as conn:
        init(conn, "15")
        trust_communes(conn)
        path = make_package(tmp_path / "x.rasoat", "02947", homes=homes, seed=5)
        assert [o.status for o in load_packages(conn, [path])] == ["loaded"]
        (load_id,) = conn.execute("SELECT id FROM loads").fetchone() or (0,)
        with conn.transaction():
            rows = list(share_rows(conn, "15", 2026, Share(load_id, "02947"), chunk=5))
        result = province_whatif(conn, STANDARD, 2026, workers=1, chunk_size=5)
    read = [household_from_dict(json.loads(doc)) for _stored, doc in rows]
    assert sorted(read, key=lambda h: h.id) == sorted(homes, key=lambda h: h.id)
    std = load_standard(STANDARD)
    (commune,) = result.communes
    mine = Counter(classify(h, std, 2026).category.value for h in homes)
    assert Counter({cat: commune.under_new(cat) for cat in mine}) == mine
    assert commune.households == 12


def test_a_worker_that_cannot_read_the_registry_says_so_in_vietnamese(
    province: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run here, not in a process: a snapshot that no transaction exports (its exporter
    ended) is refused by the server, and the worker's share raises the registry's error."""
    for name in ("_standard", "_conn", "_failure"):
        monkeypatch.setattr(whatif, name, getattr(whatif, name))
    whatif._init_worker(STANDARD, 2026, "15", province, "00000003-0000001B-1", 100)
    try:
        with pytest.raises(RegistryError, match="Tiến trình tính lại không đọc được"):
            whatif.classify_share(Share(1, "02947"))
    finally:
        if whatif._conn is not None:
            whatif._conn.close()
        # A worker process pauses the collector for its life; here it is this test run's:
        # left off, a later test of the pause (tests/db/exchange/test_cli.py) failed.
        import gc

        gc.enable()


def _replace_first_doc(conn: Any, doc: str) -> str:
    """The document of commune 02647's first current household (by code) replaced by the
    SQL expression ``doc``, as a hand-edited registry would hold it; that household's code."""
    (code,) = conn.execute(
        "SELECT h.code FROM households h JOIN loads l ON l.id = h.load_id"
        " AND l.valid_to IS NULL WHERE l.commune_code = '02647' ORDER BY h.code LIMIT 1"
    ).fetchone() or ("",)
    conn.execute(
        f"UPDATE households SET doc = {doc} WHERE commune_code = '02647' AND code = %s", (code,)
    )
    return str(code)


def test_a_document_the_engine_cannot_read_names_its_household_and_field(province: str) -> None:
    """A stored document the commune import would have refused (a value no answer has):
    the what-if stops with the household's code, its commune and the field, in Vietnamese."""
    with connect(province) as conn:
        code = _replace_first_doc(conn, "jsonb_set(doc::jsonb, '{area}', '\"moon\"')::json")
        with pytest.raises(RegistryError, match=f"hộ {code} của xã 02647: .*“Khu vực” \\(area\\)"):
            province_whatif(conn, STANDARD, 2026, workers=1)


def test_a_document_that_is_not_a_household_names_it_in_vietnamese(province: str) -> None:
    """A hand-edited registry row holding a JSON array instead of a household: the what-if
    stops with the commune in Vietnamese (the old handler read the code off the array and
    failed itself, a raw AttributeError), no Python error's English name."""
    with connect(province) as conn:
        _replace_first_doc(conn, "'[1, 2]'::json")
        with pytest.raises(RegistryError) as caught:
            province_whatif(conn, STANDARD, 2026, workers=1)
    message = str(caught.value)
    assert message.startswith("Không tính lại được một hộ của xã 02647: ")
    assert "Error" not in message


def test_a_login_not_allowed_the_answers_is_told_so_not_a_lost_connection(
    province: str,
) -> None:
    """A login of the Department's staff, not allowed the households' documents, was told
    "Mất kết nối tới cơ sở dữ liệu của tỉnh … Chạy lại lệnh", which no run again mends."""
    viewer = staff_login(province, "can_bo_so_whatif")
    with connect(viewer) as conn, pytest.raises(RegistryError) as caught:
        province_whatif(conn, STANDARD, workers=1)
    assert "không có quyền" in caught.value.message
    assert "Mất kết nối" not in caught.value.message


def test_the_command_says_how_many_the_new_standard_cannot_classify(
    province: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Households known only by their B1 score have no income to compare with the new
    lines: not determined under the new standard (39 of a demo commune's 151). The command
    printed poor and near-poor only, and "Đổi phân loại" counted them as changed, with no
    word of why."""
    from rasoat.cli import main

    with connect(province) as conn:
        result = province_whatif(conn, STANDARD, workers=1)
    undetermined = {c.commune_code: c.under_new("undetermined") for c in result.communes}
    assert sum(undetermined.values()) > 0  # the demo households have such ones
    assert main(["registry", "whatif", province, "--standard", STANDARD, "--workers", "1"]) == 0
    out = capsys.readouterr().out
    header = next(line for line in out.splitlines() if line.startswith("Mã xã |"))
    column = header.split(" | ").index("Chưa xác định theo chuẩn mới")
    for line in out.splitlines():
        cells = line.split(" | ")
        if cells[0] in undetermined:
            assert int(cells[column]) == undetermined[cells[0]]
    total = sum(undetermined.values())
    assert f"{total} hộ chưa xác định được theo" in out


def test_households_their_meeting_sent_back_are_left_out_as_the_commune_leaves_them(
    pg_dsn: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The commune's what-if leaves out a household its village meeting sent back ("Không
    tính 1 hộ cuộc họp thôn chưa thống nhất"): it is on no list until voted again. The
    province's counted it, its stored "not determined" against a new category, so a commune
    showed 151 households and one more changed than its own what-if of the same file."""
    from db.demo import create_demo_commune
    from db.exchange.export import export_package
    from db.records import HouseholdQuery
    from db.store import Store
    from rasoat.cli import main
    from reports.review import load_review

    path = create_demo_commune(tmp_path / "demo.rasoat.sqlite", households=80)
    with Store.open(path, user="Cán bộ", device="laptop-1") as store:
        current = store.current_round()
        assert current is not None
        sent = {e.household.id for e in load_review(store, current.id).entries if e.sent_back}
        live = store.count_households(HouseholdQuery())
        export_package(store, tmp_path / "xa.rasoat")
    assert sent
    with connect(pg_dsn) as conn:
        init(conn, "15")
        [loaded] = load_packages(conn, [tmp_path / "xa.rasoat"], trust_new=True)
        assert loaded.status == "loaded"
        result = province_whatif(conn, STANDARD, 2026, workers=1)
    [commune] = result.communes
    assert commune.households == live - len(sent)
    assert commune.sent_back == len(sent)
    assert main(["registry", "whatif", pg_dsn, "--standard", STANDARD]) == 0
    assert f"Không tính {len(sent)} hộ cuộc họp thôn chưa thống nhất" in capsys.readouterr().out


def test_a_worker_s_next_share_after_a_refusal_says_the_same(
    province: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run here, as a worker runs its shares one after another: after the server refused the
    first (a login not allowed the answers), the next ran in the transaction that refusal
    had aborted and said "Mất kết nối … Chạy lại lệnh"; the what-if showed whichever
    finished first, so the message changed from run to run."""
    import gc

    viewer = staff_login(province, "can_bo_so_share")
    for name in ("_standard", "_conn", "_failure"):
        monkeypatch.setattr(whatif, name, getattr(whatif, name))
    with connect(province) as owner:
        owner.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        (snapshot,) = owner.execute("SELECT pg_export_snapshot()").fetchone() or ("",)
        loads = owner.execute(
            "SELECT id, commune_code FROM loads WHERE valid_to IS NULL ORDER BY commune_code"
        ).fetchall()
        whatif._init_worker(STANDARD, 2026, "15", viewer, snapshot, 100)
        try:
            for load_id, commune in loads[:2]:
                with pytest.raises(RegistryError) as caught:
                    whatif.classify_share(Share(load_id, commune))
                assert "không có quyền" in caught.value.message, commune
        finally:
            if whatif._conn is not None:
                whatif._conn.close()
            gc.enable()
            owner.execute("ROLLBACK")


def test_a_commune_without_the_year_s_review_is_named_not_counted_as_changed(
    province: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A commune whose latest package holds no review of the year had every household
    counted, its stored category none, so all of them "changed" under the new standard.
    It is now left out and named, as a slim package is."""
    from rasoat.cli import main

    behind = make_package(
        tmp_path / "c2025.rasoat", "02647", n=15, seed=3, years=(2025,), created_at="2026-11-20"
    )
    with connect(province) as conn:
        assert [o.status for o in load_packages(conn, [behind])] == ["loaded"]
        result = province_whatif(conn, STANDARD, 2026, workers=1)
    assert [c.commune_code for c in result.communes] == ["02674", "02947"]
    assert result.not_reviewed == [("02647", "Phường Lào Cai")]
    assert main(["registry", "whatif", province, "--standard", STANDARD, "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert (
        "02647 | Phường Lào Cai | chưa tính lại: gói mới nhất của xã chưa có kỳ rà soát năm 2026"
        in out
    )
