"""The commands that work from any step, each listed once: `/help` and the channels' command
menus (Telegram's, per language) are made from `COMMANDS`, so that a command a person can
use is always one they can find. Admin commands are listed only to admins."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from dialogs import forms
from dialogs.content import PROJECT_NAME
from dialogs.context import Ctx
from dialogs.core import Command, Outcome, stay, switch
from dialogs.deep_links import open_link, parse_payload
from dialogs.i18n import N_
from dialogs.text import RichText
from storage.roles import Action, Role, may

log = logging.getLogger(__name__)

_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]{1,64})?(?:\s+(.*))?$", re.DOTALL)


@dataclass(frozen=True)
class CommandInfo:
    """`menu` is the short text of a command menu, `help` its line in /help (None: not
    listed there, as /start); `action` what a role must be allowed to see it."""

    name: str
    menu: str
    help: str | None
    action: Action | None = None

    def shown_to(self, role: Role) -> bool:
        return self.action is None or may(role, self.action)


COMMANDS = (
    CommandInfo("start", N_("Start"), None),
    CommandInfo("menu", N_("Main menu"), N_("/menu - the main menu")),
    CommandInfo("language", N_("Change the language"), N_("/language - change the language")),
    CommandInfo("cancel", N_("Stop what you are doing"), N_("/cancel - stop what you are doing")),
    CommandInfo("help", N_("Help"), N_("/help - this help")),
    CommandInfo("admin", N_("Admin menu"), N_("/admin - the admin menu"), Action.ADMIN_MENU),
)
BY_NAME = {command.name: command for command in COMMANDS}


def commands_for(role: Role) -> tuple[CommandInfo, ...]:
    """The commands `role` sees, in menu order."""
    return tuple(command for command in COMMANDS if command.shown_to(role))


def parse_command(text: str) -> Command | None:
    """`/start payload` or `/start@SomeBot payload` as a Command; None for anything else."""
    match = _COMMAND.match(text.strip())
    if match is None:
        return None
    return Command(name=match[1].lower(), args=(match[2] or "").strip())


def handle(command: Command, ctx: Ctx) -> Outcome:
    t = ctx.t
    known = BY_NAME.get(command.name)
    if known is None or not known.shown_to(ctx.role):  # an admin command is unknown to others
        log.info("unknown command person=%s", ctx.person.id)
        return stay(t.gettext("I don't know that command. /help shows what I understand."))
    match command.name:
        case "start":
            if ctx.person.person_locale is None:
                return switch("first_contact", start_args=command.args)
            if not command.args and forms.in_progress(ctx):
                return forms.resumed(ctx)
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
        case "admin":
            return switch("admin")
    raise AssertionError(f"a listed command without handling: /{command.name}")


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
    lines = [t.gettext(c.help) for c in commands_for(ctx.role) if c.help is not None]
    return RichText.plain("\n".join((introduction, *lines)))
