"""A transcript-style driver for the conversation core: send, choose, read what came back."""

from __future__ import annotations

from dialogs import bidi
from dialogs.commands import parse_command
from dialogs.core import Chosen, Incoming, MediaKind, MediaReceived, PersonRef, Reply, Text
from dialogs.engine import DialogEngine


class Chat:
    def __init__(
        self,
        engine: DialogEngine,
        *,
        name: str = "alice",
        hint: str | None = None,
        channel: str = "test",
    ) -> None:
        self.engine = engine
        self.who = PersonRef(channel=channel, external_id=name, locale_hint=hint)
        self.transcript: list[Reply] = []

    async def send(self, text: str) -> list[Reply]:
        """Type a line: a command when it parses as one, else free text."""
        command = parse_command(text) if text.startswith("/") else None
        return await self.deliver(command or Text(text))

    async def choose(self, choice_id: str) -> list[Reply]:
        """Press a choice of the last prompt; fails if that prompt did not offer it."""
        prompt = self.prompt
        assert choice_id in [c.id for c in prompt.choices], (choice_id, self.choice_ids)
        return await self.deliver(Chosen.from_id(choice_id, token=prompt.token))

    async def choose_label(self, label: str) -> list[Reply]:
        matching = [c.id for c in self.prompt.choices if c.label == label]
        assert matching, (label, self.labels)
        return await self.choose(matching[0])

    async def press(self, choice_id: str, *, token: int | None) -> list[Reply]:
        """Press a choice as a channel would report it, offered or not."""
        return await self.deliver(Chosen.from_id(choice_id, token=token))

    async def send_media(self, kind: MediaKind) -> list[Reply]:
        return await self.deliver(MediaReceived(kind=kind))

    async def deliver(self, event: Incoming) -> list[Reply]:
        replies = await self.engine.handle(self.who, event)
        self.transcript.extend(replies)
        return replies

    async def position(self) -> tuple[str, str] | None:
        return await self.engine.position(self.who)

    @property
    def last(self) -> Reply:
        return self.transcript[-1]

    @property
    def text(self) -> str:
        """The last reply's text as read, without the invisible direction marks."""
        return "".join(c for c in self.raw_text if c not in bidi.CONTROLS)

    @property
    def raw_text(self) -> str:
        return self.last.text.plain_text

    @property
    def prompt(self) -> Reply:
        return next(reply for reply in reversed(self.transcript) if reply.choices)

    @property
    def choice_ids(self) -> list[str]:
        return [c.id for c in self.prompt.choices]

    @property
    def labels(self) -> list[str]:
        return [c.label for c in self.prompt.choices]
