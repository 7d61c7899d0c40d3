"""``dutydesk open|log|incidents|verify``: the headless commands on a real journal file."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from dutydesk.cli import main


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "journal.db"


def run(capsys, db: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def events(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT seq, kind, step_id, payload, recorded_at, happened_at FROM events ORDER BY seq").fetchall()


def test_open_then_log_every_kind_of_action(capsys, db: Path) -> None:
    code, out, _ = run(capsys, db, "open", "robbery-hostage-armed", "--place", "counter 3", "--operator", "Anna")
    incident = out.strip()
    assert code == 0 and len(incident) == 12
    assert run(capsys, db, "log", incident, "--done", "alarm", "--at", "2020-01-01T02:02:00Z")[0] == 0
    assert run(capsys, db, "log", incident[:6], "--skip", "evacuate", "--reason", "robber at the door")[0] == 0
    assert run(capsys, db, "log", "last", "--choose", "injured", "1")[0] == 0
    assert run(capsys, db, "log", "last", "--note", "[/] [@click=app.quit]x[/]")[0] == 0
    assert run(capsys, db, "log", "last", "--call", "ambulance-120", "--outcome", "on the way")[0] == 0

    rows = events(db)
    assert [(r[0], r[1], r[2]) for r in rows] == [
        (1, "opened", None), (2, "step_done", "alarm"), (3, "step_skipped", "evacuate"),
        (4, "choice_made", "injured"), (5, "note", None), (6, "call_made", None),
    ]
    assert rows[1][5] == "2020-01-01T02:02:00.000000Z" and rows[1][4] != rows[1][5]
    assert json.loads(rows[2][3])["reason"] == "robber at the door"
    assert json.loads(rows[3][3])["choice"] == 1
    assert json.loads(rows[4][3])["text"] == "[/] [@click=app.quit]x[/]"
    assert json.loads(rows[5][3]) == {"contact": "ambulance-120", "number": "120", "outcome": "on the way"}

    code, out, _ = run(capsys, db, "incidents", "show", incident, "--json")
    state = json.loads(out)
    assert state["steps"]["alarm"]["status"] == "done"
    assert state["steps"]["injured"]["choice"] == 1
    assert state["steps"]["call-120"]["status"] == "pending"
    assert state["current"] == "stall"


def test_log_refuses_bad_input_without_writing(capsys, db: Path) -> None:
    incident = run(capsys, db, "open", "fire-premises")[1].strip()
    before = events(db)
    for argv, message in (
        (["--done", "no-such-step"], "has no step 'no-such-step'"),
        (["--skip", "call-119"], "needs a reason"),
        (["--choose", "call-119", "1"], "is not a question"),
        (["--done", "call-119", "--at", "23:99"], "no such time 23:99"),
        (["--done", "call-119", "--at", "2999-01-01T00:00:00Z"], "in the future"),
    ):
        code, _, err = run(capsys, db, "log", incident, *argv)
        assert code == 2 and message in err, (argv, err)
        assert "Traceback" not in err
    code, _, err = run(capsys, db, "log", "ffffffffffff", "--note", "x")
    assert code == 2 and "ffffffffffff" in err
    assert events(db) == before


def test_second_done_is_refused_with_who_did_it(capsys, db: Path) -> None:
    incident = run(capsys, db, "open", "robbery-hostage-armed", "--operator", "Anna")[1].strip()
    assert run(capsys, db, "log", incident, "--done", "alarm", "--operator", "Anna")[0] == 0
    code, _, err = run(capsys, db, "log", incident, "--done", "alarm", "--operator", "Bo")
    assert code == 2 and "already done (#2 by Anna)" in err
    assert len(events(db)) == 2


def test_list_keeps_drills_apart(capsys, db: Path) -> None:
    real = run(capsys, db, "open", "fire-premises")[1].strip()
    drill = run(capsys, db, "open", "fire-premises", "--drill")[1].strip()
    ids = lambda *flags: [r["id"] for r in json.loads(run(capsys, db, "incidents", "list", "--json", *flags)[1])]  # noqa: E731
    assert ids() == [real]
    assert ids("--drill") == [drill]
    assert set(ids("--all")) == {real, drill}
    assert ids("--open") == [real]


def test_verify_names_a_tampered_event(capsys, db: Path) -> None:
    incident = run(capsys, db, "open", "fire-premises")[1].strip()
    run(capsys, db, "log", incident, "--note", "first")
    run(capsys, db, "log", incident, "--note", "second")
    assert run(capsys, db, "verify")[0] == 0
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TRIGGER IF EXISTS events_no_update")
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'").fetchall():
            conn.execute(f"DROP TRIGGER {name}")
        conn.execute("UPDATE events SET payload = ? WHERE seq = 2", ('{"text":"edited"}',))
    code, out, _ = run(capsys, db, "verify", incident)
    assert code == 1
    assert f"{incident}  BROKEN  event 2: edited:" in out
    assert "1 incident(s) checked, 1 broken" in out


def test_missing_database_for_read_commands_is_a_clear_error(capsys, tmp_path: Path) -> None:
    code, _, err = run(capsys, tmp_path / "none.db", "incidents", "show", "last")
    assert code == 2 and "Traceback" not in err and "none.db" in err


def test_corrupt_and_newer_databases_are_refused_clearly(capsys, tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(b"this is not a database" * 100)
    before = corrupt.read_bytes()
    code, _, err = run(capsys, corrupt, "open", "fire-premises")
    assert code == 2 and "Traceback" not in err
    assert corrupt.read_bytes() == before  # nothing written to a damaged file

    newer = tmp_path / "newer.db"
    with sqlite3.connect(newer) as conn:
        conn.execute("PRAGMA user_version = 99")
        conn.execute("CREATE TABLE x (y)")
    code, _, err = run(capsys, newer, "incidents", "list")
    assert code == 2 and "99" in err and "Traceback" not in err


def test_full_disk_reports_not_logged(capsys, tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "full.db"
    incident = run(capsys, db, "open", "fire-premises")[1].strip()
    from dutydesk.journal import Journal

    real_open = Journal.open.__func__
    monkeypatch.setattr(Journal, "open", classmethod(lambda cls, path=None, readonly=False, **kw: real_open(cls, path, readonly, max_pages=1)))
    code, _, err = run(capsys, db, "log", incident, "--note", "x" * 19_000)
    assert code == 2 and err.startswith("dutydesk: NOT LOGGED:")
    monkeypatch.undo()
    assert [e[1] for e in events(db)] == ["opened"]
