"""The yardstick for benchmarks/updates.py: a bare aiogram bot that only echoes texts and
answers presses, by webhook when WEBHOOK_URL is set, else by aiogram's own long polling.
Configured by the same variables as Erstkontakt."""

from __future__ import annotations

import asyncio
import os
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, Message
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web


async def main() -> None:
    env = os.environ
    server = TelegramAPIServer.from_base(env["TELEGRAM_API_BASE"])
    bot = Bot(env["TELEGRAM_BOT_TOKEN"], session=AiohttpSession(api=server))
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "…")

    @dispatcher.callback_query()
    async def press(query: CallbackQuery) -> None:
        await query.answer()

    if not env.get("WEBHOOK_URL"):
        await dispatcher.start_polling(bot, handle_signals=False)
        return
    app = web.Application()
    SimpleRequestHandler(
        dispatcher, bot, secret_token=env["WEBHOOK_SECRET"], handle_in_background=False
    ).register(app, path=urlsplit(env["WEBHOOK_URL"]).path)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", int(env["WEBHOOK_PORT"]), backlog=1024).start()
    await bot.set_webhook(env["WEBHOOK_URL"], secret_token=env["WEBHOOK_SECRET"])
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
