"""The conversation engine: one incoming event in, the replies out, one transaction between.

For each event it finds the person, loads where their conversation stands, lets the global
commands, the current step or the free-text rules decide, renders the next prompt, saves
and commits. Events of one person are handled one after the other; a save that lost a race
with another process is handled again from the start.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import timedelta

from dialogs import bidi, commands, free_text
from dialogs.content import ContentLibrary
from dialogs.context import Ctx, Policies
from dialogs.core import (
    STANDING,
    Chosen,
    Command,
    Incoming,
    MessageEdited,
    Outcome,
    PersonRef,
    Prompt,
    Reply,
    Text,
    stay,
    switch,
)
from dialogs.deep_links import parse_payload
from dialogs.flow import Flow, FlowError
from dialogs.flows import ask_the_team
from dialogs.i18n import Catalogs, Translator
from dialogs.language_guess import LanguageGuesser
from dialogs.locks import KeyedLocks
from dialogs.standing_actions import StandingAction, press
from dialogs.text import RichText
from dialogs.validation import Rejected, clean_text
from storage.clock import Clock
from storage.db import DbSessions
from storage.services import Services
from storage.services.conversations import ConversationChanged, ConversationState
from storage.services.outbox import added_in
from storage.services.people import Identity
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

FIRST_FLOW = "first_contact"
HOME_FLOW = "main_menu"
MAX_ATTEMPTS = 5
# Telegram gives up on an update after 24 hours; a week is ample to catch every redelivery.
REMEMBER_EVENTS_FOR = timedelta(days=7)
# Delivered outbox messages copy what people wrote; kept a little while for looking into
# a delivery problem.
KEEP_DELIVERED_FOR = timedelta(days=7)


class DialogEngine:
    """Handles every incoming event of every channel; see the module docstring."""

    def __init__(
        self,
        *,
        sessions: DbSessions,
        flows: Mapping[str, Flow],
        catalogs: Catalogs,
        content: ContentLibrary,
        clock: Clock,
        guesser: LanguageGuesser | None = None,
        policies: Policies | None = None,
        actions: Mapping[str, StandingAction] | None = None,
    ) -> None:
        for name in (FIRST_FLOW, HOME_FLOW):
            if name not in flows:
                raise FlowError(f"the engine needs the flow {name!r}")
        self._sessions = sessions
        self.flows = flows
        self.catalogs = catalogs
        self.content = content
        self.clock = clock
        self.guesser = guesser or LanguageGuesser(catalogs.locales)
        self.policies = policies or Policies()
        self.actions = actions or {}
        self._people = KeyedLocks()
        self._outbox_news = False

    async def handle(
        self, who: PersonRef, event: Incoming, *, event_key: str | None = None
    ) -> list[Reply]:
        """Handle one event of one person and return what to send them.

        `event_key` names the platform's event (Telegram's update_id): an event whose key was
        handled before is a redelivery and gets no reply.
        """
        async with self._people.hold((who.channel, who.external_id)):
            for attempt in range(1, MAX_ATTEMPTS + 1):
                try:
                    return await self._handle_once(who, event, event_key)
                except ConversationChanged:
                    log.info("conversation changed meanwhile, again attempt=%s", attempt)
            raise RuntimeError("conversation kept changing; giving up on this event")

    async def _handle_once(
        self, who: PersonRef, event: Incoming, event_key: str | None
    ) -> list[Reply]:
        async with UnitOfWork(self._sessions) as uow:
            services = Services.bind(uow.session)
            if event_key and not await services.processed_events.claim(
                channel=who.channel, event_key=event_key, now=self.clock.now()
            ):
                log.info("duplicate event channel=%s key=%s", who.channel, event_key)
                return []
            turn = await self._open_turn(who, services)
            replies = await turn.run(event)
            await turn.save()
            outbox_added = added_in(uow.session)
        self._outbox_news |= outbox_added
        return replies

    async def keep_house(self) -> None:
        """Forget what is no longer needed: events too old to be delivered again, requests
        closed longer ago than the retention period people are told, delivered outbox
        messages."""
        now = self.clock.now()
        retention = timedelta(days=self.policies.request_retention_days)
        async with UnitOfWork(self._sessions) as uow:
            services = Services.bind(uow.session)
            events = await services.processed_events.forget_before(now - REMEMBER_EVENTS_FOR)
            requests = await services.tickets.delete_closed_before(now - retention)
            delivered = await services.outbox.forget_sent_before(now - KEEP_DELIVERED_FOR)
        log.info("housekeeping events=%s requests=%s delivered=%s", events, requests, delivered)

    def take_outbox_news(self) -> bool:
        """Whether events handled since the last call left messages in the outbox (so that a
        channel delivers them at once, and spares the outbox a look after every other event)."""
        news, self._outbox_news = self._outbox_news, False
        return news

    async def set_reachable(self, who: PersonRef, *, reachable: bool) -> None:
        """Record that the platform delivers to this person again, or refuses to."""
        async with UnitOfWork(self._sessions) as uow:
            people = Services.bind(uow.session).people
            if reachable:
                await people.mark_reachable(channel=who.channel, external_id=who.external_id)
            else:
                await people.mark_unreachable(
                    channel=who.channel, external_id=who.external_id, now=self.clock.now()
                )
        log.info("person %s channel=%s", "reachable" if reachable else "unreachable", who.channel)

    async def position(self, who: PersonRef) -> tuple[str, str] | None:
        """Where the person's conversation stands, as `(flow, step)`."""
        state = await self.state(who)
        return state.position if state else None

    async def state(self, who: PersonRef) -> ConversationState | None:
        """The person's stored conversation state, without changing anything."""
        async with UnitOfWork(self._sessions) as uow:
            services = Services.bind(uow.session)
            found = await services.conversations.open(
                channel=who.channel, external_id=who.external_id
            )
            return found[1] if found else None

    async def _identify(self, who: PersonRef, services: Services) -> Identity:
        return await services.people.identify(
            channel=who.channel,
            external_id=who.external_id,
            locale_hint=who.locale_hint,
            first_name=who.first_name,
            now=self.clock.now(),
        )

    async def _open_turn(self, who: PersonRef, services: Services) -> Turn:
        found = await services.conversations.open(channel=who.channel, external_id=who.external_id)
        identity, state = found or (await self._identify(who, services), None)
        if identity.unreachable_since is not None:
            await services.people.mark_reachable(channel=who.channel, external_id=who.external_id)
        return Turn(self, services, identity, who.locale_hint, state)


@dataclass
class Turn:
    """The handling of one event: the engine's collaborators plus this person's state."""

    engine: DialogEngine
    services: Services
    person: Identity
    locale_hint: str | None
    state: ConversationState | None

    async def run(self, event: Incoming) -> list[Reply]:
        if isinstance(event, Command) and event.name == "start":
            await self._count_deep_link(event.args)
        if self.state is None or not self._position_known():
            return await self._begin(event)
        match event:
            case Command():
                outcome = commands.handle(event, self._ctx())
            case Chosen(group=group, value=value) if group == STANDING:
                log.info("standing action person=%s", self.person.id)
                outcome = await press(self.engine.actions, value, self._ctx())
            case Chosen():
                outcome = self._rejected_choice(event) or await self._step_reacts(event)
            case MessageEdited():
                log.info("edited message not passed on person=%s", self.person.id)
                outcome = stay(free_text.edited_note(self._ctx()), in_place=False)
            case Text(raw):
                cleaned = clean_text(raw)
                if self._asks_for_choice() and free_text.tried_to_choose(cleaned):
                    log.info("typed instead of choosing person=%s", self.person.id)
                    hint = free_text.choice_hint(
                        self._ctx(), count=len(self.state.offered), numbered=event.choices_numbered
                    )
                    outcome = stay(hint)
                elif isinstance(cleaned, Rejected):
                    log.info("rejected text person=%s reason=%s", self.person.id, cleaned.reason)
                    outcome = stay(free_text.rejection_note(cleaned, self._ctx()))
                else:
                    outcome = await self._text_or_media(replace(event, text=cleaned))
            case _:
                outcome = await self._text_or_media(event)
        return await self._apply(outcome)

    async def save(self) -> None:
        assert self.state is not None  # noqa: S101 - run() always leaves a state
        await self.services.conversations.save(self.state, now=self.engine.clock.now())

    # ------------------------------------------------------------ deciding

    async def _begin(self, event: Incoming) -> list[Reply]:
        """A new conversation, or one whose stored flow no longer exists: start afresh."""
        catalogs = self.engine.catalogs
        if self.state is None:
            locale = self.person.person_locale or catalogs.preselected(self.locale_hint)
            self.state = ConversationState(
                identity_id=self.person.id,
                locale=locale,
                flow=FIRST_FLOW,
                step="",
            )
            log.info("conversation started person=%s", self.person.id)
        else:
            log.warning(
                "unknown position flow=%s step=%s person=%s, back to the menu",
                self.state.flow,
                self.state.step,
                self.person.id,
            )
        first = FIRST_FLOW if self.person.person_locale is None else HOME_FLOW
        start_args = event.args if isinstance(event, Command) and event.name == "start" else ""
        # Nothing a person sends is lost: a first message is offered to the team once the
        # language is agreed.
        waiting = ask_the_team.to_wait(event)
        if isinstance(event, Text):
            cleaned = clean_text(event.text)
            keep = isinstance(cleaned, str) and not free_text.tried_to_choose(cleaned)
            waiting = ask_the_team.to_wait(replace(event, text=cleaned)) if keep else []
        return await self._apply(switch(first, start_args=start_args, pending=waiting))

    async def _count_deep_link(self, payload: str) -> None:
        link = parse_payload(payload) if payload else None
        if link is not None:
            await self.services.deep_link_visits.count(
                target=link.target, source=link.source, now=self.engine.clock.now()
            )
            log.info("deep link target=%s source=%s", link.target, link.source)

    def _rejected_choice(self, event: Chosen) -> Outcome | None:
        assert self.state is not None  # noqa: S101
        if event.token is not None and event.token != self.state.prompt_token:
            reason = "stale"
        elif event.choice_id not in self.state.offered:
            reason = "not_offered"
        else:
            return None
        log.info("rejected choice person=%s reason=%s", self.person.id, reason)
        return stay(free_text.stale_choice_note(self._ctx()), in_place=False)

    async def _step_reacts(self, event: Incoming) -> Outcome:
        assert self.state is not None  # noqa: S101
        flow = self.engine.flows[self.state.flow]
        return await flow.react(self.state.step)(event, self._ctx())

    async def _text_or_media(self, event: Incoming) -> Outcome:
        state = self.state
        assert state is not None  # noqa: S101
        if self.engine.flows[state.flow].receives_text_in(state.step):
            return await self._step_reacts(event)
        waiting = ask_the_team.to_wait(event)
        if isinstance(event, Text) and not state.language_offered:
            other = self.engine.guesser.other_language(event.text, current=state.locale)
            if other is not None:
                state.language_offered = True
                log.info("language switch offered person=%s to=%s", self.person.id, other)
                return switch("switch_language", suggested=other, pending=waiting)
        log.info("unplaced input person=%s kind=%s", self.person.id, type(event).__name__)
        return ask_the_team.offer_to_send(waiting) or free_text.unplaced(self._ctx())

    # ------------------------------------------------------------ applying

    async def _apply(self, outcome: Outcome) -> list[Reply]:
        state = self.state
        assert state is not None  # noqa: S101
        match outcome.kind:
            case "receipt":  # nothing changes, the prompt on screen stays valid
                body = _joined(outcome.notes)
                return [self._for_reader(Reply(text=body, receipt_for=outcome.receipt_for))]
            case "stay":
                state.answers.update(outcome.answers)
            case "go":
                state.answers.update(outcome.answers)
                state.step = str(outcome.step)
            case "switch":
                flow = self.engine.flows.get(str(outcome.flow))
                if flow is None:
                    raise FlowError(f"no flow named {outcome.flow!r}")
                state.flow = flow.name
                state.step = str(outcome.step or flow.start)
                state.answers = dict(outcome.answers)
                if outcome.locale:
                    state.locale = outcome.locale
        if not self._position_known():
            raise FlowError(f"flow {state.flow!r} has no step {state.step!r}")
        prompt = await self._prompt()
        offered = [c.id for c in prompt.choices]
        # The same choices at the same place keep their token, so that the buttons of a
        # message repeated by a re-ask stay valid; anything else makes older buttons stale.
        if outcome.kind != "stay" or offered != state.offered:
            state.prompt_token += 1
            state.offered = offered
        body = _joined((*outcome.notes, prompt.text))
        reply = Reply(
            text=body,
            choices=prompt.choices,
            token=state.prompt_token,
            in_place=outcome.in_place,
            columns=prompt.columns,
            file=outcome.file,
            contact_request=prompt.contact_request,
        )
        return [self._for_reader(reply)]

    def _for_reader(self, reply: Reply) -> Reply:
        assert self.state is not None  # noqa: S101
        return for_reader(reply, self.engine.catalogs.translator(self.state.locale))

    async def _prompt(self) -> Prompt:
        assert self.state is not None  # noqa: S101
        ask = self.engine.flows[self.state.flow].ask(self.state.step)
        prompt = ask(self._ctx())
        return await prompt if inspect.isawaitable(prompt) else prompt

    def _asks_for_choice(self) -> bool:
        """Whether choices are on offer and free text does not answer the step."""
        state = self.state
        assert state is not None  # noqa: S101
        return bool(state.offered) and not self.engine.flows[state.flow].takes_text_in(state.step)

    def _position_known(self) -> bool:
        assert self.state is not None  # noqa: S101
        flow = self.engine.flows.get(self.state.flow)
        return flow is not None and flow.has_step(self.state.step)

    def _ctx(self) -> Ctx:
        assert self.state is not None  # noqa: S101
        engine = self.engine
        return Ctx(
            person=self.person,
            locale=self.state.locale,
            locale_hint=self.locale_hint,
            answers=self.state.answers,
            t=engine.catalogs.translator(self.state.locale),
            services=self.services,
            clock=engine.clock,
            content=engine.content,
            catalogs=engine.catalogs,
            policies=engine.policies,
        )


def for_reader(reply: Reply, t: Translator) -> Reply:
    """A reply in a right-to-left language carries its direction marks and isolates, the
    same on every channel."""
    if not t.rtl:
        return reply
    return replace(reply, text=bidi.right_to_left(reply.text), rtl=True)


def _joined(parts: tuple[RichText, ...]) -> RichText:
    return RichText(tuple(paragraph for part in parts for paragraph in part.paragraphs))
