"""The forms as data: Phiếu A, B1, B2 and the member questions, read from
``forms/data/{phieu_a,phieu_b1,phieu_b2,members}.toml``.

Questions, answer options, limits, help and skip logic are described once here; the GUI
renders them, the reports print them and ``validate_household`` checks answers against them.
Options of enum-valued questions come from ``forms.labels`` (``options_from = "WaterSource"``)
or from a catalog (``options_from = "catalog:income_sources"``), never typed twice.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from forms import catalog, labels
from forms.model import MAX_AGE, Household, Member, Relationship

if TYPE_CHECKING:
    from forms.b1 import B1Table
    from forms.standards import Standard

KINDS = ("bool", "choice", "multi", "int", "float", "text", "date")


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class Condition:
    """Skip logic: the question shows only when this holds (see ``is_visible``)."""

    target: str = ""
    equals: Any = None
    not_equals: Any = None
    answered: bool | None = None
    age_below: int | None = None  # member questions: shown for members younger than this
    age_from: int | None = None  # member questions: shown for members this old or older
    one_of: tuple[str, ...] | None = None  # shown only when the target's answer is one of these


@dataclass(frozen=True)
class Question:
    id: str
    label: str
    kind: str
    target: str  # attribute path on Household/Member: "floor_area_m2", "screening.a3"
    options: list[Option] = field(default_factory=list, hash=False)
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    unit: str = ""
    help: str = ""
    show_if: Condition | None = None
    effect: str = ""  # Phiếu A: "exclude" takes the household out of the review
    unconfirmed: bool = False
    standards: tuple[str, ...] = ()  # empty: asked under every standard
    pattern: str = ""  # text answers must match it entirely (regular expression)
    pattern_message: str = ""  # Vietnamese, said when they do not
    # Another target whose answer also answers this one (a full birth date gives the year),
    # so a required question is not reported unanswered when that one is filled.
    answered_by: str = ""
    # Answers no longer offered that stored households may still hold (forms.labels.RETIRED):
    # the GUI shows such a stored answer with its label and keeps it until another is chosen.
    former_options: list[Option] = field(default_factory=list, hash=False)


@dataclass(frozen=True)
class Section:
    title: str
    questions: list[Question] = field(hash=False)


@dataclass(frozen=True)
class Form:
    id: str
    title: str
    sections: list[Section] = field(hash=False)
    source: str = ""
    unconfirmed: bool = False

    def questions(self) -> list[Question]:
        return [q for s in self.sections for q in s.questions]


@dataclass(frozen=True)
class Issue:
    target: str
    member_id: str | None
    message: str  # Vietnamese
    severity: str  # "error" | "warning"


_ENUMS = {type(next(iter(t))).__name__: t for t in labels.BY_ENUM.values()}


def _options(spec: str) -> list[Option]:
    if spec.startswith("catalog:"):
        items = getattr(catalog, spec.removeprefix("catalog:"))()
        return [Option(i.id, i.label) for i in items]
    return [Option(str(k.value), v) for k, v in _ENUMS[spec].items() if k not in labels.RETIRED]


def _former_options(spec: str) -> list[Option]:
    if spec.startswith("catalog:"):
        return []
    return [Option(str(k.value), v) for k, v in _ENUMS[spec].items() if k in labels.RETIRED]


def _condition(raw: dict[str, Any]) -> Condition:
    if "one_of" in raw:
        raw = {**raw, "one_of": tuple(raw["one_of"])}
    return Condition(**raw)


def _question(raw: dict[str, Any]) -> Question:
    kind = raw["kind"]
    if kind not in KINDS:
        raise ValueError(f"question {raw['id']}: unknown kind {kind!r}")
    options = [Option(str(o["value"]), o["label"]) for o in raw.get("options", [])]
    former: list[Option] = []
    if "options_from" in raw:
        options = _options(raw["options_from"])
        former = _former_options(raw["options_from"])
    cond = raw.get("show_if")
    return Question(
        id=raw["id"],
        label=raw["label"],
        kind=kind,
        target=raw["target"],
        options=options,
        required=bool(raw.get("required", False)),
        minimum=raw.get("minimum"),
        maximum=raw.get("maximum"),
        unit=raw.get("unit", ""),
        help=raw.get("help", ""),
        show_if=_condition(cond) if cond else None,
        effect=raw.get("effect", ""),
        unconfirmed=bool(raw.get("unconfirmed", False)),
        standards=tuple(raw.get("standards", ())),
        pattern=raw.get("pattern", ""),
        pattern_message=raw.get("pattern_message", ""),
        answered_by=raw.get("answered_by", ""),
        former_options=former,
    )


@cache
def _form(name: str) -> Form:
    text = (resources.files("forms") / "data" / f"{name}.toml").read_text(encoding="utf-8")
    raw = tomllib.loads(text)
    return Form(
        id=raw["id"],
        title=raw["title"],
        sections=[
            Section(s["title"], [_question(q) for q in s.get("questions", [])])
            for s in raw["sections"]
        ],
        source=raw.get("source", ""),
        unconfirmed=bool(raw.get("unconfirmed", False)),
    )


def _for_standard(form: Form, standard: Standard | None) -> Form:
    if standard is None:
        return form
    sections = [
        Section(s.title, [q for q in s.questions if not q.standards or standard.id in q.standards])
        for s in form.sections
    ]
    return Form(
        form.id, form.title, [s for s in sections if s.questions], form.source, form.unconfirmed
    )


def phieu_a() -> Form:
    return _form("phieu_a")


def phieu_b1(table: B1Table | None = None, household: Household | None = None) -> Form:
    """Phiếu B1; with a B1 table file, its items follow as one more section: those the
    household answers (its area's and region's table) when one is given, else all of them.
    Items filling a slot (land, livestock, boats) are asked in the slot's wording."""
    form = _form("phieu_b1")
    if table is None:
        return form
    slots = b1_slots()
    items = table.items_for(household) if household is not None else table.items
    questions = []
    for item in items:
        slot = slots.get(item.id)
        questions.append(
            Question(
                id=f"b1.{item.id}",
                label=slot.label if slot else item.label,
                kind="choice",
                target=f"b1_answers.{item.id}",
                options=[Option(o.id, o.label) for o in item.options],
                help=slot.help if slot else "",
                unconfirmed=table.unconfirmed or table.example,
            )
        )
    return Form(
        form.id,
        form.title,
        [*form.sections, Section(table.name, questions)],
        form.source,
        form.unconfirmed,
    )


@dataclass(frozen=True)
class B1Slot:
    id: str
    label: str
    help: str


@cache
def b1_slots() -> dict[str, B1Slot]:
    """The land, livestock and boats slots of Phiếu B1 (``[[b1_slots]]``)."""
    text = (resources.files("forms") / "data" / "phieu_b1.toml").read_text(encoding="utf-8")
    return {
        s["id"]: B1Slot(s["id"], s["label"], s.get("help", ""))
        for s in tomllib.loads(text).get("b1_slots", [])
    }


def phieu_b2(standard: Standard | None = None) -> Form:
    """Phiếu B2; with a standard, only the questions its indicators use."""
    return _for_standard(_form("phieu_b2"), standard)


def member_questions() -> Form:
    return _form("members")


def screening_exclusions(household: Household) -> list[str]:
    """Labels of the Phiếu A exclusion criteria the household answered "yes" to."""
    if True not in household.screening.values():
        return []
    return [
        q.label.rstrip("?")
        for q in phieu_a().questions()
        if q.effect == "exclude" and household.screening.get(q.id) is True
    ]


# --- skip logic ---------------------------------------------------------------------------


def read_target(obj: Household | Member, target: str) -> Any:
    attr, _, key = target.partition(".")
    value = getattr(obj, attr, None)
    if key:
        return value.get(key) if isinstance(value, dict) else None
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return getattr(value, "value", value)


def is_visible(
    question: Question, obj: Household | Member, reference_date: date | None = None
) -> bool:
    """Whether the question is asked, given the answers so far (pure; no side effects)."""
    cond = question.show_if
    if cond is None:
        return True
    if cond.age_below is not None:
        if not isinstance(obj, Member):
            return True
        age = obj.age_on(reference_date or date.today())
        if age is not None and age >= cond.age_below:
            return False
    if cond.age_from is not None and isinstance(obj, Member):
        age = obj.age_on(reference_date or date.today())
        if age is not None and age < cond.age_from:
            return False
    if cond.target:
        value = _plain(read_target(obj, cond.target))
        if cond.answered is not None and (value is not None) != cond.answered:
            return False
        if cond.equals is not None and value != cond.equals:
            return False
        if cond.not_equals is not None and value == cond.not_equals:
            return False
        if cond.one_of is not None and value not in cond.one_of:
            return False
    return True


# --- validation ---------------------------------------------------------------------------


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _matches(q: Question, value: str) -> bool:
    return _compiled(q.pattern).fullmatch(value) is not None


def _num(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _check_range(q: Question, value: Any, member_id: str | None, issues: list[Issue]) -> None:
    if q.kind not in ("int", "float") or value is None or isinstance(value, bool):
        return
    if q.minimum is not None and value < q.minimum:
        issues.append(
            Issue(
                q.target,
                member_id,
                f"{q.label}: {_num(value)} nhỏ hơn mức tối thiểu {_num(q.minimum)}.",
                "error",
            )
        )
    if q.maximum is not None and value > q.maximum:
        issues.append(
            Issue(
                q.target,
                member_id,
                f"{q.label}: {_num(value)} lớn hơn mức tối đa {_num(q.maximum)}.",
                "error",
            )
        )


def _unanswered(q: Question, value: Any, owner: Household | Member | None = None) -> bool:
    if value is not None and value != "":
        return False
    if q.answered_by and owner is not None:
        other = read_target(owner, q.answered_by)
        return other is None or other == ""
    return True


def validate_household(
    h: Household, reference_date: date | None = None, standard: Standard | None = None
) -> list[Issue]:
    """Problems with the answers, in Vietnamese: errors block a sound result, warnings ask
    the surveyor to look again."""
    ref = reference_date or date.today()
    issues: list[Issue] = []
    if not h.members:
        issues.append(Issue("members", None, "Hộ chưa có thành viên nào.", "error"))
    heads = [m for m in h.members if m.relationship is Relationship.HEAD]
    if h.members and not heads:
        issues.append(Issue("members", None, "Hộ chưa có chủ hộ.", "error"))
    if len(heads) > 1:
        names = ", ".join(m.name or "(chưa có tên)" for m in heads)
        issues.append(Issue("members", None, f"Hộ có {len(heads)} chủ hộ: {names}.", "error"))
    for form in (phieu_a(), phieu_b1(), phieu_b2(standard)):
        for q in form.questions():
            if not is_visible(q, h, ref):
                continue
            value = read_target(h, q.target)
            _check_range(q, value, None, issues)
            if q.required and _unanswered(q, value, h):
                issues.append(Issue(q.target, None, f"Chưa trả lời: {q.label}", "warning"))
    member_form = member_questions()
    seen_ids: dict[str, str] = {}
    for n, m in enumerate(h.members, 1):
        who = m.name or f"Thành viên thứ {n}"
        for q in member_form.questions():
            if not is_visible(q, m, ref):
                continue
            value = read_target(m, q.target)
            _check_range(q, value, m.id, issues)
            if q.pattern and isinstance(value, str) and value and not _matches(q, value):
                message = q.pattern_message or f"{q.label} không đúng định dạng"
                issues.append(Issue(q.target, m.id, f"{who}: {message}.", "error"))
            if q.required and _unanswered(q, value, m):
                issues.append(Issue(q.target, m.id, f"{who}: chưa trả lời {q.label}", "warning"))
        if m.id_number:
            if m.id_number in seen_ids:
                issues.append(
                    Issue(
                        "id_number",
                        m.id,
                        f"{who}: trùng số định danh với {seen_ids[m.id_number]}.",
                        "error",
                    )
                )
            else:
                seen_ids[m.id_number] = who
        year = m.year_of_birth()
        if year is not None and not ref.year - MAX_AGE <= year <= ref.year:
            target = "birth_date" if m.birth_date else "birth_year"
            issues.append(Issue(target, m.id, f"{who}: năm sinh {year} không hợp lý.", "error"))
        if m.birth_date is not None and m.birth_date > ref:
            issues.append(Issue("birth_date", m.id, f"{who}: ngày sinh sau ngày rà soát.", "error"))
        if m.birth_date and m.birth_year and m.birth_date.year != m.birth_year:
            issues.append(
                Issue("birth_year", m.id, f"{who}: năm sinh khác năm của ngày sinh.", "warning")
            )
        age = m.age_on(ref)
        if age is not None and age >= 16 and (m.stunted or m.underweight):
            issues.append(
                Issue(
                    "stunted",
                    m.id,
                    f"{who}: thấp còi/nhẹ cân chỉ tính cho trẻ dưới 16 tuổi.",
                    "warning",
                )
            )
    known_causes = {c.id for c in catalog.causes()}
    for c in h.causes:
        if c not in known_causes:
            issues.append(Issue("causes", None, f"Nguyên nhân nghèo không có: {c}.", "warning"))
    known_needs = {c.id for c in catalog.needs()}
    for c in h.needs:
        if c not in known_needs:
            issues.append(Issue("needs", None, f"Nhu cầu hỗ trợ không có: {c}.", "warning"))
    known_screening = {q.id for q in phieu_a().questions()}
    for key in h.screening:
        if key not in known_screening:
            issues.append(
                Issue(f"screening.{key}", None, f"Phiếu A không có câu hỏi '{key}'.", "warning")
            )
    # The hard limits every way in enforces (forms.validate), as errors, unless an answer
    # check above already spoke about that field.
    from forms.validate import check_household

    said = {(i.target, i.member_id) for i in issues if i.severity == "error"}
    for p in check_household(h, date.today()):
        if (p.target, p.member_id) not in said:
            issues.append(Issue(p.target, p.member_id, p.message, "error"))
    return issues
