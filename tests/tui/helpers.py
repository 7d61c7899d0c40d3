"""Driving the real app in tests: a frozen clock, a real journal file, the bundled plans."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from dutydesk.tui.app import DutyDeskApp
from dutydesk.tui.clock import FrozenClock

CST = timezone(timedelta(hours=8))
OPERATOR = ("王芳", "supervisor")


def past_clock(hours: float = 3) -> FrozenClock:
    """A clock some hours in the past (the journal refuses future times), whole minutes, UTC+8."""
    moment = (datetime.now(timezone.utc) - timedelta(hours=hours)).replace(second=0, microsecond=0)
    return FrozenClock(moment.astimezone(CST), tz=CST)


def make_app(db: Path, *, clock: FrozenClock | None = None, lang: str = "en", **kwargs: Any) -> DutyDeskApp:
    kwargs.setdefault("operator", OPERATOR)
    kwargs.setdefault("poll_interval", 0.2)
    return DutyDeskApp(db=db, lang=lang, clock=clock or past_clock(), blink=False, **kwargs)


async def ready(pilot: Any, timeout: float = 10.0) -> None:
    """Wait until the plans and the journal are loaded (they load in a thread)."""
    app = pilot.app
    waited = 0.0
    while (app.journal is None or app.library is None or app.actor is None) and waited < timeout:
        await pilot.pause(0.05)
        waited += 0.05
    assert app.journal is not None, app.journal_error
    await pilot.pause()


async def until(pilot: Any, predicate: Any, timeout: float = 5.0) -> None:
    waited = 0.0
    while not predicate() and waited < timeout:
        await pilot.pause(0.05)
        waited += 0.05
    assert predicate()


async def type_text(pilot: Any, text: str) -> None:
    """Type into the focused input (any characters, Chinese and brackets included)."""
    from textual.widgets import Input

    widget = pilot.app.focused
    assert isinstance(widget, Input), widget
    widget.insert_text_at_cursor(text)
    await pilot.pause()


def events(db: Path, incident_id: str | None = None) -> list[dict[str, Any]]:
    """The events as stored (read with plain sqlite3, not through the app)."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        if incident_id is None:
            rows = conn.execute("SELECT * FROM events ORDER BY incident_id, seq").fetchall()
        else:
            rows = conn.execute("SELECT * FROM events WHERE incident_id = ? ORDER BY seq", (incident_id,)).fetchall()
        return [dict(r) for r in rows]
    finally:
        conn.close()


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


async def incident_screen(pilot: Any, not_this: Any = None) -> Any:
    """Wait for an incident screen (other than ``not_this``) to be on top and drawn; return it."""
    from dutydesk.tui.screens.incident import IncidentScreen
    from dutydesk.tui.widgets.checklist import Checklist

    def shown() -> bool:
        screen = pilot.app.screen
        return isinstance(screen, IncidentScreen) and screen is not not_this and bool(screen.query(Checklist))

    await until(pilot, shown)
    await pilot.pause()
    return pilot.app.screen


def widget_text(widget: Any, width: int = 200) -> str:
    """The plain text a Static shows (its content rendered by Rich, without styles)."""
    import io

    from rich.console import Console

    console = Console(width=width, file=io.StringIO(), color_system=None, legacy_windows=False)
    with console.capture() as capture:
        console.print(widget.content)
    return capture.get()


def screen_text(app: Any) -> str:
    """What the screen shows, as plain text (from the app's own SVG screenshot)."""
    import html
    import re

    svg = app.export_screenshot()
    lines: dict[int, list[str]] = {}
    for line, text in re.findall(r'clip-path="url\(#[\w-]*line-(\d+)\)">(.*?)</text>', svg):
        lines.setdefault(int(line), []).append(html.unescape(text).replace("\xa0", " "))
    return "\n".join("".join(parts) for _, parts in sorted(lines.items()))
