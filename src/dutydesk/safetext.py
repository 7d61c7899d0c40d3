"""Make untrusted text safe to show: no control sequence reaches the terminal.

Notes, names and plan text may hold ESC/CSI/OSC sequences, other C0/C1 controls
or Unicode bidi overrides. ``clean`` replaces each with a visible escape such as
``\\x1b`` or ``\\u202e`` so the text is shown literally and cannot act. Callers
still build ``rich.text.Text`` (never markup) from the result.
"""

from __future__ import annotations

import re

# C0 controls except tab/newline, DEL, C1 controls, bidi embeddings/overrides/isolates,
# line/paragraph separators.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean(text: object, *, multiline: bool = False, limit: int | None = None) -> str:
    """``text`` with every unsafe character shown as an escape.

    Newlines are kept when ``multiline``, else shown as ``⏎``; tabs become spaces.
    ``limit`` cuts very long text with an ellipsis (display only).
    """
    value = _UNSAFE.sub(_escape, str(text)).replace("\t", "    ")
    if not multiline:
        value = value.replace("\n", " ⏎ ")
    if limit is not None and len(value) > limit:
        value = value[: max(limit - 1, 0)] + "…"
    return value
