"""``dutydesk export`` (the incident report, or the JSON archive) and ``dutydesk import`` (an archive).

    dutydesk export last                         # the report on the terminal
    dutydesk export 3fa9 -o report.html          # format from the file name
    dutydesk export 3fa9 --format md --lang zh   # Markdown on stdout
    dutydesk export 3fa9 --format json -o a.json # lossless archive, 0600, never masked
    dutydesk --db head-office.db import a.json   # load it elsewhere; the chain is verified

Exit status: 0 done; 1 done but the incident's hash chain is broken (the report
says so on its first page); 2 refused (nothing written).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dutydesk.commands._common import actor, add_actor_args, fail, guarded, open_journal
from dutydesk.safetext import clean

FORMATS = ("terminal", "html", "svg", "txt", "md", "json")
TO_FILE = ("html", "svg", "json")  # written to ./incident-<id>.<ext> when no -o is given


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export", help="the incident report (terminal, html, svg, txt, md) or the JSON archive",
        description="Write an incident's report. Customer data (ID, card and mobile numbers) is masked in every "
                    "format but json, the lossless archive (never masked, written 0600). Exit 1 if the incident's "
                    "hash chain is broken (the report is still written and says so on its first page).",
    )
    p.add_argument("incident", metavar="INCIDENT", help="id, unique id prefix, or 'last'")
    p.add_argument("--format", "-f", choices=FORMATS, help="default: from the -o file name, else terminal")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="file to write ('-' for stdout); default: stdout for terminal/txt/md, "
                        "./incident-ID.EXT for html/svg/json")
    p.add_argument("--lang", dest="export_lang", choices=["zh", "en"], help="language of the report")
    p.add_argument("--no-mask", action="store_true",
                   help="show customer data in clear; logged in the incident first (refused if it cannot be)")
    p.add_argument("--width", type=int, default=100, metavar="COLUMNS", help="width of a file report (default 100)")
    add_actor_args(p)
    p.set_defaults(func=guarded(run_export))

    p_imp = sub.add_parser("import", help="load a JSON archive into this journal (--db) and verify its chain")
    p_imp.add_argument("file", type=Path, metavar="FILE")
    p_imp.set_defaults(func=guarded(run_import))


def _guard_export(run):
    """ExportError as a plain message too (the journal's errors are handled by ``guarded``)."""

    def wrapper(args: argparse.Namespace) -> int:
        from dutydesk.export import ExportError

        try:
            return run(args)
        except ExportError as exc:
            return fail(exc.message, exc.hint)

    wrapper.__name__ = run.__name__
    return wrapper


@_guard_export
def run_export(args: argparse.Namespace) -> int:
    from rich.console import Console

    from dutydesk.export import export_incident, format_for
    from dutydesk.lang import default_lang

    lang = args.export_lang or args.lang or default_lang()
    output = args.output
    path = None if output in (None, "-") else Path(output).expanduser()
    fmt = format_for(path, args.format)
    if args.width < 40 or args.width > 400:
        return fail(f"--width {args.width} is out of range", "Give 40 to 400 columns.")
    if fmt == "json" and output == "-":
        return fail("the JSON archive is written to a file only (it is not masked; the file is made private, 0600)",
                    "Give -o FILE.")
    mask = not args.no_mask
    if fmt == "json" and args.no_mask:
        print("dutydesk: note: the JSON archive is never masked; --no-mask changes nothing and is not logged",
              file=sys.stderr)
        mask = True
    who = actor(args) if not mask else None
    with open_journal(args, readonly=mask) as journal:
        if path is None and output is None and fmt in TO_FILE:
            path = Path(f"incident-{journal.resolve(args.incident)}.{'html' if fmt == 'html' else fmt}")
        console = Console() if path is None and fmt == "terminal" else None
        outcome = export_incident(journal, args.incident, fmt, path, lang, mask=mask, actor=who,
                                  width=args.width, console=console)
    if outcome.text:
        sys.stdout.write(outcome.text)
        sys.stdout.flush()
    if outcome.path is not None:
        if fmt == "json":
            print(f"wrote {clean(outcome.path)}: JSON archive of incident {outcome.incident_id} ({outcome.events} events), "
                  "lossless and NOT MASKED (it holds customer data as logged); permissions 0600")
        elif outcome.masked:
            print(f"wrote {clean(outcome.path)}: {fmt} report of incident {outcome.incident_id}, customer data masked")
        else:
            print(f"wrote {clean(outcome.path)}: {fmt} report of incident {outcome.incident_id}, NOT MASKED "
                  f"(logged as event #{outcome.logged_seq}); permissions 0600")
    elif not outcome.masked:
        print(f"dutydesk: this report is NOT MASKED; logged as event #{outcome.logged_seq} of {outcome.incident_id}",
              file=sys.stderr)
    if not outcome.chain_ok:
        print(f"dutydesk: warning: the hash chain of incident {outcome.incident_id} is BROKEN "
              f"({clean(outcome.chain_problem or '')}); the report states it on its first page",
              file=sys.stderr)
        return 1
    return 0


@_guard_export
def run_import(args: argparse.Namespace) -> int:
    from dutydesk.export.archive import import_archive

    with open_journal(args) as journal:
        result = import_archive(journal, args.file)
        where = journal.path
    if result.new:
        print(f"imported incident {result.incident_id} ({clean(result.plan_id)}, {result.events} events) into {clean(where)}")
    elif result.added:
        print(f"incident {result.incident_id} was already in {clean(where)}; added its {result.added} later event(s)")
    else:
        print(f"incident {result.incident_id} is already in {clean(where)} with the same content; nothing to import")
    if result.verified:
        print(f"verified: hash chain intact, final hash {result.final_hash}")
        return 0
    print(f"dutydesk: the journal {clean(where)} does not verify after the import; run `dutydesk verify`", file=sys.stderr)
    return 1
