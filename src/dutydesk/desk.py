"""One desk working one incident: the journal, the plan as it was, and the folded state.

The app, the headless ``dutydesk log`` and a second desk following over SSH all
go through ``Desk``: every action is checked against the plan snapshot and the
current state, appended (committed) to the journal, and only then folded into
the state the screen shows. Nothing here imports Textual.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from dutydesk.incident import Folder, IncidentState, Record
from dutydesk.incident.record import Who
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


class AlreadySettled(DeskError):
    """The step was already done, skipped or answered (by this desk or another): nothing written.

    Carries what stands, so a screen can say it plainly: which event, by whom, when,
    and for a question the answer given.
    """

    def __init__(self, step_id: str, status: str, seq: int, by: Who | None, at: datetime | None,
                 choice: int | None = None):
        self.step_id, self.status, self.seq, self.by, self.at, self.choice = step_id, status, seq, by, at, choice
        who = by.name if by else "?"
        super().__init__(f"step '{step_id}' is already {status} (#{seq} by {who})")


class AlreadyAcknowledged(DeskError):
    """Someone acknowledged that instruction or timer first: nothing written."""

    def __init__(self, target: int, seq: int, by: Who):
        self.target, self.seq, self.by = target, seq, by
        super().__init__(f"#{target} was already acknowledged (#{seq} by {by.name})")


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
        state = self.state.steps[step_id]
        if state.status in ("done", "skipped"):
            raise AlreadySettled(step_id, state.status, state.seq or 0, state.by, state.at, state.choice)

    def _guarded(self, check: Callable[[], None], kind: str, *, step_id: str | None = None,
                 payload: Mapping[str, Any] | None = None, happened_at: datetime | None = None) -> Logged:
        """Write once, and only what is still true: ``check`` looks at the newest state
        (raising ``DeskError`` to refuse), and the event is written only if nobody wrote
        in between (checked under the write lock); if somebody did, look again."""
        from dutydesk.journal import StaleState

        for _attempt in range(5):
            self.refresh()
            check()
            try:
                return self.log(kind, step_id=step_id, payload=payload, happened_at=happened_at,
                                expect_last_seq=self.state.last_seq)
            except StaleState:
                continue
        raise DeskError("the incident keeps changing under this desk; look at the timeline and try again")

    def _settle(self, kind: str, step_id: str, payload: dict[str, Any], happened_at: datetime | None) -> Logged:
        """Mark a step once: checked against the newest state, written only if nobody
        wrote in between (else look again: another desk may have settled it)."""
        return self._guarded(lambda: self._settled(step_id), kind, step_id=step_id, payload=payload,
                             happened_at=happened_at)

    # -- who is who -------------------------------------------------------------------------

    def is_me(self, who: Who | None) -> bool:
        """``who`` is this desk's operator: the same display name, whatever the OS account
        or the desk (a branch may run both desks on one shared account)."""
        return who is not None and who.name == self.actor.name

    @property
    def in_charge(self) -> bool:
        return self.is_me(self.state.in_charge)

    def can_accept_handover(self) -> bool:
        offer = self.state.handover_offer
        return offer is not None and not self.is_me(offer.who) and not self.in_charge

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
        """An order for every desk: it stands out on each until someone else acknowledges it."""
        if not text.strip():
            raise DeskError("the instruction is empty")
        return self.log(kinds.INSTRUCTION, payload={"text": text})

    def acknowledge(self, seq: int) -> Logged:
        """Acknowledge an instruction (not one's own) or a timer that rang: once, by one desk."""

        def check() -> None:
            target = next((r for r in self.state.records if r.seq == seq), None)
            if target is None:
                raise DeskError(f"no event #{seq} in this incident")
            if self.state.is_void(seq):
                raise DeskError(f"#{seq} was retracted")
            if target.kind == kinds.INSTRUCTION and self.is_me(target.who):
                raise DeskError(f"#{seq} is your own instruction: another desk acknowledges it")
            ack = next((r for r in self.state.records if r.kind == kinds.ACKNOWLEDGED
                        and r.payload.get("seq") == seq and not self.state.is_void(r.seq)), None)
            if ack is not None:
                raise AlreadyAcknowledged(seq, ack.seq, ack.who)

        return self._guarded(check, kinds.ACKNOWLEDGED, payload={"seq": seq})

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
        """The person in charge offers command to another (it passes when their desk accepts)."""
        to_name, to_role = to_name.strip(), to_role.strip()
        if not to_name or not to_role:
            raise DeskError("a handover needs the name and the role of who takes over")

        def check() -> None:
            if not self.in_charge:
                who = self.state.in_charge.name if self.state.in_charge else "?"
                raise DeskError(f"only the person in charge ({who}) can hand over")
            if to_name == self.actor.name:
                raise DeskError("you are already in charge")

        return self._guarded(check, kinds.HANDOVER,
                             payload={"to_name": to_name, "to_role": to_role, "phase": kinds.HANDOVER_OFFERED})

    def accept_handover(self) -> Logged:
        """Take command as offered: once (a second desk accepting the same offer is told who did)."""

        def check() -> None:
            if self.state.handover_offer is None:
                last = next((r for r in reversed(self.state.records) if r.kind == kinds.HANDOVER
                             and r.payload.get("phase") == kinds.HANDOVER_ACCEPTED
                             and not self.state.is_void(r.seq)), None)
                if last is not None:
                    raise DeskError(f"no handover is pending: {last.who.name} took over (#{last.seq})")
                raise DeskError("no handover is pending")
            if self.is_me(self.state.handover_offer.who) or self.in_charge:
                raise DeskError("you are in charge: the other desk accepts the handover")

        return self._guarded(check, kinds.HANDOVER, payload={
            "to_name": self.actor.name, "to_role": self.actor.role, "phase": kinds.HANDOVER_ACCEPTED})

    def close(self, outcome: str) -> Logged:
        if not outcome.strip():
            raise DeskError("closing needs an outcome")
        return self.log(kinds.CLOSED, payload={"outcome": outcome.strip()})

    def fire_due_timers(self, now: datetime | None = None) -> list[Logged]:
        """Log every timer that has come due and not yet rung: exactly once across desks
        (each is written only if nobody wrote meanwhile; else the newest state is checked again)."""
        from dutydesk.journal import StaleState

        now = now or utcnow()
        fired: list[Logged] = []
        for _attempt in range(64):  # each turn writes one timer or learns what another desk wrote
            self.refresh()
            due = self.state.due_timers(now)
            if not due:
                return fired
            timer = due[0]
            try:
                fired.append(self.log(kinds.TIMER_FIRED, step_id=timer.step_id,
                                      payload={"due_at": format_utc(timer.due_at)},
                                      expect_last_seq=self.state.last_seq))
            except StaleState:
                continue  # another desk wrote: maybe this very timer
        return fired
