"""Widgets of the incident screen: checklist, timeline, prompt line, key bar."""
