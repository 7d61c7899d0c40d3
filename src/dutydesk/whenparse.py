"""Read the time a person types for when something really happened.

"10:02", "10:02:30", "1002", "-7m", "2025-03-14 10:02", or ISO-8601 with a zone.
Local clock times are taken on the day of ``now`` (local); a time later than
now means yesterday (the incident started before midnight). ``-7m`` / ``-1h30m``
count back from now. Used by the app and by ``dutydesk log --at``.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

_CLOCK = re.compile(r"^(\d{1,2})[:：.](\d{2})(?:[:：.](\d{2}))?$")
_COMPACT = re.compile(r"^(\d{2})(\d{2})$")
_AGO = re.compile(r"^-\s*((?:\d+\s*[hms]\s*)+)$")
_PART = re.compile(r"(\d+)\s*([hms])")
_SECONDS = {"h": 3600, "m": 60, "s": 1}


class TimeError(ValueError):
    """The text is not a time we can read."""


def parse_when(text: str, now_local: datetime) -> datetime:
    """The moment ``text`` names, as an aware local datetime (``now_local``'s zone)."""
    value = text.strip().lower()
    if not value:
        raise TimeError("empty")
    if m := _AGO.match(value):
        seconds = sum(int(n) * _SECONDS[u] for n, u in _PART.findall(m.group(1)))
        return now_local - timedelta(seconds=seconds)
    m = _CLOCK.match(value) or _COMPACT.match(value)
    if m:
        hour, minute = int(m.group(1)), int(m.group(2))
        second = int(m.group(3)) if m.lastindex and m.lastindex >= 3 and m.group(3) else 0
        if hour > 23 or minute > 59 or second > 59:
            raise TimeError(f"no such time {text.strip()}")
        moment = now_local.replace(hour=hour, minute=minute, second=second, microsecond=0)
        if moment > now_local + timedelta(seconds=1):
            moment -= timedelta(days=1)
        return moment
    try:
        moment = datetime.fromisoformat(value.replace("t", " ").replace("z", "+00:00"))
    except ValueError:
        raise TimeError(f"cannot read {text.strip()!r} as a time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=now_local.tzinfo)
    return moment


def parse_when_utc(text: str, now: datetime | None = None) -> datetime:
    """The UTC moment ``text`` names; refused if it is later than ``now``."""
    from datetime import timezone

    now = now or datetime.now(timezone.utc)
    moment = parse_when(text, now.astimezone()).astimezone(timezone.utc)
    if moment > now + timedelta(seconds=1):
        raise TimeError(f"{text.strip()} is later than now; an action cannot have happened in the future")
    return moment
