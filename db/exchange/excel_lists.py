"""Reading last year's poor / near-poor lists from a commune's Excel workbook.

The layout communes exchange (docs: one row per person; the head's row carries the household
number, members follow with it blank) varies from commune to commune, so reading goes in three
steps, none of which writes anything:

1. ``open_workbook`` finds the header row of each sheet and guesses which column holds what
   (header names folded: no diacritics, no case);
2. the user checks or changes that ``ColumnMapping``;
3. ``parse_sheet`` turns rows into households and a validation report (row, column, problem
   in Vietnamese). Only a report without errors may be written (``excel_store``).
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from openpyxl import load_workbook  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from db.exchange.errors import PackageError
from forms.model import Category, Household, Member, Relationship, Sex, nfc
from forms.text import fold
from forms.validate import MAX_B1_TOTAL, check_household

# Target field -> header names it is known by (folded). Order matters: the first field whose
# synonym matches a header takes the column, so specific names come before general ones.
FIELDS: dict[str, tuple[str, str]] = {
    # field: (Vietnamese label shown in the mapping step, kind)
    "household_no": ("STT hộ", "text"),
    "household_code": ("Mã hộ", "text"),
    "head_name": ("Họ và tên chủ hộ", "text"),
    "member_name": ("Họ và tên thành viên", "text"),
    "relationship": ("Quan hệ với chủ hộ", "text"),
    "birth_date": ("Ngày sinh / năm sinh", "date"),
    "sex": ("Giới tính", "text"),
    "id_number": ("Số CCCD", "text"),
    "village": ("Thôn", "text"),
    "ethnicity": ("Dân tộc", "text"),
    "category": ("Phân loại hộ", "text"),
    "b1_score": ("Điểm B1", "int"),
    "meritorious_household": ("Hộ có thành viên là người có công", "bool"),
    "address": ("Địa chỉ", "text"),
}

SYNONYMS: dict[str, tuple[str, ...]] = {
    "household_no": ("stt ho", "so thu tu ho", "stt chu ho", "stt"),
    "household_code": ("ma ho", "ma so ho"),
    "head_name": ("ho va ten chu ho", "ho ten chu ho", "ten chu ho", "chu ho"),
    "member_name": ("ho va ten thanh vien", "ho ten thanh vien", "thanh vien", "ho va ten"),
    "relationship": ("quan he voi chu ho", "quan he"),
    "birth_date": ("ngay sinh", "ngay thang nam sinh", "nam sinh"),
    "sex": ("gioi tinh",),
    "id_number": ("so cccd", "cccd", "so dinh danh", "so cmnd", "cmnd"),
    "village": ("thon", "ban", "ap", "to dan pho", "thon/ban", "thon, ban"),
    "ethnicity": ("dan toc",),
    "category": ("phan loai ho", "phan loai", "loai ho"),
    "b1_score": ("diem b1", "tong diem b1"),
    "meritorious_household": ("ho co thanh vien la nguoi co cong", "nguoi co cong", "co cong"),
    "address": ("dia chi",),
}
# Columns of the workbook we know and deliberately do not import (province/district/commune
# columns repeat the file's own commune; age and household size are derived).
IGNORED = ("tinh", "huyen", "ma huyen", "xa", "ma xa", "tuoi", "so nhan khau")

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Issue:
    row: int  # 1-based Excel row, 0 for the sheet as a whole
    column: str  # Excel column letter plus header, or ""
    message: str  # Vietnamese
    severity: Severity = "error"

    def text(self) -> str:
        where = f"Dòng {self.row}" if self.row else "Trang tính"
        if self.column:
            where += f", cột {self.column}"
        level = "Lỗi" if self.severity == "error" else "Lưu ý"
        return f"{level} — {where}: {self.message}"


@dataclass
class SheetLayout:
    title: str
    header_row: int  # last header row (1-based); data starts after it
    headers: list[str]  # by column index (0-based), the header text as written
    mapping: dict[str, int]  # field -> 0-based column index (the guess; user may change)


@dataclass
class ImportedHousehold:
    household: Household
    category: Category | None
    row: int  # the head's Excel row
    b1_score: int | None = None


@dataclass
class ParsedSheet:
    households: list[ImportedHousehold] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def members(self) -> int:
        return sum(len(h.household.members) for h in self.households)

    def report(self) -> str:
        lines = [
            f"Đọc được {len(self.households)} hộ, {self.members} nhân khẩu; "
            f"{len(self.errors)} lỗi, {len(self.issues) - len(self.errors)} lưu ý."
        ]
        lines += [i.text() for i in self.issues]
        return "\n".join(lines)


# Ceilings for a workbook from outside. A 6 KB file declaring the dimension A1:XFD1048576
# exhausted memory in 8 s: the declared dimension is never trusted (reset, then rows are read
# in streaming mode up to these bounds). A commune's list is a few thousand rows.
MAX_SHEETS = 50
MAX_ROWS = 50_000
MAX_COLUMNS = 64
MAX_XML_BYTES = 256 * 1024 * 1024  # all parts unpacked
MAX_ZIP_ENTRIES = 2_000
MAX_ZIP_RATIO = 200


def _unreadable(path: Path) -> str:
    """The officer's message for a workbook that cannot be read. The library's own reason is
    English and technical ("File is not a zip file", "no valid workbook part"); it stays in
    the log through the chained exception, and the message says what to do."""
    return (
        f"Không đọc được tệp Excel {path.name}: tệp bị hỏng, chưa chép xong, hoặc không phải "
        "tệp Excel .xlsx. Hãy mở tệp bằng Excel, chọn Lưu thành (Save As) kiểu .xlsx rồi "
        "nhập lại."
    )


def _check_archive(path: Path) -> None:
    """Refuses a workbook whose parts would unpack to far more than its size (a zip bomb)
    before openpyxl unpacks anything."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (OSError, zipfile.BadZipFile, ValueError, EOFError, NotImplementedError) as exc:
        raise PackageError(_unreadable(path)) from exc
    if len(infos) > MAX_ZIP_ENTRIES:
        raise PackageError(f"Tệp Excel {path.name} có cấu trúc lạ (quá nhiều phần).")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > 1024 * 1024 and info.file_size > MAX_ZIP_RATIO * max(
            info.compress_size, 1
        ):
            raise PackageError(
                f"Tệp Excel {path.name} có dấu hiệu nén bất thường (bom nén), không mở."
            )
    if total > MAX_XML_BYTES:
        raise PackageError(f"Tệp Excel {path.name} quá lớn để mở an toàn.")


def open_workbook(path: Path) -> tuple[list[SheetLayout], list[list[list[Any]]]]:
    """Every sheet's guessed layout and its cell values (rows of values, trailing blanks cut).

    Streaming (``read_only``) and bounded: at most ``MAX_SHEETS`` sheets, ``MAX_COLUMNS``
    columns and ``MAX_ROWS`` rows each; a sheet with data beyond is refused. Formulas are never
    evaluated: ``data_only`` gives the value Excel saved, or nothing."""
    path = Path(path)
    _check_archive(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise PackageError(_unreadable(path)) from exc
    layouts: list[SheetLayout] = []
    sheets: list[list[list[Any]]] = []
    try:
        if len(wb.worksheets) > MAX_SHEETS:
            raise PackageError(f"Tệp Excel có hơn {MAX_SHEETS} trang tính: không mở.")
        for ws in wb.worksheets:
            rows = _bounded_rows(ws)
            sheets.append(rows)
            layouts.append(guess_layout(ws.title, rows))
    except PackageError:
        raise
    except Exception as exc:  # a damaged sheet part: openpyxl raises what its parser meets
        raise PackageError(_unreadable(path)) from exc
    finally:
        wb.close()
    return layouts, sheets


def _bounded_rows(ws: Any) -> list[list[Any]]:
    ws.reset_dimensions()  # the declared dimension is a claim, not a fact
    rows: list[list[Any]] = []
    for r in ws.iter_rows(max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS, values_only=True):
        row = list(r)
        while row and (row[-1] is None or row[-1] == ""):
            row.pop()
        if len(rows) == MAX_ROWS:
            if row:
                raise PackageError(
                    f"Trang tính “{ws.title}” có hơn {MAX_ROWS:,} dòng: quá lớn để nhập.".replace(
                        ",", "."
                    )
                )
            break
        rows.append(row)
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    return " ".join(nfc(str(value)).split())


def _match(header: str) -> str | None:
    folded = fold(header).replace(":", "").strip()
    if not folded or folded in IGNORED:
        return None
    for name, synonyms in SYNONYMS.items():
        if folded in synonyms:
            return name
    # Otherwise the longest known name inside the header wins ("quan he voi chu ho (vo, con)"
    # is a relationship, although it also contains "chu ho").
    best: tuple[int, str] | None = None
    for name, synonyms in SYNONYMS.items():
        for s in synonyms:
            if len(s) > 4 and s in folded and (best is None or len(s) > best[0]):
                best = (len(s), name)
    return best[1] if best else None


def _guess(headers: Sequence[str]) -> dict[str, int]:
    mapping: dict[str, int] = {}
    for col, header in enumerate(headers):
        name = _match(header)
        if name and name not in mapping:
            mapping[name] = col
    return mapping


def _is_number_row(cells: Sequence[Any]) -> bool:
    """The '(1) (2) (3) …' row printed under many official headers."""
    texts = [_cell_text(c) for c in cells if _cell_text(c)]
    return len(texts) >= 3 and all(re.fullmatch(r"\(?\d{1,2}\)?", t) for t in texts)


def guess_layout(title: str, rows: Sequence[Sequence[Any]]) -> SheetLayout:
    best_row, best_score = -1, 0
    for r, cells in enumerate(rows[:30]):
        score = len(_guess([_cell_text(c) for c in cells]))
        if score > best_score:
            best_row, best_score = r, score
    if best_row < 0:
        return SheetLayout(title=title, header_row=0, headers=[], mapping={})
    width = max(len(rows[best_row]), 1)
    headers = [_cell_text(c) for c in rows[best_row]]
    last = best_row
    # A sub-header row under merged cells ("Nam | Nữ", "Họ và tên thành viên"): fill blanks.
    if best_row + 1 < len(rows):
        below = [_cell_text(c) for c in rows[best_row + 1]]
        numeric = any(isinstance(c, int | float) for c in rows[best_row + 1])
        if any(below) and not numeric and not _is_number_row(rows[best_row + 1]):
            headers = [
                (h if h else b) if i < len(below) else h
                for i, (h, b) in enumerate(zip(headers, below + [""] * width, strict=False))
            ]
            last = best_row + 1
    if last + 1 < len(rows) and _is_number_row(rows[last + 1]):
        last += 1
    return SheetLayout(title=title, header_row=last + 1, headers=headers, mapping=_guess(headers))


# --- parsing rows -------------------------------------------------------------------------

_RELATIONSHIPS: tuple[tuple[tuple[str, ...], Relationship], ...] = (
    (("chu ho",), Relationship.HEAD),
    (("vo", "chong", "vo/chong"), Relationship.SPOUSE),
    (("con", "con de", "con nuoi", "con dau", "con re", "con trai", "con gai"), Relationship.CHILD),
    (("chau", "chau noi", "chau ngoai"), Relationship.GRANDCHILD),
    (
        ("bo", "me", "cha", "bo de", "me de", "bo vo", "me vo", "bo chong", "me chong"),
        Relationship.PARENT,
    ),
    (("ong", "ba", "ong noi", "ba noi", "ong ngoai", "ba ngoai"), Relationship.GRANDPARENT),
    (("anh", "chi", "em", "anh trai", "chi gai", "em trai", "em gai"), Relationship.SIBLING),
    (("khac", "khong co quan he", "o nho", "o ghep"), Relationship.OTHER),
)


def parse_relationship(text: str) -> Relationship | None:
    folded = fold(text)
    for words, rel in _RELATIONSHIPS:
        if folded in words:
            return rel
    if folded.startswith("con "):
        return Relationship.CHILD
    if folded.startswith(("ho hang", "co ", "di ", "chu ", "bac ", "cau ", "thim ", "mo ")):
        return Relationship.OTHER_RELATIVE
    return None


def parse_category(text: str) -> Category | None:
    folded = fold(text).removeprefix("ho ").strip()
    if folded in ("ngheo", "hn", "ngheo cu", "ngheo moi", "tai ngheo", "ngheo phat sinh"):
        return Category.POOR
    if folded in ("can ngheo", "hcn", "can ngheo cu", "can ngheo moi", "tai can ngheo"):
        return Category.NEAR_POOR
    if folded in ("thoat ngheo", "thoat can ngheo", "khong ngheo", "khong thuoc dien"):
        return Category.NOT_POOR
    if folded in ("muc song trung binh", "trung binh"):
        return Category.MIDDLE
    return None


def parse_sex(text: str) -> Sex | None:
    folded = fold(text)
    if folded in ("nam", "m", "male"):
        return Sex.MALE
    if folded in ("nu", "f", "female"):
        return Sex.FEMALE
    return None


def parse_birth(value: Any) -> tuple[date | None, int | None]:
    """(birth date, birth year); raises ValueError when the cell cannot be read."""
    if value is None or value == "":
        return None, None
    if isinstance(value, datetime):
        return value.date(), value.year
    if isinstance(value, date):
        return value, value.year
    if isinstance(value, int | float) and not isinstance(value, bool):
        year = int(value)
        if value == year and 1900 <= year <= 2100:
            return None, year
        raise ValueError
    text = _cell_text(value)
    if re.fullmatch(r"\d{4}", text):
        return None, int(text)
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    if m:
        d = date(int(m[3]), int(m[2]), int(m[1]))
        return d, d.year
    raise ValueError


def parse_id_number(value: Any) -> tuple[str | None, str | None]:
    """(id number, warning). Excel drops leading zeros of numbers: CCCD numbers start with the
    province code (001…096), so a numeric cell is padded back to 12 digits."""
    if value is None or value == "":
        return None, None
    if isinstance(value, int | float) and not isinstance(value, bool):
        # A negative or fractional number is no CCCD (-10000 became '-00000010000').
        if not math.isfinite(value) or value < 0 or value != int(value):
            raise ValueError
        digits = str(int(value))
        if len(digits) < 12:
            return digits.zfill(12), "ô số bị Excel bỏ số 0 đầu; đã thêm lại cho đủ 12 chữ số"
        text = digits
    else:
        text = re.sub(r"[\s.'-]", "", _cell_text(value))
    if not re.fullmatch(r"\d{9}|\d{12}", text):
        raise ValueError
    return text, None


def parse_sheet(
    rows: Sequence[Sequence[Any]],
    layout: SheetLayout,
    *,
    default_category: Category | None = None,
    code_prefix: str = "",
) -> ParsedSheet:
    """Households and a validation report; nothing is written."""
    out = ParsedSheet()
    m = layout.mapping
    headers = layout.headers

    def col_name(f: str) -> str:
        i = m[f]
        header = headers[i] if i < len(headers) else ""
        return f"{get_column_letter(i + 1)} ({header})" if header else get_column_letter(i + 1)

    def err(row: int, f: str, msg: str, severity: Severity = "error") -> None:
        out.issues.append(Issue(row, col_name(f) if f in m else "", msg, severity))

    for needed in ("household_no", "head_name"):
        if needed not in m:
            out.issues.append(
                Issue(0, "", f"Chưa chọn cột “{FIELDS[needed][0]}”: không nhận ra được các hộ.")
            )
    if "category" not in m and default_category is None:
        out.issues.append(
            Issue(0, "", "Chưa chọn cột “Phân loại hộ” và chưa chọn loại hộ chung cho cả trang.")
        )
    if out.errors:
        return out

    current: ImportedHousehold | None = None
    codes: dict[str, int] = {}
    ids: dict[str, int] = {}
    for index in range(layout.header_row, len(rows)):
        cells = rows[index]
        excel_row = index + 1

        def get(f: str, cells: Sequence[Any] = cells) -> Any:
            i = m.get(f)
            if i is None or i >= len(cells):
                return None
            v = cells[i]
            return None if isinstance(v, str) and not v.strip() else v

        if all(_cell_text(c) == "" for c in cells):
            continue
        number = _cell_text(get("household_no"))
        head_text = _cell_text(get("head_name"))
        member_text = _cell_text(get("member_name"))
        if fold(number).startswith(("tong", "cong")) or fold(head_text).startswith("tong cong"):
            continue  # totals row at the bottom of the list
        if number:
            code = _cell_text(get("household_code")) or f"{code_prefix}{number}"
            if code in codes:
                err(
                    excel_row,
                    "household_code" if "household_code" in m else "household_no",
                    f"mã hộ “{code}” trùng với hộ ở dòng {codes[code]}.",
                )
            codes[code] = excel_row
            if not head_text:
                err(excel_row, "head_name", "thiếu họ tên chủ hộ.")
            category: Category | None = default_category
            cat_text = _cell_text(get("category"))
            if cat_text:
                category = parse_category(cat_text)
                if category is None:
                    err(
                        excel_row,
                        "category",
                        "không hiểu phân loại ghi ở ô này (cần: nghèo, cận nghèo, "
                        "thoát nghèo, thoát cận nghèo, mức sống trung bình).",
                    )
            elif default_category is None:
                err(excel_row, "category", "thiếu phân loại hộ.")
            b1: int | None = None
            b1_raw = get("b1_score")
            if b1_raw is not None:
                try:
                    b1 = int(float(str(b1_raw).replace(",", ".")))
                except (ValueError, OverflowError):  # "nan", "inf"
                    err(excel_row, "b1_score", "điểm B1 ghi ở ô này không phải là số.")
                if b1 is not None and not 0 <= b1 <= MAX_B1_TOTAL:
                    err(excel_row, "b1_score", f"điểm B1 {b1} ngoài khoảng 0–{MAX_B1_TOTAL}.")
                    b1 = None
            village = _cell_text(get("village"))
            merit_raw = _cell_text(get("meritorious_household"))
            household = Household(
                code=code,
                village=village,
                address=_cell_text(get("address")),
                meritorious_household=True
                if merit_raw and fold(merit_raw) in ("x", "co", "1", "c")
                else (None if not merit_raw else False),
            )
            current = ImportedHousehold(household, category, excel_row, b1)
            out.households.append(current)
            name = member_text or head_text
            relationship: Relationship | None = Relationship.HEAD
        else:
            if current is None:
                err(excel_row, "household_no", "dòng thành viên đứng trước mọi chủ hộ.")
                continue
            if not member_text:
                err(excel_row, "member_name", "thiếu họ tên thành viên.")
            name = member_text
            relationship = None
        rel_text = _cell_text(get("relationship"))
        if rel_text:
            parsed = parse_relationship(rel_text)
            if parsed is None:
                err(
                    excel_row,
                    "relationship",
                    # The cell is not quoted: a column chosen wrong puts names here, and the
                    # messages reach the terminal and receipts (docs/privacy.md).
                    "không hiểu quan hệ ghi ở ô này; ghi là “quan hệ khác”.",
                    "warning",
                )
                parsed = Relationship.OTHER
            if number and parsed is not Relationship.HEAD:
                err(
                    excel_row,
                    "relationship",
                    "dòng có STT hộ phải là chủ hộ (quan hệ: “Chủ hộ”).",
                    "warning",
                )
            relationship = Relationship.HEAD if number else parsed
        member = Member(name=name, relationship=relationship)
        try:
            member.birth_date, member.birth_year = parse_birth(get("birth_date"))
        except (ValueError, TypeError):
            err(
                excel_row,
                "birth_date",
                "ngày sinh không đọc được (cần ngày/tháng/năm như 08/04/1972, hoặc năm 4 chữ số).",
            )
        if member.birth_date and member.birth_date > date.today():
            err(excel_row, "birth_date", "ngày sinh ở tương lai.")
        sex_text = _cell_text(get("sex"))
        if sex_text:
            member.sex = parse_sex(sex_text)
            if member.sex is None:
                err(excel_row, "sex", "giới tính không rõ (cần Nam / Nữ).")
        try:
            member.id_number, warning = parse_id_number(get("id_number"))
            if warning:
                err(excel_row, "id_number", warning, "warning")
        except ValueError:
            err(
                excel_row,
                "id_number",
                "số CCCD phải có 12 chữ số (hoặc 9 với CMND).",
            )
        if member.id_number:
            if member.id_number in ids:
                err(
                    excel_row,
                    "id_number",
                    f"số CCCD trùng với người ở dòng {ids[member.id_number]}.",
                )
            ids[member.id_number] = excel_row
        eth = _cell_text(get("ethnicity"))
        member.ethnicity = eth or None
        assert current is not None
        current.household.members.append(member)
    # The same hard limits as every other way in (text length, control characters, ranges);
    # what the row checks above already said is not said twice.
    today = date.today()
    said = {(i.row, i.column) for i in out.errors}
    for item in out.households:
        for problem in check_household(item.household, today):
            f = _FIELD_OF_TARGET.get(problem.target, "")
            if (item.row, col_name(f) if f in m else "") in said:
                continue
            err(item.row, f, problem.message)
    if not out.households and not out.errors:
        out.issues.append(Issue(0, "", "Không tìm thấy hộ nào dưới dòng tiêu đề."))
    return out


# forms.validate targets -> the workbook field whose column a problem is reported at.
_FIELD_OF_TARGET = {
    "code": "household_code",
    "village": "village",
    "address": "address",
    "name": "member_name",
    "ethnicity": "ethnicity",
    "id_number": "id_number",
    "birth_year": "birth_date",
    "birth_date": "birth_date",
}


def field_labels() -> Iterable[tuple[str, str]]:
    return ((name, label) for name, (label, _kind) in FIELDS.items())
