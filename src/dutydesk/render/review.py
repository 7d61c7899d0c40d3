"""After-action review in the terminal: one incident, or several drills side by side."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from dutydesk.plans import Lang
from dutydesk.review import Review
from dutydesk.safetext import clean

BAR = 24  # width of the chart bars


def clock(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    sign = "-" if seconds < 0 else ""
    seconds = abs(int(seconds))
    return f"{sign}{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 else f"{sign}{seconds // 60}:{seconds % 60:02d}"


WORDS = {
    "en": {"critical": "Critical steps: time from opening", "step": "step", "target": "target", "time": "time",
           "met": "met", "yes": "yes", "no": "NO", "skipped": "Skipped", "never": "Never reached",
           "decisions": "Decisions", "timers": "Timers", "due": "due", "fired": "logged", "late": "late by",
           "drill": "DRILL", "real": "real incident", "duration": "duration", "open": "still open",
           "none": "none", "compare": "Drills side by side", "reason": "reason",
           "pending": "not done", "skipped_s": "skipped", "inactive": "n/a"},
    "zh": {"critical": "关键步骤:自启动起用时", "step": "步骤", "target": "目标", "time": "用时",
           "met": "达标", "yes": "是", "no": "否", "skipped": "跳过的步骤", "never": "未执行的步骤",
           "decisions": "决策", "timers": "计时提醒", "due": "到期", "fired": "记录", "late": "延迟",
           "drill": "演练", "real": "真实事件", "duration": "历时", "open": "尚未结束",
           "none": "无", "compare": "多次演练对比", "reason": "原因",
           "pending": "未完成", "skipped_s": "已跳过", "inactive": "不适用"},
}


def review_view(r: Review, lang: Lang) -> RenderableType:
    w = WORDS[lang]
    head = Text()
    head.append(f" {w['drill']} " if r.drill else f" {w['real']} ", style="bold reverse")
    head.append(f"  {r.incident_id}  {clean(r.plan_id)}  {w['duration']} {clock(r.duration_s) if r.closed_at else w['open']}")
    crit = Table(title=w["critical"], title_justify="left", box=None, header_style="bold", pad_edge=False)
    for name in ("#", w["step"], w["target"], w["time"], w["met"]):
        crit.add_column(name)
    for c in r.critical:
        met = "" if c.met is None else (w["yes"] if c.met else w["no"])
        crit.add_row(str(c.number), Text(clean(c.title[lang])), clock(c.target_s), clock(c.seconds) if c.status == "done" else w["skipped_s" if c.status == "skipped" else c.status],
                     Text(met, style="bold red" if c.met is False else ""))
    parts: list[RenderableType] = [head, Text(""), crit]
    parts.append(Text(f"\n{w['skipped']}: " + (", ".join(f"{s['number']} ({w['reason']}: {clean(s['reason'])})" for s in r.skipped) or w["none"])))
    parts.append(Text(f"{w['never']}: " + (", ".join(r.never_reached) or w["none"])))
    parts.append(Text(f"{w['decisions']}: " + ("; ".join(f"{d['step_id']} → {d['choice']}) {clean(d['label'][lang])} @ {clock(d['seconds'])}" for d in r.decisions) or w["none"])))
    timers = "; ".join(
        f"{t.step_id} {w['due']} {t.due_at[11:19]}Z " + (f"{w['late']} {clock(t.late_s)}" if t.late_s is not None else "—")
        for t in r.timers
    )
    parts.append(Text(f"{w['timers']}: {timers or w['none']}"))
    return Group(*parts)


def compare_view(reviews: Sequence[Review], lang: Lang) -> RenderableType:
    """The same plan's critical-step times across drills, with a bar chart per step."""
    w = WORDS[lang]
    table = Table(title=w["compare"], title_justify="left", box=None, header_style="bold", pad_edge=False)
    table.add_column(w["step"])
    table.add_column(w["target"])
    for r in reviews:
        table.add_column(f"{r.incident_id[:6]}\n{r.opened_at[:10]}")
    steps = {c.step_id: c for r in reviews for c in r.critical}
    for step_id, first in steps.items():
        cells = []
        for r in reviews:
            c = next((c for c in r.critical if c.step_id == step_id), None)
            cells.append(Text(clock(c.seconds) if c and c.seconds is not None else "—", style="bold red" if c and c.met is False else ""))
        table.add_row(Text(f"{first.number}. {clean(first.title[lang])}", overflow="fold"), clock(first.target_s), *cells)
    chart = Table(box=None, show_header=False, pad_edge=False)
    chart.add_column()
    chart.add_column()
    chart.add_column()
    for step_id, first in steps.items():
        values = [next((c.seconds for c in r.critical if c.step_id == step_id), None) for r in reviews]
        known = [v for v in values if v is not None]
        top = max(known + [first.target_s or 0]) or 1
        chart.add_row(Text(f"{first.number}.", style="bold"), "", "")
        for r, value in zip(reviews, values):
            bar = "█" * max(1, round(BAR * value / top)) if value is not None else ""
            chart.add_row("", r.incident_id[:6], Text(f"{bar} {clock(value)}"))
    return Group(table, Text(""), chart)
