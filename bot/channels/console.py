"""A chat in the terminal: replies as plain text, choices as numbers to type.

Works piped too: `printf '/start\\n1\\n' | erstkontakt chat` is a scriptable session.
A number (in any script) picks a choice of the last message; `/…` is a command; anything
else is text.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import TextIO

from bot.outbox_worker import NotServedHere
from bot.person_messages import PersonMessages
from dialogs import bidi
from dialogs.commands import parse_command
from dialogs.core import Chosen, Incoming, PersonRef, Reply, Text
from dialogs.engine import DialogEngine
from dialogs.text import Paragraph, RichText
from dialogs.validation import typed_number
from storage.attachments import Attachment
from storage.services.staff_topics import Recipient

CHANNEL = "console"
PROMPT = "> "


class ConsoleChannel:
    def __init__(
        self,
        engine: DialogEngine,
        *,
        name: str = "local",
        stdin: TextIO = sys.stdin,
        stdout: TextIO = sys.stdout,
        people: PersonMessages | None = None,
        files: Path = Path("data/files"),
    ) -> None:
        self._engine = engine
        self._who = PersonRef(channel=CHANNEL, external_id=name)
        self._stdin = stdin
        self._stdout = stdout
        self._files = files
        self._on_screen: tuple[int | None, list[str]] = (None, [])
        self._waiting: list[Reply] = []  # messages of the program, shown before the next line
        if people is not None:
            people.reach(CHANNEL, self)

    async def start(self) -> None:
        """Nothing to register: the terminal is there."""

    async def stop(self) -> None:
        """Show what arrived after the last line."""
        self._show_waiting()

    async def send(self, recipient: Recipient, reply: Reply) -> None:
        """A message of the program to the person at this console: shown the next time a
        line is read (another console person's waits for their chat)."""
        if recipient.external_id != self._who.external_id:
            raise NotServedHere("another console person")
        self._waiting.append(reply)

    def _show_waiting(self) -> None:
        waiting, self._waiting = self._waiting, []
        for reply in waiting:
            self._show(reply)

    async def receive(self) -> None:
        """Read lines until the input ends. At a terminal, the chat opens by itself; piped
        input is echoed after `> ` so that the output reads as a transcript."""
        interactive = self._stdin.isatty()
        state = await self._engine.state(self._who)
        if state is not None:  # the choices still on screen from the last run
            self._on_screen = (state.prompt_token, list(state.offered))
        if interactive:
            await self.send_line("/help" if state else "/start")
        while True:
            self._show_waiting()  # before the line: a number means what is on screen
            line = await self._read_line(interactive)
            if not line:
                return
            if not interactive:
                self._stdout.write(f"{PROMPT}{line.rstrip()}\n")
            await self.send_line(line.rstrip("\n"))

    async def _read_line(self, interactive: bool) -> str:
        if interactive:
            self._stdout.write(PROMPT)
            self._stdout.flush()
        return await asyncio.to_thread(self._stdin.readline)

    async def send_line(self, line: str) -> None:
        for reply in await self._engine.handle(self._who, self._incoming(line)):
            self._show(reply)

    def _incoming(self, line: str) -> Incoming:
        command = parse_command(line) if line.startswith("/") else None
        if command is not None:
            return command
        token, offered = self._on_screen
        number = typed_number(line)
        if number is not None and number.choice is not None and 1 <= number.choice <= len(offered):
            return Chosen.from_id(offered[number.choice - 1], token=token)
        return Text(line, choices_numbered=True)

    def _show(self, reply: Reply) -> None:
        text = render_plain(reply.text)
        lines = [text] if text else []
        mark = bidi.RLM if reply.rtl else ""
        lines += [f"{mark}  {n}) {c.label}" for n, c in enumerate(reply.choices, start=1)]
        if reply.file is not None:
            lines.append(f"📎 {self._save(reply.file)}")
        self._stdout.write("\n".join(lines) + "\n\n")
        self._stdout.flush()
        if reply.choices:
            self._on_screen = (reply.token, [c.id for c in reply.choices])

    def _save(self, file: Attachment) -> Path:
        """The file in the files folder, under its own name (numbered if taken)."""
        self._files.mkdir(parents=True, exist_ok=True)
        stem, dot, suffix = file.name.rpartition(".")
        target, n = self._files / file.name, 1
        while target.exists():
            n += 1
            target = self._files / (f"{stem}-{n}{dot}{suffix}" if dot else f"{file.name}-{n}")
        target.write_bytes(file.content)
        return target


def render_plain(text: RichText) -> str:
    """Paragraphs separated by an empty line; consecutive bullets stay together."""
    out = ""
    previous: Paragraph | None = None
    for paragraph in text.paragraphs:
        if previous is not None:
            together = paragraph.kind == previous.kind == "bullet"
            out += "\n" if together else "\n\n"
        out += _paragraph(paragraph)
        previous = paragraph
    return out


def _paragraph(paragraph: Paragraph) -> str:
    text = "".join(
        f"{span.text} ({span.href})"
        if span.style == "link"
        and span.href
        and span.href.startswith("https:")
        and span.href != span.text
        else span.text
        for span in paragraph.spans
    )
    if paragraph.kind == "heading":
        return f"== {text} =="
    if paragraph.kind == "bullet":
        return f"  • {text}"
    return text
