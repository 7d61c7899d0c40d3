"""state = fold(plan, events): the one place that decides what an incident's events mean.

The live desk, a second desk following over SSH, the replay and the export all
call this; none keeps its own idea of what has been done.

Rules:
- Steps follow the plan's flow; an answered question sends the path down its
  choice. The *path* runs from the first step to the end, or to the first
  question not yet answered. Steps no remaining route can reach are *inactive*.
- A step may be done out of order (real emergencies are parallel); the current
  step is the first pending one on the path.
- A ``remind_after`` timer starts when its step comes onto the path (the
  opening, or the answer that leads into its branch) and stops when the step is
  done or skipped; a ``timer_fired`` event records that it rang.
- A retraction voids an earlier event (the latest retraction wins, so a
  retraction can itself be retracted); an amendment changes an earlier event's
  payload fields or its ``happened_at``. Both stay in the record.
- A skipped question lets the flow go on with the next step in order.
- Doing twice what is already done, or answering a question already answered
  differently, changes nothing and is reported as a conflict: the first stands
  until it is retracted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from dutydesk.incident.record import Record
from dutydesk.incident.state import Conflict, IncidentState, Instruction, StepState, Timer
from dutydesk.journal import kinds
from dutydesk.plans import END, Plan


def fold(plan: Plan, records: Iterable[Record]) -> IncidentState:
    folder = Folder(plan)
    folder.apply_all(records)
    return folder.state


class Folder:
    """Folds records one at a time, so a live desk can apply new events as they come."""

    def __init__(self, plan: Plan):
        self.plan = plan
        self.state = self._fresh()

    def _fresh(self) -> IncidentState:
        return IncidentState(plan=self.plan, steps={s.id: StepState() for s in self.plan.steps})

    def apply_all(self, records: Iterable[Record]) -> IncidentState:
        records = list(records)
        if any(r.kind in (kinds.RETRACTED, kinds.AMENDED) for r in records):
            self._rebuild(self.state.records + records)
        else:
            for record in records:
                self._apply(record)
        return self.state

    def apply(self, record: Record) -> IncidentState:
        return self.apply_all([record])

    # -- rebuilding with retractions and amendments -------------------------------------

    def _rebuild(self, records: list[Record]) -> None:
        records = sorted(records, key=lambda r: r.seq)
        retracted: dict[int, Record] = {}
        for record in reversed(records):  # the latest retraction is the one that counts
            if record.kind == kinds.RETRACTED and record.seq not in retracted:
                target = record.payload.get("seq")
                if isinstance(target, int) and target < record.seq:
                    retracted.setdefault(target, record)
        amendments: dict[int, list[Record]] = {}
        for record in records:
            if record.kind == kinds.AMENDED and record.seq not in retracted:
                target = record.payload.get("seq")
                if isinstance(target, int) and target < record.seq:
                    amendments.setdefault(target, []).append(record)

        self.state = self._fresh()
        self.state.retracted = retracted
        self.state.amendments = amendments
        for record in records:
            self.state.records.append(record)
            self.state.last_seq = max(self.state.last_seq, record.seq)
            if record.seq in retracted or record.kind in (kinds.RETRACTED, kinds.AMENDED):
                continue
            self._effect(_amended(record, amendments.get(record.seq, ())))
        self._update_path(None)

    # -- one record ------------------------------------------------------------------------

    def _apply(self, record: Record) -> None:
        self.state.records.append(record)
        self.state.last_seq = max(self.state.last_seq, record.seq)
        self._effect(record)

    def _effect(self, r: Record) -> None:
        s = self.state
        kind = r.kind
        if kind == kinds.OPENED:
            s.opened_at, s.opened_by, s.in_charge = r.happened_at, r.who, r.who
            s.level = str(r.payload.get("level") or self.plan.level)
            s.drill = bool(r.payload.get("drill"))
            s.level_history.append((r, s.level))
            self._update_path(r.happened_at)
        elif kind in (kinds.STEP_DONE, kinds.STEP_SKIPPED):
            self._mark(r)
        elif kind == kinds.CHOICE_MADE:
            self._choose(r)
        elif kind == kinds.TIMER_FIRED:
            timer = s.timers.get(r.step_id or "")
            if timer is not None and timer.fired_seq is None:
                timer.fired_seq = r.seq
        elif kind == kinds.INSTRUCTION:
            s.instructions.append(Instruction(r.seq, str(r.payload.get("text", "")), r.who, r.happened_at))
        elif kind == kinds.ACKNOWLEDGED:
            for instruction in s.instructions:
                if instruction.seq == r.payload.get("seq"):
                    instruction.acknowledged_by.append((r.seq, r.who))
        elif kind == kinds.REPORT_FIELD:
            s.report[str(r.payload.get("field"))] = (str(r.payload.get("value", "")), r)
        elif kind == kinds.LEVEL_CHANGED:
            s.level = str(r.payload.get("level"))
            s.level_history.append((r, s.level))
        elif kind == kinds.HANDOVER:
            if r.payload.get("phase") == kinds.HANDOVER_ACCEPTED:
                s.in_charge, s.handover_offer = r.who, None
            else:
                s.handover_offer = r
        elif kind == kinds.CLOSED:
            s.closed_at, s.outcome = r.happened_at, str(r.payload.get("outcome", ""))

    def _mark(self, r: Record) -> None:
        step = self.state.steps.get(r.step_id or "")
        if step is None:
            return
        if step.status in ("done", "skipped"):
            who = step.by.name if step.by else "?"
            self.state.conflicts.append(Conflict(r.step_id or "", step.seq or 0, r.seq,
                                                 f"already {step.status} by {who} (event #{step.seq})"))
            return
        step.status = "done" if r.kind == kinds.STEP_DONE else "skipped"
        step.seq, step.at, step.by = r.seq, r.happened_at, r.who
        step.reason = str(r.payload.get("reason", "")) if r.kind == kinds.STEP_SKIPPED else ""
        timer = self.state.timers.get(r.step_id or "")
        if timer is not None and timer.fired_seq is None:
            timer.stopped = True
        if self.plan.step(r.step_id or "").is_decision:
            self._update_path(r.happened_at)  # a skipped question lets the flow go on in order
        else:
            self._update_current()

    def _choose(self, r: Record) -> None:
        step_id = r.step_id or ""
        if not self.plan.has_step(step_id) or not self.plan.step(step_id).is_decision:
            return
        number = r.payload.get("choice")
        if not isinstance(number, int) or not 1 <= number <= len(self.plan.step(step_id).choices):
            return
        state = self.state.steps[step_id]
        if state.choice is not None:
            who = state.by.name if state.by else "?"
            same = "the same answer" if state.choice == number else f"answer {state.choice}"
            self.state.conflicts.append(Conflict(step_id, state.seq or 0, r.seq,
                                                 f"already answered with {same} by {who} (event #{state.seq})"))
            return
        state.choice, state.status = number, "done"
        state.seq, state.at, state.by = r.seq, r.happened_at, r.who
        self.state.decisions.append((step_id, number, r))
        self._update_path(r.happened_at)

    # -- the path --------------------------------------------------------------------------

    def _next(self, step_id: str) -> list[str]:
        """Where the flow can go from a step, given the answers so far."""
        step = self.plan.step(step_id)
        state = self.state.steps[step_id]
        if step.is_decision and state.choice is not None:
            return [step.choices[state.choice - 1].goto or self.plan.next_of(step_id)]
        if step.is_decision and state.status == "skipped":
            return [self.plan.next_of(step_id)]
        return self.plan.successors(step)

    def _update_path(self, moment: datetime | None) -> None:
        s, plan = self.state, self.plan
        path: list[str] = []
        seen: set[str] = set()
        current = plan.steps[0].id
        while current != END and current not in seen:
            seen.add(current)
            path.append(current)
            step = plan.step(current)
            if step.is_decision and s.steps[current].choice is None and s.steps[current].status != "skipped":
                break
            current = self._next(current)[0]
        s.path = path

        possible: set[str] = set()
        todo = [plan.steps[0].id]
        while todo:
            current = todo.pop()
            if current != END and current not in possible:
                possible.add(current)
                todo.extend(self._next(current))
        for step in plan.steps:
            state = s.steps[step.id]
            if state.status in ("pending", "inactive"):
                state.status = "pending" if step.id in possible else "inactive"

        for step_id in path:
            state = s.steps[step_id]
            if state.activated_at is None and moment is not None:
                state.activated_at = moment
                step = plan.step(step_id)
                if step.remind_after and state.status == "pending":
                    s.timers[step_id] = Timer(step_id, moment, step.remind_after.after(moment))
        self._update_current()

    def _update_current(self) -> None:
        s = self.state
        s.current = next((sid for sid in s.path if s.steps[sid].status == "pending"), None)


def _amended(record: Record, amendments: Iterable[Record]) -> Record:
    for amendment in amendments:
        changes = dict(amendment.payload.get("changes") or {})
        happened = changes.pop("happened_at", None)
        record = replace(record, payload={**record.payload, **changes})
        if isinstance(happened, str):
            try:
                record = replace(record, happened_at=datetime.fromisoformat(happened.replace("Z", "+00:00")))
            except ValueError:
                pass
    return record
