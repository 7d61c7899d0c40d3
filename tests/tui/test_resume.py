"""Nothing committed is lost: kill -9 (or a dropped SSH session) and reopen, it stands where it stood.

The state is the fold of the journal, so reopening shows exactly what was
logged. Also ``dutydesk resume`` / ``--lang`` parsing, and the app opening
straight on an incident.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from dutydesk.cli import build_parser, main
from dutydesk.journal.api import Journal
from dutydesk.tui.widgets.timeline import Timeline

from .helpers import events, incident_screen, make_app, ready

CHILD = Path(__file__).with_name("child_desk.py")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGHUP], ids=["kill-9", "hangup"])
async def test_reopen_after_the_process_is_killed(tmp_path: Path, sig: signal.Signals) -> None:
    db = tmp_path / "journal.db"
    child = subprocess.Popen([sys.executable, str(CHILD), str(db)], stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        line = child.stdout.readline()  # type: ignore[union-attr]
        assert line.startswith("LOGGED "), line
        incident_id = line.split()[1]
        child.send_signal(sig)
        assert child.wait(timeout=20) == -sig
    finally:
        if child.poll() is None:
            child.kill()
    logged = events(db, incident_id)
    assert [e["kind"] for e in logged] == ["opened", "step_done", "step_done", "step_done", "note"]
    with Journal.open(db, readonly=True) as journal:
        assert journal.verify().ok

    app = make_app(db, resume="last")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = await incident_screen(pilot)
        state = screen.desk.state
        assert screen.desk.id == incident_id
        assert [state.steps[s].status for s in ("stall", "alarm", "evacuate", "secure-cash")] == \
            ["done", "done", "done", "pending"]
        assert state.current == "secure-cash"
        assert screen.query_one("Checklist").selected_step == "secure-cash"
        assert [r.seq for r in screen.query_one(Timeline).records] == [1, 2, 3, 4, 5]
        # and it carries on from there
        await pilot.press("d")
        await pilot.pause()
    assert [e["step_id"] for e in events(db, incident_id)][-1] == "secure-cash"


def test_resume_and_global_flags_parse() -> None:
    args = build_parser().parse_args(["--lang", "zh", "--db", "/tmp/x.db", "resume", "abc123"])
    assert (args.lang, str(args.db), args.incident) == ("zh", "/tmp/x.db", "abc123")
    assert build_parser().parse_args(["resume"]).incident == "last"


def test_the_app_needs_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2  # pytest's stdin is not a terminal
    assert "needs a terminal" in capsys.readouterr().err
