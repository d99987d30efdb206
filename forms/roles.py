"""Who may do what on a shared laptop (issue 20 item 2): roles as data, one table.

Pure: no Qt, no SQL. The Store asks ``may`` before every restricted write (``db.users``),
so the CLI and every import path are covered; the GUI asks the same function to disable
what a role may not do and show why. A file without users has nobody to ask about: the
Store does not call ``may`` then (single-user file, as before users existed).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    SURVEYOR = "surveyor"
    OFFICER = "officer"
    VIEWER = "viewer"


ROLE_NAMES: dict[Role, str] = {
    Role.SURVEYOR: "Điều tra viên",
    Role.OFFICER: "Cán bộ xã",
    Role.VIEWER: "Người xem",
}


class Action(StrEnum):
    """What a user may be refused. Values are stable names (CLI messages, tests)."""

    EDIT_HOUSEHOLD = "edit_household"
    DELETE_HOUSEHOLD = "delete_household"
    MEETING = "meeting"
    POSTING = "posting"
    COMPLAINTS = "complaints"
    DECISION = "decision"
    CERTIFICATES = "certificates"
    ROUND = "round"
    APPLICATIONS = "applications"  # the commune's outcome on an application
    RECEIVE_APPLICATION = "receive_application"
    SUPPORT = "support"
    CADRES = "cadres"
    EXPORT_PACKAGE = "export_package"
    EXPORT_UPPER = "export_upper"
    IMPORT = "import"
    RESTORE = "restore"
    SETTINGS = "settings"
    USERS = "users"
    ENCRYPT_FILE = "encrypt_file"
    PURGE = "purge"
    ERASE_PERSON = "erase_person"
    PERSON_DATA = "person_data"  # one person's data looked up (Tệp → Dữ liệu cá nhân…)
    PRINT = "print"
    READ = "read"


# What each action is called in a refusal: "… không được <name>".
ACTION_NAMES: dict[Action, str] = {
    Action.EDIT_HOUSEHOLD: "nhập, sửa hộ gia đình",
    Action.DELETE_HOUSEHOLD: "xoá hộ khỏi danh sách",
    Action.MEETING: "ghi kết quả họp dân",
    Action.POSTING: "ghi niêm yết",
    Action.COMPLAINTS: "ghi, giải quyết khiếu nại",
    Action.DECISION: "ghi quyết định của xã",
    Action.CERTIFICATES: "cấp số giấy chứng nhận",
    Action.ROUND: "mở kỳ rà soát",
    Action.APPLICATIONS: "xét, công nhận đơn đề nghị",
    Action.RECEIVE_APPLICATION: "ghi giấy đề nghị, đơn của hộ",
    Action.SUPPORT: "ghi hỗ trợ hộ đã nhận",
    Action.CADRES: "phân công cán bộ phụ trách",
    Action.EXPORT_PACKAGE: "xuất gói dữ liệu",
    Action.EXPORT_UPPER: "xuất dữ liệu lên cấp trên",
    Action.IMPORT: "nhập, gộp dữ liệu",
    Action.RESTORE: "khôi phục từ bản sao lưu",
    Action.SETTINGS: "đổi thiết lập",
    Action.USERS: "quản lý người dùng",
    Action.ENCRYPT_FILE: "mã hoá tệp xã, đổi mật khẩu tệp xã",
    Action.PURGE: "xoá hẳn dữ liệu cá nhân của hộ",
    Action.ERASE_PERSON: "xoá dữ liệu cá nhân của một người",
    Action.PERSON_DATA: "tra cứu dữ liệu cá nhân của một người",
    Action.PRINT: "in tài liệu",
    Action.READ: "xem dữ liệu",
}

_ALL = frozenset(Role)
_WRITERS = frozenset({Role.SURVEYOR, Role.OFFICER})
_OFFICER = frozenset({Role.OFFICER})

# The decided table (issue 20 item 2): a surveyor enters and edits households and carries
# its work to the commune as a package; the commune officer does every step of the review
# after the survey and everything about the file itself; a viewer reads and prints.
# All year round (issue 24) the same line holds: what a household hands in or receives is
# household data a surveyor enters in their villages (an application received, withdrawn;
# support delivered); what the commune decides is the officer's (a monthly round and who is
# in it, an application's outcome, the cadre responsible for a village or household).
ACTION_ROLES: dict[Action, frozenset[Role]] = {
    Action.EDIT_HOUSEHOLD: _WRITERS,
    Action.DELETE_HOUSEHOLD: _WRITERS,
    Action.EXPORT_PACKAGE: _WRITERS,
    Action.MEETING: _OFFICER,
    Action.POSTING: _OFFICER,
    Action.COMPLAINTS: _OFFICER,
    Action.DECISION: _OFFICER,
    Action.CERTIFICATES: _OFFICER,
    Action.ROUND: _OFFICER,
    Action.APPLICATIONS: _OFFICER,
    Action.RECEIVE_APPLICATION: _WRITERS,
    Action.SUPPORT: _WRITERS,
    Action.CADRES: _OFFICER,
    Action.EXPORT_UPPER: _OFFICER,
    Action.IMPORT: _OFFICER,
    Action.RESTORE: _OFFICER,
    Action.SETTINGS: _OFFICER,
    Action.USERS: _OFFICER,
    Action.ENCRYPT_FILE: _OFFICER,
    Action.PURGE: _OFFICER,
    Action.ERASE_PERSON: _OFFICER,
    # A person's request for what is held about them is the officer's to answer: the
    # lookup crosses every household, deleted ones and removed members included.
    Action.PERSON_DATA: _OFFICER,
    Action.PRINT: _ALL,
    Action.READ: _ALL,
}

# Actions on one household, which a surveyor with assigned villages does only there.
VILLAGE_LIMITED = frozenset(
    {
        Action.EDIT_HOUSEHOLD,
        Action.DELETE_HOUSEHOLD,
        Action.RECEIVE_APPLICATION,
        Action.SUPPORT,
    }
)


@dataclass(frozen=True)
class User:
    name: str  # what is typed to sign in, and what the audit log names
    display_name: str
    role: Role
    villages: tuple[str, ...] = ()  # a surveyor's assigned villages; empty: all
    disabled: bool = False

    @property
    def label(self) -> str:
        """ "Lò Thị Mai (Điều tra viên)", as the status bar shows the signed-in user."""
        return f"{self.display_name or self.name} ({ROLE_NAMES[self.role]})"


def _roles_text(roles: frozenset[Role]) -> str:
    return ", ".join(ROLE_NAMES[r].lower() for r in Role if r in roles)


def may(user: User | None, action: Action, village: str | None = None) -> str | None:
    """None when ``user`` may do ``action`` (in ``village``, for a household's action),
    else why not, in Vietnamese. ``user`` None: a file without users, where anyone may."""
    if user is None:
        return None
    who = user.display_name or user.name
    if user.disabled:
        return f"Người dùng {who} đã bị ngừng sử dụng."
    roles = ACTION_ROLES[action]
    if user.role not in roles:
        return (
            f"{who} ({ROLE_NAMES[user.role].lower()}) không được {ACTION_NAMES[action]}: "
            f"việc này dành cho {_roles_text(roles)}."
        )
    if (
        action in VILLAGE_LIMITED
        and user.role == Role.SURVEYOR
        and user.villages
        and village is not None
        and village not in user.villages
    ):
        return (
            f"{who} chỉ được {ACTION_NAMES[action]} ở {', '.join(user.villages)}; "
            f"hộ này ở {village or '(chưa có thôn)'}."
        )
    return None
