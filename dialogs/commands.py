"""The commands that work from any step: /start, /help, /menu, /language, /cancel."""

from __future__ import annotations

import logging
import re

from dialogs.content import PROJECT_NAME
from dialogs.context import Ctx
from dialogs.core import Command, Outcome, stay, switch
from dialogs.deep_links import open_link, parse_payload
from dialogs.text import RichText

log = logging.getLogger(__name__)

_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]{1,64})?(?:\s+(.*))?$", re.DOTALL)


def parse_command(text: str) -> Command | None:
    """`/start payload` or `/start@SomeBot payload` as a Command; None for anything else."""
    match = _COMMAND.match(text.strip())
    if match is None:
        return None
    return Command(name=match[1].lower(), args=(match[2] or "").strip())


def handle(command: Command, ctx: Ctx) -> Outcome:
    t = ctx.t
    match command.name:
        case "start":
            if ctx.person.person_locale is None:
                return switch("first_contact", start_args=command.args)
            link = parse_payload(command.args)
            name = ctx.person.first_name
            welcome = (
                t.gettext("Welcome back, {name}!").format(name=t.isolate(name))
                if name
                else t.gettext("Welcome back!")
            )
            return (link and open_link(link, ctx)) or switch("main_menu", note=welcome)
        case "menu":
            return switch("main_menu")
        case "language":
            return switch("first_contact")
        case "cancel":
            return switch("main_menu", note=t.gettext("Cancelled."))
        case "help":
            return stay(help_text(ctx))
        case _:
            log.info("unknown command person=%s", ctx.person.id)
            return stay(t.gettext("I don't know that command. /help shows what I understand."))


def help_text(ctx: Ctx) -> RichText:
    """The commands; and who we are, unless the language picker below says it already."""
    t = ctx.t
    introduction = (
        t.gettext(
            "I am the assistant of the project {project}. Choose an option below, or use a command:"
        ).format(project=t.quoted(PROJECT_NAME))
        if ctx.person.person_locale is not None
        else t.gettext("Choose a language below, or use a command:")
    )
    return RichText.plain(
        "\n".join(
            (
                introduction,
                t.gettext("/menu - the main menu"),
                t.gettext("/language - change the language"),
                t.gettext("/cancel - stop what you are doing"),
                t.gettext("/help - this help"),
            )
        )
    )
