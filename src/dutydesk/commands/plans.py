"""``dutydesk plans list|show|validate``: the plan library from the command line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from dutydesk import paths
from dutydesk.lang import default_lang
from dutydesk.plans import CATEGORIES, Library, load_library
from dutydesk.safetext import clean


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("plans", help="list, show and validate emergency plans")
    plans_sub = parser.add_subparsers(dest="plans_command", metavar="ACTION", required=True)

    p_list = plans_sub.add_parser("list", help="list the plans")
    p_list.add_argument("--category", choices=list(CATEGORIES), help="only this category")
    p_list.add_argument("--lang", dest="sub_lang", choices=["zh", "en"], help="language of titles")
    p_list.add_argument("--json", action="store_true", help="machine-readable output")
    p_list.set_defaults(func=run_list)

    p_show = plans_sub.add_parser("show", help="draw a plan's decision tree")
    p_show.add_argument("plan_id", metavar="ID")
    p_show.add_argument("--lang", dest="sub_lang", choices=["zh", "en"], help="language of the plan text")
    p_show.set_defaults(func=run_show)

    p_val = plans_sub.add_parser("validate", help="check plan files; exit 1 if any problem")
    p_val.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="plan files or folders (default: all loaded plans)")
    p_val.set_defaults(func=run_validate)


def _lang(args: argparse.Namespace) -> str:
    return getattr(args, "sub_lang", None) or args.lang or default_lang()


def _library(args: argparse.Namespace) -> Library:
    return load_library(user_dir=args.plans)


def _warn_problems(library: Library) -> None:
    if library.problems:
        print(f"dutydesk: {len(library.problems)} problem(s) in plan files; run 'dutydesk plans validate'", file=sys.stderr)


def run_list(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    library = _library(args)
    lang = _lang(args)
    plans = [p for p in library.sorted_plans() if not args.category or p.category == args.category]
    if args.json:
        rows = [
            {"id": p.id, "category": p.category, "level": p.level, "title": p.title.to_dict(),
             "source": p.source, "steps": len(p.steps), "origin": p.origin, "keywords": list(p.keywords)}
            for p in plans
        ]
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    table = Table(box=None, header_style="bold", pad_edge=False)
    for name in (("编号", "类别", "级别", "预案", "步骤") if lang == "zh" else ("ID", "Category", "Level", "Plan", "Steps")):
        table.add_column(name, overflow="fold")
    for plan in plans:
        zh_cat, en_cat = CATEGORIES[plan.category]
        table.add_row(Text(clean(plan.id)), zh_cat if lang == "zh" else en_cat, plan.level,
                      Text(clean(plan.title.get(lang))), str(len(plan.steps)))
    Console().print(table)
    _warn_problems(library)
    return 0


def run_show(args: argparse.Namespace) -> int:
    from rich.console import Console

    from dutydesk.plans.validate import suggest
    from dutydesk.render.plan import plan_view

    library = _library(args)
    if args.plan_id not in library.plans:
        hint = suggest(args.plan_id, library.plans)
        print(f"dutydesk: no plan '{clean(args.plan_id)}'{hint}; 'dutydesk plans list' shows them all", file=sys.stderr)
        return 1
    Console().print(plan_view(library.get(args.plan_id), library, _lang(args)))
    _warn_problems(library)
    return 0


def run_validate(args: argparse.Namespace) -> int:
    user = paths.user_plans_dir(args.plans)
    base = [paths.bundled_plans_dir()] + ([user] if user.is_dir() else [])
    if args.paths:
        library = load_library(base + list(args.paths))
        wanted = [p.resolve() for p in args.paths]
        problems = [pr for pr in library.problems if any(_within(pr.path, w) for w in wanted)]
        checked = [p for p in library.plans.values() if any(_within(Path(p.path), w) for w in wanted)]
    else:
        library = load_library(base)
        problems, checked = list(library.problems), list(library.plans.values())
    for problem in problems:
        print(clean(str(problem)))
    sys.stdout.flush()
    files = {pr.path for pr in problems}
    if problems:
        print(f"{len(problems)} problem(s) in {len(files)} file(s); {len(checked)} plan(s) valid", file=sys.stderr)
        return 1
    print(f"{len(checked)} plan(s) valid")
    return 0


def _within(path: Path, root: Path) -> bool:
    path = path.resolve()
    return path == root or root in path.parents
