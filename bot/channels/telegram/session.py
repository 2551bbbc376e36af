"""aiogram's HTTP session, sending calls without files as a JSON body, and the calls every
update makes as plain JSON.

The Bot API takes a JSON body as well as a form; aiogram sends a form, and form-encoding a
reply of a few thousand characters (percent-escaping it byte by byte) cost more than the
rest of the call. Calls with files still go as multipart forms.

Building aiogram's models for a reply (the method, its keyboard, dumping them again, reading
the answer) cost as much as the HTTP call itself, so the replies and edits of the private
chat are `PlainCall`s: their JSON parameters, posted as they are. A refusal is read by
aiogram, into its own errors, from its model of the same call.
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import TelegramMethod
from aiohttp import ClientError, FormData
from aiohttp.payload import JsonPayload


@dataclass(frozen=True, slots=True)
class PlainCall:
    """A Bot API call as its JSON parameters; its answer is Telegram's `result` as JSON.

    `method` is aiogram's model of the call, built only to read a refusal."""

    method: type[TelegramMethod[Any]]
    params: dict[str, Any]

    @property
    def api_method(self) -> str:
        return self.method.__api_method__

    @property
    def chat_id(self) -> int | str | None:
        return self.params.get("chat_id")

    def as_method(self) -> TelegramMethod[Any]:
        return self.method.model_validate(self.params)


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


async def post_plain(
    session: AiohttpSession, bot: Bot, call: PlainCall, request_timeout: int | None = None
) -> Any:
    """Post `call` as JSON; Telegram's `result`, or aiogram's error for a refusal."""
    client = await session.create_session()
    url = session.api.api_url(token=bot.token, method=call.api_method)
    try:
        async with client.post(
            url,
            data=JsonPayload(call.params, dumps=session.json_dumps),
            timeout=session.timeout if request_timeout is None else request_timeout,
        ) as response:
            content = await response.text()
    except TimeoutError as error:
        raise TelegramNetworkError(call.as_method(), "Request timeout error") from error
    except ClientError as error:
        message = f"{type(error).__name__}: {error}"
        raise TelegramNetworkError(call.as_method(), message) from error
    if response.status == HTTPStatus.OK:
        try:
            answer = session.json_loads(content)
        except ValueError:
            answer = None  # aiogram says what is wrong with it
        if isinstance(answer, dict) and answer.get("ok") is True:
            return answer.get("result")
    return session.check_response(bot, call.as_method(), response.status, content).result
