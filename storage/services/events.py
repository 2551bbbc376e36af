"""Platform events handled once, and deep-link visits counted by source."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, insert, select

from storage.db import DbSession, insert_unless_present
from storage.models import DeepLinkVisit, ProcessedEvent


class ProcessedEvents:
    def __init__(self, session: DbSession) -> None:
        self._session = session

    async def claim(self, *, channel: str, event_key: str, now: datetime) -> bool:
        """True the first time an event is seen; False for a redelivery. Part of the
        caller's transaction, so an event whose handling failed can be claimed again."""
        return await insert_unless_present(
            self._session,
            ProcessedEvent.__table__,
            {"channel": channel, "event_key": event_key, "processed_at": now},
            unique=["channel", "event_key"],
        )

    async def forget_before(self, cutoff: datetime) -> int:
        """Forget the events handled before `cutoff`; returns how many."""
        result = await self._session.execute(
            delete(ProcessedEvent)
            .where(ProcessedEvent.processed_at < cutoff)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount or 0)


class DeepLinkVisits:
    def __init__(self, session: DbSession) -> None:
        self._session = session

    async def count(self, *, target: str, source: str | None, now: datetime) -> None:
        """Count one start through a deep link; who it was is not recorded."""
        await self._session.execute(
            insert(DeepLinkVisit).values(target=target, source=source, visited_at=now)
        )

    async def by_source(self) -> dict[str | None, int]:
        rows = await self._session.execute(
            select(DeepLinkVisit.source, func.count()).group_by(DeepLinkVisit.source)
        )
        return dict(rows.tuples().all())
