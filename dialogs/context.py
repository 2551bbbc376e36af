"""What a step gets to work with: the person, their answers, translations, services."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dialogs.content import ContentLibrary
from dialogs.i18n import Catalogs, Translator
from dialogs.office_hours import OfficeHours
from storage.clock import Clock
from storage.roles import Admins, Role
from storage.services import Services
from storage.services.people import Identity


@dataclass(frozen=True)
class Policies:
    """Rules staff configure (from the settings)."""

    request_retention_days: int = 365
    office_hours: OfficeHours | None = None
    answer_within_working_days: int = 1
    admins: Admins = field(default_factory=Admins)


@dataclass(frozen=True)
class Ctx:
    person: Identity
    locale: str
    locale_hint: str | None
    answers: Mapping[str, Any]
    t: Translator
    services: Services
    clock: Clock
    content: ContentLibrary
    catalogs: Catalogs
    policies: Policies

    @property
    def role(self) -> Role:
        """The person's role here (an admin, or a person): services check it again."""
        return self.policies.admins.role_of(self.person.channel, self.person.external_id)

    def translator(self, locale: str) -> Translator:
        return self.catalogs.translator(locale)
