"""Event kinds of the journal and the payload each one carries.

Import the constants instead of spelling kinds as strings::

    from dutydesk.journal import kinds
    journal.append(incident_id, kinds.STEP_DONE, actor=actor, step_id="alarm")

``step_id``: "required" or "optional" (any kind may name a step; "-" kinds usually don't).

| kind             | step_id  | payload (required fields; extra fields are kept)            |
|------------------|----------|-------------------------------------------------------------|
| ``opened``       | -        | plan_id, plan_hash, branch, place, level, drill (written by ``open_incident`` only) |
| ``step_done``    | required | -                                                           |
| ``step_skipped`` | required | reason (non-empty)                                          |
| ``choice_made``  | required | choice (int, 1-based); label optional (text or {zh, en})    |
| ``note``         | optional | text                                                        |
| ``instruction``  | optional | text                                                        |
| ``acknowledged`` | optional | seq (an earlier event of the incident)                      |
| ``call_made``    | optional | contact, number, outcome                                    |
| ``report_field`` | optional | field (one of :data:`REPORT_FIELDS`), value (text or number)|
| ``level_changed``| -        | level (I, II or III), reason                                |
| ``handover``     | -        | to_name, to_role, phase (``offered`` or ``accepted``)       |
| ``retracted``    | -        | seq (an earlier event), reason                              |
| ``amended``      | -        | seq (an earlier event), reason, changes (non-empty object)  |
| ``timer_fired``  | required | due_at (a journal time, ``...Z``)                           |
| ``inject``       | optional | text, at (text or seconds); drills only                     |
| ``closed``       | -        | outcome                                                     |
| ``export_unmasked`` | -     | format, path                                                |

Nothing is appended after ``closed`` (the API refuses with IncidentClosed).

This module is plain Python (no database import): the fold and the UI use it freely.
"""

from __future__ import annotations

from typing import Final

OPENED: Final = "opened"
STEP_DONE: Final = "step_done"
STEP_SKIPPED: Final = "step_skipped"
CHOICE_MADE: Final = "choice_made"
NOTE: Final = "note"
INSTRUCTION: Final = "instruction"
ACKNOWLEDGED: Final = "acknowledged"
CALL_MADE: Final = "call_made"
REPORT_FIELD: Final = "report_field"
LEVEL_CHANGED: Final = "level_changed"
HANDOVER: Final = "handover"
RETRACTED: Final = "retracted"
AMENDED: Final = "amended"
TIMER_FIRED: Final = "timer_fired"
INJECT: Final = "inject"
CLOSED: Final = "closed"
EXPORT_UNMASKED: Final = "export_unmasked"

#: Every kind, in the order of the table above.
ALL_KINDS: Final[tuple[str, ...]] = (
    OPENED,
    STEP_DONE,
    STEP_SKIPPED,
    CHOICE_MADE,
    NOTE,
    INSTRUCTION,
    ACKNOWLEDGED,
    CALL_MADE,
    REPORT_FIELD,
    LEVEL_CHANGED,
    HANDOVER,
    RETRACTED,
    AMENDED,
    TIMER_FIRED,
    INJECT,
    CLOSED,
    EXPORT_UNMASKED,
)
KINDS: Final[frozenset[str]] = frozenset(ALL_KINDS)

#: Kinds that must name a step.
STEP_KINDS: Final[frozenset[str]] = frozenset({STEP_DONE, STEP_SKIPPED, CHOICE_MADE, TIMER_FIRED})

#: Kinds that may still be appended after ``closed``: exporting a closed incident's
#: report unmasked is exactly when it happens, and it must be on the record.
AFTER_CLOSE: Final[frozenset[str]] = frozenset({EXPORT_UNMASKED})

#: Kinds that point at an earlier event of the same incident through ``payload.seq``.
REFERRING_KINDS: Final[frozenset[str]] = frozenset({ACKNOWLEDGED, RETRACTED, AMENDED})

#: Severity levels (I 特别重大, II 重大, III 较大).
LEVELS: Final[tuple[str, ...]] = ("I", "II", "III")

#: What a report must contain (seed 000 服务预案 第三条), in report order.
REPORT_FIELDS: Final[tuple[str, ...]] = (
    "place",
    "time",
    "cause",
    "nature",
    "amount",
    "people",
    "harm",
    "customer_reaction",
    "trend",
    "measures",
)

#: ``handover`` phases.
HANDOVER_OFFERED: Final = "offered"
HANDOVER_ACCEPTED: Final = "accepted"
HANDOVER_PHASES: Final[tuple[str, ...]] = (HANDOVER_OFFERED, HANDOVER_ACCEPTED)
