"""The footer: the keys that work where you are, from the screen's active bindings.

Like Textual's ``Footer`` it reads ``screen.active_bindings`` (so the ``?`` help
screen, the command palette and this line come from the same bindings, remapped
keys included), but it is one line of ``Text``: redrawn only when the keys
change, and cut to the width from the right so 80 columns always show the most
important keys (the order of the bindings) and ``?`` for the rest.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.screen import Screen
from textual.widgets import Static

PINNED = ("help", "palette")  # always shown, at the right end


class KeyBar(Static):
    COMPONENT_CLASSES = {"keybar--key", "keybar--description"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
    }
    KeyBar > .keybar--key {
        text-style: bold;
        color: $footer-key-foreground;
        background: $footer-key-background;
    }
    KeyBar > .keybar--description {
        color: $footer-description-foreground;
    }
    """

    def __init__(self, *, id: str | None = None):
        super().__init__(id=id, markup=False)
        self._shown: object = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.call_after_refresh(self.redraw)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def on_resize(self) -> None:
        self.redraw()

    def _bindings_changed(self, screen: Screen) -> None:
        if screen is self.screen:
            self.redraw()

    def items(self) -> list[tuple[str, str, bool, str]]:
        """(keys, description, enabled, binding id) in binding order; digit groups joined (``12``)."""
        app = self.app
        seen: dict[str, list] = {}
        order: list[str] = []
        for _key, active in self.screen.active_bindings.items():
            binding = active.binding
            if not binding.show or not binding.description:
                continue
            group = binding.group.description if binding.group else None
            name = f"group:{group}" if group else f"action:{binding.action}"
            display = app.get_key_display(binding)
            if name not in seen:
                seen[name] = [[], group or binding.description, active.enabled, binding.id or ""]
                order.append(name)
            if display not in seen[name][0]:
                seen[name][0].append(display)
        return [("".join(k) if name.startswith("group:") else "/".join(k), d, e, i)
                for name in order for k, d, e, i in [seen[name]]]

    def redraw(self) -> None:
        if not self.is_attached:
            return
        items = self.items()
        width = self.size.width or self.app.size.width
        key = (tuple(items), width)
        if key == self._shown:
            return
        self._shown = key
        key_style = self.get_component_rich_style("keybar--key")
        desc_style = self.get_component_rich_style("keybar--description")
        pinned = [it for it in items if it[3] in PINNED]
        rest = [it for it in items if it[3] not in PINNED]

        def piece(item: tuple[str, str, bool, str]) -> Text:
            keys, description, enabled, _id = item
            text = Text()
            text.append(f" {keys} ", style=key_style)
            text.append(f"{description} ", style=desc_style)
            if not enabled:
                text.stylize(Style(dim=True))
            return text

        tail = Text("").join(piece(it) for it in pinned)
        line = Text(no_wrap=True, overflow="crop")
        room = width - cell_len(tail.plain)
        for item in rest:
            part = piece(item)
            if cell_len(line.plain) + cell_len(part.plain) > room:
                break
            line.append_text(part)
        line.append(" " * max(0, room - cell_len(line.plain)))
        line.append_text(tail)
        self.update(line)
