"""The incident screen: header, checklist, the step at hand, calls and timers, the timeline.

Every key that logs goes through :meth:`IncidentScreen.act`: the Desk appends the
event and returns only once it is committed, and only then does the screen
change (principle 1). A write that fails is shown as NOT LOGGED in an alert that
stays, and the action is kept pending (``r`` retries it). A refusal by the desk
(answer 5 to a yes/no question …) writes nothing and says why.

The screen polls the journal (``Desk.refresh``) so another desk's events appear,
and logs timers that come due (``Desk.fire_due_timers``): the bell rings and an
alert stays until acknowledged (``a``, itself logged).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from rich.console import Group
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from dutydesk.desk import Desk, DeskError
from dutydesk.incident import Record
from dutydesk.journal import kinds
from dutydesk.journal.errors import JournalError, NotLogged
from dutydesk.tui import panels
from dutydesk.tui.describe import describe, effective_time, step_title
from dutydesk.tui.i18n import REPORT_LABELS, key_label, pick, relabel, tr
from dutydesk.tui.panels import Alert
from dutydesk.tui.drill import inject_alerts
from dutydesk.scenario import due_injects, fire_due_injects
from dutydesk.tui.screens.form import Field, FormScreen
from dutydesk.tui.screens.report import ReportScreen
from dutydesk.tui.twodesks import ACKABLE, TwoDesks, actor_cell
from dutydesk.tui.text import elapsed, hms, safe
from dutydesk.whenparse import TimeError, parse_when
from dutydesk.tui.widgets.checklist import Checklist
from dutydesk.tui.widgets.prompt import PromptBar
from dutydesk.tui.widgets.timeline import Timeline, column_widths, fit

if TYPE_CHECKING:
    from dutydesk.tui.app import DutyDeskApp

ANSWER = Binding.Group("answer", compact=True)
LEVEL_ORDER = ("III", "II", "I")  # raising goes right
WIDE = 110


@dataclass
class Pending:
    """An action that was NOT logged, kept so ``r`` can log it again."""

    label: str
    run: Callable[[datetime | None], Any]
    happened_at: datetime | None
    error: JournalError


class IncidentScreen(TwoDesks, Screen):
    BINDINGS = [
        Binding("a", "ack", "Ack", id="ack"),
        Binding("r", "retry", "Retry", id="retry"),
        Binding("d", "done", "Done", id="done"),
        *[Binding(str(n), f"answer({n})", "answer", id=f"answer_{n}", group=ANSWER) for n in range(1, 10)],
        Binding("s", "skip", "Skip", id="skip"),
        Binding("n", "note", "Note", id="note"),
        Binding("c", "call", "Call", id="call"),
        Binding("t", "time", "Time", id="time"),
        Binding("f", "report", "Report", id="report"),
        Binding("i", "instruct", "Instruct", id="instruct"),
        Binding("h", "accept_handover", "Accept", id="accept_handover"),  # only while offered to this desk,
        Binding("h", "handover", "Hand over", id="handover"),             # else: offer (when in charge)
        Binding("x", "retract", "Retract", id="retract"),
        Binding("g", "goto", "Go to", id="goto", show=False),
        Binding("plus", "level(1)", "Raise", id="raise", show=False, key_display="+"),
        Binding("minus", "level(-1)", "Lower", id="lower", show=False, key_display="-"),
        Binding("e", "close", "Close", id="close", show=False),
        Binding("w", "export", "Export", id="export", show=False),
        Binding("tab", "switch_focus", "Switch", id="switch_focus", show=False),
        Binding("escape", "back", "Home", id="home"),
    ]

    app: DutyDeskApp

    def __init__(self, desk: Desk):
        super().__init__(classes="incident -drill" if desk.state.drill else "incident")
        self.desk = desk
        self.next_at: datetime | None = None
        self.pending: Pending | None = None
        self.read_error: JournalError | None = None
        self.refusal: Alert | None = None  # what another desk did first (twodesks)
        self.attempted: int | None = None  # the answer being logged, for a refusal's message
        self.bells = 0
        self._shown_seq = 0
        self._last_current: str | None = None
        self._alerts: list[Alert] = []
        self._bindings_key: object = None
        self._panel_keys: dict[str, object] = {}
        self.after_sync: list[Callable[[], None]] = []  # hooks (benchmarks)

    # -- layout -----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield from panels.incident_layout(self.desk.state.drill, Timeline(self._cells, id="timeline"))

    def on_mount(self) -> None:
        relabel(self, self.app.lang)
        self.set_class(self.app.size.width >= WIDE, "-wide")
        timeline = self.query_one(Timeline)
        timeline.set_records(self.desk.state.records)
        self._shown_seq = self.desk.state.last_seq
        self._last_current = self.desk.state.current
        self.sync(initial=True)
        self.query_one(Checklist).focus()
        self.set_interval(self.app.poll_interval, self.poll)
        self.set_interval(1.0, self.tick)
        # An open incident is a large, long-lived heap (thousands of records): keep the
        # cyclic garbage collector from walking it on a key press (p99 latency).
        gc.collect()
        gc.freeze()

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width >= WIDE, "-wide")
        self.call_after_refresh(self.redraw)

    # -- reading the state ------------------------------------------------------------

    @property
    def state(self):  # noqa: ANN201 - IncidentState
        return self.desk.state

    @property
    def lang(self):  # noqa: ANN201
        return self.app.lang

    @property
    def is_open(self) -> bool:
        return self.state.closed_at is None

    @property
    def target(self) -> str | None:
        """The step the keys act on: the checklist's row (the current step unless moved)."""
        found = self.query(Checklist)  # none while the screen is built or taken down
        selected = found.first().selected_step if found else None
        return selected or self.state.current

    def contacts(self) -> dict[str, Any]:
        """The plan's contacts, with the branch's numbers where the snapshot has none."""
        merged = dict(self.desk.contacts)
        library = self.app.library
        if library is not None:
            for cid, contact in library.contacts.items():
                merged.setdefault(cid, contact)
        for cid, number in self.app.settings.contacts.items():
            if cid in merged and number and not merged[cid].number:
                merged[cid] = replace(merged[cid], number=number)
        return merged

    def _local(self, moment: datetime) -> datetime:
        return self.app.clock.local(moment)

    def _cells(self, record: Record) -> Sequence[Text]:
        state = self.state
        moment, amended = effective_time(record, state)
        opened = state.opened_at or record.happened_at
        time_text = Text(hms(self._local(moment)) + ("*" if amended else ""))
        who = actor_cell(record.who, self.role_name, self.lang, wide=self.has_class("-wide"))
        what = describe(record, state, self.contacts(), self.lang, local=self._local, role_name=self.role_name)
        style = "strike dim" if state.is_void(record.seq) else ""
        return (Text(f"#{record.seq}", style="dim"), Text(time_text.plain, style=style),
                Text(elapsed(moment - opened), style="dim"), who, what)

    # -- drawing ----------------------------------------------------------------------

    def sync(self, *, initial: bool = False) -> None:
        """Show the state as folded now: new timeline rows, checklist, panels, alerts."""
        state = self.state
        new: list[Record] = []
        for record in reversed(state.records):  # the new ones are at the end
            if record.seq <= self._shown_seq:
                break
            new.append(record)
        new.sort(key=lambda r: r.seq)
        timeline = self.query_one(Timeline)
        if new:
            self._shown_seq = state.last_seq
            timeline.append(new)
            touched = [int(r.payload.get("seq", 0)) for r in new if r.kind in (kinds.RETRACTED, kinds.AMENDED)]
            if touched:
                timeline.invalidate(touched)
            if not initial and any(r.kind in (kinds.TIMER_FIRED, kinds.INJECT) for r in new):
                self.ring()
            if not initial:
                self.announce(new)  # another desk's instruction, handover, acknowledgement
        checklist = self.query_one(Checklist)
        selected = checklist.selected_step
        following = selected is None or selected == self._last_current
        checklist.show(state, self.desk.roles, self.lang, follow=state.current if following else None)
        self._last_current = state.current
        self.redraw_panels()
        self.update_bindings()
        for hook in self.after_sync:
            hook()

    def redraw(self) -> None:
        """Everything again (language switch, resize)."""
        if not self.is_attached:
            return
        relabel(self, self.lang)
        timeline = self.query_one(Timeline)
        timeline.invalidate()
        self.query_one(Checklist).show(self.state, self.desk.roles, self.lang)
        self._panel_keys.clear()
        self.redraw_panels()
        self._bindings_key = None
        self.update_bindings()

    def update_bindings(self) -> None:
        """Refresh the footer only when what the keys can do changed (it is rebuilt each time)."""
        target = self.target
        st = self.state.steps.get(target) if target else None
        key = (
            self.lang, self.is_open, target is not None and self.state.plan.step(target).is_decision,
            target is not None and len(self.state.plan.step(target).choices),
            st.status if st else None, tuple(a.kind for a in self._alerts), self.pending is not None,
            self.desk.in_charge, self.desk.can_accept_handover(),
            any(t.has_focus for t in self.query(Timeline)),
        )
        if key != self._bindings_key:
            self._bindings_key = key
            self.refresh_bindings()

    def _update(self, widget_id: str, key: object, render: Callable[[], Any]) -> None:
        """Update a panel only when its inputs changed."""
        if self._panel_keys.get(widget_id) != key:
            self._panel_keys[widget_id] = key
            self.query_one(f"#{widget_id}", Static).update(render())

    def redraw_panels(self) -> None:
        if not self.is_attached:
            return
        state, lang, clock = self.state, self.lang, self.app.clock
        width = self.size.width or self.app.size.width
        now = int(clock.now().timestamp())
        operator = self.desk.actor.name
        offer = state.handover_offer.seq if state.handover_offer else None
        self._update("inc-header", (lang, width, state.level, state.in_charge, offer, state.closed_at, self.next_at,
                                    now),
                     lambda: panels.header(state, lang, clock, operator, self.next_at, width, role_name=self.role_name))
        if state.drill:
            self._update("drill-banner", (lang, width), lambda: panels.drill_banner(lang, width))
        closed = self.query_one("#inc-closed", Static)
        closed.display = not self.is_open
        if not self.is_open:
            self._update("inc-closed", (lang, state.closed_at), lambda: panels.closed_banner(state, lang, clock))
        target = self.target
        st = state.steps.get(target) if target else None
        self._update("step-card", (lang, target, state.current, st.status if st else None, st.choice if st else None,
                                   st.seq if st else None, state.closed_at),
                     lambda: panels.step_card(state, target, self.desk.roles, self.contacts(), lang, clock))
        wide = self.has_class("-wide")
        calls = frozenset(panels.called_contacts(state))
        timers = tuple((t.step_id, t.due_at, t.stopped, t.fired_seq) for t in state.timers.values())
        running = any(not t.stopped for t in state.timers.values())
        report = tuple((f, v[0]) for f, v in sorted(state.report.items()))
        self._update("info", (lang, wide, calls, timers, report, now if running else None,
                              tuple(s.status for s in state.steps.values())),
                     lambda: panels.info_panel(state, self.contacts(), lang, clock, report=not wide))
        if wide:
            self._update("report-panel", (lang, report),
                         lambda: Group(Text(tr("inc.report", lang), style="bold"), panels.report_table(state, lang)))
        timeline_width = self.query_one(Timeline).scrollable_content_region.width or width
        head = [Text("#"), Text(tr("col.time", lang)), Text(tr("col.elapsed", lang)), Text(tr("col.actor", lang)),
                Text(tr("col.what", lang))]
        self._update("timeline-head", (lang, timeline_width), lambda: fit(head, column_widths(timeline_width)))
        self._alerts = self.alerts()
        box = self.query_one("#alerts", Static)
        box.display = bool(self._alerts)
        text = panels.alerts_text(self._alerts, lang)
        self._update("alerts", text.plain, lambda: text)

    def tick(self) -> None:
        """Once a second: the elapsed time and the timers' countdowns."""
        self.redraw_panels()

    def alerts(self) -> list[Alert]:
        lang = self.lang
        out: list[Alert] = []
        if self.pending is not None:
            err = self.pending.error
            text = Text("⚠ ", style="bold reverse")
            text.append(tr("not_logged", lang) + ": ", style="bold reverse")
            text.append_text(safe(self.pending.label, "bold"))
            text.append(" — ").append_text(safe(err.message))
            if err.hint:
                text.append(" — ").append_text(safe(err.hint))
            text.append(tr("not_logged.keys", lang), style="bold")
            out.append(Alert("not_logged", text))
        if self.read_error is not None:
            text = Text("⚠ " + tr("journal.unreadable", lang) + ": ", style="bold reverse")
            text.append_text(safe(self.read_error.message))
            out.append(Alert("read", text))
        out.extend(self.two_desk_alerts())  # refusals, conflicts, instructions, handover
        out.extend(panels.timer_alerts(self.state, lang, self._local))
        out.extend(inject_alerts(self.state, lang, self._local))
        return out

    def ring(self) -> None:
        self.bells += 1
        self.app.bell()

    # -- following the journal --------------------------------------------------------

    def poll(self) -> None:
        """Fold in other desks' events; log timers that came due."""
        try:
            new = self.desk.refresh()
        except JournalError as exc:  # shown until the journal reads again (not a toast every poll)
            if self.read_error is None:
                self.read_error = exc
                self.redraw_panels()
            return
        if self.read_error is not None:
            self.read_error = None
            self.redraw_panels()
        if self.is_open and self.pending is None and self.state.due_timers(self.app.clock.now()):
            now = self.app.clock.now()
            self.act(tr("inc.timers", self.lang), lambda _h: self.desk.fire_due_timers(now), timed=False)
            return
        if self.is_open and self.pending is None and due_injects(self.state, self.app.clock.now()):
            now, stamp = self.app.clock.now(), self.app.clock.stamp()  # a drill's injects: each logged once
            self.act(tr("inject.label", self.lang), lambda _h: fire_due_injects(self.desk, now, happened_at=stamp),
                     timed=False)
            return
        if new:
            self.sync()

    # -- logging ----------------------------------------------------------------------

    def _happened(self) -> datetime | None:
        return self.next_at or self.app.clock.stamp()

    def act(self, label: str, run: Callable[[datetime | None], Any], *, timed: bool = True,
            happened_at: datetime | None = None) -> bool:
        """Run one logging action; the screen changes only after the journal committed it."""
        when = happened_at if happened_at is not None else (self._happened() if timed else None)
        try:
            run(when)
        except NotLogged as exc:
            first = when or (self.app.clock.now() if timed else None)
            self.pending = Pending(label, run, first, exc)
            self.ring()
            self.redraw_panels()
            self.update_bindings()
            return False
        except DeskError as exc:
            self.notify(tr("refused", self.lang, message=clean_text(str(exc))), severity="warning", markup=False)
            self.refused(exc, self.attempted)  # another desk did it first: an alert that stays
            self.poll()  # show what another desk did meanwhile
            self.sync()
            return False
        except JournalError as exc:
            self.notify(tr("refused", self.lang, message=clean_message(exc)), severity="error", markup=False)
            self.poll()
            self.sync()
            return False
        self.pending = None
        self.refusal = None
        if timed and self.next_at is not None:
            self.next_at = None
        self.sync()
        return True

    def _refuse(self, key: str, **values: object) -> None:
        self.notify(tr(key, self.lang, **values), severity="warning", markup=False)

    def _ask(self, title: str | Text, fields: list[Field], then: Callable[[dict[str, str]], None],
             note: Text | None = None) -> None:
        """One text field: the prompt line at the bottom; more, or a list to pick from: a dialog."""
        if len(fields) == 1 and fields[0].choices is None:
            field = fields[0]
            context = title if isinstance(title, Text) else (Text(title, style="dim") if title != field.label
                                                              else Text())
            if note is not None:
                context = note + Text("  ") + context
            self.query_one(PromptBar).ask(field.label, lambda value: then({field.name: value}), lang=self.lang,
                                          context=context, default=field.default, required=field.required,
                                          validate=field.validate, blink=self.app.blink)
            return

        def done(values: dict[str, str] | None) -> None:
            if values is not None:
                then(values)

        self.app.push_screen(FormScreen(title, fields, self.lang, note=note, blink=self.app.blink), done)

    def _binding(self, binding_id: str) -> Binding:
        """The binding with this id as remapped (for naming its key in a message)."""
        for _node, bindings in self._binding_chain:
            for _key, binding in bindings:
                if binding.id == binding_id:
                    return binding
        return Binding(binding_id, binding_id)

    def _step_label(self, step_id: str) -> str:
        """``7. Is anyone inj…``: a step named in a message (cleaned and cut by ``safe`` when shown)."""
        return step_title(self.state.plan, step_id, self.lang).plain[:40]

    def _number(self, step_id: str) -> int:
        return self.state.plan.position(step_id) + 1

    # -- which keys apply where ---------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("back", "report", "switch_focus", "goto", "export"):
            return True
        if not self.is_open:
            return False
        if action in ("instruct", "handover", "accept_handover"):
            return self.check_two_desks(action)
        target = self.target
        step = self.state.plan.step(target) if target else None
        settled = target is not None and self.state.steps[target].status in ("done", "skipped")
        if action == "done":
            return step is not None and not step.is_decision and not settled
        if action == "answer":
            return step is not None and step.is_decision and not settled and \
                int(parameters[0]) <= len(step.choices)  # type: ignore[arg-type]
        if action == "skip":
            return step is not None and not settled
        if action == "ack":
            return any(a.kind in ("inject", *ACKABLE) for a in self._alerts)
        if action == "retry":
            return self.pending is not None
        return True

    # -- actions ----------------------------------------------------------------------

    def action_done(self) -> None:
        step_id = self.target
        if step_id is None:
            return
        label = f"{key_label('done', self.lang)}: {self._step_label(step_id)}"
        if self.act(label, lambda h: self.desk.done(step_id, happened_at=h)):
            self._follow_current()

    def action_answer(self, number: int) -> None:
        step_id = self.target
        if step_id is None:
            return
        label = f"{key_label('answer', self.lang)}: {self._step_label(step_id)} → {number}"
        self.attempted = number
        try:
            logged = self.act(label, lambda h: self.desk.choose(step_id, number, happened_at=h))
        finally:
            self.attempted = None
        if logged:
            self._follow_current()

    def action_skip(self) -> None:
        step_id = self.target
        if step_id is None:
            return
        n = self._number(step_id)

        def then(values: dict[str, str]) -> None:
            reason = values["reason"]
            label = f"{key_label('skip', self.lang)}: {self._step_label(step_id)}"
            if self.act(label, lambda h: self.desk.skip(step_id, reason, happened_at=h)):
                self._follow_current()

        self._ask(step_title(self.state.plan, step_id, self.lang),
                  [Field("reason", tr("ask.skip", self.lang, n=n))], then)

    def action_note(self) -> None:
        def then(values: dict[str, str]) -> None:
            text = values["text"]
            self.act(tr("ask.note", self.lang), lambda h: self.desk.note(text, happened_at=h))

        self._ask(tr("ask.note", self.lang), [Field("text", tr("ask.note", self.lang))], then)

    def action_call(self) -> None:
        lang = self.lang
        contacts = self.contacts()
        target = self.target
        step_call = self.state.plan.step(target).call if target else None
        wanted = [c for _s, c in panels.calls_to_make(self.state)]
        order = list(dict.fromkeys(([step_call] if step_call else []) + wanted + sorted(contacts)))
        choices = []
        for cid in order:
            if cid in contacts:
                choices.append((cid, panels.call_text(cid, contacts, lang)))

        def then(values: dict[str, str]) -> None:
            cid = values["contact"]
            number = values.get("number", "") or (contacts[cid].number if cid in contacts else "")
            outcome = values["outcome"]
            if not number:
                self._refuse("form.required", label=tr("ask.call_number", lang))
                return
            step_id = target if step_call == cid else None
            self.act(f"☎ {number}", lambda h: self.desk.call(cid, outcome, number=number, step_id=step_id,
                                                               happened_at=h))

        title = Text(tr("ask.call_title", lang), style="bold")
        if target is not None:
            title = title + Text("  ") + step_title(self.state.plan, target, lang)
        self._ask(title, [
            Field("contact", tr("ask.call_contact", lang), default=order[0] if order else "", choices=choices),
            Field("number", tr("ask.call_number", lang), required=False,
                  placeholder=tr("ask.call_number", lang)),
            Field("outcome", tr("ask.call_outcome", lang)),
        ], then)

    def action_time(self) -> None:
        lang, clock = self.lang, self.app.clock
        timeline = self.query_one(Timeline)

        def parse(text: str) -> datetime:
            moment = parse_when(text, clock.local_now())
            return moment.astimezone(timezone.utc)

        def check(text: str) -> str | None:
            try:
                moment = parse(text)
            except TimeError:
                return tr("err.time", lang, text=clean_text(text))
            if moment > clock.now() + timedelta(seconds=1):
                return tr("err.future", lang, time=hms(clock.local(moment)))
            return None

        if timeline.has_focus and timeline.selected is not None:
            record = timeline.selected
            if record.kind == kinds.OPENED:
                self._refuse("err.opened_event")
                return
            seq = record.seq

            def amend(values: dict[str, str]) -> None:
                moment = parse(values["when"])
                self.act(f"#{seq} ⏱", lambda _h: self.desk.amend_time(seq, moment, values["reason"]), timed=False)

            self._ask(describe(record, self.state, self.contacts(), lang), [
                Field("when", tr("ask.time_amend", lang, seq=seq), validate=check),
                Field("reason", tr("ask.time_reason", lang)),
            ], amend)
            return

        def set_next(values: dict[str, str]) -> None:
            self.next_at = parse(values["when"]) if values["when"] else None
            self.redraw_panels()

        self._ask(tr("ask.time_next", lang), [
            Field("when", tr("ask.time_next", lang), required=False, validate=check,
                  default=hms(clock.local(self.next_at)) if self.next_at else ""),
        ], set_next)

    def action_level(self, direction: int) -> None:
        current = self.state.level if self.state.level in LEVEL_ORDER else "III"
        index = LEVEL_ORDER.index(current) + direction
        if index >= len(LEVEL_ORDER):
            self._refuse("err.level_max")
            return
        if index < 0:
            self._refuse("err.level_min")
            return
        level = LEVEL_ORDER[index]

        def then(values: dict[str, str]) -> None:
            reason = values["reason"]
            self.act(f"{current} → {level}", lambda _h: self.desk.change_level(level, reason), timed=False)

        self._ask(tr("ask.level", self.lang, level=level), [Field("reason", tr("ask.level", self.lang, level=level))],
                  then)

    def action_goto(self) -> None:
        total = len(self.state.plan.steps)

        def check(text: str) -> str | None:
            if not text.isdigit() or not 1 <= int(text) <= total:
                return tr("err.no_step", self.lang, n=clean_text(text))
            return None

        def then(values: dict[str, str]) -> None:
            checklist = self.query_one(Checklist)
            checklist.move_cursor(row=int(values["n"]) - 1, animate=False)
            checklist.focus()
            self.redraw_panels()

        self._ask(tr("ask.goto", self.lang, total=total), [Field("n", tr("ask.goto", self.lang, total=total),
                                                                  validate=check)], then)

    def action_retract(self) -> None:
        timeline = self.query_one(Timeline)
        if not timeline.has_focus:  # first pick the entry in the timeline
            timeline.focus()
            self._refuse("err.pick_event", key=self.app.get_key_display(self._binding("retract")))
            return
        record = timeline.selected
        if record is None:
            return
        if record.kind == kinds.OPENED:
            self._refuse("err.opened_event")
            return
        if self.state.is_void(record.seq):
            self._refuse("err.already_retracted", seq=record.seq)
            return
        seq = record.seq

        def then(values: dict[str, str]) -> None:
            reason = values["reason"]
            self.act(f"↶ #{seq}", lambda _h: self.desk.retract(seq, reason), timed=False)

        self._ask(describe(record, self.state, self.contacts(), self.lang),
                  [Field("reason", tr("ask.retract", self.lang, seq=seq))], then)

    def action_report(self) -> None:
        def submit(field: str, value: str) -> bool:
            label = pick(REPORT_LABELS[field], self.lang)
            return self.act(label, lambda _h: self.desk.set_field(field, value), timed=False)

        self.app.push_screen(ReportScreen(lambda: self.state, submit, self.lang, editable=self.is_open,
                                          blink=self.app.blink))

    def action_close(self) -> None:
        pending = [s for s in self.state.path if self.state.steps[s].status == "pending"]
        note = None
        if pending:
            note = Text(("仍有 {n} 个步骤未处理" if self.lang == "zh" else "{n} step(s) on the path still pending")
                        .format(n=len(pending)), style="bold")

        def then(values: dict[str, str]) -> None:
            outcome = values["outcome"]
            self.act("■", lambda _h: self.desk.close(outcome), timed=False)

        self._ask(tr("ask.close", self.lang), [Field("outcome", tr("ask.close", self.lang))], then, note=note)

    def action_export(self) -> None:
        from dutydesk.tui.export_action import ask_and_export

        ask_and_export(self)

    def action_ack(self) -> None:
        for alert in self._alerts:  # the top one that `a` acts on
            if alert.kind in ("not_logged", "refused"):  # dismissed: nothing was logged
                if alert.kind == "not_logged":
                    self.pending = None  # the operator gives up on the action that was not logged
                else:
                    self.refusal = None
                self.redraw_panels()
                self.update_bindings()
                return
            if alert.kind in ("timer", "inject", "instruction") and alert.seq is not None:
                seq = alert.seq
                self.act(f"✓ #{seq}", lambda _h: self.desk.acknowledge(seq), timed=False)
                return

    def action_retry(self) -> None:
        pending = self.pending
        if pending is None:
            return
        self.act(pending.label, pending.run, timed=pending.happened_at is not None, happened_at=pending.happened_at)

    def action_switch_focus(self) -> None:
        checklist = self.query_one(Checklist)
        timeline = self.query_one(Timeline)
        (checklist if timeline.has_focus else timeline).focus()

    def action_back(self) -> None:
        checklist = self.query_one(Checklist)
        if self.query_one(Timeline).has_focus:
            checklist.focus()
        elif self.state.current and checklist.selected_step not in (None, self.state.current):
            self._follow_current()
        else:
            self.app.go_home()

    def _follow_current(self) -> None:
        state = self.state
        if state.current is not None:
            self.query_one(Checklist).move_cursor(row=state.plan.position(state.current), animate=False)
        self.redraw_panels()
        self.update_bindings()

    # -- events -----------------------------------------------------------------------

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.redraw_panels()
        self.update_bindings()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self.update_bindings()

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        self.update_bindings()


def clean_text(value: object) -> str:
    from dutydesk.safetext import clean

    return clean(value, limit=300)


def clean_message(exc: JournalError) -> str:
    return clean_text(f"{exc.message} — {exc.hint}" if exc.hint else exc.message)
