"""The catalogue of documents (``reports.catalog``): what the Báo cáo menu and
``rasoat report --list`` are made from."""

from __future__ import annotations

from reports.catalog import DOCUMENTS, GROUPS


def test_every_document_is_in_exactly_one_group() -> None:
    grouped = [kind for _title, kinds in GROUPS for kind in kinds]
    assert sorted(grouped) == sorted(DOCUMENTS)
    assert len(grouped) == len(set(grouped))


def test_groups_are_short_enough_for_a_small_screen() -> None:
    """A submenu of at most ten entries (a document in two formats is two) fits a 768-pixel
    screen with room to spare; the flat menu was 33."""
    for title, kinds in GROUPS:
        entries = sum(len(DOCUMENTS[kind].formats) for kind in kinds)
        assert entries <= 10, title
