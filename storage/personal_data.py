"""Where personal data lives: every table declares how its rows belong to a person and
which of its columns hold personal data, so that export, deletion and retention find all
of it (GDPR Art. 15, 17, 5(1)(e)).

A model declares `__personal_data__ = PersonalData(...)`: `person` names the column that
leads to the person (a foreign key to `person`, to `channel_identity` or to another table
that leads to one; `payload.person_id` for a person's id inside a JSON column), or is None
for rows that belong to nobody; `columns` names what holds personal data. `check` finds
tables that refer to people without saying so; a test runs it over every model.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Table
from sqlalchemy.orm import DeclarativeBase

PEOPLE_TABLES = ("person", "channel_identity")


@dataclass(frozen=True)
class PersonalData:
    person: str | None
    columns: tuple[str, ...] = ()
    why: str = ""  # for a table that keeps something of a person on purpose: what and why

    @property
    def json_key(self) -> tuple[str, str] | None:
        """(column, key) when the person's id is a key inside a JSON column."""
        if self.person is None or "." not in self.person:
            return None
        column, _, key = self.person.partition(".")
        return column, key


NOBODY = PersonalData(person=None)


def declarations(base: type[DeclarativeBase]) -> dict[str, PersonalData | None]:
    """Each table of `base`'s models with its declaration (None where it is missing)."""
    return {
        mapper.local_table.name: getattr(mapper.class_, "__personal_data__", None)
        for mapper in base.registry.mappers
        if isinstance(mapper.local_table, Table)
    }


def check(base: type[DeclarativeBase]) -> list[str]:
    """What is wrong with the declarations of `base`'s tables, one line each."""
    declared = declarations(base)
    tables = {table.name: table for table in base.metadata.tables.values()}
    problems = [f"{name}: no __personal_data__" for name, d in declared.items() if d is None]
    for name, declaration in declared.items():
        if declaration is not None:
            problems.extend(_check_one(tables[name], declaration, declared))
    return problems


def _check_one(
    table: Table, declaration: PersonalData, declared: dict[str, PersonalData | None]
) -> Iterable[str]:
    name = table.name
    for column in declaration.columns:
        if column not in table.c:
            yield f"{name}: declares {column}, which it does not have"
    for key in table.foreign_keys:
        if key.ondelete is None:
            yield f"{name}.{key.parent.name}: a foreign key without ondelete"
    leads_to_person = [
        key.parent.name
        for key in table.foreign_keys
        if _leads_to_person(key.column.table.name, declared)
    ]
    if name in PEOPLE_TABLES or declaration.json_key is not None:
        return
    if leads_to_person and declaration.person not in leads_to_person:
        through = ", ".join(leads_to_person)
        yield f"{name}: refers to a person through {through}, declares {declaration.person}"
    if not leads_to_person and declaration.person is not None:
        yield f"{name}: declares person {declaration.person}, which leads to no person"


def _leads_to_person(table: str, declared: dict[str, PersonalData | None]) -> bool:
    declaration = declared.get(table)
    return table in PEOPLE_TABLES or (declaration is not None and declaration.person is not None)
