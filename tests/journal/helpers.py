"""Helpers shared by the journal tests (plain functions, no fixtures)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from dutydesk.journal.chain import canonical_json

PLAN: dict[str, Any] = {
    "id": "robbery-hostage-armed",
    "title": {"zh": "营业期间歹徒持枪劫持人质抢劫", "en": "Armed robbery with a hostage during business hours"},
    "level": "I",
    "steps": [
        {"id": "stall", "text": {"zh": "沉着冷静与其周旋", "en": "Stay calm"}},
        {"id": "alarm", "text": {"zh": "示意其他员工立即向110报警", "en": "Signal a colleague to call 110"}},
        {"id": "injured", "ask": {"zh": "是否有人员受伤?", "en": "Is anyone injured?"}},
    ],
}
SNAPSHOT = canonical_json(PLAN)

ALL_TRIGGERS = (
    "events_no_update",
    "events_no_delete",
    "incidents_frozen",
    "incidents_close_once",
    "incidents_no_delete",
)


def tamper(path: Path, *statements: str | tuple[str, tuple[Any, ...]], drop_triggers: bool = True) -> None:
    """Change the file with the plain sqlite3 module, as an attacker would."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        if drop_triggers:
            for name in ALL_TRIGGERS:
                conn.execute(f"DROP TRIGGER IF EXISTS {name}")
        for statement in statements:
            if isinstance(statement, tuple):
                conn.execute(statement[0], statement[1])
            else:
                conn.execute(statement)
        conn.execute("COMMIT")
    finally:
        conn.close()


def rows(path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()
