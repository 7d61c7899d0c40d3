"""A desk in a child process: opens an incident, logs by keys, says so, then waits to be killed.

    python child_desk.py JOURNAL   → prints "LOGGED <incident id>" once its keys are committed
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.tui.helpers import incident_screen, make_app, ready, type_text  # noqa: E402


async def drive(pilot) -> None:  # noqa: ANN001
    await ready(pilot)
    await pilot.press("n")
    await type_text(pilot, "robbery-hostage-armed")
    await pilot.press("enter")
    screen = await incident_screen(pilot)
    await pilot.press("d", "d", "d")
    await pilot.press("n")
    await type_text(pilot, "written before the kill")
    await pilot.press("enter")
    await pilot.pause()
    print("LOGGED", screen.desk.id, flush=True)
    await asyncio.sleep(3600)


def main() -> None:
    app = make_app(Path(sys.argv[1]))
    app.run(headless=True, size=(80, 24), auto_pilot=drive)


if __name__ == "__main__":
    main()
