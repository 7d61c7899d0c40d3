"""Check an event before it is written: its kind, step id and payload.

Pure functions (no database): :func:`check_event` returns the payload to store or
raises :class:`~dutydesk.journal.errors.InvalidEvent` naming the field at fault.
Checks that need the incident (does ``payload.seq`` exist, is it a drill) are made by
the API inside the write transaction.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from . import kinds as k
from .chain import canonical_json
from .errors import InvalidEvent
from .times import is_utc_text

MAX_TEXT = 20_000  # characters in one text field
MAX_PAYLOAD = 200_000  # characters of canonical JSON in one payload


def _fail(kind: str, what: str) -> InvalidEvent:
    return InvalidEvent(f"invalid {kind} event: {what}")


def _text(kind: str, payload: Mapping[str, Any], name: str, *, required: bool = True, empty_ok: bool = False) -> None:
    if name not in payload:
        if required:
            raise _fail(kind, f"payload.{name} is required")
        return
    value = payload[name]
    if not isinstance(value, str):
        raise _fail(kind, f"payload.{name} must be text, not {type(value).__name__}")
    if not empty_ok and not value.strip():
        raise _fail(kind, f"payload.{name} must not be empty")
    if len(value) > MAX_TEXT:
        raise _fail(kind, f"payload.{name} is longer than {MAX_TEXT} characters")


def _seq(kind: str, payload: Mapping[str, Any]) -> None:
    value = payload.get("seq")
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _fail(kind, "payload.seq must be the sequence number (an integer >= 1) of an earlier event")


def _choice(kind: str, payload: Mapping[str, Any]) -> None:
    value = payload.get("choice")
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _fail(kind, "payload.choice must be the 1-based number of the choice (an integer >= 1)")
    if "label" in payload:
        label = payload["label"]
        ok = isinstance(label, str) or (
            isinstance(label, Mapping) and all(isinstance(a, str) and isinstance(b, str) for a, b in label.items())
        )
        if not ok:
            raise _fail(kind, "payload.label must be text or an object of texts ({zh: ..., en: ...})")


def _one_of(kind: str, payload: Mapping[str, Any], name: str, allowed: tuple[str, ...]) -> None:
    if payload.get(name) not in allowed:
        raise _fail(kind, f"payload.{name} must be one of {', '.join(allowed)} (got {payload.get(name)!r})")


def _check_payload(kind: str, payload: Mapping[str, Any]) -> None:
    if kind in (k.STEP_DONE,):
        return
    if kind == k.STEP_SKIPPED:
        _text(kind, payload, "reason")
    elif kind == k.CHOICE_MADE:
        _choice(kind, payload)
    elif kind in (k.NOTE, k.INSTRUCTION):
        _text(kind, payload, "text")
    elif kind == k.ACKNOWLEDGED:
        _seq(kind, payload)
    elif kind == k.CALL_MADE:
        for name in ("contact", "number", "outcome"):
            _text(kind, payload, name)
    elif kind == k.REPORT_FIELD:
        _one_of(kind, payload, "field", k.REPORT_FIELDS)
        if "value" not in payload:
            raise _fail(kind, "payload.value is required")
        value = payload["value"]
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise _fail(kind, "payload.value must be text or a number")
        if isinstance(value, str) and len(value) > MAX_TEXT:
            raise _fail(kind, f"payload.value is longer than {MAX_TEXT} characters")
    elif kind == k.LEVEL_CHANGED:
        _one_of(kind, payload, "level", k.LEVELS)
        _text(kind, payload, "reason")
    elif kind == k.HANDOVER:
        _text(kind, payload, "to_name")
        _text(kind, payload, "to_role")
        _one_of(kind, payload, "phase", k.HANDOVER_PHASES)
    elif kind == k.RETRACTED:
        _seq(kind, payload)
        _text(kind, payload, "reason")
    elif kind == k.AMENDED:
        _seq(kind, payload)
        _text(kind, payload, "reason")
        changes = payload.get("changes")
        if not isinstance(changes, Mapping) or not changes:
            raise _fail(kind, "payload.changes must be a non-empty object of the corrected fields")
    elif kind == k.TIMER_FIRED:
        if not is_utc_text(payload.get("due_at")):
            raise _fail(kind, "payload.due_at must be a UTC time like 2024-05-01T02:03:04.000000Z")
    elif kind == k.INJECT:
        _text(kind, payload, "text")
        at = payload.get("at")
        if isinstance(at, bool) or not (
            (isinstance(at, str) and at.strip()) or (isinstance(at, (int, float)) and at >= 0)
        ):
            raise _fail(kind, "payload.at must be a time (text) or seconds from the opening (a number >= 0)")
    elif kind == k.CLOSED:
        _text(kind, payload, "outcome")
    elif kind == k.EXPORT_UNMASKED:
        _text(kind, payload, "format")
        _text(kind, payload, "path")
    elif kind == k.OPENED:
        for name in ("plan_id", "plan_hash", "branch", "place"):
            _text(kind, payload, name, empty_ok=name in ("branch", "place"))
        _one_of(kind, payload, "level", k.LEVELS)
        if not isinstance(payload.get("drill"), bool):
            raise _fail(kind, "payload.drill must be true or false")


def _check_json(kind: str, value: Any, where: str) -> None:
    """Only JSON values: objects with text keys, arrays, text, finite numbers, booleans, null."""
    if value is None or isinstance(value, (str, bool, int)):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _fail(kind, f"{where} is not a finite number")
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise _fail(kind, f"{where} has a key that is not text: {key!r}")
            _check_json(kind, item, f"{where}.{key}")
        return
    if isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            _check_json(kind, item, f"{where}[{i}]")
        return
    raise _fail(kind, f"{where} is not a JSON value ({type(value).__name__})")


def check_event(kind: object, step_id: object, payload: object) -> tuple[str | None, str]:
    """Validate an event; returns ``(step_id, canonical payload JSON)`` or raises InvalidEvent."""
    if not isinstance(kind, str) or kind not in k.KINDS:
        known = ", ".join(k.ALL_KINDS)
        raise InvalidEvent(f"unknown event kind {kind!r}", f"Use one of: {known}.")
    if step_id is not None:
        if not isinstance(step_id, str) or not step_id.strip():
            raise _fail(kind, "step_id must be a non-empty text or None")
        if len(step_id) > 200:
            raise _fail(kind, "step_id is longer than 200 characters")
    elif kind in k.STEP_KINDS:
        raise _fail(kind, "step_id is required")
    if payload is None:
        payload = {}
    if not isinstance(payload, Mapping):
        raise _fail(kind, f"payload must be an object, not {type(payload).__name__}")
    _check_json(kind, payload, "payload")
    _check_payload(kind, payload)
    try:
        text = canonical_json(payload)
        text.encode("utf-8")
    except (TypeError, ValueError) as exc:  # lone surrogates, etc.
        raise _fail(kind, f"payload cannot be stored: {exc}") from None
    if len(text) > MAX_PAYLOAD:
        raise _fail(kind, f"payload is larger than {MAX_PAYLOAD} characters")
    return step_id, text
