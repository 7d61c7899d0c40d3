"""The journal API: every kind, validation, incident references, lists, files."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dutydesk.journal import (
    Actor,
    AmbiguousIncident,
    IncidentClosed,
    InvalidEvent,
    Journal,
    JournalError,
    UnknownIncident,
    kinds,
)
from dutydesk.journal.chain import plan_hash
from dutydesk.journal.times import format_utc, parse_utc, utcnow

from .helpers import SNAPSHOT, rows

T0 = datetime(2024, 3, 5, 2, 3, 4, 1, tzinfo=timezone.utc)

# one valid event of every kind an application appends: (kind, step_id, payload)
VALID_EVENTS: list[tuple[str, str | None, dict[str, Any]]] = [
    (kinds.STEP_DONE, "alarm", {}),
    (kinds.STEP_SKIPPED, "stall", {"reason": "嫌疑人已离开"}),
    (kinds.CHOICE_MADE, "injured", {"choice": 2, "label": {"zh": "否", "en": "No"}}),
    (kinds.CHOICE_MADE, "injured", {"choice": 1}),
    (kinds.NOTE, None, {"text": "嫌疑人 [/] [@click=app.quit] \x1b[31m 离开"}),
    (kinds.NOTE, "alarm", {"text": "a note on a step", "extra": [1, 2.5, None, True]}),
    (kinds.INSTRUCTION, None, {"text": "保护现场"}),
    (kinds.ACKNOWLEDGED, None, {"seq": 1}),
    (kinds.CALL_MADE, "alarm", {"contact": "police-110", "number": "110", "outcome": "connected"}),
    *[(kinds.REPORT_FIELD, None, {"field": f, "value": "…"}) for f in kinds.REPORT_FIELDS],
    (kinds.REPORT_FIELD, None, {"field": "amount", "value": 50000}),
    (kinds.LEVEL_CHANGED, None, {"level": "II", "reason": "无人受伤"}),
    (kinds.HANDOVER, None, {"to_name": "李军", "to_role": "duty-leader", "phase": "offered"}),
    (kinds.HANDOVER, None, {"to_name": "李军", "to_role": "duty-leader", "phase": "accepted"}),
    (kinds.RETRACTED, None, {"seq": 2, "reason": "录入错误"}),
    (kinds.AMENDED, None, {"seq": 3, "reason": "时间更正", "changes": {"happened_at": "2024-03-05T02:04:00.000000Z"}}),
    (kinds.TIMER_FIRED, "power-back", {"due_at": "2024-03-05T04:03:04.000001Z"}),
    (kinds.EXPORT_UNMASKED, None, {"format": "html", "path": "/tmp/report.html"}),
]

# (kind, step_id, payload, words the message must contain)
INVALID_EVENTS: list[tuple[Any, Any, Any, str]] = [
    ("no_such_kind", None, {}, "unknown event kind"),
    (None, None, {}, "unknown event kind"),
    (kinds.OPENED, None, {}, "open_incident"),
    (kinds.STEP_DONE, None, {}, "step_id is required"),
    (kinds.STEP_DONE, "", {}, "step_id"),
    (kinds.STEP_DONE, 5, {}, "step_id"),
    (kinds.STEP_SKIPPED, "stall", {}, "payload.reason is required"),
    (kinds.STEP_SKIPPED, "stall", {"reason": "   "}, "must not be empty"),
    (kinds.CHOICE_MADE, "injured", {}, "payload.choice"),
    (kinds.CHOICE_MADE, "injured", {"choice": 0}, "payload.choice"),
    (kinds.CHOICE_MADE, "injured", {"choice": True}, "payload.choice"),
    (kinds.CHOICE_MADE, "injured", {"choice": "1"}, "payload.choice"),
    (kinds.CHOICE_MADE, "injured", {"choice": 1, "label": 3}, "payload.label"),
    (kinds.CHOICE_MADE, None, {"choice": 1}, "step_id is required"),
    (kinds.NOTE, None, {}, "payload.text is required"),
    (kinds.NOTE, None, {"text": 12}, "must be text"),
    (kinds.NOTE, None, {"text": "x" * 20_001}, "longer than"),
    (kinds.INSTRUCTION, None, {"text": ""}, "must not be empty"),
    (kinds.ACKNOWLEDGED, None, {}, "payload.seq"),
    (kinds.ACKNOWLEDGED, None, {"seq": 0}, "payload.seq"),
    (kinds.CALL_MADE, None, {"contact": "police-110", "number": "110"}, "payload.outcome"),
    (kinds.CALL_MADE, None, {"number": "110", "outcome": "ok"}, "payload.contact"),
    (kinds.REPORT_FIELD, None, {"field": "weather", "value": "rain"}, "payload.field"),
    (kinds.REPORT_FIELD, None, {"field": "place"}, "payload.value"),
    (kinds.REPORT_FIELD, None, {"field": "place", "value": ["a"]}, "payload.value"),
    (kinds.LEVEL_CHANGED, None, {"level": "IV", "reason": "x"}, "payload.level"),
    (kinds.LEVEL_CHANGED, None, {"level": "II"}, "payload.reason"),
    (kinds.HANDOVER, None, {"to_name": "李军", "to_role": "duty-leader", "phase": "maybe"}, "payload.phase"),
    (kinds.HANDOVER, None, {"to_role": "duty-leader", "phase": "offered"}, "payload.to_name"),
    (kinds.RETRACTED, None, {"seq": 2}, "payload.reason"),
    (kinds.AMENDED, None, {"seq": 2, "reason": "x"}, "payload.changes"),
    (kinds.AMENDED, None, {"seq": 2, "reason": "x", "changes": {}}, "payload.changes"),
    (kinds.TIMER_FIRED, "power-back", {"due_at": "tomorrow"}, "payload.due_at"),
    (kinds.TIMER_FIRED, None, {"due_at": "2024-03-05T04:03:04.000001Z"}, "step_id is required"),
    (kinds.CLOSED, None, {}, "payload.outcome"),
    (kinds.CLOSED, None, {"outcome": " "}, "payload.outcome"),
    (kinds.EXPORT_UNMASKED, None, {"format": "html"}, "payload.path"),
    (kinds.NOTE, None, ["text"], "payload must be an object"),
    (kinds.NOTE, None, {"text": "x", "when": datetime.now()}, "not a JSON value"),
    (kinds.NOTE, None, {"text": "x", "n": float("nan")}, "finite"),
    (kinds.NOTE, None, {"text": "x", 1: "y"}, "key that is not text"),
    (kinds.NOTE, None, {"text": "\ud800"}, "cannot be stored"),
]


# -- opening an incident ------------------------------------------------------------


def test_open_incident_writes_row_and_opened_event(journal: Journal, open_incident: Any, actor: Actor) -> None:
    before = utcnow()
    inc = open_incident(level="II", drill=True, place="2号柜台")
    after = utcnow()
    assert len(inc.id) == 12 and all(c in "0123456789abcdef" for c in inc.id)
    assert inc.plan_hash == plan_hash(SNAPSHOT) and inc.plan_snapshot == SNAPSHOT
    assert inc.level == "II" and inc.drill is True and inc.opened_by == "王芳"
    assert before <= inc.opened_at <= after and inc.opened_at.tzinfo is timezone.utc
    assert inc.closed_at is None and inc.outcome is None and inc.is_open
    assert inc.plan()["id"] == "robbery-hostage-armed"

    events = journal.events(inc.id)
    assert [e.seq for e in events] == [1]
    opened = events[0]
    assert opened.kind == kinds.OPENED and opened.prev_hash == inc.genesis_hash
    assert opened.data == {
        "plan_id": "robbery-hostage-armed",
        "plan_hash": inc.plan_hash,
        "branch": "城东支行",
        "place": "2号柜台",
        "level": "II",
        "drill": True,
    }
    assert (opened.actor_user, opened.actor_name, opened.actor_role, opened.actor_origin) == (
        actor.user,
        actor.name,
        actor.role,
        actor.origin,
    )
    assert journal.incident(inc.id) == inc
    assert journal.verify().ok


def test_open_incident_with_an_earlier_start(journal: Journal, open_incident: Any) -> None:
    inc = open_incident(happened_at=T0.astimezone(timezone(timedelta(hours=8))))
    assert inc.opened_at == T0
    opened = journal.events(inc.id)[0]
    assert opened.happened_at == T0 and opened.recorded_at > T0
    assert journal.verify().ok


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"level": "IV"}, "level"),
        ({"drill": "yes"}, "drill"),
        ({"plan_id": ""}, "plan_id"),
        ({"plan_snapshot": "id: robbery"}, "not JSON"),
        ({"plan_snapshot": ""}, "plan_snapshot"),
        ({"actor": "王芳"}, "Actor"),
        ({"happened_at": datetime(2024, 1, 1)}, "time zone"),
        ({"happened_at": utcnow() + timedelta(minutes=5)}, "later than now"),
    ],
)
def test_open_incident_refuses_bad_input(
    journal: Journal, open_incident: Any, overrides: dict[str, Any], words: str, db_path: Path
) -> None:
    with pytest.raises(InvalidEvent) as err:
        open_incident(**overrides)
    assert words in err.value.message
    assert err.value.hint
    assert rows(db_path, "SELECT count(*) AS n FROM incidents")[0]["n"] == 0


def test_incident_id_collision_is_retried(
    journal: Journal, open_incident: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = open_incident()
    ids = iter([first.id, "00000000abcd"])
    monkeypatch.setattr("dutydesk.journal.api.secrets.token_hex", lambda n: next(ids))
    second = open_incident()
    assert second.id == "00000000abcd"


# -- appending ------------------------------------------------------------------------


def test_every_kind_is_appended_and_read_back(journal: Journal, open_incident: Any, actor: Actor) -> None:
    inc = open_incident(drill=True)
    returned = []
    for kind, step_id, payload in VALID_EVENTS:
        event = journal.append(inc.id, kind, actor=actor, step_id=step_id, payload=payload)
        assert event.kind == kind and event.step_id == step_id
        assert event.data == payload and json.loads(event.payload) == payload
        returned.append(event)
    journal.append(inc.id, kinds.INJECT, actor=actor, payload={"text": "第二名嫌疑人出现", "at": 120})
    journal.append(inc.id, kinds.INJECT, actor=actor, payload={"text": "烟雾", "at": "2024-03-05T02:10:00.000000Z"})
    closed = journal.close_incident(inc.id, "嫌疑人已被控制", actor=actor)
    events = journal.events(inc.id)
    assert [e.seq for e in events] == list(range(1, len(VALID_EVENTS) + 5))
    assert {e.kind for e in events} == set(kinds.ALL_KINDS)
    assert events[-1] == closed
    # each returned event is exactly what is stored
    assert [e.model_dump() for e in returned] == [e.model_dump() for e in events[1 : len(VALID_EVENTS) + 1]]
    assert journal.verify(inc.id).ok


def test_appended_event_is_what_is_stored(journal: Journal, open_incident: Any, actor: Actor) -> None:
    inc = open_incident()
    returned = journal.append(inc.id, kinds.NOTE, actor=actor, payload={"text": "文字", "b": 1, "a": 2})
    (stored,) = journal.events(inc.id, after_seq=1)
    assert stored.model_dump() == returned.model_dump()
    assert stored.payload == '{"a":2,"b":1,"text":"文字"}'  # canonical: sorted keys, no spaces, UTF-8 kept


@pytest.mark.parametrize(("kind", "step_id", "payload", "words"), INVALID_EVENTS)
def test_invalid_events_are_refused_and_not_written(
    journal: Journal, open_incident: Any, actor: Actor, kind: Any, step_id: Any, payload: Any, words: str
) -> None:
    inc = open_incident()
    journal.append(inc.id, kinds.NOTE, actor=actor, payload={"text": "seq 2"})
    with pytest.raises(InvalidEvent) as err:
        journal.append(inc.id, kind, actor=actor, step_id=step_id, payload=payload)
    assert words in str(err.value.message)
    assert journal.last_seq(inc.id) == 2


@pytest.mark.parametrize(
    ("kind", "payload", "words"),
    [
        (kinds.ACKNOWLEDGED, {"seq": 3}, "not an earlier event"),
        (kinds.ACKNOWLEDGED, {"seq": 99}, "not an earlier event"),
        (kinds.RETRACTED, {"seq": 1, "reason": "x"}, "'opened' event cannot be retracted"),
        (kinds.AMENDED, {"seq": 1, "reason": "x", "changes": {"place": "y"}}, "cannot be amended"),
        (kinds.INJECT, {"text": "烟雾", "at": 0}, "drills only"),
    ],
)
def test_references_and_drill_only_kinds_are_checked(
    journal: Journal, open_incident: Any, actor: Actor, kind: str, payload: dict[str, Any], words: str
) -> None:
    inc = open_incident(drill=False)
    journal.append(inc.id, kinds.NOTE, actor=actor, payload={"text": "seq 2"})
    with pytest.raises(InvalidEvent) as err:
        journal.append(inc.id, kind, actor=actor, payload=payload)
    assert words in err.value.message
    assert journal.last_seq(inc.id) == 2


def test_retraction_and_amendment_keep_the_original(journal: Journal, open_incident: Any, actor: Actor) -> None:
    inc = open_incident()
    done = journal.append(inc.id, kinds.STEP_DONE, actor=actor, step_id="alarm")
    journal.append(inc.id, kinds.RETRACTED, actor=actor, payload={"seq": done.seq, "reason": "误点"})
    journal.append(
        inc.id, kinds.AMENDED, actor=actor, payload={"seq": done.seq, "reason": "x", "changes": {"step_id": "stall"}}
    )
    events = journal.events(inc.id)
    assert [e.kind for e in events] == [kinds.OPENED, kinds.STEP_DONE, kinds.RETRACTED, kinds.AMENDED]
    assert events[1] == done


def test_happened_at_and_recorded_at(journal: Journal, open_incident: Any, actor: Actor) -> None:
    inc = open_incident()
    before = utcnow()
    plain = journal.append(inc.id, kinds.STEP_DONE, actor=actor, step_id="alarm")
    after = utcnow()
    assert before <= plain.recorded_at <= after and plain.happened_at == plain.recorded_at
    earlier = datetime(2024, 3, 5, 10, 2, tzinfo=timezone(timedelta(hours=8)))
    late = journal.append(inc.id, kinds.STEP_DONE, actor=actor, step_id="stall", happened_at=earlier)
    assert late.happened_at == earlier and late.happened_at.tzinfo is timezone.utc
    assert late.recorded_at >= after  # the system clock, never the caller's
    soon = journal.append(
        inc.id, kinds.NOTE, actor=actor, payload={"text": "x"}, happened_at=utcnow() + timedelta(seconds=1)
    )
    assert soon.seq == 4  # within the tolerance
    with pytest.raises(InvalidEvent, match="later than now"):
        journal.append(
            inc.id, kinds.NOTE, actor=actor, payload={"text": "x"}, happened_at=utcnow() + timedelta(minutes=1)
        )
    with pytest.raises(InvalidEvent, match="time zone"):
        journal.append(inc.id, kinds.NOTE, actor=actor, payload={"text": "x"}, happened_at=datetime(2024, 3, 5, 10, 2))
    with pytest.raises(InvalidEvent, match="datetime"):
        journal.append(inc.id, kinds.NOTE, actor=actor, payload={"text": "x"}, happened_at="10:02")  # type: ignore[arg-type]
    stored = rows(journal.path, "SELECT recorded_at, happened_at FROM events WHERE seq = 3")[0]
    assert stored["happened_at"] == "2024-03-05T02:02:00.000000Z"
    assert parse_utc(stored["recorded_at"]) == late.recorded_at


def test_close_sets_the_cache_and_refuses_more(journal: Journal, open_incident: Any, actor: Actor) -> None:
    inc = open_incident()
    when = utcnow() - timedelta(minutes=3)
    closed = journal.close_incident(inc.id, "警方已控制现场", actor=actor, happened_at=when)
    again = journal.incident(inc.id)
    assert again.closed_at == when == closed.happened_at and again.outcome == "警方已控制现场"
    assert not again.is_open
    for kind, step_id, payload in [(kinds.NOTE, None, {"text": "x"}), (kinds.CLOSED, None, {"outcome": "again"})]:
        with pytest.raises(IncidentClosed) as err:
            journal.append(inc.id, kind, actor=actor, step_id=step_id, payload=payload)
        assert "closed" in err.value.message and err.value.hint
    assert journal.last_seq(inc.id) == 2
    assert journal.verify().ok
    # exporting the closed incident's report unmasked is still put on the record
    journal.append(inc.id, kinds.EXPORT_UNMASKED, actor=actor, payload={"format": "html", "path": "/tmp/r.html"})
    assert journal.last_seq(inc.id) == 3
    assert journal.verify().ok


def test_unknown_incident(journal: Journal, actor: Actor) -> None:
    with pytest.raises(UnknownIncident):
        journal.append("0123456789ab", kinds.NOTE, actor=actor, payload={"text": "x"})
    with pytest.raises(UnknownIncident):
        journal.events("0123456789ab")
    with pytest.raises(UnknownIncident):
        journal.last_seq("0123456789ab")
    with pytest.raises(UnknownIncident, match="no incidents yet"):
        journal.incident("last")
    with pytest.raises(InvalidEvent, match="Actor"):
        journal.append("0123456789ab", kinds.NOTE, actor="me", payload={"text": "x"})  # type: ignore[arg-type]


# -- reading ----------------------------------------------------------------------------


def test_events_after_seq_for_live_follow(journal: Journal, open_incident: Any, actor: Actor) -> None:
    inc = open_incident()
    for i in range(5):
        journal.append(inc.id, kinds.NOTE, actor=actor, payload={"text": f"n{i}"})
    assert journal.last_seq(inc.id) == 6
    assert [e.seq for e in journal.events(inc.id, after_seq=4)] == [5, 6]
    assert journal.events(inc.id, after_seq=6) == []
    assert [e.seq for e in journal.events(inc.id, after_seq=1, limit=2)] == [2, 3]
    # a second reader (another desk) sees what the first one committed
    with Journal.open(journal.path, readonly=True) as follower:
        seen = follower.last_seq(inc.id)
        journal.append(inc.id, kinds.INSTRUCTION, actor=actor, payload={"text": "保护现场"})
        new = follower.events(inc.id, after_seq=seen)
        assert [e.kind for e in new] == [kinds.INSTRUCTION]


def test_incident_by_id_prefix_and_last(journal: Journal, open_incident: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = iter(["abc123000001", "abc123000002", "ffff00000003"])
    monkeypatch.setattr("dutydesk.journal.api.secrets.token_hex", lambda n: next(ids))
    a = open_incident(happened_at=T0)
    b = open_incident(happened_at=T0 + timedelta(hours=1))
    c = open_incident(happened_at=T0 - timedelta(days=1))
    assert journal.incident("abc123000001") == a
    assert journal.incident("ABC123000002").id == b.id
    assert journal.incident("ff").id == c.id
    assert journal.incident(" fFfF0 ").id == c.id
    assert journal.incident("last").id == b.id  # the newest opened
    assert journal.incident("LAST").id == b.id
    with pytest.raises(AmbiguousIncident) as err:
        journal.incident("abc")
    assert sorted(x.split()[0] for x in err.value.candidates) == ["abc123000001", "abc123000002"]
    assert "abc123000001" in err.value.message and err.value.hint
    for bad in ("0000", "xyz", "", "abc1230000011", "../../etc"):
        with pytest.raises(UnknownIncident):
            journal.incident(bad)
    assert journal.resolve("abc123000001") == a.id


def test_incidents_list_and_filters(journal: Journal, open_incident: Any, actor: Actor) -> None:
    made = []
    for i in range(12):
        inc = open_incident(
            happened_at=T0 + timedelta(minutes=i),
            drill=i % 3 == 0,
            plan_id="fire-premises" if i % 4 == 0 else "robbery-hostage-armed",
        )
        if i % 2:
            journal.close_incident(inc.id, "done", actor=actor)
        made.append(inc)
    newest_first = [m.id for m in reversed(made)]
    assert [i.id for i in journal.incidents()] == newest_first
    assert [i.id for i in journal.incidents(limit=3)] == newest_first[:3]
    assert [i.id for i in journal.incidents(limit=3, offset=3)] == newest_first[3:6]
    assert [i.id for i in journal.incidents(open_only=True)] == [
        m.id for i, m in reversed(list(enumerate(made))) if i % 2 == 0
    ]
    assert {i.id for i in journal.incidents(drill=True)} == {m.id for i, m in enumerate(made) if i % 3 == 0}
    assert {i.id for i in journal.incidents(drill=False)} == {m.id for i, m in enumerate(made) if i % 3}
    assert [i.id for i in journal.incidents(plan_id="fire-premises")] == [made[8].id, made[4].id, made[0].id]
    both = journal.incidents(open_only=True, drill=True)
    assert [i.id for i in both] == [made[6].id, made[0].id]
    assert journal.incidents(plan_id="nothing") == []


def test_incidents_list_uses_indexes(journal: Journal) -> None:
    import sqlite3

    conn = sqlite3.connect(journal.path)
    for where in ("", "WHERE closed_at IS NULL", "WHERE drill = 1", "WHERE plan_id = 'x'"):
        plan = conn.execute(
            f"EXPLAIN QUERY PLAN SELECT * FROM incidents {where} ORDER BY opened_at DESC, rowid DESC LIMIT 50"
        ).fetchall()
        text = " ".join(str(r[-1]) for r in plan)
        assert "USING INDEX" in text and "TEMP B-TREE" not in text, (where, text)
    conn.close()


# -- files, paths, imports ----------------------------------------------------------------


def test_file_and_folders_are_private(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    os.chmod(shared, 0o755)
    path = shared / "new" / "deeper" / "journal.db"
    with Journal.open(path):
        pass
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((shared / "new").stat().st_mode) == 0o700
    assert stat.S_IMODE((shared / "new" / "deeper").stat().st_mode) == 0o700
    assert stat.S_IMODE(shared.stat().st_mode) == 0o755  # a folder we did not create is left alone


def test_default_path_comes_from_paths_module(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    target = tmp_path / "env" / "j.db"
    monkeypatch.setenv("DUTYDESK_DB", str(target))
    with Journal.open() as j:
        assert j.path == target
    assert target.exists()


def test_use_after_close_is_a_clear_error(db_path: Path) -> None:
    j = Journal.open(db_path)
    j.close()
    j.close()  # idempotent
    with pytest.raises(JournalError, match="closed"):
        j.incidents()


def test_light_modules_do_not_load_the_database_layer(tmp_path: Path) -> None:
    db = tmp_path / "never.db"
    code = (
        "import sys\n"
        "import dutydesk.journal\n"
        "from dutydesk.journal import kinds, errors, actor, chain, times, verify, validation, Actor, JournalError\n"
        "assert 'sqlalchemy' not in sys.modules and 'sqlmodel' not in sys.modules, 'heavy import'\n"
        "from dutydesk.journal import Journal\n"
        "import dutydesk.journal.api, dutydesk.journal.models, dutydesk.journal.engine, dutydesk.journal.migrations\n"
        "assert 'sqlmodel' in sys.modules\n"
        "assert not any(m == 'textual' or m.startswith('textual.') for m in sys.modules), 'textual imported'\n"
    )
    env = {**os.environ, "DUTYDESK_DB": str(db)}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=60)
    assert not db.exists()  # nothing opened at import


def test_no_textual_in_the_journal_sources() -> None:
    import dutydesk.journal as pkg

    for source in Path(pkg.__file__).parent.glob("*.py"):
        text = source.read_text(encoding="utf-8")
        assert "import textual" not in text and "from textual" not in text, source


# -- actor ----------------------------------------------------------------------------------


def test_actor_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import pwd
    import socket

    host = socket.gethostname()
    real_user = pwd.getpwuid(os.getuid()).pw_name
    local = Actor.from_environment(environ={"USER": "spoofed"})
    assert local.user == real_user  # the account, not $USER
    assert local.name == real_user and local.role == "supervisor"
    assert local.origin == f"console@{host}"
    ssh = Actor.from_environment(
        name="李军", role="duty-leader", environ={"SSH_CONNECTION": "10.1.2.3 51234 10.0.0.1 22"}
    )
    assert (ssh.name, ssh.role, ssh.origin) == ("李军", "duty-leader", f"ssh:10.1.2.3@{host}")
    v6 = Actor.from_environment(environ={"SSH_CLIENT": "fe80::1 51234 22"})
    assert v6.origin == f"ssh:[fe80::1]@{host}"
    junk = Actor.from_environment(environ={"SSH_CONNECTION": "not-an-ip 1 2 3"})
    assert junk.origin == f"console@{host}"
    monkeypatch.setenv("SSH_CONNECTION", "192.0.2.7 1 2 3")
    assert Actor.from_environment().origin == f"ssh:192.0.2.7@{host}"
    with pytest.raises(ValueError):
        Actor(user="", name="x", role="r", origin="o")


def test_times_have_one_format() -> None:
    assert format_utc(T0) == "2024-03-05T02:03:04.000001Z"
    assert (
        format_utc(datetime(2024, 3, 5, 10, 3, 4, tzinfo=timezone(timedelta(hours=8)))) == "2024-03-05T02:03:04.000000Z"
    )
    assert parse_utc("2024-03-05T02:03:04.000001Z") == T0
    for bad in ("2024-03-05T02:03:04Z", "2024-03-05 02:03:04.000001", "2024-03-05T02:03:04.000001+00:00"):
        with pytest.raises(ValueError):
            parse_utc(bad)
    with pytest.raises(ValueError):
        format_utc(datetime(2024, 1, 1))


# -- any JSON payload survives the round trip and the chain -----------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(min_size=1).filter(str.strip), extra=st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=4))
def test_any_json_payload_round_trips(journal: Journal, actor: Actor, text: str, extra: dict[str, Any]) -> None:
    incidents = journal.incidents(limit=1)
    if incidents:
        iid = incidents[0].id
    else:
        iid = journal.open_incident(
            plan_id="p",
            plan_title_zh="",
            plan_title_en="",
            plan_snapshot="{}",
            branch="",
            place="",
            level="III",
            drill=False,
            actor=actor,
        ).id
    payload = {**extra, "text": text}
    event = journal.append(iid, kinds.NOTE, actor=actor, payload=payload)
    (stored,) = journal.events(iid, after_seq=event.seq - 1)
    assert stored.data == payload == event.data
    assert journal.verify(iid).ok
