"""What the journal commands share: opening the journal, the actor, errors as plain words."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from dutydesk.safetext import clean

EXIT_ERROR = 2


def fail(message: str, hint: str | None = None) -> int:
    print(f"dutydesk: {clean(message)}", file=sys.stderr)
    if hint:
        print(f"  {clean(hint)}", file=sys.stderr)
    return EXIT_ERROR


def guarded(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Turn journal and desk errors into a clear message and exit code, never a traceback."""

    def wrapper(args: argparse.Namespace) -> int:
        from dutydesk.desk import DeskError
        from dutydesk.journal import JournalError, NotLogged
        from dutydesk.plans import PlanError
        from dutydesk.whenparse import TimeError

        try:
            return run(args)
        except NotLogged as exc:
            return fail(f"NOT LOGGED: {exc.message}", exc.hint)
        except JournalError as exc:
            return fail(exc.message, exc.hint)
        except (DeskError, TimeError) as exc:
            return fail(str(exc))
        except PlanError as exc:
            return fail(f"the incident's plan snapshot cannot be read: {exc}")

    wrapper.__name__ = run.__name__
    wrapper.__doc__ = run.__doc__
    return wrapper


def open_journal(args: argparse.Namespace, *, readonly: bool = False) -> Any:
    from dutydesk.journal import Journal

    return Journal.open(args.db, readonly=readonly)


def actor(args: argparse.Namespace) -> Any:
    from dutydesk.journal import Actor

    return Actor.from_environment(getattr(args, "operator", None), getattr(args, "role", None))


def add_actor_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--operator", metavar="NAME", help="display name of who acts (default: the OS user)")
    parser.add_argument("--role", metavar="ROLE", help="role id of who acts (default: supervisor)")
