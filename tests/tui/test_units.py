"""The pure parts of the app: reading typed times, finding plans, formatting."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from dutydesk.plans import load_library
from dutydesk.tui.search import search_plans
from dutydesk.tui.text import countdown, elapsed
from dutydesk.whenparse import TimeError, parse_when

CST = timezone(timedelta(hours=8))
NOW = datetime(2025, 3, 14, 10, 9, 30, tzinfo=CST)


@pytest.mark.parametrize(("text", "expected"), [
    ("10:02", datetime(2025, 3, 14, 10, 2, tzinfo=CST)),
    ("10:02:15", datetime(2025, 3, 14, 10, 2, 15, tzinfo=CST)),
    ("9:05", datetime(2025, 3, 14, 9, 5, tzinfo=CST)),
    ("1002", datetime(2025, 3, 14, 10, 2, tzinfo=CST)),
    ("10：02", datetime(2025, 3, 14, 10, 2, tzinfo=CST)),      # full-width colon (Chinese input)
    ("23:50", datetime(2025, 3, 13, 23, 50, tzinfo=CST)),      # later than now: yesterday
    ("-7m", NOW - timedelta(minutes=7)),
    ("-1h30m", NOW - timedelta(hours=1, minutes=30)),
    ("2025-03-14 09:00", datetime(2025, 3, 14, 9, 0, tzinfo=CST)),
])
def test_parse_when(text: str, expected: datetime) -> None:
    assert parse_when(text, NOW) == expected


@pytest.mark.parametrize("text", ["", "25:00", "10:61", "soon", "10h"])
def test_parse_when_refuses(text: str) -> None:
    with pytest.raises(TimeError):
        parse_when(text, NOW)


def test_search_plans_in_both_languages_ids_and_keywords() -> None:
    plans = load_library().plans.values()
    assert search_plans(plans, "robbery-hostage")[0].id == "robbery-hostage-armed"
    assert search_plans(plans, "人质 持枪")[0].id in ("robbery-hostage-armed", "hostage-taking")
    assert "fire-premises" in [p.id for p in search_plans(plans, "着火")]
    assert "power-cut" in [p.id for p in search_plans(plans, "UPS")]
    assert [p.id for p in search_plans(plans, "", "atm")] and all(
        p.category == "atm" for p in search_plans(plans, "", "atm"))
    assert search_plans(plans, "no such thing at all") == []


def test_time_formats() -> None:
    assert elapsed(timedelta(minutes=7, seconds=12)) == "+0:07:12"
    assert elapsed(timedelta(days=2, hours=3, seconds=5)) == "+2d 3:00:05"
    assert elapsed(timedelta(seconds=-30)) == "-0:00:30"
    assert countdown(timedelta(hours=1, minutes=59, seconds=58)) == "1:59:58"
    assert countdown(timedelta(minutes=4, seconds=5)) == "4:05"
    assert countdown(timedelta(seconds=-3)) == "0:00"


def test_binding_ids_known_to_settings_are_the_apps() -> None:
    from dutydesk.tui.app import binding_ids
    from dutydesk.tui.i18n import KEYS, known_binding_ids

    declared = binding_ids()
    assert declared == known_binding_ids()
    assert all(i in KEYS or i.rsplit("_", 1)[0] in KEYS for i in declared)  # every key has its label and help


def test_category_order_and_language_rule_match_the_plans_package(monkeypatch: pytest.MonkeyPatch) -> None:
    from dutydesk.lang import default_lang
    from dutydesk.plans import CATEGORIES
    from dutydesk.tui.app import _default_lang
    from dutydesk.tui.i18n import CATEGORY_SHORT

    assert tuple(CATEGORY_SHORT) == tuple(CATEGORIES)
    for env in ({}, {"LANG": "zh_CN.UTF-8"}, {"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN"}, {"DUTYDESK_LANG": "zh"}):
        for name in ("DUTYDESK_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        assert _default_lang() == default_lang(), env


def test_the_first_frame_needs_neither_the_database_layer_nor_the_plans() -> None:
    import subprocess
    import sys

    code = ("import sys, dutydesk.tui.app; "
            "print(sorted(m for m in sys.modules if m.startswith(('sqlmodel', 'sqlalchemy', 'dutydesk.plans', "
            "'dutydesk.journal', 'yaml'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
