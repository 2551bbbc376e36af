"""The fake Bot API itself: real HTTP requests in, Telegram's answers and errors out."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiohttp import web

from tests.fakes.bot_api import BOT_ID, TOKEN, FakeBotApi
from tests.fakes.bot_api_spec import validate

Reply = tuple[int, dict[str, Any]]
KEYBOARD = {"inline_keyboard": [[{"text": "Ja", "callback_data": "yes"}]]}


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as api:
        yield api


@pytest.fixture
async def http(fake: FakeBotApi) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def alice(fake: FakeBotApi) -> dict[str, Any]:
    return fake.add_user(1001, "Alice", language_code="de")


class Client:
    """Sends requests the way aiogram does: multipart form, objects and arrays as JSON."""

    def __init__(self, fake: FakeBotApi, http: aiohttp.ClientSession) -> None:
        self.fake = fake
        self.http = http

    async def __call__(self, method: str, *, token: str | None = None, **params: Any) -> Reply:
        form = aiohttp.FormData(default_to_multipart=True)
        for name, value in params.items():
            if isinstance(value, bytes):
                form.add_field(name, value, filename=f"{name}.jpg", content_type="image/jpeg")
            elif isinstance(value, bool | dict | list):
                form.add_field(name, json.dumps(value))
            else:
                form.add_field(name, str(value))
        url = f"{self.fake.url}/bot{token or self.fake.token}/{method}"
        async with self.http.post(url, data=form) as response:
            return response.status, await response.json()

    async def ok(self, method: str, **params: Any) -> Any:
        status, body = await self(method, **params)
        assert (status, body["ok"]) == (200, True), body
        return body["result"]

    async def error(self, method: str, **params: Any) -> str:
        status, body = await self(method, **params)
        assert body["ok"] is False
        assert status == body["error_code"]
        return f"{status} {body['description']}"


@pytest.fixture
def api(fake: FakeBotApi, http: aiohttp.ClientSession) -> Client:
    return Client(fake, http)


async def test_every_request_encoding_is_understood(
    fake: FakeBotApi, http: aiohttp.ClientSession, alice: dict[str, Any]
) -> None:
    base = f"{fake.url}/bot{TOKEN}"
    params = {"chat_id": "1001", "text": "Hallo"}
    async with http.get(f"{base}/sendMessage", params=params) as response:
        assert (await response.json())["ok"]
    async with http.post(f"{base}/sendMessage", json={"chat_id": 1001, "text": "Hi"}) as response:
        assert (await response.json())["ok"]
    async with http.post(f"{base}/SENDMESSAGE", data=params) as response:
        assert (await response.json())["ok"]
    assert [call.params["chat_id"] for call in fake.calls("sendMessage")] == [1001] * 3


async def test_wrong_token_is_unauthorized(api: Client) -> None:
    assert await api.error("getMe", token="654321:other") == "401 Unauthorized"


async def test_unknown_method_is_not_found_and_unimplemented_is_loud(api: Client) -> None:
    assert await api.error("sendTelepathy") == "404 Not Found"
    assert await api.error("logOut") == "501 fake Bot API: method logOut not implemented"


async def test_unknown_parameter(api: Client, alice: dict[str, Any]) -> None:
    error = await api.error("sendMessage", chat_id=1001, text="Hi", colour="red")
    assert error == "400 Bad Request: unknown parameter colour"


async def test_required_parameters(api: Client, alice: dict[str, Any]) -> None:
    assert await api.error("sendMessage", chat_id=1001) == "400 Bad Request: message text is empty"
    assert await api.error("sendMessage", text="Hi") == "400 Bad Request: chat_id is required"


@pytest.mark.parametrize(
    ("name", "value"),
    [("message_thread_id", "x"), ("disable_notification", "yes"), ("reply_markup", "{oops")],
)
async def test_wrong_type(api: Client, alice: dict[str, Any], name: str, value: str) -> None:
    error = await api.error("sendMessage", chat_id=1001, text="Hi", **{name: value})
    assert error == f"400 Bad Request: wrong type of parameter {name}"


async def test_objects_are_checked_field_by_field(api: Client, alice: dict[str, Any]) -> None:
    button = {"text": "Ja", "callback_data": "yes", "colour": "red"}
    markup = {"inline_keyboard": [[button]]}
    error = await api.error("sendMessage", chat_id=1001, text="Hi", reply_markup=markup)
    assert error == "400 Bad Request: unknown field reply_markup.inline_keyboard[0][0].colour"
    reply_keyboard = {"keyboard": [[{"text": "Deutsch"}]], "resize_keyboard": True}
    await api.ok("sendMessage", chat_id=1001, text="Hi", reply_markup=reply_keyboard)
    await api.ok("sendMessage", chat_id=1001, text="Hi", reply_markup={"remove_keyboard": True})


async def test_abstract_types_accept_their_subtypes(api: Client) -> None:
    commands = [{"command": "start", "description": "Start"}]
    scope = {"type": "all_private_chats"}
    await api.ok("setMyCommands", commands=commands, scope=scope)
    error = await api.error("setMyCommands", commands=commands, scope={"type": "everyone"})
    assert error == "400 Bad Request: wrong type of parameter scope.type"
    error = await api.error("setMyCommands", commands=commands, scope={"type": "chat"})
    assert error == "400 Bad Request: field scope.chat_id is required"


async def test_text_length_counts_utf16_units(api: Client, alice: dict[str, Any]) -> None:
    await api.ok("sendMessage", chat_id=1001, text="😀" * 2048)
    error = await api.error("sendMessage", chat_id=1001, text="😀" * 2049)
    assert error == "400 Bad Request: message is too long"
    error = await api.error("sendMessage", chat_id=1001, text=" \n ")
    assert error == "400 Bad Request: message text is empty"
    error = await api.error("sendPhoto", chat_id=1001, photo=b"jpg", caption="x" * 1025)
    assert error == "400 Bad Request: message caption is too long"


async def test_html_becomes_plain_text_with_entities(
    api: Client, fake: FakeBotApi, alice: dict[str, Any]
) -> None:
    html = '<b>Grüße</b> &lt;3 <a href="https://example.org/?a=1&amp;b=2">Link</a> &#128512;'
    result = await api.ok("sendMessage", chat_id=1001, text=html, parse_mode="HTML")
    assert result["text"] == "Grüße <3 Link 😀"
    assert result["entities"] == [
        {"type": "bold", "offset": 0, "length": 5},
        {"type": "text_link", "url": "https://example.org/?a=1&b=2", "offset": 9, "length": 4},
    ]
    [sent] = fake.sent_to(1001)
    assert (sent.text, sent.html, sent.parse_mode) == ("Grüße <3 Link 😀", html, "HTML")


@pytest.mark.parametrize(
    ("html", "problem"),
    [
        ("Grüße <foo>x</foo>", 'Unsupported start tag "foo" at byte offset 8'),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("plain</b>", "Unexpected end tag at byte offset 5"),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("Fish & chips", "Character entity expected at byte offset 5"),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ('<span class="x">y</span>', 'Tag "span" must have class "tg-spoiler"'),
    ],
)
async def test_bad_html_is_refused(
    api: Client, alice: dict[str, Any], html: str, problem: str
) -> None:
    error = await api.error("sendMessage", chat_id=1001, text=html, parse_mode="HTML")
    assert error.startswith("400 Bad Request: can't parse entities: ")
    assert problem in error


async def test_only_html_parse_mode(api: Client, alice: dict[str, Any]) -> None:
    error = await api.error("sendMessage", chat_id=1001, text="*x*", parse_mode="MarkdownV2")
    assert error == "400 Bad Request: fake Bot API: only HTML parse mode is supported"


async def test_inline_buttons_are_checked(api: Client, alice: dict[str, Any]) -> None:
    def keyboard(**button: str) -> dict[str, Any]:
        return {"inline_keyboard": [[{"text": "Ja", **button}]]}

    await api.ok(
        "sendMessage", chat_id=1001, text="Hi", reply_markup=keyboard(callback_data="ä" * 32)
    )
    for markup, problem in [
        (keyboard(callback_data="ä" * 32 + "x"), "BUTTON_DATA_INVALID"),
        (keyboard(), "Text buttons are unallowed in the inline keyboard"),
        (keyboard(callback_data="a", url="https://example.org"), "exactly one"),
        (keyboard(text="", callback_data="a"), "button text is empty"),
    ]:
        error = await api.error("sendMessage", chat_id=1001, text="Hi", reply_markup=markup)
        assert problem in error


async def test_blocked_person_and_unknown_chat(
    api: Client, fake: FakeBotApi, alice: dict[str, Any]
) -> None:
    fake.block(1001)
    error = await api.error("sendMessage", chat_id=1001, text="Hi")
    assert error == "403 Forbidden: bot was blocked by the user"
    fake.unblock(1001)
    await api.ok("sendMessage", chat_id=1001, text="Hi")
    assert (
        await api.error("sendMessage", chat_id=999, text="Hi") == "400 Bad Request: chat not found"
    )


async def test_fail_next_with_retry_after(
    api: Client, fake: FakeBotApi, alice: dict[str, Any]
) -> None:
    fake.fail_next(
        "sendMessage", code=429, description="Too Many Requests: retry after 7", retry_after=7
    )
    status, body = await api("sendMessage", chat_id=1001, text="Hi")
    assert status == 429
    assert body["parameters"] == {"retry_after": 7}
    await api.ok("sendMessage", chat_id=1001, text="Hi")
    assert [call.error_code for call in fake.calls("sendMessage")] == [429, None]


async def test_edits_must_change_something(
    api: Client, fake: FakeBotApi, alice: dict[str, Any]
) -> None:
    sent = await api.ok("sendMessage", chat_id=1001, text="Hi", reply_markup=KEYBOARD)
    edit = {"chat_id": 1001, "message_id": sent["message_id"], "text": "Hi"}
    error = await api.error("editMessageText", **edit, reply_markup=KEYBOARD)
    assert error.startswith("400 Bad Request: message is not modified: specified new message")
    await api.ok("editMessageText", **edit)
    [message] = fake.sent_to(1001)
    assert (message.edited, message.reply_markup) == (True, None)
    error = await api.error("editMessageReplyMarkup", chat_id=1001, message_id=42)
    assert error == "400 Bad Request: message to edit not found"


async def test_callback_queries_must_be_answered(
    api: Client, fake: FakeBotApi, alice: dict[str, Any]
) -> None:
    await api.ok("sendMessage", chat_id=1001, text="Weiter?", reply_markup=KEYBOARD)
    [message] = fake.sent_to(1001)
    update = fake.callback_update(alice, message, "yes")
    query_id = update["callback_query"]["id"]
    assert fake.unanswered_callback_queries() == [query_id]
    await api.ok("answerCallbackQuery", callback_query_id=query_id, text="Danke")
    assert fake.unanswered_callback_queries() == []
    error = await api.error("answerCallbackQuery", callback_query_id=query_id)
    assert error.endswith("query is too old and response timeout expired or query ID is invalid")


async def test_long_poll_returns_when_an_update_arrives(
    api: Client, fake: FakeBotApi, alice: dict[str, Any]
) -> None:
    poll = asyncio.create_task(api.ok("getUpdates", timeout=30))
    await fake.wait_for_long_poll()
    fake.push_update(fake.message_update(alice, "/start abc"))
    [update] = await asyncio.wait_for(poll, timeout=2)
    assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert await api.ok("getUpdates", offset=update["update_id"] + 1) == []


async def test_allowed_updates_and_a_second_poller(
    api: Client, fake: FakeBotApi, alice: dict[str, Any]
) -> None:
    fake.push_update(fake.message_update(alice, "Hallo"))
    assert await api.ok("getUpdates", allowed_updates=["callback_query"]) == []
    first = asyncio.create_task(api.error("getUpdates", timeout=30))
    await fake.wait_for_long_poll()
    await api.ok("getUpdates")
    assert (await asyncio.wait_for(first, timeout=2)).startswith(
        "409 Conflict: terminated by other"
    )


async def test_webhook_gets_updates_with_the_secret(
    api: Client, fake: FakeBotApi, alice: dict[str, Any]
) -> None:
    received: asyncio.Queue[tuple[str | None, dict[str, Any]]] = asyncio.Queue()

    async def hook(request: web.Request) -> web.Response:
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        await received.put((secret, await request.json()))
        if secret != "s3cr3t":
            return web.Response(status=401)
        return web.json_response({"method": "sendMessage", "chat_id": 1001, "text": "Willkommen"})

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        port = runner.addresses[0][1]
        url = f"http://127.0.0.1:{port}/hook"
        await api.ok("setWebhook", url=url, secret_token="s3cr3t", allowed_updates=["message"])
        assert fake.webhook == {
            "url": url,
            "secret_token": "s3cr3t",
            "allowed_updates": ["message"],
            "drop_pending_updates": False,
        }
        update = fake.message_update(alice, "Hallo")
        fake.push_update(update)
        assert await asyncio.wait_for(received.get(), timeout=2) == ("s3cr3t", update)
        reply = await fake.wait_for_call("sendMessage")
        assert reply.params == {"chat_id": 1001, "text": "Willkommen"}
        assert await fake.post_webhook(update, secret=None) == 401
        assert (await api.error("getUpdates")).startswith("409 Conflict: can't use getUpdates")
    finally:
        await runner.cleanup()


async def test_webhook_url_and_secret_rules(api: Client) -> None:
    error = await api.error("setWebhook", url="http://example.org/hook")
    assert error == "400 Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
    error = await api.error("setWebhook", url="https://example.org:8080/hook")
    assert "only on ports 80, 88, 443 or 8443" in error
    error = await api.error("setWebhook", url="https://example.org/hook", secret_token="a b")
    assert error == "400 Bad Request: secret token contains unallowed characters"
    await api.ok("setWebhook", url="https://example.org/hook", drop_pending_updates=True)
    info = await api.ok("getWebhookInfo")
    assert (info["url"], info["pending_update_count"]) == ("https://example.org/hook", 0)
    await api.ok("deleteWebhook")
    assert (await api.ok("getWebhookInfo"))["url"] == ""


async def test_http_webhook_can_be_forbidden(http: aiohttp.ClientSession) -> None:
    async with FakeBotApi(allow_http_webhook=False) as strict:
        api = Client(strict, http)
        error = await api.error("setWebhook", url="http://127.0.0.1:8080/hook")
        assert "An HTTPS URL must be provided" in error


async def test_bot_commands(api: Client, fake: FakeBotApi) -> None:
    commands = [{"command": "start", "description": "Beginnen"}]
    error = await api.error("setMyCommands", commands=commands, language_code="deu")
    assert error == "400 Bad Request: invalid language code"
    error = await api.error("setMyCommands", commands=[{"command": "Start", "description": "x"}])
    assert error == "400 Bad Request: BOT_COMMAND_INVALID"
    await api.ok("setMyCommands", commands=commands, language_code="de")
    assert fake.commands == {("default", "de"): commands}
    assert await api.ok("getMyCommands", language_code="de") == commands
    await api.ok("deleteMyCommands", language_code="de")
    assert await api.ok("getMyCommands", language_code="de") == []


async def test_forum_topics(api: Client, fake: FakeBotApi) -> None:
    fake.add_group(-100111, "Plain")
    fake.add_group(-100222, "Staff", forum=True, can_manage_topics=False)
    fake.add_group(-100333, "Staff", forum=True)
    error = await api.error("createForumTopic", chat_id=-100111, name="Alice")
    assert error == "400 Bad Request: the chat is not a forum"
    error = await api.error("createForumTopic", chat_id=-100222, name="Alice")
    assert error == "400 Bad Request: not enough rights to create a topic"
    member = await api.ok("getChatMember", chat_id=-100222, user_id=BOT_ID)
    assert (member["status"], member["can_manage_topics"]) == ("administrator", False)
    topic = await api.ok("createForumTopic", chat_id=-100333, name="Alice")
    thread = topic["message_thread_id"]
    assert fake.topics[-100333] == {
        thread: {"name": "Alice", "icon_color": 7322096, "closed": False}
    }
    await api.ok("sendMessage", chat_id=-100333, message_thread_id=thread, text="Neu")
    error = await api.error("sendMessage", chat_id=-100333, message_thread_id=999, text="x")
    assert error == "400 Bad Request: message thread not found"
    await api.ok("closeForumTopic", chat_id=-100333, message_thread_id=thread)
    error = await api.error("sendMessage", chat_id=-100333, message_thread_id=thread, text="x")
    assert error == "400 Bad Request: TOPIC_CLOSED"
    await api.ok("reopenForumTopic", chat_id=-100333, message_thread_id=thread)
    assert [message.text for message in fake.sent_to(-100333, thread_id=thread)] == ["Neu"]


async def test_photo_relay_upload_and_download(
    api: Client, fake: FakeBotApi, http: aiohttp.ClientSession, alice: dict[str, Any]
) -> None:
    fake.add_group(-100333, forum=True)
    file_id = fake.add_file(b"JPEG", file_path="photos/alice.jpg")
    update = fake.message_update(alice, extra={"photo": [{"file_id": file_id}], "caption": "Pass"})
    source = update["message"]["message_id"]
    copied = await api.ok("copyMessage", chat_id=-100333, from_chat_id=1001, message_id=source)
    [relayed] = fake.sent_to(-100333)
    assert (relayed.message_id, relayed.kind, relayed.caption) == (
        copied["message_id"],
        "photo",
        "Pass",
    )
    sent = await api.ok("sendDocument", chat_id=1001, document=b"%PDF")
    path = (await api.ok("getFile", file_id=sent["document"]["file_id"]))["file_path"]
    async with http.get(f"{fake.url}/file/bot{TOKEN}/{path}") as response:
        assert await response.read() == b"%PDF"
    assert (await api.ok("getFile", file_id=file_id))["file_path"] == "photos/alice.jpg"


async def test_private_message_ids_are_shared(
    api: Client, fake: FakeBotApi, alice: dict[str, Any]
) -> None:
    first = await api.ok("sendMessage", chat_id=1001, text="Hallo")
    update = fake.message_update(alice, "Hi")
    second = await api.ok("sendMessage", chat_id=1001, text="Wie geht's?")
    ids = [first["message_id"], update["message"]["message_id"], second["message_id"]]
    assert ids == [1, 2, 3]
    assert [update["update_id"], fake.message_update(alice, "x")["update_id"]] == [1, 2]


async def test_results_and_updates_are_valid_bot_api_objects(
    api: Client, fake: FakeBotApi, alice: dict[str, Any]
) -> None:
    fake.add_group(-100333, forum=True)
    fake.add_member(-100333, {"id": 2002, "is_bot": False, "first_name": "Bea"})
    sent = await api.ok(
        "sendMessage", chat_id=1001, text="<i>Hi</i>", parse_mode="HTML", reply_markup=KEYBOARD
    )
    checks = [
        (await api.ok("getMe"), "User"),
        (sent, "Message"),
        (await api.ok("getChat", chat_id=-100333), "ChatFullInfo"),
        (await api.ok("getChatMember", chat_id=-100333, user_id=BOT_ID), "ChatMember"),
        (await api.ok("getChatMember", chat_id=-100333, user_id=2002), "ChatMember"),
        (await api.ok("getWebhookInfo"), "WebhookInfo"),
        (await api.ok("createForumTopic", chat_id=-100333, name="Bea"), "ForumTopic"),
        (fake.message_update(alice, "/start", extra={"voice": {"file_id": "v1"}}), "Update"),
        (fake.callback_update(alice, fake.sent_to(1001)[0], "yes"), "Update"),
        (fake.my_chat_member_update(alice, old="member", new="kicked"), "Update"),
    ]
    for value, type_name in checks:
        validate(value, type_name)


async def test_wait_for_call_explains_a_timeout(api: Client, fake: FakeBotApi) -> None:
    await api.ok("getMe")
    with pytest.raises(TimeoutError, match=r"no call #1 of sendMessage(.|\n)*getMe ok=True"):
        await fake.wait_for_call("sendMessage", timeout=0)


async def test_real_aiogram_bot(fake: FakeBotApi, alice: dict[str, Any]) -> None:
    session = AiohttpSession(api=TelegramAPIServer.from_base(fake.url))
    bot = Bot(TOKEN, session=session, default=DefaultBotProperties(parse_mode="HTML"))
    try:
        assert (await bot.get_me()).username == "erstkontakt_test_bot"
        keyboard = InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="Ja", callback_data="yes")]]
        )
        sent = await bot.send_message(1001, "<b>Willkommen</b>", reply_markup=keyboard)
        await bot.edit_message_text("<i>Danke</i>", chat_id=1001, message_id=sent.message_id)
        with pytest.raises(TelegramBadRequest, match="can't parse entities"):
            await bot.send_message(1001, "<blink>")
    finally:
        await bot.session.close()
    [message] = fake.sent_to(1001)
    assert (message.text, message.html, message.edited, message.buttons) == (
        "Danke",
        "<i>Danke</i>",
        True,
        [],
    )
    assert sent.reply_markup is not None
    assert fake.calls("sendMessage")[0].params["reply_markup"] == keyboard.model_dump(
        exclude_none=True
    )
