"""The app's idea of "now": the system clock, or one a test sets.

Everything on screen that depends on the time (elapsed, timers, "10:02" typed by
the operator) asks the app's ``Clock``. A test or a snapshot injects a
``FrozenClock`` and a fixed time zone, so the screen is the same on every run.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone, tzinfo


class Clock:
    """The system clock, shown in the system's local time zone (or ``tz``)."""

    #: the journal stamps recorded_at itself; an explicit happened_at is sent only
    #: for a clock that is not the system's (tests), or a time the operator typed
    system = True

    def __init__(self, tz: tzinfo | None = None):
        self.tz = tz

    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def stamp(self) -> datetime | None:
        """The happened_at to send with an action: None lets the journal use its commit time."""
        return None if self.system else self.now()

    def local(self, moment: datetime) -> datetime:
        """``moment`` in the local time zone shown on screen."""
        return moment.astimezone(self.tz) if self.tz is not None else moment.astimezone()

    def local_now(self) -> datetime:
        return self.local(self.now())


class FrozenClock(Clock):
    """A clock that stands still until told otherwise (tests, snapshots, screenshots)."""

    system = False

    def __init__(self, moment: datetime, tz: tzinfo | None = timezone(timedelta(hours=8))):
        super().__init__(tz)
        if moment.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        self.moment = moment

    def now(self) -> datetime:
        return self.moment.astimezone(timezone.utc)

    def set(self, moment: datetime) -> None:
        self.moment = moment

    def advance(self, delta: timedelta) -> None:
        self.moment = self.moment + delta
