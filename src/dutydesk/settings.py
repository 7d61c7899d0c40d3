"""The branch's settings (``settings.toml`` in the config folder) and the operator of the shift.

    branch = "城东支行"                 # shown on every screen and written into new incidents
    lang = "zh"                         # zh or en (``--lang`` wins)
    frequent = ["robbery-armed", "fire-premises"]   # plans offered first on the home screen

    [contacts]                          # numbers by contact id (data/plans/contacts.yaml)
    duty-leader = "138 0000 0000"

    [keys]                              # remap keys by binding id (the ? screen lists the ids)
    done = "enter"
    note = "n,m"

A bad setting is reported with its line and what is wrong; that setting keeps its
default and the others still apply (a file that is not TOML at all gives all the
defaults). Nothing here imports Textual: the binding ids are passed in.

The operator (name and role) is asked once per shift and remembered in
``shift.json`` beside the settings for :data:`SHIFT_HOURS` hours.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any

from dutydesk import paths

SHIFT_HOURS = 12
LANGS = ("zh", "en")
_TOP = ("branch", "lang", "frequent", "contacts", "keys")
_KEY = re.compile(r"^[A-Za-z0-9_+\-?!@#$%^&*()=\[\]{};:'\"\\|<>./`~]+$")


@dataclass(frozen=True)
class SettingsProblem:
    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Settings:
    branch: str = ""
    lang: str | None = None
    frequent: tuple[str, ...] = ()
    contacts: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    keys: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    path: Path | None = None
    #: "contacts.duty-leader" -> line in the file (for problems found later, e.g. unknown plan ids)
    lines: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))

    def line_of(self, name: str) -> int:
        return self.lines.get(name, 1)


def _line_index(text: str) -> dict[str, int]:
    """Where each ``key`` / ``section.key`` is set (first line), and each ``[section]``."""
    found: dict[str, int] = {}
    section = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if m := re.match(r"^\[\s*([^\]]+?)\s*\]", stripped):
            section = m.group(1).strip().strip('"')
            found.setdefault(section, number)
            continue
        if m := re.match(r'^("([^"]*)"|\'([^\']*)\'|[A-Za-z0-9_\-]+)\s*=', stripped):
            key = m.group(2) if m.group(2) is not None else m.group(3) if m.group(3) is not None else m.group(1)
            found.setdefault(f"{section}.{key}" if section else key, number)
    return found


def load_settings(
    path: Path | None = None,
    *,
    known_keys: Collection[str] | None = None,
    known_contacts: Collection[str] | None = None,
) -> tuple[Settings, list[SettingsProblem]]:
    """The settings in ``path`` (default: ``paths.settings_file()``) and their problems."""
    path = path or paths.settings_file()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings(), []
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        return Settings(path=path), [SettingsProblem(path, 1, f"cannot read the settings: {reason}")]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        return Settings(path=path), [SettingsProblem(path, int(m.group(1)) if m else 1, f"not valid TOML: {message}")]

    lines = _line_index(text)
    problems: list[SettingsProblem] = []

    def bad(name: str, message: str) -> None:
        problems.append(SettingsProblem(path, lines.get(name, 1), message))

    for key in data:
        if key not in _TOP:
            bad(key, f"unknown setting '{key}' (known: {', '.join(_TOP)})")

    branch = data.get("branch", "")
    if not isinstance(branch, str):
        bad("branch", "branch must be text, e.g. branch = \"城东支行\"")
        branch = ""

    lang = data.get("lang")
    if lang is not None and lang not in LANGS:
        bad("lang", f"lang must be \"zh\" or \"en\", not {lang!r}")
        lang = None

    frequent_raw = data.get("frequent", [])
    frequent: list[str] = []
    if not isinstance(frequent_raw, list) or not all(isinstance(x, str) for x in frequent_raw):
        bad("frequent", "frequent must be a list of plan ids, e.g. frequent = [\"robbery-armed\"]")
    else:
        frequent = [x.strip() for x in frequent_raw if x.strip()]

    contacts: dict[str, str] = {}
    raw_contacts = data.get("contacts", {})
    if not isinstance(raw_contacts, dict):
        bad("contacts", "contacts must be a table: [contacts] then id = \"number\" lines")
    else:
        for cid, number in raw_contacts.items():
            where = f"contacts.{cid}"
            if isinstance(number, bool) or not isinstance(number, str | int):
                bad(where, f"the number of contact '{cid}' must be text, e.g. {cid} = \"110\"")
            elif known_contacts is not None and cid not in known_contacts:
                bad(where, f"unknown contact id '{cid}' (see data/plans/contacts.yaml)")
            else:
                contacts[cid] = str(number).strip()

    keys: dict[str, str] = {}
    raw_keys = data.get("keys", {})
    if not isinstance(raw_keys, dict):
        bad("keys", "keys must be a table: [keys] then binding_id = \"key\" lines")
    else:
        for bid, key in raw_keys.items():
            where = f"keys.{bid}"
            if not isinstance(key, str) or not key.strip():
                bad(where, f"the key for '{bid}' must be text, e.g. {bid} = \"d\"")
            elif not all(part.strip() and _KEY.match(part.strip()) for part in key.split(",")):
                bad(where, f"'{key}' is not a key (examples: \"d\", \"f5\", \"ctrl+d\", \"d,enter\")")
            elif known_keys is not None and bid not in known_keys:
                bad(where, f"unknown binding id '{bid}' (the ? screen lists the ids)")
            else:
                keys[bid] = ",".join(part.strip() for part in key.split(","))

    settings = Settings(
        branch=branch.strip(),
        lang=lang,
        frequent=tuple(frequent),
        contacts=MappingProxyType(contacts),
        keys=MappingProxyType(keys),
        path=path,
        lines=MappingProxyType(lines),
    )
    return settings, problems


# -- the operator of the shift ---------------------------------------------------------

def shift_file() -> Path:
    return paths.config_dir() / "shift.json"


def remembered_operator(now: datetime, path: Path | None = None) -> tuple[str, str] | None:
    """(name, role) given less than :data:`SHIFT_HOURS` ago, else None."""
    path = path or shift_file()
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
        name, role = str(data["name"]).strip(), str(data["role"]).strip()
        at = datetime.fromisoformat(str(data["at"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not name or not role or at.tzinfo is None:
        return None
    if not timedelta(0) <= now - at < timedelta(hours=SHIFT_HOURS):
        return None
    return name, role


def remember_operator(name: str, role: str, now: datetime, path: Path | None = None) -> bool:
    """Keep the operator for the shift (a private file); False if it cannot be written."""
    path = path or shift_file()
    try:
        if not path.parent.exists():
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"name": name, "role": role, "at": now.isoformat()}, fh, ensure_ascii=False)
        os.replace(tmp, path)
    except OSError:
        return False
    return True
