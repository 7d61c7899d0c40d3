"""Read the time a person types for "when it really happened".

Accepted: ``10:02`` or ``10:02:30`` (local time today), ``2026-11-23 10:02``
(local), or ISO-8601 with a zone (``2026-11-23T02:02:00Z``, ``…+08:00``).
A time later than now is refused: an action cannot have happened in the future.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")


class WhenError(ValueError):
    pass


def parse_when(text: str, now: datetime | None = None) -> datetime:
    """The UTC moment ``text`` names (see module doc)."""
    now = now or datetime.now(timezone.utc)
    value = text.strip()
    if m := _CLOCK.fullmatch(value):
        hour, minute, second = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
        if hour > 23 or minute > 59 or second > 59:
            raise WhenError(f"'{text}' is not a time of day")
        local_now = now.astimezone()
        moment = local_now.replace(hour=hour, minute=minute, second=second, microsecond=0)
    else:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise WhenError(f"'{text}' is not a time: write 10:02, 2026-11-23 10:02 or an ISO time") from None
        if moment.tzinfo is None:
            moment = moment.astimezone()  # local wall-clock time
    moment = moment.astimezone(timezone.utc)
    if moment > now:
        raise WhenError(f"{text} is later than now; an action cannot have happened in the future")
    return moment
