"""What the incident screen's panels say, as Rich renderables (no widgets, no I/O).

Each function takes the folded state and returns ``Text`` or a table built from
literal ``Text``: the screen puts them into ``Static`` widgets.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.widget import Widget

from dutydesk.incident import IncidentState
from dutydesk.journal import kinds
from dutydesk.plans import END, Contact, Lang, Plan, Role
from dutydesk.tui.clock import Clock
from dutydesk.tui.describe import step_title
from dutydesk.tui.i18n import REPORT_LABELS, pick, tr
from dutydesk.tui.text import countdown, elapsed, hms, safe


@dataclass(frozen=True)
class Alert:
    kind: str          # "not_logged" or "timer"
    text: Text
    seq: int | None = None   # the timer_fired event, for acknowledging


def header(state: IncidentState, lang: Lang, clock: Clock, operator: str, next_at: datetime | None,
           width: int, *, role_name: Callable[[str], str] | None = None) -> RenderableType:
    plan = state.plan
    now = clock.now()
    grid = Table.grid(expand=True)
    grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    grid.add_column(no_wrap=True, justify="right")
    title = Text()
    if state.drill:
        title.append(f"[{tr('drill.mark', lang)}] ", style="bold reverse")
    title.append("▶ ", style="bold")
    title.append_text(safe(plan.title.get(lang), "bold"))
    level = Text(" " + tr("inc.level", lang, level=state.level) + " ", style="bold reverse")
    opened = state.opened_at or now
    end = state.closed_at or now
    clock_text = Text(f"  ⏱ {elapsed(end - opened)}", style="bold")
    grid.add_row(title, level + clock_text)
    parts = []
    if state.in_charge is not None:  # first: who is in charge is never cut off (issue 7)
        charge = Text(tr("inc.in_charge", lang, name=""), style="bold") + safe(state.in_charge.name, "bold")
        if role_name is not None:
            left, right = ("(", ")") if lang == "zh" else (" (", ")")
            charge.append(left).append_text(safe(role_name(state.in_charge.role))).append(right)
        if state.in_charge.origin.startswith("ssh:"):
            charge.append(" ↗", style="bold")
        if state.handover_offer is not None:
            charge.append(" ⇄ ", style="bold").append_text(safe(state.handover_offer.payload.get("to_name", ""), "bold"))
            charge.append("?", style="bold")
        parts.append(charge)
    parts.append(Text(tr("inc.operator", lang, name="")) + safe(operator))
    parts.append(Text(tr("inc.opened", lang, time=hms(clock.local(opened)))))
    second = Text(" · ", style="dim").join(parts)
    right = Text()
    if next_at is not None:
        right = Text(tr("inc.next_at", lang, time=hms(clock.local(next_at))), style="bold reverse")
    grid.add_row(second, right)
    return grid


def drill_banner(lang: Lang, width: int) -> Text:
    """A full line in reverse video: readable without colour."""
    words = f"{tr('drill.banner', lang)}"
    pad = max(0, width - cell_len(words))
    left = pad // 2
    return Text(" " * left + words + " " * (pad - left), style="bold reverse", no_wrap=True)


def closed_banner(state: IncidentState, lang: Lang, clock: Clock) -> Text:
    when = hms(clock.local(state.closed_at)) if state.closed_at else ""
    text = Text(f"■ {tr('closed.banner', lang, time=when, outcome='')}", style="bold")
    return text + safe(state.outcome)


def _target(plan: Plan, goto: str | None, after: str, lang: Lang) -> Text:
    target = goto or after
    if target == END:
        return Text(f"→ {'结束' if lang == 'zh' else 'end'}", style="dim")
    return Text("→ ", style="dim") + step_title(plan, target, lang)


def step_card(state: IncidentState, step_id: str | None, roles: Mapping[str, Role],
              contacts: Mapping[str, Contact], lang: Lang, clock: Clock) -> RenderableType:
    """The step the keys act on: its question or action, numbered answers, who, call."""
    plan = state.plan
    if step_id is None:
        if state.closed_at is not None:
            return closed_banner(state, lang, clock)
        return Text(tr("inc.complete", lang), style="bold")
    step = plan.step(step_id)
    st = state.steps[step_id]
    number = plan.position(step_id) + 1
    head = Text(tr("inc.step_of", lang, n=number, total=len(plan.steps)), style="bold")
    if step.critical:
        head.append("  " + tr("inc.critical", lang), style="bold")
        if step.target:
            head.append(" " + tr("inc.target", lang, target=step.target.text))
    if step.remind_after:
        head.append("  " + tr("inc.timer", lang, after=step.remind_after.text))
    lines: list[RenderableType] = [head]
    prompt = safe(step.prompt.get(lang), "bold")
    lines.append(prompt)
    if step.is_decision:
        after = plan.next_of(step_id)
        for n, choice in enumerate(step.choices, start=1):
            chosen = st.choice == n
            answer = Text(f" {n} ", style="bold" if chosen else "bold reverse", no_wrap=True, overflow="ellipsis")
            answer.append(" ")
            if chosen:
                answer.append("✓ ", style="bold")
            answer.append_text(safe(choice.label.get(lang), "bold"))
            answer.append("  ")
            answer.append_text(_target(plan, choice.goto, after, lang))
            lines.append(answer)
    details = []
    role = roles.get(step.who or "")
    if step.who:
        details.append(Text(tr("inc.who", lang, who="")) + safe(role.name.get(lang) if role else step.who))
    if step.call:
        details.append(call_text(step.call, contacts, lang))
    if details:
        lines.append(Text("  ").join(details))
    status = _status_line(state, step_id, lang, clock)
    if status is not None:
        lines.append(status)
    if step_id != state.current and st.status == "pending":
        lines.append(Text(tr("inc.selected", lang), style="dim"))
    return Group(*lines)


def _status_line(state: IncidentState, step_id: str, lang: Lang, clock: Clock) -> Text | None:
    st = state.steps[step_id]
    when = hms(clock.local(st.at)) if st.at else ""
    who = st.by.name if st.by else ""
    if st.choice is not None:
        label = state.plan.step(step_id).choices[st.choice - 1].label.get(lang)
        return Text(tr("inc.status.answered", lang, choice=st.choice, time=when, who="")) + safe(who) + \
            Text(" ") + safe(label)
    if st.status == "done":
        return Text(tr("inc.status.done", lang, time=when, who=""), style="bold") + safe(who)
    if st.status == "skipped":
        return Text(tr("inc.status.skipped", lang, time=when, who="", reason=""), style="bold") + \
            safe(who) + Text(" ") + safe(st.reason)
    if st.status == "inactive":
        return Text(tr("inc.status.inactive", lang), style="dim")
    return None


def call_text(contact_id: str, contacts: Mapping[str, Contact], lang: Lang, *, called: bool = False) -> Text:
    contact = contacts.get(contact_id)
    name = contact.name.get(lang) if contact else contact_id
    number = contact.number if contact and contact.number else ""
    out = Text("✓ " if called else "☎ ", style="bold")
    if number:
        out.append_text(safe(number, "bold"))
        out.append(" ")
    out.append_text(safe(name))
    if not number:
        out.append(f" ({tr('inc.number_unset', lang)})", style="dim")
    return out


def called_contacts(state: IncidentState) -> set[str]:
    """Contacts with a logged call, or whose call step is done (completing it is the call)."""
    called = {
        str(r.payload.get("contact"))
        for r in state.records
        if r.kind == kinds.CALL_MADE and not state.is_void(r.seq)
    }
    called.update(s.call for s in state.plan.steps if s.call and state.steps[s.id].status == "done")
    return called


def calls_to_make(state: IncidentState) -> list[tuple[str, str]]:
    """(step id, contact id) of the steps with a call that are still possible, in plan order."""
    return [
        (s.id, s.call)
        for s in state.plan.steps
        if s.call and state.steps[s.id].status != "inactive"
    ]


def info_panel(state: IncidentState, contacts: Mapping[str, Contact], lang: Lang, clock: Clock,
               *, report: bool = True) -> RenderableType:
    """Calls to make (☎, ✓ once logged), running timers (⏰) and, if asked, the report count."""
    lines: list[RenderableType] = []
    called = called_contacts(state)
    seen: set[str] = set()
    for _step_id, contact_id in calls_to_make(state):
        if contact_id not in seen:
            seen.add(contact_id)
            lines.append(call_text(contact_id, contacts, lang, called=contact_id in called))
    now = clock.now()
    for timer in sorted((t for t in state.timers.values() if not t.stopped), key=lambda t: t.due_at):
        row = Text("⏰ ", style="bold") + step_title(state.plan, timer.step_id, lang)
        if now >= timer.due_at or timer.fired_seq is not None:
            row.append("  " + tr("inc.overdue", lang, over=countdown(now - timer.due_at)), style="bold reverse")
        else:
            row.append("  " + tr("inc.left", lang, left=countdown(timer.due_at - now)), style="bold")
        lines.append(row)
    if report:
        filled = sum(1 for f in kinds.REPORT_FIELDS if f in state.report and str(state.report[f][0]).strip())
        lines.append(Text(tr("inc.report_count", lang, n=filled, total=len(kinds.REPORT_FIELDS)), style="dim"))
    return Group(*lines)


def report_table(state: IncidentState, lang: Lang, *, selected: str | None = None) -> Table:
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(no_wrap=True, style="bold")
    table.add_column(ratio=1)
    for field in kinds.REPORT_FIELDS:
        value = state.report.get(field)
        text = safe(value[0]) if value and str(value[0]).strip() else Text("—", style="dim")
        table.add_row(Text(pick(REPORT_LABELS[field], lang)), text)
    return table


def alerts_text(alerts: Sequence[Alert], lang: Lang, limit: int = 3) -> Text:
    out = Text()
    for i, alert in enumerate(alerts[:limit]):
        if i:
            out.append("\n")
        out.append_text(alert.text)
    if len(alerts) > limit:
        out.append("\n" + tr("alert.more", lang, n=len(alerts) - limit))
    return out


def timer_alerts(state: IncidentState, lang: Lang, local: Callable[[datetime], datetime]) -> list[Alert]:
    """One alert per timer that rang and is not yet acknowledged (the live desk and the replay)."""
    acked = {
        r.payload.get("seq") for r in state.records
        if r.kind == kinds.ACKNOWLEDGED and not state.is_void(r.seq)
    }
    out: list[Alert] = []
    for timer in sorted(state.timers.values(), key=lambda t: t.due_at):
        if timer.fired_seq is not None and timer.fired_seq not in acked:
            n = state.plan.position(timer.step_id) + 1
            step = state.plan.step(timer.step_id)
            text = Text("⏰ " + tr("timer.due", lang) + " ", style="bold reverse")
            text.append_text(safe(step.prompt.get(lang), "bold reverse", limit=60))
            due = hms(local(timer.due_at))
            text.append(" " + tr("timer.where", lang, n=n, due=due), style="bold reverse")
            text.append(tr("timer.keys", lang), style="bold")
            out.append(Alert("timer", text, seq=timer.fired_seq))
    return out


def incident_layout(drill: bool, timeline: Widget, *, bar: Widget | None = None) -> ComposeResult:
    """The widgets of the incident screen, in order: the live desk and the replay
    compose the same layout, so a replay shows exactly what the desk showed."""
    from textual.containers import Horizontal, VerticalScroll
    from textual.widgets import Static

    from dutydesk.tui.widgets.checklist import Checklist
    from dutydesk.tui.widgets.keybar import KeyBar
    from dutydesk.tui.widgets.prompt import PromptBar

    yield Static(id="inc-header", markup=False)
    if drill:
        yield Static(id="drill-banner", classes="drill-banner", markup=False)
    if bar is not None:
        yield bar
    yield Static(id="inc-closed", markup=False)
    yield Static(id="alerts", markup=False)
    with Horizontal(id="inc-main"):
        yield Checklist(id="checklist")
        with VerticalScroll(id="step-pane", can_focus=False):
            yield Static(id="step-card", markup=False)
            yield Static(id="info", markup=False)
        yield Static(id="report-panel", markup=False)
    yield Static(id="timeline-head", markup=False)
    yield timeline
    yield PromptBar(id="prompt")
    yield KeyBar()
