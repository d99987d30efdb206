"""Provinces and communes of the 2025 two-tier system, from the ``vietnam-provinces`` package.

The one place their names are normalised, whatever the data release says:

- NFC and single spaces (ten ward names in the 2025.10 data carry a double space);
- a province is named without the word "Tỉnh": releases from 2026 on write "Tỉnh Tuyên Quang"
  where 2025.10 wrote "Tuyên Quang", and officers, documents and files already stored say
  "Tuyên Quang". Centrally run cities keep "Thành phố" (both releases write "Thành phố Hà
  Nội"), and communes keep "Xã", "Phường" or "Đặc khu", which are part of how they are named.

The lock file installs one release on every Python; this keeps names stable if that moves.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

PROVINCE_KIND = "tỉnh"


def clean(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).split())


def official_code(code: str) -> str:
    """A commune's code as the official lists write it, five digits with its leading zero
    ("02947"); a file may hold "2947" (a spreadsheet dropped the zero) or "002947" (one
    padded it twice): the number decides, as the registry files a commune by it."""
    text = str(code).strip()
    # ASCII digits only: "²".isdigit() holds, but int() refuses it.
    return f"{int(text):05d}" if text.isascii() and text.isdigit() else text


def province_in_address(name: str) -> str:
    """The province as an address ends: "tỉnh Lào Cai", "thành phố Hà Nội" (names are kept
    without "Tỉnh", cities with their "Thành phố": ``province_name``)."""
    name = clean(name)
    for word in ("Tỉnh ", "tỉnh "):  # a file made before names dropped it
        name = name.removeprefix(word)
    if not name:
        return name
    city = "Thành phố "
    if name.startswith(city):
        return "thành phố " + name[len(city) :]
    return "tỉnh " + name


def short_name(name: str) -> str:
    """ "Bảo Yên" of "Xã Bảo Yên": the place a document is dated at."""
    name = clean(name)
    for prefix in ("Xã ", "Phường ", "Đặc khu ", "Thị trấn "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def province_short_name(name: str) -> str:
    """ "Lào Cai" of "Lào Cai" or "Tỉnh Lào Cai", "Hà Nội" of "Thành phố Hà Nội": the place
    a province's document is dated at."""
    name = clean(name)
    for prefix in ("Thành phố ", "Tỉnh ", "tỉnh "):
        name = name.removeprefix(prefix)
    return name


def province_name(raw: str, kind: str) -> str:
    """A province's name as officers write it: "Lào Cai" whether the data says "Tỉnh Lào Cai"."""
    name = clean(raw)
    if kind == PROVINCE_KIND:
        head, _, rest = name.partition(" ")
        if head.casefold() == "tỉnh" and rest:
            return rest
    return name


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
    import vietnam_provinces as vp

    units = []
    for p in vp.Province.iter_all():
        kind = str(p.division_type.value)
        units.append(Unit(int(p.code), province_name(p.name, kind), kind))
    return tuple(sorted(units, key=lambda u: u.code))


@cache
def communes(province_code: int) -> tuple[Unit, ...]:
    import vietnam_provinces as vp

    units = [
        Unit(int(w.code), clean(w.name), str(w.division_type.value))
        for w in vp.Ward.iter_all()
        if int(w.province_code) == province_code
    ]
    return tuple(sorted(units, key=lambda u: u.name))


def province(code: int) -> Unit | None:
    return next((u for u in provinces() if u.code == code), None)


def commune(code: int) -> Unit | None:
    import vietnam_provinces as vp

    for w in vp.Ward.iter_all():
        if int(w.code) == code:
            return next((u for u in communes(int(w.province_code)) if u.code == code), None)
    return None
