"""People and their channel identities."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError

from storage.db import DbSession
from storage.models import ChannelIdentity, Person


@dataclass(frozen=True)
class Identity:
    """A channel identity and the person behind it, as the core needs them."""

    id: int
    person_id: int
    channel: str
    external_id: str
    person_locale: str | None
    first_name: str | None = None
    unreachable_since: datetime | None = None


class People:
    def __init__(self, session: DbSession) -> None:
        self._session = session

    async def identify(
        self,
        *,
        channel: str,
        external_id: str,
        locale_hint: str | None,
        first_name: str | None,
        now: datetime,
    ) -> Identity:
        """The identity for `(channel, external_id)`, created with a new person on first contact.

        Safe when two events of a new person race: the unique constraint decides, and the
        loser reads the winner's row.
        """
        found = await self._find(channel, external_id)
        if found is not None:
            return found
        try:
            async with self._session.begin_nested():
                person = Person(first_name=(first_name or None) and first_name[:64], created_at=now)
                self._session.add(person)
                await self._session.flush()
                self._session.add(
                    ChannelIdentity(
                        person_id=person.id,
                        channel=channel,
                        external_id=external_id,
                        locale_hint=locale_hint,
                        created_at=now,
                    )
                )
                await self._session.flush()
        except IntegrityError:
            pass
        found = await self._find(channel, external_id)
        if found is None:  # pragma: no cover - the constraint guarantees a row
            raise RuntimeError("identity vanished after insert")
        return found

    async def mark_unreachable(self, *, channel: str, external_id: str, now: datetime) -> None:
        """The platform refused delivery: send nothing more until they are back."""
        await self._session.execute(
            update(ChannelIdentity)
            .where(
                ChannelIdentity.channel == channel,
                ChannelIdentity.external_id == external_id,
                ChannelIdentity.unreachable_since.is_(None),
            )
            .values(unreachable_since=now)
            .execution_options(synchronize_session=False)
        )

    async def mark_reachable(self, *, channel: str, external_id: str) -> None:
        """They wrote again, or the platform says they are back."""
        await self._session.execute(
            update(ChannelIdentity)
            .where(
                ChannelIdentity.channel == channel,
                ChannelIdentity.external_id == external_id,
                ChannelIdentity.unreachable_since.is_not(None),
            )
            .values(unreachable_since=None)
            .execution_options(synchronize_session=False)
        )

    async def set_locale(self, *, person_id: int, locale: str) -> None:
        """Remember the language a person chose (used beyond this conversation)."""
        await self._session.execute(
            update(Person)
            .where(Person.id == person_id)
            .values(locale=locale)
            .execution_options(synchronize_session=False)
        )

    async def _find(self, channel: str, external_id: str) -> Identity | None:
        connection = await self._session.connection()
        params = {"channel": channel, "external_id": external_id}
        row = (await connection.execute(_FIND, params)).one_or_none()
        if row is None:
            return None
        return Identity(
            id=row.id,
            person_id=row.person_id,
            channel=channel,
            external_id=external_id,
            person_locale=row.locale,
            first_name=row.first_name,
            unreachable_since=row.unreachable_since,
        )


_IDENTITY, _PERSON = ChannelIdentity.__table__.c, Person.__table__.c
_FIND = (
    select(
        _IDENTITY.id,
        _IDENTITY.person_id,
        _IDENTITY.unreachable_since,
        _PERSON.locale,
        _PERSON.first_name,
    )
    .join_from(ChannelIdentity.__table__, Person.__table__, _PERSON.id == _IDENTITY.person_id)
    .where(_IDENTITY.channel == bindparam("channel"))
    .where(_IDENTITY.external_id == bindparam("external_id"))
)
