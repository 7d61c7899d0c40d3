"""Small messages the screens post; the app decides what they mean."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class StartIncident(Message):
    """Open a new incident (or drill) on this plan."""

    plan_id: str
    drill: bool = False
    scenario: str | None = None  # a drill's scenario file (path), logged with it


@dataclass
class OpenIncident(Message):
    """Resume (or read) an incident by id, unique prefix or "last"."""

    ref: str
