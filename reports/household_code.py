"""The household a document of one household is asked for by its code (``rasoat report
--household CODE``): for the household list's round, the live household with that code
today; for an earlier round, the household that round's answers give that code, as its
documents print it, deleted households included where its lists hold them.

An officer reprinting last year's lost certificate has the code printed on the old paper or
list. Looked up among today's codes, a household deleted since could not be found, and one
given a new code since had to be named by today's code while its certificate printed last
year's."""

from __future__ import annotations

from typing import Any

from forms.model import nfc
from reports.review import ReportError, as_decided, chosen_round, review_name


def household_for_code(
    store: Any, code: str, round_id: str | None, *, by_village: bool = False
) -> str | None:
    """The household id; None when the round is the household list's and no live household
    has the code (the caller says so, as it always has). For an earlier round, a code
    matching no household of its lists, or several, raises ``ReportError`` naming them.
    ``by_village``: the document can be printed for a village, which the message on
    several households suggests."""
    from db.report_queries import answered_with_code, connection

    rnd = chosen_round(store, round_id)
    earlier = as_decided(store, rnd)
    code = nfc(code.strip())
    if earlier is None:
        household = store.household_by_code(code)
        return str(household.id) if household is not None else None
    found = answered_with_code(connection(store), rnd.id, earlier, code)
    name = f"kỳ {review_name(rnd)}"
    if len(found) == 1:
        return found[0].id
    if not found:
        message = (
            f"Không có hộ nào mang mã '{code}' trong danh sách của {name} (mã hộ in trên giấy"
            " chứng nhận, danh sách của kỳ đó)."
        )
        # The code it has today, given by mistake: which code the round printed it with.
        today = store.household_by_code(code)
        if today is not None:
            then = answered_with_code(
                connection(store), rnd.id, earlier, None, household_id=today.id
            )
            if then:
                message += f" Hộ mang mã '{code}' hôm nay có mã '{then[0].code}' trong kỳ đó."
        raise ReportError(message)
    named = "; ".join(
        f"{a.head_name or 'không rõ chủ hộ'} ({a.village}, "
        + ("đã xoá khỏi tệp" if a.deleted else f"nay mang mã {a.code_now}")
        + ")"
        for a in found
    )
    hint = " Hãy in giấy chứng nhận của cả thôn và lấy trang của hộ cần in." if by_village else ""
    raise ReportError(
        f"Mã hộ '{code}' trong {name} là của {len(found)} hộ: {named}. Không chọn được một hộ"
        f" theo mã này.{hint}"
    )
