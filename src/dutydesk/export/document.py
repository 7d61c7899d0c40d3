"""The report as a small document: sections of blocks, drawn by Rich or written as Markdown.

:mod:`dutydesk.export.report` decides *what* the report says and builds a
:class:`Document`; this module decides only how it looks. :func:`to_rich` gives
the renderables (terminal, HTML, SVG and text all come from them), :func:`to_markdown`
the Markdown. Cells are ``rich.text.Text`` built from cleaned text, never markup;
Markdown escapes every character that could act as syntax or HTML.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text
from rich.tree import Tree


@dataclass
class Alert:
    """Something the reader must see first (a broken chain, an unmasked report)."""

    title: str
    lines: list[Text]


@dataclass
class Notice:
    """A one-line statement in a box, less loud than an alert."""

    text: Text


@dataclass
class Fields:
    """Label → value pairs."""

    rows: list[tuple[str, Text]]


@dataclass
class Column:
    name: str
    no_wrap: bool = False
    max_width: int | None = None
    min_width: int | None = None
    ratio: int | None = None
    justify: str = "left"


@dataclass
class Row:
    cells: list[Text]
    style: str | None = None


@dataclass
class Grid:
    columns: list[Column]
    rows: list[Row]
    empty: str = ""  # what to say when there are no rows


@dataclass
class Node:
    label: Text
    children: list[Node] = field(default_factory=list)


@dataclass
class TreeBlock:
    root: Node
    empty: str = ""


@dataclass
class Para:
    text: Text


@dataclass
class Sub:
    """A heading inside a section."""

    title: str


Block = Alert | Notice | Fields | Grid | TreeBlock | Para | Sub


@dataclass
class Section:
    title: str
    blocks: list[Block]


@dataclass
class Document:
    title: Text
    subtitle: Text
    sections: list[Section]
    lang: str = "en"


# -- Rich ----------------------------------------------------------------------------------


def _rich_block(block: Block) -> RenderableType:
    if isinstance(block, Alert):
        body = Text("\n").join(block.lines)
        return Panel(body, title=Text(block.title, style="bold"), title_align="left",
                     border_style="bold red", box=box.HEAVY, padding=(0, 1))
    if isinstance(block, Notice):
        return Panel(block.text, box=box.ROUNDED, padding=(0, 1), expand=True)
    if isinstance(block, Fields):
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(overflow="fold")
        for label, value in block.rows:
            grid.add_row(Text(label), value)
        return grid
    if isinstance(block, Grid):
        if not block.rows:
            return Text(block.empty, style="italic")
        table = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False, show_edge=False,
                      expand=any(c.ratio for c in block.columns))
        for col in block.columns:
            table.add_column(col.name, no_wrap=col.no_wrap, max_width=col.max_width, min_width=col.min_width,
                             ratio=col.ratio,
                             justify=col.justify, overflow="fold")  # type: ignore[arg-type]
        for row in block.rows:
            table.add_row(*row.cells, style=row.style)
        return table
    if isinstance(block, TreeBlock):
        if not block.root.children:
            return Text(block.empty, style="italic")
        tree = Tree(block.root.label, guide_style="dim")

        def grow(parent: Tree, node: Node) -> None:
            for child in node.children:
                grow(parent.add(child.label), child)

        grow(tree, block.root)
        return tree
    if isinstance(block, Sub):
        return Text(block.title, style="bold underline")
    return block.text


def to_rich(doc: Document) -> RenderableType:
    """The whole report as one Rich renderable."""
    parts: list[RenderableType] = [doc.title, doc.subtitle]
    for section in doc.sections:
        if section.title:
            parts.append(Text(""))
            parts.append(Rule(Text(section.title, style="bold"), align="left", style="dim"))
        for block in section.blocks:
            parts.append(_rich_block(block))
            if isinstance(block, (Fields, Grid, TreeBlock)):
                parts.append(Text(""))  # a blank line after (not Padding: that re-renders every line)
    return Group(*parts)


# -- Markdown ------------------------------------------------------------------------------

_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|~#&"})


def md_escape(text: str) -> str:
    """Text as literal Markdown: syntax characters and HTML are backslash-escaped."""
    return text.translate(_MD_SPECIAL)


def _md_cell(text: Text) -> str:
    plain = md_escape(text.plain)
    return plain.replace("\n", "<br>") or " "


def _md_block(block: Block) -> Iterator[str]:
    if isinstance(block, Alert):
        yield f"> **⚠ {md_escape(block.title)}**"
        for line in block.lines:
            yield ">"
            yield f"> {md_escape(line.plain)}"
        yield ""
    elif isinstance(block, Notice):
        yield f"> {md_escape(block.text.plain)}"
        yield ""
    elif isinstance(block, Fields):
        for label, value in block.rows:
            yield f"- **{md_escape(label)}:** {_md_cell(value)}"
        yield ""
    elif isinstance(block, Grid):
        if not block.rows:
            yield f"_{md_escape(block.empty)}_"
            yield ""
            return
        yield "| " + " | ".join(md_escape(c.name) or " " for c in block.columns) + " |"
        yield "|" + "|".join("---:" if c.justify == "right" else "---" for c in block.columns) + "|"
        for row in block.rows:
            cells = [_md_cell(c) for c in row.cells]
            if row.style and "strike" in row.style:
                cells = [f"~~{c}~~" if c.strip() else c for c in cells]
            yield "| " + " | ".join(cells) + " |"
        yield ""
    elif isinstance(block, TreeBlock):
        if not block.root.children:
            yield f"_{md_escape(block.empty)}_"
            yield ""
            return

        def walk(node: Node, depth: int) -> Iterator[str]:
            for child in node.children:
                yield "  " * depth + f"- {_md_cell(child.label)}"
                yield from walk(child, depth + 1)

        yield from walk(block.root, 0)
        yield ""
    elif isinstance(block, Sub):
        yield f"### {md_escape(block.title)}"
        yield ""
    else:
        yield md_escape(block.text.plain).replace("\n", "  \n")
        yield ""


def to_markdown(doc: Document) -> str:
    subtitle = re.sub(r"\s{2,}", " · ", doc.subtitle.plain.strip())
    lines = [f"# {md_escape(doc.title.plain)}", "", f"**{md_escape(subtitle)}**", ""]
    for section in doc.sections:
        if section.title:
            lines += [f"## {md_escape(section.title)}", ""]
        for block in section.blocks:
            lines.extend(_md_block(block))
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"
