"""The demo commune file: what `make run` opens when there is no data yet, and what tests,
benchmarks and screenshots use.

A real commune (Xã Bảo Yên, Lào Cai, official codes from ``vietnam-provinces``) with the
fictional villages and households of ``forms.demo``: a finished 2025 round (results,
postings, decision) and a current 2026 round under standard ``nd07-2022-2025``, so
transitions, history and every screen have something to show.
"""

from __future__ import annotations

import contextlib
import copy
import os
import random
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

from db.errors import AlreadyExists
from db.records import CommuneInfo
from db.store import Store
from forms.classify import classify
from forms.demo import DEMO_VILLAGES, generate_households
from forms.model import Area, Category

DEMO_USER = "Dữ liệu mẫu"
DEMO_DEVICE = "demo"
DEMO_STANDARD = "nd07-2022-2025"
PREVIOUS_YEAR, CURRENT_YEAR = 2025, 2026


def demo_commune_info() -> CommuneInfo:
    province_code, commune_code = 15, 2947
    province_name, commune_name = "Lào Cai", "Xã Bảo Yên"
    try:
        from forms import admin_units

        province, commune = admin_units.province(province_code), admin_units.commune(commune_code)
        province_name = province.name if province else province_name
        commune_name = commune.name if commune else commune_name
    except ImportError:  # the names above are the package's own; codes do not change
        pass
    return CommuneInfo(
        province_code=str(province_code),
        province_name=province_name,
        commune_code=str(commune_code),
        commune_name=commune_name,
        area=Area.RURAL,
    )


# The folder, beside the file to be, where a demo commune is made before it is moved into
# place; one older than this is what a killed run left, and is removed.
MAKING_PREFIX = ".rasoat-dang-tao-"
STALE_AFTER_S = 3600


def create_demo_commune(path: str | Path, households: int = 300, seed: int = 1) -> Path:
    """Write a new demo commune file at ``path`` (which must not exist yet).

    Whole or not at all: made in a folder of its own beside ``path`` and moved into place,
    with its backups folder, once closed. A run stopped part-way (the window closed during
    `make run`'s first start, ``rasoat demo`` killed) left a file holding part of the demo,
    which the next start opened as the demo commune for good."""
    path = Path(path)
    if path.exists():
        raise AlreadyExists(path)
    _remove_stale(path.parent)
    making = Path(tempfile.mkdtemp(prefix=MAKING_PREFIX, dir=path.parent))
    try:
        made = _fill(making / path.name, households, seed)
        _move_into_place(made, path)
        backups = made.with_name(made.name + ".backups")
        if backups.exists() and not path.with_name(path.name + ".backups").exists():
            backups.rename(path.with_name(path.name + ".backups"))
    finally:
        shutil.rmtree(making, ignore_errors=True)
    return path


def _remove_stale(folder: Path) -> None:
    now = time.time()
    for old in folder.glob(MAKING_PREFIX + "*"):
        with contextlib.suppress(OSError):
            if now - old.stat().st_mtime > STALE_AFTER_S:
                shutil.rmtree(old)


def _move_into_place(made: Path, path: Path) -> None:
    """``made`` renamed to ``path``, never over a file made there meanwhile: a hard link
    where the filesystem has them (it fails when ``path`` exists), else a rename after a
    last look (a USB stick's FAT)."""
    try:
        os.link(made, path)
    except FileExistsError as exc:
        raise AlreadyExists(path) from exc
    except OSError:
        if path.exists():
            raise AlreadyExists(path) from None
        made.rename(path)
    else:
        made.unlink()


def _fill(path: Path, households: int, seed: int) -> Path:
    from forms.standards import load_standard

    standard = load_standard(DEMO_STANDARD)
    rng = random.Random(seed)
    with Store.create(path, demo_commune_info(), user=DEMO_USER, device=DEMO_DEVICE) as store:
        for name in DEMO_VILLAGES:
            store.add_village(name)
        before = store.start_round(PREVIOUS_YEAR, DEMO_STANDARD, "periodic")
        with store.transaction(source="demo"):
            this_year = list(generate_households(households, seed))
            earlier = []
            for h in this_year:
                if rng.random() < 0.96:  # a few households are new this year
                    last_year = copy.deepcopy(h)
                    big = rng.random() < 0.15
                    shift = rng.randint(-70, 60) if big else rng.randint(-25, 18)
                    if last_year.b1_total is not None:
                        last_year.b1_total = max(0, last_year.b1_total + shift)
                    if last_year.income_per_capita is not None:
                        last_year.income_per_capita = max(
                            100_000, last_year.income_per_capita + shift * 8_000
                        )
                    earlier.append((last_year, classify(last_year, standard, PREVIOUS_YEAR)))
            store.save_households(earlier, round_id=before.id)
            # The year before the periodic review: a March regular round, started before it
            # so the periodic round stays the current one (rounds sort by start).
            _year_round_demo(store, before.id)
        current = store.start_round(CURRENT_YEAR, DEMO_STANDARD, "periodic")
        with store.transaction(source="demo"):
            for h in this_year:
                store.save_household(
                    h, round_id=current.id, result=classify(h, standard, CURRENT_YEAR)
                )
            for i, name in enumerate(DEMO_VILLAGES):
                store.save_posting(
                    before.id, name, date(PREVIOUS_YEAR, 11, 3 + i), date(PREVIOUS_YEAR, 11, 10 + i)
                )
            store.save_decision(
                before.id,
                f"215/QĐ-UBND-{PREVIOUS_YEAR}",
                date(PREVIOUS_YEAR, 12, 12),
                "Nguyễn Văn Hùng",
            )
            # One village has held its 2026 meeting for the households it must consider.
            proposed = [
                h
                for h, result in store.results_for_round(current.id)
                if result.category in (Category.POOR, Category.NEAR_POOR)
            ]
            met = next((v for v in DEMO_VILLAGES if any(h.village == v for h in proposed)), None)
            voted = [h for h in proposed if h.village == met]
            # About 1 in 25, and at least one, is voted down (under half agreeing: surveyed
            # again and put to a new meeting), so the demo shows that case too. Drawn from a
            # generator of its own: the other votes are those the demo always had.
            doubts = random.Random(f"demo-meeting-{seed}")
            down = (
                set(doubts.sample(range(len(voted)), max(1, len(voted) // 25))) if voted else set()
            )
            for i, h in enumerate(voted):
                attendees = rng.randint(25, 45)
                agree = attendees - rng.randint(0, attendees // 3)
                note = ""
                if i in down:
                    agree = doubts.randint(attendees // 5, (attendees - 1) // 2)
                    note = "Còn thu nhập chưa kê khai, cần xác minh"
                store.save_meeting_vote(
                    h.id,
                    current.id,
                    agree=agree,
                    attendees=attendees,
                    note=note,
                    meeting_date=date(CURRENT_YEAR, 10, 20),
                )
    return path


def _year_round_demo(store: Store, before_id: str) -> None:
    """Issue 24 on the demo: a cadre for each village, applications (one decided in the March
    regular round, one late, one for the periodic review), support given to some households."""
    from db import year_round

    heads = ["Hoàng Văn Dũng", "Nông Thị Hoa", "Triệu Văn Sơn", "Lý Thị Mai", "Vàng A Sử"]
    for i, name in enumerate(DEMO_VILLAGES):
        year_round.assign_cadre(store, heads[i % len(heads)], "Trưởng thôn", village=name)
    poor = [h for h, r in store.results_for_round(before_id) if r.category is Category.POOR]
    if len(poor) < 4:
        return
    year_round.assign_cadre(
        store, "Đặng Thị Lan", "Công chức Văn hóa - Xã hội", household_id=poor[0].id
    )
    escaping = poor[1]
    year_round.add_application(
        store,
        escaping.id,
        "escape",
        date(CURRENT_YEAR, 3, 4),
        escaping.head_name(),
        "Gia đình đã có thu nhập ổn định từ nuôi lợn, xin công nhận thoát nghèo",
    )
    escaping.b1_total = 230
    escaping.income_per_capita = 2_600_000
    store.save_household(escaping)
    march = year_round.start_regular_round(store, CURRENT_YEAR, 3)
    store.save_decision(
        march.id, f"31/QĐ-UBND-{CURRENT_YEAR}", date(CURRENT_YEAR, 3, 18), "Nguyễn Văn Hùng"
    )
    late = poor[2]
    year_round.add_application(
        store,
        late.id,
        "regular_review",
        date(CURRENT_YEAR, 8, 12),
        late.head_name(),
        "Chủ hộ bị tai nạn lao động, đề nghị rà soát lại",
    )
    year_round.add_application(
        store,
        poor[3].id,
        "periodic_review",
        date(CURRENT_YEAR, 9, 8),
        poor[3].head_name(),
        "Đề nghị rà soát trong kỳ rà soát định kỳ",
    )
    kinds = ["health_insurance", "credit", "education_fee", "housing", "production_means"]
    for i, h in enumerate(poor[: min(len(poor), 12)]):
        kind = kinds[i % len(kinds)]
        year_round.add_support(
            store,
            h.id,
            kind,
            date(CURRENT_YEAR, 1 + i % 9, 10),
            {"credit": "Ngân hàng Chính sách xã hội", "health_insurance": "BHYT hộ nghèo"}.get(
                kind, "Chương trình MTQG giảm nghèo bền vững"
            ),
            "UBND xã",
            amount=50_000_000 if kind == "credit" else None,
        )
