"""The UI language: a flag, else the environment's locale (zh* → Chinese), else English."""

from __future__ import annotations

import os

from dutydesk.plans.model import Lang


def default_lang() -> Lang:
    for name in ("DUTYDESK_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "").lower()
        if value:
            return "zh" if value.startswith("zh") else "en"
    return "en"
