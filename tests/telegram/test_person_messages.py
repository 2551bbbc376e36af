"""Messages of the program to a person (a reminder, an offer, a file), through the outbox,
with buttons that keep working after the conversation has moved on."""

from __future__ import annotations

from sqlalchemy import select

from dialogs.flows.ask_the_team import REQUEST_DONE, REQUEST_DONE_LABEL
from storage.attachments import Attachment
from storage.models import ChannelIdentity, Ticket
from storage.services import Services
from storage.uow import UnitOfWork
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.clock import ManualClock
from tests.telegram.conftest import Person, TelegramApp
from tests.telegram.test_staff_inbox import STAFF, Staff, ask, inbox, staff, topic_of

__all__ = ["inbox", "staff"]  # fixtures

INVITATION = Attachment(
    "erstgespraech.ics", "text/calendar", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
)


async def status_of_request(running: TelegramApp, ticket_id: int) -> str:
    assert running.app is not None
    async with UnitOfWork(running.app.sessions) as uow:
        found = await uow.session.execute(select(Ticket.status).where(Ticket.id == ticket_id))
        return found.scalar_one()


async def person_id_of(running: TelegramApp, person: Person) -> int:
    assert running.app is not None
    async with UnitOfWork(running.app.sessions) as uow:
        found = await uow.session.execute(
            select(ChannelIdentity.person_id).where(ChannelIdentity.external_id == str(person.id))
        )
        return found.scalar_one()


async def tell(running: TelegramApp, clock: ManualClock, person_id: int, **message: object) -> None:
    """A service queues a message; the outbox's next round sends it."""
    assert running.app is not None
    async with UnitOfWork(running.app.sessions) as uow:
        await Services.bind(uow.session).outbox.tell_person(
            person_id=person_id,
            now=clock.now(),
            **message,  # type: ignore[arg-type]
        )
    clock.advance(seconds=5)
    await running.run_due()


async def test_a_message_with_a_file_reaches_the_person_in_their_language(
    inbox: TelegramApp, fake: FakeBotApi, person_factory, clock: ManualClock
) -> None:
    person = person_factory(language_code="uk")
    await person.send("/start")
    await person.press("Українська")

    await tell(
        inbox,
        clock,
        await person_id_of(inbox, person),
        text="Thank you! Your request is closed. You can write to us again at any time.",
        file=INVITATION,
    )

    assert person.messages[-2].text == (
        "Дякуємо! Ваш запит закрито. Ви можете написати нам знову будь-коли."
    )
    [sent] = fake.calls("sendDocument")
    document = sent.result["document"]
    assert document["file_name"] == "erstgespraech.ics"
    assert fake.files[document["file_id"]].content == INVITATION.content
    assert person.last.kind == "document"


async def test_the_button_under_a_staff_answer_works_after_the_conversation_moved_on(
    inbox: TelegramApp,
    fake: FakeBotApi,
    person_factory,
    staff: tuple[Staff, Staff],
    clock: ManualClock,
) -> None:
    person = person_factory(language_code="en")
    await ask(person, "When is the next training?")
    await staff[0].write(topic_of(fake, "#1 "), "On Monday at 10.")
    offered = person.last
    assert offered.text == "Answer from the team:\n\nOn Monday at 10."
    await person.send("/menu")  # the conversation moves on
    await person.press("About the project")

    await person.press_data(offered, person.data_of("✓ My question is answered"))

    assert person.last.text == (
        "Thank you! Your request is closed. You can write to us again at any time.\n\n"
        "What would you like to know about the project?"
    )
    clock.advance(seconds=5)
    await inbox.run_due()
    in_topic = [m.text for m in fake.sent_to(STAFF, thread_id=topic_of(fake, "#1 "))]
    assert (
        in_topic[-1]
        == "✓ Die Person sagt, die Frage ist beantwortet; die Anfrage ist abgeschlossen."
    )
    assert fake.topics[STAFF][topic_of(fake, "#1 ")]["name"].endswith("· geschlossen")
    assert await status_of_request(inbox, 1) == "closed"

    await person.press_data(offered, person.data_of("✓ My question is answered"))  # again

    assert person.last.text.startswith(
        "This request is closed already. If something is still open, just write to us."
    )


async def test_a_button_for_someone_elses_request_changes_nothing(
    inbox: TelegramApp, fake: FakeBotApi, person_factory, clock: ManualClock
) -> None:
    olena = person_factory(1001, "Olena", language_code="en")
    await ask(olena, "Mine")
    amir = person_factory(1002, "Amir", language_code="en")
    await amir.send("/start")
    await amir.press("English")
    await tell(
        inbox,
        clock,
        await person_id_of(inbox, amir),
        text="Answer from the team:",
        actions=[(f"{REQUEST_DONE}:1", REQUEST_DONE_LABEL)],  # Olena's request
    )

    await amir.press_data(amir.last, amir.data_of("✓ My question is answered"))

    assert amir.last.text.startswith("This request is closed already.")
    assert await status_of_request(inbox, 1) == "open"


async def test_a_message_to_a_person_who_blocked_the_bot_is_reported_to_staff(
    inbox: TelegramApp, fake: FakeBotApi, person_factory, clock: ManualClock
) -> None:
    person = person_factory(language_code="en")
    await person.send("/start")
    await person.press("English")
    fake.block(person.id)

    await tell(inbox, clock, await person_id_of(inbox, person), text="Answer from the team:")
    clock.advance(seconds=5)
    await inbox.run_due()

    notices = [m.text for m in fake.sent_to(STAFF, thread_id=topic_of(fake, "Hinweise"))]
    assert notices == [
        "Eine Nachricht der Anfrage #1 konnte nicht zugestellt werden: the person blocked the bot"
    ]


async def test_the_staff_chat_receives_a_file_with_a_notice(
    inbox: TelegramApp, fake: FakeBotApi, clock: ManualClock
) -> None:
    assert inbox.app is not None
    export = Attachment("anmeldungen.csv", "text/csv", b"name;date\r\nOlena;2026-12-07\r\n")
    async with UnitOfWork(inbox.app.sessions) as uow:
        await Services.bind(uow.session).outbox.notify_staff(
            text="New request #{person}", params={"person": 3}, file=export, now=clock.now()
        )
    clock.advance(seconds=5)
    await inbox.run_due()

    notices = fake.sent_to(STAFF, thread_id=topic_of(fake, "Hinweise"))
    assert [m.kind for m in notices] == ["text", "document"]
    [sent] = fake.calls("sendDocument")
    assert fake.files[sent.result["document"]["file_id"]].content == export.content


async def test_a_message_our_own_code_cannot_build_is_given_up_and_reported(
    inbox: TelegramApp, fake: FakeBotApi, person_factory, clock: ManualClock
) -> None:
    person = person_factory(language_code="en")
    await person.send("/start")
    await person.press("English")
    person_id = await person_id_of(inbox, person)
    before = len(person.messages)

    await tell(inbox, clock, person_id, text="New request #{person}")  # {person} not given
    for _ in range(10):  # tried again and again, then given up; its queue goes on
        clock.advance(minutes=15)
        await inbox.run_due()
    await tell(inbox, clock, person_id, text="Answer from the team:")

    assert [m.text for m in person.messages[before:]] == ["Answer from the team:"]
    notices = [m.text for m in fake.sent_to(STAFF, thread_id=topic_of(fake, "Hinweise"))]
    assert notices == ["Eine Nachricht der Anfrage #1 konnte nicht zugestellt werden: KeyError"]
