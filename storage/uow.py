"""The unit of work: the one place that commits or rolls back."""

from __future__ import annotations

from types import TracebackType

from storage.db import DbSession, DbSessions


class UnitOfWork:
    """One transaction: commits when the block ends normally, rolls back on an error."""

    def __init__(self, sessions: DbSessions) -> None:
        self._sessions = sessions
        self._session: DbSession | None = None

    @property
    def session(self) -> DbSession:
        if self._session is None:
            raise RuntimeError("the unit of work is not open")
        return self._session

    async def __aenter__(self) -> UnitOfWork:
        self._session = self._sessions()
        await self._session.begin()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        try:
            if exc_type is None:
                await session.commit()
            else:
                await session.rollback()
        finally:
            await session.close()
            self._session = None
