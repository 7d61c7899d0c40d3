"""Golden files: the fixed incident in every format, byte for byte.

The files in ``golden/`` were reviewed by eye once. After an intended change of
the report, regenerate them and review the diff::

    DUTYDESK_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/export/test_golden.py

Beside the byte comparison, each format is checked for what must hold whatever
the layout: customer data masked, markup shown literally, no request leaving an
HTML or SVG file, the chain's final hash printed.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import pytest

from dutydesk.export import write_report
from dutydesk.export.writers import SUFFIX
from dutydesk.journal import Journal

from .conftest import CUSTOMER_CARD, CUSTOMER_ID, CUSTOMER_MOBILE, NOW, WITNESS_MOBILE, Built

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("DUTYDESK_UPDATE_GOLDEN") == "1"
CASES = [("en", f) for f in ("terminal", "html", "svg", "txt", "md", "json")] + [
    ("zh", f) for f in ("terminal", "html", "svg", "txt", "md")
]


def export(built: Built, fmt: str, lang: str, folder: Path) -> str:
    out = folder / f"report-{lang}{SUFFIX[fmt]}"
    with Journal.open(built.db, readonly=True) as journal:
        written = write_report(journal, built.incident_id, fmt, out, lang, now=NOW)
    assert written == out
    return out.read_text(encoding="utf-8")


@pytest.mark.parametrize(("lang", "fmt"), CASES, ids=[f"{lang}-{fmt}" for lang, fmt in CASES])
def test_golden_file(fixed_incident: Built, tmp_path: Path, lang: str, fmt: str) -> None:
    text = export(fixed_incident, fmt, lang, tmp_path)
    golden = GOLDEN / f"report-{lang}{SUFFIX[fmt]}"
    if UPDATE:
        golden.write_text(text, encoding="utf-8")
        pytest.skip(f"updated {golden.name}")
    assert golden.exists(), f"no golden file {golden.name}: run with DUTYDESK_UPDATE_GOLDEN=1 and review it"
    expected = golden.read_text(encoding="utf-8")
    if text != expected:
        (tmp_path / f"actual-{golden.name}").write_text(text, encoding="utf-8")
    assert text == expected, f"{golden.name} differs; the new output is in {tmp_path}"


def _digits(text: str) -> str:
    return re.sub(r"[^0-9Xx*]", "", text)


@pytest.mark.parametrize(("lang", "fmt"), [c for c in CASES if c[1] != "json"], ids=lambda v: str(v))
def test_every_report_format_masks_customer_data(fixed_incident: Built, tmp_path: Path, lang: str, fmt: str) -> None:
    text = export(fixed_incident, fmt, lang, tmp_path)
    plain = re.sub(r"\x1b\[[0-9;]*m", "", text).replace("&#160;", " ")
    for secret in (CUSTOMER_ID, CUSTOMER_CARD, CUSTOMER_MOBILE, WITNESS_MOBILE):
        assert secret not in plain
    assert "6222021234567890128" not in _digits(plain)
    assert "13812345678" not in _digits(plain)
    # amounts, times and step numbers are left alone
    assert "52,300.00" in plain and "第3步" in plain and "¥8,000" in plain


def test_json_archive_is_lossless_unmasked_and_private(fixed_incident: Built, tmp_path: Path) -> None:
    text = export(fixed_incident, "json", "en", tmp_path)
    data = json.loads(text)
    assert data["masked"] is False and "NOT MASKED" in data["note"]
    assert CUSTOMER_ID in text and CUSTOMER_CARD in text
    assert stat.S_IMODE((tmp_path / "report-en.json").stat().st_mode) == 0o600
    assert data["chain"]["ok"] is True and data["chain"]["events"] == len(data["events"]) == 33
    # exactly the stored rows: UTC text times, drill as 0/1, payload as its canonical text
    assert data["events"][0]["recorded_at"] == "2024-06-03T02:00:00.000000Z"
    assert data["incident"]["drill"] == 0
    assert all(isinstance(e["payload"], str) for e in data["events"])


def test_html_prints_on_a4_and_makes_no_request(fixed_incident: Built, tmp_path: Path) -> None:
    page = export(fixed_incident, "html", "zh", tmp_path)
    assert "@page" in page and "A4" in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert not re.search(r"(src|href)\s*=|url\(|@import|<script", page, re.I)
    assert '<html lang="zh-CN">' in page
    # untrusted text is shown, never interpreted
    assert "&lt;script&gt;alert(" in page and "[bold red]FAKE[/]" in page and "\x1b" not in page
    assert "\\x1b[2J" in page


def test_svg_has_no_web_font_and_escapes_text(fixed_incident: Built, tmp_path: Path) -> None:
    svg = export(fixed_incident, "svg", "en", tmp_path)
    assert "cdnjs" not in svg and not re.search(r"url\(\s*[\"']?https?:", svg)
    assert "@font-face" not in svg
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "\x1b" not in svg


def test_markdown_escapes_syntax(fixed_incident: Built, tmp_path: Path) -> None:
    md = export(fixed_incident, "md", "en", tmp_path)
    # the masked numbers, shown with their grouping (``*`` escaped for Markdown)
    assert "110\\*\\*\\*" in md and "138 \\*\\*\\*\\* 5678" in md and "6222 02\\*\\* \\*\\*\\*\\* \\*\\*\\*0 128" in md
    assert "\\<script\\>" in md and "<script>" not in md
    assert "\\[bold red\\]FAKE\\[/\\]" in md and "\\*强调\\*" in md and "\\| 管道 \\|" in md
    assert "~~" in md  # the retracted note is struck through


@pytest.mark.parametrize("fmt", ["txt", "md"])
def test_content_order(fixed_incident: Built, tmp_path: Path, fmt: str) -> None:
    text = export(fixed_incident, fmt, "en", tmp_path)
    order = ["Customer data is masked", "Bank / branch", "Incident id", "Plan", "Source", "Drill or real",
             "Level", "at opening", "reason: 歹徒持枪", "Opened", "Closed", "Duration", "Operators and roles", "Handovers", "Report",
             "Customers' reaction", "Timeline", "Decisions", "Calls made", "Steps skipped", "Steps not done",
             "Retractions and amendments", "Critical steps", "Verification", "Final chain hash"]
    positions = [text.find(word) for word in order]
    assert -1 not in positions, [w for w, p in zip(order, positions) if p == -1]
    assert positions == sorted(positions), order
    assert text.count("not recorded") >= 2  # customers' reaction and trend: stated, not left out


def test_final_hash_matches_verify(fixed_incident: Built, tmp_path: Path) -> None:
    text = export(fixed_incident, "txt", "en", tmp_path)
    with Journal.open(fixed_incident.db, readonly=True) as journal:
        check = journal.verify(fixed_incident.incident_id).for_incident(fixed_incident.incident_id)
    assert check.ok and check.final_hash and check.final_hash in text
