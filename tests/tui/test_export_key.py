"""The export key writes the report file, masked, in a thread, and says where."""

from __future__ import annotations

import json
from pathlib import Path

from dutydesk.desk import Desk
from dutydesk.journal.actor import Actor
from dutydesk.journal.api import Journal
from dutydesk.plans import load_library

from .helpers import incident_screen, make_app, ready, until


def open_incident(db: Path) -> str:
    with Journal.open(db) as journal:
        desk = Desk.open_new(journal, load_library(), "customer-illness",
                             actor=Actor.from_environment(name="王芳", role="supervisor"))
        desk.note("家属电话 13812345678, 卡号 6222 0212 3456 7890 123")
        return desk.id


async def test_export_key_writes_a_masked_report(tmp_path: Path, monkeypatch) -> None:
    reports = tmp_path / "reports"
    monkeypatch.setenv("DUTYDESK_REPORTS", str(reports))
    db = tmp_path / "journal.db"
    incident_id = open_incident(db)
    app = make_app(db, resume=incident_id)
    shown: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = await incident_screen(pilot)
        original = screen.notify
        screen.notify = lambda message, **kw: (shown.append(str(message)), original(message, **kw))[1]
        await pilot.press("w")
        await pilot.pause()
        await pilot.press("enter")  # the default format: HTML
        target = reports / f"incident-{incident_id}.html"
        await until(pilot, lambda: any("Report written to" in m for m in shown), timeout=30)
    assert target.exists()
    html = target.read_text(encoding="utf-8")
    assert incident_id in html
    assert "13812345678" not in html and "6222 0212 3456 7890 123" not in html
    assert any(str(target) in m for m in shown)


async def test_export_key_json_archive_is_lossless(tmp_path: Path, monkeypatch) -> None:
    reports = tmp_path / "reports"
    monkeypatch.setenv("DUTYDESK_REPORTS", str(reports))
    db = tmp_path / "journal.db"
    incident_id = open_incident(db)
    app = make_app(db, resume=incident_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = await incident_screen(pilot)
        from dutydesk.tui.export_action import _write

        await pilot.pause()
        _done = []
        screen.run_worker(lambda: (_write(screen, "json"), _done.append(1)), thread=True)
        await until(pilot, lambda: bool(_done), timeout=30)
    archive = reports / f"incident-{incident_id}.json"
    assert "13812345678" in archive.read_text(encoding="utf-8")
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    json.loads(archive.read_text(encoding="utf-8"))
