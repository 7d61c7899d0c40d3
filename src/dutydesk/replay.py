"""Replay: an incident's recorded events against the plan snapshot it ran with, at any moment.

``Replay.open(path, ref)`` opens the journal READ-ONLY (``Journal.open(path,
readonly=True)``), reads the incident's events once, and folds the first *k* of
them: at position *k* the state is exactly what a desk had folded once event *k*
was on its screen (the live desk and the replay share :func:`dutydesk.incident.fold`).
Stepping forward folds one more record into the same state; stepping back, or
jumping, folds the first *k* again from scratch (a few milliseconds even for
10,000 events, see ``benchmarks/bench_replay.py``).

Time on the replay's clock: each event is placed at the moment the desk showed it.
A desk on the system clock stamps ``recorded_at`` when it writes, so that is the
moment; a desk whose clock was set (a test, the demo) stamped ``happened_at``
with every action, and ``recorded_at`` says nothing about the desk's screen. Which
of the two an incident used is read from the events themselves (their typical
gap); the moments never go backwards, so an event logged later with an earlier
time (``t``) shows when it was logged, where the desk saw it.

No Textual here: ``dutydesk replay --print`` and the benchmark use it directly.
"""

from __future__ import annotations

import re
import statistics
from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dutydesk.incident import Folder, IncidentState, Record, fold
from dutydesk.plans.snapshot import plan_from_snapshot

if TYPE_CHECKING:
    from dutydesk.journal.api import Journal
    from dutydesk.journal.models import Incident
    from dutydesk.plans import Contact, Plan, Role

#: a desk on the system clock writes within this of the time it stamps
SYSTEM_CLOCK_GAP = timedelta(seconds=2)

_SEQ = re.compile(r"^#?\s*(\d+)$")
_ELAPSED = re.compile(r"^\+\s*(?:(\d+):)?(\d+):(\d{2})$")
_ELAPSED_UNITS = re.compile(r"^\+\s*((?:\d+\s*[hms]\s*)+)$")
_PART = re.compile(r"(\d+)\s*([hms])")
_UNITS = {"h": 3600, "m": 60, "s": 1}


class ReplayTargetError(ValueError):
    """A jump target that cannot be read."""


@dataclass(frozen=True, slots=True)
class Target:
    """Where to jump: an event number, or a moment (aware, UTC)."""

    seq: int | None = None
    moment: datetime | None = None


class Replay:
    def __init__(self, incident: Incident, records: list[Record], *, journal: Journal | None = None):
        self.incident = incident
        self.journal = journal  # read-only; kept so the replay can say so (and close it)
        self.plan: Plan
        self.roles: dict[str, Role]
        self.contacts: dict[str, Contact]
        self.plan, self.roles, self.contacts = plan_from_snapshot(incident.plan_snapshot)
        if not records:
            from dutydesk.journal.errors import DatabaseCorrupt

            raise DatabaseCorrupt(f"incident {incident.id} has no events (its 'opened' event is missing)")
        self.records = records
        self.moments = _moments(records)
        self._folder = Folder(self.plan)
        self.position = 0
        self.seek(len(records))

    # -- opening ----------------------------------------------------------------------------

    @classmethod
    def load(cls, journal: Journal, ref: str) -> Replay:
        """The incident ``ref`` (id, unique prefix or ``last``) of an open journal."""
        incident = journal.incident(ref)
        records = [Record.from_row(row) for row in journal.event_rows(incident.id)]
        return cls(incident, records, journal=journal)

    @classmethod
    def open(cls, path: Path | str | None, ref: str) -> Replay:
        """Open the journal at ``path`` read-only and load ``ref``; :meth:`close` when done."""
        from dutydesk.journal.api import Journal

        journal = Journal.open(path, readonly=True)
        try:
            return cls.load(journal, ref)
        except BaseException:
            journal.close()
            raise

    def close(self) -> None:
        if self.journal is not None:
            self.journal.close()

    @property
    def readonly(self) -> bool:
        return self.journal is None or self.journal.readonly

    # -- moving -----------------------------------------------------------------------------

    @property
    def total(self) -> int:
        return len(self.records)

    @property
    def state(self) -> IncidentState:
        return self._folder.state

    @property
    def record(self) -> Record:
        """The newest event on the desk at this position."""
        return self.records[self.position - 1]

    @property
    def moment(self) -> datetime:
        """When the desk showed the event at this position."""
        return self.moments[self.position - 1]

    def seek(self, position: int) -> IncidentState:
        """The state once the first ``position`` events were on the desk (at least the opening)."""
        position = max(1, min(self.total, int(position)))
        if position > self.position:
            self._folder.apply_all(self.records[self.position:position])
        elif position < self.position:
            self._folder = Folder(self.plan)
            self._folder.apply_all(self.records[:position])
        self.position = position
        return self.state

    def step(self, delta: int) -> IncidentState:
        return self.seek(self.position + delta)

    def position_at(self, moment: datetime) -> int:
        """How many events were on the desk at ``moment`` (at least the opening)."""
        return max(1, bisect_right(self.moments, moment))

    def state_at(self, position: int) -> IncidentState:
        """The fold of the first ``position`` events, without moving (a fresh state)."""
        return fold(self.plan, self.records[:max(1, min(self.total, position))])

    # -- reading a jump target ------------------------------------------------------------

    def target(self, text: str, tz: Any = None) -> Target:
        """``#57`` or ``57`` (an event), ``+5:00`` / ``+1:02:03`` / ``+5m`` (from the opening),
        ``10:03`` / ``10:03:21`` / ``2025-03-14 10:03`` (local time), ``start`` or ``end``."""
        from dutydesk.whenparse import TimeError, parse_when

        value = text.strip().lower()
        if value in ("start", "begin", "开始", "0"):
            return Target(seq=1)
        if value in ("end", "last", "结束"):
            return Target(seq=self.total)
        if m := _SEQ.match(value):
            return Target(seq=int(m.group(1)))
        opened = self.state_at(1).opened_at or self.moments[0]
        if m := _ELAPSED.match(value):
            hours, minutes, seconds = int(m.group(1) or 0), int(m.group(2)), int(m.group(3))
            if seconds > 59:
                raise ReplayTargetError(text)
            return Target(moment=opened + timedelta(hours=hours, minutes=minutes, seconds=seconds))
        if m := _ELAPSED_UNITS.match(value):
            seconds = sum(int(n) * _UNITS[u] for n, u in _PART.findall(m.group(1)))
            return Target(moment=opened + timedelta(seconds=seconds))
        last = self.moments[-1].astimezone(tz) if tz is not None else self.moments[-1].astimezone()
        try:
            moment = parse_when(value, last + timedelta(seconds=1))
        except TimeError:
            raise ReplayTargetError(text) from None
        return Target(moment=moment.astimezone(timezone.utc))

    def resolve(self, target: Target) -> tuple[int, datetime]:
        """(position, the moment on the replay's clock) for a target."""
        if target.seq is not None:
            position = max(1, min(self.total, self._position_of_seq(target.seq)))
            return position, self.moments[position - 1]
        assert target.moment is not None
        moment = max(target.moment, self.moments[0])
        return self.position_at(moment), moment

    def _position_of_seq(self, seq: int) -> int:
        """Position of event number ``seq`` (they are 1..n, but a gap must not mislead)."""
        if 1 <= seq <= self.total and self.records[seq - 1].seq == seq:
            return seq
        return bisect_right([r.seq for r in self.records], seq)

    # -- what is on the desk ---------------------------------------------------------------

    @property
    def actor_name(self) -> str:
        """Who wrote the newest event at this position (the operator the desk showed)."""
        return self.record.who.name


def _moments(records: list[Record]) -> list[datetime]:
    """When each record was on the desk; never earlier than the one before it.

    On the system clock that is ``recorded_at``. A desk whose clock was set stamped
    ``happened_at`` itself, far from ``recorded_at``; an event it let the journal stamp
    (``happened_at`` = ``recorded_at``) is in another frame of time and is placed
    right after the event before it.
    """
    if not records:
        return []
    gaps = [abs(r.recorded_at - r.happened_at) for r in records]
    system_clock = statistics.median_low(gaps) <= SYSTEM_CLOCK_GAP
    out: list[datetime] = []
    latest: datetime | None = None
    for record, gap in zip(records, gaps, strict=True):
        if system_clock:
            moment = record.recorded_at
        elif gap > SYSTEM_CLOCK_GAP or latest is None:
            moment = record.happened_at
        else:
            moment = latest
        latest = moment if latest is None or moment > latest else latest
        out.append(latest)
    return out
