"""Two desks on one journal (issue 7): the app on one, a second desk on its own connection.

The app is the supervisor at the console (王芳); the second desk is the on-call
leader over SSH (李强, origin ``ssh:10.0.0.9@branch``), a ``Desk`` on a second
``Journal`` of the same file, exactly what a second ``dutydesk`` does. Every check
is on what the screen shows *and* on the events stored in the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from dutydesk.desk import Desk
from dutydesk.journal import Actor, Journal, kinds
from dutydesk.tui.messages import StartIncident
from dutydesk.tui.widgets.timeline import Timeline

from .helpers import events, incident_screen, make_app, ready, screen_text, type_text, until, widget_text

LI = Actor("liqiang", "李强", "duty-leader", "ssh:10.0.0.9@branch")
FIRST_STEPS = ("stall", "alarm", "evacuate", "secure-cash", "calm-hostage", "no-rash-action")


async def start(pilot: Any) -> Any:
    await ready(pilot)
    pilot.app.post_message(StartIncident("robbery-hostage-armed"))
    return await incident_screen(pilot)


def leader(db: Path, incident_id: str) -> tuple[Journal, Desk]:
    journal = Journal.open(db)
    return journal, Desk(journal, journal.incident(incident_id), LI)


def alerts(screen: Any) -> str:
    box = screen.query_one("#alerts", Static)
    return widget_text(box) if box.display else ""


def timeline_lines(screen: Any) -> list[str]:
    timeline = screen.query_one(Timeline)
    return [strip.text for strip in (timeline.render_line(y) for y in range(timeline.size.height))]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_other_desks_actions_appear_with_who_and_where_from(tmp_path: Path, size: tuple[int, int]) -> None:
    db = tmp_path / "journal.db"
    app = make_app(db)
    async with app.run_test(size=size) as pilot:
        screen = await start(pilot)
        journal, li = leader(db, screen.desk.id)
        try:
            li.done("stall")
            li.note("leader on the way")
            await until(pilot, lambda: screen.desk.state.last_seq == 3)  # the app's poll folded them in
            await pilot.pause()
            lines = timeline_lines(screen)
            ours = next(line for line in lines if "opened" in line)
            theirs = next(line for line in lines if "leader on the way" in line)
            if size[0] == 80:  # compact: the name, and ↗ for an action that came over SSH
                assert "↗李强" in theirs and "↗" not in ours and "王芳" in ours
            else:  # in full: name · role · where from
                assert "李强 · Duty leader · ssh 10.0.0.9" in theirs
                assert "王芳 · Shift supervisor · console" in ours
            assert screen.desk.state.steps["stall"].by.name == "李强"
            assert "in charge 王芳" in widget_text(screen.query_one("#inc-header", Static))
        finally:
            journal.close()


async def test_instruction_stands_out_until_acknowledged_and_both_are_logged(tmp_path: Path) -> None:
    db = tmp_path / "journal.db"
    app = make_app(db)
    rings: list[int] = []
    app.bell = lambda: rings.append(1)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(pilot)
        journal, li = leader(db, screen.desk.id)
        try:
            seq = li.instruct("保护好现场 [b]等待[/b] 公安").record.seq
            await until(pilot, lambda: "INSTRUCTION" in alerts(screen))
            text = alerts(screen)
            assert f"INSTRUCTION #{seq} from 李强" in text and "保护好现场 [b]等待[/b] 公安" in text
            assert "[a acknowledge]" in text and rings  # it rang on this desk
            # it stays: other actions do not clear it
            await pilot.press("d")
            await pilot.pause()
            assert "INSTRUCTION" in alerts(screen)
            await pilot.press("a")
            await until(pilot, lambda: "INSTRUCTION" not in alerts(screen))
            acks = [e for e in events(db) if e["kind"] == kinds.ACKNOWLEDGED]
            assert len(acks) == 1 and f'"seq":{seq}' in acks[0]["payload"] and acks[0]["actor_name"] == "王芳"
            li.refresh()
            assert li.state.unacknowledged() == []
            assert li.state.instructions[0].acknowledged_by[0][1].name == "王芳"
        finally:
            journal.close()


async def test_hostile_names_and_instructions_are_shown_literally(tmp_path: Path) -> None:
    db = tmp_path / "journal.db"
    app = make_app(db)
    hostile = Actor("x", "[b]Li[/b]\x1b]52;c;aGk=\x07\x1b[2J", "[@click=app.quit]r[/]", "ssh:10.0.0.9@branch")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start(pilot)
        with Journal.open(db) as journal:
            other = Desk(journal, journal.incident(screen.desk.id), hostile)
            other.instruct("[link=http://x]y[/link] \x1b[31mred")
        await until(pilot, lambda: "INSTRUCTION" in alerts(screen))
        await pilot.pause()
        shown = alerts(screen) + "\n".join(timeline_lines(screen))
        assert "[b]Li[/b]" in shown and "[@click=app.quit]r[/]" in shown and "[link=http://x]y[/link]" in shown
        assert "\x1b" not in shown and "\x07" not in shown
        assert app.is_running


async def test_own_instruction_waits_for_the_other_desk(tmp_path: Path) -> None:
    db = tmp_path / "journal.db"
    app = make_app(db, operator=("李强", "duty-leader"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(pilot)
        await pilot.press("i")
        await type_text(pilot, "先疏散客户")
        await pilot.press("enter")
        await until(pilot, lambda: any(e["kind"] == kinds.INSTRUCTION for e in events(db)))
        await pilot.pause()
        assert "Your instruction #2, not yet acknowledged: 先疏散客户" in alerts(screen)
        assert not screen.check_action("ack", ())  # one's own instruction: the other desk acknowledges
        wang = Actor("wangfang", "王芳", "supervisor", "console@branch")
        with Journal.open(db) as journal:
            other = Desk(journal, journal.incident(screen.desk.id), wang)
            other.acknowledge(2)
        await until(pilot, lambda: "Your instruction" not in alerts(screen))
        assert [e["kind"] for e in events(db)][-2:] == [kinds.INSTRUCTION, kinds.ACKNOWLEDGED]


async def test_handover_offered_on_one_desk_and_accepted_on_the_other(tmp_path: Path) -> None:
    db = tmp_path / "journal.db"
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(pilot)
        journal, li = leader(db, screen.desk.id)
        try:
            li.note("I am following")
            await until(pilot, lambda: screen.desk.state.last_seq == 2)
            await pilot.press("h")  # the person in charge offers; the form proposes the other desk's person
            await pilot.pause()
            assert type(app.screen).__name__ == "FormScreen"
            await pilot.press("enter", "enter")
            await until(pilot, lambda: screen.desk.state.handover_offer is not None)
            await pilot.pause()
            offer = [e for e in events(db) if e["kind"] == kinds.HANDOVER]
            assert len(offer) == 1 and '"to_name":"李强"' in offer[0]["payload"] and '"to_role":"duty-leader"' in offer[0]["payload"]
            assert "⇄ 李强?" in widget_text(screen.query_one("#inc-header", Static))
            assert "offered to 李强 (Duty leader): waiting for acceptance" in alerts(screen)
            assert not screen.check_action("accept_handover", ())  # the offering desk cannot accept

            li.accept_handover()
            await until(pilot, lambda: screen.desk.state.handover_offer is None)
            await pilot.pause()
            header = widget_text(screen.query_one("#inc-header", Static))
            assert "in charge 李强 (Duty leader) ↗" in header
            assert not screen.check_action("handover", ())  # no longer in charge here

            li.offer_handover("王芳", "supervisor")  # and back: this desk accepts with the same key
            await until(pilot, lambda: "[h accept]" in alerts(screen))
            assert "HANDOVER" in alerts(screen) and "offers command to 王芳" in alerts(screen)
            await pilot.press("h")
            await until(pilot, lambda: screen.desk.in_charge)
            await pilot.pause()
            assert "in charge 王芳 (Shift supervisor)" in widget_text(screen.query_one("#inc-header", Static))
            phases = [(e["actor_name"], e["payload"]) for e in events(db) if e["kind"] == kinds.HANDOVER]
            assert [name for name, _ in phases] == ["王芳", "李强", "李强", "王芳"]
            assert ['"accepted"' in p for _, p in phases] == [False, True, False, True]
            assert "HANDOVER" not in alerts(screen)
        finally:
            journal.close()


async def test_answering_what_the_other_desk_answered_first_is_refused_plainly(tmp_path: Path) -> None:
    db = tmp_path / "journal.db"
    app = make_app(db, poll_interval=3600)  # this desk has not looked yet when it answers
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(pilot)
        journal, li = leader(db, screen.desk.id)
        try:
            for step in FIRST_STEPS:
                li.done(step)
            screen.poll()
            await pilot.pause()
            assert screen.state.current == "injured"
            li.choose("injured", 2)  # "No", on the other desk
            await pilot.press("1")   # "Yes", on this one, before seeing it
            await pilot.pause()
            text = alerts(screen)
            assert "NOT LOGGED: step 7 was already answered 2" in text and "李强 (Duty leader, ssh 10.0.0.9)" in text
            assert "Your answer 1 was not logged; to change it, retract #8 first" in text
            choices = [e for e in events(db) if e["kind"] == kinds.CHOICE_MADE]
            assert [(e["actor_name"], e["payload"]) for e in choices] == [("李强", '{"choice":2,"label":{"en":"No","zh":"否"}}')]
            assert screen.state.steps["injured"].choice == 2  # and this desk shows what the first did
            assert "answered 7. Is anyone injured? → 2" in "\n".join(timeline_lines(screen))
            # the same for a step: done elsewhere first
            li.done("preserve-scene")
            screen.query_one("#checklist").move_cursor(row=9, animate=False)
            await pilot.pause()
            await pilot.press("d")
            await pilot.pause()
            assert "NOT LOGGED: step 10 was already done by 李强" in alerts(screen)
            assert len([e for e in events(db) if e["step_id"] == "preserve-scene"]) == 1
            await pilot.press("a")  # dismissed: nothing is logged for it
            await pilot.pause()
            assert "NOT LOGGED" not in alerts(screen)
            assert events(db)[-1]["step_id"] == "preserve-scene"
        finally:
            journal.close()


async def test_conflicts_in_the_record_are_shown(tmp_path: Path) -> None:
    """A double already in the journal (written around the desk): shown until one is retracted."""
    db = tmp_path / "journal.db"
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(pilot)
        await pilot.press("d")
        await pilot.pause()
        with Journal.open(db) as journal:
            journal.append(screen.desk.id, kinds.STEP_DONE, actor=LI, step_id="stall")  # no desk check
        await until(pilot, lambda: bool(screen.state.conflicts))
        await pilot.pause()
        assert "CONFLICT step 1: #2 (王芳) and #3 (李强) — the first stands; retract one (x)" in alerts(screen)
        screen.desk.retract(3, "double")
        screen.sync()
        await pilot.pause()
        assert "CONFLICT" not in alerts(screen)


async def test_home_list_follows_incidents_opened_and_closed_elsewhere(tmp_path: Path) -> None:
    from dutydesk.plans import load_library

    db = tmp_path / "journal.db"
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        with Journal.open(db) as journal:
            desk = Desk.open_new(journal, load_library(), "fire-premises", actor=LI)
            await until(pilot, lambda: desk.id[:6] in screen_text(app))
            reads = app.feed.reads
            assert "(no open incident)" not in screen_text(app)
            desk.close("fire out, nobody hurt")
            await until(pilot, lambda: "fire out, nobody hurt" in screen_text(app))
            assert app.feed.reads > reads
            assert not app.feed.open and [i.id for i in app.feed.past] == [desk.id]


# -- pictures: the supervisor's desk with the leader on the other one ---------------------------

@pytest.fixture(scope="module")
def two_desk_demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    from dutydesk.tui.demo import add_second_desk, build_demo

    db = tmp_path_factory.mktemp("twodesks") / "demo.db"
    ids = build_demo(db)
    add_second_desk(db, ids)
    return db, ids


SIZES = {"80x24": (80, 24), "120x40": (120, 40)}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_snapshot_instruction_and_handover(snap_compare: Any, two_desk_demo: tuple[Path, dict[str, str]],
                                           lang: str, size: str) -> None:
    """The leader's instruction stands out, the pending handover shows in the header and an alert,
    and the timeline marks what came over SSH (↗ at 80 columns, name · role · origin at 120)."""
    from dutydesk.settings import Settings
    from dutydesk.tui.app import DutyDeskApp
    from dutydesk.tui.clock import FrozenClock
    from dutydesk.tui.demo import DEMO_NOW, DEMO_OPERATOR, DEMO_TZ

    db, ids = two_desk_demo

    async def run_before(pilot: Any) -> None:
        app = pilot.app
        while app.journal is None or app.actor is None:
            await pilot.pause(0.02)
        app.open_incident(ids["robbery"])
        while type(app.screen).__name__ != "IncidentScreen" or not app.screen.query("Checklist"):
            await pilot.pause(0.02)
        await pilot.pause()

    app = DutyDeskApp(db=db, lang=lang, clock=FrozenClock(DEMO_NOW, tz=DEMO_TZ), operator=DEMO_OPERATOR,
                      settings=Settings(), blink=False, poll_interval=3600)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)
