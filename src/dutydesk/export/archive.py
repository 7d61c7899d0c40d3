"""The JSON archive of an incident: lossless, never masked; and its import into another journal.

The archive holds the incident row and every event row **exactly as stored**
(times as the stored UTC text, ``drill`` as 0/1, payloads as their canonical JSON
text, hashes), so the hash chain can be recomputed from the file alone with
:func:`dutydesk.journal.verify.check_chain`::

    {"format": "dutydesk-incident-archive", "version": 1,
     "exported_at": "...Z", "dutydesk": "0.1.0", "schema_version": 2,
     "masked": false, "note": "...",
     "chain": {"ok": true, "events": 42, "final_hash": "...", "problem": null},
     "incident": {<incidents row>}, "events": [{<events row>}, ...]}

A stored value JSON cannot hold (a BLOB put there by tampering) is written as
``{"$bytes": "<base64>"}`` and read back as bytes: nothing is lost.

:func:`import_archive` refuses an archive whose chain does not verify (it was
changed, or it was taken from a journal that was already broken) and an incident
id that the target journal already holds with different content; the same
content again is a no-op. An archive whose chain *extends* the one in the
journal (a later archive of the same incident: it went on, was closed, or was
exported unmasked since) adds the missing events. The rows are inserted as they
are (their hashes included) in one ``BEGIN IMMEDIATE`` transaction, read back and
checked again before ``COMMIT``.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dutydesk.export.source import Stored
from dutydesk.export.writers import ExportError
from dutydesk.journal.times import format_utc
from dutydesk.journal.verify import check_chain

if TYPE_CHECKING:
    from dutydesk.journal.api import Journal

ARCHIVE_FORMAT = "dutydesk-incident-archive"
ARCHIVE_VERSION = 1
MAX_ARCHIVE_BYTES = 1 << 30  # 1 GiB: far above any real incident, below a memory accident
NOTE = ("Lossless archive of one incident as stored in the dutydesk journal. NOT MASKED: it holds customer "
        "data as logged. Keep it private. Load it with `dutydesk import FILE`, which verifies the hash chain.")


def _default(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    raise TypeError(f"cannot archive a value of type {type(value).__name__}")


def archive_dict(stored: Stored, *, now: datetime) -> dict[str, Any]:
    from dutydesk import __version__

    check = stored.check
    return {
        "format": ARCHIVE_FORMAT,
        "version": ARCHIVE_VERSION,
        "exported_at": format_utc(now),
        "dutydesk": __version__,
        "schema_version": stored.schema_version,
        "masked": False,
        "note": NOTE,
        "chain": {
            "ok": check.ok,
            "events": check.events,
            "final_hash": check.final_hash,
            "problem": str(check.problem) if check.problem else None,
        },
        "incident": stored.incident,
        "events": stored.events,
    }


def archive_text(stored: Stored, *, now: datetime) -> str:
    """The archive as JSON text (UTF-8 kept, one key per line, stable)."""
    return json.dumps(archive_dict(stored, now=now), ensure_ascii=False, indent=1, default=_default) + "\n"


# -- reading an archive ----------------------------------------------------------------------


def _restore(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"$bytes"} and isinstance(value["$bytes"], str):
        try:
            return base64.b64decode(value["$bytes"], validate=True)
        except ValueError:
            raise ExportError("the archive holds a malformed $bytes value") from None
    return value


@dataclass(frozen=True)
class Archive:
    incident: dict[str, Any]
    events: list[dict[str, Any]]
    schema_version: int | None


def _row(raw: Any, what: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ExportError(f"not a dutydesk archive: {what} is not an object")
    row: dict[str, Any] = {}
    for key, value in raw.items():
        value = _restore(value)
        if isinstance(value, bool) or not (value is None or isinstance(value, (str, int, float, bytes))):
            raise ExportError(f"the archive's {what} has a value of the wrong type in {key!r} ({type(value).__name__})",
                              "The file was edited or is not a dutydesk archive; nothing was imported.")
        row[str(key)] = value
    return row


def read_archive(path: Path) -> Archive:
    """Parse and shape-check an archive file (the chain is checked by the import)."""
    try:
        size = path.stat().st_size
        if size > MAX_ARCHIVE_BYTES:
            raise ExportError(f"{path} is {size} bytes long, more than any incident archive")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ExportError(f"there is no file {path}") from None
    except IsADirectoryError:
        raise ExportError(f"{path} is a folder, not an archive file") from None
    except UnicodeDecodeError:
        raise ExportError(f"{path} is not a dutydesk archive (not UTF-8 text)") from None
    except OSError as exc:
        raise ExportError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ExportError(f"{path} is not a dutydesk archive (not JSON: {exc})") from None
    if not isinstance(data, dict) or data.get("format") != ARCHIVE_FORMAT:
        raise ExportError(f"{path} is not a dutydesk archive", "Make one with `dutydesk export INCIDENT --format json`.")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version > ARCHIVE_VERSION:
        raise ExportError(f"{path} is an archive of version {version!r}; this dutydesk reads version {ARCHIVE_VERSION}",
                          "Upgrade dutydesk to import it.")
    events = data.get("events")
    if not isinstance(events, list):
        raise ExportError(f"{path} is not a dutydesk archive: it has no list of events")
    incident = _row(data.get("incident"), "incident")
    rows = [_row(e, f"event {i + 1}") for i, e in enumerate(events)]
    schema = data.get("schema_version")
    return Archive(incident, rows, schema if isinstance(schema, int) and not isinstance(schema, bool) else None)


# -- importing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    incident_id: str
    plan_id: str
    events: int  # in the archive
    final_hash: str | None
    added: int  # events written now (0: the journal already held exactly this incident)
    new: bool  # the incident was not in the journal before
    verified: bool  # the journal's own verify of the incident after the import


def _columns(execute: Any, table: str) -> list[str]:
    return [str(r[1]) for r in execute(f"PRAGMA table_info({table})").fetchall()]


def _fit(row: dict[str, Any], columns: list[str], what: str) -> tuple[Any, ...]:
    missing = [c for c in columns if c not in row]
    if missing:
        raise ExportError(f"the archive's {what} lacks {', '.join(missing)}",
                          "It was made by another version of dutydesk or edited; nothing was imported.")
    extra = [c for c in row if c not in columns and c != "id"]
    if extra:
        raise ExportError(f"the archive's {what} has fields this journal does not keep: {', '.join(extra)}",
                          "It was made by a newer dutydesk; upgrade to import it without losing anything.")
    return tuple(row[c] for c in columns)


def import_archive(journal: Journal, path: Path) -> ImportResult:
    """Load an archive into ``journal`` (see the module doc); raises ExportError on refusal."""
    archive = read_archive(Path(path))
    incident, events = archive.incident, archive.events
    incident_id = incident.get("id")
    if not isinstance(incident_id, str) or not incident_id:
        raise ExportError("the archive's incident has no id")
    for i, event in enumerate(events):
        if event.get("incident_id") != incident_id:
            raise ExportError(f"event {i + 1} of the archive belongs to another incident ({event.get('incident_id')!r})",
                              "The file was edited; nothing was imported.")
    try:
        check = check_chain(incident, events)
    except KeyError as exc:
        raise ExportError(f"the archive lacks the field {exc}", "The file was edited or is incomplete; nothing was imported.") from None
    if not check.ok:
        raise ExportError(
            f"the archive's hash chain does not verify: {check.problem}",
            "The file was changed after it was exported (or the journal it came from was already broken); "
            "nothing was imported.",
        )
    with journal._write() as conn:  # noqa: SLF001 - one BEGIN IMMEDIATE for check, insert and re-check
        execute = conn.connection.driver_connection.execute  # type: ignore[union-attr]
        inc_cols = _columns(execute, "incidents")
        ev_cols = [c for c in _columns(execute, "events") if c != "id"]
        inc_values = _fit(incident, inc_cols, "incident")
        ev_values = [_fit(e, ev_cols, f"event {i + 1}") for i, e in enumerate(events)]
        existing = execute(f"SELECT {', '.join(inc_cols)} FROM incidents WHERE id = ?", (incident_id,)).fetchone()
        insert_events = f"INSERT INTO events ({', '.join(ev_cols)}) VALUES ({', '.join('?' * len(ev_cols))})"
        if existing is None:
            execute(f"INSERT INTO incidents ({', '.join(inc_cols)}) VALUES ({', '.join('?' * len(inc_cols))})",
                    inc_values)
            conn.connection.driver_connection.executemany(insert_events, ev_values)  # type: ignore[union-attr]
            added = len(ev_values)
        else:
            stored = [tuple(r) for r in execute(
                f"SELECT {', '.join(ev_cols)} FROM events WHERE incident_id = ? ORDER BY seq, id", (incident_id,)
            ).fetchall()]
            if tuple(existing) == inc_values and stored == ev_values:
                added = None  # exactly this incident is already there
            elif len(stored) < len(ev_values) and stored == ev_values[: len(stored)] and _same_but_closed(
                dict(zip(inc_cols, existing)), dict(zip(inc_cols, inc_values))
            ):
                # a later archive of the same incident (it went on, or was closed, or exported
                # unmasked since): the journal holds the beginning of its chain; add the rest
                conn.connection.driver_connection.executemany(  # type: ignore[union-attr]
                    insert_events, ev_values[len(stored):]
                )
                if existing[inc_cols.index("closed_at")] is None and incident.get("closed_at") is not None:
                    execute("UPDATE incidents SET closed_at = ?, outcome = ? WHERE id = ?",
                            (incident["closed_at"], incident.get("outcome"), incident_id))
                added = len(ev_values) - len(stored)
            else:
                raise ExportError(
                    f"incident {incident_id} is already in {journal.path} with different content "
                    f"({len(stored)} events there, {len(events)} in the archive)",
                    "Nothing was imported. Import into another database (--db), or keep both files as they are.",
                )
        if added:
            names = [str(r[1]) for r in execute("PRAGMA table_info(incidents)").fetchall()]
            back_inc = dict(zip(names, execute("SELECT * FROM incidents WHERE id = ?", (incident_id,)).fetchone()))
            cursor = execute("SELECT * FROM events WHERE incident_id = ? ORDER BY seq, id", (incident_id,))
            ev_names = [d[0] for d in cursor.description]
            back = check_chain(back_inc, [dict(zip(ev_names, r)) for r in cursor.fetchall()])
            if not back.ok or back.final_hash != check.final_hash:
                raise ExportError(f"the imported rows do not verify in {journal.path}: {back.problem}",
                                  "Nothing was imported (the transaction was rolled back).")
    report = journal.verify(incident_id)
    try:
        verified = report.integrity_ok and report.for_incident(incident_id).ok
    except KeyError:
        verified = False
    return ImportResult(incident_id, str(incident.get("plan_id", "")), len(events), check.final_hash, added or 0,
                        existing is None, verified)


def _same_but_closed(there: dict[str, Any], archived: dict[str, Any]) -> bool:
    """The same incident row, except that the archive may be closed where the journal is not yet."""
    for name, value in there.items():
        if name in ("closed_at", "outcome") and value is None:
            continue
        if archived.get(name) != value:
            return False
    return True


__all__ = ["ARCHIVE_FORMAT", "ARCHIVE_VERSION", "Archive", "ImportResult", "archive_text", "import_archive",
           "read_archive"]
