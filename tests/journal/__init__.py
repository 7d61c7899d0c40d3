"""Tests of the incident journal (dutydesk.journal): real SQLite files, real processes."""
