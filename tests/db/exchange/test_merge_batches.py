"""A merge writes its new households a chunk at a time (rows, then their answers and results
with one append to the audit chain) and the others one by one with one append at the end
(``merge_apply.write_merge``). These hold what that must not change: every row and audit row
as a household-by-household write gives them, the chain verified, transitions worked out
against the years written just before, a conflict among the new households left out of
the chunk's writes, and a member written twice in one package never batched."""

from __future__ import annotations

import json
import uuid
import zlib
from dataclasses import replace
from pathlib import Path

from db import audit
from db.exchange.devices import UNSIGNED_OK
from db.exchange.merge import import_package
from db.exchange.package import PackageRecord, RevEntry, write_package
from db.store import Store
from forms.classify import classify, result_to_dict
from forms.model import Category, Household, Member
from forms.standards import load_standard
from forms.transitions import transition_from_history
from tests.db.exchange.commune import COMMUNE
from tests.db.exchange.records import records

NEW_MEMBER = "5b0c2a8e-3f4d-4e7a-9c61-0d2f8b7a1e55"


def _result(h: Household, category: Category, standard_id: str, year: int) -> dict[str, object]:
    """The household classified, then given ``category`` (a surveyor's correction)."""
    found = classify(h, load_standard(standard_id), year)
    return result_to_dict(replace(found, category=category))


def _commune(path: Path) -> tuple[dict[str, dict[str, object]], Household]:
    """A commune file with rounds 2025 and 2026 and one household of its own, coded like
    the package's fourth new household; returns the rounds as a package names them."""
    with Store.create(path, COMMUNE, user="Cán bộ xã", device="may-xa") as store:
        old = store.start_round(2025, "nd07-2022-2025")
        new = store.start_round(2026, "nd351-2026-2030")
        mine = Household(code="HO00003", village="Thôn 1", members=[Member(name="Hộ Của Xã")])
        store.save_household(mine)
    rounds = {
        str(r.year): {"id": r.id, "year": r.year, "standard_id": r.standard_id, "kind": r.kind}
        for r in (old, new)
    }
    return rounds, mine


def _package(path: Path, recs: list[PackageRecord], rounds: list[dict[str, object]]) -> Path:
    write_package(path, {"app_version": "test", "commune": {"code": "10105"}},
                  {"rounds": rounds}, recs)  # fmt: skip
    return path


def _audit_tables(conn: object, household_id: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for tbl, source in conn.execute(  # type: ignore[attr-defined]
        "SELECT tbl, source FROM audit WHERE household_id = ?", (household_id,)
    ):
        assert source is not None
        assert "may-a.rasoat" in source
        out[tbl] = out.get(tbl, 0) + 1
    return out


def test_new_households_in_one_chunk_with_a_conflict_among_them(tmp_path: Path) -> None:
    db = tmp_path / "xa.db"
    rounds, _mine = _commune(db)
    recs = records(40, seed=11)
    categories = [Category.POOR, Category.NEAR_POOR, Category.NOT_POOR]
    for i, rec in enumerate(recs):
        rec.results = {
            str(rounds["2025"]["id"]): _result(
                rec.household, categories[i % 3], "nd07-2022-2025", 2025
            ),
            str(rounds["2026"]["id"]): _result(
                rec.household, categories[(i + 1) % 3], "nd351-2026-2030", 2026
            ),
        }
        if i % 2:  # the newer year listed first: written oldest first all the same
            rec.results = dict(reversed(list(rec.results.items())))
    pkg = _package(tmp_path / "may-a.rasoat", recs, list(rounds.values()))
    with Store.open(db, user="Cán bộ xã", device="may-xa") as store:
        receipt = import_package(store, pkg, trusted=[UNSIGNED_OK])
        conn = store.conn
        assert receipt.count("added") == 39
        assert receipt.count("code_taken") == 1
        taken = recs[3].household.id
        assert conn.execute("SELECT 1 FROM households WHERE id = ?", (taken,)).fetchone() is None
        for table in ("answers", "results"):
            found = conn.execute(f"SELECT 1 FROM {table} WHERE household_id = ?", (taken,))
            assert found.fetchone() is None
        assert conn.execute(
            "SELECT kind FROM exchange_conflicts WHERE household_id = ?", (taken,)
        ).fetchone() == ("code_taken",)
        from forms.codec import to_dict

        for i, rec in enumerate(recs):
            if i == 3:
                continue
            h = rec.household
            answers = conn.execute(
                "SELECT round_id, household_rev, doc FROM answers WHERE household_id = ?"
                " ORDER BY round_id",
                (h.id,),
            ).fetchall()
            assert sorted(r[0] for r in answers) == sorted(str(r["id"]) for r in rounds.values())
            for _round_id, rev, doc in answers:
                assert rev == rec.rev
                assert json.loads(zlib.decompress(doc)) == to_dict(h)
            by_round = dict(
                conn.execute(
                    "SELECT round_id, transition FROM results WHERE household_id = ?", (h.id,)
                ).fetchall()
            )
            expected = transition_from_history([categories[i % 3]], categories[(i + 1) % 3])
            assert by_round[str(rounds["2025"]["id"])] is None
            assert by_round[str(rounds["2026"]["id"])] == (expected.value if expected else None)
            members = len(h.members)
            assert _audit_tables(conn, h.id) == {
                "households": 1,
                "members": members,
                "answers": 2,
                "results": 2,
            }
        assert audit.verify(conn) is None


def test_two_rounds_of_a_package_one_round_here(tmp_path: Path) -> None:
    # Both of the package's rounds of 2026 are this file's round of 2026: the new household
    # gets one answer and one result there, the later one written over the first.
    db = tmp_path / "xa.db"
    rounds, _mine = _commune(db)
    rec = records(1, seed=12)[0]
    theirs = [
        {"id": "ky-a", "year": 2026, "standard_id": "nd351-2026-2030", "kind": "periodic"},
        {"id": "ky-b", "year": 2026, "standard_id": "nd351-2026-2030", "kind": "periodic"},
    ]
    rec.results = {
        "ky-a": _result(rec.household, Category.POOR, "nd351-2026-2030", 2026),
        "ky-b": _result(rec.household, Category.NEAR_POOR, "nd351-2026-2030", 2026),
    }
    pkg = _package(tmp_path / "may-a.rasoat", [rec], theirs)
    with Store.open(db, user="Cán bộ xã", device="may-xa") as store:
        assert import_package(store, pkg, trusted=[UNSIGNED_OK]).count("added") == 1
        here = str(rounds["2026"]["id"])
        conn = store.conn
        assert conn.execute(
            "SELECT round_id FROM answers WHERE household_id = ?", (rec.household.id,)
        ).fetchall() == [(here,)]
        assert conn.execute(
            "SELECT round_id, category FROM results WHERE household_id = ?", (rec.household.id,)
        ).fetchall() == [(here, "near_poor")]
        assert audit.verify(conn) is None


def test_a_member_written_twice_in_one_package_keeps_the_chain(tmp_path: Path) -> None:
    # Two households of the file, each sent back with the same new member under two names:
    # a row inserted and then changed in one batch would have its audit row point at the
    # changed document, so such a package is written with an append a household.
    db = tmp_path / "xa.db"
    rounds, _mine = _commune(db)
    a, b = records(2, seed=13)
    with Store.open(db, user="Cán bộ xã", device="may-xa") as store:
        for rec in (a, b):
            store.save_household(rec.household)
        revs = {rec.household.id: store.household_rev(rec.household.id) for rec in (a, b)}
    for rec, name in ((a, "Người Mới Một"), (b, "Người Mới Hai")):
        parent = revs[rec.household.id]
        assert parent is not None
        rec.household.members.append(Member(id=NEW_MEMBER, name=name))
        rec.rev = str(uuid.uuid4())
        rec.revs = [RevEntry(rec.rev, parent[0], "may-a", "cb", "2026-02-01")]
    pkg = _package(tmp_path / "may-a.rasoat", [a, b], [])
    with Store.open(db, user="Cán bộ xã", device="may-xa") as store:
        assert import_package(store, pkg, trusted=[UNSIGNED_OK]).count("updated") == 2
        row = store.conn.execute(
            "SELECT household_id, name FROM members WHERE id = ?", (NEW_MEMBER,)
        ).fetchone()
        assert row == (b.household.id, "Người Mới Hai")
        assert audit.verify(store.conn) is None
