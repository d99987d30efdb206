"""What the audit log says about a merge, read through the Store: who, from which package,
and the whole household as it arrived, also after it was changed again."""

from __future__ import annotations

import random
from pathlib import Path

from db.exchange.devices import UNSIGNED_OK
from db.exchange.merge import import_package
from db.exchange.package import PackageRecord, RevEntry, write_package
from db.store import Store
from forms.codec import to_dict
from tests.db.exchange.commune import COMMUNE
from tests.db.exchange.records import household

AT = "2026-09-01T00:00:00Z"


def package(path: Path, records: list[PackageRecord]) -> Path:
    header = {"app_version": "test", "commune": {"code": COMMUNE.commune_code}}
    write_package(path, header, {"rounds": []}, records)
    return path


def test_added_households_are_audited_whole_and_stay_so_after_a_fast_forward(
    tmp_path: Path,
) -> None:
    rng = random.Random(4)
    records = [
        PackageRecord(
            household=household(i, rng),
            rev=f"r{i}",
            revs=[RevEntry(f"r{i}", None, "may-1", "ĐTV", AT)],
            created_at=AT,
            created_device="may-1",
            updated_at=AT,
            updated_device="may-1",
            updated_by="ĐTV",
        )
        for i in range(3)
    ]
    sent = {r.household.id: to_dict(r.household) for r in records}
    first = package(tmp_path / "may-1.rasoat", records)
    db = tmp_path / "xa.db"
    Store.create(db, COMMUNE, user="Cán bộ xã", device="may-xa").close()
    with Store.open(db, user="Cán bộ xã", device="may-xa") as office:
        assert import_package(office, first, trusted=[UNSIGNED_OK]).count("added") == 3
        inserted = {}
        for hid, doc in sent.items():
            entries = office.audit_for_household(hid)
            assert all(e.user == "Cán bộ xã" for e in entries)
            assert all("may-1.rasoat" in (e.source or "") for e in entries)
            [h_entry] = [e for e in entries if e.table == "households"]
            members = {e.row_id: e.new for e in entries if e.table == "members"}
            assert h_entry.action == "insert"
            assert h_entry.new == {k: v for k, v in doc.items() if k != "members"}
            assert members == {m["id"]: m for m in doc["members"]}
            inserted[hid] = entries

        # The laptop edits every household and sends them again: a fast-forward.
        for rec in records:
            rec.household.note = "sửa lần hai"
            rec.household.members[0].name = "Tên đã sửa"
            rec.revs.append(RevEntry(f"{rec.rev}-2", rec.rev, "may-1", "ĐTV", AT))
            rec.rev = f"{rec.rev}-2"
        second = package(tmp_path / "may-1-lan-2.rasoat", records)
        assert import_package(office, second, trusted=[UNSIGNED_OK]).count("updated") == 3
        for rec in records:
            hid = rec.household.id
            entries = office.audit_for_household(hid)
            assert entries[: len(inserted[hid])] == inserted[hid]
            later = entries[len(inserted[hid]) :]
            assert {(e.table, e.action) for e in later} == {
                ("households", "update"),
                ("members", "update"),
            }
            assert all("may-1-lan-2.rasoat" in (e.source or "") for e in later)
            [h_update] = [e for e in later if e.table == "households"]
            assert h_update.new == {"note": "sửa lần hai"}
        assert office.integrity_problems() == []
