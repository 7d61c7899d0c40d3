"""A drill with a scenario: chosen when the drill starts, injects logged at their time, once, with two desks.

The app runs on a real journal with a frozen clock moved by the test; a second
desk is a ``Desk`` on its own connection to the same file (as another process
would be). Afterwards the events are read back with plain sqlite3.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from textual.widgets import OptionList, Static

from dutydesk.cli import main
from dutydesk.desk import Desk
from dutydesk.journal import Actor, Journal
from dutydesk.scenario import fire_due_injects
from dutydesk.tui.clock import FrozenClock
from dutydesk.tui.screens.form import FormScreen

from .helpers import CST, events, incident_screen, make_app, parse, past_clock, ready, screen_text, until, widget_text

OTHER = Actor("liqiang", "李强", "duty-leader", "ssh:10.0.0.8")


def injects(db: Path) -> list[dict]:
    return [e | {"payload": json.loads(e["payload"])} for e in events(db) if e["kind"] == "inject"]


async def test_drill_with_scenario_injects_at_their_time_once_with_two_desks(tmp_path: Path) -> None:
    db = tmp_path / "journal.db"
    clock = past_clock()
    app = make_app(db, clock=clock)
    rings: list[int] = []
    app.bell = lambda: rings.append(1)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("t")  # a drill: the picker, then the scenario dialog
        await pilot.pause()
        app.focused.insert_text_at_cursor("robbery-armed")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        choices = app.screen.query_one(OptionList)
        offered = [choices.get_option_at_index(i).id for i in range(choices.option_count)]
        assert offered[0] == "-" and [Path(p).stem for p in offered[1:]] == ["robbery-armed-drill"]
        assert choices.highlighted == 1  # the scenario written for this plan is the one offered first
        await pilot.press("enter")
        screen = await incident_screen(pilot)
        desk = screen.desk
        t0 = desk.state.opened_at
        assert desk.state.drill and t0 == clock.now()

        # the scenario is on the record right after the opening; the +0:00 inject comes at the next look
        await until(pilot, lambda: len(injects(db)) == 1)
        stored = events(db)
        assert [e["kind"] for e in stored[:3]] == ["opened", "note", "inject"]
        assert json.loads(stored[1]["payload"])["scenario"]["id"] == "robbery-armed-drill"
        first = injects(db)[0]
        assert (first["payload"]["n"], first["payload"]["at"], parse(first["happened_at"])) == (1, 0, t0)
        await until(pilot, lambda: "INJECT" in widget_text(screen.query_one("#alerts", Static)))
        assert "masked man with a gun" in widget_text(screen.query_one("#alerts", Static))

        # +1:00 comes at +1:00, not before; it is logged when the desk shows it
        clock.advance(timedelta(seconds=59))
        await pilot.pause(0.6)
        assert len(injects(db)) == 1
        clock.advance(timedelta(seconds=2))
        await until(pilot, lambda: len(injects(db)) == 2)
        second = injects(db)[1]
        assert second["payload"]["at"] == 60 and parse(second["happened_at"]) == t0 + timedelta(seconds=61)
        assert second["payload"]["i18n"]["en"] == "A customer in the hall screams and runs for the door"
        assert len(rings) == 2

        # a is the acknowledgement of the oldest inject, logged
        await pilot.press("a")
        await pilot.pause()
        acks = [e for e in events(db) if e["kind"] == "acknowledged"]
        assert [json.loads(a["payload"])["seq"] for a in acks] == [first["seq"]]

        # another desk gets to +2:00 first: this desk shows its inject and does not log it again
        with Journal.open(db) as journal:
            other = Desk(journal, journal.incident(desk.id), OTHER)
            logged = fire_due_injects(other, t0 + timedelta(seconds=125), happened_at=t0 + timedelta(seconds=125))
            assert [f.record.payload["n"] for f in logged] == [3]
            clock.advance(timedelta(seconds=125 - 61))
            await until(pilot, lambda: desk.state.last_seq == logged[0].record.seq)
            await pilot.pause(0.6)
            assert "demands more cash" in screen_text(app)
            # and the other way round at +4:00
            clock.advance(timedelta(seconds=241 - 125))
            await until(pilot, lambda: len(injects(db)) == 4)
            assert fire_due_injects(other, t0 + timedelta(seconds=241)) == []
        await pilot.pause(0.6)
    found = injects(db)
    assert [i["payload"]["n"] for i in found] == [1, 2, 3, 4]
    assert [i["actor_name"] for i in found] == ["王芳", "王芳", "李强", "王芳"]


async def test_no_scenario_and_plans_without_one(tmp_path: Path) -> None:
    db = tmp_path / "journal.db"
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("t")
        await pilot.pause()
        app.focused.insert_text_at_cursor("customer-illness")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        assert "Scenario for this drill" in screen_text(app)
        await pilot.press("up", "enter")  # "No scenario"
        screen = await incident_screen(pilot)
        assert screen.desk.state.drill
        await pilot.press("escape")
        await pilot.pause()
        # a plan no scenario is written for: the drill starts at once
        await pilot.press("t")
        await pilot.pause()
        app.focused.insert_text_at_cursor("flood")
        await pilot.press("enter")
        await incident_screen(pilot, not_this=screen)
        await pilot.pause(0.5)
    assert [e["kind"] for e in events(db)] == ["opened", "opened"]


async def test_drill_opened_by_command_runs_its_injects_in_the_app(tmp_path: Path, capsys) -> None:
    db = tmp_path / "journal.db"
    assert main(["--db", str(db), "open", "robbery-armed", "--drill", "--scenario", "robbery-armed-drill",
                 "--at=-10m"]) == 0
    incident_id = capsys.readouterr().out.strip()
    now = datetime.now(timezone.utc).replace(microsecond=0)
    app = make_app(db, clock=FrozenClock(now.astimezone(CST), tz=CST), resume=incident_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = await incident_screen(pilot)
        await until(pilot, lambda: len(injects(db)) == 6)
        await pilot.pause(0.6)
        alerts = widget_text(screen.query_one("#alerts", Static))
        assert "INJECT +0:00" in alerts and "3 more alert(s)" in alerts
    assert [i["payload"]["n"] for i in injects(db)] == [1, 2, 3, 4, 5, 6]


async def test_injects_of_a_drill_not_on_screen_still_come(tmp_path: Path) -> None:
    db = tmp_path / "journal.db"
    clock = past_clock()
    app = make_app(db, clock=clock)
    app.bell = lambda: None
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("t")
        await pilot.pause()
        app.focused.insert_text_at_cursor("customer-illness")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        await pilot.press("enter")
        await incident_screen(pilot)
        await until(pilot, lambda: len(injects(db)) == 1)
        await pilot.press("escape")  # home: the drill is not on screen
        await pilot.pause()
        clock.advance(timedelta(seconds=41))
        await until(pilot, lambda: len(injects(db)) == 2, timeout=8)
        await pilot.pause(0.3)
        assert "INJECT" in screen_text(app) and "heart condition" in screen_text(app)
    assert [i["payload"]["n"] for i in injects(db)] == [1, 2]


async def test_hostile_inject_text_is_shown_literally(tmp_path: Path) -> None:
    own = tmp_path / "scenarios"
    own.mkdir()
    (own / "hostile.yaml").write_text(
        'id: hostile\ntitle: "[bold]x[/]"\ninjects:\n'
        '  - "+0:00 [@click=app.quit]quit[/] [/] \\e[31mred \\u202eevil"\n', encoding="utf-8")
    db = tmp_path / "journal.db"
    with Journal.open(db) as journal:
        from dutydesk.plans import load_library
        from dutydesk.scenario import attach, find_scenario

        desk = Desk.open_new(journal, load_library(), "flood", actor=OTHER, drill=True)
        attach(desk, find_scenario(str(own / "hostile.yaml")))
        incident_id = desk.id
    now = datetime.now(timezone.utc)
    app = make_app(db, clock=FrozenClock(now.astimezone(CST), tz=CST), resume=incident_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = await incident_screen(pilot)
        await until(pilot, lambda: len(injects(db)) == 1)
        await until(pilot, lambda: screen.query_one("#alerts", Static).display)
        alerts = widget_text(screen.query_one("#alerts", Static), width=300)
        assert "[@click=app.quit]quit[/] [/] \\x1b[31mred \\u202eevil" in alerts
        assert app.is_running
