"""settings.toml: values, problems named with their line, defaults kept; the operator of the shift."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from dutydesk import paths
from dutydesk.settings import Settings, load_settings, remember_operator, remembered_operator

KNOWN_KEYS = {"done", "note", "skip"}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_means_defaults() -> None:
    settings, problems = load_settings()
    assert settings == Settings() and problems == []


def test_default_location_is_the_config_dir() -> None:
    assert paths.settings_file() == paths.config_dir() / "settings.toml"


def test_values(tmp_path: Path) -> None:
    path = write(tmp_path, """\
branch = "城东支行"
lang = "zh"
frequent = ["robbery-armed", "fire-premises"]

[contacts]
duty-leader = "138 0000 0000"
"superior-security" = 12345

[keys]
done = "enter"
note = "n, m"
""")
    settings, problems = load_settings(path, known_keys=KNOWN_KEYS)
    assert problems == []
    assert settings.branch == "城东支行" and settings.lang == "zh"
    assert settings.frequent == ("robbery-armed", "fire-premises")
    assert dict(settings.contacts) == {"duty-leader": "138 0000 0000", "superior-security": "12345"}
    assert dict(settings.keys) == {"done": "enter", "note": "n,m"}
    assert settings.line_of("keys.note") == 11 and settings.line_of("contacts.duty-leader") == 6


def test_not_toml_gives_its_line_and_all_defaults(tmp_path: Path) -> None:
    path = write(tmp_path, 'branch = "x"\nlang = zh\n')
    settings, problems = load_settings(path)
    assert settings.branch == "" and settings.lang is None
    assert len(problems) == 1 and problems[0].line == 2 and "not valid TOML" in problems[0].message
    assert str(problems[0]).startswith(f"{path}:2: ")


def test_each_bad_setting_is_named_and_the_rest_applies(tmp_path: Path) -> None:
    path = write(tmp_path, """\
branch = 12
lang = "fr"
colour = "red"
frequent = "robbery-armed"

[contacts]
police-110 = true
ok = "119"

[keys]
done = ""
nope = "x"
skip = "ctrl+s"
note = "has space"
""")
    settings, problems = load_settings(path, known_keys=KNOWN_KEYS, known_contacts={"police-110"})
    found = {(p.line, p.message.split(" ")[0]) for p in problems}
    assert {p.line for p in problems} == {1, 2, 3, 4, 7, 8, 11, 12, 14}, found
    assert any("lang must be" in p.message and p.line == 2 for p in problems)
    assert any("unknown setting 'colour'" in p.message for p in problems)
    assert any("unknown binding id 'nope'" in p.message for p in problems)
    assert any("unknown contact id 'ok'" in p.message for p in problems)
    assert settings.lang is None and settings.branch == "" and settings.frequent == ()
    assert dict(settings.keys) == {"skip": "ctrl+s"}


def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_bytes(b"branch = \"\xff\"\n")
    settings, problems = load_settings(path)
    assert settings.branch == "" and problems and problems[0].line == 1


def test_operator_remembered_for_the_shift(tmp_path: Path) -> None:
    now = datetime(2025, 3, 14, 8, 0, tzinfo=timezone.utc)
    assert remembered_operator(now) is None
    assert remember_operator("王芳", "supervisor", now)
    shift = paths.config_dir() / "shift.json"
    assert shift.exists() and oct(shift.stat().st_mode & 0o777) == "0o600"
    assert remembered_operator(now + timedelta(hours=11, minutes=59)) == ("王芳", "supervisor")
    assert remembered_operator(now + timedelta(hours=12)) is None
    assert remembered_operator(now - timedelta(minutes=1)) is None  # a clock that went back: ask again
    shift.write_text("{not json", encoding="utf-8")
    assert remembered_operator(now) is None


def test_operator_not_writable_is_not_fatal(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("x")
    assert remember_operator("a", "b", datetime.now(timezone.utc), path=blocked / "shift.json") is False
