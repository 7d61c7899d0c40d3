"""Durations in plan files: ``30s``, ``5m``, ``2h``, ``1h30m``, ``1d``, ``5wd``.

``wd`` counts working days (Monday to Friday), as the complaint rules do
("reply within 5 working days"); it cannot be mixed with the other units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

_PART = re.compile(r"(\d+)(d|h|m|s)")
_WHOLE = re.compile(r"(?:\d+(?:d|h|m|s))+")
_WORKDAYS = re.compile(r"(\d+)wd")
_SECONDS = {"d": 86400, "h": 3600, "m": 60, "s": 1}

FORMS = "30s, 5m, 2h, 1h30m, 1d or 5wd (working days)"


@dataclass(frozen=True, slots=True)
class Duration:
    text: str
    seconds: int = 0
    workdays: int = 0

    def after(self, start: datetime) -> datetime:
        """The moment this long after ``start`` (working days skip weekends)."""
        if not self.workdays:
            return start + timedelta(seconds=self.seconds)
        moment, left = start, self.workdays
        while left:
            moment += timedelta(days=1)
            if moment.weekday() < 5:
                left -= 1
        return moment

    def __str__(self) -> str:
        return self.text


def parse_duration(value: object) -> Duration | None:
    """The duration ``value`` spells, or None if it is not one."""
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    if m := _WORKDAYS.fullmatch(text):
        days = int(m.group(1))
        return Duration(text, workdays=days) if days else None
    if not _WHOLE.fullmatch(text):
        return None
    seconds = sum(int(n) * _SECONDS[u] for n, u in _PART.findall(text))
    return Duration(text, seconds=seconds) if seconds else None
