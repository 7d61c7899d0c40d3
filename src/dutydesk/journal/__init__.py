"""The incident journal: an append-only, hash-chained, durable event log in SQLite.

Light parts import freely (no database library is loaded):
:mod:`~dutydesk.journal.kinds`, :mod:`~dutydesk.journal.errors`,
:mod:`~dutydesk.journal.actor`, :mod:`~dutydesk.journal.chain`,
:mod:`~dutydesk.journal.times`, :mod:`~dutydesk.journal.verify`,
:mod:`~dutydesk.journal.validation`.

``Journal``, ``Incident`` and ``Event`` load SQLModel/SQLAlchemy on first access
(``from dutydesk.journal import Journal``), so ``import dutydesk.journal`` stays cheap
and nothing opens a database at import time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import kinds
from .actor import Actor
from .errors import (
    AmbiguousIncident,
    DatabaseCorrupt,
    DatabaseIOError,
    DatabaseLocked,
    DatabaseReadOnly,
    DiskFull,
    IncidentClosed,
    InvalidEvent,
    JournalError,
    NewerSchema,
    NotAJournal,
    NotLogged,
    SchemaUpgradeNeeded,
    StaleState,
    UnknownDatabase,
    UnknownIncident,
)
from .verify import IncidentCheck, Problem, VerifyReport

if TYPE_CHECKING:
    from .api import Journal
    from .models import Event, Incident

_LAZY = {"Journal": "api", "Event": "models", "Incident": "models", "SCHEMA_VERSION": "migrations"}

__all__ = [
    "SCHEMA_VERSION",
    "Actor",
    "AmbiguousIncident",
    "DatabaseCorrupt",
    "DatabaseIOError",
    "DatabaseLocked",
    "DatabaseReadOnly",
    "DiskFull",
    "Event",
    "Incident",
    "IncidentCheck",
    "IncidentClosed",
    "InvalidEvent",
    "Journal",
    "JournalError",
    "NewerSchema",
    "NotAJournal",
    "NotLogged",
    "Problem",
    "SchemaUpgradeNeeded",
    "StaleState",
    "UnknownDatabase",
    "UnknownIncident",
    "VerifyReport",
    "kinds",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
