"""dutydesk: guide a bank branch through an emergency and keep the record of it."""

__version__ = "0.1.0"
