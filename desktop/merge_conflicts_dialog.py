"""Households changed on two laptops, side by side: the commune file's version and the
package's, with the differing lines marked. The officer decides each one; nothing is resolved
without a click, and every decision goes to the audit log (``db.exchange.merge``). Certificate
numbers (``db.certificates``), applications and cadres (``db.exchange.year_round_part``) that
disagree wait in the same list and are decided with the same two buttons.

When one side is a deletion, the view says so plainly: a household the commune file deleted
shows who deleted it and when, and its last content struck through beside the package's
version; the choices become "keep it deleted" and "restore it with the package's data" (or,
for a deletion in the package, "keep the household" and "delete it")."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtGui import QBrush, QColor, QFont, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db.certificates import CertificateConflict
from db.exchange.year_round_part import YearRoundConflict
from desktop.labels import local_time
from forms.applications import KIND_LABELS, STATUS_LABELS, ApplicationKind, ApplicationStatus
from forms.model import Household

DIFF_BRUSH = QBrush(QColor("#ffe9b3"))
DELETED_BRUSH = QBrush(QColor("#8a8a8a"))
# A member's answers are listed under the member's own line, indented by this much.
MEMBER_ANSWER_INDENT = "    "

# The helpers below have no ``self``: they translate under the dialog's context.
FIELD_LABELS = {
    "code": QT_TRANSLATE_NOOP("MergeConflictsDialog", "Mã hộ"),
    "village": QT_TRANSLATE_NOOP("MergeConflictsDialog", "Thôn"),
    "address": QT_TRANSLATE_NOOP("MergeConflictsDialog", "Địa chỉ"),
    "area": QT_TRANSLATE_NOOP("MergeConflictsDialog", "Khu vực"),
    "region": QT_TRANSLATE_NOOP("MergeConflictsDialog", "Vùng"),
    "meritorious_household": QT_TRANSLATE_NOOP("MergeConflictsDialog", "Hộ có người có công"),
    "social_protection": QT_TRANSLATE_NOOP("MergeConflictsDialog", "Hộ bảo trợ xã hội"),
    "agri_forestry_fishery": QT_TRANSLATE_NOOP(
        "MergeConflictsDialog", "Hộ nông, lâm, ngư, diêm nghiệp"
    ),
    "b1_total": QT_TRANSLATE_NOOP("MergeConflictsDialog", "Tổng điểm B1"),
    "income_per_capita": QT_TRANSLATE_NOOP("MergeConflictsDialog", "Thu nhập bình quân"),
    "floor_area_m2": QT_TRANSLATE_NOOP("MergeConflictsDialog", "Diện tích nhà (m²)"),
    "water_source": QT_TRANSLATE_NOOP("MergeConflictsDialog", "Nguồn nước"),
    "latrine": QT_TRANSLATE_NOOP("MergeConflictsDialog", "Nhà tiêu"),
    "note": QT_TRANSLATE_NOOP("MergeConflictsDialog", "Ghi chú"),
}

# The side-by-side rows of an application or a cadre (``year_round_rows``).
YEAR_ROUND_LABELS = {
    "status": QT_TRANSLATE_NOOP("MergeConflictsDialog", "Trạng thái"),
    "kind": QT_TRANSLATE_NOOP("MergeConflictsDialog", "Loại đề nghị"),
    "submitted_on": QT_TRANSLATE_NOOP("MergeConflictsDialog", "Ngày nhận"),
    "submitted_by": QT_TRANSLATE_NOOP("MergeConflictsDialog", "Người nộp"),
    "request": QT_TRANSLATE_NOOP("MergeConflictsDialog", "Nội dung đề nghị"),
    "cadre_name": QT_TRANSLATE_NOOP("MergeConflictsDialog", "Cán bộ phụ trách"),
    "cadre_role": QT_TRANSLATE_NOOP("MergeConflictsDialog", "Chức vụ"),
    "updated_at": QT_TRANSLATE_NOOP("MergeConflictsDialog", "Ghi lúc"),
    "updated_device": QT_TRANSLATE_NOOP("MergeConflictsDialog", "Trên máy"),
}


def _describe(m: Any) -> str:
    from forms.household_diff import value_text

    text = value_text("members", m)
    if m.id_number:
        # "CCCD" as this screen has always said it, through its translation.
        text = text.replace(
            f"CCCD {m.id_number}",
            QCoreApplication.translate("MergeConflictsDialog", "CCCD {number}").format(
                number=m.id_number
            ),
        )
    return text


def _label(target: str, *, member: bool = False) -> str:
    from desktop.i18n import data_tr
    from forms.household_diff import field_label

    if not member and target in FIELD_LABELS:
        return QCoreApplication.translate("MergeConflictsDialog", FIELD_LABELS[target])
    return data_tr(field_label(target, member=member))


def _value(target: str, value: Any) -> str:
    from desktop.i18n import data_tr
    from forms.household_diff import value_text

    if isinstance(value, bool):
        return (
            QCoreApplication.translate("MergeConflictsDialog", "Có")
            if value
            else QCoreApplication.translate("MergeConflictsDialog", "Không")
        )
    return data_tr(value_text(target, value))


def comparison_rows(
    local: Household | None, incoming: Household | None
) -> list[tuple[str, str, str]]:
    """(label, here, in the package) for every field of the household, a form's answers one
    question a row where they differ; then each member, matched by id (never by place: a
    member deleted on one side showed every later member as changed), one line each, and
    under it a line for every one of that member's answers that differs (an edit to a
    member's health insurance or schooling was not shown at all, and taking the other
    version lost it unseen)."""
    import dataclasses

    from forms.household_diff import differences

    rows: list[tuple[str, str, str]] = []
    rows.append(
        (
            QCoreApplication.translate("MergeConflictsDialog", "Chủ hộ"),
            local.head_name() if local else "—",
            incoming.head_name() if incoming else "—",
        )
    )
    rows.append(
        (
            QCoreApplication.translate("MergeConflictsDialog", "Số nhân khẩu"),
            str(local.size()) if local else "—",
            str(incoming.size()) if incoming else "—",
        )
    )
    names = [f.name for f in dataclasses.fields(Household) if f.name not in ("id", "members")]
    ordered = [k for k in FIELD_LABELS if k in names] + sorted(
        k for k in names if k not in FIELD_LABELS
    )
    diffs = differences(local, incoming)
    for key in ordered:
        a = getattr(local, key) if local is not None else None
        b = getattr(incoming, key) if incoming is not None else None
        split = [d for d in diffs if d.member is None and d.target.startswith(key + ".")]
        if split:
            rows += [
                (_label(d.target), _value(d.target, d.here), _value(d.target, d.there))
                for d in split
            ]
        else:
            rows.append((_label(key), _value(key, a), _value(key, b)))
    ma = {m.id: m for m in (local.members if local else [])}
    mb = {m.id: m for m in (incoming.members if incoming else [])}
    order = [*ma, *(k for k in mb if k not in ma)]
    for n, member_id in enumerate(order, 1):
        here, there = ma.get(member_id), mb.get(member_id)
        rows.append(
            (
                QCoreApplication.translate("MergeConflictsDialog", "Thành viên {n}").format(n=n),
                _describe(here) if here is not None else "—",
                _describe(there) if there is not None else "—",
            )
        )
        for d in diffs:
            if d.member_id == member_id and d.target != "members":
                rows.append(
                    (
                        f"{MEMBER_ANSWER_INDENT}{_label(d.target, member=True)}",
                        _value(d.target, d.here),
                        _value(d.target, d.there),
                    )
                )
    return rows


def _mark_different(item: QTableWidgetItem) -> None:
    """A line that differs between the two versions: shaded and in bold, so it stands out
    on a dim laptop screen and to an officer who tells the shade from white badly."""
    item.setBackground(DIFF_BRUSH)
    font = QFont(item.font())
    font.setBold(True)
    item.setFont(font)


def _number(n: int | None) -> str:
    if n is None:
        return QCoreApplication.translate("MergeConflictsDialog", "chưa có số")
    return f"{n:04d}"


def certificate_rows(c: CertificateConflict) -> list[tuple[str, str, str]]:
    """(label, this file, the package) for a certificate-number conflict: the household's
    number on each side and, when the package's number is held by another household here,
    which household holds it on each side."""
    rows = [
        (
            QCoreApplication.translate("MergeConflictsDialog", "Số của hộ {code}").format(
                code=c.code
            ),
            _number(c.local_number),
            _number(c.incoming_number),
        )
    ]
    if c.other_code:
        rows.append(
            (
                QCoreApplication.translate("MergeConflictsDialog", "Số {number} là của hộ").format(
                    number=_number(c.incoming_number)
                ),
                c.other_code,
                c.code,
            )
        )
    rows.append(
        (
            QCoreApplication.translate("MergeConflictsDialog", "Máy cấp số trong gói"),
            "",
            c.incoming_device,
        )
    )
    return rows


def year_round_rows(c: YearRoundConflict) -> list[tuple[str, str, str]]:
    """(label, this file, the package) for an application changed on both sides or two cadres
    of one village or household; the row each side last wrote, when and on which laptop."""
    mine, theirs = c.local or {}, c.incoming

    def both(key: str, show: Any = str) -> tuple[str, str]:
        return (show(mine[key]) if key in mine else "—", show(theirs[key]))

    if c.table == "applications":
        fields = [
            (YEAR_ROUND_LABELS["status"], both("status", _status_label)),
            (YEAR_ROUND_LABELS["kind"], both("kind", _kind_label)),
            (YEAR_ROUND_LABELS["submitted_on"], both("submitted_on", _vn_date)),
            (YEAR_ROUND_LABELS["submitted_by"], both("submitted_by")),
            (YEAR_ROUND_LABELS["request"], both("request")),
        ]
    else:
        # A side that ended the assignment shows no cadre, whatever its tombstone names.
        ended = QCoreApplication.translate("MergeConflictsDialog", "(bỏ phân công)")
        (name_here, name_there), (role_here, role_there) = both("cadre_name"), both("cadre_role")
        if not mine:
            name_here = ended
        if theirs["deleted"]:
            name_there, role_there = ended, "—"
        name, role = (name_here, name_there), (role_here, role_there)
        fields = [(YEAR_ROUND_LABELS["cadre_name"], name), (YEAR_ROUND_LABELS["cadre_role"], role)]
    fields.append((YEAR_ROUND_LABELS["updated_at"], both("updated_at", local_time)))
    fields.append((YEAR_ROUND_LABELS["updated_device"], both("updated_device")))
    return [
        (QCoreApplication.translate("MergeConflictsDialog", label), here, there)
        for label, (here, there) in fields
    ]


def _status_label(value: str) -> str:
    return STATUS_LABELS[ApplicationStatus(value)]


def _kind_label(value: str) -> str:
    return KIND_LABELS[ApplicationKind(value)]


def _vn_date(iso: str) -> str:
    return "/".join(reversed(iso.split("-")))


class MergeConflictsDialog(QDialog):
    def __init__(self, store: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.conflicts: list[Any] = []
        self.certificate_conflicts: list[CertificateConflict] = []
        self.year_round_conflicts: list[YearRoundConflict] = []
        self.entries: list[Any] = []
        self._first_difference: int | None = None  # the shown conflict's, in the table
        self.setWindowTitle(self.tr("Xung đột khi gộp dữ liệu"))
        self.resize(900, 560)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Các hộ dưới đây đã được sửa ở cả tệp của xã và trong gói nhận về, hoặc có số giấy "
                "chứng nhận, giấy đề nghị, cán bộ phụ trách khác nhau giữa hai bên. Phần mềm không "
                "tự chọn: hãy so sánh hai bản và quyết định từng mục. Mỗi quyết định được ghi vào "
                "nhật ký."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        split = QSplitter()
        self.list = QListWidget()
        self.list.currentRowChanged.connect(self._show)
        split.addWidget(self.list)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        right_layout.addWidget(self.detail)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(
            ["", self.tr("Bản trong tệp của xã"), self.tr("Bản trong gói")]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        # A long label or answer ("Hộ nông, lâm, ngư, diêm nghiệp có mức sống trung bình")
        # wraps onto a taller row instead of ending in "…" at 900 pixels, as the columns
        # narrow with the window.
        self.table.setWordWrap(True)
        # Fitted again once the columns have their new widths (the event loop's next turn).
        self._refit = QTimer(self)
        self._refit.setSingleShot(True)
        self._refit.setInterval(0)
        self._refit.timeout.connect(self.table.resizeRowsToContents)
        self.table.viewport().installEventFilter(self)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        right_layout.addWidget(self.table)
        buttons = QHBoxLayout()
        self.keep_button = QPushButton()
        self.take_button = QPushButton()
        self._label_buttons(None)
        self.keep_button.clicked.connect(lambda: self.decide("keep_mine"))
        self.take_button.clicked.connect(lambda: self.decide("take_theirs"))
        close = QPushButton(self.tr("Đóng"))
        close.clicked.connect(self.accept)
        buttons.addWidget(self.keep_button)
        buttons.addWidget(self.take_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        right_layout.addLayout(buttons)
        split.addWidget(right)
        split.setStretchFactor(1, 3)
        split.setSizes([300, 600])
        layout.addWidget(split, 1)
        self.reload()

    def reload(self) -> None:
        from db import certificates
        from db.exchange import year_round_part
        from db.exchange.merge_conflicts import conflict_rows

        # Listed without decoding; the one shown is read whole (``_show``).
        self.conflicts = conflict_rows(self.store)
        self.certificate_conflicts = certificates.open_conflicts(self.store.conn)
        self.year_round_conflicts = year_round_part.open_conflicts(self.store.conn)
        self.entries = [*self.conflicts, *self.certificate_conflicts, *self.year_round_conflicts]
        row = max(self.list.currentRow(), 0)
        self.list.blockSignals(True)
        self.list.clear()
        for c in self.conflicts:
            text = f"{c.code} — {c.head_name}"
            if c.deleted_here:
                text += self.tr(" (đã xoá ở xã)")
            elif c.incoming_deleted:
                text += self.tr(" (gói xoá hộ)")
            self.list.addItem(QListWidgetItem(text))
        for n in self.certificate_conflicts:
            item = QListWidgetItem(
                self.tr("{code} — số GCN {mine} / {theirs}").format(
                    code=n.code, mine=_number(n.local_number), theirs=_number(n.incoming_number)
                )
            )
            item.setToolTip(n.describe())
            self.list.addItem(item)
        for y in self.year_round_conflicts:
            who = y.code if y.household_id else y.village
            what = (
                self.tr("giấy đề nghị")
                if y.table == "applications"
                else self.tr("cán bộ phụ trách")
            )
            item = QListWidgetItem(f"{who} — {what}")
            item.setToolTip(y.describe())
            self.list.addItem(item)
        if self.entries:
            # The next waiting conflict stays where the decided one was: Enter by Enter.
            self.list.setCurrentRow(min(row, len(self.entries) - 1))
        self.list.blockSignals(False)
        # Shown once, here (the row's change is not heard): each showing reads the conflict.
        self._show(self.list.currentRow() if self.entries else -1)

    def _show(self, row: int) -> None:
        has = 0 <= row < len(self.entries)
        self.keep_button.setEnabled(has)
        self.take_button.setEnabled(has)
        self.table.setRowCount(0)
        self._first_difference = None
        self._label_buttons(self.entries[row] if has else None)
        if not has:
            self.detail.setText(self.tr("Không còn xung đột nào chờ quyết định."))
            return
        if isinstance(self.entries[row], CertificateConflict):
            self._show_certificate(self.entries[row])
            return
        if isinstance(self.entries[row], YearRoundConflict):
            self._show_year_round(self.entries[row])
            return
        from db.exchange.merge_conflicts import conflict

        c = conflict(self.store, self.conflicts[row].id)
        if c is None:  # decided meanwhile (another window, the command line): list again
            self.reload()
            return
        gone = c.local_deletion
        rec = c.incoming
        holder = None
        if c.kind == "code_taken" and c.local is None:
            # Beside the household that holds the code here: the same family surveyed twice,
            # or another family given the same next code on two laptops?
            holder = self.store.household_by_code(rec.household.code)
            kind = self.tr(
                "Mã hộ {code} đang dùng cho hộ của {head} trong tệp của xã, nhưng đây là một hộ "
                "khác. Nếu là cùng một gia đình được khảo sát hai lần: giữ hộ đang có. Nếu là "
                "hai gia đình khác nhau: nhận hộ trong gói, hộ được cấp mã mới của thôn."
            ).format(code=rec.household.code, head=holder.head_name() if holder else "?")
        elif c.kind == "code_taken":
            kind = self.tr("Mã hộ này đang dùng cho một hộ khác trong tệp của xã.")
        elif gone is not None and not rec.deleted:
            kind = self.tr(
                "Tệp của xã đã XOÁ hộ này, nhưng trong gói hộ vẫn được sửa tiếp. Chọn giữ "
                "việc xoá hộ, hoặc khôi phục hộ với dữ liệu trong gói."
            )
        elif rec.deleted and gone is None:
            kind = self.tr(
                "Tệp của xã đã sửa hộ này, nhưng trong gói hộ đã bị XOÁ. Chọn giữ bản của xã "
                "(hộ vẫn còn), hoặc nhận bản trong gói (xoá hộ)."
            )
        else:
            kind = self.tr("Cả hai bên đều đã sửa hộ này.")
        lines = [kind]
        if gone is None and not rec.deleted:
            from forms.household_diff import differences, summary

            # Named first: among some forty lines the one that differs is easy to miss.
            lines.append(
                self.tr("Khác nhau ở: {fields}.").format(
                    fields=summary(differences(c.local, rec.household)) or "—"
                )
            )
        if gone is not None:
            lines.append(self._deleted_here(gone))
        lines.append(self.tr("Gói: {source}").format(source=c.source))
        lines.append(
            self.tr("Bản trong gói sửa lúc {at} bởi {user} trên máy {device}.").format(
                at=local_time(rec.updated_at) if rec.updated_at else "?",
                user=rec.updated_by or "?",
                device=rec.updated_device or "?",
            )
        )
        if rec.deleted:
            lines.append(self.tr("Bản trong gói là lệnh XOÁ hộ."))
        self.detail.setText("\n".join(lines))
        local = gone.last if gone is not None else (c.local or holder)
        rows = comparison_rows(local, None if rec.deleted else rec.household)
        if gone is not None or rec.deleted:
            rows.insert(
                0,
                (
                    self.tr("Tình trạng"),
                    self.tr("ĐÃ XOÁ") if gone is not None else self.tr("Đang có"),
                    self.tr("Xoá hộ") if rec.deleted else self.tr("Đang có (đã sửa)"),
                ),
            )
        self.table.setHorizontalHeaderLabels(
            [
                "",
                self.tr("Bản trong tệp của xã (ĐÃ XOÁ)")
                if gone is not None
                else self.tr("Hộ đang có mã này trong tệp của xã")
                if holder is not None
                else self.tr("Bản trong tệp của xã"),
                self.tr("Bản trong gói"),
            ]
        )
        self.table.setRowCount(len(rows))
        for i, (label, here, there) in enumerate(rows):
            for col, value in enumerate((label, here, there)):
                item = QTableWidgetItem(value)
                if here != there:
                    _mark_different(item)
                if i == 0 and col == 1 and gone is not None:
                    item.setToolTip(self._deleted_here(gone))
                if col == 1 and gone is not None and i > 0:
                    # The last content of a deleted household: there, but plainly gone.
                    font = QFont(item.font())
                    font.setStrikeOut(True)
                    item.setFont(font)
                    item.setForeground(DELETED_BRUSH)
                self.table.setItem(i, col, item)
        self._first_difference = next(
            (i for i, (_, here, there) in enumerate(rows) if here != there), None
        )
        self._fit_rows()

    def _show_certificate(self, c: CertificateConflict) -> None:
        year = next((r.year for r in self.store.rounds() if r.id == c.round_id), None)
        lines = [c.describe()]
        if c.other_code:
            lines.append(
                self.tr(
                    "Nhận số trong gói thì hộ {other} mất số {number} và được cấp số mới khi in "
                    "lần sau; giấy chứng nhận đã in cho hộ đó phải in lại."
                ).format(other=c.other_code, number=_number(c.incoming_number))
            )
        else:
            lines.append(
                self.tr(
                    "Giữ số của xã thì giấy chứng nhận in trên máy {device} phải in lại với số "
                    "của xã."
                ).format(device=c.incoming_device)
            )
        if year is not None:
            lines.append(self.tr("Kỳ rà soát năm {year}.").format(year=year))
        lines.append(self.tr("Gói: {source}").format(source=c.source))
        self.detail.setText("\n".join(lines))
        # A line this file leaves empty (the package's device) is information, not a difference.
        self._side_by_side(certificate_rows(c), mark_empty=False)

    def _show_year_round(self, c: YearRoundConflict) -> None:
        lines = [c.describe()]
        if c.local is None or c.local.get("deleted"):
            lines.append(
                self.tr(
                    "Ở tệp của xã mục này đã bị xoá: giữ bản của xã thì vẫn xoá; nhận bản "
                    "trong gói thì khôi phục theo bản trong gói."
                )
            )
        elif c.incoming.get("deleted"):
            lines.append(
                self.tr(
                    "Máy gửi gói đã xoá mục này: nhận bản trong gói thì xoá ở tệp của xã; "
                    "giữ bản của xã thì giữ như đang có."
                )
            )
        lines.append(self.tr("Gói: {source}").format(source=c.source))
        self.detail.setText("\n".join(lines))
        self._side_by_side(year_round_rows(c))

    def _side_by_side(self, rows: list[tuple[str, str, str]], *, mark_empty: bool = True) -> None:
        """(label, this file, the package) rows, the differing ones marked."""
        self.table.setHorizontalHeaderLabels(
            ["", self.tr("Trong tệp của xã"), self.tr("Trong gói")]
        )
        self.table.setRowCount(len(rows))
        differs = [here != there and bool(here or mark_empty) for _, here, there in rows]
        for i, (label, here, there) in enumerate(rows):
            for col, value in enumerate((label, here, there)):
                item = QTableWidgetItem(value)
                if differs[i]:
                    _mark_different(item)
                self.table.setItem(i, col, item)
        self._first_difference = differs.index(True) if True in differs else None
        self._fit_rows()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._refit.start()
        return super().eventFilter(watched, event)

    def _fit_rows(self) -> None:
        """Each row as tall as its wrapped cells at the columns' widths now, then the first
        difference in sight (the rows above it may have grown)."""
        self.table.resizeRowsToContents()
        self._scroll_to_difference()

    def _scroll_to_difference(self) -> None:
        """The first differing row in sight without scrolling: a household's difference is
        often a member's answer some forty lines down, below the fold (issue: the officer
        saw identical rows and took a version without seeing what differed). Left at the
        top when it is in sight from there; otherwise scrolled so that the row, or the
        member line it belongs to, is the table's first line, the member's other differing
        answers under it. Every row stays where it is, reachable by scrolling."""
        first = self._first_difference
        header = self.table.verticalHeader()
        if first is None or (
            header.sectionPosition(first) + header.sectionSize(first)
            <= self.table.viewport().height()
        ):
            self.table.scrollToTop()
            return
        anchor = first
        while anchor > 0 and self.table.item(anchor, 0).text().startswith(MEMBER_ANSWER_INDENT):
            anchor -= 1
        self.table.scrollToItem(
            self.table.item(anchor, 0), QAbstractItemView.ScrollHint.PositionAtTop
        )

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # The table was filled before the dialog had its size: what is in sight is known now.
        self._scroll_to_difference()

    def _deleted_here(self, gone: Any) -> str:
        text = self.tr("Đã xoá lúc {at} bởi {user} trên máy {device}").format(
            at=local_time(gone.at) if gone.at else "?",
            user=gone.user or "?",
            device=gone.device or "?",
        )
        if gone.source:
            text += self.tr(" (khi nhập {source})").format(source=gone.source)
        return text + "."

    def _label_buttons(self, c: Any) -> None:
        """The two choices, named for what they do to this household."""
        if isinstance(c, CertificateConflict):
            keep, take = self.tr("&Giữ số của xã"), self.tr("&Nhận số trong gói")
        elif isinstance(c, YearRoundConflict) and c.table == "cadre_assignments":
            if c.local is None:  # this file ended the assignment
                keep, take = self.tr("&Giữ việc bỏ phân công"), self.tr("&Nhận cán bộ trong gói")
            elif c.incoming["deleted"]:  # the package ended it
                keep = self.tr("&Giữ cán bộ của xã")
                take = self.tr("&Nhận việc bỏ phân công trong gói")
            else:
                keep, take = self.tr("&Giữ cán bộ của xã"), self.tr("&Nhận cán bộ trong gói")
        elif isinstance(c, YearRoundConflict):
            keep, take = self.tr("&Giữ bản của xã"), self.tr("&Nhận bản trong gói")
        elif c is not None and getattr(c, "new_under_taken_code", False):
            keep = self.tr("&Giữ hộ đang có, không nhận hộ trong gói")
            take = self.tr("&Nhận hộ trong gói, cấp mã mới")
        elif c is not None and c.deleted_here and not c.incoming_deleted:
            keep, take = self.tr("&Giữ việc xoá hộ"), self.tr("&Khôi phục hộ theo bản trong gói")
        elif c is not None and c.incoming_deleted and not c.deleted_here:
            keep, take = self.tr("&Giữ hộ (bản của xã)"), self.tr("&Xoá hộ theo gói")
        else:
            keep, take = self.tr("&Giữ bản của xã"), self.tr("&Nhận bản trong gói")
        self.keep_button.setText(keep)
        self.take_button.setText(take)

    def current(self) -> Any:
        row = self.list.currentRow()
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def decide(self, choice: str) -> None:
        from db import certificates
        from db.errors import StoreError
        from db.exchange import year_round_part
        from db.exchange.errors import PackageError
        from db.exchange.merge import resolve_conflict

        c = self.current()
        if c is None:
            return
        try:
            if isinstance(c, CertificateConflict):
                certificates.resolve(self.store, c.id, choice)  # type: ignore[arg-type]
            elif isinstance(c, YearRoundConflict):
                year_round_part.resolve(self.store, c.id, choice)  # type: ignore[arg-type]
            else:
                new_code = resolve_conflict(self.store, c.id, choice)  # type: ignore[arg-type]
                if new_code is not None:
                    QMessageBox.information(
                        self,
                        self.tr("Đã nhận hộ với mã mới"),
                        self.tr(
                            "Hộ của {head} được nhận với mã mới {code} (mã {old} vẫn là của "
                            "hộ đang có). Máy đã gửi gói sẽ nhận mã mới ở gói sau của xã; hãy "
                            "sửa mã trên phiếu giấy của hộ."
                        ).format(head=c.head_name, code=new_code, old=c.code),
                    )
        except (PackageError, StoreError) as exc:
            message = getattr(exc, "message", "") or str(exc)
            QMessageBox.warning(self, self.tr("Chưa giải quyết được"), message)
            return
        self.reload()


def open_conflicts_dialog(window: Any) -> None:
    if getattr(window, "store", None) is None:
        return
    MergeConflictsDialog(window.store, window).exec()
    if hasattr(window, "update_conflicts_waiting"):
        window.update_conflicts_waiting()
