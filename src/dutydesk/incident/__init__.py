"""The pure state machine of an incident: state = fold(plan, events). No I/O."""

from dutydesk.incident.fold import Folder, fold
from dutydesk.incident.record import Record, Who
from dutydesk.incident.state import Conflict, IncidentState, Instruction, StepState, Timer

__all__ = ["Conflict", "Folder", "IncidentState", "Instruction", "Record", "StepState", "Timer", "Who", "fold"]
