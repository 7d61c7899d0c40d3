"""One journal record in words: what the timeline, the follower and the report show.

Everything from the record (notes, names, labels) is untrusted and passes through
``safetext.clean`` into ``Text``; nothing is parsed as markup.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from rich.text import Text

from dutydesk.incident import IncidentState, Record
from dutydesk.journal import kinds
from dutydesk.plans import Contact, Lang, Plan
from dutydesk.safetext import clean

WORDS: dict[str, dict[str, str]] = {
    "en": {
        kinds.OPENED: "opened", kinds.STEP_DONE: "done", kinds.STEP_SKIPPED: "skipped",
        kinds.CHOICE_MADE: "answered", kinds.NOTE: "note", kinds.INSTRUCTION: "INSTRUCTION",
        kinds.ACKNOWLEDGED: "acknowledged", kinds.CALL_MADE: "call", kinds.REPORT_FIELD: "report",
        kinds.LEVEL_CHANGED: "level", kinds.HANDOVER: "handover", kinds.RETRACTED: "retracted",
        kinds.AMENDED: "amended", kinds.TIMER_FIRED: "timer due", kinds.INJECT: "inject",
        kinds.CLOSED: "closed", kinds.EXPORT_UNMASKED: "exported unmasked",
        "drill": "drill", "reason": "reason", "outcome": "outcome", "event": "event",
        "offered": "offered to", "accepted": "accepted by", "happened_at": "happened at",
    },
    "zh": {
        kinds.OPENED: "启动", kinds.STEP_DONE: "完成", kinds.STEP_SKIPPED: "跳过",
        kinds.CHOICE_MADE: "回答", kinds.NOTE: "备注", kinds.INSTRUCTION: "指令",
        kinds.ACKNOWLEDGED: "已确认", kinds.CALL_MADE: "电话", kinds.REPORT_FIELD: "报告",
        kinds.LEVEL_CHANGED: "级别", kinds.HANDOVER: "交接", kinds.RETRACTED: "撤销",
        kinds.AMENDED: "更正", kinds.TIMER_FIRED: "计时到期", kinds.INJECT: "演练情景",
        kinds.CLOSED: "结束", kinds.EXPORT_UNMASKED: "未脱敏导出",
        "drill": "演练", "reason": "原因", "outcome": "结果", "event": "事件",
        "offered": "移交给", "accepted": "接手", "happened_at": "发生时间",
    },
}

FIELDS: dict[str, tuple[str, str]] = {
    "place": ("地点", "Place"), "time": ("时间", "Time"), "cause": ("原因", "Cause"),
    "nature": ("性质", "Nature"), "amount": ("涉及金额", "Amount involved"),
    "people": ("涉及人数", "People involved"), "harm": ("主要危害", "Main harm"),
    "customer_reaction": ("客户反应", "Customers' reaction"), "trend": ("事态发展", "Trend"),
    "measures": ("已采取措施", "Measures taken"),
}


def field_name(field: str, lang: Lang) -> str:
    zh, en = FIELDS.get(field, (field, field))
    return zh if lang == "zh" else en


def kind_word(kind: str, lang: Lang) -> str:
    return WORDS[lang].get(kind, kind)


def elapsed(since: datetime | None, moment: datetime) -> str:
    """``+H:MM:SS`` from the opening (``-`` before it)."""
    if since is None:
        return ""
    seconds = int((moment - since) / timedelta(seconds=1))
    sign = "-" if seconds < 0 else "+"
    seconds = abs(seconds)
    return f"{sign}{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _step_text(plan: Plan, step_id: str | None, lang: Lang) -> str:
    if step_id and plan.has_step(step_id):
        return f"{plan.position(step_id) + 1}. {plan.step(step_id).prompt.get(lang)}"
    return step_id or ""


def _change(key: str, value: object, lang: Lang) -> str:
    """One field of an amendment; a corrected time is shown in local time."""
    if key == "happened_at" and isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is not None:
            return f"{WORDS[lang]['happened_at']} → {moment.astimezone().strftime('%Y-%m-%d %H:%M:%S')}"
    return f"{key}={value}"


def describe(record: Record, plan: Plan, contacts: Mapping[str, Contact], lang: Lang) -> Text:
    """What happened, in one line, without the time or actor."""
    words = WORDS[lang]
    p = record.payload
    kind = record.kind
    out = Text(kind_word(kind, lang), style="bold")
    out.append(" ")

    def add(value: object) -> None:
        out.append(clean(value))

    if kind in (kinds.STEP_DONE, kinds.STEP_SKIPPED, kinds.TIMER_FIRED):
        add(_step_text(plan, record.step_id, lang))
        if kind == kinds.STEP_SKIPPED:
            add(f" — {words['reason']}: {p.get('reason', '')}")
    elif kind == kinds.CHOICE_MADE:
        add(_step_text(plan, record.step_id, lang))
        label = p.get("label")
        label_text = label.get(lang, "") if isinstance(label, Mapping) else (label or "")
        add(f" → {p.get('choice')}) {label_text}")
    elif kind == kinds.INJECT:
        from dutydesk.scenario import inject_text, offset_text

        if isinstance(p.get("at"), int | float):
            add(f"{offset_text(p['at'])} ")
        add(inject_text(p, lang))
    elif kind in (kinds.NOTE, kinds.INSTRUCTION):
        add(p.get("text", ""))
    elif kind == kinds.ACKNOWLEDGED:
        add(f"#{p.get('seq')}")
    elif kind == kinds.CALL_MADE:
        contact = contacts.get(str(p.get("contact")))
        name = contact.name.get(lang) if contact else p.get("contact", "")
        add(f"☎ {name} {p.get('number', '')}")
        if p.get("outcome"):
            add(f" — {p.get('outcome')}")
    elif kind == kinds.REPORT_FIELD:
        add(f"{field_name(str(p.get('field')), lang)}: {p.get('value', '')}")
    elif kind == kinds.LEVEL_CHANGED:
        add(f"→ {p.get('level')} — {words['reason']}: {p.get('reason', '')}")
    elif kind == kinds.HANDOVER:
        phase = words["accepted"] if p.get("phase") == kinds.HANDOVER_ACCEPTED else words["offered"]
        add(f"{phase} {p.get('to_name', '')} ({p.get('to_role', '')})")
    elif kind in (kinds.RETRACTED, kinds.AMENDED):
        add(f"{words['event']} #{p.get('seq')} — {words['reason']}: {p.get('reason', '')}")
        if kind == kinds.AMENDED and p.get("changes"):
            add(" " + ", ".join(_change(k, v, lang) for k, v in dict(p["changes"]).items()))
    elif kind == kinds.OPENED:
        add(f"{p.get('level', '')}")
        if p.get("drill"):
            add(f" {words['drill']}")
        if p.get("place"):
            add(f" @ {p.get('place')}")
    elif kind == kinds.CLOSED:
        add(f"{words['outcome']}: {p.get('outcome', '')}")
    elif kind == kinds.EXPORT_UNMASKED:
        add(f"{p.get('format', '')} → {p.get('path', '')}")
    return out


def timeline_rows(state: IncidentState, contacts: Mapping[str, Contact], lang: Lang):
    """(seq, local time, +elapsed, actor, description, void) for every record."""
    for record in state.records:
        local = record.happened_at.astimezone().strftime("%H:%M:%S")
        if record.happened_at != record.recorded_at:
            local += "*"
        who = clean(record.who.name, limit=16)
        yield record.seq, local, elapsed(state.opened_at, record.happened_at), who, describe(record, state.plan, contacts, lang), state.is_void(record.seq)
