"""The after-action review in the app: one incident or drill, or the drills of a plan side by side.

The figures are :mod:`dutydesk.review`'s (the same as ``dutydesk review``), drawn by
:mod:`dutydesk.render.review`; this screen adds a small chart of the critical
steps against their targets. The journal is read READ-ONLY. Keys: ``c`` compares
the latest drills of the plan (and back), ``p`` replays the incident, Esc goes back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from dutydesk.plans import Lang
from dutydesk.render.review import WORDS, clock, compare_view, review_view
from dutydesk.review import Review
from dutydesk.safetext import clean
from dutydesk.tui.i18n import relabel, tr
from dutydesk.tui.text import safe
from dutydesk.tui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from dutydesk.tui.app import DutyDeskApp

BAR = 24          # cells of the chart's bars
COMPARE = 6       # drills side by side (fits 80 columns)


def critical_chart(r: Review, lang: Lang) -> RenderableType:
    """Each critical step: a bar for the time it took (█) and a mark at its target (│)."""
    w = WORDS[lang]
    head = Text(tr("review.chart", lang), style="bold")
    if not r.critical:
        return Group(head, Text(tr("review.no_critical", lang), style="dim"))
    known = [c.seconds for c in r.critical if c.seconds is not None]
    top = max(known + [c.target_s or 0 for c in r.critical]) or 1
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, overflow="ellipsis", max_width=34)
    grid.add_column(no_wrap=True, width=BAR + 1)
    grid.add_column(no_wrap=True)
    for c in r.critical:
        cells = [" "] * (BAR + 1)
        if c.seconds is not None:
            filled = max(1, round(BAR * max(0.0, c.seconds) / top))
            cells[:filled] = ["█"] * filled
        if c.target_s:
            cells[min(BAR, round(BAR * c.target_s / top))] = "│"
        label = Text(f"{c.number}. ") + safe(c.title[lang])
        if c.status == "done":
            value = Text(clock(c.seconds))
        else:
            value = Text(w["skipped_s"] if c.status == "skipped" else w.get(c.status, c.status), style="dim")
        if c.target_s:
            value.append(f" / {clock(c.target_s)}", style="dim")
        if c.met is not None:
            value.append(" ✓" if c.met else " ✗", style="bold")
        grid.add_row(label, Text("".join(cells), style="bold" if c.met is False else ""), value)
    return Group(head, grid)


class ReviewScreen(Screen):
    DEFAULT_CSS = """
    ReviewScreen #review-title { height: 1; padding: 0 1; background: $panel; }
    ReviewScreen #review-body { height: 1fr; scrollbar-gutter: stable; }
    ReviewScreen #review-content { width: 1fr; padding: 0 1; }
    """
    BINDINGS = [
        Binding("c", "compare", "Compare", id="compare"),
        Binding("p", "replay", "Replay", id="replay"),
        Binding("escape", "back", "Back", id="back"),
    ]

    app: DutyDeskApp

    def __init__(self, incident_ids: Sequence[str], *, compare: bool = False):
        super().__init__(classes="review")
        self.incident_ids = list(incident_ids)
        self.compare = compare
        self.reviews: list[Review] = []
        self.drills: list[Review] = []   # the drills of the plan, when comparing
        self.plan_title: Any = None
        self.drill = False

    def compose(self) -> ComposeResult:
        yield Static(id="review-title", markup=False)
        with VerticalScroll(id="review-body"):
            yield Static(id="review-content", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        relabel(self, self.app.lang)
        self.query_one("#review-body").focus()
        self.redraw()

    # -- loading ----------------------------------------------------------------------

    def load(self) -> None:
        """The figures, read from the journal opened READ-ONLY (raises JournalError, PlanError)."""
        from dutydesk.desk import Desk
        from dutydesk.journal.api import Journal
        from dutydesk.paths import database_path
        from dutydesk.plans.snapshot import plan_from_snapshot
        from dutydesk.review import review

        app = self.app
        path = app.journal.path if app.journal is not None else database_path(app.db)
        with Journal.open(path, readonly=True) as journal:
            incidents = [journal.incident(ref) for ref in self.incident_ids]
            self.incident_ids = [i.id for i in incidents]
            self.reviews = [review(i.id, Desk(journal, i, None).state) for i in incidents]  # type: ignore[arg-type]
            first = incidents[0]
            self.drill = bool(first.drill)
            plan, _roles, _contacts = plan_from_snapshot(first.plan_snapshot)
            self.plan_title = plan.title
            self.drills = []
            if self.compare and self.drill:
                latest = journal.incidents(drill=True, plan_id=first.plan_id, limit=COMPARE)
                if first.id not in {i.id for i in latest}:
                    latest = [first, *latest[: COMPARE - 1]]
                latest = sorted(latest, key=lambda i: i.opened_at)
                self.drills = [review(i.id, Desk(journal, i, None).state) for i in latest]  # type: ignore[arg-type]

    # -- drawing ----------------------------------------------------------------------

    def redraw(self) -> None:
        from dutydesk.journal.errors import JournalError
        from dutydesk.plans import PlanError

        if not self.is_attached:
            return
        lang = self.app.lang
        relabel(self, lang)
        try:
            self.load()
        except (JournalError, PlanError) as exc:
            message = exc.message if isinstance(exc, JournalError) else str(exc)
            self.query_one("#review-content", Static).update(
                Text(tr("replay.failed", lang, message=clean(message, limit=300)), style="bold"))
            return
        title = Text(tr("review.title", lang) + " · ", style="bold")
        if self.drill:
            title.append(f"[{tr('drill.mark', lang)}] ", style="bold reverse")
        title.append_text(safe(self.plan_title.get(lang), "bold"))
        if self.compare and self.drills:
            title.append(" · " + tr("review.compare", lang, n=len(self.drills)))
        title.no_wrap, title.overflow = True, "ellipsis"
        self.query_one("#review-title", Static).update(title)
        parts: list[RenderableType] = []
        if self.compare and self.drills:
            parts.append(compare_view(self.drills, lang))
        else:
            for r in self.reviews:
                parts += [review_view(r, lang), Text(""), critical_chart(r, lang), Text("")]
            if len(self.reviews) > 1 and len({r.plan_id for r in self.reviews}) == 1:
                parts.append(compare_view(self.reviews, lang))
        self.query_one("#review-content", Static).update(Group(*parts))
        self.refresh_bindings()

    # -- keys -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "compare":
            return self.drill
        return True

    def action_compare(self) -> None:
        self.compare = not self.compare
        self.redraw()

    def action_replay(self) -> None:
        from dutydesk.tui.screens.replay import open_replay

        open_replay(self.app, self.incident_ids[0])

    def action_back(self) -> None:
        self.app.pop_screen()


def open_review(app: Any, incident_ids: Sequence[str], *, compare: bool = False) -> ReviewScreen:
    screen = ReviewScreen(incident_ids, compare=compare)
    app.push_screen(screen)
    return screen
