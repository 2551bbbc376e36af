"""A strict fake Telegram Bot API server on 127.0.0.1, spoken to over real HTTP.

Tests point the real aiogram Bot at it (`TelegramAPIServer.from_base(fake.url)`), shape the
world (`add_user`, `add_group`, `block`, `fail_next`, ...), feed updates (`message_update`,
`callback_update`, `push_update`, `post_webhook`) and look at what the bot did (`calls`,
`sent_to`, `wait_for_call`). Requests are checked against the Bot API 10.1 description in
`bot-api-10.1.json`; anything Telegram would refuse is refused with Telegram's error text, and
methods the fake does not implement answer 501 so that nobody mistakes silence for success.

Run `python -m tests.fakes.bot_api --port 8081` for a console to try the bot by hand.
"""

from __future__ import annotations

import asyncio
import copy
import enum
import inspect
import json
import logging
import re
import socket
import time
from collections import deque
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from tests.fakes.bot_api_chats import HANDLERS, api_method
from tests.fakes.bot_api_flood import FloodLimits
from tests.fakes.bot_api_methods import Methods
from tests.fakes.bot_api_spec import (
    ApiError,
    MethodSpec,
    Upload,
    bad_request,
    decode_params,
    load_spec,
)
from tests.fakes.bot_api_world import (
    BOT_ID,
    BOT_USERNAME,
    TOKEN,
    ApiCall,
    SentMessage,
)

__all__ = ["BOT_ID", "BOT_USERNAME", "TOKEN", "ApiCall", "FakeBotApi", "SentMessage", "Upload"]

logger = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WEBHOOK_PORTS = (80, 88, 443, 8443)
LOCAL_HOSTS = ("127.0.0.1", "localhost")
NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
# Telegram keeps retrying a failed webhook delivery for a long while (a bot restarting
# after a crash gets it): here about a minute, every second at most.
DELIVERY_ATTEMPTS = 64
DELIVERY_PAUSE_MAX = 1.0
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


class _Registered(enum.Enum):
    SECRET = "the secret_token given to setWebhook"


class _Signal:
    """Wakes every waiter when state changes; waiters re-check their condition."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait_until(self, condition: Callable[[], bool]) -> None:
        while not condition():
            await self._event.wait()


def _update_type(update: Mapping[str, Any]) -> str:
    return next(key for key in update if key != "update_id")


def _allowed(update: Mapping[str, Any], allowed: list[str] | None) -> bool:
    kind = _update_type(update)
    return kind in allowed if allowed else kind not in NOT_BY_DEFAULT


class FakeBotApi(Methods):
    """The fake server; see the module docstring. Use `async with FakeBotApi() as fake:`."""

    def __init__(self, token: str = TOKEN, *, allow_http_webhook: bool = True) -> None:
        super().__init__(token)
        self.allow_http_webhook = allow_http_webhook
        self.url = ""
        self.webhook_deliveries: list[tuple[int, int]] = []
        self.on_call: Callable[[ApiCall], None] | None = None
        self._calls: list[ApiCall] = []
        self.crashes: list[str] = []  # a crash inside the fake fails the test (conftest)
        self._calls_signal = _Signal()
        # method: (error, the chat it applies to or None for any)
        self._failures: dict[str, deque[tuple[ApiError, int | None]]] = {}
        self._answers_lost: list[tuple[str, int | None]] = []  # (method, chat_id or any)
        self.flood_limits: FloodLimits | None = None  # see enforce_flood_limits
        self._pending: list[dict[str, Any]] = []
        self._updates_signal = _Signal()
        self._allowed_updates: list[str] | None = None
        self._poll_generation = 0
        self._polls_waiting = 0
        self._webhook_error: tuple[int, str] | None = None
        self._delivering = False
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None
        self._worker: asyncio.Task[None] | None = None

    # lifecycle

    async def start(self, port: int = 0) -> None:
        app = web.Application(client_max_size=60 * 2**20)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_route("GET", "/file/bot{token}/{path:.+}", self._handle_file)
        app.router.add_route("*", "/{tail:.*}", self._handle_unknown)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        await web.SockSite(self._runner, sock).start()
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        self._client = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=30), connector=aiohttp.TCPConnector(limit=0)
        )
        self._worker = asyncio.create_task(self._deliver_to_webhook())

    async def stop(self) -> None:
        self._closing = True
        self._updates_signal.fire()
        if self._worker is not None:
            self._worker.cancel()
            await asyncio.gather(self._worker, return_exceptions=True)
        if self._client is not None:
            await self._client.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    # observing and steering calls

    def calls(self, method: str | None = None) -> list[ApiCall]:
        if method is None:
            return list(self._calls)
        return [call for call in self._calls if call.method.lower() == method.lower()]

    async def wait_for_call(
        self,
        method: str,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
        count: int = 1,
    ) -> ApiCall:
        """The `count`-th call of `method`, waiting for it to happen if need be."""
        try:
            async with asyncio.timeout(timeout):
                await self._calls_signal.wait_until(lambda: len(self.calls(method)) >= count)
        except TimeoutError:
            recent = "\n".join(
                f"  {call.method} ok={call.ok} {call.description or ''}".rstrip()
                for call in self._calls[-15:]
            )
            seen = len(self.calls(method))
            message = f"no call #{count} of {method} within {timeout}s (saw {seen}); recent:\n"
            raise TimeoutError(message + (recent or "  (none)")) from None
        return self.calls(method)[count - 1]

    def fail_next(
        self,
        method: str,
        *,
        code: int,
        description: str,
        retry_after: int | None = None,
        times: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """Make the next `times` valid calls of `method` (to `chat_id`, if given) fail so
        (429 carries retry_after)."""
        spec = load_spec().method(method)
        if spec is None:
            raise ValueError(f"{method} is not a Bot API method")
        if code == 429 and retry_after is None:
            retry_after = 1
        parameters = {"retry_after": retry_after} if retry_after is not None else None
        failures = self._failures.setdefault(spec.name, deque())
        failures.extend((ApiError(code, description, parameters), chat_id) for _ in range(times))

    def enforce_flood_limits(self, *, scale: float) -> FloodLimits:
        """Answer 429 beyond Telegram's flood limits, run `scale` times as fast."""
        self.flood_limits = FloodLimits(scale=scale)
        return self.flood_limits

    def lose_answer_next(self, method: str, *, chat_id: int | None = None) -> None:
        """Carry out the next call of `method` (to `chat_id`, if given), then break the
        connection before answering: the bot cannot know that it arrived."""
        spec = load_spec().method(method)
        if spec is None:
            raise ValueError(f"{method} is not a Bot API method")
        self._answers_lost.append((spec.name, chat_id))

    def _answer_lost(self, call: ApiCall) -> bool:
        for index, (method, chat_id) in enumerate(self._answers_lost):
            if method == call.method and chat_id in (None, call.params.get("chat_id")):
                del self._answers_lost[index]
                return True
        return False

    async def wait_for_long_poll(self, *, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Return once a getUpdates request is waiting for updates."""
        async with asyncio.timeout(timeout):
            await self._updates_signal.wait_until(lambda: self._polls_waiting > 0)

    async def wait_delivered(self, *, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Return once every pushed update went to the webhook (or none is set)."""
        async with asyncio.timeout(timeout):
            await self._updates_signal.wait_until(
                lambda: self.webhook is None or not (self._pending or self._delivering)
            )

    # updates

    def push_update(self, update: dict[str, Any]) -> None:
        """Deliver to the webhook if one is set (in order, in the background), else queue it."""
        if "update_id" not in update or len(update) != 2:
            raise ValueError("an update has update_id and exactly one other field")
        self._pending.append(copy.deepcopy(update))
        self._updates_signal.fire()

    async def post_webhook(
        self,
        update: dict[str, Any],
        *,
        secret: str | _Registered | None = _Registered.SECRET,
        url: str | None = None,
    ) -> int:
        """POST one update to the webhook now; the HTTP status of its answer."""
        target = url or (self.webhook or {}).get("url")
        if not target:
            raise RuntimeError("no webhook is set; pass url=")
        if secret is _Registered.SECRET:
            secret = (self.webhook or {}).get("secret_token")
        return await self._post_update(target, update, secret)

    # HTTP side

    async def _handle_api(self, request: web.Request) -> web.Response:
        name = request.match_info["method"]
        if request.match_info["token"] != self.token:
            error = ApiError(401, "Unauthorized")
            await self._record(ApiCall(name, {}, False, 401, error.description, None))
            return _error_response(error)
        try:
            raw, uploads = await _read_params(request)
        except ValueError:
            return _error_response(bad_request("can't parse request body"))
        call, error = await self.execute(name, raw, uploads)
        if error is None and self._answer_lost(call) and request.transport is not None:
            request.transport.close()
        if error is not None:
            return _error_response(error)
        return web.json_response({"ok": True, "result": call.result}, dumps=_dumps)

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error_response(ApiError(401, "Unauthorized"))
        path = request.match_info["path"]
        for record in self.files.values():
            if record.file_path == path:
                return web.Response(body=record.content, content_type=record.mime_type)
        return _error_response(ApiError(404, "Not Found"))

    async def _handle_unknown(self, request: web.Request) -> web.Response:
        return _error_response(ApiError(404, "Not Found"))

    async def execute(
        self, name: str, raw: Mapping[str, Any], uploads: Mapping[str, Upload]
    ) -> tuple[ApiCall, ApiError | None]:
        """Run one method call as the server would, and record it."""
        spec = load_spec().method(name)
        method = spec.name if spec is not None else name
        params: dict[str, Any] = {**raw, **uploads}
        try:
            params = decode_params(load_spec(), _known(spec), raw, uploads)
            result = await self._invoke(method, params)
        except ApiError as error:
            return await self._failed(method, params, error)
        except Exception as crash:
            logger.exception("fake Bot API crashed in %s", method)
            self.crashes.append(f"{method}: {crash!r}")
            error = ApiError(500, f"Internal Server Error: fake Bot API crashed: {crash!r}")
            return await self._failed(method, params, error)
        call = ApiCall(method, params, True, None, None, copy.deepcopy(result))
        await self._record(call)
        return call, None

    async def _failed(
        self, method: str, params: dict[str, Any], error: ApiError
    ) -> tuple[ApiCall, ApiError]:
        call = ApiCall(method, params, False, error.code, error.description, None)
        await self._record(call)
        return call, error

    async def _invoke(self, method: str, params: dict[str, Any]) -> Any:
        failures = self._failures.get(method)
        if failures and failures[0][1] in (None, params.get("chat_id")):
            raise failures.popleft()[0]
        if self.flood_limits is not None:
            self.flood_limits.check(method, params)
        handler = HANDLERS.get(method)
        if handler is None:
            raise ApiError(501, f"fake Bot API: method {method} not implemented")
        result = handler(self, params)
        return await result if inspect.isawaitable(result) else result

    async def _record(self, call: ApiCall) -> None:
        self._calls.append(call)
        self._calls_signal.fire()
        if self.on_call is not None:
            self.on_call(call)

    # getUpdates and webhooks

    @api_method("getUpdates")
    async def get_updates(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        self._refuse_polling_under_webhook()
        if "allowed_updates" in p:
            self._allowed_updates = self._checked_update_types(p["allowed_updates"])
        self._confirm(p.get("offset"))
        self._poll_generation += 1
        generation = self._poll_generation
        self._updates_signal.fire()
        if p.get("timeout", 0) > 0:
            await self._long_poll(generation, seconds=p["timeout"])
        if generation != self._poll_generation:
            raise ApiError(
                409,
                "Conflict: terminated by other getUpdates request; "
                "make sure that only one bot instance is running",
            )
        self._refuse_polling_under_webhook()
        limit = min(max(p.get("limit", 100), 1), 100)
        return copy.deepcopy(self._deliverable()[:limit])

    async def _long_poll(self, generation: int, *, seconds: int) -> None:
        def done() -> bool:
            superseded = generation != self._poll_generation
            stop = self._closing or superseded or self.webhook is not None
            return stop or bool(self._deliverable())

        self._polls_waiting += 1
        self._updates_signal.fire()
        try:
            async with asyncio.timeout(seconds):
                await self._updates_signal.wait_until(done)
        except TimeoutError:
            pass
        finally:
            self._polls_waiting -= 1

    def _refuse_polling_under_webhook(self) -> None:
        if self.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )

    def _confirm(self, offset: int | None) -> None:
        if offset is None:
            return
        if offset < 0:
            self._pending = self._pending[offset:]
        else:
            self._pending = [item for item in self._pending if item["update_id"] >= offset]

    def _deliverable(self) -> list[dict[str, Any]]:
        self._pending = [item for item in self._pending if _allowed(item, self._allowed_updates)]
        return self._pending

    def _checked_update_types(self, types: list[str]) -> list[str] | None:
        known = load_spec().types["Update"].fields
        for kind in types:
            if kind == "update_id" or kind not in known:
                raise bad_request(f'fake Bot API: unknown update type "{kind}" in allowed_updates')
        return types or None

    @api_method("setWebhook")
    def set_webhook(self, p: dict[str, Any]) -> bool:
        url = p["url"]
        if not url:
            self.webhook = None
            return True
        self._check_webhook_url(url)
        secret = p.get("secret_token") or None
        if secret is not None and not _SECRET.fullmatch(secret):
            raise bad_request("secret token contains unallowed characters")
        if "allowed_updates" in p:
            self._allowed_updates = self._checked_update_types(p["allowed_updates"])
        drop = p.get("drop_pending_updates", False)
        if drop:
            self._pending.clear()
        self.webhook = {
            "url": url,
            "secret_token": secret,
            "allowed_updates": self._allowed_updates,
            "drop_pending_updates": drop,
        }
        self._webhook_error = None
        self._updates_signal.fire()
        return True

    def _check_webhook_url(self, url: str) -> None:
        parts = urlsplit(url)
        if not parts.hostname:
            raise bad_request("bad webhook: invalid webhook URL specified")
        if parts.scheme == "https":
            if (parts.port or 443) not in WEBHOOK_PORTS:
                detail = "Webhook can be set up only on ports 80, 88, 443 or 8443"
                raise bad_request(f"bad webhook: {detail}")
            return
        local = parts.scheme == "http" and parts.hostname in LOCAL_HOSTS
        if not (local and self.allow_http_webhook):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")

    @api_method("deleteWebhook")
    def delete_webhook(self, p: dict[str, Any]) -> bool:
        self.webhook = None
        if p.get("drop_pending_updates"):
            self._pending.clear()
        self._updates_signal.fire()
        return True

    @api_method("getWebhookInfo")
    def get_webhook_info(self, p: dict[str, Any]) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": (self.webhook or {}).get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        if self.webhook is not None:
            info["max_connections"] = 40
            if self._allowed_updates:
                info["allowed_updates"] = list(self._allowed_updates)
        if self._webhook_error is not None:
            info["last_error_date"], info["last_error_message"] = self._webhook_error
        return info

    async def _deliver_to_webhook(self) -> None:
        attempts = 0
        while True:
            await self._updates_signal.wait_until(
                lambda: self._closing or (self.webhook is not None and bool(self._pending))
            )
            if self._closing or self.webhook is None:
                return
            update = self._pending[0]
            delivered = True
            if _allowed(update, self._allowed_updates):
                delivered = await self._attempt(update)
            attempts = 0 if delivered else attempts + 1
            if delivered or attempts >= DELIVERY_ATTEMPTS:
                attempts = 0
                if self._pending and self._pending[0] is update:
                    self._pending.pop(0)
            else:
                await asyncio.sleep(min(0.05 * 2**attempts, DELIVERY_PAUSE_MAX))
            self._updates_signal.fire()

    async def _attempt(self, update: dict[str, Any]) -> bool:
        webhook = self.webhook or {}
        self._delivering = True
        try:
            status = await self._post_update(webhook["url"], update, webhook["secret_token"])
        except (aiohttp.ClientError, TimeoutError) as error:
            self._webhook_error = (int(time.time()), f"Connection failed: {error}")
            return False
        except Exception as crash:
            logger.exception("fake Bot API: delivering update %s failed", update["update_id"])
            self.crashes.append(f"delivering update {update['update_id']}: {crash!r}")
            self._webhook_error = (int(time.time()), "fake Bot API: delivery crashed")
            return False
        finally:
            self._delivering = False
        self.webhook_deliveries.append((update["update_id"], status))
        if 200 <= status < 300:
            return True
        self._webhook_error = (int(time.time()), f"Wrong response from the webhook: {status}")
        return False

    async def _post_update(self, url: str, update: dict[str, Any], secret: str | None) -> int:
        if self._client is None:
            raise RuntimeError("start the fake first")
        headers = {SECRET_HEADER: secret} if secret else {}
        async with self._client.post(url, data=_dumps(update), headers=headers) as response:
            if 200 <= response.status < 300:
                await self._run_webhook_reply(response)
            return response.status

    async def _run_webhook_reply(self, response: aiohttp.ClientResponse) -> None:
        """Telegram runs a method call given in the webhook's answer; so does the fake."""
        try:
            raw, uploads = await _read_reply(response)
        except (ValueError, aiohttp.ClientError):
            logger.warning("fake Bot API: ignoring an unreadable webhook answer")
            return
        method = raw.pop("method", None)
        if isinstance(method, str):
            await self.execute(method, raw, uploads)


async def _read_reply(response: aiohttp.ClientResponse) -> tuple[dict[str, Any], dict[str, Upload]]:
    raw: dict[str, Any] = {}
    uploads: dict[str, Upload] = {}
    if response.content_type == "application/json":
        body = await response.json()
        raw = body if isinstance(body, dict) else {}
    elif response.content_type == "multipart/form-data":
        reader = aiohttp.MultipartReader.from_response(response)
        while (part := await reader.next()) is not None:
            if not isinstance(part, aiohttp.BodyPartReader) or part.name is None:
                continue
            if part.filename:
                data = bytes(await part.read())
                content_type = part.headers.get("Content-Type", "application/octet-stream")
                uploads[part.name] = Upload(part.filename, content_type, data)
            else:
                raw[part.name] = await part.text()
    return raw, uploads


def _known(spec: MethodSpec | None) -> MethodSpec:
    if spec is None:
        raise ApiError(404, "Not Found")
    return spec


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _error_response(error: ApiError) -> web.Response:
    return web.json_response(error.body(), status=error.code, dumps=_dumps)


async def _read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, Upload]]:
    raw: dict[str, Any] = dict(request.query)
    uploads: dict[str, Upload] = {}
    if request.method != "POST" or not request.body_exists:
        return raw, uploads
    if request.content_type == "application/json":
        body = await request.json()
        if not isinstance(body, dict):
            raise ValueError("a JSON body must be an object")
        raw.update(body)
    elif request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        for name, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                uploads[name] = Upload(value.filename, value.content_type, value.file.read())
            elif isinstance(value, bytes | bytearray):
                raw[name] = bytes(value).decode("utf-8")
            else:
                raw[name] = value
    return raw, uploads


if __name__ == "__main__":
    from tests.fakes.bot_api_console import main

    main()
