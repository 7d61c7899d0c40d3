"""Both ways of reading journal events into records agree, on a real journal file."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from dutydesk.incident import Record
from dutydesk.journal import Actor, Journal, kinds
from dutydesk.journal.times import utcnow


def test_rows_and_orm_events_give_the_same_records(tmp_path: Path) -> None:
    journal = Journal.open(tmp_path / "j.db")
    actor = Actor("anna", "Anna", "supervisor", "ssh:10.1.2.3@desk")
    incident = journal.open_incident(plan_id="p", plan_title_zh="预案", plan_title_en="Plan", plan_snapshot="{}",
                                     branch="b", place="", level="II", drill=False, actor=actor)
    journal.append(incident.id, kinds.NOTE, actor=actor, payload={"text": "客户 [/] \x1b[2J"})
    journal.append(incident.id, kinds.STEP_DONE, actor=actor, step_id="alarm", happened_at=utcnow() - timedelta(minutes=7))
    from_orm = [Record.of(e) for e in journal.events(incident.id)]
    from_rows = [Record.from_row(r) for r in journal.event_rows(incident.id)]
    assert from_rows == from_orm
    assert [r.seq for r in from_rows] == [1, 2, 3]
    assert from_rows[1].payload["text"] == "客户 [/] \x1b[2J"
    assert from_rows[2].happened_at < from_rows[2].recorded_at
    assert from_rows[2].who.origin == "ssh:10.1.2.3@desk"
    assert [Record.from_row(r).seq for r in journal.event_rows(incident.id, after_seq=2)] == [3]
    journal.close()
