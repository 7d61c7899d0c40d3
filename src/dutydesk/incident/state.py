"""The state of an incident at one moment: what the fold produces."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from dutydesk.incident.record import Record, Who
from dutydesk.plans import Plan

StepStatus = Literal["pending", "done", "skipped", "inactive"]


@dataclass(slots=True)
class StepState:
    status: StepStatus = "pending"
    seq: int | None = None            # the event that set the status
    at: datetime | None = None        # when it happened
    by: Who | None = None
    reason: str = ""                  # for skipped
    choice: int | None = None         # for answered questions (1-based)
    activated_at: datetime | None = None  # when the step came onto the path (timers count from here)


@dataclass(slots=True)
class Timer:
    step_id: str
    started_at: datetime
    due_at: datetime
    fired_seq: int | None = None
    stopped: bool = False             # the step was done or skipped in time

    @property
    def running(self) -> bool:
        return not self.stopped and self.fired_seq is None

    def is_due(self, now: datetime) -> bool:
        return self.running and now >= self.due_at


@dataclass(slots=True)
class Conflict:
    """A second desk did something the first had already done differently."""

    step_id: str
    first_seq: int
    second_seq: int
    message: str


@dataclass(slots=True)
class Instruction:
    seq: int
    text: str
    by: Who
    at: datetime
    acknowledged_by: list[tuple[int, Who]] = field(default_factory=list)


@dataclass(slots=True)
class IncidentState:
    plan: Plan
    opened_at: datetime | None = None
    opened_by: Who | None = None
    drill: bool = False
    level: str = ""
    level_history: list[tuple[Record, str]] = field(default_factory=list)  # (event, level)
    steps: dict[str, StepState] = field(default_factory=dict)
    path: list[str] = field(default_factory=list)        # steps on the walked path, in flow order
    decisions: list[tuple[str, int, Record]] = field(default_factory=list)  # (step, choice, event)
    current: str | None = None
    timers: dict[str, Timer] = field(default_factory=dict)
    report: dict[str, tuple[str, Record]] = field(default_factory=dict)
    in_charge: Who | None = None
    handover_offer: Record | None = None
    instructions: list[Instruction] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    retracted: dict[int, Record] = field(default_factory=dict)   # seq -> the retraction
    amendments: dict[int, list[Record]] = field(default_factory=dict)
    records: list[Record] = field(default_factory=list)
    closed_at: datetime | None = None
    outcome: str = ""
    last_seq: int = 0

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def complete(self) -> bool:
        """Every step on the path is done or skipped and the flow reached its end."""
        return self.current is None

    def due_timers(self, now: datetime) -> list[Timer]:
        return sorted((t for t in self.timers.values() if t.is_due(now)), key=lambda t: t.due_at)

    def running_timers(self) -> list[Timer]:
        return sorted((t for t in self.timers.values() if t.running), key=lambda t: t.due_at)

    def unacknowledged(self) -> list[Instruction]:
        return [i for i in self.instructions if not i.acknowledged_by]

    def is_void(self, seq: int) -> bool:
        return seq in self.retracted
