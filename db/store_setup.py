"""The Store's set-up part (``store.setup``): the commune's villages and its review rounds,
what officers set up before and around a survey (Cài đặt → thôn/bản; a new round). Renaming a
village saves each of its households through the households part, with their history."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from db import audit
from db.errors import NotFound, StoreError
from db.records import Change, Round, RoundKind, Village
from db.store_stamps import new_id, now_utc
from forms.model import nfc
from forms.roles import Action
from forms.validate import village_problem

if TYPE_CHECKING:
    from db.store import Store


class Setup:
    def __init__(self, store: Store) -> None:
        self._store = store

    def villages(self) -> list[Village]:
        return [
            Village(r[0], r[1], r[2])
            for r in self._store.conn.execute(
                "SELECT id, name, code FROM villages ORDER BY position, name"
            )
        ]

    def add_village(self, name: str, code: str | None = None) -> Village:
        self._store.require(Action.SETTINGS)
        name = " ".join(nfc(name).split())
        if not name:
            raise StoreError("Tên thôn/bản không được để trống.")
        problem = village_problem(name, code)
        if problem:
            raise StoreError(problem)
        if any(v.name == name for v in self.villages()):
            raise StoreError(f"Thôn/bản “{name}” đã có.")
        at = now_utc()
        village = Village(new_id(), name, code)
        with self._store.transaction():
            position = self._store.conn.execute("SELECT COUNT(*) FROM villages").fetchone()[0]
            self._store.conn.execute(
                "INSERT INTO villages VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (village.id, name, code, position, at, self._store.device, at, self._store.device),
            )
            self._store.record_change(
                "villages", village.id, None, "insert", None, {"name": name}, at
            )
            self._store.notify(Change("village", [village.id]))
        return village

    def rename_village(self, village_id: str, name: str) -> None:
        """Renames the village and every household in it (each household saved with history)."""
        self._store.require(Action.SETTINGS)
        name = " ".join(nfc(name).split())
        if not name:
            raise StoreError("Tên thôn/bản không được để trống.")
        row = self._store.conn.execute(
            "SELECT name FROM villages WHERE id = ?", (village_id,)
        ).fetchone()
        if row is None:
            raise NotFound("Không tìm thấy thôn/bản cần đổi tên.")
        old = row[0]
        if old == name:
            return
        if any(v.name == name for v in self.villages()):
            raise StoreError(f"Thôn/bản “{name}” đã có.")
        at = now_utc()
        with self._store.transaction():
            self._store.conn.execute(
                "UPDATE villages SET name = ?, updated_at = ?, updated_device = ? WHERE id = ?",
                (name, at, self._store.device, village_id),
            )
            self._store.record_change(
                "villages", village_id, None, "update", {"name": old}, {"name": name}, at
            )
            self._store.conn.execute(
                "UPDATE postings SET village = ? WHERE village = ?", (name, old)
            )
            for h in list(self._store.households.each(village=old)):
                h.village = name
                self._store.households.save(h)
            self._store.notify(Change("village", [village_id]))

    def start_round(
        self,
        year: int,
        standard_id: str,
        kind: RoundKind = "periodic",
        reference_date: date | None = None,
    ) -> Round:
        if kind not in ("periodic", "adhoc"):
            raise ValueError(f"unknown round kind {kind!r}")
        self._store.require(Action.ROUND)
        from forms.standards import NATIONAL_IDS

        # A province's file replaces one of these, under its id (db.round_basis): a round of
        # any other id would print "Căn cứ chuẩn nghèo khong-co" on its decision.
        if standard_id not in NATIONAL_IDS:
            raise StoreError(
                f"Không có chuẩn nghèo '{standard_id}'. Các chuẩn: {', '.join(NATIONAL_IDS)}."
            )
        if kind == "periodic" and any(
            r.year == year and r.kind == "periodic" for r in self.rounds()
        ):
            raise StoreError(f"Đã có kỳ rà soát định kỳ năm {year}.")
        rnd = Round(new_id(), year, standard_id, kind, now_utc(), reference_date)
        with self._store.transaction():
            self._store.conn.execute(
                "INSERT INTO rounds VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    rnd.id,
                    year,
                    standard_id,
                    kind,
                    rnd.started_at,
                    reference_date.isoformat() if reference_date else None,
                    self._store.device,
                ),
            )
            audit.record_event(
                self._store,
                "round_started",
                {"round_id": rnd.id, "year": year, "kind": kind, "standard": standard_id},
            )
            self._store.notify(Change("round", [rnd.id]))
        return rnd

    def rounds(self) -> list[Round]:
        """Oldest first."""
        return [
            Round(r[0], r[1], r[2], r[3], r[4], date.fromisoformat(r[5]) if r[5] else None)
            for r in self._store.conn.execute(
                "SELECT id, year, standard_id, kind, started_at, reference_date FROM rounds "
                "ORDER BY year, started_at, id"
            )
        ]

    def round(self, round_id: str) -> Round | None:
        return next((r for r in self.rounds() if r.id == round_id), None)

    def current_round(self) -> Round | None:
        """The round the household list shows: the newest periodic review. A monthly
        regular round (kind "adhoc") holds only the households that applied or changed and
        updates this round's lists from its decision date
        (``db.report_queries.updating_rounds``), so opening one must not take the list's
        place. In a file with no periodic round, the newest round of any kind."""
        found = self.rounds()
        periodic = [r for r in found if r.kind == "periodic"]
        return (periodic or found)[-1] if found else None

    def open_regular_round(self) -> Round | None:
        """The newest monthly regular round still waiting for its decision, if any."""
        decided = {rid for (rid,) in self._store.conn.execute("SELECT round_id FROM decisions")}
        waiting = [r for r in self.rounds() if r.kind == "adhoc" and r.id not in decided]
        return waiting[-1] if waiting else None

    def previous_round(self, round_id: str) -> Round | None:
        """The periodic review of an earlier year whose recognised lists a round's documents
        start from ("Đầu kỳ", last year's listed households): the latest. Never a monthly
        regular round, which holds only the households reviewed that month: one opened in
        September after the periodic review was, or in December after its decision, is the
        year's latest round, and its handful of households were taken for last year's lists."""
        this = self.round(round_id)
        if this is None:
            return None
        earlier = [r for r in self.rounds() if r.year < this.year and r.kind == "periodic"]
        return earlier[-1] if earlier else None
