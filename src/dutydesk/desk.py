"""One desk working one incident: the journal, the plan as it was, and the folded state.

The app, the headless ``dutydesk log`` and a second desk following over SSH all
go through ``Desk``: every action is checked against the plan snapshot and the
current state, appended (committed) to the journal, and only then folded into
the state the screen shows. Nothing here imports Textual.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from dutydesk.incident import Folder, IncidentState, Record
from dutydesk.journal import kinds
from dutydesk.journal.times import format_utc, utcnow
from dutydesk.plans import Contact, Library, Plan, Role
from dutydesk.plans.snapshot import plan_from_snapshot, snapshot_text

if TYPE_CHECKING:
    from dutydesk.journal.actor import Actor
    from dutydesk.journal.api import Journal
    from dutydesk.journal.models import Incident


class DeskError(Exception):
    """An action the desk refuses before writing anything (unknown step, wrong answer number…)."""


@dataclass(frozen=True, slots=True)
class Logged:
    """What an action wrote, and what other desks wrote meanwhile, all committed."""

    record: Record
    others: tuple[Record, ...] = ()


class Desk:
    def __init__(self, journal: Journal, incident: Incident, actor: Actor):
        self.journal = journal
        self.incident = incident
        self.actor = actor
        self.plan, self.roles, self.contacts = plan_from_snapshot(incident.plan_snapshot)
        self.folder = Folder(self.plan)
        self.refresh()

    # -- opening ----------------------------------------------------------------------------

    @classmethod
    def open_new(
        cls,
        journal: Journal,
        library: Library,
        plan_id: str,
        *,
        actor: Actor,
        branch: str = "",
        place: str = "",
        level: str | None = None,
        drill: bool = False,
        happened_at: datetime | None = None,
    ) -> Desk:
        plan = library.get(plan_id)
        incident = journal.open_incident(
            plan_id=plan.id,
            plan_title_zh=plan.title.zh,
            plan_title_en=plan.title.en,
            plan_snapshot=snapshot_text(plan, library),
            branch=branch,
            place=place,
            level=level or plan.level,
            drill=drill,
            actor=actor,
            happened_at=happened_at,
        )
        return cls(journal, incident, actor)

    # -- reading ----------------------------------------------------------------------------

    @property
    def state(self) -> IncidentState:
        return self.folder.state

    @property
    def id(self) -> str:
        return self.incident.id

    def refresh(self) -> list[Record]:
        """Fold in what was committed since we last looked (by this desk or another)."""
        new = [Record.from_row(row) for row in self.journal.event_rows(self.incident.id, after_seq=self.state.last_seq)]
        if new:
            self.folder.apply_all(new)
        return new

    def contact(self, contact_id: str) -> Contact | None:
        return self.contacts.get(contact_id)

    def role(self, role_id: str) -> Role | None:
        return self.roles.get(role_id)

    # -- writing ----------------------------------------------------------------------------

    def log(
        self,
        kind: str,
        *,
        step_id: str | None = None,
        payload: Mapping[str, Any] | None = None,
        happened_at: datetime | None = None,
        expect_last_seq: int | None = None,
    ) -> Logged:
        """Append one event; return it once committed, with any other desk's events folded in."""
        event = self.journal.append(
            self.incident.id, kind, actor=self.actor, step_id=step_id, payload=dict(payload or {}),
            happened_at=happened_at, expect_last_seq=expect_last_seq,
        )
        new = self.refresh()
        mine = next((r for r in new if r.seq == event.seq), None) or Record.of(event)
        return Logged(mine, tuple(r for r in new if r.seq != event.seq))

    def _step(self, step_id: str) -> Any:
        if not self.plan.has_step(step_id):
            raise DeskError(f"plan '{self.plan.id}' has no step '{step_id}'")
        return self.plan.step(step_id)

    def _settled(self, step_id: str) -> None:
        """Refuse to mark twice what another desk (or this one) already settled."""
        self.refresh()
        state = self.state.steps[step_id]
        if state.status in ("done", "skipped"):
            who = state.by.name if state.by else "?"
            raise DeskError(f"step '{step_id}' is already {state.status} (#{state.seq} by {who})")

    def _settle(self, kind: str, step_id: str, payload: dict[str, Any], happened_at: datetime | None) -> Logged:
        """Mark a step once: checked against the newest state, written only if nobody
        wrote in between (else look again: another desk may have settled it)."""
        from dutydesk.journal import StaleState

        for _attempt in range(5):
            self._settled(step_id)
            try:
                return self.log(kind, step_id=step_id, payload=payload, happened_at=happened_at,
                                expect_last_seq=self.state.last_seq)
            except StaleState:
                continue
        raise DeskError("the incident keeps changing under this desk; look at the timeline and try again")

    def done(self, step_id: str, *, happened_at: datetime | None = None) -> Logged:
        step = self._step(step_id)
        if step.is_decision:
            raise DeskError(f"step '{step_id}' is a question: answer it with a number")
        return self._settle(kinds.STEP_DONE, step_id, {}, happened_at)

    def skip(self, step_id: str, reason: str, *, happened_at: datetime | None = None) -> Logged:
        self._step(step_id)
        if not reason.strip():
            raise DeskError("a skipped step needs a reason")
        return self._settle(kinds.STEP_SKIPPED, step_id, {"reason": reason.strip()}, happened_at)

    def choose(self, step_id: str, number: int, *, happened_at: datetime | None = None) -> Logged:
        step = self._step(step_id)
        if not step.is_decision:
            raise DeskError(f"step '{step_id}' is not a question")
        if not 1 <= number <= len(step.choices):
            raise DeskError(f"step '{step_id}' has answers 1 to {len(step.choices)}, not {number}")
        label = step.choices[number - 1].label
        return self._settle(kinds.CHOICE_MADE, step_id, {"choice": number, "label": label.to_dict()}, happened_at)

    def note(self, text: str, *, happened_at: datetime | None = None, step_id: str | None = None) -> Logged:
        if not text.strip():
            raise DeskError("the note is empty")
        return self.log(kinds.NOTE, step_id=step_id, payload={"text": text}, happened_at=happened_at)

    def instruct(self, text: str) -> Logged:
        if not text.strip():
            raise DeskError("the instruction is empty")
        return self.log(kinds.INSTRUCTION, payload={"text": text})

    def acknowledge(self, seq: int) -> Logged:
        return self.log(kinds.ACKNOWLEDGED, payload={"seq": seq})

    def call(self, contact_id: str, outcome: str = "", *, number: str | None = None, step_id: str | None = None,
             happened_at: datetime | None = None) -> Logged:
        contact = self.contacts.get(contact_id)
        if contact is None and number is None:
            raise DeskError(f"no contact '{contact_id}' in this plan; give the number")
        dialled = number if number is not None else contact.number  # type: ignore[union-attr]
        payload = {"contact": contact_id, "number": dialled, "outcome": outcome}
        return self.log(kinds.CALL_MADE, step_id=step_id, payload=payload, happened_at=happened_at)

    def set_field(self, field: str, value: str) -> Logged:
        if field not in kinds.REPORT_FIELDS:
            raise DeskError(f"unknown report field '{field}'")
        return self.log(kinds.REPORT_FIELD, payload={"field": field, "value": value})

    def change_level(self, level: str, reason: str) -> Logged:
        if level not in kinds.LEVELS:
            raise DeskError(f"unknown level '{level}'")
        if not reason.strip():
            raise DeskError("a change of level needs a reason")
        return self.log(kinds.LEVEL_CHANGED, payload={"level": level, "reason": reason.strip()})

    def retract(self, seq: int, reason: str) -> Logged:
        if not reason.strip():
            raise DeskError("a retraction needs a reason")
        if not any(r.seq == seq for r in self.state.records):
            raise DeskError(f"no event #{seq} in this incident")
        return self.log(kinds.RETRACTED, payload={"seq": seq, "reason": reason.strip()})

    def amend_time(self, seq: int, happened_at: datetime, reason: str) -> Logged:
        if not any(r.seq == seq for r in self.state.records):
            raise DeskError(f"no event #{seq} in this incident")
        return self.log(kinds.AMENDED, payload={"seq": seq, "reason": reason, "changes": {"happened_at": format_utc(happened_at)}})

    def offer_handover(self, to_name: str, to_role: str) -> Logged:
        return self.log(kinds.HANDOVER, payload={"to_name": to_name, "to_role": to_role, "phase": kinds.HANDOVER_OFFERED})

    def accept_handover(self) -> Logged:
        return self.log(kinds.HANDOVER, payload={"to_name": self.actor.name, "to_role": self.actor.role, "phase": kinds.HANDOVER_ACCEPTED})

    def close(self, outcome: str) -> Logged:
        if not outcome.strip():
            raise DeskError("closing needs an outcome")
        return self.log(kinds.CLOSED, payload={"outcome": outcome.strip()})

    def fire_due_timers(self, now: datetime | None = None) -> list[Logged]:
        """Log every timer that has come due and not yet rung (another desk may have)."""
        now = now or utcnow()
        self.refresh()
        fired = []
        for timer in self.state.due_timers(now):
            fired.append(self.log(kinds.TIMER_FIRED, step_id=timer.step_id, payload={"due_at": format_utc(timer.due_at)}))
        return fired
