"""Pictures of the home, picker, incident, help, replay and review screens at 80x24 and 120x40, in zh and en.

The app runs on the demo journal (fixed times, names and ids) with its clock
frozen at DEMO_NOW and the cursor blink off, so each picture is the same on
every run. Update them with ``pytest tests/tui/test_snapshots.py --snapshot-update``
after a deliberate change, and look at the report before committing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dutydesk.settings import Settings
from dutydesk.tui.app import DutyDeskApp
from dutydesk.tui.clock import FrozenClock
from dutydesk.tui.demo import DEMO_NOW, DEMO_OPERATOR, DEMO_TZ, build_demo

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    return db, build_demo(db)


def demo_app(db: Path, lang: str) -> DutyDeskApp:
    return DutyDeskApp(db=db, lang=lang, clock=FrozenClock(DEMO_NOW, tz=DEMO_TZ), operator=DEMO_OPERATOR,
                       settings=Settings(), blink=False, poll_interval=3600)


async def loaded(pilot: Any) -> None:
    app = pilot.app
    while app.journal is None or app.actor is None:
        await pilot.pause(0.02)
    await pilot.pause()


def steps(screen: str, ids: dict[str, str]):  # noqa: ANN201
    async def run_before(pilot: Any) -> None:
        await loaded(pilot)
        app = pilot.app
        if screen == "picker":
            await pilot.press("1")  # the security category
            await pilot.pause()
            app.focused.insert_text_at_cursor("枪" if app.lang == "zh" else "gun")
        elif screen in ("incident", "help"):
            app.open_incident(ids["robbery"])
            while type(app.screen).__name__ != "IncidentScreen" or not app.screen.query("Checklist"):
                await pilot.pause(0.02)
            if screen == "help":
                await pilot.pause()
                await pilot.press("question_mark")
        elif screen == "replay":  # the quick robbery drill, just after "the robber demands more cash"
            from dutydesk.tui.screens.replay import open_replay

            open_replay(app, ids["drill_old"], position=11)
            while type(app.screen).__name__ != "ReplayScreen" or not app.screen.query("Checklist"):
                await pilot.pause(0.02)
        elif screen == "review":
            from dutydesk.tui.screens.review import open_review

            open_review(app, [ids["drill_old"]])
            while type(app.screen).__name__ != "ReviewScreen":
                await pilot.pause(0.02)
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("screen", ["home", "picker", "incident", "help", "replay", "review"])
def test_screen(snap_compare: Any, demo: tuple[Path, dict[str, str]], screen: str, lang: str, size: str) -> None:
    db, ids = demo
    assert snap_compare(demo_app(db, lang), terminal_size=SIZES[size], run_before=steps(screen, ids))


def test_drill_banner(snap_compare: Any, demo: tuple[Path, dict[str, str]]) -> None:
    """A drill is unmistakable: banner, mark in the title."""
    db, ids = demo

    async def run_before(pilot: Any) -> None:
        await loaded(pilot)
        pilot.app.open_incident(ids["fire_drill"])
        while not pilot.app.screen.query("Checklist"):
            await pilot.pause(0.02)
        await pilot.pause()

    assert snap_compare(demo_app(db, "zh"), terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize(("lang", "size"), [("en", "80x24"), ("zh", "120x40")])
def test_review_drills_side_by_side(snap_compare: Any, demo: tuple[Path, dict[str, str]], lang: str,
                                    size: str) -> None:
    """The after-action review of the robbery drills of one plan, side by side, with the chart."""
    db, ids = demo

    async def run_before(pilot: Any) -> None:
        await loaded(pilot)
        from dutydesk.tui.screens.review import open_review

        open_review(pilot.app, [ids["drill_old"]], compare=True)
        while type(pilot.app.screen).__name__ != "ReviewScreen":
            await pilot.pause(0.02)
        await pilot.pause()

    assert snap_compare(demo_app(db, lang), terminal_size=SIZES[size], run_before=run_before)
