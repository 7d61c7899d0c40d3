"""The shared catalogs beside the plans: contacts, roles and levels.

A catalog file is named for what it holds (``contacts.yaml``, ``roles.yaml``,
``levels.yaml``) and lists entries by ``id``. A branch's own catalog adds
entries or overrides fields of bundled ones, so ``{id: duty-leader, number:
"138..."}`` sets a number and keeps the bundled name.
"""

from __future__ import annotations

from typing import Any

from dutydesk.plans.model import Contact, Level, Role, Text
from dutydesk.plans.validate import Checker

# catalog name -> (fields an entry may have, fields a new entry must have)
CATALOGS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "contacts": (("id", "name", "number"), ("id", "name")),
    "roles": (("id", "name"), ("id", "name")),
    "levels": (("id", "name", "definition"), ("id", "name", "definition")),
}


def read_catalog(check: Checker, kind: str, data: Any, known: dict[str, Any]) -> dict[str, Any]:
    """Entries of one catalog file merged over ``known``; problems go to ``check``."""
    allowed, required = CATALOGS[kind]
    root = check.mapping(data, (), f"a {kind} catalog")
    if root is None:
        return known
    check.known_keys(root, ("kind", kind), (), f"the {kind} catalog")
    if root.get("kind", kind) != kind:
        check.add(("kind",), f"this file is named {kind}.yaml but says kind '{root.get('kind')}'")
    entries = root.get(kind)
    if not isinstance(entries, list):
        check.add((kind,) if kind in root else (), f"the {kind} catalog needs a list '{kind}:'")
        return known
    merged = dict(known)
    for index, raw in enumerate(entries):
        where = (kind, index)
        entry = check.mapping(raw, where, f"an entry of {kind}")
        if entry is None:
            continue
        check.known_keys(entry, allowed, where, f"an entry of {kind}")
        entry_id = entry.get("id")
        if not isinstance(entry_id, str) or not entry_id:
            check.add(where, f"an entry of {kind} needs an 'id'")
            continue
        base = known.get(entry_id)
        missing = [f for f in required if f not in entry and base is None]
        if missing:
            check.add(where, f"{kind} entry '{entry_id}' needs {', '.join(repr(m) for m in missing)}")
            continue
        item = _entry(check, kind, entry, where, base)
        if item is not None:
            merged[entry_id] = item
    return merged


def _entry(check: Checker, kind: str, entry: dict[str, Any], where, base):
    def text(field: str) -> Text | None:
        if field in entry:
            return check.text(entry[field], where + (field,), f"the {field} of {kind} entry '{entry['id']}'")
        return getattr(base, field)

    name = text("name")
    if name is None:
        return None
    if kind == "roles":
        return Role(entry["id"], name)
    if kind == "levels":
        definition = text("definition")
        return Level(entry["id"], name, definition) if definition else None
    number = entry.get("number", base.number if base else "")
    if not isinstance(number, str | int) or isinstance(number, bool):
        check.add(where + ("number",), f"the number of contact '{entry['id']}' must be text, e.g. \"110\"")
        return None
    return Contact(entry["id"], name, str(number).strip())
