"""Headless journal commands, for scripts and an alarm panel that opens an incident itself.

``dutydesk open``, ``dutydesk log``, ``dutydesk incidents list|show`` and ``dutydesk verify``.
"""

from __future__ import annotations

import argparse
import json
import sys

from dutydesk.commands._common import actor, add_actor_args, fail, guarded, open_journal
from dutydesk.safetext import clean


def register(sub: argparse._SubParsersAction) -> None:
    p_open = sub.add_parser("open", help="open an incident (or a drill) and print its id")
    p_open.add_argument("plan_id", metavar="PLAN_ID")
    p_open.add_argument("--drill", action="store_true", help="a drill, never counted as a real incident")
    p_open.add_argument("--place", default="", help="where it happens")
    p_open.add_argument("--level", choices=["I", "II", "III"], help="severity (default: the plan's)")
    p_open.add_argument("--branch", default=None, help="branch name (default: from settings)")
    p_open.add_argument("--at", metavar="TIME", help="when it really began: 10:02, 2026-11-23 10:02 or ISO")
    p_open.add_argument("--scenario", metavar="FILE|ID",
                        help="with --drill: timed injects from a scenario file (or the id of a bundled one); "
                             "logged with the drill, each inject logged when it comes due on a desk")
    p_open.add_argument("--json", action="store_true", help="print the incident as JSON")
    add_actor_args(p_open)
    p_open.set_defaults(func=guarded(run_open))

    p_log = sub.add_parser("log", help="log one action in an incident")
    p_log.add_argument("incident", metavar="INCIDENT", help="id, unique id prefix, or 'last'")
    what = p_log.add_mutually_exclusive_group(required=True)
    what.add_argument("--done", metavar="STEP", help="a step is done")
    what.add_argument("--skip", metavar="STEP", help="a step is skipped (needs --reason)")
    what.add_argument("--choose", nargs=2, metavar=("STEP", "N"), help="answer question STEP with choice N")
    what.add_argument("--note", metavar="TEXT", help="a note")
    what.add_argument("--call", metavar="CONTACT", help="a call made to a contact of the plan")
    p_log.add_argument("--reason", default="", help="why the step is skipped")
    p_log.add_argument("--outcome", default="", help="outcome of the call")
    p_log.add_argument("--at", metavar="TIME", help="when it really happened: 10:02, 2026-11-23 10:02 or ISO")
    add_actor_args(p_log)
    p_log.set_defaults(func=guarded(run_log))

    p_inc = sub.add_parser("incidents", help="list or show incidents")
    inc_sub = p_inc.add_subparsers(dest="incidents_command", metavar="ACTION", required=True)
    p_list = inc_sub.add_parser("list", help="incidents, newest first")
    p_list.add_argument("--open", action="store_true", help="only open incidents")
    p_list.add_argument("--drill", action="store_true", help="only drills (default: only real incidents)")
    p_list.add_argument("--all", action="store_true", help="real incidents and drills")
    p_list.add_argument("--limit", type=int, default=50)
    p_list.add_argument("--json", action="store_true")
    p_list.set_defaults(func=guarded(run_list))
    p_show = inc_sub.add_parser("show", help="an incident's state and timeline")
    p_show.add_argument("incident", metavar="INCIDENT")
    p_show.add_argument("--json", action="store_true")
    p_show.set_defaults(func=guarded(run_show))

    p_verify = sub.add_parser("verify", help="check the journal's integrity and every hash chain")
    p_verify.add_argument("incident", nargs="?", metavar="INCIDENT")
    p_verify.set_defaults(func=guarded(run_verify))


def _branch(args: argparse.Namespace) -> str:
    if args.branch is not None:
        return args.branch
    from dutydesk.settings import load_settings

    settings, _problems = load_settings()
    return settings.branch


def run_open(args: argparse.Namespace) -> int:
    from dutydesk.desk import Desk
    from dutydesk.plans import load_library
    from dutydesk.plans.validate import suggest

    from dutydesk.whenparse import parse_when_utc

    when = parse_when_utc(args.at) if args.at else None
    library = load_library(user_dir=args.plans)
    if args.plan_id not in library.plans:
        return fail(f"no plan '{args.plan_id}'{suggest(args.plan_id, library.plans)}", "'dutydesk plans list' shows them all")
    scenario = None
    if args.scenario:  # checked before anything is opened
        from dutydesk.scenario import ScenarioError, find_scenario

        if not args.drill:
            return fail("--scenario is for drills: add --drill", "a real incident has no injects")
        try:
            scenario = find_scenario(args.scenario, plans=library.plans)
        except ScenarioError as exc:
            for problem in exc.problems[:-1]:
                print(f"dutydesk: {clean(str(problem))}", file=sys.stderr)
            return fail(str(exc.problems[-1]), "'dutydesk scenarios validate' checks scenario files")
        if not scenario.fits(args.plan_id):
            return fail(f"scenario '{scenario.id}' is written for {', '.join(scenario.plans)}, not '{args.plan_id}'")
    with open_journal(args) as journal:
        desk = Desk.open_new(journal, library, args.plan_id, actor=actor(args), branch=_branch(args),
                             place=args.place, level=args.level, drill=args.drill, happened_at=when)
        if scenario is not None:
            from dutydesk.scenario import attach

            attach(desk, scenario)
        if args.json:
            print(json.dumps({**_incident_dict(desk.incident), **({"scenario": scenario.id} if scenario else {})},
                             ensure_ascii=False))
        else:
            print(desk.id)
    return 0


def run_log(args: argparse.Namespace) -> int:
    from dutydesk.desk import Desk
    from dutydesk.whenparse import parse_when_utc

    when = parse_when_utc(args.at) if args.at else None
    with open_journal(args) as journal:
        desk = Desk(journal, journal.incident(args.incident), actor(args))
        if args.done:
            logged = desk.done(args.done, happened_at=when)
        elif args.skip:
            logged = desk.skip(args.skip, args.reason, happened_at=when)
        elif args.choose:
            step, number = args.choose
            if not number.isdigit():
                return fail(f"the answer must be a number, not '{number}'")
            logged = desk.choose(step, int(number), happened_at=when)
        elif args.note is not None:
            logged = desk.note(args.note, happened_at=when)
        else:
            logged = desk.call(args.call, args.outcome, happened_at=when)
        print(f"logged #{logged.record.seq} {logged.record.kind} in {desk.id}")
    return 0


def _incident_dict(incident) -> dict:
    return {
        "id": incident.id, "plan_id": incident.plan_id,
        "title": {"zh": incident.plan_title_zh, "en": incident.plan_title_en},
        "branch": incident.branch, "place": incident.place, "level": incident.level, "drill": incident.drill,
        "opened_at": incident.opened_at.isoformat(), "opened_by": incident.opened_by,
        "closed_at": incident.closed_at.isoformat() if incident.closed_at else None, "outcome": incident.outcome,
    }


def run_list(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from dutydesk.lang import default_lang

    drill = None if args.all else bool(args.drill)
    with open_journal(args) as journal:
        rows = journal.incidents(open_only=args.open, drill=drill, limit=args.limit)
    if args.json:
        json.dump([_incident_dict(r) for r in rows], sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    lang = args.lang or default_lang()
    table = Table(box=None, header_style="bold", pad_edge=False)
    for name in ("id", "opened" if lang == "en" else "开始", "plan" if lang == "en" else "预案",
                 "level" if lang == "en" else "级别", "status" if lang == "en" else "状态"):
        table.add_column(name)
    for r in rows:
        title = r.plan_title_zh if lang == "zh" else r.plan_title_en
        status = ("open" if lang == "en" else "进行中") if r.closed_at is None else ("closed" if lang == "en" else "已结束")
        if r.drill:
            status += " DRILL" if lang == "en" else " 演练"
        table.add_row(r.id, r.opened_at.astimezone().strftime("%Y-%m-%d %H:%M"), Text(clean(title)), r.level, status)
    Console().print(table)
    return 0


def run_show(args: argparse.Namespace) -> int:
    from rich.console import Console

    from dutydesk.desk import Desk
    from dutydesk.lang import default_lang
    from dutydesk.render.incident import incident_view

    with open_journal(args, readonly=True) as journal:
        incident = journal.incident(args.incident)
        desk = Desk(journal, incident, None)
    if args.json:
        state = desk.state
        print(json.dumps({
            **_incident_dict(incident),
            "current": state.current, "level": state.level,
            "steps": {k: {"status": v.status, "choice": v.choice} for k, v in state.steps.items()},
            "events": len(state.records),
        }, ensure_ascii=False))
        return 0
    Console().print(incident_view(desk, args.lang or default_lang()))
    return 0


def run_verify(args: argparse.Namespace) -> int:
    with open_journal(args, readonly=True) as journal:
        incident_id = journal.resolve(args.incident) if args.incident else None
        report = journal.verify(incident_id)
    integrity = "ok" if report.integrity_ok else "FAILED: " + "; ".join(report.integrity_messages)
    print(f"integrity_check: {clean(integrity)}")
    for check in report.incidents:
        if check.ok:
            print(f"{check.incident_id}  ok      {check.events} events  final hash {check.final_hash}")
        else:
            print(f"{check.incident_id}  BROKEN  {clean(str(check.problem))}")
    if report.orphan_events:
        print(f"{report.orphan_events} event(s) belong to no incident")
    broken = len(report.broken)
    print(f"{len(report.incidents)} incident(s) checked, {broken} broken" + ("" if report.ok else " — keep this file as evidence and restore from a backup"))
    return 0 if report.ok else 1
