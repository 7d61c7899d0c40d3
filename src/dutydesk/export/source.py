"""What an export reads: an incident's rows exactly as stored, checked, and folded.

:func:`load` reads the incident row and its event rows in one read transaction,
exactly as stored (so the JSON archive is lossless and the chain can be checked
from the same rows the report shows), checks the hash chain over those rows with
:func:`dutydesk.journal.verify.check_chain`, and runs ``PRAGMA quick_check`` on the
file (``integrity_check`` minus the index cross-checks: linear in the file's size,
so an export stays quick on a journal of years; ``dutydesk verify`` runs the full one).

:func:`prepare` turns them into what the report needs: records (masked unless
asked otherwise), the plan as it was (from the snapshot) and the folded state.
Damaged data never stops a report: an event that cannot be read, or a plan
snapshot that cannot be rebuilt, is named in ``problems`` and the report states
it on its first page.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from dutydesk.export.masking import Masker
from dutydesk.incident import IncidentState, Record, Who, fold
from dutydesk.journal.verify import IncidentCheck, check_chain

if TYPE_CHECKING:
    from dutydesk.journal.api import Journal
    from dutydesk.plans import Contact, Level, Plan, Role

#: Payload keys that are structure, not free text: never masked (the fold reads them).
STRUCTURAL_KEYS = frozenset(
    {"seq", "choice", "field", "contact", "level", "phase", "due_at", "plan_id", "plan_hash", "drill",
     "happened_at", "format"}
)


@dataclass
class Stored:
    """One incident as stored: the rows, the chain check over them, the file check."""

    incident: dict[str, Any]
    events: list[dict[str, Any]]
    check: IncidentCheck
    integrity_ok: bool
    integrity_messages: list[str]
    schema_version: int


def load(journal: Journal, incident_id: str) -> Stored:
    """Read one incident (an id as resolved by ``journal.resolve``) exactly as stored."""
    from sqlalchemy.exc import SQLAlchemyError

    from dutydesk.journal.errors import UnknownIncident, translate

    # The journal has no public "rows as stored" call yet; its read connection gives
    # us the same error translation as every other read.
    with journal._raw() as conn:  # noqa: SLF001
        try:
            with conn.begin():  # one snapshot: the rows, their check and the file check agree
                result = conn.exec_driver_sql("SELECT * FROM incidents WHERE id = ?", (incident_id,))
                names = list(result.keys())
                row = result.fetchone()
                if row is None:
                    raise UnknownIncident(f"no incident {incident_id!r}")
                incident = dict(zip(names, row))
                result = conn.exec_driver_sql(
                    "SELECT * FROM events WHERE incident_id = ? ORDER BY seq, id", (incident_id,)
                )
                names = list(result.keys())
                events = [dict(zip(names, r)) for r in result]
                version = int(conn.exec_driver_sql("PRAGMA user_version").scalar_one())
                try:
                    messages = [str(r[0]) for r in conn.exec_driver_sql("PRAGMA quick_check").fetchall()]
                except (SQLAlchemyError, sqlite3.Error) as exc:
                    messages = [translate(exc, journal.path).message]
        except (SQLAlchemyError, sqlite3.Error) as exc:
            raise translate(exc, journal.path) from None
    return Stored(incident, events, check_chain(incident, events), messages == ["ok"],
                  [] if messages == ["ok"] else messages, version)


# -- from rows to records ---------------------------------------------------------------


def _time(text: Any) -> datetime | None:
    if isinstance(text, datetime):
        return text if text.tzinfo else text.replace(tzinfo=timezone.utc)
    try:
        value = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def record_of(row: dict[str, Any], fallback: datetime) -> tuple[Record, str | None]:
    """The record of a stored event row, and what was wrong with it (None: nothing).

    A row that cannot be read whole (tampered payload or time) still gives a record,
    with what could be read, so the report can show it and say so."""
    try:
        record = Record.of(SimpleNamespace(**row))
        if isinstance(record.payload, dict):
            return record, None
        problem = "its payload is not an object"
    except (TypeError, ValueError, AttributeError) as exc:
        problem = f"it cannot be read ({exc})"
    recorded = _time(row.get("recorded_at")) or fallback
    happened = _time(row.get("happened_at")) or recorded
    try:
        seq = int(row.get("seq"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        seq = 0
    try:
        payload = json.loads(row.get("payload") or "{}")
    except (TypeError, ValueError):
        payload = None
    if not isinstance(payload, dict):
        payload = {"text": str(row.get("payload"))}
    who = Who(str(row.get("actor_user")), str(row.get("actor_name")), str(row.get("actor_role")),
              str(row.get("actor_origin") or "console"))
    step = row.get("step_id")
    return Record(seq, str(row.get("kind")), recorded, happened, who, str(step) if step is not None else None,
                  payload), problem


def mask_record(record: Record, masker: Masker) -> Record:
    who = record.who
    return Record(
        seq=record.seq, kind=record.kind, recorded_at=record.recorded_at, happened_at=record.happened_at,
        who=Who(masker.text(who.user), masker.text(who.name), who.role, masker.text(who.origin)),
        step_id=record.step_id, payload=masker.value(dict(record.payload), keep=STRUCTURAL_KEYS),
    )


# -- catalogs for names ----------------------------------------------------------------


@lru_cache(maxsize=1)
def bundled_names() -> tuple[dict[str, Role], dict[str, Level]]:
    """Role and level names from the bundled catalogs (operators' roles such as
    ``supervisor`` are not in a plan snapshot, which holds the roles its steps name)."""
    try:
        import yaml

        from dutydesk.paths import bundled_plans_dir
        from dutydesk.plans.catalogs import read_catalog
        from dutydesk.plans.validate import Checker

        found: list[dict[str, Any]] = []
        for kind in ("roles", "levels"):
            path = bundled_plans_dir() / f"{kind}.yaml"
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            found.append(read_catalog(Checker(path, {}), kind, data, {}))
        return found[0], found[1]
    except Exception:  # noqa: BLE001 - names are a nicety; the ids still show
        return {}, {}


# -- everything a report needs ------------------------------------------------------------


@dataclass
class Material:
    stored: Stored
    plan: Plan
    roles: dict[str, Role]
    contacts: dict[str, Contact]
    levels: dict[str, Level]
    records: list[Record]
    state: IncidentState
    masked: bool
    masker: Masker
    incident: dict[str, Any]  # the incident row, free-text fields masked when masked
    problems: list[str] = field(default_factory=list)


def _placeholder_plan(stored: Stored, records: list[Record]) -> Plan:
    """A plan of the step ids the events name, for a snapshot that cannot be rebuilt."""
    from dutydesk.plans import Plan, Step
    from dutydesk.plans import Text as PlanText

    ids: list[str] = []
    for record in records:
        if record.step_id and record.step_id not in ids:
            ids.append(record.step_id)
    steps = tuple(Step(id=s, line=0, text=PlanText(s, s)) for s in ids) or (
        Step(id="?", line=0, text=PlanText("?", "?")),
    )
    title = PlanText(str(stored.incident.get("plan_title_zh", "")), str(stored.incident.get("plan_title_en", "")))
    return Plan(id=str(stored.incident.get("plan_id", "")), title=title, category="", level="I", source="?",
                steps=steps, origin="snapshot")


def prepare(stored: Stored, *, mask: bool = True) -> Material:
    """Records, plan, state and names of a stored incident; masked unless ``mask`` is False."""
    from dutydesk.plans import PlanError
    from dutydesk.plans.snapshot import plan_from_snapshot

    problems: list[str] = []
    masker = Masker()
    fallback = _time(stored.incident.get("opened_at")) or datetime(1970, 1, 1, tzinfo=timezone.utc)
    records: list[Record] = []
    for row in stored.events:
        record, problem = record_of(row, fallback)
        if problem:
            problems.append(f"event {row.get('seq')}: {problem}")
        records.append(mask_record(record, masker) if mask else record)
        fallback = record.recorded_at
    role_names, levels = bundled_names()
    try:
        plan, roles, contacts = plan_from_snapshot(stored.incident.get("plan_snapshot"))  # type: ignore[arg-type]
    except PlanError as exc:
        problems.append(f"the plan snapshot cannot be read ({exc}); steps are shown by their ids")
        plan, roles, contacts = _placeholder_plan(stored, records), {}, {}
    roles = {**role_names, **roles}
    incident = dict(stored.incident)
    if mask:
        for name in ("branch", "place", "outcome", "opened_by"):
            if isinstance(incident.get(name), str):
                incident[name] = masker.text(incident[name])
    try:
        state = fold(plan, records)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        problems.append(f"the events cannot all be applied to the plan ({type(exc).__name__}: {exc}); "
                        "the timeline lists them all, the summaries may be incomplete")
        state = fold(plan, [r for r in records if r.kind == "opened"][:1])
        state.records = list(records)
    return Material(stored, plan, roles, contacts, levels, records, state, mask, masker, incident, problems)
