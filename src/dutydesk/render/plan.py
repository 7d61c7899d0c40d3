"""A plan drawn with Rich: its header and the decision tree of its steps.

All plan text goes through ``safetext.clean`` into ``Text`` objects: a plan file
is untrusted input and its text is never parsed as markup.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from dutydesk.plans import CATEGORIES, END, Lang, Library, Plan, Step
from dutydesk.safetext import clean

LABELS = {
    "zh": {"category": "类别", "level": "级别", "source": "出处", "steps": "步骤", "end": "结束",
           "then": "转到", "call": "呼叫", "timer": "提醒", "critical": "关键", "target": "目标",
           "unset": "号码待设置", "id": "编号"},
    "en": {"category": "Category", "level": "Level", "source": "Source", "steps": "Steps", "end": "end",
           "then": "go to", "call": "call", "timer": "remind after", "critical": "critical",
           "target": "target", "unset": "number not set", "id": "ID"},
}


def t(value: object) -> Text:
    """Untrusted text as a Rich ``Text``: literal, controls escaped."""
    return Text(clean(value))


def plan_header(plan: Plan, library: Library, lang: Lang) -> Table:
    words = LABELS[lang]
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    grid.add_row(Text(words["id"]), t(plan.id))
    zh_cat, en_cat = CATEGORIES.get(plan.category, (plan.category, plan.category))
    grid.add_row(Text(words["category"]), Text(zh_cat if lang == "zh" else en_cat))
    level = library.levels.get(plan.level)
    grid.add_row(Text(words["level"]), t(level.name.get(lang) if level else plan.level))
    grid.add_row(Text(words["source"]), t(plan.source))
    if plan.summary:
        grid.add_row(Text(""), t(plan.summary.get(lang)))
    return grid


def _target_label(plan: Plan, target: str | None, lang: Lang) -> Text:
    words = LABELS[lang]
    if target is None or target == END:
        return Text(f"→ {words['end']}", style="dim")
    number = plan.position(target) + 1
    return Text(f"→ {number}. ", style="dim") + t(plan.step(target).prompt.get(lang))


def step_line(plan: Plan, step: Step, library: Library, lang: Lang) -> Text:
    """One step as a line: number, text, who, and marks for critical and timers."""
    words = LABELS[lang]
    line = Text(f"{plan.position(step.id) + 1}. ", style="bold")
    line.append_text(t(step.prompt.get(lang)))
    if step.is_decision:
        line.stylize("bold")
    if step.who:
        role = library.roles.get(step.who)
        line.append("  [", style="dim").append_text(t(role.name.get(lang) if role else step.who)).append("]", style="dim")
    if step.critical:
        line.append(f"  ★ {words['critical']}", style="bold red")
        if step.target:
            line.append(f" ≤{step.target}", style="red")
    if step.remind_after:
        line.append(f"  ⏰ {words['timer']} {step.remind_after}", style="yellow")
    return line


def call_line(step: Step, library: Library, lang: Lang) -> Text | None:
    if not step.call:
        return None
    words = LABELS[lang]
    contact = library.contacts.get(step.call)
    name = contact.name.get(lang) if contact else step.call
    number = contact.number if contact and contact.number else words["unset"]
    return Text(f"☎ {words['call']} ", style="cyan") + t(name) + Text(" ") + t(number)


def plan_tree(plan: Plan, library: Library, lang: Lang) -> Tree:
    """The steps in order; decisions branch into their numbered choices."""
    words = LABELS[lang]
    tree = Tree(t(plan.title.get(lang)), guide_style="dim")
    for step in plan.steps:
        node = tree.add(step_line(plan, step, library, lang))
        if call := call_line(step, library, lang):
            node.add(call)
        if step.is_decision:
            after = plan.next_of(step.id)
            for number, choice in enumerate(step.choices, start=1):
                label = Text(f"{number}) ", style="bold") + t(choice.label.get(lang)) + Text("  ")
                node.add(label + _target_label(plan, choice.goto or after, lang))
        elif step.goto:
            node.add(Text(f"{words['then']} ", style="dim") + _target_label(plan, step.goto, lang))
    return tree


def plan_view(plan: Plan, library: Library, lang: Lang) -> RenderableType:
    return Group(plan_header(plan, library, lang), Text(""), plan_tree(plan, library, lang))
