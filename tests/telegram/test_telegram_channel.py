"""The real bot in Telegram: first contact, About by presses, failures as Telegram has them."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import warnings
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select

from bot.app import App
from bot.channels.telegram import TelegramChannel
from bot.config import Settings
from storage.models import ChannelIdentity, ProcessedEvent
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.clock import ManualClock
from tests.telegram.conftest import SECRET, Person, TelegramApp, stored_texts


@pytest.mark.parametrize(
    ("language_code", "greeting", "first_button"),
    [
        ("de", "Hallo Olena! Ich bin der Assistent", "Deutsch"),
        ("en", "Hello, Olena! I am the assistant", "English"),
        ("pt-br", "Hello, Olena! I am the assistant", "English"),
        (None, "Hallo Olena! Ich bin der Assistent", "Deutsch"),
    ],
)
async def test_first_contact_greets_by_the_language_hint(
    telegram: TelegramApp,
    person_factory,
    language_code: str | None,
    greeting: str,
    first_button: str,
) -> None:
    person = person_factory(language_code=language_code)

    await person.send("/start")

    assert person.last.text.startswith(greeting)
    assert person.labels[0] == first_button
    assert {"Deutsch", "English"} <= set(person.labels)


@pytest.mark.parametrize(
    ("language", "about", "next_"),
    [("English", "About the project", "Next: "), ("Deutsch", "Über das Projekt", "Weiter: ")],
)
async def test_the_about_flow_end_to_end_by_presses_edits_one_message(
    telegram: TelegramApp,
    fake: FakeBotApi,
    person_factory,
    language: str,
    about: str,
    next_: str,
) -> None:
    person = person_factory(language_code="en")
    await person.send("/start")
    await person.press(language)
    await person.press(about)
    titles = person.labels[:-1]

    await person.press(titles[0])
    seen = [person.last.text.split("\n")[0]]
    while any(label.startswith(next_) for label in person.labels):
        await person.press(next(label for label in person.labels if label.startswith(next_)))
        seen.append(person.last.text.split("\n")[0])

    assert seen == titles
    assert len(person.messages) == 1
    assert person.last.edited
    assert len(fake.calls("answerCallbackQuery")) == len(fake.calls("editMessageText"))


async def test_a_stale_button_is_answered_and_changes_nothing(
    telegram: TelegramApp, person_factory
) -> None:
    person = person_factory(language_code="en")
    await person.send("/start")
    await person.press("English")
    older_menu = person.last
    await person.send("/menu")
    await person.press("About the project")
    current = person.last

    await person.press_data(older_menu, older_menu.callback_data[-1])

    notice = person.last
    assert notice.message_id > current.message_id
    assert notice.text.startswith("That button is from an earlier message. Here is where we are")
    assert notice.text.endswith(current.text)
    await person.press_data(current, current.callback_data[0])
    [pressed] = [m for m in person.messages if m.message_id == current.message_id]
    assert pressed.text.startswith("Aims of the project")


async def test_forged_callback_data_is_answered_politely(
    telegram: TelegramApp, fake: FakeBotApi, person_factory
) -> None:
    person = person_factory(language_code="en")
    await person.send("/start")
    update = fake.callback_update(person.user, person.last, person.last.callback_data[0])
    update["callback_query"]["data"] = "999|menu:admin"

    await person.deliver(update)

    assert person.last.text.startswith("That button is from an earlier message.")


@pytest.mark.parametrize(
    "media",
    [
        {"photo": [{"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90}]},
        {"voice": {"file_id": "v1", "file_unique_id": "u2", "duration": 3}},
        {
            "sticker": {
                "file_id": "s1",
                "file_unique_id": "u3",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            }
        },
        {"location": {"latitude": 51.18, "longitude": 14.42}},
        {"contact": {"phone_number": "+4915755520787", "first_name": "Olena"}},
    ],
    ids=["photo", "voice", "sticker", "location", "contact"],
)
async def test_media_outside_a_step_that_asks_for_it_gets_a_friendly_answer_and_the_menu(
    telegram: TelegramApp, person_factory, media: dict
) -> None:
    person = person_factory(language_code="en")
    await person.send("/start")
    await person.press("English")

    await person.send(None, **media)

    text = person.last.text
    assert text.startswith("Thank you! I cannot use this here.") or text.endswith(
        "Shall I send your message to the team?"
    )
    assert person.labels


async def test_a_deep_link_opens_its_page_after_the_picker(
    telegram: TelegramApp, person_factory
) -> None:
    person = person_factory(language_code="en")

    await person.send("/start about-10--poster_bautzen")
    await person.press("English")

    assert "Hamida Taamiri" in person.last.text
    assert "Next: Starting a cooperation" in person.labels


async def test_a_429_in_the_middle_of_a_flow_waits_and_then_answers(
    telegram: TelegramApp, fake: FakeBotApi, person_factory
) -> None:
    person = person_factory(language_code="en")
    await person.send("/start")
    fake.fail_next(
        "editMessageText", code=429, description="Too Many Requests: retry after 1", retry_after=1
    )

    await person.press("English")

    edits = fake.calls("editMessageText")
    assert [call.error_code for call in edits] == [429, None]
    assert person.last.text.endswith("What would you like to do?")


async def test_a_person_who_blocked_the_bot_is_marked_and_back_when_writing_again(
    telegram: TelegramApp, fake: FakeBotApi, person_factory, caplog: pytest.LogCaptureFixture
) -> None:
    person = person_factory(language_code="en")
    await person.send("/start")
    fake.block(person.id)

    with caplog.at_level(logging.INFO):
        await person.send("/help")

    assert [c.error_code for c in fake.calls("sendMessage")][-1] == 403
    state = await unreachable_since(telegram, person.id)
    assert state is not None
    fake.unblock(person.id)
    await person.deliver(fake.my_chat_member_update(person.user, old="kicked", new="member"))
    assert await unreachable_since(telegram, person.id) is None
    assert not any("Olena" in record.getMessage() for record in caplog.records)


async def unreachable_since(telegram: TelegramApp, user_id: int) -> datetime | None:
    assert telegram.app is not None
    async with telegram.app.sessions() as session:
        return (
            await session.execute(
                select(ChannelIdentity.unreachable_since).where(
                    ChannelIdentity.external_id == str(user_id)
                )
            )
        ).scalar_one()


async def test_an_update_delivered_twice_is_handled_once_also_after_a_restart(
    telegram: TelegramApp, fake: FakeBotApi, person_factory
) -> None:
    person = person_factory(language_code="en")
    update = fake.message_update(person.user, "/start")

    await person.deliver(update)
    await person.deliver(update)
    await telegram.restart()
    await person.deliver(update)

    assert len(person.messages) == 1


async def test_update_ids_are_remembered_for_a_week_then_forgotten(
    telegram: TelegramApp, fake: FakeBotApi, person_factory, clock: ManualClock
) -> None:
    person = person_factory(language_code="en")
    await person.deliver(fake.message_update(person.user, "/start"))
    clock.advance(days=6)
    recent = fake.message_update(person.user, "/help")
    await person.deliver(recent)
    clock.advance(days=2)

    await telegram.restart()
    await person.deliver(recent)

    assert telegram.app is not None
    async with telegram.app.sessions() as session:
        remembered = (await session.execute(select(ProcessedEvent.event_key))).scalars().all()
    assert remembered == [f"update:{recent['update_id']}"]
    assert len(person.messages) == 2


async def test_a_restart_between_two_presses_continues(
    telegram: TelegramApp, person_factory
) -> None:
    person = person_factory(language_code="en")
    await person.send("/start")
    await person.press("English")
    await person.press("About the project")

    await telegram.restart()
    await person.press("Duration")

    assert person.last.text.startswith("Duration")


async def test_user_text_full_of_markup_is_shown_as_written(
    telegram: TelegramApp, person_factory
) -> None:
    person = person_factory(first_name="<b>Ali</b> & <i>Co", language_code="en")

    await person.send("/start")

    assert person.last.text.startswith("Hello, <b>Ali</b> & <i>Co! I am")
    assert "&lt;b&gt;Ali&lt;/b&gt; &amp; &lt;i&gt;Co" in person.last.html


async def test_command_menus_are_registered_per_two_letter_locale(
    telegram: TelegramApp, fake: FakeBotApi
) -> None:
    languages = sorted(language for (_scope, language) in fake.commands)

    assert telegram.app is not None
    two_letter = [code for code in telegram.app.catalogs.locales if len(code) == 2]
    assert languages == ["", *sorted(two_letter)]
    assert "hsb" not in languages
    assert "de@easy" not in languages
    default = fake.commands[("default", "")]
    assert [c["command"] for c in default] == ["start", "language", "help"]
    assert fake.commands[("default", "en")][1] == {"command": "menu", "description": "Main menu"}


async def test_the_webhook_is_registered_with_its_secret_and_member_updates(
    telegram: TelegramApp, fake: FakeBotApi
) -> None:
    assert fake.webhook is not None
    assert fake.webhook["secret_token"] == SECRET
    assert "my_chat_member" in fake.webhook["allowed_updates"]


@pytest.mark.parametrize("secret", [None, "wrong"])
async def test_a_webhook_request_without_the_secret_is_refused_and_not_processed(
    telegram: TelegramApp, fake: FakeBotApi, person_factory, secret: str | None
) -> None:
    person = person_factory()

    status = await fake.post_webhook(fake.message_update(person.user, "/start"), secret=secret)

    assert status == 403
    assert person.messages == []


@pytest.mark.parametrize("body", [b"[1, 2]", b'{"update_id": "x"}', b'"text"', b"not json"])
async def test_a_webhook_body_that_is_no_update_gets_400_and_nothing_happens(
    telegram: TelegramApp, webhook_settings: Settings, fake: FakeBotApi, body: bytes
) -> None:
    url = webhook_settings.webhook_url or ""
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=headers) as response,
    ):
        assert response.status == 400
    assert fake.calls("sendMessage") == []


async def test_the_webhook_server_answers_health_checks(
    telegram: TelegramApp, webhook_settings: Settings
) -> None:
    url = f"http://127.0.0.1:{webhook_settings.webhook_port}/healthz"
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        assert response.status == 200


@asynccontextmanager
async def polling_bot(
    database_url: str, fake: FakeBotApi, clock: ManualClock, catalogs: Path
) -> AsyncIterator[None]:
    """The bot in long-polling mode while the block runs."""
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=database_url,
        telegram_bot_token=fake.token,
        telegram_api_base=fake.url,
    )
    app = App.build(settings, clock=clock, compiled_dir=catalogs, scheduler_tick=None)
    channel = TelegramChannel(
        engine=app.dialogs,
        settings=settings,
        workers=app.workers,
    )
    serving = asyncio.create_task(app.serve(channel))
    try:
        yield
    finally:
        serving.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(serving, timeout=10)
        await app.close()


async def test_long_polling_answers_after_removing_the_webhook(
    database_url: str,
    fake: FakeBotApi,
    clock: ManualClock,
    compiled_catalogs: Path,
    person_factory,
) -> None:
    person = person_factory(language_code="en")

    async with polling_bot(database_url, fake, clock, compiled_catalogs):
        fake.push_update(fake.message_update(person.user, "/start"))
        await fake.wait_for_call("sendMessage", timeout=10)

    assert fake.calls("deleteWebhook")
    assert person.last.text.startswith("Hello, Olena!")


async def test_a_server_error_is_retried_with_backoff(
    telegram: TelegramApp, fake: FakeBotApi, person_factory
) -> None:
    person = person_factory(language_code="en")
    fake.fail_next("sendMessage", code=502, description="Bad Gateway")

    await person.send("/start")

    assert [call.error_code for call in fake.calls("sendMessage")] == [502, None]
    assert person.last.text.startswith("Hello, Olena!")


async def test_updates_of_one_person_are_answered_in_order_when_polling(
    database_url: str,
    fake: FakeBotApi,
    clock: ManualClock,
    compiled_catalogs: Path,
    person_factory,
) -> None:
    person = person_factory(language_code="en")
    for text in ("/start", "/help", "/cancel", "/frobnicate"):
        fake.push_update(fake.message_update(person.user, text))

    async with polling_bot(database_url, fake, clock, compiled_catalogs):
        await fake.wait_for_call("sendMessage", timeout=10, count=4)

    firsts = [message.text.split("\n")[0] for message in person.messages]
    assert [line[:12] for line in firsts] == [
        "Hello, Olena",
        "Choose a lan",
        "Cancelled.",
        "I don't know",
    ]


async def test_an_edited_message_is_answered_and_not_passed_on(
    telegram: TelegramApp, fake: FakeBotApi, person_factory
) -> None:
    person = person_factory(language_code="en")
    await person.send("/start")
    await person.press("English")
    sent = fake.message_update(person.user, "Hello")
    edited = {
        "update_id": sent["update_id"] + 1000,
        "edited_message": {**sent["message"], "text": "Hello!", "edit_date": 1},
    }

    await person.deliver(edited)

    assert person.last.text.startswith("I cannot pass on changes to a message.")
    assert person.last.text.endswith("What would you like to do?")


async def test_an_update_of_a_type_aiogram_does_not_know_is_skipped_without_its_content(
    telegram: TelegramApp, fake: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    update = {"update_id": 987654, "future_kind": {"text": "my address is Lindenweg 3"}}

    with warnings.catch_warnings(record=True) as warned, caplog.at_level(logging.DEBUG):
        warnings.simplefilter("always")
        assert await fake.post_webhook(update) == 200

    assert [str(w.message) for w in warned] == []
    logged = [record.getMessage() for record in caplog.records]
    assert "update of an unknown type skipped update_id=987654" in logged
    assert not any("Lindenweg" in line for line in logged)


async def test_a_press_and_three_texts_in_one_batch_are_handled_in_order(
    database_url: str,
    fake: FakeBotApi,
    clock: ManualClock,
    compiled_catalogs: Path,
    person_factory,
) -> None:
    person = person_factory(language_code="en")
    async with polling_bot(database_url, fake, clock, compiled_catalogs):
        fake.push_update(fake.message_update(person.user, "/start"))
        await fake.wait_for_call("sendMessage", timeout=10)
        fake.push_update(fake.callback_update(person.user, person.last, person.data_of("English")))
        await fake.wait_for_call("editMessageText", timeout=10)
        await agreed_to_ask_the_team(fake, person)
    menu = person.message_with("Ask the team")
    fake.push_update(fake.callback_update(person.user, menu, person.data_of("Ask the team")))
    texts = ["Hello", "Is there a training in May?", "In Bautzen, please"]
    updates = [fake.message_update(person.user, text) for text in texts]
    for update in updates:
        fake.push_update(update)

    async with polling_bot(database_url, fake, clock, compiled_catalogs):
        await fake.wait_for_call("setMessageReaction", timeout=10, count=3)

    reacted = [u["message"]["message_id"] for u in updates]
    assert [fake.reactions_on(person.id, m) for m in reacted] == [["✍"], ["✍"], ["✍"]]
    assert await stored_texts(database_url) == ["A first question", *texts]


async def agreed_to_ask_the_team(fake: FakeBotApi, person: Person) -> None:
    """The person asked the team once (agreeing to what happens with their messages) and is
    back at the menu."""
    edits = len(fake.calls("editMessageText"))
    sent = len(fake.calls("sendMessage"))
    fake.push_update(fake.callback_update(person.user, person.last, person.data_of("Ask the team")))
    await fake.wait_for_call("editMessageText", timeout=10, count=edits + 1)
    fake.push_update(fake.message_update(person.user, "A first question"))
    await fake.wait_for_call("sendMessage", timeout=10, count=sent + 1)
    yes = person.data_of("Yes, send it to the team")
    fake.push_update(fake.callback_update(person.user, person.last, yes))
    await fake.wait_for_call("editMessageText", timeout=10, count=edits + 2)
    fake.push_update(fake.message_update(person.user, "/menu"))
    await fake.wait_for_call("sendMessage", timeout=10, count=sent + 2)
