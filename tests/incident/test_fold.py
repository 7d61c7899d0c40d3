"""The fold, on the real bundled robbery plan, with events built by hand (no I/O)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from dutydesk import paths
from dutydesk.incident import Folder, Record, Who, fold
from dutydesk.journal import kinds
from dutydesk.plans import load_library

PLAN = load_library([paths.bundled_plans_dir()]).get("robbery-hostage-armed")
T0 = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
ANNA = Who("anna", "Anna", "supervisor")
BO = Who("bo", "Bo", "duty-leader", "ssh:10.0.0.2")


class Log:
    """Builds records with increasing seq, one minute apart unless told otherwise."""

    def __init__(self) -> None:
        self.records: list[Record] = []

    def add(self, kind: str, step: str | None = None, who: Who = ANNA, minute: float | None = None, **payload) -> Record:
        seq = len(self.records) + 1
        at = T0 + timedelta(minutes=seq - 1 if minute is None else minute)
        record = Record(seq, kind, at, at, who, step, payload)
        self.records.append(record)
        return record

    def state(self):
        return fold(PLAN, self.records)


@pytest.fixture
def log() -> Log:
    log = Log()
    log.add(kinds.OPENED, level="I", drill=False, plan_id=PLAN.id)
    return log


def test_opening_puts_steps_up_to_the_first_question_on_the_path(log: Log) -> None:
    state = log.state()
    assert state.is_open and state.level == "I" and state.in_charge == ANNA
    assert state.path == ["stall", "alarm", "evacuate", "secure-cash", "calm-hostage", "no-rash-action", "injured"]
    assert state.current == "stall"
    assert all(s.status == "pending" for s in state.steps.values())
    assert state.timers == {}  # report-up is beyond the question


def test_steps_done_out_of_order_and_current_moves(log: Log) -> None:
    log.add(kinds.STEP_DONE, "alarm")
    state = log.state()
    assert state.steps["alarm"].status == "done" and state.steps["alarm"].by == ANNA
    assert state.current == "stall"
    log.add(kinds.STEP_DONE, "stall")
    log.add(kinds.STEP_SKIPPED, "evacuate", reason="robber at the door")
    state = log.state()
    assert state.steps["evacuate"].status == "skipped"
    assert state.steps["evacuate"].reason == "robber at the door"
    assert state.current == "secure-cash"


def test_answer_takes_the_branch_and_marks_the_other_inactive(log: Log) -> None:
    log.add(kinds.CHOICE_MADE, "injured", choice=2)
    state = log.state()
    assert state.steps["injured"].choice == 2
    assert state.steps["call-120"].status == "inactive"
    assert "report-up" in state.path and "call-120" not in state.path
    assert state.decisions[0][:2] == ("injured", 2)


def test_timer_starts_when_its_branch_is_chosen_and_stops_when_done(log: Log) -> None:
    answered = log.add(kinds.CHOICE_MADE, "injured", choice=1)
    state = log.state()
    timer = state.timers["report-up"]
    assert timer.started_at == answered.happened_at
    assert timer.due_at == answered.happened_at + timedelta(hours=2)
    assert not timer.is_due(timer.due_at - timedelta(seconds=1)) and timer.is_due(timer.due_at)
    assert state.due_timers(timer.due_at) == [timer]
    log.add(kinds.STEP_DONE, "report-up")
    assert log.state().timers["report-up"].stopped
    assert log.state().due_timers(timer.due_at + timedelta(hours=1)) == []


def test_fired_timer_is_recorded(log: Log) -> None:
    log.add(kinds.CHOICE_MADE, "injured", choice=1)
    fired = log.add(kinds.TIMER_FIRED, "report-up", minute=200, due_at="x")
    timer = log.state().timers["report-up"]
    assert timer.fired_seq == fired.seq and not timer.running


def test_retracting_an_answer_reopens_the_question(log: Log) -> None:
    wrong = log.add(kinds.CHOICE_MADE, "injured", choice=1)
    log.add(kinds.RETRACTED, seq=wrong.seq, reason="pressed the wrong key")
    state = log.state()
    assert state.steps["injured"].choice is None and state.steps["injured"].status == "pending"
    assert state.steps["call-120"].status == "pending"
    assert state.is_void(wrong.seq)
    assert "report-up" not in state.timers
    log.add(kinds.CHOICE_MADE, "injured", choice=2)
    assert log.state().steps["call-120"].status == "inactive"


def test_retracting_a_retraction_restores_the_event(log: Log) -> None:
    done = log.add(kinds.STEP_DONE, "stall")
    undo = log.add(kinds.RETRACTED, seq=done.seq, reason="mistake")
    assert log.state().steps["stall"].status == "pending"
    log.add(kinds.RETRACTED, seq=undo.seq, reason="it was right after all")
    assert log.state().steps["stall"].status == "done"


def test_amending_the_time_an_action_happened(log: Log) -> None:
    done = log.add(kinds.STEP_DONE, "alarm", minute=9)
    log.add(kinds.AMENDED, seq=done.seq, reason="pressed at 10:02", changes={"happened_at": "2026-11-23T02:02:00.000000Z"})
    state = log.state()
    assert state.steps["alarm"].at == T0 + timedelta(minutes=2)
    assert state.amendments[done.seq][0].payload["reason"] == "pressed at 10:02"


def test_second_desk_conflicts_are_reported_not_silent(log: Log) -> None:
    log.add(kinds.STEP_DONE, "alarm", who=ANNA)
    log.add(kinds.STEP_DONE, "alarm", who=BO)
    log.add(kinds.CHOICE_MADE, "injured", who=ANNA, choice=1)
    log.add(kinds.CHOICE_MADE, "injured", who=BO, choice=2)
    state = log.state()
    assert state.steps["alarm"].by == ANNA
    assert state.steps["injured"].choice == 1  # the first answer stands
    assert [c.step_id for c in state.conflicts] == ["alarm", "injured"]
    assert "already answered with answer 1 by Anna" in state.conflicts[1].message


def test_skipping_a_question_lets_the_flow_go_on(log: Log) -> None:
    log.add(kinds.STEP_SKIPPED, "injured", reason="cannot tell yet")
    state = log.state()
    assert state.path[state.path.index("injured") + 1] == "call-120"
    assert state.path[-1] == "describe-suspects"
    assert state.steps["call-120"].status == "pending"


def test_report_level_handover_instructions_and_close(log: Log) -> None:
    log.add(kinds.REPORT_FIELD, field="place", value="Hall, counter 3")
    log.add(kinds.LEVEL_CHANGED, level="II", reason="robber left, nobody hurt")
    order = log.add(kinds.INSTRUCTION, who=BO, text="Keep the doors shut")
    assert [i.seq for i in log.state().unacknowledged()] == [order.seq]
    log.add(kinds.ACKNOWLEDGED, seq=order.seq)
    log.add(kinds.HANDOVER, who=ANNA, to_name="Bo", to_role="duty-leader", phase="offered")
    assert log.state().handover_offer is not None
    log.add(kinds.HANDOVER, who=BO, to_name="Bo", to_role="duty-leader", phase="accepted")
    log.add(kinds.CLOSED, outcome="police took over")
    state = log.state()
    assert state.report["place"][0] == "Hall, counter 3"
    assert state.level == "II" and [lvl for _, lvl in state.level_history] == ["I", "II"]
    assert state.unacknowledged() == [] and state.in_charge == BO and state.handover_offer is None
    assert not state.is_open and state.outcome == "police took over"


def test_incremental_apply_equals_full_fold(log: Log) -> None:
    log.add(kinds.STEP_DONE, "stall")
    wrong = log.add(kinds.CHOICE_MADE, "injured", choice=1)
    log.add(kinds.RETRACTED, seq=wrong.seq, reason="x")
    log.add(kinds.CHOICE_MADE, "injured", choice=2)
    log.add(kinds.STEP_DONE, "report-up")
    folder = Folder(PLAN)
    for record in log.records:
        folder.apply(record)
    full = log.state()
    assert {k: (v.status, v.choice) for k, v in folder.state.steps.items()} == {k: (v.status, v.choice) for k, v in full.steps.items()}
    assert folder.state.current == full.current and folder.state.path == full.path
