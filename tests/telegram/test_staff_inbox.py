"""The staff inbox through the real Telegram channel: a forum group with two staff members."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from storage.services import Services
from storage.services.outbox import staff_queue
from storage.uow import UnitOfWork
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.clock import ManualClock
from tests.telegram.conftest import Person, TelegramApp, free_port

STAFF = -1001234567890
PHOTO = {"photo": [{"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90}]}


@asynccontextmanager
async def staff_bot(
    settings: Settings, fake: FakeBotApi, clock: ManualClock, catalogs: Path, *, forum: bool
) -> AsyncIterator[TelegramApp]:
    """The bot with a staff group, with topics (a forum) or without."""
    fake.add_group(STAFF, "Erstkontakt Team", forum=forum)
    running = TelegramApp(settings.model_copy(update={"staff_chat_id": STAFF}), clock, catalogs)
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture
async def inbox(
    webhook_settings: Settings, fake: FakeBotApi, clock: ManualClock, compiled_catalogs: Path
) -> AsyncIterator[TelegramApp]:
    async with staff_bot(webhook_settings, fake, clock, compiled_catalogs, forum=True) as bot:
        yield bot


class Staff:
    def __init__(self, fake: FakeBotApi, user_id: int, name: str) -> None:
        self.fake = fake
        self.user = {"id": user_id, "is_bot": False, "first_name": name}
        fake.add_member(STAFF, self.user)

    async def write(self, thread_id: int, text: str | None = None, **extra: Any) -> None:
        update = self.fake.message_update(
            self.user, text, chat_id=STAFF, thread_id=thread_id, extra=extra or None
        )
        assert await self.fake.post_webhook(update) == 200


@pytest.fixture
def staff(fake: FakeBotApi) -> tuple[Staff, Staff]:
    return Staff(fake, 501, "Hamida"), Staff(fake, 502, "Peter")


async def ask(person: Person, *messages: str | dict) -> None:
    await person.send("/start ask")
    await person.press("العربية" if person.user.get("language_code") == "ar" else "English")
    for number, message in enumerate(messages):
        if isinstance(message, dict):
            await person.send(None, **message)
        else:
            await person.send(message)
        if number == 0:
            await person.choose("send:yes")  # the first waits for their agreement


def topic(fake: FakeBotApi) -> tuple[int, dict]:
    [(thread_id, info)] = fake.topics[STAFF].items()
    return thread_id, info


async def test_a_round_trip_of_text_and_photo_in_arabic(
    inbox: TelegramApp, fake: FakeBotApi, person_factory, staff: tuple[Staff, Staff]
) -> None:
    person = person_factory(language_code="ar", first_name="<Olena & Co>")
    await ask(person, "متى الدورة القادمة؟ <b>", PHOTO)

    thread_id, info = topic(fake)
    assert info["name"] == "#1 <Olena & Co> · ar · offen"
    in_topic = fake.sent_to(STAFF, thread_id=thread_id)
    assert in_topic[0].text.split("\n")[:3] == [
        "Neue Anfrage #1",
        "Sprache: العربية",
        "Kanal: telegram",
    ]
    assert in_topic[1].text == "متى الدورة القادمة؟ <b>"
    assert in_topic[2].kind == "photo"

    hamida, peter = staff
    await hamida.write(thread_id, "Am 3. Dezember <b>hier</b> & dort.")
    await peter.write(thread_id, None, **PHOTO)

    answer, heading, photo = person.messages[-3:]
    arabic_heading = answer.text.split("\n")[0]
    assert answer.text == f"{arabic_heading}\n\nAm 3. Dezember <b>hier</b> & dort."
    assert arabic_heading != "Answer from the team:"
    assert "Hamida" not in answer.text
    assert (heading.text, photo.kind) == (arabic_heading, "photo")
    assert topic(fake)[1]["name"].endswith("· beantwortet")
    confirmations = [m.text for m in fake.sent_to(STAFF, thread_id=thread_id) if m.text]
    assert confirmations.count("✓ zugestellt") == 2


async def test_an_internal_note_stays_in_the_staff_chat(
    inbox: TelegramApp, fake: FakeBotApi, person_factory, staff: tuple[Staff, Staff]
) -> None:
    person = person_factory(language_code="en")
    await ask(person, "When is the next training?")
    before = len(person.messages)
    thread_id, _ = topic(fake)

    await staff[0].write(thread_id, "#note ruft morgen zurück")

    assert len(person.messages) == before


async def test_commands_in_a_topic_are_never_relayed_to_the_person(
    inbox: TelegramApp, fake: FakeBotApi, person_factory, staff: tuple[Staff, Staff]
) -> None:
    person = person_factory(language_code="en")
    await ask(person, "A question")
    before = len(person.messages)
    thread_id, _ = topic(fake)

    for command in ("/close@erstkontakt_test_bot", "/reopen", "/chatid", "/frobnicate now"):
        await staff[0].write(thread_id, command)

    assert len(person.messages) == before
    assert topic(fake)[1]["name"].endswith("· offen")


async def test_close_and_reopen_show_in_the_topic_name_and_a_follow_up_reopens(
    inbox: TelegramApp, fake: FakeBotApi, person_factory, staff: tuple[Staff, Staff]
) -> None:
    person = person_factory(language_code="en")
    await ask(person, "A question")
    thread_id, _ = topic(fake)

    await staff[1].write(thread_id, "/close")
    assert topic(fake)[1]["name"].endswith("· geschlossen")
    await staff[1].write(thread_id, "/reopen")
    assert topic(fake)[1]["name"].endswith("· offen")
    await staff[1].write(thread_id, "/close")

    await person.send("One more thing")

    assert topic(fake)[1]["name"].endswith("· offen")
    assert fake.sent_to(STAFF, thread_id=thread_id)[-1].text == "One more thing"


async def test_three_messages_at_once_from_a_new_person_open_one_topic_in_order(
    inbox: TelegramApp, fake: FakeBotApi, person_factory
) -> None:
    person = person_factory(language_code="en")
    await person.send("/start ask")
    await person.press("English")

    updates = [fake.message_update(person.user, f"message {n}") for n in range(3)]
    statuses = await asyncio.gather(*(fake.post_webhook(u) for u in updates))
    await person.choose("send:yes")

    assert statuses == [200, 200, 200]
    thread_id, _ = topic(fake)
    texts = [m.text for m in fake.sent_to(STAFF, thread_id=thread_id)][1:]
    assert texts == ["message 0", "message 1", "message 2"]


async def test_requests_wait_while_the_staff_chat_fails_and_arrive_once_in_order(
    inbox: TelegramApp, fake: FakeBotApi, person_factory, clock: ManualClock
) -> None:
    person = person_factory(language_code="en")
    await person.send("/start ask")
    await person.press("English")
    fake.fail_next("createForumTopic", code=500, description="Internal Server Error", times=2)

    for n in range(10):
        await person.send(f"message {n}")
    await person.choose("send:yes")
    assert STAFF not in fake.topics or not fake.topics[STAFF]

    assert inbox.channel is not None
    for _ in range(2):  # the staff chat keeps failing for the next attempt too
        clock.advance(minutes=20)
        await inbox.run_due()

    thread_id, _ = topic(fake)
    texts = [m.text for m in fake.sent_to(STAFF, thread_id=thread_id)][1:]
    assert texts == [f"message {n}" for n in range(10)]
    assert len(fake.calls("createForumTopic")) == 3


async def test_requests_waiting_in_the_outbox_go_out_after_a_restart(
    inbox: TelegramApp, fake: FakeBotApi, person_factory, clock: ManualClock
) -> None:
    person = person_factory(language_code="en")
    await person.send("/start ask")
    await person.press("English")
    fake.fail_next("createForumTopic", code=500, description="Internal Server Error")
    await person.send("waiting")
    await person.choose("send:yes")

    clock.advance(minutes=20)
    await inbox.restart()

    thread_id, _ = topic(fake)
    assert [m.text for m in fake.sent_to(STAFF, thread_id=thread_id)][1:] == ["waiting"]


async def test_an_answer_to_a_person_who_blocked_the_bot_is_reported_in_the_topic(
    inbox: TelegramApp, fake: FakeBotApi, person_factory, staff: tuple[Staff, Staff]
) -> None:
    person = person_factory(language_code="en")
    await ask(person, "A question")
    thread_id, _ = topic(fake)
    fake.block(person.id)

    await staff[0].write(thread_id, "Here is the answer")

    last = fake.sent_to(STAFF, thread_id=thread_id)[-1]
    assert last.text == "Nicht zugestellt: Diese Person hat den Bot blockiert."


async def test_an_unanswered_request_is_raised_again_after_a_working_day(
    inbox: TelegramApp, fake: FakeBotApi, person_factory, clock: ManualClock
) -> None:
    person = person_factory(language_code="en")
    await ask(person, "Anybody there?")  # Thursday 26 November 2026, 10:00 in Berlin
    thread_id, _ = topic(fake)
    assert inbox.channel is not None

    clock.advance(hours=23)
    await inbox.run_due()
    clock.advance(hours=2)
    await inbox.run_due()
    await inbox.run_due()

    raised = [m.text for m in fake.sent_to(STAFF, thread_id=thread_id) if m.text.startswith("⏰")]
    assert raised == ["⏰ Diese Anfrage wartet seit mehr als 1 Arbeitstag auf eine Antwort."]


async def test_an_admin_learns_a_group_id_with_chatid(
    inbox: TelegramApp, fake: FakeBotApi, webhook_settings: Settings
) -> None:
    other = -1009876543210
    fake.add_group(other, "Somewhere")
    admin = {"id": 777, "is_bot": False, "first_name": "Admin"}
    stranger = {"id": 778, "is_bot": False, "first_name": "Stranger"}
    for user in (admin, stranger):
        fake.add_member(other, user)
    inbox.settings = inbox.settings.model_copy(update={"admin_ids": (777,)})
    await inbox.restart()

    await fake.post_webhook(fake.message_update(stranger, "/chatid", chat_id=other))
    await fake.post_webhook(fake.message_update(admin, "/chatid", chat_id=other))

    assert [m.text for m in fake.sent_to(other)] == [f"Die ID dieses Chats: {other}"]


async def test_the_bot_leaves_a_group_a_non_admin_added_it_to(
    inbox: TelegramApp, fake: FakeBotApi
) -> None:
    other = -1005555555555
    fake.add_group(other, "Random", bot_status="member")
    stranger = {"id": 778, "is_bot": False, "first_name": "Stranger"}
    fake.add_member(other, stranger)

    update = fake.my_chat_member_update(stranger, old="left", new="member", chat_id=other)
    await fake.post_webhook(update)

    assert [call.params["chat_id"] for call in fake.calls("leaveChat")] == [other]


async def test_the_bot_follows_the_staff_group_when_it_becomes_a_supergroup(
    inbox: TelegramApp, fake: FakeBotApi, person_factory, staff: tuple[Staff, Staff]
) -> None:
    new_id = -1001111111111
    fake.add_group(new_id, "Erstkontakt Team", forum=True)
    fake.add_member(new_id, staff[0].user)
    moved = fake.message_update(
        staff[0].user, None, chat_id=STAFF, extra={"migrate_to_chat_id": new_id}
    )
    assert await fake.post_webhook(moved) == 200, fake.calls()[-3:]

    assert fake.sent_to(new_id)[-1].text == (
        f"Diese Gruppe hat jetzt die ID {new_id}. Ich nutze sie ab sofort; "
        f"bitte setzen Sie auch STAFF_CHAT_ID={new_id}."
    )
    await inbox.restart()
    person = person_factory(language_code="en")
    await ask(person, "Where do I find you?")
    [(thread_id, _)] = fake.topics[new_id].items()
    assert fake.sent_to(new_id, thread_id=thread_id)[-1].text == "Where do I find you?"


@pytest.fixture
async def plain_group_inbox(
    webhook_settings: Settings, fake: FakeBotApi, clock: ManualClock, compiled_catalogs: Path
) -> AsyncIterator[TelegramApp]:
    async with staff_bot(webhook_settings, fake, clock, compiled_catalogs, forum=False) as bot:
        yield bot


async def test_without_topics_each_request_is_a_message_answered_by_replying_to_it(
    plain_group_inbox: TelegramApp, fake: FakeBotApi, person_factory
) -> None:
    hamida = Staff(fake, 501, "Hamida")
    person = person_factory(language_code="en", first_name="Olena")
    await ask(person, "When is the next training?", PHOTO)

    forwarded = fake.sent_to(STAFF)
    assert forwarded[0].text == "#1 Olena · en · offen\n\nWhen is the next training?"
    assert forwarded[-1].kind == "photo"

    reply = fake.message_update(
        hamida.user, "On 3 December.", chat_id=STAFF, reply_to_message_id=forwarded[0].message_id
    )
    assert await fake.post_webhook(reply) == 200
    unrelated = fake.message_update(hamida.user, "Coffee, anyone?", chat_id=STAFF)
    assert await fake.post_webhook(unrelated) == 200

    assert person.last.text.endswith("\n\nOn 3 December.")
    assert "Coffee" not in " ".join(m.text or "" for m in person.messages)
    assert fake.sent_to(STAFF)[-1].text == "✓ zugestellt"


async def test_without_topics_an_unanswered_request_is_raised_again_in_reply_to_it(
    plain_group_inbox: TelegramApp, fake: FakeBotApi, person_factory, clock: ManualClock
) -> None:
    hamida = Staff(fake, 501, "Hamida")
    person = person_factory(language_code="en", first_name="Olena")
    await ask(person, "Anybody there?")  # Thursday 26 November 2026, 10:00 in Berlin
    [request] = fake.sent_to(STAFF)
    assert plain_group_inbox.channel is not None

    clock.advance(hours=25)
    await plain_group_inbox.run_due()
    await plain_group_inbox.run_due()

    reminders = [m for m in fake.sent_to(STAFF) if m.text.startswith("⏰")]
    assert [m.text for m in reminders] == [
        "⏰ Diese Anfrage wartet seit mehr als 1 Arbeitstag auf eine Antwort."
    ]
    assert reminders[0].reply_to_message_id == request.message_id
    reply = fake.message_update(
        hamida.user, "Sorry, here now.", chat_id=STAFF, reply_to_message_id=reminders[0].message_id
    )
    assert await fake.post_webhook(reply) == 200
    assert person.last.text.endswith("\n\nSorry, here now.")


async def test_system_notices_go_to_a_topic_of_their_own_through_the_outbox(
    inbox: TelegramApp, fake: FakeBotApi, clock: ManualClock
) -> None:
    assert inbox.app is not None
    assert inbox.channel is not None
    for number in (7, 8):
        async with UnitOfWork(inbox.app.sessions) as uow:
            await Services.bind(uow.session).outbox.notify_staff(
                text="New request #{person}", params={"person": number}, now=clock.now()
            )

    clock.advance(seconds=5)  # the outbox's next round
    await inbox.run_due()

    [(thread_id, info)] = fake.topics[STAFF].items()
    assert info["name"] == "Hinweise"
    assert [m.text for m in fake.sent_to(STAFF, thread_id=thread_id)] == [
        "Neue Anfrage #7",
        "Neue Anfrage #8",
    ]


async def test_staff_close_a_request_with_the_button_on_its_card(
    inbox: TelegramApp, fake: FakeBotApi, person_factory, staff: tuple[Staff, Staff]
) -> None:
    person = person_factory(language_code="en")
    await ask(person, "A question")
    thread_id, _ = topic(fake)
    card = fake.sent_to(STAFF, thread_id=thread_id)[0]

    press = fake.callback_update(staff[0].user, card, card.callback_data[0])
    assert await fake.post_webhook(press) == 200

    assert topic(fake)[1]["name"].endswith("· geschlossen")


async def test_an_answer_after_closing_still_reaches_the_person(
    inbox: TelegramApp, fake: FakeBotApi, person_factory, staff: tuple[Staff, Staff]
) -> None:
    person = person_factory(language_code="en")
    await ask(person, "A question")
    thread_id, _ = topic(fake)
    await staff[0].write(thread_id, "/close")

    await staff[0].write(thread_id, "One more hint: bring your documents.")

    assert person.last.text.endswith("One more hint: bring your documents.")
    assert topic(fake)[1]["name"].endswith("· beantwortet")


async def test_an_answer_waits_while_the_person_cannot_be_reached_and_arrives_later(
    inbox: TelegramApp,
    fake: FakeBotApi,
    person_factory,
    staff: tuple[Staff, Staff],
    clock: ManualClock,
) -> None:
    person = person_factory(language_code="en")
    await ask(person, "A question")
    thread_id, _ = topic(fake)
    before = len(person.messages)
    fake.fail_next("sendMessage", code=502, description="Bad Gateway")

    await staff[0].write(thread_id, "The answer")
    assert len(person.messages) == before

    clock.advance(minutes=1)
    assert inbox.channel is not None
    await inbox.run_due()
    assert person.last.text.endswith("The answer")


async def test_the_start_says_what_the_staff_chat_lacks(
    caplog: pytest.LogCaptureFixture, plain_group_inbox: TelegramApp
) -> None:
    messages = [record.getMessage() for record in caplog.get_records("setup")]

    assert any("has no topics: one message per request" in m for m in messages)


async def test_answers_never_rename_a_topic_to_the_name_it_has(
    inbox: TelegramApp, fake: FakeBotApi, person_factory, staff: tuple[Staff, Staff]
) -> None:
    person = person_factory(language_code="en")
    await ask(person, "When is the next training?")
    thread_id, _ = topic(fake)

    for text in ("First answer", "Second answer", "Third answer"):
        await staff[0].write(thread_id, text)

    renames = fake.calls("editForumTopic")
    assert [call.ok for call in renames] == [True]
    assert topic(fake)[1]["name"].endswith("· beantwortet")


def topic_of(fake: FakeBotApi, name_start: str) -> int:
    [thread_id] = [
        t for t, info in fake.topics[STAFF].items() if info["name"].startswith(name_start)
    ]
    return thread_id


async def test_a_deleted_topic_holds_back_nobody_and_its_message_still_reaches_staff(
    inbox: TelegramApp, fake: FakeBotApi, person_factory
) -> None:
    olena = person_factory(1001, "Olena", language_code="en")
    await ask(olena, "First question")
    del fake.topics[STAFF][topic_of(fake, "#1 ")]  # staff deleted the topic
    amir = person_factory(1002, "Amir", language_code="en")

    await olena.send("Second question")
    await ask(amir, "Mine")

    again = fake.sent_to(STAFF, thread_id=topic_of(fake, "#1 "))
    # The note is queued behind the message (in the outbox, so a restart keeps it).
    assert [m.text for m in again][1:] == [
        "Second question",
        "Das frühere Thema dieser Person wurde gelöscht; die Anfrage geht hier weiter.",
    ]
    assert [m.text for m in fake.sent_to(STAFF, thread_id=topic_of(fake, "#2 "))][1:] == ["Mine"]


async def test_a_staff_answer_as_long_as_telegram_allows_reaches_the_person_whole(
    inbox: TelegramApp, fake: FakeBotApi, person_factory, staff: tuple[Staff, Staff]
) -> None:
    person = person_factory(language_code="en")
    await ask(person, "Tell me everything")
    answer = " ".join(["Sentence number one is here."] * 146)[:4096]
    before = len(person.messages)

    await staff[0].write(topic_of(fake, "#1 "), answer)

    parts = [m.text for m in person.messages[before:]]
    assert parts == ["Answer from the team:", answer.strip()]
    assert all(c.error_code is None for c in fake.calls("sendMessage"))


async def test_a_message_that_can_never_be_delivered_is_reported_and_holds_back_nobody(
    inbox: TelegramApp, fake: FakeBotApi, person_factory, clock: ManualClock
) -> None:
    assert inbox.app is not None
    assert inbox.channel is not None
    async with UnitOfWork(inbox.app.sessions) as uow:
        await Services.bind(uow.session).outbox.add(
            queue="staff:notices",
            kind="future",
            person_id=None,
            ticket_id=None,
            payload={},
            now=clock.now(),
        )
        await Services.bind(uow.session).outbox.notify_staff(
            text="New request #{person}", params={"person": 9}, now=clock.now()
        )

    clock.advance(seconds=5)  # the outbox's next round
    await inbox.run_due()

    notices = [m.text for m in fake.sent_to(STAFF, thread_id=topic_of(fake, "Hinweise"))]
    assert notices[0] == "Neue Anfrage #9"
    assert notices[1].startswith("Eine Nachricht der Anfrage #? konnte nicht zugestellt werden:")
    async with UnitOfWork(inbox.app.sessions) as uow:
        assert await Services.bind(uow.session).outbox.queues_with_work() == []


async def test_a_message_whose_sender_died_while_sending_goes_again_marked_as_a_repeat(
    inbox: TelegramApp, fake: FakeBotApi, person_factory, clock: ManualClock
) -> None:
    assert inbox.app is not None
    assert inbox.channel is not None
    person = person_factory(language_code="en")
    await ask(person, "First")
    fake.fail_next("sendMessage", code=500, description="Internal Server Error")
    await person.send("Did it arrive?")  # the staff chat fails once: the copy waits
    clock.advance(minutes=20)
    async with UnitOfWork(inbox.app.sessions) as uow:  # a worker claims it, then dies
        claimed = await Services.bind(uow.session).outbox.claim_next(
            queue=staff_queue(1), now=clock.now()
        )
    assert claimed is not None
    assert not claimed.possible_repeat

    await inbox.run_due()
    assert [m.text for m in fake.sent_to(STAFF, thread_id=topic_of(fake, "#1 "))][-1] == "First"
    clock.advance(seconds=31)
    await inbox.run_due()

    assert [m.text for m in fake.sent_to(STAFF, thread_id=topic_of(fake, "#1 "))][-1] == (
        "↻ Vielleicht schon einmal gesendet (der Bot wurde beim Senden unterbrochen):"
        "\n\nDid it arrive?"
    )


async def test_a_copy_whose_arrival_is_unknown_goes_again_marked_as_a_repeat(
    inbox: TelegramApp, fake: FakeBotApi, person_factory, clock: ManualClock
) -> None:
    assert inbox.channel is not None
    person = person_factory(language_code="en")
    await ask(person, "First")
    fake.lose_answer_next("sendMessage", chat_id=STAFF)

    await person.send("Did it arrive?")
    clock.advance(seconds=6)
    await inbox.run_due()

    # A repeat that says so is better than a request lost.
    assert [m.text for m in fake.sent_to(STAFF, thread_id=topic_of(fake, "#1 "))][1:] == [
        "First",
        "Did it arrive?",
        "↻ Vielleicht schon einmal gesendet (der Bot wurde beim Senden unterbrochen):"
        "\n\nDid it arrive?",
    ]


async def test_an_answer_whose_arrival_is_unknown_goes_again_saying_so(
    inbox: TelegramApp,
    fake: FakeBotApi,
    person_factory,
    staff: tuple[Staff, Staff],
    clock: ManualClock,
) -> None:
    assert inbox.channel is not None
    person = person_factory(language_code="en")
    await ask(person, "A question")
    before = len(person.messages)
    fake.lose_answer_next("sendMessage", chat_id=person.user["id"])

    await staff[0].write(topic_of(fake, "#1 "), "The answer")
    clock.advance(seconds=6)
    await inbox.run_due()

    assert [m.text for m in person.messages[before:]] == [
        "Answer from the team:\n\nThe answer",
        "Answer from the team (you may have got it already):\n\nThe answer",
    ]


async def test_a_long_flood_pause_holds_back_only_its_own_queue(
    inbox: TelegramApp, fake: FakeBotApi, person_factory, clock: ManualClock
) -> None:
    assert inbox.channel is not None
    olena = person_factory(1001, "Olena", language_code="en")
    fake.fail_next("createForumTopic", code=429, description="Too Many Requests", retry_after=120)
    await ask(olena, "First")
    amir = person_factory(1002, "Amir", language_code="en")

    await ask(amir, "Mine")
    clock.advance(seconds=60)
    await inbox.run_due()

    assert [info["name"][:3] for info in fake.topics[STAFF].values()] == ["#2 "]
    clock.advance(seconds=61)  # Telegram's pause is over
    await inbox.run_due()
    assert [m.text for m in fake.sent_to(STAFF, thread_id=topic_of(fake, "#1 "))][1:] == ["First"]
    assert len(fake.calls("createForumTopic")) == 3  # no try within the pause


async def test_while_the_staff_chat_fails_a_person_is_told_the_message_is_kept(
    inbox: TelegramApp, fake: FakeBotApi, person_factory
) -> None:
    olena = person_factory(1001, "Olena", language_code="en")
    fake.fail_next("createForumTopic", code=500, description="Internal Server Error", times=2)
    await ask(olena, "First")  # its copy for staff fails: from now on they know
    amir = person_factory(1002, "Amir", language_code="en")

    await ask(amir, "Mine")

    assert "Your message is kept safe and will reach the team" in amir.last.text


async def test_a_staff_answer_delivered_twice_reaches_the_person_once(
    inbox: TelegramApp, fake: FakeBotApi, person_factory, staff: tuple[Staff, Staff]
) -> None:
    person = person_factory(language_code="en")
    await ask(person, "A question")
    before = len(person.messages)
    answer = fake.message_update(
        staff[0].user, "The answer", chat_id=STAFF, thread_id=topic_of(fake, "#1 ")
    )

    assert await fake.post_webhook(answer) == 200
    assert await fake.post_webhook(answer) == 200  # Telegram retries a webhook delivery

    assert [m.text for m in person.messages[before:]] == ["Answer from the team:\n\nThe answer"]


async def test_two_instances_raise_an_unanswered_request_once(
    inbox: TelegramApp,
    fake: FakeBotApi,
    person_factory,
    clock: ManualClock,
    compiled_catalogs: Path,
) -> None:
    person = person_factory(language_code="en")
    await ask(person, "Anybody there?")
    assert inbox.app is not None
    elsewhere = inbox.app.settings.model_copy(update={"webhook_port": free_port()})
    other = TelegramApp(elsewhere, clock, compiled_catalogs)
    await other.start()
    assert inbox.channel is not None
    clock.advance(hours=25)

    try:
        await asyncio.gather(inbox.run_due(), other.run_due())
    finally:
        await other.stop()

    in_topic = fake.sent_to(STAFF, thread_id=topic_of(fake, "#1 "))
    assert len([m for m in in_topic if m.text.startswith("⏰")]) == 1


async def test_only_members_of_the_staff_chat_answer_and_only_admins_learn_its_id(
    inbox: TelegramApp, fake: FakeBotApi, person_factory, staff: tuple[Staff, Staff]
) -> None:
    person = person_factory(language_code="en")
    await ask(person, "A question")
    before = len(person.messages)
    thread_id = topic_of(fake, "#1 ")
    gone = {"id": 777, "is_bot": False, "first_name": "Mallory"}
    fake.add_user(777, "Mallory")
    written = [
        fake.message_update(gone, text, chat_id=STAFF, thread_id=thread_id)
        for text in ("I answer instead", "/close")
    ]
    fake.add_member(STAFF, gone, status="left")  # left the staff chat right after writing

    for update in written:
        assert await fake.post_webhook(update) == 200
    await staff[0].write(thread_id, "/chatid")

    assert len(person.messages) == before
    assert topic(fake)[1]["name"].endswith("· offen")
    assert not any("id" in m.text for m in fake.sent_to(STAFF, thread_id=thread_id)[-2:])


async def test_a_person_who_blocked_the_bot_holds_back_nobody(
    inbox: TelegramApp, fake: FakeBotApi, person_factory, staff: tuple[Staff, Staff]
) -> None:
    olena = person_factory(1001, "Olena", language_code="en")
    amir = person_factory(1002, "Amir", language_code="en")
    await ask(olena, "Mine first")
    await ask(amir, "Mine second")
    fake.block(olena.id)

    await staff[0].write(topic_of(fake, "#1 "), "For Olena")
    await staff[0].write(topic_of(fake, "#2 "), "For Amir")

    assert amir.last.text == "Answer from the team:\n\nFor Amir"
    assert fake.sent_to(STAFF, thread_id=topic_of(fake, "#1 "))[-1].text == (
        "Nicht zugestellt: Diese Person hat den Bot blockiert."
    )


async def test_when_the_staff_chat_refuses_even_a_notice_the_admins_are_told(
    webhook_settings: Settings, fake: FakeBotApi, clock: ManualClock, compiled_catalogs: Path
) -> None:
    admin = fake.add_user(4711, "Ada")
    settings = webhook_settings.model_copy(update={"admin_ids": (admin["id"],)})
    async with staff_bot(settings, fake, clock, compiled_catalogs, forum=True) as bot:
        assert bot.app is not None
        assert bot.channel is not None
        async with UnitOfWork(bot.app.sessions) as uow:
            await Services.bind(uow.session).outbox.notify_staff(
                text="New request #{person}", params={"person": 5}, now=clock.now()
            )
        fake.fail_next("createForumTopic", code=403, description="Forbidden: bot was kicked")

        clock.advance(seconds=5)  # the outbox's next round
        await bot.run_due()

    [told] = fake.sent_to(admin["id"])
    assert told.text.endswith("Dieser Hinweis kam dort nicht an: Neue Anfrage #5")


async def test_a_staff_chat_failing_after_an_answer_never_sends_the_answer_twice(
    inbox: TelegramApp,
    fake: FakeBotApi,
    person_factory,
    staff: tuple[Staff, Staff],
    clock: ManualClock,
) -> None:
    person = person_factory(language_code="en")
    await ask(person, "A question")
    before = len(person.messages)
    fake.fail_next("sendMessage", code=500, description="Internal Server Error", chat_id=STAFF)

    await staff[0].write(topic_of(fake, "#1 "), "The answer")  # its "✓ delivered" fails
    clock.advance(seconds=6)
    await inbox.run_due()

    assert [m.text for m in person.messages[before:]] == ["Answer from the team:\n\nThe answer"]
    assert fake.sent_to(STAFF, thread_id=topic_of(fake, "#1 "))[-1].text == "✓ zugestellt"
