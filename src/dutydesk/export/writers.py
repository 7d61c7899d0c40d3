"""Turn a report document into each format, and write files safely.

Terminal, HTML, SVG and plain text all come from the same Rich renderables
(:func:`dutydesk.export.document.to_rich`) printed on a recording ``Console``;
Markdown comes from the same document. File formats use a console that ignores
the environment (width, colours, ``NO_COLOR``), so the same incident always gives
the same file.

* **HTML**: ``Console.export_html`` into a page that carries its own CSS (A4
  ``@page`` rules, monospace fonts with CJK fallbacks that are installed locally)
  and a Content-Security-Policy that forbids any request (``default-src 'none'``).
* **SVG**: ``Console.export_svg`` with Rich's template minus its web-font
  ``@font-face`` rules (which fetch Fira Code from a CDN): local fonts only.

Files are written to a temporary file in the same folder and renamed into place,
so a reader never sees half a report; private files (the JSON archive, an
unmasked report) are created ``0600``.
"""

from __future__ import annotations

import html
import io
import os
import re
import tempfile
from pathlib import Path

from rich.console import Console, RenderableType
from rich.terminal_theme import DEFAULT_TERMINAL_THEME

from dutydesk.export.document import Document, to_markdown, to_rich

FORMATS: tuple[str, ...] = ("terminal", "html", "svg", "txt", "md", "json")
EXTENSIONS: dict[str, str] = {
    ".html": "html", ".htm": "html", ".svg": "svg", ".txt": "txt", ".text": "txt", ".md": "md",
    ".markdown": "md", ".json": "json", ".ans": "terminal",
}
SUFFIX: dict[str, str] = {"terminal": ".ans", "html": ".html", "svg": ".svg", "txt": ".txt", "md": ".md", "json": ".json"}
#: Columns of a report written to a file (fits A4 portrait in the HTML's print CSS).
DEFAULT_WIDTH = 100


class ExportError(Exception):
    """An export that cannot be done: ``message`` says what, ``hint`` what to do."""

    def __init__(self, message: str, hint: str = ""):
        self.message = message
        self.hint = hint
        super().__init__(message)

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


def format_for(path: Path | None, fmt: str | None) -> str:
    """The format asked for, else the one the file name implies, else ``terminal``."""
    if fmt:
        if fmt not in FORMATS:
            raise ExportError(f"unknown format {fmt!r}", f"Use one of: {', '.join(FORMATS)}.")
        return fmt
    if path is not None and str(path) != "-":
        found = EXTENSIONS.get(path.suffix.lower())
        if found:
            return found
        raise ExportError(f"cannot tell the format from the file name {path.name!r}",
                          f"Give --format ({', '.join(FORMATS)}) or a file ending in .html, .svg, .txt, .md or .json.")
    return "terminal"


# -- HTML and SVG templates ----------------------------------------------------------------

# SVG: Rich places every run of text at its cell and stretches it to its cells
# (textLength), so any monospace font fits; a Latin one first (0.6 em, Rich's aspect
# ratio), CJK fonts after it for Chinese. Rich's own template asks for full-width
# East Asian glyphs, which squeezes text in fonts that have them: dropped.
_SVG_FONTS = ("'DejaVu Sans Mono', Menlo, Consolas, 'Liberation Mono', 'Noto Sans Mono CJK SC', 'Sarasa Mono SC', "
              "'Noto Sans CJK SC', 'Microsoft YaHei', 'PingFang SC', monospace")

# The HTML page lays out text in a <pre>, so its columns line up only if a CJK character
# is exactly two Latin cells wide. CJK fonts draw box lines, "·", "—", "→" wide (East Asian
# ambiguous width) while Rich counts them one cell; Latin monospace fonts are 0.6 em and CJK
# glyphs 1 em. So: Latin, box drawing and symbols from a Latin monospace font, CJK from a CJK
# font scaled to 1.2 em (two cells), chosen by unicode-range. Only local fonts: nothing is fetched.
_CJK_RANGE = "U+1100-11FF, U+2E80-A4CF, U+AC00-D7AF, U+F900-FAFF, U+FE30-FE4F, U+FF00-FF60, U+FFE0-FFE6, U+20000-3FFFF"
_HTML_FONT_FACES = """\
@font-face {{ font-family: "dutydesk mono"; font-weight: normal;
    src: local("DejaVu Sans Mono"), local("DejaVuSansMono"), local("Liberation Mono"), local("Menlo-Regular"),
         local("Consolas"), local("Courier New"); }}
@font-face {{ font-family: "dutydesk mono"; font-weight: bold;
    src: local("DejaVu Sans Mono Bold"), local("DejaVuSansMono-Bold"), local("Liberation Mono Bold"),
         local("Menlo-Bold"), local("Consolas Bold"), local("Courier New Bold"); }}
@font-face {{ font-family: "dutydesk cjk"; font-weight: normal; size-adjust: 120%; unicode-range: {cjk};
    src: local("Noto Sans Mono CJK SC"), local("NotoSansMonoCJKsc-Regular"), local("Noto Sans CJK SC"),
         local("NotoSansCJKsc-Regular"), local("Source Han Sans SC"), local("PingFang SC"),
         local("Microsoft YaHei"), local("WenQuanYi Micro Hei"); }}
@font-face {{ font-family: "dutydesk cjk"; font-weight: bold; size-adjust: 120%; unicode-range: {cjk};
    src: local("Noto Sans Mono CJK SC Bold"), local("NotoSansMonoCJKsc-Bold"), local("Noto Sans CJK SC Bold"),
         local("NotoSansCJKsc-Bold"), local("Source Han Sans SC Bold"), local("PingFang SC Semibold"),
         local("Microsoft YaHei Bold"), local("WenQuanYi Micro Hei"); }}
""".format(cjk=_CJK_RANGE)
_HTML_FONTS = "\"dutydesk mono\", \"dutydesk cjk\", 'DejaVu Sans Mono', Menlo, Consolas, monospace"

HTML_FORMAT = """\
<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="dutydesk">
<title>{title}</title>
<style>
{{stylesheet}}
{faces}
@page {{{{ size: A4 portrait; margin: 12mm 10mm 14mm 10mm; }}}}
html {{{{ background: {{background}}; }}}}
body {{{{
    color: {{foreground}};
    background-color: {{background}};
    margin: 0 auto;
    padding: 16px;
    max-width: 210mm;
}}}}
pre.report {{{{
    font-family: {fonts};
    font-size: 12px;
    line-height: 1.5;
    margin: 0;
    white-space: pre;
}}}}
@media print {{{{
    body {{{{ padding: 0; max-width: none; }}}}
    pre.report {{{{ font-size: 8.2pt; line-height: 1.4; }}}}
    * {{{{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}}}
}}}}
</style>
</head>
<body>
<pre class="report"><code style="font-family:inherit">{{code}}</code></pre>
</body>
</html>
"""


def html_format(title: str, lang: str) -> str:
    """The page template for ``export_html``: title and language filled in, escaped."""
    safe_title = html.escape(title).replace("{", "{{").replace("}", "}}")
    faces = _HTML_FONT_FACES.replace("{", "{{").replace("}", "}}")
    return HTML_FORMAT.format(title=safe_title, lang="zh-CN" if lang == "zh" else "en", fonts=_HTML_FONTS,
                              faces=faces)


def svg_format() -> str:
    """Rich's SVG template without its web fonts (no request leaves the file)."""
    from rich.console import CONSOLE_SVG_FORMAT

    text = re.sub(r"@font-face \{\{.*?\}\}\s*", "", CONSOLE_SVG_FORMAT, flags=re.S)
    text = text.replace("font-family: Fira Code, monospace;", f"font-family: Fira Code, {_SVG_FONTS};")
    text = text.replace("font-variant-east-asian: full-width;", "")
    if "url(\"http" in text or "url('http" in text:  # pragma: no cover - a future Rich template
        text = re.sub(r"url\([\"']https?://[^)]*\)\s*(format\([^)]*\))?,?", "", text)
    return text


# -- rendering -----------------------------------------------------------------------------


def file_console(width: int = DEFAULT_WIDTH, *, record: bool = True) -> Console:
    """A console that ignores the environment: the same input gives the same output."""
    return Console(
        file=io.StringIO(), record=record, width=width, height=50, color_system="truecolor", force_terminal=True,
        force_jupyter=False, force_interactive=False, legacy_windows=False, no_color=False, markup=False,
        emoji=False, highlight=False, soft_wrap=False, _environ={},
    )


def render(doc: Document, fmt: str, *, width: int = DEFAULT_WIDTH) -> str:
    """The report in ``fmt`` (not ``json``: that is the archive, see :mod:`dutydesk.export.archive`)."""
    if fmt == "md":
        return to_markdown(doc)
    if fmt not in ("terminal", "html", "svg", "txt"):
        raise ExportError(f"format {fmt!r} is not a rendered report")
    return render_renderable(to_rich(doc), fmt, width=width, title=doc.title.plain, lang=doc.lang)


def render_renderable(renderable: RenderableType, fmt: str, *, width: int = DEFAULT_WIDTH, title: str = "dutydesk",
                      lang: str = "en") -> str:
    console = file_console(width)
    console.print(renderable)
    if fmt == "terminal":
        output = console.file.getvalue()  # type: ignore[attr-defined]
        console.export_text(clear=True)
        return output
    if fmt == "txt":
        return console.export_text(styles=False)
    if fmt == "html":
        return console.export_html(theme=DEFAULT_TERMINAL_THEME, code_format=html_format(title, lang))
    return fix_svg_text_length(console.export_svg(title=title, code_format=svg_format(), theme=DEFAULT_TERMINAL_THEME))


_SVG_TEXT = re.compile(r'(<text [^>]*?textLength=")([0-9.]+)("[^>]*>)([^<]*)(</text>)')


def fix_svg_text_length(svg: str) -> str:
    """Stretch each run of text to its *cells*, not its characters.

    Rich (15.0) sizes a run as ``char_width * len(text)`` while it places the next run
    ``cell_len(text)`` cells on, so a Chinese run is squeezed into half its cells."""
    from rich.cells import cell_len

    def fix(m: re.Match[str]) -> str:
        text = html.unescape(m.group(4))
        cells, chars = cell_len(text), len(text)
        if cells == chars or not chars:
            return m.group(0)
        width = float(m.group(2)) / chars * cells
        return f"{m.group(1)}{width:g}{m.group(3)}{m.group(4)}{m.group(5)}"

    return _SVG_TEXT.sub(fix, svg)


# -- writing files -------------------------------------------------------------------------


class Target:
    """A file about to be written: a temporary file beside it now, renamed into place on commit.

    Opening it first proves the folder is writable before anything else is done (for
    an unmasked export, before the export is logged)."""

    def __init__(self, path: Path, *, private: bool):
        self.path = Path(path)
        self.private = private
        self._tmp: str | None = None
        self._fd: int | None = None

    def open(self) -> Target:
        folder = self.path.parent if str(self.path.parent) else Path(".")
        if self.path.is_dir():
            raise ExportError(f"cannot write {self.path}: it is a folder", "Give a file name with -o.")
        if not folder.is_dir():
            raise ExportError(f"cannot write {self.path}: the folder {folder} does not exist",
                              "Create the folder first or choose another path with -o.")
        try:
            self._fd, self._tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".part", dir=folder)
        except OSError as exc:
            raise ExportError(f"cannot write {self.path}: {exc.strerror or exc}",
                              "Choose a writable folder with -o (check permissions and free space).") from None
        return self

    def commit(self, data: str) -> Path:
        if self._fd is None or self._tmp is None:
            self.open()
        assert self._fd is not None and self._tmp is not None
        fd, tmp = self._fd, self._tmp
        self._fd = None
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o600 if self.private else 0o644)
            os.replace(tmp, self.path)
            self._tmp = None
        except OSError as exc:
            self.discard()
            raise ExportError(f"cannot write {self.path}: {exc.strerror or exc}",
                              "Check free space and permissions; nothing was left half-written.") from None
        return self.path

    def discard(self) -> None:
        if self._fd is not None:
            try:
                os.close(self._fd)
            except OSError:
                pass
            self._fd = None
        if self._tmp is not None:
            try:
                os.unlink(self._tmp)
            except OSError:
                pass
            self._tmp = None

    def __enter__(self) -> Target:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.discard()
