"""Giấy chứng nhận hộ nghèo, hộ cận nghèo (annex of Decision 24/2021/QĐ-TTg).

The first part (header, number "…/GCN-HN.HCN", household, member table) is [confirmed]; the
yearly status part of the annex is [unconfirmed] and left out. Numbers are given once per
commune and round and stored (``db.certificates``): a certificate printed alone, in its
village's batch or in the commune's carries the same number.
"""

from __future__ import annotations

from typing import Any

from forms.admin_units import province_in_address
from forms.labels import relationship_of
from forms.model import Category, Sex
from reports.document import (
    Column,
    Document,
    Header,
    Para,
    Part,
    SignatureBox,
    Signatures,
    Table,
    esc,
)
from reports.review import PROCEDURE_BASIS, Entry, ReportError, ReviewData, village_title


def assign_numbers(store: Any, data: ReviewData) -> None:
    """Give numbers to the commune's listed households that have none, then read them all
    (the village batch needs the commune's numbering, not its own); an earlier round's as
    its list was decided, as its certificates print it (``ReviewData.earlier``)."""
    from db import certificates
    from db.report_queries import connection

    if certificates.assign(store, data.round.id, earlier=data.earlier):
        data.certificate_numbers = certificates.numbers(connection(store), data.round.id)


def numbered(data: ReviewData) -> list[tuple[int | None, Entry]]:
    """The listed households in list order with their stored numbers (None: not numbered
    yet, printed as a blank to fill in)."""
    out: list[Entry] = []
    for category in (Category.POOR, Category.NEAR_POOR):
        chosen = [e for e in data.entries if e.category is category]
        for _v, entries in data.village_order(chosen):
            out.extend(entries)
    return [(data.certificate_numbers.get(e.id), e) for e in out]


def certificate_part(data: ReviewData, number: int | None, e: Entry) -> Part:
    h = e.household
    head = h.head()
    who = "ông/bà"
    if head is not None and head.sex is not None:
        who = "ông" if head.sex is Sex.MALE else "bà"
    kind = "hộ nghèo" if e.category is Category.POOR else "hộ cận nghèo"
    decision = data.decision
    basis = (
        f"Căn cứ Quyết định số {decision.number} ngày {decision.date:%d/%m/%Y} của Chủ tịch "
        f"UBND {data.commune_full} về việc {data.decision_subject};"
        if decision
        else f"Căn cứ Quyết định số …/QĐ-UBND ngày …/…/{data.year} của Chủ tịch UBND "
        f"{data.commune_full} về việc {data.decision_subject};"
    )
    residence = ""
    for piece in (h.address, village_title(h.village), data.commune_full):
        # Addresses often already name the village or commune: say each place once.
        if piece and piece.casefold() not in residence.casefold():
            residence = f"{residence}, {piece}" if residence else piece
    # The province last, unless the household's own address already names it ("…, tỉnh Lào
    # Cai" anywhere, or ending "…, Lào Cai"): a ward may bear the province's name (Phường Lào
    # Cai, tỉnh Lào Cai), so the commune's name never counts as naming it.
    province = province_in_address(data.commune.province_name)
    bare = province.split(" ", 1)[-1].casefold() if province else ""
    address = (h.address or "").casefold().rstrip(" .")
    named = province.casefold() in address or address == bare or address.endswith(f", {bare}")
    if province and not named:
        residence = f"{residence}, {province}" if residence else province
    members = Table(
        [
            Column("STT", "", 0.5, "plain"),
            Column("Họ và tên", "", 2.6),
            Column("Dân tộc", "", 1.0),
            Column("Quan hệ với chủ hộ", "", 1.3),
            Column("Nam", "", 0.7, "year", group="Năm sinh"),
            Column("Nữ", "", 0.7, "year", group="Năm sinh"),
            Column("Ghi chú", "", 1.2),
        ],
        sheet=h.code,
    )
    for n, m in enumerate(h.members, start=1):
        year = m.year_of_birth()
        members.add(
            [
                n,
                m.name,
                m.ethnicity or "",
                relationship_of(m, head),
                year if m.sex is Sex.MALE else None,
                year if m.sex is Sex.FEMALE else None,
                m.note,
            ]
        )
    return Part(
        Header(
            data.commune_issuer(),
            data.commune_short,
            when=decision.date if decision else None,
            number=f"Số: {number:04d}/GCN-HN.HCN" if number else "Số: ……/GCN-HN.HCN",
        ),
        "Giấy chứng nhận hộ nghèo, hộ cận nghèo",
        [f"Năm {data.list_year}"],
        [
            Para(f"Căn cứ {PROCEDURE_BASIS};", "italic"),
            Para(basis, "italic"),
            Para(f"Chủ tịch Ủy ban nhân dân {data.commune_full} chứng nhận:"),
            Para(f"Hộ {who}: <b>{esc(h.head_name())}</b>; mã hộ: {esc(h.code)}", markup=True),
            Para(f"Dân tộc: {head.ethnicity if head and head.ethnicity else '……'}"),
            Para(
                f"Số định danh cá nhân/CCCD: {head.id_number if head and head.id_number else '……'}"
                "; ngày cấp: ……………"
            ),
            Para(f"Nơi thường trú: {residence}"),
            Para(f"Là <b>{kind}</b> năm {data.list_year}.", markup=True),
            Para("I. Danh sách thành viên hộ gia đình", "heading"),
            members,
            Signatures(
                [
                    SignatureBox("", note=""),
                    # "Chủ tịch Ủy ban nhân dân xã … chứng nhận": the chairman's own act.
                    SignatureBox(
                        "CHỦ TỊCH",
                        note="(Ký, đóng dấu)",
                        name=decision.signer if decision else "",
                    ),
                ]
            ),
        ],
    )


def certificates(
    data: ReviewData, village: str | None = None, household_id: str | None = None
) -> Document:
    chosen = numbered(data)
    if household_id is not None:
        chosen = [(n, e) for n, e in chosen if e.id == household_id]
        if not chosen and not any(e.id == household_id for e in data.entries):
            # No result in the round (added since, or carried into it and not reviewed yet):
            # "not on the lists" read as a decision about the family.
            raise ReportError(
                f"Hộ này chưa được phân loại trong kỳ rà soát năm {data.year}: chưa cấp được "
                "giấy chứng nhận (hãy rà soát hộ trước)."
            )
        if not chosen:
            raise ReportError(
                "Hộ này không thuộc danh sách hộ nghèo, hộ cận nghèo của kỳ rà soát: "
                "không cấp giấy chứng nhận."
            )
    elif village is not None:
        chosen = [(n, e) for n, e in chosen if e.village == village]
    if not chosen:
        raise ReportError("Không có hộ nghèo, hộ cận nghèo nào để cấp giấy chứng nhận.")
    return Document(
        "certificate",
        "Giấy chứng nhận hộ nghèo, hộ cận nghèo",
        [certificate_part(data, n, e) for n, e in chosen],
        pages_per_part=True,
    )
