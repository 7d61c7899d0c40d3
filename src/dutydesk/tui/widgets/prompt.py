"""The prompt line: one question at the bottom of the incident screen (a reason, a note, a time).

The incident stays in view while the operator types; Enter confirms, Esc (or
leaving the line) cancels and nothing is logged. Questions with several fields
use the dialog (``FormScreen``) instead.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Input, Static

from dutydesk.safetext import clean
from dutydesk.tui.i18n import relabel, tr


class PromptBar(Vertical):
    DEFAULT_CSS = """
    PromptBar {
        display: none;
        height: auto;
        background: $boost;
        border-top: tall $accent;
        padding: 0 1;
    }
    PromptBar.-asking { display: block; }
    PromptBar > Input { border: none; height: 1; padding: 0; background: $surface; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel")]

    def __init__(self, *, id: str | None = None):
        super().__init__(id=id)
        self._then: Callable[[str], None] | None = None
        self._validate: Callable[[str], str | None] | None = None
        self._required = True
        self._label = ""
        self._back_to: Widget | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="prompt-label", markup=False)
        box = Input(id="prompt-input", compact=True)
        yield box
        yield Static(id="prompt-hint", markup=False)

    @property
    def asking(self) -> bool:
        return self.has_class("-asking")

    def ask(self, label: str, then: Callable[[str], None], *, lang: str, context: Text | None = None,
            default: str = "", required: bool = True, validate: Callable[[str], str | None] | None = None,
            blink: bool = True) -> None:
        self._then, self._validate, self._required, self._label = then, validate, required, label
        title = Text(label, style="bold")
        if context is not None and context.plain:
            title.append("  ")
            title.append_text(context.copy())
        title.no_wrap, title.overflow = True, "ellipsis"
        self.query_one("#prompt-label", Static).update(title)
        self.query_one("#prompt-hint", Static).update(Text(tr("form.ok", lang), style="dim"))  # type: ignore[arg-type]
        box = self.query_one(Input)
        box.cursor_blink = blink
        box.value = clean(default)
        self._lang = lang
        relabel(self, lang)  # type: ignore[arg-type]
        self._back_to = self.app.focused
        self.add_class("-asking")
        box.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        problem = None
        if self._required and not value:
            problem = tr("form.required", self._lang, label=self._label)  # type: ignore[arg-type]
        elif self._validate is not None and (value or self._required):
            problem = self._validate(value)
        if problem:
            self.query_one("#prompt-hint", Static).update(Text("✗ " + problem, style="bold"))
            return
        then = self._then
        self._close()
        if then is not None:
            then(value)

    def action_cancel(self) -> None:
        self._close()

    def on_descendant_blur(self) -> None:
        if self.asking:  # focus left the line (Tab, a click): cancel once it has settled elsewhere
            self.call_after_refresh(self._cancel_if_away)

    def _cancel_if_away(self) -> None:
        if self.asking and self.app.focused is not self.query_one(Input):
            self._close(refocus=False)

    def _close(self, *, refocus: bool = True) -> None:
        self._then = None
        self.remove_class("-asking")
        self.query_one(Input).value = ""
        back, self._back_to = self._back_to, None
        if refocus and back is not None and back.is_attached:
            back.focus()
