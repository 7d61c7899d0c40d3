"""Render the README's screenshots from the real app: ``python scripts/screenshots.py``.

Each picture is the app itself (``run_test`` + ``save_screenshot``) on the demo
journal (``dutydesk.tui.demo``) with the clock frozen, so the files change only
when the app does. Writes ``screenshots/*.svg``.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from dutydesk.tui.app import DutyDeskApp  # noqa: E402
from dutydesk.tui.clock import FrozenClock  # noqa: E402
from dutydesk.tui.demo import DEMO_NOW, DEMO_OPERATOR, DEMO_TZ, build_demo  # noqa: E402

Steps = Callable[[Any, dict[str, str]], Awaitable[None]]


async def home(pilot: Any, ids: dict[str, str]) -> None:
    pass


async def picker(pilot: Any, ids: dict[str, str]) -> None:
    await pilot.press("n")
    await pilot.pause()
    pilot.app.focused.insert_text_at_cursor("抢劫" if pilot.app.lang == "zh" else "robbery")
    await pilot.pause()


async def incident(pilot: Any, ids: dict[str, str]) -> None:
    pilot.app.open_incident(ids["robbery"])
    await pilot.pause()
    await pilot.pause()


async def drill(pilot: Any, ids: dict[str, str]) -> None:
    pilot.app.open_incident(ids["fire_drill"])
    await pilot.pause()


async def help_screen(pilot: Any, ids: dict[str, str]) -> None:
    await incident(pilot, ids)
    await pilot.press("question_mark")
    await pilot.pause()


async def replay(pilot: Any, ids: dict[str, str]) -> None:
    """The quick robbery drill replayed, paused just after "the robber demands more cash"."""
    from dutydesk.tui.screens.replay import open_replay

    open_replay(pilot.app, ids["drill_old"], position=11)
    await pilot.pause()
    await pilot.pause()


async def review(pilot: Any, ids: dict[str, str]) -> None:
    from dutydesk.tui.screens.review import open_review

    open_review(pilot.app, [ids["drill_old"]])
    await pilot.pause()


async def review_compare(pilot: Any, ids: dict[str, str]) -> None:
    from dutydesk.tui.screens.review import open_review

    open_review(pilot.app, [ids["drill_old"]], compare=True)
    await pilot.pause()


async def two_desks(pilot: Any, ids: dict[str, str]) -> None:
    """The supervisor's desk while the on-call leader follows over SSH: his instruction, her handover offer."""
    from dutydesk.tui.demo import add_second_desk

    if "second_desk" not in ids:  # added once to the demo journal (these pictures come last)
        add_second_desk(pilot.app.db, ids)
        ids["second_desk"] = "added"
    await incident(pilot, ids)


SHOTS: list[tuple[str, str, tuple[int, int], Steps]] = [
    ("home-en", "en", (80, 24), home),
    ("home-zh", "zh", (80, 24), home),
    ("picker-en", "en", (80, 24), picker),
    ("picker-zh", "zh", (80, 24), picker),
    ("incident-en", "en", (80, 24), incident),
    ("incident-zh", "zh", (80, 24), incident),
    ("incident-wide-zh", "zh", (120, 40), incident),
    ("drill-en", "en", (80, 24), drill),
    ("help-en", "en", (80, 24), help_screen),
    ("replay-en", "en", (80, 24), replay),
    ("replay-wide-zh", "zh", (120, 40), replay),
    ("review-en", "en", (80, 24), review),
    ("review-drills-en", "en", (80, 24), review_compare),
    ("review-drills-wide-zh", "zh", (120, 40), review_compare),
    ("two-desks-en", "en", (80, 24), two_desks),
    ("two-desks-wide-zh", "zh", (120, 40), two_desks),
]


async def shoot(name: str, lang: str, size: tuple[int, int], steps: Steps, db: Path, ids: dict[str, str],
                out: Path) -> Path:
    app = DutyDeskApp(db=db, lang=lang, clock=FrozenClock(DEMO_NOW, tz=DEMO_TZ), operator=DEMO_OPERATOR,
                      blink=False, poll_interval=3600)
    async with app.run_test(size=size) as pilot:
        while app.journal is None or app.actor is None:
            await pilot.pause(0.05)
        await pilot.pause()
        await steps(pilot, ids)
        await pilot.pause()
        path = out / f"{name}.svg"
        app.save_screenshot(filename=path.name, path=str(out))
    return path


async def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else ROOT / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DUTYDESK_CONFIG"] = str(Path(tmp) / "config")  # no branch settings in the pictures
        db = Path(tmp) / "demo.db"
        ids = build_demo(db)
        for name, lang, size, steps in SHOTS:
            path = await shoot(name, lang, size, steps, db, ids, out)
            print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main(sys.argv[1:])))
