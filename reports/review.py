"""The one query layer of the reports: everything a document shows about a round, read once.

``load_review`` asks the Store (and ``db.report_queries`` for what the Store does not offer)
and returns plain dataclasses; every document builder works from a ``ReviewData`` only, so the
PDF and the XLSX of a document are made from the same rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from db.records import CommuneInfo, Decision, MeetingVote, Posting, Round
from db.report_queries import Recognised
from forms import catalog
from forms.admin_units import short_name
from forms.classify import Result
from forms.model import Area, Category, Household, Transition
from forms.standards import Standard, StandardError, load_standard

Progress = Callable[[int, int], None]

# The lists of the procedure; a household escaping poverty into near-poverty is on two.
POOR, NEAR_POOR, ESCAPED_POVERTY, ESCAPED_NEAR_POVERTY = (
    "poor",
    "near_poor",
    "escaped_poverty",
    "escaped_near_poverty",
)
LIST_GROUPS = (POOR, NEAR_POOR, ESCAPED_POVERTY, ESCAPED_NEAR_POVERTY)
GROUP_TITLES = {
    POOR: "Hộ nghèo",
    NEAR_POOR: "Hộ cận nghèo",
    ESCAPED_POVERTY: "Hộ thoát nghèo",
    ESCAPED_NEAR_POVERTY: "Hộ thoát cận nghèo",
}
ESCAPES_POVERTY = {Transition.POOR_TO_NEAR_POOR, Transition.ESCAPED_POVERTY}
# Leaving the near-poor list either way (documents.md §4, Điều 1: escaped near-poverty
# counts those who fell into poverty): a near-poor household that became poor is on the
# poor list and on this one, labelled as such, never silently gone from the near-poor list.
LEAVES_NEAR_POVERTY = {Transition.ESCAPED_NEAR_POVERTY, Transition.NEAR_POOR_TO_POOR}
VILLAGE_WORDS = ("thôn", "bản", "buôn", "ấp", "khóm", "sóc", "tổ", "khu", "xóm", "làng", "plei")

# The national texts the documents cite as their legal basis ("Căn cứ …"), each by number,
# date, issuer and title, written once for the decision, the posting notice and the
# certificate (until session 26 each wrote its own, without the dates). Titles as communes
# and provinces cite them (e.g. UBND tỉnh An Giang, Quyết định 1373/QĐ-UBND ngày 28/8/2023).
PROCEDURE_BASIS = (
    "Quyết định số 24/2021/QĐ-TTg ngày 16 tháng 7 năm 2021 của Thủ tướng Chính phủ quy định "
    "quy trình rà soát hộ nghèo, hộ cận nghèo hằng năm và quy trình xác định hộ làm nông "
    "nghiệp, lâm nghiệp, ngư nghiệp và diêm nghiệp có mức sống trung bình giai đoạn 2022 - 2025"
)
METHOD_BASIS = (
    "Thông tư số 07/2021/TT-BLĐTBXH ngày 18 tháng 7 năm 2021 của Bộ trưởng Bộ Lao động - "
    "Thương binh và Xã hội hướng dẫn phương pháp rà soát, phân loại hộ nghèo, hộ cận nghèo; "
    "xác định thu nhập của hộ làm nông nghiệp, lâm nghiệp, ngư nghiệp, diêm nghiệp có mức sống "
    "trung bình"
)


class ReportError(Exception):
    """A document that cannot be made; ``message`` is Vietnamese, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Entry:
    """A household as the lists after the meeting see it.

    Made by ``load_review``, an entry keeps only what the documents select, count and sort
    by (its village, code, size, category, transition, vote, deprivations, causes); its
    ``household`` and ``result`` are read from the file again when a row needs them
    (``_Reader``, a few hundred kept decoded), so a 100,000-household commune is not held in
    memory whole (issue 22: every command under 500 MB). Made with a household and result
    (``Entry(h, r)``), it holds them.
    """

    __slots__ = (
        "id",
        "code",
        "village",
        "size",
        "result_category",
        "deprived",
        "deprivation_count",
        "causes",
        "transition",
        "vote",
        "sent_back",
        "proposed",
        "_household",
        "_result",
        "_reader",
        "_index",
        "_round_id",
    )

    def __init__(
        self,
        household: Household,
        result: Result,
        transition: Transition | None = None,  # None too when the meeting sent it back
        vote: MeetingVote | None = None,
        # Under half of the meeting agreed: the household is on the re-survey list and on
        # no other list, counted nowhere as what it was proposed to be, until a new vote.
        sent_back: bool = False,
        proposed: Transition | None = None,  # the transition put to the meeting
    ) -> None:
        self.id = household.id
        self.code = household.code
        self.village = household.village
        self.size = household.size()
        self.result_category = result.category
        self.deprived: tuple[str, ...] = _shared(tuple(result.deprived_ids))
        self.deprivation_count = result.deprivation_count
        self.causes: tuple[str, ...] = _shared(tuple(household.causes))
        self.transition = transition
        self.vote = vote
        self.sent_back = sent_back
        self.proposed = proposed
        self._household: Household | None = household
        self._result: Result | None = result
        self._reader: _Reader | None = None
        self._index = 0
        self._round_id = ""

    def _forget(self, reader: _Reader, index: int, round_id: str) -> None:
        """From now on read the household and result through ``reader`` when asked."""
        self._household = self._result = None
        self._reader, self._index, self._round_id = reader, index, _shared(round_id)

    @property
    def household(self) -> Household:
        if self._household is not None:
            return self._household
        assert self._reader is not None
        return self._reader.get(self)[0]

    @property
    def result(self) -> Result:
        if self._result is not None:
            return self._result
        assert self._reader is not None
        return self._reader.get(self)[1]

    @property
    def category(self) -> Category:
        """The category after the meeting: a sent-back result is not determined yet."""
        return Category.UNDETERMINED if self.sent_back else self.result_category

    def groups(self, proposed: bool = False) -> list[str]:
        """The lists the household is on after the meeting; ``proposed``: the lists it was
        put to the meeting on (the meeting list and the minutes)."""
        category = self.result_category if proposed else self.category
        moved = self.proposed if proposed else self.transition
        out: list[str] = []
        if category is Category.POOR:
            out.append(POOR)
        if category is Category.NEAR_POOR:
            out.append(NEAR_POOR)
        if moved in ESCAPES_POVERTY:
            out.append(ESCAPED_POVERTY)
        if moved in LEAVES_NEAR_POVERTY:
            out.append(ESCAPED_NEAR_POVERTY)
        return out

    def flag(self, flag_id: str, reference: date) -> bool:
        for item in catalog.household_flags():
            if item.id == flag_id:
                return catalog.flag_value(item, self.household, reference) is True
        return False

    def cause_labels(self) -> str:
        items = catalog.causes()
        return "; ".join(catalog.label_of(items, c) for c in self.causes)


# Equal small values (a round id, the same deprivations or causes) kept once, not once an
# entry: 100,000 entries share a few hundred of them.
_SHARED: dict[Any, Any] = {}


def _shared(value: Any) -> Any:
    return _SHARED.setdefault(value, value)


class _Reader:
    """Reads an entry's household and result from the commune file when a document asks for
    them: the stored texts of the next ``WINDOW`` entries of the round at once (the
    documents go through them in code order, village by village), decoded only when asked,
    the last ``KEEP`` decoded kept. Lives as long as the Store it reads from."""

    WINDOW = 128
    KEEP = 512

    def __init__(self, conn: Any, entries: list[Entry], *, earlier: bool = False) -> None:
        self.conn = conn
        self.entries = entries  # the round's entries as read: an entry's _index is here
        self.earlier = earlier  # read as an earlier round answered them (``after_meeting``)
        self.texts: dict[str, tuple[str | bytes, list[str], str]] = {}
        self.decoded: dict[str, tuple[Household, Result]] = {}
        # The order a document is about to go through (``plan``): a list of the poor, say,
        # is read in windows of its own entries, not of every household between them.
        self.order: list[Entry] = []
        self.position: dict[str, int] = {}

    def plan(self, order: list[Entry]) -> None:
        """The entries a document will read next, in that order (``village_order``)."""
        self.order = order
        self.position = {e.id: i for i, e in enumerate(order)}

    def get(self, entry: Entry) -> tuple[Household, Result]:
        from db import report_queries

        found = self.decoded.pop(entry.id, None)  # popped and put back: the newest
        if found is None:
            texts = self.texts.get(entry.id)
            if texts is None:
                at = self.position.get(entry.id)
                if at is not None:
                    window = self.order[at : at + self.WINDOW]
                else:
                    window = self.entries[entry._index : entry._index + self.WINDOW]
                self.texts = report_queries.listed_docs(
                    self.conn, [(e.id, e._round_id) for e in window], earlier=self.earlier
                )
                texts = self.texts[entry.id]
            found = report_queries.decode_listed(self.conn, texts)
            if len(self.decoded) >= self.KEEP:
                del self.decoded[next(iter(self.decoded))]
        self.decoded[entry.id] = found
        return found


@dataclass
class ReviewData:
    commune: CommuneInfo
    round: Round
    standard: Standard | None  # None: a province's standard file this machine has not loaded
    villages: list[str]
    entries: list[Entry]
    postings: list[Posting] = field(default_factory=list)
    decision: Decision | None = None
    # The body the commune reports to ("UBND tỉnh …"): a setting of this machine, not of the
    # file, so the caller passes it; empty prints a line to fill in by hand.
    upper_level: str = ""
    certificate_numbers: dict[str, int] = field(default_factory=dict)  # household id → number
    # An earlier round than the file's current one: when its lists were made
    # (``report_queries.as_decided_since``), its households read as it answered them; its
    # certificates are numbered so too (``db.certificates.assign``). None: the live file.
    earlier: str | None = None
    # Last year's recognised lists (the previous round after its meeting): the summary's
    # "Đầu kỳ". None: the file holds no earlier round.
    previous: list[Recognised] | None = None
    previous_year: int | None = None
    # The exchange workbook sent up carries each person's full birth date and CCCD number
    # only when asked: the upper level's own lists and tables need names, year of birth and
    # counts (docs/privacy.md, "What the upper level gets").
    identity: bool = False
    # The year whose lists the round's decision makes or updates: a review's, the next year
    # (the 2026 review's lists apply in 2027); a month's, the year of the lists in force when
    # it begins (a March 2026 month updates the lists in force in 2026, a December one after
    # the 2026 decision those of 2027). None: the review's.
    lists_year: int | None = None
    # The monthly decisions whose results stand in the entries (read as the lists in force).
    updated_by: list[Decision] = field(default_factory=list)

    @property
    def year(self) -> int:
        return self.round.year

    @property
    def monthly(self) -> bool:
        """A monthly regular round (kind "adhoc"), not a periodic review."""
        return self.round.kind != "periodic"

    @property
    def list_year(self) -> int:
        return self.lists_year if self.lists_year is not None else self.year + 1

    @property
    def review_name(self) -> str:
        return review_name(self.round)

    @property
    def standard_name(self) -> str:
        return self.standard.name if self.standard else f"chuẩn nghèo {self.round.standard_id}"

    def indicators(self) -> list[tuple[str, str]]:
        """(id, name) in the standard's order: the columns of the deprivation tables. Without
        the standard file, the order the results were scored in (the same order)."""
        if self.standard is not None:
            return [(i.id, i.name) for i in self.standard.indicators]
        for e in self.entries:
            return [(o.id, o.name) for o in e.result.indicators]
        return []

    @property
    def standard_title(self) -> str:
        """The standard this round was scored on, with its legal source, as documents cite it."""
        return self.standard.title if self.standard else self.standard_name

    @property
    def decision_subject(self) -> str:
        """What the commune chairman's decision recognises; the certificate and the attached
        lists cite it in the same words."""
        subject = (
            "công nhận hộ nghèo, hộ cận nghèo, hộ thoát nghèo, hộ thoát cận nghèo năm "
            f"{self.list_year}"
        )
        # A month's decision recognises that month's changes to the lists in force: it said
        # "năm 2027", applying from 1 January, for a March 2026 month.
        return f"{subject} qua {self.review_name}" if self.monthly else subject

    @property
    def reference(self) -> date:
        return self.round.reference_date or date(self.round.year, 12, 31)

    def sent_back(self, village: str | None = None) -> list[Entry]:
        """The re-survey list: households the village meeting did not agree to."""
        return [
            e for e in self.entries if e.sent_back and (village is None or e.village == village)
        ]

    def in_group(
        self, group: str, village: str | None = None, *, proposed: bool = False
    ) -> list[Entry]:
        """The households of one list after the meeting (``proposed``: as put to it)."""
        return [
            e
            for e in self.entries
            if group in e.groups(proposed) and (village is None or e.village == village)
        ]

    def village_entries(self, village: str) -> list[Entry]:
        return [e for e in self.entries if e.village == village]

    def village_order(self, entries: Iterable[Entry]) -> list[tuple[str, list[Entry]]]:
        """Entries grouped by village in the commune's village order, then by household code."""
        by: dict[str, list[Entry]] = {}
        for e in entries:
            by.setdefault(e.village, []).append(e)
        order = [v for v in self.villages if v in by] + sorted(set(by) - set(self.villages))
        grouped = [(v, sorted(by[v], key=lambda e: e.code)) for v in order]
        readers = {id(e._reader): e._reader for _v, es in grouped for e in es[:1] if e._reader}
        for reader in readers.values():  # what the caller reads next, in its order
            reader.plan([e for _v, es in grouped for e in es if e._reader is reader])
        return grouped

    # --- headers -----------------------------------------------------------------------
    @property
    def commune_kind(self) -> str:
        return "phường" if self.commune.area is Area.URBAN else "xã"

    @property
    def commune_short(self) -> str:
        """ "Xã An Bình" → "An Bình" (the name without its kind)."""
        return short_name(self.commune.commune_name)

    @property
    def commune_full(self) -> str:
        """ "xã An Bình" as running text writes it."""
        return f"{self.commune_kind} {self.commune_short}"

    def place_title(self, village: str | None) -> str:
        """ "Xã An Bình", or "Thôn Nà Lầu, xã An Bình" for a village's document: a village's
        list headed by the commune's name alone read as the whole commune's."""
        if village is None:
            return self.commune_title
        return f"{village_title(village)}, {self.commune_full}"

    @property
    def commune_title(self) -> str:
        """ "Xã An Bình" at the start of a line (str.capitalize would lower the name)."""
        full = self.commune_full
        return full[:1].upper() + full[1:]

    def commune_issuer(self) -> list[str]:
        return ["ỦY BAN NHÂN DÂN", f"{self.commune_kind.upper()} {self.commune_short.upper()}"]

    def village_issuer(self, village: str) -> list[str]:
        return [f"UBND {self.commune_full}", village_title(village)]

    def posting_for(self, village: str | None) -> Posting | None:
        """The posting of a village, or of the commune office (stored with an empty village)."""
        wanted = village or ""
        for p in self.postings:
            if p.village == wanted:
                return p
        if village is None and self.postings:
            return min(self.postings, key=lambda p: p.start)
        return None


def review_name(rnd: Round) -> str:
    """ "rà soát năm 2026", or "rà soát thường xuyên tháng 3/2026" for a monthly round."""
    if rnd.kind != "periodic" and rnd.reference_date is not None:
        return f"rà soát thường xuyên tháng {rnd.reference_date.month}/{rnd.year}"
    return f"rà soát năm {rnd.year}"


def village_title(village: str) -> str:
    """ "Đông" → "Thôn Đông"; names that already say what they are stay as they are."""
    name = " ".join(village.split())
    if name.split(" ", 1)[0].casefold() in VILLAGE_WORDS:
        return name
    return f"Thôn {name}"


def _lists_year(store: Any, rnd: Round) -> int:
    """``ReviewData.lists_year`` of ``rnd``: a month's, the year of the lists in force when it
    began, as its transitions take them (``db.year_round.lists_of``)."""
    if rnd.kind == "periodic":
        return rnd.year + 1
    from db.year_round import lists_of

    rounds, bases = lists_of(store)
    base = next((b for r, b in zip(rounds, bases, strict=True) if r.id == rnd.id), None)
    return rounds[base].year + 1 if base is not None else rnd.year


def chosen_round(store: Any, round_id: str | None) -> Round:
    """The round a document is asked for: its id or its year (``--round``), else the
    household list's."""
    if round_id is None:
        current: Round | None = store.current_round()
        if current is None:
            raise ReportError("Tệp xã chưa có kỳ rà soát nào: hãy mở một kỳ rà soát trước.")
        return current
    found = [r for r in store.rounds() if r.id == round_id or str(r.year) == str(round_id)]
    if not found:
        raise ReportError(f"Không tìm thấy kỳ rà soát {round_id}.")
    # A year names its periodic review, not the year's latest round: "--round 2026"
    # printed December's monthly round as the 2026 summary and decision.
    periodic = [r for r in found if r.kind == "periodic"]
    return (periodic or found)[-1]


def as_decided(store: Any, rnd: Round) -> str | None:
    """``ReviewData.earlier`` of ``rnd``: when its lists were made, for a round earlier than
    the household list's; None for that round itself.

    An earlier round (its lists decided, next year's review begun) is printed as it was
    decided: its households as it answered them, those deleted since included. Read live,
    a member split off since was missing from its certificate and a household moved away
    from the list under its decision."""
    from db import report_queries

    rounds = list(store.rounds())
    latest = store.current_round()
    if latest is None or rounds.index(rnd) >= rounds.index(latest):
        return None
    return report_queries.as_decided_since(report_queries.connection(store), rnd.id)


def load_review(
    store: Any,
    round_id: str | None = None,
    *,
    village: str | None = None,
    progress: Progress | None = None,
    upper_level: str = "",
    in_force_on: date | None = None,
    current_in_force: bool = False,
    household_id: str | None = None,
) -> ReviewData:
    """Read one round from an open ``db.store.Store``. ``in_force_on``: the lists in force
    on that date (the round's rows updated by the regular rounds decided by then).
    ``current_in_force``: the lists in force today when the round read is the one the
    household list shows (``Store.current_round``), the round as decided otherwise.
    ``household_id``: only that household's entry (a document of one household that needs
    nothing of the others: its form, not its certificate, whose numbering is the
    commune's)."""
    from db import certificates, report_queries

    current = chosen_round(store, round_id)
    villages = [v.name for v in store.villages()]
    if village is not None and village not in villages:
        known = ", ".join(villages) or "(chưa có thôn nào)"
        raise ReportError(f"Không có thôn '{village}' trong tệp xã. Các thôn: {known}.")
    conn = report_queries.connection(store)
    before = store.previous_round(current.id)
    latest = store.current_round()
    if current_in_force and in_force_on is None and latest == current:
        in_force_on = date.today()
    earlier = as_decided(store, current)
    entries = _entries(conn, current.id, village, progress, in_force_on, household_id, earlier)
    # The monthly decisions whose results stand in these lists (the lists in force): the
    # list printed today says it was updated by them, not only the review's decision.
    standing = {e._round_id for e in entries} - {current.id, ""}
    updated_by = sorted(
        (d for d in map(store.decision, standing) if d is not None), key=lambda d: d.date
    )
    try:
        standard: Standard | None = load_standard(current.standard_id)
    except StandardError:
        standard = None
    return ReviewData(
        commune=store.commune(),
        round=current,
        standard=standard,
        villages=villages,
        entries=entries,
        postings=list(store.postings(current.id)),
        decision=store.decision(current.id),
        upper_level=" ".join(upper_level.split()),
        certificate_numbers=certificates.numbers(conn, current.id),
        earlier=earlier,
        previous=report_queries.recognised(conn, before.id) if before else None,
        previous_year=before.year if before else None,
        lists_year=_lists_year(store, current),
        updated_by=updated_by,
    )


def _entries(
    conn: Any,
    round_id: str,
    village: str | None,
    progress: Progress | None,
    on: date | None,
    household_id: str | None = None,
    earlier: str | None = None,
) -> list[Entry]:
    from db import report_queries

    # Every household is decoded once here, as it is read (a damaged one refuses the document
    # with its name, whichever list it is on), and kept as the few fields an Entry holds;
    # the rest is read again for the rows printed (issue 22).
    entries: list[Entry] = []
    reader = _Reader(conn, entries, earlier=earlier is not None)
    listed = report_queries.after_meeting(
        conn, round_id, village, on=on, household_id=household_id, earlier=earlier
    )
    for item in listed:
        entry = Entry(
            item.household,
            item.result,
            None if item.sent_back else item.transition,
            item.vote,
            sent_back=item.sent_back,
            proposed=item.transition,
        )
        entry._forget(reader, len(entries), item.round_id or round_id)
        entries.append(entry)
        if progress is not None and len(entries) % 500 == 0:
            progress(0, 1)  # reading: the total is not known yet, keep the bar alive
    return entries
