"""One household of a package written through the Store's own write helpers: fast-forwarded
(or added) to the package's rev, its history put in place, its results written oldest year
first. A merge writes so every household it does not insert in bulk
(``merge_apply.write_merge``); so is a conflict the officer decides for the package's side
(``merge_conflicts``).
"""

from __future__ import annotations

from typing import Any

from db.exchange.merge_revs import put_history
from db.exchange.package import PackageRecord
from db.records import Round
from db.store import Store
from forms.classify import result_from_dict

Docs = tuple[dict[str, Any], list[dict[str, Any]]]  # household_doc's


def apply(
    store: Store,
    rec: PackageRecord,
    round_map: dict[str, str],
    at: str,
    *,
    rounds: list[Round] | None = None,
) -> None:
    """Fast-forward (or add) one household to the incoming rev, history included.
    ``rounds``: the file's rounds when the caller has just read them."""
    hid = rec.household.id
    made = write_content(store, rec, at)
    if made is not None:
        # The Store gave the write a rev of this laptop; the household takes the sender's.
        store.conn.execute("DELETE FROM household_revs WHERE rev = ?", (made,))
    put_history(store, rec)
    store.conn.execute(
        "UPDATE households SET rev = ?, updated_at = ?, updated_device = ?, updated_by = ?"
        " WHERE id = ?",
        (rec.rev, rec.updated_at or at, rec.updated_device, rec.updated_by, hid),
    )
    if rec.created_at:
        store.conn.execute(
            "UPDATE households SET created_at = ?, created_device = ? WHERE id = ?",
            (rec.created_at, rec.created_device, hid),
        )
    if not rec.deleted:
        write_results(store, rec, round_map, at, rounds=rounds)


def write_content(store: Store, rec: PackageRecord, at: str) -> str | None:
    """Writes the household (or its deletion) through the Store; returns the rev the Store
    made for it, or None when nothing changed."""
    hid = rec.household.id
    before = store.household_rev(hid)
    if rec.deleted:
        if before is not None and not before[1]:
            store.delete_household(hid)
    else:
        store.households.write(rec.household, at)
    after = store.household_rev(hid)
    if after is None or (before is not None and after[0] == before[0]):
        return None
    return after[0]


def write_results(
    store: Store,
    rec: PackageRecord,
    round_map: dict[str, str],
    at: str,
    *,
    fresh: bool = False,
    rounds: list[Round] | None = None,
    docs: Docs | None = None,
) -> None:
    """Oldest round first: a result's transition is worked out against the years already in
    the file, so a package listing 2026 before 2025 gave a new household "not poor in either
    period" where it had escaped poverty. A household already in the file (``fresh`` False)
    may hold results of years after the package's last one: their transitions are worked out
    again too. ``fresh``: the household was inserted by this merge (``merge_new.add_new``), at
    its rev, so it has no answers or results but those written here: nothing is looked up
    for them.
    ``rounds``: the file's rounds just read (every round of ``round_map`` among them);
    ``docs``: the household's documents just encoded."""
    rounds = rounds or store.rounds()
    year = {r.id: r.year for r in rounds}
    # In the file's order of rounds (year, then start): a monthly round of December moves
    # from that year's periodic review, so the review's result is written first.
    order = {r.id: i for i, r in enumerate(rounds)}
    ordered = sorted(
        ((round_map.get(rid, rid), res) for rid, res in rec.results.items()),
        key=lambda item: order.get(item[0], -1),
    )
    answered: set[str] = set()
    for local_round, res in ordered:
        if fresh:
            store.results.write_answers(
                rec.household,
                local_round,
                at,
                docs,
                rev=rec.rev,
                checked=local_round in year,
                # Two rounds of the package may be one round here (the same periodic year).
                fresh=local_round not in answered,
            )
        else:
            store.results.write_answers(rec.household, local_round, at, docs)
        store.results.write(
            rec.household.id,
            local_round,
            result_from_dict(res),
            at,
            rounds=rounds,
            # Its earlier years are those written just before (a transition is worked out
            # against them), so only its first result has nothing to look up.
            fresh=fresh and not answered,
        )
        answered.add(local_round)
    latest = next((r for r in rounds if ordered and r.id == ordered[-1][0]), None)
    if latest is not None and not fresh:
        store.results.refresh_later_transitions(rec.household.id, latest, at)
