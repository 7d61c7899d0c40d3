"""Untrusted text made safe for the screen, and the app's time formats.

Every note, name and plan text reaches a widget as a ``rich.text.Text`` built
from ``safetext.clean``: never markup, never a control sequence.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from rich.text import Text

from dutydesk.safetext import clean


def safe(value: object, style: str = "", *, limit: int | None = None) -> Text:
    """Untrusted ``value`` as literal ``Text`` (controls shown escaped)."""
    return Text(clean(value, limit=limit), style=style)


def line(*parts: Text | str | tuple[str, str]) -> Text:
    """Join trusted strings, (string, style) pairs and ``Text`` parts into one ``Text``."""
    out = Text()
    for part in parts:
        if isinstance(part, Text):
            out.append_text(part)
        elif isinstance(part, tuple):
            out.append(part[0], style=part[1])
        else:
            out.append(part)
    return out


def hms(moment: datetime) -> str:
    return moment.strftime("%H:%M:%S")


def hm(moment: datetime) -> str:
    return moment.strftime("%H:%M")


def elapsed(delta: timedelta) -> str:
    """``+0:07:12``, ``+1:02:03``, ``+2d 3:04:05``; negative deltas show ``-``."""
    seconds = int(delta.total_seconds())
    sign = "+" if seconds >= 0 else "-"
    seconds = abs(seconds)
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    body = f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{sign}{days}d {body}" if days else f"{sign}{body}"


def countdown(delta: timedelta) -> str:
    """A timer's remaining time: ``1:59:58`` or ``4:05`` (no sign)."""
    seconds = max(0, int(delta.total_seconds()))
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
