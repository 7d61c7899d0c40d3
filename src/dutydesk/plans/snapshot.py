"""A plan frozen into an incident: canonical JSON of the plan and what it refers to.

The snapshot holds the plan and the roles and contacts its steps name, so a past
incident replays and exports against the plan exactly as it was run, whatever
happens to the plan files later. ``plan_from_snapshot`` rebuilds it through the
same validation as a plan file.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from dutydesk.plans.catalogs import read_catalog
from dutydesk.plans.loader import Library
from dutydesk.plans.model import Contact, Plan, Role, Step
from dutydesk.plans.problems import PlanError, Problem
from dutydesk.plans.validate import Checker, build_plan

FORMAT = 1


def _step_dict(step: Step) -> dict[str, Any]:
    data: dict[str, Any] = {"id": step.id}
    if step.ask is not None:
        data["ask"] = step.ask.to_dict()
        data["choices"] = [
            {"label": c.label.to_dict(), **({"goto": c.goto} if c.goto else {})} for c in step.choices
        ]
    else:
        data["text"] = step.text.to_dict()  # type: ignore[union-attr]
    for key in ("who", "call", "goto"):
        if getattr(step, key):
            data[key] = getattr(step, key)
    if step.critical:
        data["critical"] = True
    if step.target:
        data["target"] = step.target.text
    if step.remind_after:
        data["remind_after"] = step.remind_after.text
    return data


def plan_dict(plan: Plan) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": plan.id, "title": plan.title.to_dict(), "category": plan.category, "level": plan.level,
        "source": plan.source, "keywords": list(plan.keywords), "steps": [_step_dict(s) for s in plan.steps],
    }
    if plan.summary:
        data["summary"] = plan.summary.to_dict()
    return data


def snapshot_text(plan: Plan, library: Library) -> str:
    """Canonical JSON of the plan with the roles and contacts it names."""
    roles = sorted({s.who for s in plan.steps if s.who})
    contacts = sorted({s.call for s in plan.steps if s.call})
    data = {
        "format": FORMAT,
        "plan": plan_dict(plan),
        "roles": [{"id": r, "name": library.roles[r].name.to_dict()} for r in roles if r in library.roles],
        "contacts": [
            {"id": c, "name": library.contacts[c].name.to_dict(), "number": library.contacts[c].number}
            for c in contacts if c in library.contacts
        ],
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def snapshot_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def plan_from_snapshot(text: str) -> tuple[Plan, dict[str, Role], dict[str, Contact]]:
    """Rebuild the plan, its roles and its contacts from a snapshot."""
    where = Path("<plan snapshot>")
    try:
        data = json.loads(text)
    except (TypeError, ValueError) as exc:
        raise PlanError([Problem(where, 1, f"the plan snapshot is not valid JSON: {exc}")]) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise PlanError([Problem(where, 1, "unknown plan snapshot format")])
    check = Checker(where, {})
    roles = read_catalog(check, "roles", {"roles": data.get("roles", [])}, {})
    contacts = read_catalog(check, "contacts", {"contacts": data.get("contacts", [])}, {})
    plan, problems = build_plan(data.get("plan"), {}, where, roles=roles, contacts=contacts,
                                levels=("I", "II", "III"), origin="snapshot")
    if plan is None or check.problems:
        raise PlanError(check.problems + problems)
    return plan, roles, contacts
