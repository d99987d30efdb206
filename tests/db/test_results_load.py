"""``Store.results_for_round``, the reclassification load (issue 22): each household decoded
when it is asked for, the same objects as the field-by-field decoders give, in code order,
across chunks; a damaged document still named as damage."""

from __future__ import annotations

import json

import pytest

from db.errors import DamagedRecords
from db.store import Store
from forms.classify import classify, result_from_dict
from forms.codec import _from_dict
from forms.demo import generate_households
from forms.model import Household, Member
from forms.standards import load_standard

STANDARD = load_standard("nd07-2022-2025")


def filled(store: Store, n: int) -> str:
    rnd = store.start_round(2026, STANDARD.id)
    houses = generate_households(n, seed=3, villages=["Thôn Đồng Tâm", "Bản Nà Hin"])
    with store.transaction():
        store.save_households([(h, classify(h, STANDARD, 2026)) for h in houses], round_id=rnd.id)
    return rnd.id


def test_the_load_gives_what_the_careful_decoders_give(store: Store) -> None:
    chunk = store.households.CHUNK
    round_id = filled(store, chunk + 37)  # two chunks, the second a short one
    rows = store.conn.execute(
        "SELECT h.id, h.doc, r.doc FROM households h JOIN results r ON r.household_id = h.id"
        " AND r.round_id = ? ORDER BY h.code",
        (round_id,),
    ).fetchall()
    loaded = list(store.results_for_round(round_id))
    assert len(loaded) == len(rows) == chunk + 37
    for (h, result), (hid, hdoc, rdoc) in zip(loaded, rows, strict=True):
        careful = _from_dict(Household, json.loads(hdoc), "hộ")
        careful.members = [
            _from_dict(Member, json.loads(m), "thành viên")
            for (m,) in store.conn.execute(
                "SELECT doc FROM members WHERE household_id = ? AND deleted = 0 ORDER BY position",
                (hid,),
            )
        ]
        assert h == careful
        assert [list(vars(x)) for x in [h, *h.members]] == [
            list(vars(y)) for y in [careful, *careful.members]
        ]
        assert result == result_from_dict(json.loads(rdoc))


def test_a_damaged_result_in_a_later_chunk_is_named(store: Store) -> None:
    chunk = store.households.CHUNK
    round_id = filled(store, chunk + 5)
    hid, code = store.conn.execute(
        "SELECT id, code FROM households ORDER BY code LIMIT 1 OFFSET ?", (chunk + 2,)
    ).fetchone()
    (kept,) = store.conn.execute(
        "SELECT doc FROM results WHERE household_id = ?", (hid,)
    ).fetchone()
    store.conn.execute(
        "UPDATE results SET doc = ? WHERE household_id = ?", ('{"category": "xyz"}', hid)
    )
    seen: list[str] = []

    def read_all() -> None:
        for h, _result in store.results_for_round(round_id):
            seen.append(h.code)

    with pytest.raises(DamagedRecords) as exc:
        read_all()
    assert [c for c, _ in exc.value.bad] == [code]
    # Decoded one by one: the households before it were handed out, none after it.
    assert len(seen) == chunk + 2
    assert code not in seen
    # Mended, so that closing the store (its backup checks every document) finds none.
    store.conn.execute("UPDATE results SET doc = ? WHERE household_id = ?", (kept, hid))
