"""The live timeline: every logged event, one line each, however many there are.

A line-API ``ScrollView``: it keeps the records, renders only the lines on screen
(cached), so an incident with 5,000+ events opens fast and a new event costs one
line. The screen gives the formatter that turns a record into its cells (seq,
local time, +elapsed, who, what); every cell is a literal ``Text``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from dutydesk.incident import Record

Formatter = Callable[[Record], Sequence[Text]]

#: column widths but the last (which takes the rest): seq, time, +elapsed, who
#: (who: the name and ↗ if over SSH when narrow; name · role · origin when wide)
WIDE = (5, 9, 10, 34)
NARROW = (5, 9, 9, 8)


def column_widths(width: int) -> tuple[int, ...]:
    fixed = WIDE if width >= 110 else NARROW
    return (*fixed, max(10, width - sum(fixed)))


def fit(cells: Sequence[Text], widths: Sequence[int]) -> Text:
    """Cells side by side, each cut (…) or padded to its width in terminal cells."""
    out = Text(no_wrap=True, overflow="ellipsis", end="")
    for cell, width in zip(cells, widths, strict=False):
        piece = cell.copy()
        piece.no_wrap = True
        piece.truncate(width - 1, overflow="ellipsis", pad=True)
        out.append_text(piece)
        out.append(" ")
    return out


class Timeline(ScrollView, can_focus=True):
    """Records in order, newest at the bottom; a row cursor for retract and amend."""

    COMPONENT_CLASSES = {"timeline--cursor"}
    BINDINGS = [
        Binding("up", "cursor(-1)", show=False),
        Binding("down", "cursor(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("home", "jump(0)", show=False),
        Binding("end", "jump(-1)", show=False),
    ]
    DEFAULT_CSS = """
    Timeline { height: 1fr; overflow-x: hidden; }
    Timeline > .timeline--cursor { text-style: reverse; }
    """

    cursor = reactive(-1, repaint=False)

    def __init__(self, formatter: Formatter, *, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.formatter = formatter
        self.records: list[Record] = []
        self._row_of: dict[int, int] = {}
        self._lines: LRUCache[tuple, Strip] = LRUCache(512)
        self._cells: LRUCache[int, Sequence[Text]] = LRUCache(2048)

    # -- data -------------------------------------------------------------------------

    def set_records(self, records: Sequence[Record]) -> None:
        self.records = list(records)
        self._row_of = {r.seq: i for i, r in enumerate(self.records)}
        self.invalidate()
        self._resize()
        self.cursor = len(self.records) - 1
        self.call_after_refresh(self._follow)

    def append(self, records: Sequence[Record]) -> None:
        following = self.cursor >= len(self.records) - 1
        for record in records:
            if record.seq in self._row_of:
                continue
            self._row_of[record.seq] = len(self.records)
            self.records.append(record)
        self._resize()
        if following:
            self.cursor = len(self.records) - 1
            self._follow()
            # the first rows that overflow the view add a scrollbar: the layout is redone
            # after this call and may clamp the scroll; follow again once it is done
            self.call_after_refresh(self._follow)
        self.refresh()

    def invalidate(self, seqs: Sequence[int] | None = None) -> None:
        """Forget the drawn lines (all, or those of ``seqs``) so they are formatted again."""
        if seqs is None:
            self._lines.clear()
            self._cells.clear()
        else:
            for seq in seqs:
                self._cells.discard(seq)
            self._lines.clear()
        self.refresh()

    @property
    def selected(self) -> Record | None:
        if 0 <= self.cursor < len(self.records):
            return self.records[self.cursor]
        return None

    def select_seq(self, seq: int) -> None:
        if seq in self._row_of:
            self.cursor = self._row_of[seq]
            self._show_cursor()

    # -- drawing ----------------------------------------------------------------------

    def _resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.records))

    def on_resize(self, event: events.Resize) -> None:
        self._lines.clear()
        self._resize()

    def _follow(self) -> None:
        self.scroll_to(y=max(0, len(self.records) - self.size.height), animate=False, immediate=True)

    def _show_cursor(self) -> None:
        top = int(self.scroll_offset.y)
        height = max(1, self.size.height)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)
        self.refresh()

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh()

    def _cells_of(self, index: int) -> Sequence[Text]:
        record = self.records[index]
        cells = self._cells.get(record.seq)
        if cells is None:
            cells = self.formatter(record)
            self._cells[record.seq] = cells
        return cells

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = int(self.scroll_offset.y) + y
        base = self.rich_style
        if index >= len(self.records) or width <= 0:
            return Strip([Segment(" " * max(width, 0), base)], max(width, 0))
        is_cursor = index == self.cursor and self.has_focus
        key = (index, width, is_cursor)
        strip = self._lines.get(key)
        if strip is None:
            text = fit(self._cells_of(index), column_widths(width))
            segments = list(text.render(self.app.console))
            strip = Strip(segments).adjust_cell_length(width).apply_style(base)
            if is_cursor:
                strip = strip.apply_style(self.get_component_rich_style("timeline--cursor") or Style(reverse=True))
            self._lines[key] = strip
        return strip

    def on_focus(self) -> None:
        self._lines.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._lines.clear()
        self.refresh()

    # -- keys and mouse ---------------------------------------------------------------

    def action_cursor(self, step: int) -> None:
        if self.records:
            self.cursor = max(0, min(len(self.records) - 1, self.cursor + step))
            self._show_cursor()

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(1, self.size.height - 1))

    def action_jump(self, where: int) -> None:
        if self.records:
            self.cursor = 0 if where == 0 else len(self.records) - 1
            self._show_cursor()

    def on_click(self, event: events.Click) -> None:
        index = int(self.scroll_offset.y) + event.y
        if 0 <= index < len(self.records):
            self.cursor = index
            self.focus()
