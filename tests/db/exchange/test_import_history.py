"""The commune file remembers each import that wrote something: when, which package, who
made it on which laptop, what it brought, and its receipt, readable back as it was."""

from __future__ import annotations

from pathlib import Path

from db.exchange.history import imports
from db.exchange.merge import import_package, open_conflicts, resolve_conflict
from db.exchange.receipt import Entry, Receipt
from db.store import Store
from tests.db.exchange.test_merge import two_surveyor_packages


def test_each_import_is_listed_newest_first_with_its_receipt(tmp_path: Path) -> None:
    base, pa, pb = two_surveyor_packages(tmp_path)
    with Store.open(base, user="Cán bộ xã", device="may-xa") as office:
        assert imports(office.conn) == []
        ra = import_package(office, pa)
        rb = import_package(office, pb)
        assert not import_package(office, pb).written  # a second import leaves no row
        first, second = imports(office.conn)[::-1]
        assert (first.source, second.source) == ("a.rasoat", "b.rasoat")
        assert first.package_id == ra.package_id
        assert (first.user, first.device) == ("Cán bộ xã", "may-xa")
        assert (first.created_by, first.created_device) == ("ĐTV", "may-a")
        assert first.counts["added"] == 1
        assert first.counts["updated"] == 2
        assert first.conflicts == 0
        assert second.conflicts == 1
        assert second.open_conflicts == 1
        # The kept receipt reads back as it was printed.
        assert first.receipt().text() == ra.text()
        assert second.receipt() == Receipt.from_json(rb.to_json())
        (conflict,) = open_conflicts(office)
        resolve_conflict(office, conflict.id, "keep_mine")
        assert imports(office.conn)[0].open_conflicts == 0
        assert imports(office.conn)[0].conflicts == 1


def test_a_receipt_with_keys_of_a_later_version_still_reads() -> None:
    r = Receipt("p", "a.rasoat", "10105", "Xã Tân Lập", "cả xã", "2026", "ĐTV", "may-a")
    data = r.to_dict() | {"signed_by": "x"}
    assert Receipt.from_dict(data) == r


def test_a_receipt_summary_counts_each_action_in_the_labels_order() -> None:
    """The line a merge prints for each package: the actions in ``ACTION_LABELS``' order,
    those no household took left out, each counted once (``Receipt.counts``)."""
    r = Receipt("p", "a.rasoat", "10105", "Xã Tân Lập", "cả xã", "2026", "ĐTV", "may-a")
    assert r.summary() == "0 hộ trong gói — không có hộ nào"
    for n, action in enumerate(["conflict", "added", "added", "older", "added", "conflict"]):
        r.entries.append(Entry(f"h{n}", f"HO{n:05d}", "Thôn 1", action))  # type: ignore[arg-type]
    assert r.summary() == "6 hộ trong gói — hộ mới: 3, bản cũ hơn: 1, xung đột: 2"
    assert r.counts() == {"added": 3, "older": 1, "conflict": 2}
    assert [r.count(a) for a in ("added", "older", "conflict", "updated")] == [3, 1, 2, 0]
