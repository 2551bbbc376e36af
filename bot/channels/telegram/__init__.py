"""Erstkontakt on Telegram: long polling by default, a webhook when WEBHOOK_URL is set.

Private chats go to the dialog engine; its replies are rendered here (HTML, inline
keyboards) and sent through `Delivery`, which applies Telegram's failure rules. Updates of
one chat are handled one after the other, in order; an update delivered twice is handled
once (the engine records its update_id).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramNetworkError,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteWebhook,
    GetMe,
    SetMessageReaction,
    SetMyCommands,
    SetWebhook,
)
from aiogram.methods.base import TelegramMethod
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    CallbackQuery,
    ChatMemberUpdated,
    Message,
    Update,
)
from aiohttp import web
from pydantic import ValidationError

from bot.channels.telegram.delivery import Delivery, Unreachable
from bot.channels.telegram.groups import GroupChats
from bot.channels.telegram.pace import Pace
from bot.channels.telegram.polling import Polling
from bot.channels.telegram.render import OutgoingMessage, contact_request, document, render
from bot.channels.telegram.session import JsonBodySession, PlainCall
from bot.channels.telegram.staff import TelegramPeople
from bot.channels.telegram.updates import (
    CHANNEL,
    incoming_message,
    incoming_press,
    parse_message_ref,
    person_of,
    skip_unknown_types,
)
from bot.channels.telegram.webhook import NotAnUpdate, webhook_app
from bot.config import Settings
from bot.logging import failure
from bot.workers import Workers
from dialogs.commands import CommandInfo, commands_for
from dialogs.core import Incoming, MessageEdited, PersonRef, Reply
from dialogs.engine import DialogEngine
from dialogs.i18n import DEFAULT_LOCALE, Translator
from dialogs.locks import KeyedLocks
from storage.roles import Role

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]
# Room for bursts of new connections (aiohttp's default of 128 drops SYNs beyond it,
# which costs the sender a one-second TCP retry).
LISTEN_BACKLOG = 1024
START_ATTEMPTS = 2  # at start, a Bot API out of reach is reported, not waited for
DEFAULT_COMMANDS = ("start", "language", "help")
# "Noted": a receipt that reads the same everywhere (a thumbs-up is rude in some of the
# regions our people come from). One of the reactions Telegram allows bots.
RECEIPT_EMOJI = "✍"


class CannotStart(Exception):
    """Telegram cannot be used as configured; the message says why in one line."""


def _menu(commands: Iterable[CommandInfo], t: Translator) -> list[BotCommand]:
    return [BotCommand(command=c.name, description=t.gettext(c.menu)) for c in commands]


def make_bot(settings: Settings) -> Bot:
    """A Bot whose every call (file downloads included) goes to TELEGRAM_API_BASE."""
    assert settings.telegram_bot_token  # noqa: S101 - checked before a channel is made
    server = TelegramAPIServer.from_base(settings.telegram_api_base)
    return Bot(settings.telegram_bot_token, session=JsonBodySession(api=server))


class TelegramChannel:
    def __init__(
        self,
        *,
        engine: DialogEngine,
        settings: Settings,
        workers: Workers,
        bot: Bot | None = None,
    ):
        self.engine = engine
        self.settings = settings
        self.bot = bot or make_bot(settings)
        # One pace for all that this bot sends; answers to people go before the rest.
        self.pace = Pace(scale=settings.telegram_pace_scale)
        self.delivery = Delivery(self.bot, on_blocked=self._blocked, pace=self.pace)
        self._outbox = workers.outbox
        self.groups = GroupChats(
            bot=self.bot,
            pace=self.pace,
            engine=engine,
            settings=settings,
            workers=workers,
            on_blocked=self._blocked,
        )
        workers.people.reach(CHANNEL, TelegramPeople(self.groups.quick))
        self.dispatcher = Dispatcher(disable_fsm=True)  # no aiogram FSM: state lives in storage/
        self.dispatcher.update.outer_middleware(skip_unknown_types)
        self.dispatcher.include_router(self.groups.router())
        self.dispatcher.include_router(self._router())
        self._chats = KeyedLocks()
        self._webhook: web.AppRunner | None = None

    # ------------------------------------------------------------ lifecycle

    async def receive(self) -> None:
        """Receive updates until cancelled: by polling, or by the webhook `start` opened."""
        if self._webhook is None:
            await self._poll()
        else:
            await asyncio.Event().wait()

    async def _poll(self) -> None:
        """Poll until cancelled; then let the batch in hand be handled before the
        connections close, so that a clean stop loses nothing and logs no failed fetch."""
        polling = Polling(self.delivery, self._handle_polled, allowed_updates=ALLOWED_UPDATES)
        log.info("polling started")
        running = asyncio.ensure_future(polling.run())
        try:
            await asyncio.shield(running)
        except asyncio.CancelledError:
            polling.stop()
            await running
            raise

    async def _handle_polled(self, update: Update) -> None:
        result = await self.dispatcher.feed_update(self.bot, update)
        if isinstance(result, TelegramMethod):
            await self.delivery.call(result)

    async def start(self) -> None:
        """Register the command menus and the webhook (or remove it, for polling), and check
        the staff chat. What waited in the outbox goes out with the scheduler's first pass."""
        await self._introduce()
        await self._register_commands()
        await self.groups.start()
        if not self.settings.webhook_url:
            await self.delivery.call(DeleteWebhook(drop_pending_updates=False))
            log.info("telegram ready mode=polling")
            return
        await self._start_webhook_server()
        await self.delivery.call(
            SetWebhook(
                url=self.settings.webhook_url,
                secret_token=self.settings.webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
            )
        )
        log.info("telegram ready mode=webhook")

    async def stop(self) -> None:
        if self._webhook is not None:
            await self._webhook.cleanup()
            self._webhook = None
        await self.bot.session.close()

    async def feed(self, raw_update: Any) -> dict[str, Any] | None:
        """Handle one update as Telegram sent it (the webhook's entry point); returns a Bot
        API call for the webhook's HTTP answer, if the handler left one."""
        try:
            update = Update.model_validate(raw_update, context={"bot": self.bot})
        except ValidationError:
            raise NotAnUpdate from None
        result = await self.dispatcher.feed_update(self.bot, update)
        if isinstance(result, TelegramMethod):
            return {"method": result.__api_method__, **result.model_dump(exclude_none=True)}
        return None

    async def _introduce(self) -> None:
        """Ask Telegram who we are. A token it rejects, or a Bot API out of reach, stops the
        start with one line; the service manager starts us again. Once running, every
        call is retried."""
        base = self.settings.telegram_api_base
        try:
            me = await self.delivery.call(GetMe(), attempts=START_ATTEMPTS)
        except TelegramUnauthorizedError:
            raise CannotStart(
                "Telegram does not accept TELEGRAM_BOT_TOKEN: copy it again from @BotFather"
            ) from None
        except (TelegramNetworkError, TelegramServerError) as error:
            raise CannotStart(
                f"cannot reach the Bot API at {base} ({type(error).__name__}): "
                "check the network and TELEGRAM_API_BASE"
            ) from None
        log.info("telegram bot id=%s", me.id)

    async def _start_webhook_server(self) -> None:
        settings = self.settings
        path = urlsplit(settings.webhook_url or "").path or "/"
        app = webhook_app(path=path, secret=settings.webhook_secret or "", handle_update=self.feed)
        self._webhook = web.AppRunner(app, access_log=None)
        await self._webhook.setup()
        site = web.TCPSite(
            self._webhook, settings.webhook_host, settings.webhook_port, backlog=LISTEN_BACKLOG
        )
        await site.start()
        log.info("webhook listening host=%s port=%s", settings.webhook_host, settings.webhook_port)

    async def _register_commands(self) -> None:
        """The command menus: German for anyone, each language's own, and for each admin
        the same with the admin commands (in their chat only)."""
        catalogs = self.engine.catalogs
        german = catalogs.translator(DEFAULT_LOCALE)
        default = [c for c in commands_for(Role.PERSON) if c.name in DEFAULT_COMMANDS]
        await self.delivery.call(SetMyCommands(commands=_menu(default, german)))
        # Telegram takes only two-letter ISO 639-1 codes here.
        locales = [locale for locale in catalogs.locales if re.fullmatch(r"[a-z]{2}", locale)]
        for locale in locales:
            t = catalogs.translator(locale)
            person = _menu(commands_for(Role.PERSON), t)
            await self.delivery.call(SetMyCommands(commands=person, language_code=locale))
        admin = commands_for(Role.ADMIN)
        for admin_id in self.settings.admin_ids:
            scope = BotCommandScopeChat(chat_id=admin_id)
            menus = [SetMyCommands(commands=_menu(admin, german), scope=scope)]
            menus += [
                SetMyCommands(
                    commands=_menu(admin, catalogs.translator(locale)),
                    scope=scope,
                    language_code=locale,
                )
                for locale in locales
            ]
            try:
                for menu in menus:
                    await self.delivery.call(menu)
            except (TelegramBadRequest, Unreachable):  # Telegram knows no chat with them yet
                log.warning("admin commands not in the menu: admin %s must start the bot", admin_id)

    # ------------------------------------------------------------ updates

    def _router(self) -> Router:
        router = Router(name="private chats")
        router.message.register(self._on_message, F.chat.type == "private")
        router.edited_message.register(self._on_edit, F.chat.type == "private")
        router.callback_query.register(self._on_press)
        router.my_chat_member.register(self._on_membership, F.chat.type == "private")
        return router

    async def _on_message(self, message: Message, event_update: Update) -> None:
        if message.from_user is None:
            return
        who = person_of(message.from_user)
        event = incoming_message(message)
        await self._converse(who, message.chat.id, event, event_update.update_id)

    async def _on_edit(self, message: Message, event_update: Update) -> None:
        if message.from_user is not None:
            who = person_of(message.from_user)
            await self._converse(who, message.chat.id, MessageEdited(), event_update.update_id)

    async def _on_press(
        self, query: CallbackQuery, event_update: Update
    ) -> AnswerCallbackQuery | None:
        """Every press is answered: by webhook, in the HTTP answer to the update (one call
        less); when polling, by a call of its own before anything else."""
        if self._webhook is None:
            try:
                answered = PlainCall(AnswerCallbackQuery, {"callback_query_id": query.id})
                await self.delivery.call(answered)
            except TelegramBadRequest:
                log.info("callback query could not be answered update=%s", event_update.update_id)
        message = query.message if isinstance(query.message, Message) else None
        if message is None or message.chat.type == "private":
            chat_id = message.chat.id if message else query.from_user.id
            who = person_of(query.from_user)
            event = incoming_press(query)
            await self._converse(who, chat_id, event, event_update.update_id, pressed=message)
        if self._webhook is None:
            return None
        return AnswerCallbackQuery(callback_query_id=query.id)

    async def _on_membership(self, update: ChatMemberUpdated) -> None:
        status = update.new_chat_member.status
        if status in {"kicked", "member"}:
            who = person_of(update.from_user)
            await self.engine.set_reachable(who, reachable=status == "member")

    async def _converse(
        self,
        who: PersonRef,
        chat_id: int,
        event: Incoming,
        update_id: int,
        *,
        pressed: Message | None = None,
    ) -> None:
        async with self._chats.hold(chat_id):
            replies = await self.engine.handle(who, event, event_key=f"update:{update_id}")
            try:
                await self._send(chat_id, replies, pressed=pressed)
            except Unreachable:
                log.info("reply not delivered: person blocked the bot update=%s", update_id)
        if self.engine.take_outbox_news():  # sent now, not at the outbox's next round
            try:
                await self._outbox.deliver_due()
            except Exception as error:
                log.error("outbox failed; tried again later %s", failure(error))  # noqa: TRY400

    # ------------------------------------------------------------ sending

    async def _send(self, chat_id: int, replies: list[Reply], *, pressed: Message | None) -> None:
        shown = []
        for reply in replies:
            if reply.receipt_for is None or not await self._react(reply.receipt_for):
                shown.append(reply)
        messages = [message for reply in shown for message in render(reply)]
        in_place = all(reply.in_place for reply in shown)
        if pressed and in_place and len(messages) == 1 and await self._edit(pressed, messages[0]):
            messages = []
        for message in messages:
            await self.delivery.call(message.send_to(chat_id), chat_id=chat_id)
        for reply in shown:
            if reply.file is not None:
                await self.delivery.call(document(chat_id, reply.file), chat_id=chat_id)
            if reply.contact_request is not None:
                call = contact_request(chat_id, reply.contact_request)
                await self.delivery.call(call, chat_id=chat_id)

    async def _edit(self, pressed: Message, message: OutgoingMessage) -> bool:
        """Show the next step in the message that was pressed; False if it cannot be edited."""
        if pressed.text is None:
            return False
        if message.already_shown_by(pressed):
            return True
        try:
            await self.delivery.call(message.edit_into(pressed), chat_id=pressed.chat.id)
        except TelegramBadRequest:
            log.info("could not edit the pressed message, sending anew")
            return False
        return True

    async def _react(self, message_ref: str) -> bool:
        """A quiet receipt: a reaction on the person's message; False if it cannot be set."""
        chat_id, message_id = parse_message_ref(message_ref)
        try:
            reaction = {
                "chat_id": chat_id,
                "message_id": message_id,
                "reaction": [{"type": "emoji", "emoji": RECEIPT_EMOJI}],
            }
            await self.delivery.call(PlainCall(SetMessageReaction, reaction), chat_id=chat_id)
        except TelegramBadRequest:
            log.info("could not react to a message, answering in words")
            return False
        return True

    async def _blocked(self, chat_id: int) -> None:
        await self.engine.set_reachable(
            PersonRef(channel=CHANNEL, external_id=str(chat_id)), reachable=False
        )
