"""Ask the team: every message is stored in the person's request before anything else."""

from __future__ import annotations

import asyncio
import functools
from pathlib import Path

from sqlalchemy import func, select

from bot.app import App
from bot.config import Settings
from storage.models import Conversation, OutboxMessage, Ticket, TicketMessage
from storage.services import Services
from storage.services.outbox import staff_queue
from storage.uow import UnitOfWork
from tests.chat import Chat
from tests.fakes.clock import ManualClock
from tests.instances import Instance


async def stored(app: App) -> list[tuple[int, str, str | None]]:
    async with app.sessions() as session:
        rows = await session.execute(
            select(TicketMessage.ticket_id, TicketMessage.kind, TicketMessage.text).order_by(
                TicketMessage.id
            )
        )
        return list(rows.tuples())


async def test_a_question_by_text_and_photo_is_stored_in_one_request(app: App, chat: Chat) -> None:
    await chat.send("/start")
    await chat.choose("lang:en")
    await chat.choose("menu:ask")
    assert chat.text.startswith(
        "What happens with your message: it is stored, the team reads it, and it is deleted "
        "365 days after your request is closed."
    )

    await chat.send("<b>Wann</b> & wo ist die nächste Fortbildung?")
    await chat.choose("send:yes")
    assert chat.text.startswith(
        "Thank you. Your message has reached the team. The answer will come here, in this "
        "chat. The team usually answers within 1 working day."
    )
    await chat.send_media("photo")

    assert await stored(app) == [
        (1, "text", "<b>Wann</b> & wo ist die nächste Fortbildung?"),
        (1, "photo", None),
    ]
    assert await chat.position() == ("ask_the_team", "write")
    assert chat.text == "✓ Sent to the team."
    assert chat.last.choices == ()


async def test_the_privacy_sentence_comes_only_before_the_first_request(chat: Chat) -> None:
    await chat.send("/start")
    await chat.choose("lang:en")
    await chat.choose("menu:ask")
    await chat.send("A question")
    await chat.choose("send:yes")
    await chat.send("/menu")

    await chat.choose("menu:ask")

    assert chat.text.startswith("Write your question for the team.")


async def test_text_no_flow_can_place_is_sent_to_the_team_only_when_confirmed(
    app: App, chat: Chat
) -> None:
    await chat.send("/start")
    await chat.choose("lang:de")

    await chat.send("Hallo, ist jemand da?")
    assert chat.text.endswith("Soll ich Ihre Nachricht an das Team senden?")
    await chat.choose("send:no")
    assert await stored(app) == []

    await chat.send("Hallo, ist jemand da?")
    await chat.choose("send:yes")
    assert await stored(app) == [(1, "text", "Hallo, ist jemand da?")]
    assert chat.text.startswith("Danke. Ihre Nachricht ist beim Team angekommen.")


async def test_a_sticker_is_not_passed_on(app: App, chat: Chat) -> None:
    await chat.send("/start")
    await chat.choose("lang:en")
    await chat.choose("menu:ask")

    await chat.send_media("sticker")

    assert chat.text.startswith("Thank you! I cannot pass this on.")
    assert await stored(app) == []


async def test_messages_of_a_new_person_racing_in_several_processes_make_one_request(
    app: App, settings: Settings, clock: ManualClock, compiled_catalogs: Path
) -> None:
    instances = [
        Instance(App.build(settings, clock=clock, compiled_dir=compiled_catalogs)) for _ in range(3)
    ]
    chat = Chat(app.dialogs)
    await chat.send("/start")
    await chat.choose("lang:en")
    person = await app.dialogs.state(chat.who)
    assert person is not None

    async def send(app: App, text: str) -> None:
        async with UnitOfWork(app.sessions) as uow:
            await Services.bind(uow.session).tickets.add_from_person(
                person_id=1,
                identity_id=person.identity_id,
                locale="en",
                kind="text",
                text=text,
                file_ref=None,
                now=clock.now(),
            )

    await asyncio.gather(
        *(
            each.run(functools.partial(send, text=f"message {n}"))
            for n, each in enumerate(instances)
        )
    )
    for each in instances:
        await each.close()

    async with app.sessions() as session:
        tickets = (await session.execute(select(func.count()).select_from(Ticket))).scalar()
        messages = (await session.execute(select(func.count()).select_from(TicketMessage))).scalar()
    assert (tickets, messages) == (1, 3)


async def test_outside_office_hours_the_person_learns_when_the_team_is_back(
    settings: Settings, clock: ManualClock, compiled_catalogs: Path
) -> None:
    app = App.build(
        settings.model_copy(update={"office_hours": "Mo-Fr 09:00-16:00"}),
        clock=clock,
        compiled_dir=compiled_catalogs,
    )
    clock.advance(hours=11)  # Thursday 26 November 2026, 21:00 in Berlin
    chat = Chat(app.dialogs)
    await chat.send("/start ask")
    await chat.choose("lang:en")

    await chat.send("Is anybody there?")
    await chat.choose("send:yes")

    back = "The team is not at work now. It will read your message when it is back: "
    assert f"{back}tomorrow, 09:00." in chat.text
    assert "call 112" in chat.text
    await app.close()


async def test_more_about_privacy_leads_from_the_request_to_the_privacy_page(chat: Chat) -> None:
    await chat.send("/start")
    await chat.choose("lang:en")
    await chat.choose("menu:ask")

    await chat.choose("nav:privacy")

    assert chat.text.startswith("What happens with your data")
    assert "not your phone number" in chat.text
    await chat.choose("nav:ask")
    assert await chat.position() == ("ask_the_team", "write")


async def test_outside_office_hours_the_time_the_team_is_back_is_said_in_the_persons_words(
    settings: Settings, clock: ManualClock, compiled_catalogs: Path
) -> None:
    app = App.build(
        settings.model_copy(update={"office_hours": "Mo-Fr 09:00-16:00"}),
        clock=clock,
        compiled_dir=compiled_catalogs,
    )
    clock.advance(hours=11)
    chat = Chat(app.dialogs)
    await chat.send("/start ask")
    await chat.choose("lang:ar")

    await chat.send("هل يوجد أحد؟")
    await chat.choose("send:yes")

    assert "\u2067غدًا، 9:00 ص\u2069" in chat.raw_text
    await app.close()


async def test_the_first_message_of_a_new_person_is_offered_to_the_team(
    app: App, chat: Chat
) -> None:
    await chat.send("Hallo, ich brauche Hilfe mit einem Antrag")
    assert await chat.position() == ("first_contact", "language")

    await chat.choose("lang:de")
    assert chat.text.startswith("Danke. Wir schreiben auf Deutsch.\n\nWas mit Ihrer Nachricht")
    assert chat.text.endswith("Soll ich Ihre Nachricht an das Team senden?")
    await chat.choose("send:yes")

    assert await stored(app) == [(1, "text", "Hallo, ich brauche Hilfe mit einem Antrag")]


async def test_text_written_instead_of_choosing_a_language_is_kept_too(
    app: App, chat: Chat
) -> None:
    await chat.send("/start")
    await chat.send("Need help please")

    await chat.choose("lang:en")
    await chat.choose("send:yes")

    assert await stored(app) == [(1, "text", "Need help please")]


async def test_every_message_written_before_choosing_a_language_is_offered(
    app: App, chat: Chat
) -> None:
    await chat.send("Hallo")
    await chat.send("Ich brauche Hilfe mit einem Antrag")
    await chat.send_media("photo")

    await chat.choose("lang:de")
    await chat.choose("send:yes")

    assert await stored(app) == [
        (1, "text", "Hallo"),
        (1, "text", "Ich brauche Hilfe mit einem Antrag"),
        (1, "photo", None),
    ]


async def test_a_message_written_while_asked_whether_to_send_joins_the_waiting_one(
    app: App, chat: Chat
) -> None:
    await chat.send("/start")
    await chat.choose("lang:en")
    await chat.send("Is anybody there?")
    assert chat.text.endswith("Shall I send your message to the team?")

    await chat.send("I have a question about the trainings.")
    assert chat.text.endswith("Shall I send your message to the team?")
    await chat.choose("send:yes")

    assert await stored(app) == [
        (1, "text", "Is anybody there?"),
        (1, "text", "I have a question about the trainings."),
    ]


async def test_a_message_kept_the_older_way_one_per_conversation_is_still_sent(
    app: App, chat: Chat
) -> None:
    await chat.send("/start")
    await chat.choose("lang:en")
    await chat.send("Is anybody there?")
    async with app.sessions() as session:
        conversation = (await session.execute(select(Conversation))).scalar_one()
        [waiting] = conversation.answers["pending"]
        conversation.answers = {**conversation.answers, "pending": waiting}
        await session.commit()

    await chat.choose("send:yes")

    assert await stored(app) == [(1, "text", "Is anybody there?")]


async def test_closed_requests_are_deleted_after_the_retention_period_open_ones_kept(
    app: App, clock: ManualClock
) -> None:
    for name, text in (("alice", "An old question"), ("bob", "Still open")):
        chat = Chat(app.dialogs, name=name)
        await chat.send("/start ask")
        await chat.choose("lang:en")
        await chat.send(text)
        await chat.choose("send:yes")
    async with UnitOfWork(app.sessions) as uow:
        services = Services.bind(uow.session)
        closed = await services.tickets.latest(person_id=1)
        assert closed is not None
        await services.tickets.set_status(ticket_id=closed.id, status="closed", now=clock.now())
        delivered = await services.outbox.claim_next(queue=staff_queue(1), now=clock.now())
        assert delivered is not None
        await services.outbox.mark_sent(item_id=delivered.id, now=clock.now())

    clock.advance(days=364)
    await app.dialogs.keep_house()
    assert len(await stored(app)) == 2
    assert await outbox_rows(app) == 1

    clock.advance(days=2)
    await app.dialogs.keep_house()
    assert await stored(app) == [(2, "text", "Still open")]
    assert await outbox_rows(app) == 1


async def outbox_rows(app: App) -> int:
    async with app.sessions() as session:
        return (await session.execute(select(func.count()).select_from(OutboxMessage))).scalar_one()


async def test_a_message_as_long_as_telegram_allows_reaches_the_team(chat: Chat) -> None:
    await chat.send("/start ask")
    await chat.choose("lang:en")

    await chat.send("x" * 4096)
    await chat.choose("send:yes")

    assert chat.text.startswith("Thank you. Your message has reached the team.")
