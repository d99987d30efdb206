"""The receipt of one import: what arrived, what changed, what conflicted.

Printable as plain Vietnamese text and kept as JSON in the commune file
(``exchange_imports``); it can also be written next to the package and sent back.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field, fields
from typing import Any, Literal

Action = Literal[
    "added",  # new household
    "updated",  # changed only on the sending side: applied
    "deleted",  # deleted on the sending side: applied
    "unchanged",  # same rev as here
    "older",  # this file already has a newer version
    "conflict",  # changed on both sides: waits for the officer
    "code_taken",  # the household code belongs to another household here
    "decided",  # a conflict already decided by the officer for this very version
    "purged",  # its personal data was purged here (db.purge): never taken back
    "purged_by_package",  # purged on the sending laptop: purged here too (purged_part)
]

ACTION_LABELS: dict[str, str] = {
    "added": "Hộ mới",
    "updated": "Cập nhật",
    "deleted": "Đã xoá",
    "unchanged": "Không đổi",
    "older": "Bản cũ hơn (bỏ qua)",
    "conflict": "Xung đột (chờ cán bộ quyết định)",
    "code_taken": "Trùng mã hộ (chờ cán bộ quyết định)",
    "decided": "Đã quyết định trước đây",
    "purged": "Đã xoá hẳn dữ liệu ở đây (không nhận lại)",
    "purged_by_package": "Đã xoá hẳn theo gói",
}


SENDER_LABELS: dict[str, str] = {
    "own": "gói do chính máy này ký",
    "known": "đúng khoá đã biết của máy gửi",
    "unknown": "máy gửi mới, cán bộ đã xác nhận dấu vân tay",
    "changed": "khoá mới của máy gửi, cán bộ đã xác nhận dấu vân tay",
    "unsigned": "KHÔNG CÓ CHỮ KÝ (gói của phiên bản cũ)",
}


@dataclass
class Entry:
    """One household of the package: by code and village, never by its head's name (the
    receipt goes back to the commune as a file: docs/privacy.md). A receipt kept before
    held the name; it is read back without it (``from_dict`` keeps the keys it knows)."""

    household_id: str
    code: str
    village: str
    action: Action
    detail: str = ""


@dataclass
class Receipt:
    package_id: str
    source: str  # the package's file name
    commune_code: str
    commune_name: str
    scope: str
    package_created_at: str
    package_created_by: str
    package_device: str
    imported_at: str = ""
    imported_by: str = ""
    device: str = ""
    entries: list[Entry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # Vietnamese
    written: bool = False  # False when nothing needed writing (e.g. imported twice)
    # db.exchange.devices.SenderCheck.status: own, known, unknown/changed (confirmed by the
    # officer), unsigned; "" in receipts kept before packages were signed.
    sender: str = ""
    sender_fingerprint: str = ""
    # The province whose registry received the package ("Lào Cai"; the receipt is headed by
    # its People's Committee); "" for a commune file's import, headed by its commune.
    province_name: str = ""

    def count(self, action: str) -> int:
        return self.counts()[action]

    def counts(self) -> Counter[str]:
        """How many entries of each action, in one pass (``count`` for each of the ten
        actions, twice over in ``summary``, was 2.9 ms of every 5,000-household package a
        merge printed; 0.3 ms so)."""
        return Counter(e.action for e in self.entries)

    @property
    def changed(self) -> int:
        return sum(1 for e in self.entries if e.action in ("added", "updated", "deleted"))

    @property
    def conflicts(self) -> list[Entry]:
        return [e for e in self.entries if e.action in ("conflict", "code_taken")]

    def summary(self) -> str:
        counts = self.counts()
        parts = [
            f"{ACTION_LABELS[a].split(' (')[0].lower()}: {counts[a]}"
            for a in ACTION_LABELS
            if counts[a]
        ]
        return f"{len(self.entries)} hộ trong gói — " + (", ".join(parts) or "không có hộ nào")

    def text(self) -> str:
        from db.audit import local_time
        from forms.admin_units import official_code

        # Times as the officer reads them (local, dd/mm/yyyy), the code as the lists write it;
        # the JSON (to_json) keeps the stamps as they were made.
        lines = [
            "BIÊN NHẬN NHẬP GÓI DỮ LIỆU RÀ SOÁT",
            f"Gói: {self.source} (mã gói {self.package_id})",
            f"Xã: {self.commune_name} ({official_code(self.commune_code)}) — phạm vi: {self.scope}",
            f"Gói tạo lúc {local_time(self.package_created_at)} bởi {self.package_created_by} "
            f"trên máy {self.package_device}",
            f"Nhập lúc {local_time(self.imported_at)} bởi {self.imported_by} trên máy "
            f"{self.device}",
        ]
        if self.sender:
            fp = f" (dấu vân tay {self.sender_fingerprint})" if self.sender_fingerprint else ""
            lines.append(f"Chữ ký: {SENDER_LABELS.get(self.sender, self.sender)}{fp}")
        lines += [
            "",
            self.summary(),
        ]
        if not self.written:
            lines.append("Không có gì cần ghi: tệp của xã đã có đủ dữ liệu của gói này.")
        for w in self.warnings:
            lines.append(f"Lưu ý: {w}")
        # Unchanged households are left out unless there is something to say about them
        # (e.g. deleted on both sides).
        interesting = [e for e in self.entries if e.action != "unchanged" or e.detail]
        if interesting:
            # Households by code and village, not by name: a receipt is saved, printed and
            # kept in the commune file's import history (issue 20 item 6).
            lines += ["", "Mã hộ | Thôn | Kết quả | Ghi chú"]
            for e in sorted(interesting, key=lambda e: (e.action, e.code)):
                lines.append(
                    f"{e.code} | {e.village} | {ACTION_LABELS[e.action]}"
                    + (f" | {e.detail}" if e.detail else "")
                )
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict[str, Any]:
        # By hand, not dataclasses.asdict: a receipt of a 5,000-household package has 5,000
        # entries, and asdict's deep copy of each took longer than the rest of the encoding.
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["entries"] = [dict(vars(e)) for e in self.entries]
        data["warnings"] = list(self.warnings)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Receipt:
        """A receipt kept in the commune file, read back (keys it does not know are left out,
        so a receipt written by a later version still reads)."""
        known = {f.name for f in fields(cls)} - {"entries"}
        entry_keys = {f.name for f in fields(Entry)}
        entries = [
            Entry(**{k: v for k, v in e.items() if k in entry_keys})
            for e in data.get("entries", [])
            if isinstance(e, dict)
        ]
        return cls(**{k: v for k, v in data.items() if k in known}, entries=entries)

    @classmethod
    def from_json(cls, text: str) -> Receipt:
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("not a receipt")
        return cls.from_dict(data)

    def to_json(self, *, indent: int | None = 1) -> str:
        """Indented for a person (the file sent back); ``indent=None`` is the compact form the
        commune file keeps, encoded by the json module's C encoder."""
        if indent is None:
            return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)
