"""Two desks, one incident: who did what from where, instructions, handover, conflicts (issue 7).

The supervisor runs the incident at the console; the on-call leader follows it
over SSH on a second ``dutydesk`` on the same journal. Both screens fold the same
events (``Desk.refresh`` every poll), so each sees the other's actions; this module
is what the incident screen adds for two (or more) desks:

- the *who* of every timeline line: name, and ``↗`` when it came over SSH (80
  columns), or name · role · origin in full (120 columns);
- instructions (``i``): an alert on every desk, in reverse video, that stays until
  another desk acknowledges it (``a``); both are logged;
- handover (``h``): the person in charge offers command to someone (name and
  role); every desk shows the pending offer; another desk accepts it (``h``); the
  header always says who is in charge;
- conflicts: a step marked or a question answered by another desk first is
  refused by the desk (nothing written) and said plainly in an alert that stays
  until dismissed; doubles already in the record (``state.conflicts``) are shown
  until one of them is retracted.

Everything from the journal (names, roles, origins, texts) goes into ``Text``
through ``safe``/``clean``: never markup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text

from dutydesk.desk import AlreadyAcknowledged, AlreadySettled, DeskError
from dutydesk.incident import IncidentState, Record
from dutydesk.incident.record import Who
from dutydesk.journal import kinds
from dutydesk.safetext import clean
from dutydesk.tui.i18n import tr
from dutydesk.tui.panels import Alert
from dutydesk.tui.screens.form import Field
from dutydesk.tui.text import hms, safe

if TYPE_CHECKING:
    from dutydesk.plans import Lang

#: the mark of an action that came over SSH (another desk, elsewhere)
REMOTE = "↗"

#: the actions this module adds to the incident screen, and the alerts ``a`` acts on
ACTIONS = ("instruct", "handover", "accept_handover")
ACKABLE = ("not_logged", "refused", "instruction", "timer")

RoleName = Callable[[str], str]


# -- who, from where ---------------------------------------------------------------------

def is_remote(origin: str) -> bool:
    return origin.startswith("ssh:")


def origin_text(origin: str, lang: Lang) -> str:
    """``ssh 10.0.0.8`` or ``console`` (本机): where the desk ran, without the host name."""
    if is_remote(origin):
        address = origin[4:].rpartition("@")[0] or origin[4:]
        return f"ssh {address}"
    if origin.startswith("console"):
        return tr("who.console", lang)
    return origin


def actor_cell(who: Who, role_name: RoleName, lang: Lang, *, wide: bool) -> Text:
    """The timeline's *who*: ``↗李强`` (80 columns), ``李强 · 带班领导 · ssh 10.0.0.8`` (wide)."""
    remote = is_remote(who.origin)
    if not wide:
        out = Text(REMOTE, style="bold") if remote else Text()
        return out + safe(who.name)
    out = safe(who.name, "bold")
    out.append(" · ").append_text(safe(role_name(who.role), "dim"))
    out.append(" · ").append_text(safe(origin_text(who.origin, lang), "bold" if remote else "dim"))
    return out


def actor_line(who: Who, role_name: RoleName, lang: Lang) -> str:
    """``李强 (带班领导, ssh 10.0.0.8)``, cleaned: for alerts and messages."""
    sep = "," if lang == "zh" else ", "
    left, right = ("(", ")") if lang == "zh" else (" (", ")")
    return clean(f"{who.name}{left}{role_name(who.role)}{sep}{origin_text(who.origin, lang)}{right}", limit=80)


# -- what stands out on every desk ------------------------------------------------------

def instruction_alerts(state: IncidentState, is_me: Callable[[Who], bool], role_name: RoleName,
                       lang: Lang) -> list[Alert]:
    """One alert per instruction nobody has acknowledged yet (retracted ones are gone from the fold)."""
    out: list[Alert] = []
    for instruction in state.unacknowledged():
        if is_me(instruction.by):
            text = Text(tr("alert.instruction.mine", lang, seq=instruction.seq), style="bold")
            text.append_text(safe(instruction.text, "bold", limit=160))
            out.append(Alert("instruction_mine", text, seq=instruction.seq))
            continue
        text = Text(tr("alert.instruction", lang, seq=instruction.seq,
                       who=actor_line(instruction.by, role_name, lang)), style="bold reverse")
        text.append_text(safe(instruction.text, "bold reverse", limit=160))
        text.append(tr("alert.instruction.keys", lang), style="bold")
        out.append(Alert("instruction", text, seq=instruction.seq))
    return out


def handover_alert(state: IncidentState, is_me: Callable[[Who], bool], i_am_in_charge: bool,
                   role_name: RoleName, lang: Lang) -> Alert | None:
    offer = state.handover_offer
    if offer is None:
        return None
    to = clean(f"{offer.payload.get('to_name', '')}", limit=40)
    role = clean(role_name(str(offer.payload.get("to_role", ""))), limit=40)
    if is_me(offer.who):
        text = Text(tr("alert.handover.mine", lang, seq=offer.seq, to=to, role=role), style="bold")
        return Alert("handover_mine", text, seq=offer.seq)
    text = Text(tr("alert.handover", lang, seq=offer.seq, who=actor_line(offer.who, role_name, lang),
                   to=to, role=role), style="bold reverse")
    if not i_am_in_charge:
        text.append(tr("alert.handover.keys", lang), style="bold")
    return Alert("handover", text, seq=offer.seq)


def conflict_alerts(state: IncidentState, lang: Lang) -> list[Alert]:
    """Doubles already in the record: the first stands until retracted; say so until one is."""
    out = []
    names = {r.seq: r.who.name for r in state.records}
    for conflict in state.conflicts:
        n = state.plan.position(conflict.step_id) + 1 if state.plan.has_step(conflict.step_id) else "?"
        text = Text(tr("alert.conflict", lang, n=n, first=conflict.first_seq, second=conflict.second_seq,
                       a=clean(names.get(conflict.first_seq, "?"), limit=24),
                       b=clean(names.get(conflict.second_seq, "?"), limit=24)), style="bold")
        out.append(Alert("conflict", text, seq=conflict.second_seq))
    return out


def refusal_alert(exc: DeskError, state: IncidentState, role_name: RoleName, lang: Lang,
                  local: Callable[[datetime], datetime], attempted: int | None = None) -> Alert | None:
    """What this desk tried and was refused because another desk (or this one) did it first."""
    if isinstance(exc, AlreadySettled):
        plan = state.plan
        n = plan.position(exc.step_id) + 1 if plan.has_step(exc.step_id) else "?"
        who = actor_line(exc.by, role_name, lang) if exc.by else "?"
        when = hms(local(exc.at)) if exc.at else "?"
        if exc.choice is not None and plan.has_step(exc.step_id):
            label = plan.step(exc.step_id).choices[exc.choice - 1].label.get(lang)
            status = tr("status.answered", lang, choice=exc.choice, label=clean(label, limit=40))
        else:
            status = tr(f"status.{exc.status}", lang)
        text = Text(tr("refused.settled", lang, n=n, status=status, who=who, time=when, seq=exc.seq),
                    style="bold reverse")
        if attempted is not None and attempted != exc.choice:
            text.append(" " + tr("refused.your_answer", lang, choice=attempted, seq=exc.seq), style="bold")
        text.append(tr("refused.keys", lang), style="bold")
        return Alert("refused", text)
    if isinstance(exc, AlreadyAcknowledged):
        text = Text(tr("refused.acked", lang, target=exc.target, seq=exc.seq,
                       who=actor_line(exc.by, role_name, lang)), style="bold reverse")
        text.append(tr("refused.keys", lang), style="bold")
        return Alert("refused", text)
    return None


def desk_alerts(screen: Any) -> list[Alert]:
    """The alerts of two desks, in the order they are shown (and ``a`` takes them)."""
    desk, state, lang = screen.desk, screen.state, screen.lang
    role_name = screen.role_name
    out: list[Alert] = []
    if screen.refusal is not None:
        out.append(screen.refusal)
    out.extend(conflict_alerts(state, lang))
    out.extend(instruction_alerts(state, desk.is_me, role_name, lang))
    offer = handover_alert(state, desk.is_me, desk.in_charge, role_name, lang)
    if offer is not None:
        out.append(offer)
    return out


def announce(screen: Any, new: Sequence[Record]) -> None:
    """Ring and say what another desk just did that asks something of this one."""
    desk, state, lang = screen.desk, screen.state, screen.lang
    ring = False
    for record in new:
        if desk.is_me(record.who) or state.is_void(record.seq):
            continue
        if record.kind == kinds.INSTRUCTION:
            ring = True
        elif record.kind == kinds.HANDOVER:
            ring = True
            if record.payload.get("phase") == kinds.HANDOVER_ACCEPTED:
                screen.notify(tr("notify.handover", lang, who=actor_line(record.who, screen.role_name, lang)),
                              markup=False)
        elif record.kind == kinds.ACKNOWLEDGED:
            target = next((i for i in state.instructions if i.seq == record.payload.get("seq")), None)
            if target is not None and desk.is_me(target.by):
                screen.notify(tr("notify.acked", lang, who=actor_line(record.who, screen.role_name, lang),
                                 seq=target.seq), markup=False)
    if ring:
        screen.ring()


# -- the incident screen's part -------------------------------------------------------------

class TwoDesks:
    """Mixed into the incident screen: its keys ``i`` and ``h``, its alerts, its refusals.

    Expects the screen's ``desk``, ``state``, ``lang``, ``app``, ``act``, ``_ask``,
    ``redraw_panels``, ``update_bindings``, ``ring``, ``notify``.
    """

    refusal: Alert | None = None

    def role_name(self, role_id: str) -> str:
        role = self.desk.roles.get(role_id) or (self.app.library.roles.get(role_id)
                                                if self.app.library is not None else None)
        return role.name.get(self.lang) if role else role_id

    def check_two_desks(self, action: str) -> bool | None:
        desk = self.desk
        if action == "instruct":
            return True
        if action == "accept_handover":
            return desk.can_accept_handover()
        if action == "handover":
            return desk.in_charge
        return True

    def refused(self, exc: DeskError, attempted: int | None = None) -> None:
        """A refusal by the desk: when another desk did it first, an alert that stays (``a`` dismisses)."""
        alert = refusal_alert(exc, self.state, self.role_name, self.lang, self.app.clock.local, attempted)
        if alert is not None:
            self.refusal = alert
            self.ring()

    def two_desk_alerts(self) -> list[Alert]:
        return desk_alerts(self)

    def announce(self, new: Sequence[Record]) -> None:
        announce(self, new)

    # -- keys -----------------------------------------------------------------------------

    def action_instruct(self) -> None:
        lang = self.lang

        def then(values: dict[str, str]) -> None:
            text = values["text"]
            self.act(tr("ask.instruct", lang), lambda _h: self.desk.instruct(text), timed=False)

        self._ask(tr("ask.instruct", lang), [Field("text", tr("ask.instruct", lang))], then)

    def action_handover(self) -> None:
        lang, desk = self.lang, self.desk
        roles = self.app.library.roles if self.app.library is not None else desk.roles
        choices = [(rid, safe(role.name.get(lang)) + Text(f"  {rid}", style="dim")) for rid, role in roles.items()]
        # the likely one: whoever else has been acting on this incident most recently
        other = next((r.who for r in reversed(self.state.records) if not desk.is_me(r.who)), None)
        name = other.name if other else ""
        role = other.role if other else ("supervisor" if desk.actor.role != "supervisor" else "duty-leader")

        def then(values: dict[str, str]) -> None:
            to_name, to_role = values["name"], values["role"] or role
            self.act(f"⇄ {to_name}", lambda _h: self.desk.offer_handover(to_name, to_role), timed=False)

        self._ask(Text(tr("ask.handover_title", lang), style="bold"), [
            Field("name", tr("ask.handover_name", lang), default=clean(name, limit=60)),
            Field("role", tr("ask.handover_role", lang), default=role, choices=choices or None),
        ], then)

    def action_accept_handover(self) -> None:
        self.act("⇄ ✓", lambda _h: self.desk.accept_handover(), timed=False)
