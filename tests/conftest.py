"""Shared fixtures: every test gets its own config and database locations."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_locations(tmp_path_factory, monkeypatch):
    """Never read or write the real user's config, plans or journal."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("DUTYDESK_CONFIG", str(home / "config"))
    monkeypatch.setenv("DUTYDESK_DB", str(home / "data" / "journal.db"))
    monkeypatch.delenv("DUTYDESK_PLANS", raising=False)
    monkeypatch.setenv("DUTYDESK_LANG", "en")
    return home
