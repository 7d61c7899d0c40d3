"""Sub-commands of ``dutydesk``; see ``dutydesk.cli``."""
