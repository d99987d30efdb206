"""Realistic package records for the exchange tests, built without a commune file."""

from __future__ import annotations

import random

from db.exchange.package import PackageRecord, RevEntry
from forms.model import Household, Member, Relationship, Sex

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Đặng", "Bùi", "Đỗ", "Hồ", "Vũ"]
GIVEN = ["Văn An", "Thị Bình", "Văn Cường", "Thị Dung", "Đức Minh", "Thị Hoà", "Quốc Huy"]


def household(i: int, rng: random.Random) -> Household:
    head = Member(
        name=f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}",
        relationship=Relationship.HEAD,
        sex=rng.choice(list(Sex)),
        birth_year=rng.randint(1940, 2000),
        ethnicity=rng.choice(["Kinh", "Tày", "M'Nông"]),
        id_number=f"{rng.randint(0, 10**12 - 1):012d}",
    )
    members = [head] + [
        Member(
            name=f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}",
            relationship=Relationship.CHILD,
            birth_year=rng.randint(2000, 2024),
        )
        for _ in range(rng.randint(0, 4))
    ]
    return Household(code=f"HO{i:05d}", village=f"Thôn {i % 3 + 1}", members=members)


def records(n: int, seed: int = 1) -> list[PackageRecord]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        h = household(i, rng)
        # A rev names one household, as the app's do (each made for one household): two
        # packages of these records (other households, as their ids are) never share one.
        rev = f"1-{h.id[:13]}-{i:04x}"
        out.append(
            PackageRecord(
                household=h,
                rev=rev,
                revs=[
                    RevEntry(rev=rev, parent_rev=None, device="may-a", user="cb", at="2026-01-01")
                ],
                updated_at="2026-01-01T00:00:00",
                updated_device="may-a",
            )
        )
    return out
