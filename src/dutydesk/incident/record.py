"""One journal event as the fold sees it: plain, typed, no database.

``Record.of`` reads any object with the journal's event attributes (an ``Event``
row, or a test double), parsing the payload JSON and the stored times once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any


@dataclass(frozen=True, slots=True)
class Who:
    user: str
    name: str
    role: str
    origin: str = "console"


@dataclass(frozen=True, slots=True)
class Record:
    seq: int
    kind: str
    recorded_at: datetime
    happened_at: datetime
    who: Who
    step_id: str | None = None
    payload: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, event: Any) -> Record:
        payload = event.payload
        if isinstance(payload, str):
            payload = json.loads(payload) if payload else {}
        recorded = _time(event.recorded_at)
        happened = _time(getattr(event, "happened_at", None) or event.recorded_at)
        return cls(
            seq=int(event.seq),
            kind=event.kind,
            recorded_at=recorded,
            happened_at=happened,
            who=Who(event.actor_user, event.actor_name, event.actor_role, getattr(event, "actor_origin", None) or "console"),
            step_id=event.step_id,
            payload=payload or {},
        )


    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> Record:
        """From a tuple in the journal's ``EVENT_ROW`` order (seq, kind, step_id, payload,
        recorded_at, happened_at, actor_user, actor_name, actor_role, actor_origin)."""
        seq, kind, step_id, payload, recorded, happened, user, name, role, origin = row
        recorded_at = datetime.fromisoformat(recorded)
        return cls(
            seq=seq,
            kind=kind,
            recorded_at=recorded_at,
            happened_at=recorded_at if happened == recorded else datetime.fromisoformat(happened),
            who=Who(user, name, role, origin or "console"),
            step_id=step_id,
            payload=json.loads(payload) if payload else {},
        )


def _time(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    text = str(value)
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
