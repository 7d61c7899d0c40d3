"""The typed, immutable plan model.

A plan is a list of steps. An action step says what to do (``text``); a decision
step asks a question (``ask``) with 2 to 9 numbered ``choices``. Steps follow
their order unless a ``goto`` sends the flow elsewhere (``END`` finishes it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from dutydesk.plans.duration import Duration

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
END = "end"

CATEGORIES: dict[str, tuple[str, str]] = {
    "security": ("安全保卫", "Security"),
    "atm": ("自助设备", "ATMs"),
    "cash-transport": ("押运", "Cash transport"),
    "fire-disaster": ("消防与灾害", "Fire and disaster"),
    "operations": ("运营与系统", "Operations and systems"),
    "service": ("网点服务", "Branch service"),
    "complaint": ("投诉", "Complaints"),
    "compliance": ("合规", "Compliance"),
}


@dataclass(frozen=True, slots=True)
class Text:
    """Bilingual text: ``zh`` is the original, ``en`` its translation."""

    zh: str
    en: str

    def get(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en

    def to_dict(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}


@dataclass(frozen=True, slots=True)
class Choice:
    label: Text
    goto: str | None = None


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    line: int
    text: Text | None = None
    ask: Text | None = None
    choices: tuple[Choice, ...] = ()
    who: str | None = None
    call: str | None = None
    critical: bool = False
    target: Duration | None = None
    remind_after: Duration | None = None
    goto: str | None = None

    @property
    def is_decision(self) -> bool:
        return self.ask is not None

    @property
    def prompt(self) -> Text:
        """What the step says: its action or its question."""
        return self.ask if self.ask is not None else self.text  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class Plan:
    id: str
    title: Text
    category: str
    level: str
    source: str
    steps: tuple[Step, ...]
    keywords: tuple[str, ...] = ()
    summary: Text | None = None
    path: str = ""
    origin: Literal["bundled", "branch", "snapshot"] = "bundled"
    _index: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._index.update({step.id: i for i, step in enumerate(self.steps)})

    def step(self, step_id: str) -> Step:
        return self.steps[self._index[step_id]]

    def has_step(self, step_id: str) -> bool:
        return step_id in self._index

    def position(self, step_id: str) -> int:
        return self._index[step_id]

    def next_of(self, step_id: str) -> str:
        """Where the flow goes after an action step (or a choice without goto)."""
        i = self._index[step_id]
        return self.steps[i + 1].id if i + 1 < len(self.steps) else END

    def successors(self, step: Step) -> list[str]:
        if step.is_decision:
            after = self.next_of(step.id)
            return [c.goto or after for c in step.choices]
        return [step.goto or self.next_of(step.id)]


@dataclass(frozen=True, slots=True)
class Contact:
    id: str
    name: Text
    number: str = ""


@dataclass(frozen=True, slots=True)
class Role:
    id: str
    name: Text


@dataclass(frozen=True, slots=True)
class Level:
    id: str
    name: Text
    definition: Text
