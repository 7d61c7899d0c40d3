"""A write that fails is shown as NOT LOGGED, nothing is written, and the action stays pending.

Principle 1: the screen never shows as logged what the journal did not commit.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from textual.widgets import Static

from dutydesk.desk import Desk
from dutydesk.journal.actor import Actor
from dutydesk.journal.api import Journal
from dutydesk.plans import load_library
from dutydesk.tui.widgets.timeline import Timeline

from .helpers import events, incident_screen, make_app, ready, type_text, widget_text


def open_incident(db: Path) -> str:
    with Journal.open(db) as journal:
        desk = Desk.open_new(journal, load_library(), "robbery-hostage-armed",
                             actor=Actor.from_environment(name="王芳", role="supervisor"))
        desk.done("stall")
        return desk.id


def alert_text(screen) -> str:  # noqa: ANN001
    box = screen.query_one("#alerts", Static)
    return widget_text(box) if box.display else ""


async def test_read_only_journal_shows_not_logged_and_keeps_the_action(tmp_path: Path) -> None:
    db = tmp_path / "journal.db"
    incident_id = open_incident(db)
    before = events(db)
    app = make_app(db, resume=incident_id, journal_factory=lambda: Journal.open(db, readonly=True))
    rings: list[int] = []
    app.bell = lambda: rings.append(1)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = await incident_screen(pilot)
        assert screen.desk.state.current == "alarm"
        await pilot.press("d")
        await pilot.pause()
        text = alert_text(screen)
        assert "NOT LOGGED" in text and "read-only" in text and "r retry" in text
        assert rings == [1]
        # nothing shown as done, nothing in the timeline, the action is pending
        assert screen.desk.state.steps["alarm"].status == "pending"
        assert len(screen.query_one(Timeline).records) == len(before)
        assert screen.pending is not None
        assert screen.check_action("retry", ()) is True
        await pilot.press("r")  # still read-only: still not logged, still pending
        await pilot.pause()
        assert "NOT LOGGED" in alert_text(screen) and screen.pending is not None
        # the alert stays until dismissed
        await pilot.pause(0.5)
        assert "NOT LOGGED" in alert_text(screen)
        await pilot.press("a")
        await pilot.pause()
        assert alert_text(screen) == "" and screen.pending is None
    assert events(db) == before


async def test_full_disk_shows_not_logged_then_retry_logs_once(tmp_path: Path) -> None:
    db = tmp_path / "journal.db"
    incident_id = open_incident(db)
    conn = sqlite3.connect(db)  # cap the file at the pages it has now
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    before = events(db)
    full = {"on": True}

    def factory() -> Journal:
        return Journal.open(db, max_pages=pages) if full["on"] else Journal.open(db)

    app = make_app(db, resume=incident_id, journal_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = await incident_screen(pilot)
        await pilot.press("n")
        await type_text(pilot, "x" * 19_000)  # needs new pages: the disk is "full"
        await pilot.press("enter")
        await pilot.pause()
        assert "NOT LOGGED" in alert_text(screen)
        assert "full" in alert_text(screen)
        assert events(db) == before
        assert not [r for r in screen.desk.state.records if r.kind == "note"]
        # space is freed (a journal without the cap); r logs the pending note, once
        screen.desk.journal = Journal.open(db)
        await pilot.press("r")
        await pilot.pause()
        assert alert_text(screen) == ""
        notes = [e for e in events(db) if e["kind"] == "note"]
        assert len(notes) == 1 and len(notes[0]["payload"]) > 19_000
        screen.desk.journal.close()


async def test_refused_action_writes_nothing_and_says_why(tmp_path: Path) -> None:
    """Another desk marked the step done before this one polled: the desk refuses, nothing written."""
    db = tmp_path / "journal.db"
    incident_id = open_incident(db)
    app = make_app(db, resume=incident_id, poll_interval=3600)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = await incident_screen(pilot)
        with Journal.open(db) as other_journal:
            other = Desk(other_journal, other_journal.incident(incident_id),
                         Actor.from_environment(name="李强", role="duty-leader"))
            other.done("alarm")
        before = events(db)
        shown: list[str] = []
        screen.notify = lambda message, **kw: shown.append(message)  # type: ignore[method-assign]
        await pilot.press("d")
        await pilot.pause()
        assert events(db) == before
        assert shown and "already done" in shown[0] and "李强" in shown[0]
        # the other desk's event is now on screen, and the step shows as done by 李强
        assert screen.desk.state.steps["alarm"].by.name == "李强"
        assert screen.query_one(Timeline).records[-1].who.name == "李强"
