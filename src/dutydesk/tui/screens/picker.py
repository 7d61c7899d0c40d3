"""The plan picker: type to filter (Chinese, English, id, keywords), Tab through categories.

The search box keeps the focus, so typing always filters; the arrows move in the
list and Enter starts the highlighted plan. Drills are started from here too,
under a DRILL banner.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from dutydesk.plans import Plan
from dutydesk.tui import messages
from dutydesk.tui.i18n import CATEGORY_SHORT, pick, relabel, tr
from dutydesk.tui.panels import drill_banner
from dutydesk.tui.search import CATEGORY_ORDER, search_plans
from dutydesk.tui.text import safe
from dutydesk.tui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from dutydesk.tui.app import DutyDeskApp


class SearchInput(Input):
    BINDINGS = [Binding("enter", "submit", "Start", id="start")]


class PickerScreen(Screen):
    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("tab", "category(1)", "Next category", id="next_category"),
        Binding("shift+tab", "category(-1)", "Prev category", id="prev_category", show=False),
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
        Binding("pagedown", "move(8)", show=False),
        Binding("pageup", "move(-8)", show=False),
    ]

    app: DutyDeskApp

    def __init__(self, *, drill: bool = False, category: str | None = None, query: str = ""):
        super().__init__(id="picker", classes="-drill" if drill else "")
        self.drill = drill
        self.category = category
        self.query_text = query
        self.results: list[Plan] = []

    def compose(self) -> ComposeResult:
        if self.drill:
            yield Static(id="picker-banner", classes="drill-banner", markup=False)
        yield Static(id="picker-title", markup=False)
        yield Static(id="picker-cats", markup=False)
        box = SearchInput(value=self.query_text, id="picker-search", compact=True)
        box.cursor_blink = self.app.blink
        yield box
        yield OptionList(id="picker-list")
        yield Static(id="picker-preview", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.apply_lang()
        self.query_one(SearchInput).focus()

    def apply_lang(self) -> None:
        lang = self.app.lang
        relabel(self, lang)
        relabel(self.query_one(SearchInput), lang)
        self.query_one(SearchInput).placeholder = tr("picker.search", lang)
        if self.drill:
            self.query_one("#picker-banner", Static).update(drill_banner(lang, self.size.width or 80))
        self.query_one("#picker-title", Static).update(
            Text(tr("picker.title_drill" if self.drill else "picker.title", lang), style="bold"))
        self.show()
        self.refresh_bindings()

    def on_resize(self) -> None:
        if self.drill:
            self.query_one("#picker-banner", Static).update(drill_banner(self.app.lang, self.size.width))

    def _categories(self) -> Text:
        lang = self.app.lang
        out = Text()
        entries = [(None, "0", tr("picker.all", lang))] + [
            (c, str(i), pick(CATEGORY_SHORT[c], lang)) for i, c in enumerate(CATEGORY_ORDER, start=1)
        ]
        for category, number, name in entries:
            chosen = category == self.category
            if out:
                out.append(" ")
            out.append(f"[{number} {name}]" if chosen else f"{number} {name}", style="bold reverse" if chosen else "")
        return out

    def show(self) -> None:
        lang = self.app.lang
        self.query_one("#picker-cats", Static).update(self._categories())
        library = self.app.library
        listing = self.query_one("#picker-list", OptionList)
        listing.clear_options()
        if library is None:
            listing.add_option(Option(Text(tr("loading", lang), style="dim"), disabled=True))
            return
        self.results = search_plans(library.plans.values(), self.query_text, self.category)
        if not self.results:
            listing.add_option(Option(Text(tr("picker.none", lang), style="dim"), disabled=True))
            self.query_one("#picker-preview", Static).update("")
            return
        listing.add_options([Option(self._row(plan), id=plan.id) for plan in self.results])
        listing.highlighted = 0
        self._preview()

    def _row(self, plan: Plan) -> Text:
        lang = self.app.lang
        row = Text(no_wrap=True, overflow="ellipsis")
        row.append(f"{plan.level:<3} ", style="bold")
        row.append_text(safe(plan.title.get(lang)))
        row.append("  ")
        row.append_text(safe(plan.id, "dim"))
        return row

    def _preview(self) -> None:
        listing = self.query_one("#picker-list", OptionList)
        preview = self.query_one("#picker-preview", Static)
        if listing.highlighted is None or not self.results:
            preview.update("")
            return
        plan = self.results[listing.highlighted]
        lang = self.app.lang
        other = "en" if lang == "zh" else "zh"
        text = safe(plan.title.get(other), "dim")
        if plan.summary:
            text = text + Text("\n") + safe(plan.summary.get(lang))
        text.append(f"\n{pick(CATEGORY_SHORT.get(plan.category, ('', '')), lang)} · ", style="dim")
        text.append(f"{len(plan.steps)} {'步' if lang == 'zh' else 'steps'} · ", style="dim")
        text.append_text(safe(plan.source, "dim"))
        preview.update(text)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._preview()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        self.show()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._start()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._start()

    def _start(self) -> None:
        listing = self.query_one("#picker-list", OptionList)
        if listing.highlighted is None or not self.results:
            self.app.bell()
            return
        plan = self.results[listing.highlighted]
        if self.drill:  # a drill may run a scenario (timed injects): ask which, if any fits
            from dutydesk.tui.drill import choose_scenario

            choose_scenario(self.app, plan.id, lambda path: self.post_message(
                messages.StartIncident(plan.id, drill=True, scenario=path)))
            return
        self.post_message(messages.StartIncident(plan.id, drill=self.drill))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_category(self, step: int) -> None:
        order = [None, *CATEGORY_ORDER]
        self.category = order[(order.index(self.category) + step) % len(order)]
        self.show()

    def action_move(self, step: int) -> None:
        listing = self.query_one("#picker-list", OptionList)
        if not self.results:
            return
        current = listing.highlighted or 0
        listing.highlighted = max(0, min(len(self.results) - 1, current + step))
