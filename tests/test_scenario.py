"""Drill scenarios: the files (checked with file and line), attaching one, injects logged once."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from pathlib import Path

import pytest

from dutydesk import paths
from dutydesk.cli import main
from dutydesk.desk import Desk, DeskError
from dutydesk.journal import Actor, InvalidEvent, Journal, kinds
from dutydesk.journal.times import utcnow
from dutydesk.plans import load_library
from dutydesk.scenario import (
    Scenario,
    ScenarioError,
    attach,
    attached,
    due_injects,
    find_scenario,
    fire_due_injects,
    load_scenario,
    load_scenarios,
    offset_text,
    parse_offset,
    read_scenario,
)

LIBRARY = load_library([paths.bundled_plans_dir()])
ANNA = Actor("anna", "Anna", "trainer", "console")
BEN = Actor("ben", "Ben", "supervisor", "ssh:10.0.0.9")

GOOD = """\
id: cash-demand
plan: robbery-armed
title: Armed robbery, the robber wants more
injects:
  - "+00:30 A customer screams and runs for the door"
  - at: "+02:00"
    text: {zh: 歹徒要求再拿更多现金, en: The robber demands more cash}
  - at: 5m
    text: The power fails
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# -- the files -------------------------------------------------------------------------------


def test_bundled_scenarios_are_valid_and_fit_bundled_plans() -> None:
    found, problems = load_scenarios([paths.bundled_scenarios_dir()], plans=LIBRARY.plans)
    assert problems == []
    assert {"fire-atm-room-drill", "customer-illness-drill", "robbery-armed-drill"} <= set(found)
    for scenario in found.values():
        assert scenario.plans and all(p in LIBRARY.plans for p in scenario.plans)
        assert scenario.title.zh != scenario.title.en  # bilingual
        assert [i.n for i in scenario.injects] == list(range(1, len(scenario.injects) + 1))
        assert [i.at for i in scenario.injects] == sorted(i.at for i in scenario.injects)
        assert len(scenario.sha256) == 64
    assert "fire-premises" in found["fire-atm-room-drill"].plans  # the seed's drill fits both fire plans


def test_times() -> None:
    assert [parse_offset(t) for t in ("+00:30", "+2:00", "+1:02:03", "90s", "+2m", "1h30m", 45, "+0:00")] == \
        [30, 120, 3723, 90, 120, 5400, 45, 0]
    assert [parse_offset(t) for t in ("+2:75", "soon", "-1:00", "+1:60:00", "5wd", "25h", True, None, -3)] == \
        [None] * 9
    assert (offset_text(30), offset_text(120), offset_text(3723)) == ("+0:30", "+2:00", "+1:02:03")


def test_short_and_long_forms(tmp_path: Path) -> None:
    scenario = load_scenario(write(tmp_path, "cash-demand.yaml", GOOD), plans=LIBRARY.plans)
    assert scenario.id == "cash-demand" and scenario.plans == ("robbery-armed",)
    assert [(i.n, i.at, i.text.zh, i.text.en, i.line) for i in scenario.injects] == [
        (1, 30, "A customer screams and runs for the door", "A customer screams and runs for the door", 5),
        (2, 120, "歹徒要求再拿更多现金", "The robber demands more cash", 6),
        (3, 300, "The power fails", "The power fails", 8),
    ]
    assert scenario.title.zh == scenario.title.en == "Armed robbery, the robber wants more"
    assert Scenario.from_dict(json.loads(json.dumps(scenario.to_dict()))) == \
        Scenario(scenario.id, scenario.title, tuple(i.__class__(i.n, i.at, i.text) for i in scenario.injects),
                 scenario.plans, "", "cash-demand.yaml", scenario.sha256)


def test_problems_name_the_file_and_the_line(tmp_path: Path) -> None:
    bad = """\
id: drill-1
plan: robery-armed
titel: x
injects:
  - "+0:30 a customer screams"
  - "at 2:00 the robber wants more"
  - at: "+2:7"
    text: late
  - at: "+0:10"
    text: {zh: 停电}
  - at: "+9:00"
    txt: nothing
"""
    path = write(tmp_path, "drill-2.yaml", bad)
    scenario, problems = read_scenario(path, plans=LIBRARY.plans)
    assert scenario is None
    assert [(p.path, p.line, p.message) for p in problems] == [
        (path, 3, "unknown key 'titel' in the scenario (did you mean 'title'?)"),
        (path, 1, "missing required key 'title'"),
        (path, 1, "scenario id 'drill-1' does not match the file name 'drill-2.yaml'; name the file 'drill-1.yaml'"),
        (path, 2, "unknown plan 'robery-armed' (did you mean 'robbery-armed'?)"),
        (path, 6, "inject 2: write it as '+MM:SS what happens' (or as 'at:' and 'text:'); 'at' is not a time "
                  "like +MM:SS, +H:MM:SS, or 90s, 2m, 1h30m"),
        (path, 7, "bad time '+2:7' for inject 3: write it as +MM:SS, +H:MM:SS, or 90s, 2m, 1h30m (at most 24 hours)"),
        (path, 10, "missing 'en' in the text of inject 4"),
        (path, 12, "unknown key 'txt' in inject 5 (did you mean 'text'?)"),
        (path, 11, "inject 5 needs 'text'"),
    ]
    order = write(tmp_path, "order.yaml", "id: order\ntitle: t\ninjects:\n  - '+2:00 b'\n  - '+1:00 a'\n")
    assert [(p.line, p.message) for p in read_scenario(order)[1]] == [
        (5, "inject 2 at +1:00 comes before inject 1 at +2:00: list the injects in time order")]
    broken = write(tmp_path, "broken.yaml", "id: broken\ninjects: [\n")
    assert [p.line for p in read_scenario(broken)[1]] == [3]


def test_find_by_id_own_folder_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    own = tmp_path / "own"
    monkeypatch.setenv("DUTYDESK_SCENARIOS", str(own))
    write(own, "robbery-armed-drill.yaml", GOOD.replace("cash-demand", "robbery-armed-drill"))
    assert len(find_scenario("robbery-armed-drill").injects) == 3  # the trainers' own replaces the bundled
    assert find_scenario("customer-illness-drill").plans == ("customer-illness",)
    with pytest.raises(ScenarioError) as err:
        find_scenario("customer-ilness-drill")
    assert "did you mean 'customer-illness-drill'" in str(err.value)


# -- on the record ---------------------------------------------------------------------------


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "journal.db"


def drill_with_scenario(journal: Journal, minutes_ago: float = 10) -> tuple[Desk, Scenario]:
    t0 = utcnow() - timedelta(minutes=minutes_ago)
    desk = Desk.open_new(journal, LIBRARY, "robbery-armed", actor=ANNA, drill=True, happened_at=t0)
    scenario = find_scenario("robbery-armed-drill", plans=LIBRARY.plans)
    attach(desk, scenario, happened_at=t0)
    return desk, scenario


def test_attach_and_fire_each_inject_once_at_its_time(db: Path) -> None:
    with Journal.open(db) as journal:
        desk, scenario = drill_with_scenario(journal)
        t0 = desk.state.opened_at
        note, found = attached(desk.state)
        assert note.seq == 2 and note.kind == kinds.NOTE and found.injects == tuple(
            i.__class__(i.n, i.at, i.text) for i in scenario.injects)
        assert note.payload["scenario"]["sha256"] == scenario.sha256  # the file it came from, on the record

        assert [i.n for i in due_injects(desk.state, t0 + timedelta(seconds=59))] == [1]
        fired = fire_due_injects(desk, t0 + timedelta(seconds=150), happened_at=t0 + timedelta(seconds=150))
        assert [(f.record.payload["n"], f.record.payload["at"]) for f in fired] == [(1, 0), (2, 60), (3, 120)]
        first = fired[2].record
        assert first.kind == kinds.INJECT and first.happened_at == t0 + timedelta(seconds=150)
        assert first.payload["text"] == "歹徒要求再拿更多现金"
        assert first.payload["i18n"] == {"zh": "歹徒要求再拿更多现金", "en": "The robber demands more cash"}
        assert first.payload["scenario"] == "robbery-armed-drill"
        assert fire_due_injects(desk, t0 + timedelta(seconds=150)) == []  # nothing twice

        # a retracted inject did appear: it is not logged again
        desk.retract(first.seq, "wrong moment")
        assert fire_due_injects(desk, t0 + timedelta(seconds=239)) == []
        assert [f.record.payload["n"] for f in fire_due_injects(desk, t0 + timedelta(minutes=9))] == [4, 5, 6]
        desk.close("drill over")
        assert due_injects(desk.state, t0 + timedelta(hours=1)) == []


def test_two_desks_log_each_inject_once(db: Path) -> None:
    with Journal.open(db) as one, Journal.open(db) as two:
        desk_a, _ = drill_with_scenario(one)
        desk_b = Desk(two, two.incident(desk_a.id), BEN)
        t0 = desk_a.state.opened_at
        # both desks looked before either wrote: B's state is stale when it tries
        desk_a.refresh()
        desk_b.refresh()
        assert [f.record.payload["n"] for f in fire_due_injects(desk_a, t0 + timedelta(seconds=61))] == [1, 2]
        assert fire_due_injects(desk_b, t0 + timedelta(seconds=61)) == []

        # and at the same moment, in two threads, many times over
        barrier = threading.Barrier(2)
        results: dict[str, list[int]] = {}

        def run(name: str, desk: Desk) -> None:
            got = []
            for second in range(62, 400, 7):
                barrier.wait()
                got += [f.record.payload["n"] for f in fire_due_injects(desk, t0 + timedelta(seconds=second))]
            results[name] = got

        threads = [threading.Thread(target=run, args=(n, d)) for n, d in (("a", desk_a), ("b", desk_b))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        desk_a.refresh()
        logged = [r.payload["n"] for r in desk_a.state.records if r.kind == kinds.INJECT]
        assert logged == [1, 2, 3, 4, 5, 6]
        assert sorted(results["a"] + results["b"]) == [3, 4, 5, 6]
        assert journal_ok(one)


def journal_ok(journal: Journal) -> bool:
    return journal.verify().ok


def test_real_incidents_take_no_scenario(db: Path) -> None:
    with Journal.open(db) as journal:
        real = Desk.open_new(journal, LIBRARY, "robbery-armed", actor=ANNA)
        with pytest.raises(DeskError, match="belongs to a drill"):
            attach(real, find_scenario("robbery-armed-drill"))
        with pytest.raises(InvalidEvent, match="drills only"):
            real.log(kinds.INJECT, payload={"text": "x", "at": 0})
        drill = Desk.open_new(journal, LIBRARY, "fire-premises", actor=ANNA, drill=True)
        with pytest.raises(DeskError, match="written for robbery-armed"):
            attach(drill, find_scenario("robbery-armed-drill"))
        attach(drill, find_scenario("fire-atm-room-drill"))
        with pytest.raises(DeskError, match="already runs"):
            attach(drill, find_scenario("fire-atm-room-drill"))


# -- the commands ----------------------------------------------------------------------------


def test_open_drill_with_scenario_from_the_command_line(db: Path, tmp_path: Path, capsys) -> None:
    path = write(tmp_path / "s", "cash-demand.yaml", GOOD)
    assert main(["--db", str(db), "open", "robbery-armed", "--drill", "--scenario", str(path), "--json"]) == 0
    opened = json.loads(capsys.readouterr().out)
    assert opened["drill"] and opened["scenario"] == "cash-demand"
    with Journal.open(db, readonly=True) as journal:
        desk = Desk(journal, journal.incident(opened["id"]), None)  # type: ignore[arg-type]
        assert attached(desk.state)[1].id == "cash-demand"

    assert main(["--db", str(db), "open", "customer-illness", "--drill", "--scenario", "customer-illness-drill"]) == 0
    capsys.readouterr()

    # refused before anything is opened: a real incident, a broken file, a scenario for another plan
    assert main(["--db", str(db), "open", "robbery-armed", "--scenario", str(path)]) == 2
    assert "--scenario is for drills" in capsys.readouterr().err
    broken = write(tmp_path / "s", "broken.yaml", GOOD.replace('at: "+02:00"', 'at: "+2:99"'))
    assert main(["--db", str(db), "open", "robbery-armed", "--drill", "--scenario", str(broken)]) == 2
    err = capsys.readouterr().err
    assert f"{broken}:6: bad time '+2:99' for inject 2" in err and "scenarios validate" in err
    assert main(["--db", str(db), "open", "fire-premises", "--drill", "--scenario", str(path)]) == 2
    assert "written for robbery-armed" in capsys.readouterr().err
    with Journal.open(db, readonly=True) as journal:
        assert len(journal.incidents(drill=None)) == 2


def test_scenarios_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    assert main(["scenarios", "validate"]) == 0
    assert "3 scenario file(s) ok" in capsys.readouterr().out
    assert main(["--lang", "en", "scenarios", "list"]) == 0
    assert "robbery-armed-drill" in capsys.readouterr().out
    own = tmp_path / "own"
    monkeypatch.setenv("DUTYDESK_SCENARIOS", str(own))
    bad = write(own, "late.yaml", "id: late\ntitle: t\ninjects:\n  - '+99 nothing'\n")
    assert main(["scenarios", "validate"]) == 2
    out = capsys.readouterr()
    assert f"{bad}:4: inject 1:" in out.out and "1 problem(s) in 1 of 4 scenario file(s)" in out.err
    assert main(["scenarios", "validate", str(write(tmp_path, "ok.yaml", GOOD.replace("cash-demand", "ok")))]) == 0
