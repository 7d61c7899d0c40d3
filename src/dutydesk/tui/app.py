"""The duty desk app: the home screen first, the journal opened behind it.

The first frame is drawn before SQLModel is imported: the plans and the journal
are loaded in a thread worker after mount, and the screens fill in when they
arrive. Everything that depends on the time asks ``self.clock`` (injectable), and
the language can be switched live (``l``): bindings, footer, help and plan text
all follow.
"""

from __future__ import annotations

import dataclasses
import getpass
from collections.abc import Callable, Iterable
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from dutydesk import settings as settings_mod
from dutydesk.safetext import clean
from dutydesk.settings import Settings, SettingsProblem
from dutydesk.tui import messages
from dutydesk.tui.clock import Clock
from dutydesk.tui.i18n import key_help, key_label, known_binding_ids, relabel, tr
from dutydesk.tui.screens.home import HomeScreen
from dutydesk.tui.text import safe

if TYPE_CHECKING:
    from dutydesk.journal.actor import Actor
    from dutydesk.journal.api import Journal
    from dutydesk.plans import Lang, Library

JournalFactory = Callable[[], "Journal"]


def binding_ids() -> set[str]:
    """Every binding id declared by the app's classes (a test checks it equals ``known_binding_ids``)."""
    from dutydesk.tui.screens.form import FormScreen
    from dutydesk.tui.screens.help import HelpScreen
    from dutydesk.tui.screens.home import HomeList
    from dutydesk.tui.screens.incident import IncidentScreen
    from dutydesk.tui.screens.picker import PickerScreen, SearchInput
    from dutydesk.tui.screens.replay import ReplayScreen
    from dutydesk.tui.screens.report import ReportList, ReportScreen
    from dutydesk.tui.screens.review import ReviewScreen
    from dutydesk.tui.widgets.prompt import PromptBar

    ids: set[str] = set()
    for cls in (DutyDeskApp, HomeScreen, HomeList, PickerScreen, SearchInput, IncidentScreen, ReportList,
                ReportScreen, FormScreen, HelpScreen, PromptBar, ReplayScreen, ReviewScreen):
        for binding in cls.BINDINGS:
            if isinstance(binding, Binding) and binding.id:
                ids.add(binding.id)
    return ids


class DutyDeskApp(App[None]):
    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "dutydesk"
    BINDINGS = [
        Binding("question_mark", "help", "Help", id="help", key_display="?"),
        Binding("l", "switch_lang", "中/EN", id="lang"),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True, show=False),
        Binding("ctrl+p", "command_palette", "Commands", id="palette", priority=True),
    ]

    def __init__(
        self,
        *,
        db: Path | None = None,
        plans_dir: Path | None = None,
        lang: Lang | None = None,
        resume: str | None = None,
        replay: str | None = None,
        settings: Settings | None = None,
        settings_problems: Iterable[SettingsProblem | str] = (),
        clock: Clock | None = None,
        operator: tuple[str, str] | None = None,
        journal_factory: JournalFactory | None = None,
        library: Library | None = None,
        blink: bool = True,
        poll_interval: float = 0.5,
    ):
        super().__init__()
        if settings is None:
            settings, problems = settings_mod.load_settings(known_keys=known_binding_ids())
            settings_problems = [*problems, *settings_problems]
        self.settings = settings
        self.settings_problems = [str(p) for p in settings_problems]
        self.lang: Lang = lang or settings.lang or _default_lang()  # type: ignore[assignment]
        self.clock = clock or Clock()
        self.db = db
        self.plans_dir = plans_dir
        self.resume = resume
        self.replay = replay  # ``dutydesk replay INCIDENT``: straight to its replay, no operator needed
        self.operator = operator or settings_mod.remembered_operator(self.clock.now())
        self.journal_factory = journal_factory
        self.library: Library | None = library
        self.journal: Journal | None = None
        self.journal_error: str | None = None
        self.home_alert: Text | None = None
        self.actor: Actor | None = None
        self.blink = blink
        self.poll_interval = poll_interval
        self._watched: dict[str, Any] = {}  # open incidents not on screen: id -> Desk
        self.feed: Any = None  # tui.follow.IncidentFeed: the home list, followed from the journal
        if settings.keys:
            self.set_keymap(dict(settings.keys))

    # -- start-up ---------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        return HomeScreen()

    def on_mount(self) -> None:
        if not self.is_headless and self.console.color_system in (None, "standard", "windows"):
            self.theme = "ansi-dark"  # 16 colours: the terminal's own palette stays readable
        relabel(self, self.lang)
        self.run_worker(self._load, thread=True, exclusive=True, group="load")
        self.set_interval(2.0, self._watch_timers)
        self.set_interval(self.poll_interval, self._follow)  # other desks' new and closed incidents

    def _load(self) -> None:
        """In a thread: the plans (then the home screen can list them), then the journal."""
        if self.library is None:
            from dutydesk.plans import load_library

            library = self._with_branch_numbers(load_library(user_dir=self.plans_dir))
            self.call_from_thread(self._plans_ready, library)
        else:
            self.call_from_thread(self._plans_ready, self._with_branch_numbers(self.library))
        from dutydesk.journal.errors import JournalError

        try:
            if self.journal_factory is not None:
                journal = self.journal_factory()
            else:
                from dutydesk.journal.api import Journal

                journal = Journal.open(self.db)
        except JournalError as exc:
            self.call_from_thread(self._journal_failed, f"{exc.message} — {exc.hint}" if exc.hint else exc.message)
            return
        self.call_from_thread(self._journal_ready, journal)
        import dutydesk.desk  # noqa: F401 - warm the imports before the first key
        import dutydesk.tui.screens.incident  # noqa: F401

    def _with_branch_numbers(self, library: Library) -> Library:
        """The library with the branch's contact numbers (settings ``[contacts]``) applied."""
        if not self.settings.contacts:
            return library
        contacts = dict(library.contacts)
        for cid, number in self.settings.contacts.items():
            if cid in contacts:
                contacts[cid] = dataclasses.replace(contacts[cid], number=number)
            else:
                line = self.settings.line_of(f"contacts.{cid}")
                self.settings_problems.append(
                    f"{self.settings.path}:{line}: unknown contact id '{cid}' (see data/plans/contacts.yaml)")
        return dataclasses.replace(library, contacts=MappingProxyType(contacts))

    def _plans_ready(self, library: Library) -> None:
        self.library = library
        for plan_id in self.settings.frequent:
            if plan_id not in library.plans:
                line = self.settings.line_of("frequent")
                self.settings_problems.append(f"{self.settings.path}:{line}: frequent: no plan '{clean(plan_id)}'")
        self._redraw_screens()

    def _journal_failed(self, message: str) -> None:
        self.journal_error = message
        self._redraw_screens()

    def _journal_ready(self, journal: Journal) -> None:
        self.journal = journal
        self._redraw_screens()
        if self.replay:
            from dutydesk.tui.screens.replay import open_replay

            ref, self.replay = self.replay, None
            open_replay(self, ref)
            return
        self.ensure_operator(then=self._after_operator)

    def _after_operator(self) -> None:
        if self.resume:
            ref, self.resume = self.resume, None
            self.open_incident(ref)

    def _redraw_screens(self) -> None:
        for screen in self.screen_stack:
            apply = getattr(screen, "apply_lang", None) or getattr(screen, "redraw", None)
            if apply is not None and screen.is_mounted:
                apply()

    # -- the operator -----------------------------------------------------------------

    def role_name(self, role_id: str) -> str:
        role = self.library.roles.get(role_id) if self.library is not None else None
        return role.name.get(self.lang) if role else role_id

    def ensure_operator(self, then: Callable[[], None]) -> None:
        if self.operator is None:
            self.operator = settings_mod.remembered_operator(self.clock.now())
        if self.operator is not None:
            self._make_actor()
            then()
            return
        self.ask_operator(then=then)

    def ask_operator(self, then: Callable[[], None] | None = None) -> None:
        from dutydesk.tui.screens.form import Field, FormScreen

        lang = self.lang
        roles = self.library.roles if self.library is not None else {}
        choices = [(rid, safe(role.name.get(lang)) + Text(f"  {rid}", style="dim")) for rid, role in roles.items()]
        if not choices:
            choices = [("supervisor", Text("supervisor"))]
        name, role = self.operator or (_os_user(), "supervisor")

        def done(values: dict[str, str] | None) -> None:
            if values is not None:
                self.operator = (values["name"], values["role"] or "supervisor")
                settings_mod.remember_operator(*self.operator, self.clock.now())
            elif self.operator is None:
                self.operator = (name, role)
            self._make_actor()
            self._redraw_screens()
            if then is not None:
                then()

        self.push_screen(FormScreen(tr("ask.operator_title", lang), [
            Field("name", tr("ask.operator_name", lang), default=name),
            Field("role", tr("ask.operator_role", lang), default=role, choices=choices),
        ], lang, blink=self.blink), done)

    def _make_actor(self) -> None:
        from dutydesk.journal.actor import Actor

        name, role = self.operator or (_os_user(), "supervisor")
        self.actor = Actor.from_environment(name=name, role=role)

    # -- incidents --------------------------------------------------------------------

    def list_incidents(self) -> tuple[list[Any], list[Any]]:
        """(open incidents, recent closed ones) for the home screen."""
        from dutydesk.journal.errors import JournalError

        if self.journal is None:
            return [], []
        try:
            return self._feed().lists()  # loaded once, then followed (``_follow``)
        except JournalError as exc:
            self.home_alert = Text("⚠ ", style="bold") + safe(exc.message)
            return [], []

    def _feed(self) -> Any:
        from dutydesk.tui.follow import IncidentFeed

        if self.feed is None or self.feed.journal is not self.journal:
            self.feed = IncidentFeed(self.journal)
        return self.feed

    def _follow(self) -> None:
        """Read what any desk wrote since the last look; incidents opened or closed reach the home list."""
        from dutydesk.journal.errors import JournalError

        if self.journal is None:
            return
        try:
            changed = self._feed().poll()
        except JournalError:
            return  # the home list says so when it next reads
        home = self.screen_stack[0] if self.screen_stack else None
        if changed and isinstance(home, HomeScreen) and self.screen is home and home.is_mounted:
            home.show()

    def _watch_timers(self) -> None:
        """Timers of open incidents ring even when no incident screen is showing them."""
        if self.journal is None or self.actor is None:
            return
        from dutydesk.desk import Desk, DeskError
        from dutydesk.journal.errors import JournalError
        from dutydesk.plans import PlanError
        from dutydesk.tui.screens.incident import IncidentScreen

        shown = {s.desk.id for s in self.screen_stack if isinstance(s, IncidentScreen)}
        try:
            open_ = [i for i in self._feed().lists()[0][:20] if i.id not in shown]
            self._watched = {i.id: self._watched.get(i.id) or Desk(self.journal, i, self.actor) for i in open_}
            for desk in self._watched.values():
                desk.refresh()
                if desk.state.drill:  # a drill's injects come at their time, shown or not
                    from dutydesk.tui.drill import fire_unseen

                    if fire_unseen(self, desk):
                        self._redraw_screens()
                if not desk.state.due_timers(self.clock.now()):
                    continue
                for logged in desk.fire_due_timers(self.clock.now()):
                    self.bell()
                    step = desk.plan.step(logged.record.step_id) if logged.record.step_id else None
                    text = Text("⏰ " + tr("timer.due", self.lang) + " ", style="bold reverse")
                    text.append_text(safe(desk.plan.title.get(self.lang), "bold reverse"))
                    text.append(f" ({desk.id[:6]})", style="bold reverse")
                    if step is not None:
                        text.append(": ").append_text(safe(step.prompt.get(self.lang), limit=60))
                    self.home_alert = text
                    self._redraw_screens()
        except (JournalError, DeskError, PlanError):
            return  # the incident screen and the home list show journal problems

    def open_picker(self, *, drill: bool, category: str | None = None) -> None:
        from dutydesk.tui.screens.picker import PickerScreen

        self.push_screen(PickerScreen(drill=drill, category=category))

    def go_home(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()
        home = self.screen_stack[0]
        if isinstance(home, HomeScreen):
            home.show(top=True)

    def _not_ready(self) -> bool:
        if self.journal is None or self.actor is None or self.library is None:
            key = "err.no_journal" if self.journal is None else "err.no_operator"
            self.notify(tr(key, self.lang), severity="warning", markup=False)
            return True
        return False

    def on_start_incident(self, message: messages.StartIncident) -> None:
        from dutydesk.desk import Desk
        from dutydesk.journal.errors import JournalError, NotLogged

        if self._not_ready():
            return
        assert self.journal is not None and self.library is not None and self.actor is not None
        scenario = None
        if message.drill and message.scenario:  # checked before anything is opened
            from dutydesk.tui.drill import load_for_drill

            scenario = load_for_drill(self, message.scenario, message.plan_id)
            if scenario is None:
                return
        try:
            desk = Desk.open_new(self.journal, self.library, message.plan_id, actor=self.actor,
                                 branch=self.settings.branch, drill=message.drill, happened_at=self.clock.stamp())
        except NotLogged as exc:
            self.bell()
            text = Text("⚠ " + tr("not_logged", self.lang) + ": ", style="bold reverse") + safe(exc.message) + \
                Text(" — ") + safe(exc.hint)
            self.home_alert = text
            self.notify(clean(f"{tr('not_logged', self.lang)}: {exc.message} — {exc.hint}"), severity="error",
                        timeout=30, markup=False)
            return
        except JournalError as exc:
            self.notify(clean(exc.message), severity="error", markup=False)
            return
        if scenario is not None:
            from dutydesk.tui.drill import attach_to

            attach_to(self, desk, scenario)
        self.home_alert = None
        self._show_desk(desk)

    def on_open_incident(self, message: messages.OpenIncident) -> None:
        self.open_incident(message.ref)

    def open_incident(self, ref: str) -> None:
        from dutydesk.desk import Desk
        from dutydesk.journal.errors import JournalError
        from dutydesk.plans import PlanError

        if self._not_ready():
            return
        assert self.journal is not None and self.actor is not None
        try:
            desk = Desk(self.journal, self.journal.incident(ref), self.actor)
        except JournalError as exc:
            self.home_alert = Text("⚠ " + tr("err.unknown_incident", self.lang, message=""), style="bold") + \
                safe(exc.message)
            self.notify(tr("err.unknown_incident", self.lang, message=clean(exc.message)), severity="error",
                        markup=False)
            self._redraw_screens()
            return
        except PlanError as exc:
            self.notify(tr("err.plan_snapshot", self.lang, message=clean(str(exc))), severity="error", markup=False)
            return
        self._show_desk(desk)

    def _show_desk(self, desk: Any) -> None:
        from dutydesk.tui.screens.incident import IncidentScreen

        self.home_alert = None

        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(IncidentScreen(desk))

    # -- language, help, palette ------------------------------------------------------

    def action_switch_lang(self) -> None:
        self.set_lang("en" if self.lang == "zh" else "zh")

    def set_lang(self, lang: Lang) -> None:
        self.lang = lang
        relabel(self, lang)
        for screen in self.screen_stack:
            relabel(screen, lang)
            for node in screen.query("*"):
                if any(b.id for _k, b in node._bindings):
                    relabel(node, lang)
        self._redraw_screens()
        self.refresh_bindings()

    def action_help(self) -> None:
        from dutydesk.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
            return
        self.push_screen(HelpScreen(self.screen, self.lang))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette offers every key of the screen, in the language on screen."""
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.id or binding.id in seen or binding.id == "palette" or not active.enabled:
                continue
            seen.add(binding.id)
            title = f"{key_label(binding.id, self.lang)} ({self.get_key_display(binding)})"
            action, node = binding.action, active.node

            async def run(action: str = action, node: Any = node) -> None:
                await self.run_action(action, node)

            yield SystemCommand(_plain(title), _plain(key_help(binding.id, self.lang)), run)
        yield SystemCommand("Theme", "Change the colours", self.action_change_theme)
        yield SystemCommand("Screenshot", "Save an SVG screenshot",
                            lambda: self.set_timer(0.1, self.deliver_screenshot))

    def on_unmount(self) -> None:
        if self.journal is not None:
            self.journal.close()


def _plain(text: str) -> str:
    """The palette parses markup: our own labels only, with brackets escaped."""
    return text.replace("[", "(").replace("]", ")")


def _default_lang() -> str:
    """The rule of ``dutydesk.lang.default_lang`` (a test keeps them equal), without importing it:
    it loads the plan package, which the first frame does without."""
    import os

    for name in ("DUTYDESK_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "").lower()
        if value:
            return "zh" if value.startswith("zh") else "en"
    return "en"


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # pragma: no cover - no user database
        return "operator"
