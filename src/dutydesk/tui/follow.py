"""The home list kept up to date from the journal, whoever writes to it (issue 7).

Every desk on one journal polls it: the incident screen folds the events of its
incident after its last sequence number (``Desk.refresh``); the home list follows
*every* incident the same way, by the journal's event row id: each poll reads
the events written after the last one it saw (``Journal.changes``, one indexed
range read, nothing when nothing happened) and fetches only the incidents that
were opened or closed meanwhile. The lists are loaded whole once, when the
journal opens. Any number of desks can do this at once: each only reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from dutydesk.journal import kinds

if TYPE_CHECKING:
    from dutydesk.journal.api import Journal

#: what the home list shows: open incidents, and the recent closed ones
OPEN_LIMIT = 50
PAST_LIMIT = 40
#: event kinds that change a row of the home list
LISTED_KINDS = frozenset({kinds.OPENED, kinds.CLOSED})


def _newest_first(items: Iterable[Any]) -> list[Any]:
    return sorted(items, key=lambda i: i.opened_at, reverse=True)


class IncidentFeed:
    """Open and recent closed incidents, followed from the journal's events after the last one seen."""

    def __init__(self, journal: Journal):
        self.journal = journal
        self.last_id = 0
        self.open: list[Any] = []
        self.past: list[Any] = []
        self.loaded = False
        self.reads = 0     # polls that found something (tests, benchmarks)

    def load(self) -> None:
        """Everything once (the cursor first: what is written meanwhile is read again, harmlessly)."""
        self.last_id = self.journal.last_event_id()
        self.open = self.journal.incidents(open_only=True, limit=OPEN_LIMIT)
        self.past = [i for i in self.journal.incidents(limit=PAST_LIMIT * 2) if i.closed_at is not None][:PAST_LIMIT]
        self.loaded = True

    def lists(self) -> tuple[list[Any], list[Any]]:
        if not self.loaded:
            self.load()
        return list(self.open), list(self.past)

    def poll(self) -> set[str]:
        """Read the events written since the last poll; return the ids of the incidents whose
        row changed (opened or closed), after updating the lists with them."""
        if not self.loaded:
            self.load()
            return set()
        rows = self.journal.changes(self.last_id)
        if not rows:
            return set()
        self.reads += 1
        self.last_id = rows[-1][0]
        touched = {incident_id for _id, incident_id, _seq, kind in rows if kind in LISTED_KINDS}
        if touched:
            self._apply(self.journal.incidents_by_id(touched))
        return touched

    def _apply(self, incidents: list[Any]) -> None:
        ids = {i.id for i in incidents}
        open_ = [i for i in self.open if i.id not in ids]
        past = [i for i in self.past if i.id not in ids]
        for incident in incidents:
            (open_ if incident.closed_at is None else past).append(incident)
        self.open = _newest_first(open_)[:OPEN_LIMIT]
        self.past = _newest_first(past)[:PAST_LIMIT]
