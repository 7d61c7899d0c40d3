"""A fixed journal to show the app with: screenshots, snapshot tests, benchmarks.

``build_demo(path)`` writes a journal whose every shown value is fixed (times,
names, incident ids), so pictures of the app are the same on every run when the
app's clock is frozen at :data:`DEMO_NOW` in :data:`DEMO_TZ`:

* an armed robbery with a hostage, open since 10:00, the customer injured, the
  ambulance being called, the 2-hour report timer running;
* a fire drill, open, running the seed's fire-drill scenario (its injects logged,
  the last one not yet acknowledged);
* a closed power cut and two closed armed-robbery drills with a scenario, for the
  past lists, the replay and the after-action review (drills side by side).
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from unittest import mock

DEMO_TZ = timezone(timedelta(hours=8))
DEMO_DAY = datetime(2025, 3, 14, tzinfo=DEMO_TZ)
DEMO_NOW = DEMO_DAY.replace(hour=10, minute=7, second=30)
DEMO_OPERATOR = ("王芳", "supervisor")


def at(hour: int, minute: int, second: int = 0, *, days: int = 0) -> datetime:
    return DEMO_DAY.replace(hour=hour, minute=minute, second=second) - timedelta(days=days)


@contextmanager
def fixed_ids() -> Iterator[None]:
    """Incident ids from a fixed sequence instead of random ones (pictures must not change)."""
    counter = itertools.count(1)

    def token_hex(nbytes: int) -> str:
        return hashlib.sha256(f"dutydesk demo {next(counter)}".encode()).hexdigest()[: 2 * nbytes]

    with mock.patch("dutydesk.journal.api.secrets.token_hex", side_effect=token_hex):
        yield


def build_demo(path: Path) -> dict[str, str]:
    """Write the demo journal at ``path``; return the incident ids by name."""
    from dutydesk.desk import Desk
    from dutydesk.journal.actor import Actor
    from dutydesk.journal.api import Journal
    from dutydesk.plans import load_library

    library = load_library()
    wang = Actor(user="wangfang", name="王芳", role="supervisor", origin="console@branch")
    li = Actor(user="liqiang", name="李强", role="duty-leader", origin="ssh:10.0.0.8@branch")
    ids: dict[str, str] = {}
    with Journal.open(path) as journal, fixed_ids():
        power = Desk.open_new(journal, library, "power-cut", actor=wang, branch="城东支行",
                              happened_at=at(14, 5, days=2))
        for step in power.plan.steps[:3]:
            if not step.is_decision:
                power.done(step.id, happened_at=at(14, 9, days=2))
        power.log("closed", payload={"outcome": "power back at 14:52; no double posting"},
                  happened_at=at(14, 55, days=2))
        ids["power"] = power.id

        drill_old = Desk.open_new(journal, library, "robbery-armed", actor=wang, branch="城东支行", drill=True,
                                  happened_at=at(16, 0, days=1))
        _robbery_drill(drill_old, at(16, 0, days=1), FAST)
        drill_old.log("closed", payload={"outcome": "drill done: alarm in 48 s"}, happened_at=at(16, 20, days=1))
        ids["drill_old"] = drill_old.id

        fire = Desk.open_new(journal, library, "fire-premises", actor=li, branch="城东支行", drill=True,
                             happened_at=at(9, 30))
        ids["fire_drill"] = fire.id
        _fire_drill(fire, at(9, 30))

        rob = Desk.open_new(journal, library, "robbery-hostage-armed", actor=wang, branch="城东支行",
                            happened_at=at(10, 0, 0))
        rob.done("stall", happened_at=at(10, 0, 40))
        rob.call("police-110", "接警,警察 5 分钟到", step_id="alarm", happened_at=at(10, 1, 5))
        rob.done("alarm", happened_at=at(10, 1, 10))
        rob.done("evacuate", happened_at=at(10, 2, 30))
        rob.note("歹徒两人,一人持枪 [蓝色外套]", happened_at=at(10, 3, 0))
        rob.done("secure-cash", happened_at=at(10, 3, 20))
        rob.done("calm-hostage", happened_at=at(10, 4, 0))
        rob.done("no-rash-action", happened_at=at(10, 4, 30))
        rob.choose("injured", 1, happened_at=at(10, 6, 0))
        rob.log("report_field", payload={"field": "place", "value": "城东支行营业厅"}, happened_at=at(10, 6, 30))
        ids["robbery"] = rob.id

        drill_first = Desk.open_new(journal, library, "robbery-armed", actor=li, branch="城东支行", drill=True,
                                    happened_at=at(15, 0, days=7))
        _robbery_drill(drill_first, at(15, 0, days=7), SLOW)
        drill_first.log("closed", payload={"outcome": "drill done: alarm in 95 s, evacuation late"},
                        happened_at=at(15, 25, days=7))
        ids["drill_first"] = drill_first.id
    return ids


# seconds from the opening of each action of an armed-robbery drill: a quick team and a slow one
FAST = {"alarm-110": 48, "take-cover": 55, "scare-alarm": 62, "secure-cash": 90, "evacuate": 170, "fled": 250,
        "no-chase": 262, "injured": 380, "call-120": 400, "report-up": 640, "preserve-scene": 700,
        "describe-suspects": 900}
SLOW = {"alarm-110": 95, "take-cover": 70, "scare-alarm": 120, "secure-cash": 150, "evacuate": 410, "fled": 260,
        "no-chase": 300, "injured": 390, "call-120": 520, "report-up": 1100, "preserve-scene": 1200,
        "describe-suspects": 1300}


def _play(desk: Any, t0: datetime, scenario_id: str, actions: dict[str, int], *, until: int,
          ack_after: int = 15, unacked: int = 0) -> None:
    """Attach the scenario, then log in time order the actions (step id -> seconds from ``t0``), the
    injects due by ``until`` (each at its time) and their acknowledgements (``ack_after`` later; the
    last ``unacked`` are left for the desk to acknowledge)."""
    from dutydesk.journal import kinds
    from dutydesk.scenario import attach, fire_due_injects, find_scenario

    scenario = find_scenario(scenario_id)
    attach(desk, scenario, happened_at=t0)
    due = [i for i in scenario.injects if i.at <= until]
    timeline: list[tuple[int, int, str, Any]] = [(i.at, 0, "inject", i) for i in due]
    timeline += [(i.at + ack_after, 1, "ack", i) for i in due[: len(due) - unacked]]
    timeline += [(seconds, 2, "step", step_id) for step_id, seconds in actions.items()]
    shown: dict[int, int] = {}
    for seconds, _order, what, item in sorted(timeline, key=lambda e: (e[0], e[1])):
        when = t0 + timedelta(seconds=seconds)
        if what == "inject":
            for logged in fire_due_injects(desk, when, happened_at=when):
                shown[int(logged.record.payload["n"])] = logged.record.seq
        elif what == "ack":
            desk.log(kinds.ACKNOWLEDGED, payload={"seq": shown[item.n]}, happened_at=when)
        elif item in ("fled", "injured"):
            desk.choose(item, 1, happened_at=when)
        elif item == "secure-cash" and actions is SLOW:
            desk.skip(item, "歹徒紧盯柜台,无法隐蔽操作", happened_at=when)
        else:
            desk.done(item, happened_at=when)


def _robbery_drill(desk: Any, t0: datetime, times: dict[str, int]) -> None:
    _play(desk, t0, "robbery-armed-drill", times, until=24 * 3600)


def _fire_drill(desk: Any, t0: datetime) -> None:
    """The seed's fire drill on the open fire drill: every inject due by DEMO_NOW is logged (so the
    app writes nothing when it shows the demo), the last one not yet acknowledged."""
    _play(desk, t0, "fire-atm-room-drill", {"call-119": 50, "sound-alarm": 58, "cut-power": 150},
          until=int((DEMO_NOW - t0).total_seconds()), unacked=1)


def add_second_desk(path: Path, ids: dict[str, str]) -> None:
    """The on-call leader joins the robbery over SSH (issue 7): an instruction not yet
    acknowledged, and the supervisor's handover offer to him, pending. Not part of
    ``build_demo`` (the other pictures stay as they are); the two-desk pictures add it."""
    from dutydesk.desk import Desk
    from dutydesk.journal.actor import Actor
    from dutydesk.journal.api import Journal

    wang = Actor(user="wangfang", name="王芳", role="supervisor", origin="console@branch")
    li = Actor(user="liqiang", name="李强", role="duty-leader", origin="ssh:10.0.0.8@branch")
    with Journal.open(path) as journal:
        incident = journal.incident(ids["robbery"])
        leader, desk = Desk(journal, incident, li), Desk(journal, incident, wang)
        leader.log("note", payload={"text": "已接通,远程跟进"}, happened_at=at(10, 6, 40))
        leader.log("instruction", payload={"text": "保护好现场,等待公安取证"}, happened_at=at(10, 6, 50))
        desk.log("handover", payload={"to_name": "李强", "to_role": "duty-leader", "phase": "offered"},
                 happened_at=at(10, 7, 0))
