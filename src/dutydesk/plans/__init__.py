"""Plans: the typed model, the YAML loader and its validation. No UI, no database."""

from dutydesk.plans.duration import Duration, parse_duration
from dutydesk.plans.loader import Library, load_library
from dutydesk.plans.model import CATEGORIES, END, LANGS, Choice, Contact, Lang, Level, Plan, Role, Step, Text
from dutydesk.plans.problems import PlanError, Problem

__all__ = [
    "CATEGORIES", "END", "LANGS", "Choice", "Contact", "Duration", "Lang", "Level", "Library",
    "Plan", "PlanError", "Problem", "Role", "Step", "Text", "load_library", "parse_duration",
]
