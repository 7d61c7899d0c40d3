"""Schema versions of the journal and the upgrades between them.

The version lives in ``PRAGMA user_version``. Each version's DDL is frozen here, so an
upgrade does not depend on today's models.

* **0**: an empty file; :func:`ensure_schema` creates the current schema.
* **1**: events without ``happened_at``, ``actor_origin`` and ``hash_version``; no
  triggers guarding the incident row.
* **2** (current): adds those three event columns (``happened_at = recorded_at``,
  ``actor_origin = 'console'``, ``hash_version = 1`` for upgraded rows, so their hashes
  still verify; see :mod:`dutydesk.journal.chain`) and triggers that keep the
  incident row immutable except for closing it once.

A database with a version above :data:`SCHEMA_VERSION` is refused (:class:`NewerSchema`)
without being touched. Upgrades run inside the caller's ``BEGIN IMMEDIATE``
transaction: they complete entirely or not at all, and they check that every row
was carried over before committing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from .errors import JournalError, NewerSchema, NotAJournal

SCHEMA_VERSION: Final = 2

V1_TABLES: Final[tuple[str, ...]] = (
    """CREATE TABLE incidents (
    id TEXT NOT NULL PRIMARY KEY CHECK (length(id) = 12),
    plan_id TEXT NOT NULL,
    plan_title_zh TEXT NOT NULL,
    plan_title_en TEXT NOT NULL,
    plan_snapshot TEXT NOT NULL,
    plan_hash TEXT NOT NULL,
    branch TEXT NOT NULL,
    place TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('I', 'II', 'III')),
    drill INTEGER NOT NULL CHECK (drill IN (0, 1)),
    opened_at TEXT NOT NULL,
    opened_by TEXT NOT NULL,
    closed_at TEXT,
    outcome TEXT,
    genesis_hash TEXT NOT NULL
)""",
    "CREATE INDEX ix_incidents_opened_at ON incidents (opened_at)",
    "CREATE INDEX ix_incidents_closed_at ON incidents (closed_at, opened_at)",
    "CREATE INDEX ix_incidents_drill ON incidents (drill, opened_at)",
    "CREATE INDEX ix_incidents_plan_id ON incidents (plan_id, opened_at)",
    """CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    seq INTEGER NOT NULL CHECK (seq >= 1),
    recorded_at TEXT NOT NULL,
    actor_user TEXT NOT NULL,
    actor_name TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    kind TEXT NOT NULL,
    step_id TEXT,
    payload TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
)""",
    "CREATE UNIQUE INDEX ux_events_incident_seq ON events (incident_id, seq)",
)

EVENT_TRIGGERS: Final[tuple[str, ...]] = (
    """CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'dutydesk journal: events are append-only (UPDATE refused)'); END""",
    """CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'dutydesk journal: events are append-only (DELETE refused)'); END""",
)

V1_STATEMENTS: Final[tuple[str, ...]] = V1_TABLES + EVENT_TRIGGERS

V2_EVENTS_TABLE: Final = """CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    seq INTEGER NOT NULL CHECK (seq >= 1),
    recorded_at TEXT NOT NULL,
    happened_at TEXT NOT NULL,
    actor_user TEXT NOT NULL,
    actor_name TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    actor_origin TEXT NOT NULL,
    kind TEXT NOT NULL,
    step_id TEXT,
    payload TEXT NOT NULL,
    hash_version INTEGER NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
)"""

INCIDENT_TRIGGERS: Final[tuple[str, ...]] = (
    """CREATE TRIGGER incidents_no_delete BEFORE DELETE ON incidents
BEGIN SELECT RAISE(ABORT, 'dutydesk journal: incidents are never deleted'); END""",
    """CREATE TRIGGER incidents_frozen BEFORE UPDATE OF
    id, plan_id, plan_title_zh, plan_title_en, plan_snapshot, plan_hash, branch, place,
    level, drill, opened_at, opened_by, genesis_hash ON incidents
BEGIN SELECT RAISE(ABORT, 'dutydesk journal: an incident row is append-only except for closing it'); END""",
    """CREATE TRIGGER incidents_close_once BEFORE UPDATE OF closed_at, outcome ON incidents
WHEN OLD.closed_at IS NOT NULL OR NEW.closed_at IS NULL
BEGIN SELECT RAISE(ABORT, 'dutydesk journal: an incident is closed once (UPDATE refused)'); END""",
)

V2_STATEMENTS: Final[tuple[str, ...]] = (
    tuple(s for s in V1_TABLES if not s.startswith("CREATE TABLE events") and "ON events" not in s)
    + (V2_EVENTS_TABLE, "CREATE UNIQUE INDEX ux_events_incident_seq ON events (incident_id, seq)")
    + EVENT_TRIGGERS
    + INCIDENT_TRIGGERS
)

Execute = Callable[..., Any]
"""``execute(sql, params=()) -> cursor`` of an open connection (sqlite3 or SQLAlchemy's
``exec_driver_sql``)."""


def read_version(execute: Execute) -> int:
    return int(execute("PRAGMA user_version").fetchone()[0])


def _user_tables(execute: Execute) -> set[str]:
    rows = execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").fetchall()
    return {r[0] for r in rows}


def check_version(version: int, path: object = None) -> None:
    """Refuse a database written by a newer dutydesk."""
    if version > SCHEMA_VERSION:
        where = f" {path}" if path else ""
        raise NewerSchema(
            f"the journal{where} has schema version {version}, newer than this dutydesk knows ({SCHEMA_VERSION})"
        )
    if version < 0:
        raise NotAJournal(f"the journal has an invalid schema version {version}")


def create_current(execute: Execute) -> None:
    for statement in V2_STATEMENTS:
        execute(statement)
    execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def upgrade_1_to_2(execute: Execute) -> None:
    """Rebuild ``events`` with the v2 columns, keeping every row and its hash."""
    before = execute("SELECT count(*), coalesce(max(id), 0) FROM events").fetchone()
    for name in ("events_no_update", "events_no_delete"):
        execute(f"DROP TRIGGER IF EXISTS {name}")
    execute("DROP INDEX IF EXISTS ux_events_incident_seq")
    execute("ALTER TABLE events RENAME TO _events_v1")
    execute(V2_EVENTS_TABLE)
    execute(
        """INSERT INTO events (id, incident_id, seq, recorded_at, happened_at, actor_user, actor_name,
               actor_role, actor_origin, kind, step_id, payload, hash_version, prev_hash, hash)
           SELECT id, incident_id, seq, recorded_at, recorded_at, actor_user, actor_name,
               actor_role, 'console', kind, step_id, payload, 1, prev_hash, hash
           FROM _events_v1 ORDER BY id"""
    )
    after = execute("SELECT count(*), coalesce(max(id), 0) FROM events").fetchone()
    if tuple(after) != tuple(before):
        raise JournalError(
            f"upgrade 1 -> 2 would lose rows ({before[0]} before, {after[0]} after); nothing was changed",
            "Keep the file and report this to the maintainers.",
        )
    execute("DROP TABLE _events_v1")
    execute("CREATE UNIQUE INDEX ux_events_incident_seq ON events (incident_id, seq)")
    for statement in EVENT_TRIGGERS + INCIDENT_TRIGGERS:
        execute(statement)
    execute("PRAGMA user_version = 2")


UPGRADES: Final[dict[int, Callable[[Execute], None]]] = {1: upgrade_1_to_2}


def ensure_schema(execute: Execute, path: object = None) -> int:
    """Create or upgrade the schema in the caller's write transaction; returns the old version."""
    version = read_version(execute)
    check_version(version, path)
    if version == SCHEMA_VERSION:
        return version
    if version == 0:
        existing = _user_tables(execute)
        if existing:
            raise NotAJournal(
                f"the file{f' {path}' if path else ''} holds other tables ({', '.join(sorted(existing))})"
            )
        create_current(execute)
        return 0
    current = version
    while current < SCHEMA_VERSION:
        UPGRADES[current](execute)
        current += 1
    return version
