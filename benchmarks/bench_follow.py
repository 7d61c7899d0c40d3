"""Two desks on one journal: how fast, and at what cost, one desk sees the other (issue 7).

One desk writes (``Desk`` in this process, as the supervisor at the console); the
other is the real app in a child process on a pseudo-terminal of 80x24, as the
on-call leader following over SSH would run it. Every figure is end to end: from
the moment ``Journal.append`` returned (committed) on the writing desk to the
moment the follower's bytes showing it arrived at its terminal.

- incident screen: 200 notes, one at a time, spaced at random (so the follower's
  poll phase is sampled evenly); delay p50 / p99 / max, and the bytes the follower
  sent to its terminal per logged event (its clock frozen, so nothing else moves
  on screen: the bytes are the events' alone);
- the same with 3 followers at once (any number of desks), fewer events;
- home list: incidents opened by the other desk appear, and closed ones move to
  the past list; delay p50 / p99;
- idle: bytes per second of a follower with the real clock (the elapsed time in
  the header ticks), for comparison.

Goal: shown on the other desk within one second (p99 < 1000 ms).

    python benchmarks/bench_follow.py [--events 200] [--quick]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import random
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import percentile, table  # noqa: E402

GOAL_MS = 1000

FOLLOWER = """
import sys
from datetime import datetime, timezone
from pathlib import Path
from dutydesk.settings import Settings
from dutydesk.tui.app import DutyDeskApp
from dutydesk.tui.clock import Clock, FrozenClock

db, ref, frozen = sys.argv[1], sys.argv[2], sys.argv[3] == "frozen"
clock = FrozenClock(datetime.now(timezone.utc)) if frozen else Clock()
DutyDeskApp(db=Path(db), lang="en", operator=("李强", "duty-leader"), resume=ref or None, clock=clock,
            settings=Settings(), blink=False).run()
"""


def _controlling_terminal() -> None:
    """In the child: a session of its own with the pty as its terminal, so that when this
    benchmark ends (or dies) the child gets SIGHUP, as a desk does when SSH drops."""
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Terminal:
    """A child process on a pseudo-terminal; everything it writes, with the time it arrived."""

    def __init__(self, args: list[str], *, width: int = 80, height: int = 24, env: dict[str, str] | None = None):
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))
        self.master = master
        self.data = bytearray()
        self.chunks: list[tuple[float, int]] = []  # (arrival time, total length after the chunk)
        self.lock = threading.Condition()
        child_env = {k: v for k, v in os.environ.items() if k not in ("COLORTERM", "TEXTUAL")}
        child_env.update({"TERM": "xterm-256color", "PYTHONDONTWRITEBYTECODE": "1", **(env or {})})
        self.process = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=child_env,
                                        preexec_fn=_controlling_terminal, close_fds=True)
        os.close(slave)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            now = time.monotonic()
            with self.lock:
                self.data.extend(chunk)
                self.chunks.append((now, len(self.data)))
                self.lock.notify_all()

    def size(self) -> int:
        with self.lock:
            return len(self.data)

    def wait_for(self, marker: bytes, start: int = 0, timeout: float = 20.0) -> float:
        """The arrival time of the first chunk that completes ``marker`` at or after byte ``start``."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while True:
                found = self.data.find(marker, start)
                if found >= 0:
                    end = found + len(marker)
                    return next(t for t, total in self.chunks if total >= end)
                left = deadline - time.monotonic()
                if left <= 0:
                    tail = bytes(self.data[-2000:]).decode("utf-8", "replace")
                    raise TimeoutError(f"{marker!r} did not appear within {timeout}s; last output:\n{tail}")
                self.lock.wait(left)

    def quiet(self, seconds: float, limit: float = 5.0) -> None:
        """Wait until nothing arrived for ``seconds`` (at most ``limit`` seconds)."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            with self.lock:
                last = self.chunks[-1][0] if self.chunks else 0.0
            gap = time.monotonic() - last
            if gap >= seconds:
                return
            time.sleep(min(seconds - gap, max(0.0, deadline - time.monotonic())))

    def close(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        os.close(self.master)


def follower(db: Path, ref: str, *, frozen: bool = True) -> Terminal:
    return Terminal([sys.executable, "-c", FOLLOWER, str(db), ref, "frozen" if frozen else "live"],
                    env={"DUTYDESK_CONFIG": str(db.parent / "config")})


def writer(db: Path):  # noqa: ANN201 - (journal, Desk)
    from dutydesk.desk import Desk
    from dutydesk.journal.actor import Actor
    from dutydesk.journal.api import Journal
    from dutydesk.plans import load_library

    journal = Journal.open(db)
    actor = Actor(user="wangfang", name="王芳", role="supervisor", origin="console@bench")
    library = load_library()
    desk = Desk.open_new(journal, library, "robbery-hostage-armed", actor=actor)
    return journal, library, actor, desk


def follow_incident(tmp: Path, events: int, followers: int) -> tuple[list[float], list[float], float]:
    """(delays ms of every follower, bytes per event of each follower, idle bytes before)."""
    db = tmp / f"follow{followers}.db"
    journal, _library, _actor, desk = writer(db)
    terms = [follower(db, desk.id) for _ in range(followers)]
    try:
        for term in terms:
            term.wait_for(b"opened")
            term.quiet(1.5)
        idle_start = [t.size() for t in terms]
        time.sleep(3.0)
        idle = sum(t.size() - s for t, s in zip(terms, idle_start)) / followers / 3.0
        rng = random.Random(7)
        delays: list[float] = []
        start_bytes = [t.size() for t in terms]
        started = time.monotonic()
        for i in range(events):
            marker = f"ev{i:04d}x{rng.randrange(36**3):x}"
            before = [t.size() for t in terms]
            desk.note(marker)
            committed = time.monotonic()
            for term, pos in zip(terms, before):
                shown = term.wait_for(marker.encode(), pos)
                delays.append((shown - committed) * 1000)
            time.sleep(rng.uniform(0.05, 1.05))  # any phase of the follower's poll
        for term in terms:
            term.quiet(1.0)
        background = idle * (time.monotonic() - started)  # what the screen sends anyway (0 when quiet)
        per_event = [(t.size() - s - background) / events for t, s in zip(terms, start_bytes)]
        return delays, per_event, idle
    finally:
        for term in terms:
            term.close()
        journal.close()


def follow_home(tmp: Path, incidents: int) -> tuple[list[float], list[float]]:
    """Delays (ms) until an incident opened, then closed, by the other desk shows on the home list."""
    from dutydesk.desk import Desk

    db = tmp / "home.db"
    journal, library, actor, first = writer(db)
    term = follower(db, "")
    rng = random.Random(11)
    opened: list[float] = []
    closed: list[float] = []
    try:
        term.wait_for(first.id[:6].encode())
        term.quiet(1.5)
        for _ in range(incidents):
            before = term.size()
            desk = Desk.open_new(journal, library, "fire-premises", actor=actor)
            committed = time.monotonic()
            opened.append((term.wait_for(desk.id[:6].encode(), before) - committed) * 1000)
            time.sleep(rng.uniform(0.05, 1.05))  # any phase of the follower's poll
            outcome = f"out{desk.id[:6]}"
            before = term.size()
            desk.close(outcome)
            committed = time.monotonic()
            closed.append((term.wait_for(outcome.encode(), before) - committed) * 1000)
            time.sleep(rng.uniform(0.05, 1.05))  # any phase of the follower's poll
    finally:
        term.close()
        journal.close()
    return opened, closed


def idle_live(tmp: Path, seconds: float = 6.0) -> float:
    """Bytes per second of a follower with the real clock and nothing happening."""
    db = tmp / "idle.db"
    journal, _library, _actor, desk = writer(db)
    term = follower(db, desk.id, frozen=False)
    try:
        term.wait_for(b"opened")
        term.quiet(1.0)
        start = term.size()
        time.sleep(seconds)
        return (term.size() - start) / seconds
    finally:
        term.close()
        journal.close()


def figures(values: list[float]) -> str:
    return f"{percentile(values, 50):.0f} / {percentile(values, 99):.0f} / {max(values):.0f} ms"


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="fewer events (a smoke run)")
    args = parser.parse_args(argv)
    events = 20 if args.quick else args.events
    many = max(10, events // 4)
    homes = 10 if args.quick else 40
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        (tmp / "config").mkdir()
        delays, per_event, idle = follow_incident(tmp, events, 1)
        delays3, per_event3, _ = follow_incident(tmp, many, 3)
        opened, closed = follow_home(tmp, homes)
        live = idle_live(tmp)
    rows = [
        (f"incident screen: commit → shown on the other desk, p50 / p99 / max ({events} events)",
         figures(delays), f"p99 < {GOAL_MS} ms"),
        ("  bytes to the follower's terminal per logged event (80x24, a note)", f"{per_event[0]:.0f} B", ""),
        ("  bytes per second with nothing logged (clock frozen; subtracted above)", f"{idle:.0f} B/s", ""),
        (f"3 followers at once: p50 / p99 / max ({many} events x 3)", figures(delays3), f"p99 < {GOAL_MS} ms"),
        ("  bytes per logged event, each follower", " / ".join(f"{b:.0f}" for b in per_event3) + " B", ""),
        (f"home list: incident opened elsewhere → listed, p50 / p99 / max ({homes})", figures(opened),
         f"p99 < {GOAL_MS} ms"),
        (f"home list: incident closed elsewhere → in the past list, p50 / p99 / max ({homes})", figures(closed),
         f"p99 < {GOAL_MS} ms"),
        ("idle follower with the real clock (header ticks), bytes per second", f"{live:.0f} B/s", ""),
    ]
    table(rows, ("two desks, one journal", "figure", "goal"))


if __name__ == "__main__":
    main(sys.argv[1:])
