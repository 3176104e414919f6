"""Conversation fixtures: multi-actor YAML conversations replayed through the full stack.

    name: a shop owner greets the bot
    actors:
      ram: {role: retailer, phone: "+9779800000001", name: Ram Kirana}
    steps:
      - ram: namaste
        expect:
          ram: {contains: "Namaste Ram Kirana"}
      - advance: 10m          # moves the injected clock and runs the jobs that fall due
      - check:
          sql: {query: "SELECT count(*) FROM inbound_messages", equals: 1}

See README.md ("Conversation fixtures") for every key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from bot.channels.base import Media, OutboundMessage
from bot.commands.catalog import import_catalog
from bot.commands.seed import DEMO_CATALOG
from bot.config import is_e164, parse_duration
from bot.leaks import leaks
from bot.local import LocalSession
from bot.replay_checks import check_amount
from bot.runtime import Runtime
from jobs.schedule import PERIODIC
from storage.clock import FakeClock
from storage.db import connect
from storage.repos.users import UserRepository

ROLES = {"retailer", "vendor", "admin", "unknown"}
PEOPLE = {"retailer", "vendor", "unknown"}  # their messages may hold no internal name (see bot.leaks)
EXPECT_KEYS = {"contains", "not_contains", "regex", "count", "none"}
STEP_KINDS = ("advance", "check", "send", "sql")


class FixtureError(ValueError):
    """The fixture file itself is wrong."""


class ReplayFailure(AssertionError):
    """The bot did not answer as the fixture expects; the message is a readable diff."""


@dataclass
class Actor:
    key: str
    role: str
    phone: str
    name: str
    spec: dict[str, Any]


@dataclass
class Fixture:
    path: Path
    name: str
    actors: dict[str, Actor]
    steps: list[dict[str, Any]]
    catalog: Path | None
    by_phone: dict[str, Actor] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_phone = {a.phone: a for a in self.actors.values()}


def load_fixture(path: Path) -> Fixture:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise FixtureError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or "actors" not in data or "steps" not in data:
        raise FixtureError(f"{path}: a fixture needs `actors` and `steps`")
    actors = {}
    for key, spec in (data["actors"] or {}).items():
        if not isinstance(spec, dict) or spec.get("role") not in ROLES:
            raise FixtureError(f"{path}: actor {key}: role must be one of {', '.join(sorted(ROLES))}")
        phone = str(spec.get("phone", ""))
        if not is_e164(phone):
            raise FixtureError(f"{path}: actor {key}: phone {phone!r} is not E.164")
        actors[key] = Actor(key, spec["role"], phone, str(spec.get("name", key)), spec)
    steps = data["steps"] or []
    for i, step in enumerate(steps, 1):
        if not isinstance(step, dict):
            raise FixtureError(f"{path}: step {i} must be a mapping")
        actions = [k for k in step if k in actors or k in STEP_KINDS]
        unknown = [k for k in step if k not in actors and k not in (*STEP_KINDS, "expect")]
        if unknown:
            raise FixtureError(f"{path}: step {i}: unknown keys {unknown} (actors are {list(actors)})")
        if len(actions) != 1:
            raise FixtureError(f"{path}: step {i} needs exactly one of an actor, send, advance, check or sql")
        for who, expectation in (step.get("expect") or {}).items():
            if who not in actors:
                raise FixtureError(f"{path}: step {i}: expect names unknown actor {who!r}")
            if expectation != "none" and (not isinstance(expectation, str | dict | list) or (
                    isinstance(expectation, dict) and set(expectation) - EXPECT_KEYS)):
                raise FixtureError(f"{path}: step {i}: expectation for {who} uses keys outside "
                                   f"{sorted(EXPECT_KEYS)}")
    catalog = data.get("catalog", "demo")
    catalog_path = None if catalog == "none" else DEMO_CATALOG if catalog == "demo" else path.parent / catalog
    return Fixture(path, str(data.get("name", path.stem)), actors, steps, catalog_path)


async def wipe_refusal(database_url: str) -> str | None:
    """Why replaying must not empty this database, or None: it may (its name says test, or it holds
    no rows). Fixtures start by truncating every table."""
    conn = await connect(database_url)
    try:
        name = await conn.fetchval("SELECT current_database()")
        if "test" in name.lower():
            return None
        tables = [r["tablename"] for r in await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations'")]
        holding = [t for t in tables if await conn.fetchval(f'SELECT EXISTS (SELECT 1 FROM "{t}")')]
    finally:
        await conn.close()
    if not holding:
        return None
    return (f"refusing to replay: database {name!r} holds data ({len(holding)} tables with rows, e.g."
            f" {', '.join(sorted(holding)[:3])}) and replaying empties every table. Point DATABASE_URL at an"
            " empty database or one whose name contains 'test', or pass --yes-wipe to empty this one.")


async def reset_database(runtime: Runtime) -> None:
    async with runtime.pool.acquire() as conn:
        tables = [r["tablename"] for r in await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations'")]
        await conn.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        await conn.execute("ALTER SEQUENCE order_numbers RESTART WITH 1001")
    async for key in runtime.redis.scan_iter(match="khaacho:*"):
        await runtime.redis.delete(key)


async def _cast(fixture: Fixture, runtime: Runtime) -> None:
    """Create the fixture's catalogue and actors."""
    if fixture.catalog:
        await import_catalog(fixture.catalog, runtime.config.secrets.database_url or "", progress=False)
    async with runtime.pool.acquire() as conn, conn.transaction():
        users = UserRepository(conn)
        for actor in fixture.actors.values():
            spec = actor.spec
            if actor.role == "retailer":
                limit = Decimal(str(spec.get("credit_limit", runtime.config.credit.default_limit)))
                uid = await users.add_retailer(actor.phone, actor.name, limit, address=spec.get("address"),
                                               lat=spec.get("lat"), lon=spec.get("lon"))
            elif actor.role == "vendor":
                products = spec.get("products", "all")
                uid = await users.add_vendor(actor.phone, actor.name, lat=spec.get("lat"), lon=spec.get("lon"),
                                             products=None if products == "all" else list(products))
                for sku, qty in (spec.get("stock") or {}).items():
                    await conn.execute("UPDATE vendor_products SET stock = $3 WHERE vendor_id = $1 AND sku = $2",
                                       uid, sku, Decimal(str(qty)))
            elif actor.role == "admin":
                uid = await users.upsert(actor.phone, actor.name, "admin")
            else:
                continue
            if spec.get("language"):
                await users.set_language(uid, spec["language"])
    await runtime.nlu.refresh(runtime.pool, force=True)


def _matches(expectation: Any, replies: list[str]) -> list[str]:
    """What is wrong with `replies` against one actor's expectation (empty: all good)."""
    joined = "\n".join(replies)
    if expectation == "none":
        return [f"expected no message, got {len(replies)}"] if replies else []
    if isinstance(expectation, str | list):
        expectation = {"contains": expectation}
    problems = []
    for text in _as_list(expectation.get("contains")):
        if str(text).lower() not in joined.lower():
            problems.append(f"expected to contain {text!r}")
    for text in _as_list(expectation.get("not_contains")):
        if str(text).lower() in joined.lower():
            problems.append(f"expected not to contain {text!r}")
    for pattern in _as_list(expectation.get("regex")):
        if not re.search(pattern, joined, re.IGNORECASE | re.MULTILINE):
            problems.append(f"expected to match /{pattern}/")
    if "count" in expectation and len(replies) != int(expectation["count"]):
        problems.append(f"expected {expectation['count']} message(s), got {len(replies)}")
    if not replies and not problems and expectation.get("count") != 0:
        problems.append("expected a message, got none")
    return problems


def _as_list(value: Any) -> list[Any]:
    return [] if value is None else value if isinstance(value, list) else [value]


class Replayer:
    def __init__(self, runtime: Runtime) -> None:
        if not isinstance(runtime.clock, FakeClock):
            raise TypeError("fixtures need a runtime built with a FakeClock")
        self.runtime = runtime
        self.clock: FakeClock = runtime.clock
        self.session = LocalSession(runtime)
        self._last_run: dict[str, Any] = {}

    async def run(self, fixture: Fixture) -> int:
        """Replay every step; raise ReplayFailure at the first expectation not met. Returns steps run."""
        await reset_database(self.runtime)
        self.clock.reset()
        self._last_run = {job.name: self.clock.now() for job in PERIODIC}
        await _cast(fixture, self.runtime)
        for number, step in enumerate(fixture.steps, 1):
            sent = await self._act(fixture, step)
            await self._verify(fixture, number, step, sent)
        return len(fixture.steps)

    async def _act(self, fixture: Fixture, step: dict[str, Any]) -> list[OutboundMessage]:
        if "advance" in step:
            self.clock.advance(parse_duration(step["advance"]))
            return await self.run_due_jobs()
        if "check" in step:
            return []
        if "sql" in step:  # set-up a conversation cannot make: statements, or {file: x.sql} beside the fixture
            async with self.runtime.pool.acquire() as conn, conn.transaction():
                for statement in _as_list(step["sql"]):
                    if isinstance(statement, dict):
                        statement = (fixture.path.parent / statement["file"]).read_text(encoding="utf-8")
                    await conn.execute(statement)
            return []
        if "send" in step:
            spec = step["send"]
            actor = fixture.actors[spec["actor"]]
            media = tuple(Media(url=str(fixture.path.parent / m["file"]), content_type=m["content_type"])
                          for m in _as_list(spec.get("media")))
            return await self.session.say(actor.phone, str(spec.get("text", "")), media,
                                          provider_id=spec.get("id"))
        key = next(k for k in step if k in fixture.actors)
        return await self.session.say(fixture.actors[key].phone, str(step[key]))

    async def run_due_jobs(self) -> list[OutboundMessage]:
        ctx = self.session.job_context()
        now = self.clock.now()
        for job in PERIODIC:
            if now - self._last_run[job.name] >= job.every:
                await job.func(ctx)
                self._last_run[job.name] = now
        return await self.session.flush()

    async def _verify(self, fixture: Fixture, number: int, step: dict[str, Any],
                      sent: list[OutboundMessage]) -> None:
        received: dict[str, list[str]] = {}
        problems: list[str] = []
        for message in sent:
            actor = fixture.by_phone.get(message.recipient)
            received.setdefault(actor.key if actor else message.recipient, []).append(message.body)
            if (actor is None or actor.role in PEOPLE) and (found := leaks(message.body)):
                problems.append(f"{actor.key if actor else message.recipient}: internal names in a message to a"
                                f" {actor.role if actor else 'person'}: {', '.join(found)}")
        for who, expectation in (step.get("expect") or {}).items():
            problems += [f"{who}: {p}" for p in _matches(expectation, received.get(who, []))]
        for name, spec in (step.get("check") or {}).items():
            problems += await self._check(fixture, name, spec)
        if problems:
            raise ReplayFailure(_diff(fixture, number, step, received, problems))

    async def _check(self, fixture: Fixture, name: str, spec: dict[str, Any]) -> list[str]:
        async with self.runtime.pool.acquire() as conn:
            if name == "sql":
                got = await conn.fetchval(spec["query"], *spec.get("args", []))
                want = spec["equals"]
                same = str(got) == str(want) or (isinstance(want, int | float) and got is not None
                                                 and Decimal(str(got)) == Decimal(str(want)))
                return [] if same else [f"sql {spec['query']!r}: expected {want!r}, got {got!r}"]
            if name == "order":
                row = await conn.fetchrow(
                    "SELECT o.id, o.status, o.total, v.phone AS vendor FROM orders o"
                    " JOIN users r ON r.id = o.retailer_id LEFT JOIN users v ON v.id = o.vendor_id"
                    " WHERE ($1::bigint IS NULL OR o.id = $1) AND ($2::text IS NULL OR r.phone = $2)"
                    " ORDER BY o.id DESC LIMIT 1",
                    spec.get("id"), fixture.actors[spec["actor"]].phone if "actor" in spec else None)
                if row is None:
                    return [f"order {spec}: no such order"]
                problems = []
                for key in ("status", "total"):
                    if key in spec and str(row[key]) != str(spec[key]) and not (
                            key == "total" and Decimal(str(row[key])) == Decimal(str(spec[key]))):
                        problems.append(f"order #{row['id']}: {key} expected {spec[key]!r}, got {row[key]!r}")
                if "vendor" in spec and row["vendor"] != fixture.actors[spec["vendor"]].phone:
                    problems.append(f"order #{row['id']}: vendor expected {spec['vendor']}, got {row['vendor']}")
                return problems
            if name in ("ledger", "stock"):
                return await check_amount(conn, fixture.actors, name, spec)
        raise FixtureError(f"unknown check {name!r} (known: sql, order, ledger, stock)")


def _diff(fixture: Fixture, number: int, step: dict[str, Any], received: dict[str, list[str]],
          problems: list[str]) -> str:
    action = {k: v for k, v in step.items() if k != "expect"}
    lines = [f"{fixture.path.name}: step {number} {action}", "", "problems:"]
    lines += [f"  ✗ {p}" for p in problems]
    lines += ["", "messages sent in this step:"]
    if not received:
        lines.append("  (none)")
    for who, bodies in received.items():
        for body in bodies:
            lines.append(f"  → {who}:")
            lines += [f"      {line}" for line in body.splitlines()]
    return "\n".join(lines)


async def replay_paths(runtime: Runtime, paths: list[Path]) -> list[tuple[Path, str | None]]:
    """Replay fixture files (folders are searched for *.yml); [(path, failure text or None)]."""
    files = [f for p in paths for f in (sorted(p.glob("*.yml")) if p.is_dir() else [p])]
    replayer = Replayer(runtime)
    results = []
    for path in files:
        try:
            await replayer.run(load_fixture(path))
            results.append((path, None))
        except (ReplayFailure, FixtureError) as exc:
            results.append((path, str(exc)))
    return results



