"""The checklist: every step of the plan with its status and who does it.

Status marks do not rely on colour: ▶ current, ○ pending, ✓ done, ✗ skipped,
· not on the path (inactive branch). ★ marks a critical step, ? a question,
☎ a call and ⏰ a timer. The row under the cursor is the step the keys act on
(done, skip, answer); it follows the current step unless the operator moves it.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.widgets import DataTable

from dutydesk.incident import IncidentState
from dutydesk.plans import Lang, Plan, Role
from dutydesk.tui.i18n import tr
from dutydesk.tui.text import safe

STATUS_MARK = {"done": "✓", "skipped": "✗", "inactive": "·", "pending": "○"}


def status_mark(state: IncidentState, step_id: str) -> str:
    status = state.steps[step_id].status
    if status == "pending" and step_id == state.current:
        return "▶"
    return STATUS_MARK.get(status, "?")


class Checklist(DataTable):
    DEFAULT_CSS = """
    Checklist { height: 1fr; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes, cursor_type="row", zebra_stripes=False, show_header=True)
        self._shown: tuple | None = None
        self._width = 0
        self._args: tuple[IncidentState, dict[str, Role], Lang] | None = None

    @property
    def selected_step(self) -> str | None:
        if self.row_count == 0:
            return None
        try:
            return str(self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value)
        except Exception:  # noqa: BLE001 - an empty or changing table
            return None

    def _widths(self) -> tuple[int, int, int]:
        """(mark + number, step text, who); who only when there is room."""
        width = max(24, self.size.width or 34) - 2  # the scrollbar
        who = 12 if width >= 44 else 0
        text = width - 4 - (who + 2 if who else 0) - 4  # 1 cell of padding each side of a column
        return 4, max(10, text), who

    def show(self, state: IncidentState, roles: dict[str, Role], lang: Lang, *, follow: str | None = None) -> None:
        """Draw the steps; put the cursor on ``follow`` if given."""
        self._args = (state, roles, lang)
        plan: Plan = state.plan
        signature = (
            lang, self.size.width,
            tuple((s.id, state.steps[s.id].status, s.id == state.current) for s in plan.steps),
        )
        keep = self.selected_step
        if signature != self._shown:
            self._shown = signature
            num_w, text_w, who_w = self._widths()
            self.clear(columns=True)
            self.add_column(Text("#"), width=num_w, key="n")
            self.add_column(Text(tr("col.step", lang)), width=text_w, key="step")
            if who_w:
                self.add_column(Text(tr("col.who", lang)), width=who_w, key="who")
            for number, step in enumerate(plan.steps, start=1):
                st = state.steps[step.id]
                mark = status_mark(state, step.id)
                style = "dim" if st.status == "inactive" else ("bold" if mark == "▶" else "")
                flags = ("★" if step.critical else "") + ("?" if step.is_decision else "") + \
                    ("☎" if step.call else "") + ("⏰" if step.remind_after else "")
                label = safe(step.prompt.get(lang))
                if flags:
                    label = Text(flags + " ", style="bold") + label
                label.stylize(style)
                if st.status == "skipped":
                    label.stylize("strike")
                label.truncate(text_w, overflow="ellipsis")
                cells = [Text(f"{mark}{number:>3}", style="bold" if mark == "▶" else ""), label]
                if who_w:
                    role = roles.get(step.who or "")
                    who = safe(role.name.get(lang) if role else (step.who or ""), "dim")
                    who.truncate(who_w, overflow="ellipsis")
                    cells.append(who)
                self.add_row(*cells, key=step.id)
        target = follow or keep
        if target and state.plan.has_step(target):
            row = state.plan.position(target)
            if row != self.cursor_row:
                self.move_cursor(row=row, animate=False)

    def on_resize(self, event: events.Resize) -> None:
        if self._args is not None and event.size.width != self._width:
            self._width = event.size.width
            state, roles, lang = self._args
            self._shown = None
            self.show(state, roles, lang)
