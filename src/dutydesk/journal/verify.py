"""Recompute a hash chain and name the first place where it breaks.

:func:`check_chain` is pure: it takes the incident row and its event rows exactly as
stored (plain mappings, as read with the ``sqlite3`` module) and returns an
:class:`IncidentCheck`. :meth:`dutydesk.journal.Journal.verify` runs it for every
incident after ``PRAGMA integrity_check`` and gathers a :class:`VerifyReport`.

What a broken chain is called (``Problem.what``):

``edited``
    a row's stored hash is not the hash of its content: a field was changed.
``deleted``
    a sequence number is missing: an event was removed.
``inserted``
    a row with a duplicate sequence number, a row after ``closed``, or a row that the
    next row's link skips over: an event was added that was not appended.
``reordered``
    a row links to an event that now sits later in the chain: rows were swapped.
``genesis``
    the incident row (or its plan snapshot) was changed: its hash does not match the
    one the chain starts from.
``mismatch``
    the incident's cached ``closed_at``/``outcome`` disagree with its ``closed`` event.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import kinds as k
from .chain import HASH_VERSIONS, V1_FILL_ORIGIN, event_document, incident_hash, link_hash, sha256_hex
from .times import is_utc_text


@dataclass(frozen=True)
class Problem:
    """The first break of a chain: ``seq`` of the event (None: the incident row)."""

    what: str
    seq: int | None
    detail: str

    def __str__(self) -> str:
        where = "incident row" if self.seq is None else f"event {self.seq}"
        return f"{where}: {self.what}: {self.detail}"


@dataclass(frozen=True)
class IncidentCheck:
    incident_id: str
    ok: bool
    events: int
    final_hash: str | None
    problem: Problem | None = None

    @property
    def first_broken_seq(self) -> int | None:
        return self.problem.seq if self.problem else None


@dataclass(frozen=True)
class VerifyReport:
    integrity_ok: bool
    integrity_messages: list[str] = field(default_factory=list)
    incidents: list[IncidentCheck] = field(default_factory=list)
    orphan_events: int = 0

    @property
    def ok(self) -> bool:
        return self.integrity_ok and self.orphan_events == 0 and all(c.ok for c in self.incidents)

    @property
    def broken(self) -> list[IncidentCheck]:
        return [c for c in self.incidents if not c.ok]

    def for_incident(self, incident_id: str) -> IncidentCheck:
        for check in self.incidents:
            if check.incident_id == incident_id:
                return check
        raise KeyError(incident_id)


def _payload(row: Mapping[str, Any]) -> dict[str, Any]:
    try:
        value = json.loads(row["payload"])
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def check_chain(incident: Mapping[str, Any], events: Sequence[Mapping[str, Any]]) -> IncidentCheck:
    """Check one incident. ``events`` in stored order: ``ORDER BY seq, id``."""
    iid = str(incident["id"])
    count = len(events)
    final = str(events[-1]["hash"]) if events else None

    def broken(what: str, seq: int | None, detail: str) -> IncidentCheck:
        return IncidentCheck(iid, False, count, final, Problem(what, seq, detail))

    # -- the incident row ---------------------------------------------------------
    try:
        genesis = incident_hash(incident)
    except (TypeError, ValueError) as exc:
        return broken("genesis", None, f"the incident row cannot be encoded ({exc})")
    if genesis != incident["genesis_hash"]:
        return broken("genesis", None, "the incident row was changed (its hash is not the genesis hash)")
    snapshot = incident["plan_snapshot"]
    if not isinstance(snapshot, str) or sha256_hex(snapshot) != incident["plan_hash"]:
        return broken("genesis", None, "the plan snapshot was changed (its hash is not plan_hash)")
    if not events:
        return broken("deleted", 1, "the incident has no events (its opening event is missing)")

    # -- the events ---------------------------------------------------------------
    hashes_at: dict[str, int] = {}
    for pos, row in enumerate(events):
        if isinstance(row["hash"], str):
            hashes_at.setdefault(row["hash"], pos)
    prev_hash = genesis
    expected = 1
    last_version = 0
    closed_row: Mapping[str, Any] | None = None
    for pos, row in enumerate(events):
        seq = row["seq"]
        if isinstance(seq, bool) or not isinstance(seq, int):
            return broken("edited", expected, f"the sequence number is not an integer ({seq!r})")
        if seq < expected:
            return broken("inserted", seq, f"a second event with seq {seq} (row id {row['id']})")
        if seq > expected:
            odd = [r for r in events if isinstance(r["seq"], bool) or not isinstance(r["seq"], int)]
            if odd:  # a non-number sorts after every number: the row is there, its seq was changed
                return broken("edited", expected, f"a sequence number was changed to {odd[0]['seq']!r}")
            missing = f"{expected}" if seq == expected + 1 else f"{expected}-{seq - 1}"
            return broken("deleted", expected, f"event(s) {missing} missing before event {seq}")
        if row["prev_hash"] != prev_hash:
            linked = hashes_at.get(row["prev_hash"]) if isinstance(row["prev_hash"], str) else None
            if seq == 1:
                return broken("genesis", 1, "the first event does not start from the incident's genesis hash")
            if linked is not None and linked == pos - 2:
                return broken(
                    "inserted", seq - 1, f"event {seq - 1} was inserted (event {seq} links to event {seq - 2})"
                )
            if linked is not None and linked > pos:
                return broken(
                    "reordered",
                    seq,
                    f"event {seq} links to the event now at seq {events[linked]['seq']}: rows were swapped",
                )
            return broken("inserted", seq, f"event {seq} does not link to event {seq - 1} (inserted or reordered)")
        version = row["hash_version"]
        if version not in HASH_VERSIONS or isinstance(version, bool):
            return broken("edited", seq, f"unknown encoding version {version!r}")
        if version < last_version:
            return broken("edited", seq, "the encoding version goes down along the chain")
        try:
            recomputed = link_hash(row["prev_hash"], event_document(row, version))
        except (TypeError, ValueError) as exc:
            return broken("edited", seq, f"the row cannot be encoded ({exc})")
        if recomputed != row["hash"]:
            return broken("edited", seq, "its content does not match its hash (a field was changed)")
        if version == 1 and (row["happened_at"] != row["recorded_at"] or row["actor_origin"] != V1_FILL_ORIGIN):
            return broken("edited", seq, "happened_at/actor_origin of a version-1 event were changed after the upgrade")
        if not is_utc_text(row["recorded_at"]) or not is_utc_text(row["happened_at"]):
            return broken("edited", seq, "a stored time is not in the journal's format")
        kind = row["kind"]
        if seq == 1 and kind != k.OPENED:
            return broken("inserted", 1, f"the first event is {kind!r}, not 'opened'")
        if seq > 1 and kind == k.OPENED:
            return broken("inserted", seq, "a second 'opened' event")
        if closed_row is not None and kind not in k.AFTER_CLOSE:
            return broken("inserted", seq, "an event after the incident was closed")
        if kind == k.CLOSED:
            closed_row = row
        if seq == 1:
            mismatch = _opened_mismatch(incident, row)
            if mismatch:
                return broken("genesis", None, mismatch)
        last_version = version
        prev_hash = row["hash"]
        expected += 1

    # -- the close cache ----------------------------------------------------------
    if closed_row is None:
        if incident["closed_at"] is not None or incident["outcome"] is not None:
            return broken("mismatch", None, "the incident row says closed but there is no 'closed' event")
    else:
        outcome = _payload(closed_row).get("outcome")
        if incident["closed_at"] != closed_row["happened_at"] or incident["outcome"] != outcome:
            return broken(
                "mismatch", closed_row["seq"], "closed_at/outcome of the incident row disagree with the 'closed' event"
            )
    return IncidentCheck(iid, True, count, final, None)


def _opened_mismatch(incident: Mapping[str, Any], row: Mapping[str, Any]) -> str | None:
    payload = _payload(row)
    expected = {
        "plan_id": incident["plan_id"],
        "plan_hash": incident["plan_hash"],
        "branch": incident["branch"],
        "place": incident["place"],
        "level": incident["level"],
        "drill": bool(incident["drill"]),
    }
    for name, value in expected.items():
        if payload.get(name) != value:
            return f"the incident row's {name} disagrees with its 'opened' event"
    if row["happened_at"] != incident["opened_at"]:
        return "the incident row's opened_at disagrees with its 'opened' event"
    return None
