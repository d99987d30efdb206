"""The Store's households part (``store.households``): a household's row, its members,
causes and needs, its search row and its revisions, written in one transaction with their
audit rows; read back as ``forms.model.Household``. Its answers and result in a round are the
results part's (``store.results``), called from ``save`` within the same transaction.

``write``, ``append_rev``, ``member_docs``, ``village_of`` and ``require_stored`` are the part's
internal API for the rest of ``db`` (a merge writes households through ``write``; year-round
records check their household with ``require_stored`` and ``village_of``)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from db.bulk import insert_rows
from db.deep_check import naming_damage
from db.errors import ChangedElsewhere, CodeTaken, NotFound, StoreError
from db.households import diff, household_doc, household_from_docs
from db.records import Change, Round
from db.search import index_text, year_round_words, year_round_words_of
from db.store_stamps import dumps, later_than, new_id, now_utc
from forms.model import Household, nfc
from forms.roles import Action

if TYPE_CHECKING:
    from db.store import Store
    from forms.classify import Result


_INSERT_HOUSEHOLD = (
    "INSERT INTO households (id, code, village, head_name, size, doc, rev, created_at,"
    " created_device, updated_at, updated_device, updated_by, deleted)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)"
)
_INSERT_MEMBER = "INSERT INTO members VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)"
_INSERT_CAUSE = "INSERT OR IGNORE INTO household_causes VALUES (?, ?)"
_INSERT_NEED = "INSERT OR IGNORE INTO household_needs VALUES (?, ?)"
_INSERT_REV = "INSERT INTO household_revs VALUES (?, ?, ?, ?, ?, ?, ?)"
# Households looked up or written at a time by ``save_many``: its IN (…) lists stay short.
_MANY = 500


class Households:
    # Households read at a time by ``each`` (and the results part's ``for_round``): the
    # caller may write between chunks.
    CHUNK = 500

    def __init__(self, store: Store) -> None:
        self._store = store

    def next_code(self, village: str = "") -> str:
        """A free household code ``VV-NNNN``: VV is the village's place in the list."""
        names = [v.name for v in self._store.setup.villages()]
        prefix = f"{names.index(village) + 1:02d}-" if village in names else "00-"
        used = self._store.conn.execute(
            "SELECT MAX(CAST(substr(code, 4) AS INTEGER)) FROM households "
            "WHERE code GLOB ? || '[0-9]*'",
            (prefix,),
        ).fetchone()[0]
        return f"{prefix}{(used or 0) + 1:04d}"

    def save(
        self,
        h: Household,
        *,
        round_id: str | None = None,
        result: Result | None = None,
        expected_rev: str | None = None,
    ) -> None:
        """Household, members, causes/needs, search index, audit, history and (with
        ``round_id``) the round's answers and result, in one transaction.

        A household without a code gets the next free one (``h.code`` is set). With
        ``expected_rev`` (the rev the caller's copy was read at) the household must still be
        at it, or ``ChangedElsewhere`` is raised and nothing written.
        """
        if result is not None and round_id is None:
            raise ValueError("a result needs the round it belongs to")
        # A surveyor limited to villages neither writes there nor moves a household out.
        self._store.require(Action.EDIT_HOUSEHOLD, nfc(h.village))
        stored_village = self.village_of(h.id)
        if stored_village is not None and stored_village != nfc(h.village):
            self._store.require(Action.EDIT_HOUSEHOLD, stored_village)
        if not h.code.strip():
            h.code = self.next_code(h.village)
        docs = household_doc(h)
        rounds = self._store.setup.rounds() if round_id is not None else []
        rnd = next((r for r in rounds if r.id == round_id), None)
        if round_id is not None and rnd is None:
            raise NotFound("Không tìm thấy kỳ rà soát.")
        # A household not in the file has no answers or result of its own to compare with:
        # their lookups are skipped (were it wrong, UNIQUE (household_id, round_id) refuses
        # the insert and the save rolls back; nothing is overwritten unseen).
        fresh = stored_village is None
        with self._store.transaction(), self._store.audit_batch():
            if expected_rev is not None:
                now = self.rev(h.id)
                if now is None or now[0] != expected_rev:
                    raise ChangedElsewhere(h.code)
            rev = self.write(h, now_utc(), docs)
            if rnd is not None:
                self._store.results.write_answers(
                    h, rnd.id, now_utc(), docs, rev=rev, checked=True, fresh=fresh
                )
                if result is not None:
                    self._store.results.write(
                        h.id, rnd.id, result, now_utc(), rounds=rounds, fresh=fresh
                    )
            self._store.notify(Change("household", [h.id]))

    def save_many(
        self,
        items: Sequence[tuple[Household, Result | None]],
        *,
        round_id: str | None = None,
    ) -> None:
        """Many households with their results in a round (an Excel list, the demo commune, a
        benchmark) in one transaction: each written as ``save`` writes it, with the same rows,
        audit rows in the hash chain, revisions, search rows, permissions and refusals, all
        or none of them.

        Households new to the file are written ``_MANY`` at a time, one statement a table,
        after one lookup a table for the lot (ids, codes, member ids) instead of a dozen
        statements and a savepoint each; their audit rows go into the chain in one append.
        Any other (stored already, even deleted; without a code; sharing an id, a code or a
        member with one before it) is then saved by ``save`` itself, one by one, after them:
        what refuses or moves it is ``save``'s own code. Not inside an ``audit_batch`` (the
        new ones' audit rows must be in the log before those saves).

        So the one difference from saving the items one by one in their order: a household
        without a code is numbered after every new household of the call that has one (its
        code follows theirs in its village, and never takes one a later item of the list
        names), where one by one it would take the next free code at its place in the list."""
        if round_id is None and any(result is not None for _h, result in items):
            raise ValueError("a result needs the round it belongs to")
        rounds = self._store.setup.rounds() if round_id is not None else []
        rnd = next((r for r in rounds if r.id == round_id), None)
        if round_id is not None and rnd is None:
            raise NotFound("Không tìm thấy kỳ rà soát.")
        later: list[tuple[Household, Result | None]] = []
        seen: tuple[set[str], set[str], set[str]] = (set(), set(), set())
        with self._store.transaction():
            with self._store.audit_batch():
                for start in range(0, len(items), _MANY):
                    chunk = items[start : start + _MANY]
                    later += self._insert_new(chunk, rnd, rounds, seen)
            # After the new ones' audit rows are in the log: a save below may change a row
            # one of them inserted (a member moved), whose trigger copies into those rows.
            for h, result in later:
                self.save(h, round_id=round_id, result=result)
            self._store.notify(Change("household", [h.id for h, _result in items]))

    def _insert_new(
        self,
        items: Sequence[tuple[Household, Result | None]],
        rnd: Round | None,
        rounds: list[Round],
        seen: tuple[set[str], set[str], set[str]],
    ) -> list[tuple[Household, Result | None]]:
        """Writes those of ``items`` that are new to the file (``save_many``); returns the
        others. ``seen``: the ids, codes and member ids written so far, updated."""
        conn = self._store.conn
        ids, codes, member_ids = seen
        # Each item with its code and documents, by position: an id given twice is two saves.
        prepared = [(h, result, nfc(h.code), household_doc(h)) for h, result in items]
        stored = _found(
            conn, "SELECT id FROM households WHERE id IN ({})", [p[0].id for p in prepared]
        )
        used = _found(
            conn,
            "SELECT code FROM households WHERE deleted = 0 AND code IN ({})",
            [p[2] for p in prepared],
        )
        moved = _found(
            conn,
            "SELECT id FROM members WHERE id IN ({})",
            [m["id"] for p in prepared for m in p[3][1]],
        )
        new = []
        later: list[tuple[Household, Result | None]] = []
        for h, result, code, docs in prepared:
            mids = [m["id"] for m in docs[1]]
            if (
                h.id in stored
                or h.id in ids
                or not code.strip()
                or code in used
                or code in codes
                or len(set(mids)) != len(mids)
                or not moved.isdisjoint(mids)
                or not member_ids.isdisjoint(mids)
            ):
                later.append((h, result))
                continue
            ids.add(h.id)
            codes.add(code)
            member_ids.update(mids)
            new.append((h, result, code, docs))
        for village in dict.fromkeys(nfc(p[0].village) for p in new):
            self._store.require(Action.EDIT_HOUSEHOLD, village)
        rows, members, causes, needs, revs, answers, results = [], [], [], [], [], [], []
        for h, result, code, docs in new:
            at = now_utc()
            doc, member_docs = docs
            doc = dict(doc, code=code)
            doc_text = dumps(doc)
            fields = (code, nfc(h.village), nfc(h.head_name()), h.size(), doc_text)
            rev = new_id()
            rows.append(self._new_row(h.id, fields, doc, doc_text, rev, at))
            members += [
                self._new_member(h.id, position, m, dumps(m), at)
                for position, m in enumerate(member_docs)
            ]
            causes += [(h.id, c) for c in h.causes]
            needs += [(h.id, n) for n in h.needs]
            revs.append((rev, h.id, None, self._store.device, self._store.user, at, 0))
            if rnd is not None:
                answer, first = self._store.results.first_rows(
                    h, docs, rev, result, rnd, rounds, at
                )
                answers.append(answer)
                if first is not None:
                    results.append(first)
        if not new:
            return later
        # Many rows a statement (db.bulk): cursors opened once a statement, not once a row
        # (the tables with foreign keys one execution a row still).
        insert_rows(conn, _INSERT_HOUSEHOLD, rows)
        conn.executemany(_INSERT_MEMBER, members)
        conn.executemany(_INSERT_CAUSE, causes)
        conn.executemany(_INSERT_NEED, needs)
        # The words of their year-round records (only their village's cadre can name a
        # household not in the file before: the others reference its row), once the rows are in.
        new_ids = [p[0].id for p in new]
        words = year_round_words_of(conn, new_ids)
        marks = ",".join("?" * len(new_ids))
        rowids = dict(
            conn.execute(f"SELECT id, rowid FROM households WHERE id IN ({marks})", new_ids)
        )
        # VALUES, not INSERT … SELECT: a statement that may write several rows opens a
        # statement savepoint, at which FTS5 writes out what it holds, a segment (and its
        # merging) for every household instead of one for the lot.
        conn.executemany(
            "INSERT INTO search_index (rowid, text) VALUES (?, ?)",
            [(rowids[h.id], f"{index_text(h)} {words[h.id]}".strip()) for h, *_rest in new],
        )
        conn.executemany(_INSERT_REV, revs)
        if rnd is not None:
            self._store.results.insert_first_rows(answers, results)
        return later

    def _new_row(
        self,
        household_id: str,
        fields: tuple[str, str, str, int, str],
        doc: dict[str, Any],
        doc_text: str,
        rev: str,
        at: str,
    ) -> tuple[Any, ...]:
        """A new household's row (``fields``: code, village, head name, size, document text),
        its audit row recorded."""
        self._store.record_change(
            "households",
            household_id,
            household_id,
            "insert",
            None,
            doc,
            at,
            in_row=True,
            new_text=doc_text,
        )
        device, user = self._store.device, self._store.user
        return (household_id, *fields, rev, at, device, at, device, user)

    def _new_member(
        self, household_id: str, position: int, doc: dict[str, Any], text: str, at: str
    ) -> tuple[Any, ...]:
        """A new member's row, its audit row recorded."""
        mid = doc["id"]
        self._store.record_change(
            "members", mid, household_id, "insert", None, doc, at, in_row=True, new_text=text
        )
        device = self._store.device
        name, id_number = doc.get("name") or "", doc.get("id_number") or None
        return (mid, household_id, position, name, id_number, text, at, device, at, device)

    def write(
        self, h: Household, at: str, docs: tuple[dict[str, Any], list[dict[str, Any]]] | None = None
    ) -> str:
        """Writes what changed; returns the household's rev afterwards."""
        code = nfc(h.code)
        old = self._store.conn.execute(
            "SELECT rowid, doc, rev, deleted, code, village, head_name, size FROM households"
            " WHERE id = ?",
            (h.id,),
        ).fetchone()
        # A live household keeping its code cannot clash (households_live_code is UNIQUE): the
        # lookup, a page read and decrypted in an encrypted file, is for a code that changes.
        if old is None or old[3] or old[4] != code:
            clash = self._store.conn.execute(
                "SELECT 1 FROM households WHERE code = ? AND deleted = 0 AND id != ?",
                (code, h.id),
            ).fetchone()
            if clash:
                raise CodeTaken(code)
        doc, member_docs = docs or household_doc(h)
        doc = dict(doc, code=code)
        # Members reference their household: a new household row must come first.
        members_changed = self._write_members(h.id, member_docs, at) if old else True
        rev = new_id()
        doc_text = dumps(doc)
        fields = (code, nfc(h.village), nfc(h.head_name()), h.size(), doc_text)
        if old is None:
            cur = self._store.conn.execute(
                _INSERT_HOUSEHOLD, self._new_row(h.id, fields, doc, doc_text, rev, at)
            )
            rowid = cur.lastrowid
            self._write_members(h.id, member_docs, at)
            parent = None
        else:
            rowid, old_doc_text, parent, was_deleted = old[:4]
            old_doc = json.loads(old_doc_text)
            before, after = diff(old_doc, doc)
            if was_deleted:
                before["deleted"], after["deleted"] = True, False
            if not before and not after and not members_changed:
                return str(parent)  # nothing changed: no new revision, no history noise
            # Only the columns whose values changed are set: SQLite rewrites the index entries
            # of every column set, changed or not (for a note edit, the code, village, head
            # name and id indexes: four pages read and written, each decrypted and encrypted
            # again in an encrypted file; issue 20).
            sets = ["doc = ?", "rev = ?", "updated_at = ?", "updated_device = ?", "updated_by = ?"]
            values: list[Any] = [doc_text, rev, at, self._store.device, self._store.user]
            for column, value, stored in zip(
                ("code", "village", "head_name", "size"), fields[:4], old[4:], strict=True
            ):
                if value != stored:
                    sets.append(f"{column} = ?")
                    values.append(value)
            if was_deleted:
                sets.append("deleted = 0")
            self._store.conn.execute(
                f"UPDATE households SET {', '.join(sets)} WHERE id = ?", (*values, h.id)
            )
            if before or after:
                self._store.record_change("households", h.id, h.id, "update", before, after, at)
            if old_doc.get("causes") == doc["causes"] and old_doc.get("needs") == doc["needs"]:
                self._index(rowid, h)
                self.append_rev(h.id, rev, parent, at, deleted=False)
                return rev
        if old is not None:
            self._store.conn.execute("DELETE FROM household_causes WHERE household_id = ?", (h.id,))
            self._store.conn.execute("DELETE FROM household_needs WHERE household_id = ?", (h.id,))
        self._store.conn.executemany(_INSERT_CAUSE, [(h.id, c) for c in h.causes])
        self._store.conn.executemany(_INSERT_NEED, [(h.id, n) for n in h.needs])
        self._index(rowid, h, new=old is None)
        self.append_rev(h.id, rev, parent, at, deleted=False)
        return rev

    def _index(
        self, rowid: int | None, h: Household | str, *, new: bool = False, hid: str = ""
    ) -> None:
        """``h``: the household, or its ``index_text`` already made (``hid`` its id)."""
        words = index_text(h) if isinstance(h, Household) else h
        hid = h.id if isinstance(h, Household) else hid
        text = f"{words} {year_round_words(self._store.conn, hid)}".strip()
        if not new:
            # Most edits (a note, an answer, a score) leave the searched words as they were:
            # rewriting them would write a third of a save's pages (FTS5's data, index,
            # content and size tables), each encrypted and authenticated in an encrypted file.
            held = self._store.conn.execute(
                "SELECT text FROM search_index WHERE rowid = ?", (rowid,)
            ).fetchone()
            if held is not None and held[0] == text:
                return
            self._store.conn.execute("DELETE FROM search_index WHERE rowid = ?", (rowid,))
        self._store.conn.execute(
            "INSERT INTO search_index (rowid, text) VALUES (?, ?)", (rowid, text)
        )

    def reindex(
        self,
        household_ids: Iterable[str] = (),
        village: str | None = None,
        *,
        known: Mapping[str, Household | str] | None = None,
    ) -> None:
        """The search rows of these households (and of ``village``'s) again: their support,
        applications or cadre changed (``db.search.year_round_words``). ``known``: households
        the caller holds as stored (a merge's), not read and decoded again, or their
        ``db.search.index_text`` already made (a merge's reader made it: ``merge_prepare``)."""
        ids = set(household_ids)
        if village is not None:
            ids |= {
                r[0]
                for r in self._store.conn.execute(
                    "SELECT id FROM households WHERE village = ? AND deleted = 0", (village,)
                )
            }
        for hid in sorted(ids):
            found = self._store.conn.execute(
                "SELECT rowid FROM households WHERE id = ? AND deleted = 0", (hid,)
            ).fetchone()
            h = (known or {}).get(hid) or (self.get(hid) if found else None)
            if found and h is not None:
                self._index(found[0], h, hid=hid)

    def append_rev(
        self, household_id: str, rev: str, parent: str | None, at: str, *, deleted: bool
    ) -> None:
        self._store.conn.execute(
            _INSERT_REV,
            (rev, household_id, parent, self._store.device, self._store.user, at, int(deleted)),
        )

    def _write_members(self, household_id: str, docs: list[dict[str, Any]], at: str) -> bool:
        ids = [d["id"] for d in docs]
        if len(set(ids)) != len(ids):
            raise StoreError("Một thành viên bị ghi hai lần trong cùng một hộ.")
        existing: dict[str, tuple[str, int, str, int]] = {}
        query = "SELECT id, household_id, position, doc, deleted FROM members WHERE "
        for mid, hid, position, doc_text, deleted in self._store.conn.execute(
            query + "household_id = ?", (household_id,)
        ):
            existing[mid] = (hid, position, doc_text, deleted)
        # Members of another household (moved here) looked up by id only when there are any:
        # "household_id = ? OR id IN (…)" read a page of the members' id index per member at
        # every save.
        elsewhere = [mid for mid in ids if mid not in existing]
        if elsewhere:
            marks = ",".join("?" * len(elsewhere))
            for mid, hid, position, doc_text, deleted in self._store.conn.execute(
                query + f"id IN ({marks})", elsewhere
            ):
                existing[mid] = (hid, position, doc_text, deleted)
        changed = False
        left: set[str] = set()  # households a member moved here from
        for position, doc in enumerate(docs):
            mid = doc["id"]
            text = dumps(doc)
            id_number = doc.get("id_number") or None
            name = doc.get("name") or ""
            if mid not in existing:
                self._store.conn.execute(
                    _INSERT_MEMBER, self._new_member(household_id, position, doc, text, at)
                )
                changed = True
                continue
            old_hid, old_position, old_text, deleted = existing[mid]
            if (
                old_position == position
                and not deleted
                and old_hid == household_id
                # The same content written differently (a file from an older version, a
                # merged package) is no change either: no revision, no empty history entry.
                and (old_text == text or json.loads(old_text) == doc)
            ):
                continue
            before, after = diff(json.loads(old_text), doc)
            if old_position != position:
                before["position"], after["position"] = old_position, position
            if deleted:
                before["deleted"], after["deleted"] = True, False
            if old_hid != household_id:
                before["household_id"], after["household_id"] = old_hid, household_id
                left.add(old_hid)
            self._store.conn.execute(
                "UPDATE members SET household_id = ?, position = ?, name = ?, id_number = ?,"
                " doc = ?, updated_at = ?, updated_device = ?, deleted = 0 WHERE id = ?",
                (household_id, position, name, id_number, text, at, self._store.device, mid),
            )
            self._store.record_change("members", mid, household_id, "update", before, after, at)
            changed = True
        for mid, (hid, _position, old_text, deleted) in existing.items():
            if hid == household_id and mid not in ids and not deleted:
                self._delete_member(mid, household_id, old_text, at)
                changed = True
        self._refresh_left(left)
        return changed

    def _refresh_left(self, household_ids: set[str]) -> None:
        """The households members moved away from (a member moved between households, by a
        save or a merged package): their indexed copies (head's name, size) and search words
        follow their members rows, which now hold the member elsewhere. No revision of theirs
        is made here: their history is the laptop's that edits them (a package moving the
        member carries them too when it carries their change)."""
        for hid in sorted(household_ids):
            h = self.get(hid)
            if h is None:
                continue
            self._store.conn.execute(
                "UPDATE households SET head_name = ?, size = ? WHERE id = ?",
                (nfc(h.head_name()), h.size(), hid),
            )
            self.reindex([hid], known={hid: h})

    def _delete_member(self, member_id: str, household_id: str, old_text: str, at: str) -> None:
        self._store.conn.execute(
            "UPDATE members SET deleted = 1, updated_at = ?, updated_device = ? WHERE id = ?",
            (at, self._store.device, member_id),
        )
        self._store.record_change(
            "members", member_id, household_id, "delete", json.loads(old_text), None, at
        )

    def delete(self, household_id: str) -> None:
        """Tombstone: the row stays (deleted = 1) with its history; lists no longer show it."""
        row = self._store.conn.execute(
            "SELECT rowid, doc, rev, deleted FROM households WHERE id = ?", (household_id,)
        ).fetchone()
        if row is None or row[3]:
            raise NotFound("Không tìm thấy hộ cần xoá.")
        self._store.require(Action.DELETE_HOUSEHOLD, self.village_of(household_id))
        rowid, doc_text, parent, _ = row
        # After every member removed before: restoring tells the members deleted with the
        # household from those by this time (db.undelete), and a removal saved in the same
        # millisecond came back with it.
        removed = self._store.conn.execute(
            "SELECT max(updated_at) FROM members WHERE household_id = ? AND deleted = 1",
            (household_id,),
        ).fetchone()[0]
        at = later_than(now_utc(), removed)
        rev = new_id()
        with self._store.transaction():
            for mid, text in self._store.conn.execute(
                "SELECT id, doc FROM members WHERE household_id = ? AND deleted = 0",
                (household_id,),
            ).fetchall():
                self._delete_member(mid, household_id, text, at)
            self._store.conn.execute(
                "UPDATE households SET deleted = 1, rev = ?, updated_at = ?, updated_device = ?,"
                " updated_by = ? WHERE id = ?",
                (rev, at, self._store.device, self._store.user, household_id),
            )
            self._store.conn.execute("DELETE FROM search_index WHERE rowid = ?", (rowid,))
            self._store.record_change(
                "households", household_id, household_id, "delete", json.loads(doc_text), None, at
            )
            self.append_rev(household_id, rev, parent, at, deleted=True)
            self._store.notify(Change("household", [household_id]))

    def get(self, household_id: str) -> Household | None:
        row = self._store.conn.execute(
            "SELECT doc FROM households WHERE id = ? AND deleted = 0", (household_id,)
        ).fetchone()
        if row is None:
            return None
        members = self.member_docs([household_id])[household_id]
        with naming_damage(self._store.conn, self._store.path):
            return household_from_docs(row[0], members)

    def by_code(self, code: str) -> Household | None:
        row = self._store.conn.execute(
            "SELECT id FROM households WHERE code = ? AND deleted = 0", (nfc(code),)
        ).fetchone()
        return self.get(row[0]) if row else None

    def rev(self, household_id: str) -> tuple[str, bool] | None:
        """(current rev, deleted) of a household, tombstones included."""
        row = self._store.conn.execute(
            "SELECT rev, deleted FROM households WHERE id = ?", (household_id,)
        ).fetchone()
        return (row[0], bool(row[1])) if row else None

    def member_docs(self, household_ids: list[str]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {hid: [] for hid in household_ids}
        marks = ",".join("?" * len(household_ids))
        for hid, doc in self._store.conn.execute(
            f"SELECT household_id, doc FROM members WHERE deleted = 0 AND household_id IN ({marks})"
            " ORDER BY household_id, position",
            household_ids,
        ):
            out[hid].append(doc)
        return out

    def each(self, village: str | None = None) -> Iterator[Household]:
        """Every live household in code order, read in chunks (safe to write in between)."""
        last = ""
        while True:
            sql = "SELECT id, code, doc FROM households WHERE deleted = 0 AND code > ?"
            params: list[Any] = [last]
            if village is not None:
                sql += " AND village = ?"
                params.append(village)
            rows = self._store.conn.execute(
                sql + f" ORDER BY code LIMIT {self.CHUNK}", params
            ).fetchall()
            if not rows:
                return
            members = self.member_docs([r[0] for r in rows])
            with naming_damage(self._store.conn, self._store.path):
                decoded = [household_from_docs(doc, members[hid]) for hid, _code, doc in rows]
            yield from decoded
            last = rows[-1][1]

    def village_of(self, household_id: str) -> str | None:
        row = self._store.conn.execute(
            "SELECT village FROM households WHERE id = ?", (household_id,)
        ).fetchone()
        return None if row is None else str(row[0])

    def stored(self, household_id: str) -> bool:
        """Whether the household is saved and not deleted."""
        return (
            self._store.conn.execute(
                "SELECT 1 FROM households WHERE id = ? AND deleted = 0", (household_id,)
            ).fetchone()
            is not None
        )

    def require_stored(self, household_id: str) -> None:
        if not self.stored(household_id):
            raise NotFound("Không tìm thấy hộ.")


def _found(conn: Any, sql: str, values: list[str]) -> set[str]:
    """The values ``sql`` (one column, ``IN ({})``) finds among ``values``."""
    if not values:
        return set()
    marks = ",".join("?" * len(values))
    return {r[0] for r in conn.execute(sql.format(marks), values)}
