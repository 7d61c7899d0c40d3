"""The journal API: open incidents, append events, read them back, verify the chains.

Usage::

    from dutydesk.journal import Actor, Journal, kinds

    with Journal.open() as journal:          # --db / DUTYDESK_DB / user data dir
        actor = Actor.from_environment(name="王芳", role="supervisor")
        inc = journal.open_incident(plan_id="robbery-hostage-armed", plan_title_zh=...,
                                    plan_title_en=..., plan_snapshot=snapshot_json,
                                    branch="城东支行", place="大厅", level="I", drill=False,
                                    actor=actor)
        journal.append(inc.id, kinds.STEP_DONE, actor=actor, step_id="alarm")

Every write is one ``BEGIN IMMEDIATE`` transaction and a call returns only after its
``COMMIT`` (``synchronous=FULL``): what a call returned is on disk. A failed write
raises a :class:`~dutydesk.journal.errors.JournalError` and leaves nothing behind.
"""

from __future__ import annotations

import errno
import gc
import json
import re
import secrets
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timedelta
from itertools import groupby
from pathlib import Path
from typing import Any, Self

from sqlalchemy import Connection, Engine, literal_column
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from . import kinds as k
from .actor import Actor
from .chain import CURRENT_HASH_VERSION, canonical_json, event_document, incident_hash, link_hash, plan_hash
from .engine import BEGIN_OPTION, BUSY_TIMEOUT_MS, check_header, make_engine, on_readonly_filesystem, prepare_file
from .errors import (
    AmbiguousIncident,
    DatabaseCorrupt,
    DatabaseReadOnly,
    DiskFull,
    IncidentClosed,
    StaleState,
    InvalidEvent,
    JournalError,
    SchemaUpgradeNeeded,
    UnknownDatabase,
    UnknownIncident,
    translate,
)
from .migrations import SCHEMA_VERSION, check_version, ensure_schema, read_version
from .models import Event, Incident
from .times import format_utc, parse_utc, to_utc, utcnow
from .validation import check_event
from .verify import IncidentCheck, VerifyReport, check_chain

#: How far in the future ``happened_at`` may lie (clock skew between desks, typing).
FUTURE_TOLERANCE = timedelta(seconds=2)
LAST = "last"
_ID_RE = re.compile(r"^[0-9a-f]{1,12}$")

_EVENT_COLUMNS = (
    "incident_id",
    "seq",
    "recorded_at",
    "happened_at",
    "actor_user",
    "actor_name",
    "actor_role",
    "actor_origin",
    "kind",
    "step_id",
    "payload",
    "hash_version",
    "prev_hash",
    "hash",
)
_INSERT_EVENT = f"INSERT INTO events ({', '.join(_EVENT_COLUMNS)}) VALUES ({', '.join('?' for _ in _EVENT_COLUMNS)})"
_INCIDENT_COLUMNS = (
    "id",
    "plan_id",
    "plan_title_zh",
    "plan_title_en",
    "plan_snapshot",
    "plan_hash",
    "branch",
    "place",
    "level",
    "drill",
    "opened_at",
    "opened_by",
    "closed_at",
    "outcome",
    "genesis_hash",
)
_INSERT_INCIDENT = (
    f"INSERT INTO incidents ({', '.join(_INCIDENT_COLUMNS)}) VALUES ({', '.join('?' for _ in _INCIDENT_COLUMNS)})"
)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while loading many ORM objects.

    Loading 10,000 events allocates ~100,000 objects, which triggers repeated full
    collections: half of the time of ``events()``. No reference cycles are created
    here that would need collecting meanwhile; the previous state is restored.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _before(a: object, b: object) -> bool:
    """SQLite's text order for ids (which are text; a tampered id may be anything)."""
    try:
        return bool(a < b)  # type: ignore[operator]
    except TypeError:
        return str(type(a)) < str(type(b))


def _check_actor(actor: object) -> Actor:
    if not isinstance(actor, Actor):
        raise InvalidEvent(f"actor must be an Actor, not {type(actor).__name__}", "Use Actor.from_environment().")
    return actor


def _happened(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        raise InvalidEvent(f"happened_at must be a datetime, not {type(value).__name__}")
    try:
        return to_utc(value)
    except ValueError as exc:
        raise InvalidEvent(f"happened_at: {exc}", "Give the time with its zone (e.g. +08:00 or Z).") from None


def _check_not_future(happened: datetime, recorded: datetime) -> None:
    if happened > recorded + FUTURE_TOLERANCE:
        raise InvalidEvent(
            f"happened_at {format_utc(happened)} is later than now ({format_utc(recorded)})",
            "An event cannot be logged before it happens; give a past time or none.",
        )


#: The columns of :meth:`Journal.event_rows`, in order.
EVENT_ROW: tuple[str, ...] = (
    "seq", "kind", "step_id", "payload", "recorded_at", "happened_at",
    "actor_user", "actor_name", "actor_role", "actor_origin",
)


class Journal:
    """The incident journal on one SQLite file. Open with :meth:`open`; close or use ``with``."""

    def __init__(self, engine: Engine, path: Path, *, readonly: bool, upgraded_from: int | None = None):
        self._engine: Engine | None = engine
        self._reader = engine.execution_options(**{BEGIN_OPTION: "DEFERRED"})
        self.path = path
        self.readonly = readonly
        #: the schema version the file had before this open upgraded it (None: no upgrade)
        self.upgraded_from = upgraded_from
        self._corrupt: JournalError | None = None

    # -- opening --------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: Path | str | None = None,
        readonly: bool = False,
        *,
        max_pages: int | None = None,
        busy_timeout: float = BUSY_TIMEOUT_MS / 1000,
    ) -> Journal:
        """Open (and create or upgrade, unless ``readonly``) the journal at ``path``.

        ``path`` defaults to :func:`dutydesk.paths.database_path` (``--db`` /
        ``DUTYDESK_DB`` / the user data dir). ``max_pages`` caps the file at that many
        pages (``PRAGMA max_page_count``): tests emulate a full disk with it.
        ``busy_timeout`` (seconds) is how long a write waits for another desk's
        transaction before :class:`~dutydesk.journal.errors.DatabaseLocked`.
        """
        from dutydesk.paths import database_path

        db = database_path(Path(path).expanduser() if path is not None else None)
        engine: Engine | None = None
        try:
            if readonly:
                if not db.exists():
                    raise UnknownDatabase(f"there is no journal at {db}")
            else:
                if on_readonly_filesystem(db) and db.exists():
                    raise DatabaseReadOnly(
                        f"the journal {db} is on a file system mounted read-only",
                        "Nothing can be logged there. Open it read-only to look at it, or move it to a writable disk.",
                    )
                prepare_file(db)
            check_header(db)
            engine = make_engine(db, readonly=readonly, max_pages=max_pages, busy_timeout_ms=int(busy_timeout * 1000))
            upgraded_from = cls._prepare_schema(engine, db, readonly)
            return cls(engine, db, readonly=readonly, upgraded_from=upgraded_from)
        except JournalError:
            if engine is not None:
                engine.dispose()
            raise
        except (SQLAlchemyError, sqlite3.Error, OSError) as exc:
            if engine is not None:
                engine.dispose()
            if isinstance(exc, OSError):  # creating the folder or the file
                err = exc
                if isinstance(err, PermissionError) or err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
                    raise DatabaseReadOnly(f"cannot create the journal at {db}: {err.strerror}", cause=err) from None
                if err.errno in (errno.ENOSPC, errno.EDQUOT):
                    raise DiskFull(f"cannot create the journal at {db}: {err.strerror}", cause=err) from None
                raise JournalError(
                    f"cannot create the journal at {db}: {err.strerror or err}",
                    "Check the path (--db) and that its folder can be created.",
                    cause=err,
                ) from None
            raise translate(exc, db) from None

    @staticmethod
    def _prepare_schema(engine: Engine, path: Path, readonly: bool) -> int | None:
        reader = engine.execution_options(**{BEGIN_OPTION: "DEFERRED"})
        with reader.connect() as conn:
            version = read_version(conn.exec_driver_sql)
            check_version(version, path)
            if version == SCHEMA_VERSION:
                return None
            if readonly:
                if version == 0:
                    raise UnknownDatabase(f"{path} is an empty database, not a journal yet")
                raise SchemaUpgradeNeeded(
                    f"the journal {path} has schema version {version}; this dutydesk reads version {SCHEMA_VERSION}"
                )
        with engine.begin() as conn:  # BEGIN IMMEDIATE: one process creates or upgrades
            old = ensure_schema(conn.exec_driver_sql, path)
        return old if old else None

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._engine is None else ("read-only" if self.readonly else "open")
        return f"<Journal {self.path} {state}>"

    # -- transactions ---------------------------------------------------------------

    def _live_engine(self) -> Engine:
        if self._engine is None:
            raise JournalError("the journal is closed", "Open it again with Journal.open().")
        return self._engine

    def _fail(self, exc: BaseException) -> JournalError:
        err = translate(exc, self.path)
        if isinstance(err, DatabaseCorrupt):
            self._corrupt = err
        return err

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One ``BEGIN IMMEDIATE`` ... ``COMMIT``; any failure rolls back and is translated."""
        engine = self._live_engine()
        if self.readonly:
            raise DatabaseReadOnly(f"the journal {self.path} was opened read-only")
        if self._corrupt is not None:
            raise DatabaseCorrupt(f"the journal {self.path} is damaged; writing is refused ({self._corrupt.message})")
        try:
            with engine.begin() as conn:
                yield conn
        except JournalError:
            raise
        except (SQLAlchemyError, sqlite3.Error) as exc:
            raise self._fail(exc) from None

    @contextmanager
    def _session(self) -> Iterator[Session]:
        self._live_engine()
        try:
            with Session(self._reader, expire_on_commit=False) as session:
                yield session
        except JournalError:
            raise
        except (SQLAlchemyError, sqlite3.Error) as exc:
            raise self._fail(exc) from None

    @contextmanager
    def _raw(self) -> Iterator[Connection]:
        self._live_engine()
        try:
            with self._reader.connect() as conn:
                yield conn
        except JournalError:
            raise
        except (SQLAlchemyError, sqlite3.Error) as exc:
            raise self._fail(exc) from None

    # -- writing --------------------------------------------------------------------

    def open_incident(
        self,
        *,
        plan_id: str,
        plan_title_zh: str,
        plan_title_en: str,
        plan_snapshot: str,
        branch: str,
        place: str,
        level: str,
        drill: bool,
        actor: Actor,
        happened_at: datetime | None = None,
    ) -> Incident:
        """Create an incident and its ``opened`` event (seq 1) in one transaction."""
        actor = _check_actor(actor)
        for name, value, empty_ok in (
            ("plan_id", plan_id, False),
            ("plan_title_zh", plan_title_zh, True),
            ("plan_title_en", plan_title_en, True),
            ("plan_snapshot", plan_snapshot, False),
            ("branch", branch, True),
            ("place", place, True),
        ):
            if not isinstance(value, str) or (not empty_ok and not value.strip()):
                raise InvalidEvent(f"open_incident: {name} must be {'a' if empty_ok else 'a non-empty'} text")
        if level not in k.LEVELS:
            raise InvalidEvent(f"open_incident: level must be one of {', '.join(k.LEVELS)} (got {level!r})")
        if not isinstance(drill, bool):
            raise InvalidEvent("open_incident: drill must be True or False")
        try:
            json.loads(plan_snapshot)
            plan_snapshot.encode("utf-8")
        except ValueError as exc:
            raise InvalidEvent(f"open_incident: plan_snapshot is not JSON text ({exc})") from None
        happened = _happened(happened_at)
        digest = plan_hash(plan_snapshot)
        payload = canonical_json(
            {"plan_id": plan_id, "plan_hash": digest, "branch": branch, "place": place, "level": level, "drill": drill}
        )
        with self._write() as conn:
            recorded = utcnow()
            opened = happened or recorded
            _check_not_future(opened, recorded)
            while True:
                incident_id = secrets.token_hex(6)
                taken = conn.exec_driver_sql("SELECT 1 FROM incidents WHERE id = ?", (incident_id,)).fetchone()
                if taken is None:
                    break
            row: dict[str, Any] = {
                "id": incident_id,
                "plan_id": plan_id,
                "plan_title_zh": plan_title_zh,
                "plan_title_en": plan_title_en,
                "plan_snapshot": plan_snapshot,
                "plan_hash": digest,
                "branch": branch,
                "place": place,
                "level": level,
                "drill": int(drill),
                "opened_at": format_utc(opened),
                "opened_by": actor.name,
                "closed_at": None,
                "outcome": None,
            }
            row["genesis_hash"] = incident_hash(row)
            conn.exec_driver_sql(_INSERT_INCIDENT, tuple(row[c] for c in _INCIDENT_COLUMNS))
            self._insert_event(
                conn.exec_driver_sql,
                incident_id,
                1,
                row["genesis_hash"],
                k.OPENED,
                None,
                payload,
                actor,
                recorded,
                opened,
            )
        return Incident(
            **{**row, "drill": drill, "opened_at": parse_utc(row["opened_at"])},
        )

    def append(
        self,
        incident_id: str,
        kind: str,
        *,
        actor: Actor,
        step_id: str | None = None,
        payload: Mapping[str, Any] | None = None,
        happened_at: datetime | None = None,
        expect_last_seq: int | None = None,
    ) -> Event:
        """Append one event; returns it after COMMIT. Raises InvalidEvent (nothing written) if invalid.

        With ``expect_last_seq``, the append happens only if the incident's newest event
        is still that one, checked under the write lock; otherwise ``StaleState`` (nothing
        written): another desk wrote first, and the caller should look again before acting.
        """
        actor = _check_actor(actor)
        if kind == k.OPENED:
            raise InvalidEvent("an 'opened' event is written by open_incident only")
        step_id, payload_text = check_event(kind, step_id, payload)
        happened = _happened(happened_at)
        if not isinstance(incident_id, str):
            raise UnknownIncident(f"incident id must be text, not {type(incident_id).__name__}")
        with self._write() as conn:
            recorded = utcnow()
            when = happened or recorded
            _check_not_future(when, recorded)
            # the hot path talks to the driver directly, inside SQLAlchemy's transaction
            execute = conn.connection.driver_connection.execute  # type: ignore[union-attr]
            # the incident and its newest event in one query (under the write lock)
            found = execute(
                "SELECT i.closed_at, i.drill, e.seq, e.hash FROM incidents i"
                " LEFT JOIN events e ON e.incident_id = i.id WHERE i.id = ? ORDER BY e.seq DESC LIMIT 1",
                (incident_id,),
            ).fetchone()
            if found is None:
                raise UnknownIncident(f"no incident {incident_id!r}")
            if found[0] is not None and kind not in k.AFTER_CLOSE:
                raise IncidentClosed(f"incident {incident_id} was closed at {found[0]}; nothing was written")
            if found[2] is None:
                raise DatabaseCorrupt(f"incident {incident_id} has no events (its 'opened' event is missing)")
            last = (found[2], found[3])
            if isinstance(last[0], bool) or not isinstance(last[0], int):
                raise DatabaseCorrupt(f"incident {incident_id}: a stored sequence number is malformed ({last[0]!r})")
            if expect_last_seq is not None and last[0] != expect_last_seq:
                raise StaleState(
                    f"incident {incident_id} changed (event #{last[0]} is newer than #{expect_last_seq}); nothing was written"
                )
            seq = last[0] + 1
            data = json.loads(payload_text)
            if kind in k.REFERRING_KINDS:
                self._check_reference(conn, incident_id, kind, int(data["seq"]), seq)
            if kind == k.INJECT and not found[1]:
                raise InvalidEvent("an 'inject' event belongs to drills only; this incident is real")
            event = self._insert_event(
                execute, incident_id, seq, last[1], kind, step_id, payload_text, actor, recorded, when
            )
            if kind == k.CLOSED:
                conn.exec_driver_sql(
                    "UPDATE incidents SET closed_at = ?, outcome = ? WHERE id = ?",
                    (format_utc(when), data["outcome"], incident_id),
                )
        return event

    def close_incident(
        self, incident_id: str, outcome: str, *, actor: Actor, happened_at: datetime | None = None
    ) -> Event:
        """Append the ``closed`` event (and set the incident's closed_at/outcome with it)."""
        return self.append(incident_id, k.CLOSED, actor=actor, payload={"outcome": outcome}, happened_at=happened_at)

    @staticmethod
    def _check_reference(conn: Connection, incident_id: str, kind: str, target: int, seq: int) -> None:
        if target >= seq:
            raise InvalidEvent(f"invalid {kind} event: payload.seq {target} is not an earlier event (next is {seq})")
        row = conn.exec_driver_sql(
            "SELECT kind FROM events WHERE incident_id = ? AND seq = ?", (incident_id, target)
        ).fetchone()
        if row is None:
            raise InvalidEvent(f"invalid {kind} event: incident {incident_id} has no event {target}")
        if kind in (k.RETRACTED, k.AMENDED) and row[0] == k.OPENED:
            raise InvalidEvent(f"invalid {kind} event: the 'opened' event cannot be {kind}")

    @staticmethod
    def _insert_event(
        execute: Callable[..., Any],
        incident_id: str,
        seq: int,
        prev_hash: str,
        kind: str,
        step_id: str | None,
        payload_text: str,
        actor: Actor,
        recorded: datetime,
        happened: datetime,
    ) -> Event:
        row: dict[str, Any] = {
            "incident_id": incident_id,
            "seq": seq,
            "recorded_at": format_utc(recorded),
            "happened_at": format_utc(happened),
            "actor_user": actor.user,
            "actor_name": actor.name,
            "actor_role": actor.role,
            "actor_origin": actor.origin,
            "kind": kind,
            "step_id": step_id,
            "payload": payload_text,
            "hash_version": CURRENT_HASH_VERSION,
            "prev_hash": prev_hash,
        }
        try:
            row["hash"] = link_hash(prev_hash, event_document(row, CURRENT_HASH_VERSION))
        except (TypeError, ValueError):
            raise DatabaseCorrupt(
                f"the newest event of incident {incident_id} has a malformed hash ({prev_hash!r}); nothing was written"
            ) from None
        cursor = execute(_INSERT_EVENT, tuple(row[c] for c in _EVENT_COLUMNS))
        return Event(
            **{**row, "id": cursor.lastrowid, "recorded_at": to_utc(recorded), "happened_at": to_utc(happened)}
        )

    # -- reading --------------------------------------------------------------------

    def _resolve(self, conn: Connection, ref: str) -> str:
        if not isinstance(ref, str):
            raise UnknownIncident(f"incident reference must be text, not {type(ref).__name__}")
        text = ref.strip().lower()
        if text == LAST:
            row = conn.exec_driver_sql(
                "SELECT id FROM incidents ORDER BY opened_at DESC, rowid DESC LIMIT 1"
            ).fetchone()
            if row is None:
                raise UnknownIncident("there are no incidents yet", "Open one with `dutydesk open PLAN_ID`.")
            return str(row[0])
        if not _ID_RE.match(text):
            raise UnknownIncident(f"{ref!r} is not an incident id (12 hexadecimal characters, a prefix, or 'last')")
        rows = conn.exec_driver_sql(
            "SELECT id, plan_id, opened_at FROM incidents WHERE id >= ? AND id < ? ORDER BY id LIMIT 11",
            (text, text + "g"),
        ).fetchall()
        if not rows:
            raise UnknownIncident(f"no incident {ref!r}")
        if len(rows) > 1:
            candidates = [f"{r[0]}  {r[1]}  {r[2]}" for r in rows[:10]]
            more = " (and more)" if len(rows) > 10 else ""
            raise AmbiguousIncident(
                f"{ref!r} matches several incidents{more}: " + "; ".join(r[0] for r in rows[:10]), candidates
            )
        return str(rows[0][0])

    def resolve(self, ref: str) -> str:
        """The full id for an id, a unique prefix or ``last``."""
        with self._raw() as conn:
            return self._resolve(conn, ref)

    def incident(self, ref: str) -> Incident:
        """The incident with this id, unique id prefix, or ``"last"`` (the newest opened)."""
        with self._session() as session:
            incident_id = self._resolve(session.connection(), ref)
            found = session.get(Incident, incident_id)
            if found is None:  # pragma: no cover - resolved in the same transaction
                raise UnknownIncident(f"no incident {ref!r}")
            return found

    def incidents(
        self,
        *,
        open_only: bool = False,
        drill: bool | None = None,
        limit: int = 50,
        offset: int = 0,
        plan_id: str | None = None,
    ) -> list[Incident]:
        """Incidents, newest opened first, filtered."""
        query = select(Incident)
        if open_only:
            query = query.where(col(Incident.closed_at).is_(None))
        if drill is not None:
            query = query.where(col(Incident.drill) == bool(drill))
        if plan_id is not None:
            query = query.where(col(Incident.plan_id) == plan_id)
        query = query.order_by(col(Incident.opened_at).desc(), literal_column("incidents.rowid").desc())
        query = query.limit(max(0, int(limit))).offset(max(0, int(offset)))
        with self._session() as session:
            return list(session.exec(query).all())

    def events(self, incident_id: str, after_seq: int = 0, *, limit: int | None = None) -> list[Event]:
        """Events of an incident with ``seq > after_seq``, in order (poll it to follow live)."""
        query = (
            select(Event)
            .where(col(Event.incident_id) == incident_id, col(Event.seq) > int(after_seq))
            .order_by(col(Event.seq))
        )
        if limit is not None:
            query = query.limit(max(0, int(limit)))
        with self._session() as session, _gc_paused():
            found = list(session.exec(query).all())
            if not found:
                self._require(session.connection(), incident_id)
            return found

    def event_rows(self, incident_id: str, after_seq: int = 0) -> list[tuple[Any, ...]]:
        """Like :meth:`events` but plain tuples in :data:`EVENT_ROW` order, with times and
        payload as stored text: about ten times faster than ORM rows, for the fold of
        long incidents (live follow, replay)."""
        columns = ", ".join(EVENT_ROW)
        with self._raw() as conn, _gc_paused():
            found = conn.exec_driver_sql(
                f"SELECT {columns} FROM events WHERE incident_id = ? AND seq > ? ORDER BY seq",
                (incident_id, int(after_seq)),
            ).fetchall()
            if not found:
                self._require(conn, incident_id)
            return [tuple(row) for row in found]

    def last_seq(self, incident_id: str) -> int:
        """The sequence number of the newest event of the incident."""
        with self._raw() as conn:
            self._require(conn, incident_id)
            value = conn.exec_driver_sql("SELECT max(seq) FROM events WHERE incident_id = ?", (incident_id,)).scalar()
            return int(value or 0)

    # -- following every incident (issue 7) ------------------------------------------------

    def last_event_id(self) -> int:
        """The row id of the newest event in the whole journal (0 if none): a cursor for :meth:`changes`."""
        with self._raw() as conn:
            return int(conn.exec_driver_sql("SELECT max(id) FROM events").scalar() or 0)

    def changes(self, after_id: int = 0, *, limit: int = 10_000) -> list[tuple[int, str, int, str]]:
        """(row id, incident id, seq, kind) of the events written after row ``after_id``, in
        commit order, whatever their incident: how a desk follows every other desk (new
        and closed incidents) without reloading anything. Row ids only grow: events are
        appended one write transaction at a time and never deleted."""
        with self._raw() as conn:
            rows = conn.exec_driver_sql(
                "SELECT id, incident_id, seq, kind FROM events WHERE id > ? ORDER BY id LIMIT ?",
                (int(after_id), max(1, int(limit))),
            ).fetchall()
            return [tuple(row) for row in rows]  # type: ignore[misc]

    def incidents_by_id(self, ids: list[str] | tuple[str, ...] | set[str]) -> list[Incident]:
        """The incidents with these ids (those that exist), newest opened first."""
        wanted = sorted({i for i in ids if isinstance(i, str)})
        if not wanted:
            return []
        query = (
            select(Incident)
            .where(col(Incident.id).in_(wanted))
            .order_by(col(Incident.opened_at).desc(), literal_column("incidents.rowid").desc())
        )
        with self._session() as session:
            return list(session.exec(query).all())

    @staticmethod
    def _require(conn: Connection, incident_id: str) -> None:
        if conn.exec_driver_sql("SELECT 1 FROM incidents WHERE id = ?", (incident_id,)).fetchone() is None:
            raise UnknownIncident(f"no incident {incident_id!r}")

    def schema_version(self) -> int:
        with self._raw() as conn:
            return read_version(conn.exec_driver_sql)

    # -- verifying ------------------------------------------------------------------

    def verify(self, incident_id: str | None = None) -> VerifyReport:
        """``PRAGMA integrity_check`` and every hash chain (or one incident's)."""
        with self._raw() as conn:
            try:
                messages = [str(r[0]) for r in conn.exec_driver_sql("PRAGMA integrity_check").fetchall()]
            except (SQLAlchemyError, sqlite3.Error) as exc:
                return VerifyReport(False, [translate(exc, self.path).message], [])
            integrity_ok = messages == ["ok"]
            try:
                checks, orphans = self._check_chains(conn, incident_id)
            except DatabaseCorrupt as exc:
                return VerifyReport(False, messages + [exc.message], [])
            except (SQLAlchemyError, sqlite3.Error) as exc:
                err = translate(exc, self.path)
                if not isinstance(err, DatabaseCorrupt):
                    raise err from None
                return VerifyReport(False, messages + [err.message], [])
        return VerifyReport(integrity_ok, [] if integrity_ok else messages, checks, orphans)

    def _check_chains(self, conn: Connection, incident_id: str | None) -> tuple[list[IncidentCheck], int]:
        def dicts(result: Any) -> Iterator[dict[str, Any]]:
            names = list(result.keys())
            for row in result:
                yield dict(zip(names, row))

        if incident_id is not None:
            target = self._resolve(conn, incident_id)
            incidents = dicts(conn.exec_driver_sql("SELECT * FROM incidents WHERE id = ?", (target,)))
            events = dicts(
                conn.exec_driver_sql("SELECT * FROM events WHERE incident_id = ? ORDER BY seq, id", (target,))
            )
            orphans = 0
        else:
            incidents = dicts(conn.exec_driver_sql("SELECT * FROM incidents ORDER BY id"))
            events = dicts(conn.exec_driver_sql("SELECT * FROM events ORDER BY incident_id, seq, id"))
            orphans = int(
                conn.exec_driver_sql(
                    "SELECT count(*) FROM events WHERE incident_id NOT IN (SELECT id FROM incidents)"
                ).scalar_one()
            )
        # merge join: incidents by id, events by incident_id (both sorted the same way)
        checks: list[IncidentCheck] = []
        groups = groupby(events, key=lambda r: r["incident_id"])
        current = next(groups, None)
        for row in incidents:
            while current is not None and _before(current[0], row["id"]):
                current = next(groups, None)  # events of no incident: counted as orphans
            rows: list[dict[str, Any]] = []
            if current is not None and current[0] == row["id"]:
                rows = list(current[1])
                current = next(groups, None)
            checks.append(check_chain(row, rows))
        return checks, orphans
