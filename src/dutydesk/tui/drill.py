"""Drills in the app: a scenario chosen when a drill starts, its injects as alerts on the desk.

The scenario files and the rule "each inject logged once" live in
:mod:`dutydesk.scenario`; this module is the app's side of it: the dialog that
offers the scenarios fitting the plan, attaching the chosen one to the new drill,
and the alert an inject raises (it stays until acknowledged with ``a``, and the
acknowledgement is logged, as for a timer).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text

from dutydesk import paths
from dutydesk.incident import IncidentState
from dutydesk.journal import kinds
from dutydesk.plans import Lang
from dutydesk.safetext import clean
from dutydesk.scenario import Scenario, ScenarioError, find_scenario, inject_text, load_scenarios, offset_text
from dutydesk.tui.i18n import tr
from dutydesk.tui.panels import Alert
from dutydesk.tui.text import safe

if TYPE_CHECKING:
    from dutydesk.desk import Desk
    from dutydesk.tui.app import DutyDeskApp

NONE = "-"  # the dialog's "no scenario"


def inject_alerts(state: IncidentState, lang: Lang, local: Callable[[datetime], datetime]) -> list[Alert]:
    """One alert per inject not yet acknowledged (nor retracted), oldest first."""
    if not state.drill or state.closed_at is not None:  # a closed drill takes no acknowledgement
        return []
    injects = [r for r in state.records if r.kind == kinds.INJECT and not state.is_void(r.seq)]
    if not injects:
        return []
    acked = {
        r.payload.get("seq") for r in state.records
        if r.kind == kinds.ACKNOWLEDGED and not state.is_void(r.seq)
    }
    out: list[Alert] = []
    for record in injects:
        if record.seq in acked:
            continue
        at = record.payload.get("at")
        when = offset_text(at) if isinstance(at, int | float) and not isinstance(at, bool) else ""
        text = Text(f"◆ {tr('inject.due', lang)} {when} ({local(record.happened_at):%H:%M:%S}) ",
                    style="bold reverse")
        text.append_text(safe(inject_text(record.payload, lang), "bold reverse", limit=160))
        text.append(tr("timer.keys", lang), style="bold")
        out.append(Alert("inject", text, seq=record.seq))
    return out


def scenario_row(scenario: Scenario, lang: Lang) -> Text:
    row = safe(scenario.title.get(lang), "bold")
    last = scenario.injects[-1].when if scenario.injects else "+0:00"
    row.append("  " + tr("scenario.injects", lang, n=len(scenario.injects), last=last), style="dim")
    row.append("  ")
    row.append_text(safe(scenario.id, "dim"))
    return row


def choose_scenario(app: DutyDeskApp, plan_id: str, then: Callable[[str | None], None]) -> None:
    """Offer the scenarios that fit ``plan_id`` (and "none"); ``then(path or None)`` once chosen.

    With no scenario to offer, ``then(None)`` at once: starting a drill takes no extra key.
    Esc in the dialog starts nothing.
    """
    from dutydesk.tui.screens.form import Field, FormScreen

    lang = app.lang
    plans = app.library.plans if app.library is not None else None
    found, problems = load_scenarios(plans=plans)
    fitting = sorted((s for s in found.values() if s.fits(plan_id)), key=lambda s: (not s.plans, s.id))
    if not fitting and not problems:
        then(None)
        return
    choices: list[tuple[str, Text]] = [(NONE, Text(tr("scenario.none", lang)))]
    choices += [(s.path, scenario_row(s, lang)) for s in fitting]
    default = fitting[0].path if fitting and fitting[0].plans else NONE
    note = Text(tr("scenario.own", lang, dir=clean(paths.user_scenarios_dir())), style="dim")
    if problems:
        note = Text("⚠ " + tr("scenario.problems", lang, n=len(problems)) + "\n", style="bold") + note

    def done(values: dict[str, str] | None) -> None:
        if values is not None:
            chosen = values.get("scenario", NONE)
            then(None if chosen == NONE else chosen)

    title = Text(f"[{tr('drill.mark', lang)}] ", style="bold reverse")
    plan = plans.get(plan_id) if plans is not None else None
    title.append_text(safe(plan.title.get(lang) if plan is not None else plan_id, "bold"))
    app.push_screen(FormScreen(title, [
        Field("scenario", tr("scenario.title", lang), default=default, choices=choices),
    ], lang, note=note, blink=app.blink), done)


def load_for_drill(app: DutyDeskApp, ref: str, plan_id: str) -> Scenario | None:
    """The scenario ``ref`` checked against the plan, or None after saying why (nothing is opened)."""
    plans = app.library.plans if app.library is not None else None
    try:
        scenario = find_scenario(ref, plans=plans)
    except ScenarioError as exc:
        problem = str(exc.problems[0]) if exc.problems else str(exc)
        _refuse(app, tr("scenario.bad", app.lang, problem=clean(problem, limit=300)))
        return None
    if not scenario.fits(plan_id):
        problem = f"'{scenario.id}' is written for {', '.join(scenario.plans)}, not '{plan_id}'"
        _refuse(app, tr("scenario.bad", app.lang, problem=clean(problem)))
        return None
    return scenario


def attach_to(app: DutyDeskApp, desk: Desk, scenario: Scenario) -> None:
    """Log the scenario with the new drill; if that fails the drill stays open and says so."""
    from dutydesk.desk import DeskError
    from dutydesk.journal.errors import JournalError
    from dutydesk.scenario import attach

    try:
        attach(desk, scenario, happened_at=app.clock.stamp())
    except (JournalError, DeskError) as exc:
        message = exc.message if isinstance(exc, JournalError) else str(exc)
        app.bell()
        app.notify(tr("scenario.not_attached", app.lang, message=clean(message, limit=300)), severity="error",
                   timeout=30, markup=False)


def fire_unseen(app: DutyDeskApp, desk: Desk) -> bool:
    """Injects of a drill not on screen: logged at their time all the same, and said on the home screen."""
    from dutydesk.scenario import due_injects, fire_due_injects

    now = app.clock.now()
    if not due_injects(desk.state, now):
        return False
    fired = fire_due_injects(desk, now, happened_at=app.clock.stamp())
    for logged in fired:
        app.bell()
        text = Text(f"◆ {tr('inject.due', app.lang)} ", style="bold reverse")
        text.append_text(safe(desk.plan.title.get(app.lang), "bold reverse"))
        text.append(f" ({desk.id[:6]}): ", style="bold reverse")
        text.append_text(safe(inject_text(logged.record.payload, app.lang), limit=80))
        app.home_alert = text
    return bool(fired)


def _refuse(app: Any, message: str) -> None:
    app.bell()
    app.notify(message, severity="error", timeout=20, markup=False)
