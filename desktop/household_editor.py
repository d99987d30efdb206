"""The household editor: identification and member roster, then Phiếu A, B1, B2 and the
causes/needs page as wizard steps, with the live classification panel beside them.

Every edit re-runs ``forms.classify.classify`` and ``forms.definitions.validate_household``
(both fast and pure); every step change, Ctrl+S, a pause in typing and closing the window
save the household with its result in one store transaction, so nothing typed is lost.
"""

from __future__ import annotations

import logging
from html import escape
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.causes_page import CausesPage
from desktop.classification_panel import ClassificationPanel
from desktop.field_editor import FieldEditor, make_editor
from desktop.form_page import FormPage, read_answer, write_answer
from desktop.labels import enum_choices
from desktop.member_details import MemberDetails
from desktop.member_roster import MemberRoster
from desktop.support_page import SupportPage
from forms.model import Area, Household, nfc

log = logging.getLogger(__name__)
AUTOSAVE_MS = 1500

# Household-level facts that identify or flag the household; asked on the first step unless a
# form definition already asks them.
FLAG_TARGETS = (
    (
        "meritorious_household",
        QT_TRANSLATE_NOOP("IdentityPage", "Hộ có người có công với cách mạng"),
    ),
    ("social_protection", QT_TRANSLATE_NOOP("IdentityPage", "Hộ bảo trợ xã hội")),
    (
        "agri_forestry_fishery",
        QT_TRANSLATE_NOOP("IdentityPage", "Sống chủ yếu bằng nông, lâm, ngư, diêm nghiệp"),
    ),
)


class IdentityPage(QWidget):
    """Mã hộ, thôn, địa chỉ, khu vực, flags; and the roster below them."""

    changed = Signal()

    def __init__(self, villages: list[str], asked: set[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.household = Household()
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("<h3>Thông tin chung và danh sách thành viên</h3>")))
        form = QFormLayout()
        layout.addLayout(form)
        self.code = QLineEdit()
        form.addRow(self.tr("Mã hộ:"), self.code)
        # Why the household could not be saved when it is its code (used by another), beside
        # the code rather than in the editor's corner.
        self.code_error = QLabel()
        self.code_error.setStyleSheet("color: #b00020")
        self.code_error.setWordWrap(True)
        self.code_error.setVisible(False)
        form.addRow("", self.code_error)
        self.village = QComboBox()
        for name in villages:
            self.village.addItem(name, name)
        form.addRow(self.tr("Thôn:"), self.village)
        self.address = QLineEdit()
        form.addRow(self.tr("Địa chỉ:"), self.address)
        self.area = make_editor("choice", enum_choices(Area))
        if "area" not in asked:
            form.addRow(self.tr("Khu vực:"), self.area)
        else:
            self.area.hide()
        self.flags: dict[str, FieldEditor] = {}
        self.region: FieldEditor | None = None
        if "region" not in asked:
            from forms.model import Region

            self.region = make_editor("choice", enum_choices(Region))
            form.addRow(self.tr("Vùng kinh tế - xã hội:"), self.region)
            self.region.changed.connect(lambda: self._flag("region", self.region))
        for target, text in FLAG_TARGETS:
            if target in asked:
                continue
            editor = make_editor("bool")
            form.addRow(self.tr(text) + ":", editor)
            editor.changed.connect(lambda t=target, e=editor: self._flag(t, e))
            self.flags[target] = editor
        self.roster = MemberRoster()
        layout.addWidget(self.roster, 1)
        self.code.textEdited.connect(self._edited)
        self.address.textEdited.connect(self._edited)
        self.village.currentIndexChanged.connect(self._edited)
        self.area.changed.connect(self._edited)
        self.roster.changed.connect(self.changed)

    def show_code_error(self, message: str) -> None:
        """``message`` under the code, the field marked; "" takes both away."""
        self.code_error.setText(message)
        self.code_error.setVisible(bool(message))
        self.code.setStyleSheet("border: 2px solid #b00020" if message else "")

    def set_household(self, household: Household) -> None:
        self.household = household
        self.show_code_error("")
        for w in (self.code, self.address, self.village, self.area):
            w.blockSignals(True)
        self.code.setText(household.code)
        self.address.setText(household.address)
        if household.village and self.village.findData(household.village) < 0:
            self.village.addItem(household.village, household.village)
        self.village.setCurrentIndex(max(0, self.village.findData(household.village)))
        self.area.set_value(household.area)
        for w in (self.code, self.address, self.village, self.area):
            w.blockSignals(False)
        for target, editor in self.flags.items():
            editor.set_value(read_answer(household, target))
        if self.region is not None:
            self.region.set_value(read_answer(household, "region"))
        self.roster.set_household(household)

    def _flag(self, target: str, editor: FieldEditor | None) -> None:
        assert editor is not None
        write_answer(self.household, target, editor.value())
        self.changed.emit()

    def _edited(self) -> None:
        h = self.household
        h.code = nfc(self.code.text())
        h.address = nfc(self.address.text())
        h.village = str(self.village.currentData() or "")
        if self.area.isVisibleTo(self):
            area = self.area.value()
            h.area = Area(area) if area else None
        self.changed.emit()


class HouseholdEditor(QWidget):
    """Shows one household at a time. ``closed`` when the user goes back to the list;
    ``navigate(step)`` asks the owner for the next (+1) or previous (-1) household."""

    closed = Signal()
    navigate = Signal(int)
    saved = Signal(str)

    def __init__(self, store: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from forms import definitions

        self.store = store
        self.household: Household | None = None
        # The file's version the household was read (or last saved) at, and the copy as
        # it was then: a save goes onto that version only (``_keep_base``).
        self._base_rev: str | None = None
        self._saved_copy: Household | None = None
        self.round: Any = None
        self.standard: Any = None
        self.dirty = False
        self.last_error = ""
        self.excluded = False
        self.load_standard()
        forms_ = [
            definitions.phieu_a(),
            definitions.phieu_b1(),
            definitions.phieu_b2(self.standard),
        ]
        asked = {q.target for f in forms_ for s in f.sections for q in s.questions}
        self.identity = IdentityPage([v.name for v in store.villages()], asked)
        self.pages: list[FormPage] = [FormPage(f) for f in forms_]
        self.members = MemberDetails(definitions.member_questions())
        self.causes = CausesPage()
        self.support = SupportPage(store)
        self.steps: list[tuple[str, QWidget]] = [
            (self.tr("1. Thông tin hộ, thành viên"), self.identity),
            (self.tr("2. Phiếu A"), self.pages[0]),
            (self.tr("3. Phiếu B1"), self.pages[1]),
            (self.tr("4. Phiếu B2 — hộ"), self.pages[2]),
            (self.tr("5. Phiếu B2 — thành viên"), self.members),
            (self.tr("6. Nguyên nhân, nhu cầu"), self.causes),
            (self.tr("7. Hỗ trợ, cán bộ phụ trách"), self.support),
        ]

        outer = QVBoxLayout(self)
        top = QHBoxLayout()
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        top.addWidget(self.title, 1)
        self.status = QLabel()
        top.addWidget(self.status)
        outer.addLayout(top)
        self.meeting_note = QLabel()
        self.meeting_note.setStyleSheet("color: #a04000; font-weight: bold")
        outer.addWidget(self.meeting_note)
        split = QSplitter()
        self.step_list = QListWidget()
        self.step_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.step_list.setMinimumWidth(175)
        self.step_list.setMaximumWidth(230)
        self.stack = QStackedWidget()
        for text, widget in self.steps:
            self.step_list.addItem(text)
            self.stack.addWidget(widget)
        self.panel = ClassificationPanel()
        split.addWidget(self.step_list)
        split.addWidget(self.stack)
        split.addWidget(self.panel)
        split.setStretchFactor(1, 3)
        split.setStretchFactor(2, 2)
        # The steps at their narrowest, the form gets the most; on a narrow window (1024 px)
        # the form gives way down to its own minimum, the panel down to its.
        split.setSizes([self.step_list.minimumWidth(), 760, 300])
        outer.addWidget(split, 1)
        buttons = QHBoxLayout()
        self.back_button = QPushButton(self.tr("← Danh sách hộ (Esc)"))
        self.prev_button = QPushButton(self.tr("Bước t&rước"))
        self.next_button = QPushButton(self.tr("Bước &sau"))
        self.save_button = QPushButton(self.tr("&Lưu (Ctrl+S)"))
        for b in (self.back_button, self.prev_button, self.next_button, self.save_button):
            b.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # keys: Esc, Alt+←/→, Ctrl+S
        buttons.addWidget(self.back_button)
        buttons.addStretch()
        buttons.addWidget(self.prev_button)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.save_button)
        outer.addLayout(buttons)

        self.step_list.currentRowChanged.connect(self.go_to_step)
        self.back_button.clicked.connect(self.close_editor)
        self.prev_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.save_button.clicked.connect(self.save)
        for widget in (self.identity, *self.pages, self.members, self.causes):
            widget.changed.connect(self.on_changed)  # type: ignore[attr-defined]
        for keys, slot in (
            ("Ctrl+S", self.save),
            ("Ctrl+PgDown", lambda: self._navigate(1)),
            ("Ctrl+PgUp", lambda: self._navigate(-1)),
            ("Alt+Right", lambda: self.step(1)),
            ("Alt+Left", lambda: self.step(-1)),
            ("Esc", self.close_editor),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(AUTOSAVE_MS)
        self._autosave.timeout.connect(self.save)
        self.step_list.setCurrentRow(0)

    # --- loading -------------------------------------------------------------------------
    def load_standard(self) -> None:
        from forms.standards import standard_for_year

        self.round = self.store.current_round()
        if self.round is not None:
            from db import round_basis

            # The province's file for this standard when one was loaded in Thiết lập.
            self.standard = round_basis.resolve(self.store, self.round.standard_id)
        else:
            from datetime import date

            self.standard = standard_for_year(date.today().year)

    def open_household(self, household: Household) -> None:
        if self.household is not None and self.dirty:
            self.save()
        self.household = household
        self.dirty = False
        self._keep_base(household)
        reference = self.reference_date()
        self.members.reference_date = reference
        self.identity.set_household(household)
        for page in self.pages:
            page.reference_date = reference
            page.set_household(household)
        # The members page (step 5, a block of inputs per member) is built when it is shown
        # (go_to_step): building it here was a third of opening a household.
        self.causes.set_household(household)
        self.support.set_household(household.id)
        self.go_to_step(0)
        self.recompute()
        self.status.setText(self.tr("Đã lưu"))
        carried = self.carried_from(household)
        state = self.meeting_state(household)
        colour = "#b00020" if state.startswith(self.tr("Cần rà soát lại")) else "#1e7e34"
        if carried is not None:
            # Last year's answers, shown with this year's classification beside them, read
            # as this year's review already done ("Đã lưu").
            state = self.tr(
                "Thông tin đang hiện là của kỳ rà soát năm {last}: hộ chưa được rà soát "
                "trong kỳ năm {year}. Hỏi lại hộ, sửa những gì đã thay đổi rồi lưu."
            ).format(last=carried, year=self.review_year())
            colour = "#a04000"
            self.status.setText(self.tr("Chưa rà soát năm {year}").format(year=self.review_year()))
        self.meeting_note.setText(state)
        self.meeting_note.setStyleSheet(f"color: {colour}; font-weight: bold")

    def carried_from(self, household: Household) -> int | None:
        """The year of the earlier review whose answers the household still shows, when it
        has no result in this round yet (carried forward by Kỳ rà soát mới…): the latest
        periodic review that classified it, a year left unreviewed passed over; None for a
        household reviewed this round, or one never reviewed (a new one being typed)."""
        if self.round is None or self.round.kind != "periodic":
            return None
        if self.store.result_for(household.id, self.round.id) is not None:
            return None
        earlier = [
            r for r in self.store.rounds() if r.kind == "periodic" and r.year < self.round.year
        ]
        for rnd in reversed(earlier):
            if self.store.result_for(household.id, rnd.id) is not None:
                return int(rnd.year)
        return None

    def meeting_state(self, household: Household) -> str:
        """The village meeting's word on this household in this round, if it has spoken."""
        if self.round is None or not household.village:
            return ""
        # By the household alone: with its village too, SQLite read every household of the
        # village to find the one voted on (20-180 ms at 100,000 households).
        votes = self.store.meeting_votes(self.round.id, household_id=household.id)
        if not votes:
            return ""
        last = votes[-1]
        if last.passed:
            return self.tr("Họp thôn đã thông qua ({a}/{t} đồng ý).").format(
                a=last.agree, t=last.attendees
            )
        return self.tr(
            "Cần rà soát lại: họp thôn chưa thông qua ({a}/{t} đồng ý), phải rà soát lại "
            "và đưa ra cuộc họp mới."
        ).format(a=last.agree, t=last.attendees)

    def new_household(self, village: str = "") -> Household:
        household = Household(village=village, code=self.store.next_code(village))
        commune = self.store.commune()
        household.area = getattr(commune, "area", None)
        self.open_household(household)
        self.identity.roster.add_member()
        self.identity.code.setFocus()
        self.identity.code.selectAll()  # the proposed code is kept with Tab, replaced by typing
        return household

    # --- steps ---------------------------------------------------------------------------
    def go_to_step(self, index: int) -> None:
        if not 0 <= index < self.stack.count():
            return
        if index != self.stack.currentIndex() and self.dirty:
            self.save()
        self.stack.setCurrentIndex(index)
        self.step_list.blockSignals(True)
        self.step_list.setCurrentRow(index)
        self.step_list.blockSignals(False)
        widget = self.stack.currentWidget()
        if widget is self.members and self.household is not None:
            self.members.set_household(self.household)  # the roster may have changed
        if widget is self.support:
            self.support.refresh()  # the needs of step 6 were just saved
        if widget is self.identity:
            self.identity.code.setFocus()
        else:
            widget.focus_first()  # type: ignore[attr-defined]
        self.prev_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < self.stack.count() - 1)

    def step(self, direction: int) -> None:
        index = self.stack.currentIndex() + direction
        while self.excluded and index in (2, 3, 4):
            index += direction
        self.go_to_step(index)

    def current_step(self) -> int:
        return self.stack.currentIndex()

    # --- live classification -------------------------------------------------------------
    def on_changed(self) -> None:
        self.dirty = True
        self.status.setText(self.tr("Chưa lưu…"))
        self.recompute()
        self._autosave.start()

    def reference_date(self) -> Any:
        from forms.classify import default_reference_date

        reference = getattr(self.round, "reference_date", None)
        return reference or default_reference_date(self.review_year())

    def review_year(self) -> int:
        if self.round is not None:
            return int(self.round.year)
        return int(self.standard.valid_years[-1])

    def _mark_needed_steps(self) -> None:
        """Phiếu B1/B2 are skipped when Phiếu A already takes the household out."""
        from forms.definitions import screening_exclusions

        assert self.household is not None
        excluded = screening_exclusions(self.household)
        for step in (2, 3, 4):
            item = self.step_list.item(step)
            item.setForeground(Qt.GlobalColor.gray if excluded else Qt.GlobalColor.black)
            item.setToolTip(
                self.tr("Không cần: Phiếu A đã loại trừ ({why}).").format(why="; ".join(excluded))
                if excluded
                else ""
            )
        self.excluded = bool(excluded)

    def classify(self) -> Any:
        from forms.classify import classify

        assert self.household is not None
        return classify(self.household, self.standard, self.review_year(), self.reference_date())

    def recompute(self) -> Any:
        from forms.definitions import validate_household

        if self.household is None:
            return None
        h = self.household
        try:
            result = self.classify()
        except Exception:  # a rule bug must not cost the surveyor their typing
            log.exception("classification failed for household %s", h.id)
            self.panel.show_message(self.tr("Không tính được phân loại (đã ghi nhật ký lỗi)."))
            result = None
        else:
            self.panel.show_result(result)
            self.causes.set_category(result.category)
        self._show_other_standard()
        issues = validate_household(h, self.reference_date(), self.standard)
        self._mark_needed_steps()
        self.identity.roster.show_issues(issues)
        for page in self.pages:
            page.show_issues(issues)
        head = h.head_name() or self.tr("(chưa có chủ hộ)")
        self.title.setText(
            self.tr("<b>Hộ {code}</b> — {head} — {village}").format(
                # Names come from packages and workbooks: shown as text, never as markup.
                code=escape(h.code or self.tr("mới")),
                head=escape(head),
                village=escape(h.village),
            )
        )
        return result

    def _show_other_standard(self) -> None:
        """During 2026 and 2027, the transition between the 2022–2025 and 2027–2030
        standards, the result under the other national standard beside the main one."""
        from db import round_basis
        from forms.classify import what_if
        from forms.standards import NATIONAL_IDS

        year = self.review_year()
        others = [i for i in NATIONAL_IDS if i != self.standard.id]
        if year not in (2026, 2027) or len(others) != 1 or self.household is None:
            self.panel.show_other("", None)
            return
        try:
            other = round_basis.resolve(self.store, others[0])
            what = what_if(self.household, self.standard, other, year, self.reference_date())
        except Exception:  # the main result matters more than the comparison
            log.exception("what-if failed for household %s", self.household.id)
            self.panel.show_other("", None)
            return
        self.panel.show_other(other.name, what)

    # --- saving --------------------------------------------------------------------------
    def save(self) -> bool:
        self._autosave.stop()
        if self.household is None:
            return False
        result = self.recompute()
        round_id = self.round.id if self.round is not None else None
        try:
            self.store.save_household(
                self.household,
                round_id=round_id,
                result=result if round_id else None,
                expected_rev=self._base_rev,
            )
        except Exception as exc:
            from db.errors import ChangedElsewhere, CodeTaken

            if isinstance(exc, ChangedElsewhere):
                self._changed_elsewhere(exc.message)
                return False

            message = getattr(exc, "message", "") or self.tr("Không lưu được hộ (đã ghi nhật ký).")
            log.exception("saving household %s failed", self.household.id)
            self.last_error = message
            if isinstance(exc, CodeTaken):
                self.identity.show_code_error(
                    message + self.tr(" Hãy sửa mã hộ: hộ chưa được lưu.")
                )
                self.status.setText(self.tr("Chưa lưu: mã hộ đã được dùng"))
            else:
                self.status.setText(message)
            return False
        self.dirty = False
        self._keep_base(self.household)
        self.last_error = ""
        self.identity.show_code_error("")
        self.status.setText(self.tr("Đã lưu"))
        if self.meeting_note.text().startswith(self.tr("Thông tin đang hiện là của kỳ")):
            self.meeting_note.setText("")  # reviewed in this round now
        self.saved.emit(self.household.id)
        return True

    # --- a household changed in the file while open ---------------------------------------
    # A package merged while a household was open (Tệp → Nhập / gộp… is reached from the
    # editor) changed it in the file; the editor's next save wrote its copy, read before,
    # over it: the package's answers were gone, with nothing to say so and no conflict, the
    # new version descending from the package's. The editor keeps the version it read and
    # saves only onto that one (``expected_rev``).
    def _keep_base(self, household: Household) -> None:
        import copy

        stored = self.store.household_rev(household.id)
        self._base_rev = stored[0] if stored else None
        self._saved_copy = copy.deepcopy(household)

    def refresh_if_changed(self) -> None:
        """The household shown again from the file when something else changed it there
        (a package merged) and nothing typed here waits to be saved; with unsaved typing,
        its save says what happened (``_changed_elsewhere``)."""
        if self.household is None or self.dirty or self._base_rev is None:
            return
        stored = self.store.household_rev(self.household.id)
        if stored is not None and stored[0] != self._base_rev:
            self._reopen_from_file(
                self.tr(
                    "Hộ vừa được cập nhật trong tệp (nhập, gộp gói dữ liệu): đang hiện bản mới."
                )
            )

    def _changed_elsewhere(self, message: str) -> None:
        from forms.household_diff import differences, summary

        assert self.household is not None
        typed = summary(differences(self._saved_copy, self.household))  # what was typed
        text = (
            message
            + " "
            + self.tr(
                "Đã mở lại bản mới nhất trong tệp; những gì vừa sửa chưa được lưu ({fields}): hãy "
                "nhập lại nếu vẫn cần."
            ).format(fields=typed or "—")
        )
        self.last_error = text
        self.dirty = False
        self._autosave.stop()
        self._reopen_from_file(text)
        QMessageBox.warning(self, self.tr("Hộ vừa được cập nhật"), text)

    def _reopen_from_file(self, note: str) -> None:
        assert self.household is not None
        fresh = self.store.get_household(self.household.id)
        if fresh is None:  # the package deleted it
            self.household = None
            self.closed.emit()
            return
        step = self.stack.currentIndex()
        self.open_household(fresh)
        self.go_to_step(step)
        self.status.setText(note)

    def may_leave(self) -> bool:
        """Whether the household may be left: saved, or nothing to save, or the officer chose
        to drop what could not be saved (a code already used, a full disk). Esc, the next
        household and closing the window left it whatever the save said: a new household
        with a used code was lost without a word."""
        if not self.dirty or self.save():
            return True
        from desktop.confirm import confirm_destructive

        drop = confirm_destructive(
            self,
            self.tr("Hộ chưa lưu được"),
            self.last_error,
            self.tr("&Bỏ thay đổi"),
            self.tr("Ở &lại sửa"),
            self.tr("Ở lại để sửa, hay bỏ những gì vừa nhập cho hộ này?"),
        )
        if drop:
            self.dirty = False
            self._autosave.stop()
        return drop

    def _navigate(self, step: int) -> None:
        if self.may_leave():
            self.navigate.emit(step)

    def close_editor(self) -> None:
        if self.may_leave():
            self.closed.emit()
