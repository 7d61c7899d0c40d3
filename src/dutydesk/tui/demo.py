"""A fixed journal to show the app with: screenshots, snapshot tests, benchmarks.

``build_demo(path)`` writes a journal whose every shown value is fixed (times,
names, incident ids), so pictures of the app are the same on every run when the
app's clock is frozen at :data:`DEMO_NOW` in :data:`DEMO_TZ`:

* an armed robbery with a hostage, open since 10:00, the customer injured, the
  ambulance being called, the 2-hour report timer running;
* a fire drill, open;
* a closed power cut and a closed drill, for the past lists.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
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
        drill_old.log("closed", payload={"outcome": "drill done: alarm in 48 s"}, happened_at=at(16, 20, days=1))
        ids["drill_old"] = drill_old.id

        fire = Desk.open_new(journal, library, "fire-premises", actor=li, branch="城东支行", drill=True,
                             happened_at=at(9, 30))
        ids["fire_drill"] = fire.id

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
    return ids
