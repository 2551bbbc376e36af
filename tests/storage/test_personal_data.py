"""Every table says where it keeps personal data, so that export, deletion and retention
find all of it."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.models import Base
from storage.personal_data import NOBODY, PersonalData, check, declarations


def test_every_table_declares_its_personal_data() -> None:
    assert check(Base) == []
    assert set(declarations(Base)) == set(Base.metadata.tables)


class Other(DeclarativeBase):
    pass


class Person(Other):
    __tablename__ = "person"
    __personal_data__ = PersonalData(person="id", columns=("name",))
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20))


class Undeclared(Other):
    __tablename__ = "undeclared"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))


class Unsaid(Other):
    __tablename__ = "unsaid"
    __personal_data__ = NOBODY
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))


class Misspelt(Other):
    __tablename__ = "misspelt"
    __personal_data__ = PersonalData(person="id", columns=("nmae",))
    id: Mapped[int] = mapped_column(primary_key=True)


def test_a_table_that_refers_to_people_without_saying_so_is_found() -> None:
    assert sorted(check(Other)) == [
        "misspelt: declares nmae, which it does not have",
        "misspelt: declares person id, which leads to no person",
        "undeclared: no __personal_data__",
        "unsaid.person_id: a foreign key without ondelete",
        "unsaid: refers to a person through person_id, declares None",
    ]
