"""``dutydesk scenarios list|validate``: the drill scenarios (timed injects) a trainer can attach.

Scenarios come with dutydesk (``data/scenarios``) and from the trainers' own folder
(``<config>/scenarios``, or ``DUTYDESK_SCENARIOS``). A scenario is attached with
``dutydesk open PLAN --drill --scenario FILE|ID`` or when a drill starts in the app.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from dutydesk.commands._common import fail
from dutydesk.safetext import clean


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("scenarios", help="drill scenarios: list them, check scenario files")
    actions = parser.add_subparsers(dest="scenarios_command", metavar="ACTION", required=True)
    p_list = actions.add_parser("list", help="the scenarios, their plans and injects")
    p_list.add_argument("--json", action="store_true")
    p_list.set_defaults(func=run_list)
    p_check = actions.add_parser("validate", help="check scenario files (default: every known one)")
    p_check.add_argument("files", nargs="*", type=Path, metavar="FILE")
    p_check.set_defaults(func=run_validate)


def _plans(args: argparse.Namespace) -> object:
    from dutydesk.plans import load_library

    return load_library(user_dir=args.plans).plans


def run_list(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from dutydesk.lang import default_lang
    from dutydesk.scenario import load_scenarios

    found, problems = load_scenarios(plans=_plans(args))  # type: ignore[arg-type]
    if args.json:
        print(json.dumps([s.to_dict() | {"path": s.path} for s in found.values()], ensure_ascii=False, indent=2))
        return 0
    lang = args.lang or default_lang()
    table = Table(box=None, header_style="bold", pad_edge=False)
    for name in ("id", "plans" if lang == "en" else "预案", "injects" if lang == "en" else "注入",
                 "title" if lang == "en" else "名称"):
        table.add_column(name)
    for s in sorted(found.values(), key=lambda s: s.id):
        last = s.injects[-1].when if s.injects else ""
        table.add_row(s.id, Text(clean(", ".join(s.plans) or "*")), f"{len(s.injects)} → {last}",
                      Text(clean(s.title.get(lang))))
    Console().print(table)
    for problem in problems:
        print(f"⚠ {clean(str(problem))}")
    return 1 if problems else 0


def run_validate(args: argparse.Namespace) -> int:
    from dutydesk.scenario import SUFFIXES, load_scenarios, read_scenario

    plans = _plans(args)
    if args.files:
        problems, count = [], 0
        for path in args.files:
            files = sorted(p for p in path.iterdir() if p.suffix in SUFFIXES) if path.is_dir() else [path]
            for file in files:
                count += 1
                problems.extend(read_scenario(file, plans=plans)[1])  # type: ignore[arg-type]
    else:
        found, problems = load_scenarios(plans=plans)  # type: ignore[arg-type]
        count = len(found) + len({p.path for p in problems})
    for problem in problems:
        print(clean(str(problem)))
    if problems:
        return fail(f"{len(problems)} problem(s) in {len({p.path for p in problems})} of {count} scenario file(s)")
    print(f"{count} scenario file(s) ok")
    return 0
