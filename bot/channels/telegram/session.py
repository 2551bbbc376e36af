"""aiogram's HTTP session, sending calls without files as a JSON body.

The Bot API takes a JSON body as well as a form; aiogram sends a form, and form-encoding a
reply of a few thousand characters (percent-escaping it byte by byte) cost more than the
rest of the call. Calls with files still go as multipart forms.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.methods import TelegramMethod
from aiohttp import FormData
from aiohttp.payload import JsonPayload


class JsonBodySession(AiohttpSession):
    def build_form_data(self, bot: Bot, method: TelegramMethod[Any]) -> FormData:
        files: dict[str, Any] = {}
        values = {}
        for key, value in method.model_dump(warnings=False).items():
            prepared = self.prepare_value(value, bot=bot, files=files, _dumps_json=False)
            if prepared is not None and prepared != "":
                values[key] = prepared
        if files:
            return super().build_form_data(bot, method)
        # aiohttp takes any payload as `data`; aiogram only passes it on.
        return JsonPayload(values, dumps=self.json_dumps)  # type: ignore[return-value]
