"""Replay: the incident screen driven by the recorded events, read-only.

A drill is run live in the app (keys, a frozen clock moved by the test, a
scenario's injects, a timer, a retraction, an amended time); every state the live
desk folded is kept. The replay, opened from the home screen's past list, must
show that same state at each event, stepping back from the end to the opening
and forward again; and it must refuse to write.
"""

from __future__ import annotations

import copy
import hashlib
import os
import stat
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import OptionList, Static

from dutydesk.cli import main
from dutydesk.desk import Desk
from dutydesk.journal import DatabaseReadOnly, kinds
from dutydesk.tui.screens.form import FormScreen
from dutydesk.tui.screens.home import HomeScreen
from dutydesk.tui.screens.replay import ReplayScreen
from dutydesk.tui.screens.review import ReviewScreen
from dutydesk.tui.widgets.checklist import Checklist, status_mark
from dutydesk.tui.widgets.timeline import Timeline

from .helpers import events, incident_screen, make_app, past_clock, ready, screen_text, type_text, until, widget_text


@pytest.fixture
def live_states(monkeypatch: pytest.MonkeyPatch) -> dict[int, Any]:
    """Every state a live desk folded, by the number of its newest event (a copy taken on each look)."""
    seen: dict[int, Any] = {}
    original = Desk.refresh

    def refresh(self: Desk) -> Any:
        new = original(self)
        if new or self.state.last_seq not in seen:
            seen[self.state.last_seq] = copy.deepcopy(self.state)
        return new

    monkeypatch.setattr(Desk, "refresh", refresh)
    return seen


async def run_drill(pilot: Any, clock: Any) -> str:
    """A robbery drill with its scenario, by keys; returns its id once closed."""
    app = pilot.app

    async def key(*keys: str, advance: int = 5) -> None:
        clock.advance(timedelta(seconds=advance))
        await pilot.press(*keys)
        await pilot.pause()

    def injects() -> int:
        return sum(1 for r in app.screen.desk.state.records if r.kind == kinds.INJECT)

    await pilot.press("t")
    await pilot.pause()
    app.focused.insert_text_at_cursor("robbery-armed")
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, FormScreen))
    await pilot.press("enter")                      # the robbery scenario
    screen = await incident_screen(pilot)
    await until(pilot, lambda: injects() == 1)      # +0:00
    await key("d", advance=20)                      # alarm-110
    await key("d")                                  # scare-alarm
    await key("n")
    await type_text(pilot, "歹徒一人 [持枪] 蓝色外套")
    await key("enter", advance=0)
    await key("d")                                  # take-cover
    clock.advance(timedelta(seconds=30))
    await until(pilot, lambda: injects() == 2)      # +1:00
    await key("a")                                  # acknowledge the oldest inject
    await key("d")                                  # secure-cash
    await key("d")                                  # evacuate
    # retract the note, then correct the time of take-cover: Tab to the timeline, select, x / t
    await pilot.press("tab")
    timeline = screen.query_one(Timeline)
    note = next(r.seq for r in screen.desk.state.records if r.kind == kinds.NOTE and "text" in r.payload
                and "scenario" not in r.payload)
    timeline.select_seq(note)
    await key("x")
    await type_text(pilot, "wrong robber")
    await key("enter", advance=0)
    cover = next(r.seq for r in screen.desk.state.records if r.step_id == "take-cover")
    timeline.select_seq(cover)
    await key("t")
    await type_text(pilot, "-50s")
    await pilot.press("enter")
    await type_text(pilot, "typed late")
    await key("enter", advance=0)
    await pilot.press("escape")                     # back to the checklist
    await key("1", advance=30)                      # fled
    await key("d")                                  # no-chase
    await key("1")                                  # injured: yes → the 2-hour report timer starts
    clock.advance(timedelta(hours=2, seconds=5))    # the timer and the last injects come due
    await until(pilot, lambda: screen.desk.state.timers["report-up"].fired_seq is not None and injects() == 6)
    await pilot.pause(0.5)
    await key("a")
    await key("d")                                  # call-120
    await key("d")                                  # report-up
    await key("e")
    await type_text(pilot, "drill over")
    await key("enter", advance=0)
    assert screen.desk.state.closed_at is not None
    return screen.desk.id


def marks(screen: Any) -> list[str]:
    state = screen.state
    return [status_mark(state, s.id) for s in state.plan.steps]


async def test_replay_matches_the_live_desk_at_every_event(tmp_path: Path, live_states: dict[int, Any]) -> None:
    db = tmp_path / "journal.db"
    clock = past_clock(hours=4)
    app = make_app(db, clock=clock)
    app.bell = lambda: None
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        incident_id = await run_drill(pilot, clock)
        total = len(events(db, incident_id))
        kinds_logged = {e["kind"] for e in events(db, incident_id)}
        assert {"inject", "timer_fired", "retracted", "amended", "acknowledged", "choice_made"} <= kinds_logged
        assert set(live_states) == set(range(1, total + 1))  # the live desk showed every event on its own

        # from the home screen's past drills: p replays the highlighted one
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen))
        listing = app.screen.query_one(OptionList)
        listing.highlighted = listing.get_option_index(f"inc:{incident_id}")
        await pilot.pause()
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, ReplayScreen))
        screen = app.screen
        await pilot.pause()
        assert screen.replay.journal.readonly
        assert "READ-ONLY" in screen_text(app)
        assert screen.position == total and screen.state == live_states[total]

        seen_alerts = set()
        for position in range(total - 1, 0, -1):   # back to the opening, one event at a time
            await pilot.press("left")
            assert screen.position == position
            assert screen.state == live_states[position], position
            assert len(screen.query_one(Timeline).records) == position
            assert marks(screen) == [status_mark(live_states[position], s.id) for s in screen.state.plan.steps]
            seen_alerts.add(widget_text(screen.query_one("#alerts", Static)).split(" ", 2)[1]
                            if screen.query_one("#alerts", Static).display else "")
        assert {"INJECT", "DUE:"} <= seen_alerts
        await pilot.press("left")                   # nothing before the opening
        assert screen.position == 1
        for position in range(2, total + 1):        # and forward again to the end
            await pilot.press("right")
            assert screen.state == live_states[position], position
            assert screen.query_one(Checklist).row_count == len(screen.state.plan.steps)
        assert "closed" in screen_text(app).lower() or "CLOSED" in screen_text(app)


async def test_play_speed_and_jump(tmp_path: Path) -> None:
    db = tmp_path / "journal.db"
    clock = past_clock(hours=4)
    app = make_app(db, clock=clock)
    app.bell = lambda: None
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        incident_id = await run_drill(pilot, clock)
        from dutydesk.tui.screens.replay import SPEEDS, open_replay

        screen = open_replay(app, incident_id, position=1)
        await until(pilot, lambda: app.screen is screen)
        replay = screen.replay
        now = [1000.0]
        screen.monotonic = lambda: now[0]
        await pilot.pause()
        assert screen.position == 1

        # 1x: the replay's clock runs with real time, events come at their moments
        await pilot.press("space")
        assert screen.playing
        now[0] += 21
        screen.tick()
        assert screen.position == replay.position_at(replay.moments[0] + timedelta(seconds=21))
        assert screen.clock.now() == replay.moments[0] + timedelta(seconds=21)
        assert 1 < screen.position < 6
        # 10x
        await pilot.press("plus", "plus", "plus")
        assert SPEEDS[screen.speed] == 10
        before = screen.clock.now()
        now[0] += 3
        screen.tick()
        assert screen.clock.now() == before + timedelta(seconds=30)
        await pilot.press("space")                   # pause: the clock stands
        now[0] += 100
        screen.tick()
        assert screen.clock.now() == before + timedelta(seconds=30) and not screen.playing
        # max: event after event, to the end, then it stops
        await pilot.press("plus")
        assert SPEEDS[screen.speed] is None
        await pilot.press("space")
        for _ in range(len(replay.records)):
            screen.tick()
        assert screen.position == replay.total and not screen.playing
        await pilot.press("minus")
        assert SPEEDS[screen.speed] == 10

        # jump to an event, to a time from the opening, to a clock time; a bad one is refused
        await pilot.press("j")
        await type_text(pilot, "#7")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.position == 7 and screen.replay.record.seq == 7
        await pilot.press("j")
        await type_text(pilot, "+0:01:30")
        await pilot.press("enter")
        await pilot.pause()
        opened = replay.records[0].happened_at
        assert screen.position == replay.position_at(opened + timedelta(seconds=90))
        assert screen.clock.now() == opened + timedelta(seconds=90)
        target = replay.moments[9]  # the 10th event's moment, a whole second on the test's clock
        assert target.microsecond == 0
        await pilot.press("j")
        await type_text(pilot, screen.clock.local(target).strftime("%H:%M:%S"))
        await pilot.press("enter")
        await pilot.pause()
        assert screen.position == replay.position_at(target) >= 10 and screen.clock.now() == target
        await pilot.press("j")
        await type_text(pilot, "soon")
        await pilot.press("enter")
        await pilot.pause()
        assert "Cannot read: soon" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert screen.position == replay.position_at(target) and isinstance(app.screen, ReplayScreen)

        # v: the after-action review of the incident replayed
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        assert "After-action review" in screen_text(app) and "Press the networked 110 alarm" in screen_text(app)


async def test_replay_refuses_to_write(tmp_path: Path) -> None:
    db = tmp_path / "journal.db"
    clock = past_clock(hours=4)
    app = make_app(db, clock=clock)
    app.bell = lambda: None
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("t")
        await pilot.pause()
        app.focused.insert_text_at_cursor("customer-illness")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        await pilot.press("up", "enter")  # no scenario
        desk_screen = await incident_screen(pilot)
        await pilot.press("d")
        await pilot.pause()
        incident_id = desk_screen.desk.id
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen))
        before = events(db)

        from dutydesk.tui.screens.replay import open_replay

        screen = open_replay(app, incident_id)  # an open drill may be replayed too
        await until(pilot, lambda: app.screen is screen)
        for keys in ("d", "s", "n", "a", "x", "e", "1"):
            await pilot.press(keys)
            await pilot.pause()
            assert isinstance(app.screen, ReplayScreen)
        assert any("read-only" in str(n.message) for n in app._notifications)
        with pytest.raises(DatabaseReadOnly):
            screen.replay.journal.append(incident_id, kinds.NOTE, actor=app.actor, payload={"text": "x"})
        clock.advance(timedelta(minutes=30))
        await pilot.pause(0.5)
    assert events(db) == before


def test_replay_print_on_a_read_only_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "journal.db"
    assert main(["--db", str(db), "open", "robbery-armed", "--drill", "--scenario", "robbery-armed-drill",
                 "--at=-10m"]) == 0
    incident_id = capsys.readouterr().out.strip()
    for step in ("alarm-110", "scare-alarm"):
        assert main(["--db", str(db), "log", incident_id, "--done", step]) == 0
    assert main(["--db", str(db), "log", incident_id, "--note", "[bold]not markup[/bold] \x1b[31m"]) == 0
    capsys.readouterr()
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    os.chmod(db, stat.S_IRUSR)
    try:
        assert main(["--db", str(db), "--lang", "en", "replay", incident_id, "--print", "--at", "#2"]) == 0
        out = capsys.readouterr().out
        assert "REPLAY (read-only)" in out and "event 2/5" in out
        assert "▶   1. Press the networked 110 alarm now" in out and "Scenario:" in out
        assert main(["--db", str(db), "--lang", "en", "replay", incident_id, "--print", "--at", "3"]) == 0
        out = capsys.readouterr().out
        assert "event 3/5" in out and "✓   1. Press the networked 110 alarm now" in out
        assert main(["--db", str(db), "--lang", "en", "replay", incident_id, "--print"]) == 0
        out = capsys.readouterr().out
        assert "event 5/5" in out and "[bold]not markup[/bold] \\x1b[31m" in out
        assert main(["--db", str(db), "replay", incident_id, "--print", "--at", "whenever"]) == 2
        assert "cannot read 'whenever'" in capsys.readouterr().err
        assert main(["--db", str(db), "replay", incident_id, "--print", "--json", "--at", "+0:00"]) == 0
        assert '"event": 1' in capsys.readouterr().out
    finally:
        os.chmod(db, stat.S_IRUSR | stat.S_IWUSR)
    assert hashlib.sha256(db.read_bytes()).hexdigest() == digest
    # and --print never loads Textual
    import subprocess
    import sys

    code = (
        "import sys; from dutydesk.cli import main; "
        f"assert main(['--db', {str(db)!r}, 'replay', {incident_id!r}, '--print']) == 0; "
        "assert not [m for m in sys.modules if m.split('.')[0] == 'textual'], 'textual imported'"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
