"""The duty desk app: start-up, a key press with a 5,000-event incident open, memory.

Goals (issue 4):
- start → home ready within 1.5x a minimal Textual app (Header, Static, Footer),
  both measured in this run, each a fresh process (headless), from spawn to the
  first frame. "home complete" (journal open, incidents listed) is shown too.
- key press → event committed → screen updated, p50/p99, with a 5,000-event
  incident open: p99 < 50 ms. The key is the Enter that confirms a note; the
  clock stops after the screen's next refresh.
- peak memory (max RSS) of the app with that incident open, beside the minimal app's.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import median, percentile, table  # noqa: E402

RUNS = 9
PRESSES = 120
EVENTS = 5_000

MINIMAL = """
import resource, sys
from textual.app import App
from textual.widgets import Footer, Header, Static

class Minimal(App):
    def compose(self):
        yield Header()
        yield Static("duty desk")
        yield Footer()

    def on_ready(self):
        print("FIRST", flush=True)
        print("RSS", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, flush=True)
        self.exit()

Minimal().run(headless=True, size=(80, 24))
"""

DESK = """
import resource, sys
from pathlib import Path
from dutydesk.tui.app import DutyDeskApp

class Timed(DutyDeskApp):
    def on_ready(self):
        print("FIRST", flush=True)
        self.set_interval(0.005, self.check)

    def check(self):
        if self.journal is not None and self.actor is not None and self.screen.query("HomeList"):
            print("COMPLETE", flush=True)
            print("RSS", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, flush=True)
            self.exit()

if sys.argv[2:] == ["cli"]:  # the way `dutydesk` starts: every sub-command's parser first
    from dutydesk.cli import build_parser
    build_parser().parse_args(["--db", sys.argv[1]])
Timed(db=Path(sys.argv[1]), operator=("bench", "supervisor"), lang="en").run(headless=True, size=(80, 24))
"""


def spawn(code: str, *args: str) -> dict[str, float]:
    """Run a child; the time (ms) from spawn to each marker line it prints, and its max RSS (KiB)."""
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    marks: dict[str, float] = {}
    assert child.stdout is not None
    for line in child.stdout:
        word, *rest = line.split()
        marks[word] = float(rest[0]) if rest else (time.perf_counter() - start) * 1000
    child.wait(timeout=60)
    if child.returncode:
        raise SystemExit(f"child failed ({child.returncode})")
    return marks


def startup(db: Path) -> list[tuple[str, ...]]:
    spawn(MINIMAL)  # warm the file cache once for both
    spawn(DESK, str(db))
    minimal, first, complete, rss_min, rss_desk, cli = [], [], [], [], [], []
    for _ in range(RUNS):
        m = spawn(MINIMAL)
        d = spawn(DESK, str(db))
        cli.append(spawn(DESK, str(db), "cli")["FIRST"])
        minimal.append(m["FIRST"])
        first.append(d["FIRST"])
        complete.append(d["COMPLETE"])
        rss_min.append(m["RSS"])
        rss_desk.append(d["RSS"])
    base = median(minimal)
    return [
        ("start → first frame, minimal app (baseline)", f"{base:.0f} ms", "", ""),
        ("start → home ready (first frame drawn)", f"{median(first):.0f} ms",
         f"{median(first) / base:.2f}x", "≤ 1.5x"),
        ("  the same through the dutydesk command (all sub-command parsers)", f"{median(cli):.0f} ms",
         f"{median(cli) / base:.2f}x", ""),
        ("start → home complete (journal open, incidents listed)", f"{median(complete):.0f} ms",
         f"{median(complete) / base:.2f}x", ""),
        ("max RSS at home: minimal / dutydesk", f"{median(rss_min) / 1024:.0f} / {median(rss_desk) / 1024:.0f} MiB",
         "", ""),
    ]


def build_big(db: Path) -> str:
    """An incident with EVENTS events: steps, calls, report fields and many notes."""
    from dutydesk.desk import Desk
    from dutydesk.journal.actor import Actor
    from dutydesk.journal.api import Journal
    from dutydesk.plans import load_library

    actor = Actor(user="bench", name="王芳", role="supervisor", origin="console@bench")
    with Journal.open(db) as journal:
        desk = Desk.open_new(journal, load_library(), "robbery-hostage-armed", actor=actor)
        for step in ("stall", "alarm", "evacuate", "secure-cash"):
            desk.done(step)
        n = desk.state.last_seq
        while n < EVENTS:
            if n % 50 == 0:
                desk.call("police-110", f"update {n}", number="110")
            elif n % 97 == 0:
                desk.set_field("trend", f"situation at {n}")
            else:
                desk.note(f"note {n}: 歹徒仍在营业厅内,客户情绪稳定 [{n}]")
            n = desk.state.last_seq
        return desk.id


async def key_latency(db: Path, incident_id: str) -> list[tuple[str, ...]]:
    import resource

    from dutydesk.tui.app import DutyDeskApp
    from dutydesk.tui.screens.incident import IncidentScreen

    app = DutyDeskApp(db=db, operator=("bench", "supervisor"), lang="en", blink=False, poll_interval=3600)
    async with app.run_test(size=(80, 24)) as pilot:
        while app.journal is None or app.actor is None:
            await pilot.pause(0.01)
        opened = time.perf_counter()
        app.open_incident(incident_id)
        while not isinstance(app.screen, IncidentScreen) or not app.screen.query("Checklist"):
            await pilot.pause(0.001)
        await pilot.pause()
        open_ms = (time.perf_counter() - opened) * 1000
        screen = app.screen
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        loop = asyncio.get_running_loop()

        async def timed(key: str) -> float:
            """Press ``key``; milliseconds until the screen refreshed after the commit."""
            done: asyncio.Future[float] = loop.create_future()

            def refreshed() -> None:
                if not done.done():
                    done.set_result(time.perf_counter())

            screen.after_sync[:] = [lambda: app.call_after_refresh(refreshed)]
            before = screen.desk.state.last_seq
            start = time.perf_counter()
            app.simulate_key(key)
            end = await asyncio.wait_for(done, 5)
            assert screen.desk.state.last_seq == before + 1
            screen.after_sync.clear()
            return (end - start) * 1000

        single, note, commits = [], [], []
        for _ in range(PRESSES):  # d on the current step; then it is retracted (not timed) to press d again
            step = screen.desk.state.current
            single.append(await timed("d"))
            seq = screen.desk.state.steps[step].seq
            screen.desk.retract(seq, "bench: press it again")
            screen.sync()
            await pilot.pause(0.01)
        for i in range(PRESSES):  # n, type, Enter: the Enter is timed
            await pilot.press("n")
            while not app.focused or type(app.focused).__name__ != "Input":
                await pilot.pause(0.001)
            app.focused.insert_text_at_cursor(f"bench note {i}")
            await pilot.pause()
            note.append(await timed("enter"))
            await pilot.pause(0.01)
        for i in range(PRESSES):  # the commit alone (no screen), for reference
            start = time.perf_counter()
            screen.desk.note(f"direct {i}")
            commits.append((time.perf_counter() - start) * 1000)
    return [
        (f"open an incident of {EVENTS:,} events (fold + screen)", f"{open_ms:.0f} ms", "", ""),
        ("key d → committed → screen updated, p50 / p99",
         f"{percentile(single, 50):.1f} / {percentile(single, 99):.1f} ms", "", "p99 < 50 ms"),
        ("note: Enter → committed → prompt closed, screen updated, p50 / p99",
         f"{percentile(note, 50):.1f} / {percentile(note, 99):.1f} ms", "", "p99 < 50 ms"),
        ("  of which Desk.note (commit + fold), p50 / p99",
         f"{percentile(commits, 50):.1f} / {percentile(commits, 99):.1f} ms", "", ""),
        (f"max RSS with the {EVENTS:,}-event incident open", f"{rss / 1024:.0f} MiB", "", ""),
    ]


def main(argv: list[str]) -> None:
    if argv[:1] == ["--keys"]:  # the child: a fresh process, so its peak memory is the app's
        print(json.dumps(asyncio.run(key_latency(Path(argv[1]), argv[2]))))
        return
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DUTYDESK_CONFIG"] = str(Path(tmp) / "config")
        demo = Path(tmp) / "demo.db"
        from dutydesk.tui.demo import build_demo

        build_demo(demo)
        rows = startup(demo)
        big = Path(tmp) / "big.db"
        incident_id = build_big(big)
        child = subprocess.run([sys.executable, __file__, "--keys", str(big), incident_id],
                               capture_output=True, text=True, check=True)
        rows += [tuple(row) for row in json.loads(child.stdout.strip().splitlines()[-1])]
    table(rows, ("duty desk app", "figure", "vs baseline", "goal"))


if __name__ == "__main__":
    main(sys.argv[1:])
