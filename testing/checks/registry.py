"""Named checks: how one is declared, validated against the fixture's actors, and compared.

A check reads the state after a step and returns its problems, each a readable line naming the
record and what differs: `order #1001: status expected ACCEPTED, got PENDING_VENDOR`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import asyncpg

if TYPE_CHECKING:
    from testing.fixtures import Actor

Actors = Mapping[str, "Actor"]
Run = Callable[[asyncpg.Connection, Actors, dict[str, Any]], Awaitable[list[str]]]
Validate = Callable[[dict[str, Any], Actors], str | None]


@dataclass(frozen=True)
class Check:
    name: str
    run: Run
    selects: frozenset[str]            # keys that pick what is checked (an order id, an actor)
    compares: frozenset[str]           # keys that say what it must be; a spec names at least one
    required: frozenset[str]
    roles: Mapping[str, str | None]    # key naming an actor → the role it must have (None: any)
    validate: Validate | None = None   # rules beyond keys and actors

    def problem(self, spec: Any, actors: Actors) -> str | None:
        """What is wrong with one spec of this check as written (None: nothing)."""
        if not isinstance(spec, dict):
            return f"needs a mapping of {sorted(self.selects | self.compares)}"
        if unknown := set(spec) - self.selects - self.compares:
            return f"unknown keys {sorted(unknown)} (known: {sorted(self.selects | self.compares)})"
        if missing := self.required - set(spec):
            return f"needs {', '.join(sorted(missing))}"
        if not set(spec) & self.compares:
            return f"compares nothing: name one of {sorted(self.compares)}"
        for key, role in self.roles.items():
            if key in spec and spec[key] is not None and (problem := actor_problem(spec[key], role, actors)):
                return f"{key}: {problem}"
        return self.validate(spec, actors) if self.validate else None


CHECKS: dict[str, Check] = {}


def check(name: str, *, selects: tuple[str, ...] = (), compares: tuple[str, ...], required: tuple[str, ...] = (),
          roles: Mapping[str, str | None] | None = None, validate: Validate | None = None) -> Callable[[Run], Run]:
    """Register `run` as the check `name`."""
    def register(run: Run) -> Run:
        CHECKS[name] = Check(name, run, frozenset(selects), frozenset(compares), frozenset(required),
                             roles or {}, validate)
        return run
    return register


def actor_problem(key: Any, role: str | None, actors: Actors) -> str | None:
    if key not in actors:
        return f"{key!r} is not an actor of the fixture (actors are {list(actors)})"
    if role and actors[key].role != role:
        return f"{key} is a {actors[key].role}, not a {role}"
    return None


def same(got: Any, want: Any) -> bool:
    """Equal as the fixture means it: numbers by value (226.8 is 226.80), anything else as text."""
    if got is None or want is None:
        return got is None and want is None
    if isinstance(want, int | float | Decimal) and not isinstance(want, bool):
        try:
            return Decimal(str(got)) == Decimal(str(want))
        except InvalidOperation:
            return False
    return str(got) == str(want)


def shown(value: Any) -> str:
    """A value as a failure message shows it: amounts as written (226.80, not Decimal('226.80'))."""
    return str(value) if isinstance(value, Decimal) else repr(value)


@dataclass
class Comparison:
    """Collects the differences of one record: `label: key expected X, got Y`."""

    label: str
    problems: list[str] = field(default_factory=list)

    def expect(self, spec: dict[str, Any], key: str, got: Any) -> None:
        if key in spec and not same(got, spec[key]):
            self.problems.append(f"{self.label}: {key} expected {shown(spec[key])}, got {shown(got)}")

    def add(self, problem: str) -> None:
        self.problems.append(f"{self.label}: {problem}")


def row_check(name: str, table: str, columns: Mapping[str, str]) -> None:
    """Register `name: {id, <column>: value, ...}`: one row of `table` by id, compared column by column
    (`columns` maps a fixture key to its SQL expression)."""
    select = ", ".join(f'{sql} AS "{key}"' for key, sql in columns.items())

    async def run(conn: asyncpg.Connection, actors: Actors, spec: dict[str, Any]) -> list[str]:
        row = await conn.fetchrow(f"SELECT {select} FROM {table} WHERE id = $1", spec["id"])
        if row is None:
            return [f"{name} #{spec['id']}: no such {name}"]
        comparison = Comparison(f"{name} #{spec['id']}")
        for key in columns:
            comparison.expect(spec, key, row[key])
        return comparison.problems

    check(name, selects=("id",), compares=tuple(columns), required=("id",))(run)
