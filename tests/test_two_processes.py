"""Two real processes on one journal file (issue 7): both append, each sees the other,
one unbroken chain, and the races two desks can run into are decided once.

Each desk is a separate process (``multiprocessing`` spawn: its own interpreter,
its own SQLite connection), as two ``dutydesk`` on one machine are. How fast one
sees the other is measured in ``benchmarks/bench_follow.py``, not asserted here.
"""

from __future__ import annotations

import multiprocessing
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from dutydesk import paths
from dutydesk.desk import AlreadyAcknowledged, AlreadySettled, Desk, DeskError
from dutydesk.journal import Actor, Journal, kinds
from dutydesk.plans import load_library

LIBRARY = load_library([paths.bundled_plans_dir()])
WANG = Actor("wangfang", "王芳", "supervisor", "console@branch")
LI = Actor("liqiang", "李强", "duty-leader", "ssh:10.0.0.9@branch")
ZHAO = Actor("zhao", "赵敏", "branch-head", "console@branch")
ACTORS = {"wang": WANG, "li": LI, "zhao": ZHAO}
NOTES = 40

CTX = multiprocessing.get_context("spawn")


def _open(db: str, incident: str, who: str) -> tuple[Journal, Desk]:
    journal = Journal.open(db)
    return journal, Desk(journal, journal.incident(incident), ACTORS[who])


def _writer(db: str, incident: str, who: str, start: Any, results: Any) -> None:
    """Append NOTES notes, folding in the other desk's between them; report what was seen."""
    journal, desk = _open(db, incident, who)
    other = "li" if who == "wang" else "wang"
    try:
        start.wait()
        for i in range(NOTES):
            desk.note(f"{who} {i}")
            desk.refresh()
            time.sleep(0.002)
        deadline = time.monotonic() + 30  # then keep following until the other desk is done
        while time.monotonic() < deadline:
            desk.refresh()
            seen = [r.payload["text"] for r in desk.state.records
                    if r.kind == kinds.NOTE and r.who.user == ACTORS[other].user]
            if len(seen) == NOTES:
                break
            time.sleep(0.05)
        mine = [r.seq for r in desk.state.records if r.who.user == ACTORS[who].user and r.kind == kinds.NOTE]
        results.put((who, seen, mine, desk.state.last_seq))
    finally:
        journal.close()


def _run(target: Any, args_of: list[tuple[Any, ...]]) -> list[Any]:
    results = CTX.Queue()
    start = CTX.Barrier(len(args_of))
    procs = [CTX.Process(target=target, args=(*args, start, results)) for args in args_of]
    for p in procs:
        p.start()
    out = [results.get(timeout=90) for _ in procs]
    for p in procs:
        p.join(30)
        assert p.exitcode == 0
    return out


def _new(db: Path, plan: str = "robbery-hostage-armed") -> str:
    with Journal.open(db) as journal:
        return Desk.open_new(journal, LIBRARY, plan, actor=WANG).id


def test_both_append_and_each_sees_the_other_in_one_unbroken_chain(tmp_path: Path) -> None:
    db = tmp_path / "journal.db"
    incident = _new(db)
    results = {who: rest for who, *rest in _run(_writer, [(str(db), incident, "wang"), (str(db), incident, "li")])}
    for who, other in (("wang", "li"), ("li", "wang")):
        seen, _mine, _last = results[who]
        assert seen == [f"{other} {i}" for i in range(NOTES)]  # all of them, in the order written
    with Journal.open(db) as journal:
        stored = journal.events(incident)
        assert [e.seq for e in stored] == list(range(1, 2 * NOTES + 2))  # no gap, no fork
        assert journal.verify(incident).ok
        by = {e.actor_user for e in stored if e.kind == kinds.NOTE}
        assert by == {"wangfang", "liqiang"}
        assert {e.actor_origin for e in stored if e.actor_user == "liqiang"} == {"ssh:10.0.0.9@branch"}
    # each process's final view is the whole incident
    assert results["wang"][2] == results["li"][2] == 2 * NOTES + 1


# -- races: two desks act on the same thing at the same moment ----------------------------

def _act(db: str, incident: str, who: str, action: str, start: Any, results: Any) -> None:
    journal, desk = _open(db, incident, who)
    try:
        start.wait()
        try:
            if action == "done":
                desk.done("stall")
            elif action == "skip":
                desk.skip("stall", "robber at the door")
            elif action.startswith("answer"):
                desk.choose("injured", int(action[-1]))
            elif action == "ack":
                desk.acknowledge(int(desk.state.instructions[-1].seq))
            elif action == "accept":
                desk.accept_handover()
            elif action == "timers":
                fired = desk.fire_due_timers(desk.state.opened_at + timedelta(hours=5))
                results.put((who, [r.record.step_id for r in fired]))
                return
            results.put((who, "written"))
        except AlreadySettled as exc:
            results.put((who, ("settled", exc.status, exc.seq, exc.by.name if exc.by else None, exc.choice)))
        except AlreadyAcknowledged as exc:
            results.put((who, ("acknowledged", exc.target, exc.by.name)))
        except DeskError as exc:
            results.put((who, ("refused", str(exc))))
    finally:
        journal.close()


def _race(db: Path, incident: str, wang: str, li: str) -> dict[str, Any]:
    return dict(_run(_act, [(str(db), incident, "wang", wang), (str(db), incident, "li", li)]))


def _kinds(db: Path, incident: str, kind: str) -> list[Any]:
    with Journal.open(db) as journal:
        assert journal.verify(incident).ok
        return [e for e in journal.events(incident) if e.kind == kind]


@pytest.mark.parametrize(("wang", "li"), [("done", "done"), ("done", "skip"), ("answer1", "answer2")])
def test_marking_or_answering_the_same_step_at_once_never_doubles(tmp_path: Path, wang: str, li: str) -> None:
    db = tmp_path / "journal.db"
    for _round in range(3):
        incident = _new(db)
        if wang.startswith("answer"):
            with Journal.open(db) as journal:
                desk = Desk(journal, journal.incident(incident), WANG)
                for step in ("stall", "alarm", "evacuate", "secure-cash", "calm-hostage", "no-rash-action"):
                    desk.done(step)
        outcome = _race(db, incident, wang, li)
        winners = [who for who, result in outcome.items() if result == "written"]
        assert len(winners) == 1, outcome
        loser = "li" if winners == ["wang"] else "wang"
        tag, status, seq, by, choice = outcome[loser]
        # the second is told what the first did: which event, by whom, and the answer that stands
        assert tag == "settled" and by == ACTORS[winners[0]].name
        step = "injured" if wang.startswith("answer") else "stall"
        with Journal.open(db) as journal:
            marks = [e for e in journal.events(incident) if e.step_id == step]
            assert len(marks) == 1 and marks[0].seq == seq and marks[0].actor_name == by
            if wang.startswith("answer"):
                assert choice == (1 if winners == ["wang"] else 2) == marks[0].data["choice"]
            else:
                assert status == ("done" if marks[0].kind == kinds.STEP_DONE else "skipped")


def test_timers_ring_once_across_desks(tmp_path: Path) -> None:
    db = tmp_path / "journal.db"
    for _round in range(3):
        incident = _new(db)
        with Journal.open(db) as journal:
            desk = Desk(journal, journal.incident(incident), WANG)
            for step in ("stall", "alarm", "evacuate", "secure-cash", "calm-hostage", "no-rash-action"):
                desk.done(step)
            desk.choose("injured", 1)  # the 2-hour report timer starts
            assert desk.state.timers["report-up"].running
        outcome = _race(db, incident, "timers", "timers")
        assert sorted(outcome["wang"] + outcome["li"]) == ["report-up"], outcome
        assert [e.step_id for e in _kinds(db, incident, kinds.TIMER_FIRED)] == ["report-up"]


def test_an_instruction_is_acknowledged_once(tmp_path: Path) -> None:
    db = tmp_path / "journal.db"
    for _round in range(3):
        incident = _new(db)
        with Journal.open(db) as journal:
            Desk(journal, journal.incident(incident), ZHAO).instruct("保护现场")
        outcome = _race(db, incident, "ack", "ack")
        assert list(outcome.values()).count("written") == 1, outcome
        loser = next(v for v in outcome.values() if v != "written")
        assert loser[0] == "acknowledged" and loser[1] == 2
        assert len(_kinds(db, incident, kinds.ACKNOWLEDGED)) == 1


def test_a_handover_is_accepted_once(tmp_path: Path) -> None:
    db = tmp_path / "journal.db"
    for _round in range(3):
        incident = _new(db)
        with Journal.open(db) as journal:
            Desk(journal, journal.incident(incident), WANG).offer_handover("李强", "duty-leader")
        outcome = dict(_run(_act, [(str(db), incident, "li", "accept"), (str(db), incident, "zhao", "accept")]))
        assert list(outcome.values()).count("written") == 1, outcome
        loser = next(v for v in outcome.values() if v != "written")
        assert loser[0] == "refused" and "took over" in loser[1]
        accepted = [e for e in _kinds(db, incident, kinds.HANDOVER) if e.data["phase"] == kinds.HANDOVER_ACCEPTED]
        assert len(accepted) == 1


def test_a_desk_that_drops_loses_nothing_and_resumes_where_the_incident_stands(tmp_path: Path) -> None:
    """The leader's process is killed mid-incident (SSH dropped); the supervisor goes on;
    a new process for the leader folds the journal and sees both."""
    db = tmp_path / "journal.db"
    incident = _new(db)
    queue = CTX.Queue()
    child = CTX.Process(target=_drop, args=(str(db), incident, queue))
    child.start()
    assert queue.get(timeout=60) == "logged"
    child.kill()  # no goodbye: the way a dropped SSH session ends a desk
    child.join(30)
    with Journal.open(db) as journal:
        Desk(journal, journal.incident(incident), WANG).done("alarm")
    again = CTX.Queue()
    reader = CTX.Process(target=_resume, args=(str(db), incident, again))
    reader.start()
    state = again.get(timeout=60)
    reader.join(30)
    assert state["stall"] == ("done", "李强") and state["alarm"] == ("done", "王芳")
    assert state["instructions"] == ["hold the door"] and state["last"] == 4


def _drop(db: str, incident: str, queue: Any) -> None:
    journal, desk = _open(db, incident, "li")
    desk.done("stall")
    desk.instruct("hold the door")
    queue.put("logged")
    time.sleep(600)


def _resume(db: str, incident: str, queue: Any) -> None:
    journal, desk = _open(db, incident, "li")
    steps = {s: (desk.state.steps[s].status, desk.state.steps[s].by.name if desk.state.steps[s].by else None)
             for s in ("stall", "alarm")}
    queue.put({**steps, "instructions": [i.text for i in desk.state.unacknowledged()], "last": desk.state.last_seq})
    journal.close()
