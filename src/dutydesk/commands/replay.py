"""``dutydesk replay INCIDENT``: the incident screen driven by its recorded events, read-only.

In a terminal it opens the app straight on the replay (the journal opened
read-only: nothing can be written). ``--print`` prints the incident as it stood at
one moment (``--at``: an event ``#57``, a time ``10:03``, or ``+5:00`` from the
opening; default the end) without loading Textual.
"""

from __future__ import annotations

import argparse
import json
import sys

from dutydesk.commands._common import fail, guarded


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("replay", help="replay an incident or drill event by event (read-only)")
    parser.add_argument("incident", nargs="?", default="last", metavar="INCIDENT",
                        help="id, unique id prefix, or 'last' (default)")
    parser.add_argument("--print", action="store_true", dest="print_",
                        help="print the incident as it stood at one moment, without the app")
    parser.add_argument("--at", metavar="SEQ|TIME",
                        help="with --print: an event (#57 or 57), a time (10:03, 2025-03-14 10:03) "
                             "or elapsed from the opening (+5:00, +1h); default: the end")
    parser.add_argument("--json", action="store_true", help="with --print: the state as JSON")
    parser.set_defaults(func=guarded(run))


def run(args: argparse.Namespace) -> int:
    if (args.at or args.json) and not args.print_:
        return fail("--at and --json go with --print", "in the app, j jumps to an event or a time")
    if args.print_:
        return print_state(args)
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        return fail("the replay needs a terminal", "'dutydesk replay INCIDENT --print --at SEQ' prints one moment")
    from dutydesk.commands.app import run_replay  # Textual is imported there, only now

    return run_replay(args)


def print_state(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.text import Text

    from dutydesk.lang import default_lang
    from dutydesk.render.incident import incident_view
    from dutydesk.replay import Replay, ReplayTargetError
    from dutydesk.scenario import offset_text

    lang = args.lang or default_lang()
    replay = Replay.open(args.db, args.incident)
    try:
        if args.at:
            try:
                position, _moment = replay.resolve(replay.target(args.at))
            except ReplayTargetError:
                return fail(f"cannot read '{args.at}' as an event or a time",
                            "write #57 (an event), 10:03 (a time) or +5:00 (from the opening)")
            replay.seek(position)
        state, record = replay.state, replay.record
        opened = state.opened_at or replay.moment
        if args.json:
            print(json.dumps({
                "incident": replay.incident.id, "plan_id": replay.plan.id, "drill": state.drill,
                "event": record.seq, "of": replay.records[-1].seq, "at": replay.moment.isoformat(),
                "elapsed_s": (replay.moment - opened).total_seconds(), "level": state.level,
                "current": state.current, "closed": state.closed_at is not None,
                "steps": {k: {"status": v.status, "choice": v.choice} for k, v in state.steps.items()},
            }, ensure_ascii=False))
            return 0
        words = ("回放(只读)", "第 {k}/{n} 条") if lang == "zh" else ("REPLAY (read-only)", "event {k}/{n}")
        head = Text(f" {words[0]} ", style="bold reverse")
        head.append("  " + words[1].format(k=record.seq, n=replay.records[-1].seq))
        head.append(f"  {replay.moment.astimezone():%Y-%m-%d %H:%M:%S}  "
                    f"{offset_text((replay.moment - opened).total_seconds())}")
        console = Console()
        console.print(head)
        console.print(incident_view(replay, lang))
    finally:
        replay.close()
    return 0
