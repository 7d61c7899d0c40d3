"""Replay a 10,000-event incident: open it, seek to the middle (goal < 200 ms per seek).

The incident is a drill with its scenario's injects and acknowledgements, every
step of the plan, a question answered, calls, report fields, thousands of notes
and a retraction every 1,000 events (so a seek back folds with retractions).

Rows:
- the replay core (``dutydesk.replay.Replay``, no screen): open read-only + read +
  fold; seek end → middle (a fold of 5,000 from scratch); middle → end (5,000
  folded onto the state); one step back and forward at the middle;
- the replay screen in the app (headless, 80x24): open it on the incident, then
  ``j`` + an event number + Enter, timed from the Enter to the screen's next
  refresh, alternately to the middle and to the end; ``←`` at the middle.
- baseline: the live incident screen opening the same incident, and the plain fold.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import median, percentile, table, timed  # noqa: E402

N = 10_000
MIDDLE = N // 2
SEEKS = 30


def build(db: Path) -> str:
    from dutydesk.desk import Desk
    from dutydesk.journal import Actor, Journal, kinds
    from dutydesk.plans import load_library
    from dutydesk.scenario import attach, find_scenario, fire_due_injects

    library = load_library()
    actor = Actor("bench", "王芳", "supervisor", "console@bench")
    t0 = datetime.now(timezone.utc) - timedelta(days=2)
    at = [t0]

    def tick() -> datetime:
        at[0] += timedelta(seconds=2)
        return at[0]

    with Journal.open(db) as journal:
        desk = Desk.open_new(journal, library, "robbery-armed", actor=actor, drill=True, happened_at=t0)
        attach(desk, find_scenario("robbery-armed-drill"), happened_at=t0)
        fired = 0
        for step in desk.plan.steps:
            moment = tick()
            fired += len(fire_due_injects(desk, moment, happened_at=moment))
            if step.is_decision:
                desk.choose(step.id, 1, happened_at=moment)
            elif desk.state.steps[step.id].status == "pending":
                desk.done(step.id, happened_at=moment)
        n = desk.state.last_seq
        while n < N:
            moment = tick()
            if n % 30 == 0 and fired < 6:  # the scenario's injects, at their time
                fired += len(fire_due_injects(desk, moment, happened_at=moment))
                n = desk.state.last_seq
                continue
            if n % 1000 == 999:
                last_note = next(r.seq for r in reversed(desk.state.records) if r.kind == kinds.NOTE)
                desk.retract(last_note, f"bench {n}")
            elif n % 50 == 0:
                desk.call("police-110", f"update {n}", number="110", happened_at=moment)
            elif n % 97 == 0:
                desk.log(kinds.REPORT_FIELD, payload={"field": "trend", "value": f"situation at {n}"},
                         happened_at=moment)
            else:
                desk.note(f"note {n}: 歹徒仍在营业厅内,客户情绪稳定 [{n}]", happened_at=moment)
            n = desk.state.last_seq
        assert n == N and fired == 6
        return desk.id


def core(db: Path, incident_id: str) -> list[tuple[str, ...]]:
    from dutydesk.incident import fold
    from dutydesk.replay import Replay

    opened = timed(lambda: Replay.open(db, incident_id).close(), repeat=5)
    replay = Replay.open(db, incident_id)
    try:
        back, forward, step_back, step_fwd = [], [], [], []
        for _ in range(9):
            replay.seek(N)
            back += timed(lambda: replay.seek(MIDDLE), repeat=1)
            forward += timed(lambda: replay.seek(N), repeat=1)
            replay.seek(MIDDLE)
            step_back += timed(lambda: replay.step(-1), repeat=1)
            step_fwd += timed(lambda: replay.step(1), repeat=1)
        plain = timed(lambda: fold(replay.plan, replay.records), repeat=9)
    finally:
        replay.close()
    return [
        ("core: open read-only, read and fold 10,000 events", f"{median(opened):.1f} ms", ""),
        ("core: seek end → middle (fold 5,000 from scratch)", f"{median(back):.1f} ms", "< 200 ms"),
        ("core: seek middle → end (fold 5,000 more)", f"{median(forward):.1f} ms", "< 200 ms"),
        ("core: step back / forward one event at the middle",
         f"{median(step_back):.1f} / {median(step_fwd):.2f} ms", ""),
        ("baseline: fold 10,000 events (dutydesk.incident.fold)", f"{median(plain):.1f} ms", ""),
    ]


async def screen(db: Path, incident_id: str) -> list[tuple[str, ...]]:
    from dutydesk.tui.app import DutyDeskApp
    from dutydesk.tui.screens.incident import IncidentScreen
    from dutydesk.tui.screens.replay import ReplayScreen, open_replay

    app = DutyDeskApp(db=db, operator=("bench", "supervisor"), lang="en", blink=False, poll_interval=3600)
    async with app.run_test(size=(80, 24)) as pilot:
        while app.journal is None or app.actor is None:
            await pilot.pause(0.01)
        await pilot.pause()

        start = time.perf_counter()
        app.open_incident(incident_id)  # baseline: the live screen on the same incident
        while not isinstance(app.screen, IncidentScreen) or not app.screen.query("Checklist"):
            await pilot.pause(0.001)
        await pilot.pause()
        live_ms = (time.perf_counter() - start) * 1000
        app.go_home()
        await pilot.pause()

        opens = []
        for _ in range(3):
            start = time.perf_counter()
            shown = open_replay(app, incident_id)
            while app.screen is not shown or not shown.query("Checklist"):
                await pilot.pause(0.001)
            await pilot.pause()
            opens.append((time.perf_counter() - start) * 1000)
            app.pop_screen()
            await pilot.pause()
        replay_screen = open_replay(app, incident_id)
        while app.screen is not replay_screen:
            await pilot.pause(0.01)
        await pilot.pause()
        assert isinstance(replay_screen, ReplayScreen)
        loop = asyncio.get_running_loop()

        async def timed_key(key: str) -> float:
            done: asyncio.Future[float] = loop.create_future()

            def refreshed() -> None:
                if not done.done():
                    done.set_result(time.perf_counter())

            replay_screen.after_show[:] = [lambda: app.call_after_refresh(refreshed)]
            start = time.perf_counter()
            app.simulate_key(key)
            end = await asyncio.wait_for(done, 10)
            replay_screen.after_show.clear()
            return (end - start) * 1000

        to_middle, to_end, back = [], [], []
        for i in range(SEEKS):
            target = MIDDLE + (i % 7) - 3
            for where, into in ((str(target), to_middle), (str(N), to_end)):
                await pilot.press("j")
                app.focused.insert_text_at_cursor(where)
                await pilot.pause()
                into.append(await timed_key("enter"))
                await pilot.pause(0.01)
            assert replay_screen.position == N
        await pilot.press("j")
        app.focused.insert_text_at_cursor(str(MIDDLE))
        await pilot.press("enter")
        await pilot.pause()
        for _ in range(SEEKS):
            back.append(await timed_key("left"))
            await pilot.pause(0.01)
        assert replay_screen.position == MIDDLE - SEEKS
    return [
        ("screen: open the replay of the 10,000-event incident", f"{median(opens):.0f} ms", ""),
        ("screen: j → middle (#~5,000) → screen updated, p50 / p99",
         f"{percentile(to_middle, 50):.0f} / {percentile(to_middle, 99):.0f} ms", "< 200 ms"),
        ("screen: j → end (#10,000) → screen updated, p50 / p99",
         f"{percentile(to_end, 50):.0f} / {percentile(to_end, 99):.0f} ms", "< 200 ms"),
        ("screen: ← one event back at the middle, p50 / p99",
         f"{percentile(back, 50):.0f} / {percentile(back, 99):.0f} ms", ""),
        ("baseline: open the live incident screen on the same incident", f"{live_ms:.0f} ms", ""),
    ]


def main() -> None:
    import os

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DUTYDESK_CONFIG"] = str(Path(tmp) / "config")
        db = Path(tmp) / "replay.db"
        start = time.perf_counter()
        incident_id = build(db)
        print(f"(built a {N:,}-event drill in {time.perf_counter() - start:.0f} s)")
        rows = core(db, incident_id) + asyncio.run(screen(db, incident_id))
    table(rows, ("replay", "figure", "goal"))


if __name__ == "__main__":
    main()
