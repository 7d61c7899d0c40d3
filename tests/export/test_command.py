"""``dutydesk export`` and ``dutydesk import`` on real journal files: formats, refusals,
``--no-mask`` logging, broken chains, the JSON round trip. Never a traceback."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from dutydesk.cli import main
from dutydesk.export import ExportError, write_report
from dutydesk.journal import Journal

from ..journal.helpers import tamper
from .conftest import CUSTOMER_ID, LI, NOW, SNAPSHOT, WANG, Built, Clock, at, build_fixed


def run(capsys: pytest.CaptureFixture[str], db: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def kinds(db: Path, incident_id: str) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [r[0] for r in conn.execute("SELECT kind FROM events WHERE incident_id = ? ORDER BY seq", (incident_id,))]


# -- formats ------------------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "name"), [("html", "r.html"), ("svg", "r.svg"), ("txt", "r.txt"), ("md", "r.md"),
                                           ("terminal", "r.ans"), (None, "r.html"), (None, "r.md")])
def test_export_to_a_file(capsys, fixed_incident: Built, tmp_path: Path, fmt: str | None, name: str) -> None:
    out = tmp_path / name
    argv = ["export", fixed_incident.incident_id[:5], "-o", str(out)] + (["--format", fmt] if fmt else [])
    code, stdout, _ = run(capsys, fixed_incident.db, *argv)
    assert code == 0
    assert f"wrote {out}" in stdout and "customer data masked" in stdout
    assert out.stat().st_size > 1000
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    assert CUSTOMER_ID not in out.read_text(encoding="utf-8")
    assert not list(tmp_path.glob(".*.part"))  # no temporary file left behind


def test_text_formats_go_to_stdout(capsys, fixed_incident: Built) -> None:
    code, out, _ = run(capsys, fixed_incident.db, "export", "last", "--format", "md", "--lang", "zh")
    assert code == 0 and out.startswith("# 突发事件报告")
    code, out, _ = run(capsys, fixed_incident.db, "--lang", "zh", "export", "last", "--format", "txt")
    assert code == 0 and out.startswith("突发事件报告")
    code, out, _ = run(capsys, fixed_incident.db, "export", "last")
    assert code == 0 and "Incident report" in out and "Final chain hash" in out
    assert CUSTOMER_ID not in out


def test_html_without_output_goes_to_a_named_file(capsys, fixed_incident: Built, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, fixed_incident.db, "export", "last", "--format", "html")
    assert code == 0
    assert (tmp_path / f"incident-{fixed_incident.incident_id}.html").exists()


# -- refusals -----------------------------------------------------------------------------


def test_unknown_and_ambiguous_incidents(capsys, tmp_path: Path, clock: Clock, shanghai: None, monkeypatch) -> None:
    db = tmp_path / "j.db"
    ids = iter(["aaaa00000001", "aaaa00000002"])
    monkeypatch.setattr("dutydesk.journal.api.secrets.token_hex", lambda n: next(ids))
    with Journal.open(db) as journal:
        for _ in range(2):
            journal.open_incident(plan_id="p", plan_title_zh="计划", plan_title_en="plan",
                                  plan_snapshot=SNAPSHOT.read_text(encoding="utf-8"), branch="", place="",
                                  level="III", drill=True, actor=WANG)
    code, _, err = run(capsys, db, "export", "ffffffffffff", "--format", "txt")
    assert code == 2 and "no incident 'ffffffffffff'" in err
    code, _, err = run(capsys, db, "export", "aaaa", "--format", "txt")
    assert code == 2 and "matches several incidents" in err and "more characters" in err
    code, _, err = run(capsys, db, "export", "not an id!", "--format", "txt")
    assert code == 2 and "not an incident id" in err
    code, _, err = run(capsys, tmp_path / "none.db", "export", "last")
    assert code == 2 and "no journal" in err


def test_unwritable_paths(capsys, fixed_incident: Built, tmp_path: Path) -> None:
    for target, message in (
        (tmp_path / "missing" / "r.html", "does not exist"),
        (tmp_path / "r.docx", "cannot tell the format"),
    ):
        code, _, err = run(capsys, fixed_incident.db, "export", "last", "-o", str(target))
        assert code == 2 and message in err, err
    for fmt in ("html", "json"):
        code, _, err = run(capsys, fixed_incident.db, "export", "last", "-o", str(tmp_path), "--format", fmt)
        assert code == 2 and "it is a folder" in err, err
    if _unwritable("/sys"):  # a folder that exists and refuses files, even to root
        code, _, err = run(capsys, fixed_incident.db, "export", "last", "-o", "/sys/report.html")
        assert code == 2 and "cannot write /sys/report.html" in err
    code, _, err = run(capsys, fixed_incident.db, "export", "last", "--format", "json", "-o", "-")
    assert code == 2 and "file only" in err


def _unwritable(folder: str) -> bool:
    import tempfile

    if not Path(folder).is_dir():
        return False
    try:
        fd, name = tempfile.mkstemp(dir=folder)
    except OSError:
        return True
    os.close(fd)
    os.unlink(name)
    return False


# -- unmasked exports are logged first -----------------------------------------------------


def _open_copy(tmp_path: Path, clock: Clock) -> tuple[Path, str]:
    """An open incident (the fixed one stops before its close)."""
    from dutydesk.desk import Desk

    db = tmp_path / "open.db"
    with Journal.open(db) as journal:
        clock.set(at(10, 0))
        incident = journal.open_incident(
            plan_id="robbery-hostage-armed", plan_title_zh="营业期间歹徒持枪劫持人质抢劫",
            plan_title_en="Armed robbery with a hostage during business hours",
            plan_snapshot=SNAPSHOT.read_text(encoding="utf-8"), branch="城东支行", place="", level="I",
            drill=False, actor=WANG)
        clock.set(at(10, 1))
        Desk(journal, incident, WANG).note(f"客户身份证 {CUSTOMER_ID}")
    return db, incident.id


def test_no_mask_is_logged_before_the_file_is_written(capsys, tmp_path: Path, clock: Clock, shanghai: None) -> None:
    db, incident_id = _open_copy(tmp_path, clock)
    clock.set(at(10, 2))
    out = tmp_path / "clear.txt"
    code, stdout, _ = run(capsys, db, "export", incident_id, "-o", str(out), "--no-mask", "--operator", "王芳")
    assert code == 0 and "NOT MASKED" in stdout and "event #3" in stdout
    assert kinds(db, incident_id)[-1] == "export_unmasked"
    with sqlite3.connect(db) as conn:
        payload, name = conn.execute("SELECT payload, actor_name FROM events WHERE seq = 3").fetchone()
    assert json.loads(payload) == {"format": "txt", "path": str(out.resolve())} and name == "王芳"
    text = out.read_text(encoding="utf-8")
    assert CUSTOMER_ID in text and "NOT MASKED" in text and "logged in the incident as event #3" in text
    assert text.index("NOT MASKED") < text.index("Timeline")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_no_mask_to_an_unwritable_path_logs_nothing(capsys, tmp_path: Path, clock: Clock, shanghai: None) -> None:
    db, incident_id = _open_copy(tmp_path, clock)
    code, _, err = run(capsys, db, "export", incident_id, "-o", str(tmp_path / "no" / "x.txt"), "--no-mask")
    assert code == 2 and "does not exist" in err
    assert "export_unmasked" not in kinds(db, incident_id)


def test_no_mask_on_a_closed_incident_is_logged_after_the_close(capsys, fixed_incident: Built, tmp_path: Path,
                                                                 clock: Clock) -> None:
    clock.set(at(11, 30))
    out = tmp_path / "clear.md"
    code, stdout, _ = run(capsys, fixed_incident.db, "export", "last", "-o", str(out), "--no-mask")
    assert code == 0 and "NOT MASKED (logged as event #34)" in stdout
    assert kinds(fixed_incident.db, fixed_incident.incident_id)[-2:] == ["closed", "export_unmasked"]
    assert CUSTOMER_ID in out.read_text(encoding="utf-8")
    code, out_verify, _ = run(capsys, fixed_incident.db, "verify", "last")
    assert code == 0 and "34 events" in out_verify


def test_no_mask_cannot_be_logged_in_a_read_only_journal(tmp_path: Path, clock: Clock, shanghai: None) -> None:
    db, incident_id = _open_copy(tmp_path, clock)
    with Journal.open(db, readonly=True) as journal, pytest.raises(ExportError) as caught:
        write_report(journal, incident_id, "html", tmp_path / "x.html", mask=False, actor=WANG)
    assert "could not be logged" in caught.value.message
    assert not (tmp_path / "x.html").exists()
    with Journal.open(db, readonly=True) as journal, pytest.raises(ExportError):
        write_report(journal, incident_id, "html", tmp_path / "x.html", mask=False)  # no actor: refused


def test_json_ignores_no_mask_and_says_what_it_is(capsys, fixed_incident: Built, tmp_path: Path) -> None:
    out = tmp_path / "a.json"
    code, stdout, err = run(capsys, fixed_incident.db, "export", "last", "-o", str(out), "--no-mask")
    assert code == 0 and "never masked" in err
    assert "lossless and NOT MASKED" in stdout and "0600" in stdout
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert "export_unmasked" not in kinds(fixed_incident.db, fixed_incident.incident_id)


# -- broken chains ---------------------------------------------------------------------------


def _first_page(text: str, lines: int = 25) -> str:
    return "\n".join(text.splitlines()[:lines])


@pytest.mark.parametrize(
    ("statements", "seq", "what"),
    [
        (["UPDATE events SET payload = '{\"text\":\"all fine\"}' WHERE seq = 7"], 7, "edited"),
        (["DELETE FROM events WHERE seq = 5"], 5, "deleted"),
        (["UPDATE events SET payload = 'not json' WHERE seq = 8"], 8, "edited"),
        (["UPDATE events SET happened_at = 'yesterday' WHERE seq = 9"], 9, "edited"),
        (["UPDATE incidents SET level = 'III'"], None, "incident row changed"),
    ],
)
def test_a_broken_chain_is_stated_on_the_first_page(capsys, fixed_incident: Built, tmp_path: Path,
                                                    statements: list[str], seq: int | None, what: str) -> None:
    tamper(fixed_incident.db, *statements)
    for fmt in ("txt", "md", "html"):
        out = tmp_path / f"r.{fmt}"
        code, _, err = run(capsys, fixed_incident.db, "export", "last", "-o", str(out))
        assert code == 1 and "BROKEN" in err
        text = out.read_text(encoding="utf-8")
        page = _first_page(text.split('<pre class="report">', 1)[-1], 25)
        assert "HASH CHAIN OF THIS INCIDENT IS BROKEN" in page
        assert (f"event {seq}" if seq else "the incident row") in page and what in page
    code, _, _ = run(capsys, fixed_incident.db, "export", "last", "-o", str(tmp_path / "a.json"))
    assert code == 1 and json.loads((tmp_path / "a.json").read_text())["chain"]["ok"] is False


def test_an_unreadable_plan_snapshot_still_gives_a_report(capsys, fixed_incident: Built, tmp_path: Path) -> None:
    tamper(fixed_incident.db, "UPDATE incidents SET plan_snapshot = '{}'")
    out = tmp_path / "r.txt"
    code, _, _ = run(capsys, fixed_incident.db, "export", "last", "-o", str(out))
    text = out.read_text(encoding="utf-8")
    assert code == 1 and "plan snapshot cannot be read" in _first_page(text, 30)
    assert "secure-cash" in text  # steps by their ids


# -- the JSON archive and import ----------------------------------------------------------------


def test_json_round_trip_import_and_verify(capsys, fixed_incident: Built, tmp_path: Path) -> None:
    archive = tmp_path / "a.json"
    assert run(capsys, fixed_incident.db, "export", "last", "-o", str(archive))[0] == 0
    other = tmp_path / "head-office.db"
    code, out, _ = run(capsys, other, "import", str(archive))
    assert code == 0 and f"imported incident {fixed_incident.incident_id}" in out and "33 events" in out
    assert "hash chain intact" in out
    # the same rows, hash for hash, and the same report from either database
    query = "SELECT seq, recorded_at, happened_at, kind, payload, prev_hash, hash FROM events ORDER BY seq"
    with sqlite3.connect(fixed_incident.db) as a, sqlite3.connect(other) as b:
        assert a.execute(query).fetchall() == b.execute(query).fetchall()
        assert a.execute("SELECT * FROM incidents").fetchall() == b.execute("SELECT * FROM incidents").fetchall()
    reports = []
    for db in (fixed_incident.db, other):
        with Journal.open(db, readonly=True) as journal:
            path = write_report(journal, fixed_incident.incident_id, "txt", tmp_path / f"{db.stem}.txt", now=NOW)
            reports.append(path.read_text(encoding="utf-8"))
            assert journal.verify().ok
    assert reports[0] == reports[1]
    code, out, _ = run(capsys, other, "verify", fixed_incident.incident_id)
    assert code == 0 and json.loads(archive.read_text())["chain"]["final_hash"] in out
    # importing it again changes nothing
    code, out, _ = run(capsys, other, "import", str(archive))
    assert code == 0 and "same content; nothing to import" in out
    assert len(kinds(other, fixed_incident.incident_id)) == 33


def test_a_later_archive_of_the_same_incident_adds_its_new_events(capsys, tmp_path: Path, clock: Clock,
                                                                  shanghai: None) -> None:
    db, incident_id = _open_copy(tmp_path, clock)
    other = tmp_path / "head-office.db"
    first = tmp_path / "first.json"
    assert run(capsys, db, "export", incident_id, "-o", str(first))[0] == 0
    assert run(capsys, other, "import", str(first))[0] == 0
    clock.set(at(10, 5))
    with Journal.open(db) as journal:
        journal.close_incident(incident_id, "over", actor=WANG)
    clock.set(at(10, 6))
    assert run(capsys, db, "export", incident_id, "-o", str(tmp_path / "x.txt"), "--no-mask")[0] == 0
    later = tmp_path / "later.json"
    assert run(capsys, db, "export", incident_id, "-o", str(later))[0] == 0
    code, out, _ = run(capsys, other, "import", str(later))
    assert code == 0 and "added its 2 later event(s)" in out and "hash chain intact" in out
    assert kinds(other, incident_id) == ["opened", "note", "closed", "export_unmasked"]
    with sqlite3.connect(other) as conn:
        assert conn.execute("SELECT outcome FROM incidents").fetchone() == ("over",)
    # the older archive is now the beginning of what is there: refused as different, nothing changes
    code, _, err = run(capsys, other, "import", str(first))
    assert code == 2 and "different content" in err


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["events"][6].update(payload=d["events"][6]["payload"].replace("张伟", "李四")), "does not verify"),
        (lambda d: d["events"].pop(4), "does not verify"),
        (lambda d: d["incident"].update(place="别处"), "does not verify"),
        (lambda d: d["events"][3].update(seq=True), "wrong type"),
        (lambda d: d["events"][3].update(incident_id="ffffffffffff"), "belongs to another incident"),
        (lambda d: d["incident"].pop("genesis_hash"), "lacks"),
        (lambda d: d.update(format="something else"), "not a dutydesk archive"),
        (lambda d: d.update(version=99), "version 99"),
    ],
)
def test_a_tampered_archive_is_refused(capsys, fixed_incident: Built, tmp_path: Path, edit, message: str) -> None:
    archive = tmp_path / "a.json"
    run(capsys, fixed_incident.db, "export", "last", "-o", str(archive))
    data = json.loads(archive.read_text(encoding="utf-8"))
    edit(data)
    archive.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    other = tmp_path / "other.db"
    code, _, err = run(capsys, other, "import", str(archive))
    assert code == 2 and message in err, err
    with sqlite3.connect(other) as conn:
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 0


def test_an_id_already_there_with_other_content_is_refused(capsys, tmp_path: Path, clock: Clock,
                                                          shanghai: None, monkeypatch) -> None:
    first = tmp_path / "first.db"
    incident_id = build_fixed(first, clock)
    second = tmp_path / "second.db"
    monkeypatch.setattr("dutydesk.journal.api.secrets.token_hex", lambda n: incident_id)  # the same id, elsewhere
    with Journal.open(second) as journal:
        clock.set(at(9, 0))
        journal.open_incident(plan_id="robbery-hostage-armed", plan_title_zh="x", plan_title_en="x",
                              plan_snapshot=SNAPSHOT.read_text(encoding="utf-8"), branch="", place="", level="III",
                              drill=True, actor=LI)
    archive = tmp_path / "a.json"
    assert run(capsys, second, "export", incident_id, "-o", str(archive))[0] == 0
    code, _, err = run(capsys, first, "import", str(archive))
    assert code == 2 and "already in" in err and "different content" in err
    assert len(kinds(first, incident_id)) == 33


@pytest.mark.parametrize("content", [b"", b"not json", b"\xff\xfe", b"[]", b'{"format": "dutydesk-incident-archive"}'])
def test_import_of_something_else(capsys, tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    code, _, err = run(capsys, tmp_path / "j.db", "import", str(bad))
    assert code == 2 and "archive" in err
    code, _, err = run(capsys, tmp_path / "j.db", "import", str(tmp_path / "missing.json"))
    assert code == 2 and "no file" in err


# -- layering -----------------------------------------------------------------------------------


def test_export_never_imports_textual() -> None:
    code = (
        "import sys, dutydesk.export, dutydesk.export.report, dutydesk.export.archive, dutydesk.commands.export;"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'textual'], 'textual imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
