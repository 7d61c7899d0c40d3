"""An incident at a glance for the terminal: header, steps and timeline."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from dutydesk.plans import Lang
from dutydesk.render.describe import timeline_rows
from dutydesk.safetext import clean

MARK = {"done": "✓", "skipped": "✗", "pending": " ", "inactive": "·"}


def incident_view(desk, lang: Lang) -> RenderableType:
    state, plan, incident = desk.state, desk.plan, desk.incident
    head = Text()
    if state.drill:
        head.append(" DRILL 演练 ", style="bold reverse")
        head.append(" ")
    head.append(clean(plan.title.get(lang)), style="bold")
    head.append(f"  [{incident.id}]  level {state.level}  ")
    head.append(("open" if state.is_open else f"closed: {clean(state.outcome)}") if lang == "en"
                else ("进行中" if state.is_open else f"已结束:{clean(state.outcome)}"))

    steps = Table(box=None, show_header=False, pad_edge=False)
    steps.add_column(width=2)
    steps.add_column()
    for number, step in enumerate(plan.steps, start=1):
        st = state.steps[step.id]
        mark = "▶" if step.id == state.current else MARK[st.status]
        line = Text(f"{number}. ") + Text(clean(step.prompt.get(lang)))
        if st.choice:
            line.append(f"  → {st.choice}")
        steps.add_row(mark, line, style="dim" if st.status == "inactive" else None)

    timeline = Table(box=None, header_style="bold", pad_edge=False)
    for name in ("#", "time", "+", "who", "what"):
        timeline.add_column(name)
    for seq, local, plus, who, what, void in timeline_rows(state, desk.contacts, lang):
        timeline.add_row(str(seq), local, plus, who, what, style="strike dim" if void else None)
    return Group(head, Text(""), steps, Text(""), timeline)
