"""Settings: declared once, stored as JSON, and a damaged file never stops the app."""

from __future__ import annotations

import json
import logging
import unicodedata
from pathlib import Path

import pytest

from rasoat import paths, settings


def test_defaults_when_no_file_exists() -> None:
    assert not paths.settings_file().exists()
    values = settings.load()
    assert values["posting_days"] == 7
    assert values["backups_kept"] == 10
    assert values["recent_files"] == []
    assert values["recent_files_kept"] == settings.RECENT_MAX == 10
    assert set(values) == {s.key for s in settings.SETTINGS}


def test_every_setting_is_declared_with_vietnamese_label_and_valid_default() -> None:
    keys = [s.key for s in settings.SETTINGS]
    assert len(keys) == len(set(keys))
    for s in settings.SETTINGS:
        assert s.label_vi
        assert s.help_vi
        assert unicodedata.is_normalized("NFC", s.label_vi + s.help_vi)
        assert settings.validate(s.key, s.default) == s.default


def test_update_persists_as_json_and_keeps_other_values() -> None:
    settings.update(surveyor_name="Lò Thị Hoa", posting_days=5)
    settings.update(upper_level_name="UBND tỉnh Điện Biên")
    stored = json.loads(paths.settings_file().read_text(encoding="utf-8"))
    assert stored["surveyor_name"] == "Lò Thị Hoa"
    assert stored["posting_days"] == 5
    assert settings.get("upper_level_name") == "UBND tỉnh Điện Biên"


def test_text_is_stored_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Văn Đức")
    settings.update(surveyor_name=decomposed)
    assert settings.get("surveyor_name") == "Nguyễn Văn Đức"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("posting_days", 0),
        ("posting_days", "7"),
        ("posting_days", True),
        ("backups_kept", 1000),
        ("surveyor_name", 12),
        ("recent_files", "a.sqlite"),
        ("recent_files_kept", 0),
        ("recent_files_kept", 31),
        ("recent_files_kept", "5"),
        ("no_such_key", 1),
        # Printed and shown: a name of 150,000 characters with ESC made a 70-page report.
        ("upper_level_name", "UBND tỉnh \x1b[2J"),
        ("upper_level_name", "x" * 150_000),
        ("recent_files", ["/a.sqlite"] * 101),
        ("recent_files", ["/a\x00.sqlite"]),
    ],
)
def test_invalid_values_are_refused_and_nothing_is_written(key: str, value: object) -> None:
    with pytest.raises(settings.SettingError) as err:
        settings.save({"surveyor_name": "An", key: value})
    assert err.value.message
    assert not paths.settings_file().exists()


def test_damaged_file_falls_back_to_defaults_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    paths.settings_file().write_text('{"posting_days": 5,', encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="rasoat.settings"):
        values = settings.load()
    assert values == settings.defaults()
    assert "damaged" in caplog.text
    # The broken file is set aside, not destroyed, and saving works again.
    damaged = paths.settings_file().with_name("settings.json.damaged")
    assert damaged.read_text(encoding="utf-8") == '{"posting_days": 5,'
    settings.update(posting_days=4)
    assert settings.get("posting_days") == 4


def test_not_an_object_counts_as_damaged() -> None:
    paths.settings_file().write_text("[1, 2]", encoding="utf-8")
    assert settings.load() == settings.defaults()


@pytest.mark.parametrize(
    "content",
    [
        '{"posting_days": 5}'.encode("utf-16"),  # saved by a Windows editor as "Unicode"
        b"[" * 100_000 + b"]" * 100_000,  # deeper than the JSON reader goes
        b'{"surveyor_name": "' + b"x" * (2 << 20) + b'"}',  # bigger than any settings file
    ],
)
def test_a_file_that_is_no_settings_file_counts_as_damaged(content: bytes) -> None:
    """A UTF-16 or deeply nested file raised past ``load`` (a traceback, exit 1, and the
    crash handler, reading the settings too, failed with it)."""
    paths.settings_file().write_bytes(content)
    assert settings.load() == settings.defaults()
    assert paths.settings_file().with_name("settings.json.damaged").exists()
    settings.update(posting_days=4)
    assert settings.get("posting_days") == 4


def test_one_bad_value_falls_back_alone(caplog: pytest.LogCaptureFixture) -> None:
    paths.settings_file().write_text(
        json.dumps({"posting_days": -3, "surveyor_name": "Hoa", "from_the_future": 1}),
        encoding="utf-8",
    )
    with caplog.at_level(logging.WARNING, logger="rasoat.settings"):
        values = settings.load()
    assert values["posting_days"] == 7
    assert values["surveyor_name"] == "Hoa"
    assert "posting_days" in caplog.text


def test_remember_file_keeps_last_and_a_bounded_recent_list(tmp_path: Path) -> None:
    files = [tmp_path / f"xa-{i}.rasoat.sqlite" for i in range(settings.RECENT_MAX + 3)]
    for f in files:
        settings.remember_file(f)
    settings.remember_file(files[2])
    assert settings.last_file() == files[2].resolve()
    recent = settings.recent_files()
    assert recent[0] == files[2].resolve()
    assert len(recent) == settings.RECENT_MAX
    assert len(set(recent)) == len(recent)


def test_recent_list_keeps_as_many_files_as_the_setting_says(tmp_path: Path) -> None:
    files = [tmp_path / f"xa-{i}.rasoat.sqlite" for i in range(8)]
    settings.update(recent_files_kept=3)
    for f in files:
        settings.remember_file(f)
    assert settings.recent_files() == [f.resolve() for f in reversed(files[-3:])]
    stored = json.loads(paths.settings_file().read_text(encoding="utf-8"))
    assert len(stored["recent_files"]) == 3  # trimmed where the list is written
    # More kept from now on: the list grows again as files are opened.
    settings.update(recent_files_kept=5)
    for f in files[:2]:
        settings.remember_file(f)
    assert settings.recent_files() == [
        f.resolve() for f in (files[1], files[0], files[7], files[6], files[5])
    ]
    # Fewer: the menu shows the newest ones at once, before any file is opened again.
    settings.update(recent_files_kept=2)
    assert settings.recent_files() == [files[1].resolve(), files[0].resolve()]
    settings.remember_file(files[7])
    assert settings.recent_files() == [files[7].resolve(), files[1].resolve()]
    stored = json.loads(paths.settings_file().read_text(encoding="utf-8"))
    assert len(stored["recent_files"]) == 2


def test_output_folder_defaults_under_data_and_follows_the_setting(tmp_path: Path) -> None:
    assert settings.output_folder() == paths.output_dir()
    chosen = tmp_path / "Biểu in"
    settings.update(output_dir=str(chosen))
    assert settings.output_folder() == chosen
    assert chosen.is_dir()


def test_settings_of_a_newer_version_survive_a_save() -> None:
    paths.settings_file().write_text(
        json.dumps({"theme_of_2027": "tối", "posting_days": 5}), encoding="utf-8"
    )
    settings.update(surveyor_name="Hoa")
    stored = json.loads(paths.settings_file().read_text(encoding="utf-8"))
    assert stored["theme_of_2027"] == "tối"
    assert stored["posting_days"] == 5
    assert stored["surveyor_name"] == "Hoa"


def test_documents_are_proposed_in_the_documents_folder_then_where_last_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An installed copy (no RASOAT_HOME): the user's Documents folder, not the home folder.
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("XDG_DOCUMENTS_DIR", raising=False)
    monkeypatch.delenv("RASOAT_HOME")
    (tmp_path / "Documents").mkdir()
    assert settings.output_folder() == tmp_path / "Documents"
    settings.remember_output_folder(tmp_path / "Documents" / ".." / "Biểu in xã")
    assert settings.output_folder() == tmp_path / "Biểu in xã"


def test_a_long_or_odd_path_opened_is_remembered_or_skipped_never_refused(tmp_path: Path) -> None:
    """The last file is a path: capped as names are (500), a commune file deep in folders
    could not be opened in the window (remembering it raised). One no setting keeps is
    simply not remembered."""
    deep = tmp_path / ("thu-muc-" + "x" * 90) / ("y" * 200) / ("z" * 200) / "xa.sqlite"
    assert len(str(deep)) > 500
    settings.remember_file(deep)
    assert settings.last_file() == deep.resolve()
    odd = tmp_path / "xa\x1b.sqlite"
    settings.remember_file(odd)  # a control character in a Linux file name: not kept
    assert settings.last_file() == deep.resolve()
