"""Schema versions: creation, the models matching the DDL, upgrade from version 1, refusals."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from dutydesk.journal import (
    Actor,
    Journal,
    NewerSchema,
    NotAJournal,
    SchemaUpgradeNeeded,
    UnknownDatabase,
    kinds,
)
from dutydesk.journal.migrations import SCHEMA_VERSION, V1_STATEMENTS
from dutydesk.journal.models import Event, Incident

from .helpers import rows, tamper

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
V1_DB = FIXTURES / "journal_v1.db"
V1_SCRIPT = FIXTURES / "make_journal_v1.py"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def columns(conn: sqlite3.Connection, table: str) -> dict[str, tuple[str, bool, int]]:
    return {r[1]: (r[2].upper(), bool(r[3]), r[5]) for r in conn.execute(f"PRAGMA table_info({table})")}


def schema_objects(conn: sqlite3.Connection) -> dict[tuple[str, str], str]:
    return {
        (r[0], r[1]): " ".join(r[2].split())
        for r in conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'"
        )
    }


@pytest.fixture
def v1_copy(tmp_path: Path) -> Path:
    target = tmp_path / "old" / "journal.db"
    target.parent.mkdir()
    shutil.copyfile(V1_DB, target)
    return target


def test_fresh_database_has_the_current_schema(journal: Journal) -> None:
    conn = sqlite3.connect(journal.path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    names = {name for (_, name) in schema_objects(conn)}
    assert {
        "incidents",
        "events",
        "ix_incidents_opened_at",
        "ix_incidents_closed_at",
        "ix_incidents_drill",
        "ux_events_incident_seq",
        "events_no_update",
        "events_no_delete",
        "incidents_frozen",
        "incidents_close_once",
        "incidents_no_delete",
    } <= names
    assert journal.schema_version() == 2 and journal.upgraded_from is None


def test_pragmas_on_every_connection(journal: Journal) -> None:
    engine = journal._live_engine()
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
        assert conn.connection.driver_connection.isolation_level is None  # type: ignore[union-attr]


def test_writes_begin_immediate(journal: Journal, open_incident: Any, actor: Actor) -> None:
    """The write lock is taken at BEGIN: while another desk writes, we queue, not fork."""
    from sqlalchemy import event

    seen: list[str] = []
    engine = journal._live_engine()

    def spy(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement.strip().split("\n")[0])

    event.listen(engine, "before_cursor_execute", spy)
    try:
        inc = open_incident()
        journal.append(inc.id, kinds.NOTE, actor=actor, payload={"text": "x"})
        journal.incidents()
    finally:
        event.remove(engine, "before_cursor_execute", spy)
    begins = [s for s in seen if s.startswith("BEGIN")]
    assert begins == ["BEGIN IMMEDIATE", "BEGIN IMMEDIATE", "BEGIN DEFERRED"]


def test_models_match_the_ddl(journal: Journal) -> None:
    conn = sqlite3.connect(journal.path)
    for model, table in ((Incident, "incidents"), (Event, "events")):
        stored = columns(conn, table)
        mapped = model.__table__.columns  # type: ignore[attr-defined,union-attr]
        assert set(stored) == {c.name for c in mapped}, table
        for column in mapped:
            if not column.primary_key:
                assert stored[column.name][1] == (not column.nullable), (table, column.name)
        indexes = {i.name for i in model.__table__.indexes}  # type: ignore[attr-defined,union-attr]
        assert indexes <= {name for (kind, name) in schema_objects(conn) if kind == "index"}


def test_fixture_is_what_its_script_makes(tmp_path: Path) -> None:
    fresh = tmp_path / "v1.db"
    subprocess.run([sys.executable, str(V1_SCRIPT), str(fresh)], check=True, capture_output=True, timeout=60)
    for table in ("incidents", "events"):
        assert rows(fresh, f"SELECT * FROM {table} ORDER BY rowid") == rows(
            V1_DB, f"SELECT * FROM {table} ORDER BY rowid"
        )
    a, b = sqlite3.connect(fresh), sqlite3.connect(V1_DB)
    assert schema_objects(a) == schema_objects(b)
    assert a.execute("PRAGMA user_version").fetchone()[0] == 1
    # and the migrations module describes version 1 as the fixture has it
    c = sqlite3.connect(":memory:")
    for statement in V1_STATEMENTS:
        c.execute(statement)
    assert schema_objects(c) == schema_objects(b)


def test_upgrade_from_version_1_keeps_every_row_and_chain(v1_copy: Path, actor: Actor) -> None:
    before_incidents = rows(v1_copy, "SELECT * FROM incidents ORDER BY id")
    before_events = rows(v1_copy, "SELECT * FROM events ORDER BY id")
    assert len(before_incidents) == 3 and len(before_events) >= 15

    with Journal.open(v1_copy) as journal:
        assert journal.upgraded_from == 1 and journal.schema_version() == 2
        report = journal.verify()
        assert report.ok, report
        assert sorted(c.incident_id for c in report.incidents) == sorted(i["id"] for i in before_incidents)

        after_events = rows(v1_copy, "SELECT * FROM events ORDER BY id")
        assert len(after_events) == len(before_events)
        for old, new in zip(before_events, after_events):
            assert {k: new[k] for k in old} == old  # every old value kept, ids too
            assert new["happened_at"] == old["recorded_at"]
            assert new["actor_origin"] == "console" and new["hash_version"] == 1
        assert rows(v1_copy, "SELECT * FROM incidents ORDER BY id") == before_incidents

        # the API reads old incidents, and appends to an open one chain on (version 2 events)
        closed = journal.incident("a1b2")
        assert closed.outcome == "嫌疑人已被警方控制" and not closed.is_open
        assert [e.kind for e in journal.events(closed.id)][-2:] == [kinds.RETRACTED, kinds.CLOSED]
        assert journal.incident("last").id == "5a5a5a5a5a5a"
        appended = journal.append("5a5a5a5a5a5a", kinds.NOTE, actor=actor, payload={"text": "升级后"})
        assert appended.seq == 4 and appended.hash_version == 2
        journal.close_incident("5a5a5a5a5a5a", "完成", actor=actor)
        assert journal.verify().ok
        assert [i.id for i in journal.incidents(drill=True)] == ["0f9e8d7c6b5a"]

    conn = sqlite3.connect(v1_copy)
    fresh = sqlite3.connect(":memory:")
    from dutydesk.journal.migrations import create_current

    create_current(fresh.execute)
    assert schema_objects(conn) == schema_objects(fresh)  # upgraded == created today
    assert columns(conn, "events") == columns(fresh, "events")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE events SET payload = '{}' WHERE id = 1")


def test_upgraded_v1_rows_cannot_be_edited_unnoticed(v1_copy: Path) -> None:
    Journal.open(v1_copy).close()
    tamper(v1_copy, "UPDATE events SET happened_at = '2024-03-05T02:00:00.000000Z' WHERE id = 3")
    with Journal.open(v1_copy) as journal:
        check = journal.verify("a1b2c3d4e5f6").incidents[0]
        assert check.problem is not None and (check.problem.what, check.problem.seq) == ("edited", 3)


def test_read_only_open_of_an_old_journal_asks_for_the_upgrade(v1_copy: Path) -> None:
    before = digest(v1_copy)
    with pytest.raises(SchemaUpgradeNeeded) as err:
        Journal.open(v1_copy, readonly=True)
    assert "version 1" in err.value.message and err.value.hint
    assert digest(v1_copy) == before


def test_failed_upgrade_changes_nothing(v1_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dutydesk.journal import migrations

    def broken_upgrade(execute: Any) -> None:
        migrations.upgrade_1_to_2(execute)
        raise sqlite3.OperationalError("disk I/O error")  # dies at the very end

    monkeypatch.setitem(migrations.UPGRADES, 1, broken_upgrade)
    before = rows(v1_copy, "SELECT * FROM events ORDER BY id")
    with pytest.raises(Exception) as err:
        Journal.open(v1_copy)
    assert type(err.value).__module__ == "dutydesk.journal.errors"
    conn = sqlite3.connect(v1_copy)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()
    assert rows(v1_copy, "SELECT * FROM events ORDER BY id") == before


@pytest.mark.parametrize("readonly", [False, True])
def test_newer_schema_is_refused_untouched(db_path: Path, readonly: bool) -> None:
    Journal.open(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = digest(db_path)
    with pytest.raises(NewerSchema) as err:
        Journal.open(db_path, readonly=readonly)
    assert "99" in err.value.message and "upgrade dutydesk" in err.value.hint
    assert digest(db_path) == before


def test_other_sqlite_files_are_not_journals(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE accounts (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(NotAJournal):
        Journal.open(other)
    assert rows(other, "SELECT name FROM sqlite_master") == [{"name": "accounts"}]


def test_missing_file_is_created_or_refused(tmp_path: Path) -> None:
    missing = tmp_path / "a" / "b" / "journal.db"
    with pytest.raises(UnknownDatabase) as err:
        Journal.open(missing, readonly=True)
    assert str(missing) in err.value.message and not missing.parent.exists()
    with Journal.open(missing) as journal:
        assert journal.schema_version() == 2
    empty = tmp_path / "empty.db"
    empty.touch()
    with pytest.raises(UnknownDatabase, match="empty"):
        Journal.open(empty, readonly=True)
