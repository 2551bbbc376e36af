"""Which forum topic of the staff chat belongs to which person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select

from storage.db import DbSession, insert_unless_present
from storage.models import (
    ChannelIdentity,
    Person,
    StaffChatMove,
    StaffMessageLink,
    StaffTopic,
)


@dataclass(frozen=True)
class Recipient:
    """How to reach a person, and what staff see of them."""

    person_id: int
    channel: str
    external_id: str
    first_name: str | None
    locale: str | None


class StaffTopics:
    def __init__(self, session: DbSession) -> None:
        self._session = session

    async def thread_of(self, *, person_id: int, chat_id: int) -> int | None:
        found = await self._session.execute(
            select(StaffTopic.thread_id).where(
                StaffTopic.person_id == person_id, StaffTopic.chat_id == chat_id
            )
        )
        return found.scalar_one_or_none()

    async def bind(self, *, person_id: int, chat_id: int, thread_id: int, now: datetime) -> None:
        await insert_unless_present(
            self._session,
            StaffTopic.__table__,
            {"person_id": person_id, "chat_id": chat_id, "thread_id": thread_id, "created_at": now},
            unique=["person_id"],
        )

    async def unbind(self, *, person_id: int, chat_id: int) -> None:
        """Forget the person's topic (staff deleted it); the next message opens a new one."""
        await self._session.execute(
            delete(StaffTopic)
            .where(StaffTopic.person_id == person_id, StaffTopic.chat_id == chat_id)
            .execution_options(synchronize_session=False)
        )

    async def current_chat(self, *, chat_id: int) -> int:
        """The staff chat's id today: a group that became a supergroup has a new one."""
        seen = {chat_id}
        while True:
            moved = (
                await self._session.execute(
                    select(StaffChatMove.to_chat_id).where(StaffChatMove.from_chat_id == chat_id)
                )
            ).scalar_one_or_none()
            if moved is None or moved in seen:
                return chat_id
            seen.add(moved)
            chat_id = moved

    async def record_move(self, *, from_chat_id: int, to_chat_id: int, now: datetime) -> None:
        await insert_unless_present(
            self._session,
            StaffChatMove.__table__,
            {"from_chat_id": from_chat_id, "to_chat_id": to_chat_id, "moved_at": now},
            unique=["from_chat_id"],
        )

    async def link_message(
        self, *, chat_id: int, message_id: int, person_id: int, now: datetime
    ) -> None:
        await insert_unless_present(
            self._session,
            StaffMessageLink.__table__,
            {
                "chat_id": chat_id,
                "message_id": message_id,
                "person_id": person_id,
                "created_at": now,
            },
            unique=["chat_id", "message_id"],
        )

    async def person_of_message(self, *, chat_id: int, message_id: int) -> int | None:
        found = await self._session.execute(
            select(StaffMessageLink.person_id).where(
                StaffMessageLink.chat_id == chat_id, StaffMessageLink.message_id == message_id
            )
        )
        return found.scalar_one_or_none()

    async def last_message_of(self, *, person_id: int, chat_id: int) -> int | None:
        """The newest message about this person in a staff chat without topics."""
        found = await self._session.execute(
            select(func.max(StaffMessageLink.message_id)).where(
                StaffMessageLink.chat_id == chat_id, StaffMessageLink.person_id == person_id
            )
        )
        return found.scalar_one_or_none()

    async def notices_thread(self, *, chat_id: int) -> int | None:
        """The topic of the system's notices to staff, if it was opened."""
        found = await self._session.execute(
            select(StaffTopic.thread_id).where(
                StaffTopic.person_id.is_(None), StaffTopic.chat_id == chat_id
            )
        )
        return found.scalar_one_or_none()

    async def bind_notices(self, *, chat_id: int, thread_id: int, now: datetime) -> None:
        await insert_unless_present(
            self._session,
            StaffTopic.__table__,
            {"person_id": None, "chat_id": chat_id, "thread_id": thread_id, "created_at": now},
            unique=["chat_id", "thread_id"],
        )

    async def person_of(self, *, chat_id: int, thread_id: int) -> int | None:
        found = await self._session.execute(
            select(StaffTopic.person_id).where(
                StaffTopic.chat_id == chat_id, StaffTopic.thread_id == thread_id
            )
        )
        return found.scalar_one_or_none()

    async def recipient(self, *, person_id: int) -> Recipient:
        """The person's first channel identity (the one their requests came through)."""
        row = (
            await self._session.execute(
                select(
                    ChannelIdentity.channel,
                    ChannelIdentity.external_id,
                    Person.first_name,
                    Person.locale,
                )
                .join(Person, Person.id == ChannelIdentity.person_id)
                .where(ChannelIdentity.person_id == person_id)
                .order_by(ChannelIdentity.id)
                .limit(1)
            )
        ).one()
        return Recipient(person_id, row.channel, row.external_id, row.first_name, row.locale)
