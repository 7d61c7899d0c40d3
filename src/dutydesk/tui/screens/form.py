"""A small modal form: the one place the app asks for text (a reason, a note, a time…).

Fields are text inputs or a list to pick from; Enter moves to the next field and
confirms on the last one; Esc cancels and nothing is logged. Labels are the app's
own words; choice prompts and defaults arrive as literal ``Text`` / cleaned text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from dutydesk.plans import Lang
from dutydesk.safetext import clean
from dutydesk.tui.i18n import relabel, tr
from dutydesk.tui.widgets.keybar import KeyBar


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    default: str = ""
    choices: Sequence[tuple[str, Text]] | None = None
    required: bool = True
    validate: Callable[[str], str | None] | None = None
    placeholder: str = ""


class FormScreen(ModalScreen[dict[str, str] | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel")]

    def __init__(self, title: str | Text, fields: Sequence[Field], lang: Lang, *,
                 note: Text | None = None, blink: bool = True):
        super().__init__(classes="form-screen")
        self.title_text = title if isinstance(title, Text) else Text(title)
        self.fields = list(fields)
        self.lang = lang
        self.note = note
        self.blink = blink
        self.values: dict[str, str] = {f.name: f.default for f in self.fields}
        relabel(self, lang)

    def compose(self) -> ComposeResult:
        with Vertical(id="form"):
            yield Static(self.title_text, id="form-title", markup=False)
            if self.note is not None:
                yield Static(self.note, id="form-note", markup=False)
            for i, field in enumerate(self.fields):
                if len(self.fields) > 1 or field.choices is not None:
                    yield Static(Text(field.label, style="bold"), classes="form-label", markup=False)
                if field.choices is not None:
                    options = [Option(prompt, id=value) for value, prompt in field.choices]
                    yield OptionList(*options, id=f"field-{i}", classes="form-choice")
                else:
                    box = Input(value=clean(field.default), placeholder=field.placeholder or field.label,
                                id=f"field-{i}", classes="form-input", compact=True)
                    box.cursor_blink = self.blink
                    yield box
            yield Static("", id="form-error", markup=False)
            yield Static(Text(tr("form.ok", self.lang), style="dim"), id="form-hint", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        for i, field in enumerate(self.fields):
            if field.choices is not None:
                widget = self.query_one(f"#field-{i}", OptionList)
                ids = [value for value, _ in field.choices]
                widget.highlighted = ids.index(field.default) if field.default in ids else 0
        self.query_one("#field-0").focus()

    def _index(self, widget_id: str | None) -> int:
        return int((widget_id or "field-0").split("-")[1])

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        index = self._index(event.input.id)
        self.values[self.fields[index].name] = event.value
        self._advance(index)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        index = self._index(event.option_list.id)
        self.values[self.fields[index].name] = event.option.id or ""
        self._advance(index)

    def _advance(self, index: int) -> None:
        if index + 1 < len(self.fields):
            self.query_one(f"#field-{index + 1}").focus()
        else:
            self._submit()

    def _collect(self) -> None:
        for i, field in enumerate(self.fields):
            widget = self.query_one(f"#field-{i}")
            if isinstance(widget, Input):
                self.values[field.name] = widget.value
            elif isinstance(widget, OptionList) and widget.highlighted is not None:
                self.values[field.name] = widget.get_option_at_index(widget.highlighted).id or ""

    def _submit(self) -> None:
        self._collect()
        for i, field in enumerate(self.fields):
            value = self.values.get(field.name, "").strip()
            problem = None
            if field.required and not value:
                problem = tr("form.required", self.lang, label=field.label)
            elif field.validate is not None and (value or field.required):
                problem = field.validate(value)
            if problem:
                self.query_one("#form-error", Static).update(Text("✗ " + problem, style="bold"))
                self.query_one(f"#field-{i}").focus()
                return
        self.dismiss({k: v.strip() for k, v in self.values.items()})

    def action_cancel(self) -> None:
        self.dismiss(None)
