"""Fixtures of the export tests: a fixed local time zone, a fixed clock, fixed incidents.

Everything a report shows is fixed here: the journal's clock (``recorded_at``) is
patched, every ``happened_at`` is explicit, incident ids come from a fixed
sequence and the local zone is Asia/Shanghai; so the final chain hash, and with
it every golden file, is the same on every run.
"""

from __future__ import annotations

import hashlib
import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from dutydesk.journal.actor import Actor

from .helpers import valid_id

#: the plan as frozen into the fixed incident (a copy, so a later edit of the bundled
#: plan file does not change the golden files)
SNAPSHOT = Path(__file__).parent / "golden" / "robbery-hostage-armed.snapshot.json"

CST = timezone(timedelta(hours=8))
DAY = datetime(2024, 6, 3, tzinfo=CST)  # a Monday
NOW = DAY.replace(hour=11, minute=30)  # when the report is made

WANG = Actor(user="wangfang", name="王芳", role="supervisor", origin="console@branch-01")
LI = Actor(user="liqiang", name="李强", role="duty-leader", origin="ssh:10.0.0.8@branch-01")

#: customer data in the fixed incident (all valid shapes: they must be masked)
CUSTOMER_ID = valid_id("11010519850312123")
CUSTOMER_CARD = "6222 0212 3456 7890 128"
CUSTOMER_MOBILE = "138 1234 5678"
WITNESS_MOBILE = "+86 139-0000-1111"
INJECTION = "嫌疑人留言: [bold red]FAKE[/] <script>alert('x')</script> \x1b[2J *强调* | 管道 | [@click=app.quit]x[/]"


def at(hour: int, minute: int, second: int = 0) -> datetime:
    return DAY.replace(hour=hour, minute=minute, second=second)


@pytest.fixture
def shanghai(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process's local time zone is Asia/Shanghai (UTC+8, no DST) for the test."""
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


class Clock:
    """The journal's clock (``recorded_at``), set by the test."""

    def __init__(self, start: datetime):
        self.moment = start.astimezone(timezone.utc)

    def set(self, moment: datetime) -> None:
        self.moment = moment.astimezone(timezone.utc)

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Patch the journal's clock and incident ids (fixed sequence)."""
    fixed = Clock(at(10, 0))
    monkeypatch.setattr("dutydesk.journal.api.utcnow", fixed)
    counter = itertools.count(1)

    def token_hex(nbytes: int) -> str:
        return hashlib.sha256(f"dutydesk export test {next(counter)}".encode()).hexdigest()[: 2 * nbytes]

    monkeypatch.setattr("dutydesk.journal.api.secrets.token_hex", token_hex)
    return fixed


@dataclass
class Built:
    db: Path
    incident_id: str


def build_fixed(db: Path, clock: Clock) -> str:
    """The fixed incident of the golden files: an armed robbery with a hostage and an
    injured customer, start to close, with every kind of entry a report must show."""
    from dutydesk.desk import Desk
    from dutydesk.journal import Journal, kinds

    snapshot = SNAPSHOT.read_text(encoding="utf-8")
    with Journal.open(db) as journal:
        clock.set(at(10, 0))
        incident = journal.open_incident(
            plan_id="robbery-hostage-armed", plan_title_zh="营业期间歹徒持枪劫持人质抢劫",
            plan_title_en="Armed robbery with a hostage during business hours", plan_snapshot=snapshot,
            branch="城东支行", place="营业大厅 3号柜台", level="II", drill=False, actor=WANG, happened_at=at(10, 0),
        )
        desk = Desk(journal, incident, WANG)
        li = Desk(journal, incident, LI)

        def step(moment: datetime) -> Desk:
            clock.set(moment)
            return desk

        step(at(10, 0, 40)).done("stall", happened_at=at(10, 0, 40))
        step(at(10, 3)).done("alarm", happened_at=at(10, 1, 10))            # logged late: happened earlier
        step(at(10, 3, 20)).call("police-110", "接警,5分钟到", step_id="alarm", happened_at=at(10, 1, 5))
        step(at(10, 3, 40)).change_level("I", "歹徒持枪,劫持人质")
        step(at(10, 4)).skip("evacuate", "歹徒守在门口,无法疏散")
        step(at(10, 4, 30)).note(
            f"受伤客户张伟,身份证{CUSTOMER_ID},手机 {CUSTOMER_MOBILE},卡号 {CUSTOMER_CARD}"
            "(卡内余额 ¥52,300.00)。第3步已完成,10:04 歹徒离柜。"
        )
        step(at(10, 5)).note(INJECTION)
        secure = step(at(10, 5, 20)).done("secure-cash").record.seq
        step(at(10, 6)).amend_time(secure, at(10, 5), "实际 10:05 已放入保险柜")
        step(at(10, 6, 30)).done("calm-hostage")
        step(at(10, 7)).done("no-rash-action")
        step(at(10, 8)).choose("injured", 1)
        step(at(10, 8, 30)).call("ambulance-120", "10 分钟到", step_id="call-120")
        step(at(10, 9)).done("call-120")
        step(at(10, 10)).offer_handover(LI.name, LI.role)
        clock.set(at(10, 12))
        li.accept_handover()
        clock.set(at(10, 12, 30))
        li.instruct("保护好现场,等待公安取证")
        desk.refresh()
        step(at(10, 13)).acknowledge(li.state.instructions[-1].seq)
        clock.set(at(10, 14))
        wrong = li.note("误记:受伤客户已自行离开").record.seq
        clock.set(at(10, 14, 30))
        li.retract(wrong, "记错了,客户仍在现场")
        clock.set(at(10, 20))
        li.done("report-up", happened_at=at(10, 15))
        fields = {
            "place": "城东支行营业厅 3号柜台",
            "time": "2024-06-03 10:00",
            "cause": "两名歹徒持枪抢劫",
            "nature": "持枪抢劫、劫持人质",
            "amount": "被抢现金 ¥8,000",
            "people": f"歹徒 2 人,受伤客户 1 人(目击者电话 {WITNESS_MOBILE})",
            "harm": "客户手臂刀伤,已送医",
            "measures": "报警、急救、保护现场、向上级报告",
        }
        for i, (name, value) in enumerate(fields.items()):
            clock.set(at(10, 30, i))
            li.set_field(name, value)
        clock.set(at(10, 40))
        li.done("preserve-scene")
        clock.set(at(10, 41))
        li.skip("describe-suspects", "公安已现场询问")
        clock.set(at(11, 2, 5))
        li.close("公安抓获一名嫌疑人,伤者送医")
        assert li.state.conflicts == [] and kinds.CLOSED
        return desk.id


@pytest.fixture
def fixed_incident(tmp_path: Path, clock: Clock, shanghai: None) -> Built:
    db = tmp_path / "journal.db"
    return Built(db, build_fixed(db, clock))
