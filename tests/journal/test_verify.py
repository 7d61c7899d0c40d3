"""The hash chain, the triggers, and verify naming the first broken event.

Tampering is done through the plain ``sqlite3`` module, dropping the triggers first
the way an attacker would.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from dutydesk.journal import Actor, Journal, kinds
from dutydesk.journal.chain import (
    canonical_bytes,
    event_document,
    event_hash,
    incident_document,
    incident_hash,
    link_hash,
)

from .helpers import rows, tamper


@pytest.fixture
def chain(journal: Journal, open_incident: Any, actor: Actor) -> tuple[Journal, str]:
    """An incident with events 1..8, and a second untouched incident."""
    inc = open_incident()
    for i in range(7):
        journal.append(inc.id, kinds.NOTE, actor=actor, payload={"text": f"第{i}条"})
    other = open_incident(place="ATM")
    journal.append(other.id, kinds.STEP_DONE, actor=actor, step_id="alarm")
    assert journal.verify().ok
    return journal, inc.id


def broken(journal: Journal, incident_id: str) -> tuple[str | None, int | None]:
    report = journal.verify()
    assert not report.ok
    check = report.for_incident(incident_id)
    assert [c.incident_id for c in report.broken] == [incident_id]  # the other chain is fine
    assert check.problem is not None
    assert str(check.problem)
    return check.problem.what, check.problem.seq


def event_row(path: Path, incident_id: str, seq: int) -> dict[str, Any]:
    return rows(path, "SELECT * FROM events WHERE incident_id = ? AND seq = ?", (incident_id, seq))[0]


# -- the encoding --------------------------------------------------------------------


def test_canonical_encoding_is_the_documented_one() -> None:
    assert canonical_bytes({"b": 1, "a": "王", "c": [1, None, True]}) == '{"a":"王","b":1,"c":[1,null,true]}'.encode()
    with pytest.raises(ValueError):
        canonical_bytes({"x": float("inf")})


def test_stored_hashes_follow_the_documented_formula(chain: tuple[Journal, str]) -> None:
    journal, iid = chain
    incident = rows(journal.path, "SELECT * FROM incidents WHERE id = ?", (iid,))[0]
    fields = [
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
    ]
    doc = {f: incident[f] for f in fields}
    encoded = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    assert incident["genesis_hash"] == hashlib.sha256(encoded).hexdigest() == incident_hash(incident)
    assert incident_document(incident) == doc
    assert incident["plan_hash"] == hashlib.sha256(incident["plan_snapshot"].encode()).hexdigest()
    prev = incident["genesis_hash"]
    for row in rows(journal.path, "SELECT * FROM events WHERE incident_id = ? ORDER BY seq", (iid,)):
        assert row["prev_hash"] == prev and row["hash_version"] == 2
        doc = {
            f: row[f]
            for f in [
                "incident_id",
                "seq",
                "recorded_at",
                "actor_user",
                "actor_name",
                "actor_role",
                "kind",
                "step_id",
                "payload",
                "happened_at",
                "actor_origin",
            ]
        }
        doc["v"] = 2
        encoded = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
        assert row["hash"] == hashlib.sha256(bytes.fromhex(prev) + encoded).hexdigest() == event_hash(row)
        prev = row["hash"]


# -- triggers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE events SET payload = '{}' WHERE seq = 2",
        "DELETE FROM events WHERE seq = 8",
        "UPDATE incidents SET place = 'elsewhere'",
        "UPDATE incidents SET genesis_hash = 'x'",
        "DELETE FROM incidents",
    ],
)
def test_triggers_refuse_rewriting_history(chain: tuple[Journal, str], statement: str) -> None:
    journal, _ = chain
    with pytest.raises(sqlite3.IntegrityError, match="dutydesk journal"):
        tamper(journal.path, statement, drop_triggers=False)
    assert journal.verify().ok


def test_an_incident_is_closed_once(chain: tuple[Journal, str], actor: Actor) -> None:
    journal, iid = chain
    journal.close_incident(iid, "完成", actor=actor)
    with pytest.raises(sqlite3.IntegrityError, match="closed once"):
        tamper(journal.path, f"UPDATE incidents SET outcome = 'other' WHERE id = '{iid}'", drop_triggers=False)
    with pytest.raises(sqlite3.IntegrityError, match="closed once"):
        tamper(journal.path, f"UPDATE incidents SET closed_at = NULL WHERE id = '{iid}'", drop_triggers=False)


# -- tampering ----------------------------------------------------------------------------


def test_edited_payload(chain: tuple[Journal, str]) -> None:
    journal, iid = chain
    tamper(
        journal.path, ("UPDATE events SET payload = ? WHERE incident_id = ? AND seq = 4", ('{"text":"改过的"}', iid))
    )
    assert broken(journal, iid) == ("edited", 4)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("happened_at", "2020-01-01T00:00:00.000000Z"),
        ("recorded_at", "2020-01-01T00:00:00.000000Z"),
        ("actor_name", "别人"),
        ("actor_origin", "ssh:10.0.0.9@x"),
        ("kind", "instruction"),
        ("step_id", "alarm"),
        ("hash_version", 1),
        ("seq", "5x"),  # not a number (an INTEGER column keeps text it cannot convert)
    ],
)
def test_edited_fields(chain: tuple[Journal, str], column: str, value: Any) -> None:
    journal, iid = chain
    tamper(journal.path, (f"UPDATE events SET {column} = ? WHERE incident_id = ? AND seq = 5", (value, iid)))
    assert broken(journal, iid) == ("edited", 5)


def test_edit_with_recomputed_hash_breaks_the_next_link(chain: tuple[Journal, str]) -> None:
    journal, iid = chain
    row = event_row(journal.path, iid, 3)
    row["payload"] = '{"text":"伪造"}'
    forged = event_hash(row)
    tamper(journal.path, ("UPDATE events SET payload = ?, hash = ? WHERE id = ?", (row["payload"], forged, row["id"])))
    what, seq = broken(journal, iid)
    assert seq == 4 and what in ("inserted", "reordered")


def test_deleted_event(chain: tuple[Journal, str]) -> None:
    journal, iid = chain
    tamper(journal.path, ("DELETE FROM events WHERE incident_id = ? AND seq = 3", (iid,)))
    assert broken(journal, iid) == ("deleted", 3)


def test_deleted_opening_event(chain: tuple[Journal, str]) -> None:
    journal, iid = chain
    tamper(journal.path, ("DELETE FROM events WHERE incident_id = ? AND seq = 1", (iid,)))
    assert broken(journal, iid) == ("deleted", 1)


def test_inserted_duplicate_seq(chain: tuple[Journal, str]) -> None:
    journal, iid = chain
    row = event_row(journal.path, iid, 6)
    del row["id"]
    row["payload"] = '{"text":"插入"}'
    row["hash"] = event_hash(row)
    cols = ", ".join(row)
    tamper(
        journal.path,
        "DROP INDEX ux_events_incident_seq",
        (f"INSERT INTO events ({cols}) VALUES ({', '.join('?' for _ in row)})", tuple(row.values())),
    )
    assert broken(journal, iid) == ("inserted", 6)


def test_inserted_in_the_middle_with_a_valid_hash(chain: tuple[Journal, str]) -> None:
    """The attacker shifts later rows up and slips a well-formed event in at seq 4."""
    journal, iid = chain
    after = event_row(journal.path, iid, 3)
    forged = dict(after)
    del forged["id"]
    forged.update(seq=4, payload='{"text":"从未发生"}', prev_hash=after["hash"])
    forged["hash"] = event_hash(forged)
    cols = ", ".join(forged)
    tamper(
        journal.path,
        "DROP INDEX ux_events_incident_seq",
        ("UPDATE events SET seq = seq + 1 WHERE incident_id = ? AND seq >= 4", (iid,)),
        (f"INSERT INTO events ({cols}) VALUES ({', '.join('?' for _ in forged)})", tuple(forged.values())),
    )
    assert broken(journal, iid) == ("inserted", 4)


def test_inserted_with_a_bogus_hash(chain: tuple[Journal, str]) -> None:
    journal, iid = chain
    row = event_row(journal.path, iid, 8)
    del row["id"]
    row.update(seq=9, prev_hash="00" * 32, hash="11" * 32)
    tamper(
        journal.path,
        (f"INSERT INTO events ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})", tuple(row.values())),
    )
    assert broken(journal, iid) == ("inserted", 9)


def test_swapped_rows(chain: tuple[Journal, str]) -> None:
    journal, iid = chain
    tamper(
        journal.path,
        "DROP INDEX ux_events_incident_seq",
        (
            "UPDATE events SET seq = CASE seq WHEN 3 THEN 6 WHEN 6 THEN 3 END WHERE incident_id = ? AND seq IN (3, 6)",
            (iid,),
        ),
    )
    assert broken(journal, iid) == ("reordered", 3)


def test_swapped_contents(chain: tuple[Journal, str]) -> None:
    journal, iid = chain
    a, b = event_row(journal.path, iid, 4), event_row(journal.path, iid, 5)
    tamper(
        journal.path,
        ("UPDATE events SET payload = ? WHERE id = ?", (b["payload"], a["id"])),
        ("UPDATE events SET payload = ? WHERE id = ?", (a["payload"], b["id"])),
    )
    assert broken(journal, iid) == ("edited", 4)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("place", "别处"),
        ("level", "III"),
        ("drill", 1),
        ("opened_by", "别人"),
        ("opened_at", "2020-01-01T00:00:00.000000Z"),
    ],
)
def test_edited_incident_row(chain: tuple[Journal, str], column: str, value: Any) -> None:
    journal, iid = chain
    tamper(journal.path, (f"UPDATE incidents SET {column} = ? WHERE id = ?", (value, iid)))
    assert broken(journal, iid) == ("genesis", None)


def test_edited_incident_row_with_recomputed_genesis(chain: tuple[Journal, str]) -> None:
    journal, iid = chain
    incident = rows(journal.path, "SELECT * FROM incidents WHERE id = ?", (iid,))[0]
    incident["place"] = "别处"
    tamper(
        journal.path,
        ("UPDATE incidents SET place = ?, genesis_hash = ? WHERE id = ?", ("别处", incident_hash(incident), iid)),
    )
    assert broken(journal, iid) == ("genesis", 1)


def test_edited_plan_snapshot(chain: tuple[Journal, str]) -> None:
    journal, iid = chain
    tamper(journal.path, ("UPDATE incidents SET plan_snapshot = '{}' WHERE id = ?", (iid,)))
    assert broken(journal, iid) == ("genesis", None)


def test_close_cache_disagreeing_with_the_closed_event(chain: tuple[Journal, str], actor: Actor) -> None:
    journal, iid = chain
    tamper(
        journal.path,
        ("UPDATE incidents SET closed_at = '2030-01-01T00:00:00.000000Z', outcome = 'x' WHERE id = ?", (iid,)),
    )
    assert broken(journal, iid) == ("mismatch", None)


def test_closed_event_removed_but_cache_left(journal: Journal, open_incident: Any, actor: Actor) -> None:
    inc = open_incident()
    journal.close_incident(inc.id, "完成", actor=actor)
    tamper(journal.path, ("DELETE FROM events WHERE incident_id = ? AND seq = 2", (inc.id,)))
    report = journal.verify(inc.id)
    assert report.incidents[0].problem is not None
    assert (report.incidents[0].problem.what, report.incidents[0].problem.seq) == ("mismatch", None)


def test_event_after_close_with_valid_hash_is_named(journal: Journal, open_incident: Any, actor: Actor) -> None:
    inc = open_incident()
    journal.close_incident(inc.id, "完成", actor=actor)
    last = event_row(journal.path, inc.id, 2)
    forged = dict(last)
    del forged["id"]
    forged.update(seq=3, kind="note", payload='{"text":"late"}', prev_hash=last["hash"])
    forged["hash"] = event_hash(forged)
    tamper(
        journal.path,
        (f"INSERT INTO events ({', '.join(forged)}) VALUES ({', '.join('?' for _ in forged)})", tuple(forged.values())),
    )
    check = journal.verify(inc.id).incidents[0]
    assert check.problem is not None and (check.problem.what, check.problem.seq) == ("inserted", 3)


def test_orphan_events_are_reported(chain: tuple[Journal, str]) -> None:
    journal, iid = chain
    row = event_row(journal.path, iid, 2)
    del row["id"]
    row["incident_id"] = "ffffffffffff"
    conn = sqlite3.connect(journal.path)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute(f"INSERT INTO events ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})", tuple(row.values()))
    conn.commit()
    conn.close()
    report = journal.verify()
    assert report.orphan_events == 1 and not report.ok and not report.broken


def test_verify_one_incident_and_the_report(chain: tuple[Journal, str]) -> None:
    journal, iid = chain
    report = journal.verify(iid[:5])
    assert report.ok and report.integrity_ok and len(report.incidents) == 1
    check = report.incidents[0]
    assert check.incident_id == iid and check.events == 8 and check.first_broken_seq is None
    assert check.final_hash == event_row(journal.path, iid, 8)["hash"]
    tamper(journal.path, ("UPDATE events SET payload = '{}' WHERE incident_id = ? AND seq = 7", (iid,)))
    check = journal.verify(iid).incidents[0]
    assert not check.ok and check.first_broken_seq == 7 and check.events == 8


def test_chain_links_are_what_the_helpers_compute() -> None:
    row: dict[str, Any] = {
        "incident_id": "0123456789ab",
        "seq": 2,
        "recorded_at": "2024-01-01T00:00:00.000000Z",
        "happened_at": "2024-01-01T00:00:00.000000Z",
        "actor_user": "u",
        "actor_name": "n",
        "actor_role": "r",
        "actor_origin": "console",
        "kind": "note",
        "step_id": None,
        "payload": "{}",
        "prev_hash": "ab" * 32,
    }
    v1 = event_document(row, 1)
    assert "happened_at" not in v1 and "v" not in v1
    assert event_document(row, 2)["v"] == 2
    assert link_hash(row["prev_hash"], v1) == event_hash(row, 1) != event_hash(row, 2)
    with pytest.raises(ValueError):
        event_document(row, 3)


def test_malformed_stored_values_are_a_clear_error(chain: tuple[Journal, str]) -> None:
    from dutydesk.journal import DatabaseCorrupt

    journal, iid = chain
    tamper(journal.path, ("UPDATE events SET recorded_at = 'yesterday' WHERE incident_id = ? AND seq = 2", (iid,)))
    with pytest.raises(DatabaseCorrupt) as err:
        journal.events(iid)
    assert "yesterday" in err.value.message and "dutydesk verify" in err.value.hint
    assert broken(journal, iid) == ("edited", 2)
