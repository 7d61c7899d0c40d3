"""After-action review: the figures a trainer reads after an incident or a drill.

Pure: it reads an ``IncidentState`` (the fold) and returns plain data, so the
terminal view, ``--json`` and the app show the same numbers.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from dutydesk.incident import IncidentState

#: A timer logged more than this after it came due counts as late.
LATE_AFTER = timedelta(seconds=5)


@dataclass(frozen=True, slots=True)
class CriticalTime:
    step_id: str
    number: int
    title: dict[str, str]
    target_s: int | None
    status: str                 # done, skipped, pending, inactive
    seconds: float | None       # from the opening to when it was done
    met: bool | None            # None: no target, or not done


@dataclass(frozen=True, slots=True)
class TimerFigure:
    step_id: str
    due_at: str
    fired_at: str | None
    late_s: float | None        # how long after due it was logged (None: not fired)
    step_done_s_after_due: float | None  # the step was done this long after the deadline


@dataclass(slots=True)
class Review:
    incident_id: str
    plan_id: str
    drill: bool
    opened_at: str
    closed_at: str | None
    duration_s: float | None
    outcome: str
    critical: list[CriticalTime] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    never_reached: list[str] = field(default_factory=list)
    not_applicable: list[str] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)
    timers: list[TimerFigure] = field(default_factory=list)
    late_timers: int = 0
    events: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def review(incident_id: str, state: IncidentState) -> Review:
    plan, opened = state.plan, state.opened_at
    assert opened is not None, "an incident always begins with its 'opened' event"
    result = Review(
        incident_id=incident_id,
        plan_id=plan.id,
        drill=state.drill,
        opened_at=opened.isoformat(),
        closed_at=_iso(state.closed_at),
        duration_s=(state.closed_at - opened).total_seconds() if state.closed_at else None,
        outcome=state.outcome,
        events=len(state.records),
    )
    for number, step in enumerate(plan.steps, start=1):
        st = state.steps[step.id]
        if step.critical:
            seconds = (st.at - opened).total_seconds() if st.status == "done" and st.at else None
            target = step.target.seconds if step.target and not step.target.workdays else None
            met = None if target is None or seconds is None else seconds <= target
            result.critical.append(CriticalTime(step.id, number, step.prompt.to_dict(), target, st.status, seconds, met))
        if st.status == "skipped":
            result.skipped.append({"step_id": step.id, "number": number, "reason": st.reason,
                                   "by": st.by.name if st.by else "", "at": _iso(st.at)})
        elif st.status == "pending":
            result.never_reached.append(step.id)
        elif st.status == "inactive":
            result.not_applicable.append(step.id)
    for step_id, choice, record in state.decisions:
        label = plan.step(step_id).choices[choice - 1].label
        result.decisions.append({"step_id": step_id, "choice": choice, "label": label.to_dict(),
                                 "by": record.who.name, "at": record.happened_at.isoformat(),
                                 "seconds": (record.happened_at - opened).total_seconds()})
    fired_at = {r.seq: r.recorded_at for r in state.records}
    for timer in sorted(state.timers.values(), key=lambda t: t.due_at):
        fired = fired_at.get(timer.fired_seq) if timer.fired_seq else None
        late = (fired - timer.due_at).total_seconds() if fired else None
        st = state.steps[timer.step_id]
        after_due = (st.at - timer.due_at).total_seconds() if st.at and st.status == "done" and st.at > timer.due_at else None
        result.timers.append(TimerFigure(timer.step_id, timer.due_at.isoformat(), _iso(fired), late, after_due))
        if late is not None and late > LATE_AFTER.total_seconds():
            result.late_timers += 1
    return result
