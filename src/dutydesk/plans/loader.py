"""Load the plan library: bundled plans and catalogs, then the branch's own.

A broken file never stops the others: its problems are collected and the rest
load. A branch's plan replaces a bundled one with the same id; if the branch's
version is broken, the bundled one stays and the problem is reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from dutydesk import paths
from dutydesk.plans.catalogs import CATALOGS, read_catalog
from dutydesk.plans.model import Contact, Level, Plan, Role
from dutydesk.plans.problems import Problem
from dutydesk.plans.validate import Checker, build_plan
from dutydesk.plans.yamlnodes import YamlProblem, load

PLAN_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Library:
    """Every plan that loaded, the catalogs, and the problems of what did not."""

    plans: Mapping[str, Plan]
    contacts: Mapping[str, Contact]
    roles: Mapping[str, Role]
    levels: Mapping[str, Level]
    problems: tuple[Problem, ...] = ()
    sources: tuple[Path, ...] = field(default=())

    def get(self, plan_id: str) -> Plan:
        return self.plans[plan_id]

    def sorted_plans(self) -> list[Plan]:
        """Plans by category (in the inventory's order), then by level and id."""
        from dutydesk.plans.model import CATEGORIES

        order = {c: i for i, c in enumerate(CATEGORIES)}
        return sorted(self.plans.values(), key=lambda p: (order.get(p.category, 99), p.level, p.id))


def _read(path: Path) -> tuple[Any, dict, list[Problem]]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, {}, [Problem(path, 1, f"not UTF-8 text ({exc.reason} at byte {exc.start}); save the file as UTF-8")]
    except OSError as exc:
        return None, {}, [Problem(path, 1, f"cannot read the file: {exc.strerror or exc}")]
    try:
        data, lines = load(text)
    except YamlProblem as exc:
        return None, {}, [Problem(path, exc.line, exc.message)]
    if data is None:
        return None, {}, [Problem(path, 1, "the file is empty")]
    return data, lines, []


def _files(source: Path) -> list[Path]:
    if source.is_dir():
        return sorted(p for p in source.iterdir() if p.suffix in PLAN_SUFFIXES and p.is_file() and not p.name.startswith("."))
    return [source]


def load_library(
    sources: Iterable[Path] | None = None,
    *,
    user_dir: Path | None = None,
) -> Library:
    """Load plans and catalogs from ``sources`` in order, later ones overriding earlier.

    By default: the bundled plans, then the branch's plans folder if it exists.
    """
    if sources is None:
        user = paths.user_plans_dir(user_dir)
        sources = [paths.bundled_plans_dir()] + ([user] if user.is_dir() else [])
    sources = [Path(s) for s in sources]
    bundled = paths.bundled_plans_dir().resolve()
    problems: list[Problem] = []
    catalogs: dict[str, dict[str, Any]] = {kind: {} for kind in CATALOGS}
    plan_files: list[tuple[Path, Any, dict, str]] = []

    seen: set[Path] = set()
    for source in sources:
        if not source.exists():
            problems.append(Problem(source, 1, "no such file or folder"))
            continue
        origin = "bundled" if source.resolve() == bundled else "branch"
        for path in _files(source):
            if path.resolve() in seen:
                continue
            seen.add(path.resolve())
            data, lines, read_problems = _read(path)
            if read_problems:
                problems.extend(read_problems)
                continue
            kind = path.stem
            if kind in CATALOGS:
                check = Checker(path, lines)
                catalogs[kind] = read_catalog(check, kind, data, catalogs[kind])
                problems.extend(check.problems)
            else:
                plan_files.append((path, data, lines, origin))

    plans: dict[str, Plan] = {}
    defined_in: dict[tuple[str, str], Path] = {}
    for path, data, lines, origin in plan_files:
        plan, plan_problems = build_plan(
            data, lines, path,
            roles=catalogs["roles"], contacts=catalogs["contacts"], levels=catalogs["levels"] or ("I", "II", "III"),
            origin=origin,
        )
        problems.extend(plan_problems)
        if plan is None:
            continue
        key = (plan.id, str(path.parent))
        if key in defined_in:
            problems.append(Problem(path, 1, f"plan id '{plan.id}' is already used by {defined_in[key].name} in the same folder"))
            continue
        defined_in[key] = path
        plans[plan.id] = plan

    return Library(
        plans=MappingProxyType(plans),
        contacts=MappingProxyType(catalogs["contacts"]),
        roles=MappingProxyType(catalogs["roles"]),
        levels=MappingProxyType(catalogs["levels"]),
        problems=tuple(problems),
        sources=tuple(sources),
    )
