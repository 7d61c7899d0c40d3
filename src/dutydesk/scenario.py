"""Drill scenarios: timed injects a trainer adds to a drill ("+02:00 the robber demands more cash").

A scenario file (YAML: ``data/scenarios/<id>.yaml``, or the trainers' own folder,
:func:`dutydesk.paths.user_scenarios_dir`)::

    id: robbery-armed-cash-demand
    plan: robbery-armed              # or a list of plan ids; leave it out for any plan
    title: {zh: ..., en: ...}        # or one string
    source: "seed 002, 篇9 一(六)"     # optional
    injects:
      - "+00:30 A customer screams and runs for the door"
      - at: "+02:00"
        text: {zh: 歹徒要求再拿更多现金, en: The robber demands more cash}

Times count from the drill's opening: ``+MM:SS``, ``+H:MM:SS`` or a duration
(``90s``, ``2m``, ``1h30m``), in time order. Text is one string (shown in both
languages) or ``{zh, en}``. Problems name the file and the line, as plan problems do
(the same YAML reader and ``Checker``).

On the record: attaching a scenario logs a ``note`` that carries the whole scenario
(``payload.scenario``), so every desk and the replay know the injects without the
file, and a later edit of the file never changes a past drill. Each inject is logged
once, as an ``inject`` event, when it comes due, by whichever desk gets there first:
the write is made only if nothing was written since the desk looked
(``expect_last_seq``); a desk that lost the race looks again and finds it logged.

No Textual, no database import here: the desk, the CLI and the app use it alike.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dutydesk import paths
from dutydesk.journal import kinds
from dutydesk.plans.duration import parse_duration
from dutydesk.plans.model import Lang
from dutydesk.plans.model import Text as PlanText
from dutydesk.plans.problems import Problem
from dutydesk.plans.validate import Checker, suggest
from dutydesk.plans.yamlnodes import YamlProblem, line_of, load

if TYPE_CHECKING:
    from dutydesk.desk import Desk, Logged
    from dutydesk.incident import IncidentState, Record

SUFFIXES = (".yaml", ".yml")
SCENARIO_KEYS = ("id", "plan", "title", "source", "injects")
SCENARIO_REQUIRED = ("id", "title", "injects")
INJECT_KEYS = ("at", "text")
MAX_INJECTS = 200
MAX_OFFSET = 24 * 3600          # a drill longer than a day is a mistake
MAX_TEXT = 2000
ID_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
TIME_FORMS = "+MM:SS, +H:MM:SS, or 90s, 2m, 1h30m"
_CLOCK = re.compile(r"(?:(\d+):)?(\d+):(\d{2})")

#: the field of the ``note`` payload that carries the scenario
FIELD = "scenario"


class ScenarioError(Exception):
    """A scenario that cannot be used; ``problems`` say where and why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True, slots=True)
class Inject:
    n: int                 # 1-based, in the file's order (which is time order)
    at: int                # seconds after the opening
    text: PlanText
    line: int = 0

    @property
    def when(self) -> str:
        return offset_text(self.at)


@dataclass(frozen=True, slots=True)
class Scenario:
    id: str
    title: PlanText
    injects: tuple[Inject, ...]
    plans: tuple[str, ...] = ()        # the plans it is written for (none: any)
    source: str = ""
    path: str = ""
    sha256: str = ""                   # of the file, for provenance

    def fits(self, plan_id: str) -> bool:
        return not self.plans or plan_id in self.plans

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title.to_dict(),
            "plans": list(self.plans),
            "source": self.source,
            "file": Path(self.path).name if self.path else "",
            "sha256": self.sha256,
            "injects": [{"n": i.n, "at": i.at, "text": i.text.to_dict()} for i in self.injects],
        }

    @classmethod
    def from_dict(cls, data: Any) -> Scenario | None:
        """The scenario a journal note carries (None if it is not one: the record is untrusted)."""
        try:
            injects = tuple(
                Inject(int(i["n"]), int(i["at"]), PlanText(str(i["text"]["zh"]), str(i["text"]["en"])))
                for i in data["injects"]
            )
            return cls(
                id=str(data["id"]),
                title=PlanText(str(data["title"]["zh"]), str(data["title"]["en"])),
                injects=injects,
                plans=tuple(str(p) for p in data.get("plans") or ()),
                source=str(data.get("source") or ""),
                path=str(data.get("file") or ""),
                sha256=str(data.get("sha256") or ""),
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            return None


# -- times ---------------------------------------------------------------------------------


def parse_offset(value: object) -> int | None:
    """Seconds after the opening that ``value`` names (``+02:00``, ``+1:02:03``, ``90s``, ``2m``), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value <= MAX_OFFSET else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.startswith("+"):
        text = text[1:].strip()
    if m := _CLOCK.fullmatch(text):
        hours, minutes, seconds = int(m.group(1) or 0), int(m.group(2)), int(m.group(3))
        if seconds > 59 or (m.group(1) is not None and minutes > 59):
            return None
        total = hours * 3600 + minutes * 60 + seconds
    else:
        duration = parse_duration(text)
        if duration is None or duration.workdays:
            return None
        total = duration.seconds
    return total if total <= MAX_OFFSET else None


def offset_text(seconds: float) -> str:
    """``+2:00``, ``+1:02:03``."""
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"+{hours}:{minutes:02d}:{secs:02d}" if hours else f"+{minutes}:{secs:02d}"


# -- reading files -------------------------------------------------------------------------


def build_scenario(
    data: Any, lines: dict[tuple[Any, ...], int], path: Path, *, plans: Collection[str] | None = None,
    sha256: str = "",
) -> tuple[Scenario | None, list[Problem]]:
    """Check one scenario's data; the scenario (None if anything is wrong) and the problems."""
    check = Checker(path, lines)
    root = check.mapping(data, (), "a scenario file")
    if root is None:
        return None, check.problems
    check.known_keys(root, SCENARIO_KEYS, (), "the scenario")
    for key in SCENARIO_REQUIRED:
        if key not in root:
            check.add((), f"missing required key '{key}'")
    scenario_id = None
    if "id" in root:
        value = root["id"]
        if not isinstance(value, str) or not ID_RE.fullmatch(value):
            check.add(("id",), f"scenario id {_show(value)} must be lowercase letters, digits and dashes")
        else:
            scenario_id = value
            if path.suffix in SUFFIXES and path.stem != value:
                check.add(("id",), f"scenario id '{value}' does not match the file name '{path.name}'; "
                                   f"name the file '{value}.yaml'")
    title = _text(check, root["title"], ("title",), "title") if "title" in root else None
    for_plans = _plans(check, root.get("plan"), plans) if root.get("plan") is not None else ()
    source = root.get("source", "")
    if not isinstance(source, str):
        check.add(("source",), "source must be text")
        source = ""
    injects = _injects(check, root["injects"]) if "injects" in root else ()
    if check.problems or scenario_id is None or title is None or not injects:
        return None, check.problems
    return Scenario(scenario_id, title, injects, for_plans, source.strip(), str(path), sha256), []


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 60 else text[:57] + "...'"


def _text(check: Checker, value: Any, where: tuple[Any, ...], what: str) -> PlanText | None:
    """One string (both languages) or ``{zh, en}``."""
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        text = str(value).strip()
        if not text:
            check.add(where, f"{what} is empty")
            return None
        if len(text) > MAX_TEXT:
            check.add(where, f"{what} is longer than {MAX_TEXT} characters")
            return None
        return PlanText(text, text)
    if isinstance(value, dict):
        found = check.text(value, where, what)
        if found is not None and max(len(found.zh), len(found.en)) > MAX_TEXT:
            check.add(where, f"{what} is longer than {MAX_TEXT} characters")
            return None
        return found
    check.add(where, f"{what} must be text, or {{zh: ..., en: ...}}")
    return None


def _plans(check: Checker, value: Any, known: Collection[str] | None) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for index, item in enumerate(items):
        where = ("plan", index) if isinstance(value, list) else ("plan",)
        if not isinstance(item, str) or not item.strip():
            check.add(where, "plan must be a plan id, or a list of plan ids")
        elif known is not None and item not in known:
            check.add(where, f"unknown plan '{item}'{suggest(item, known)}")
        else:
            out.append(item)
    return tuple(out)


def _injects(check: Checker, raw: Any) -> tuple[Inject, ...]:
    if not isinstance(raw, list) or not raw:
        check.add(("injects",), "injects must be a non-empty list")
        return ()
    if len(raw) > MAX_INJECTS:
        check.add(("injects",), f"{len(raw)} injects; a scenario holds at most {MAX_INJECTS}")
        return ()
    out: list[Inject] = []
    previous: Inject | None = None
    for index, item in enumerate(raw):
        n, where = index + 1, ("injects", index)
        line = line_of(check.lines, where)
        if isinstance(item, str):
            head, _, rest = item.strip().partition(" ")
            at = parse_offset(head) if head.startswith("+") else None
            if at is None:
                check.add(where, f"inject {n}: write it as '+MM:SS what happens' (or as 'at:' and 'text:'); "
                                 f"'{_show(head)[1:-1]}' is not a time like {TIME_FORMS}")
                continue
            text = _text(check, rest, where, f"the text of inject {n}")
        else:
            data = check.mapping(item, where, f"inject {n}")
            if data is None:
                continue
            check.known_keys(data, INJECT_KEYS, where, f"inject {n}")
            missing = [k for k in INJECT_KEYS if k not in data]
            if missing:
                check.add(where, f"inject {n} needs " + " and ".join(f"'{k}'" for k in missing))
                continue
            at = parse_offset(data["at"])
            if at is None:
                check.add(where + ("at",), f"bad time {_show(data['at'])} for inject {n}: write it as {TIME_FORMS} "
                                           f"(at most 24 hours)")
                continue
            text = _text(check, data["text"], where + ("text",), f"the text of inject {n}")
        if text is None:
            continue
        inject = Inject(n, at, text, line)
        if previous is not None and inject.at < previous.at:
            check.add(where, f"inject {n} at {inject.when} comes before inject {previous.n} at {previous.when}: "
                             "list the injects in time order")
        previous = inject
        out.append(inject)
    return tuple(out)


def read_scenario(path: Path, *, plans: Collection[str] | None = None) -> tuple[Scenario | None, list[Problem]]:
    """One scenario file: the scenario, or None and its problems (each with its line)."""
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(path, 1, f"not UTF-8 text ({exc.reason} at byte {exc.start}); save the file as UTF-8")]
    except OSError as exc:
        return None, [Problem(path, 1, f"cannot read the file: {exc.strerror or exc}")]
    try:
        data, lines = load(text)
    except YamlProblem as exc:
        return None, [Problem(path, exc.line, exc.message)]
    if data is None:
        return None, [Problem(path, 1, "the file is empty")]
    return build_scenario(data, lines, path, plans=plans, sha256=hashlib.sha256(raw).hexdigest())


def load_scenario(path: Path, *, plans: Collection[str] | None = None) -> Scenario:
    """One scenario file, or :class:`ScenarioError`."""
    scenario, problems = read_scenario(path, plans=plans)
    if scenario is None:
        raise ScenarioError(problems)
    return scenario


def scenario_dirs(user_dir: Path | None = None) -> list[Path]:
    """The bundled scenarios, then the trainers' own folder if there is one."""
    user = paths.user_scenarios_dir(user_dir)
    return [paths.bundled_scenarios_dir()] + ([user] if user.is_dir() else [])


def load_scenarios(
    dirs: Iterable[Path] | None = None, *, plans: Collection[str] | None = None
) -> tuple[dict[str, Scenario], list[Problem]]:
    """Every scenario in ``dirs`` (later folders replace earlier ones by id), and the problems."""
    found: dict[str, Scenario] = {}
    problems: list[Problem] = []
    for folder in scenario_dirs() if dirs is None else dirs:
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.iterdir() if p.suffix in SUFFIXES and not p.name.startswith(".")):
            scenario, file_problems = read_scenario(path, plans=plans)
            problems.extend(file_problems)
            if scenario is not None:
                found[scenario.id] = scenario
    return found, problems


def find_scenario(ref: str, *, plans: Collection[str] | None = None, dirs: Iterable[Path] | None = None) -> Scenario:
    """A scenario by file path, or by id among the bundled and the trainers' own."""
    path = Path(ref).expanduser()
    if path.is_file() or path.suffix in SUFFIXES or "/" in ref:
        return load_scenario(path, plans=plans)
    found, problems = load_scenarios(dirs, plans=plans)
    if ref in found:
        return found[ref]
    known = ", ".join(sorted(found)) or "none"
    where = Path(ref)
    message = f"no scenario '{ref}'{suggest(ref, found)}; known: {known}"
    broken = [p for p in problems if p.path.stem == ref]
    raise ScenarioError(broken or [Problem(where, 1, message)])


# -- on the record -------------------------------------------------------------------------


def note_payload(scenario: Scenario) -> dict[str, Any]:
    title = scenario.title.zh if scenario.title.zh == scenario.title.en else f"{scenario.title.zh} / {scenario.title.en}"
    text = f"演练情景 Scenario: {title} ({scenario.id}, {len(scenario.injects)} injects)"
    return {"text": text, FIELD: scenario.to_dict()}


def attached(state: IncidentState) -> tuple[Record, Scenario] | None:
    """The scenario this drill runs (the first one attached and not retracted), with its note."""
    if not state.drill:
        return None
    for record in state.records:
        if record.kind == kinds.NOTE and isinstance(record.payload.get(FIELD), Mapping) \
                and not state.is_void(record.seq):
            scenario = Scenario.from_dict(record.payload[FIELD])
            if scenario is not None:
                return record, scenario
    return None


def logged_injects(state: IncidentState, scenario: Scenario) -> dict[int, Record]:
    """Inject number -> its ``inject`` event (a retracted one counts: it did appear)."""
    out: dict[int, Record] = {}
    for record in state.records:
        if record.kind == kinds.INJECT and record.payload.get(FIELD) == scenario.id:
            n = record.payload.get("n")
            if isinstance(n, int) and n not in out:
                out[n] = record
    return out


def due_injects(state: IncidentState, now: datetime) -> list[Inject]:
    """The injects whose time has come and that no desk has logged yet, in order."""
    found = attached(state)
    if found is None or state.opened_at is None or state.closed_at is not None:
        return []
    _note, scenario = found
    done = logged_injects(state, scenario)
    opened = state.opened_at
    return [i for i in scenario.injects if i.n not in done and opened + timedelta(seconds=i.at) <= now]


def inject_payload(scenario: Scenario, inject: Inject, opened: datetime) -> dict[str, Any]:
    from dutydesk.journal.times import format_utc

    payload: dict[str, Any] = {
        "text": inject.text.zh,
        "at": inject.at,
        "n": inject.n,
        FIELD: scenario.id,
        "due_at": format_utc(opened + timedelta(seconds=inject.at)),
    }
    if inject.text.en != inject.text.zh:
        payload["i18n"] = inject.text.to_dict()
    return payload


def inject_text(payload: Mapping[str, Any], lang: Lang) -> str:
    """The text of a logged inject in ``lang`` (falls back to ``text``)."""
    texts = payload.get("i18n")
    if isinstance(texts, Mapping) and isinstance(texts.get(lang), str):
        return str(texts[lang])
    return str(payload.get("text", ""))


def attach(desk: Desk, scenario: Scenario, *, happened_at: datetime | None = None) -> Logged:
    """Put the scenario on the drill's record (a ``note`` carrying it)."""
    from dutydesk.desk import DeskError

    desk.refresh()
    if not desk.state.drill:
        raise DeskError("a scenario belongs to a drill; this incident is real")
    if not scenario.fits(desk.plan.id):
        raise DeskError(f"scenario '{scenario.id}' is written for {', '.join(scenario.plans)}, not '{desk.plan.id}'")
    found = attached(desk.state)
    if found is not None:
        raise DeskError(f"this drill already runs scenario '{found[1].id}' (event #{found[0].seq})")
    return desk.log(kinds.NOTE, payload=note_payload(scenario), happened_at=happened_at)


def fire_due_injects(desk: Desk, now: datetime | None = None, *, happened_at: datetime | None = None) -> list[Logged]:
    """Log every inject that has come due, each exactly once however many desks try."""
    from dutydesk.desk import DeskError
    from dutydesk.journal.errors import StaleState
    from dutydesk.journal.times import utcnow

    now = now or utcnow()
    fired: list[Logged] = []
    races = 0
    while True:
        desk.refresh()
        due = due_injects(desk.state, now)
        if not due:
            return fired
        found = attached(desk.state)
        assert found is not None and desk.state.opened_at is not None
        payload = inject_payload(found[1], due[0], desk.state.opened_at)
        try:
            fired.append(desk.log(kinds.INJECT, payload=payload, happened_at=happened_at,
                                  expect_last_seq=desk.state.last_seq))
        except StaleState:  # another desk wrote first: look again (it may have logged this inject)
            races += 1
            if races > 50:
                raise DeskError("the drill keeps changing under this desk; injects will be logged at the next look") \
                    from None
