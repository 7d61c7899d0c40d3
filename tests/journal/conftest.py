"""Fixtures of the journal tests: a journal on a real file in tmp_path, an actor, a plan."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from dutydesk.journal import Actor, Journal

from .helpers import PLAN, SNAPSHOT


@pytest.fixture
def actor() -> Actor:
    return Actor(user="wangf", name="王芳", role="supervisor", origin="console@branch-01")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "journal" / "journal.db"


@pytest.fixture
def journal(db_path: Path) -> Iterator[Journal]:
    with Journal.open(db_path) as j:
        yield j


OpenIncident = Callable[..., Any]


@pytest.fixture
def open_incident(journal: Journal, actor: Actor) -> OpenIncident:
    """``open_incident(**overrides)`` with sensible defaults."""

    def make(j: Journal | None = None, **overrides: Any) -> Any:
        fields: dict[str, Any] = {
            "plan_id": PLAN["id"],
            "plan_title_zh": PLAN["title"]["zh"],
            "plan_title_en": PLAN["title"]["en"],
            "plan_snapshot": SNAPSHOT,
            "branch": "城东支行",
            "place": "营业大厅",
            "level": "I",
            "drill": False,
            "actor": actor,
        }
        fields.update(overrides)
        return (j or journal).open_incident(**fields)

    return make
