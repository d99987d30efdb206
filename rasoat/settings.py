"""User settings, declared once as data (Picard-style) and kept as JSON in the config folder.

Every setting is one ``Setting`` in ``SETTINGS``: its key, type, default, Vietnamese label and
help. The settings dialog is built from that list, and loading validates against it: a damaged
file or a bad value falls back to the defaults with a logged warning, never a crash (the
damaged file is kept beside the new one so nothing the user typed is silently destroyed).

    from rasoat import settings
    settings.get("posting_days")          # 7 unless the user changed it
    settings.update(surveyor_name="Lò Thị Hoa")
    settings.remember_file(path)          # last opened file + recent files
"""

from __future__ import annotations

import json
import logging
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rasoat import paths

log = logging.getLogger(__name__)

RECENT_MAX = 10  # the default of "recent_files_kept"
MAX_TEXT = 500  # a name or a connection string
MAX_PATH = 4096  # a folder or a file's path
MAX_ITEMS = 100  # entries of a list setting (the recent files keep at most 30)
MAX_FILE_BYTES = 1 << 20  # the settings file is a few hundred bytes


@dataclass(frozen=True)
class Setting:
    key: str
    type: type  # str, int or list (of str)
    default: Any
    label_vi: str
    help_vi: str
    minimum: int | None = None  # for int settings
    maximum: int | None = None
    folder: bool = False  # a str that names a folder: the dialog offers a folder chooser
    editable: bool = True  # False: remembered by the app, not shown in the settings dialog
    secret_free: bool = False  # a connection string: refused when it carries a password
    # Set on a province office's machine only: the settings dialog keeps it under "Máy của
    # tỉnh", folded away while empty, so a commune officer is not asked about PostgreSQL.
    province_only: bool = False
    path: bool = False  # a file's path: bounded as paths are, not as names


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "surveyor_name",
        str,
        "",
        "Người rà soát",
        "Họ tên người dùng máy này khi tệp xã chưa có người dùng: ghi vào lịch sử sửa đổi. "
        "Tệp xã đã có người dùng thì lịch sử ghi người đang đăng nhập.",
    ),
    Setting(
        "upper_level_name",
        str,
        "",
        "Cấp trên nhận báo cáo",
        "Tên cơ quan nhận báo cáo của xã, ví dụ “UBND tỉnh …” (từ 2025 không còn cấp huyện).",
    ),
    Setting(
        "posting_days",
        int,
        7,
        "Số ngày niêm yết công khai",
        "Số ngày niêm yết công khai danh sách tại nhà văn hoá thôn và trụ sở xã, kể cả ngày "
        "bắt đầu, theo hướng dẫn của tỉnh (các địa phương thường ghi 3–7 ngày).",
        minimum=1,
        maximum=60,
    ),
    Setting(
        "backups_kept",
        int,
        10,
        "Số bản sao lưu giữ lại",
        "Mỗi lần mở tệp xã, chương trình sao lưu tệp; chỉ giữ lại bấy nhiêu bản gần nhất.",
        minimum=1,
        maximum=100,
    ),
    # How long personal data lives on in copies (issue 20 item 6; docs/privacy.md): the
    # commune's choice, not a legal value. A year keeps last review's state for complaints.
    Setting(
        "backup_retention_days",
        int,
        365,
        "Thời hạn giữ bản sao lưu (ngày)",
        "Bản sao lưu cũ hơn số ngày này được xoá khi mở tệp xã (bản sao lưu chứa dữ liệu cá "
        "nhân của người dân). Bản sao lưu tốt gần nhất luôn được giữ lại.",
        minimum=7,
        maximum=3650,
    ),
    Setting(
        "log_retention_days",
        int,
        90,
        "Thời hạn giữ nhật ký (ngày)",
        "Tệp nhật ký của chương trình cũ hơn số ngày này được xoá khi khởi động.",
        minimum=7,
        maximum=3650,
    ),
    # The idle lock (issue 20 items 1 and 2; docs/privacy.md): the window hides the data and
    # asks the password again after this long without a key or a mouse movement.
    Setting(
        "idle_lock_minutes",
        int,
        10,
        "Khoá màn hình sau (phút)",
        "Không dùng máy bấy nhiêu phút thì màn hình bị khoá, che mọi dữ liệu, và hỏi lại mật "
        "khẩu (chỉ khi tệp xã có người dùng hoặc được mã hoá). 0: không bao giờ khoá.",
        minimum=0,
        maximum=240,
    ),
    Setting(
        "recent_files_kept",
        int,
        RECENT_MAX,
        "Số tệp xã mở gần đây",
        "Số tệp xã được nhớ trong Tệp → Tệp xã mở gần đây, mới nhất trước.",
        minimum=1,
        maximum=30,
    ),
    Setting(
        "output_dir",
        str,
        "",
        "Thư mục lưu biểu in",
        "Thư mục đề xuất khi lưu tệp PDF, Excel và gói dữ liệu; chương trình nhớ thư mục chọn "
        "lần gần nhất. Để trống: thư mục Tài liệu (Documents) của máy.",
        folder=True,
    ),
    # The province registry (issue 21, docs/registry.md): only a province office's machine
    # sets it. The password is never kept here: asked when connecting, or libpq's pgpass file.
    Setting(
        "registry_dsn",
        str,
        "",
        "Cơ sở dữ liệu của tỉnh",
        "Chỉ dùng ở máy của tỉnh: chuỗi kết nối PostgreSQL cho Báo cáo → Tổng hợp nhiều xã, ví "
        "dụ “host=10.0.0.5 dbname=rasoat_tinh user=rasoat”. Không ghi mật khẩu ở đây: mật khẩu "
        "được hỏi khi kết nối. Để trống ở máy của xã.",
        secret_free=True,
        province_only=True,
    ),
    Setting(
        "last_file",
        str,
        "",
        "Tệp xã mở lần trước",
        "Tệp được mở lại khi khởi động chương trình.",
        editable=False,
        path=True,
    ),
    Setting(
        "recent_files",
        list,
        [],
        "Tệp xã mở gần đây",
        "Các tệp xã đã mở gần đây, mới nhất trước.",
        editable=False,
    ),
)

BY_KEY: dict[str, Setting] = {s.key: s for s in SETTINGS}


class SettingError(ValueError):
    """A value that does not fit its declared setting; ``message`` is Vietnamese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def defaults() -> dict[str, Any]:
    return {s.key: _copy(s.default) for s in SETTINGS}


def validate(key: str, value: Any) -> Any:
    """The value as stored (NFC text, stripped), or SettingError."""
    from forms.validate import text_problem  # here: not every command reads the settings

    setting = BY_KEY.get(key)
    if setting is None:
        raise SettingError(f"Không có thiết lập “{key}”.")
    if setting.type is int:
        # bool is an int to Python but never what the user meant here.
        if isinstance(value, bool) or not isinstance(value, int):
            raise SettingError(f"{setting.label_vi}: cần một số nguyên.")
        if setting.minimum is not None and value < setting.minimum:
            raise SettingError(f"{setting.label_vi}: ít nhất là {setting.minimum}.")
        if setting.maximum is not None and value > setting.maximum:
            raise SettingError(f"{setting.label_vi}: nhiều nhất là {setting.maximum}.")
        return value
    if setting.type is str:
        if not isinstance(value, str):
            raise SettingError(f"{setting.label_vi}: cần một chuỗi chữ.")
        text = unicodedata.normalize("NFC", value).strip()
        # Printed (the upper level's name heads reports), shown and logged: a name of 150,000
        # characters with ESC in it made a 70-page report.
        problem = text_problem(text, MAX_PATH if setting.folder or setting.path else MAX_TEXT)
        if problem:
            raise SettingError(f"{setting.label_vi}: {problem}.")
        if setting.secret_free and has_password(text):
            raise SettingError(
                f"{setting.label_vi}: không ghi mật khẩu vào chuỗi kết nối (mật khẩu sẽ được "
                "hỏi khi kết nối)."
            )
        return text
    if setting.type is list:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise SettingError(f"{setting.label_vi}: cần một danh sách chuỗi chữ.")
        if len(value) > MAX_ITEMS or any(text_problem(v, MAX_PATH) for v in value):
            raise SettingError(f"{setting.label_vi}: danh sách quá dài hoặc có mục hỏng.")
        return [unicodedata.normalize("NFC", v) for v in value]
    raise SettingError(f"{setting.label_vi}: kiểu {setting.type.__name__} chưa được hỗ trợ.")


_PASSWORD = re.compile(r"(^|\s)password\s*=|[?&]password=|://[^/:@\s]*:[^@/\s]*@", re.I)


def has_password(dsn: str) -> bool:
    """Whether a PostgreSQL connection string (key=value or URI) names a password: such a
    string would sit in the settings file and the audit log in clear."""
    return bool(_PASSWORD.search(dsn))


def load() -> dict[str, Any]:
    """All settings, every key present and valid. Never raises for a bad file."""
    values = defaults()
    file = paths.settings_file()
    try:
        data = _read(file)
    except FileNotFoundError:
        return values
    except OSError:
        log.warning("cannot read settings %s; using defaults", file, exc_info=True)
        return values
    except ValueError:
        log.warning("settings %s are damaged; using defaults", file, exc_info=True)
        _keep_damaged(file)
        return values
    for key, value in data.items():
        if key not in BY_KEY:
            # A newer version's setting, or an old one we dropped: ignored here, and kept in
            # the file by save() so going back and forth between versions loses nothing.
            log.info("ignoring unknown setting %r", key)
            continue
        try:
            values[key] = validate(key, value)
        except SettingError as exc:
            # A connection string's value may hold a password: never in the log.
            shown = "…" if BY_KEY[key].secret_free else repr(value)
            log.warning("setting %r=%s is invalid (%s); using the default", key, shown, exc)
    return values


def save(values: dict[str, Any]) -> None:
    """Validates every given value (SettingError on the first bad one, nothing written), merges
    them into the stored settings and writes atomically."""
    clean = {key: validate(key, value) for key, value in values.items()}
    merged = {**_unknown_entries(), **load(), **clean}
    file = paths.settings_file()
    # Per process: two copies of the app saving at once must not write into one temp file.
    tmp = file.with_name(f"{file.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(merged, ensure_ascii=False, indent=1), encoding="utf-8")
    # os.replace is atomic on Windows and POSIX alike: a crash mid-write never leaves half a file.
    os.replace(tmp, file)


def get(key: str) -> Any:
    if key not in BY_KEY:
        raise KeyError(key)
    return load()[key]


def update(**values: Any) -> None:
    save(values)


def output_folder() -> Path:
    """Where documents and packages are proposed: the folder chosen last (in a save dialog or
    in Thiết lập), else the Documents folder (``paths.documents_dir``)."""
    chosen = get("output_dir")
    if chosen:
        path = Path(chosen)
        try:
            path.mkdir(parents=True, exist_ok=True)
            return path
        except OSError:
            log.warning("output folder %s unusable; using the default", path, exc_info=True)
    return paths.documents_dir()


def remember_output_folder(folder: Path) -> None:
    """The folder the officer just saved into is proposed next time. A settings file that
    cannot be written only loses the memory, never the document: logged, not raised."""
    try:
        save({"output_dir": str(Path(folder).resolve())})
    except (OSError, SettingError):
        log.warning("could not remember the output folder %s", folder, exc_info=True)


def last_file() -> Path | None:
    value = get("last_file")
    return Path(value) if value else None


def recent_files() -> list[Path]:
    """Newest first, as many as the user keeps (a lowered setting shows at once)."""
    values = load()
    return [Path(p) for p in values["recent_files"][: values["recent_files_kept"]]]


def remember_file(path: Path) -> None:
    """The file just opened becomes the last file and heads the recent list, which keeps as
    many files as the "recent_files_kept" setting says."""
    text = str(Path(path).resolve())
    values = load()
    recent = [p for p in values["recent_files"] if p != text]
    try:
        save({"last_file": text, "recent_files": [text, *recent][: values["recent_files_kept"]]})
    except SettingError:
        # A path no setting keeps (over 4,096 characters, a control character in a name):
        # the file is open all the same; it is only not offered again at the next start.
        log.warning("not remembering %r as the last file", text[:200])


def _read(file: Path) -> dict[str, Any]:
    """The file's object; ValueError when it is no settings file (not UTF-8, not JSON, not
    an object, nested too deep or too big), OSError when it cannot be read. A UTF-16 or a
    deeply nested file raised past ``load`` (and past the crash handler, which reads the
    settings too)."""
    with file.open("rb") as fh:
        raw = fh.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise ValueError("settings file too big")
    try:
        data = json.loads(raw.decode("utf-8"))
    except RecursionError as exc:
        raise ValueError("settings file nested too deep") from exc
    if not isinstance(data, dict):
        raise ValueError("settings file is not a JSON object")
    return data


def _unknown_entries() -> dict[str, Any]:
    try:
        data = _read(paths.settings_file())
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if k not in BY_KEY}


def _keep_damaged(file: Path) -> None:
    try:
        os.replace(file, file.with_name(file.name + ".damaged"))
    except OSError:
        log.warning("could not set the damaged settings file aside", exc_info=True)


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value
