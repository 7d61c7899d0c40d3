"""A whole armed robbery with an injured customer, start to close, by keys only.

The app runs on a real journal file and the bundled plans, with a frozen clock
moved forward between keys; afterwards the events are read back from the file
with plain sqlite3: kinds, steps, order and times.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from dutydesk.tui.widgets.timeline import Timeline

from .helpers import events, incident_screen, make_app, parse, past_clock, ready, type_text


async def test_armed_robbery_with_injured_customer_start_to_close(tmp_path: Path) -> None:
    db = tmp_path / "journal.db"
    clock = past_clock()
    start = clock.now()
    app = make_app(db, clock=clock)
    times: list = []

    async def key(*keys: str, advance: int = 20) -> None:
        clock.advance(timedelta(seconds=advance))
        await pilot.press(*keys)
        await pilot.pause()

    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        # home → picker, type the plan's id, Enter opens the incident
        await pilot.press("n")
        await type_text(pilot, "hostage armed")
        await pilot.press("enter")
        screen = await incident_screen(pilot)
        assert screen.desk.plan.id == "robbery-hostage-armed"
        times.append(clock.now())

        await key("d")                               # stall
        times.append(clock.now())
        await key("c")                               # the call to 110: contact preselected
        await pilot.press("enter", "enter")          # contact, number (the listed one)
        await type_text(pilot, "police on the way")
        await key("enter", advance=0)
        times.append(clock.now())
        await key("d")                               # alarm
        times.append(clock.now())
        for _ in range(4):                           # evacuate, secure-cash, calm-hostage, no-rash-action
            await key("d")
            times.append(clock.now())
        assert screen.desk.state.current == "injured"
        await key("1")                               # Is anyone injured? 1 = yes
        times.append(clock.now())
        assert screen.desk.state.current == "call-120"
        await key("c")
        await pilot.press("enter", "enter")
        await type_text(pilot, "ambulance coming, 10 min")
        await key("enter", advance=0)
        times.append(clock.now())
        await key("d")                               # call-120
        times.append(clock.now())
        await key("n")
        await type_text(pilot, "customer cut on the arm, first aid given")
        await key("enter", advance=0)
        times.append(clock.now())
        # the report to the superior really happened 3 minutes ago
        really = clock.local_now() - timedelta(minutes=3)
        await key("t")
        await type_text(pilot, really.strftime("%H:%M:%S"))
        await pilot.press("enter")
        await pilot.pause()
        assert screen.next_at is not None
        await key("d")                               # report-up, at the time typed
        times.append(really)
        assert screen.next_at is None
        await key("d")                               # preserve-scene
        times.append(clock.now())
        await key("s")                               # describe-suspects: skipped with a reason
        await type_text(pilot, "police took the statements")
        await key("enter", advance=0)
        times.append(clock.now())
        assert screen.desk.state.complete

        await key("minus")                           # level I → II, asks why
        await type_text(pilot, "robbers gone, no hostage left")
        await key("enter", advance=0)
        assert screen.desk.state.level == "II"

        await key("f")                               # report fields
        await pilot.press("enter")                   # place
        await type_text(pilot, "城东支行营业厅")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("down", "down", "down", "down", "down", "enter")   # people
        await type_text(pilot, "2 robbers, 1 customer injured")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert screen.desk.state.report["place"][0] == "城东支行营业厅"

        # retract the note: Tab to the timeline, select it, x, reason
        await pilot.press("tab")
        timeline = screen.query_one(Timeline)
        note_seq = next(r.seq for r in screen.desk.state.records if r.kind == "note")
        timeline.select_seq(note_seq)
        await key("x")
        await type_text(pilot, "wrong customer")
        await key("enter", advance=0)
        assert screen.desk.state.is_void(note_seq)

        await key("escape")                          # back to the checklist
        await key("e")                               # close, asks the outcome
        await type_text(pilot, "police arrested one suspect; customer to hospital")
        await key("enter", advance=0)
        assert screen.desk.state.closed_at is not None
        incident_id = screen.desk.id
        # nothing more can be logged on a closed incident: the keys are gone from the footer
        assert app.screen.check_action("done", ()) is False

    rows = events(db, incident_id)
    kinds = [r["kind"] for r in rows]
    steps = [r["step_id"] for r in rows]
    assert kinds == [
        "opened", "step_done", "call_made", "step_done", "step_done", "step_done", "step_done", "step_done",
        "choice_made", "call_made", "step_done", "note", "step_done", "step_done", "step_skipped",
        "level_changed", "report_field", "report_field", "retracted", "closed",
    ]
    assert steps == [
        None, "stall", "alarm", "alarm", "evacuate", "secure-cash", "calm-hostage", "no-rash-action",
        "injured", "call-120", "call-120", None, "report-up", "preserve-scene", "describe-suspects",
        None, None, None, None, None,
    ]
    assert [r["seq"] for r in rows] == list(range(1, len(rows) + 1))
    payloads = [json.loads(r["payload"]) for r in rows]
    assert payloads[2] == {"contact": "police-110", "number": "110", "outcome": "police on the way"}
    assert payloads[8]["choice"] == 1
    assert payloads[9]["number"] == "120"
    assert payloads[14]["reason"] == "police took the statements"
    assert payloads[15]["level"] == "II"
    assert payloads[16] == {"field": "place", "value": "城东支行营业厅"}
    assert payloads[17]["field"] == "people"
    assert payloads[18]["seq"] == rows[11]["seq"]
    assert payloads[19]["outcome"] == "police arrested one suspect; customer to hospital"
    # times: the app's clock, in order; the report-up time is the one typed
    happened = [parse(r["happened_at"]) for r in rows]
    assert happened[0] == start
    timed = [happened[i] for i in (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14)]
    assert [t.replace(microsecond=0) for t in timed] == [t.replace(microsecond=0) for t in times]
    assert happened[12] < happened[11]  # logged after the note, happened before it
    assert all(parse(r["recorded_at"]) >= parse(rows[0]["recorded_at"]) for r in rows)
