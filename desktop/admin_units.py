"""Provinces and communes of the 2025 two-tier system, from the ``vietnam-provinces`` package.

Ten ward names in that data carry a double space; names are normalised (NFC, single spaces)
here so they match what a user types and what prints on documents.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

import vietnam_provinces as vp


def clean(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).split())


@dataclass(frozen=True)
class Unit:
    code: int
    name: str
    kind: str  # "tỉnh", "thành phố trung ương", "xã", "phường", "đặc khu"

    @property
    def urban(self) -> bool:
        # A ward is urban by default; special zones are left rural (unconfirmed, see domain §1).
        return self.kind == "phường"


@cache
def provinces() -> tuple[Unit, ...]:
    units = [
        Unit(int(p.code), clean(p.name), str(p.division_type.value)) for p in vp.Province.iter_all()
    ]
    return tuple(sorted(units, key=lambda u: u.code))


@cache
def communes(province_code: int) -> tuple[Unit, ...]:
    units = [
        Unit(int(w.code), clean(w.name), str(w.division_type.value))
        for w in vp.Ward.iter_all()
        if int(w.province_code) == province_code
    ]
    return tuple(sorted(units, key=lambda u: u.name))
