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


def _time(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    text = str(value)
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
