"""Everything the journal can refuse, as exceptions with a message and a hint.

Every public call of :class:`dutydesk.journal.Journal` raises only
:class:`JournalError` subclasses: a raw SQLAlchemy or ``sqlite3`` exception never
leaves the API (the original is kept in :attr:`JournalError.cause` for logs).
A caller shows ``err.message`` (what is wrong) and ``err.hint`` (what to do).

This module imports neither SQLAlchemy nor SQLModel, so the CLI and the TUI can catch
these errors without paying for the database layer.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path


class JournalError(Exception):
    """Base of every journal error: ``message`` says what is wrong, ``hint`` what to do."""

    default_hint = ""

    def __init__(self, message: str, hint: str | None = None, *, cause: BaseException | None = None):
        self.message = message
        self.hint = self.default_hint if hint is None else hint
        self.cause = cause
        super().__init__(message)

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class NotLogged(JournalError):
    """A write failed: the action was NOT logged (mixin base for write failures)."""


class DatabaseCorrupt(JournalError):
    default_hint = (
        "Nothing was written. Keep the file as it is (it is evidence), "
        "run `dutydesk verify` and restore the latest backup to continue."
    )


class UnknownDatabase(JournalError):
    default_hint = "Check the path (--db PATH or DUTYDESK_DB); open it once without read-only to create it."


class DatabaseReadOnly(NotLogged):
    default_hint = (
        "The action was NOT logged. Open the journal writable on a writable disk "
        "(check the mount, the file's owner and --db)."
    )


class DiskFull(NotLogged):
    default_hint = (
        "The action was NOT logged. Free disk space (or move the journal with --db) and "
        "log it again; everything logged before is intact."
    )


class DatabaseIOError(NotLogged):
    default_hint = (
        "The action was NOT logged. Check the disk (dmesg, free space) and log it again; "
        "run `dutydesk verify` afterwards."
    )


class DatabaseLocked(NotLogged):
    default_hint = (
        "The action was NOT logged: another desk held the journal too long. "
        "Try again; if it persists, look for a stuck dutydesk process."
    )


class NewerSchema(JournalError):
    default_hint = (
        "This journal was written by a newer dutydesk; upgrade dutydesk to open it. The file was not changed."
    )


class SchemaUpgradeNeeded(JournalError):
    default_hint = "Open the journal once without read-only so it can be upgraded in place (no row is lost)."


class NotAJournal(JournalError):
    default_hint = "This SQLite file is not a dutydesk journal; check --db / DUTYDESK_DB. The file was not changed."


class UnknownIncident(JournalError):
    default_hint = "List incidents with `dutydesk incidents list`; give the id or an unambiguous prefix, or `last`."


class AmbiguousIncident(JournalError):
    default_hint = "Type more characters of the id."

    def __init__(self, message: str, candidates: Sequence[str] = (), hint: str | None = None):
        self.candidates = list(candidates)
        super().__init__(message, hint)


class IncidentClosed(JournalError):
    default_hint = "A closed incident takes no more events; open a new incident if needed."


class StaleState(JournalError):
    default_hint = "Another desk wrote to this incident first; look at what it did and act again if still needed."


class InvalidEvent(JournalError):
    default_hint = "Nothing was written; correct the event and log it again."


# -- mapping of sqlite errors -------------------------------------------------------

_PRIMARY_MASK = 0xFF


def _sqlite_error(exc: BaseException) -> sqlite3.Error | None:
    """The ``sqlite3`` error behind ``exc`` (SQLAlchemy keeps it in ``.orig``)."""
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < 5:
        if isinstance(current, sqlite3.Error):
            return current
        orig = getattr(current, "orig", None)
        current = orig if isinstance(orig, BaseException) else current.__cause__
        seen += 1
    return None


def translate(exc: BaseException, path: Path | str | None = None) -> JournalError:
    """The :class:`JournalError` that says what ``exc`` (a database error) means."""
    if isinstance(exc, JournalError):
        return exc
    where = f" ({path})" if path else ""
    err = _sqlite_error(exc)
    if err is None:
        return JournalError(f"journal database error{where}: {exc}", "The action was NOT logged.", cause=exc)
    code = getattr(err, "sqlite_errorcode", None)
    primary = code & _PRIMARY_MASK if isinstance(code, int) else None
    text = str(err)
    low = text.lower()
    if primary == sqlite3.SQLITE_FULL or "database or disk is full" in low:
        return DiskFull(f"the disk holding the journal is full{where}: {text}", cause=err)
    if primary == sqlite3.SQLITE_READONLY or "readonly database" in low:
        return DatabaseReadOnly(f"the journal is read-only{where}: {text}", cause=err)
    if primary in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB) or "malformed" in low or "not a database" in low:
        return DatabaseCorrupt(f"the journal file is damaged{where}: {text}", cause=err)
    if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "locked" in low:
        return DatabaseLocked(f"the journal is locked by another process{where}: {text}", cause=err)
    if primary == sqlite3.SQLITE_CANTOPEN or "unable to open database file" in low:
        return DatabaseIOError(
            f"cannot open the journal file{where}: {text}",
            "Check that the folder exists and is reachable (mount, permissions) and that --db is right.",
            cause=err,
        )
    if primary == sqlite3.SQLITE_IOERR or "disk i/o error" in low:
        return DatabaseIOError(f"the disk failed while writing the journal{where}: {text}", cause=err)
    if primary == sqlite3.SQLITE_CONSTRAINT and "append-only" in low:
        return InvalidEvent(
            f"refused by the journal{where}: {text}", "Events are never changed; log a correction instead.", cause=err
        )
    return JournalError(f"journal database error{where}: {text}", "The action was NOT logged.", cause=err)
