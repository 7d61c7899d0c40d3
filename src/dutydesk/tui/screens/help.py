"""The ``?`` screen: every key of the screen underneath, from the same bindings as the footer.

It reads the active bindings (with the branch's key remapping applied) of the
screen it covers, groups the digit keys, and shows the binding id a branch uses
in ``settings.toml`` ``[keys]`` to remap it.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from dutydesk.plans import Lang
from dutydesk.tui.i18n import binding_base, key_help, key_label, relabel, tr
from dutydesk.tui.widgets.keybar import KeyBar


def key_rows(screen: Screen) -> list[tuple[str, str, str, str]]:
    """(keys, label, help, id) for each binding id active on ``screen``, in binding order."""
    app = screen.app
    seen: dict[str, list] = {}
    try:  # every binding, also those hidden right now (e.g. retract without a selection)
        chain = [binding for _node, bindings in screen._binding_chain for _key, binding in bindings]
    except AttributeError:  # pragma: no cover - older Textual
        chain = [active.binding for active in screen.active_bindings.values()]
    for binding in chain:
        if binding.system or not binding.id:
            continue
        base = binding_base(binding.id)
        entry = seen.setdefault(base, [[], binding.id])
        display = app.get_key_display(binding)
        if display not in entry[0]:
            entry[0].append(display)
    rows = []
    lang = getattr(app, "lang", "en")
    for base, (keys, binding_id) in seen.items():
        if len(keys) > 2 and all(k.isdigit() for k in keys):
            shown = f"{keys[0]}-{keys[-1]}"
            binding_id = f"{base}_N"
        else:
            shown = " ".join(keys)
        rows.append((shown, key_label(base, lang), key_help(base, lang), binding_id))
    return rows


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "dismiss", "Back", id="back"),
        Binding("question_mark", "dismiss", show=False),
    ]

    def __init__(self, covered: Screen, lang: Lang):
        super().__init__(classes="help-screen")
        self.covered = covered
        self.lang = lang
        relabel(self, lang)

    def compose(self) -> ComposeResult:
        table = Table(box=None, expand=True, show_header=True, header_style="bold", pad_edge=False)
        table.add_column(Text("键" if self.lang == "zh" else "Key"), no_wrap=True, style="bold")
        table.add_column(Text("操作" if self.lang == "zh" else "Action"), no_wrap=True)
        table.add_column(Text("说明" if self.lang == "zh" else "What it does"), ratio=1)
        table.add_column(Text(tr("help.id", self.lang)), no_wrap=True, style="dim")
        for keys, label, help_text, binding_id in key_rows(self.covered):
            table.add_row(Text(keys), Text(label), Text(help_text), Text(binding_id))
        with Vertical(id="help"):
            yield Static(Text(tr("help.title", self.lang), style="bold"), id="help-title", markup=False)
            with VerticalScroll(id="help-body"):
                yield Static(table, markup=False)
            yield Static(Text(tr("help.footer", self.lang), style="dim"), id="help-hint", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
