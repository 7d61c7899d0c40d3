"""The canonical encoding of incidents and events, and the hash chain over them.

Canonical encoding
------------------
A record is turned into a JSON object of a fixed field set and encoded as::

    json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
               allow_nan=False).encode("utf-8")

Values are taken exactly as stored in the database: times are the stored text
(``YYYY-MM-DDTHH:MM:SS.ffffffZ``, see :mod:`dutydesk.journal.times`), ``seq`` and
``drill`` are the stored integers (``drill`` is 0 or 1), ``payload`` is the stored
payload text (itself canonical JSON of the payload object), ``step_id`` is text or
``null``. So a change of any stored value, even of its type, changes the encoding.

Incident (the same in schema versions 1 and 2)::

    {"id", "plan_id", "plan_title_zh", "plan_title_en", "plan_hash", "branch",
     "place", "level", "drill", "opened_at", "opened_by"}

``closed_at`` and ``outcome`` are left out: they are a cache of the ``closed`` event,
which is itself chained (verify checks that they agree). ``plan_snapshot`` is covered
through ``plan_hash`` = sha256 hex of the snapshot text (verify checks both).

Event, encoding version 1 (rows written by schema version 1)::

    {"incident_id", "seq", "recorded_at", "actor_user", "actor_name", "actor_role",
     "kind", "step_id", "payload"}

Event, encoding version 2 (current)::

    version 1 fields + {"happened_at", "actor_origin", "v": 2}

Each event row stores the encoding version it was hashed with (``hash_version``).
The upgrade from schema 1 fills ``happened_at = recorded_at`` and
``actor_origin = "console"`` and keeps ``hash_version = 1``, so old chains verify
unchanged; verify insists that version-1 rows carry exactly those filled values and
that versions never go down along a chain, so the unhashed columns of old rows
cannot be edited unnoticed.

Hash chain (one per incident)
-----------------------------
::

    genesis_hash = sha256(canonical(incident)).hexdigest()
    event.hash   = sha256(bytes.fromhex(event.prev_hash) + canonical(event)).hexdigest()

The first event's ``prev_hash`` is the incident's ``genesis_hash``, every later
event's ``prev_hash`` is the ``hash`` of the event before it (seq - 1). Editing,
deleting, inserting or reordering rows, or editing the incident row, breaks the
chain at a point that :func:`dutydesk.journal.verify.check_chain` names. (Like any
unsigned chain it cannot stop someone who rewrites every hash from the point of
change onward; keep backups or copies of final hashes elsewhere for that.)

This module is pure Python: no database import.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any, Final

CURRENT_HASH_VERSION: Final = 2
HASH_VERSIONS: Final = (1, 2)

INCIDENT_FIELDS: Final[tuple[str, ...]] = (
    "id",
    "plan_id",
    "plan_title_zh",
    "plan_title_en",
    "plan_hash",
    "branch",
    "place",
    "level",
    "drill",
    "opened_at",
    "opened_by",
)

EVENT_FIELDS_V1: Final[tuple[str, ...]] = (
    "incident_id",
    "seq",
    "recorded_at",
    "actor_user",
    "actor_name",
    "actor_role",
    "kind",
    "step_id",
    "payload",
)

EVENT_FIELDS_V2: Final[tuple[str, ...]] = EVENT_FIELDS_V1 + ("happened_at", "actor_origin")

#: Values the schema-1 upgrade gives the columns that version 1 did not have.
V1_FILL_ORIGIN: Final = "console"


def canonical_json(obj: Any) -> str:
    """The canonical JSON text of ``obj`` (sorted keys, no spaces, UTF-8 kept as is)."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


def canonical_bytes(obj: Any) -> bytes:
    """The canonical encoding of ``obj``: :func:`canonical_json` as UTF-8 bytes."""
    return canonical_json(obj).encode("utf-8")


def sha256_hex(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def plan_hash(plan_snapshot: str) -> str:
    """sha256 hex of the plan snapshot text (UTF-8)."""
    return sha256_hex(plan_snapshot)


def incident_document(row: Mapping[str, Any]) -> dict[str, Any]:
    """The hashed fields of an incident row."""
    return {name: row[name] for name in INCIDENT_FIELDS}


def incident_hash(row: Mapping[str, Any]) -> str:
    """The genesis hash of an incident: sha256 hex of its canonical encoding."""
    return sha256_hex(canonical_bytes(incident_document(row)))


def event_document(row: Mapping[str, Any], version: int) -> dict[str, Any]:
    """The hashed fields of an event row under encoding ``version``."""
    if version == 1:
        return {name: row[name] for name in EVENT_FIELDS_V1}
    if version == 2:
        doc = {name: row[name] for name in EVENT_FIELDS_V2}
        doc["v"] = 2
        return doc
    raise ValueError(f"unknown event encoding version {version!r}")


def link_hash(prev_hash: str, document: Mapping[str, Any]) -> str:
    """``sha256(prev_hash bytes + canonical(document))`` as hex; ValueError if prev_hash is not hex."""
    return hashlib.sha256(bytes.fromhex(prev_hash) + canonical_bytes(document)).hexdigest()


def event_hash(row: Mapping[str, Any], version: int | None = None) -> str:
    """The hash an event row should carry (uses ``row['prev_hash']``)."""
    if version is None:
        version = int(row.get("hash_version", CURRENT_HASH_VERSION))
    return link_hash(row["prev_hash"], event_document(row, version))
