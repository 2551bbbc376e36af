"""A line console around the fake Bot API, to try the bot by hand.

    python -m tests.fakes.bot_api --port 8081 [--token 123456:TEST-token]

Point the bot at the printed URL. Then type:

    user 1001 Hallo                 write as user 1001 (created on first use)
    user 1001 lang=ar Hallo         ... with that language_code
    press 1001 <message_id> <data>  press the button with that callback_data
    press 1001 <n>                  press the n-th button of the last bot message to 1001
    group -1001 forum               create a (forum) group where the bot is an admin
    staff -1001 <thread_id> <user_id> text   a staff member writes in a topic (0: General)
    block 1001 / unblock 1001
    quit
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from tests.fakes.bot_api import TOKEN, ApiCall, FakeBotApi, SentMessage


def show(message: SentMessage) -> None:
    where = f"{message.chat_id}/{message.message_thread_id or '-'}"
    body = message.text if message.kind == "text" else f"<{message.kind}> {message.caption or ''}"
    print(f"[{where}] #{message.message_id}{' (edited)' if message.edited else ''} {body}")
    labels = [label for row in message.buttons for label, _ in row]
    for number, label in enumerate(labels, start=1):
        print(f"    {number}) {label}")
    sys.stdout.flush()


def show_failure(call: ApiCall) -> None:
    if not call.ok:
        print(f"! {call.method} {call.params} -> {call.error_code} {call.description}", flush=True)


def _user(fake: FakeBotApi, user_id: int, language: str | None = None) -> dict[str, Any]:
    user = fake.users.get(user_id)
    if user is None or user_id not in fake.chats or language is not None:
        name = user["first_name"] if user else f"User{user_id}"
        language = language or (user or {}).get("language_code")
        return fake.add_user(user_id, name, language_code=language)
    return user


def _write(fake: FakeBotApi, args: list[str]) -> None:
    user_id, words = int(args[0]), args[1:]
    language = None
    if words and words[0].startswith("lang="):
        language, words = words[0].removeprefix("lang="), words[1:]
    user = _user(fake, user_id, language)
    fake.push_update(fake.message_update(user, " ".join(words)))


def _press(fake: FakeBotApi, args: list[str]) -> None:
    user = _user(fake, int(args[0]))
    with_buttons = [message for message in fake.sent_to(user["id"]) if message.callback_data]
    if len(args) == 3:
        message = next(item for item in with_buttons if item.message_id == int(args[1]))
        data = args[2]
    else:
        message = with_buttons[-1]
        data = message.callback_data[int(args[1]) - 1]
    fake.push_update(fake.callback_update(user, message, data))


def _staff(fake: FakeBotApi, args: list[str]) -> None:
    chat_id, thread_id, user_id = int(args[0]), int(args[1]), int(args[2])
    user = fake.users.get(user_id) or {"id": user_id, "is_bot": False, "first_name": "Staff"}
    fake.add_member(chat_id, user)
    update = fake.message_update(
        user, " ".join(args[3:]), chat_id=chat_id, thread_id=thread_id or None
    )
    fake.push_update(update)


def handle(fake: FakeBotApi, line: str) -> None:
    command, *args = line.split()
    if command == "user":
        _write(fake, args)
    elif command == "press":
        _press(fake, args)
    elif command == "group":
        fake.add_group(int(args[0]), forum="forum" in args[1:])
    elif command == "staff":
        _staff(fake, args)
    elif command == "block":
        fake.block(int(args[0]))
    elif command == "unblock":
        fake.unblock(int(args[0]))
    else:
        print(__doc__)


async def run(port: int, token: str) -> None:
    fake = FakeBotApi(token)
    fake.on_message = show
    fake.on_call = show_failure
    await fake.start(port=port)
    print(f"fake Bot API at {fake.url} (token {token}); type 'help'", flush=True)
    loop = asyncio.get_running_loop()
    try:
        while (line := await loop.run_in_executor(None, sys.stdin.readline)).strip() != "quit":
            if not line:
                break
            if line.strip():
                try:
                    handle(fake, line)
                except (ValueError, KeyError, IndexError, StopIteration) as error:
                    print(f"! {error!r}", flush=True)
    finally:
        await fake.stop()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.fakes.bot_api")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=TOKEN)
    options = parser.parse_args()
    asyncio.run(run(options.port, options.token))
