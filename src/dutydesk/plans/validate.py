"""Turn the plain data of one plan file into a ``Plan``, or say precisely what is wrong.

Every problem carries the line it is on. The checks, in the order a plan writer
meets them: keys (unknown ones get a "did you mean"), required fields, bilingual
text, ids, references to roles and contacts, durations, decisions (2 to 9 choices),
then the flow: every ``goto`` resolves, every step is reachable from the first,
and no loop lacks a way out.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

from dutydesk.plans.duration import FORMS, Duration, parse_duration
from dutydesk.plans.model import CATEGORIES, END, LANGS, Choice, Plan, Step, Text
from dutydesk.plans.problems import Problem
from dutydesk.plans.yamlnodes import line_of

PLAN_KEYS = ("id", "title", "summary", "category", "level", "source", "keywords", "steps")
PLAN_REQUIRED = ("id", "title", "category", "level", "source", "steps")
STEP_KEYS = ("id", "text", "ask", "choices", "who", "call", "critical", "target", "remind_after", "goto")
CHOICE_KEYS = ("label", "goto")
MAX_CHOICES = 9
ID_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


def suggest(word: object, options: Iterable[str]) -> str:
    """' (did you mean 'x'?)' when something close exists, else ''."""
    match = difflib.get_close_matches(str(word), list(options), n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""


class Checker:
    """Collects problems for one file, each placed on its line."""

    def __init__(self, path: Path, lines: dict[tuple[Any, ...], int]):
        self.path = path
        self.lines = lines
        self.problems: list[Problem] = []

    def add(self, where: tuple[Any, ...], message: str) -> None:
        self.problems.append(Problem(self.path, line_of(self.lines, where), message))

    def mapping(self, value: Any, where: tuple[Any, ...], what: str) -> dict[str, Any] | None:
        if isinstance(value, dict):
            return value
        self.add(where, f"{what} must be a mapping of keys and values")
        return None

    def known_keys(self, data: dict[str, Any], allowed: Collection[str], where: tuple[Any, ...], what: str) -> None:
        for key in data:
            if key not in allowed:
                hint = suggest(key, allowed)
                if not hint and not str(key).isascii():
                    hint = "; a ',' or ': ' inside unquoted text splits it: put the text in quotes"
                self.add(where + (key,), f"unknown key '{key}' in {what}{hint}")

    def text(self, value: Any, where: tuple[Any, ...], what: str) -> Text | None:
        if isinstance(value, str):
            self.add(where, f"{what} must have both 'zh' and 'en' (found a single string)")
            return None
        data = self.mapping(value, where, what)
        if data is None:
            return None
        self.known_keys(data, LANGS, where, what)
        parts: dict[str, str] = {}
        for lang in LANGS:
            item = data.get(lang)
            if item is None or (isinstance(item, str) and not item.strip()):
                self.add(where, f"missing '{lang}' in {what}")
            elif not isinstance(item, str | int | float) or isinstance(item, bool):
                self.add(where + (lang,), f"'{lang}' in {what} must be text")
            else:
                parts[lang] = str(item).strip()
        return Text(parts["zh"], parts["en"]) if len(parts) == 2 else None

    def identifier(self, value: Any, where: tuple[Any, ...], what: str) -> str | None:
        if not isinstance(value, str) or not ID_RE.fullmatch(value):
            self.add(where, f"{what} {_show(value)} must be lowercase letters, digits and dashes")
            return None
        if value == END:
            self.add(where, f"{what} cannot be '{END}': it is reserved for the end of the plan")
            return None
        return value

    def duration(self, value: Any, where: tuple[Any, ...], what: str) -> Duration | None:
        duration = parse_duration(value)
        if duration is None:
            self.add(where, f"bad duration {_show(value)} for '{what}': write it as {FORMS}")
        return duration

    def reference(self, value: Any, known: Collection[str], where: tuple[Any, ...], what: str) -> str | None:
        if not isinstance(value, str) or value not in known:
            self.add(where, f"unknown {what} {_show(value)}{suggest(value, known)}")
            return None
        return value


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 60 else text[:57] + "...'"


def build_plan(
    data: Any,
    lines: dict[tuple[Any, ...], int],
    path: Path,
    *,
    roles: Collection[str],
    contacts: Collection[str],
    levels: Collection[str],
    origin: str = "bundled",
) -> tuple[Plan | None, list[Problem]]:
    """Check one plan's data; return the plan (None if anything is wrong) and the problems."""
    check = Checker(path, lines)
    plan = _build(check, data, path, roles, contacts, levels, origin)
    return (plan if not check.problems else None), check.problems


def _build(check: Checker, data: Any, path: Path, roles, contacts, levels, origin) -> Plan | None:
    root = check.mapping(data, (), "a plan file")
    if root is None:
        return None
    check.known_keys(root, PLAN_KEYS, (), "the plan")
    for key in PLAN_REQUIRED:
        if key not in root:
            check.add((), f"missing required key '{key}'")

    plan_id = check.identifier(root["id"], ("id",), "plan id") if "id" in root else None
    if plan_id and origin != "snapshot" and path.suffix in (".yaml", ".yml") and path.stem != plan_id:
        check.add(("id",), f"plan id '{plan_id}' does not match the file name '{path.name}'; name the file '{plan_id}.yaml'")
    title = check.text(root["title"], ("title",), "title") if "title" in root else None
    summary = check.text(root["summary"], ("summary",), "summary") if root.get("summary") is not None else None
    category = root.get("category")
    if "category" in root and category not in CATEGORIES:
        check.add(("category",), f"unknown category {_show(category)}{suggest(category, CATEGORIES)}; use one of: {', '.join(CATEGORIES)}")
    level = root.get("level")
    if "level" in root and str(level) not in levels:
        check.add(("level",), f"unknown level {_show(level)}; use one of: {', '.join(levels)}")
    source = root.get("source")
    if "source" in root and (not isinstance(source, str) or not source.strip()):
        check.add(("source",), "source must name where in the documents the plan comes from")
    keywords = root.get("keywords") or []
    if not isinstance(keywords, list) or not all(isinstance(k, str | int) for k in keywords):
        check.add(("keywords",), "keywords must be a list of words")
        keywords = []

    steps = _steps(check, root.get("steps"), roles, contacts) if "steps" in root else ()
    if check.problems or not plan_id or not title or not steps:
        return None
    plan = Plan(
        id=plan_id,
        title=title,
        category=str(category),
        level=str(level),
        source=str(source).strip(),
        steps=steps,
        keywords=tuple(str(k) for k in keywords),
        summary=summary,
        path=str(path),
        origin=origin,  # type: ignore[arg-type]
    )
    _check_flow(check, plan)
    return plan


def _steps(check: Checker, raw: Any, roles, contacts) -> tuple[Step, ...]:
    if not isinstance(raw, list) or not raw:
        check.add(("steps",), "steps must be a non-empty list")
        return ()
    steps: list[Step] = []
    first_line: dict[str, int] = {}
    for index, item in enumerate(raw):
        where = ("steps", index)
        step = _step(check, item, where, roles, contacts)
        if step is None:
            continue
        if step.id in first_line:
            check.add(where + ("id",), f"duplicate step id '{step.id}' (first on line {first_line[step.id]})")
            continue
        first_line[step.id] = step.line
        steps.append(step)
    _check_gotos(check, raw, set(first_line))
    return tuple(steps)


def _step(check: Checker, item: Any, where: tuple[Any, ...], roles, contacts) -> Step | None:
    data = check.mapping(item, where, "a step")
    if data is None:
        return None
    count = len(check.problems)
    check.known_keys(data, STEP_KEYS, where, "a step")
    step_id = check.identifier(data.get("id"), where + ("id",), "step id") if "id" in data else None
    if "id" not in data:
        check.add(where, "a step needs an 'id'")
    name = f"step '{step_id}'" if step_id else "a step"

    text = ask = None
    choices: tuple[Choice, ...] = ()
    if ("text" in data) == ("ask" in data):
        check.add(where, f"{name} needs either 'text' (an action) or 'ask' (a question), not {'both' if 'text' in data else 'neither'}")
    elif "text" in data:
        text = check.text(data["text"], where + ("text",), f"the text of {name}")
        if "choices" in data:
            check.add(where + ("choices",), f"{name} has choices but no question: use 'ask' instead of 'text'")
    else:
        ask = check.text(data["ask"], where + ("ask",), f"the question of {name}")
        choices = _choices(check, data.get("choices"), where, name)
        if "goto" in data:
            check.add(where + ("goto",), f"{name} is a question: put 'goto' on its choices")

    who = check.reference(data["who"], roles, where + ("who",), "role") if data.get("who") is not None else None
    call = check.reference(data["call"], contacts, where + ("call",), "contact") if data.get("call") is not None else None
    critical = data.get("critical", False)
    if not isinstance(critical, bool):
        check.add(where + ("critical",), f"'critical' of {name} must be true or false")
    target = check.duration(data["target"], where + ("target",), "target") if "target" in data else None
    if target and critical is not True:
        check.add(where + ("target",), f"{name} has a target time but is not marked 'critical: true'")
    remind = check.duration(data["remind_after"], where + ("remind_after",), "remind_after") if "remind_after" in data else None
    goto = data.get("goto")
    if goto is not None and not isinstance(goto, str):
        check.add(where + ("goto",), f"goto of {name} must be a step id or '{END}'")

    if len(check.problems) > count or step_id is None:
        return None
    return Step(
        id=step_id,
        line=line_of(check.lines, where),
        text=text,
        ask=ask,
        choices=choices,
        who=who,
        call=call,
        critical=critical,
        target=target,
        remind_after=remind,
        goto=goto if ask is None else None,
    )


def _choices(check: Checker, raw: Any, where: tuple[Any, ...], name: str) -> tuple[Choice, ...]:
    if raw is None:
        check.add(where, f"{name} asks a question but has no 'choices'")
        return ()
    if not isinstance(raw, list):
        check.add(where + ("choices",), f"choices of {name} must be a list")
        return ()
    if not 2 <= len(raw) <= MAX_CHOICES:
        check.add(where + ("choices",), f"{name} has {len(raw)} choice{'s' if len(raw) != 1 else ''}; a question needs 2 to {MAX_CHOICES}")
    choices = []
    for number, item in enumerate(raw, start=1):
        here = where + ("choices", number - 1)
        data = check.mapping(item, here, f"choice {number} of {name}")
        if data is None:
            continue
        check.known_keys(data, CHOICE_KEYS, here, f"choice {number} of {name}")
        if "label" not in data:
            check.add(here, f"choice {number} of {name} needs a 'label'")
            continue
        label = check.text(data["label"], here + ("label",), f"the label of choice {number} of {name}")
        goto = data.get("goto")
        if goto is not None and not isinstance(goto, str):
            check.add(here + ("goto",), f"goto of choice {number} of {name} must be a step id or '{END}'")
            continue
        if label:
            choices.append(Choice(label, goto))
    return tuple(choices)


def _check_gotos(check: Checker, raw: list[Any], ids: set[str]) -> None:
    targets = ids | {END}
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            continue
        name = f"step '{item.get('id')}'"
        goto = item.get("goto")
        if isinstance(goto, str) and "ask" not in item and goto not in targets:
            check.add(("steps", index, "goto"), f"goto '{goto}' in {name}: no such step{suggest(goto, targets)}")
        for number, choice in enumerate(item.get("choices") or [], start=1):
            goto = choice.get("goto") if isinstance(choice, dict) else None
            if isinstance(goto, str) and goto not in targets:
                check.add(("steps", index, "choices", number - 1, "goto"), f"goto '{goto}' in choice {number} of {name}: no such step{suggest(goto, targets)}")


def _check_flow(check: Checker, plan: Plan) -> None:
    """Every step reachable from the first; from every reachable step, a way to the end."""
    edges = {step.id: plan.successors(step) for step in plan.steps}
    reached: set[str] = set()
    todo = [plan.steps[0].id]
    while todo:
        current = todo.pop()
        if current in reached or current == END:
            continue
        reached.add(current)
        todo.extend(edges[current])
    for step in plan.steps:
        if step.id not in reached:
            check.add(("steps", plan.position(step.id)), f"step '{step.id}' is unreachable: no step leads to it")

    # Walk backwards from END to find the steps that can finish.
    finishing: set[str] = set()
    changed = True
    while changed:
        changed = False
        for step_id, nexts in edges.items():
            if step_id not in finishing and any(n == END or n in finishing for n in nexts):
                finishing.add(step_id)
                changed = True
    trapped = {s.id for s in plan.steps if s.id in reached and s.id not in finishing}
    # Name the loop itself, not every step upstream of it.
    in_loop = [s for s in plan.steps if s.id in trapped and _returns_to(s.id, edges)]
    if in_loop:
        names = ", ".join(f"'{s.id}'" for s in in_loop)
        check.add(("steps", plan.position(in_loop[0].id)), f"loop with no way out: step{'s' if len(in_loop) > 1 else ''} {names} can never reach the end of the plan")


def _returns_to(start: str, edges: dict[str, list[str]]) -> bool:
    seen: set[str] = set()
    todo = list(edges[start])
    while todo:
        current = todo.pop()
        if current == start:
            return True
        if current in seen or current not in edges:
            continue
        seen.add(current)
        todo.extend(edges[current])
    return False
