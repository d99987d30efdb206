"""A member's relationship to the head as the papers call a person ("Vợ", "Bố", "Chị"):
the certificate, the detail list and the application form printed "Vợ/chồng" and "Bố/mẹ"
beside a member whose sex they showed."""

from __future__ import annotations

import pytest

from forms.labels import relationship_of
from forms.model import Member, Relationship, Sex

HEAD = Member(name="Lò Văn Páo", relationship=Relationship.HEAD, sex=Sex.MALE, birth_year=1980)


@pytest.mark.parametrize(
    ("relationship", "sex", "born", "said"),
    [
        (Relationship.SPOUSE, Sex.FEMALE, 1982, "Vợ"),
        (Relationship.SPOUSE, Sex.MALE, 1982, "Chồng"),
        (Relationship.SPOUSE, None, 1982, "Vợ/chồng"),
        (Relationship.PARENT, Sex.FEMALE, 1950, "Mẹ"),
        (Relationship.PARENT, None, 1950, "Bố/mẹ"),
        (Relationship.GRANDPARENT, Sex.MALE, 1930, "Ông"),
        (Relationship.SIBLING, Sex.FEMALE, 1978, "Chị"),
        (Relationship.SIBLING, Sex.MALE, 1985, "Em"),
        (Relationship.SIBLING, Sex.MALE, None, "Anh/chị/em"),
        (Relationship.CHILD, Sex.MALE, 2005, "Con"),
        (Relationship.HEAD, Sex.MALE, 1980, "Chủ hộ"),
        (None, Sex.MALE, 1980, ""),
    ],
)
def test_as_a_person_is_called(
    relationship: Relationship | None, sex: Sex | None, born: int | None, said: str
) -> None:
    member = Member(name="X", relationship=relationship, sex=sex, birth_year=born)
    assert relationship_of(member, HEAD) == said
