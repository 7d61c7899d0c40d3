"""The desk on a real journal: two desks on one file, races decided under the write lock."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from dutydesk import paths
from dutydesk.desk import Desk, DeskError
from dutydesk.journal import Actor, Journal, StaleState, kinds
from dutydesk.plans import load_library

LIBRARY = load_library([paths.bundled_plans_dir()])
ANNA = Actor("anna", "Anna", "supervisor", "console@desk")
BO = Actor("bo", "Bo", "duty-leader", "ssh:10.0.0.9@desk")


def test_stale_append_writes_nothing(tmp_path: Path) -> None:
    with Journal.open(tmp_path / "j.db") as journal:
        desk = Desk.open_new(journal, LIBRARY, "fire-premises", actor=ANNA)
        desk.note("first")
        with pytest.raises(StaleState):
            journal.append(desk.id, kinds.NOTE, actor=ANNA, payload={"text": "late"}, expect_last_seq=1)
        assert journal.last_seq(desk.id) == 2


def test_second_desk_sees_the_first_and_is_told(tmp_path: Path) -> None:
    db = tmp_path / "j.db"
    with Journal.open(db) as j1, Journal.open(db) as j2:
        anna = Desk.open_new(j1, LIBRARY, "robbery-hostage-armed", actor=ANNA)
        bo = Desk(j2, j2.incident(anna.id), BO)
        anna.choose("injured", 1)
        # Bo's desk has not refreshed yet, but the write is checked against the newest state
        with pytest.raises(DeskError, match=r"already done \(#2 by Anna\)"):
            bo.choose("injured", 2)
        assert bo.state.steps["injured"].choice == 1  # and now Bo's desk shows Anna's answer
        assert j2.last_seq(anna.id) == 2
        anna.done("alarm")
        logged = bo.note("leader on the way")
        assert [(r.kind, r.who.name) for r in logged.others] == [("step_done", "Anna")]  # what happened meanwhile
        assert bo.state.steps["alarm"].by.name == "Anna"
        assert bo.state.records[-1].who.origin == "ssh:10.0.0.9@desk"


def _race(db: str, incident: str, name: str, start, results) -> None:
    with Journal.open(db) as journal:
        desk = Desk(journal, journal.incident(incident), Actor(name, name, "supervisor", "console"))
        start.wait()
        try:
            desk.choose("injured", 1 if name == "a" else 2)
            results.put((name, "written"))
        except DeskError as exc:
            results.put((name, str(exc)))


def test_two_processes_answering_at_once_never_both_win(tmp_path: Path) -> None:
    db = tmp_path / "j.db"
    ctx = multiprocessing.get_context("spawn")
    for _round in range(5):
        with Journal.open(db) as journal:
            incident = Desk.open_new(journal, LIBRARY, "robbery-hostage-armed", actor=ANNA).id
        start, results = ctx.Barrier(2), ctx.Queue()
        procs = [ctx.Process(target=_race, args=(str(db), incident, n, start, results)) for n in "ab"]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
        outcomes = dict(results.get(timeout=5) for _ in procs)
        assert sorted(v == "written" for v in outcomes.values()) == [False, True], outcomes
        loser = next(v for v in outcomes.values() if v != "written")
        assert "already done" in loser
        with Journal.open(db) as journal:
            choices = [e for e in journal.events(incident) if e.kind == kinds.CHOICE_MADE]
            assert len(choices) == 1
            assert journal.verify(incident).ok
