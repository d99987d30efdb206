"""A round's standard and the instruction it follows; the province's standard files.

The standard of a round is chosen once, when the round starts (Tệp → Kỳ rà soát mới…, the
first-run dialog, ``rasoat``); ``record_choice`` keeps who chose it, the standard the app
proposed for that year and the instruction (number, date) the choice follows. A province
standard, B1 threshold or B1 table file (``forms.standards.load_standard_file``; the tables
as ``[b1_tables]``) is checked before it is kept, kept whole, and from then on stands for the
national standard it names: ``resolve`` gives the standard every classification of this
commune file uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from db.report_queries import connection
from forms import standards
from forms.file_errors import TooBig
from forms.roles import Action
from forms.standards import Standard, StandardError

# A standard file is a page of TOML; a larger one is not a standard.
MAX_FILE_BYTES = 256 * 1024


@dataclass(frozen=True)
class RoundChoice:
    round_id: str
    standard_id: str
    proposed_standard_id: str
    instruction_number: str
    instruction_date: date | None
    chosen_at: str
    chosen_by: str

    @property
    def follows_instruction(self) -> bool:
        return bool(self.instruction_number)


@dataclass(frozen=True)
class ProvinceStandard:
    standard: Standard
    file_name: str
    source: str
    loaded_at: str
    loaded_by: str


def record_choice(
    store: Any,
    round_id: str,
    standard_id: str,
    proposed_standard_id: str,
    instruction_number: str = "",
    instruction_date: date | None = None,
) -> RoundChoice:
    store.require(Action.ROUND)
    from db.store import now_utc
    from forms.model import nfc

    number = nfc(instruction_number).strip()
    if len(number) > 200 or any(ord(c) < 32 for c in number):
        raise ValueError("instruction number too long or with control characters")
    at = now_utc()
    with store.transaction():
        connection(store).execute(
            "INSERT OR REPLACE INTO round_basis (round_id, standard_id, proposed_standard_id,"
            " instruction_number, instruction_date, chosen_at, chosen_by, chosen_device)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                round_id,
                standard_id,
                proposed_standard_id,
                number,
                instruction_date.isoformat() if instruction_date else None,
                at,
                store.user,
                store.device,
            ),
        )
    return RoundChoice(
        round_id, standard_id, proposed_standard_id, number, instruction_date, at, store.user
    )


def choice(store: Any, round_id: str) -> RoundChoice | None:
    row = (
        connection(store)
        .execute(
            "SELECT round_id, standard_id, proposed_standard_id, instruction_number,"
            " instruction_date, chosen_at, chosen_by FROM round_basis WHERE round_id = ?",
            (round_id,),
        )
        .fetchone()
    )
    if row is None:
        return None
    return RoundChoice(
        row[0], row[1], row[2], row[3], date.fromisoformat(row[4]) if row[4] else None, *row[5:]
    )


def proposed_year(store: Any, today: date) -> int:
    """The year a new periodic review is proposed for: this year, or the year after the
    file's latest periodic review when that is later, never a year that already has its
    review. Monthly regular rounds do not count: March 2026's, after the 2025 review, made
    September's proposal the 2027 review under the 2026-2030 standard."""
    taken = {r.year for r in store.rounds() if r.kind == "periodic"}
    year = max(today.year, max(taken) + 1) if taken else today.year
    while year in taken:
        year += 1
    return year


def choice_problem(
    year: int,
    standard_id: str,
    instruction_number: str,
    instruction_date: date | None,
    today: date,
) -> str:
    """Why a round's standard cannot be recorded as chosen, in Vietnamese; "" when it can.
    A standard other than the one proposed for the year is chosen only on an instruction
    from above, its number and date kept with the round (docs/domain.md §1)."""
    number = " ".join(instruction_number.split())
    if instruction_date is not None and instruction_date > today:
        return "Ngày ban hành văn bản sau ngày hôm nay."
    if standard_id != standards.standard_for_year(year).id and not (number and instruction_date):
        return (
            f"Chọn chuẩn khác chuẩn đề xuất cho năm {year}: hãy ghi số và ngày ban hành của "
            "văn bản hướng dẫn."
        )
    return ""


def start_round(
    store: Any,
    year: int,
    standard_id: str,
    instruction_number: str = "",
    instruction_date: date | None = None,
    *,
    today: date | None = None,
) -> Any:
    """Starts a periodic round and records the choice with it, in one transaction (what the
    dialogs and ``rasoat round new`` call). Raises ``StoreError`` (Vietnamese) for a choice
    that cannot be recorded (``choice_problem``), before anything is written."""
    from db.errors import StoreError

    problem = choice_problem(
        year, standard_id, instruction_number, instruction_date, today or date.today()
    )
    if problem:
        raise StoreError(problem)
    proposed = standards.standard_for_year(year).id
    with store.transaction():
        started = store.start_round(year, standard_id, "periodic")
        record_choice(
            store, started.id, standard_id, proposed, instruction_number, instruction_date
        )
    return started


def load_province_file(store: Any, path: str | Path) -> ProvinceStandard:
    """Checks a province standard or B1 threshold file and keeps it in the commune file.
    Raises ``StandardError`` (Vietnamese) for a file that cannot be used."""
    store.require(Action.SETTINGS)
    from db.store import now_utc

    path = Path(path)
    # Read once, bounded: what is checked is what is kept (read twice, the file could change
    # between), and a size from stat() is 0 for /dev/zero or a pipe, read then for ever.
    try:
        text = standards.read_standard_text(path, MAX_FILE_BYTES)  # without a byte-order mark
    except TooBig as exc:
        raise StandardError(f"Tệp {path.name} quá lớn để là một tệp chuẩn nghèo.") from exc
    std = standards.parse_standard_text(text, path.name)
    if std.id not in standards.NATIONAL_IDS:
        raise StandardError(
            f"Tệp {path.name}: chuẩn '{std.id}' không thay cho chuẩn quốc gia nào; cần "
            f"base = một trong {', '.join(standards.NATIONAL_IDS)}."
        )
    source = _source_of(std)
    at = now_utc()
    with store.transaction():
        connection(store).execute(
            "INSERT OR REPLACE INTO province_standards (standard_id, file_name, content, source,"
            " loaded_at, loaded_by, loaded_device) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (std.id, path.name, text, source, at, store.user, store.device),
        )
    return ProvinceStandard(std, path.name, source, at, store.user)


def forget_province_file(store: Any, standard_id: str) -> None:
    store.require(Action.SETTINGS)
    with store.transaction():
        connection(store).execute(
            "DELETE FROM province_standards WHERE standard_id = ?", (standard_id,)
        )


def province_standards(store: Any) -> list[ProvinceStandard]:
    out = []
    for sid, name, content, source, at, by in connection(store).execute(
        "SELECT standard_id, file_name, content, source, loaded_at, loaded_by"
        " FROM province_standards ORDER BY standard_id"
    ):
        try:
            std = standards.parse_standard_text(content, name)
        except StandardError:
            continue  # checked when loaded; a later app version may read it differently
        if std.id == sid:
            out.append(ProvinceStandard(std, name, source, at, by))
    return out


def resolve(store: Any, standard_id: str) -> Standard:
    """The standard this commune file classifies with: the province's file for it when one
    was loaded, otherwise the national one."""
    for loaded in province_standards(store):
        if loaded.standard.id == standard_id:
            return loaded.standard
    return standards.load_standard(standard_id)


def _source_of(std: Standard) -> str:
    """The province's own source: the B1 thresholds' or tables' when it sets them, else the
    file's."""
    national = standards.load_standard(std.id)
    for key in ("b1_thresholds", "b1_tables"):
        own = std.sources.get(key, "")
        if own and own != national.sources.get(key):
            return own
    return std.source
