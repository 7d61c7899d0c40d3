"""The home screen: open incidents first, then starting one, then the past (drills apart).

One list, moved through with the arrows: Enter resumes an open incident, starts
a frequent plan, or opens a past incident to read. ``n`` searches every plan,
``1``–``8`` open the plan list on a category, ``t`` starts a drill.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from dutydesk.tui import messages
from dutydesk.tui.i18n import CATEGORY_SHORT, pick, relabel, tr
from dutydesk.tui.text import hm, safe
from dutydesk.tui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from dutydesk.plans import Plan
    from dutydesk.tui.app import DutyDeskApp

CATEGORY_ORDER = tuple(CATEGORY_SHORT)

DEFAULT_FREQUENT = ("robbery-armed", "fire-premises", "customer-illness", "system-failure", "power-cut")
FREQUENT_COUNT = 5
CATEGORY = Binding.Group("category", compact=True)


class HomeList(OptionList):
    BINDINGS = [Binding("enter", "select", "Open", id="open")]


class HomeScreen(Screen):
    BINDINGS = [
        Binding("n", "new", "New", id="new"),
        Binding("slash", "new", "New", id="new", show=False, key_display="/"),
        Binding("t", "drill", "Drill", id="drill"),
        *[Binding(str(i), f"category({i})", "category", id=f"category_{i}", group=CATEGORY)
          for i in range(1, len(CATEGORY_ORDER) + 1)],
        Binding("o", "operator", "Operator", id="operator", show=False),
        Binding("q", "app.quit", "Quit", id="quit"),
        Binding("p", "replay", "Replay", id="replay"),
        Binding("v", "review", "Review", id="review"),
    ]

    app: DutyDeskApp

    def __init__(self) -> None:
        super().__init__(id="home")
        self._incidents: tuple[list[Any], list[Any]] = ([], [])
        self._signature: object = None
        self._had_journal = False
        self._title_shown = ""

    def compose(self) -> ComposeResult:
        yield Static(id="home-title", markup=False)
        yield Static(id="home-alerts", markup=False)
        yield HomeList(id="home-list")
        yield KeyBar()

    def on_mount(self) -> None:
        self.apply_lang()
        self.set_interval(1.0, self.tick)
        self.set_interval(2.0, self.poll)
        self.query_one(HomeList).focus()

    # -- drawing ----------------------------------------------------------------------

    def apply_lang(self) -> None:
        relabel(self, self.app.lang)
        for widget in self.query(HomeList):
            relabel(widget, self.app.lang)
        self._signature = None
        self.show()
        self.refresh_bindings()

    def on_resize(self) -> None:
        if self.is_attached and self.app.screen is self:
            self.show()

    def tick(self) -> None:
        # Only when seen, and only when the minute changed: a screen under the incident
        # screen that redraws still costs a repaint of the screen on top (~5 KB a second
        # to an SSH terminal, issue 7).
        if self.app.screen is not self:
            return
        title = self._title()
        if title.plain != self._title_shown:
            self._title_shown = title.plain
            self.query_one("#home-title", Static).update(title)

    def _title(self) -> Text:
        app, lang = self.app, self.app.lang
        out = Text("dutydesk ", style="bold")
        out.append(tr("app.title", lang))
        if app.settings.branch:
            out.append(" · ").append_text(safe(app.settings.branch, "bold"))
        out.append(" · ")
        if app.operator:
            name, role = app.operator
            out.append("值班人 " if lang == "zh" else "operator ")
            out.append_text(safe(name, "bold")).append(" (").append_text(safe(app.role_name(role))).append(")")
        else:
            out.append(tr("home.no_operator", lang), style="bold reverse")
        out.append(f" · {app.clock.local_now():%Y-%m-%d %H:%M}")
        return out

    def _alerts(self) -> Text:
        app, lang = self.app, self.app.lang
        lines = [Text("⚠ " + tr("home.settings_problem", lang, problem=""), style="bold") + safe(p)
                 for p in app.settings_problems]
        if app.library is not None and app.library.problems:
            lines.append(Text("⚠ " + tr("home.plans_problem", lang, n=len(app.library.problems))))
        if app.journal_error is not None:
            lines.append(Text("⚠ " + tr("journal.failed", lang) + ": ", style="bold reverse") + safe(app.journal_error))
        if app.home_alert is not None:
            lines.append(app.home_alert)
        return Text("\n").join(lines)

    def poll(self) -> None:
        if self.app.screen is self and self.app.journal is not None:
            self.show()

    def show(self, *, top: bool = False) -> None:
        """(Re)draw the list from the journal and the plans; keep the highlighted row unless ``top``."""
        app, lang = self.app, self.app.lang
        title = self._title()
        self._title_shown = title.plain
        self.query_one("#home-title", Static).update(title)
        alerts = self._alerts()
        box = self.query_one("#home-alerts", Static)
        box.update(alerts)
        box.display = bool(alerts.plain)
        open_, past = app.list_incidents() if app.journal is not None else ([], [])
        signature = (lang, self.size.width, app.library is not None, app.journal is not None,
                     [(i.id, i.level, i.closed_at) for i in open_], [(i.id, i.closed_at) for i in past])
        if signature == self._signature and not top:
            return
        self._signature = signature
        options: list[Option | None] = []
        options.append(Option(Text(tr("home.open", lang), style="bold"), disabled=True))
        if app.journal is None:
            options.append(Option(Text("  " + tr("loading", lang), style="dim"), disabled=True))
        elif not open_:
            options.append(Option(Text(tr("home.none_open", lang), style="dim"), disabled=True))
        for incident in open_:
            options.append(Option(self._incident_row(incident, open_row=True), id=f"inc:{incident.id}"))
        options.append(None)
        options.append(Option(Text(tr("home.start", lang), style="bold"), disabled=True))
        if app.library is None:
            options.append(Option(Text("  " + tr("loading", lang), style="dim"), disabled=True))
        else:
            for plan in self.frequent(past):
                options.append(Option(self._plan_row(plan), id=f"plan:{plan.id}"))
        real = [i for i in past if not i.drill]
        drills = [i for i in past if i.drill]
        for title, rows in (("home.past", real), ("home.past_drills", drills)):
            options.append(None)
            options.append(Option(Text(tr(title, lang), style="bold"), disabled=True))
            if not rows:
                options.append(Option(Text(tr("home.none_past", lang), style="dim"), disabled=True))
            for incident in rows:
                options.append(Option(self._incident_row(incident, open_row=False), id=f"inc:{incident.id}"))
        listing = self.query_one(HomeList)
        keep = None
        arrived = top or self._had_journal != (app.journal is not None)  # the journal just opened: start at the top
        self._had_journal = app.journal is not None
        if listing.highlighted is not None and listing.option_count and not arrived:
            keep = listing.get_option_at_index(listing.highlighted).id
        listing.clear_options()
        listing.add_options(options)
        ids = [o.id if o is not None else None for o in options]
        if keep is not None and keep in ids:
            listing.highlighted = listing.get_option_index(keep)
        else:
            first = next((i for i, o in enumerate(options) if o is not None and not o.disabled), None)
            if first is not None:
                listing.highlighted = listing.get_option_index(options[first].id)

    def frequent(self, past: Sequence[Any]) -> list[Plan]:
        """The plans offered first: the branch's list, then the most used here, then defaults."""
        plans = self.app.library.plans if self.app.library is not None else {}
        counts = Counter(i.plan_id for i in past if not i.drill)
        ordered = list(self.app.settings.frequent) + [p for p, _ in counts.most_common()] + list(DEFAULT_FREQUENT)
        chosen: list[Plan] = []
        for plan_id in ordered:
            if plan_id in plans and plans[plan_id] not in chosen:
                chosen.append(plans[plan_id])
            if len(chosen) == FREQUENT_COUNT:
                break
        return chosen

    def _plan_row(self, plan: Plan) -> Text:
        lang = self.app.lang
        row = Text("  ▶ ", style="bold", no_wrap=True, overflow="ellipsis")
        row.append(f"{plan.level:<3} ", style="bold")
        row.append_text(safe(plan.title.get(lang)))
        row.append("  " + pick(CATEGORY_SHORT.get(plan.category, (plan.category, plan.category)), lang), style="dim")
        return row

    def _incident_row(self, incident: Any, *, open_row: bool) -> Text:
        app, lang = self.app, self.app.lang
        opened = app.clock.local(incident.opened_at)
        row = Text(no_wrap=True, overflow="ellipsis")
        if open_row:
            row.append("  ● ", style="bold")
        else:
            row.append("  ✓ " if incident.closed_at else "  ○ ")
        if incident.drill:
            row.append(f"[{tr('drill.mark', lang)}] ", style="bold reverse")
        row.append(f"{incident.id[:6]} ", style="dim")
        row.append(f"{incident.level:<3} ", style="bold")
        title = incident.plan_title_zh if lang == "zh" else incident.plan_title_en
        row.append_text(safe(title or incident.plan_id, limit=max(24, (self.size.width or 80) - 42)))
        if open_row:
            row.append(f"  {tr('inc.opened', lang, time=hm(opened))}  ", style="dim")
            row.append_text(safe(incident.opened_by, "dim"))
        else:
            row.append(f"  {opened:%Y-%m-%d %H:%M}", style="dim")
            if incident.outcome:
                row.append(" — ", style="dim").append_text(safe(incident.outcome, "dim", limit=30))
        return row

    # -- actions ----------------------------------------------------------------------

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id or ""
        kind, _, value = option_id.partition(":")
        if kind == "inc":
            self.post_message(messages.OpenIncident(value))
        elif kind == "plan":
            self.post_message(messages.StartIncident(value, drill=False))

    def action_new(self) -> None:
        self.app.open_picker(drill=False)

    def action_drill(self) -> None:
        self.app.open_picker(drill=True)

    # -- replay and review of the highlighted incident (issue 6) -----------------------

    def _highlighted_incident(self) -> str | None:
        listing = self.query_one(HomeList)
        if listing.highlighted is None or not listing.option_count:
            return None
        kind, _, value = (listing.get_option_at_index(listing.highlighted).id or "").partition(":")
        return value if kind == "inc" else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("replay", "review"):
            return self._highlighted_incident() is not None
        return True

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.refresh_bindings()

    def action_replay(self) -> None:
        from dutydesk.tui.screens.replay import open_replay

        incident_id = self._highlighted_incident()
        if incident_id is not None:
            open_replay(self.app, incident_id)

    def action_review(self) -> None:
        from dutydesk.tui.screens.review import open_review

        incident_id = self._highlighted_incident()
        if incident_id is not None:
            open_review(self.app, [incident_id])

    def action_category(self, number: int) -> None:
        if 1 <= number <= len(CATEGORY_ORDER):
            self.app.open_picker(drill=False, category=CATEGORY_ORDER[number - 1])

    def action_operator(self) -> None:
        self.app.ask_operator()

