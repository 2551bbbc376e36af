"""Consent before a request is stored: asked once, recorded with what was shown, and a
refusal stores nothing."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from bot.app import App
from storage.models import Consent, Ticket, TicketMessage
from storage.models.consents import Purpose
from storage.services import Services
from storage.uow import UnitOfWork
from tests.chat import Chat
from tests.fakes.clock import ManualClock


async def consents(app: App) -> list[tuple[str, str, str]]:
    async with app.sessions() as session:
        rows = await session.execute(
            select(Consent.purpose, Consent.text_version, Consent.locale).order_by(Consent.id)
        )
        return list(rows.tuples())


async def count(app: App, model: type) -> int:
    async with app.sessions() as session:
        return (await session.execute(select(func.count()).select_from(model))).scalar_one()


async def test_a_first_request_waits_for_consent_which_is_recorded_with_its_version(
    app: App, chat: Chat, clock: ManualClock
) -> None:
    await chat.send("/start ask")
    await chat.choose("lang:de")

    await chat.send("Wann ist die nächste Fortbildung?")

    assert chat.text.startswith("Was mit Ihrer Nachricht passiert: Sie wird gespeichert")
    assert chat.choice_ids == ["send:yes", "consent:privacy", "send:no"]
    assert await count(app, TicketMessage) == 0
    await chat.choose("consent:privacy")
    assert chat.text.startswith("Was mit Ihren Daten passiert")
    assert await chat.position() == ("ask_the_team", "confirm")

    await chat.choose("send:yes")

    assert chat.text.startswith("Danke. Ihre Nachricht ist beim Team angekommen.")
    [(purpose, version, locale)] = await consents(app)
    assert (purpose, locale) == (Purpose.STAFF_REQUESTS, "de")
    assert re.fullmatch(r"[0-9a-f]{16}", version)
    async with app.sessions() as session:
        given_at = (await session.execute(select(Consent.given_at))).scalar_one()
    assert given_at == clock.now()


async def test_after_consent_the_next_request_goes_to_the_team_at_once(
    app: App, chat: Chat
) -> None:
    await chat.send("/start ask")
    await chat.choose("lang:en")
    await chat.send("A first question")
    await chat.choose("send:yes")
    async with UnitOfWork(app.sessions) as uow:
        tickets = Services.bind(uow.session).tickets
        [ticket] = (await uow.session.execute(select(Ticket.id))).scalars().all()
        await tickets.set_status(ticket_id=ticket, status="closed", now=app.clock.now())

    await chat.send("/menu")
    await chat.choose("menu:ask")
    assert chat.text.startswith("Write your question for the team.")
    await chat.send("A second question")

    assert chat.text.startswith("Thank you. Your message has reached the team.")
    assert await count(app, Ticket) == 2
    assert len(await consents(app)) == 1


async def test_refusing_consent_stores_nothing_and_says_so_in_arabic(app: App, chat: Chat) -> None:
    await chat.send("/start ask")
    await chat.choose("lang:ar")
    await chat.send("متى الدورة القادمة؟")

    await chat.choose("send:no")

    assert "your message was not sent" not in chat.text
    assert chat.last.rtl
    assert await chat.position() == ("main_menu", "menu")
    assert (await count(app, TicketMessage), await consents(app)) == (0, [])


async def test_consent_taken_back_is_asked_for_again(app: App, chat: Chat) -> None:
    await chat.send("/start ask")
    await chat.choose("lang:en")
    await chat.send("A first question")
    await chat.choose("send:yes")
    async with UnitOfWork(app.sessions) as uow:
        withdrawn = await Services.bind(uow.session).consents.withdraw(
            person_id=1, purpose=Purpose.STAFF_REQUESTS, now=app.clock.now()
        )
    assert withdrawn

    await chat.send("One more thing")

    assert chat.text.endswith("Shall I send your message to the team?")
    assert await count(app, TicketMessage) == 1
