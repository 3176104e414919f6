"""The fixture format: actors, steps and expectations read from YAML, every rule checked on loading.

    name: a shop owner greets the bot
    actors:
      ram: {role: retailer, phone: "+9779800000001", name: Ram Kirana}
    steps:
      - ram: namaste
        expect:
          ram: {contains: "Namaste Ram Kirana"}
      - advance: 10m          # moves the injected clock and runs the jobs that fall due
      - check:
          order: {actor: ram, count: 0}

See README.md ("Conversation fixtures") for every key. A broken rule is a FixtureError naming the
fixture, the step and the actor or check concerned.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.commands.seed import DEMO_CATALOG
from bot.config import is_e164
from domain.durations import parse_duration
from testing.checks import CHECKS
from testing.expectations import expectation_problems

ROLES = {"retailer", "vendor", "admin", "unknown"}
ACTIONS = ("advance", "check", "press", "send", "sql")  # besides an actor's key: that actor sends a text
SEND_KEYS = {"actor", "text", "media", "id", "location", "cart"}  # location: {lat, lon}; cart: [{sku, quantity}]
CHANNELS = ("twilio", "meta")  # `channel:` a fixture speaks as; without it, the local chat (no 24-hour window)
PRESS_KEYS = {"actor", "payload", "title"}  # a tap on a button or list row: by its id, or by its title


class FixtureError(ValueError):
    """The fixture file itself is wrong."""


@dataclass
class Actor:
    key: str
    role: str
    phone: str
    name: str
    spec: dict[str, Any]


@dataclass(frozen=True)
class Step:
    number: int
    kind: str                   # "say" (an actor's key), "send", "press", "advance", "check" or "sql"
    value: Any                  # the text said, or the value under the action's key
    actor: str | None           # who speaks, for "say", "send" and "press"
    expect: dict[str, Any]      # actor key → expectation; whoever is not named receives nothing
    raw: dict[str, Any]

    def describe(self) -> str:
        return f"step {self.number} {({k: v for k, v in self.raw.items() if k != 'expect'})}"


@dataclass
class Fixture:
    path: Path
    name: str
    actors: dict[str, Actor]
    steps: list[Step]
    catalog: Path | None
    by_phone: dict[str, Actor] = field(default_factory=dict)
    channel: str | None = None  # twilio | meta: WhatsApp's 24-hour window and templates apply

    def __post_init__(self) -> None:
        self.by_phone = {a.phone: a for a in self.actors.values()}


def load_fixture(path: Path) -> Fixture:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise FixtureError(f"{path.name}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or "actors" not in data or "steps" not in data:
        raise FixtureError(f"{path.name}: a fixture needs `actors` and `steps`")
    actors = {}
    for key, spec in (data["actors"] or {}).items():
        if not isinstance(spec, dict) or spec.get("role") not in ROLES:
            raise FixtureError(f"{path.name}: actor {key}: role must be one of {', '.join(sorted(ROLES))}")
        phone = str(spec.get("phone", ""))
        if not is_e164(phone):
            raise FixtureError(f"{path.name}: actor {key}: phone {phone!r} is not E.164")
        actors[key] = Actor(key, spec["role"], phone, str(spec.get("name", key)), spec)
    steps = [_step(path, actors, number, raw) for number, raw in enumerate(data["steps"] or [], 1)]
    channel = data.get("channel")
    if channel not in (None, *CHANNELS):
        raise FixtureError(f"{path.name}: channel must be one of {', '.join(CHANNELS)} (none: the local chat)")
    catalog = data.get("catalog", "demo")
    catalog_path = None if catalog == "none" else DEMO_CATALOG if catalog == "demo" else path.parent / catalog
    return Fixture(path, str(data.get("name", path.stem)), actors, steps, catalog_path, channel=channel)


def _step(path: Path, actors: dict[str, Actor], number: int, raw: Any) -> Step:
    def error(text: str) -> FixtureError:
        return FixtureError(f"{path.name}: step {number}: {text}")

    if not isinstance(raw, dict):
        raise error("must be a mapping")
    unknown = [k for k in raw if k not in actors and k not in (*ACTIONS, "expect")]
    if unknown:
        raise error(f"unknown keys {unknown} (actors are {list(actors)})")
    actions = [k for k in raw if k != "expect"]
    if len(actions) != 1:
        raise error("needs exactly one of an actor, send, press, advance, check or sql")
    key = actions[0]
    kind, value, actor = ("say", raw[key], key) if key in actors else (key, raw[key], None)
    if kind == "send":
        if not isinstance(value, dict) or set(value) - SEND_KEYS or value.get("actor") not in actors:
            raise error(f"send needs an actor of the fixture and only the keys {sorted(SEND_KEYS)}")
        actor = value["actor"]
        location, cart = value.get("location"), value.get("cart")
        if location is not None and (not isinstance(location, dict) or set(location) != {"lat", "lon"}):
            raise error("send location needs lat and lon")
        if cart is not None and (not isinstance(cart, list) or not all(
                isinstance(i, dict) and set(i) == {"sku", "quantity"} for i in cart)):
            raise error("send cart is a list of {sku, quantity}")
    elif kind == "press":
        if (not isinstance(value, dict) or set(value) - PRESS_KEYS or value.get("actor") not in actors
                or len({"payload", "title"} & set(value)) != 1):
            raise error("press needs an actor of the fixture and one of payload or title")
        actor = value["actor"]
    elif kind == "advance":
        try:
            parse_duration(value)
        except ValueError as exc:
            raise error(f"advance: {exc}") from exc
    elif kind == "check":
        _validate_checks(value, actors, error)
    expect = raw.get("expect") or {}
    if expect and kind in ("check", "sql"):
        raise error(f"a {kind} step sends nothing: expect belongs to a step that acts")
    if not isinstance(expect, dict):
        raise error("expect must map actors to what they receive")
    for who, expectation in expect.items():
        if who not in actors:
            raise error(f"expect names unknown actor {who!r} (actors are {list(actors)})")
        if problem := expectation_problems(expectation):
            raise error(f"expectation for {who}: {problem}")
    return Step(number, kind, value, actor, expect, raw)


def _validate_checks(value: Any, actors: dict[str, Actor], error: Callable[[str], FixtureError]) -> None:
    if not isinstance(value, dict) or not value:
        raise error(f"check needs named checks ({', '.join(sorted(CHECKS))})")
    for name, specs in value.items():
        if name not in CHECKS:
            raise error(f"unknown check {name!r} (known: {', '.join(sorted(CHECKS))})")
        for spec in specs if isinstance(specs, list) else [specs]:
            if problem := CHECKS[name].problem(spec, actors):
                raise error(f"check {name}: {problem}")
