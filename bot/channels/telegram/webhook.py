"""The webhook server: Telegram POSTs updates to the URL's path; each is handled before the
request is answered, so a crash makes Telegram deliver it again. A request without the
right secret header is refused with 403 and not processed. The answer may carry one Bot API
call, which Telegram then makes."""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name


class NotAnUpdate(Exception):
    """A webhook body that is JSON but not a Telegram update."""


def webhook_app(
    *,
    path: str,
    secret: str,
    handle_update: Callable[[Any], Awaitable[dict[str, Any] | None]],
) -> web.Application:
    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            log.warning("webhook request refused: wrong or missing secret")
            return web.Response(status=403, text="Forbidden")
        try:
            body = await request.json()
        except ValueError:
            body = None
        try:
            reply = await handle_update(body)
        except NotAnUpdate:  # not JSON, or JSON but no update
            log.warning("webhook request refused: the body is no update")
            return web.Response(status=400, text="Bad Request")
        # Telegram runs one Bot API call given in the answer (here: answering a press).
        return web.json_response(reply) if reply else web.Response(status=200)

    async def healthz(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post(path, receive)
    app.router.add_get("/healthz", healthz)
    return app
