"""Default file names of printed documents, in Vietnamese without diacritics (a USB stick, an
e-mail attachment and Windows Explorer all keep them): what, which village, which day, e.g.
``danh-sach-hop-thon-na-pan-2026-12-02.pdf``; and a free path, so a file already there is
never silently overwritten.

The CLI (``rasoat report`` without ``--out``) and the GUI's save dialog both call these:
the GUI proposes ``free_path(folder, default_file_name(kind, village, date.today(), fmt))``
in the folder the officer chose last time."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from forms.text import fold
from reports.review import VILLAGE_WORDS

# What each document is called on disk; a kind not listed uses its catalog title.
NAMES = {
    "meeting_list": "danh-sach-hop-thon",
    "meeting_minutes": "bien-ban-hop-thon",
    "posting_list": "danh-sach-niem-yet",
    "resurvey_list": "danh-sach-ra-soat-lai",
    "posting_notice": "thong-bao-niem-yet",
    "final_list": "danh-sach-ho-ngheo-can-ngheo",
    "decision": "quyet-dinh-cong-nhan",
    "escaped_list": "danh-sach-thoat-ngheo",
    "detail_list": "danh-sach-chi-tiet",
    "summary": "bao-cao-tong-hop",
    "certificate": "giay-chung-nhan",
    "household_form": "phieu-ra-soat",
    "exchange_workbook": "danh-sach-sau-ra-soat",
    "cadre_households": "ho-can-bo-phu-trach",
}
MAX_STEM = 120  # well under every file system's limit, with room for the folder


def slug(text: str) -> str:
    """ "Bản Nà Pản" → "ban-na-pan": folded, only letters and digits joined by hyphens."""
    return "-".join(re.findall(r"[a-z0-9]+", fold(text)))


def village_slug(village: str) -> str:
    """The village's own name: "Thôn Nà Pản" and "Nà Pản" both give "na-pan" (the document's
    name already says it is a village's)."""
    words = " ".join(village.split()).split(" ")
    if len(words) > 1 and words[0].casefold() in VILLAGE_WORDS:
        words = words[1:]
    return slug(" ".join(words))


def default_file_name(
    kind: str,
    village: str | None,
    day: date,
    fmt: str = "pdf",
    *,
    household_code: str | None = None,
    cadre: str | None = None,
) -> str:
    """``<document>[-<village>][-<household code>][-<cadre>]-<yyyy-mm-dd>.<fmt>``: a cadre's
    households by the cadre's name, so two cadres' lists printed the same day differ."""
    name = NAMES.get(kind)
    if name is None:
        from reports.catalog import DOCUMENTS

        spec = DOCUMENTS.get(kind)
        name = slug(spec.title) if spec is not None else slug(kind)
    parts = [name or "tai-lieu"]
    if village:
        parts.append(village_slug(village))
    if household_code:
        parts.append(slug(household_code))
    if cadre:
        parts.append(slug(cadre))
    stem = "-".join(p for p in parts if p)[:MAX_STEM].rstrip("-")
    return f"{stem}-{day.isoformat()}.{fmt}"


def free_path(folder: Path, name: str) -> Path:
    """``folder/name``, or ``…-2``, ``…-3`` before the suffix when that file exists."""
    path = Path(folder) / name
    stem, suffix = path.stem, path.suffix
    n = 2
    while path.exists():
        path = path.with_name(f"{stem}-{n}{suffix}")
        n += 1
    return path
