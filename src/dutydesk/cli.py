"""The ``dutydesk`` command.

Each sub-command lives in ``dutydesk.commands.<name>`` with ``register(subparsers)``
that adds its parser and sets ``func`` to a ``run(args) -> int``. Command modules
import their heavy parts (SQLModel, Textual) inside ``run``, so ``dutydesk plans
list`` never pays for them.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from dutydesk import __version__

# modules in dutydesk.commands, each registering one or more sub-commands
COMMANDS: tuple[str, ...] = (
    "plans",
    "journal",
    "review",
    "replay",
    "scenarios",
    "app",
    "export",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dutydesk",
        description="Guide a bank branch through an emergency and keep the record of it.",
    )
    parser.add_argument("--version", action="version", version=f"dutydesk {__version__}")
    parser.add_argument("--db", type=Path, metavar="PATH", help="journal database (default: user data dir; env DUTYDESK_DB)")
    parser.add_argument("--plans", type=Path, metavar="DIR", help="the branch's own plans folder (env DUTYDESK_PLANS)")
    parser.add_argument("--lang", choices=["zh", "en"], help="language of the output")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS:
        importlib.import_module(f"dutydesk.commands.{module}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:  # no sub-command: the duty desk app
        from dutydesk.commands import app

        func = app.run
    try:
        return int(func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
