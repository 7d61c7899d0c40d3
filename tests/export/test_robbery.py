"""The armed robbery of the app's test (tests/tui/test_incident_flow.py), exported end to end.

The same incident, action for action (the kinds and steps below are the ones that
test reads back from the journal), is logged here through ``Desk`` with the bundled
plan, then exported to every format in both languages; the JSON archive is
imported into another journal, which verifies it and gives the same report.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest

from dutydesk.export import write_report
from dutydesk.export.archive import import_archive
from dutydesk.export.writers import SUFFIX
from dutydesk.journal import Journal

from .conftest import NOW, WANG, Clock, at

# what tests/tui/test_incident_flow.py reads back from the journal
APP_KINDS = [
    "opened", "step_done", "call_made", "step_done", "step_done", "step_done", "step_done", "step_done",
    "choice_made", "call_made", "step_done", "note", "step_done", "step_done", "step_skipped",
    "level_changed", "report_field", "report_field", "retracted", "closed",
]
APP_STEPS = [
    None, "stall", "alarm", "alarm", "evacuate", "secure-cash", "calm-hostage", "no-rash-action",
    "injured", "call-120", "call-120", None, "report-up", "preserve-scene", "describe-suspects",
    None, None, None, None, None,
]


def robbery(db: Path, clock: Clock) -> str:
    """Start to close, 20 s between keys as in the app's test."""
    from dutydesk.desk import Desk
    from dutydesk.plans import load_library

    moment = at(14, 0)

    def tick(seconds: int = 20) -> Desk:
        nonlocal moment
        moment += timedelta(seconds=seconds)
        clock.set(moment)
        return desk

    with Journal.open(db) as journal:
        clock.set(moment)
        desk = Desk.open_new(journal, load_library(), "robbery-hostage-armed", actor=WANG, branch="城东支行")
        tick().done("stall")
        tick().call("police-110", "police on the way", step_id="alarm")
        tick().done("alarm")
        for step in ("evacuate", "secure-cash", "calm-hostage", "no-rash-action"):
            tick().done(step)
        tick().choose("injured", 1)
        tick().call("ambulance-120", "ambulance coming, 10 min", step_id="call-120")
        tick().done("call-120")
        note = tick().note("customer cut on the arm, first aid given").record.seq
        tick().done("report-up", happened_at=moment - timedelta(minutes=3))
        tick().done("preserve-scene")
        tick().skip("describe-suspects", "police took the statements")
        tick().change_level("II", "robbers gone, no hostage left")
        tick().set_field("place", "城东支行营业厅")
        tick().set_field("people", "2 robbers, 1 customer injured")
        tick().retract(note, "wrong customer")
        tick().close("police arrested one suspect; customer to hospital")
        return desk.id


@pytest.fixture
def robbery_db(tmp_path: Path, clock: Clock, shanghai: None) -> tuple[Path, str]:
    db = tmp_path / "robbery.db"
    return db, robbery(db, clock)


def test_it_is_the_app_tests_incident(robbery_db: tuple[Path, str]) -> None:
    db, incident_id = robbery_db
    with Journal.open(db, readonly=True) as journal:
        events = journal.events(incident_id)
    assert [e.kind for e in events] == APP_KINDS
    assert [e.step_id for e in events] == APP_STEPS


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("fmt", ["terminal", "html", "svg", "txt", "md"])
def test_every_format_tells_the_whole_story(robbery_db: tuple[Path, str], tmp_path: Path, fmt: str, lang: str) -> None:
    db, incident_id = robbery_db
    out = tmp_path / f"robbery{SUFFIX[fmt]}"
    with Journal.open(db, readonly=True) as journal:
        write_report(journal, incident_id, fmt, out, lang, now=NOW, width=220)  # wide: no phrase is wrapped
    text = out.read_text(encoding="utf-8")
    plain = re.sub(r"\x1b\[[0-9;]*m", "", text).replace("&#160;", " ")
    words = {
        "en": ["REAL INCIDENT", "Serious (level II)", "robbers gone, no hostage left", "police on the way",
               "ambulance coming, 10 min", "police took the statements", "wrong customer", "retracted by #19",
               "1) Yes", "within target", "城东支行营业厅", "not recorded", "hash chain", "intact (20 events"],
        "zh": ["真实事件", "重大(Ⅱ级)", "robbers gone, no hostage left", "police on the way", "已被 #19 撤销",
               "1) 是", "在目标时间内", "城东支行营业厅", "未记录", "完整(20 条事件"],
    }[lang]
    if fmt == "svg":  # one <text> element per styled run: compare without the markup
        plain = re.sub(r"<[^>]+>", "", plain)
    if fmt == "md":
        plain = re.sub(r"\\(.)", r"\1", plain)  # Markdown escapes
    for word in words:
        assert word.lower() in plain.lower() or word in plain, (fmt, lang, word)
    assert "0:06:20" in plain  # the duration: 19 actions after the opening, 20 s apart


def test_the_archive_round_trip(robbery_db: tuple[Path, str], tmp_path: Path) -> None:
    db, incident_id = robbery_db
    archive = tmp_path / "robbery.json"
    with Journal.open(db, readonly=True) as journal:
        write_report(journal, incident_id, "json", archive)
        original = write_report(journal, incident_id, "md", tmp_path / "a.md", "zh", now=NOW).read_text("utf-8")
        final = journal.verify(incident_id).for_incident(incident_id).final_hash
    with Journal.open(tmp_path / "archive.db") as other:
        result = import_archive(other, archive)
        assert result.new and result.added == 20 and result.verified and result.final_hash == final
        check = other.verify(incident_id).for_incident(incident_id)
        assert check.ok and check.final_hash == final
        again = write_report(other, incident_id, "md", tmp_path / "b.md", "zh", now=NOW).read_text("utf-8")
    assert again == original
    assert json.loads(archive.read_text("utf-8"))["chain"]["final_hash"] == final
