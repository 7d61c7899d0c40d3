"""The journal's tables as SQLModel classes.

The tables themselves are created from the explicit DDL in
:mod:`dutydesk.journal.migrations` (a schema is data: each version is frozen there);
these classes map the current version and a test checks they agree.
Instances returned by the API are detached, plain values: reading their
attributes never touches the database.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import Index, String
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from .errors import DatabaseCorrupt
from .times import format_utc, parse_utc


class UTCTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime stored as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` text."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> str | None:
        return None if value is None else format_utc(value)

    def process_result_value(self, value: str | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        try:
            return parse_utc(value)
        except ValueError:
            raise DatabaseCorrupt(f"a stored time is malformed: {value!r}") from None


class Incident(SQLModel, table=True):
    """One incident (or drill): the plan as it was, where, how severe, open/closed."""

    __tablename__: ClassVar[str] = "incidents"
    __table_args__ = (
        Index("ix_incidents_opened_at", "opened_at"),
        # the filter column first, then opened_at: a filtered list needs no sort
        Index("ix_incidents_closed_at", "closed_at", "opened_at"),
        Index("ix_incidents_drill", "drill", "opened_at"),
        Index("ix_incidents_plan_id", "plan_id", "opened_at"),
    )

    id: str = Field(primary_key=True, max_length=12)
    plan_id: str
    plan_title_zh: str
    plan_title_en: str
    plan_snapshot: str
    plan_hash: str
    branch: str
    place: str
    level: str
    drill: bool
    opened_at: datetime = Field(sa_type=UTCTime)
    opened_by: str
    closed_at: datetime | None = Field(default=None, sa_type=UTCTime)
    outcome: str | None = None
    genesis_hash: str

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def plan(self) -> Any:
        """The plan snapshot parsed as JSON (as given to ``open_incident``)."""
        return json.loads(self.plan_snapshot)


class Event(SQLModel, table=True):
    """One journal entry: who did what, when, in which incident; chained by hash."""

    __tablename__: ClassVar[str] = "events"
    __table_args__ = (Index("ux_events_incident_seq", "incident_id", "seq", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    incident_id: str = Field(foreign_key="incidents.id")
    seq: int
    recorded_at: datetime = Field(sa_type=UTCTime)
    happened_at: datetime = Field(sa_type=UTCTime)
    actor_user: str
    actor_name: str
    actor_role: str
    actor_origin: str
    kind: str
    step_id: str | None = None
    payload: str = "{}"
    hash_version: int = 2
    prev_hash: str
    hash: str

    @property
    def data(self) -> dict[str, Any]:
        """The payload as a dict."""
        value = json.loads(self.payload)
        return value if isinstance(value, dict) else {}
