"""``dutydesk`` (no sub-command) and ``dutydesk resume [INCIDENT|last]``: the duty desk app.

Textual is imported inside ``run`` only, so the other sub-commands never pay for it.
"""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("resume", help="open the duty desk straight on an incident")
    parser.add_argument("incident", nargs="?", default="last", metavar="INCIDENT",
                        help="incident id, a unique prefix of it, or 'last' (default)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        print("dutydesk: the duty desk needs a terminal; see 'dutydesk --help' for the other commands",
              file=sys.stderr)
        return 2
    from dutydesk.tui.app import DutyDeskApp

    app = DutyDeskApp(db=args.db, plans_dir=args.plans, lang=args.lang, resume=getattr(args, "incident", None))
    app.run()
    return 0


def run_replay(args: argparse.Namespace) -> int:
    """``dutydesk replay INCIDENT`` in a terminal: the app straight on its replay, the journal read-only."""
    from dutydesk.journal.api import Journal
    from dutydesk.tui.app import DutyDeskApp

    Journal.open(args.db, readonly=True).close()  # a missing or unreadable journal is said plainly, before the app
    app = DutyDeskApp(db=args.db, plans_dir=args.plans, lang=args.lang, replay=args.incident,
                      journal_factory=lambda: Journal.open(args.db, readonly=True))
    app.run()
    return 0
