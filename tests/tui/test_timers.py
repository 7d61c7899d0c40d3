"""A timer coming due: the bell rings, an alert stays until acknowledged, both are logged."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from textual.widgets import Static

from dutydesk.tui.messages import StartIncident

from .helpers import events, incident_screen, make_app, past_clock, ready, until, widget_text


async def test_due_timer_rings_stays_and_is_logged(tmp_path: Path) -> None:
    db = tmp_path / "journal.db"
    clock = past_clock(hours=4)
    app = make_app(db, clock=clock)
    rings: list[int] = []
    app.bell = lambda: rings.append(1)  # headless apps have no terminal to ring
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        app.post_message(StartIncident("robbery-hostage-armed"))
        screen = await incident_screen(pilot)
        for _ in range(6):
            await pilot.press("d")
        await pilot.press("1")  # injured: yes; the 2-hour report timer starts now
        await pilot.pause()
        timer = screen.desk.state.timers["report-up"]
        assert timer.running and timer.due_at == clock.now() + timedelta(hours=2)

        clock.advance(timedelta(hours=1, minutes=59, seconds=59))
        await pilot.pause(0.5)
        assert not rings and timer.fired_seq is None

        clock.advance(timedelta(seconds=2))
        await until(pilot, lambda: screen.desk.state.timers["report-up"].fired_seq is not None)
        await pilot.pause(0.5)  # more polls: it rings once, and is logged once
        assert rings == [1] and screen.bells == 1
        alerts = screen.query_one("#alerts", Static)
        assert alerts.display and "DUE" in widget_text(alerts)
        fired = [e for e in events(db) if e["kind"] == "timer_fired"]
        assert [e["step_id"] for e in fired] == ["report-up"]

        # the alert stays until acknowledged, also across a restart of the screen
        await pilot.press("escape")
        app.open_incident(screen.desk.id)
        screen = await incident_screen(pilot, not_this=screen)
        assert screen.query_one("#alerts", Static).display
        await pilot.press("a")
        await pilot.pause()
        assert not screen.query_one("#alerts", Static).display
        acks = [e for e in events(db) if e["kind"] == "acknowledged"]
        assert len(acks) == 1 and f'"seq":{fired[0]["seq"]}' in acks[0]["payload"]
        assert rings == [1]  # reopening does not ring again
