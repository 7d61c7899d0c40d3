"""One journal record as a line of the timeline: a mark, then what happened.

Marks carry the meaning without colour (✓ done, ✗ skipped, ? answered, ☎ call,
✎ note, ⏰ timer, ▲▼ level, ↶ retracted, ■ closed). All data in the line (notes,
names, plan text) goes in as literal ``Text``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from rich.text import Text

from dutydesk.incident import IncidentState, Record
from dutydesk.journal import kinds
from dutydesk.plans import Contact, Lang, Plan
from dutydesk.plans import Text as PlanText
from dutydesk.tui.i18n import KINDS, REPORT_LABELS, pick, tr
from dutydesk.tui.text import safe

MARKS = {
    kinds.OPENED: "▶", kinds.STEP_DONE: "✓", kinds.STEP_SKIPPED: "✗", kinds.CHOICE_MADE: "?",
    kinds.NOTE: "✎", kinds.INSTRUCTION: "➜", kinds.ACKNOWLEDGED: "✓", kinds.CALL_MADE: "☎",
    kinds.REPORT_FIELD: "▤", kinds.LEVEL_CHANGED: "▲", kinds.HANDOVER: "⇄", kinds.RETRACTED: "↶",
    kinds.AMENDED: "✎", kinds.TIMER_FIRED: "⏰", kinds.INJECT: "◆", kinds.CLOSED: "■",
}


def step_title(plan: Plan, step_id: str | None, lang: Lang) -> Text:
    """``7. Is anyone injured?`` (or the raw id if the plan has no such step)."""
    if not step_id or not plan.has_step(step_id):
        return safe(step_id or "")
    step = plan.step(step_id)
    return Text(f"{plan.position(step_id) + 1}. ") + safe(step.prompt.get(lang))


def _label(value: object, lang: Lang) -> Text:
    if isinstance(value, Mapping):
        return safe(value.get(lang) or value.get("zh") or value.get("en") or "")
    return safe(value)


def effective_time(record: Record, state: IncidentState) -> tuple[datetime, bool]:
    """When the record happened, after any amendment of its time; and whether it was amended."""
    moment, amended = record.happened_at, False
    for amendment in state.amendments.get(record.seq, ()):
        value = (amendment.payload.get("changes") or {}).get("happened_at")
        if isinstance(value, str):
            try:
                moment, amended = datetime.fromisoformat(value.replace("Z", "+00:00")), True
            except ValueError:
                pass
    return moment, amended


def describe(record: Record, state: IncidentState, contacts: Mapping[str, Contact], lang: Lang,
             *, local: Callable[[datetime], datetime] | None = None,
             role_name: Callable[[str], str] | None = None) -> Text:
    """What ``record`` says, for the timeline's last column."""
    plan = state.plan
    p = record.payload
    kind = record.kind
    mark = MARKS.get(kind, "·")
    verb = pick(KINDS.get(kind, (kind, kind)), lang)
    out = Text()
    if state.is_void(record.seq):
        by = state.retracted[record.seq].seq
        out.append(f"↶#{by} ", style="bold")
    out.append(f"{mark} ", style="bold")
    if kind == kinds.OPENED:
        out.append(f"{verb}: ")
        out.append_text(safe(plan.title.get(lang)))
        out.append(" · " + tr("inc.level", lang, level=str(p.get("level", ""))))
        if p.get("drill"):
            out.append(" · " + tr("drill.mark", lang), style="bold")
    elif kind in (kinds.STEP_DONE, kinds.TIMER_FIRED):
        out.append(f"{verb} ")
        out.append_text(step_title(plan, record.step_id, lang))
    elif kind == kinds.STEP_SKIPPED:
        out.append(f"{verb} ")
        out.append_text(step_title(plan, record.step_id, lang))
        out.append(" — ").append_text(safe(p.get("reason", "")))
    elif kind == kinds.CHOICE_MADE:
        out.append(f"{verb} ")
        out.append_text(step_title(plan, record.step_id, lang))
        out.append(f" → {p.get('choice')} ").append_text(_label(p.get("label", ""), lang))
    elif kind == kinds.INJECT:
        from dutydesk.scenario import inject_text, offset_text

        out.append(f"{verb} " + (f"{offset_text(p['at'])}: " if isinstance(p.get("at"), int | float) else ": "))
        out.append_text(safe(inject_text(p, lang)))
    elif kind in (kinds.NOTE, kinds.INSTRUCTION):
        if kind != kinds.NOTE:
            out.append(f"{verb}: ")
        out.append_text(safe(p.get("text", "")))
    elif kind == kinds.CALL_MADE:
        contact = contacts.get(str(p.get("contact", "")))
        name = contact.name.get(lang) if contact else p.get("contact", "")
        out.append_text(safe(name)).append(" ").append_text(safe(p.get("number", "")))
        out.append(": ").append_text(safe(p.get("outcome", "")))
    elif kind == kinds.REPORT_FIELD:
        field = str(p.get("field", ""))
        out.append(pick(REPORT_LABELS.get(field, (field, field)), lang) + ": ")
        out.append_text(safe(p.get("value", "")))
    elif kind == kinds.LEVEL_CHANGED:
        out.append(f"{verb} → {p.get('level')}: ").append_text(safe(p.get("reason", "")))
    elif kind == kinds.HANDOVER:
        role = str(p.get("to_role", ""))
        if p.get("phase") == kinds.HANDOVER_ACCEPTED:
            out.append(pick(("接手指挥", "took over command"), lang))
        else:
            out.append(pick(("提出移交指挥权给 ", "offered command to "), lang)).append_text(safe(p.get("to_name", "")))
            left, right = ("(", ")") if lang == "zh" else (" (", ")")
            out.append(left).append_text(safe(role_name(role) if role_name else role)).append(right)
    elif kind in (kinds.RETRACTED, kinds.ACKNOWLEDGED):
        out.append(f"{verb} #{p.get('seq')}")
        if p.get("reason"):
            out.append(": ").append_text(safe(p.get("reason", "")))
    elif kind == kinds.AMENDED:
        out.append(f"{verb} #{p.get('seq')}")
        when = (p.get("changes") or {}).get("happened_at")
        if isinstance(when, str) and local is not None:
            try:
                moment = local(datetime.fromisoformat(when.replace("Z", "+00:00")))
                out.append(f" → {moment:%H:%M:%S}")
            except ValueError:
                pass
        if p.get("reason"):
            out.append(": ").append_text(safe(p.get("reason", "")))
    elif kind == kinds.CLOSED:
        out.append(f"{verb}: ").append_text(safe(p.get("outcome", "")))
    else:
        out.append(verb)
    if state.is_void(record.seq):
        out.stylize("strike dim")
    return out


def plan_text(value: PlanText | None, lang: Lang) -> Text:
    return safe(value.get(lang)) if value is not None else Text()
