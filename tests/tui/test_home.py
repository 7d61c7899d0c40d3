"""The home screen: open incidents first, frequent plans in one key, categories, drills apart;
a second desk seen live; a timer rings even when its incident is not on screen."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from textual.widgets import OptionList, Static

from dutydesk.desk import Desk
from dutydesk.journal.actor import Actor
from dutydesk.journal.api import Journal
from dutydesk.plans import load_library
from dutydesk.tui.messages import StartIncident
from dutydesk.tui.screens.home import HomeScreen
from dutydesk.tui.screens.picker import PickerScreen
from dutydesk.tui.widgets.timeline import Timeline

from .helpers import events, incident_screen, make_app, past_clock, ready, screen_text, until, widget_text


async def test_frequent_plan_in_one_key_and_drills_apart(tmp_path: Path) -> None:
    db = tmp_path / "journal.db"
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        listing = app.screen.query_one(OptionList)
        # nothing open yet: the cursor starts on the first frequent plan; Enter starts it
        first = listing.get_option_at_index(listing.highlighted).id
        assert first.startswith("plan:")
        await pilot.press("enter")
        screen = await incident_screen(pilot)
        assert screen.desk.plan.id == first.split(":")[1] and not screen.desk.state.drill
        await pilot.press("e")
        app.focused.insert_text_at_cursor("test")
        await pilot.press("enter")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen))

        # t: a drill, from the picker under a DRILL banner
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, PickerScreen))
        assert "DRILL" in screen_text(app)
        app.focused.insert_text_at_cursor("fire-premises")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("enter")  # the scenario dialog (issue 6): take the scenario it offers
        screen = await incident_screen(pilot)
        assert screen.desk.state.drill and "not a real incident" in screen_text(app)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen))
        home = screen_text(app)
        assert home.index("Open incidents") < home.index("[DRILL]") < home.index("Start an incident")
        assert home.index("Past incidents") < home.index("Past drills")
        # the open drill comes first; Enter resumes it
        assert listing.get_option_at_index(listing.highlighted).id == f"inc:{screen.desk.id}"

        # 2: the plan list opens on the second category (ATMs)
        await pilot.press("2")
        await until(pilot, lambda: isinstance(app.screen, PickerScreen))
        assert {p.category for p in app.screen.results} == {"atm"}
    opened = [json.loads(e["payload"])["drill"]
              for e in sorted(events(db), key=lambda e: e["recorded_at"]) if e["kind"] == "opened"]
    assert opened == [False, True]


async def test_another_desk_is_seen_without_a_key(tmp_path: Path) -> None:
    db = tmp_path / "journal.db"
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        app.post_message(StartIncident("power-cut"))
        screen = await incident_screen(pilot)
        with Journal.open(db) as journal:
            other = Desk(journal, journal.incident(screen.desk.id),
                         Actor.from_environment(name="李强", role="duty-leader"))
            other.note("电力公司说 30 分钟恢复")
            other.done(screen.desk.state.current)
        await until(pilot, lambda: len(screen.query_one(Timeline).records) == 3, timeout=3)
        assert screen.desk.state.steps[screen.desk.plan.steps[0].id].by.name == "李强"
        assert "电力公司说 30 分钟恢复" in screen_text(app)


async def test_timer_rings_while_its_incident_is_not_on_screen(tmp_path: Path) -> None:
    db = tmp_path / "journal.db"
    clock = past_clock(hours=4)
    with Journal.open(db) as journal:
        desk = Desk.open_new(journal, load_library(), "robbery-hostage-armed", happened_at=clock.now(),
                             actor=Actor.from_environment(name="王芳", role="supervisor"))
        for step in ("stall", "alarm", "evacuate", "secure-cash", "calm-hostage", "no-rash-action"):
            desk.done(step, happened_at=clock.now())
        desk.choose("injured", 1, happened_at=clock.now())
    clock.advance(timedelta(hours=2, minutes=1))
    app = make_app(db, clock=clock)
    rings: list[int] = []
    app.bell = lambda: rings.append(1)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await until(pilot, lambda: bool(rings), timeout=6)
        assert [e["step_id"] for e in events(db) if e["kind"] == "timer_fired"] == ["report-up"]
        assert "DUE" in widget_text(app.screen.query_one("#home-alerts", Static))
        await pilot.pause(2.5)
        assert rings == [1]  # once
