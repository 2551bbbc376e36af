"""A flow: named steps, each a pair of `ask_<step>` (what it shows) and `on_<step>` (how it
reacts). Checked when the module is imported, so a broken flow never starts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from dialogs.core import Incoming, Outcome, Prompt

if TYPE_CHECKING:
    from dialogs.context import Ctx

Ask = Callable[["Ctx"], Prompt | Awaitable[Prompt]]
React = Callable[[Incoming, "Ctx"], Awaitable[Outcome]]


class FlowError(ValueError):
    pass


@dataclass(frozen=True)
class Flow:
    """`takes_text` names the steps that ask for free text, media or a contact; `keeps_text`
    the steps that ask for a choice but keep such input aside (to offer it to the team later).
    In every other step the engine's free-text rules handle it."""

    name: str
    start: StrEnum
    steps: Mapping[StrEnum, tuple[Ask, React]]
    takes_text: frozenset[StrEnum] = field(default_factory=frozenset)
    keeps_text: frozenset[StrEnum] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        step_type = type(self.start)
        missing = [step for step in step_type if step not in self.steps]
        if missing:
            raise FlowError(f"flow {self.name}: steps without ask/on pair: {missing}")
        foreign = [step for step in self.steps if not isinstance(step, step_type)]
        if foreign or not self.takes_text | self.keeps_text <= set(self.steps):
            raise FlowError(f"flow {self.name}: steps of another flow: {foreign}")

    def has_step(self, step: str) -> bool:
        return step in {str(s) for s in self.steps}

    def ask(self, step: str) -> Ask:
        return self.steps[type(self.start)(step)][0]

    def react(self, step: str) -> React:
        return self.steps[type(self.start)(step)][1]

    def takes_text_in(self, step: str) -> bool:
        """Whether free text answers the step (so a number or an empty line is text too)."""
        return step in {str(s) for s in self.takes_text}

    def receives_text_in(self, step: str) -> bool:
        """Whether the step itself gets free text and media, to answer it or to keep them."""
        return step in {str(s) for s in self.takes_text | self.keeps_text}
