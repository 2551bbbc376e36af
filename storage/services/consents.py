"""Consent records: stored before any personal data for their purpose is."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import insert, select, update

from storage.db import DbSession
from storage.models.consents import Consent, Purpose


def text_version(text: str) -> str:
    """The version of a text shown to a person: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class Consents:
    def __init__(self, session: DbSession) -> None:
        self._session = session

    async def record(
        self, *, person_id: int, purpose: Purpose, text: str, locale: str, now: datetime
    ) -> None:
        """The person agreed to `text` for `purpose` (in `locale`), now."""
        await self._session.execute(
            insert(Consent).values(
                person_id=person_id,
                purpose=purpose,
                text_version=text_version(text),
                locale=locale,
                given_at=now,
            )
        )

    async def has_agreed(self, *, person_id: int, purpose: Purpose) -> bool:
        """Whether the person agreed for `purpose` and has not taken it back."""
        found = await self._session.execute(
            select(Consent.id)
            .where(
                Consent.person_id == person_id,
                Consent.purpose == purpose,
                Consent.withdrawn_at.is_(None),
            )
            .limit(1)
        )
        return found.first() is not None

    async def withdraw(self, *, person_id: int, purpose: Purpose, now: datetime) -> bool:
        """Take back the person's consent for `purpose`; False when there was none."""
        result = await self._session.execute(
            update(Consent)
            .where(
                Consent.person_id == person_id,
                Consent.purpose == purpose,
                Consent.withdrawn_at.is_(None),
            )
            .values(withdrawn_at=now)
        )
        return bool(result.rowcount)
