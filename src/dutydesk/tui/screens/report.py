"""The report fields (place, time, cause … measures): pick one, type its value, Enter.

Each value is logged as a ``report_field`` event the moment it is confirmed; the
list shows what the journal holds. A closed incident's fields are read-only.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from dutydesk.incident import IncidentState
from dutydesk.journal import kinds
from dutydesk.plans import Lang
from dutydesk.tui.i18n import REPORT_LABELS, pick, relabel, tr
from dutydesk.tui.screens.form import Field, FormScreen
from dutydesk.tui.text import safe
from dutydesk.tui.widgets.keybar import KeyBar


class ReportList(OptionList):
    BINDINGS = [Binding("enter", "select", "Fill in", id="edit")]


class ReportScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "close", "Back", id="back")]

    def __init__(self, state: Callable[[], IncidentState], submit: Callable[[str, str], bool], lang: Lang,
                 *, editable: bool, blink: bool = True):
        super().__init__(classes="report-screen")
        self.state = state
        self.submit = submit
        self.lang = lang
        self.editable = editable
        self.blink = blink
        relabel(self, lang)

    def compose(self) -> ComposeResult:
        with Vertical(id="report"):
            yield Static(Text(tr("report.title", self.lang), style="bold"), markup=False)
            listing = ReportList(id="report-list")
            relabel(listing, self.lang)
            yield listing
        yield KeyBar()

    def on_mount(self) -> None:
        self.show()
        self.query_one(ReportList).focus()

    def show(self) -> None:
        state = self.state()
        listing = self.query_one(ReportList)
        keep = listing.highlighted or 0
        listing.clear_options()
        width = max(len(pick(label, self.lang)) for label in REPORT_LABELS.values())
        for field in kinds.REPORT_FIELDS:
            label = pick(REPORT_LABELS[field], self.lang)
            row = Text(label.ljust(width if self.lang == "en" else 0) + "  ", style="bold")
            value = state.report.get(field)
            row.append_text(safe(value[0], limit=200) if value and str(value[0]).strip() else Text("—", style="dim"))
            listing.add_option(Option(row, id=field))
        listing.highlighted = keep

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if not self.editable:
            self.app.bell()
            return
        field = event.option.id or ""
        current = self.state().report.get(field)
        label = pick(REPORT_LABELS[field], self.lang)

        def done(values: dict[str, str] | None) -> None:
            if values is not None and self.submit(field, values["value"]):
                self.show()

        self.app.push_screen(
            FormScreen(label, [Field("value", label, default=str(current[0]) if current else "")], self.lang,
                       blink=self.blink),
            done,
        )

    def action_close(self) -> None:
        self.dismiss(None)
