"""Every path dutydesk reads or writes, each overridable.

Precedence for each: command-line flag, then environment variable, then the
platformdirs default. Nothing here creates files; callers create what they write.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_path, user_data_path

APP_NAME = "dutydesk"

ENV_DB = "DUTYDESK_DB"
ENV_PLANS = "DUTYDESK_PLANS"
ENV_CONFIG = "DUTYDESK_CONFIG"
ENV_SCENARIOS = "DUTYDESK_SCENARIOS"
ENV_REPORTS = "DUTYDESK_REPORTS"


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    return Path(value).expanduser() if value else None


def bundled_plans_dir() -> Path:
    """The plans shipped with dutydesk.

    An installed wheel carries them inside the package (``dutydesk/data/plans``);
    a source checkout keeps them at the top of the repository (``data/plans``).
    """
    packaged = Path(__file__).resolve().parent / "data" / "plans"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "data" / "plans"


def bundled_scenarios_dir() -> Path:
    """The drill scenarios shipped with dutydesk (``data/scenarios``), found like the plans."""
    packaged = Path(__file__).resolve().parent / "data" / "scenarios"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "data" / "scenarios"


def config_dir(override: Path | None = None) -> Path:
    """The branch's configuration folder (settings, own plans, contact numbers)."""
    return override or _env_path(ENV_CONFIG) or user_config_path(APP_NAME, appauthor=False)


def user_plans_dir(override: Path | None = None) -> Path:
    """The branch's own plans; they add to or replace bundled plans by id."""
    return override or _env_path(ENV_PLANS) or config_dir() / "plans"


def user_scenarios_dir(override: Path | None = None) -> Path:
    """The trainers' own drill scenarios; they add to or replace bundled ones by id."""
    return override or _env_path(ENV_SCENARIOS) or config_dir() / "scenarios"


def settings_file() -> Path:
    return config_dir() / "settings.toml"


def database_path(override: Path | None = None) -> Path:
    """The incident journal (SQLite)."""
    return override or _env_path(ENV_DB) or user_data_path(APP_NAME, appauthor=False) / "journal.db"


def reports_dir() -> Path:
    """Where the app writes exported incident reports."""
    return _env_path(ENV_REPORTS) or user_data_path(APP_NAME, appauthor=False) / "reports"
