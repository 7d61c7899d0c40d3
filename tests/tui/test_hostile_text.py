"""Hostile text is shown literally: no crash, no action run, no control sequence to the terminal.

Notes, the operator's name and a branch's own plan text all carry markup, escape
sequences and a bidi override; the app must keep running and show them as text.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual import events as tevents

from dutydesk.tui.widgets.timeline import Timeline

from .helpers import events, incident_screen, make_app, ready, type_text, until, widget_text

HOSTILE = [
    "[/]",
    "[@click=app.quit]x[/]",
    "[link=http://x]y[/link]",
    "\x1b]52;c;aGk=\x07",
    "\x1b[2J",
    "\u202eevil",
    "[b]bold[/b] [red]red[/red] :warning: [",
]
# what the screen shows for each: brackets as they are, controls as visible escapes
SHOWN = ["[/]", "[@click=app.quit]x[/]", "[link=http://x]y[/link]", "\\x1b]52;c;aGk=\\x07", "\\x1b[2J",
         "\\u202eevil", "[b]bold[/b] [red]red[/red] :warning: ["]

PLAN = """\
id: hostile-plan
title: {zh: "[@click=app.quit]标题[/] \\e[2J", en: "[link=http://x]Title[/link] \\u202e"}
category: security
level: III
source: "[/]"
keywords: [hostile]
steps:
  - id: one
    text: {zh: "[b]第一步[/b] \\e]52;c;aGk=\\a", en: "[b]first[/b] \\e]52;c;aGk=\\a"}
  - id: two
    ask: {zh: "[/]?", en: "[/]?"}
    choices:
      - label: {zh: "[@click=app.quit]是[/]", en: "[@click=app.quit]yes[/]"}
      - label: {zh: 否, en: "no"}
"""


def screen_text(app) -> str:  # noqa: ANN001
    return app.export_screenshot()


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_hostile_notes_are_shown_literally(tmp_path: Path, lang: str) -> None:
    db = tmp_path / "journal.db"
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "hostile-plan.yaml").write_text(PLAN, encoding="utf-8")
    app = make_app(db, lang=lang, plans_dir=plans, operator=("[b]王[/b]\x1b[31m", "supervisor"), poll_interval=3600)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("n")
        await type_text(pilot, "hostile")
        picker_svg = app.export_screenshot()
        assert "\x1b" not in picker_svg and "\u202e" not in picker_svg
        await pilot.press("enter")
        screen = await incident_screen(pilot)
        for note in HOSTILE:
            await pilot.press("n")
            await type_text(pilot, note)
            await pilot.press("enter")
            await pilot.pause()
            assert app.is_running and app.screen is screen
        # a paste carrying control characters, as a terminal would deliver it
        await pilot.press("n")
        app.focused.post_message(tevents.Paste("pasted \x1b[31mred\x07 \u202etxt"))
        await pilot.pause()
        await pilot.press("enter")
        await until(pilot, lambda: sum(r.kind == "note" for r in screen.desk.state.records) == len(HOSTILE) + 1)

        # stored exactly as typed
        stored = [json.loads(e["payload"])["text"] for e in events(db) if e["kind"] == "note"]
        assert stored[: len(HOSTILE)] == HOSTILE
        # shown literally: the timeline's cells hold the escaped text, with the brackets
        timeline = screen.query_one(Timeline)
        shown = [timeline.formatter(r)[-1].plain for r in timeline.records if r.kind == "note"]
        for expected, line in zip(SHOWN, shown, strict=False):
            assert expected in line, (expected, line)
        assert "\\x1b[31m" in shown[-1] and "\\u202e" in shown[-1]
        # nothing that acts reaches the terminal; clicking the "[@click=app.quit]" note does nothing
        svg = app.export_screenshot()
        assert "\x1b" not in svg and "\u202e" not in svg and "\x07" not in svg
        assert "[@click=app.quit]x[/]" in svg
        timeline.focus()
        note_seq = next(r.seq for r in timeline.records if r.kind == "note" and "click" in r.payload["text"])
        timeline.select_seq(note_seq)
        await pilot.pause()
        await pilot.click(Timeline, offset=(40, timeline.cursor - int(timeline.scroll_offset.y)))
        await pilot.pause()
        assert app.is_running and app.return_code is None
        # the operator's name and the plan's own text are literal too
        header = widget_text(screen.query_one("#inc-header"))
        assert "\x1b" not in header
        checklist_text = "".join(
            cell.plain for row in range(screen.query_one("Checklist").row_count)
            for cell in screen.query_one("Checklist").get_row_at(row))
        assert "[b]" in checklist_text and "\\x1b]52" in checklist_text
        # answering the question whose label is "[@click=app.quit]…" logs a choice, nothing else
        await pilot.press("d")
        await pilot.press("1")
        await pilot.pause()
        assert app.is_running and screen.desk.state.steps["two"].choice == 1
