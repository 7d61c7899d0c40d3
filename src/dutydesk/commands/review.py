"""``dutydesk review INCIDENT...``: after-action figures without the app."""

from __future__ import annotations

import argparse
import json

from dutydesk.commands._common import fail, guarded, open_journal


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("review", help="after-action review of incidents or drills")
    parser.add_argument("incidents", nargs="+", metavar="INCIDENT", help="ids, unique prefixes, or 'last'")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(func=guarded(run))


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from dutydesk.desk import Desk
    from dutydesk.lang import default_lang
    from dutydesk.render.review import compare_view, review_view
    from dutydesk.review import review

    with open_journal(args, readonly=True) as journal:
        desks = [Desk(journal, journal.incident(ref), None) for ref in args.incidents]
    reviews = [review(d.id, d.state) for d in desks]
    if args.json:
        print(json.dumps([r.to_dict() for r in reviews], ensure_ascii=False, indent=2))
        return 0
    lang = args.lang or default_lang()
    console = Console()
    for r in reviews:
        console.print(review_view(r, lang))
        console.print()
    if len(reviews) > 1:
        if len({r.plan_id for r in reviews}) > 1:
            return fail("side-by-side figures need incidents of the same plan")
        console.print(compare_view(reviews, lang))
    return 0
