"""Writing last year's Excel lists into a commune file, once the report has no errors.

Each household is saved with its members and, in the round of that year (created if the file
has none), a result carrying the category the list recorded — so the first year in the app
starts from real history and transitions (nghèo cũ, thoát nghèo, …) are computed against it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from db.audit import record_event
from db.exchange.errors import PackageError
from db.exchange.excel_lists import ImportedHousehold, ParsedSheet
from db.store import Store
from forms.classify import Result
from forms.roles import Action
from forms.validate import printable

# Households written between two reports of progress.
_PROGRESS_STEP = 250


@dataclass
class ExcelImportResult:
    round_id: str
    households: int
    members: int


def _result(item: ImportedHousehold, year: int, standard_id: str, source: str) -> Result:
    assert item.category is not None
    return Result(
        category=item.category,
        b1_score=item.b1_score,
        income=None,
        income_basis="Theo danh sách năm trước nhập từ Excel",
        deprivation_count=0,
        indicators=[],
        reasons=[f"Phân loại theo danh sách năm {year} nhập từ tệp Excel {source}."],
        warnings=["Kết quả nhập từ danh sách, không tính lại từ phiếu."],
        standard_id=standard_id,
        standard_version="",
        review_year=year,
    )


def problems_with_file(store: Store, parsed: ParsedSheet) -> list[str]:
    """What the commune file itself objects to (codes already used), before any write."""
    out = []
    for item in parsed.households:
        existing = store.household_by_code(item.household.code)
        if existing is not None:
            out.append(
                f"Dòng {item.row}: mã hộ {item.household.code} đã có trong tệp của xã "
                f"({existing.village or 'chưa có thôn'})."
            )
    return out


def write_excel_lists(
    store: Store,
    parsed: ParsedSheet,
    *,
    year: int,
    standard_id: str,
    source: Path,
    progress: Callable[[int, int], None] | None = None,
) -> ExcelImportResult:
    """All or nothing, in one transaction; refuses a report that still has errors."""
    store.require(Action.IMPORT)
    if parsed.errors:
        raise PackageError(
            "Danh sách còn lỗi, chưa ghi gì. Hãy sửa tệp Excel hoặc cách chọn cột:\n"
            + "\n".join(i.text() for i in parsed.errors[:50])
        )
    clashes = problems_with_file(store, parsed)
    if clashes:
        raise PackageError("Chưa ghi gì:\n" + "\n".join(clashes[:50]))
    rounds = [r for r in store.rounds() if r.year == year and r.kind == "periodic"]
    # The file's name as every result's reason quotes it: a name may hold a newline or a
    # control character, and a package carrying such a reason is refused by its receiver.
    shown = printable(source.name, 200)
    with store.transaction(source=f"Excel {shown}"):
        rnd = rounds[0] if rounds else store.start_round(year, standard_id)
        known = {v.name for v in store.villages()}
        total = len(parsed.households)
        for item in parsed.households:
            if item.household.village and item.household.village not in known:
                store.add_village(item.household.village)
                known.add(item.household.village)
        # Through the Store's bulk path (the same rows and audit as one save each), a few
        # hundred at a time for the progress bar.
        for start in range(0, total, _PROGRESS_STEP):
            chunk = parsed.households[start : start + _PROGRESS_STEP]
            store.save_households(
                [(i.household, _result(i, year, rnd.standard_id, shown)) for i in chunk],
                round_id=rnd.id,
            )
            if progress is not None:
                progress(start + len(chunk), total)
        record_event(
            store,
            "excel_import",
            {"file": source.name, "year": year, "households": total, "members": parsed.members},
        )
    return ExcelImportResult(rnd.id, len(parsed.households), parsed.members)
