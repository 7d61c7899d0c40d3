"""The replay screen: the incident screen driven by the recorded events, read-only.

At each position the screen shows what the desk showed once that event was on
it: the checklist, the step at hand, calls and timers counting down on the
replay's clock, unacknowledged alerts, and the timeline up to that event. The
panels are the incident screen's own (:mod:`dutydesk.tui.panels`, the same
``Checklist`` and ``Timeline``); the state is :class:`dutydesk.replay.Replay`'s
fold of the first *k* events against the plan snapshot the incident ran with.

Keys: space plays and pauses, → and ← step one event, + and - change the speed
(1x 2x 5x 10x max), ``j`` jumps to an event number or a time, ``v`` opens the
after-action review. The journal is opened read-only; the desk's logging keys
say so instead of acting, and a line under the header says it all the time.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from dutydesk.incident import Record
from dutydesk.journal import kinds
from dutydesk.replay import Replay, ReplayTargetError
from dutydesk.safetext import clean
from dutydesk.tui import panels
from dutydesk.tui.clock import FrozenClock
from dutydesk.tui.describe import describe, effective_time
from dutydesk.tui.drill import inject_alerts
from dutydesk.tui.i18n import relabel, tr
from dutydesk.tui.panels import Alert
from dutydesk.tui.text import elapsed, hms
from dutydesk.tui.twodesks import actor_cell, conflict_alerts, handover_alert, instruction_alerts
from dutydesk.tui.widgets.checklist import Checklist
from dutydesk.tui.widgets.prompt import PromptBar
from dutydesk.tui.widgets.timeline import Timeline, column_widths, fit

if TYPE_CHECKING:
    from dutydesk.tui.app import DutyDeskApp

#: replay speeds; None: as fast as the screen shows events
SPEEDS: tuple[int | None, ...] = (1, 2, 5, 10, None)
TICK = 0.1          # seconds between two frames while playing
MAX_FRAMES = 300    # at "max", the whole replay takes about this many frames
WIDE = 110
#: the desk's logging keys: in a replay they say that nothing can be logged
REFUSED_KEYS = ("d", "s", "n", "c", "x", "e", "f", "t", "a", "r", *"123456789")


class ReplayTimeline(Timeline, inherit_bindings=False):
    """The timeline without the scroll view's ←/→ (they step the replay here); its own keys stay."""

    BINDINGS = Timeline.BINDINGS


class ReplayScreen(Screen):
    DEFAULT_CSS = """
    ReplayScreen { overflow-y: hidden; }
    ReplayScreen #replay-bar { height: 1; padding: 0 1; }
    ReplayScreen #alerts { text-wrap: nowrap; text-overflow: ellipsis; }
    """
    BINDINGS = [
        Binding("space", "play", "Play/Pause", id="replay_play"),
        Binding("right", "step(1)", "Next", id="replay_next", key_display="→"),
        Binding("left", "step(-1)", "Prev", id="replay_prev", key_display="←"),
        Binding("j", "jump", "Jump", id="replay_jump"),
        Binding("plus", "speed(1)", "Faster", id="replay_faster", key_display="+"),
        Binding("minus", "speed(-1)", "Slower", id="replay_slower", key_display="-"),
        Binding("v", "review", "Review", id="review"),
        Binding("escape", "back", "Back", id="back"),
        Binding("equals_sign", "speed(1)", show=False),
        *[Binding(key, "readonly", show=False) for key in REFUSED_KEYS],
    ]

    app: DutyDeskApp

    def __init__(self, replay: Replay, *, position: int | None = None):
        drill = replay.state_at(1).drill
        super().__init__(classes="incident replay -drill" if drill else "incident replay")
        self.replay = replay
        self.drill = drill
        if position is not None:
            replay.seek(position)
        self.clock = FrozenClock(replay.moment)
        self.playing = False
        self.speed = 0                      # index in SPEEDS
        self.monotonic = time.monotonic     # tests drive the ticks with their own
        self._last_tick = 0.0
        self._shown = 0                     # records in the timeline
        self._timer: Any = None
        self.after_show: list[Any] = []     # hooks (benchmarks)

    # -- layout -----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield from panels.incident_layout(self.drill, ReplayTimeline(self._cells, id="timeline"),
                                          bar=Static(id="replay-bar", markup=False))

    def on_mount(self) -> None:
        self.clock = FrozenClock(self.replay.moment, tz=self.app.clock.tz)
        relabel(self, self.app.lang)
        self.set_class(self.app.size.width >= WIDE, "-wide")
        checklist = self.query_one(Checklist)
        checklist.can_focus = False  # the keys move the replay, not a cursor in the steps
        self.query_one(Timeline).focus()
        self._timer = self.set_interval(TICK, self.tick, pause=True)
        self.show()

    def on_unmount(self) -> None:
        self.replay.close()

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width >= WIDE, "-wide")
        self.call_after_refresh(self.redraw)

    def redraw(self) -> None:
        """Everything again (language switch, resize)."""
        if not self.is_attached:
            return
        relabel(self, self.lang)
        self.query_one(Timeline).invalidate()
        self.show()
        self.refresh_bindings()

    # -- reading ----------------------------------------------------------------------

    @property
    def state(self):  # noqa: ANN201 - IncidentState
        return self.replay.state

    @property
    def lang(self):  # noqa: ANN201
        return self.app.lang

    @property
    def position(self) -> int:
        return self.replay.position

    def contacts(self) -> dict[str, Any]:
        """The snapshot's contacts, with the library's and the branch's numbers where it has none."""
        merged = dict(self.replay.contacts)
        if self.app.library is not None:
            for cid, contact in self.app.library.contacts.items():
                merged.setdefault(cid, contact)
        for cid, number in self.app.settings.contacts.items():
            if cid in merged and number and not merged[cid].number:
                merged[cid] = replace(merged[cid], number=number)
        return merged

    def _local(self, moment: datetime) -> datetime:
        return self.clock.local(moment)

    def role_name(self, role_id: str) -> str:
        role = self.replay.roles.get(role_id) or (self.app.library.roles.get(role_id)
                                                  if self.app.library is not None else None)
        return role.name.get(self.lang) if role else role_id

    def _cells(self, record: Record) -> tuple[Text, ...]:
        """A timeline line as the incident screen draws it."""
        state = self.state
        moment, amended = effective_time(record, state)
        opened = state.opened_at or record.happened_at
        style = "strike dim" if state.is_void(record.seq) else ""
        return (Text(f"#{record.seq}", style="dim"), Text(hms(self._local(moment)) + ("*" if amended else ""),
                                                          style=style),
                Text(elapsed(moment - opened), style="dim"),
                actor_cell(record.who, self.role_name, self.lang, wide=self.has_class("-wide")),
                describe(record, state, self.contacts(), self.lang, local=self._local))

    def alerts(self) -> list[Alert]:
        """What stayed on the desk until acknowledged, as a desk that did not write them saw it."""
        state, lang = self.state, self.lang

        def nobody(_who: Any) -> bool:
            return False

        out = conflict_alerts(state, lang) + instruction_alerts(state, nobody, self.role_name, lang)
        offer = handover_alert(state, nobody, True, self.role_name, lang)
        if offer is not None:
            out.append(offer)
        return out + panels.timer_alerts(state, lang, self._local) + inject_alerts(state, lang, self._local)

    # -- drawing ----------------------------------------------------------------------

    def show(self) -> None:
        """The desk as it was at this position: timeline, checklist, panels."""
        if not self.is_attached:
            return
        state, position = self.state, self.position
        timeline = self.query_one(Timeline)
        if self._shown == 0 or position < self._shown:
            timeline.set_records(self.replay.records[:position])
        elif position > self._shown:
            new = self.replay.records[self._shown:position]
            timeline.append(new)
            touched = [int(r.payload.get("seq", 0)) for r in new if r.kind in (kinds.RETRACTED, kinds.AMENDED)]
            if touched:
                timeline.invalidate(touched)
        self._shown = position
        self.query_one(Checklist).show(state, self.replay.roles, self.lang, follow=state.current)
        self.redraw_panels()
        for hook in self.after_show:
            hook()

    def redraw_panels(self) -> None:
        if not self.is_attached:
            return
        state, lang, clock = self.state, self.lang, self.clock
        width = self.size.width or self.app.size.width
        self.query_one("#inc-header", Static).update(
            panels.header(state, lang, clock, self.replay.actor_name, None, width, role_name=self.role_name))
        if self.drill:
            self.query_one("#drill-banner", Static).update(panels.drill_banner(lang, width))
        self.query_one("#replay-bar", Static).update(self.bar())
        closed = self.query_one("#inc-closed", Static)
        closed.display = state.closed_at is not None
        if state.closed_at is not None:
            closed.update(panels.closed_banner(state, lang, clock))
        self.query_one("#step-card", Static).update(
            panels.step_card(state, state.current, self.replay.roles, self.contacts(), lang, clock))
        wide = self.has_class("-wide")
        self.query_one("#info", Static).update(panels.info_panel(state, self.contacts(), lang, clock, report=not wide))
        if wide:
            self.query_one("#report-panel", Static).update(
                Group(Text(tr("inc.report", lang), style="bold"), panels.report_table(state, lang)))
        timeline_width = self.query_one(Timeline).scrollable_content_region.width or width
        head = [Text("#"), Text(tr("col.time", lang)), Text(tr("col.elapsed", lang)), Text(tr("col.actor", lang)),
                Text(tr("col.what", lang))]
        self.query_one("#timeline-head", Static).update(fit(head, column_widths(timeline_width)))
        alerts = self.alerts()
        box = self.query_one("#alerts", Static)
        box.display = bool(alerts)
        box.update(panels.alerts_text(alerts, lang))
        self._fit(min(4, len(alerts)))

    def _fit(self, alert_lines: int) -> None:
        """The steps get what the other rows leave, so the timeline always keeps 3 rows on screen."""
        height = self.size.height or self.app.size.height
        fixed = 2 + 1 + int(self.drill) + int(self.state.closed_at is not None) + alert_lines + 1 + 3 + 1
        if self.query_one(PromptBar).asking:
            fixed += 3
        room = max(4, min(int(height * 0.65), height - fixed))
        main = self.query_one("#inc-main")
        if main.styles.max_height is None or main.styles.max_height.value != room:
            main.styles.max_height = room

    def bar(self) -> Table:
        """REPLAY · read-only (cut first when narrow), then where it is: mode, speed, event, time."""
        lang, replay = self.lang, self.replay
        if self.playing:
            mode = tr("replay.playing", lang)
        elif replay.position == replay.total:
            mode = tr("replay.end", lang)
        else:
            mode = tr("replay.paused", lang)
        speed = SPEEDS[self.speed]
        status = Text(f"{mode} {tr('replay.max', lang) if speed is None else f'{speed}x'}", style="bold")
        status.append(" · " + tr("replay.event", lang, k=replay.record.seq, n=replay.records[-1].seq))
        status.append(f" · {hms(self._local(self.clock.now()))}", style="bold")
        grid = Table.grid(expand=True)
        grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        grid.add_column(no_wrap=True, justify="right")
        grid.add_row(Text(f" {tr('replay.banner', lang)} ", style="bold reverse"), status)
        return grid

    # -- moving -----------------------------------------------------------------------

    def go(self, position: int, moment: datetime | None = None) -> None:
        """Show the desk at ``position`` (and the replay's clock at ``moment``, default: that event's)."""
        self.replay.seek(position)
        self.clock.set(moment if moment is not None else self.replay.moment)
        self.show()

    def tick(self) -> None:
        """One frame while playing: the clock runs at the speed, events come at their moments."""
        if not self.playing:
            return
        real = self.monotonic()
        dt, self._last_tick = max(0.0, real - self._last_tick), real
        replay = self.replay
        speed = SPEEDS[self.speed]
        if speed is None:
            target = min(replay.total, replay.position + max(1, replay.total // MAX_FRAMES))
            moment = replay.moments[target - 1]
        else:
            moment = min(self.clock.now() + timedelta(seconds=dt * speed), replay.moments[-1])
            target = replay.position_at(moment)
        if target >= replay.total:
            target, moment = replay.total, max(moment, replay.moments[-1])
            self.playing = False
            self._timer.pause()
        if target != replay.position:
            self.go(target, moment)
        else:
            self.clock.set(moment)
            self.redraw_panels()
        if not self.playing:
            self.refresh_bindings()

    def action_play(self) -> None:
        if self.playing:
            self.playing = False
            self._timer.pause()
        else:
            if self.replay.position >= self.replay.total:
                self.go(1)
            self.playing = True
            self._last_tick = self.monotonic()
            self._timer.resume()
        self.redraw_panels()

    def _pause(self) -> None:
        if self.playing:
            self.playing = False
            self._timer.pause()

    def action_step(self, delta: int) -> None:
        self._pause()
        target = max(1, min(self.replay.total, self.replay.position + delta))
        if target == self.replay.position:
            self.app.bell()
        self.go(target)

    def action_speed(self, delta: int) -> None:
        self.speed = max(0, min(len(SPEEDS) - 1, self.speed + delta))
        self.redraw_panels()

    def action_jump(self) -> None:
        self._pause()
        lang = self.lang

        def check(text: str) -> str | None:
            try:
                self.replay.target(text, self.clock.tz)
            except ReplayTargetError:
                return tr("replay.bad_jump", lang, text=clean(text, limit=40))
            return None

        def then(text: str) -> None:
            position, moment = self.replay.resolve(self.replay.target(text, self.clock.tz))
            self.go(position, moment)

        self.query_one(PromptBar).ask(tr("replay.ask_jump", lang), then, lang=lang, validate=check,
                                      blink=self.app.blink)

    def action_review(self) -> None:
        from dutydesk.tui.screens.review import open_review

        self._pause()
        open_review(self.app, [self.replay.incident.id])

    def action_readonly(self) -> None:
        self.app.bell()
        self.notify(tr("replay.readonly", self.lang), severity="warning", markup=False)

    def action_back(self) -> None:
        self._pause()
        self.app.pop_screen()


def open_replay(app: DutyDeskApp, ref: str, *, position: int | None = None) -> ReplayScreen | None:
    """Read the incident ``ref`` from the journal, opened READ-ONLY, and show its replay."""
    from dutydesk.journal.errors import JournalError
    from dutydesk.paths import database_path
    from dutydesk.plans import PlanError

    path = app.journal.path if app.journal is not None else database_path(app.db)
    try:
        replay = Replay.open(path, ref)
    except JournalError as exc:
        message = f"{exc.message} — {exc.hint}" if exc.hint else exc.message
        app.notify(tr("replay.failed", app.lang, message=clean(message, limit=300)), severity="error", markup=False)
        return None
    except PlanError as exc:
        app.notify(tr("err.plan_snapshot", app.lang, message=clean(str(exc), limit=300)), severity="error",
                   markup=False)
        return None
    screen = ReplayScreen(replay, position=position)
    app.push_screen(screen)
    return screen
