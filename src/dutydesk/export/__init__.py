"""The incident report and the incident archive. No Textual here.

For the app (an export key) and scripts::

    from dutydesk.export import write_report, ExportError
    path = write_report(journal, incident_id, "html", Path("report.html"), "zh")
    path = write_report(journal, incident_id, "txt", out, "en", mask=False, actor=actor)  # logged first

``write_report`` raises :class:`ExportError` (``.message``, ``.hint``) for what it
refuses (unwritable path, an unmasked export that cannot be logged) and the
journal's :class:`~dutydesk.journal.errors.JournalError` for an unknown or
ambiguous incident; it never leaves a half-written file.

Modules: :mod:`.masking` (customer data), :mod:`.source` (rows as stored, checked,
folded), :mod:`.report` (what the report says), :mod:`.document` (Rich renderables
and Markdown), :mod:`.writers` (formats and safe files), :mod:`.archive` (JSON and
import).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from dutydesk.export.masking import Masker, mask_text
from dutydesk.export.writers import DEFAULT_WIDTH, FORMATS, ExportError, Target, format_for, render

if TYPE_CHECKING:
    from rich.console import Console

    from dutydesk.export.document import Document
    from dutydesk.journal.actor import Actor
    from dutydesk.journal.api import Journal

__all__ = [
    "DEFAULT_WIDTH", "FORMATS", "ExportError", "Masker", "Outcome", "build_report", "export_incident",
    "export_text", "log_unmasked", "mask_text", "write_report",
]


def _now(now: datetime | None) -> datetime:
    from dutydesk.journal.times import to_utc, utcnow

    return utcnow() if now is None else to_utc(now)


@dataclass(frozen=True)
class Outcome:
    """What one export did."""

    fmt: str
    path: Path | None  # None: the text is in ``text``
    text: str | None
    masked: bool
    logged_seq: int | None  # the export_unmasked event, if one was logged
    incident_id: str
    events: int
    chain_ok: bool
    chain_problem: str | None
    final_hash: str | None


def build_report(journal: Journal, incident: str, lang: str = "en", *, mask: bool = True,
                 now: datetime | None = None) -> Document:
    """The report document of an incident (id, unique prefix or ``last``)."""
    from dutydesk.export.report import build
    from dutydesk.export.source import load, prepare

    incident_id = journal.resolve(incident)
    material = prepare(load(journal, incident_id), mask=mask)
    return build(material, "zh" if lang == "zh" else "en", now=_now(now))


def log_unmasked(journal: Journal, incident_id: str, fmt: str, where: str, actor: Actor | None) -> int:
    """Log an ``export_unmasked`` event before an unmasked report is made; its seq.

    Refused (ExportError) when it cannot be logged: the journal is read-only, full,
    locked or damaged. (A closed incident takes this one kind of event, see
    ``kinds.AFTER_CLOSE``: exporting after the close is when it happens.)"""
    from dutydesk.journal import IncidentClosed, JournalError, kinds

    if actor is None:
        raise ExportError("an unmasked export must say who asks for it", "Pass the actor (who exports).")
    try:
        event = journal.append(incident_id, kinds.EXPORT_UNMASKED, actor=actor, payload={"format": fmt, "path": where})
    except IncidentClosed:
        raise ExportError(
            f"incident {incident_id} is closed, so an unmasked export can no longer be logged in it; "
            "it was not made",
            "Export it masked (the default). An unmasked report is only made when it can be recorded.",
        ) from None
    except JournalError as exc:
        raise ExportError(f"the unmasked export could not be logged ({exc.message}); it was not made",
                          exc.hint) from None
    return int(event.seq)


def export_incident(journal: Journal, incident: str, fmt: str | None, path: Path | str | None, lang: str = "en", *,
                    mask: bool = True, actor: Actor | None = None, now: datetime | None = None,
                    width: int = DEFAULT_WIDTH, console: Console | None = None) -> Outcome:
    """Export an incident: to ``path`` (written safely), or as text when ``path`` is None.

    With ``console`` (and no ``path``), the terminal format is printed on it instead,
    at its own width and colours (the CLI's stdout: ``NO_COLOR``, 16 colours...).

    ``fmt`` None takes the format from the file name. ``mask=False`` needs ``actor``:
    the unmasked export is logged in the incident first, and refused if it cannot be.
    JSON is the lossless archive: never masked, nothing logged, file only, ``0600``.
    Unmasked reports are written ``0600`` too, masked ones ``0644``.
    """
    from dutydesk.export.report import build
    from dutydesk.export.source import load, prepare

    target_path = Path(path) if path is not None else None
    fmt = format_for(target_path, fmt)
    incident_id = journal.resolve(incident)
    if fmt == "json":
        if target_path is None:
            raise ExportError("the JSON archive is written to a file only (it is not masked and is kept private, 0600)",
                              "Give -o FILE.")
        from dutydesk.export.archive import archive_text

        with Target(target_path, private=True) as target:
            stored = load(journal, incident_id)
            written = target.commit(archive_text(stored, now=_now(now)))
        return Outcome(fmt, written, None, False, None, incident_id, len(stored.events), stored.check.ok,
                       str(stored.check.problem) if stored.check.problem else None, stored.check.final_hash)

    target = Target(target_path, private=not mask).open() if target_path is not None else None
    try:  # the folder is known to be writable before anything is logged
        seq = None
        if not mask:
            where = str(target_path.resolve()) if target_path is not None else "<stdout>"
            seq = log_unmasked(journal, incident_id, fmt, where, actor)
        material = prepare(load(journal, incident_id), mask=mask)
        doc = build(material, "zh" if lang == "zh" else "en", now=_now(now))
        if console is not None and target is None and fmt == "terminal":
            from dutydesk.export.document import to_rich

            console.print(to_rich(doc))
            text = ""
        else:
            text = render(doc, fmt, width=width)
        written = target.commit(text) if target is not None else None
    finally:
        if target is not None:
            target.discard()
    check = material.stored.check
    return Outcome(fmt, written, None if written else text, mask, seq, incident_id, len(material.records), check.ok,
                   str(check.problem) if check.problem else None, check.final_hash)


def export_text(journal: Journal, incident: str, fmt: str, lang: str = "en", *, mask: bool = True,
                actor: Actor | None = None, now: datetime | None = None, width: int = DEFAULT_WIDTH) -> str:
    """The report as text in ``fmt`` (terminal, html, svg, txt, md), for showing or piping."""
    outcome = export_incident(journal, incident, fmt, None, lang, mask=mask, actor=actor, now=now, width=width)
    return outcome.text or ""


def write_report(journal: Journal, incident: str, fmt: str | None, path: Path | str, lang: str = "en", *,
                 mask: bool = True, actor: Actor | None = None, now: datetime | None = None,
                 width: int = DEFAULT_WIDTH) -> Path:
    """Write the report (or the JSON archive) of an incident to ``path``; the path written.

    The call the app's export key makes. See :func:`export_incident` for the rules."""
    outcome = export_incident(journal, incident, fmt, path, lang, mask=mask, actor=actor, now=now, width=width)
    assert outcome.path is not None
    return outcome.path
