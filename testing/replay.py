"""Replaying a conversation fixture through the full stack, strictly.

After each step: every actor named under `expect` got what it says, every other actor and every
number that is no actor got nothing, no message to a person holds an internal name (testing.leaks),
and every inbound message so far ended handled. The first step that breaks one of these fails the
fixture with a readable diff: the step, the problems (each naming the actor or record), and every
message sent in the step.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.channels.base import Media, OutboundMessage
from bot.local import LocalSession
from bot.runtime import Runtime
from domain.durations import parse_duration
from domain.interactive import Interactive
from jobs.schedule import PERIODIC
from storage.clock import FakeClock
from testing.cast import stage
from testing.checks import CHECKS
from testing.database import reset_database
from testing.expectations import as_list, unmet
from testing.fixtures import Fixture, FixtureError, Step, load_fixture
from testing.leaks import leaks

PEOPLE = {"retailer", "vendor", "unknown"}  # their messages may hold no internal name (see testing.leaks)


class ReplayFailure(AssertionError):
    """The bot did not answer as the fixture expects; the message is a readable diff."""


class Replayer:
    def __init__(self, runtime: Runtime) -> None:
        if not isinstance(runtime.clock, FakeClock):
            raise TypeError("fixtures need a runtime built with a FakeClock")
        self.runtime = runtime
        self.clock: FakeClock = runtime.clock
        self.session = LocalSession(runtime)
        self._last_run: dict[str, Any] = {}
        self._shown: dict[str, Interactive] = {}  # phone → the buttons or list last sent to it

    async def run(self, fixture: Fixture) -> int:
        """Replay every step; raise ReplayFailure at the first step not as expected. Returns steps run."""
        await reset_database(self.runtime)
        self.clock.reset()
        self.session = LocalSession(self.runtime, channel=fixture.channel)
        self._last_run = {job.name: self.clock.now() for job in PERIODIC}
        await stage(fixture, self.runtime)
        self._shown.clear()
        for step in fixture.steps:
            sent = await self._act(fixture, step)
            await self._verify(fixture, step, sent)
        return len(fixture.steps)

    async def _act(self, fixture: Fixture, step: Step) -> list[OutboundMessage]:
        if step.kind == "advance":
            self.clock.advance(parse_duration(step.value))
            return await self.run_due_jobs()
        if step.kind == "sql":  # set-up a conversation cannot make: statements, or {file: x.sql} beside the fixture
            async with self.runtime.pool.acquire() as conn, conn.transaction():
                for statement in as_list(step.value):
                    if isinstance(statement, dict):
                        statement = (fixture.path.parent / statement["file"]).read_text(encoding="utf-8")
                    await conn.execute(statement)
            return []
        if step.kind == "send":
            spec = step.value
            media = tuple(Media(url=str(fixture.path.parent / m["file"]), content_type=m["content_type"])
                          for m in as_list(spec.get("media")))
            return await self.session.say(fixture.actors[spec["actor"]].phone, str(spec.get("text", "")), media,
                                          provider_id=spec.get("id"), extra=_extra(spec))
        if step.kind == "say":
            return await self.session.say(fixture.actors[step.actor or ""].phone, str(step.value))
        if step.kind == "press":
            return await self._press(fixture, step)
        return []  # a check step only reads

    async def _press(self, fixture: Fixture, step: Step) -> list[OutboundMessage]:
        """A tap on a button or row of the last message that showed some to the actor."""
        phone = fixture.actors[step.actor or ""].phone
        shown = self._shown.get(phone)
        choices = shown.choices if shown else ()
        if "title" in step.value:
            found = [c for c in choices if c.title.casefold() == str(step.value["title"]).casefold()]
        else:
            found = [c for c in choices if c.id == str(step.value["payload"])]
        if not found:
            offered = ", ".join(f"{c.title!r} ({c.id})" for c in choices) or "nothing"
            raise ReplayFailure(f"{fixture.path.name}: {step.describe()}: no such button or row;"
                                f" the last message to {step.actor} offered {offered}")
        return await self.session.press(phone, found[0].id, found[0].title)

    async def run_due_jobs(self) -> list[OutboundMessage]:
        ctx = self.session.job_context()
        now = self.clock.now()
        for job in PERIODIC:
            if now - self._last_run[job.name] >= job.every:
                await job.func(ctx)
                self._last_run[job.name] = now
        return await self.session.flush()

    async def _verify(self, fixture: Fixture, step: Step, sent: list[OutboundMessage]) -> None:
        received: dict[str, list[str]] = {}
        problems: list[str] = []
        for message in sent:
            actor = fixture.by_phone.get(message.recipient)
            who = actor.key if actor else message.recipient
            received.setdefault(who, []).append(shown_text(message))
            if message.interactive is not None:
                self._shown[message.recipient] = message.interactive
            elif message.recipient in self._shown:
                del self._shown[message.recipient]
            if (actor is None or actor.role in PEOPLE) and (found := leaks(shown_text(message))):
                problems.append(f"{who}: internal names in a message to a {actor.role if actor else 'person'}:"
                                f" {', '.join(found)}")
        for who, expectation in step.expect.items():
            problems += [f"{who}: {p}" for p in unmet(expectation, received.get(who, []))]
        for who, bodies in received.items():
            if who not in step.expect:
                problems.append(f"{who}: got {len(bodies)} message(s), but the step expects nothing for {who}"
                                if who in fixture.actors else
                                f"{who}: got {len(bodies)} message(s), but {who} is no actor of the fixture")
        problems += await self._unhandled(fixture)
        if step.kind == "check":
            problems += await self._check(fixture, step.value)
        if problems:
            raise ReplayFailure(_diff(fixture, step, received, problems))

    async def _unhandled(self, fixture: Fixture) -> list[str]:
        """Every inbound message must end handled ('done'); one that failed or is still waiting fails the step."""
        async with self.runtime.pool.acquire() as conn:
            rows = await conn.fetch("SELECT id, phone, body, status, error FROM inbound_messages"
                                    " WHERE status <> 'done' ORDER BY id")
        problems = []
        for row in rows:
            actor = fixture.by_phone.get(row["phone"])
            error = f" ({row['error']})" if row["error"] else ""
            problems.append(f"{actor.key if actor else row['phone']}: inbound message #{row['id']} {row['body']!r}"
                            f" was not handled: {row['status']}{error}")
        return problems

    async def _check(self, fixture: Fixture, checks: dict[str, Any]) -> list[str]:
        problems = []
        async with self.runtime.pool.acquire() as conn:
            for name, specs in checks.items():
                for spec in as_list(specs):
                    problems += await CHECKS[name].run(conn, fixture.actors, spec)
        return problems


def _extra(spec: dict[str, Any]) -> dict[str, Any]:
    """What a channel puts in a message's extra for a shared location or a catalogue cart."""
    extra: dict[str, Any] = {}
    if spec.get("location"):
        extra.update(Latitude=str(spec["location"]["lat"]), Longitude=str(spec["location"]["lon"]))
    if spec.get("cart") is not None:
        extra.update(Kind="order", CatalogId="fixture", OrderItems=[
            {"sku": str(i["sku"]), "quantity": i["quantity"]} for i in spec["cart"]])
    return extra


def shown_text(message: OutboundMessage) -> str:
    """A message as the fixture reads it: the body, and under it each button or row as [title]."""
    if message.interactive is None:
        return message.body
    return message.body + "\n" + " ".join(f"[{c.title}]" for c in message.interactive.choices)


def _diff(fixture: Fixture, step: Step, received: dict[str, list[str]], problems: list[str]) -> str:
    lines = [f"{fixture.path.name}: {step.describe()}", "", "problems:"]
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
