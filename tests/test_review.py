"""After-action review against an incident whose figures are computed by hand."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from dutydesk import paths
from dutydesk.cli import main
from dutydesk.desk import Desk
from dutydesk.journal import Actor, Journal
from dutydesk.journal.times import utcnow
from dutydesk.plans import load_library
from dutydesk.review import review

LIBRARY = load_library([paths.bundled_plans_dir()])
ANNA = Actor("anna", "Anna", "supervisor", "console")


def drill(journal: Journal, *, alarm_s: int, t0) -> Desk:
    desk = Desk.open_new(journal, LIBRARY, "robbery-hostage-armed", actor=ANNA, drill=True, happened_at=t0)
    desk.done("alarm", happened_at=t0 + timedelta(seconds=alarm_s))
    desk.skip("evacuate", "robber at the door", happened_at=t0 + timedelta(seconds=100))
    desk.choose("injured", 1, happened_at=t0 + timedelta(minutes=3))
    desk.done("call-120", happened_at=t0 + timedelta(minutes=4))
    return desk


@pytest.fixture
def journal(tmp_path: Path):
    with Journal.open(tmp_path / "j.db") as j:
        yield j


def test_single_incident_figures(journal: Journal) -> None:
    t0 = utcnow() - timedelta(hours=3)
    desk = drill(journal, alarm_s=90, t0=t0)
    fired = desk.fire_due_timers()  # report-up came due at t0 + 3 min + 2 h, about 57 minutes ago
    assert [f.record.step_id for f in fired] == ["report-up"]
    desk.close("drill over")
    r = review(desk.id, desk.state)

    crit = {c.step_id: c for c in r.critical}
    assert (crit["alarm"].seconds, crit["alarm"].target_s, crit["alarm"].met) == (90.0, 120, True)
    assert (crit["call-120"].seconds, crit["call-120"].met) == (240.0, None)
    assert crit["report-up"].status == "pending" and crit["report-up"].seconds is None
    assert r.skipped == [{"step_id": "evacuate", "number": 3, "reason": "robber at the door", "by": "Anna",
                          "at": (t0 + timedelta(seconds=100)).isoformat()}]
    assert r.never_reached == ["stall", "secure-cash", "calm-hostage", "no-rash-action", "report-up",
                               "preserve-scene", "describe-suspects"]
    assert r.not_applicable == []
    assert [(d["step_id"], d["choice"], d["seconds"]) for d in r.decisions] == [("injured", 1, 180.0)]
    timer = r.timers[0]
    assert timer.step_id == "report-up"
    assert timer.due_at == (t0 + timedelta(minutes=3, hours=2)).isoformat()
    assert 56 * 60 < timer.late_s < 58 * 60 and r.late_timers == 1
    assert r.drill and r.outcome == "drill over" and r.duration_s > 3 * 3600 - 5


def test_missed_target_and_review_command(journal: Journal, capsys) -> None:
    t0 = utcnow() - timedelta(minutes=30)
    fast = drill(journal, alarm_s=60, t0=t0)
    slow = drill(journal, alarm_s=300, t0=t0 + timedelta(minutes=1))
    assert {c.step_id: c.met for c in review(slow.id, slow.state).critical}["alarm"] is False

    code = main(["--db", str(journal.path), "review", fast.id, slow.id, "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and [d["incident_id"] for d in data] == [fast.id, slow.id]
    assert [next(c["seconds"] for c in d["critical"] if c["step_id"] == "alarm") for d in data] == [60.0, 300.0]

    code = main(["--db", str(journal.path), "--lang", "en", "review", fast.id, slow.id])
    out = capsys.readouterr().out
    assert code == 0
    assert "Drills side by side" in out and "1:00" in out and "5:00" in out
    assert "█" * 24 + " 5:00" in out  # the slowest drill gets the full bar
