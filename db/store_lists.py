"""The Store's lists part (``store.lists``): the household list the main window pages
through, its counts (all, by category, by cause, by need) and the search box, over the
current round's results or the lists in force on a date. ``where`` and ``round_sql`` build the
FROM … WHERE the list and ``db.report_queries`` share."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import TYPE_CHECKING, Any

from db.households import ORDER_COLUMNS, row_from_sql
from db.records import HouseholdQuery, HouseholdRow
from db.search import match_expression
from db.year_round import responsible_cadre
from forms.model import Category, Transition

if TYPE_CHECKING:
    from db.store import Store

# Above this many search matches the list walks its ORDER BY index (``_scan_in_order``):
# sorting costs about 2.5 µs per match, walking about 0.15 µs per index entry until a page
# of 200 is full; the two meet near 1,000 matches in a 100,000-household file.
ORDERED_SCAN_MATCHES = 1_000


class Lists:
    def __init__(self, store: Store) -> None:
        self._store = store
        # The last search's match count and what it was counted on (``_match_count``).
        self._matches: tuple[tuple[str, int, int], int] | None = None

    def _resolve_round(self, round_id: str | None) -> str | None:
        if round_id is not None:
            return round_id
        current = self._store.setup.current_round()
        return current.id if current else None

    def round_sql(self, q: HouseholdQuery) -> tuple[str, list[Any]]:
        """The round whose results the query shows, as SQL over ``h``: the round asked, or
        the lists in force on ``q.on`` (today) over the current round."""
        from db import report_queries

        if q.round_id is not None:
            return "?", [q.round_id]
        base = self._resolve_round(None)
        updating = report_queries.updating_rounds(self._store.conn, base, q.on or date.today())
        return report_queries.in_force_round(base, updating)

    def where(
        self,
        q: HouseholdQuery,
        *,
        with_category: bool = True,
        join: bool | None = None,
        ordered_scan: bool = False,
    ) -> tuple[str, list[Any]]:
        """FROM … WHERE for the query. Results are joined only when a filter (or ``join``)
        needs them: the household indexes alone answer the common list and count.

        ``ordered_scan`` keeps SQLite from driving the query from the search matches (the
        unary ``+`` hides the rowid term from the planner), so it walks the ORDER BY index
        and stops at the page's end: see ``list_households``."""
        needs_results = (with_category and q.category is not None) or q.transition is not None
        sql = " FROM households h"
        params: list[Any] = []
        if join or (join is None and needs_results):
            round_sql, round_params = self.round_sql(q)
            sql += f" LEFT JOIN results r ON r.household_id = h.id AND r.round_id = {round_sql}"
            params += round_params
        sql += " WHERE h.deleted = 0"
        if q.village is not None:
            sql += " AND h.village = ?"
            params.append(q.village)
        if with_category and q.category is not None:
            if Category(q.category) is Category.UNDETERMINED:
                sql += " AND (r.category = ? OR r.category IS NULL)"
            else:
                sql += " AND r.category = ?"
            params.append(Category(q.category).value)
        if q.transition is not None:
            sql += " AND r.transition = ?"
            params.append(Transition(q.transition).value)
        if q.needs_resurvey:
            sql += (
                " AND h.id IN (SELECT household_id FROM meeting_votes"
                " WHERE round_id = ? AND agree * 2 < attendees)"
            )
            params.append(self._resolve_round(q.round_id))
        if q.cadre is not None:
            sql += f" AND {responsible_cadre()} = ?"
            params.append(q.cadre)
        expression = match_expression(q.text) if q.text else None
        if expression is not None:
            rowid = "+h.rowid" if ordered_scan else "h.rowid"
            sql += f" AND {rowid} IN (SELECT rowid FROM search_index WHERE search_index MATCH ?)"
            params.append(expression)
        return sql, params

    def _match_count(self, expression: str) -> int:
        # FTS5 answers COUNT(*) from its doclists without touching the households table;
        # the index holds live households only (deletes remove their row).
        # A keystroke asks twice, the page to choose its plan and the list for its length
        # (3-25 ms each for two letters at 100,000 households): counted once while no write
        # of this connection (total_changes) or of another (data_version) came in between.
        version = int(self._store.conn.execute("PRAGMA data_version").fetchone()[0])
        key = (expression, self._store.conn.total_changes, version)
        if self._matches is not None and self._matches[0] == key:
            return self._matches[1]
        count = int(
            self._store.conn.execute(
                "SELECT COUNT(*) FROM search_index WHERE search_index MATCH ?", (expression,)
            ).fetchone()[0]
        )
        self._matches = (key, count)
        return count

    def _scan_in_order(self, q: HouseholdQuery, column: str) -> bool:
        """Whether a text search should walk the ORDER BY index rather than sort its matches.

        Left to itself SQLite reads every match's household row and sorts them all: 60 ms
        for "ng" (24,000 matches) in a 100,000-household file. Walking the code index and
        testing each entry against the match list stops after one page: 10 ms. When the
        matches are few the sort is cheaper than the walk (a name matching nobody would walk
        the whole index), hence the threshold, measured at commune and district scale."""
        if not q.text or column not in ("h.code", "h.village"):
            return False
        expression = match_expression(q.text)
        return expression is not None and self._match_count(expression) > ORDERED_SCAN_MATCHES

    def page(self, q: HouseholdQuery) -> list[HouseholdRow]:
        column = ORDER_COLUMNS.get(q.order_by)
        if column is None:
            raise ValueError(f"cannot order households by {q.order_by!r}")
        direction = "DESC" if q.descending else "ASC"
        order = f" ORDER BY {column} {direction}, h.code {direction}"
        page = [max(0, q.limit), max(0, q.offset)]
        select = (
            "SELECT h.id, h.code, h.head_name, h.village, h.size, r.category, r.b1_score,"
            " r.deprivation_count, r.transition, h.updated_at"
        )
        if column.startswith("h.") and q.category is None and q.transition is None:
            # Page through the household indexes first; only the page's rows meet results.
            where, params = self.where(q, join=False, ordered_scan=self._scan_in_order(q, column))
            round_sql, round_params = self.round_sql(q)
            sql = (
                select + f" FROM (SELECT h.rowid AS k{where}{order} LIMIT ? OFFSET ?) page"
                " JOIN households h ON h.rowid = page.k"
                f" LEFT JOIN results r ON r.household_id = h.id AND r.round_id = {round_sql}"
                + order
            )
            params = [*params, *page, *round_params]
        else:
            where, params = self.where(q, join=True)
            sql = select + where + order + " LIMIT ? OFFSET ?"
            params = [*params, *page]
        return [row_from_sql(r) for r in self._store.conn.execute(sql, params)]

    def count(self, q: HouseholdQuery) -> int:
        expression = match_expression(q.text) if q.text else None
        only_text = (q.village, q.category, q.transition, q.cadre) == (None, None, None, None)
        if expression is not None and only_text and not q.needs_resurvey:
            return self._match_count(expression)  # 2 ms instead of 50 at 100,000 households
        where, params = self.where(q)
        return int(self._store.conn.execute("SELECT COUNT(*)" + where, params).fetchone()[0])

    def category_counts(self, q: HouseholdQuery) -> dict[Category, int]:
        """Households per category under the query's other filters; none yet → UNDETERMINED."""
        counts = dict.fromkeys(Category, 0)
        # Driven from the round's results (a covering index) rather than from households.
        round_sql, params = self.round_sql(q)
        unfiltered = dataclasses.replace(q, round_id=None, on=None, limit=0, offset=0)
        if round_sql == "?" and unfiltered == HouseholdQuery(limit=0, offset=0):
            # The whole commune (the status bar on opening, the search box emptied): the
            # results' index alone, less the deleted households' results, instead of meeting
            # every result with its household (70 ms of CPU at 100,000 households, 300 ms of
            # wall on a busy laptop, on the GUI thread).
            for category, n in self._store.conn.execute(
                "SELECT category, COUNT(*) FROM results WHERE round_id = ? GROUP BY category",
                params,
            ):
                counts[Category(category)] += n
            for category, n in self._store.conn.execute(
                "SELECT r.category, COUNT(*) FROM households h CROSS JOIN results r"
                " ON r.household_id = h.id AND r.round_id = ? WHERE h.deleted = 1"
                " GROUP BY r.category",
                params,
            ):
                counts[Category(category)] -= n
            total = self.count(q)
            counts[Category.UNDETERMINED] += total - sum(counts.values())
            return counts
        sql = (
            "SELECT r.category, COUNT(*) FROM results r JOIN households h"
            f" ON h.id = r.household_id WHERE r.round_id = {round_sql} AND h.deleted = 0"
        )
        where, more = self.where(q, with_category=False, join=False)
        sql += where.split(" WHERE h.deleted = 0", 1)[1]
        params += more  # a transition filter in there refers to this query's ``r``
        for category, n in self._store.conn.execute(sql + " GROUP BY r.category", params):
            counts[Category(category)] += n
        if q.transition is None:
            # Households the round has not classified yet count as undetermined.
            total = self.count(dataclasses.replace(q, category=None))
            counts[Category.UNDETERMINED] += total - sum(counts.values())
        return counts

    def cause_counts(self, q: HouseholdQuery) -> dict[str, int]:
        """Households per cause of poverty (``Household.causes`` ids) under the query."""
        return self._tag_counts("household_causes", "cause_id", q)

    def need_counts(self, q: HouseholdQuery) -> dict[str, int]:
        """Households per need (``Household.needs`` ids) under the query."""
        return self._tag_counts("household_needs", "need_id", q)

    def _tag_counts(self, table: str, column: str, q: HouseholdQuery) -> dict[str, int]:
        where, params = self.where(q)
        sql = (
            f"SELECT t.{column}, COUNT(*) FROM {table} t JOIN"
            f" (SELECT h.id{where}) k ON k.id = t.household_id GROUP BY t.{column} ORDER BY 1"
        )
        return dict(self._store.conn.execute(sql, params))

    def search(self, text: str, limit: int = 50) -> list[HouseholdRow]:
        """Diacritic- and case-insensitive prefix search over names, ID numbers, codes and
        villages; every typed word must match. At most ``limit`` rows, in code order."""
        expression = match_expression(text)
        if expression is None:
            return []
        round_sql, round_params = self.round_sql(HouseholdQuery())
        rows = self._store.conn.execute(
            "SELECT h.id, h.code, h.head_name, h.village, h.size, r.category, r.b1_score,"
            " r.deprivation_count, r.transition, h.updated_at FROM"
            " (SELECT rowid FROM search_index WHERE search_index MATCH ? LIMIT ?) s"
            " JOIN households h ON h.rowid = s.rowid"
            f" LEFT JOIN results r ON r.household_id = h.id AND r.round_id = {round_sql}"
            " WHERE h.deleted = 0",
            (expression, limit, *round_params),
        ).fetchall()
        return sorted((row_from_sql(r) for r in rows), key=lambda r: r.code)
