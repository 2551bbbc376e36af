"""Core statements run straight on SQLite's driver, with SQLAlchemy's own conversions.

SQLAlchemy spends some 0.1 ms around every statement it runs (an execution context, a
cursor result, row processing) where SQLite itself takes a few microseconds; the handful of
statements that run for every update cost more in that machinery than everything else in
the engine. A statement run here is compiled once for SQLite, its parameters converted by
the column types' own bind processors and its rows by their result processors, so what is
written and read is exactly what SQLAlchemy would write and read. A statement that needs
more (Python-side defaults, RETURNING, ORM entities) goes through SQLAlchemy as before.
"""

from __future__ import annotations

import sqlite3
from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Dialect, Insert, Select, TextClause, Update
from sqlalchemy.sql.elements import ClauseElement

Processor = Callable[[Any], Any] | None
MAX_PREPARED = 500


@dataclass(frozen=True)
class _Prepared:
    sql: str
    names: tuple[str, ...]
    constants: dict[str, Any]
    binds: tuple[Processor, ...]
    row: Any  # a namedtuple type, or None for statements without rows
    results: tuple[Processor, ...]


class DirectResult:
    """The part of SQLAlchemy's Result that the services use on a connection."""

    def __init__(self, rows: list[Any], rowcount: int) -> None:
        self._rows = rows
        self.rowcount = rowcount

    def one_or_none(self) -> Any:
        if len(self._rows) > 1:
            raise ValueError("more than one row where at most one was expected")
        return self._rows[0] if self._rows else None


class DirectStatements:
    """Compiles statements for one SQLite dialect and runs them on a driver connection."""

    def __init__(self, dialect: Dialect) -> None:
        self._dialect = dialect
        # Keyed by the statement object: the services build theirs once, at import.
        self._prepared: dict[tuple[int, frozenset[str]], _Prepared | None] = {}
        self._keep: dict[int, ClauseElement] = {}  # holds each statement so its id stays its own

    def execute(
        self, driver: sqlite3.Connection, statement: ClauseElement, params: Mapping[str, Any]
    ) -> DirectResult | None:
        """Run `statement`, or return None when it must go through SQLAlchemy."""
        prepared = self._prepare(statement, params)
        if prepared is None:
            return None
        given = {**params, **prepared.constants} if prepared.constants else params
        values = [
            convert(given[name]) if convert else given[name]
            for name, convert in zip(prepared.names, prepared.binds, strict=True)
        ]
        cursor = driver.execute(prepared.sql, values)
        if prepared.row is None:
            return DirectResult([], cursor.rowcount)
        rows = [_converted(prepared, raw) for raw in cursor.fetchall()]
        return DirectResult(rows, cursor.rowcount)

    def _prepare(self, statement: ClauseElement, params: Mapping[str, Any]) -> _Prepared | None:
        key = (id(statement), frozenset(params))
        if key not in self._prepared:
            if len(self._prepared) >= MAX_PREPARED:
                return None  # statements built anew per call: SQLAlchemy's cache fits them
            self._keep[id(statement)] = statement
            self._prepared[key] = _compile(statement, sorted(params), self._dialect)
        return self._prepared[key]


def _converted(prepared: _Prepared, raw: Sequence[Any]) -> Any:
    return prepared.row._make(
        convert(value) if convert else value
        for value, convert in zip(raw, prepared.results, strict=True)
    )


def _compile(statement: ClauseElement, keys: list[str], dialect: Dialect) -> _Prepared | None:
    if not isinstance(statement, Select | Update | Insert | TextClause):
        return None
    if getattr(statement, "_returning", ()) or statement._propagate_attrs:  # ORM-enabled
        return None
    column_keys = keys if isinstance(statement, Update | Insert) else None
    compiled = statement.compile(dialect=dialect, column_keys=column_keys)
    if compiled.prefetch or not compiled.positional:
        return None  # Python-side defaults SQLAlchemy would compute first
    names = tuple(compiled.positiontup or ())
    constants = {}
    for name in set(names) - set(keys):  # a literal in the statement, as in `version + 1`
        bind = compiled.binds[name]
        if bind.callable is not None or bind.value is None:
            return None
        constants[name] = bind.value
    binds = tuple(compiled.binds[name].type._cached_bind_processor(dialect) for name in names)
    if not isinstance(statement, Select):
        return _Prepared(str(compiled), names, constants, binds, None, ())
    columns = list(statement.selected_columns)
    row = namedtuple("Row", [column.key for column in columns], rename=True)
    results = tuple(column.type._cached_result_processor(dialect, None) for column in columns)
    return _Prepared(str(compiled), names, constants, binds, row, results)
