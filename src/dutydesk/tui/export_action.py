"""The app's export key: pick a format, write the report in a thread, say where it went.

The report is masked (customer ID, card and phone numbers); the JSON archive is
lossless and never masked, and the choice says so. Unmasked reports are for the
command line only (``dutydesk export --no-mask``), where asking for them is explicit.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text

from dutydesk import paths
from dutydesk.tui.screens.form import Field

if TYPE_CHECKING:
    from dutydesk.tui.screens.incident import IncidentScreen

FORMATS = {
    "html": ("网页(可打印,脱敏)", "HTML page (prints on A4, masked)"),
    "txt": ("纯文本(脱敏)", "Plain text (masked)"),
    "md": ("Markdown(脱敏)", "Markdown (masked)"),
    "svg": ("SVG 图像(脱敏)", "SVG picture (masked)"),
    "json": ("JSON 存档(完整,不脱敏,仅本人可读)", "JSON archive (lossless, NOT masked, private file)"),
}
WORDS = {
    "title": ("导出事件报告", "Export the incident report"),
    "format": ("格式", "Format"),
    "working": ("正在写报告…", "Writing the report…"),
    "done": ("报告已写入 {path}", "Report written to {path}"),
    "failed": ("未能导出:{why}", "Export failed: {why}"),
}


def _w(key: str, lang: str) -> str:
    zh, en = WORDS[key]
    return zh if lang == "zh" else en


def target(incident_id: str, fmt: str) -> Path:
    return paths.reports_dir() / f"incident-{incident_id}.{fmt}"


def ask_and_export(screen: IncidentScreen) -> None:
    lang = screen.lang
    choices = [(fmt, Text(names[0] if lang == "zh" else names[1])) for fmt, names in FORMATS.items()]

    def then(values: dict[str, str]) -> None:
        fmt = values["format"]
        screen.notify(_w("working", lang), timeout=3, markup=False)
        screen.run_worker(lambda: _write(screen, fmt), thread=True, exclusive=True, group="export")

    screen._ask(_w("title", lang), [Field("format", _w("format", lang), default="html", choices=choices)], then)


def _write(screen: IncidentScreen, fmt: str) -> None:
    from dutydesk.export import ExportError, write_report
    from dutydesk.journal import JournalError

    desk, lang = screen.desk, screen.lang
    path = target(desk.id, fmt)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        written = write_report(desk.journal, desk.id, fmt, path, lang)
    except (ExportError, JournalError) as exc:
        why = f"{exc.message} — {exc.hint}" if exc.hint else exc.message
        message, severity = _w("failed", lang).format(why=why), "error"
    except OSError as exc:
        message, severity = _w("failed", lang).format(why=exc.strerror or str(exc)), "error"
    else:
        message, severity = _w("done", lang).format(path=written), "information"
    from dutydesk.safetext import clean

    screen.app.call_from_thread(screen.notify, clean(message), severity=severity, timeout=15, markup=False)
